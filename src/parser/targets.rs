//! Checks of assignment, deletion and loop targets, with CPython 3.11's
//! messages (`cannot assign to function call here. Maybe you meant '=='
//! instead of '='?`, `cannot delete literal`, ...).
//!
//! The grammar parses targets as ordinary expressions; these checks reject
//! the ones that cannot be stored to.

use crate::ast::{Constant, Expr, ExprKind, UnaryOp};
use crate::diag::SyntaxError;

/// Where a target sits, which decides the wording of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TargetCtx {
    /// The only target of `target = value`; `stmt_start` is where the
    /// statement starts (to tell a bare tuple from a parenthesized one).
    AssignSingle { stmt_start: usize },
    /// One of several targets of `a = b = value`.
    Assign,
    /// `target op= value`.
    AugAssign,
    /// `target: annotation`.
    Annotated,
    /// `del target`.
    Del,
    /// `for target in ...`.
    For,
    /// `with ... as target`.
    With,
    /// `for target in ...` inside a comprehension.
    Comprehension,
}

/// What CPython calls an expression in its messages.
pub(crate) fn expr_name(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Attribute { .. } => "attribute",
        ExprKind::Subscript { .. } => "subscript",
        ExprKind::Starred(_) => "starred",
        ExprKind::Name(_) => "name",
        ExprKind::List(_) => "list",
        ExprKind::Tuple(_) => "tuple",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Call { .. } => "function call",
        ExprKind::BoolOp { .. } | ExprKind::BinOp { .. } | ExprKind::UnaryOp { .. } => "expression",
        ExprKind::GeneratorExp { .. } => "generator expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::Await(_) => "await expression",
        ExprKind::ListComp { .. } => "list comprehension",
        ExprKind::SetComp { .. } => "set comprehension",
        ExprKind::DictComp { .. } => "dict comprehension",
        ExprKind::Dict { .. } => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::JoinedStr(_) | ExprKind::FormattedValue { .. } => "f-string expression",
        ExprKind::Constant(Constant::None) => "None",
        ExprKind::Constant(Constant::True) => "True",
        ExprKind::Constant(Constant::False) => "False",
        ExprKind::Constant(Constant::Ellipsis) => "ellipsis",
        ExprKind::Constant(_) => "literal",
        ExprKind::Compare { .. } => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::NamedExpr { .. } => "named expression",
        ExprKind::Slice { .. } => "slice",
    }
}

/// The first part of a store target that cannot be stored to, if any.
fn invalid_store(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
        ExprKind::Starred(inner) => invalid_store(inner),
        ExprKind::Tuple(elts) | ExprKind::List(elts) => elts.iter().find_map(invalid_store),
        _ => Some(e),
    }
}

/// The first part of a `del` target that cannot be deleted, if any.
fn invalid_del(e: &Expr) -> Option<&Expr> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => None,
        ExprKind::Tuple(elts) | ExprKind::List(elts) => elts.iter().find_map(invalid_del),
        _ => Some(e),
    }
}

/// Kinds for which CPython 3.11 never adds "Maybe you meant '=='": its
/// grammar reports them through another rule.
fn suffix_allowed(e: &Expr) -> bool {
    !matches!(
        &e.kind,
        ExprKind::Compare { .. }
            | ExprKind::GeneratorExp { .. }
            | ExprKind::IfExp { .. }
            | ExprKind::Lambda { .. }
            | ExprKind::BoolOp { .. }
            | ExprKind::UnaryOp {
                op: UnaryOp::Not,
                ..
            }
            | ExprKind::Constant(Constant::None | Constant::True | Constant::False)
    )
}

/// Checks one target; the error is CPython's, placed on the bad part.
pub(crate) fn check(target: &Expr, ctx: TargetCtx) -> Result<(), SyntaxError> {
    match ctx {
        TargetCtx::AugAssign => match &target.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            _ => Err(SyntaxError::new(
                format!(
                    "'{}' is an illegal expression for augmented assignment",
                    expr_name(target)
                ),
                target.span,
            )),
        },
        TargetCtx::Annotated => match &target.kind {
            ExprKind::Name(_) | ExprKind::Attribute { .. } | ExprKind::Subscript { .. } => Ok(()),
            ExprKind::Tuple(_) => Err(SyntaxError::new(
                "only single target (not tuple) can be annotated",
                target.span,
            )),
            ExprKind::List(_) => Err(SyntaxError::new(
                "only single target (not list) can be annotated",
                target.span,
            )),
            _ => Err(SyntaxError::new(
                "illegal target for annotation",
                target.span,
            )),
        },
        TargetCtx::Del => match invalid_del(target) {
            None => Ok(()),
            Some(bad) => Err(SyntaxError::new(
                format!("cannot delete {}", expr_name(bad)),
                bad.span,
            )),
        },
        TargetCtx::AssignSingle { stmt_start } => {
            let Some(bad) = invalid_store(target) else {
                return Ok(());
            };
            // The suggestion is made for the target itself or an element of
            // a bare (unparenthesized) tuple, not deeper.
            let bare_tuple = matches!(&target.kind, ExprKind::Tuple(elts)
                if elts.first().is_some_and(|f| f.span.start == target.span.start)
                    && target.span.start as usize == stmt_start);
            let top_level = std::ptr::eq(bad, target)
                || (bare_tuple
                    && matches!(&target.kind, ExprKind::Tuple(elts) if elts.iter().any(|e| std::ptr::eq(e, bad))));
            let name = expr_name(bad);
            let msg = if top_level && suffix_allowed(bad) {
                format!("cannot assign to {name} here. Maybe you meant '==' instead of '='?")
            } else {
                format!("cannot assign to {name}")
            };
            Err(SyntaxError::new(msg, bad.span))
        }
        TargetCtx::Assign | TargetCtx::For | TargetCtx::With | TargetCtx::Comprehension => {
            match invalid_store(target) {
                None => Ok(()),
                Some(bad) => Err(SyntaxError::new(
                    format!("cannot assign to {}", expr_name(bad)),
                    bad.span,
                )),
            }
        }
    }
}
