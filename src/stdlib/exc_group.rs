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

/// Builds a group of the same class as `like` with new contents.
fn derive(vm: &mut Vm, like: &Value, msg: &Value, items: Vec<Value>) -> PyResult<Value> {
    let class = Value::Class(like.class());
    vm.call(&class, &[msg.clone(), Value::list(items)])
}

/// Splits `exc` by `typ`: (rest, matched), each None when empty.
pub fn split(vm: &mut Vm, exc: &Value, typ: &Value) -> PyResult<(Value, Value)> {
    match group_parts(exc) {
        None => {
            if exception_matches(exc, typ)? {
                // A naked exception matched by except* is wrapped in a group.
                let eg = types::with_types(|t| t.exception_group.clone());
                let g = vm.call(&Value::Class(eg), &[Value::str(""), Value::list(vec![exc.clone()])])?;
                Ok((Value::None, g))
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
            let m = if matched.is_empty() { Value::None } else { derive(vm, exc, &msg, matched)? };
            let r = if rest.is_empty() { Value::None } else { derive(vm, exc, &msg, rest)? };
            Ok((r, m))
        }
    }
}

/// After except* handlers: re-raise what is left (raised exceptions and the unhandled rest).
pub fn prep_reraise(vm: &mut Vm, orig: &Value, raised: &Value) -> PyResult<Value> {
    let items: Vec<Value> = match raised {
        Value::List(l) => l.borrow().iter().filter(|v| !v.is_none()).cloned().collect(),
        _ => Vec::new(),
    };
    if items.is_empty() {
        return Ok(Value::None);
    }
    if items.len() == 1 {
        return Ok(items[0].clone());
    }
    let msg = group_parts(orig).map(|(m, _)| m).unwrap_or(Value::str(""));
    derive(vm, orig, &msg, items)
}
