//! Ctrl-\ (SIGQUIT) on a running program prints the await tree and the program
//! goes on. The handler only sets a flag; the loop prints at its next iteration
//! (a step that never awaits delays it, as it delays everything else).

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);
static INSTALLED: AtomicBool = AtomicBool::new(false);

#[cfg(unix)]
extern "C" fn on_sigquit(_: libc::c_int) {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Installs the handler (the `aio` command does, for a program file).
pub fn install() {
    #[cfg(unix)]
    {
        let handler: extern "C" fn(libc::c_int) = on_sigquit;
        // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
        unsafe {
            libc::signal(libc::SIGQUIT, handler as libc::sighandler_t);
        }
        INSTALLED.store(true, Ordering::Relaxed);
    }
}

/// True when the handler is installed: the loop then waits in short slices, so
/// a request is answered while it sleeps.
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

/// A request arrived since the last call.
pub fn take() -> bool {
    REQUESTED.load(Ordering::Relaxed) && REQUESTED.swap(false, Ordering::Relaxed)
}

/// How long the loop may block in one wait while the handler is installed.
pub const SLICE: f64 = 0.1;
