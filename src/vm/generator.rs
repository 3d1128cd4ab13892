//! Generators, coroutines and async generators: a suspended stack segment.

use super::frame::Frame;
use crate::bytecode::Code;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Which protocol the object speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    Generator,
    Coroutine,
    AsyncGenerator,
}

/// Lifecycle of a generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenState {
    /// Created, never run.
    Created,
    /// Stopped at a yield (or an await).
    Suspended,
    /// Its frames are on a running stack.
    Running,
    /// Returned or raised.
    Finished,
}

/// A generator object. While suspended, `frames` holds its own frame at the bottom
/// and the frames it delegates to (yield from / await) above it.
pub struct Generator {
    pub kind: GenKind,
    pub code: Rc<Code>,
    pub name: RefCell<String>,
    pub qualname: RefCell<String>,
    pub state: Cell<GenState>,
    pub frames: RefCell<Vec<Box<Frame>>>,
    /// Set once a coroutine has been awaited or run (for the never-awaited warning).
    pub awaited: Cell<bool>,
    /// An async generator first iterated under a running loop: the loop finalizes it
    /// (aclose) if it is dropped or left suspended at shutdown.
    pub hooked: Cell<bool>,
}

impl Generator {
    pub fn new(kind: GenKind, frame: Box<Frame>) -> Generator {
        let code = frame.code.clone();
        Generator {
            kind,
            name: RefCell::new(code.name.to_string()),
            qualname: RefCell::new(code.qualname.to_string()),
            code,
            state: Cell::new(GenState::Created),
            frames: RefCell::new(vec![frame]),
            awaited: Cell::new(false),
            hooked: Cell::new(false),
        }
    }
}

thread_local! {
    /// Async generators dropped while suspended, waiting for the loop to close them.
    static TO_FINALIZE: RefCell<Vec<Rc<Generator>>> = const { RefCell::new(Vec::new()) };
}

thread_local! {
    /// Generators dropped while suspended, waiting for the VM to close them.
    static TO_CLOSE: RefCell<Vec<Rc<Generator>>> = const { RefCell::new(Vec::new()) };
    /// Set when a suspended generator was dropped: the VM closes it at its next check
    /// (after the op that dropped it, or at the next call, return or exception).
    static CLOSE_PENDING: Cell<bool> = const { Cell::new(false) };
}

/// True when a dropped generator waits to be closed.
#[inline]
pub fn close_pending() -> bool {
    CLOSE_PENDING.with(|p| p.get())
}

/// Takes the dropped generators that need a `close()`.
pub fn take_to_close() -> Vec<Rc<Generator>> {
    let _ = CLOSE_PENDING.try_with(|p| p.set(false));
    TO_CLOSE
        .try_with(|f| std::mem::take(&mut *f.borrow_mut()))
        .unwrap_or_default()
}

/// Takes the async generators that need an `aclose()` from the loop.
pub fn take_finalizers() -> Vec<Rc<Generator>> {
    TO_FINALIZE.with(|f| std::mem::take(&mut *f.borrow_mut()))
}

thread_local! {
    /// Warnings raised where no output stream is at hand (a coroutine dropped unawaited),
    /// written to stderr by the VM at its next safe point.
    static PENDING_WARNINGS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Takes the warnings queued since the last call.
pub fn take_warnings() -> Vec<String> {
    PENDING_WARNINGS.with(|w| std::mem::take(&mut *w.borrow_mut()))
}

impl Generator {
    /// Moves a dropped generator's suspended frames to a new generator object, so its
    /// `finally` blocks can still run (None when there is nothing to run).
    fn revive(&mut self) -> Option<Rc<Generator>> {
        let frames = std::mem::take(&mut *self.frames.borrow_mut());
        if frames.is_empty() {
            return None;
        }
        let revived = Rc::new(Generator {
            kind: self.kind,
            code: self.code.clone(),
            name: RefCell::new(self.name.borrow().clone()),
            qualname: RefCell::new(self.qualname.borrow().clone()),
            state: Cell::new(GenState::Suspended),
            frames: RefCell::new(frames),
            awaited: Cell::new(true),
            hooked: Cell::new(false),
        });
        if let Some(f) = revived.frames.borrow_mut().first_mut() {
            f.generator = Some(Rc::downgrade(&revived));
        }
        Some(revived)
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        if self.kind == GenKind::AsyncGenerator
            && self.hooked.get()
            && self.state.get() == GenState::Suspended
        {
            // Like CPython's asyncgen finalizer hook: the suspended frames move to a new
            // generator object that the loop closes (running its finally blocks).
            if let Some(revived) = self.revive() {
                let _ = TO_FINALIZE.try_with(|f| f.borrow_mut().push(revived));
            }
            return;
        }
        if self.kind == GenKind::Generator && self.state.get() == GenState::Suspended {
            // CPython closes a generator when its last reference goes: queue it for
            // the VM, which throws GeneratorExit into it at its next check.
            if let Some(revived) = self.revive() {
                if TO_CLOSE.try_with(|f| f.borrow_mut().push(revived)).is_ok() {
                    let _ = CLOSE_PENDING.try_with(|p| p.set(true));
                }
            }
            return;
        }
        if self.kind == GenKind::Coroutine
            && self.state.get() == GenState::Created
            && !self.awaited.get()
        {
            let name = self.qualname.borrow().clone();
            PENDING_WARNINGS.with(|w| {
                w.borrow_mut().push(format!(
                    "RuntimeWarning: coroutine '{name}' was never awaited"
                ));
            });
        }
    }
}

/// What an async generator awaitable does when awaited.
#[derive(Clone)]
pub enum AsyncGenOpKind {
    /// `__anext__()` / `asend(value)`.
    Send(crate::value::Value),
    /// `athrow(exc)`.
    Throw(crate::value::Value),
    /// `aclose()`: throws GeneratorExit; a clean exit returns None.
    Close,
}

/// The state of one `asend`/`athrow`/`aclose` awaitable.
pub struct AsyncGenOp {
    pub gen: Rc<Generator>,
    pub kind: AsyncGenOpKind,
    /// Awaited once already (these awaitables are single-use).
    pub used: bool,
}

impl AsyncGenOp {
    /// athrow and aclose are `async_generator_athrow` objects in CPython.
    pub fn is_throw(&self) -> bool {
        !matches!(self.kind, AsyncGenOpKind::Send(_))
    }
}
