//! ExceptionGroup support for except*.

use crate::value::{types, PyResult, Value};
use crate::vm::exceptions::exception_matches;
use crate::vm::Vm;

fn group_parts(exc: &Value) -> Option<(Value, Vec<Value>)> {
    if !types::exc_is(exc, |t| &t.base_exception_group) {
        return None;
    }
    let args = crate::vm::exceptions::exc_args(exc);
    let msg = args.first().cloned().unwrap_or(Value::str(""));
    let items = match args.get(1) {
        Some(Value::List(l)) => l.borrow().clone(),
        Some(Value::Tuple(t)) => (**t).clone(),
        _ => Vec::new(),
    };
    Some((msg, items))
}

/// Builds a group of the same class as `like` with new contents, carrying over its
/// traceback, cause and context as CPython's split does.
fn derive(vm: &mut Vm, like: &Value, msg: &Value, items: Vec<Value>) -> PyResult<Value> {
    let class = Value::Class(like.class());
    let g = vm.call(&class, &[msg.clone(), Value::list(items)])?;
    if let (Some(from), Some(to)) = (like.exc_data(), g.exc_data()) {
        let from = from.borrow();
        let mut to = to.borrow_mut();
        to.traceback = from.traceback.clone();
        to.cause = from.cause.clone();
        to.context = from.context.clone();
        to.suppress_context = from.suppress_context;
    }
    Ok(g)
}

/// True when `e` carries the same traceback, cause and context as `orig`: a part of
/// the original group (split off, or re-raised bare) rather than a new exception.
fn same_metadata(e: &Value, orig: &Value) -> bool {
    let (Some(a), Some(b)) = (e.exc_data(), orig.exc_data()) else {
        return false;
    };
    let (a, b) = (a.borrow(), b.borrow());
    let same = |x: &Option<Value>, y: &Option<Value>| match (x, y) {
        (None, None) => true,
        (Some(x), Some(y)) => x.is(y),
        _ => false,
    };
    same(&a.cause, &b.cause)
        && same(&a.context, &b.context)
        && a.traceback.len() == b.traceback.len()
        && a.traceback
            .iter()
            .zip(&b.traceback)
            .all(|(p, q)| std::rc::Rc::ptr_eq(&p.code, &q.code) && p.line == q.line)
}

/// The addresses of the leaf exceptions of `e`.
fn leaf_ids(e: &Value, out: &mut Vec<usize>) {
    match group_parts(e) {
        Some((_, items)) => {
            for item in &items {
                leaf_ids(item, out);
            }
        }
        None => out.extend(e.ptr()),
    }
}

/// The part of `exc` whose leaves are in `keep`, with the group structure kept.
fn project(vm: &mut Vm, exc: &Value, keep: &[usize]) -> PyResult<Value> {
    match group_parts(exc) {
        None => Ok(if exc.ptr().is_some_and(|p| keep.contains(&p)) {
            exc.clone()
        } else {
            Value::None
        }),
        Some((msg, items)) => {
            let mut kept = Vec::new();
            let mut all = true;
            for item in &items {
                let k = project(vm, item, keep)?;
                if k.is_none() {
                    all = false;
                } else {
                    all &= k.is(item);
                    kept.push(k);
                }
            }
            if kept.is_empty() {
                Ok(Value::None)
            } else if all {
                Ok(exc.clone())
            } else {
                derive(vm, exc, &msg, kept)
            }
        }
    }
}

/// except*'s split of the exception being handled: a naked exception that matches is
/// wrapped in an ExceptionGroup first, as CPython does.
pub fn split_top(vm: &mut Vm, exc: &Value, typ: &Value) -> PyResult<(Value, Value)> {
    if group_parts(exc).is_none() && exception_matches(exc, typ)? {
        let eg = types::with_types(|t| t.exception_group.clone());
        let g = vm.call(
            &Value::Class(eg),
            &[Value::str(""), Value::tuple(vec![exc.clone()])],
        )?;
        return Ok((Value::None, g));
    }
    split(vm, exc, typ)
}

/// Splits `exc` by `typ`: (rest, matched), each None when empty.
pub fn split(vm: &mut Vm, exc: &Value, typ: &Value) -> PyResult<(Value, Value)> {
    match group_parts(exc) {
        None => {
            if exception_matches(exc, typ)? {
                Ok((Value::None, exc.clone()))
            } else {
                Ok((exc.clone(), Value::None))
            }
        }
        Some((msg, items)) => {
            if exception_matches(exc, typ)? {
                return Ok((Value::None, exc.clone()));
            }
            let mut matched = Vec::new();
            let mut rest = Vec::new();
            for item in items {
                let (r, m) = split(vm, &item, typ)?;
                if !m.is_none() {
                    matched.push(m);
                }
                if !r.is_none() {
                    rest.push(r);
                }
            }
            let m = if matched.is_empty() {
                Value::None
            } else {
                derive(vm, exc, &msg, matched)?
            };
            let r = if rest.is_empty() {
                Value::None
            } else {
                derive(vm, exc, &msg, rest)?
            };
            Ok((r, m))
        }
    }
}

/// After except* handlers: what to raise, from what the handlers raised and the
/// unhandled rest (CPython's rules: parts of the original group keep its shape; new
/// exceptions are gathered with it into a new ExceptionGroup("")).
pub fn prep_reraise(vm: &mut Vm, orig: &Value, raised: &Value) -> PyResult<Value> {
    let items: Vec<Value> = match raised {
        Value::List(l) => l
            .borrow()
            .iter()
            .filter(|v| !v.is_none())
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    if group_parts(orig).is_none() {
        // A naked exception: at most one handler ran.
        return Ok(items.into_iter().next().unwrap_or(Value::None));
    }
    let mut new = Vec::new();
    let mut keep = Vec::new();
    for e in items {
        if e.is(orig) || same_metadata(&e, orig) {
            leaf_ids(&e, &mut keep);
        } else {
            new.push(e);
        }
    }
    let reraised = if keep.is_empty() {
        Value::None
    } else {
        project(vm, orig, &keep)?
    };
    if new.is_empty() {
        return Ok(reraised);
    }
    if !reraised.is_none() {
        new.push(reraised);
    }
    if new.len() == 1 {
        return Ok(new.remove(0));
    }
    let eg = types::with_types(|t| t.exception_group.clone());
    let beg = types::with_types(|t| t.base_exception_group.clone());
    let class = if new.iter().all(|e| types::exc_is(e, |t| &t.exception)) {
        eg
    } else {
        beg
    };
    vm.call(&Value::Class(class), &[Value::str(""), Value::list(new)])
}

/// BaseExceptionGroup(message, exceptions): validates the arguments and picks the class
/// (BaseExceptionGroup becomes ExceptionGroup when every member is an Exception).
pub fn check_new(
    vm: &mut Vm,
    class: &std::rc::Rc<crate::value::object::Class>,
    args: &[Value],
) -> PyResult<std::rc::Rc<crate::value::object::Class>> {
    let name = class.name.clone();
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "{name}.__new__() takes exactly 2 arguments ({} given)",
            args.len()
        )));
    }
    if args[0].as_str().is_none() {
        return Err(types::type_error(format!(
            "argument 1 must be str, not {}",
            args[0].type_name()
        )));
    }
    let items = match &args[1] {
        Value::List(_) | Value::Tuple(_) => crate::vm::ops::collect_iterable(vm, &args[1])?,
        _ => {
            return Err(types::type_error(
                "second argument (exceptions) must be a sequence",
            ))
        }
    };
    if items.is_empty() {
        return Err(types::value_error(
            "second argument (exceptions) must be a non-empty sequence",
        ));
    }
    let mut all_exceptions = true;
    for (i, e) in items.iter().enumerate() {
        if e.exc_data().is_none() {
            return Err(types::value_error(format!(
                "Item {i} of second argument (exceptions) is not an exception"
            )));
        }
        if !types::exc_is(e, |t| &t.exception) {
            all_exceptions = false;
        }
    }
    let (beg, eg) =
        types::with_types(|t| (t.base_exception_group.clone(), t.exception_group.clone()));
    if std::rc::Rc::ptr_eq(class, &beg) {
        return Ok(if all_exceptions { eg } else { beg });
    }
    if std::rc::Rc::ptr_eq(class, &eg) && !all_exceptions {
        return Err(types::type_error(
            "Cannot nest BaseExceptions in an ExceptionGroup",
        ));
    }
    if !all_exceptions && types::with_types(|t| class.is_subclass(&t.exception)) {
        return Err(types::type_error(format!(
            "Cannot nest BaseExceptions in '{name}'"
        )));
    }
    Ok(class.clone())
}

fn group_args(args: &[Value]) -> PyResult<(Value, Vec<Value>)> {
    let exc = args
        .first()
        .ok_or_else(|| types::type_error("descriptor needs an argument"))?;
    let a = crate::vm::exceptions::exc_args(exc);
    let msg = a.first().cloned().unwrap_or(Value::str(""));
    let items = match a.get(1) {
        Some(Value::List(l)) => l.borrow().clone(),
        Some(Value::Tuple(t)) => (**t).clone(),
        _ => Vec::new(),
    };
    Ok((msg, items))
}

fn eg_str(vm: &mut Vm, args: &[Value], _: &[(crate::value::Symbol, Value)]) -> PyResult<Value> {
    let (msg, items) = group_args(args)?;
    let m = crate::vm::ops::str_of(vm, &msg)?;
    let n = items.len();
    Ok(Value::str(format!(
        "{} ({} sub-exception{})",
        m,
        n,
        if n == 1 { "" } else { "s" }
    )))
}

fn eg_repr(vm: &mut Vm, args: &[Value], _: &[(crate::value::Symbol, Value)]) -> PyResult<Value> {
    let (msg, items) = group_args(args)?;
    let name = args[0].class().name.clone();
    let a = crate::vm::exceptions::exc_args(&args[0]);
    let list = a.get(1).cloned().unwrap_or_else(|| Value::list(items));
    Ok(Value::str(format!(
        "{}({}, {})",
        name,
        crate::vm::ops::repr(vm, &msg)?,
        crate::vm::ops::repr(vm, &list)?
    )))
}

fn eg_exceptions(
    _vm: &mut Vm,
    args: &[Value],
    _: &[(crate::value::Symbol, Value)],
) -> PyResult<Value> {
    Ok(Value::tuple(group_args(args)?.1))
}

fn eg_message(
    _vm: &mut Vm,
    args: &[Value],
    _: &[(crate::value::Symbol, Value)],
) -> PyResult<Value> {
    Ok(group_args(args)?.0)
}

fn eg_derive(vm: &mut Vm, args: &[Value], _: &[(crate::value::Symbol, Value)]) -> PyResult<Value> {
    let (msg, _) = group_args(args)?;
    let items = args.get(1).cloned().unwrap_or(Value::list(vec![]));
    let class = types::with_types(|t| t.base_exception_group.clone());
    vm.call(&Value::Class(class), &[msg, items])
}

fn eg_split(vm: &mut Vm, args: &[Value], _: &[(crate::value::Symbol, Value)]) -> PyResult<Value> {
    let typ = args.get(1).cloned().unwrap_or(Value::None);
    let (rest, matched) = split(vm, &args[0], &typ)?;
    Ok(Value::tuple(vec![matched, rest]))
}

fn eg_subgroup(
    vm: &mut Vm,
    args: &[Value],
    _: &[(crate::value::Symbol, Value)],
) -> PyResult<Value> {
    let typ = args.get(1).cloned().unwrap_or(Value::None);
    Ok(split(vm, &args[0], &typ)?.1)
}

/// Installs the group methods and properties on BaseExceptionGroup.
pub fn register() {
    use crate::value::object::Native;
    types::with_types(|t| {
        let c = &t.base_exception_group;
        types::set_class_attr(c, "__str__", Value::builtin("__str__", eg_str));
        types::set_class_attr(c, "__repr__", Value::builtin("__repr__", eg_repr));
        types::set_class_attr(c, "derive", Value::builtin("derive", eg_derive));
        types::set_class_attr(c, "split", Value::builtin("split", eg_split));
        types::set_class_attr(c, "subgroup", Value::builtin("subgroup", eg_subgroup));
        let prop = |f: crate::value::object::NativeFn, name: &'static str| {
            Value::native(Native::Property {
                fget: Value::builtin(name, f),
                fset: Value::None,
                fdel: Value::None,
                doc: Value::None,
            })
        };
        types::set_class_attr(c, "exceptions", prop(eg_exceptions, "exceptions"));
        types::set_class_attr(c, "message", prop(eg_message, "message"));
    });
}
