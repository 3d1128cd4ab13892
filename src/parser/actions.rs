//! The grammar's actions: building AST nodes with spans, and the checks that
//! Python's PEG grammar makes but an LR grammar leaves to its actions
//! (parameter order, argument order, assignment targets).

use super::targets::{self, TargetCtx};
use crate::ast::*;
use crate::diag::SyntaxError;
use crate::lexer::Tok;
use crate::source::Span;
use lalrpop_util::ParseError;

/// What a fallible action returns.
pub(crate) type PResult<T> = Result<T, ParseError<usize, Tok, SyntaxError>>;

/// One item of a parameter list, before the order checks.
pub(crate) enum ParamItem {
    /// `name[: ann] [= default]`
    Plain(Arg, Option<Expr>),
    /// `/`
    Slash(Span),
    /// `*[name]` (the span is the `*`), with the offset of a (wrong) `=` after it.
    Star(Span, Option<Arg>, Option<usize>),
    /// `**name`, with the offset of a (wrong) `=` after it.
    DoubleStar(Span, Arg, Option<usize>),
}

/// One item of a call's argument list, before the order checks.
pub(crate) enum ArgItem {
    /// `x` or `*x`.
    Positional(Expr),
    /// `x for x in y` without its own parentheses.
    Generator(Expr),
    /// `name=value`.
    Keyword(Keyword),
    /// `**mapping`.
    DoubleStar(Keyword),
}

/// One adjacent string literal of a concatenation.
pub(crate) enum StrPart {
    /// `'...'` (decoded), with its span.
    Str(usize, String, usize),
    /// `b'...'` (decoded).
    Bytes(Vec<u8>),
    /// `f'...'`: raw, body, body offset, end of the token.
    FStr(bool, String, u32, usize),
}

/// A `for` or `if` clause of a comprehension after the first `for`.
pub(crate) enum Clause {
    For(Comprehension),
    If(Expr),
}

/// One side of an `=` in an assignment chain; a bare `yield` is remembered
/// because CPython words its message differently.
pub(crate) struct AssignRhs {
    pub expr: Expr,
    pub is_yield: bool,
}

/// The names after `import` in a from-import, with what the checks need.
pub(crate) struct ImportNames {
    names: Vec<Alias>,
    trailing_comma: bool,
    parenthesized: bool,
    end: usize,
}

/// A span from two offsets.
pub(crate) fn span(l: usize, r: usize) -> Span {
    Span::new(l, r)
}

/// A syntax error as a parse error.
pub(crate) fn user_error(e: SyntaxError) -> ParseError<usize, Tok, SyntaxError> {
    ParseError::User { error: e }
}

/// Fails with `msg` at `l..r`.
pub(crate) fn fail<T>(msg: &str, l: usize, r: usize) -> PResult<T> {
    Err(user_error(SyntaxError::new(msg, span(l, r))))
}

/// Fails with `msg` at an expression.
pub(crate) fn fail_at<T>(msg: &str, e: &Expr) -> PResult<T> {
    Err(user_error(SyntaxError::new(msg, e.span)))
}

/// An expression spanning `l..r`.
pub(crate) fn expr(l: usize, kind: ExprKind, r: usize) -> Expr {
    Expr::new(span(l, r), kind)
}

/// A statement spanning `l..r`.
pub(crate) fn stmt(l: usize, kind: StmtKind, r: usize) -> Stmt {
    Stmt::new(span(l, r), kind)
}

/// A literal.
pub(crate) fn constant(l: usize, c: Constant, r: usize) -> Expr {
    expr(l, ExprKind::Constant(c), r)
}

/// `left op right`.
pub(crate) fn binop(l: usize, left: Expr, op: BinOp, right: Expr, r: usize) -> Expr {
    expr(
        l,
        ExprKind::BinOp {
            left: Box::new(left),
            op,
            right: Box::new(right),
        },
        r,
    )
}

/// `op operand`.
pub(crate) fn unary(l: usize, op: UnaryOp, operand: Expr, r: usize) -> Expr {
    expr(
        l,
        ExprKind::UnaryOp {
            op,
            operand: Box::new(operand),
        },
        r,
    )
}

/// `first and rest...` as one flat BoolOp.
pub(crate) fn bool_op(l: usize, op: BoolOp, first: Expr, rest: Vec<Expr>, r: usize) -> Expr {
    expr(
        l,
        ExprKind::BoolOp {
            op,
            values: prepend(first, rest),
        },
        r,
    )
}

/// A comparison chain.
pub(crate) fn compare(l: usize, left: Expr, rest: Vec<(CmpOp, Expr)>, r: usize) -> Expr {
    let (ops, comparators) = rest.into_iter().unzip();
    expr(
        l,
        ExprKind::Compare {
            left: Box::new(left),
            ops,
            comparators,
        },
        r,
    )
}

/// `first` followed by `rest`, in one allocation.
pub(crate) fn prepend<T>(first: T, rest: Vec<T>) -> Vec<T> {
    let mut v = Vec::with_capacity(rest.len() + 1);
    v.push(first);
    v.extend(rest);
    v
}

/// `a` stays `a`; `a,` and `a, b` become a tuple (its span includes a
/// trailing comma, as in CPython).
pub(crate) fn tuple_or_single(
    l: usize,
    first: Expr,
    rest: Vec<Expr>,
    trailing: bool,
    r: usize,
) -> Expr {
    if rest.is_empty() && !trailing {
        first
    } else {
        expr(l, ExprKind::Tuple(prepend(first, rest)), r)
    }
}

/// The statements of a block and the end of its last token.
pub(crate) struct Block {
    pub stmts: Vec<Stmt>,
    pub end: usize,
}

impl Block {
    pub fn from_compound(s: Stmt) -> Block {
        let end = s.span.end as usize;
        Block {
            stmts: vec![s],
            end,
        }
    }

    pub fn push(&mut self, s: Stmt) {
        self.end = s.span.end as usize;
        self.stmts.push(s);
    }

    pub fn extend(&mut self, other: Block) {
        self.end = other.end;
        self.stmts.extend(other.stmts);
    }
}

/// The statements of an optional block, and where it ends.
fn split(b: Option<Block>) -> (Vec<Stmt>, Option<usize>) {
    match b {
        Some(b) => (b.stmts, Some(b.end)),
        None => (Vec::new(), None),
    }
}

// ---------------------------------------------------------------------------
// Simple statements.

/// `del targets`, each target checked.
pub(crate) fn delete(l: usize, targets: Vec<Expr>, r: usize) -> PResult<Stmt> {
    for t in &targets {
        targets::check(t, TargetCtx::Del).map_err(user_error)?;
    }
    Ok(stmt(l, StmtKind::Delete(targets), r))
}

/// `a = b = value`: every side but the last is a target.
pub(crate) fn assign(l: usize, first: AssignRhs, rest: Vec<AssignRhs>, r: usize) -> PResult<Stmt> {
    let mut sides = prepend(first, rest);
    let value = match sides.pop() {
        Some(v) => v.expr,
        None => return fail("invalid syntax", l, r),
    };
    let single = sides.len() == 1;
    for side in &sides {
        if side.is_yield {
            return fail_at("assignment to yield expression not possible", &side.expr);
        }
        let ctx = if single {
            TargetCtx::AssignSingle { stmt_start: l }
        } else {
            TargetCtx::Assign
        };
        if let Err(e) = targets::check(&side.expr, ctx) {
            return Err(user_error(
                bare_tuple_target(l, &side.expr, &value).unwrap_or(e),
            ));
        }
    }
    let targets = sides.into_iter().map(|s| s.expr).collect();
    Ok(stmt(l, StmtKind::Assign { targets, value }, r))
}

/// `+a, b = 1`: a bad target in a bare tuple. CPython then reads the last
/// element and the value (`b = 1`) as a mistaken comparison, and says so.
fn bare_tuple_target(stmt_start: usize, target: &Expr, value: &Expr) -> Option<SyntaxError> {
    let ExprKind::Tuple(elts) = &target.kind else {
        return None;
    };
    let first = elts.first()?;
    let last = elts.last()?;
    let bare = target.span.start as usize == stmt_start && first.span.start == target.span.start;
    // Both sides of that `=` must be bitwise-or expressions.
    let bitwise_or = |e: &Expr| {
        !matches!(
            e.kind,
            ExprKind::BoolOp { .. }
                | ExprKind::UnaryOp {
                    op: UnaryOp::Not,
                    ..
                }
                | ExprKind::Compare { .. }
                | ExprKind::IfExp { .. }
                | ExprKind::Lambda { .. }
                | ExprKind::Yield(_)
                | ExprKind::YieldFrom(_)
                | ExprKind::NamedExpr { .. }
                | ExprKind::Starred(_)
                | ExprKind::List(_)
                | ExprKind::Tuple(_)
                | ExprKind::GeneratorExp { .. }
                | ExprKind::Constant(Constant::True | Constant::False | Constant::None)
        )
    };
    // The value up to its first comma, if it is a bare tuple.
    let head = match &value.kind {
        ExprKind::Tuple(v) if v.first().is_some_and(|e| e.span.start == value.span.start) => {
            v.first()?
        }
        _ => value,
    };
    let head_ok = bitwise_or(head)
        || matches!(
            head.kind,
            ExprKind::List(_)
                | ExprKind::Tuple(_)
                | ExprKind::GeneratorExp { .. }
                | ExprKind::Constant(Constant::True | Constant::False | Constant::None)
        );
    if elts.len() < 2 || !bare || !bitwise_or(last) || !head_ok {
        return None;
    }
    if matches!(last.kind, ExprKind::Name(_)) {
        let msg = "invalid syntax. Maybe you meant '==' or ':=' instead of '='?";
        let span = Span::new(last.span.start as usize, head.span.end as usize);
        return Some(SyntaxError::new(msg, span));
    }
    let name = targets::expr_name(last);
    let msg = format!("cannot assign to {name} here. Maybe you meant '==' instead of '='?");
    Some(SyntaxError::new(msg, last.span))
}

/// `target op= value`, the target checked.
pub(crate) fn aug_assign(
    l: usize,
    target: Expr,
    op: BinOp,
    value: AssignRhs,
    r: usize,
) -> PResult<Stmt> {
    targets::check(&target, TargetCtx::AugAssign).map_err(user_error)?;
    Ok(stmt(
        l,
        StmtKind::AugAssign {
            target,
            op,
            value: value.expr,
        },
        r,
    ))
}

/// `target: annotation [= value]`, the target checked.
pub(crate) fn ann_assign(
    l: usize,
    target: Expr,
    annotation: Expr,
    value: Option<AssignRhs>,
    r: usize,
) -> PResult<Stmt> {
    targets::check(&target, TargetCtx::Annotated).map_err(user_error)?;
    // `(x): int` is not "simple": the name was parenthesized.
    let simple = matches!(target.kind, ExprKind::Name(_)) && target.span.start as usize == l;
    let value = value.map(|v| v.expr);
    Ok(stmt(
        l,
        StmtKind::AnnAssign {
            target,
            annotation,
            value,
            simple,
        },
        r,
    ))
}

/// `name [as asname]`.
pub(crate) fn alias(l: usize, name: String, asname: Option<String>, r: usize) -> Alias {
    Alias {
        span: span(l, r),
        name,
        asname,
    }
}

/// The names of a from-import; `last` is None after a trailing comma.
pub(crate) fn import_names(
    mut v: Vec<Alias>,
    last: Option<Alias>,
    parenthesized: bool,
    end: usize,
) -> ImportNames {
    let trailing_comma = last.is_none() && !v.is_empty();
    v.extend(last);
    ImportNames {
        names: v,
        trailing_comma,
        parenthesized,
        end,
    }
}

/// `from ..m import (a as b, c)`; `import_at` is the offset of `import`.
pub(crate) fn import_from(
    l: usize,
    dots: Vec<u32>,
    module: Option<String>,
    import_at: usize,
    names: ImportNames,
    r: usize,
) -> PResult<Stmt> {
    if dots.is_empty() && module.is_none() {
        return fail("invalid syntax", import_at, import_at + "import".len());
    }
    if names.names.is_empty() {
        return fail("invalid syntax", names.end, names.end + 1);
    }
    if names.trailing_comma && !names.parenthesized {
        return fail(
            "trailing comma not allowed without surrounding parentheses",
            names.end,
            names.end,
        );
    }
    let level = dots.iter().sum();
    Ok(stmt(
        l,
        StmtKind::ImportFrom {
            module,
            names: names.names,
            level,
        },
        r,
    ))
}

// ---------------------------------------------------------------------------
// Compound statements.

/// Attaches decorators to a def or class.
pub(crate) fn decorate(decorators: Vec<Expr>, mut s: Stmt) -> Stmt {
    match &mut s.kind {
        StmtKind::FunctionDef(f) => f.decorators = decorators,
        StmtKind::ClassDef(c) => c.decorators = decorators,
        _ => {}
    }
    s
}

/// `if` with its `elif` chain, which nests in `orelse` from the last one up.
pub(crate) fn if_stmt(
    l: usize,
    test: Expr,
    body: Block,
    elifs: Vec<(usize, Expr, Block)>,
    orelse: Option<Block>,
) -> Stmt {
    let (mut orelse, mut end) = split(orelse);
    for (el, test, body) in elifs.into_iter().rev() {
        let r = end.unwrap_or(body.end);
        let kind = StmtKind::If {
            test,
            body: body.stmts,
            orelse,
        };
        orelse = vec![stmt(el, kind, r)];
        end = Some(r);
    }
    let r = end.unwrap_or(body.end);
    stmt(
        l,
        StmtKind::If {
            test,
            body: body.stmts,
            orelse,
        },
        r,
    )
}

/// `while test: body [else: orelse]`.
pub(crate) fn while_stmt(l: usize, test: Expr, body: Block, orelse: Option<Block>) -> Stmt {
    let (orelse, end) = split(orelse);
    let r = end.unwrap_or(body.end);
    stmt(
        l,
        StmtKind::While {
            test,
            body: body.stmts,
            orelse,
        },
        r,
    )
}

/// `[async] for target in iter: body [else: orelse]`, the target checked.
pub(crate) fn for_stmt(
    l: usize,
    is_async: bool,
    rest: Box<(Expr, Expr, Block, Option<Block>)>,
) -> PResult<Stmt> {
    let (target, iter, body, orelse) = *rest;
    targets::check(&target, TargetCtx::For).map_err(user_error)?;
    let (orelse, end) = split(orelse);
    let r = end.unwrap_or(body.end);
    let kind = StmtKind::For {
        is_async,
        target,
        iter,
        body: body.stmts,
        orelse,
    };
    Ok(stmt(l, kind, r))
}

/// One `except` clause; the flag says `except*`.
pub(crate) fn handler(
    l: usize,
    is_star: bool,
    typ: Option<Expr>,
    name: Option<String>,
    body: Block,
) -> (bool, ExceptHandler) {
    let handler = ExceptHandler {
        span: span(l, body.end),
        typ,
        name,
        body: body.stmts,
    };
    (is_star, handler)
}

/// `try` with its clauses; `except` and `except*` cannot mix.
pub(crate) fn try_stmt(
    l: usize,
    body: Block,
    handlers: Vec<(bool, ExceptHandler)>,
    orelse: Option<Block>,
    finalbody: Option<Block>,
) -> PResult<Stmt> {
    let is_star = handlers.first().is_some_and(|h| h.0);
    if let Some((_, h)) = handlers.iter().find(|h| h.0 != is_star) {
        let at = h.span.start as usize;
        let msg = "cannot have both 'except' and 'except*' on the same 'try'";
        return fail(msg, at, at + "except".len());
    }
    let handlers: Vec<ExceptHandler> = handlers.into_iter().map(|h| h.1).collect();
    let (orelse, else_end) = split(orelse);
    let (finalbody, finally_end) = split(finalbody);
    let end = finally_end
        .or(else_end)
        .or(handlers.last().map(|h| h.span.end as usize))
        .unwrap_or(body.end);
    let kind = StmtKind::Try {
        body: body.stmts,
        handlers,
        orelse,
        finalbody,
        is_star,
    };
    Ok(stmt(l, kind, end))
}

/// `context as target`, the target checked.
pub(crate) fn with_item(context_expr: Expr, target: Expr) -> PResult<WithItem> {
    targets::check(&target, TargetCtx::With).map_err(user_error)?;
    Ok(WithItem {
        context_expr,
        optional_vars: Some(target),
    })
}

/// `[async] with items: body`.
pub(crate) fn with_stmt(l: usize, is_async: bool, items: Vec<WithItem>, body: Block) -> Stmt {
    stmt(
        l,
        StmtKind::With {
            is_async,
            items,
            body: body.stmts,
        },
        body.end,
    )
}

/// `[async] def name(args) -> returns: body`.
pub(crate) fn func_def(
    l: usize,
    is_async: bool,
    rest: Box<(String, Arguments, Option<Expr>, Block)>,
) -> Stmt {
    let (name, args, returns, body) = *rest;
    let def = FunctionDef {
        is_async,
        name,
        args,
        body: body.stmts,
        decorators: Vec::new(),
        returns,
    };
    stmt(l, StmtKind::FunctionDef(Box::new(def)), body.end)
}

/// `class name(bases, keywords): body`.
pub(crate) fn class_def(
    l: usize,
    name: String,
    args: Option<(Vec<Expr>, Vec<Keyword>)>,
    body: Block,
) -> Stmt {
    let (bases, keywords) = args.unwrap_or_default();
    let class = ClassDef {
        name,
        bases,
        keywords,
        body: body.stmts,
        decorators: Vec::new(),
    };
    stmt(l, StmtKind::ClassDef(Box::new(class)), body.end)
}

// ---------------------------------------------------------------------------
// Parameters.

/// One parameter.
pub(crate) fn arg(l: usize, name: String, annotation: Option<Expr>, r: usize) -> Arg {
    Arg {
        span: span(l, r),
        name,
        annotation,
    }
}

fn fail_span<T>(msg: &str, s: Span) -> PResult<T> {
    Err(user_error(SyntaxError::new(msg, s)))
}

/// Sorts a flat parameter list into CPython's `arguments` layout, with
/// CPython's messages for the orders it rejects.
pub(crate) fn arguments(items: Vec<ParamItem>) -> PResult<Box<Arguments>> {
    let mut args = Arguments::default();
    let mut seen_slash = false;
    let mut star: Option<Span> = None;
    let mut seen_kwarg = false;
    let mut seen_default = false;
    for item in items {
        if seen_kwarg {
            let s = match &item {
                ParamItem::Plain(a, _) => a.span,
                ParamItem::Slash(s) | ParamItem::Star(s, ..) | ParamItem::DoubleStar(s, ..) => *s,
            };
            return fail_span("arguments cannot follow var-keyword argument", s);
        }
        match item {
            ParamItem::Plain(arg, default) => {
                if star.is_some() {
                    args.kwonlyargs.push(arg);
                    args.kw_defaults.push(default);
                } else {
                    match default {
                        Some(d) => {
                            seen_default = true;
                            args.defaults.push(d);
                        }
                        None if seen_default => {
                            return fail_span(
                                "non-default argument follows default argument",
                                arg.span,
                            );
                        }
                        None => {}
                    }
                    args.args.push(arg);
                }
            }
            ParamItem::Slash(s) => {
                if seen_slash {
                    return fail_span("/ may appear only once", s);
                }
                if star.is_some() {
                    return fail_span("/ must be ahead of *", s);
                }
                if args.args.is_empty() {
                    return fail_span("at least one argument must precede /", s);
                }
                seen_slash = true;
                args.posonlyargs = std::mem::take(&mut args.args);
            }
            ParamItem::Star(s, arg, eq) => {
                if let Some(eq) = eq {
                    return fail(
                        "var-positional argument cannot have default value",
                        eq,
                        eq + 1,
                    );
                }
                if star.is_some() {
                    return fail_span("* argument may appear only once", s);
                }
                star = Some(s);
                args.vararg = arg;
            }
            ParamItem::DoubleStar(_, arg, eq) => {
                if let Some(eq) = eq {
                    return fail("var-keyword argument cannot have default value", eq, eq + 1);
                }
                seen_kwarg = true;
                args.kwarg = Some(arg);
            }
        }
    }
    if let Some(s) = star {
        if args.vararg.is_none() && args.kwonlyargs.is_empty() {
            return fail_span("named arguments must follow bare *", s);
        }
    }
    Ok(Box::new(args))
}

// ---------------------------------------------------------------------------
// Calls.

/// `arg=value`, or `**value` when `arg` is None.
pub(crate) fn keyword(l: usize, arg: Option<String>, value: Expr, r: usize) -> Keyword {
    Keyword {
        span: span(l, r),
        arg,
        value,
    }
}

/// `key=value` in a call: `key` must be a bare name.
pub(crate) fn keyword_arg(l: usize, key: Expr, value: Expr, r: usize) -> PResult<ArgItem> {
    // CPython underlines from the key to the `=`.
    let bad = (key.span.start as usize, value.span.start as usize);
    match key.kind {
        ExprKind::Name(name) if key.span.start as usize == l => {
            Ok(ArgItem::Keyword(keyword(l, Some(name), value, r)))
        }
        ExprKind::Constant(c @ (Constant::True | Constant::False | Constant::None)) => {
            let name = match c {
                Constant::True => "True",
                Constant::False => "False",
                _ => "None",
            };
            fail(&format!("cannot assign to {name}"), bad.0, bad.1)
        }
        _ => fail(
            "expression cannot contain assignment, perhaps you meant \"==\"?",
            bad.0,
            bad.1,
        ),
    }
}

/// Checks the order of a call's arguments; `l..r` spans the parentheses (a
/// lone generator argument takes that span, as in CPython).
pub(crate) fn call_args(
    l: usize,
    items: (Vec<ArgItem>, bool),
    r: usize,
) -> PResult<(Vec<Expr>, Vec<Keyword>)> {
    let (items, trailing_comma) = items;
    let count = items.len();
    let mut args = Vec::new();
    let mut keywords: Vec<Keyword> = Vec::new();
    let mut seen_double_star = false;
    for item in items {
        match item {
            ArgItem::Generator(mut g) => {
                if count > 1 || trailing_comma {
                    return fail_at("Generator expression must be parenthesized", &g);
                }
                g.span = span(l, r);
                args.push(g);
            }
            ArgItem::Positional(e) => {
                let starred = matches!(e.kind, ExprKind::Starred(_));
                if seen_double_star {
                    let msg = if starred {
                        "iterable argument unpacking follows keyword argument unpacking"
                    } else {
                        "positional argument follows keyword argument unpacking"
                    };
                    if starred {
                        let star = e.span.start as usize;
                        return fail(msg, star, star + 1);
                    }
                    // CPython points just past the argument.
                    let end = e.span.end as usize;
                    return fail(msg, end, end + 1);
                }
                if !starred && !keywords.is_empty() {
                    // CPython points just past the argument.
                    let end = e.span.end as usize;
                    return fail("positional argument follows keyword argument", end, end + 1);
                }
                args.push(e);
            }
            ArgItem::Keyword(k) => keywords.push(k),
            ArgItem::DoubleStar(k) => {
                seen_double_star = true;
                keywords.push(k);
            }
        }
    }
    Ok((args, keywords))
}

/// `func(args)`.
pub(crate) fn call(l: usize, func: Expr, args: (Vec<Expr>, Vec<Keyword>), r: usize) -> Expr {
    let (args, keywords) = args;
    expr(
        l,
        ExprKind::Call {
            func: Box::new(func),
            args,
            keywords,
        },
        r,
    )
}

/// The inside of `x[...]`: one index, or a tuple of them (`x[*a]` is a
/// one-element tuple, as in CPython 3.11).
pub(crate) fn subscript_list(
    l: usize,
    first: Expr,
    rest: Vec<Expr>,
    trailing: bool,
    r: usize,
) -> Expr {
    let starred = matches!(first.kind, ExprKind::Starred(_));
    if rest.is_empty() && !trailing && !starred {
        first
    } else {
        expr(l, ExprKind::Tuple(prepend(first, rest)), r)
    }
}

/// `lower:upper:step`, starting at `l` (the first token, or the `:`).
pub(crate) fn slice(
    l: usize,
    lower: Option<Expr>,
    upper: Option<Expr>,
    step: Option<Expr>,
    r: usize,
) -> Expr {
    let kind = ExprKind::Slice {
        lower: lower.map(Box::new),
        upper: upper.map(Box::new),
        step: step.map(Box::new),
    };
    expr(l, kind, r)
}

// ---------------------------------------------------------------------------
// Displays.

/// `{k: v, **m}`; a None key is a `**` entry.
pub(crate) fn dict(
    l: usize,
    first: (Option<Expr>, Expr),
    rest: Vec<(Option<Expr>, Expr)>,
    r: usize,
) -> Expr {
    let (keys, values) = prepend(first, rest).into_iter().unzip();
    expr(l, ExprKind::Dict { keys, values }, r)
}

/// The clauses of a comprehension: each `if` joins the `for` before it.
pub(crate) fn comprehensions(
    first: Comprehension,
    rest: Vec<Clause>,
) -> PResult<Vec<Comprehension>> {
    let mut out = vec![first];
    for clause in rest {
        match clause {
            Clause::For(c) => out.push(c),
            Clause::If(cond) => {
                if let Some(last) = out.last_mut() {
                    last.ifs.push(cond);
                }
            }
        }
    }
    for c in &out {
        targets::check(&c.target, TargetCtx::Comprehension).map_err(user_error)?;
    }
    Ok(out)
}

/// Adjacent string literals, concatenated (f-strings parsed).
pub(crate) fn strings(l: usize, parts: Vec<StrPart>, r: usize) -> PResult<Expr> {
    super::fstring::concat(l, parts, r).map_err(user_error)
}
