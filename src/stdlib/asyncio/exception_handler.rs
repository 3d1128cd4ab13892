//! The loop's exception handler: `set_exception_handler`, `get_exception_handler`,
//! `call_exception_handler`, `default_exception_handler`. Errors the loop cannot
//! raise anywhere (a failed task nobody awaited, a failing callback, a generator that
//! fails to close) go through it as a context dict, as in CPython.

use super::{arity, this_loop, Kw};
use crate::value::{types, PyResult, Value};
use crate::vm::{ops, Vm};

/// The handler set on the running loop (None: the default one).
fn current_handler(vm: &Vm) -> Value {
    vm.event_loop
        .as_ref()
        .map(|l| l.exception_handler.clone())
        .unwrap_or(Value::None)
}

fn context_dict(context: &[(&str, Value)]) -> Value {
    let mut d = crate::value::Dict::new();
    for (k, v) in context {
        let key = Value::str(k.to_string());
        let h = match &key {
            Value::Str(s) => s.hash(),
            _ => 0,
        };
        d.push_new(h, key, v.clone());
    }
    Value::dict(d)
}

/// Reports an error the loop caught: to the handler set with `set_exception_handler`,
/// else as `default_exception_handler` prints it.
pub fn call_exception_handler(vm: &mut Vm, context: &[(&str, Value)]) {
    let handler = current_handler(vm);
    if handler.is_none() {
        default_report(vm, context);
        return;
    }
    let loop_object = vm.loop_object();
    let dict = context_dict(context);
    if let Err(e) = vm.call(&handler, &[loop_object, dict.clone()]) {
        default_report(
            vm,
            &[
                (
                    "message",
                    Value::str("Unhandled error in exception handler"),
                ),
                ("exception", e),
                ("context", dict),
            ],
        );
    }
}

/// The default handler: the message, a `key: repr` line per other key (sorted), then
/// the exception's traceback, on stderr.
fn default_report(vm: &mut Vm, context: &[(&str, Value)]) {
    let mut message = String::new();
    let mut exception = None;
    let mut others: Vec<(&str, &Value)> = Vec::new();
    for (k, v) in context {
        match *k {
            "message" => message = ops::str_of(vm, v).unwrap_or_default(),
            "exception" if !v.is_none() => exception = Some(v.clone()),
            _ => others.push((k, v)),
        }
    }
    if message.is_empty() {
        message = "Unhandled exception in event loop".to_string();
    }
    others.sort_by(|a, b| a.0.cmp(b.0));
    let mut text = message;
    for (k, v) in others {
        let r = ops::repr(vm, v).unwrap_or_default();
        text.push_str(&format!("\n{k}: {r}"));
    }
    match exception {
        Some(e) => vm.report_exception(&text, &e),
        None => {
            vm.stdout.flush();
            vm.stderr.write_str(&format!("{text}\n"));
        }
    }
}

/// The (key, value) pairs of a context dict given by a script.
fn context_pairs(vm: &mut Vm, v: &Value) -> PyResult<Vec<(String, Value)>> {
    let Value::Dict(d) = v else {
        return Err(types::type_error(format!(
            "context must be a dict, not {}",
            v.type_name()
        )));
    };
    let entries: Vec<(Value, Value)> = d
        .borrow()
        .iter()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect();
    let mut out = Vec::new();
    for (k, v) in entries {
        out.push((ops::str_of(vm, &k)?, v));
    }
    Ok(out)
}

/// loop.set_exception_handler(handler): a callable `handler(loop, context)` or None.
pub fn loop_set_exception_handler(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("set_exception_handler", &args[1..], 1, 1)?;
    let handler = args[1].clone();
    if !handler.is_none() && !crate::stdlib::builtins::is_callable(&handler) {
        let r = ops::repr(vm, &handler)?;
        return Err(types::type_error(format!(
            "A callable object or None is expected, got {r}"
        )));
    }
    if let Some(l) = this_loop(vm, args) {
        l.exception_handler = handler;
    }
    Ok(Value::None)
}

/// loop.get_exception_handler().
pub fn loop_get_exception_handler(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(this_loop(vm, args)
        .map(|l| l.exception_handler.clone())
        .unwrap_or(Value::None))
}

/// loop.call_exception_handler(context).
pub fn loop_call_exception_handler(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("call_exception_handler", &args[1..], 1, 1)?;
    let pairs = context_pairs(vm, &args[1])?;
    let context: Vec<(&str, Value)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    call_exception_handler(vm, &context);
    Ok(Value::None)
}

/// loop.default_exception_handler(context).
pub fn loop_default_exception_handler(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("default_exception_handler", &args[1..], 1, 1)?;
    let pairs = context_pairs(vm, &args[1])?;
    let context: Vec<(&str, Value)> = pairs.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    default_report(vm, &context);
    Ok(Value::None)
}

/// CPython's `_format_callback_source`: `name(args) at file:line` (no location for
/// builtins).
pub fn callback_source(vm: &mut Vm, func: &Value, args: &[Value]) -> String {
    let name = match ops::getattr(vm, func, crate::value::Symbol::new("__qualname__")) {
        Ok(Value::Str(ref s)) => s.text.to_string(),
        _ => ops::repr(vm, func).unwrap_or_default(),
    };
    let args: Vec<String> = args
        .iter()
        .map(|a| ops::repr(vm, a).unwrap_or_default())
        .collect();
    let mut out = format!("{name}({})", args.join(", "));
    if let Value::Function(f) = func {
        out.push_str(&format!(" at {}:{}", f.code.filename, f.code.first_line));
    }
    out
}

/// Handle.__repr__ / TimerHandle.__repr__: `<Handle cb(1) at x.aio:2>`,
/// `<TimerHandle when=1.5 cb() at x.aio:2>`, `<Handle cancelled>`. A call_soon
/// handle that already ran no longer knows its callback: `<Handle>`.
pub fn handle_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let Some(Value::Native(n)) = args.first() else {
        return Err(types::type_error(
            "descriptor '__repr__' requires a 'Handle' object",
        ));
    };
    let crate::value::object::Native::Handle(h) = &**n else {
        return Err(types::type_error(
            "descriptor '__repr__' requires a 'Handle' object",
        ));
    };
    let mut parts = vec![if h.timer { "TimerHandle" } else { "Handle" }.to_string()];
    if h.cancelled.get() {
        parts.push("cancelled".to_string());
    }
    if h.timer {
        parts.push(format!("when={}", ops::repr(vm, &Value::Float(h.when))?));
    }
    let callback = match &*h.callback.borrow() {
        Some(crate::runtime::Callback::Call { func, args })
        | Some(crate::runtime::Callback::CallIn { func, args, .. }) => {
            Some((func.clone(), args.clone()))
        }
        _ => None,
    };
    if let Some((func, args)) = callback {
        if !h.cancelled.get() {
            parts.push(callback_source(vm, &func, &args));
        }
    }
    Ok(Value::str(format!("<{}>", parts.join(" "))))
}
