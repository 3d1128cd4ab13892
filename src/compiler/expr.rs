//! Expressions, assignment targets, calls, comprehensions and lambdas.

use super::scope::ScopeKind;
use super::{CResult, Compiler};
use crate::ast::*;
use crate::bytecode::{CodeKind, Op};
use crate::value::Value;

impl<'a, 't> Compiler<'a, 't> {
    pub(super) fn expr(&mut self, e: &Expr) -> CResult {
        let old = self.set_line(e.span);
        self.expr_inner(e)?;
        self.restore_line(old);
        Ok(())
    }

    fn expr_inner(&mut self, e: &Expr) -> CResult {
        match &e.kind {
            ExprKind::BoolOp { op, values } => {
                let mut jumps = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    self.expr(v)?;
                    if i + 1 < values.len() {
                        jumps.push(self.emit(match op {
                            BoolOp::And => Op::JumpIfFalseOrPop(0),
                            BoolOp::Or => Op::JumpIfTrueOrPop(0),
                        }));
                    }
                }
                for j in jumps {
                    self.patch(j);
                }
            }
            ExprKind::NamedExpr { target, value } => {
                self.expr(value)?;
                self.emit(Op::Dup);
                self.store_name(target);
            }
            ExprKind::BinOp { left, op, right } => {
                self.expr(left)?;
                self.expr(right)?;
                self.emit(Op::Binary(*op));
            }
            ExprKind::UnaryOp { op, operand } => {
                self.expr(operand)?;
                self.emit(match op {
                    UnaryOp::Invert => Op::Invert,
                    UnaryOp::Not => Op::Not,
                    UnaryOp::UAdd => Op::Pos,
                    UnaryOp::USub => Op::Neg,
                });
            }
            ExprKind::Lambda { args, body } => {
                let scope = self.table.scope_of(e);
                let qualname = self.qualname_for("<lambda>");
                let flags = self.push_defaults(args)?;
                let line = self.src.line_of(e.span.start) as u32;
                self.push_unit(scope, CodeKind::Lambda, "<lambda>".into(), qualname, line);
                self.set_params(args);
                self.add_const(Value::None);
                self.expr(body)?;
                if scope.is_generator {
                    self.emit(Op::Pop);
                    self.emit_const(Value::None);
                }
                self.emit(Op::Return);
                let code = self.pop_unit();
                self.make_closure(code, flags);
            }
            ExprKind::IfExp { test, body, orelse } => {
                let else_jump = self.jump_if(test, false)?;
                self.expr(body)?;
                let end = self.emit(Op::Jump(0));
                self.patch(else_jump);
                self.expr(orelse)?;
                self.patch(end);
            }
            ExprKind::Dict { keys, values } => {
                // Runs of plain pairs are built at once; `**m` entries are merged in order.
                let mut pending = 0u32;
                let mut built = false;
                for (k, v) in keys.iter().zip(values) {
                    match k {
                        Some(k) => {
                            self.expr(k)?;
                            self.expr(v)?;
                            pending += 1;
                        }
                        None => {
                            if !built || pending > 0 {
                                self.emit(Op::BuildMap(pending));
                                if built {
                                    self.emit(Op::DictUpdate(1));
                                }
                                built = true;
                                pending = 0;
                            }
                            self.expr(v)?;
                            self.emit(Op::DictUpdate(1));
                        }
                    }
                }
                if !built || pending > 0 {
                    self.emit(Op::BuildMap(pending));
                    if built {
                        self.emit(Op::DictUpdate(1));
                    }
                }
            }
            ExprKind::Set(items) => self.sequence(items, SeqKind::Set)?,
            ExprKind::List(items) => self.sequence(items, SeqKind::List)?,
            ExprKind::Tuple(items) => self.sequence(items, SeqKind::Tuple)?,
            ExprKind::ListComp { generators, .. }
            | ExprKind::SetComp { generators, .. }
            | ExprKind::DictComp { generators, .. }
            | ExprKind::GeneratorExp { generators, .. } => self.comprehension(e, generators)?,
            ExprKind::Await(v) => {
                if !self.in_async_function() {
                    let in_comp = self.unit_ref().kind == CodeKind::Comprehension;
                    let msg = if in_comp {
                        "asynchronous comprehension outside of an asynchronous function"
                    } else {
                        "'await' outside async function"
                    };
                    if self.unit_ref().kind != CodeKind::Module
                        || self.mode != super::Mode::Interactive
                    {
                        return Err(self.error(msg, e.span));
                    }
                }
                self.expr(v)?;
                self.emit(Op::GetAwaitable(0));
                self.emit(Op::YieldFrom);
            }
            ExprKind::Yield(v) => {
                self.check_yield(e)?;
                match v {
                    Some(v) => self.expr(v)?,
                    None => self.emit_const(Value::None),
                }
                if self.unit_ref().flags.is_coroutine {
                    self.emit(Op::AsyncGenWrap);
                }
                self.emit(Op::Yield);
            }
            ExprKind::YieldFrom(v) => {
                self.check_yield(e)?;
                if self.unit_ref().flags.is_coroutine {
                    return Err(self.error("'yield from' inside async function", e.span));
                }
                self.expr(v)?;
                self.emit(Op::GetYieldFromIter);
                self.emit(Op::YieldFrom);
            }
            ExprKind::Compare {
                left,
                ops,
                comparators,
            } => {
                self.expr(left)?;
                if ops.len() == 1 {
                    self.expr(&comparators[0])?;
                    self.emit(Op::Compare(ops[0]));
                } else {
                    // a < b < c: each middle operand is evaluated once.
                    let mut cleanups = Vec::new();
                    for (i, (op, c)) in ops.iter().zip(comparators).enumerate() {
                        self.expr(c)?;
                        if i + 1 < ops.len() {
                            self.emit(Op::Dup);
                            self.emit(Op::Rot3);
                            self.emit(Op::Compare(*op));
                            cleanups.push(self.emit(Op::JumpIfFalseOrPop(0)));
                        } else {
                            self.emit(Op::Compare(*op));
                        }
                    }
                    let end = self.emit(Op::Jump(0));
                    for c in cleanups {
                        self.patch(c);
                    }
                    self.emit(Op::Rot2);
                    self.emit(Op::Pop);
                    self.patch(end);
                }
            }
            ExprKind::Call {
                func,
                args,
                keywords,
            } => self.call(func, args, keywords)?,
            ExprKind::FormattedValue { .. } | ExprKind::JoinedStr(_) => self.fstring(e)?,
            ExprKind::Constant(c) => {
                let v = constant_value(c);
                self.emit_const(v);
            }
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.name_idx(attr);
                self.emit(Op::LoadAttr(a));
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Op::Subscript);
            }
            ExprKind::Starred(_) => {
                return Err(self.error("can't use starred expression here", e.span));
            }
            ExprKind::Name(n) => self.load_name(n),
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper] {
                    match part {
                        Some(p) => self.expr(p)?,
                        None => self.emit_const(Value::None),
                    }
                }
                match step {
                    Some(s) => {
                        self.expr(s)?;
                        self.emit(Op::BuildSlice(3));
                    }
                    None => {
                        self.emit(Op::BuildSlice(2));
                    }
                }
            }
        }
        Ok(())
    }

    fn check_yield(&mut self, e: &Expr) -> CResult {
        match self.unit_ref().kind {
            CodeKind::Module | CodeKind::Class => {
                Err(self.error("'yield' outside function", e.span))
            }
            CodeKind::Comprehension if !self.unit_ref().scope.is_generator => {
                Err(self.error("'yield' inside list comprehension", e.span))
            }
            _ => Ok(()),
        }
    }

    /// Compiles `test` and a jump taken when its truth equals `when`; returns the jump to patch.
    pub(super) fn jump_if(&mut self, test: &Expr, when: bool) -> CResult<usize> {
        if let ExprKind::UnaryOp {
            op: UnaryOp::Not,
            operand,
        } = &test.kind
        {
            return self.jump_if(operand, !when);
        }
        self.expr(test)?;
        Ok(self.emit(if when {
            Op::PopJumpIfTrue(0)
        } else {
            Op::PopJumpIfFalse(0)
        }))
    }

    fn sequence(&mut self, items: &[Expr], kind: SeqKind) -> CResult {
        let has_star = items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_)));
        if kind == SeqKind::Set
            && !has_star
            && items.len() > 2
            && items.iter().all(is_folded_constant)
        {
            // CPython folds these into a constant frozenset (rebuilt once more when the
            // compiler merges constants) and merges it into a new set: that decides the
            // table layout, so the iteration order. The flag asks the VM to do the same.
            for i in items {
                self.expr(i)?;
            }
            self.emit(Op::BuildSet(
                items.len() as u32 | crate::bytecode::op::FOLDED_SET,
            ));
            return Ok(());
        }
        if !has_star {
            for i in items {
                self.expr(i)?;
            }
            let n = items.len() as u32;
            self.emit(match kind {
                SeqKind::List => Op::BuildList(n),
                SeqKind::Tuple => Op::BuildTuple(n),
                SeqKind::Set => Op::BuildSet(n),
            });
            return Ok(());
        }
        // With *unpacking: build a list (or set) incrementally.
        let set = kind == SeqKind::Set;
        self.emit(if set {
            Op::BuildSet(0)
        } else {
            Op::BuildList(0)
        });
        for i in items {
            match &i.kind {
                ExprKind::Starred(inner) => {
                    self.expr(inner)?;
                    self.emit(if set {
                        Op::SetUpdate(1)
                    } else {
                        Op::ListExtend(1)
                    });
                }
                _ => {
                    self.expr(i)?;
                    self.emit(if set {
                        Op::SetAdd(1)
                    } else {
                        Op::ListAppend(1)
                    });
                }
            }
        }
        if kind == SeqKind::Tuple {
            self.emit(Op::ListToTuple);
        }
        Ok(())
    }

    fn call(&mut self, func: &Expr, args: &[Expr], keywords: &[Keyword]) -> CResult {
        let simple_args = !args.iter().any(|a| matches!(a.kind, ExprKind::Starred(_)))
            && !keywords.iter().any(|k| k.arg.is_none());
        // Zero-argument super() becomes super(__class__, first_arg).
        if let ExprKind::Name(n) = &func.kind {
            if (n == "locals" || n == "globals") && args.is_empty() && keywords.is_empty() {
                self.expr(func)?;
                self.emit(Op::CallNamespace);
                return Ok(());
            }
            if n == "super"
                && args.is_empty()
                && keywords.is_empty()
                && self.can_use_zero_arg_super()
            {
                self.load_name("super");
                self.load_name("__class__");
                let first = self.unit_ref().scope.params.first().cloned();
                match first {
                    Some(p) => self.load_name(&p),
                    None => self.emit_const(Value::None),
                }
                self.emit(Op::Call(2));
                return Ok(());
            }
        }
        if simple_args {
            if let ExprKind::Attribute { value, attr } = &func.kind {
                if keywords.is_empty() {
                    self.expr(value)?;
                    let a = self.name_idx(attr);
                    self.emit(Op::LoadMethod(a));
                    for arg in args {
                        self.expr(arg)?;
                    }
                    self.emit(Op::CallMethod(args.len() as u32));
                    return Ok(());
                }
            }
            self.expr(func)?;
            for arg in args {
                self.expr(arg)?;
            }
            if keywords.is_empty() {
                self.emit(Op::Call(args.len() as u32));
            } else {
                let mut names = Vec::new();
                for k in keywords {
                    self.expr(&k.value)?;
                    names.push(Value::str(k.arg.clone().unwrap_or_default()));
                }
                self.emit_const(Value::tuple(names));
                self.emit(Op::CallKw((args.len() + keywords.len()) as u32));
            }
            return Ok(());
        }
        // General form: f(*args_tuple, **kwargs_dict).
        self.expr(func)?;
        self.emit(Op::BuildList(0));
        for arg in args {
            match &arg.kind {
                ExprKind::Starred(inner) => {
                    self.expr(inner)?;
                    self.emit(Op::ListExtend(1));
                }
                _ => {
                    self.expr(arg)?;
                    self.emit(Op::ListAppend(1));
                }
            }
        }
        self.emit(Op::ListToTuple);
        if keywords.is_empty() {
            self.emit_const(Value::None);
        } else {
            self.emit(Op::BuildMap(0));
            for k in keywords {
                match &k.arg {
                    Some(name) => {
                        self.emit_const(Value::str(name.clone()));
                        self.expr(&k.value)?;
                        self.emit(Op::BuildMap(1));
                        self.emit(Op::DictMerge(1));
                    }
                    None => {
                        self.expr(&k.value)?;
                        self.emit(Op::DictMerge(1));
                    }
                }
            }
        }
        self.emit(Op::CallEx);
        Ok(())
    }

    fn can_use_zero_arg_super(&self) -> bool {
        let u = self.unit_ref();
        u.scope.kind == ScopeKind::Function && u.deref_index.contains_key("__class__")
    }

    fn fstring(&mut self, e: &Expr) -> CResult {
        match &e.kind {
            ExprKind::JoinedStr(parts) => {
                for p in parts {
                    self.fstring(p)?;
                }
                if parts.len() != 1 {
                    self.emit(Op::BuildString(parts.len() as u32));
                } else if !matches!(parts[0].kind, ExprKind::FormattedValue { .. }) {
                    // A lone literal part is already a str.
                }
            }
            ExprKind::FormattedValue {
                value,
                conversion,
                format_spec,
            } => {
                self.expr(value)?;
                let conv = match conversion {
                    Some('s') => 1,
                    Some('r') => 2,
                    Some('a') => 3,
                    _ => 0,
                };
                let mut flags = conv;
                if let Some(spec) = format_spec {
                    self.fstring(spec)?;
                    flags |= 4;
                }
                self.emit(Op::FormatValue(flags));
            }
            _ => self.expr(e)?,
        }
        Ok(())
    }

    fn comprehension(&mut self, e: &Expr, generators: &[Comprehension]) -> CResult {
        let scope = self.table.scope_of(e);
        let name = match &e.kind {
            ExprKind::ListComp { .. } => "<listcomp>",
            ExprKind::SetComp { .. } => "<setcomp>",
            ExprKind::DictComp { .. } => "<dictcomp>",
            _ => "<genexpr>",
        };
        let is_genexp = matches!(e.kind, ExprKind::GeneratorExp { .. });
        let qualname = self.qualname_for(name);
        let line = self.src.line_of(e.span.start) as u32;
        let outer_async = self.in_async_function();
        let is_async = generators.iter().any(|g| g.is_async) || scope.has_await;
        if is_async && !outer_async && !is_genexp {
            let in_repl_top =
                self.mode == super::Mode::Interactive && self.unit_ref().kind == CodeKind::Module;
            if !in_repl_top {
                return Err(self.error(
                    "asynchronous comprehension outside of an asynchronous function",
                    e.span,
                ));
            }
        }
        self.push_unit(scope, CodeKind::Comprehension, name.into(), qualname, line);
        self.unit().argcount = 1;
        self.unit().flags.is_coroutine = is_async;
        self.unit().flags.is_generator = is_genexp;
        match &e.kind {
            ExprKind::ListComp { .. } => {
                self.emit(Op::BuildList(0));
            }
            ExprKind::SetComp { .. } => {
                self.emit(Op::BuildSet(0));
            }
            ExprKind::DictComp { .. } => {
                self.emit(Op::BuildMap(0));
            }
            _ => {}
        }
        self.comp_generator(e, generators, 0, if is_genexp { 0 } else { 1 })?;
        if is_genexp {
            self.emit_const(Value::None);
        }
        self.emit(Op::Return);
        let code = self.pop_unit();
        self.make_closure(code, 0);
        let first = &generators[0];
        self.expr(&first.iter)?;
        self.emit(if first.is_async {
            Op::GetAIter
        } else {
            Op::GetIter
        });
        self.emit(Op::Call(1));
        if is_async && !is_genexp {
            self.emit(Op::GetAwaitable(0));
            self.emit(Op::YieldFrom);
        }
        Ok(())
    }

    /// One `for` clause of a comprehension; `depth` counts the loops open below it.
    fn comp_generator(
        &mut self,
        e: &Expr,
        generators: &[Comprehension],
        index: usize,
        depth: u32,
    ) -> CResult {
        let g = &generators[index];
        if index == 0 {
            self.emit(Op::LoadFast(0));
        } else {
            self.expr(&g.iter)?;
            self.emit(if g.is_async {
                Op::GetAIter
            } else {
                Op::GetIter
            });
        }
        let start = self.here();
        let (exit_jump, setup) = if g.is_async {
            let setup = self.emit(Op::SetupExcept(0));
            self.emit(Op::GetANext);
            self.emit(Op::GetAwaitable(0));
            self.emit(Op::YieldFrom);
            self.emit(Op::PopBlock);
            (None, Some(setup))
        } else {
            (Some(self.emit(Op::ForIter(0))), None)
        };
        self.assign(&g.target)?;
        let mut skips = Vec::new();
        for cond in &g.ifs {
            skips.push(self.jump_if(cond, false)?);
        }
        if index + 1 < generators.len() {
            self.comp_generator(e, generators, index + 1, depth + 1)?;
        } else {
            match &e.kind {
                ExprKind::ListComp { elt, .. } => {
                    self.expr(elt)?;
                    self.emit(Op::ListAppend(depth + 1));
                }
                ExprKind::SetComp { elt, .. } => {
                    self.expr(elt)?;
                    self.emit(Op::SetAdd(depth + 1));
                }
                ExprKind::DictComp { key, value, .. } => {
                    self.expr(key)?;
                    self.expr(value)?;
                    self.emit(Op::MapAdd(depth + 1));
                }
                ExprKind::GeneratorExp { elt, .. } => {
                    self.expr(elt)?;
                    if self.unit_ref().flags.is_coroutine {
                        self.emit(Op::AsyncGenWrap);
                    }
                    self.emit(Op::Yield);
                    self.emit(Op::Pop);
                }
                _ => {}
            }
        }
        for s in skips {
            self.patch_to(s, start as u32);
        }
        self.emit(Op::Jump(start as u32));
        if let Some(j) = exit_jump {
            self.patch(j);
        }
        if let Some(setup) = setup {
            self.patch(setup);
            self.emit(Op::EndAsyncFor);
        }
        Ok(())
    }

    /// Stores the value on top of the stack into a target.
    pub(super) fn assign(&mut self, t: &Expr) -> CResult {
        match &t.kind {
            ExprKind::Name(n) => self.store_name(n),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.name_idx(attr);
                self.emit(Op::StoreAttr(a));
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Op::StoreSubscript);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                let star = items
                    .iter()
                    .position(|i| matches!(i.kind, ExprKind::Starred(_)));
                match star {
                    None => {
                        self.emit(Op::UnpackSequence(items.len() as u32));
                    }
                    Some(pos) => {
                        if items
                            .iter()
                            .filter(|i| matches!(i.kind, ExprKind::Starred(_)))
                            .count()
                            > 1
                        {
                            return Err(
                                self.error("multiple starred expressions in assignment", t.span)
                            );
                        }
                        let after = items.len() - pos - 1;
                        self.emit(Op::UnpackEx(pos as u32 | (after as u32) << 16));
                    }
                }
                for i in items {
                    match &i.kind {
                        ExprKind::Starred(inner) => self.assign(inner)?,
                        _ => self.assign(i)?,
                    }
                }
            }
            ExprKind::Starred(_) => {
                return Err(self.error(
                    "starred assignment target must be in a list or tuple",
                    t.span,
                ));
            }
            _ => return Err(self.error("cannot assign to expression", t.span)),
        }
        Ok(())
    }

    pub(super) fn delete(&mut self, t: &Expr) -> CResult {
        match &t.kind {
            ExprKind::Name(n) => self.delete_name(n),
            ExprKind::Attribute { value, attr } => {
                self.expr(value)?;
                let a = self.name_idx(attr);
                self.emit(Op::DeleteAttr(a));
            }
            ExprKind::Subscript { value, slice } => {
                self.expr(value)?;
                self.expr(slice)?;
                self.emit(Op::DeleteSubscript);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.delete(i)?;
                }
            }
            _ => return Err(self.error("cannot delete expression", t.span)),
        }
        Ok(())
    }
}

/// True for expressions CPython's AST optimizer folds to a constant (literals,
/// signed numbers, tuples of them).
fn is_folded_constant(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Constant(_) => true,
        ExprKind::UnaryOp { operand, .. } => {
            matches!(
                &operand.kind,
                ExprKind::Constant(Constant::Int(_) | Constant::Float(_))
            )
        }
        ExprKind::Tuple(items) => items.iter().all(is_folded_constant),
        _ => false,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SeqKind {
    List,
    Tuple,
    Set,
}

/// The runtime value of a literal.
pub(crate) fn constant_value(c: &Constant) -> Value {
    match c {
        Constant::None => Value::None,
        Constant::True => Value::Bool(true),
        Constant::False => Value::Bool(false),
        Constant::Ellipsis => Value::native(crate::value::object::Native::Ellipsis),
        Constant::Int(i) => Value::from_bigint(i.clone()),
        Constant::Float(f) => Value::Float(*f),
        Constant::Str(s) => Value::str(s.clone()),
        Constant::Bytes(b) => Value::Bytes(std::rc::Rc::new(b.clone())),
    }
}
