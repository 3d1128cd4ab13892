//! `aio --trace`: a timeline of task events (created, started, awaits, woken,
//! cancel requested, cancelled, raised, done), one line each, stamped with the
//! loop clock. Under virtual time the same program gives the same bytes.
//!
//! Tracing costs one branch when off: every hook is behind `vm.trace.is_some()`.

use super::future::future_of;
use super::graph::{self, task_label};
use crate::value::Value;
use crate::vm::generator::GenState;
use crate::vm::{ops, Vm};
use std::collections::HashMap;

/// Where trace lines go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceTarget {
    /// The program's stderr (the default of `--trace`).
    Stderr,
    /// The program's stdout, interleaved with what it prints (the test harness).
    Stdout,
    /// A file, written when the program ends.
    File(std::path::PathBuf),
}

/// What `--trace` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceOptions {
    pub target: TraceTarget,
    /// Also draw the swimlane chart (one column per task) at the end.
    pub timeline: bool,
}

/// One recorded event, for the swimlane chart.
struct Event {
    time: f64,
    lane: usize,
    word: &'static str,
}

/// The tracer's state (on the Vm while tracing).
pub struct Tracer {
    options: TraceOptions,
    /// Lines written to a file at the end.
    file_text: String,
    /// Who completed a future a task waits on, keyed by the future's identity.
    woken_by: HashMap<usize, String>,
    /// A timer's callback is running (so completions are "by a timer").
    in_timer: bool,
    /// The running callback is a done callback of this task.
    callback_of: Option<String>,
    /// Lanes of the chart: a task's identity and name, in creation order.
    lanes: Vec<(usize, String)>,
    events: Vec<Event>,
}

impl Tracer {
    pub fn new(options: TraceOptions) -> Tracer {
        Tracer {
            options,
            file_text: String::new(),
            woken_by: HashMap::new(),
            in_timer: false,
            callback_of: None,
            lanes: Vec::new(),
            events: Vec::new(),
        }
    }
}

fn identity(v: &Value) -> usize {
    v.ptr().unwrap_or(0)
}

fn name_of(t: &Value) -> String {
    future_of(t)
        .and_then(|f| f.task.as_ref())
        .map(|d| d.name())
        .unwrap_or_default()
}

/// Writes one line: `   0.100  Task 'x' awaits ...`.
fn emit(vm: &mut Vm, task: &Value, word: &'static str, text: String) {
    if is_internal(task) {
        return;
    }
    let now = vm.clock.now();
    let line = format!("{now:>8.3}  {} {text}\n", task_label(task));
    let Some(tracer) = vm.trace.as_mut() else {
        return;
    };
    if tracer.options.timeline {
        let id = identity(task);
        let lane = match tracer.lanes.iter().position(|(i, _)| *i == id) {
            Some(lane) => lane,
            None => {
                tracer.lanes.push((id, name_of(task)));
                tracer.lanes.len() - 1
            }
        };
        tracer.events.push(Event {
            time: now,
            lane,
            word,
        });
    }
    match tracer.options.target.clone() {
        TraceTarget::File(_) => tracer.file_text.push_str(&line),
        TraceTarget::Stdout => vm.stdout.write_str(&line),
        TraceTarget::Stderr => {
            vm.stdout.flush();
            vm.stderr.write_str(&line);
            vm.stderr.flush();
        }
    }
}

/// asyncio.run's own clean-up tasks, left out of the trace.
fn is_internal(task: &Value) -> bool {
    let Some(d) = future_of(task).and_then(|f| f.task.as_ref()) else {
        return false;
    };
    match &d.coro {
        Value::Generator(g) => {
            g.code.filename.starts_with(graph::LIBRARY_FILE_PREFIX)
                && g.code.name.starts_with("_shutdown")
        }
        _ => false,
    }
}

/// What a future stands for; a gather names all its children, done or not.
fn describe(vm: &mut Vm, task: &Value, fut: &Value) -> String {
    if graph::sleep_deadline(task).is_some() {
        return graph::describe_wait(vm, task, fut, false);
    }
    let children = future_of(fut).and_then(|f| f.children());
    match children {
        Some(children) if future_of(fut).is_some_and(|f| f.label.borrow().is_none()) => {
            let names: Vec<String> = children
                .iter()
                .map(|c| super::task::describe_future(vm, c, false))
                .collect();
            format!("gather({})", names.join(", "))
        }
        _ => super::task::describe_future(vm, fut, false),
    }
}

/// A short repr for a trace line.
fn short_repr(vm: &mut Vm, v: &Value) -> String {
    let mut r = ops::repr(vm, v).unwrap_or_else(|_| "<unprintable>".to_string());
    if r.chars().count() > 60 {
        r = r.chars().take(57).collect::<String>() + "...";
    }
    r
}

/// Where a suspended task is: ` at file:line` of its innermost own frame.
fn place(task: &Value) -> String {
    match graph::user_frames(graph::suspended_frames(task)).last() {
        Some(f) => format!(" at {}:{}", f.code.filename, f.line),
        None => String::new(),
    }
}

/// Who is running now: the current task, or the loop itself.
fn actor(vm: &Vm) -> String {
    match vm.event_loop.as_ref().and_then(|l| l.current_task.as_ref()) {
        Some(t) => task_label(t),
        None if vm.trace.as_ref().is_some_and(|t| t.in_timer) => "a timer".to_string(),
        None if vm.trace.as_ref().is_some_and(|t| t.callback_of.is_some()) => {
            let of = vm.trace.as_ref().and_then(|t| t.callback_of.clone());
            format!("a done callback of {}", of.unwrap_or_default())
        }
        None if vm.event_loop.as_ref().is_some_and(|l| l.running) => "a callback".to_string(),
        None => "the main program".to_string(),
    }
}

/// A task was made.
pub fn created(vm: &mut Vm, task: &Value) {
    let by = actor(vm);
    emit(vm, task, "created", format!("created by {by}"));
}

/// A task's step is about to run (not through a wake-up).
pub fn step_begins(vm: &mut Vm, task: &Value, exc: &Option<Value>) {
    let started = future_of(task).and_then(|f| f.task.as_ref()).is_some_and(
        |d| matches!(&d.coro, Value::Generator(g) if g.state.get() == GenState::Created),
    );
    match (started, exc) {
        (true, _) => emit(vm, task, "start", "started".to_string()),
        (false, Some(e)) => {
            let r = short_repr(vm, e);
            emit(vm, task, "resume", format!("resumes, {r} thrown in"))
        }
        (false, None) => emit(vm, task, "resume", "resumes".to_string()),
    }
}

/// A task's awaited future finished; it is about to run.
pub fn woken(vm: &mut Vm, task: &Value, fut: &Value) {
    let by = vm
        .trace
        .as_mut()
        .and_then(|t| t.woken_by.remove(&identity(fut)));
    let what = describe(vm, task, fut);
    let outcome = match future_of(fut) {
        Some(f) if f.state.get() == super::future::FutState::Cancelled => " cancelled".to_string(),
        Some(f) => match f.exception_value() {
            Some(e) => format!(" raised {}", short_repr(vm, &e)),
            None => " done".to_string(),
        },
        None => " done".to_string(),
    };
    let by = by.map(|b| format!(" by {b}")).unwrap_or_default();
    emit(vm, task, "woken", format!("woken{by}: {what}{outcome}"));
}

/// A future completed: remember who did it, for its waiters' "woken by".
pub fn completed(vm: &mut Vm, fut: &Value) {
    let awaited = future_of(fut).is_some_and(|f| {
        f.callbacks
            .borrow()
            .iter()
            .any(|c| matches!(c, super::future::DoneCallback::Wakeup(_)))
    });
    if !awaited {
        return;
    }
    let by = actor(vm);
    if let Some(t) = vm.trace.as_mut() {
        t.woken_by.insert(identity(fut), by);
    }
}

/// The loop runs a callback: a timer's, a task's done callback, or another.
pub fn callback_begins(vm: &mut Vm, timer: bool, callback: &super::Callback) {
    let of = match callback {
        super::Callback::Call { args, .. } | super::Callback::CallIn { args, .. } => args
            .first()
            .filter(|a| future_of(a).is_some_and(|f| f.task.is_some()))
            .map(task_label),
        _ => None,
    };
    if let Some(t) = vm.trace.as_mut() {
        t.in_timer = timer;
        t.callback_of = of;
    }
}

/// Task.cancel(msg) on a pending task.
pub fn cancel_requested(vm: &mut Vm, task: &Value, msg: &Value) {
    let by = actor(vm);
    let msg = if msg.is_none() {
        String::new()
    } else {
        format!(" with message {}", short_repr(vm, msg))
    };
    emit(
        vm,
        task,
        "cancel?",
        format!("cancel requested by {by}{msg}"),
    );
}

/// The step ended with the task suspended on `fut` (None: a bare yield).
pub fn suspended(vm: &mut Vm, task: &Value, fut: Option<&Value>) {
    let at = place(task);
    match fut {
        Some(f) => {
            let what = describe(vm, task, f);
            emit(vm, task, "await", format!("awaits {what}{at}"));
        }
        None => emit(vm, task, "yield", format!("yields to the loop{at}")),
    }
}

/// The task finished: returned, raised or was cancelled.
pub fn finished(vm: &mut Vm, task: &Value) {
    let Some(f) = future_of(task) else { return };
    match f.state.get() {
        super::future::FutState::Cancelled => {
            let exc = f.cancelled_exc();
            let msg = match exc {
                Some(e) => format!(" ({})", short_repr(vm, &e)),
                None => String::new(),
            };
            emit(vm, task, "cancelled", format!("cancelled{msg}"))
        }
        _ => match f.exception_value() {
            Some(e) => {
                let r = short_repr(vm, &e);
                emit(vm, task, "raised", format!("raised {r}"))
            }
            None => {
                let v = f.result_value();
                let r = short_repr(vm, &v);
                emit(vm, task, "done", format!("done, returned {r}"))
            }
        },
    }
}

/// The program ended: the swimlane chart, and the file written.
pub fn finish(vm: &mut Vm) {
    let Some(tracer) = vm.trace.take() else {
        return;
    };
    let mut text = tracer.file_text.clone();
    let chart = if tracer.options.timeline {
        swimlanes(&tracer)
    } else {
        String::new()
    };
    match &tracer.options.target {
        TraceTarget::File(path) => {
            text.push_str(&chart);
            if let Err(e) = std::fs::write(path, text) {
                vm.stderr.write_str(&format!(
                    "aio: cannot write the trace to {}: {e}\n",
                    path.display()
                ));
            }
        }
        TraceTarget::Stdout => vm.stdout.write_str(&chart),
        TraceTarget::Stderr => {
            vm.stdout.flush();
            vm.stderr.write_str(&chart);
        }
    }
}

const LANE: usize = 10;

/// One column per task, time downwards: a row per event, the task's column
/// showing what happened, `│` in the columns of other tasks alive then.
fn swimlanes(t: &Tracer) -> String {
    let n = t.lanes.len();
    if n == 0 {
        return String::new();
    }
    let cell = |s: &str| {
        let s: String = s.chars().take(LANE - 1).collect();
        format!("{s:<LANE$}")
    };
    let mut out = String::from("\n    time  ");
    for (_, name) in &t.lanes {
        out.push_str(&cell(name));
    }
    out = out.trim_end().to_string();
    out.push('\n');
    // A lane is alive from its first event to its last.
    let mut first = vec![usize::MAX; n];
    let mut last = vec![0; n];
    for (k, e) in t.events.iter().enumerate() {
        first[e.lane] = first[e.lane].min(k);
        last[e.lane] = k;
    }
    for (k, e) in t.events.iter().enumerate() {
        let mut row = format!("{:>8.3}  ", e.time);
        for lane in 0..n {
            if lane == e.lane {
                row.push_str(&cell(e.word));
            } else if first[lane] < k && k < last[lane] {
                row.push_str(&cell("│"));
            } else {
                row.push_str(&cell(""));
            }
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}
