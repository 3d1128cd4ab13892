//! dict: constructor, methods, and the set operators of keys/items views.

use super::{descriptor_error, is_subclass_new, method, recv, wrap_for, Kw};
use crate::stdlib::builtins::arity;
use crate::value::intern::sym;
use crate::value::object::{DictIterKind, Native};
use crate::value::{types, Dict, PyResult, Symbol, Value};
use crate::vm::ops;
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

type DictRef = Rc<RefCell<Dict>>;

/// Installs dict methods.
pub fn register() {
    types::with_types(|t| {
        method(&t.dict, "__new__", dict_new);
        method(&t.dict, "__init__", dict_init);
        method(&t.dict, "get", dict_get);
        method(&t.dict, "keys", dict_keys);
        method(&t.dict, "values", dict_values);
        method(&t.dict, "items", dict_items);
        method(&t.dict, "pop", dict_pop);
        method(&t.dict, "popitem", dict_popitem);
        method(&t.dict, "setdefault", dict_setdefault);
        method(&t.dict, "update", dict_update);
        method(&t.dict, "copy", dict_copy);
        method(&t.dict, "clear", dict_clear);
        types::set_class_attr(
            &t.dict,
            "fromkeys",
            Value::native(Native::ClassMethod(Value::builtin(
                "fromkeys",
                dict_fromkeys,
            ))),
        );
    });
}

fn dict_self<'a>(args: &'a [Value], name: &str) -> PyResult<&'a DictRef> {
    match recv(args) {
        Value::Dict(d) => Ok(d),
        other => Err(descriptor_error(name, "dict", other)),
    }
}

fn no_args(name: &str, args: &[Value]) -> PyResult<()> {
    if args.len() > 1 {
        return Err(types::type_error(format!(
            "{name}() takes no arguments ({} given)",
            args.len() - 1
        )));
    }
    Ok(())
}

fn dict_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if is_subclass_new(&args[0]) {
        // The items come from `dict.__init__`, as in CPython.
        return Ok(wrap_for(&args[0], Value::dict(Dict::new())));
    }
    let d = crate::value::new_dict_rc(Dict::new());
    fill(vm, &d, &args[1..], kwargs, "dict")?;
    Ok(Value::Dict(d))
}

fn dict_init(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let d = dict_self(args, "__init__")?.clone();
    fill(vm, &d, &args[1..], kwargs, "dict")?;
    Ok(Value::None)
}

/// dict(...) / update(...): one optional mapping or iterable of pairs, then keywords.
fn fill(vm: &mut Vm, d: &RefCell<Dict>, args: &[Value], kwargs: Kw, name: &str) -> PyResult<()> {
    arity(name, args, 0, 1)?;
    if let Some(src) = args.first() {
        update_from(vm, d, src)?;
    }
    for (k, v) in kwargs {
        ops::dict_set(vm, d, Value::str(k.text().to_string()), v.clone())?;
    }
    Ok(())
}

/// dict.update(src): a mapping (anything with `keys()`) or an iterable of pairs.
pub fn update_from(vm: &mut Vm, d: &RefCell<Dict>, src: &Value) -> PyResult<()> {
    let plain_dict = match src {
        Value::Dict(_) => true,
        Value::Instance(i) => {
            i.base.as_ref().is_some_and(|b| matches!(b, Value::Dict(_)))
                && !ops::overrides(&i.class, Symbol::new("keys"))
                && !ops::overrides(&i.class, sym::GETITEM)
        }
        _ => false,
    };
    if plain_dict {
        if let Value::Dict(s) = ops::base_value(src) {
            if std::ptr::eq(&**s, d) {
                return Ok(());
            }
        }
        return ops::dict_update(vm, d, ops::base_value(src), false);
    }
    if let Value::Instance(_) = src {
        if ops::getattr(vm, src, Symbol::new("keys")).is_ok() {
            return ops::dict_update(vm, d, src, false);
        }
    }
    let it = ops::get_iter(vm, src)?;
    let mut i = 0;
    while let Some(item) = ops::iter_next(vm, &it)? {
        let pair = match &item {
            Value::Tuple(t) => (**t).clone(),
            Value::List(l) => l.borrow().clone(),
            Value::Str(_)
            | Value::Bytes(_)
            | Value::Instance(_)
            | Value::Set(_)
            | Value::Dict(_) => ops::collect_iterable(vm, &item)?,
            Value::Native(n) if matches!(&**n, Native::Iter(..) | Native::DictView(..)) => {
                ops::collect_iterable(vm, &item)?
            }
            Value::Generator(_) | Value::Range(_) => ops::collect_iterable(vm, &item)?,
            _ => {
                return Err(types::type_error(format!(
                    "cannot convert dictionary update sequence element #{i} to a sequence"
                )))
            }
        };
        if pair.len() != 2 {
            return Err(types::value_error(format!(
                "dictionary update sequence element #{} has length {}; 2 is required",
                i,
                pair.len()
            )));
        }
        ops::dict_set(vm, d, pair[0].clone(), pair[1].clone())?;
        i += 1;
    }
    Ok(())
}

fn dict_get(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("get", &args[1..], 1, 2)?;
    let d = dict_self(args, "get")?.clone();
    Ok(ops::dict_get(vm, &d, &args[1])?
        .unwrap_or_else(|| args.get(2).cloned().unwrap_or(Value::None)))
}

fn view(args: &[Value], name: &str, kind: DictIterKind) -> PyResult<Value> {
    no_args(&format!("dict.{name}"), args)?;
    Ok(Value::native(Native::DictView(
        dict_self(args, name)?.clone(),
        kind,
    )))
}

fn dict_keys(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    view(args, "keys", DictIterKind::Keys)
}

fn dict_values(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    view(args, "values", DictIterKind::Values)
}

fn dict_items(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    view(args, "items", DictIterKind::Items)
}

fn dict_pop(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("pop", &args[1..], 1, 2)?;
    let d = dict_self(args, "pop")?.clone();
    match ops::dict_remove(vm, &d, &args[1])? {
        Some(v) => Ok(v),
        None => args
            .get(2)
            .cloned()
            .ok_or_else(|| types::key_error(args[1].clone())),
    }
}

fn dict_popitem(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("dict.popitem", args)?;
    let d = dict_self(args, "popitem")?.clone();
    let e = d.borrow_mut().pop_last();
    match e {
        Some(e) => Ok(Value::tuple(vec![e.key, e.value])),
        None => Err(types::key_error(Value::str(
            "popitem(): dictionary is empty",
        ))),
    }
}

fn dict_setdefault(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("setdefault", &args[1..], 1, 2)?;
    let d = dict_self(args, "setdefault")?.clone();
    if let Some(v) = ops::dict_get(vm, &d, &args[1])? {
        return Ok(v);
    }
    let v = args.get(2).cloned().unwrap_or(Value::None);
    ops::dict_set(vm, &d, args[1].clone(), v.clone())?;
    Ok(v)
}

fn dict_update(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let d = dict_self(args, "update")?.clone();
    fill(vm, &d, &args[1..], kwargs, "update")?;
    Ok(Value::None)
}

fn dict_copy(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("dict.copy", args)?;
    Ok(Value::dict(dict_self(args, "copy")?.borrow().clone()))
}

fn dict_clear(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("dict.clear", args)?;
    dict_self(args, "clear")?.borrow_mut().clear();
    Ok(Value::None)
}

/// `dict.fromkeys(iterable, value=None)`, a classmethod (subclasses get their own type).
fn dict_fromkeys(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("fromkeys", &args[1..], 1, 2)?;
    let value = args.get(2).cloned().unwrap_or(Value::None);
    let keys = ops::collect_iterable(vm, &args[1])?;
    let target = match &args[0] {
        Value::Class(c) if c.is_user => vm.call(&args[0], &[])?,
        _ => Value::dict(Dict::new()),
    };
    for k in keys {
        ops::setitem(vm, &target, k, value.clone())?;
    }
    Ok(target)
}

/// `view op other` for keys and items views (`& | - ^`): a new set.
pub fn view_binary(vm: &mut Vm, op: crate::ast::BinOp, a: &Value, b: &Value) -> PyResult<Value> {
    use crate::ast::BinOp;
    let left = to_set(vm, a)?;
    let Value::Set(ls) = &left else {
        return Ok(left);
    };
    match op {
        BinOp::BitOr => ops::set_update(vm, ls, b)?,
        BinOp::Sub => super::set::difference_update(vm, ls, b)?,
        BinOp::BitXor => super::set::symmetric_difference_update(vm, ls, b)?,
        _ => {
            let out = Rc::new(crate::value::SetObj::new(false));
            let it = ops::get_iter(vm, b)?;
            while let Some(k) = ops::iter_next(vm, &it)? {
                if ops::set_contains(vm, ls, &k)? {
                    let h = ops::hash(vm, &k)?;
                    ops::set_add_hashed(vm, &out, k, h)?;
                }
            }
            return Ok(Value::Set(out));
        }
    }
    Ok(left)
}

fn to_set(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    let s = Rc::new(crate::value::SetObj::new(false));
    if let Value::Native(n) = v {
        if let Native::DictView(d, DictIterKind::Keys) = &**n {
            ops::set_update(vm, &s, &Value::Dict(d.clone()))?;
            return Ok(Value::Set(s));
        }
    }
    ops::set_update(vm, &s, v)?;
    Ok(Value::Set(s))
}

/// True for keys and items views (the set-like ones).
pub fn is_set_view(v: &Value) -> bool {
    matches!(v, Value::Native(n) if matches!(&**n, Native::DictView(_, DictIterKind::Keys | DictIterKind::Items)))
}
