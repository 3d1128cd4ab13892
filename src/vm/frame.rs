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
    pub fn new(code: Rc<Code>, globals: Rc<Module>, cells: Vec<CellRef>) -> Box<Frame> {
        let nlocals = code.varnames.len();
        // Exact: the compiler computed the operand stack's maximum depth.
        let mut stack = Vec::with_capacity(nlocals + code.max_stack as usize);
        stack.resize(nlocals, Value::Undef);
        Box::new(Frame {
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
        })
    }

    /// Reuses a recycled frame for `code` (its stack keeps its capacity).
    pub fn reuse(mut self: Box<Frame>, code: Rc<Code>, globals: Rc<Module>) -> Box<Frame> {
        let nlocals = code.varnames.len();
        self.stack.clear();
        self.stack.reserve_exact(nlocals + code.max_stack as usize);
        self.stack.resize(nlocals, Value::Undef);
        self.nlocals = nlocals;
        self.code = code;
        self.globals = globals;
        self.ip = 0;
        self.entry = Entry::Call;
        self
    }

    /// Drops what the frame holds so it can go back to the pool.
    pub fn clear(&mut self) {
        self.stack.clear();
        self.cells.clear();
        self.namespace = None;
        self.blocks.clear();
        self.generator = None;
        self.handled = None;
        self.awaiting = false;
        self.function = None;
        self.entry = Entry::Call;
    }

    /// The source line of the instruction being executed.
    pub fn line(&self) -> u32 {
        self.code.line_at(self.ip.saturating_sub(1))
    }

    #[inline]
    pub fn push(&mut self, v: Value) {
        debug_assert!(
            self.stack.len() < self.nlocals + self.code.max_stack as usize,
            "operand stack of {} deeper than its computed maximum {} (at {})",
            self.code.qualname,
            self.code.max_stack,
            self.ip
        );
        self.stack.push(v);
    }

    #[inline]
    pub fn pop(&mut self) -> Value {
        self.stack.pop().unwrap_or(Value::None)
    }

    #[inline]
    pub fn top(&self) -> &Value {
        self.stack.last().unwrap_or(crate::value::NONE_REF)
    }

    /// The value `n` below the top (0 is the top).
    #[inline]
    pub fn peek(&self, n: usize) -> &Value {
        let len = self.stack.len();
        &self.stack[len - 1 - n]
    }

    /// Replaces the top two operands with `v` when both are numbers (ints or floats),
    /// which need no destructor: the fast arithmetic paths skip dropping them.
    #[inline]
    pub fn replace_top_two(&mut self, v: Value) {
        let len = self.stack.len();
        debug_assert!(self.stack[len - 2..]
            .iter()
            .all(|x| matches!(x, Value::Int(_) | Value::Float(_))));
        std::mem::forget(self.stack.pop());
        std::mem::forget(std::mem::replace(&mut self.stack[len - 2], v));
    }

    /// Operand stack height above the locals.
    pub fn level(&self) -> usize {
        self.stack.len() - self.nlocals
    }
}

impl Frame {
    /// The name of cell or free variable `i`.
    pub fn deref_name(&self, i: u32) -> crate::value::Symbol {
        let code = &self.code;
        code.cellvars
            .iter()
            .chain(code.freevars.iter())
            .nth(i as usize)
            .copied()
            .unwrap_or(crate::value::Symbol::new("?"))
    }

    /// The error for reading cell or free variable `i` before it is bound.
    pub fn deref_error(&self, i: u32) -> Value {
        use crate::value::types;
        let name = self.deref_name(i);
        if (i as usize) < self.code.cellvars.len() {
            types::unbound_local_error(format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ))
        } else {
            types::name_error(format!(
                "cannot access free variable '{name}' where it is not associated with a value in enclosing scope"
            ))
        }
    }

    /// `locals()` (or `globals()`) as seen from this frame: a function's variables
    /// (cells included) as a new dict, a class body's namespace, or the module's globals.
    pub fn namespace_dict(&self, locals: bool) -> Value {
        use crate::stdlib::builtins::attrmap_to_dict;
        if !locals || self.code.kind == crate::bytecode::CodeKind::Module {
            return self.globals.globals.as_dict();
        }
        if let Some(ns) = &self.namespace {
            return attrmap_to_dict(&ns.borrow());
        }
        let mut map = AttrMap::default();
        for (name, v) in self.code.varnames.iter().zip(&self.stack[..self.nlocals]) {
            if !matches!(v, Value::Undef) {
                map.insert(*name, v.clone());
            }
        }
        let cell_names = self.code.cellvars.iter().chain(&self.code.freevars);
        for (name, cell) in cell_names.zip(&self.cells) {
            let v = cell.borrow().clone();
            if !matches!(v, Value::Undef) {
                map.insert(*name, v);
            }
        }
        attrmap_to_dict(&map)
    }
}
