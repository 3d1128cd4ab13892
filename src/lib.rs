//! aio: an async scripting language with Python's syntax and asyncio's semantics.
//!
//! The pipeline: source -> tokens (`lexer`) -> AST (`parser`, `ast`) -> bytecode
//! (`compiler`, `bytecode`) -> a stackless VM (`vm`) driven by a scheduler (`runtime`).

pub mod ast;
pub mod diag;
pub mod lexer;
pub mod parser;
pub mod source;

use source::SourceFile;

/// Which clock the scheduler reads time from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockMode {
    /// Wall-clock time: `asyncio.sleep(1)` takes a second.
    #[default]
    Real,
    /// Virtual time: when nothing can run, the clock jumps to the next timer.
    Virtual,
}

/// How the command line asks for a program to be run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// The scheduler's clock (`--clock`, `AIO_CLOCK`).
    pub clock: ClockMode,
    /// The program's `sys.argv`, its first item the script name.
    pub argv: Vec<String>,
}

/// Runs a program from source to exit: parse, compile, execute.
///
/// Errors (syntax errors, uncaught exceptions) are printed to stderr in
/// CPython's layout here, so that every caller reports them the same way.
/// Returns the process exit status.
pub fn run_source(src: &SourceFile, opts: &RunOptions) -> i32 {
    let _ = opts;
    match parser::parse_module(src) {
        Err(err) => {
            eprint!("{}", err.render(src));
            1
        }
        Ok(_module) => {
            // Placeholder until the compiler and VM exist.
            eprintln!("aio: execution is not built yet");
            2
        }
    }
}
