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

/// What an async generator's step awaitable does when awaited.
pub enum AsyncGenOp {
    /// `__anext__()` / `asend(v)`: resume with `v`.
    Send(crate::value::Value),
    /// `athrow(exc)`: raise `exc` at the suspended `yield`.
    Throw(crate::value::Value),
    /// `aclose()`: raise GeneratorExit; a clean exit gives None.
    Close,
}

/// A generator object. While suspended, `frames` holds its own frame at the bottom
/// and the frames it delegates to (yield from / await) above it.
pub struct Generator {
    pub kind: GenKind,
    pub code: Rc<Code>,
    pub name: RefCell<String>,
    pub qualname: RefCell<String>,
    pub state: Cell<GenState>,
    pub frames: RefCell<Vec<Frame>>,
    /// Set once a coroutine has been awaited or run (for the never-awaited warning).
    pub awaited: Cell<bool>,
}

impl Generator {
    pub fn new(kind: GenKind, frame: Frame) -> Generator {
        let code = frame.code.clone();
        Generator {
            kind,
            name: RefCell::new(code.name.to_string()),
            qualname: RefCell::new(code.qualname.to_string()),
            code,
            state: Cell::new(GenState::Created),
            frames: RefCell::new(vec![frame]),
            awaited: Cell::new(false),
        }
    }
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

impl Drop for Generator {
    fn drop(&mut self) {
        if self.kind == GenKind::Coroutine && self.state.get() == GenState::Created && !self.awaited.get() {
            let name = self.qualname.borrow().clone();
            PENDING_WARNINGS.with(|w| {
                w.borrow_mut().push(format!("RuntimeWarning: coroutine '{name}' was never awaited"));
            });
        }
    }
}
