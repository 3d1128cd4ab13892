//! The stackless VM: a dispatch loop over a stack of frames (a fiber). Script
//! calls push frames instead of recursing; yields and awaits return `Halt`.

pub mod call;
pub mod context;
mod delegate;
pub mod exceptions;
pub mod frame;
pub mod gc;
pub mod generator;
pub mod interp;
pub mod limits;
pub mod ops;
pub mod sandbox;

pub use interp::Resume;

use crate::bytecode::Code;
use crate::value::object::Module;
use crate::value::{types, PyResult, Value};
use frame::{Entry, Frame};
use std::cell::RefCell;
use std::rc::Rc;

/// Why `run` stopped.
pub enum Halt {
    /// The bottom frame returned this value.
    Return(Value),
    /// An exception escaped the bottom frame.
    Error(Value),
    /// The bottom generator segment yielded this value; its frames are still in the fiber.
    Yield(Value),
}

/// Set (by a SIGINT handler) to ask the running script to stop with KeyboardInterrupt.
/// Checked at every backward jump and frame change, so the cost is one relaxed load there.
pub static INTERRUPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Takes a pending interrupt request: the KeyboardInterrupt to raise, if any.
#[inline]
pub fn take_interrupt() -> Option<Value> {
    use std::sync::atomic::Ordering;
    if INTERRUPT.load(Ordering::Relaxed) && INTERRUPT.swap(false, Ordering::Relaxed) {
        let class = types::with_types(|t| t.keyboard_interrupt.clone());
        return Some(types::new_exception(&class, Vec::new()));
    }
    None
}

/// CPython's default recursion limit.
pub const DEFAULT_RECURSION_LIMIT: usize = 1000;

/// The interpreter state shared by every fiber.
pub struct Vm {
    pub builtins: Rc<Module>,
    pub modules: RefCell<indexmap::IndexMap<String, Value>>,
    /// Frames alive across all fibers (for RecursionError).
    pub depth: usize,
    pub recursion_limit: usize,
    /// Native nesting depth (sync calls from natives back into scripts).
    pub native_depth: usize,
    pub main_module: Option<Rc<Module>>,
    /// Directory of the main script (sibling .aio imports).
    pub script_dir: Option<std::path::PathBuf>,
    pub argv: Vec<String>,
    /// Output buffer for stdout, flushed at exit and when it grows.
    pub stdout: crate::stdlib::io::Output,
    /// Error output (tracebacks, warnings, print(file=sys.stderr)).
    pub stderr: crate::stdlib::io::Output,
    /// Containers whose repr is being computed (recursive reprs print `[...]`).
    pub repr_stack: Vec<usize>,
    /// The event loop (asyncio), created on first use.
    pub event_loop: Option<Box<crate::runtime::EventLoop>>,
    /// The clock every time read goes through.
    pub clock: crate::runtime::clock::Clock,
    /// Frames kept for reuse, so a call does not allocate.
    pub frame_pool: Vec<Box<Frame>>,
    /// Source files by name, for the source lines of tracebacks.
    pub sources: std::collections::HashMap<String, Rc<crate::source::SourceFile>>,
    /// The exception being handled where the running native was called (sys.exc_info()):
    /// recorded by the dispatch loop before it calls anything that is not a script function.
    pub native_handled: Option<Value>,
    /// The yield-once awaitable (`asyncio.sleep(0)`) last awaited, kept for a cheap
    /// identity check in `await`.
    pub(crate) yield_once: Option<Rc<crate::value::object::Instance>>,
    /// The exception handled below the running fiber: a nested run started by a native
    /// inherits its caller's, as CPython's exception state spans the whole call stack.
    pub handled_base: Option<Value>,
    /// The current contextvars Context (None until first used: an empty base context).
    pub current_context: Option<context::ContextRef>,
    /// `--trace`: the task-event timeline (None: tracing off).
    pub trace: Option<Box<crate::runtime::trace::Tracer>>,
    /// Debug mode's state (None until debug mode is first turned on).
    pub debug: Option<Box<crate::runtime::debug::DebugState>>,
    /// Count instructions for debug mode's step limit (only during a debug step).
    pub count_ops: bool,
    /// Instructions executed so far (counted for `--max-instructions`).
    pub executed: u64,
    /// The instruction budget (`u64::MAX` when unlimited).
    pub instruction_limit: u64,
    /// The resource limit that stopped the run, once one has.
    pub tripped: Option<limits::Tripped>,
    /// What `--sandbox` still allows (None: everything).
    pub sandbox: Option<sandbox::Sandbox>,
}

impl Vm {
    pub fn new(argv: Vec<String>) -> Vm {
        let builtins = crate::stdlib::builtins::make_module();
        Vm {
            builtins,
            modules: RefCell::new(indexmap::IndexMap::new()),
            depth: 0,
            recursion_limit: DEFAULT_RECURSION_LIMIT,
            native_depth: 0,
            main_module: None,
            script_dir: None,
            argv,
            stdout: crate::stdlib::io::Output::stdout(),
            stderr: crate::stdlib::io::Output::stderr(),
            repr_stack: Vec::new(),
            frame_pool: Vec::new(),
            event_loop: None,
            clock: crate::runtime::clock::Clock::default(),
            sources: std::collections::HashMap::new(),
            native_handled: None,
            yield_once: None,
            handled_base: None,
            current_context: None,
            trace: None,
            debug: None,
            count_ops: false,
            executed: 0,
            instruction_limit: u64::MAX,
            tripped: None,
            sandbox: None,
        }
    }

    /// Runs a module's code to completion in `module`'s namespace.
    pub fn run_module(&mut self, code: Rc<Code>, module: Rc<Module>) -> PyResult<Value> {
        let mut frame = Frame::new(code, module, Vec::new());
        frame.entry = Entry::Bottom;
        self.run_frame(frame)
    }

    /// Runs one frame to completion on a fresh fiber (no suspension allowed).
    pub fn run_frame(&mut self, mut frame: Box<Frame>) -> PyResult<Value> {
        if !matches!(frame.entry, Entry::Init(_)) {
            frame.entry = Entry::Bottom;
        }
        if self.native_depth > self.recursion_limit || self.depth >= self.recursion_limit {
            return Err(types::recursion_error("maximum recursion depth exceeded"));
        }
        let mut fiber = vec![frame];
        self.depth += 1;
        self.native_depth += 1;
        let saved = self.enter_nested();
        let halt = self.run(&mut fiber);
        self.leave_nested(saved);
        self.native_depth -= 1;
        match halt {
            Halt::Return(v) => Ok(v),
            Halt::Error(e) => Err(e),
            Halt::Yield(_) => {
                self.depth -= fiber.len();
                Err(types::runtime_error(
                    "cannot suspend here: no event loop drives this call",
                ))
            }
        }
    }

    /// Calls any callable synchronously (from native code).
    pub fn call(&mut self, callee: &Value, args: &[Value]) -> PyResult<Value> {
        self.call_kw(callee, args, &[])
    }

    /// Calls with keyword arguments, synchronously.
    pub fn call_kw(
        &mut self,
        callee: &Value,
        args: &[Value],
        kwargs: &[(crate::value::Symbol, Value)],
    ) -> PyResult<Value> {
        // A native calling a native: no frame is pushed, so count the nesting here, or
        // natives that call each other for ever (an inherited dunder on an object
        // without its builtin base) would overflow the Rust stack.
        let native = matches!(callee, Value::Builtin(_));
        if native {
            if self.native_depth > self.recursion_limit {
                return Err(types::recursion_error("maximum recursion depth exceeded"));
            }
            self.native_depth += 1;
        }
        let prepared = call::prepare_call(self, callee, args.to_vec(), kwargs.to_vec());
        if native {
            self.native_depth -= 1;
        }
        match prepared? {
            call::Prepared::Done(v) => Ok(v),
            call::Prepared::Frame(mut frame) => {
                let init = match std::mem::replace(&mut frame.entry, Entry::Bottom) {
                    Entry::Init(obj) => Some(obj),
                    _ => None,
                };
                let result = self.run_frame(frame)?;
                match init {
                    Some(obj) => {
                        if !result.is_none() {
                            return Err(types::type_error(format!(
                                "__init__() should return None, not '{}'",
                                result.type_name()
                            )));
                        }
                        Ok(obj)
                    }
                    None => Ok(result),
                }
            }
        }
    }
}

impl Vm {
    /// Starts a nested run from native code: its fiber sees the native's handled exception.
    pub fn enter_nested(&mut self) -> (Option<Value>, Option<Value>) {
        let outer = self.native_handled.clone();
        (
            std::mem::replace(&mut self.handled_base, outer.clone()),
            outer,
        )
    }

    /// Ends a nested run, restoring what `enter_nested` saved.
    pub fn leave_nested(&mut self, saved: (Option<Value>, Option<Value>)) {
        self.handled_base = saved.0;
        self.native_handled = saved.1;
    }

    /// Marks a container as being repr'd; true if it already was (a cycle).
    pub fn repr_guard(&mut self, v: &Value) -> bool {
        let p = v.ptr().unwrap_or(0);
        if self.repr_stack.contains(&p) {
            return true;
        }
        self.repr_stack.push(p);
        false
    }

    /// Ends a `repr_guard`.
    pub fn repr_unguard(&mut self, v: &Value) {
        let p = v.ptr().unwrap_or(0);
        if let Some(i) = self.repr_stack.iter().rposition(|x| *x == p) {
            self.repr_stack.remove(i);
        }
    }

    /// A line of a known source file.
    pub fn source_line(&self, file: &str, line: u32) -> Option<String> {
        self.sources
            .get(file)
            .map(|s| s.line_text(line as usize).to_string())
    }
}

impl Vm {
    /// Writes queued warnings (never-awaited coroutines) to stderr.
    pub fn flush_warnings(&mut self) {
        let warnings = generator::take_warnings();
        if warnings.is_empty() {
            return;
        }
        self.stdout.flush();
        for w in warnings {
            self.stderr.write_str(&format!("sys:1: {w}\n"));
        }
        self.stderr.write_str(
            "RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n",
        );
    }
}

impl Vm {
    /// A frame for `code`, recycled when one is available.
    pub fn new_frame(&mut self, code: Rc<Code>, globals: Rc<Module>) -> Box<Frame> {
        match self.frame_pool.pop() {
            Some(f) => f.reuse(code, globals),
            None => Frame::new(code, globals, Vec::new()),
        }
    }

    /// Returns a finished frame to the pool.
    pub fn recycle_frame(&mut self, mut frame: Box<Frame>) {
        if self.frame_pool.len() < 1024 {
            frame.clear();
            self.frame_pool.push(frame);
        }
    }
}
