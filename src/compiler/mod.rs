//! The compiler: AST -> code objects. Scope analysis first (scope.rs), then one
//! pass per body emitting bytecode (stmt.rs for statements, expr.rs for expressions).

mod expr;
pub mod scope;
mod stmt;

use crate::ast::{self, Expr, ExprKind, Stmt};
use crate::bytecode::{Code, CodeFlags, CodeKind, Op};
use crate::diag::SyntaxError;
use crate::source::{SourceFile, Span};
use crate::value::intern::FxBuild;
use crate::value::object::Native;
use crate::value::{Symbol, Value};
use scope::{NameKind, Scope, ScopeKind, ScopeTable};

// Keyed by names from the program text: a fast hasher (see scope.rs).
type HashMap<K, V> = std::collections::HashMap<K, V, FxBuild>;
use std::rc::Rc;

/// How the module-level code treats expression statements.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A file: expression values are discarded.
    File,
    /// REPL input: expression statements print their repr.
    Interactive,
}

/// Compiles a parsed module into its top-level code object.
pub fn compile_module(
    module: &ast::Module,
    src: &SourceFile,
    mode: Mode,
) -> Result<Rc<Code>, SyntaxError> {
    let table = scope::analyze(module)?;
    let mut c = Compiler {
        src,
        table: &table,
        units: Vec::new(),
        mode,
        filename: Rc::from(src.name.as_str()),
    };
    c.push_unit(
        table.module(),
        CodeKind::Module,
        "<module>".into(),
        "<module>".into(),
        1,
    );
    c.stmts(&module.body)?;
    if mode == Mode::Interactive {
        // nothing extra: PrintExpr already emitted per statement
    }
    c.emit_const(Value::None);
    c.emit(Op::Return);
    Ok(c.pop_unit())
}

/// What an enclosing construct needs undone when `return`/`break`/`continue` leave it.
#[derive(Clone, Debug)]
enum FBlock {
    /// A while loop.
    While { start: usize },
    /// A for loop: the iterator is on the stack.
    For { start: usize },
    /// An async for loop: the async iterator is on the stack.
    AsyncFor { start: usize },
    /// Inside `try` with except handlers (one handler block active).
    TryExcept,
    /// Inside `try` of a try/finally: the finally body runs on the way out.
    FinallyTry(Rc<Vec<Stmt>>),
    /// Running a finally body after an exception: [prev, exc] and a cleanup block.
    FinallyEnd,
    /// Inside a with body: [exit] and a handler block.
    With { is_async: bool },
    /// Inside an except handler: [prev] and a cleanup block; maybe a bound name.
    Handler { name: Option<String> },
}

/// Loop bookkeeping for break/continue patching.
struct LoopInfo {
    fblock_depth: usize,
    breaks: Vec<usize>,
}

/// The code being built for one body.
struct Unit<'t> {
    scope: &'t Scope,
    kind: CodeKind,
    name: String,
    qualname: String,
    ops: Vec<Op>,
    lines: Vec<u32>,
    consts: Vec<Value>,
    names: Vec<Symbol>,
    name_index: HashMap<Symbol, u32>,
    varnames: Vec<Symbol>,
    local_index: HashMap<String, u32>,
    /// cellvars then freevars.
    deref_index: HashMap<String, u32>,
    cellvars: Vec<Symbol>,
    freevars: Vec<Symbol>,
    fblocks: Vec<FBlock>,
    loops: Vec<LoopInfo>,
    line: u32,
    first_line: u32,
    flags: CodeFlags,
    argcount: u32,
    posonlyargcount: u32,
    kwonlyargcount: u32,
}

struct Compiler<'a, 't> {
    src: &'a SourceFile,
    table: &'t ScopeTable,
    units: Vec<Unit<'t>>,
    mode: Mode,
    filename: Rc<str>,
}

type CResult<T = ()> = Result<T, SyntaxError>;

impl<'a, 't> Compiler<'a, 't> {
    fn push_unit(
        &mut self,
        scope: &'t Scope,
        kind: CodeKind,
        name: String,
        qualname: String,
        line: u32,
    ) {
        let mut u = Unit {
            scope,
            kind,
            name,
            qualname,
            ops: Vec::new(),
            lines: Vec::new(),
            consts: Vec::new(),
            names: Vec::new(),
            name_index: HashMap::default(),
            varnames: Vec::new(),
            local_index: HashMap::default(),
            deref_index: HashMap::default(),
            cellvars: Vec::new(),
            freevars: Vec::new(),
            fblocks: Vec::new(),
            loops: Vec::new(),
            line,
            first_line: line,
            flags: CodeFlags::default(),
            argcount: 0,
            posonlyargcount: 0,
            kwonlyargcount: 0,
        };
        if matches!(scope.kind, ScopeKind::Function | ScopeKind::Comprehension) {
            for (i, n) in scope.locals.iter().enumerate() {
                u.local_index.insert(n.clone(), i as u32);
                u.varnames.push(Symbol::new(n));
            }
            // Parameters that are cells still arrive in a slot.
            for p in &scope.params {
                if !u.local_index.contains_key(p) {
                    let i = u.varnames.len() as u32;
                    u.local_index.insert(p.clone(), i);
                    u.varnames.push(Symbol::new(p));
                }
            }
        }
        for n in &scope.cells {
            u.deref_index.insert(n.clone(), u.cellvars.len() as u32);
            u.cellvars.push(Symbol::new(n));
        }
        let ncells = u.cellvars.len() as u32;
        for (i, n) in scope.frees.iter().enumerate() {
            u.deref_index.entry(n.clone()).or_insert(ncells + i as u32);
            u.freevars.push(Symbol::new(n));
        }
        u.flags.is_generator = scope.is_generator;
        u.flags.is_coroutine = scope.is_async && kind != CodeKind::Comprehension;
        self.units.push(u);
    }

    fn pop_unit(&mut self) -> Rc<Code> {
        let u = self.units.pop().expect("unit stack");
        let mut cell_params = Vec::new();
        for (ci, n) in u.scope.cells.iter().enumerate() {
            if let Some(pos) = u.scope.params.iter().position(|p| p == n) {
                let slot = u
                    .local_index
                    .get(&u.scope.params[pos])
                    .copied()
                    .unwrap_or(0);
                cell_params.push((ci as u32, slot));
            }
        }
        let max_stack = crate::bytecode::stack::max_depth(&u.ops);
        Rc::new(Code {
            max_stack,
            name: Rc::from(u.name.as_str()),
            qualname: Rc::from(u.qualname.as_str()),
            filename: self.filename.clone(),
            kind: u.kind,
            flags: u.flags,
            ops: u.ops,
            lines: u.lines,
            first_line: u.first_line,
            consts: u.consts,
            name_cache: vec![
                std::cell::Cell::new(crate::value::namespace::EMPTY_NAME_CACHE);
                u.names.len()
            ]
            .into_boxed_slice(),
            attr_cache: vec![
                std::cell::Cell::new(crate::vm::ops::attr_cache::EMPTY);
                u.names.len()
            ]
            .into_boxed_slice(),
            store_cache: vec![
                std::cell::Cell::new(crate::vm::ops::attr_cache::EMPTY);
                u.names.len()
            ]
            .into_boxed_slice(),
            method_cache: (0..u.names.len()).map(|_| Default::default()).collect(),
            names: u.names,
            varnames: u.varnames,
            cellvars: u.cellvars,
            freevars: u.freevars,
            cell_params,
            argcount: u.argcount,
            posonlyargcount: u.posonlyargcount,
            kwonlyargcount: u.kwonlyargcount,
        })
    }

    fn unit(&mut self) -> &mut Unit<'t> {
        self.units.last_mut().expect("unit")
    }

    fn unit_ref(&self) -> &Unit<'t> {
        self.units.last().expect("unit")
    }

    fn emit(&mut self, op: Op) -> usize {
        let u = self.unit();
        u.ops.push(op);
        u.lines.push(u.line);
        u.ops.len() - 1
    }

    fn here(&self) -> usize {
        self.unit_ref().ops.len()
    }

    /// Points the jump at `at` to the current position.
    fn patch(&mut self, at: usize) {
        let target = self.here() as u32;
        self.patch_to(at, target);
    }

    fn patch_to(&mut self, at: usize, target: u32) {
        let op = &mut self.unit().ops[at];
        *op = match *op {
            Op::Jump(_) => Op::Jump(target),
            Op::PopJumpIfFalse(_) => Op::PopJumpIfFalse(target),
            Op::PopJumpIfTrue(_) => Op::PopJumpIfTrue(target),
            Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(target),
            Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(target),
            Op::ForIter(_) => Op::ForIter(target),
            Op::SetupExcept(_) => Op::SetupExcept(target),
            Op::SetupFinally(_) => Op::SetupFinally(target),
            Op::SetupCleanup(_) => Op::SetupCleanup(target),
            other => other,
        };
    }

    fn set_line(&mut self, span: Span) -> u32 {
        let line = self.src.line_of(span.start) as u32;
        let u = self.unit();
        let old = u.line;
        u.line = line;
        old
    }

    fn restore_line(&mut self, line: u32) {
        self.unit().line = line;
    }

    fn add_const(&mut self, v: Value) -> u32 {
        let u = self.unit();
        // Reuse identical simple constants.
        for (i, c) in u.consts.iter().enumerate() {
            let same = match (c, &v) {
                (Value::None, Value::None) => true,
                (Value::Bool(a), Value::Bool(b)) => a == b,
                (Value::Int(a), Value::Int(b)) => a == b,
                (Value::Str(a), Value::Str(b)) => a.text == b.text,
                _ => false,
            };
            if same {
                return i as u32;
            }
        }
        u.consts.push(v);
        (u.consts.len() - 1) as u32
    }

    fn emit_const(&mut self, v: Value) {
        let i = self.add_const(v);
        self.emit(Op::LoadConst(i));
    }

    fn name_idx(&mut self, name: &str) -> u32 {
        let sym = Symbol::new(name);
        let u = self.unit();
        if let Some(&i) = u.name_index.get(&sym) {
            return i;
        }
        let i = u.names.len() as u32;
        u.names.push(sym);
        u.name_index.insert(sym, i);
        i
    }

    fn error(&self, msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError::new(msg, span)
    }

    /// How `name` is reached from the current unit.
    fn name_kind(&self, name: &str) -> NameKind {
        let u = self.unit_ref();
        match u.scope.names.get(name) {
            Some(k) => *k,
            None => match u.scope.kind {
                ScopeKind::Module | ScopeKind::Class => NameKind::Name,
                _ => NameKind::GlobalImplicit,
            },
        }
    }

    fn load_name(&mut self, name: &str) {
        let kind = self.name_kind(name);
        let in_class = self.unit_ref().scope.kind == ScopeKind::Class;
        let module = self.unit_ref().scope.kind == ScopeKind::Module;
        match kind {
            NameKind::Local => {
                let i = self.unit_ref().local_index[name];
                self.emit(Op::LoadFast(i));
            }
            NameKind::Cell | NameKind::Free => {
                let i = self.unit_ref().deref_index[name];
                if in_class {
                    self.emit(Op::LoadClassDeref(i));
                } else {
                    self.emit(Op::LoadDeref(i));
                }
            }
            NameKind::GlobalExplicit | NameKind::GlobalImplicit => {
                let n = self.name_idx(name);
                self.emit(Op::LoadGlobal(n));
            }
            NameKind::Name => {
                let n = self.name_idx(name);
                if module {
                    self.emit(Op::LoadGlobal(n));
                } else {
                    self.emit(Op::LoadName(n));
                }
            }
        }
    }

    fn store_name(&mut self, name: &str) {
        let kind = self.name_kind(name);
        let module = self.unit_ref().scope.kind == ScopeKind::Module;
        match kind {
            NameKind::Local => {
                let i = self.unit_ref().local_index[name];
                self.emit(Op::StoreFast(i));
            }
            NameKind::Cell | NameKind::Free => {
                let i = self.unit_ref().deref_index[name];
                self.emit(Op::StoreDeref(i));
            }
            NameKind::GlobalExplicit | NameKind::GlobalImplicit => {
                let n = self.name_idx(name);
                self.emit(Op::StoreGlobal(n));
            }
            NameKind::Name => {
                let n = self.name_idx(name);
                self.emit(if module {
                    Op::StoreGlobal(n)
                } else {
                    Op::StoreName(n)
                });
            }
        }
    }

    fn delete_name(&mut self, name: &str) {
        let kind = self.name_kind(name);
        let module = self.unit_ref().scope.kind == ScopeKind::Module;
        match kind {
            NameKind::Local => {
                let i = self.unit_ref().local_index[name];
                self.emit(Op::DeleteFast(i));
            }
            NameKind::Cell | NameKind::Free => {
                let i = self.unit_ref().deref_index[name];
                self.emit(Op::DeleteDeref(i));
            }
            NameKind::GlobalExplicit | NameKind::GlobalImplicit => {
                let n = self.name_idx(name);
                self.emit(Op::DeleteGlobal(n));
            }
            NameKind::Name => {
                let n = self.name_idx(name);
                self.emit(if module {
                    Op::DeleteGlobal(n)
                } else {
                    Op::DeleteName(n)
                });
            }
        }
    }

    /// Builds a function object from `code` (defaults already pushed per `flags`).
    fn make_closure(&mut self, code: Rc<Code>, mut flags: u32) {
        if !code.freevars.is_empty() {
            for fv in code.freevars.clone() {
                let name = fv.text();
                let i = self.unit_ref().deref_index.get(&*name).copied();
                match i {
                    Some(i) => {
                        self.emit(Op::LoadClosure(i));
                    }
                    None => {
                        // Unreachable with a consistent scope table; keep the closure well formed.
                        self.emit_const(Value::None);
                    }
                }
            }
            self.emit(Op::BuildTuple(code.freevars.len() as u32));
            flags |= 4;
        }
        self.emit_const(Value::native(Native::Code(code)));
        self.emit(Op::MakeFunction(flags));
    }

    fn qualname_for(&self, name: &str) -> String {
        let u = self.unit_ref();
        match u.kind {
            CodeKind::Module => name.to_string(),
            CodeKind::Class => format!("{}.{}", u.qualname, name),
            _ => format!("{}.<locals>.{}", u.qualname, name),
        }
    }

    fn in_async_function(&self) -> bool {
        self.unit_ref().flags.is_coroutine
            || (self.unit_ref().kind == CodeKind::Comprehension && self.unit_ref().scope.is_async)
    }

    /// The expression of a statement, if it is a docstring.
    fn docstring(body: &[Stmt]) -> Option<&str> {
        match body.first().map(|s| &s.kind) {
            Some(ast::StmtKind::Expr(Expr {
                kind: ExprKind::Constant(ast::Constant::Str(s)),
                ..
            })) => Some(s),
            _ => None,
        }
    }
}
