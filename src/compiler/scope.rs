//! Scope analysis: decides for every name in every scope whether it is a
//! local slot, a cell, a free variable, a global, or a class-namespace name.

use crate::ast::*;
use crate::diag::SyntaxError;
use crate::source::Span;
use crate::value::intern::FxBuild;

// The compiler's tables are keyed by names from the program text: a fast
// hasher (start-up compiles the asyncio module's source on every run).
type HashMap<K, V> = std::collections::HashMap<K, V, FxBuild>;
type HashSet<K> = std::collections::HashSet<K, FxBuild>;

/// Where a name lives, seen from one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A fast local slot.
    Local,
    /// A local captured by an inner function: lives in a cell.
    Cell,
    /// A variable of an enclosing function, reached through a cell.
    Free,
    /// Declared `global`, or unbound in every enclosing function.
    GlobalExplicit,
    GlobalImplicit,
    /// A name in a module or class namespace (looked up by name).
    Name,
}

/// The kind of a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Function,
    Class,
    Comprehension,
}

/// The analysis result for one scope.
#[derive(Debug)]
pub struct Scope {
    pub kind: ScopeKind,
    pub names: HashMap<String, NameKind>,
    /// Parameters in order (they take the first local slots).
    pub params: Vec<String>,
    /// Locals in first-binding order (parameters first).
    pub locals: Vec<String>,
    pub cells: Vec<String>,
    pub frees: Vec<String>,
    pub is_generator: bool,
    pub is_async: bool,
    /// Uses `await` or `async for/with` (an error outside async functions).
    pub has_await: bool,
    /// A class body whose methods use `super()` / `__class__`.
    pub needs_class_cell: bool,
    // Raw facts gathered by the first pass.
    bound: Vec<String>,
    used: HashSet<String>,
    globals: HashSet<String>,
    nonlocals: Vec<(String, Span)>,
    children: Vec<usize>,
}

/// All scopes of a module, keyed by the address of the AST node that opens them.
#[derive(Debug)]
pub struct ScopeTable {
    pub scopes: Vec<Scope>,
    pub by_node: HashMap<usize, usize>,
}

impl ScopeTable {
    /// The scope opened by an AST node (a FunctionDef, ClassDef, Lambda or comprehension Expr).
    pub fn scope_of<T>(&self, node: &T) -> &Scope {
        &self.scopes[self.by_node[&(node as *const T as usize)]]
    }

    pub fn module(&self) -> &Scope {
        &self.scopes[0]
    }
}

/// Analyzes a module.
pub fn analyze(module: &Module) -> Result<ScopeTable, SyntaxError> {
    let mut b = Builder {
        scopes: Vec::new(),
        by_node: HashMap::default(),
        stack: Vec::new(),
    };
    b.push(ScopeKind::Module, 0);
    for s in &module.body {
        b.stmt(s)?;
    }
    b.stack.pop();
    let mut table = ScopeTable {
        scopes: b.scopes,
        by_node: b.by_node,
    };
    resolve(&mut table, 0, &HashSet::default())?;
    Ok(table)
}

struct Builder {
    scopes: Vec<Scope>,
    by_node: HashMap<usize, usize>,
    stack: Vec<usize>,
}

impl Builder {
    fn push(&mut self, kind: ScopeKind, key: usize) -> usize {
        let id = self.scopes.len();
        let parent = self.stack.last().copied();
        self.scopes.push(Scope {
            kind,
            names: HashMap::default(),
            params: Vec::new(),
            locals: Vec::new(),
            cells: Vec::new(),
            frees: Vec::new(),
            is_generator: false,
            is_async: false,
            has_await: false,
            needs_class_cell: false,
            bound: Vec::new(),
            used: HashSet::default(),
            globals: HashSet::default(),
            nonlocals: Vec::new(),
            children: Vec::new(),
        });
        if let Some(p) = parent {
            self.scopes[p].children.push(id);
        }
        self.by_node.insert(key, id);
        self.stack.push(id);
        id
    }

    fn cur(&mut self) -> &mut Scope {
        let id = *self.stack.last().expect("scope stack");
        &mut self.scopes[id]
    }

    fn bind(&mut self, name: &str) {
        let s = self.cur();
        if !s.bound.iter().any(|b| b == name) {
            s.bound.push(name.to_string());
        }
    }

    fn use_name(&mut self, name: &str) {
        self.cur().used.insert(name.to_string());
    }

    fn stmts(&mut self, body: &[Stmt]) -> Result<(), SyntaxError> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> Result<(), SyntaxError> {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e)?,
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for t in targets {
                    self.target(t)?;
                }
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.expr(value)?;
                if let ExprKind::Name(n) = &target.kind {
                    self.use_name(n);
                }
                self.target(target)?;
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                ..
            } => {
                if self.cur().kind != ScopeKind::Function {
                    self.expr(annotation)?;
                }
                if let Some(v) = value {
                    self.expr(v)?;
                    self.target(target)?;
                } else if let ExprKind::Name(n) = &target.kind {
                    // A bare annotation still makes the name local in a function.
                    self.bind(n);
                } else {
                    self.target(target)?;
                }
            }
            StmtKind::Delete(ts) => {
                for t in ts {
                    self.target(t)?;
                }
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Return(v) => {
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.expr(e)?;
                }
                if let Some(c) = cause {
                    self.expr(c)?;
                }
            }
            StmtKind::Global(names) => {
                for n in names {
                    if self.cur().bound.iter().any(|b| b == n) || self.cur().used.contains(n) {
                        let msg = if self.cur().bound.iter().any(|b| b == n) {
                            format!("name '{n}' is assigned to before global declaration")
                        } else {
                            format!("name '{n}' is used prior to global declaration")
                        };
                        return Err(SyntaxError::new(msg, s.span));
                    }
                    self.cur().globals.insert(n.clone());
                }
            }
            StmtKind::Nonlocal(names) => {
                if self.cur().kind == ScopeKind::Module {
                    return Err(SyntaxError::new(
                        "nonlocal declaration not allowed at module level",
                        s.span,
                    ));
                }
                for n in names {
                    if self.cur().bound.iter().any(|b| b == n) {
                        return Err(SyntaxError::new(
                            format!("name '{n}' is assigned to before nonlocal declaration"),
                            s.span,
                        ));
                    }
                    self.cur().nonlocals.push((n.clone(), s.span));
                }
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                if let Some(m) = msg {
                    self.expr(m)?;
                }
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let name = a
                        .asname
                        .clone()
                        .unwrap_or_else(|| a.name.split('.').next().unwrap_or("").to_string());
                    self.bind(&name);
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    if a.name == "*" {
                        if self.cur().kind != ScopeKind::Module {
                            return Err(SyntaxError::new(
                                "import * only allowed at module level",
                                s.span,
                            ));
                        }
                        continue;
                    }
                    let name = a.asname.clone().unwrap_or_else(|| a.name.clone());
                    self.bind(&name);
                }
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test)?;
                self.stmts(body)?;
                self.stmts(orelse)?;
            }
            StmtKind::For {
                is_async,
                target,
                iter,
                body,
                orelse,
            } => {
                if *is_async {
                    self.cur().has_await = true;
                }
                self.expr(iter)?;
                self.target(target)?;
                self.stmts(body)?;
                self.stmts(orelse)?;
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            } => {
                self.stmts(body)?;
                for h in handlers {
                    if let Some(t) = &h.typ {
                        self.expr(t)?;
                    }
                    if let Some(n) = &h.name {
                        self.bind(n);
                    }
                    self.stmts(&h.body)?;
                }
                self.stmts(orelse)?;
                self.stmts(finalbody)?;
            }
            StmtKind::With {
                is_async,
                items,
                body,
            } => {
                if *is_async {
                    self.cur().has_await = true;
                }
                for item in items {
                    self.expr(&item.context_expr)?;
                    if let Some(v) = &item.optional_vars {
                        self.target(v)?;
                    }
                }
                self.stmts(body)?;
            }
            StmtKind::FunctionDef(f) => {
                for d in &f.decorators {
                    self.expr(d)?;
                }
                self.arguments_outer(&f.args)?;
                if let Some(r) = &f.returns {
                    if self.cur().kind != ScopeKind::Function {
                        self.expr(r)?;
                    }
                }
                self.bind(&f.name);
                self.push(ScopeKind::Function, &**f as *const FunctionDef as usize);
                self.cur().is_async = f.is_async;
                self.params(&f.args);
                self.stmts(&f.body)?;
                self.stack.pop();
            }
            StmtKind::ClassDef(c) => {
                for d in &c.decorators {
                    self.expr(d)?;
                }
                for b in &c.bases {
                    self.expr(b)?;
                }
                for k in &c.keywords {
                    self.expr(&k.value)?;
                }
                self.bind(&c.name);
                self.push(ScopeKind::Class, &**c as *const ClassDef as usize);
                self.stmts(&c.body)?;
                self.stack.pop();
            }
        }
        Ok(())
    }

    /// Defaults and annotations are evaluated in the enclosing scope.
    fn arguments_outer(&mut self, a: &Arguments) -> Result<(), SyntaxError> {
        for d in &a.defaults {
            self.expr(d)?;
        }
        for d in a.kw_defaults.iter().flatten() {
            self.expr(d)?;
        }
        Ok(())
    }

    fn params(&mut self, a: &Arguments) {
        let mut names = Vec::new();
        names.extend(a.posonlyargs.iter().map(|p| p.name.clone()));
        names.extend(a.args.iter().map(|p| p.name.clone()));
        names.extend(a.kwonlyargs.iter().map(|p| p.name.clone()));
        if let Some(v) = &a.vararg {
            names.push(v.name.clone());
        }
        if let Some(k) = &a.kwarg {
            names.push(k.name.clone());
        }
        for n in &names {
            self.bind(n);
        }
        self.cur().params = names;
    }

    fn target(&mut self, t: &Expr) -> Result<(), SyntaxError> {
        match &t.kind {
            ExprKind::Name(n) => self.bind(n),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.target(i)?;
                }
            }
            ExprKind::Starred(inner) => self.target(inner)?,
            _ => self.expr(t)?,
        }
        Ok(())
    }

    fn exprs(&mut self, es: &[Expr]) -> Result<(), SyntaxError> {
        for e in es {
            self.expr(e)?;
        }
        Ok(())
    }

    fn expr(&mut self, e: &Expr) -> Result<(), SyntaxError> {
        match &e.kind {
            ExprKind::BoolOp { values, .. } => self.exprs(values)?,
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                // The walrus binds in the nearest enclosing non-comprehension scope.
                let mut idx = self.stack.len() - 1;
                while self.scopes[self.stack[idx]].kind == ScopeKind::Comprehension && idx > 0 {
                    idx -= 1;
                }
                let target_scope = self.stack[idx];
                if self.scopes[target_scope].kind == ScopeKind::Class {
                    return Err(SyntaxError::new(
                        "assignment expression within a comprehension cannot be used in a class body",
                        e.span,
                    ));
                }
                let s = &mut self.scopes[target_scope];
                if !s.bound.iter().any(|b| b == target) {
                    s.bound.push(target.clone());
                }
                // Inside a comprehension, the name is free there (resolved to the outer binding).
                self.use_name(target);
            }
            ExprKind::BinOp { left, right, .. } => {
                self.expr(left)?;
                self.expr(right)?;
            }
            ExprKind::UnaryOp { operand, .. } => self.expr(operand)?,
            ExprKind::Lambda { args, body } => {
                self.arguments_outer(args)?;
                self.push(ScopeKind::Function, e as *const Expr as usize);
                self.params(args);
                self.expr(body)?;
                self.stack.pop();
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                self.expr(body)?;
                self.expr(orelse)?;
            }
            ExprKind::Dict { keys, values } => {
                for k in keys.iter().flatten() {
                    self.expr(k)?;
                }
                self.exprs(values)?;
            }
            ExprKind::Set(items) | ExprKind::List(items) | ExprKind::Tuple(items) => {
                self.exprs(items)?
            }
            ExprKind::ListComp { elt, generators }
            | ExprKind::SetComp { elt, generators }
            | ExprKind::GeneratorExp { elt, generators } => {
                let is_gen = matches!(e.kind, ExprKind::GeneratorExp { .. });
                self.comprehension(e, generators, is_gen, |b| b.expr(elt))?;
            }
            ExprKind::DictComp {
                key,
                value,
                generators,
            } => {
                self.comprehension(e, generators, false, |b| {
                    b.expr(key)?;
                    b.expr(value)
                })?;
            }
            ExprKind::Await(v) => {
                self.cur().has_await = true;
                self.expr(v)?;
            }
            ExprKind::Yield(v) => {
                self.cur().is_generator = true;
                if let Some(v) = v {
                    self.expr(v)?;
                }
            }
            ExprKind::YieldFrom(v) => {
                self.cur().is_generator = true;
                self.expr(v)?;
            }
            ExprKind::Compare {
                left, comparators, ..
            } => {
                self.expr(left)?;
                self.exprs(comparators)?;
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => {
                self.expr(func)?;
                if let ExprKind::Name(n) = &func.kind {
                    if n == "super" && args.is_empty() {
                        self.use_name("__class__");
                        // super() also needs the first argument, which is local anyway.
                    }
                }
                self.exprs(args)?;
                for k in keywords {
                    self.expr(&k.value)?;
                }
            }
            ExprKind::FormattedValue {
                value, format_spec, ..
            } => {
                self.expr(value)?;
                if let Some(s) = format_spec {
                    self.expr(s)?;
                }
            }
            ExprKind::JoinedStr(parts) => self.exprs(parts)?,
            ExprKind::Constant(_) => {}
            ExprKind::Attribute { value, .. } => self.expr(value)?,
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
            }
            ExprKind::Starred(v) => self.expr(v)?,
            ExprKind::Name(n) => self.use_name(n),
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper, step].into_iter().flatten() {
                    self.expr(part)?;
                }
            }
        }
        Ok(())
    }

    fn comprehension(
        &mut self,
        e: &Expr,
        generators: &[Comprehension],
        is_gen: bool,
        elt: impl FnOnce(&mut Builder) -> Result<(), SyntaxError>,
    ) -> Result<(), SyntaxError> {
        // The first iterable is evaluated in the enclosing scope.
        if let Some(first) = generators.first() {
            self.expr(&first.iter)?;
        }
        let outer_async = self.cur().is_async;
        self.push(ScopeKind::Comprehension, e as *const Expr as usize);
        self.cur().is_generator = is_gen;
        self.cur().is_async = outer_async;
        self.cur().params = vec![".0".to_string()];
        self.bind(".0");
        for (i, g) in generators.iter().enumerate() {
            if i > 0 {
                self.expr(&g.iter)?;
            }
            if g.is_async {
                self.cur().has_await = true;
            }
            self.target(&g.target)?;
            self.exprs(&g.ifs)?;
        }
        elt(self)?;
        self.stack.pop();
        Ok(())
    }
}

/// Second pass: decides each name's kind, top-down, given the names bound in
/// enclosing function scopes (`enclosing`).
fn resolve(
    table: &mut ScopeTable,
    id: usize,
    enclosing: &HashSet<String>,
) -> Result<(), SyntaxError> {
    let kind = table.scopes[id].kind;
    // Names visible to child functions from here.
    let mut visible = enclosing.clone();
    {
        let s = &mut table.scopes[id];
        for (n, span) in s.nonlocals.clone() {
            if !enclosing.contains(&n) {
                return Err(SyntaxError::new(
                    format!("no binding for nonlocal '{n}' found"),
                    span,
                ));
            }
            s.names.insert(n, NameKind::Free);
        }
        for n in s.globals.clone() {
            s.names.insert(n, NameKind::GlobalExplicit);
        }
        match kind {
            ScopeKind::Module => {
                for n in s.bound.clone().into_iter().chain(s.used.clone()) {
                    s.names.entry(n).or_insert(NameKind::Name);
                }
            }
            ScopeKind::Class => {
                for n in s.bound.clone() {
                    s.names.entry(n).or_insert(NameKind::Name);
                }
                for n in s.used.clone() {
                    if s.names.contains_key(&n) {
                        continue;
                    }
                    let k = if enclosing.contains(&n) {
                        NameKind::Free
                    } else {
                        NameKind::Name
                    };
                    s.names.insert(n, k);
                }
            }
            ScopeKind::Function | ScopeKind::Comprehension => {
                for n in s.bound.clone() {
                    s.names.entry(n).or_insert(NameKind::Local);
                }
                for n in s.used.clone() {
                    if s.names.contains_key(&n) {
                        continue;
                    }
                    let k = if enclosing.contains(&n) {
                        NameKind::Free
                    } else {
                        NameKind::GlobalImplicit
                    };
                    s.names.insert(n, k);
                }
                for (n, k) in &s.names {
                    if matches!(k, NameKind::Local | NameKind::Free) {
                        visible.insert(n.clone());
                    }
                }
            }
        }
        if kind == ScopeKind::Class {
            // Methods see `__class__` through the class scope's implicit cell.
            visible.insert("__class__".to_string());
        }
    }
    let children = table.scopes[id].children.clone();
    for child in &children {
        resolve(table, *child, &visible)?;
    }
    // Children's free variables make our locals cells (or pass through as free).
    let mut needed: HashSet<String> = HashSet::default();
    for child in &children {
        for (n, k) in &table.scopes[*child].names {
            if *k == NameKind::Free {
                needed.insert(n.clone());
            }
        }
    }
    let s = &mut table.scopes[id];
    for n in needed {
        if kind == ScopeKind::Class && n == "__class__" {
            s.needs_class_cell = true;
            continue;
        }
        match s.names.get(&n).copied() {
            Some(NameKind::Local) => {
                s.names.insert(n, NameKind::Cell);
            }
            Some(NameKind::Free) | Some(NameKind::Cell) => {}
            Some(NameKind::Name) if kind == ScopeKind::Class => {
                // A method's free variable that the class body also binds: the class body keeps
                // its own binding and the method reaches past it.
                if enclosing.contains(&n) {
                    s.frees.push(n.clone());
                }
            }
            _ => {
                if enclosing.contains(&n) && kind != ScopeKind::Module {
                    s.names.insert(n, NameKind::Free);
                }
            }
        }
    }
    // Slot order: parameters first, then other locals in binding order.
    let mut locals: Vec<String> = s.params.clone();
    for n in &s.bound {
        if !locals.contains(n) && s.names.get(n) == Some(&NameKind::Local) {
            locals.push(n.clone());
        }
    }
    s.locals = locals;
    let mut cells: Vec<String> = s
        .bound
        .iter()
        .chain(s.params.iter())
        .filter(|n| s.names.get(*n) == Some(&NameKind::Cell))
        .cloned()
        .collect();
    cells.sort();
    cells.dedup();
    if s.needs_class_cell {
        cells.push("__class__".to_string());
    }
    s.cells = cells;
    let mut frees: Vec<String> = s
        .names
        .iter()
        .filter(|(_, k)| **k == NameKind::Free)
        .map(|(n, _)| n.clone())
        .collect();
    frees.append(&mut s.frees);
    frees.sort();
    frees.dedup();
    s.frees = frees;
    Ok(())
}
