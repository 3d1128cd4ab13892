//! Constructors and methods of the builtin types.

use super::builtins::{arity, sort_values};
use crate::value::object::{AttrMap, Class, IterState, Native, Range};
use crate::value::{types, Dict, PyResult, Symbol, Value};
use crate::vm::exceptions;
use crate::vm::ops;
use crate::vm::Vm;
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

fn method(class: &Rc<Class>, name: &'static str, f: crate::value::object::NativeFn) {
    types::set_class_attr(class, name, Value::builtin(name, f));
}

/// Installs constructors and methods on the builtin classes and the iterator builtins.
pub fn register(g: &mut AttrMap) {
    let mut def = |name: &'static str, f: crate::value::object::NativeFn| {
        g.insert(Symbol::new(name), Value::builtin(name, f));
    };
    def("enumerate", enumerate);
    def("zip", zip);
    def("map", map);
    def("filter", filter);
    def("reversed", reversed);
    types::with_types(|t| {
        method(&t.object, "__new__", object_new);
        method(&t.int, "__new__", int_new);
        method(&t.bool_, "__new__", bool_new);
        method(&t.float, "__new__", float_new);
        method(&t.str_, "__new__", str_new);
        method(&t.list, "__new__", list_new);
        method(&t.tuple, "__new__", tuple_new);
        method(&t.dict, "__new__", dict_new);
        method(&t.set, "__new__", set_new);
        method(&t.frozenset, "__new__", frozenset_new);
        method(&t.range, "__new__", range_new);
        method(&t.type_, "__new__", type_new);
        method(&t.property, "__new__", property_new);
        method(&t.staticmethod, "__new__", staticmethod_new);
        method(&t.classmethod, "__new__", classmethod_new);
        method(&t.super_, "__new__", super_new);
        method(&t.base_exception, "__init__", exc_init);
        method(&t.base_exception, "__str__", exc_str);
        method(&t.base_exception, "__repr__", exc_repr);
        method(&t.key_error, "__str__", key_error_str);
        method(&t.object, "__init__", object_init);

        method(&t.list, "append", list_append);
        method(&t.list, "pop", list_pop);
        method(&t.list, "extend", list_extend);
        method(&t.list, "insert", list_insert);
        method(&t.list, "sort", list_sort);
        method(&t.list, "reverse", list_reverse);
        method(&t.list, "copy", list_copy);
        method(&t.list, "clear", list_clear);
        method(&t.list, "index", seq_index);
        method(&t.list, "count", seq_count);
        method(&t.list, "remove", list_remove);
        method(&t.tuple, "index", seq_index);
        method(&t.tuple, "count", seq_count);

        method(&t.dict, "get", dict_get);
        method(&t.dict, "keys", dict_keys);
        method(&t.dict, "values", dict_values);
        method(&t.dict, "items", dict_items);
        method(&t.dict, "pop", dict_pop);
        method(&t.dict, "setdefault", dict_setdefault);
        method(&t.dict, "update", dict_update);
        method(&t.dict, "copy", dict_copy);
        method(&t.dict, "clear", dict_clear);

        method(&t.set, "add", set_add);
        method(&t.set, "discard", set_discard);
        method(&t.set, "remove", set_remove);

        method(&t.str_, "join", str_join);
        method(&t.str_, "split", str_split);
        method(&t.str_, "strip", str_strip);
        method(&t.str_, "upper", str_upper);
        method(&t.str_, "lower", str_lower);
        method(&t.str_, "replace", str_replace);
        method(&t.str_, "startswith", str_startswith);
        method(&t.str_, "endswith", str_endswith);
        method(&t.str_, "find", str_find);
        method(&t.str_, "format", str_format);
    });
}

fn this<'a>(args: &'a [Value], name: &str) -> PyResult<&'a Value> {
    args.first().ok_or_else(|| types::type_error(format!("descriptor '{name}' needs an argument")))
}

fn object_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.first() {
        Some(Value::Class(c)) => Ok(Value::Instance(Rc::new(crate::value::object::Instance {
            class: c.clone(),
            dict: Default::default(),
            exc: None,
        }))),
        _ => Err(types::type_error("object.__new__(X): X is not a type object")),
    }
}

fn object_init(_vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::None)
}

fn int_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let args = &args[1..];
    let base = args.get(1).or_else(|| kwargs.iter().find(|(k, _)| k.with(|s| s == "base")).map(|(_, v)| v));
    match (args.first(), base) {
        (None, _) => Ok(Value::Int(0)),
        (Some(Value::Str(s)), b) => {
            let radix = b.and_then(|b| b.as_i64()).unwrap_or(10) as u32;
            let t = s.text.trim().replace('_', "");
            let (neg, digits) = match t.strip_prefix('-') {
                Some(d) => (true, d.to_string()),
                None => (false, t.trim_start_matches('+').to_string()),
            };
            let digits = if radix == 16 { digits.trim_start_matches("0x").to_string() } else { digits };
            match num_bigint::BigInt::parse_bytes(digits.as_bytes(), radix) {
                Some(n) if !digits.is_empty() => Ok(Value::from_bigint(if neg { -n } else { n })),
                _ => Err(types::value_error(format!(
                    "invalid literal for int() with base {}: {}",
                    radix,
                    ops::str_repr(&s.text)
                ))),
            }
        }
        (Some(v @ (Value::Int(_) | Value::BigInt(_))), None) => Ok(v.clone()),
        (Some(Value::Bool(b)), None) => Ok(Value::Int(*b as i64)),
        (Some(Value::Float(f)), None) => {
            if f.is_nan() {
                return Err(types::value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(types::overflow_error("cannot convert float infinity to integer"));
            }
            let t = f.trunc();
            if t.abs() < 9.2e18 {
                Ok(Value::Int(t as i64))
            } else {
                Ok(Value::from_bigint(num_traits::FromPrimitive::from_f64(t).unwrap_or_default()))
            }
        }
        (Some(v @ Value::Instance(i)), None) => match i.class.lookup(crate::value::intern::sym::INT) {
            Some(f) => vm.call(&f, &[v.clone()]),
            None => Err(types::type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                v.type_name()
            ))),
        },
        (Some(v), _) => Err(types::type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            v.type_name()
        ))),
    }
}

fn bool_new(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.get(1) {
        Some(v) => Ok(Value::Bool(ops::truthy(vm, v)?)),
        None => Ok(Value::Bool(false)),
    }
}

fn float_new(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.get(1) {
        None => Ok(Value::Float(0.0)),
        Some(Value::Float(f)) => Ok(Value::Float(*f)),
        Some(v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))) => {
            use num_traits::ToPrimitive;
            v.as_bigint()
                .and_then(|b| b.to_f64())
                .filter(|f| f.is_finite())
                .map(Value::Float)
                .ok_or_else(|| types::overflow_error("int too large to convert to float"))
        }
        Some(Value::Str(s)) => {
            let t = s.text.trim().to_lowercase().replace('_', "");
            let parsed = match t.as_str() {
                "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
                "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
                "nan" | "+nan" | "-nan" => Some(f64::NAN),
                _ => t.parse::<f64>().ok().filter(|_| !t.contains("inf") && !t.contains("nan")),
            };
            parsed.map(Value::Float).ok_or_else(|| {
                types::value_error(format!("could not convert string to float: {}", ops::str_repr(&s.text)))
            })
        }
        Some(v @ Value::Instance(i)) => match i.class.lookup(crate::value::intern::sym::FLOAT) {
            Some(f) => vm.call(&f, &[v.clone()]),
            None => Err(types::type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                v.type_name()
            ))),
        },
        Some(v) => Err(types::type_error(format!(
            "float() argument must be a string or a real number, not '{}'",
            v.type_name()
        ))),
    }
}

fn str_new(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.get(1) {
        None => Ok(Value::str("")),
        Some(v) => Ok(Value::str(ops::str_of(vm, v)?)),
    }
}

fn list_new(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.get(1) {
        None => Ok(Value::list(Vec::new())),
        Some(v) => Ok(Value::list(ops::collect_iterable(vm, v)?)),
    }
}

fn tuple_new(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.get(1) {
        None => Ok(Value::tuple(Vec::new())),
        Some(v @ Value::Tuple(_)) => Ok(v.clone()),
        Some(v) => Ok(Value::tuple(ops::collect_iterable(vm, v)?)),
    }
}

fn dict_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let d = Rc::new(std::cell::RefCell::new(Dict::new()));
    if let Some(src) = args.get(1) {
        fill_dict(vm, &d, src)?;
    }
    for (k, v) in kwargs {
        ops::dict_set(vm, &d, Value::str(k.text().to_string()), v.clone())?;
    }
    Ok(Value::Dict(d))
}

fn fill_dict(vm: &mut Vm, d: &std::cell::RefCell<Dict>, src: &Value) -> PyResult<()> {
    if let Value::Dict(_) = src {
        return ops::dict_update(vm, d, src, false);
    }
    for (i, item) in ops::collect_iterable(vm, src)?.into_iter().enumerate() {
        let pair = ops::collect_iterable(vm, &item).map_err(|_| {
            types::type_error(format!("cannot convert dictionary update sequence element #{i} to a sequence"))
        })?;
        if pair.len() != 2 {
            return Err(types::value_error(format!(
                "dictionary update sequence element #{} has length {}; 2 is required",
                i,
                pair.len()
            )));
        }
        ops::dict_set(vm, d, pair[0].clone(), pair[1].clone())?;
    }
    Ok(())
}

fn set_new(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let items = match args.get(1) {
        Some(v) => ops::collect_iterable(vm, v)?,
        None => Vec::new(),
    };
    ops::new_set(vm, items, false)
}

fn frozenset_new(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let items = match args.get(1) {
        Some(v) => ops::collect_iterable(vm, v)?,
        None => Vec::new(),
    };
    ops::new_set(vm, items, true)
}

fn range_new(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let args = &args[1..];
    arity("range", args, 1, 3)?;
    let mut nums = Vec::new();
    for a in args {
        nums.push(ops::index_of(vm, a, "range").map_err(|_| {
            types::type_error(format!("'{}' object cannot be interpreted as an integer", a.type_name()))
        })?);
    }
    let (start, stop, step) = match nums.len() {
        1 => (0, nums[0], 1),
        2 => (nums[0], nums[1], 1),
        _ => (nums[0], nums[1], nums[2]),
    };
    if step == 0 {
        return Err(types::value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(Rc::new(Range { start, stop, step })))
}

fn type_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.len() {
        2 => Ok(Value::Class(args[1].class())),
        _ => Err(types::type_error("type() takes 1 or 3 arguments")),
    }
}

fn property_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let get = |i: usize| args.get(i).cloned().unwrap_or(Value::None);
    Ok(Value::native(Native::Property { fget: get(1), fset: get(2), fdel: get(3), doc: get(4) }))
}

fn staticmethod_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::native(Native::StaticMethod(args.get(1).cloned().unwrap_or(Value::None))))
}

fn classmethod_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::native(Native::ClassMethod(args.get(1).cloned().unwrap_or(Value::None))))
}

fn super_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match (args.get(1), args.get(2)) {
        (Some(Value::Class(c)), Some(obj)) => Ok(Value::native(Native::Super { class: c.clone(), obj: obj.clone() })),
        (Some(Value::Undef) | None, _) | (_, Some(Value::Undef)) => {
            Err(types::runtime_error("super(): no arguments"))
        }
        _ => Err(types::runtime_error("super(): __class__ cell not found")),
    }
}

fn exc_init(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if let Some(d) = args.first().and_then(|e| e.exc_data()) {
        d.borrow_mut().args = args[1..].to_vec();
    }
    Ok(Value::None)
}

fn exc_str(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let e = this(args, "__str__")?;
    let a = exceptions::exc_args(e);
    Ok(Value::str(match a.len() {
        0 => String::new(),
        1 => ops::str_of(vm, &a[0])?,
        _ => ops::repr(vm, &Value::tuple(a))?,
    }))
}

fn key_error_str(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let e = this(args, "__str__")?;
    let a = exceptions::exc_args(e);
    Ok(Value::str(match a.len() {
        0 => String::new(),
        1 => ops::repr(vm, &a[0])?,
        _ => ops::repr(vm, &Value::tuple(a))?,
    }))
}

fn exc_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let e = this(args, "__repr__")?;
    let a = exceptions::exc_args(e);
    let name = e.class().name.clone();
    Ok(Value::str(match a.len() {
        1 => format!("{}({})", name, ops::repr(vm, &a[0])?),
        _ => format!("{}{}", name, ops::repr(vm, &Value::tuple(a))?),
    }))
}

fn enumerate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("enumerate", args, 1, 2)?;
    let inner = ops::get_iter(vm, &args[0])?;
    let start = args.get(1).or_else(|| kwargs.first().map(|(_, v)| v)).cloned().unwrap_or(Value::Int(0));
    Ok(ops::new_iter(IterState::Enumerate { inner, count: start }, "enumerate"))
}

fn zip(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let mut inners = Vec::new();
    for a in args {
        inners.push(ops::get_iter(vm, a)?);
    }
    Ok(ops::new_iter(IterState::Zip { inners, strict: false }, "zip"))
}

fn map(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if args.len() < 2 {
        return Err(types::type_error("map() must have at least two arguments."));
    }
    let mut inners = Vec::new();
    for a in &args[1..] {
        inners.push(ops::get_iter(vm, a)?);
    }
    Ok(ops::new_iter(IterState::Map { func: args[0].clone(), inners }, "map"))
}

fn filter(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("filter", args, 2, 2)?;
    let inner = ops::get_iter(vm, &args[1])?;
    Ok(ops::new_iter(IterState::Filter { func: args[0].clone(), inner }, "filter"))
}

fn reversed(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("reversed", args, 1, 1)?;
    let mut items = match &args[0] {
        Value::List(_) | Value::Tuple(_) | Value::Range(_) | Value::Str(_) | Value::Dict(_) => {
            ops::collect_iterable(vm, &args[0])?
        }
        other => return Err(types::type_error(format!("'{}' object is not reversible", other.type_name()))),
    };
    items.reverse();
    Ok(ops::new_iter(IterState::Reversed { items, index: 0 }, "list_reverseiterator"))
}

fn list_of(args: &[Value]) -> PyResult<&Rc<std::cell::RefCell<Vec<Value>>>> {
    match args.first() {
        Some(Value::List(l)) => Ok(l),
        _ => Err(types::type_error("descriptor requires a 'list' object")),
    }
}

fn list_append(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("list.append", &args[1..], 1, 1).map_err(|_| {
        types::type_error(format!("list.append() takes exactly one argument ({} given)", args.len() - 1))
    })?;
    list_of(args)?.borrow_mut().push(args[1].clone());
    Ok(Value::None)
}

fn list_pop(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let l = list_of(args)?;
    let i = match args.get(1) {
        Some(v) => ops::index_of(vm, v, "list")?,
        None => -1,
    };
    let mut l = l.borrow_mut();
    if l.is_empty() {
        return Err(types::index_error("pop from empty list"));
    }
    let len = l.len() as i64;
    let idx = if i < 0 { i + len } else { i };
    if idx < 0 || idx >= len {
        return Err(types::index_error("pop index out of range"));
    }
    Ok(l.remove(idx as usize))
}

fn list_extend(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let l = list_of(args)?.clone();
    let items = ops::collect_iterable(vm, args.get(1).unwrap_or(&Value::None))?;
    l.borrow_mut().extend(items);
    Ok(Value::None)
}

fn list_insert(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("insert", &args[1..], 2, 2)?;
    let l = list_of(args)?;
    let i = ops::index_of(vm, &args[1], "list")?;
    let mut l = l.borrow_mut();
    let len = l.len() as i64;
    let idx = if i < 0 { (i + len).max(0) } else { i.min(len) };
    l.insert(idx as usize, args[2].clone());
    Ok(Value::None)
}

fn list_sort(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let l = list_of(args)?.clone();
    let key = kwargs.iter().find(|(k, _)| k.with(|s| s == "key")).map(|(_, v)| v.clone());
    let reverse = match kwargs.iter().find(|(k, _)| k.with(|s| s == "reverse")) {
        Some((_, v)) => ops::truthy(vm, v)?,
        None => false,
    };
    let mut items = std::mem::take(&mut *l.borrow_mut());
    let r = sort_values(vm, &mut items, key.as_ref(), reverse);
    *l.borrow_mut() = items;
    r?;
    Ok(Value::None)
}

fn list_reverse(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    list_of(args)?.borrow_mut().reverse();
    Ok(Value::None)
}

fn list_copy(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::list(list_of(args)?.borrow().clone()))
}

fn list_clear(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    list_of(args)?.borrow_mut().clear();
    Ok(Value::None)
}

fn list_remove(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let l = list_of(args)?.clone();
    let items = l.borrow().clone();
    for (i, v) in items.iter().enumerate() {
        if ops::eq(vm, v, &args[1])? {
            l.borrow_mut().remove(i);
            return Ok(Value::None);
        }
    }
    Err(types::value_error("list.remove(x): x not in list"))
}

fn seq_items(v: &Value) -> Vec<Value> {
    match v {
        Value::List(l) => l.borrow().clone(),
        Value::Tuple(t) => (**t).clone(),
        _ => Vec::new(),
    }
}

fn seq_index(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let items = seq_items(this(args, "index")?);
    for (i, v) in items.iter().enumerate() {
        if ops::eq(vm, v, &args[1])? {
            return Ok(Value::Int(i as i64));
        }
    }
    let what = if let Value::List(_) = &args[0] { "list.index(x): x not in list" } else { "tuple.index(x): x not in tuple" };
    Err(types::value_error(what))
}

fn seq_count(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let items = seq_items(this(args, "count")?);
    let mut n = 0;
    for v in &items {
        if ops::eq(vm, v, &args[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn dict_of(args: &[Value]) -> PyResult<&Rc<std::cell::RefCell<Dict>>> {
    match args.first() {
        Some(Value::Dict(d)) => Ok(d),
        _ => Err(types::type_error("descriptor requires a 'dict' object")),
    }
}

fn dict_get(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("get", &args[1..], 1, 2)?;
    let d = dict_of(args)?.clone();
    Ok(ops::dict_get(vm, &d, &args[1])?.unwrap_or_else(|| args.get(2).cloned().unwrap_or(Value::None)))
}

fn dict_keys(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::native(Native::DictView(dict_of(args)?.clone(), crate::value::object::DictIterKind::Keys)))
}

fn dict_values(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::native(Native::DictView(dict_of(args)?.clone(), crate::value::object::DictIterKind::Values)))
}

fn dict_items(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::native(Native::DictView(dict_of(args)?.clone(), crate::value::object::DictIterKind::Items)))
}

fn dict_pop(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("pop", &args[1..], 1, 2)?;
    let d = dict_of(args)?.clone();
    match ops::dict_remove(vm, &d, &args[1])? {
        Some(v) => Ok(v),
        None => args.get(2).cloned().ok_or_else(|| types::key_error(args[1].clone())),
    }
}

fn dict_setdefault(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("setdefault", &args[1..], 1, 2)?;
    let d = dict_of(args)?.clone();
    if let Some(v) = ops::dict_get(vm, &d, &args[1])? {
        return Ok(v);
    }
    let v = args.get(2).cloned().unwrap_or(Value::None);
    ops::dict_set(vm, &d, args[1].clone(), v.clone())?;
    Ok(v)
}

fn dict_update(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let d = dict_of(args)?.clone();
    if let Some(src) = args.get(1) {
        fill_dict(vm, &d, src)?;
    }
    for (k, v) in kwargs {
        ops::dict_set(vm, &d, Value::str(k.text().to_string()), v.clone())?;
    }
    Ok(Value::None)
}

fn dict_copy(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::dict(dict_of(args)?.borrow().clone()))
}

fn dict_clear(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    dict_of(args)?.borrow_mut().clear();
    Ok(Value::None)
}

fn set_add(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("add", &args[1..], 1, 1)?;
    ops::set_add(vm, &args[0], args[1].clone())?;
    Ok(Value::None)
}

fn set_discard(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    set_remove_inner(vm, args).map(|_| Value::None)
}

fn set_remove_inner(vm: &mut Vm, args: &[Value]) -> PyResult<bool> {
    arity("remove", &args[1..], 1, 1)?;
    if let Value::Set(s) = &args[0] {
        let h = ops::hash(vm, &args[1])?;
        if let Some(i) = ops::dict_find(vm, &s.items, h, &args[1])? {
            s.items.borrow_mut().remove_at(i);
            return Ok(true);
        }
    }
    Ok(false)
}

fn set_remove(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if set_remove_inner(vm, args)? {
        Ok(Value::None)
    } else {
        Err(types::key_error(args[1].clone()))
    }
}

fn text(args: &[Value]) -> PyResult<&str> {
    args.first().and_then(|v| v.as_str()).ok_or_else(|| types::type_error("descriptor requires a 'str' object"))
}

fn str_arg<'a>(args: &'a [Value], i: usize, fname: &str) -> PyResult<&'a str> {
    match args.get(i) {
        Some(Value::Str(s)) => Ok(&s.text),
        Some(other) => Err(types::type_error(format!("{fname} arg must be None or str, not {}", other.type_name()))),
        None => Err(types::type_error(format!("{fname}() takes at least 1 argument (0 given)"))),
    }
}

fn str_join(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let sep = text(args)?.to_string();
    let items = ops::collect_iterable(vm, args.get(1).unwrap_or(&Value::None))?;
    let mut out = String::new();
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        match v.as_str() {
            Some(s) => out.push_str(s),
            None => {
                return Err(types::type_error(format!(
                    "sequence item {}: expected str instance, {} found",
                    i,
                    v.type_name()
                )))
            }
        }
    }
    Ok(Value::str(out))
}

fn str_split(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = text(args)?;
    let parts: Vec<Value> = match args.get(1) {
        None | Some(Value::None) => s.split_whitespace().map(Value::str).collect(),
        Some(Value::Str(sep)) => {
            if sep.text.is_empty() {
                return Err(types::value_error("empty separator"));
            }
            s.split(sep.text.as_str()).map(Value::str).collect()
        }
        Some(other) => return Err(types::type_error(format!("must be str or None, not {}", other.type_name()))),
    };
    Ok(Value::list(parts))
}

fn str_strip(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = text(args)?;
    Ok(Value::str(match args.get(1) {
        Some(Value::Str(chars)) => s.trim_matches(|c| chars.text.contains(c)).to_string(),
        _ => s.trim().to_string(),
    }))
}

fn str_upper(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::str(text(args)?.to_uppercase()))
}

fn str_lower(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::str(text(args)?.to_lowercase()))
}

fn str_replace(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = text(args)?;
    let old = str_arg(args, 1, "replace")?;
    let new = str_arg(args, 2, "replace")?;
    Ok(Value::str(match args.get(3).and_then(|v| v.as_i64()) {
        Some(n) if n >= 0 => s.replacen(old, new, n as usize),
        _ => s.replace(old, new),
    }))
}

fn affix_check(args: &[Value], f: impl Fn(&str, &str) -> bool) -> PyResult<Value> {
    let s = text(args)?;
    match args.get(1) {
        Some(Value::Str(p)) => Ok(Value::Bool(f(s, &p.text))),
        Some(Value::Tuple(t)) => Ok(Value::Bool(t.iter().any(|p| p.as_str().is_some_and(|p| f(s, p))))),
        _ => Err(types::type_error("startswith first arg must be str or a tuple of str")),
    }
}

fn str_startswith(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    affix_check(args, |s, p| s.starts_with(p))
}

fn str_endswith(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    affix_check(args, |s, p| s.ends_with(p))
}

fn str_find(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = text(args)?;
    let sub = str_arg(args, 1, "find")?;
    Ok(Value::Int(match s.find(sub) {
        Some(b) => s[..b].chars().count() as i64,
        None => -1,
    }))
}

fn str_format(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let s = text(args)?.to_string();
    let pos = &args[1..];
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    let mut auto = 0;
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let mut field = String::new();
                for d in chars.by_ref() {
                    if d == '}' {
                        break;
                    }
                    field.push(d);
                }
                let (name, spec) = field.split_once(':').map(|(a, b)| (a.to_string(), b.to_string())).unwrap_or((field.clone(), String::new()));
                let (name, conv) = name.split_once('!').map(|(a, b)| (a.to_string(), b.chars().next())).unwrap_or((name, None));
                let v = if name.is_empty() {
                    auto += 1;
                    pos.get(auto - 1).cloned().ok_or_else(|| types::index_error(format!("Replacement index {} out of range for positional args tuple", auto - 1)))?
                } else if let Ok(i) = name.parse::<usize>() {
                    pos.get(i).cloned().ok_or_else(|| types::index_error(format!("Replacement index {i} out of range for positional args tuple")))?
                } else {
                    let (base, attr) = name.split_once('.').map(|(a, b)| (a.to_string(), Some(b.to_string()))).unwrap_or((name.clone(), None));
                    let v = kwargs.iter().find(|(k, _)| k.with(|s| s == base)).map(|(_, v)| v.clone()).ok_or_else(|| types::key_error(Value::str(base.clone())))?;
                    match attr {
                        Some(a) => ops::getattr(vm, &v, Symbol::new(&a))?,
                        None => v,
                    }
                };
                let conv_code = match conv {
                    Some('s') => 1,
                    Some('r') => 2,
                    Some('a') => 3,
                    _ => 0,
                };
                let spec_v = Value::str(spec);
                let r = ops::format_value(vm, &v, conv_code, Some(&spec_v))?;
                out.push_str(r.as_str().unwrap_or(""));
            }
            c => out.push(c),
        }
    }
    Ok(Value::str(out))
}
