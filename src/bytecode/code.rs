//! Code objects: the compiled form of a module, function, class body or comprehension.

use super::op::Op;
use crate::value::{Symbol, Value};
use std::rc::Rc;

/// What kind of body a code object is (decides how calls and returns behave).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    Module,
    Function,
    Class,
    Lambda,
    Comprehension,
}

/// Flags of a function's code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeFlags {
    pub is_generator: bool,
    pub is_coroutine: bool,
    pub has_varargs: bool,
    pub has_varkw: bool,
}

/// One compiled body.
#[derive(Debug)]
pub struct Code {
    pub name: Rc<str>,
    pub qualname: Rc<str>,
    pub filename: Rc<str>,
    pub kind: CodeKind,
    pub flags: CodeFlags,
    pub ops: Vec<Op>,
    /// Source line of each op (parallel to `ops`).
    pub lines: Vec<u32>,
    /// Column (start, end) in characters of each op's expression, for tracebacks.
    pub first_line: u32,
    pub consts: Vec<Value>,
    /// Names used by global, attribute and import ops.
    pub names: Vec<Symbol>,
    /// Local variable slots: parameters first.
    pub varnames: Vec<Symbol>,
    /// Locals captured by inner functions (live in cells).
    pub cellvars: Vec<Symbol>,
    /// Variables captured from enclosing functions.
    pub freevars: Vec<Symbol>,
    /// For each cellvar that is also a parameter: (cell index, local slot) to copy at entry.
    pub cell_params: Vec<(u32, u32)>,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    /// One cache entry per name in `names`, for global lookups
    /// (see `Namespace::lookup_cached`).
    pub name_cache: Box<[std::cell::Cell<u64>]>,
    /// One cache entry per name in `names`, for instance attribute reads
    /// (see `vm::ops::attr_cache`).
    pub attr_cache: Box<[crate::vm::ops::attr_cache::AttrCache]>,
    /// The same for attribute writes (whose entries promise more: see `store`).
    pub store_cache: Box<[crate::vm::ops::attr_cache::AttrCache]>,
    /// And for method calls on instances (`LoadMethod`).
    pub method_cache: Box<[crate::vm::ops::attr_cache::MethodCache]>,
    /// The most values the operand stack holds while this code runs (`stack::max_depth`).
    pub max_stack: u32,
}

impl Code {
    /// The source line of the op at `ip`.
    pub fn line_at(&self, ip: usize) -> u32 {
        self.lines.get(ip).copied().unwrap_or(self.first_line)
    }

    /// Total number of parameters including *args and **kwargs.
    pub fn total_params(&self) -> usize {
        (self.argcount + self.kwonlyargcount) as usize
            + self.flags.has_varargs as usize
            + self.flags.has_varkw as usize
    }
}
