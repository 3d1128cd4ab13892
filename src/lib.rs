//! aio: an async scripting language with Python's syntax and asyncio's semantics.
//!
//! The pipeline: source -> tokens (`lexer`) -> AST (`parser`, `ast`) -> bytecode
//! (`compiler`, `bytecode`) -> a stackless VM (`vm`) driven by a scheduler (`runtime`).

pub mod ast;
pub mod bytecode;
pub mod compiler;
pub mod diag;
pub mod lexer;
pub mod parser;
pub mod repl;
pub mod runtime;
pub mod source;
pub mod stdlib;
pub mod value;
pub mod vm;

use source::SourceFile;
use std::rc::Rc;

/// Which clock the runtime reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockMode {
    /// Wall-clock time (the default for `aio FILE`).
    #[default]
    Real,
    /// Virtual time: the clock jumps to the next timer when nothing else can run.
    Virtual,
}

/// How to run a program.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub clock: ClockMode,
    /// The script's `sys.argv` (the script name first).
    pub argv: Vec<String>,
    /// `--trace`: the task-event timeline (None: off).
    pub trace: Option<runtime::trace::TraceOptions>,
    /// `--debug`: every loop starts in debug mode.
    pub debug: bool,
    /// `--debug-step-limit=N`: instructions a task step may run without
    /// awaiting before debug mode warns (default 1,000,000).
    pub debug_step_limit: Option<u64>,
    /// Resource limits. Only the instruction budget is applied here; the command
    /// line starts the wall-time watchdog and the memory accounting, which are
    /// process-wide (`vm::limits`).
    pub limits: vm::limits::Limits,
    /// `--sandbox`: what the script may still reach (None: no sandbox).
    pub sandbox: Option<vm::sandbox::Sandbox>,
}

/// Parses and compiles a program to its module code object.
pub fn compile_source(src: &SourceFile) -> Result<Rc<bytecode::Code>, diag::SyntaxError> {
    let module = parser::parse_module(src)?;
    compiler::compile_module(&module, src, compiler::Mode::File)
}

/// The disassembly behind `aio --dump code`.
pub fn dump_code(src: &SourceFile) -> Result<String, diag::SyntaxError> {
    Ok(bytecode::disasm::disassemble(&*compile_source(src)?))
}

/// A VM set up as `opts` asks (clock, argv, tracing, debug mode, limits, sandbox).
fn new_vm(opts: &RunOptions) -> vm::Vm {
    let mut vm = vm::Vm::new(opts.argv.clone());
    vm.clock = runtime::clock::Clock::new(opts.clock);
    vm.trace = opts
        .trace
        .clone()
        .map(|t| Box::new(runtime::trace::Tracer::new(t)));
    if opts.debug || opts.debug_step_limit.is_some() {
        runtime::debug::set_default(opts.debug_step_limit);
        runtime::debug::enable(&mut vm);
    }
    vm.set_instruction_limit(opts.limits.max_instructions);
    vm.sandbox = opts.sandbox.clone();
    vm
}

/// The whole pipeline: source -> tokens -> AST -> bytecode -> VM. Returns the exit status.
pub fn run_source(src: &SourceFile, opts: &RunOptions) -> i32 {
    let (src, opts) = (src.clone(), opts.clone());
    runtime::sigquit::install();
    on_big_stack_signals(move || {
        let mut vm = new_vm(&opts);
        run_in(&mut vm, &src)
    })
}

/// The interpreter's own thread: native code that calls back into scripts (a sort key,
/// `__repr__`) nests on the Rust stack, so give it room; the VM's own limits raise
/// RecursionError long before this stack could overflow.
pub(crate) fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    const STACK: usize = 256 << 20;
    match std::thread::Builder::new()
        .name("aio".into())
        .stack_size(STACK)
        .spawn(f)
    {
        Ok(handle) => match handle.join() {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        Err(e) => panic!("cannot start the interpreter thread: {e}"),
    }
}

/// Like [`on_big_stack`], and the calling thread stops taking process signals
/// while it waits, so a signal (Ctrl-C, one the script sends itself) reaches the
/// interpreter's thread, whose loop handles it.
fn on_big_stack_signals<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    const STACK: usize = 256 << 20;
    #[cfg(unix)]
    runtime::signals::SCRIPT_MODE.store(true, std::sync::atomic::Ordering::Relaxed);
    #[cfg(unix)]
    runtime::signals::install_script_sigint();
    match std::thread::Builder::new()
        .name("aio".into())
        .stack_size(STACK)
        .spawn(f)
    {
        Ok(handle) => {
            #[cfg(unix)]
            runtime::signals::block_in_this_thread();
            match handle.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Err(e) => panic!("cannot start the interpreter thread: {e}"),
    }
}

/// What a captured run printed, and its exit status (130 after an uncaught
/// KeyboardInterrupt).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

/// Runs a program with stdout and stderr kept in memory (the test harness's entry point).
pub fn run_captured(src: &SourceFile, opts: &RunOptions) -> Captured {
    let (src, opts) = (src.clone(), opts.clone());
    on_big_stack(move || {
        let mut vm = new_vm(&opts);
        vm.stdout = stdlib::io::Output::capture();
        vm.stderr = stdlib::io::Output::capture();
        let status = match run_in(&mut vm, &src) {
            // What a shell reports for a process killed by SIGINT.
            STATUS_SIGINT => 130,
            status => status,
        };
        Captured {
            stdout: vm.stdout.take_captured(),
            stderr: vm.stderr.take_captured(),
            status,
        }
    })
}

fn run_in(vm: &mut vm::Vm, src: &SourceFile) -> i32 {
    let code = match compile_source(src) {
        Ok(code) => code,
        Err(e) => {
            vm.stderr.write_str(&e.render(src));
            return 1;
        }
    };
    vm.script_dir = std::path::Path::new(&src.name)
        .parent()
        .map(|p| p.to_path_buf());
    vm.sources.insert(src.name.clone(), Rc::new(src.clone()));
    let main = stdlib::new_module("__main__");
    {
        let g = &main.globals;
        g.insert(
            value::Symbol::new("__name__"),
            value::Value::str("__main__"),
        );
        g.insert(
            value::Symbol::new("__file__"),
            value::Value::str(src.name.clone()),
        );
        g.insert(value::Symbol::new("__doc__"), value::Value::None);
    }
    vm.main_module = Some(main.clone());
    // `sys.modules['__main__']` (and `import __main__`) find the script's module.
    let main_value = value::Value::Module(main.clone());
    vm.modules
        .borrow_mut()
        .insert("__main__".into(), main_value.clone());
    stdlib::sys::note_module(vm, "__main__", Some(&main_value));
    let result = vm.run_module(code, main.clone());
    if let Some(kind) = vm::limits::tripped(vm) {
        return stopped_by_limit(vm, &main, result, kind);
    }
    // Render the traceback while the module's names exist (NameError suggestions use them).
    let report = match &result {
        Err(exc) if !value::types::exc_is(exc, |t| &t.system_exit) => {
            vm.stdout.flush();
            Some(vm::exceptions::format_exception(vm, exc))
        }
        _ => None,
    };
    // Drop the module's namespace first: objects it held may still warn (a coroutine
    // never awaited) and CPython reports those before the traceback.
    main.globals.clear();
    vm.main_module = None;
    // Generators freed with the namespace run their cleanup, as at CPython's shutdown.
    if vm::generator::close_pending() {
        vm.close_dropped_generators();
    }
    vm.flush_warnings();
    let status = match (result, report) {
        (Ok(_), _) => 0,
        (Err(exc), Some(text)) => {
            vm.stderr.write_str(&text);
            if value::types::exc_is(&exc, |t| &t.keyboard_interrupt) {
                STATUS_SIGINT
            } else {
                1
            }
        }
        (Err(exc), None) => exit_status_for(vm, &exc),
    };
    runtime::trace::finish(vm);
    vm.stdout.flush();
    vm.stderr.flush();
    status
}

/// Ends a run that a resource limit stopped: where it stopped, what was exceeded.
fn stopped_by_limit(
    vm: &mut vm::Vm,
    main: &Rc<value::object::Module>,
    result: value::PyResult<value::Value>,
    kind: vm::limits::Tripped,
) -> i32 {
    vm.stdout.flush();
    let class = vm::limits::limit_exception(kind).type_name();
    let text = match result {
        Err(exc) if exc.type_name() == class => {
            // Only where it stopped: not the exceptions being handled then.
            if let Some(data) = exc.exc_data() {
                data.borrow_mut().context = None;
            }
            vm::exceptions::format_exception(vm, &exc)
        }
        _ => format!("aio.{class}: {}\n", kind.message()),
    };
    vm.stderr.write_str(&text);
    main.globals.clear();
    vm.main_module = None;
    vm.stdout.flush();
    vm.stderr.flush();
    vm::limits::STATUS_LIMIT
}

/// `run_source`'s status for a run that ended with an uncaught KeyboardInterrupt:
/// CPython dies by SIGINT in that case, and the `aio` command does the same when it
/// gets this status. A captured run reports 130 instead, as a shell would.
pub const STATUS_SIGINT: i32 = -2;

/// Reports an uncaught exception (or SystemExit) and gives the exit status.
fn exit_status_for(vm: &mut vm::Vm, exc: &value::Value) -> i32 {
    use value::types;
    vm.stdout.flush();
    if types::exc_is(exc, |t| &t.system_exit) {
        let args = vm::exceptions::exc_args(exc);
        return match args.first() {
            None | Some(value::Value::None) => 0,
            Some(v) if v.is_int() => v.as_i64().map(|i| i as i32).unwrap_or(1),
            Some(v) => {
                let s = vm::ops::str_of(vm, v).unwrap_or_default();
                vm.stderr.write_str(&format!("{s}\n"));
                1
            }
        };
    }
    let text = vm::exceptions::format_exception(vm, exc);
    vm.stderr.write_str(&text);
    1
}
