//! Task introspection: `get_stack` and `print_stack`.

use super::{kwarg, task_data, this_future, Kw};
use crate::stdlib::frames;
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::generator::GenState;
use crate::vm::{ops, Vm};
use std::rc::Rc;

/// The `limit` argument: None, or a count.
fn limit_arg(args: &[Value], kwargs: Kw) -> PyResult<Option<i64>> {
    match args.get(1).or_else(|| kwarg(kwargs, "limit")) {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(n)) => Ok(Some(*n)),
        Some(other) => Err(types::type_error(format!(
            "'<=' not supported between instances of '{}' and 'int'",
            other.type_name()
        ))),
    }
}

/// (code, line) of each frame CPython's `Task.get_stack()` reports: the suspended
/// coroutine's own frame, or for a task that failed, its traceback (oldest first).
fn stack_entries(
    task: &Value,
    limit: Option<i64>,
) -> PyResult<Vec<(Rc<crate::bytecode::Code>, u32)>> {
    let t = task_data(std::slice::from_ref(task))?;
    let f = this_future(std::slice::from_ref(task))?;
    let mut out = Vec::new();
    let mut remaining = limit;
    let mut take = |out: &mut Vec<_>, entry| {
        if let Some(n) = remaining.as_mut() {
            if *n <= 0 {
                return false;
            }
            *n -= 1;
        }
        out.push(entry);
        true
    };
    if let Value::Generator(g) = &t.coro {
        if g.state.get() != GenState::Finished {
            take(&mut out, (g.code.clone(), frames::generator_line(g)));
            return Ok(out);
        }
    }
    if let Some(e) = f.exception_value().as_ref() {
        if let Some(data) = e.exc_data() {
            for entry in data.borrow().traceback.iter().rev() {
                if !take(&mut out, (entry.code.clone(), entry.line)) {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// Task.get_stack(*, limit=None): a list of frame objects.
pub fn task_get_stack(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    task_data(args)?;
    let limit = limit_arg(args, kwargs)?;
    let entries = stack_entries(&args[0], limit)?;
    Ok(Value::list(
        entries
            .iter()
            .map(|(code, line)| frames::frame_object(code, *line))
            .collect(),
    ))
}

/// Task.print_stack(*, limit=None, file=None): the stack (or the traceback of a
/// failed task) in traceback layout, to `file` or stderr.
pub fn task_print_stack(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    task_data(args)?;
    let task = &args[0];
    let limit = limit_arg(args, kwargs)?;
    let entries = stack_entries(task, limit)?;
    let exc = this_future(args)?.exception_value();
    let r = ops::repr(vm, task)?;
    let mut text = if entries.is_empty() {
        format!("No stack for {r}\n")
    } else if exc.is_some() {
        format!("Traceback for {r} (most recent call last):\n")
    } else {
        format!("Stack for {r} (most recent call last):\n")
    };
    for (code, line) in &entries {
        text.push_str(&format!(
            "  File \"{}\", line {}, in {}\n",
            code.filename, line, code.name
        ));
        if let Some(src) = vm.source_line(&code.filename, *line) {
            let src = src.trim();
            if !src.is_empty() {
                text.push_str(&format!("    {src}\n"));
            }
        }
    }
    if let (Some(e), false) = (&exc, entries.is_empty()) {
        text.push_str(&crate::vm::exceptions::final_line(vm, e));
        text.push('\n');
    }
    match args.get(2).or_else(|| kwarg(kwargs, "file")) {
        None | Some(Value::None) => {
            vm.stdout.flush();
            vm.stderr.write_str(&text);
        }
        Some(file) => {
            let write = ops::getattr(vm, file, Symbol::new("write"))?;
            vm.call(&write, &[Value::str(text)])?;
        }
    }
    Ok(Value::None)
}
