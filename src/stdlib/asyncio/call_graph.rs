//! The await graph for script code: `capture_call_graph`'s data (3.14's API),
//! `future_add_to_awaited_by` / `future_discard_from_awaited_by`, and the
//! library's `_holder` hint for lock cycles.

use super::Kw;
use crate::runtime::future::future_of;
use crate::runtime::graph::{self, FrameEntry, Graph};
use crate::stdlib::builtins::arity;
use crate::stdlib::frames;
use crate::value::{types, PyResult, Value};
use crate::vm::Vm;

fn futures_only(name: &str, args: &[Value]) -> PyResult<bool> {
    arity(name, args, 2, 2)?;
    Ok(future_of(&args[0]).is_some() && future_of(&args[1]).is_some())
}

/// `future_add_to_awaited_by(fut, waiter, /)`: no effect unless both are futures.
pub fn add_to_awaited_by(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if futures_only("future_add_to_awaited_by", args)? {
        graph::add_awaited_by(&args[0], &args[1]);
    }
    Ok(Value::None)
}

/// `future_discard_from_awaited_by(fut, waiter, /)`.
pub fn discard_from_awaited_by(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if futures_only("future_discard_from_awaited_by", args)? {
        graph::discard_awaited_by(&args[0], &args[1]);
    }
    Ok(Value::None)
}

/// `_holder(fut, lock)`: `fut` waits for `lock`, whose `_owner` is the task
/// holding it; returns the future.
pub fn holder(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("_holder", args, 2, 2)?;
    if let Some(f) = future_of(&args[0]) {
        f.links_mut().holder = Some(args[1].clone());
    }
    Ok(args[0].clone())
}

/// Keeps at most `abs(limit)` entries of an innermost-first stack: the innermost
/// ones for a positive limit, the outermost for a negative one.
fn apply_limit(mut stack: Vec<FrameEntry>, limit: Option<i64>) -> Vec<FrameEntry> {
    match limit {
        None => stack,
        Some(n) if n >= 0 => {
            stack.truncate(n as usize);
            stack
        }
        Some(n) => {
            let keep = n.unsigned_abs() as usize;
            let skip = stack.len().saturating_sub(keep);
            stack.split_off(skip)
        }
    }
}

fn frame_values(stack: Vec<FrameEntry>) -> Value {
    Value::list(
        stack
            .into_iter()
            .map(|f| {
                Value::tuple(vec![
                    frames::frame_object(&f.code, f.line),
                    Value::Bool(f.code.flags.is_coroutine),
                ])
            })
            .collect(),
    )
}

/// How many futures up one graph may go (a longer chain of awaiting tasks is cut).
const MAX_CHAIN: usize = 200;

/// `(future, [(frame, is_async), ...], [awaiting nodes])` for one future.
fn node(
    graph: &Graph,
    fut: &Value,
    stack: Vec<FrameEntry>,
    limit: Option<i64>,
    seen: &mut Vec<Value>,
) -> Value {
    seen.push(fut.clone());
    let mut waiters: Vec<usize> = Vec::new();
    if seen.len() > MAX_CHAIN {
        return Value::tuple(vec![
            fut.clone(),
            frame_values(stack),
            Value::list(Vec::new()),
        ]);
    }
    match graph.tasks.iter().position(|t| t.is(fut)) {
        Some(i) => waiters = graph.parents(i),
        None => {
            // A plain future: the tasks blocked on it, and those recorded as awaiting it.
            for (p, t) in graph.tasks.iter().enumerate() {
                let blocked = future_of(t)
                    .and_then(|f| f.task.as_ref())
                    .is_some_and(|d| d.fut_waiter.borrow().as_ref().is_some_and(|w| w.is(fut)));
                let linked = future_of(fut).is_some_and(|f| {
                    f.links(|l| l.is_some_and(|l| l.awaited_by.iter().any(|w| w.is(t))))
                });
                if blocked || linked {
                    waiters.push(p);
                }
            }
        }
    }
    let mut awaited_by = Vec::new();
    for p in waiters {
        let t = graph.tasks[p].clone();
        if seen.iter().any(|s| s.is(&t)) {
            continue;
        }
        let mut frames = graph::user_frames(graph::suspended_frames(&t));
        frames.reverse();
        let frames = apply_limit(frames, limit);
        awaited_by.push(node(graph, &t, frames, limit, seen));
    }
    Value::tuple(vec![
        fut.clone(),
        frame_values(stack),
        Value::list(awaited_by),
    ])
}

/// `_call_graph(future, depth, limit)`: the data behind capture_call_graph, or
/// None when `future` is None and no task is running. The dispatch loop records
/// the caller's frames before this runs (`graph::STACK_PROBE`).
pub fn call_graph(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity(graph::STACK_PROBE, args, 3, 3)?;
    let live = graph::take_caller_frames();
    let current = vm.event_loop.as_ref().and_then(|l| l.current_task.clone());
    let fut = match &args[0] {
        Value::None => match &current {
            Some(t) => t.clone(),
            None => return Ok(Value::None),
        },
        f if future_of(f).is_some() => f.clone(),
        other => {
            let r = crate::vm::ops::repr(vm, other)?;
            return Err(types::type_error(format!(
                "{r} object does not appear to be compatible with asyncio.Future"
            )));
        }
    };
    let depth = args[1].as_i64().unwrap_or(1).max(1) as usize;
    let limit = args[2].as_i64();
    let is_current = current.as_ref().is_some_and(|c| c.is(&fut));
    let mut stack = if is_current {
        let mut s = graph::user_frames(live);
        s.reverse();
        s.into_iter().skip(depth - 1).collect()
    } else if future_of(&fut).is_some_and(|f| f.task.is_some()) {
        let mut s = graph::user_frames(graph::suspended_frames(&fut));
        s.reverse();
        s
    } else {
        Vec::new()
    };
    stack = apply_limit(stack, limit);
    let g = Graph::build(vm);
    Ok(node(&g, &fut, stack, limit, &mut Vec::new()))
}

/// `_caller_place()`: `file:line` of the calling task's innermost own frame.
pub fn caller_place(_vm: &mut Vm, _: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::str(crate::runtime::debug::caller_place(
        graph::take_caller_frames(),
    )))
}

/// `_debug_warn(text)`: a debug-mode warning from the library.
pub fn debug_warn(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("_debug_warn", args, 1, 1)?;
    let text = crate::vm::ops::str_of(vm, &args[0])?;
    crate::runtime::debug::library_warning(vm, &text);
    Ok(Value::None)
}

/// `_debug_enabled()`: debug mode was turned on (the library then adds its checks).
pub fn debug_enabled(vm: &mut Vm, _: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(vm.debug.is_some()))
}
