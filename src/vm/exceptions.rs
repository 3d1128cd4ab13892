//! Exceptions: context and cause chaining, tracebacks, matching, groups, and
//! rendering uncaught exceptions in CPython's layout.

use super::generator::{GenKind, Generator};
use super::Vm;
use crate::bytecode::Code;
use crate::value::object::TracebackEntry;
use crate::value::{types, PyResult, Symbol, Value};
use std::rc::Rc;

/// `NameError: name 'x' is not defined`.
pub fn name_error(name: Symbol) -> Value {
    let e = types::name_error(format!("name '{name}' is not defined"));
    if let Value::Instance(i) = &e {
        i.dict.borrow_mut().insert(Symbol::new("name"), Value::str(name.text().to_string()));
    }
    e
}

/// Sets `__context__` to the exception being handled (unless it would be itself).
pub fn set_context(exc: &Value, handled: Option<Value>) {
    let Some(handled) = handled else { return };
    if handled.is(exc) {
        return;
    }
    if let Some(data) = exc.exc_data() {
        let mut d = data.borrow_mut();
        if d.context.is_none() {
            // Avoid a cycle: drop the link if `exc` is already in handled's context chain.
            let mut cur = Some(handled.clone());
            let mut steps = 0;
            while let Some(c) = cur {
                if c.is(exc) || steps > 100 {
                    return;
                }
                steps += 1;
                cur = c.exc_data().and_then(|d| d.borrow().context.clone());
            }
            d.context = Some(handled);
        }
    }
}

/// Appends a frame to the exception's traceback.
pub fn add_traceback(exc: &Value, code: &Rc<Code>, line: u32) {
    if let Some(data) = exc.exc_data() {
        data.borrow_mut().traceback.push(TracebackEntry { code: code.clone(), line });
    }
}

/// PEP 479: StopIteration escaping a generator becomes RuntimeError.
pub fn convert_stop_iteration(g: &Generator, exc: Value) -> Value {
    let (is_stop, msg) = match g.kind {
        GenKind::Generator => (types::exc_is(&exc, |t| &t.stop_iteration), "generator raised StopIteration"),
        GenKind::Coroutine => (types::exc_is(&exc, |t| &t.stop_iteration), "coroutine raised StopIteration"),
        GenKind::AsyncGenerator => (
            types::exc_is(&exc, |t| &t.stop_async_iteration) || types::exc_is(&exc, |t| &t.stop_iteration),
            "async generator raised StopAsyncIteration",
        ),
    };
    if !is_stop {
        return exc;
    }
    let msg = if g.kind == GenKind::AsyncGenerator && types::exc_is(&exc, |t| &t.stop_iteration) {
        "async generator raised StopIteration"
    } else {
        msg
    };
    let new = types::runtime_error(msg);
    if let Some(d) = new.exc_data() {
        let mut d = d.borrow_mut();
        d.cause = Some(exc.clone());
        d.context = Some(exc);
        d.suppress_context = true;
    }
    new
}

/// `raise X`: X may be an exception class (instantiated) or instance.
pub fn make_raisable(vm: &mut Vm, exc: Value) -> PyResult<Value> {
    match &exc {
        Value::Instance(i) if i.exc.is_some() => Ok(exc),
        Value::Class(c) if c.layout == crate::value::object::Layout::Exception => {
            let v = vm.call(&exc, &[])?;
            if v.exc_data().is_none() {
                return Err(types::type_error(format!(
                    "calling {} should have returned an instance of BaseException, not {}",
                    c.name,
                    v.type_name()
                )));
            }
            Ok(v)
        }
        _ => Err(types::type_error("exceptions must derive from BaseException")),
    }
}

/// `raise exc from cause`.
pub fn set_cause(vm: &mut Vm, exc: &Value, cause: Value) -> PyResult<()> {
    let cause = match &cause {
        Value::None => None,
        _ => Some(make_raisable(vm, cause).map_err(|_| types::type_error("exception causes must derive from BaseException"))?),
    };
    if let Some(d) = exc.exc_data() {
        let mut d = d.borrow_mut();
        d.cause = cause;
        d.suppress_context = true;
    }
    Ok(())
}

/// `except T:` matching; T may be a class or a tuple of classes.
pub fn exception_matches(exc: &Value, typ: &Value) -> PyResult<bool> {
    match typ {
        Value::Class(c) => {
            if c.layout != crate::value::object::Layout::Exception {
                return Err(types::type_error(
                    "catching classes that do not inherit from BaseException is not allowed",
                ));
            }
            Ok(types::is_instance_of(exc, c))
        }
        Value::Tuple(items) => {
            for t in items.iter() {
                if exception_matches(exc, t)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(types::type_error("catching classes that do not inherit from BaseException is not allowed")),
    }
}

/// except*: splits `exc` into (rest, matched) by type; None for an empty part.
pub fn split_group(vm: &mut Vm, exc: &Value, typ: &Value) -> PyResult<(Value, Value)> {
    if exc.is_none() {
        return Ok((Value::None, Value::None));
    }
    crate::stdlib::exc_group::split(vm, exc, typ)
}

/// Combines what the except* handlers raised with the unhandled rest.
pub fn prep_reraise_star(vm: &mut Vm, orig: &Value, raised: &Value) -> PyResult<Value> {
    crate::stdlib::exc_group::prep_reraise(vm, orig, raised)
}

/// The exception's args.
pub fn exc_args(exc: &Value) -> Vec<Value> {
    exc.exc_data().map(|d| d.borrow().args.clone()).unwrap_or_default()
}

/// `str(exc)` as CPython renders it for the final traceback line.
pub fn exc_str(vm: &mut Vm, exc: &Value) -> String {
    match super::ops::str_of(vm, exc) {
        Ok(s) => s,
        Err(_) => "<exception str() failed>".to_string(),
    }
}

/// The qualified class name as printed in tracebacks (`asyncio.exceptions.CancelledError`
/// prints as `asyncio.exceptions.CancelledError`; builtins print bare).
pub fn exc_type_name(exc: &Value) -> String {
    let class = exc.class();
    if class.module == "builtins" || class.module == "__main__" {
        class.qualname.borrow().clone()
    } else {
        format!("{}.{}", class.module, class.qualname.borrow())
    }
}

/// Renders an uncaught exception with its chain, as CPython prints it.
pub fn format_exception(vm: &mut Vm, exc: &Value) -> String {
    let mut out = String::new();
    let mut seen: Vec<Value> = Vec::new();
    format_chain(vm, exc, &mut out, &mut seen);
    out
}

fn format_chain(vm: &mut Vm, exc: &Value, out: &mut String, seen: &mut Vec<Value>) {
    seen.push(exc.clone());
    let (cause, context, suppress) = match exc.exc_data() {
        Some(d) => {
            let d = d.borrow();
            (d.cause.clone(), d.context.clone(), d.suppress_context)
        }
        None => (None, None, false),
    };
    if let Some(c) = cause.filter(|c| !seen.iter().any(|s| s.is(c))) {
        format_chain(vm, &c, out, seen);
        out.push_str("\nThe above exception was the direct cause of the following exception:\n\n");
    } else if let Some(c) = context.filter(|c| !suppress && !seen.iter().any(|s| s.is(c))) {
        format_chain(vm, &c, out, seen);
        out.push_str("\nDuring handling of the above exception, another exception occurred:\n\n");
    }
    format_one(vm, exc, out);
}

fn format_one(vm: &mut Vm, exc: &Value, out: &mut String) {
    let tb = exc.exc_data().map(|d| d.borrow().traceback.clone()).unwrap_or_default();
    if !tb.is_empty() {
        out.push_str("Traceback (most recent call last):\n");
        for entry in tb.iter().rev() {
            out.push_str(&format!(
                "  File \"{}\", line {}, in {}\n",
                entry.code.filename, entry.line, entry.code.name
            ));
            if let Some(line) = vm.source_line(&entry.code.filename, entry.line) {
                let t = line.trim();
                if !t.is_empty() {
                    out.push_str(&format!("    {t}\n"));
                }
            }
        }
    }
    out.push_str(&final_line(vm, exc));
    out.push('\n');
}

/// `Type: message` (with the NameError/AttributeError suggestion when one exists).
pub fn final_line(vm: &mut Vm, exc: &Value) -> String {
    let name = exc_type_name(exc);
    let msg = exc_str(vm, exc);
    let suggestion = crate::stdlib::suggest::suggestion_for(vm, exc);
    let mut line = if msg.is_empty() { name } else { format!("{name}: {msg}") };
    if let Some(s) = suggestion {
        line.push_str(&format!(". Did you mean: '{s}'?"));
    }
    line
}
