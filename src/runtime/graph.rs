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
use std::collections::HashMap;
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
    /// `parents[i]`: the tasks awaiting task i.
    pub parents: Vec<Vec<usize>>,
    /// `holder[i]`: the task holding the lock task i waits for.
    pub holder: Vec<Option<usize>>,
}

fn is_task(v: &Value) -> bool {
    future_of(v).is_some_and(|f| f.task.is_some())
}

/// Lookups used while building the graph.
struct Index {
    /// A task's position, by identity.
    task_at: HashMap<usize, usize>,
    /// The tasks recorded (`future_add_to_awaited_by`) as awaited by a future or
    /// task, by the waiter's identity.
    awaited_by: HashMap<usize, Vec<usize>>,
}

impl Index {
    fn task(&self, v: &Value) -> Option<usize> {
        self.task_at.get(&v.ptr()?).copied()
    }

    fn linked_to(&self, waiter: &Value) -> &[usize] {
        waiter
            .ptr()
            .and_then(|p| self.awaited_by.get(&p))
            .map_or(&[], |v| v.as_slice())
    }
}

impl Graph {
    /// The graph of every pending task on the loop.
    pub fn build(vm: &mut Vm) -> Graph {
        let tasks = vm
            .event_loop
            .as_ref()
            .map(|l| l.pending_tasks())
            .unwrap_or_default();
        let n = tasks.len();
        let mut index = Index {
            task_at: HashMap::new(),
            awaited_by: HashMap::new(),
        };
        for (i, t) in tasks.iter().enumerate() {
            if let Some(p) = t.ptr() {
                index.task_at.insert(p, i);
            }
            if let Some(f) = future_of(t) {
                f.links(|l| {
                    for w in l.iter().flat_map(|l| &l.awaited_by) {
                        if let Some(p) = w.ptr() {
                            index.awaited_by.entry(p).or_default().push(i);
                        }
                    }
                });
            }
        }
        let mut children = vec![Vec::new(); n];
        let mut holder = vec![None; n];
        for i in 0..n {
            let waiter = future_of(&tasks[i])
                .and_then(|f| f.task.as_ref())
                .and_then(|t| t.fut_waiter.borrow().clone());
            let mut found = Vec::new();
            if let Some(w) = &waiter {
                expand(&index, w, 0, &mut found);
                let lock = future_of(w).and_then(|f| f.links(|l| l?.holder.clone()));
                if let Some(lock) = lock {
                    if let Ok(owner) = ops::getattr(vm, &lock, Symbol::new("_owner")) {
                        holder[i] = index.task(&owner);
                    }
                }
            }
            found.extend_from_slice(index.linked_to(&tasks[i]));
            let mut seen = std::collections::HashSet::new();
            for c in found {
                if c != i && seen.insert(c) {
                    children[i].push(c);
                }
            }
        }
        let mut parents = vec![Vec::new(); n];
        for (p, kids) in children.iter().enumerate() {
            for &c in kids {
                parents[c].push(p);
            }
        }
        Graph {
            tasks,
            children,
            parents,
            holder,
        }
    }

    /// The tasks awaiting task `i`.
    pub fn parents(&self, i: usize) -> Vec<usize> {
        self.parents[i].clone()
    }

    fn edges(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.children[i].iter().copied().chain(self.holder[i])
    }

    /// One cycle of "waits for" (awaits, or needs a lock held by) in each group
    /// of tasks that wait for each other, starting at its earliest-created task.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        for component in self.strongly_connected() {
            let start = component.iter().copied().min().unwrap_or(0);
            if component.len() == 1 {
                if self.holder[start] == Some(start) {
                    out.push(vec![start]);
                }
                continue;
            }
            // The shortest way round from `start`, inside the component.
            let inside: std::collections::HashSet<usize> = component.iter().copied().collect();
            let mut came_from: HashMap<usize, usize> = HashMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            'search: while let Some(node) = queue.pop_front() {
                for to in self.edges(node) {
                    if to == start {
                        let mut cycle = vec![node];
                        let mut at = node;
                        while let Some(&prev) = came_from.get(&at) {
                            cycle.push(prev);
                            at = prev;
                        }
                        cycle.reverse();
                        out.push(cycle);
                        break 'search;
                    }
                    if inside.contains(&to) && !came_from.contains_key(&to) {
                        came_from.insert(to, node);
                        queue.push_back(to);
                    }
                }
            }
        }
        out.sort();
        out
    }

    /// The strongly connected components (Tarjan's algorithm, without recursion).
    fn strongly_connected(&self) -> Vec<Vec<usize>> {
        let n = self.tasks.len();
        let mut index = vec![usize::MAX; n];
        let mut low = vec![0; n];
        let mut on_stack = vec![false; n];
        let mut stack = Vec::new();
        let mut next = 0;
        let mut out = Vec::new();
        for root in 0..n {
            if index[root] != usize::MAX {
                continue;
            }
            // (node, its edges, the next edge to follow)
            let mut work: Vec<(usize, Vec<usize>, usize)> = Vec::new();
            index[root] = next;
            low[root] = next;
            next += 1;
            stack.push(root);
            on_stack[root] = true;
            work.push((root, self.edges(root).collect(), 0));
            while let Some((node, edges, k)) = work.last_mut() {
                let node = *node;
                if let Some(&to) = edges.get(*k) {
                    *k += 1;
                    if index[to] == usize::MAX {
                        index[to] = next;
                        low[to] = next;
                        next += 1;
                        stack.push(to);
                        on_stack[to] = true;
                        work.push((to, self.edges(to).collect(), 0));
                    } else if on_stack[to] {
                        low[node] = low[node].min(index[to]);
                    }
                    continue;
                }
                work.pop();
                if let Some((parent, _, _)) = work.last() {
                    low[*parent] = low[*parent].min(low[node]);
                }
                if low[node] == index[node] {
                    let mut component = Vec::new();
                    while let Some(m) = stack.pop() {
                        on_stack[m] = false;
                        component.push(m);
                        if m == node {
                            break;
                        }
                    }
                    out.push(component);
                }
            }
        }
        out
    }
}

/// The pending tasks a future stands for: itself if a task, a gather's
/// children, and whatever was recorded as awaited by it.
fn expand(index: &Index, fut: &Value, depth: usize, out: &mut Vec<usize>) {
    if depth > 16 {
        return;
    }
    if is_task(fut) {
        out.extend(index.task(fut));
        return;
    }
    let Some(f) = future_of(fut) else { return };
    let gathered = f.children();
    for c in gathered.iter().flatten() {
        expand(index, c, depth + 1, out);
    }
    out.extend_from_slice(index.linked_to(fut));
}

/// `Task 'name'`.
pub fn task_label(t: &Value) -> String {
    match future_of(t).and_then(|f| f.task.as_ref()) {
        Some(data) => format!("Task '{}'", data.name()),
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
        Some(w) => format!("waiting on {}", describe_wait(vm, t, &w, deadlocked)),
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
    let mut order: Vec<usize> = (0..n).filter(|&i| graph.parents[i].is_empty()).collect();
    order.extend(0..n);
    for i in order {
        if !shown[i] {
            let mut at = Place {
                head: String::new(),
                body: String::new(),
                depth: 0,
            };
            draw(vm, &graph, i, &mut at, deadlocked, &mut shown, &mut out);
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

/// Where a task is drawn: the prefix of its first line and of the lines under it.
struct Place {
    head: String,
    body: String,
    depth: usize,
}

/// Nesting drawn with indentation; deeper tasks keep the last indentation.
const MAX_INDENT: usize = 8;
/// Nesting drawn at all; deeper tasks are drawn later, at the top level.
const MAX_DEPTH: usize = 200;

fn draw(
    vm: &mut Vm,
    graph: &Graph,
    i: usize,
    at: &mut Place,
    deadlocked: bool,
    shown: &mut Vec<bool>,
    out: &mut String,
) {
    let (head, body) = (at.head.clone(), at.body.clone());
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
    if at.depth >= MAX_DEPTH {
        return;
    }
    let kids = &graph.children[i];
    for (k, &c) in kids.iter().enumerate() {
        let last = k + 1 == kids.len();
        let (h, b) = match (at.depth >= MAX_INDENT, last) {
            (true, _) => (body.clone(), body.clone()),
            (false, true) => (format!("{body}  └─ "), format!("{body}     ")),
            (false, false) => (format!("{body}  ├─ "), format!("{body}  │  ")),
        };
        let mut below = Place {
            head: h,
            body: b,
            depth: at.depth + 1,
        };
        draw(vm, graph, c, &mut below, deadlocked, shown, out);
    }
}

/// `future_add_to_awaited_by(fut, waiter)` (3.14): records that `waiter` awaits `fut`.
pub fn add_awaited_by(fut: &Value, waiter: &Value) {
    if let (Some(f), Some(_)) = (future_of(fut), future_of(waiter)) {
        f.links_mut().awaited_by.push(waiter.clone());
    }
}

/// `future_discard_from_awaited_by(fut, waiter)` (3.14).
pub fn discard_awaited_by(fut: &Value, waiter: &Value) {
    if let Some(f) = future_of(fut) {
        f.update_links(|l| {
            if let Some(at) = l.awaited_by.iter().position(|w| w.is(waiter)) {
                l.awaited_by.remove(at);
            }
        });
    }
}

/// When the timer of the `asyncio.sleep` a task is suspended in fires: read
/// from the sleep frame's `handle` local, so sleeping costs nothing extra.
pub fn sleep_deadline(task: &Value) -> Option<f64> {
    let d = future_of(task)?.task.as_ref()?;
    let Value::Generator(g) = &d.coro else {
        return None;
    };
    let frames = g.frames.borrow();
    let top = frames.last()?;
    if &*top.code.name != "sleep" || !top.code.filename.starts_with(LIBRARY_FILE_PREFIX) {
        return None;
    }
    let slot = top
        .code
        .varnames
        .iter()
        .position(|v| v.with(|s| s == "handle"))?;
    match top.stack.get(slot)? {
        Value::Native(n) => match &**n {
            Native::Handle(h) if h.timer => Some(h.when),
            _ => None,
        },
        _ => None,
    }
}

/// What a task waits on, in words: a sleep with its deadline, else the future.
pub fn describe_wait(vm: &mut Vm, task: &Value, fut: &Value, deadlocked: bool) -> String {
    match sleep_deadline(task) {
        Some(when) => format!("asyncio.sleep (due at t={when:.3})"),
        None => task::describe_future(vm, fut, deadlocked),
    }
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
