//! The `aio` command. The flags and their handling live in `cli.rs`; the
//! pipeline itself lives in the library (`aio::run_source`).

mod cli;

/// Counts allocated bytes while `--max-memory` is set.
#[global_allocator]
static ALLOC: aio::vm::limits::CountingAlloc = aio::vm::limits::CountingAlloc;

fn main() {
    let status = cli::main();
    if status == aio::STATUS_SIGINT {
        die_by_sigint();
    }
    std::process::exit(status);
}

/// Ends the process by SIGINT, as CPython does after an uncaught KeyboardInterrupt
/// (so a shell or parent sees the signal, status 130 in a shell).
fn die_by_sigint() -> ! {
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    #[cfg(unix)]
    // SAFETY: restoring the default disposition and raising a signal at our own
    // process are plain libc calls with no memory effects.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        libc::raise(libc::SIGINT);
    }
    std::process::exit(130)
}
