//! asyncio Futures (and the Future half of Tasks): state, result, done callbacks.

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
    CallIn(Value, Value),
    /// run_until_complete's: stop the loop.
    StopLoop,
}

/// A Future (or Task when `task` is set).
pub struct FutureObj {
    pub state: Cell<FutState>,
    pub result: RefCell<Value>,
    pub exception: RefCell<Option<Value>>,
    pub callbacks: RefCell<Vec<DoneCallback>>,
    pub cancel_message: RefCell<Value>,
    /// The exception was never retrieved (reported when the program ends).
    pub log_traceback: Cell<bool>,
    /// `_asyncio_future_blocking`: set while a task awaits it.
    pub blocking: Cell<bool>,
    /// The CancelledError that cancelled it, re-raised by result().
    pub cancelled_exc: RefCell<Option<Value>>,
    pub task: Option<Box<TaskData>>,
    /// gather()'s outer future: cancelling it cancels these children instead.
    pub children: RefCell<Option<Vec<Value>>>,
    /// gather()'s outer future was asked to cancel.
    pub cancel_requested: Cell<bool>,
    /// What this future stands for, set by the library code that made it
    /// ("Queue.get (queue empty)"): the deadlock report's "waiting on". A str,
    /// or a callable asked for the text when a report is drawn (so the text
    /// tells the state at that moment: who holds a lock now).
    pub label: RefCell<Option<Value>>,
    /// Who awaits it and what blocks it, for the await tree (see `graph`).
    pub links: RefCell<Option<Box<super::graph::Links>>>,
}

impl FutureObj {
    pub fn new(task: Option<Box<TaskData>>) -> FutureObj {
        FutureObj {
            state: Cell::new(FutState::Pending),
            result: RefCell::new(Value::None),
            exception: RefCell::new(None),
            callbacks: RefCell::new(Vec::new()),
            cancel_message: RefCell::new(Value::None),
            log_traceback: Cell::new(false),
            blocking: Cell::new(false),
            cancelled_exc: RefCell::new(None),
            task,
            children: RefCell::new(None),
            cancel_requested: Cell::new(false),
            label: RefCell::new(None),
            links: RefCell::new(None),
        }
    }

    pub fn done(&self) -> bool {
        self.state.get() != FutState::Pending
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
    if let Some(e) = f.cancelled_exc.borrow_mut().take() {
        return e;
    }
    cancelled_error(&f.cancel_message.borrow())
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
    *f.result.borrow_mut() = value;
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
    *f.exception.borrow_mut() = Some(exc);
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
    *f.cancel_message.borrow_mut() = msg;
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
            match &*f.exception.borrow() {
                Some(e) => Err(e.clone()),
                None => Ok(f.result.borrow().clone()),
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
            Ok(f.exception.borrow().clone().unwrap_or(Value::None))
        }
    }
}

/// Future.add_done_callback: runs soon if already done.
pub fn add_done_callback(vm: &mut Vm, fut: &Value, cb: DoneCallback) {
    let Some(f) = future_of(fut) else { return };
    if f.done() {
        vm.call_soon(cb.into_callback(fut));
    } else {
        f.callbacks.borrow_mut().push(cb);
    }
}
