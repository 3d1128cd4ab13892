//! The iterator builtins: enumerate, zip, map, filter, reversed.

use super::{kwarg, Kw};
use crate::stdlib::builtins::arity;
use crate::value::intern::sym;
use crate::value::object::{AttrMap, IterState};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::ops;
use crate::vm::Vm;

/// Installs the iterator builtins.
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
        super::method(&t.range, "__new__", range_new);
        super::method(&t.range, "index", range_index);
        super::method(&t.range, "count", range_count);
        super::getter(&t.range, "start", |_, a, _| {
            Ok(Value::Int(range_of(a, "start")?.start))
        });
        super::getter(&t.range, "stop", |_, a, _| {
            Ok(Value::Int(range_of(a, "stop")?.stop))
        });
        super::getter(&t.range, "step", |_, a, _| {
            Ok(Value::Int(range_of(a, "step")?.step))
        });
        super::method(&t.slice, "__new__", slice_new);
        super::method(&t.slice, "indices", slice_indices);
    });
}

/// `slice(stop)` / `slice(start, stop[, step])`.
fn slice_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("slice", kwargs)?;
    let args = &args[1..];
    arity("slice", args, 1, 3)?;
    let (start, stop, step) = match args.len() {
        1 => (Value::None, args[0].clone(), Value::None),
        2 => (args[0].clone(), args[1].clone(), Value::None),
        _ => (args[0].clone(), args[1].clone(), args[2].clone()),
    };
    Ok(Value::native(crate::value::object::Native::Slice(
        crate::value::object::Slice { start, stop, step },
    )))
}

/// `slice.indices(length)`: (start, stop, step) clipped to a sequence of that length.
fn slice_indices(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    arity("indices", &args[1..], 1, 1)?;
    let Some(Value::Native(n)) = args.first() else {
        return Err(types::type_error(
            "descriptor 'indices' requires a 'slice' object",
        ));
    };
    let crate::value::object::Native::Slice(s) = &**n else {
        return Err(types::type_error(
            "descriptor 'indices' requires a 'slice' object",
        ));
    };
    let len = ops::index_of(vm, &args[1], "slice")?;
    if len < 0 {
        return Err(types::value_error("length should not be negative"));
    }
    let (a, b, c) = ops::slice_indices(vm, s, len as usize)?;
    Ok(Value::tuple(vec![
        Value::Int(a),
        Value::Int(b),
        Value::Int(c),
    ]))
}

fn range_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("range", kwargs)?;
    let args = &args[1..];
    if args.is_empty() {
        return Err(types::type_error(
            "range expected at least 1 argument, got 0",
        ));
    }
    arity("range", args, 1, 3)?;
    let mut nums = Vec::new();
    for a in args {
        if matches!(ops::base_value(a), Value::BigInt(_)) {
            return Err(types::overflow_error(
                "range() bounds beyond 64-bit integers are not supported",
            ));
        }
        nums.push(super::int_arg(vm, a)?);
    }
    let (start, stop, step) = match nums.len() {
        1 => (0, nums[0], 1),
        2 => (nums[0], nums[1], 1),
        _ => (nums[0], nums[1], nums[2]),
    };
    if step == 0 {
        return Err(types::value_error("range() arg 3 must not be zero"));
    }
    Ok(Value::Range(std::rc::Rc::new(
        crate::value::object::Range { start, stop, step },
    )))
}

/// The position of `item` in a range: arithmetic for ints, else a search with `==`
/// (so `2.0` is found, as in CPython).
pub fn range_position(
    vm: &mut Vm,
    r: &crate::value::object::Range,
    item: &Value,
) -> PyResult<Option<i64>> {
    if let Some(i) = match ops::base_value(item) {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        Value::BigInt(_) => return Ok(None),
        _ => None,
    } {
        let n = r.len();
        let off = i as i128 - r.start as i128;
        if n == 0 || off % r.step as i128 != 0 {
            return Ok(None);
        }
        let k = off / r.step as i128;
        return Ok((k >= 0 && k < n as i128).then_some(k as i64));
    }
    for k in 0..r.len() {
        if ops::eq(vm, &Value::Int(r.at(k)), item)? {
            return Ok(Some(k));
        }
    }
    Ok(None)
}

fn range_of<'a>(args: &'a [Value], name: &str) -> PyResult<&'a crate::value::object::Range> {
    match super::recv(args) {
        Value::Range(r) => Ok(r),
        other => Err(super::descriptor_error(name, "range", other)),
    }
}

/// `range.index(x)`.
fn range_index(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("index", kwargs)?;
    let r = range_of(args, "index")?.clone();
    arity("index", &args[1..], 1, 1)?;
    match range_position(vm, &r, &args[1])? {
        Some(k) => Ok(Value::Int(k)),
        None if matches!(ops::base_value(&args[1]), Value::Int(_) | Value::Bool(_)) => Err(
            types::value_error(format!("{} is not in range", ops::repr(vm, &args[1])?)),
        ),
        None => Err(types::value_error("sequence.index(x): x not in sequence")),
    }
}

/// `range.count(x)`.
fn range_count(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("count", kwargs)?;
    let r = range_of(args, "count")?.clone();
    arity("count", &args[1..], 1, 1)?;
    let item = &args[1];
    if matches!(
        ops::base_value(item),
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_)
    ) {
        return Ok(Value::Int(range_position(vm, &r, item)?.is_some() as i64));
    }
    let mut n = 0;
    for k in 0..r.len() {
        if ops::eq(vm, &Value::Int(r.at(k)), item)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn enumerate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let p = super::params("enumerate", args, kwargs, &["iterable", "start"], 1, true)?;
    let iterable = p[0].clone().unwrap_or(Value::None);
    let inner = ops::get_iter(vm, &iterable)?;
    let start = p[1].clone().unwrap_or(Value::Int(0));
    if !start.is_int() {
        return Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            start.type_name()
        )));
    }
    Ok(ops::new_iter(
        IterState::Enumerate {
            inner,
            count: start,
        },
        "enumerate",
    ))
}

fn zip(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let strict = match kwarg(kwargs, "strict") {
        Some(v) => ops::truthy(vm, v)?,
        None => false,
    };
    if let Some((k, _)) = kwargs.iter().find(|(k, _)| k.with(|s| s != "strict")) {
        return Err(types::type_error(format!(
            "zip() got an unexpected keyword argument '{k}'"
        )));
    }
    let mut inners = Vec::new();
    for (i, a) in args.iter().enumerate() {
        inners.push(ops::get_iter(vm, a).map_err(|e| {
            if types::exc_is(&e, |t| &t.type_error) {
                types::type_error(format!("zip argument #{} must support iteration", i + 1))
            } else {
                e
            }
        })?);
    }
    if strict {
        // Checked eagerly: collect each, compare lengths lazily as CPython does is rarely observable.
        let mut lists = Vec::new();
        for it in &inners {
            lists.push(ops::collect_iterable(vm, it)?);
        }
        let n = lists.first().map_or(0, |l| l.len());
        for (i, l) in lists.iter().enumerate().skip(1) {
            if l.len() != n {
                let (which, rel) = if l.len() < n {
                    (i + 1, "shorter")
                } else {
                    (i + 1, "longer")
                };
                let args_desc = if which == 2 {
                    "argument 2".to_string()
                } else {
                    format!("argument {which}")
                };
                let than = if which == 2 {
                    "argument 1".to_string()
                } else {
                    format!("arguments 1-{}", which - 1)
                };
                return Err(types::value_error(format!(
                    "zip() {args_desc} is {rel} than {than}"
                )));
            }
        }
        let rows: Vec<Value> = (0..n)
            .map(|j| Value::tuple(lists.iter().map(|l| l[j].clone()).collect()))
            .collect();
        return Ok(ops::new_iter(
            IterState::Seq {
                items: rows,
                index: 0,
            },
            "zip",
        ));
    }
    Ok(ops::new_iter(
        IterState::Zip {
            inners,
            strict: false,
        },
        "zip",
    ))
}

fn map(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("map", kwargs)?;
    if args.len() < 2 {
        return Err(types::type_error("map() must have at least two arguments."));
    }
    let mut inners = Vec::new();
    for a in &args[1..] {
        inners.push(ops::get_iter(vm, a)?);
    }
    Ok(ops::new_iter(
        IterState::Map {
            func: args[0].clone(),
            inners,
        },
        "map",
    ))
}

fn filter(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("filter", kwargs)?;
    arity("filter", args, 2, 2)?;
    let inner = ops::get_iter(vm, &args[1])?;
    Ok(ops::new_iter(
        IterState::Filter {
            func: args[0].clone(),
            inner,
        },
        "filter",
    ))
}

fn reversed(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("reversed", args, 1, 1)?;
    let v = &args[0];
    if let Value::Instance(i) = v {
        if let Some(f) = i.class.lookup(sym::REVERSED) {
            if !matches!(f, Value::Builtin(_)) {
                return vm.call(&f, &[v.clone()]);
            }
        }
    }
    let (mut items, name) = match ops::base_value(v) {
        b @ Value::List(_) if !ops::overrides(&v.class(), sym::GETITEM) => {
            (ops::collect_iterable(vm, b)?, "list_reverseiterator")
        }
        b @ (Value::Tuple(_) | Value::Str(_) | Value::Bytes(_)) => {
            (ops::collect_iterable(vm, b)?, "reversed")
        }
        b @ Value::Range(_) => (ops::collect_iterable(vm, b)?, "range_iterator"),
        b @ Value::Dict(_) => (ops::collect_iterable(vm, b)?, "dict_reversekeyiterator"),
        Value::Native(n) if matches!(&**n, crate::value::object::Native::DictView(..)) => {
            (ops::collect_iterable(vm, v)?, "dict_reverseiterator")
        }
        b @ Value::Native(_) if crate::stdlib::deque::is_deque(b) => {
            let f = v.class().lookup(sym::REVERSED).unwrap_or(Value::None);
            return vm.call(&f, std::slice::from_ref(v));
        }
        Value::Instance(i)
            if i.class.lookup(sym::GETITEM).is_some() && i.class.lookup(sym::LEN).is_some() =>
        {
            let n = ops::len(vm, v)?;
            let mut out = Vec::with_capacity(n as usize);
            for k in 0..n {
                out.push(ops::getitem(vm, v, &Value::Int(k))?);
            }
            (out, "reversed")
        }
        _ => {
            return Err(types::type_error(format!(
                "'{}' object is not reversible",
                v.type_name()
            )))
        }
    };
    items.reverse();
    Ok(ops::new_iter(IterState::Reversed { items, index: 0 }, name))
}
