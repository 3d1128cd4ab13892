//! set and frozenset: constructors, methods and operators, each following
//! setobject.c's algorithm so that the resulting table (and so the iteration
//! order) is CPython's.

use super::{descriptor_error, is_subclass_new, method, recv, wrap_for, Kw};
use crate::ast::BinOp;
use crate::stdlib::builtins::arity;
use crate::value::{types, PyResult, SetObj, Value};
use crate::vm::ops;
use crate::vm::Vm;
use std::rc::Rc;

/// Installs set and frozenset methods.
pub fn register() {
    types::with_types(|t| {
        method(&t.set, "__new__", set_new);
        method(&t.set, "__init__", set_init);
        method(&t.frozenset, "__new__", frozenset_new);
        for c in [&t.set, &t.frozenset] {
            method(c, "copy", set_copy);
            method(c, "union", set_union);
            method(c, "intersection", set_intersection);
            method(c, "difference", set_difference);
            method(c, "symmetric_difference", set_symmetric_difference);
            method(c, "issubset", set_issubset);
            method(c, "issuperset", set_issuperset);
            method(c, "isdisjoint", set_isdisjoint);
        }
        method(&t.set, "add", set_add);
        method(&t.set, "remove", set_remove);
        method(&t.set, "discard", set_discard);
        method(&t.set, "pop", set_pop);
        method(&t.set, "clear", set_clear);
        method(&t.set, "update", set_update);
        method(&t.set, "intersection_update", set_intersection_update);
        method(&t.set, "difference_update", set_difference_update);
        method(
            &t.set,
            "symmetric_difference_update",
            set_symmetric_difference_update,
        );
    });
}

fn set_self<'a>(args: &'a [Value], name: &str) -> PyResult<&'a Rc<SetObj>> {
    match recv(args) {
        Value::Set(s) => Ok(s),
        other => Err(descriptor_error(name, "set", other)),
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

fn one_arg(name: &str, args: &[Value]) -> PyResult<()> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    Ok(())
}

fn set_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if is_subclass_new(&args[0]) {
        return Ok(wrap_for(&args[0], Value::Set(SetObj::new_rc(false))));
    }
    if !kwargs.is_empty() {
        return Err(types::type_error("set() takes no keyword arguments"));
    }
    arity("set", &args[1..], 0, 1)?;
    let s = SetObj::new_rc(false);
    if let Some(src) = args.get(1) {
        ops::set_update(vm, &s, src)?;
    }
    Ok(Value::Set(s))
}

fn set_init(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(types::type_error("set() takes no keyword arguments"));
    }
    arity("set", &args[1..], 0, 1)?;
    let s = set_self(args, "__init__")?.clone();
    s.items.borrow_mut().clear();
    if let Some(src) = args.get(1) {
        ops::set_update(vm, &s, src)?;
    }
    Ok(Value::None)
}

fn frozenset_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(types::type_error("frozenset() takes no keyword arguments"));
    }
    arity("frozenset", &args[1..], 0, 1)?;
    if let (Some(v @ Value::Set(s)), false) = (args.get(1), is_subclass_new(&args[0])) {
        if s.frozen {
            return Ok(v.clone());
        }
    }
    let s = SetObj::new_rc(true);
    if let Some(src) = args.get(1) {
        ops::set_update(vm, &s, src)?;
    }
    Ok(wrap_for(&args[0], Value::Set(s)))
}

/// A key's hash for lookups: a set key stands for the equal frozenset.
fn lookup_hash(vm: &mut Vm, key: &Value) -> PyResult<i64> {
    match ops::hash(vm, key) {
        Ok(h) => Ok(h),
        Err(e) => match ops::base_value(key) {
            Value::Set(s) => Ok(s.items.borrow().frozen_hash()),
            _ => Err(e),
        },
    }
}

/// A new set (frozen like `like`) holding a copy of `s`'s table.
fn copy_of(vm: &mut Vm, s: &Rc<SetObj>, frozen: bool) -> PyResult<Rc<SetObj>> {
    let out = SetObj::new_rc(frozen);
    ops::set_update(vm, &out, &Value::Set(s.clone()))?;
    Ok(out)
}

fn set_add(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    one_arg("set.add", args)?;
    let s = set_self(args, "add")?.clone();
    let h = ops::hash(vm, &args[1])?;
    ops::set_add_hashed(vm, &s, args[1].clone(), h)?;
    Ok(Value::None)
}

fn set_remove(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    one_arg("set.remove", args)?;
    let s = set_self(args, "remove")?.clone();
    let h = lookup_hash(vm, &args[1])?;
    if !ops::set_discard_hashed(vm, &s, &args[1], h)? {
        return Err(types::key_error(args[1].clone()));
    }
    Ok(Value::None)
}

fn set_discard(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    one_arg("set.discard", args)?;
    let s = set_self(args, "discard")?.clone();
    let h = lookup_hash(vm, &args[1])?;
    ops::set_discard_hashed(vm, &s, &args[1], h)?;
    Ok(Value::None)
}

fn set_pop(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("set.pop", args)?;
    let s = set_self(args, "pop")?.clone();
    let k = s.items.borrow_mut().pop();
    k.ok_or_else(|| types::key_error(Value::str("pop from an empty set")))
}

fn set_clear(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("set.clear", args)?;
    set_self(args, "clear")?.items.borrow_mut().clear();
    Ok(Value::None)
}

fn set_copy(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = set_self(args, "copy")?.clone();
    no_args(
        if s.frozen {
            "frozenset.copy"
        } else {
            "set.copy"
        },
        args,
    )?;
    if s.frozen && !matches!(args[0], Value::Instance(_)) {
        return Ok(args[0].clone());
    }
    Ok(Value::Set(copy_of(vm, &s, s.frozen)?))
}

fn set_update(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = set_self(args, "update")?.clone();
    for other in &args[1..] {
        ops::set_update(vm, &s, other)?;
    }
    Ok(Value::None)
}

fn set_union(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = set_self(args, "union")?.clone();
    let out = copy_of(vm, &s, s.frozen)?;
    for other in &args[1..] {
        if matches!(ops::base_value(other), Value::Set(o) if Rc::ptr_eq(o, &s)) {
            continue;
        }
        ops::set_update(vm, &out, other)?;
    }
    Ok(Value::Set(out))
}

/// set_intersection: iterates the smaller set (or the other iterable), keeping its keys.
fn intersection(vm: &mut Vm, s: &Rc<SetObj>, other: &Value) -> PyResult<Rc<SetObj>> {
    let frozen = s.frozen;
    if let Value::Set(o) = ops::base_value(other) {
        if Rc::ptr_eq(o, s) {
            return copy_of(vm, s, frozen);
        }
        let (big, small) = if o.items.borrow().len() > s.items.borrow().len() {
            (o, s)
        } else {
            (s, o)
        };
        let out = SetObj::new_rc(frozen);
        let pairs: Vec<(i64, Value)> = small
            .items
            .borrow()
            .iter()
            .map(|(h, k)| (h, k.clone()))
            .collect();
        for (h, k) in pairs {
            if ops::set_find(vm, big, &k, h)?.is_some() {
                ops::set_add_hashed(vm, &out, k, h)?;
            }
        }
        return Ok(out);
    }
    let out = SetObj::new_rc(frozen);
    let it = ops::get_iter(vm, other)?;
    while let Some(k) = ops::iter_next(vm, &it)? {
        let h = ops::hash(vm, &k)?;
        if ops::set_find(vm, s, &k, h)?.is_some() {
            ops::set_add_hashed(vm, &out, k, h)?;
        }
    }
    Ok(out)
}

fn set_intersection(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = set_self(args, "intersection")?.clone();
    if args.len() == 1 {
        return Ok(Value::Set(copy_of(vm, &s, s.frozen)?));
    }
    let mut result = s;
    for other in &args[1..] {
        result = intersection(vm, &result, other)?;
    }
    Ok(Value::Set(result))
}

fn swap_contents(s: &SetObj, from: &SetObj) {
    let table = from.items.borrow().clone();
    *s.items.borrow_mut() = table;
}

fn set_intersection_update(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = set_self(args, "intersection_update")?.clone();
    let mut result = s.clone();
    for other in &args[1..] {
        result = intersection(vm, &result, other)?;
    }
    if !Rc::ptr_eq(&result, &s) {
        swap_contents(&s, &result);
    }
    Ok(Value::None)
}

/// set_difference_update_internal.
pub fn difference_update(vm: &mut Vm, s: &Rc<SetObj>, other: &Value) -> PyResult<()> {
    if let Value::Set(o) = ops::base_value(other) {
        if Rc::ptr_eq(o, s) {
            s.items.borrow_mut().clear();
            return Ok(());
        }
        let o = if o.items.borrow().len() >> 3 > s.items.borrow().len() {
            intersection(vm, s, other)?
        } else {
            o.clone()
        };
        let pairs: Vec<(i64, Value)> = o
            .items
            .borrow()
            .iter()
            .map(|(h, k)| (h, k.clone()))
            .collect();
        for (h, k) in pairs {
            ops::set_discard_hashed(vm, s, &k, h)?;
        }
    } else {
        let it = ops::get_iter(vm, other)?;
        while let Some(k) = ops::iter_next(vm, &it)? {
            let h = lookup_hash(vm, &k)?;
            ops::set_discard_hashed(vm, s, &k, h)?;
        }
    }
    s.items.borrow_mut().shrink_dummies();
    Ok(())
}

/// set_difference: a new set of `s`'s keys not in `other`.
fn difference(vm: &mut Vm, s: &Rc<SetObj>, other: &Value) -> PyResult<Rc<SetObj>> {
    let other_len = match ops::base_value(other) {
        Value::Set(o) => Some(o.items.borrow().len()),
        Value::Dict(d) => Some(d.borrow().len()),
        _ => None,
    };
    let copy_then_remove = match other_len {
        None => true,
        Some(n) => s.items.borrow().len() >> 2 > n,
    };
    if copy_then_remove {
        let out = copy_of(vm, s, s.frozen)?;
        difference_update(vm, &out, other)?;
        return Ok(out);
    }
    let out = SetObj::new_rc(s.frozen);
    let pairs: Vec<(i64, Value)> = s
        .items
        .borrow()
        .iter()
        .map(|(h, k)| (h, k.clone()))
        .collect();
    for (h, k) in pairs {
        let present = match ops::base_value(other) {
            Value::Set(o) => ops::set_find(vm, o, &k, h)?.is_some(),
            Value::Dict(d) => ops::dict_find(vm, d, h, &k)?.is_some(),
            _ => false,
        };
        if !present {
            ops::set_add_hashed(vm, &out, k, h)?;
        }
    }
    Ok(out)
}

fn set_difference(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = set_self(args, "difference")?.clone();
    if args.len() == 1 {
        return Ok(Value::Set(copy_of(vm, &s, s.frozen)?));
    }
    let result = difference(vm, &s, &args[1])?;
    for other in &args[2..] {
        difference_update(vm, &result, other)?;
    }
    Ok(Value::Set(result))
}

fn set_difference_update(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = set_self(args, "difference_update")?.clone();
    for other in &args[1..] {
        difference_update(vm, &s, other)?;
    }
    Ok(Value::None)
}

/// set_symmetric_difference_update.
pub fn symmetric_difference_update(vm: &mut Vm, s: &Rc<SetObj>, other: &Value) -> PyResult<()> {
    let pairs: Vec<(i64, Value)> = match ops::base_value(other) {
        Value::Set(o) if Rc::ptr_eq(o, s) => {
            s.items.borrow_mut().clear();
            return Ok(());
        }
        Value::Set(o) => o
            .items
            .borrow()
            .iter()
            .map(|(h, k)| (h, k.clone()))
            .collect(),
        Value::Dict(d) => d.borrow().iter().map(|e| (e.hash, e.key.clone())).collect(),
        _ => {
            let tmp = SetObj::new_rc(false);
            ops::set_update(vm, &tmp, other)?;
            let pairs = tmp
                .items
                .borrow()
                .iter()
                .map(|(h, k)| (h, k.clone()))
                .collect();
            pairs
        }
    };
    for (h, k) in pairs {
        if !ops::set_discard_hashed(vm, s, &k, h)? {
            ops::set_add_hashed(vm, s, k, h)?;
        }
    }
    Ok(())
}

fn symmetric_difference(vm: &mut Vm, s: &Rc<SetObj>, other: &Value) -> PyResult<Rc<SetObj>> {
    let out = SetObj::new_rc(s.frozen);
    ops::set_update(vm, &out, other)?;
    symmetric_difference_update(vm, &out, &Value::Set(s.clone()))?;
    Ok(out)
}

fn set_symmetric_difference(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = set_self(args, "symmetric_difference")?.clone();
    one_arg("symmetric_difference", args).map_err(|_| {
        types::type_error(format!(
            "set.symmetric_difference() takes exactly one argument ({} given)",
            args.len() - 1
        ))
    })?;
    Ok(Value::Set(symmetric_difference(vm, &s, &args[1])?))
}

fn set_symmetric_difference_update(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    one_arg("set.symmetric_difference_update", args)?;
    let s = set_self(args, "symmetric_difference_update")?.clone();
    symmetric_difference_update(vm, &s, &args[1])?;
    Ok(Value::None)
}

/// Every key of `a` is in `b`.
fn subset(vm: &mut Vm, a: &SetObj, b: &SetObj) -> PyResult<bool> {
    if a.items.borrow().len() > b.items.borrow().len() {
        return Ok(false);
    }
    let pairs: Vec<(i64, Value)> = a
        .items
        .borrow()
        .iter()
        .map(|(h, k)| (h, k.clone()))
        .collect();
    for (h, k) in pairs {
        if ops::set_find(vm, b, &k, h)?.is_none() {
            return Ok(false);
        }
    }
    Ok(true)
}

fn as_set(vm: &mut Vm, v: &Value) -> PyResult<Rc<SetObj>> {
    if let Value::Set(s) = ops::base_value(v) {
        return Ok(s.clone());
    }
    let s = SetObj::new_rc(false);
    ops::set_update(vm, &s, v)?;
    Ok(s)
}

fn set_issubset(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    one_arg("set.issubset", args)?;
    let s = set_self(args, "issubset")?.clone();
    let o = as_set(vm, &args[1])?;
    Ok(Value::Bool(subset(vm, &s, &o)?))
}

fn set_issuperset(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    one_arg("set.issuperset", args)?;
    let s = set_self(args, "issuperset")?.clone();
    if let Value::Set(o) = ops::base_value(&args[1]) {
        let o = o.clone();
        return Ok(Value::Bool(subset(vm, &o, &s)?));
    }
    let it = ops::get_iter(vm, &args[1])?;
    while let Some(k) = ops::iter_next(vm, &it)? {
        if !ops::set_contains(vm, &s, &k)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn set_isdisjoint(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    one_arg("set.isdisjoint", args)?;
    let s = set_self(args, "isdisjoint")?.clone();
    let it = ops::get_iter(vm, &args[1])?;
    while let Some(k) = ops::iter_next(vm, &it)? {
        if ops::set_contains(vm, &s, &k)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

/// `x op y` for two sets (`| & - ^`): a new set of the left operand's kind.
pub fn binary(vm: &mut Vm, op: BinOp, x: &Rc<SetObj>, y: &Rc<SetObj>) -> PyResult<Value> {
    let other = Value::Set(y.clone());
    let out = match op {
        BinOp::BitOr => {
            let out = copy_of(vm, x, x.frozen)?;
            ops::set_update(vm, &out, &other)?;
            out
        }
        BinOp::BitAnd => intersection(vm, x, &other)?,
        BinOp::Sub => difference(vm, x, &other)?,
        _ => symmetric_difference(vm, x, &other)?,
    };
    Ok(Value::Set(out))
}

/// `s op= other` for a set: in place.
pub fn inplace(vm: &mut Vm, op: BinOp, s: &Rc<SetObj>, other: &Value) -> PyResult<()> {
    match op {
        BinOp::BitOr => ops::set_update(vm, s, other),
        BinOp::BitAnd => {
            let r = intersection(vm, s, other)?;
            if !Rc::ptr_eq(&r, s) {
                swap_contents(s, &r);
            }
            Ok(())
        }
        BinOp::Sub => difference_update(vm, s, other),
        _ => symmetric_difference_update(vm, s, other),
    }
}
