//! The await graph: which task waits on what, which tasks await which (gather,
//! TaskGroup, wait, wait_for, shield, `await task`), and the cycles among them.
//! Drawn as a tree for the deadlock report and the REPL's `:tasks`, and handed to
//! `asyncio.capture_call_graph()` as data.

use super::future::future_of;
use super::task;
use crate::bytecode::Code;
use crate::value::object::Native;
use crate::value::{Symbol, Value};
use crate::vm::generator::GenState;
use crate::vm::{ops, Vm};
use std::rc::Rc;

/// The library's own source: its frames are left out of reports, since the
/// "waiting on" line already says what the library call is doing.
pub const LIBRARY_FILE_PREFIX: &str = "<aio ";

/// What library code told the graph about a future.
#[derive(Default)]
pub struct Links {
    /// Futures and tasks that await this one without being blocked on it
    /// directly (`future_add_to_awaited_by`): a TaskGroup's parent task awaits
    /// the group's tasks, an `asyncio.wait` waiter awaits the waited futures.
    pub awaited_by: Vec<Value>,
    /// The lock (or other object with an `_owner` task) this future waits for:
    /// a waiter blocked on a lock held by a task that waits on it is a cycle.
    pub holder: Option<Value>,
}

/// One frame a task is suspended in.
#[derive(Clone)]
pub struct FrameEntry {
    pub code: Rc<Code>,
    pub line: u32,
}

impl FrameEntry {
    fn is_library(&self) -> bool {
        self.code.filename.starts_with(LIBRARY_FILE_PREFIX)
    }
}

/// The frames of a suspended task's coroutine, outermost first.
pub fn suspended_frames(t: &Value) -> Vec<FrameEntry> {
    let Some(data) = future_of(t).and_then(|f| f.task.as_ref()) else {
        return Vec::new();
    };
    let Value::Generator(g) = &data.coro else {
        return Vec::new();
    };
    match g.state.get() {
        GenState::Suspended => g
            .frames
            .borrow()
            .iter()
            .map(|fr| FrameEntry {
                code: fr.code.clone(),
                line: fr.line(),
            })
            .collect(),
        GenState::Created => vec![FrameEntry {
            code: g.code.clone(),
            line: crate::stdlib::frames::generator_line(g),
        }],
        _ => Vec::new(),
    }
}

/// Leaves out the library's frames, unless the task runs nothing else.
pub fn user_frames(all: Vec<FrameEntry>) -> Vec<FrameEntry> {
    if all.iter().all(FrameEntry::is_library) {
        return all;
    }
    all.into_iter().filter(|f| !f.is_library()).collect()
}

/// The pending tasks and the edges between them.
pub struct Graph {
    pub tasks: Vec<Value>,
    /// `children[i]`: the tasks task i awaits (through gather, a TaskGroup, ...).
    pub children: Vec<Vec<usize>>,
    /// `holder[i]`: the task holding the lock task i waits for.
    pub holder: Vec<Option<usize>>,
}

fn index_of(tasks: &[Value], v: &Value) -> Option<usize> {
    tasks.iter().position(|t| t.is(v))
}

fn is_task(v: &Value) -> bool {
    future_of(v).is_some_and(|f| f.task.is_some())
}

impl Graph {
    /// The graph of every pending task on the loop.
    pub fn build(vm: &mut Vm) -> Graph {
        let tasks = vm
            .event_loop
            .as_ref()
            .map(|l| l.pending_tasks())
            .unwrap_or_default();
        let mut children = vec![Vec::new(); tasks.len()];
        let mut holder = vec![None; tasks.len()];
        for i in 0..tasks.len() {
            let waiter = future_of(&tasks[i])
                .and_then(|f| f.task.as_ref())
                .and_then(|t| t.fut_waiter.borrow().clone());
            let mut found = Vec::new();
            if let Some(w) = &waiter {
                expand(&tasks, w, 0, &mut found);
                let lock = future_of(w).and_then(|f| f.links.borrow().holder.clone());
                if let Some(lock) = lock {
                    if let Ok(owner) = ops::getattr(vm, &lock, Symbol::new("_owner")) {
                        holder[i] = index_of(&tasks, &owner);
                    }
                }
            }
            awaited_by_direct(&tasks, &tasks[i], &mut found);
            found.retain(|&c| c != i);
            for c in found {
                if !children[i].contains(&c) {
                    children[i].push(c);
                }
            }
        }
        Graph {
            tasks,
            children,
            holder,
        }
    }

    /// The tasks awaiting task `i`.
    pub fn parents(&self, i: usize) -> Vec<usize> {
        (0..self.tasks.len())
            .filter(|&p| self.children[p].contains(&i))
            .collect()
    }

    /// Every cycle of "waits for" (awaits, or needs a lock held by), each once,
    /// starting at its earliest-created task.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.tasks.len();
        let edges = |i: usize| -> Vec<usize> {
            let mut e = self.children[i].clone();
            e.extend(self.holder[i]);
            e
        };
        let mut out: Vec<Vec<usize>> = Vec::new();
        for start in 0..n {
            // Walk from `start` through later tasks only, so each cycle is found
            // once, from its first task.
            let mut path = vec![start];
            let mut next_edge = vec![0usize];
            while let Some(&node) = path.last() {
                let e = edges(node);
                let k = next_edge.last().copied().unwrap_or(0);
                if k >= e.len() {
                    path.pop();
                    next_edge.pop();
                    continue;
                }
                *next_edge.last_mut().expect("edge") += 1;
                let to = e[k];
                if to == start {
                    out.push(path.clone());
                } else if to > start && !path.contains(&to) && path.len() < 64 {
                    path.push(to);
                    next_edge.push(0);
                }
                if out.len() >= 16 {
                    return out;
                }
            }
        }
        out
    }
}

/// The pending tasks a future stands for: itself if a task, a gather's
/// children, and whatever was recorded as awaited by it.
fn expand(tasks: &[Value], fut: &Value, depth: usize, out: &mut Vec<usize>) {
    if depth > 16 {
        return;
    }
    if is_task(fut) {
        out.extend(index_of(tasks, fut));
        return;
    }
    let Some(f) = future_of(fut) else { return };
    let gathered = f.children.borrow().clone();
    for c in gathered.iter().flatten() {
        expand(tasks, c, depth + 1, out);
    }
    // Futures recorded as awaited by this one (tasks among them are direct).
    for t in tasks {
        let linked =
            future_of(t).is_some_and(|tf| tf.links.borrow().awaited_by.iter().any(|w| w.is(fut)));
        if linked {
            expand(tasks, t, depth + 1, out);
        }
    }
}

/// Tasks recorded as awaited by `task` itself (a TaskGroup's tasks).
fn awaited_by_direct(tasks: &[Value], task: &Value, out: &mut Vec<usize>) {
    for (j, t) in tasks.iter().enumerate() {
        if future_of(t).is_some_and(|tf| tf.links.borrow().awaited_by.iter().any(|w| w.is(task))) {
            out.push(j);
        }
    }
}

/// `Task 'name'`.
pub fn task_label(t: &Value) -> String {
    match future_of(t).and_then(|f| f.task.as_ref()) {
        Some(data) => format!("Task '{}'", data.name.borrow()),
        None => "a task".to_string(),
    }
}

/// What a task is doing: waiting on something, ready to run, or running.
fn task_state(vm: &mut Vm, t: &Value, deadlocked: bool) -> String {
    let running = vm
        .event_loop
        .as_ref()
        .and_then(|l| l.current_task.as_ref())
        .is_some_and(|c| c.is(t));
    if running {
        return "running".to_string();
    }
    let waiter = future_of(t)
        .and_then(|f| f.task.as_ref())
        .and_then(|d| d.fut_waiter.borrow().clone());
    match waiter {
        Some(w) => format!("waiting on {}", task::describe_future(vm, &w, deadlocked)),
        None => "ready to run".to_string(),
    }
}

/// The await tree of every pending task, for the deadlock report and `:tasks`:
/// each task with what it waits on and its frames (outermost first, with their
/// source lines), the tasks it awaits drawn beneath it, then the cycles.
pub fn render_tree(vm: &mut Vm, deadlocked: bool) -> String {
    let graph = Graph::build(vm);
    let n = graph.tasks.len();
    let mut shown = vec![false; n];
    let mut out = String::new();
    // Roots first (awaited by no one), in creation order; then whatever only a
    // cycle reaches.
    let mut order: Vec<usize> = (0..n).filter(|&i| graph.parents(i).is_empty()).collect();
    order.extend(0..n);
    for i in order {
        if !shown[i] {
            draw(vm, &graph, i, "", "", deadlocked, &mut shown, &mut out);
        }
    }
    for cycle in graph.cycles() {
        if cycle.len() == 1 {
            let name = task_label(&graph.tasks[cycle[0]]);
            out.push_str(&format!("cycle: {name} waits for itself\n"));
            continue;
        }
        let mut names: Vec<String> = cycle.iter().map(|&i| task_label(&graph.tasks[i])).collect();
        names.push(task_label(&graph.tasks[cycle[0]]));
        out.push_str(&format!(
            "cycle: {} (each waits for the next)\n",
            names.join(" -> ")
        ));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn draw(
    vm: &mut Vm,
    graph: &Graph,
    i: usize,
    head: &str,
    body: &str,
    deadlocked: bool,
    shown: &mut Vec<bool>,
    out: &mut String,
) {
    let t = graph.tasks[i].clone();
    if shown[i] {
        out.push_str(&format!("{head}{} (shown above)\n", task_label(&t)));
        return;
    }
    shown[i] = true;
    let state = task_state(vm, &t, deadlocked);
    out.push_str(&format!("{head}{} {state}:\n", task_label(&t)));
    for fr in user_frames(suspended_frames(&t)) {
        let file = fr.code.filename.to_string();
        out.push_str(&format!(
            "{body}  File \"{file}\", line {}, in {}\n",
            fr.line, fr.code.name
        ));
        if let Some(text) = vm.source_line(&file, fr.line) {
            let text = text.trim();
            if !text.is_empty() {
                out.push_str(&format!("{body}    {text}\n"));
            }
        }
    }
    let kids = &graph.children[i];
    for (k, &c) in kids.iter().enumerate() {
        let last = k + 1 == kids.len();
        let (h, b) = if last {
            (format!("{body}  └─ "), format!("{body}     "))
        } else {
            (format!("{body}  ├─ "), format!("{body}  │  "))
        };
        draw(vm, graph, c, &h, &b, deadlocked, shown, out);
    }
}

/// `future_add_to_awaited_by(fut, waiter)` (3.14): records that `waiter` awaits `fut`.
pub fn add_awaited_by(fut: &Value, waiter: &Value) {
    if let (Some(f), Some(_)) = (future_of(fut), future_of(waiter)) {
        f.links.borrow_mut().awaited_by.push(waiter.clone());
    }
}

/// `future_discard_from_awaited_by(fut, waiter)` (3.14).
pub fn discard_awaited_by(fut: &Value, waiter: &Value) {
    if let Some(f) = future_of(fut) {
        let mut links = f.links.borrow_mut();
        if let Some(at) = links.awaited_by.iter().position(|w| w.is(waiter)) {
            links.awaited_by.remove(at);
        }
    }
}

/// A timer's deadline in words, for a future labelled with its TimerHandle.
pub fn describe_timer(v: &Value) -> Option<String> {
    let Value::Native(n) = v else { return None };
    let Native::Handle(h) = &**n else { return None };
    if !h.timer {
        return None;
    }
    Some(format!("asyncio.sleep (due at t={:.3})", h.when))
}

/// The native whose callers' frames the dispatch loop records (natives cannot
/// see the fiber that calls them): `asyncio.capture_call_graph` for the
/// running task.
pub const STACK_PROBE: &str = "_call_graph";

/// The native giving its caller's place (`file:line`), for debug warnings.
pub const PLACE_PROBE: &str = "_caller_place";

thread_local! {
    static CALLER_FRAMES: std::cell::RefCell<Vec<FrameEntry>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Called by the dispatch loop just before it calls `STACK_PROBE`.
pub fn record_caller_frames(fiber: &[Box<crate::vm::frame::Frame>]) {
    let frames = fiber
        .iter()
        .map(|fr| FrameEntry {
            code: fr.code.clone(),
            line: fr.line(),
        })
        .collect();
    CALLER_FRAMES.with(|c| *c.borrow_mut() = frames);
}

/// The frames `record_caller_frames` saw, outermost first (taken once).
pub fn take_caller_frames() -> Vec<FrameEntry> {
    CALLER_FRAMES.with(|c| std::mem::take(&mut *c.borrow_mut()))
}
