//! Debug mode (`aio --debug`, `asyncio.run(debug=True)`, `loop.set_debug(True)`):
//! CPython's slow-callback warning and the never-awaited coroutine's creation
//! place, plus aio's own warnings: a step that runs too long without awaiting,
//! a cancelled task that swallowed its CancelledError, a Lock still held when
//! its task finished, tasks still pending when asyncio.run returns. Each names
//! a source location.

use super::future::future_of;
use super::graph::{self, task_label};
use crate::value::Value;
use crate::vm::Vm;
use std::collections::HashMap;

/// The default of `--debug-step-limit`: instructions one step may run.
pub const DEFAULT_STEP_LIMIT: u64 = 1_000_000;

/// CPython's `slow_callback_duration`: 100 ms.
pub const SLOW_STEP_SECONDS: f64 = 0.1;

/// Debug mode's state, on the Vm once debug mode was turned on.
pub struct DebugState {
    /// Instructions a step may run before the "blocking the loop" warning.
    pub step_limit: u64,
    /// Instructions counted in the running step (loop back-edges count their
    /// body's length, calls the callee's length).
    pub ops: u64,
}

impl DebugState {
    pub fn new(step_limit: Option<u64>) -> DebugState {
        DebugState {
            step_limit: step_limit.unwrap_or(DEFAULT_STEP_LIMIT),
            ops: 0,
        }
    }
}

thread_local! {
    /// `--debug` / `--debug-step-limit`: every new loop starts in debug mode.
    static DEFAULT: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
    /// Where each live coroutine was made, by identity (debug mode only; a
    /// coroutine's Drop reads it for the never-awaited warning).
    static CREATED_AT: std::cell::RefCell<HashMap<usize, String>> = std::cell::RefCell::new(HashMap::new());
    static TRACKING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Sets the command line's debug mode (with its step limit) for this thread's loops.
pub fn set_default(step_limit: Option<u64>) {
    DEFAULT.with(|d| d.set(Some(step_limit.unwrap_or(DEFAULT_STEP_LIMIT))));
}

/// True when `--debug` was given.
pub fn default_on() -> bool {
    DEFAULT.with(|d| d.get().is_some())
}

/// Turns debug mode on for the VM (idempotent).
pub fn enable(vm: &mut Vm) {
    if vm.debug.is_none() {
        vm.debug = Some(Box::new(DebugState::new(DEFAULT.with(|d| d.get()))));
        TRACKING.with(|t| t.set(true));
        // The library's own checks (a Lock held at its task's end) look at this flag.
        let module = vm.modules.borrow().get("asyncio").cloned();
        if let Some(Value::Module(ref m)) = module {
            m.globals
                .insert(crate::value::Symbol::new("_debug_on"), Value::Bool(true));
        }
    }
}

/// True when the running loop is in debug mode.
pub fn loop_debug(vm: &Vm) -> bool {
    vm.event_loop.as_ref().is_some_and(|l| l.debug)
}

fn warn(vm: &mut Vm, text: &str) {
    vm.stdout.flush();
    vm.stderr.write_str(text);
    if !text.ends_with('\n') {
        vm.stderr.write_str("\n");
    }
}

/// `File "x.aio", line 3, in f` and its source line, for a frame.
fn frame_lines(vm: &Vm, f: &graph::FrameEntry) -> String {
    let file = f.code.filename.to_string();
    let mut s = format!("  File \"{file}\", line {}, in {}\n", f.line, f.code.name);
    if let Some(text) = vm.source_line(&file, f.line) {
        let text = text.trim();
        if !text.is_empty() {
            s.push_str(&format!("    {text}\n"));
        }
    }
    s
}

/// `file:line` of a suspended task's innermost own frame.
pub fn place(task: &Value) -> String {
    match graph::user_frames(graph::suspended_frames(task)).last() {
        Some(f) => format!("{}:{}", f.code.filename, f.line),
        None => "?".to_string(),
    }
}

/// Remembers where a coroutine was made (the dispatch loop calls this in debug mode).
pub fn coroutine_created(vm: &mut Vm, coro: &Value, fiber: &[Box<crate::vm::frame::Frame>]) {
    let frames: Vec<graph::FrameEntry> = fiber
        .iter()
        .map(|fr| graph::FrameEntry {
            code: fr.code.clone(),
            line: fr.line(),
        })
        .collect();
    let mut text = String::new();
    for f in graph::user_frames(frames) {
        text.push_str(&frame_lines(vm, &f));
    }
    if let Some(id) = coro.ptr() {
        CREATED_AT.with(|c| c.borrow_mut().insert(id, text));
    }
}

/// Where the coroutine at `id` was made, if debug mode saw it (taken once, as
/// the coroutine is freed).
pub fn take_creation(id: usize) -> Option<String> {
    if !TRACKING.with(|t| t.get()) {
        return None;
    }
    CREATED_AT.with(|c| c.borrow_mut().remove(&id))
}

/// What a step looked like when it began.
pub struct StepWatch {
    started: f64,
    from: String,
}

/// A task's step begins in a debug-mode loop.
pub fn step_begins(vm: &mut Vm, task: &Value) -> StepWatch {
    enable(vm);
    if let Some(d) = vm.debug.as_mut() {
        d.ops = 0;
    }
    vm.count_ops = true;
    StepWatch {
        started: vm.clock.now(),
        from: place(task),
    }
}

/// A task's step ended: too slow (clock time), or too many instructions?
pub fn step_ends(vm: &mut Vm, task: &Value, watch: StepWatch) {
    vm.count_ops = false;
    let took = vm.clock.now() - watch.started;
    let to = match future_of(task) {
        Some(f) if f.done() => "its end".to_string(),
        _ => place(task),
    };
    let name = task_label(task);
    if took >= SLOW_STEP_SECONDS {
        warn(
            vm,
            &format!(
                "Executing {name} took {took:.3} seconds (from {} to {to})",
                watch.from
            ),
        );
    }
    let (ops, limit) = match vm.debug.as_ref() {
        Some(d) => (d.ops, d.step_limit),
        None => return,
    };
    if ops > limit {
        warn(
            vm,
            &format!(
                "aio debug: {name} ran about {ops} instructions without awaiting (limit {limit}), \
                 blocking the loop (from {} to {to})",
                watch.from
            ),
        );
    }
}

/// A task returned normally although it was cancelled and never uncancelled.
pub fn check_swallowed_cancel(vm: &mut Vm, task: &Value) {
    let Some(t) = future_of(task).and_then(|f| f.task.as_ref()) else {
        return;
    };
    if t.num_cancels_requested.get() == 0 {
        return;
    }
    let name = task_label(task);
    let code = match &t.coro {
        Value::Generator(g) => format!("{}:{}", g.code.filename, g.code.first_line),
        _ => "?".to_string(),
    };
    warn(
        vm,
        &format!(
            "aio debug: {name} was cancelled but swallowed the CancelledError and returned \
             (coroutine defined at {code})"
        ),
    );
}

/// asyncio.run is about to cancel the tasks still pending.
pub fn pending_at_exit(vm: &mut Vm, pending: &[Value]) {
    for t in pending {
        let text = format!(
            "aio debug: {} still pending when asyncio.run returned (suspended at {}); cancelling it",
            task_label(t),
            place(t)
        );
        warn(vm, &text);
    }
}

/// `_debug_warn(text)` for the library's own checks (a Lock held at a task's end).
pub fn library_warning(vm: &mut Vm, text: &str) {
    warn(vm, &format!("aio debug: {text}"));
}

/// The innermost user frame of the caller, `file:line` (for `_caller_place`).
pub fn caller_place(frames: Vec<graph::FrameEntry>) -> String {
    match graph::user_frames(frames).last() {
        Some(f) => format!("{}:{}", f.code.filename, f.line),
        None => "?".to_string(),
    }
}
