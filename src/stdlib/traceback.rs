//! The `traceback` module: formatting and printing exceptions in CPython's layout,
//! for the exception being handled or one passed in (3.10+ single-argument forms).

use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::{exceptions, Vm};

type Kw<'a> = &'a [(Symbol, Value)];

fn kwarg<'a>(kwargs: Kw<'a>, name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s == name))
        .map(|(_, v)| v)
}

fn check_kwargs(fname: &str, kwargs: Kw, allowed: &[&str]) -> PyResult<()> {
    for (k, _) in kwargs {
        if !k.with(|s| allowed.contains(&s)) {
            return Err(types::type_error(format!(
                "{fname}() got an unexpected keyword argument '{k}'"
            )));
        }
    }
    Ok(())
}

/// Splits a rendered traceback into the pieces CPython's `format_exception` returns:
/// the header, one string per frame (with its source line), chain messages, the last line.
fn chunks(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    // True while the last chunk is a frame that may take a source line.
    let mut in_frame = false;
    while i < lines.len() {
        let line = lines[i];
        if line == "\n"
            && lines.get(i + 1).is_some_and(|l| {
                l.starts_with("During handling of the above exception")
                    || l.starts_with("The above exception was")
            })
        {
            let mut chunk = String::from(line);
            chunk.push_str(lines[i + 1]);
            if let Some(l) = lines.get(i + 2).filter(|l| **l == "\n") {
                chunk.push_str(l);
                i += 1;
            }
            out.push(chunk);
            i += 2;
            in_frame = false;
            continue;
        }
        if line.starts_with("  File ") {
            out.push(line.to_string());
            in_frame = true;
        } else if in_frame && line.starts_with("    ") {
            if let Some(last) = out.last_mut() {
                last.push_str(line);
            }
        } else if line.starts_with("Traceback (most recent call last):") {
            out.push(line.to_string());
            in_frame = false;
        } else {
            // The exception line, and any continuation lines of its message.
            if !in_frame
                && out.last().is_some_and(|l| {
                    !l.ends_with(":\n") && !l.starts_with("  File ") && !l.starts_with('\n')
                })
            {
                if let Some(last) = out.last_mut() {
                    last.push_str(line);
                }
            } else {
                out.push(line.to_string());
            }
            in_frame = false;
        }
        i += 1;
    }
    out
}

/// The exception a formatting call refers to: a single exception argument, or the
/// `value` of the old (type, value, tb) form.
fn target(args: &[Value], kwargs: Kw) -> Option<Value> {
    let value = args.get(1).or_else(|| kwarg(kwargs, "value"));
    match value {
        Some(v) => Some(v.clone()),
        None => args.first().or_else(|| kwarg(kwargs, "exc")).cloned(),
    }
}

fn render(vm: &mut Vm, exc: Option<&Value>, chain: bool) -> String {
    match exc {
        Some(e) if e.exc_data().is_some() => {
            if chain {
                exceptions::format_exception(vm, e)
            } else {
                let saved = e.exc_data().map(|d| {
                    let mut d = d.borrow_mut();
                    (d.cause.take(), d.context.take())
                });
                let text = exceptions::format_exception(vm, e);
                if let (Some(d), Some((cause, context))) = (e.exc_data(), saved) {
                    let mut d = d.borrow_mut();
                    d.cause = cause;
                    d.context = context;
                }
                text
            }
        }
        _ => "NoneType: None\n".to_string(),
    }
}

fn chain_flag(vm: &mut Vm, kwargs: Kw) -> PyResult<bool> {
    match kwarg(kwargs, "chain") {
        Some(v) => crate::vm::ops::truthy(vm, v),
        None => Ok(true),
    }
}

fn format_exc(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    check_kwargs("format_exc", kwargs, &["limit", "chain"])?;
    super::builtins::arity("format_exc", args, 0, 2)?;
    let chain = chain_flag(vm, kwargs)?;
    let exc = super::sys::handled_exception(vm);
    Ok(Value::str(render(vm, exc.as_ref(), chain)))
}

fn print_exc(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    check_kwargs("print_exc", kwargs, &["limit", "file", "chain"])?;
    super::builtins::arity("print_exc", args, 0, 3)?;
    let chain = chain_flag(vm, kwargs)?;
    let exc = super::sys::handled_exception(vm);
    let text = render(vm, exc.as_ref(), chain);
    let file = match args.get(1).or_else(|| kwarg(kwargs, "file")) {
        Some(f) if !f.is_none() => f.clone(),
        _ => super::sys::current_stderr(vm),
    };
    super::sys::write_to(vm, &file, &text)?;
    Ok(Value::None)
}

fn format_exception(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    check_kwargs(
        "format_exception",
        kwargs,
        &["value", "tb", "limit", "chain"],
    )?;
    if args.is_empty() {
        return Err(types::type_error(
            "format_exception() missing required argument 'exc' (pos 1)",
        ));
    }
    let chain = chain_flag(vm, kwargs)?;
    let exc = target(args, kwargs);
    let text = render(vm, exc.as_ref(), chain);
    Ok(Value::list(
        chunks(&text).into_iter().map(Value::str).collect(),
    ))
}

fn print_exception(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    check_kwargs(
        "print_exception",
        kwargs,
        &["value", "tb", "limit", "file", "chain"],
    )?;
    if args.is_empty() {
        return Err(types::type_error(
            "print_exception() missing required argument 'exc' (pos 1)",
        ));
    }
    let chain = chain_flag(vm, kwargs)?;
    let exc = target(args, kwargs);
    let text = render(vm, exc.as_ref(), chain);
    let file = match args.get(4).or_else(|| kwarg(kwargs, "file")) {
        Some(f) if !f.is_none() => f.clone(),
        _ => super::sys::current_stderr(vm),
    };
    super::sys::write_to(vm, &file, &text)?;
    Ok(Value::None)
}

fn format_exception_only(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    check_kwargs("format_exception_only", kwargs, &["value"])?;
    if args.is_empty() {
        return Err(types::type_error(
            "format_exception_only() missing required argument 'exc' (pos 1)",
        ));
    }
    let exc = target(args, kwargs);
    let line = match &exc {
        Some(e) if e.exc_data().is_some() => exceptions::final_line(vm, e),
        _ => "NoneType: None".to_string(),
    };
    Ok(Value::list(vec![Value::str(format!("{line}\n"))]))
}

/// Builds the `traceback` module.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("traceback");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("traceback"));
        let fns: &[(&'static str, crate::value::object::NativeFn)] = &[
            ("format_exc", format_exc),
            ("print_exc", print_exc),
            ("format_exception", format_exception),
            ("print_exception", print_exception),
            ("format_exception_only", format_exception_only),
        ];
        for (name, f) in fns {
            g.insert(Symbol::new(name), Value::builtin(name, *f));
        }
    }
    Value::Module(m)
}

#[cfg(test)]
mod tests {
    use super::chunks;

    #[test]
    fn splits_like_cpython() {
        let text = "Traceback (most recent call last):\n  File \"x.aio\", line 2, in <module>\n    f()\n  File \"x.aio\", line 1, in f\nValueError: boom\n";
        let c = chunks(text);
        assert_eq!(c.len(), 4);
        assert_eq!(c[1], "  File \"x.aio\", line 2, in <module>\n    f()\n");
        assert_eq!(c[3], "ValueError: boom\n");
        let chained = "KeyError: 'a'\n\nDuring handling of the above exception, another exception occurred:\n\nValueError: b\n";
        let c = chunks(chained);
        assert_eq!(
            c,
            vec![
                "KeyError: 'a'\n".to_string(),
                "\nDuring handling of the above exception, another exception occurred:\n\n"
                    .to_string(),
                "ValueError: b\n".to_string()
            ]
        );
    }
}
