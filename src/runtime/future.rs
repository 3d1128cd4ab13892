//! asyncio Futures (and the Future half of Tasks): state, result, done callbacks.

use super::graph::Links;
use super::{Callback, TaskData};
use crate::value::object::Native;
use crate::value::{types, PyResult, Value};
use crate::vm::Vm;
use std::cell::{Cell, RefCell};

/// A future's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FutState {
    Pending,
    Cancelled,
    Finished,
}

impl FutState {
    /// The state's name as CPython prints it.
    pub fn name(self) -> &'static str {
        match self {
            FutState::Pending => "PENDING",
            FutState::Cancelled => "CANCELLED",
            FutState::Finished => "FINISHED",
        }
    }
}

/// What runs when a future completes.
#[derive(Clone)]
pub enum DoneCallback {
    /// A task waiting on this future resumes.
    Wakeup(Value),
    /// A script callable, called with the future.
    Call(Value),
    /// A script callable, called with the future inside a contextvars Context.
    CallIn(Value, crate::vm::context::ContextRef),
    /// run_until_complete's: stop the loop.
    StopLoop,
}

/// A Future (or Task when `task` is set).
pub struct FutureObj {
    pub state: Cell<FutState>,
    /// The result, or the exception when `failed` is set: a future has one or the
    /// other, so they share a slot.
    outcome: RefCell<Value>,
    failed: Cell<bool>,
    pub callbacks: RefCell<Vec<DoneCallback>>,
    /// The exception was never retrieved (reported when the program ends).
    pub log_traceback: Cell<bool>,
    /// `_asyncio_future_blocking`: set while a task awaits it.
    pub blocking: Cell<bool>,
    pub task: Option<Box<TaskData>>,
    /// What only cancelled futures, gather()'s outer futures and futures linked in
    /// the await tree need, made on first use so a plain future stays small.
    rare: RefCell<Option<Box<FutureRare>>>,
    /// What this future stands for, set by the library code that made it
    /// ("Queue.get (queue empty)"): the deadlock report's "waiting on". A str,
    /// or a callable asked for the text when a report is drawn (so the text
    /// tells the state at that moment: who holds a lock now).
    pub label: RefCell<Option<Value>>,
}

impl FutureObj {
    /// Calls `f` with every value the future holds (the cycle collector's traversal;
    /// a task's context record is not visited, which only makes the collector more
    /// conservative). False when a part is borrowed right now.
    pub fn for_each_value(&self, f: &mut dyn FnMut(&Value)) -> bool {
        let (Ok(outcome), Ok(callbacks), Ok(rare), Ok(label)) = (
            self.outcome.try_borrow(),
            self.callbacks.try_borrow(),
            self.rare.try_borrow(),
            self.label.try_borrow(),
        ) else {
            return false;
        };
        f(&outcome);
        for cb in callbacks.iter() {
            match cb {
                DoneCallback::Wakeup(v) | DoneCallback::Call(v) => f(v),
                // The context record is not visited (see above).
                DoneCallback::CallIn(a, _) => f(a),
                DoneCallback::StopLoop => {}
            }
        }
        if let Some(r) = rare.as_ref() {
            f(&r.cancel_message);
            r.cancelled_exc.iter().for_each(&mut *f);
            r.children.iter().flatten().for_each(&mut *f);
            if let Some(l) = r.links.as_ref() {
                l.awaited_by.iter().for_each(&mut *f);
                l.holder.iter().for_each(&mut *f);
            }
        }
        label.iter().for_each(&mut *f);
        if let Some(t) = &self.task {
            let Ok(waiter) = t.fut_waiter.try_borrow() else {
                return false;
            };
            f(&t.coro);
            waiter.iter().for_each(&mut *f);
        }
        true
    }

    /// Moves the containers the future holds (its result or exception, and the
    /// cancellation and gather records) to `out`, for the iterative teardown.
    pub fn take_nested(&self, out: &mut Vec<Value>) {
        if let Ok(mut o) = self.outcome.try_borrow_mut() {
            crate::value::teardown::take_one(&mut o, out);
        }
        if let Ok(mut rare) = self.rare.try_borrow_mut() {
            if let Some(r) = rare.as_mut() {
                crate::value::teardown::take_one(&mut r.cancel_message, out);
                if let Some(v) = r.cancelled_exc.as_mut() {
                    crate::value::teardown::take_one(v, out);
                }
                if let Some(children) = r.children.as_mut() {
                    for v in children.iter_mut() {
                        crate::value::teardown::take_one(v, out);
                    }
                }
            }
        }
    }

    /// Takes out what the future holds, for the collector to drop after its pass.
    pub fn take_contents(&self, bin: &mut Vec<Box<dyn std::any::Any>>) {
        if let Ok(mut cbs) = self.callbacks.try_borrow_mut() {
            bin.push(Box::new(std::mem::take(&mut *cbs)));
        }
        if let Ok(mut r) = self.outcome.try_borrow_mut() {
            bin.push(Box::new(std::mem::replace(&mut *r, Value::None)));
        }
        if let Ok(mut r) = self.rare.try_borrow_mut() {
            bin.push(Box::new(r.take()));
        }
        if let Some(t) = &self.task {
            if let Ok(mut w) = t.fut_waiter.try_borrow_mut() {
                bin.push(Box::new(w.take()));
            }
        }
    }

    pub fn new(task: Option<Box<TaskData>>) -> FutureObj {
        FutureObj {
            state: Cell::new(FutState::Pending),
            outcome: RefCell::new(Value::None),
            failed: Cell::new(false),
            callbacks: RefCell::new(Vec::new()),
            log_traceback: Cell::new(false),
            blocking: Cell::new(false),
            task,
            rare: RefCell::new(None),
            label: RefCell::new(None),
        }
    }

    pub fn done(&self) -> bool {
        self.state.get() != FutState::Pending
    }

    /// The exception it finished with, if it failed.
    pub fn exception_value(&self) -> Option<Value> {
        self.failed.get().then(|| self.outcome.borrow().clone())
    }

    /// Whether it finished with an exception.
    pub fn has_exception(&self) -> bool {
        self.failed.get()
    }

    /// The result it finished with (None while pending or if it failed).
    pub fn result_value(&self) -> Value {
        if self.failed.get() {
            Value::None
        } else {
            self.outcome.borrow().clone()
        }
    }

    /// Runs `f` on who awaits it and what blocks it (the await tree, see `graph`).
    pub fn links<R>(&self, f: impl FnOnce(Option<&Links>) -> R) -> R {
        let rare = self.rare.borrow();
        f(rare.as_ref().and_then(|r| r.links.as_ref()))
    }

    /// The await-tree links, made on first use.
    pub fn links_mut(&self) -> std::cell::RefMut<'_, Links> {
        std::cell::RefMut::map(self.rare_mut(), |r| {
            r.links.get_or_insert_with(Default::default)
        })
    }

    /// Runs `f` on the await-tree links if there are any.
    pub fn update_links(&self, f: impl FnOnce(&mut Links)) {
        if let Some(l) = self
            .rare
            .borrow_mut()
            .as_mut()
            .and_then(|r| r.links.as_mut())
        {
            f(l);
        }
    }

    fn rare_mut(&self) -> std::cell::RefMut<'_, FutureRare> {
        std::cell::RefMut::map(self.rare.borrow_mut(), |r| {
            &mut **r.get_or_insert_with(Default::default)
        })
    }

    /// The message `cancel(msg)` was given (None if none).
    pub fn cancel_message(&self) -> Value {
        self.rare
            .borrow()
            .as_ref()
            .map_or(Value::None, |r| r.cancel_message.clone())
    }

    pub fn set_cancel_message(&self, msg: Value) {
        self.rare_mut().cancel_message = msg;
    }

    /// The CancelledError that cancelled it, re-raised by result().
    pub fn cancelled_exc(&self) -> Option<Value> {
        self.rare.borrow().as_ref()?.cancelled_exc.clone()
    }

    pub fn take_cancelled_exc(&self) -> Option<Value> {
        self.rare.borrow_mut().as_mut()?.cancelled_exc.take()
    }

    pub fn set_cancelled_exc(&self, exc: Option<Value>) {
        self.rare_mut().cancelled_exc = exc;
    }

    /// gather()'s outer future: cancelling it cancels these children instead.
    pub fn children(&self) -> Option<Vec<Value>> {
        self.rare.borrow().as_ref()?.children.clone()
    }

    pub fn set_children(&self, children: Vec<Value>) {
        self.rare_mut().children = Some(children);
    }

    /// gather()'s outer future was asked to cancel.
    pub fn cancel_requested(&self) -> bool {
        self.rare
            .borrow()
            .as_ref()
            .is_some_and(|r| r.cancel_requested)
    }

    pub fn set_cancel_requested(&self) {
        self.rare_mut().cancel_requested = true;
    }
}

/// The part of a future most never need (see `FutureObj::rare`).
struct FutureRare {
    cancel_message: Value,
    cancelled_exc: Option<Value>,
    children: Option<Vec<Value>>,
    cancel_requested: bool,
    links: Option<Links>,
}

impl Default for FutureRare {
    fn default() -> Self {
        FutureRare {
            cancel_message: Value::None,
            cancelled_exc: None,
            children: None,
            cancel_requested: false,
            links: None,
        }
    }
}

/// The FutureObj inside a value, if it is one.
pub fn future_of(v: &Value) -> Option<&FutureObj> {
    match v {
        Value::Native(n) => match &**n {
            Native::Future(f) => Some(f),
            _ => None,
        },
        _ => None,
    }
}

/// A new pending future value.
pub fn new_future() -> Value {
    let rc = std::rc::Rc::new(Native::Future(FutureObj::new(None)));
    crate::vm::gc::track_native(&rc);
    Value::Native(rc)
}

/// CancelledError(msg) (no args when msg is None).
pub fn cancelled_error(msg: &Value) -> Value {
    let class = types::with_async_types(|a| a.cancelled_error.clone());
    let args = if msg.is_none() {
        vec![]
    } else {
        vec![msg.clone()]
    };
    types::new_exception(&class, args)
}

/// InvalidStateError(msg).
pub fn invalid_state(msg: impl Into<String>) -> Value {
    let class = types::with_async_types(|a| a.invalid_state_error.clone());
    types::new_exception(&class, vec![Value::str(msg)])
}

/// True if `e` is a CancelledError.
pub fn is_cancelled_error(e: &Value) -> bool {
    types::with_async_types(|a| types::is_instance_of(e, &a.cancelled_error))
}

/// `_make_cancelled_error()`: the saved CancelledError, or a new one with the message.
pub fn make_cancelled_error(f: &FutureObj) -> Value {
    if let Some(e) = f.take_cancelled_exc() {
        return e;
    }
    cancelled_error(&f.cancel_message())
}

/// Schedules the done callbacks (call_soon each, in order).
fn schedule_callbacks(vm: &mut Vm, fut: &Value, f: &FutureObj) {
    if vm.trace.is_some() {
        super::trace::completed(vm, fut);
    }
    let callbacks = std::mem::take(&mut *f.callbacks.borrow_mut());
    for cb in callbacks {
        vm.call_soon(cb.into_callback(fut));
    }
}

impl DoneCallback {
    /// The loop callback that runs this done callback for the finished `fut`.
    fn into_callback(self, fut: &Value) -> Callback {
        match self {
            DoneCallback::Wakeup(task) => Callback::Wakeup {
                task,
                future: fut.clone(),
            },
            DoneCallback::Call(func) => Callback::Call {
                func,
                args: vec![fut.clone()],
            },
            DoneCallback::CallIn(func, context) => Callback::CallIn {
                func,
                args: vec![fut.clone()],
                context,
            },
            DoneCallback::StopLoop => Callback::StopLoop(fut.clone()),
        }
    }
}

/// Future.set_result.
pub fn set_result(vm: &mut Vm, fut: &Value, value: Value) -> PyResult<()> {
    let Some(f) = future_of(fut) else {
        return Ok(());
    };
    if f.done() {
        return Err(invalid_state("invalid state"));
    }
    *f.outcome.borrow_mut() = value;
    f.state.set(FutState::Finished);
    schedule_callbacks(vm, fut, f);
    Ok(())
}

/// Future.set_exception.
pub fn set_exception(vm: &mut Vm, fut: &Value, exc: Value) -> PyResult<()> {
    let Some(f) = future_of(fut) else {
        return Ok(());
    };
    if f.done() {
        return Err(invalid_state("invalid state"));
    }
    let exc = match &exc {
        Value::Class(_) => vm.call(&exc, &[])?,
        _ => exc,
    };
    if exc.exc_data().is_none() {
        return Err(types::type_error("invalid exception object"));
    }
    if types::exc_is(&exc, |t| &t.stop_iteration) {
        return Err(types::type_error(
            "StopIteration interacts badly with generators and cannot be raised into a Future",
        ));
    }
    *f.outcome.borrow_mut() = exc;
    f.failed.set(true);
    f.state.set(FutState::Finished);
    f.log_traceback.set(true);
    schedule_callbacks(vm, fut, f);
    Ok(())
}

/// Future.cancel(msg): true if it was pending.
pub fn cancel(vm: &mut Vm, fut: &Value, msg: Value) -> bool {
    let Some(f) = future_of(fut) else {
        return false;
    };
    f.log_traceback.set(false);
    if f.done() {
        return false;
    }
    f.state.set(FutState::Cancelled);
    f.set_cancel_message(msg);
    schedule_callbacks(vm, fut, f);
    true
}

/// Future.result().
pub fn result(f: &FutureObj) -> PyResult<Value> {
    match f.state.get() {
        FutState::Cancelled => Err(make_cancelled_error(f)),
        FutState::Pending => Err(invalid_state("Result is not set.")),
        FutState::Finished => {
            f.log_traceback.set(false);
            let outcome = f.outcome.borrow().clone();
            if f.failed.get() {
                Err(outcome)
            } else {
                Ok(outcome)
            }
        }
    }
}

/// Future.exception().
pub fn exception(f: &FutureObj) -> PyResult<Value> {
    match f.state.get() {
        FutState::Cancelled => Err(make_cancelled_error(f)),
        FutState::Pending => Err(invalid_state("Exception is not set.")),
        FutState::Finished => {
            f.log_traceback.set(false);
            Ok(f.exception_value().unwrap_or(Value::None))
        }
    }
}

/// Future.add_done_callback: runs soon if already done.
pub fn add_done_callback(vm: &mut Vm, fut: &Value, cb: DoneCallback) {
    let Some(f) = future_of(fut) else { return };
    if f.done() {
        vm.call_soon(cb.into_callback(fut));
    } else {
        let mut callbacks = f.callbacks.borrow_mut();
        // Most futures get one callback (the task awaiting it): no room for four.
        if callbacks.capacity() == 0 {
            callbacks.reserve_exact(1);
        }
        callbacks.push(cb);
    }
}
