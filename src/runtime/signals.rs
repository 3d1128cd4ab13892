//! Unix signals for the event loop: `loop.add_signal_handler` and the Ctrl-C
//! behaviour of `asyncio.run`.
//!
//! The C-level handler only does async-signal-safe things: it marks the signal
//! pending in an atomic table and wakes the poller through the mio `Waker` (an
//! eventfd or pipe write). The loop then turns each pending signal into a
//! ready callback at the start of its next iteration, as CPython's self-pipe
//! does.

use super::Callback;
use crate::value::{types, PyResult, Value};
use crate::vm::Vm;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

/// One past the largest signal number handled.
pub const NSIG: usize = 65;

static PENDING: [AtomicBool; NSIG] = [const { AtomicBool::new(false) }; NSIG];
/// Set when any entry of PENDING may be set.
static ANY: AtomicBool = AtomicBool::new(false);
/// The waker of the loop that handles signals (leaked, never freed while in use).
static WAKER: AtomicPtr<mio::Waker> = AtomicPtr::new(std::ptr::null_mut());
/// SIGINTs received while asyncio.run's handler is installed.
static SIGINT_COUNT: AtomicUsize = AtomicUsize::new(0);
/// Whether asyncio.run's SIGINT handler (cancel the main task) is the installed one.
static RUN_SIGINT: AtomicBool = AtomicBool::new(false);

/// The process runs a script from the command line (not an embedding or the
/// test harness): only then does asyncio.run take over Ctrl-C.
pub static SCRIPT_MODE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// This thread's loop handles signals (several VMs may share a process).
    static HANDLES: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

extern "C" fn on_signal(sig: libc::c_int) {
    let n = sig as usize;
    if n < NSIG {
        if n == libc::SIGINT as usize && RUN_SIGINT.load(Ordering::Relaxed) {
            // A second Ctrl-C while the main task has not reacted interrupts whatever runs.
            if SIGINT_COUNT.fetch_add(1, Ordering::Relaxed) >= 1 {
                crate::vm::INTERRUPT.store(true, Ordering::Relaxed);
            }
        }
        PENDING[n].store(true, Ordering::Relaxed);
        ANY.store(true, Ordering::Relaxed);
    }
    let w = WAKER.load(Ordering::Acquire);
    if !w.is_null() {
        // SAFETY: the pointer comes from a leaked Arc<Waker> and is never freed.
        let _ = unsafe { (*w).wake() };
    }
}

extern "C" fn on_sigint_default(_sig: libc::c_int) {
    crate::vm::INTERRUPT.store(true, Ordering::Relaxed);
}

/// Points the C handler at this loop's waker.
fn share_waker(vm: &mut Vm) -> PyResult<()> {
    let io = super::net::io_driver(vm)?;
    let w = std::sync::Arc::into_raw(io.waker.clone()) as *mut mio::Waker;
    WAKER.store(w, Ordering::Release);
    Ok(())
}

fn install(sig: i32, handler: libc::sighandler_t) -> bool {
    // SAFETY: sigaction with a handler that only touches atomics and writes to an fd.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut()) == 0
    }
}

/// True when `sig`'s current disposition is the default.
fn is_default(sig: i32) -> bool {
    // SAFETY: querying the current action only.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_DFL
    }
}

/// True when `sig` runs the script-wide Ctrl-C handler (KeyboardInterrupt).
fn is_script_sigint(sig: i32) -> bool {
    // SAFETY: querying the current action only.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction
                == on_sigint_default as extern "C" fn(libc::c_int) as libc::sighandler_t
    }
}

fn check_signal(sig: &Value) -> PyResult<i32> {
    let n = match sig {
        Value::Int(n) => *n,
        Value::Bool(b) => *b as i64,
        other => {
            return Err(types::type_error(format!(
                "sig must be an int, not {}",
                match other {
                    Value::Str(s) => crate::vm::ops::str_repr(&s.text),
                    other => other.type_name(),
                }
            )))
        }
    };
    if n < 1 || n as usize >= NSIG {
        return Err(types::value_error(format!("invalid signal number {n}")));
    }
    Ok(n as i32)
}

/// `loop.add_signal_handler(sig, callback, *args)`.
pub fn add_handler(vm: &mut Vm, sig: &Value, callback: Value, args: Vec<Value>) -> PyResult<()> {
    let n = check_signal(sig)?;
    if n == libc::SIGKILL || n == libc::SIGSTOP {
        return Err(types::runtime_error(format!("sig {n} cannot be caught")));
    }
    share_waker(vm)?;
    HANDLES.with(|h| h.set(true));
    if n == libc::SIGINT {
        RUN_SIGINT.store(false, Ordering::Relaxed);
    }
    if !install(
        n,
        on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t,
    ) {
        let e = std::io::Error::last_os_error();
        return Err(crate::stdlib::os::os_error(&e, None));
    }
    vm.event_loop().signal_handlers.insert(n, (callback, args));
    Ok(())
}

/// `loop.remove_signal_handler(sig)`: true if a handler was removed.
pub fn remove_handler(vm: &mut Vm, sig: &Value) -> PyResult<bool> {
    let n = check_signal(sig)?;
    let removed = vm.event_loop().signal_handlers.remove(&n).is_some();
    if !removed {
        return Ok(false);
    }
    restore_default(n);
    Ok(true)
}

/// Puts back what a signal does without a loop handler (Ctrl-C raises KeyboardInterrupt).
fn restore_default(n: i32) {
    if n == libc::SIGINT {
        install(
            n,
            on_sigint_default as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    } else {
        install(n, libc::SIG_DFL);
    }
}

/// The loop is closing: its signal handlers go away.
pub fn remove_all(vm: &mut Vm) {
    let sigs: Vec<i32> = match vm.event_loop.as_mut() {
        Some(l) => l.signal_handlers.drain().map(|(k, _)| k).collect(),
        None => return,
    };
    for n in sigs {
        restore_default(n);
    }
}

/// asyncio.run: Ctrl-C cancels the main task (when SIGINT has its default action).
pub fn install_run_sigint(vm: &mut Vm) -> PyResult<bool> {
    if !SCRIPT_MODE.load(Ordering::Relaxed)
        || !(is_default(libc::SIGINT) || is_script_sigint(libc::SIGINT))
    {
        return Ok(false);
    }
    share_waker(vm)?;
    HANDLES.with(|h| h.set(true));
    SIGINT_COUNT.store(0, Ordering::Relaxed);
    RUN_SIGINT.store(true, Ordering::Relaxed);
    Ok(install(
        libc::SIGINT,
        on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t,
    ))
}

/// asyncio.run is done: Ctrl-C raises KeyboardInterrupt again.
pub fn uninstall_run_sigint() {
    if RUN_SIGINT.swap(false, Ordering::Relaxed) {
        install(
            libc::SIGINT,
            on_sigint_default as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

/// A script run from the command line: Ctrl-C raises KeyboardInterrupt in whatever
/// runs (so `finally` blocks and `with` exits run), as in CPython, unless SIGINT is
/// ignored (a background job), which stays so.
pub fn install_script_sigint() {
    if is_default(libc::SIGINT) {
        install(
            libc::SIGINT,
            on_sigint_default as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

/// How many Ctrl-Cs asyncio.run's handler has seen.
pub fn sigint_count() -> usize {
    SIGINT_COUNT.load(Ordering::Relaxed)
}

/// Turns pending signals into ready callbacks (the loop's self-pipe read).
pub fn dispatch_pending(vm: &mut Vm) -> PyResult<()> {
    if !ANY.load(Ordering::Relaxed) || !HANDLES.with(|h| h.get()) {
        return Ok(());
    }
    if !ANY.swap(false, Ordering::Relaxed) {
        return Ok(());
    }
    for (n, flag) in PENDING.iter().enumerate() {
        if !flag.swap(false, Ordering::Relaxed) {
            continue;
        }
        let n = n as i32;
        if n == libc::SIGINT && RUN_SIGINT.load(Ordering::Relaxed) {
            let main = vm.event_loop.as_ref().and_then(|l| l.main_task.clone());
            if let Some(task) = main {
                if super::future::future_of(&task).is_some_and(|f| !f.done()) {
                    super::task::cancel(vm, &task, Value::None);
                    continue;
                }
            }
            crate::vm::INTERRUPT.store(true, Ordering::Relaxed);
            continue;
        }
        let handler = vm
            .event_loop
            .as_ref()
            .and_then(|l| l.signal_handlers.get(&n).cloned());
        if let Some((func, args)) = handler {
            vm.call_soon(Callback::Call { func, args });
        }
    }
    Ok(())
}

/// Blocks the asynchronous signals in the calling thread (worker threads, and
/// the thread that only waits for the interpreter), so they reach the loop.
pub fn block_in_this_thread() {
    // SAFETY: manipulates this thread's signal mask only.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut set);
        for sync in [
            libc::SIGSEGV,
            libc::SIGBUS,
            libc::SIGFPE,
            libc::SIGILL,
            libc::SIGTRAP,
        ] {
            libc::sigdelset(&mut set, sync);
        }
        libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut());
    }
}

/// `os.kill(pid, sig)`.
pub fn kill(pid: i64, sig: i64) -> std::io::Result<()> {
    // SAFETY: kill(2) has no memory-safety preconditions.
    let r = unsafe { libc::kill(pid as libc::pid_t, sig as libc::c_int) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// `signal.raise_signal(sig)`.
pub fn raise(sig: i64) -> std::io::Result<()> {
    // SAFETY: raise(3) has no memory-safety preconditions.
    let r = unsafe { libc::raise(sig as libc::c_int) };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}
