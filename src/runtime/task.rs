//! Tasks: a coroutine driven by the loop, one step per callback (CPython's
//! Task.__step / __wakeup), and the await-tree report.

use super::future::{self, future_of, DoneCallback, FutureObj};
use super::Callback;
use crate::value::object::Native;
use crate::value::{types, PyResult, Value};
use crate::vm::generator::{AsyncGenOpKind, GenKind, GenState, Generator};
use crate::vm::interp::Resume;
use crate::vm::ops::{self, GenOutcome};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};

/// The Task half of a FutureObj.
pub struct TaskData {
    pub coro: Value,
    /// A name given by the script; `None` is `Task-<number>`, spelled out on demand.
    name: RefCell<Option<String>>,
    /// The value of the task counter when the task was made.
    number: u64,
    pub must_cancel: Cell<bool>,
    /// The future this task is blocked on.
    pub fut_waiter: RefCell<Option<Value>>,
    pub num_cancels_requested: Cell<u32>,
    /// The contextvars Context every step runs in.
    pub context: crate::vm::context::ContextRef,
}

impl TaskData {
    /// The task's name (`get_name()`).
    pub fn name(&self) -> String {
        match &*self.name.borrow() {
            Some(n) => n.clone(),
            None => format!("Task-{}", self.number),
        }
    }

    /// `set_name()`.
    pub fn set_name(&self, name: String) {
        *self.name.borrow_mut() = Some(name);
    }
}

thread_local! {
    static TASK_NAME_COUNTER: Cell<u64> = const { Cell::new(0) };
}

/// create_task: wraps a coroutine and schedules its first step.
pub fn create_task(vm: &mut Vm, coro: Value, name: Option<Value>) -> PyResult<Value> {
    create_task_in(vm, coro, name, None)
}

/// create_task with `context=`: the task runs in `context`, else in a copy of the current one.
pub fn create_task_in(
    vm: &mut Vm,
    coro: Value,
    name: Option<Value>,
    context: Option<Value>,
) -> PyResult<Value> {
    let mut coro = coro;
    if let Value::Native(n) = &coro {
        if let Native::AsyncGenOp(_) = &**n {
            // An asend/athrow/aclose awaitable is a coroutine to CPython's Task: here
            // a coroutine awaits it.
            coro = vm.asyncio_helper("_wrap_awaitable", &[coro])?;
        }
    }
    match &coro {
        Value::Generator(g) if g.kind == GenKind::Coroutine => g.awaited.set(true),
        other => {
            let r = ops::repr(vm, other)?;
            return Err(types::type_error(format!(
                "a coroutine was expected, got {r}"
            )));
        }
    }
    // CPython 3.11 advances the counter for every task, named or not.
    let number = TASK_NAME_COUNTER.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let name = match name {
        Some(n) if !n.is_none() => Some(ops::str_of(vm, &n)?),
        _ => None,
    };
    let data = TaskData {
        coro,
        name: RefCell::new(name),
        number,
        must_cancel: Cell::new(false),
        fut_waiter: RefCell::new(None),
        num_cancels_requested: Cell::new(0),
        context: crate::stdlib::contextvars::context_arg(vm, context.as_ref())?,
    };
    let task = std::rc::Rc::new(Native::Future(FutureObj::new(Some(Box::new(data)))));
    crate::vm::gc::track_native(&task);
    let task = Value::Native(task);
    vm.call_soon(Callback::Step {
        task: task.clone(),
        exc: None,
    });
    vm.event_loop().add_task(task.clone());
    if vm.trace.is_some() {
        super::trace::created(vm, &task);
    }
    Ok(task)
}

fn task_parts(task: &Value) -> Option<(&FutureObj, &TaskData)> {
    let f = future_of(task)?;
    Some((f, f.task.as_ref()?))
}

/// One step of a task: send None (or throw `exc`) into its coroutine.
pub fn step(vm: &mut Vm, task: &Value, exc: Option<Value>) -> PyResult<()> {
    let Some((f, t)) = task_parts(task) else {
        return Ok(());
    };
    if f.done() {
        return Err(future::invalid_state("_step(): already done"));
    }
    let mut exc = exc;
    if t.must_cancel.get() {
        if !exc.as_ref().is_some_and(future::is_cancelled_error) {
            exc = Some(future::make_cancelled_error(f));
        }
        t.must_cancel.set(false);
    }
    *t.fut_waiter.borrow_mut() = None;
    let coro = t.coro.clone();
    let Value::Generator(g) = &coro else {
        return Ok(());
    };
    let previous = vm.event_loop().current_task.replace(task.clone());
    let mut resume = match exc {
        Some(e) => Resume::Throw(e),
        None => Resume::Send(Value::None),
    };
    if !vm.event_loop().finalizers.is_empty() {
        resume = finalizer_resume(vm, task, g, resume);
    }
    let watch = if vm.event_loop().debug {
        Some(super::debug::step_begins(vm, task))
    } else {
        None
    };
    let saved = crate::stdlib::contextvars::enter(vm, &t.context);
    let outcome = ops::generator_send(vm, g, resume);
    crate::stdlib::contextvars::exit(vm, &t.context, saved);
    vm.event_loop().current_task = previous;
    if g.state.get() == GenState::Finished {
        vm.event_loop().finalizers.retain(|f| !f.task.is(task));
    }
    if vm.trace.is_some() || watch.is_some() {
        let r = step_outcome(vm, task, outcome);
        if let Some(watch) = watch {
            super::debug::step_ends(vm, task, watch);
            if f.state.get() == future::FutState::Finished && !f.has_exception() {
                super::debug::check_swallowed_cancel(vm, task);
            }
        }
        if vm.trace.is_some() {
            trace_step_end(vm, task);
        }
        return r;
    }
    step_outcome(vm, task, outcome)
}

/// The trace line for the end of a step: suspended on something, or finished.
fn trace_step_end(vm: &mut Vm, task: &Value) {
    let Some((f, t)) = task_parts(task) else {
        return;
    };
    if f.done() {
        super::trace::finished(vm, task);
        return;
    }
    let waiter = t.fut_waiter.borrow().clone();
    super::trace::suspended(vm, task, waiter.as_ref());
}

/// What the task's coroutine did in a step: finish the task or wait on a future.
#[inline]
fn step_outcome(vm: &mut Vm, task: &Value, outcome: PyResult<GenOutcome>) -> PyResult<()> {
    let Some((f, t)) = task_parts(task) else {
        return Ok(());
    };
    match outcome {
        Ok(GenOutcome::Returned(v)) => {
            if t.must_cancel.get() {
                t.must_cancel.set(false);
                let msg = f.cancel_message();
                future::cancel(vm, task, msg);
            } else {
                future::set_result(vm, task, v)?;
            }
        }
        Err(e) if future::is_cancelled_error(&e) => {
            f.set_cancelled_exc(Some(e));
            future::cancel(vm, task, Value::None);
        }
        Err(e)
            if types::exc_is(&e, |t| &t.keyboard_interrupt)
                || types::exc_is(&e, |t| &t.system_exit) =>
        {
            future::set_exception(vm, task, e.clone())?;
            if let Some(f) = future_of(task) {
                f.log_traceback.set(false);
            }
            return Err(e);
        }
        Err(e) => {
            future::set_exception(vm, task, e)?;
        }
        Ok(GenOutcome::Yielded(result)) => {
            if let Some(rf) = future_of(&result) {
                if rf.blocking.get() {
                    if result.is(task) {
                        let r = ops::repr(vm, task)?;
                        let e = types::runtime_error(format!("Task cannot await on itself: {r}"));
                        vm.call_soon(Callback::Step {
                            task: task.clone(),
                            exc: Some(e),
                        });
                    } else {
                        rf.blocking.set(false);
                        future::add_done_callback(vm, &result, DoneCallback::Wakeup(task.clone()));
                        *t.fut_waiter.borrow_mut() = Some(result.clone());
                        if t.must_cancel.get() {
                            let msg = f.cancel_message();
                            if future::cancel(vm, &result, msg) {
                                t.must_cancel.set(false);
                            }
                        }
                    }
                } else {
                    let (a, b) = (ops::repr(vm, task)?, ops::repr(vm, &result)?);
                    let e = types::runtime_error(format!(
                        "yield was used instead of yield from in task {a} with {b}"
                    ));
                    vm.call_soon(Callback::Step {
                        task: task.clone(),
                        exc: Some(e),
                    });
                }
            } else if result.is_none() {
                vm.call_soon(Callback::Step {
                    task: task.clone(),
                    exc: None,
                });
            } else {
                let r = ops::repr(vm, &result)?;
                let e = types::runtime_error(format!("Task got bad yield: {r}"));
                vm.call_soon(Callback::Step {
                    task: task.clone(),
                    exc: Some(e),
                });
            }
        }
    }
    Ok(())
}

/// How a finalizer task (see `runtime::Finalizer`) resumes its `aclose()` awaitable.
fn finalizer_resume(vm: &mut Vm, task: &Value, coro: &Generator, resume: Resume) -> Resume {
    let l = vm.event_loop();
    let Some(i) = l.finalizers.iter().position(|f| f.task.is(task)) else {
        return resume;
    };
    match resume {
        Resume::Throw(e) if coro.state.get() == GenState::Created => {
            if let Value::Native(n) = &l.finalizers[i].op {
                if let Native::AsyncGenOp(op) = &**n {
                    op.borrow_mut().kind = AsyncGenOpKind::Close(Some(e));
                }
            }
            l.finalizers[i].thrown = true;
            Resume::Send(Value::None)
        }
        Resume::Send(_) if l.finalizers[i].thrown => {
            l.finalizers.remove(i);
            let exit = types::with_types(|t| t.generator_exit.clone());
            Resume::Throw(types::new_exception(&exit, vec![]))
        }
        other => {
            l.finalizers.remove(i);
            other
        }
    }
}

/// A task's awaited future finished: step with its result or exception.
pub fn wakeup(vm: &mut Vm, task: &Value, fut: &Value) -> PyResult<()> {
    if vm.trace.is_some() {
        super::trace::woken(vm, task, fut);
    }
    let exc = match future_of(fut) {
        Some(f) => future::result(f).err(),
        None => None,
    };
    step(vm, task, exc)
}

/// Task.cancel(msg).
pub fn cancel(vm: &mut Vm, task: &Value, msg: Value) -> bool {
    let Some((f, t)) = task_parts(task) else {
        return false;
    };
    f.log_traceback.set(false);
    if f.done() {
        return false;
    }
    t.num_cancels_requested
        .set(t.num_cancels_requested.get() + 1);
    if vm.trace.is_some() {
        super::trace::cancel_requested(vm, task, &msg);
    }
    let waiter = t.fut_waiter.borrow().clone();
    if let Some(w) = waiter {
        if cancel_any(vm, &w, msg.clone()) {
            return true;
        }
    }
    t.must_cancel.set(true);
    f.set_cancel_message(msg);
    true
}

/// Cancels a future or a task.
pub fn cancel_any(vm: &mut Vm, fut: &Value, msg: Value) -> bool {
    if let Some(f) = future_of(fut) {
        let children = f.children();
        if let Some(children) = children {
            // gather(): cancel the children; the outer future reports when they finish.
            if f.done() {
                return false;
            }
            let mut any = false;
            for c in &children {
                if cancel_any(vm, c, msg.clone()) {
                    any = true;
                }
            }
            if any {
                f.set_cancel_requested();
            }
            return any;
        }
    }
    match future_of(fut) {
        Some(f) if f.task.is_some() => cancel(vm, fut, msg),
        Some(_) => future::cancel(vm, fut, msg),
        None => false,
    }
}

/// `Task 'name'`.
fn task_label(task: &Value) -> String {
    match task_parts(task) {
        Some((_, t)) => format!("Task '{}'", t.name()),
        None => "a task".to_string(),
    }
}

/// What a future stands for, in words.
pub(crate) fn describe_future(vm: &mut Vm, fut: &Value, deadlocked: bool) -> String {
    if task_parts(fut).is_some() {
        return task_label(fut);
    }
    let Some(f) = future_of(fut) else {
        return ops::repr(vm, fut).unwrap_or_default();
    };
    let label = f.label.borrow().clone();
    if let Some(label) = label {
        let text = if matches!(label, Value::Str(_)) {
            ops::str_of(vm, &label)
        } else {
            vm.call(&label, &[Value::Bool(deadlocked)])
                .and_then(|t| ops::str_of(vm, &t))
        };
        // A label that fails to describe itself is not worth hiding the report for.
        return text.unwrap_or_else(|_| "a Future".to_string());
    }
    let children = f.children();
    if let Some(children) = children {
        let mut seen: Vec<Value> = Vec::new();
        for c in children {
            if future_of(&c).is_some_and(|cf| !cf.done()) && !seen.iter().any(|s| s.is(&c)) {
                seen.push(c);
            }
        }
        let names: Vec<String> = seen
            .iter()
            .map(|c| describe_future(vm, c, deadlocked))
            .collect();
        return format!("gather({})", names.join(", "));
    }
    "a Future".to_string()
}

/// Every pending task's await tree (see `graph::render_tree`): the deadlock
/// report when `deadlocked` (a label may then say "no producer left"), else a
/// snapshot of a live program (`:tasks`).
pub fn await_tree_report(vm: &mut Vm, deadlocked: bool) -> String {
    super::graph::render_tree(vm, deadlocked)
}

#[cfg(test)]
mod tests {
    use std::mem::size_of;

    /// The sizes docs/architecture.md ("What a suspended task costs") adds up; a
    /// field added to one of these structs shows up here first.
    #[test]
    fn task_memory_layout() {
        assert_eq!(size_of::<crate::value::Value>(), 16);
        assert!(size_of::<crate::value::object::Native>() <= 120);
        assert!(size_of::<super::FutureObj>() <= 112);
        assert!(size_of::<super::TaskData>() <= 96);
        assert!(size_of::<crate::vm::generator::Generator>() <= 56);
        assert!(size_of::<crate::vm::frame::Frame>() <= 168);
        assert!(size_of::<crate::vm::context::Context>() <= 24);
        assert!(size_of::<super::DoneCallback>() <= 24);
    }
}
