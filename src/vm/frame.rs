//! Frames: one activation of a code object, plain data that can be suspended.

use crate::bytecode::Code;
use crate::value::object::{AttrMap, CellRef, Function, Module};
use crate::value::Value;
use std::cell::RefCell;
use std::rc::Rc;

/// An active exception handler: where to jump and how deep the operand stack was.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub handler: u32,
    /// Operand stack height (above the locals) to restore before jumping.
    pub level: u32,
}

/// How a frame was entered, which decides where its return value (or yield) goes.
#[derive(Clone)]
pub enum Entry {
    /// A plain call: the result is pushed on the frame below.
    Call,
    /// `__init__` run by a class call: the result must be None; the instance is pushed.
    Init(Value),
    /// The bottom of a run started by native code: `run` returns to it.
    Bottom,
    /// A generator resumed by `ForIter` in the frame below: a yield hands the value down,
    /// a return ends the loop.
    ForIter,
    /// A generator or coroutine delegated to by `YieldFrom` in the frame below: yields
    /// pass through to whoever resumed the delegating chain; the return value goes to it.
    Delegate,
    /// An async generator run by an awaited step (`YieldFrom` below on an
    /// `AsyncGenStep`): its `yield` hands the value down and suspends it, its return
    /// raises StopAsyncIteration below (None for `aclose`, `closing`).
    AsyncGen { closing: bool },
}

/// One activation record.
pub struct Frame {
    pub code: Rc<Code>,
    /// Index of the next instruction.
    pub ip: usize,
    /// Local slots (`nlocals` of them) followed by the operand stack.
    pub stack: Vec<Value>,
    pub nlocals: usize,
    /// Cell variables then free variables.
    pub cells: Vec<CellRef>,
    pub globals: Rc<Module>,
    /// The class namespace while running a class body.
    pub namespace: Option<Rc<RefCell<AttrMap>>>,
    pub blocks: Vec<Block>,
    pub entry: Entry,
    /// The generator or coroutine this frame belongs to, if any (weak: the generator
    /// owns its frames while suspended).
    pub generator: Option<std::rc::Weak<super::generator::Generator>>,
    /// The exception being handled in this frame (sys.exc_info()).
    pub handled: Option<Value>,
    /// Suspended in `YieldFrom` on a native awaitable or iterator: the resume value
    /// goes to that op rather than onto the stack as a result.
    pub awaiting: bool,
    pub function: Option<Rc<Function>>,
}

impl Frame {
    /// A fresh frame for `code` with `nlocals` empty slots.
    pub fn new(code: Rc<Code>, globals: Rc<Module>, cells: Vec<CellRef>) -> Frame {
        let nlocals = code.varnames.len();
        let mut stack = Vec::with_capacity(nlocals + 8);
        stack.resize(nlocals, Value::Undef);
        Frame {
            code,
            ip: 0,
            stack,
            nlocals,
            cells,
            globals,
            namespace: None,
            blocks: Vec::new(),
            entry: Entry::Call,
            generator: None,
            handled: None,
            awaiting: false,
            function: None,
        }
    }

    /// The source line of the instruction being executed.
    pub fn line(&self) -> u32 {
        self.code.line_at(self.ip.saturating_sub(1))
    }

    #[inline]
    pub fn push(&mut self, v: Value) {
        self.stack.push(v);
    }

    #[inline]
    pub fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or(Value::None)
    }

    #[inline]
    pub fn top(&self) -> &Value {
        self.stack.last().unwrap_or(&Value::None)
    }

    /// The value `n` below the top (0 is the top).
    #[inline]
    pub fn peek(&self, n: usize) -> &Value {
        let len = self.stack.len();
        &self.stack[len - 1 - n]
    }

    /// Operand stack height above the locals.
    pub fn level(&self) -> usize {
        self.stack.len() - self.nlocals
    }
}
