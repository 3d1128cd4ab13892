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
        i.dict
            .insert(Symbol::new("name"), Value::str(name.text().to_string()));
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
        data.borrow_mut().traceback.push(TracebackEntry {
            code: code.clone(),
            line,
        });
    }
}

/// PEP 479: StopIteration escaping a generator becomes RuntimeError.
pub fn convert_stop_iteration(g: &Generator, exc: Value) -> Value {
    let (is_stop, msg) = match g.kind {
        GenKind::Generator => (
            types::exc_is(&exc, |t| &t.stop_iteration),
            "generator raised StopIteration",
        ),
        GenKind::Coroutine => (
            types::exc_is(&exc, |t| &t.stop_iteration),
            "coroutine raised StopIteration",
        ),
        GenKind::AsyncGenerator => (
            types::exc_is(&exc, |t| &t.stop_async_iteration)
                || types::exc_is(&exc, |t| &t.stop_iteration),
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
        _ => Err(types::type_error(
            "exceptions must derive from BaseException",
        )),
    }
}

/// `raise exc from cause`.
pub fn set_cause(vm: &mut Vm, exc: &Value, cause: Value) -> PyResult<()> {
    let cause =
        match &cause {
            Value::None => None,
            _ => Some(make_raisable(vm, cause).map_err(|_| {
                types::type_error("exception causes must derive from BaseException")
            })?),
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
        _ => Err(types::type_error(
            "catching classes that do not inherit from BaseException is not allowed",
        )),
    }
}

/// except*: splits `exc` into (rest, matched) by type; None for an empty part.
pub fn split_group(vm: &mut Vm, exc: &Value, typ: &Value) -> PyResult<(Value, Value)> {
    if exc.is_none() {
        return Ok((Value::None, Value::None));
    }
    crate::stdlib::exc_group::split_top(vm, exc, typ)
}

/// Combines what the except* handlers raised with the unhandled rest.
pub fn prep_reraise_star(vm: &mut Vm, orig: &Value, raised: &Value) -> PyResult<Value> {
    crate::stdlib::exc_group::prep_reraise(vm, orig, raised)
}

/// The exception's args.
pub fn exc_args(exc: &Value) -> Vec<Value> {
    exc.exc_data()
        .map(|d| d.borrow().args.clone())
        .unwrap_or_default()
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

/// Renders an uncaught exception with its chain, as CPython prints it (exception
/// groups as the boxed tree CPython draws).
pub fn format_exception(vm: &mut Vm, exc: &Value) -> String {
    let mut ctx = PrintContext {
        out: String::new(),
        depth: 0,
        need_close: false,
        seen: Vec::new(),
    };
    format_with_chain(vm, exc, &mut ctx);
    ctx.out
}

/// Renders one exception without its cause/context chain (how CPython reports an
/// exception it has to ignore).
pub fn format_exception_alone(vm: &mut Vm, exc: &Value) -> String {
    let mut ctx = PrintContext {
        out: String::new(),
        depth: 0,
        need_close: false,
        seen: Vec::new(),
    };
    format_single(vm, exc, &mut ctx);
    ctx.out
}

/// Where the renderer is inside nested exception groups.
struct PrintContext {
    out: String,
    depth: usize,
    need_close: bool,
    seen: Vec<Value>,
}

const MAX_GROUP_WIDTH: usize = 15;
const MAX_GROUP_DEPTH: usize = 10;

impl PrintContext {
    fn indent(&self) -> String {
        " ".repeat(2 * self.depth)
    }

    /// Writes `text` (one or more lines) with the current margin.
    fn emit(&mut self, text: &str, margin: char) {
        let mut prefix = self.indent();
        if self.depth > 0 {
            prefix.push(margin);
            prefix.push(' ');
        }
        for line in text.split_inclusive('\n') {
            self.out.push_str(&prefix);
            self.out.push_str(line);
        }
    }
}

/// The sub-exceptions of a group, if `exc` is one.
fn group_members(exc: &Value) -> Option<Vec<Value>> {
    if !types::exc_is(exc, |t| &t.base_exception_group) {
        return None;
    }
    match exc_args(exc).get(1) {
        Some(Value::List(l)) => Some(l.borrow().clone()),
        Some(Value::Tuple(t)) => Some((**t).clone()),
        _ => Some(Vec::new()),
    }
}

fn stack_text(vm: &mut Vm, exc: &Value) -> String {
    let tb = exc
        .exc_data()
        .map(|d| d.borrow().traceback.clone())
        .unwrap_or_default();
    let mut out = String::new();
    // CPython prints a run of identical entries three times, then counts the rest.
    let mut last: Option<(&Rc<Code>, u32)> = None;
    let mut repeats = 0usize;
    let flush = |out: &mut String, repeats: usize| {
        if repeats > 3 {
            let n = repeats - 3;
            out.push_str(&format!(
                "  [Previous line repeated {n} more time{}]\n",
                if n == 1 { "" } else { "s" }
            ));
        }
    };
    for entry in tb.iter().rev() {
        let same = last.is_some_and(|(c, l)| Rc::ptr_eq(c, &entry.code) && l == entry.line);
        if same {
            repeats += 1;
            if repeats > 3 {
                continue;
            }
        } else {
            flush(&mut out, repeats);
            repeats = 1;
            last = Some((&entry.code, entry.line));
        }
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
    flush(&mut out, repeats);
    out
}

fn format_with_chain(vm: &mut Vm, exc: &Value, ctx: &mut PrintContext) {
    // The chain, innermost cause first.
    let mut chain: Vec<(Option<&'static str>, Value)> = Vec::new();
    let mut cur = Some(exc.clone());
    while let Some(e) = cur {
        if ctx.seen.iter().any(|s| s.is(&e)) {
            break;
        }
        ctx.seen.push(e.clone());
        let (cause, context, suppress) = match e.exc_data() {
            Some(d) => {
                let d = d.borrow();
                (d.cause.clone(), d.context.clone(), d.suppress_context)
            }
            None => (None, None, false),
        };
        let (msg, next) = if let Some(c) = cause {
            (
                Some("\nThe above exception was the direct cause of the following exception:\n\n"),
                Some(c),
            )
        } else if let Some(c) = context.filter(|_| !suppress) {
            (
                Some("\nDuring handling of the above exception, another exception occurred:\n\n"),
                Some(c),
            )
        } else {
            (None, None)
        };
        chain.push((msg, e));
        cur = next.filter(|n| !ctx.seen.iter().any(|s| s.is(n)));
    }
    for (msg, e) in chain.into_iter().rev() {
        if let Some(m) = msg {
            ctx.emit(m, '|');
        }
        format_single(vm, &e, ctx);
    }
}

fn format_single(vm: &mut Vm, exc: &Value, ctx: &mut PrintContext) {
    let stack = stack_text(vm, exc);
    let last = format!("{}\n", final_line(vm, exc));
    let Some(members) = group_members(exc) else {
        if !stack.is_empty() {
            ctx.emit("Traceback (most recent call last):\n", '|');
            ctx.emit(&stack, '|');
        }
        ctx.emit(&last, '|');
        return;
    };
    if ctx.depth > MAX_GROUP_DEPTH {
        ctx.emit(
            &format!("... (max_group_depth is {MAX_GROUP_DEPTH})\n"),
            '|',
        );
        return;
    }
    let toplevel = ctx.depth == 0;
    if toplevel {
        ctx.depth += 1;
    }
    if !stack.is_empty() {
        ctx.emit(
            "Exception Group Traceback (most recent call last):\n",
            if toplevel { '+' } else { '|' },
        );
        ctx.emit(&stack, '|');
    }
    ctx.emit(&last, '|');
    let n = members.len().min(MAX_GROUP_WIDTH + 1);
    ctx.need_close = false;
    for (i, member) in members.iter().take(n).enumerate() {
        let last_one = i == n - 1;
        if last_one {
            ctx.need_close = true;
        }
        let truncated = i >= MAX_GROUP_WIDTH;
        let title = if truncated {
            "...".to_string()
        } else {
            (i + 1).to_string()
        };
        let line = format!(
            "{}{}+---------------- {} ----------------\n",
            ctx.indent(),
            if i == 0 { "+-" } else { "  " },
            title
        );
        ctx.out.push_str(&line);
        ctx.depth += 1;
        if truncated {
            let remaining = members.len() - MAX_GROUP_WIDTH;
            ctx.emit(
                &format!(
                    "and {} more exception{}\n",
                    remaining,
                    if remaining > 1 { "s" } else { "" }
                ),
                '|',
            );
        } else {
            format_with_chain(vm, member, ctx);
        }
        if last_one && ctx.need_close {
            let close = format!("{}+------------------------------------\n", ctx.indent());
            ctx.out.push_str(&close);
            ctx.need_close = false;
        }
        ctx.depth -= 1;
    }
    if toplevel {
        ctx.depth = 0;
    }
}

/// `Type: message` (with the NameError/AttributeError suggestion when one exists).
pub fn final_line(vm: &mut Vm, exc: &Value) -> String {
    let name = exc_type_name(exc);
    let msg = exc_str(vm, exc);
    let suggestion = crate::stdlib::suggest::suggestion_for(vm, exc);
    let mut line = if msg.is_empty() {
        name
    } else {
        format!("{name}: {msg}")
    };
    if let Some(s) = suggestion {
        line.push_str(&format!(". Did you mean: '{s}'?"));
    }
    line
}
