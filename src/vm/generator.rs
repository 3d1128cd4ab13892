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
    /// The function's `__name__` / `__qualname__` at call time when a decorator renamed
    /// the function (`None`: the code object's, the common case, at no cost).
    renamed: Option<Box<(Rc<str>, Rc<str>)>>,
    pub state: Cell<GenState>,
    pub frames: RefCell<Vec<Box<Frame>>>,
    /// Set once a coroutine has been awaited or run (for the never-awaited warning).
    pub awaited: Cell<bool>,
    /// An async generator first iterated under a running loop: the loop finalizes it
    /// (aclose) if it is dropped or left suspended at shutdown.
    pub hooked: Cell<bool>,
    /// An async generator that `aclose()` has started closing (CPython's `ag_closed`):
    /// later athrow/aclose awaitables raise StopAsyncIteration.
    pub closed: Cell<bool>,
    /// A copy made to run the cleanup of a dropped generator: never revived again.
    pub finalized: Cell<bool>,
}

impl Generator {
    /// `__name__`.
    pub fn name(&self) -> Rc<str> {
        match &self.renamed {
            Some(r) => r.0.clone(),
            None => self.code.name.clone(),
        }
    }

    /// `__qualname__`.
    pub fn qualname(&self) -> Rc<str> {
        match &self.renamed {
            Some(r) => r.1.clone(),
            None => self.code.qualname.clone(),
        }
    }

    /// A generator of a function called `name` / `qualname` (which may differ from
    /// its code's names when a decorator renamed the function).
    pub fn named(kind: GenKind, frame: Box<Frame>, name: &str, qualname: &str) -> Generator {
        let mut g = Generator::new(kind, frame);
        if *name != *g.code.name || *qualname != *g.code.qualname {
            g.renamed = Some(Box::new((Rc::from(name), Rc::from(qualname))));
        }
        g
    }

    pub fn new(kind: GenKind, frame: Box<Frame>) -> Generator {
        let code = frame.code.clone();
        Generator {
            kind,
            renamed: None,
            code,
            state: Cell::new(GenState::Created),
            frames: RefCell::new(vec![frame]),
            awaited: Cell::new(false),
            hooked: Cell::new(false),
            closed: Cell::new(false),
            finalized: Cell::new(false),
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
    /// A new generator object owning this one's suspended frames.
    fn revive(&self) -> Option<Rc<Generator>> {
        let frames = std::mem::take(&mut *self.frames.borrow_mut());
        if frames.is_empty() {
            return None;
        }
        let revived = Rc::new(Generator {
            kind: self.kind,
            code: self.code.clone(),
            renamed: self.renamed.clone(),
            state: Cell::new(GenState::Suspended),
            frames: RefCell::new(frames),
            awaited: Cell::new(true),
            hooked: Cell::new(false),
            closed: Cell::new(self.closed.get()),
            finalized: Cell::new(false),
        });
        if let Some(f) = revived.frames.borrow_mut().first_mut() {
            f.generator = Some(Rc::downgrade(&revived));
        }
        Some(revived)
    }
}

impl Generator {
    /// An async generator the loop closes (with `aclose()`) when it is freed.
    fn loop_finalizes(&self) -> bool {
        self.kind == GenKind::AsyncGenerator
            && self.state.get() == GenState::Suspended
            && self.hooked.get()
            && !self.closed.get()
    }

    /// A generator the VM closes when it is freed: suspended inside a try/with.
    fn closes_on_drop(&self) -> bool {
        self.state.get() == GenState::Suspended
            && self.kind != GenKind::Coroutine
            && !self.finalized.get()
            && self
                .frames
                .try_borrow()
                .is_ok_and(|f| f.iter().any(|f| !f.blocks.is_empty()))
    }

    /// Freeing it would run script code (a `finally`, a `with` exit, `aclose()`).
    pub fn has_finalizer(&self) -> bool {
        self.loop_finalizes() || self.closes_on_drop()
    }

    /// True if dropping this generator keeps its frames alive for clean-up code;
    /// otherwise its frames may be emptied first (the iterative teardown does).
    pub fn frames_outlive_drop(&self) -> bool {
        self.has_finalizer()
    }
}

/// Sends the dispatch loop to its safe point (where dropped generators are closed
/// and due collections run) at its next check.
pub fn request_safe_point() {
    let _ = CLOSE_PENDING.try_with(|p| p.set(true));
}

impl Generator {
    /// What freeing a suspended generator does (the cycle collector calls it for a
    /// garbage one): its frames move to a new generator object queued to be closed,
    /// so its `finally` blocks run. False when there is nothing to run.
    pub fn finalize_now(&self) -> bool {
        if self.loop_finalizes() {
            // Like CPython's asyncgen finalizer hook: the suspended frames move to a new
            // generator object that the loop closes (running its finally blocks).
            if let Some(revived) = self.revive() {
                let _ = TO_FINALIZE.try_with(|f| f.borrow_mut().push(revived));
            }
            return true;
        }
        if self.closes_on_drop() {
            // CPython closes a generator as it is freed: only one suspended inside a
            // try/with has anything to run.
            if let Some(revived) = self.revive() {
                revived.finalized.set(true);
                // try_with: a generator may be dropped while the thread's locals are
                // being destroyed, when there is nothing left to close it with.
                if TO_CLOSE.try_with(|f| f.borrow_mut().push(revived)).is_ok() {
                    let _ = CLOSE_PENDING.try_with(|p| p.set(true));
                }
            }
            return true;
        }
        false
    }
}

impl Drop for Generator {
    fn drop(&mut self) {
        if self.finalize_now() {
            return;
        }
        if self.kind == GenKind::Coroutine
            && self.state.get() == GenState::Created
            && !self.awaited.get()
        {
            let name = self.qualname();
            let mut text = format!("RuntimeWarning: coroutine '{name}' was never awaited");
            // Debug mode knows where it was made, as CPython's coroutine origin tracking does.
            if let Some(place) = crate::runtime::debug::take_creation(self as *const Self as usize)
            {
                text.push_str("\nCoroutine created at (most recent call last)\n");
                text.push_str(place.trim_end());
            }
            PENDING_WARNINGS.with(|w| w.borrow_mut().push(text));
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
    /// `athrow(x)` where `x` is no exception: this TypeError is raised when awaited,
    /// unless the generator has finished (then the awaitable returns None).
    ThrowInvalid(crate::value::Value),
    /// `aclose()`: throws GeneratorExit (or, for a finalizer task cancelled before its
    /// first step, the given exception); a clean exit returns None.
    Close(Option<crate::value::Value>),
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

impl crate::vm::Vm {
    /// Closes the generators dropped while suspended (their `finally` blocks and `with`
    /// exits run now); what goes wrong is reported as CPython's "Exception ignored in".
    pub fn close_dropped_generators(&mut self) {
        use crate::value::types;
        use crate::vm::ops::{self, GenOutcome};
        for g in take_to_close() {
            let exit = types::with_types(|t| t.generator_exit.clone());
            let outcome = ops::generator_send(
                self,
                &g,
                crate::vm::Resume::Throw(types::new_exception(&exit, vec![])),
            );
            let error = match outcome {
                Ok(GenOutcome::Returned(_)) => None,
                Ok(GenOutcome::Yielded(_)) => {
                    Some(types::runtime_error(if g.kind == GenKind::AsyncGenerator {
                        "async generator ignored GeneratorExit"
                    } else {
                        "generator ignored GeneratorExit"
                    }))
                }
                Err(e)
                    if types::exc_is(&e, |t| &t.generator_exit)
                        || types::exc_is(&e, |t| &t.stop_iteration)
                        || types::exc_is(&e, |t| &t.stop_async_iteration) =>
                {
                    None
                }
                Err(e) => Some(e),
            };
            if let Some(e) = error {
                // The unraisable hook prints the exception alone, without its chain.
                if let Some(d) = e.exc_data() {
                    d.borrow_mut().suppress_context = true;
                }
                let what = crate::vm::ops::repr(self, &crate::value::Value::Generator(g.clone()))
                    .unwrap_or_default();
                self.report_exception(&format!("Exception ignored in: {what}"), &e);
            }
        }
    }
}
