//! list and tuple: constructors, methods, and the sort (CPython's comparison order).

use super::{descriptor_error, int_arg, is_subclass_new, kwarg, method, recv, wrap_for, Kw};
use crate::stdlib::builtins::arity;
use crate::value::{types, PyResult, Value};
use crate::vm::ops;
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

type ListRef = Rc<RefCell<Vec<Value>>>;

/// Installs list and tuple methods.
pub fn register() {
    types::with_types(|t| {
        method(&t.list, "__new__", list_new);
        method(&t.list, "__init__", list_init);
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
        method(&t.tuple, "__new__", tuple_new);
        method(&t.tuple, "index", seq_index);
        method(&t.tuple, "count", seq_count);
    });
}

fn list_self<'a>(args: &'a [Value], name: &str) -> PyResult<&'a ListRef> {
    match recv(args) {
        Value::List(l) => Ok(l),
        other => Err(descriptor_error(name, "list", other)),
    }
}

fn list_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let cls = &args[0];
    if is_subclass_new(cls) {
        // The items come from `list.__init__`, as in CPython.
        return Ok(wrap_for(cls, Value::list(Vec::new())));
    }
    if !kwargs.is_empty() {
        return Err(types::type_error("list() takes no keyword arguments"));
    }
    arity("list", &args[1..], 0, 1)?;
    match args.get(1) {
        None => Ok(Value::list(Vec::new())),
        Some(v) => Ok(Value::list(ops::collect_iterable(vm, v)?)),
    }
}

fn list_init(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(types::type_error("list() takes no keyword arguments"));
    }
    arity("list", &args[1..], 0, 1)?;
    let l = list_self(args, "__init__")?.clone();
    let items = match args.get(1) {
        Some(v) => ops::collect_iterable(vm, v)?,
        None => Vec::new(),
    };
    *l.borrow_mut() = items;
    Ok(Value::None)
}

fn exactly_one(name: &str, args: &[Value]) -> PyResult<()> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len().saturating_sub(1)
        )));
    }
    Ok(())
}

fn list_append(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    exactly_one("list.append", args)?;
    list_self(args, "append")?
        .borrow_mut()
        .push(args[1].clone());
    Ok(Value::None)
}

fn list_pop(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("pop", &args[1..], 0, 1)?;
    let l = list_self(args, "pop")?.clone();
    let i = match args.get(1) {
        Some(v) => int_arg(vm, v)?,
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
    exactly_one("list.extend", args)?;
    let l = list_self(args, "extend")?.clone();
    let items = ops::collect_iterable(vm, &args[1])?;
    l.borrow_mut().extend(items);
    Ok(Value::None)
}

fn list_insert(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("insert", &args[1..], 2, 2)?;
    let l = list_self(args, "insert")?.clone();
    let i = int_arg(vm, &args[1])?;
    let mut l = l.borrow_mut();
    let len = l.len() as i64;
    let idx = if i < 0 { (i + len).max(0) } else { i.min(len) };
    l.insert(idx as usize, args[2].clone());
    Ok(Value::None)
}

fn list_sort(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(types::type_error("sort() takes no positional arguments"));
    }
    if let Some((k, _)) = kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s != "key" && s != "reverse"))
    {
        return Err(types::type_error(format!(
            "'{k}' is an invalid keyword argument for sort()"
        )));
    }
    let l = list_self(args, "sort")?.clone();
    let key = kwarg(kwargs, "key").cloned();
    let reverse = match kwarg(kwargs, "reverse") {
        Some(v) => reverse_flag(v)?,
        None => false,
    };
    // The list looks empty while it is sorted, so a key or comparison that mutates it is caught.
    let mut items = std::mem::take(&mut *l.borrow_mut());
    let r = sort_values(vm, &mut items, key.as_ref(), reverse);
    let modified = !l.borrow().is_empty();
    *l.borrow_mut() = items;
    r?;
    if modified {
        return Err(types::value_error("list modified during sort"));
    }
    Ok(Value::None)
}

/// The `reverse=` flag of sort/sorted: an int-like value.
pub fn reverse_flag(v: &Value) -> PyResult<bool> {
    match ops::base_value(v) {
        Value::Bool(b) => Ok(*b),
        Value::Int(i) => Ok(*i != 0),
        Value::BigInt(_) => Ok(true),
        Value::Float(_) => Err(types::type_error(
            "'float' object cannot be interpreted as an integer",
        )),
        other => Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
    }
}

/// Sorts in place, stably, comparing with `<` only and in CPython's order for
/// short lists (so errors name the same pair of types); `reverse` keeps stability.
pub fn sort_values(
    vm: &mut Vm,
    items: &mut Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> PyResult<()> {
    let keys: Vec<Value> = match key {
        Some(k) if !k.is_none() => {
            let mut ks = Vec::with_capacity(items.len());
            for v in items.iter() {
                ks.push(vm.call(k, &[v.clone()])?);
            }
            ks
        }
        _ => items.clone(),
    };
    let mut idx: Vec<usize> = (0..items.len()).collect();
    if reverse {
        idx.reverse();
    }
    let mut lt = |vm: &mut Vm, a: usize, b: usize| -> PyResult<bool> {
        ops::less_than(vm, &keys[a], &keys[b])
    };
    sort_indices(vm, &mut idx, &mut lt)?;
    if reverse {
        idx.reverse();
    }
    let sorted: Vec<Value> = idx.into_iter().map(|i| items[i].clone()).collect();
    *items = sorted;
    Ok(())
}

type Lt<'a> = dyn FnMut(&mut Vm, usize, usize) -> PyResult<bool> + 'a;

fn sort_indices(vm: &mut Vm, idx: &mut [usize], lt: &mut Lt) -> PyResult<()> {
    let n = idx.len();
    if n < 2 {
        return Ok(());
    }
    if n < 64 {
        // listsort for short lists: count_run, then binary insertion.
        let mut run = 2;
        if lt(vm, idx[1], idx[0])? {
            while run < n && lt(vm, idx[run], idx[run - 1])? {
                run += 1;
            }
            idx[..run].reverse();
        } else {
            while run < n && !lt(vm, idx[run], idx[run - 1])? {
                run += 1;
            }
        }
        for start in run..n {
            let pivot = idx[start];
            let (mut l, mut r) = (0, start);
            while l < r {
                let p = l + (r - l) / 2;
                if lt(vm, pivot, idx[p])? {
                    r = p;
                } else {
                    l = p + 1;
                }
            }
            idx.copy_within(l..start, l + 1);
            idx[l] = pivot;
        }
        return Ok(());
    }
    let mid = n / 2;
    sort_indices(vm, &mut idx[..mid], lt)?;
    sort_indices(vm, &mut idx[mid..], lt)?;
    let (mut i, mut j) = (0, mid);
    let mut out = Vec::with_capacity(n);
    while i < mid && j < n {
        if lt(vm, idx[j], idx[i])? {
            out.push(idx[j]);
            j += 1;
        } else {
            out.push(idx[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&idx[i..mid]);
    out.extend_from_slice(&idx[j..n]);
    idx.copy_from_slice(&out);
    Ok(())
}

fn list_reverse(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("reverse", &args[1..], 0, 0)?;
    list_self(args, "reverse")?.borrow_mut().reverse();
    Ok(Value::None)
}

fn list_copy(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("copy", &args[1..], 0, 0)?;
    Ok(Value::list(list_self(args, "copy")?.borrow().clone()))
}

fn list_clear(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("clear", &args[1..], 0, 0)?;
    list_self(args, "clear")?.borrow_mut().clear();
    Ok(Value::None)
}

fn list_remove(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    exactly_one("list.remove", args)?;
    let l = list_self(args, "remove")?.clone();
    let items = l.borrow().clone();
    for (i, v) in items.iter().enumerate() {
        if v.is(&args[1]) || ops::eq(vm, v, &args[1])? {
            let mut l = l.borrow_mut();
            if i < l.len() {
                l.remove(i);
            }
            return Ok(Value::None);
        }
    }
    Err(types::value_error("list.remove(x): x not in list"))
}

fn tuple_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(types::type_error("tuple() takes no keyword arguments"));
    }
    arity("tuple", &args[1..], 0, 1)?;
    let v = match args.get(1) {
        None => Value::tuple(Vec::new()),
        Some(v @ Value::Tuple(_)) => v.clone(),
        Some(v) => Value::tuple(ops::collect_iterable(vm, v)?),
    };
    Ok(wrap_for(&args[0], v))
}

fn seq_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.borrow().clone()),
        Value::Tuple(t) => Some((**t).clone()),
        _ => None,
    }
}

fn seq_index(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("index", &args[1..], 1, 3)?;
    let is_list = matches!(recv(args), Value::List(_));
    let items =
        seq_items(recv(args)).ok_or_else(|| descriptor_error("index", "list", recv(args)))?;
    let bound = |vm: &mut Vm, v: Option<&Value>| -> PyResult<Option<i64>> {
        match v {
            None => Ok(None),
            Some(v) => ops::index_of(vm, v, "").map(Some).map_err(|_| {
                types::type_error("slice indices must be integers or have an __index__ method")
            }),
        }
    };
    let start = bound(vm, args.get(2))?;
    let stop = bound(vm, args.get(3))?;
    let (start, stop) = super::adjust_indices(start, stop, items.len());
    let mut i = start.max(0);
    while i < stop && (i as usize) < items.len() {
        let v = &items[i as usize];
        if v.is(&args[1]) || ops::eq(vm, v, &args[1])? {
            return Ok(Value::Int(i));
        }
        i += 1;
    }
    if is_list {
        Err(types::value_error(format!(
            "{} is not in list",
            ops::repr(vm, &args[1])?
        )))
    } else {
        Err(types::value_error("tuple.index(x): x not in tuple"))
    }
}

fn seq_count(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let is_list = matches!(recv(args), Value::List(_));
    exactly_one(if is_list { "list.count" } else { "tuple.count" }, args)?;
    let items =
        seq_items(recv(args)).ok_or_else(|| descriptor_error("count", "list", recv(args)))?;
    let mut n = 0;
    for v in &items {
        if v.is(&args[1]) || ops::eq(vm, v, &args[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}
