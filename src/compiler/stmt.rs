//! Statements: control flow, exception handling, with, definitions, imports.

use super::{CResult, Compiler, FBlock, LoopInfo, Mode};
use crate::ast::*;
use crate::bytecode::{CodeKind, Op};
use crate::value::Value;
use std::rc::Rc;

impl<'a, 't> Compiler<'a, 't> {
    pub(super) fn stmts(&mut self, body: &[Stmt]) -> CResult {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> CResult {
        let old = self.set_line(s.span);
        self.stmt_inner(s)?;
        self.restore_line(old);
        Ok(())
    }

    fn stmt_inner(&mut self, s: &Stmt) -> CResult {
        match &s.kind {
            StmtKind::Expr(e) => {
                self.expr(e)?;
                if self.mode == Mode::Interactive && self.unit_ref().kind == CodeKind::Module {
                    self.emit(Op::PrintExpr);
                } else {
                    self.emit(Op::Pop);
                }
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.assign(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
                simple,
            } => {
                if let Some(v) = value {
                    self.expr(v)?;
                    self.assign(target)?;
                }
                // In a class body, `name: ann` records the evaluated annotation in
                // `__annotations__` (as CPython does; dataclasses read it).
                if let (true, CodeKind::Class, ExprKind::Name(n)) =
                    (*simple, self.unit_ref().kind, &target.kind)
                {
                    self.expr(annotation)?;
                    let ann = self.name_idx("__annotations__");
                    self.emit(Op::LoadName(ann));
                    self.emit_const(Value::str(n.to_string()));
                    self.emit(Op::StoreSubscript);
                } else if value.is_none() && !*simple {
                    // `obj.attr: int` evaluates the object but stores nothing.
                    match &target.kind {
                        ExprKind::Attribute { value, .. } => {
                            self.expr(value)?;
                            self.emit(Op::Pop);
                        }
                        ExprKind::Subscript { value, slice } => {
                            self.expr(value)?;
                            self.emit(Op::Pop);
                            self.expr(slice)?;
                            self.emit(Op::Pop);
                        }
                        _ => {}
                    }
                }
            }
            StmtKind::Delete(targets) => {
                for t in targets {
                    self.delete(t)?;
                }
            }
            StmtKind::Pass => {}
            StmtKind::Break => self.break_stmt(s)?,
            StmtKind::Continue => self.continue_stmt(s)?,
            StmtKind::Return(v) => self.return_stmt(s, v.as_ref())?,
            StmtKind::Raise { exc, cause } => {
                let mut n = 0;
                if let Some(e) = exc {
                    self.expr(e)?;
                    n = 1;
                    if let Some(c) = cause {
                        self.expr(c)?;
                        n = 2;
                    }
                }
                self.emit(Op::Raise(n));
            }
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                let jump = self.emit(Op::PopJumpIfTrue(0));
                self.emit(Op::LoadAssertionError);
                if let Some(m) = msg {
                    self.expr(m)?;
                    self.emit(Op::Call(1));
                }
                self.emit(Op::Raise(1));
                self.patch(jump);
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    self.emit_const(Value::Int(0));
                    self.emit_const(Value::None);
                    let n = self.name_idx(&a.name);
                    self.emit(Op::ImportName(n));
                    match &a.asname {
                        Some(asname) => {
                            // `import a.b as c` binds the submodule.
                            for part in a.name.split('.').skip(1) {
                                let p = self.name_idx(part);
                                self.emit(Op::LoadAttr(p));
                            }
                            self.store_name(asname);
                        }
                        None => {
                            let first = a.name.split('.').next().unwrap_or(&a.name).to_string();
                            self.store_name(&first);
                        }
                    }
                }
            }
            StmtKind::ImportFrom {
                module,
                names,
                level,
            } => {
                self.emit_const(Value::Int(*level as i64));
                let fromlist: Vec<Value> =
                    names.iter().map(|a| Value::str(a.name.clone())).collect();
                self.emit_const(Value::tuple(fromlist));
                let m = self.name_idx(module.as_deref().unwrap_or(""));
                self.emit(Op::ImportName(m));
                if names.len() == 1 && names[0].name == "*" {
                    self.emit(Op::ImportStar);
                } else {
                    for a in names {
                        let n = self.name_idx(&a.name);
                        self.emit(Op::ImportFrom(n));
                        self.store_name(a.asname.as_ref().unwrap_or(&a.name));
                    }
                    self.emit(Op::Pop);
                }
            }
            StmtKind::If { test, body, orelse } => {
                let jump = self.jump_if(test, false)?;
                self.stmts(body)?;
                if orelse.is_empty() {
                    self.patch(jump);
                } else {
                    let end = self.emit(Op::Jump(0));
                    self.patch(jump);
                    self.stmts(orelse)?;
                    self.patch(end);
                }
            }
            StmtKind::While { test, body, orelse } => {
                let start = self.here();
                let exit = self.jump_if(test, false)?;
                self.push_loop(FBlock::While { start });
                self.stmts(body)?;
                self.emit(Op::Jump(start as u32));
                let info = self.pop_loop();
                self.patch(exit);
                self.stmts(orelse)?;
                for b in info.breaks {
                    self.patch(b);
                }
            }
            StmtKind::For {
                is_async,
                target,
                iter,
                body,
                orelse,
            } => {
                if *is_async {
                    self.async_for(s, target, iter, body, orelse)?;
                } else {
                    self.expr(iter)?;
                    self.emit(Op::GetIter);
                    let start = self.here();
                    let for_iter = self.emit(Op::ForIter(0));
                    self.push_loop(FBlock::For { start });
                    self.assign(target)?;
                    self.stmts(body)?;
                    self.emit(Op::Jump(start as u32));
                    let info = self.pop_loop();
                    self.patch(for_iter);
                    self.stmts(orelse)?;
                    for b in info.breaks {
                        self.patch(b);
                    }
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                is_star,
            } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse, *is_star)?;
                } else {
                    self.try_finally(finalbody, |c| {
                        if handlers.is_empty() {
                            c.stmts(body)
                        } else {
                            c.try_except(body, handlers, orelse, *is_star)
                        }
                    })?;
                }
            }
            StmtKind::With {
                is_async,
                items,
                body,
            } => {
                if *is_async && !self.in_async_function() && !self.at_repl_top() {
                    return Err(self.error("'async with' outside async function", s.span));
                }
                self.with_items(items, body, *is_async)?;
            }
            StmtKind::FunctionDef(f) => self.function_def(f, s)?,
            StmtKind::ClassDef(c) => self.class_def(c, s)?,
        }
        Ok(())
    }

    fn push_loop(&mut self, fb: FBlock) {
        let depth = self.unit_ref().fblocks.len();
        self.unit().fblocks.push(fb);
        self.unit().loops.push(LoopInfo {
            fblock_depth: depth,
            breaks: Vec::new(),
        });
    }

    fn pop_loop(&mut self) -> LoopInfo {
        self.unit().fblocks.pop();
        self.unit().loops.pop().expect("loop")
    }

    fn break_stmt(&mut self, s: &Stmt) -> CResult {
        let depth = match self.unit_ref().loops.last() {
            Some(l) => l.fblock_depth,
            None => return Err(self.error("'break' outside loop", s.span)),
        };
        // Unwind everything inside the loop, then the loop itself (once).
        self.unwind_to(depth + 1, false)?;
        let fb = self.unit_ref().fblocks[depth].clone();
        self.unwind_one(&fb, false)?;
        let j = self.emit(Op::Jump(0));
        self.unit().loops.last_mut().expect("loop").breaks.push(j);
        Ok(())
    }

    fn continue_stmt(&mut self, s: &Stmt) -> CResult {
        let depth = match self.unit_ref().loops.last() {
            Some(l) => l.fblock_depth,
            None => return Err(self.error("'continue' not properly in loop", s.span)),
        };
        self.unwind_to(depth + 1, false)?;
        let start = match self.unit_ref().fblocks[depth] {
            FBlock::While { start } | FBlock::For { start } | FBlock::AsyncFor { start } => start,
            _ => 0,
        };
        self.emit(Op::Jump(start as u32));
        Ok(())
    }

    fn return_stmt(&mut self, s: &Stmt, value: Option<&Expr>) -> CResult {
        let kind = self.unit_ref().kind;
        if matches!(kind, CodeKind::Module | CodeKind::Class) {
            return Err(self.error("'return' outside function", s.span));
        }
        let is_async_gen = self.unit_ref().flags.is_coroutine && self.unit_ref().flags.is_generator;
        match value {
            Some(v) => {
                if is_async_gen {
                    return Err(self.error("'return' with value in async generator", s.span));
                }
                self.expr(v)?;
            }
            None => self.emit_const(Value::None),
        }
        self.unwind_to(0, true)?;
        self.emit(Op::Return);
        Ok(())
    }

    /// Emits the exits of fblocks deeper than `depth` (innermost first), keeping the
    /// top of stack in place when `keep_top`.
    fn unwind_to(&mut self, depth: usize, keep_top: bool) -> CResult {
        let blocks: Vec<FBlock> = self.unit_ref().fblocks[depth..].to_vec();
        for (i, fb) in blocks.iter().enumerate().rev() {
            // While a finally body is emitted inline, it must not see its own block.
            let saved: Vec<FBlock> = self.unit().fblocks.drain(depth + i..).collect();
            let r = self.unwind_one(fb, keep_top);
            self.unit().fblocks.extend(saved);
            r?;
        }
        Ok(())
    }

    fn unwind_one(&mut self, fb: &FBlock, keep_top: bool) -> CResult {
        match fb {
            FBlock::While { .. } => {}
            FBlock::For { .. } | FBlock::AsyncFor { .. } => {
                if keep_top {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::Pop);
            }
            FBlock::TryExcept => {
                self.emit(Op::PopBlock);
            }
            FBlock::FinallyTry(body) => {
                self.emit(Op::PopBlock);
                let body = body.clone();
                // The finally body runs with its own enclosing blocks only.
                self.stmts(&body)?;
            }
            FBlock::FinallyEnd => {
                // [prev, exc] + cleanup block
                self.emit(Op::PopBlock);
                if keep_top {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::Pop);
                if keep_top {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::PopExcept);
            }
            FBlock::With { is_async } => {
                self.emit(Op::PopBlock);
                if keep_top {
                    self.emit(Op::Rot2);
                }
                self.call_exit_none(*is_async);
            }
            FBlock::Handler { name } => {
                self.emit(Op::PopBlock);
                if keep_top {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::PopExcept);
                if let Some(n) = name {
                    self.emit_const(Value::None);
                    self.store_name(n);
                    self.delete_name(n);
                }
            }
        }
        Ok(())
    }

    /// `exit -> ` calls exit(None, None, None) (and awaits it for async with).
    fn call_exit_none(&mut self, is_async: bool) {
        self.emit_const(Value::None);
        self.emit(Op::Dup);
        self.emit(Op::Dup);
        self.emit(Op::Call(3));
        if is_async {
            self.emit(Op::GetAwaitable(2));
            self.emit(Op::YieldFrom);
        }
        self.emit(Op::Pop);
    }

    fn try_except(
        &mut self,
        body: &[Stmt],
        handlers: &[ExceptHandler],
        orelse: &[Stmt],
        is_star: bool,
    ) -> CResult {
        let setup = self.emit(Op::SetupExcept(0));
        self.unit().fblocks.push(FBlock::TryExcept);
        self.stmts(body)?;
        self.unit().fblocks.pop();
        self.emit(Op::PopBlock);
        self.stmts(orelse)?;
        let mut ends = vec![self.emit(Op::Jump(0))];
        self.patch(setup);
        // [exc]
        self.emit(Op::PushExcInfo);
        // [prev, exc]; the cleanup handler restores prev if a handler raises.
        let cleanup = self.emit(Op::SetupCleanup(0));
        if is_star {
            self.star_handlers(handlers, &mut ends)?;
        } else {
            for h in handlers {
                let old = self.set_line(h.span);
                let mut next = None;
                if let Some(t) = &h.typ {
                    self.expr(t)?;
                    self.emit(Op::CheckExcMatch);
                    next = Some(self.emit(Op::PopJumpIfFalse(0)));
                }
                // matched: [prev, exc]
                match &h.name {
                    Some(n) => self.store_name(n),
                    None => {
                        self.emit(Op::Pop);
                    }
                }
                self.unit().fblocks.push(FBlock::Handler {
                    name: h.name.clone(),
                });
                self.stmts(&h.body)?;
                self.unit().fblocks.pop();
                self.emit(Op::PopBlock);
                self.emit(Op::PopExcept);
                if let Some(n) = &h.name {
                    self.emit_const(Value::None);
                    self.store_name(n);
                    self.delete_name(n);
                }
                ends.push(self.emit(Op::Jump(0)));
                if let Some(next) = next {
                    self.patch(next);
                }
                self.restore_line(old);
                if h.typ.is_none() {
                    break;
                }
            }
            // No handler matched: re-raise (lands in the cleanup handler).
            self.emit(Op::Reraise);
        }
        self.patch(cleanup);
        // [prev, exc2]
        self.emit(Op::Rot2);
        self.emit(Op::PopExcept);
        self.emit(Op::Reraise);
        for e in ends {
            self.patch(e);
        }
        Ok(())
    }

    /// except* clauses: each matching part of the group runs its handler once.
    fn star_handlers(&mut self, handlers: &[ExceptHandler], ends: &mut Vec<usize>) -> CResult {
        // [prev, exc]: keep the original and a list of raised exceptions.
        self.emit(Op::Dup); // [prev, orig, rest]
        self.emit(Op::BuildList(0));
        self.emit(Op::Rot2); // [prev, orig, raised, rest]
        for h in handlers {
            let old = self.set_line(h.span);
            let t = h
                .typ
                .as_ref()
                .ok_or_else(|| self.error("expected 'except*' type", h.span))?;
            if let Some(span) = star_handler_exit(&h.body, false) {
                return Err(self.error(
                    "'break', 'continue' and 'return' cannot appear in an except* block",
                    span,
                ));
            }
            self.expr(t)?;
            self.emit(Op::CheckEgMatch); // [prev, orig, raised, rest, match]
            self.emit(Op::Dup);
            self.emit_const(Value::None);
            self.emit(Op::Compare(CmpOp::Is));
            let skip = self.emit(Op::PopJumpIfTrue(0));
            // Run the handler with `match` bound; exceptions it raises go to `raised`.
            // The matched part is the exception being handled while the body runs.
            self.emit(Op::PushExcInfo); // [prev, orig, raised, rest, orig, match]
            match &h.name {
                Some(n) => self.store_name(n),
                None => {
                    self.emit(Op::Pop);
                }
            }
            let setup = self.emit(Op::SetupExcept(0));
            self.unit().fblocks.push(FBlock::TryExcept);
            self.stmts(&h.body)?;
            self.unit().fblocks.pop();
            self.emit(Op::PopBlock);
            self.emit(Op::PopExcept);
            let done = self.emit(Op::Jump(0));
            self.patch(setup);
            // [prev, orig, raised, rest, orig, new_exc]
            self.emit(Op::ListAppend(3));
            self.emit(Op::PopExcept);
            self.patch(done);
            let next = self.emit(Op::Jump(0));
            self.patch(skip);
            self.emit(Op::Pop); // drop the None match
            self.patch(next);
            if let Some(n) = &h.name {
                self.emit_const(Value::None);
                self.store_name(n);
                self.delete_name(n);
            }
            self.restore_line(old);
        }
        // [prev, orig, raised, rest]: unhandled rest joins the raised list.
        self.emit(Op::ListAppend(1));
        self.emit(Op::PrepReraiseStar); // [prev, exc_or_None]
        self.emit(Op::Dup);
        self.emit_const(Value::None);
        self.emit(Op::Compare(CmpOp::Is));
        let nothing = self.emit(Op::PopJumpIfTrue(0));
        self.emit(Op::Reraise);
        self.patch(nothing);
        self.emit(Op::Pop);
        self.emit(Op::PopBlock);
        self.emit(Op::PopExcept);
        ends.push(self.emit(Op::Jump(0)));
        Ok(())
    }

    fn try_finally(
        &mut self,
        finalbody: &[Stmt],
        body: impl FnOnce(&mut Self) -> CResult,
    ) -> CResult {
        let setup = self.emit(Op::SetupFinally(0));
        let fb = Rc::new(finalbody.to_vec());
        self.unit().fblocks.push(FBlock::FinallyTry(fb));
        body(self)?;
        self.unit().fblocks.pop();
        self.emit(Op::PopBlock);
        self.stmts(finalbody)?;
        let end = self.emit(Op::Jump(0));
        self.patch(setup);
        // [exc]
        self.emit(Op::PushExcInfo);
        let cleanup = self.emit(Op::SetupCleanup(0));
        self.unit().fblocks.push(FBlock::FinallyEnd);
        self.stmts(finalbody)?;
        self.unit().fblocks.pop();
        self.emit(Op::PopBlock);
        // [prev, exc] -> restore prev, re-raise exc
        self.emit(Op::Rot2);
        self.emit(Op::PopExcept);
        self.emit(Op::Reraise);
        self.patch(cleanup);
        self.emit(Op::Rot2);
        self.emit(Op::PopExcept);
        self.emit(Op::Reraise);
        self.patch(end);
        Ok(())
    }

    fn with_items(&mut self, items: &[WithItem], body: &[Stmt], is_async: bool) -> CResult {
        let Some((item, rest)) = items.split_first() else {
            return self.stmts(body);
        };
        self.expr(&item.context_expr)?;
        if is_async {
            self.emit(Op::BeforeAsyncWith);
            self.emit(Op::GetAwaitable(1));
            self.emit(Op::YieldFrom);
        } else {
            self.emit(Op::BeforeWith);
        }
        // [exit, value]: the handler's stack level excludes the value.
        let setup = self.emit(Op::SetupCleanup(0));
        self.unit().fblocks.push(FBlock::With { is_async });
        match &item.optional_vars {
            Some(t) => self.assign(t)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        self.with_items(rest, body, is_async)?;
        self.unit().fblocks.pop();
        self.emit(Op::PopBlock);
        self.call_exit_none(is_async);
        let end = self.emit(Op::Jump(0));
        self.patch(setup);
        // [exit, exc]
        self.emit(Op::PushExcInfo);
        let cleanup = self.emit(Op::SetupCleanup(0));
        self.emit(Op::WithExceptStart);
        if is_async {
            self.emit(Op::GetAwaitable(2));
            self.emit(Op::YieldFrom);
        }
        let suppress = self.emit(Op::PopJumpIfTrue(0));
        self.emit(Op::Reraise);
        self.patch(suppress);
        self.emit(Op::PopBlock);
        self.emit(Op::Pop); // exc
        self.emit(Op::PopExcept);
        self.emit(Op::Pop); // exit
        let end2 = self.emit(Op::Jump(0));
        self.patch(cleanup);
        // [exit, prev, exc2]
        self.emit(Op::Rot2);
        self.emit(Op::PopExcept);
        self.emit(Op::Rot2);
        self.emit(Op::Pop);
        self.emit(Op::Reraise);
        self.patch(end);
        self.patch(end2);
        Ok(())
    }

    /// The REPL's top level, where `async for`/`async with` run on the session's loop.
    fn at_repl_top(&self) -> bool {
        self.mode == Mode::Interactive && self.unit_ref().kind == CodeKind::Module
    }

    fn async_for(
        &mut self,
        s: &Stmt,
        target: &Expr,
        iter: &Expr,
        body: &[Stmt],
        orelse: &[Stmt],
    ) -> CResult {
        if !self.in_async_function() && !self.at_repl_top() {
            return Err(self.error("'async for' outside async function", s.span));
        }
        self.expr(iter)?;
        self.emit(Op::GetAIter);
        let start = self.here();
        let setup = self.emit(Op::SetupExcept(0));
        self.emit(Op::GetANext);
        self.emit(Op::GetAwaitable(0));
        self.emit(Op::YieldFrom);
        self.emit(Op::PopBlock);
        self.push_loop(FBlock::AsyncFor { start });
        self.assign(target)?;
        self.stmts(body)?;
        self.emit(Op::Jump(start as u32));
        let info = self.pop_loop();
        self.patch(setup);
        // [ait, exc]
        self.emit(Op::EndAsyncFor);
        self.stmts(orelse)?;
        for b in info.breaks {
            self.patch(b);
        }
        Ok(())
    }

    fn function_def(&mut self, f: &FunctionDef, s: &Stmt) -> CResult {
        for d in &f.decorators {
            self.expr(d)?;
        }
        let scope = self.table.scope_of(f);
        let qualname = self.qualname_for(&f.name);
        let line = self.src.line_of(s.span.start) as u32;
        let flags = self.push_defaults(&f.args)?;
        let kind = CodeKind::Function;
        self.push_unit(scope, kind, f.name.clone(), qualname, line);
        self.set_params(&f.args);
        if scope.is_async && scope.is_generator {
            self.unit().flags.is_coroutine = true;
        }
        // A docstring is the first constant (as in CPython).
        if let Some(doc) = Self::docstring(&f.body) {
            self.add_const(Value::str(doc));
        } else {
            self.add_const(Value::None);
        }
        self.stmts(&f.body)?;
        self.emit_const(Value::None);
        self.emit(Op::Return);
        let code = self.pop_unit();
        self.make_closure(code, flags);
        for _ in &f.decorators {
            self.emit(Op::Call(1));
        }
        self.store_name(&f.name);
        Ok(())
    }

    /// Pushes defaults (tuple) and keyword-only defaults (tuple with Undef holes); returns flags.
    pub(super) fn push_defaults(&mut self, args: &Arguments) -> CResult<u32> {
        let mut flags = 0;
        if !args.defaults.is_empty() {
            for d in &args.defaults {
                self.expr(d)?;
            }
            self.emit(Op::BuildTuple(args.defaults.len() as u32));
            flags |= 1;
        }
        if args.kw_defaults.iter().any(|d| d.is_some()) {
            for d in &args.kw_defaults {
                match d {
                    Some(d) => self.expr(d)?,
                    None => self.emit_const(Value::Undef),
                }
            }
            self.emit(Op::BuildTuple(args.kw_defaults.len() as u32));
            flags |= 2;
        }
        Ok(flags)
    }

    pub(super) fn set_params(&mut self, args: &Arguments) {
        let u = self.unit();
        u.posonlyargcount = args.posonlyargs.len() as u32;
        u.argcount = (args.posonlyargs.len() + args.args.len()) as u32;
        u.kwonlyargcount = args.kwonlyargs.len() as u32;
        u.flags.has_varargs = args.vararg.is_some();
        u.flags.has_varkw = args.kwarg.is_some();
    }

    fn class_def(&mut self, c: &ClassDef, s: &Stmt) -> CResult {
        for d in &c.decorators {
            self.expr(d)?;
        }
        let scope = self.table.scope_of(c);
        let qualname = self.qualname_for(&c.name);
        let line = self.src.line_of(s.span.start) as u32;
        self.emit(Op::LoadBuildClass);
        self.push_unit(
            scope,
            CodeKind::Class,
            c.name.clone(),
            qualname.clone(),
            line,
        );
        // The body stores __module__ and __qualname__ first, as CPython does.
        let module = self.name_idx("__name__");
        self.emit(Op::LoadGlobal(module));
        let m = self.name_idx("__module__");
        self.emit(Op::StoreName(m));
        self.emit_const(Value::str(qualname));
        let q = self.name_idx("__qualname__");
        self.emit(Op::StoreName(q));
        if let Some(doc) = Self::docstring(&c.body) {
            self.emit_const(Value::str(doc));
            let d = self.name_idx("__doc__");
            self.emit(Op::StoreName(d));
        }
        if has_annotations(&c.body) {
            self.emit(Op::BuildMap(0));
            let a = self.name_idx("__annotations__");
            self.emit(Op::StoreName(a));
        }
        self.stmts(&c.body)?;
        if scope.needs_class_cell {
            let i = self.unit_ref().deref_index["__class__"];
            self.emit(Op::LoadClosure(i));
        } else {
            self.emit_const(Value::None);
        }
        self.emit(Op::Return);
        let code = self.pop_unit();
        self.make_closure(code, 0);
        self.emit_const(Value::str(c.name.clone()));
        for b in &c.bases {
            self.expr(b)?;
        }
        if c.keywords.is_empty() {
            self.emit(Op::Call(2 + c.bases.len() as u32));
        } else {
            let mut names = Vec::new();
            for k in &c.keywords {
                self.expr(&k.value)?;
                names.push(Value::str(k.arg.clone().unwrap_or_default()));
            }
            self.emit_const(Value::tuple(names));
            self.emit(Op::CallKw((2 + c.bases.len() + c.keywords.len()) as u32));
        }
        for _ in &c.decorators {
            self.emit(Op::Call(1));
        }
        self.store_name(&c.name);
        Ok(())
    }

    fn aug_assign(&mut self, target: &Expr, op: BinOp, value: &Expr) -> CResult {
        match &target.kind {
            ExprKind::Name(n) => {
                self.load_name(n);
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.store_name(n);
            }
            ExprKind::Attribute { value: obj, attr } => {
                self.expr(obj)?;
                self.emit(Op::Dup);
                let a = self.name_idx(attr);
                self.emit(Op::LoadAttr(a));
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot2);
                self.emit(Op::StoreAttr(a));
            }
            ExprKind::Subscript { value: obj, slice } => {
                self.expr(obj)?;
                self.expr(slice)?;
                self.emit(Op::Dup2);
                self.emit(Op::Subscript);
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot3);
                self.emit(Op::StoreSubscript);
            }
            _ => return Err(self.error("illegal expression for augmented assignment", target.span)),
        }
        Ok(())
    }
}

/// True if a body holds an annotated assignment outside nested functions and classes
/// (CPython's SETUP_ANNOTATIONS condition).
fn has_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::AnnAssign { .. } => true,
        StmtKind::If { body, orelse, .. }
        | StmtKind::While { body, orelse, .. }
        | StmtKind::For { body, orelse, .. } => has_annotations(body) || has_annotations(orelse),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
            ..
        } => {
            has_annotations(body)
                || handlers.iter().any(|h| has_annotations(&h.body))
                || has_annotations(orelse)
                || has_annotations(finalbody)
        }
        StmtKind::With { body, .. } => has_annotations(body),
        _ => false,
    })
}

/// The first `return`, or `break`/`continue` leaving the block, in an except* body
/// (nested functions and classes are their own scopes).
fn star_handler_exit(body: &[Stmt], in_loop: bool) -> Option<crate::source::Span> {
    for s in body {
        let found = match &s.kind {
            StmtKind::Return(_) => Some(s.span),
            StmtKind::Break | StmtKind::Continue if !in_loop => Some(s.span),
            StmtKind::If { body, orelse, .. } => {
                star_handler_exit(body, in_loop).or_else(|| star_handler_exit(orelse, in_loop))
            }
            StmtKind::While { body, orelse, .. } | StmtKind::For { body, orelse, .. } => {
                star_handler_exit(body, true).or_else(|| star_handler_exit(orelse, in_loop))
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
                ..
            } => star_handler_exit(body, in_loop)
                .or_else(|| {
                    handlers
                        .iter()
                        .find_map(|h| star_handler_exit(&h.body, in_loop))
                })
                .or_else(|| star_handler_exit(orelse, in_loop))
                .or_else(|| star_handler_exit(finalbody, in_loop)),
            StmtKind::With { body, .. } => star_handler_exit(body, in_loop),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    None
}
