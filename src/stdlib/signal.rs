//! The `signal` module (signal numbers, `raise_signal`, `strsignal`) and the
//! event loop's `add_signal_handler` / `remove_signal_handler`.

use crate::runtime::signals;
use crate::stdlib::os::os_error;
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::Vm;

type Kw<'a> = &'a [(Symbol, Value)];

/// The signal numbers scripts name.
fn numbers() -> Vec<(&'static str, i32)> {
    vec![
        ("SIGHUP", libc::SIGHUP),
        ("SIGINT", libc::SIGINT),
        ("SIGQUIT", libc::SIGQUIT),
        ("SIGILL", libc::SIGILL),
        ("SIGTRAP", libc::SIGTRAP),
        ("SIGABRT", libc::SIGABRT),
        ("SIGBUS", libc::SIGBUS),
        ("SIGFPE", libc::SIGFPE),
        ("SIGKILL", libc::SIGKILL),
        ("SIGUSR1", libc::SIGUSR1),
        ("SIGSEGV", libc::SIGSEGV),
        ("SIGUSR2", libc::SIGUSR2),
        ("SIGPIPE", libc::SIGPIPE),
        ("SIGALRM", libc::SIGALRM),
        ("SIGTERM", libc::SIGTERM),
        ("SIGCHLD", libc::SIGCHLD),
        ("SIGCONT", libc::SIGCONT),
        ("SIGSTOP", libc::SIGSTOP),
        ("SIGTSTP", libc::SIGTSTP),
        ("SIGWINCH", libc::SIGWINCH),
    ]
}

fn int_arg(v: Option<&Value>, what: &str) -> PyResult<i64> {
    match v {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Bool(b)) => Ok(*b as i64),
        Some(other) => Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
        None => Err(types::type_error(format!(
            "missing required argument '{what}'"
        ))),
    }
}

fn raise_signal(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    crate::vm::sandbox::check_other(vm, "signal.raise_signal", "signals")?;
    let sig = int_arg(args.first(), "signalnum")?;
    if sig < 1 || sig as usize >= signals::NSIG {
        return Err(types::value_error("signal number out of range"));
    }
    signals::raise(sig).map_err(|e| os_error(&e, None))?;
    // A Ctrl-C handled by the VM shows up at the next check point.
    Ok(Value::None)
}

fn strsignal(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let sig = int_arg(args.first(), "signalnum")?;
    if sig < 1 || sig as usize >= signals::NSIG {
        return Err(types::value_error("signal number out of range"));
    }
    // SAFETY: strsignal returns a pointer to a static or thread-local string.
    let text = unsafe {
        let p = libc::strsignal(sig as libc::c_int);
        if p.is_null() {
            return Ok(Value::None);
        }
        std::ffi::CStr::from_ptr(p).to_string_lossy().to_string()
    };
    Ok(Value::str(text))
}

/// `os.kill(pid, sig)`.
pub fn os_kill(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    crate::vm::sandbox::check_other(vm, "os.kill", "signals")?;
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "kill expected 2 arguments, got {}",
            args.len()
        )));
    }
    let pid = int_arg(args.first(), "pid")?;
    let sig = int_arg(args.get(1), "signal")?;
    signals::kill(pid, sig).map_err(|e| os_error(&e, None))?;
    Ok(Value::None)
}

/// `loop.add_signal_handler(sig, callback, *args)`.
pub fn loop_add_signal_handler(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    crate::vm::sandbox::check_other(vm, "loop.add_signal_handler", "signals")?;
    if !kwargs.is_empty() {
        return Err(types::type_error(
            "add_signal_handler() takes no keyword arguments",
        ));
    }
    if args.len() < 3 {
        return Err(types::type_error(format!(
            "add_signal_handler() missing {} required positional argument{}",
            3 - args.len(),
            if args.len() == 2 { "" } else { "s" }
        )));
    }
    let cb = args[2].clone();
    let f = match &cb {
        Value::Method(m) => m.func.clone(),
        other => other.clone(),
    };
    let is_coro_fn = matches!(&f, Value::Function(f) if f.code.flags.is_coroutine);
    if is_coro_fn || matches!(cb, Value::Generator(_)) {
        return Err(types::type_error(
            "coroutines cannot be used with add_signal_handler()",
        ));
    }
    signals::add_handler(vm, &args[1], cb, args[3..].to_vec())?;
    Ok(Value::None)
}

/// `loop.remove_signal_handler(sig)`.
pub fn loop_remove_signal_handler(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    crate::vm::sandbox::check_other(vm, "loop.remove_signal_handler", "signals")?;
    if args.len() != 2 {
        return Err(types::type_error(
            "remove_signal_handler() takes exactly one argument",
        ));
    }
    Ok(Value::Bool(signals::remove_handler(vm, &args[1])?))
}

/// Builds `signal`.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("signal");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("signal"));
        for (name, n) in numbers() {
            g.insert(Symbol::new(name), Value::Int(n as i64));
        }
        g.insert(Symbol::new("NSIG"), Value::Int(signals::NSIG as i64));
        g.insert(Symbol::new("SIG_DFL"), Value::Int(0));
        g.insert(Symbol::new("SIG_IGN"), Value::Int(1));
        g.insert(
            Symbol::new("raise_signal"),
            Value::builtin("raise_signal", raise_signal),
        );
        g.insert(
            Symbol::new("strsignal"),
            Value::builtin("strsignal", strsignal),
        );
    }
    Value::Module(m)
}
