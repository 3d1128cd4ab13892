//! Delegation: a `for` loop resuming a generator, `yield from` / `await` handing
//! control to a generator, coroutine or native awaitable, and the awaitables that
//! drive an async generator (asend, athrow, aclose).

use super::frame::{Entry, Frame};
use super::generator::{AsyncGenOpKind, GenKind, GenState, Generator};
use super::interp::Flow;
use super::ops;
use super::Vm;
use crate::bytecode::Op;
use crate::value::object::Native;
use crate::value::{types, PyResult, Value};
use std::rc::Rc;

impl Vm {
    /// `ForIter` over a generator: its frames go on top of this fiber.
    pub(super) fn resume_for_iter(
        &mut self,
        fiber: &mut [Box<Frame>],
        g: &Rc<Generator>,
    ) -> PyResult<Flow> {
        match g.state.get() {
            GenState::Finished => {
                // An exhausted generator simply ends the loop.
                let frame = fiber.last_mut().expect("frame");
                frame.pop();
                if let Op::ForIter(t) = frame.code.ops[frame.ip - 1] {
                    frame.ip = t as usize;
                }
                Ok(Flow::Next)
            }
            GenState::Running => Err(types::value_error("generator already executing")),
            GenState::Created | GenState::Suspended => {
                let seg = take_segment(g, Entry::ForIter)?;
                Ok(Flow::PushSegment(seg))
            }
        }
    }

    /// `YieldFrom`: delegate to a generator/coroutine, or drive a native iterator.
    pub(super) fn yield_from(&mut self, fiber: &mut [Box<Frame>]) -> PyResult<Flow> {
        let frame = fiber.last_mut().expect("frame");
        if frame.awaiting {
            frame.awaiting = false;
            frame.pop();
            if self.is_yield_once(frame.top()) {
                // Resumed after yielding once for `await asyncio.sleep(0)`.
                frame.pop();
                frame.push(Value::None);
                return Ok(Flow::Next);
            }
            let aw = frame.top().clone();
            if let Some(f) = crate::runtime::future::future_of(&aw) {
                if !f.done() {
                    return Err(types::runtime_error("await wasn't used with future"));
                }
                let r = crate::runtime::future::result(f)?;
                let frame = fiber.last_mut().expect("frame");
                frame.pop();
                frame.push(r);
                return Ok(Flow::Next);
            }
            return self.yield_from_native(fiber, aw);
        }
        if self.is_yield_once(frame.top()) {
            // The yield-once awaitable, passed through by GetAwaitable.
            frame.ip -= 1;
            frame.awaiting = true;
            return Ok(Flow::Yield(Value::None));
        }
        let aw = frame.top().clone();
        if let Some(flow) = self.drive_async_gen(fiber, &aw)? {
            return Ok(flow);
        }
        let frame = fiber.last_mut().expect("frame");
        if let Some(f) = crate::runtime::future::future_of(&aw) {
            if f.done() {
                let r = crate::runtime::future::result(f)?;
                frame.pop();
                frame.push(r);
                return Ok(Flow::Next);
            }
            f.blocking.set(true);
            frame.ip -= 1;
            frame.awaiting = true;
            return Ok(Flow::Yield(aw));
        }
        if let Value::Generator(g) = &aw {
            return match g.state.get() {
                GenState::Finished => {
                    if g.kind == GenKind::Coroutine {
                        Err(types::runtime_error(
                            "cannot reuse already awaited coroutine",
                        ))
                    } else {
                        frame.pop();
                        frame.push(Value::None);
                        Ok(Flow::Next)
                    }
                }
                GenState::Running => Err(if g.kind == GenKind::Coroutine {
                    types::runtime_error("coroutine is being awaited already")
                } else {
                    types::value_error("generator already executing")
                }),
                GenState::Created | GenState::Suspended => {
                    g.awaited.set(true);
                    let seg = take_segment(g, Entry::Delegate)?;
                    Ok(Flow::PushSegment(seg))
                }
            };
        }
        self.yield_from_native(fiber, aw)
    }

    /// True for the yield-once awaitable of `asyncio.sleep(0)` (see
    /// `stdlib::asyncio::is_yield_once`); the instance last seen is remembered so the
    /// common case is a pointer comparison.
    #[inline]
    pub(super) fn is_yield_once(&mut self, v: &Value) -> bool {
        let Value::Instance(i) = v else {
            return false;
        };
        if self.yield_once.as_ref().is_some_and(|o| Rc::ptr_eq(o, i)) {
            return true;
        }
        if crate::stdlib::asyncio::is_yield_once(v) {
            self.yield_once = Some(i.clone());
            return true;
        }
        false
    }

    pub(super) fn yield_from_native(
        &mut self,
        fiber: &mut [Box<Frame>],
        aw: Value,
    ) -> PyResult<Flow> {
        match ops::iter_next(self, &aw)? {
            Some(v) => {
                let frame = fiber.last_mut().expect("frame");
                frame.ip -= 1;
                frame.awaiting = true;
                Ok(Flow::Yield(v))
            }
            None => {
                let frame = fiber.last_mut().expect("frame");
                frame.pop();
                frame.push(Value::None);
                Ok(Flow::Next)
            }
        }
    }
}

/// The kind of an asend/athrow/aclose awaitable.
pub(super) fn asyncgen_op_kind(v: &Value) -> Option<AsyncGenOpKind> {
    match v {
        Value::Native(n) => match &**n {
            Native::AsyncGenOp(op) => Some(op.borrow().kind.clone()),
            _ => None,
        },
        _ => None,
    }
}

impl Vm {
    /// `await` on an asend/athrow/aclose awaitable: resume the async generator on this fiber.
    pub(super) fn drive_async_gen(
        &mut self,
        fiber: &mut [Box<Frame>],
        aw: &Value,
    ) -> PyResult<Option<Flow>> {
        let Value::Native(n) = aw else {
            return Ok(None);
        };
        let Native::AsyncGenOp(cell) = &**n else {
            return Ok(None);
        };
        let (g, kind) = {
            let mut op = cell.borrow_mut();
            if op.used {
                return Err(types::runtime_error(if op.is_throw() {
                    "cannot reuse already awaited aclose()/athrow()"
                } else {
                    "cannot reuse already awaited __anext__()/asend()"
                }));
            }
            op.used = true;
            (op.gen.clone(), op.kind.clone())
        };
        let frame = fiber.last_mut().expect("frame");
        let finish = |frame: &mut Box<Frame>, v: Value| {
            frame.pop();
            frame.push(v);
        };
        let state = g.state.get();
        if state != GenState::Finished && state != GenState::Running {
            match kind {
                AsyncGenOpKind::Send(_) | AsyncGenOpKind::Close(Some(_)) => {}
                _ if g.closed.get() => return Err(stop_async_iteration()),
                AsyncGenOpKind::Close(None) => g.closed.set(true),
                _ => {}
            }
        }
        match state {
            GenState::Running => {
                let what = match kind {
                    AsyncGenOpKind::Send(_) => "anext(): asynchronous generator is already running",
                    AsyncGenOpKind::Throw(_) | AsyncGenOpKind::ThrowInvalid(_) => {
                        "athrow(): asynchronous generator is already running"
                    }
                    AsyncGenOpKind::Close(_) => {
                        "aclose(): asynchronous generator is already running"
                    }
                };
                Err(types::runtime_error(what))
            }
            // athrow/aclose on a finished generator return None (CPython 3.11).
            GenState::Finished => match kind {
                AsyncGenOpKind::Send(_) => Err(stop_async_iteration()),
                _ => {
                    finish(frame, Value::None);
                    Ok(Some(Flow::Next))
                }
            },
            GenState::Created => match kind {
                AsyncGenOpKind::Close(None) => {
                    g.state.set(GenState::Finished);
                    g.frames.borrow_mut().clear();
                    finish(frame, Value::None);
                    Ok(Some(Flow::Next))
                }
                AsyncGenOpKind::Throw(e) | AsyncGenOpKind::Close(Some(e)) => {
                    g.state.set(GenState::Finished);
                    g.frames.borrow_mut().clear();
                    Err(e)
                }
                AsyncGenOpKind::ThrowInvalid(e) => Err(e),
                AsyncGenOpKind::Send(v) => {
                    if !v.is_none() {
                        return Err(types::type_error(
                            "can't send non-None value to a just-started async generator",
                        ));
                    }
                    // The loop's firstiter hook: it will finalize this generator.
                    if let Some(l) = self.event_loop.as_mut() {
                        if l.running && !g.hooked.get() {
                            g.hooked.set(true);
                            l.asyncgens.push(Rc::downgrade(&g));
                        }
                    }
                    Ok(Some(Flow::PushSegment(take_segment(&g, Entry::Delegate)?)))
                }
            },
            GenState::Suspended => {
                if let AsyncGenOpKind::ThrowInvalid(e) = kind {
                    return Err(e);
                }
                let mut seg = std::mem::take(&mut *g.frames.borrow_mut());
                if seg.is_empty() {
                    return Err(types::system_error("generator without frames"));
                }
                g.state.set(GenState::Running);
                seg[0].entry = Entry::Delegate;
                match kind {
                    AsyncGenOpKind::Send(v) => {
                        seg.last_mut().expect("frame").push(v);
                        Ok(Some(Flow::PushSegment(seg)))
                    }
                    AsyncGenOpKind::Throw(e) | AsyncGenOpKind::Close(Some(e)) => {
                        Ok(Some(Flow::PushSegmentThrow(seg, e)))
                    }
                    AsyncGenOpKind::ThrowInvalid(e) => Err(e),
                    AsyncGenOpKind::Close(None) => {
                        let exit = types::with_types(|t| t.generator_exit.clone());
                        Ok(Some(Flow::PushSegmentThrow(
                            seg,
                            types::new_exception(&exit, vec![]),
                        )))
                    }
                }
            }
        }
    }
}

/// `StopAsyncIteration()` with no arguments.
pub(super) fn stop_async_iteration() -> Value {
    let class = types::with_types(|t| t.stop_async_iteration.clone());
    types::new_exception(&class, vec![])
}

/// Takes a suspended generator's frames to run them, with the resume value pushed.
pub fn take_segment(g: &Rc<Generator>, entry: Entry) -> PyResult<Vec<Box<Frame>>> {
    let mut seg = std::mem::take(&mut *g.frames.borrow_mut());
    if seg.is_empty() {
        return Err(types::system_error("generator without frames"));
    }
    if g.state.get() == GenState::Suspended {
        seg.last_mut().expect("frame").push(Value::None);
    }
    g.state.set(GenState::Running);
    seg[0].entry = entry;
    Ok(seg)
}
