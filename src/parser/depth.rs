//! A bound on how deeply the AST nests, so that no later pass that walks it
//! recursively (the compiler, `--dump ast`, even `Drop`) can overflow the
//! Rust stack.
//!
//! The lexer already stops bracket nesting at CPython's 200 levels; but
//! `1+1+...+1` or `not not ... x` nest without brackets. CPython gives up
//! near 3,000 levels (RecursionError, MemoryError); aio stops at
//! `MAX_DEPTH` with a SyntaxError. The walk here is iterative.

use crate::ast::{Arguments, Expr, ExprKind, Stmt, StmtKind};
use crate::diag::SyntaxError;

/// The deepest nesting of statements and expressions accepted.
pub const MAX_DEPTH: usize = 1000;

enum Node<'a> {
    Stmt(&'a Stmt),
    Expr(&'a Expr),
}

/// Fails if any node of `body` lies deeper than `MAX_DEPTH`.
pub(crate) fn check_stmts(body: &[Stmt]) -> Result<(), SyntaxError> {
    let mut stack: Vec<(Node, usize)> = body.iter().map(|s| (Node::Stmt(s), 1)).collect();
    walk(&mut stack)
}

/// Fails if any node of `e` lies deeper than `MAX_DEPTH`.
pub(crate) fn check_expr(e: &Expr) -> Result<(), SyntaxError> {
    let mut stack = vec![(Node::Expr(e), 1)];
    walk(&mut stack)
}

fn walk<'a>(stack: &mut Vec<(Node<'a>, usize)>) -> Result<(), SyntaxError> {
    while let Some((node, depth)) = stack.pop() {
        let span = match node {
            Node::Stmt(s) => s.span,
            Node::Expr(e) => e.span,
        };
        if depth > MAX_DEPTH {
            return Err(SyntaxError::new("too many nested expressions", span));
        }
        let d = depth + 1;
        let mut push_e = |e: &'a Expr| stack.push((Node::Expr(e), d));
        match node {
            Node::Expr(e) => expr_children(e, &mut push_e),
            Node::Stmt(s) => {
                let mut inner: Vec<&'a Stmt> = Vec::new();
                stmt_children(s, &mut push_e, &mut inner);
                stack.extend(inner.into_iter().map(|s| (Node::Stmt(s), d)));
            }
        }
    }
    Ok(())
}

fn args_children<'a>(a: &'a Arguments, push: &mut impl FnMut(&'a Expr)) {
    let all = a
        .posonlyargs
        .iter()
        .chain(&a.args)
        .chain(&a.vararg)
        .chain(&a.kwonlyargs)
        .chain(&a.kwarg);
    for arg in all {
        if let Some(ann) = &arg.annotation {
            push(ann);
        }
    }
    a.defaults.iter().for_each(&mut *push);
    a.kw_defaults.iter().flatten().for_each(push);
}

fn stmt_children<'a>(s: &'a Stmt, push: &mut impl FnMut(&'a Expr), stmts: &mut Vec<&'a Stmt>) {
    match &s.kind {
        StmtKind::Expr(e) => push(e),
        StmtKind::Assign { targets, value } => {
            targets.iter().for_each(&mut *push);
            push(value);
        }
        StmtKind::AugAssign { target, value, .. } => {
            push(target);
            push(value);
        }
        StmtKind::AnnAssign {
            target,
            annotation,
            value,
            ..
        } => {
            push(target);
            push(annotation);
            value.iter().for_each(push);
        }
        StmtKind::Delete(targets) => targets.iter().for_each(push),
        StmtKind::Return(v) => v.iter().for_each(push),
        StmtKind::Raise { exc, cause } => exc.iter().chain(cause).for_each(push),
        StmtKind::Assert { test, msg } => {
            push(test);
            msg.iter().for_each(push);
        }
        StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
            push(test);
            stmts.extend(body.iter().chain(orelse));
        }
        StmtKind::For {
            target,
            iter,
            body,
            orelse,
            ..
        } => {
            push(target);
            push(iter);
            stmts.extend(body.iter().chain(orelse));
        }
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
            ..
        } => {
            stmts.extend(body.iter().chain(orelse).chain(finalbody));
            for h in handlers {
                h.typ.iter().for_each(&mut *push);
                stmts.extend(&h.body);
            }
        }
        StmtKind::With { items, body, .. } => {
            for item in items {
                push(&item.context_expr);
                item.optional_vars.iter().for_each(&mut *push);
            }
            stmts.extend(body);
        }
        StmtKind::FunctionDef(f) => {
            f.decorators.iter().for_each(&mut *push);
            args_children(&f.args, push);
            f.returns.iter().for_each(push);
            stmts.extend(&f.body);
        }
        StmtKind::ClassDef(c) => {
            c.decorators.iter().chain(&c.bases).for_each(&mut *push);
            c.keywords.iter().for_each(|k| push(&k.value));
            stmts.extend(&c.body);
        }
        StmtKind::Pass
        | StmtKind::Break
        | StmtKind::Continue
        | StmtKind::Global(_)
        | StmtKind::Nonlocal(_)
        | StmtKind::Import(_)
        | StmtKind::ImportFrom { .. } => {}
    }
}

fn expr_children<'a>(e: &'a Expr, push: &mut impl FnMut(&'a Expr)) {
    match &e.kind {
        ExprKind::BoolOp { values, .. } => values.iter().for_each(push),
        ExprKind::NamedExpr { value, .. } => push(value),
        ExprKind::BinOp { left, right, .. } => {
            push(left);
            push(right);
        }
        ExprKind::UnaryOp { operand, .. } => push(operand),
        ExprKind::Lambda { args, body } => {
            args_children(args, push);
            push(body);
        }
        ExprKind::IfExp { test, body, orelse } => {
            push(test);
            push(body);
            push(orelse);
        }
        ExprKind::Dict { keys, values } => {
            keys.iter().flatten().chain(values).for_each(push);
        }
        ExprKind::Set(elts)
        | ExprKind::List(elts)
        | ExprKind::Tuple(elts)
        | ExprKind::JoinedStr(elts) => elts.iter().for_each(push),
        ExprKind::ListComp { elt, generators }
        | ExprKind::SetComp { elt, generators }
        | ExprKind::GeneratorExp { elt, generators } => {
            push(elt);
            for g in generators {
                push(&g.target);
                push(&g.iter);
                g.ifs.iter().for_each(&mut *push);
            }
        }
        ExprKind::DictComp {
            key,
            value,
            generators,
        } => {
            push(key);
            push(value);
            for g in generators {
                push(&g.target);
                push(&g.iter);
                g.ifs.iter().for_each(&mut *push);
            }
        }
        ExprKind::Await(v) | ExprKind::YieldFrom(v) | ExprKind::Starred(v) => push(v),
        ExprKind::Yield(v) => v.iter().for_each(|v| push(v)),
        ExprKind::Compare {
            left, comparators, ..
        } => {
            push(left);
            comparators.iter().for_each(push);
        }
        ExprKind::Call {
            func,
            args,
            keywords,
        } => {
            push(func);
            args.iter().for_each(&mut *push);
            keywords.iter().for_each(|k| push(&k.value));
        }
        ExprKind::FormattedValue {
            value, format_spec, ..
        } => {
            push(value);
            format_spec.iter().for_each(|s| push(s));
        }
        ExprKind::Attribute { value, .. } => push(value),
        ExprKind::Subscript { value, slice } => {
            push(value);
            push(slice);
        }
        ExprKind::Slice { lower, upper, step } => {
            lower.iter().chain(upper).chain(step).for_each(|v| push(v));
        }
        ExprKind::Constant(_) | ExprKind::Name(_) => {}
    }
}
