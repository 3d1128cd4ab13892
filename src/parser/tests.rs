//! Unit tests of the parser: trees, spans, and CPython 3.11's error messages
//! and lines (each expected message was checked against python3.11).

use super::*;
use crate::ast::{BinOp, CmpOp, Constant, ExprKind, StmtKind, UnaryOp};

fn parse(text: &str) -> Module {
    let src = SourceFile::new("t.py", text);
    match parse_module(&src) {
        Ok(m) => m,
        Err(e) => panic!("unexpected error for {text:?}:\n{}", e.render(&src)),
    }
}

fn dump(text: &str) -> String {
    let src = SourceFile::new("t.py", text);
    dump_module(&parse(text), &src)
}

/// The first statement's expression.
fn expr(text: &str) -> Expr {
    match parse(text).body.into_iter().next().map(|s| s.kind) {
        Some(StmtKind::Expr(e)) => e,
        other => panic!("not an expression statement: {other:?}"),
    }
}

/// The error as `Class: message @line`.
fn error(text: &str) -> String {
    let src = SourceFile::new("t.py", text);
    match parse_module(&src) {
        Ok(_) => panic!("no error for {text:?}"),
        Err(e) => format!("{e} @{}", e.line(&src)),
    }
}

fn check_errors(cases: &[(&str, &str)]) {
    let mut failures = Vec::new();
    for (text, want) in cases {
        let got = error(text);
        if got != *want {
            failures.push(format!("{text:?}\n  want {want}\n  got  {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

const EVERY_STATEMENT: &str = r#"
import asyncio, os.path as p
from . import a
from ..m import (b as c, d,)
from m import *
x = y = 1
a, *b = [c, d] = e
o.attr = s[0] = s[1:2, ::3] = 5
x += 1; x //= 2; x **= 3;
x: int = 5
(y): int
del a, b[0], c.d
pass
assert x, "msg"
global g
nonlocal n

@decorator
@other(1).attr
async def main(a, b=1, /, c=2, *args, d, e=3, **kw) -> int:
    """docstring"""
    async with open(a) as f, lock:
        await asyncio.sleep(0.1)
    async for i in aiter():
        if i: continue
        elif not i: break
        else: pass
    with (a as b, c as d,):
        pass
    while x:
        x -= 1
    else:
        return
    for i, j in pairs:
        yield i
    else:
        z = yield from g
    try:
        raise ValueError("x") from None
    except (A, B) as e:
        raise
    except C:
        pass
    else:
        pass
    finally:
        return await f(*a, x, k=1, **d)

class K(Base, metaclass=Meta):
    attr = 1
    def m(self): return self.attr

try:
    pass
except* ValueError:
    pass
"#;

#[test]
fn every_statement_form_parses() {
    let m = parse(EVERY_STATEMENT);
    let kinds: Vec<&str> = m
        .body
        .iter()
        .map(|s| match &s.kind {
            StmtKind::Import(_) => "Import",
            StmtKind::ImportFrom { .. } => "ImportFrom",
            StmtKind::Assign { .. } => "Assign",
            StmtKind::AugAssign { .. } => "AugAssign",
            StmtKind::AnnAssign { .. } => "AnnAssign",
            StmtKind::Delete(_) => "Delete",
            StmtKind::Pass => "Pass",
            StmtKind::Assert { .. } => "Assert",
            StmtKind::Global(_) => "Global",
            StmtKind::Nonlocal(_) => "Nonlocal",
            StmtKind::FunctionDef(_) => "FunctionDef",
            StmtKind::ClassDef(_) => "ClassDef",
            StmtKind::Try { is_star: true, .. } => "TryStar",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Import",
            "ImportFrom",
            "ImportFrom",
            "ImportFrom",
            "Assign",
            "Assign",
            "Assign",
            "AugAssign",
            "AugAssign",
            "AugAssign",
            "AnnAssign",
            "AnnAssign",
            "Delete",
            "Pass",
            "Assert",
            "Global",
            "Nonlocal",
            "FunctionDef",
            "ClassDef",
            "TryStar"
        ]
    );
    let StmtKind::FunctionDef(f) = &m.body[17].kind else {
        panic!()
    };
    assert!(f.is_async);
    assert_eq!(f.decorators.len(), 2);
    assert_eq!(f.args.posonlyargs.len(), 2);
    assert_eq!(f.args.args.len(), 1);
    assert_eq!(f.args.defaults.len(), 2);
    assert_eq!(f.args.kwonlyargs.len(), 2);
    assert_eq!(f.args.kw_defaults.iter().filter(|d| d.is_some()).count(), 1);
    assert!(f.args.vararg.is_some() && f.args.kwarg.is_some() && f.returns.is_some());
    // The parenthesized with-items are two items, not a tuple.
    let StmtKind::With { items, .. } = &f.body[3].kind else {
        panic!()
    };
    assert_eq!(items.len(), 2);
    let StmtKind::AnnAssign { simple, .. } = &m.body[11].kind else {
        panic!()
    };
    assert!(!simple, "(y): int is not simple");
}

#[test]
fn dump_format() {
    let text = "async def main():\n    x = -2 ** 2\n    await f(a, k=1)\n";
    let want = "\
Module
  body:
    FunctionDef async name='main' @1:0-3:19
      body:
        Assign @2:4-2:15
          targets:
            Name id='x' @2:4-2:5
          value: UnaryOp op=USub @2:8-2:15
            operand: BinOp op=Pow @2:9-2:15
              left: Constant value=2 @2:9-2:10
              right: Constant value=2 @2:14-2:15
        Expr @3:4-3:19
          Await @3:4-3:19
            Call @3:10-3:19
              func: Name id='f' @3:10-3:11
              args:
                Name id='a' @3:12-3:13
              keywords:
                Keyword arg='k' @3:15-3:18
                  Constant value=1 @3:17-3:18
";
    assert_eq!(dump(text), want);
}

#[test]
fn dump_constants_use_python_repr() {
    let d = dump("x = ['a\\n', \"it's\", b'\\x00q', 1.5, 1e16, 1e-5, 10**20, None, ...]\n");
    for want in [
        r"'a\n'",
        r#""it's""#,
        r"b'\x00q'",
        "value=1.5 ",
        "value=1e+16 ",
        "value=1e-05 ",
        "value=None ",
        "value=Ellipsis ",
    ] {
        assert!(d.contains(want), "{want} not in\n{d}");
    }
}

#[test]
fn precedence_and_associativity() {
    // -2**2 is -(2**2); 2**-1 is 2**(-1); a**b**c is a**(b**c).
    let e = expr("-2**2");
    let ExprKind::UnaryOp {
        op: UnaryOp::USub,
        operand,
    } = e.kind
    else {
        panic!()
    };
    assert!(matches!(
        operand.kind,
        ExprKind::BinOp { op: BinOp::Pow, .. }
    ));
    let ExprKind::BinOp { right, .. } = expr("a**b**c").kind else {
        panic!()
    };
    assert!(matches!(right.kind, ExprKind::BinOp { op: BinOp::Pow, .. }));
    // await binds tighter than **.
    let ExprKind::BinOp {
        left,
        op: BinOp::Pow,
        ..
    } = expr("await x ** 2").kind
    else {
        panic!()
    };
    assert!(matches!(left.kind, ExprKind::Await(_)));
    // Left associativity of - and the order of the arithmetic levels.
    let ExprKind::BinOp {
        left,
        op: BinOp::Sub,
        ..
    } = expr("a - b - c").kind
    else {
        panic!()
    };
    assert!(matches!(left.kind, ExprKind::BinOp { op: BinOp::Sub, .. }));
    let ExprKind::BinOp {
        op: BinOp::BitOr,
        right,
        ..
    } = expr("a | b ^ c & d << e + f * g").kind
    else {
        panic!()
    };
    assert!(matches!(
        right.kind,
        ExprKind::BinOp {
            op: BinOp::BitXor,
            ..
        }
    ));
    // `or` is loosest, then `and`, then `not`.
    let ExprKind::BoolOp { values, .. } = expr("a or b and not c").kind else {
        panic!()
    };
    assert!(matches!(values[1].kind, ExprKind::BoolOp { .. }));
    let ExprKind::UnaryOp {
        op: UnaryOp::Not,
        operand,
    } = expr("not a == b").kind
    else {
        panic!()
    };
    assert!(matches!(operand.kind, ExprKind::Compare { .. }));
    // Conditional expressions nest to the right.
    let ExprKind::IfExp { orelse, .. } = expr("a if b else c if d else e").kind else {
        panic!()
    };
    assert!(matches!(orelse.kind, ExprKind::IfExp { .. }));
    let ExprKind::Lambda { body, .. } = expr("lambda: a if b else c").kind else {
        panic!()
    };
    assert!(matches!(body.kind, ExprKind::IfExp { .. }));
}

#[test]
fn chained_comparisons() {
    let ExprKind::Compare {
        ops, comparators, ..
    } = expr("a < b <= c is not d not in e").kind
    else {
        panic!()
    };
    assert_eq!(ops, [CmpOp::Lt, CmpOp::LtE, CmpOp::IsNot, CmpOp::NotIn]);
    assert_eq!(comparators.len(), 4);
}

#[test]
fn spans_follow_cpython() {
    let src = SourceFile::new("t.py", "x = (a, b,)\nf(x for x in y)\n(a).b\ny = 1, 2,\n");
    let m = parse_module(&src).unwrap();
    let pos = |s: crate::source::Span| {
        let (l1, c1) = src.line_col(s.start);
        let (l2, c2) = src.line_col(s.end);
        (l1, c1, l2, c2)
    };
    let StmtKind::Assign { value, .. } = &m.body[0].kind else {
        panic!()
    };
    assert_eq!(
        pos(value.span),
        (1, 4, 1, 11),
        "a tuple's span includes its parentheses"
    );
    let StmtKind::Expr(call) = &m.body[1].kind else {
        panic!()
    };
    let ExprKind::Call { args, .. } = &call.kind else {
        panic!()
    };
    assert_eq!(
        pos(args[0].span),
        (2, 1, 2, 15),
        "a lone generator argument spans the call's parentheses"
    );
    let StmtKind::Expr(attr) = &m.body[2].kind else {
        panic!()
    };
    assert_eq!(pos(attr.span), (3, 0, 3, 5));
    let ExprKind::Attribute { value, .. } = &attr.kind else {
        panic!()
    };
    assert_eq!(
        pos(value.span),
        (3, 1, 3, 2),
        "parentheses are not part of a name's span"
    );
    let StmtKind::Assign { value, .. } = &m.body[3].kind else {
        panic!()
    };
    assert_eq!(
        pos(value.span),
        (4, 4, 4, 9),
        "a bare tuple's span includes a trailing comma"
    );
}

#[test]
fn compound_statements_end_at_their_last_token() {
    let src = SourceFile::new("t.py", "def f():\n    x = 1; del x;\n\n# c\n");
    let m = parse_module(&src).unwrap();
    assert_eq!(
        src.line_col(m.body[0].span.end),
        (2, 17),
        "the trailing ';' counts"
    );
}

#[test]
fn elif_chains_nest_in_orelse() {
    let m = parse("if a:\n  pass\nelif b:\n  pass\nelse:\n  x\n");
    let StmtKind::If { orelse, .. } = &m.body[0].kind else {
        panic!()
    };
    let StmtKind::If { orelse: inner, .. } = &orelse[0].kind else {
        panic!()
    };
    assert_eq!(inner.len(), 1);
    let src = SourceFile::new("t.py", "if a:\n  pass\nelif b:\n  pass\nelse:\n  x\n");
    assert_eq!(
        src.line_col(orelse[0].span.start),
        (3, 0),
        "an elif starts at `elif`"
    );
}

#[test]
fn with_parentheses_forms() {
    let items = |text: &str| {
        let m = parse(text);
        let StmtKind::With { items, .. } = &m.body[0].kind else {
            panic!()
        };
        items
            .iter()
            .map(|i| {
                (
                    crate::parser::targets::expr_name(&i.context_expr),
                    i.optional_vars.is_some(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        items("with (a, b): pass\n"),
        [("name", false), ("name", false)]
    );
    assert_eq!(items("with (a, b) as c: pass\n"), [("tuple", true)]);
    assert_eq!(
        items("with (a as b, c as d,): pass\n"),
        [("name", true), ("name", true)]
    );
    assert_eq!(
        items("with (a) as b, (c) as d: pass\n"),
        [("name", true), ("name", true)]
    );
    assert_eq!(items("with (): pass\n"), [("tuple", false)]);
    assert_eq!(
        items("with (x for x in y): pass\n"),
        [("generator expression", false)]
    );
    assert_eq!(
        items("with (a := b): pass\n"),
        [("named expression", false)]
    );
    assert_eq!(
        items("with (yield x): pass\n"),
        [("yield expression", false)]
    );
}

#[test]
fn calls_subscripts_and_displays() {
    let ExprKind::Call { args, keywords, .. } = expr("f(a, *b, c=1, **d)").kind else {
        panic!()
    };
    assert_eq!(args.len(), 2);
    assert!(matches!(args[1].kind, ExprKind::Starred(_)));
    assert_eq!(keywords.len(), 2);
    assert!(keywords[1].arg.is_none());
    let ExprKind::Call { args, .. } = expr("f(x for x in y)").kind else {
        panic!()
    };
    assert!(matches!(args[0].kind, ExprKind::GeneratorExp { .. }));
    let ExprKind::Subscript { slice, .. } = expr("a[1:2, ::3]").kind else {
        panic!()
    };
    let ExprKind::Tuple(elts) = slice.kind else {
        panic!()
    };
    assert!(elts
        .iter()
        .all(|e| matches!(e.kind, ExprKind::Slice { .. })));
    let ExprKind::Subscript { slice, .. } = expr("a[*b]").kind else {
        panic!()
    };
    assert!(matches!(slice.kind, ExprKind::Tuple(_)));
    assert!(matches!(expr("()").kind, ExprKind::Tuple(ref v) if v.is_empty()));
    assert!(matches!(expr("(1,)").kind, ExprKind::Tuple(ref v) if v.len() == 1));
    assert!(matches!(expr("{}").kind, ExprKind::Dict { .. }));
    let ExprKind::Dict { keys, .. } = expr("{**a, 'b': 1}").kind else {
        panic!()
    };
    assert!(keys[0].is_none() && keys[1].is_some());
    assert!(matches!(expr("{*a, b}").kind, ExprKind::Set(_)));
    assert!(matches!(
        expr("{k: v for k, v in x}").kind,
        ExprKind::DictComp { .. }
    ));
    assert!(matches!(
        expr("{x for x in y}").kind,
        ExprKind::SetComp { .. }
    ));
    let ExprKind::ListComp { generators, .. } =
        expr("[x async for x in y if x if not x for z in x]").kind
    else {
        panic!()
    };
    assert_eq!(generators.len(), 2);
    assert!(generators[0].is_async);
    assert_eq!(generators[0].ifs.len(), 2);
    assert!(matches!(expr("[y := f(x), y**2]").kind, ExprKind::List(_)));
    assert!(matches!(expr("(yield)").kind, ExprKind::Yield(None)));
}

#[test]
fn soft_keywords_are_names() {
    parse("match = 1\nmatch(x)\ncase = match.case\n_ = type\nprint(match, case)\n");
}

#[test]
fn strings_concatenate() {
    assert_eq!(
        expr("'a' \"b\" '''c'''").kind,
        ExprKind::Constant(Constant::Str("abc".into()))
    );
    assert_eq!(
        expr("b'a' b'\\x00'").kind,
        ExprKind::Constant(Constant::Bytes(vec![b'a', 0]))
    );
    let ExprKind::JoinedStr(values) = expr("'a' f'b{x}c' 'd'").kind else {
        panic!()
    };
    assert_eq!(values.len(), 3);
    assert_eq!(
        values[0].kind,
        ExprKind::Constant(Constant::Str("ab".into()))
    );
    assert_eq!(
        values[2].kind,
        ExprKind::Constant(Constant::Str("cd".into()))
    );
    let ExprKind::JoinedStr(values) = expr("'' f'{x}' ''").kind else {
        panic!()
    };
    assert_eq!(values.len(), 1, "empty literal parts vanish");
    let ExprKind::JoinedStr(values) = expr("'a' f'b'").kind else {
        panic!()
    };
    assert_eq!(values.len(), 1);
}

#[test]
fn fstring_fields() {
    let ExprKind::JoinedStr(values) = expr("f'a{x=}'").kind else {
        panic!()
    };
    assert_eq!(
        values[0].kind,
        ExprKind::Constant(Constant::Str("ax=".into()))
    );
    let ExprKind::FormattedValue {
        conversion,
        format_spec,
        ..
    } = &values[1].kind
    else {
        panic!()
    };
    assert_eq!((*conversion, format_spec.is_none()), (Some('r'), true));

    let ExprKind::JoinedStr(values) = expr("f'{x = :>10}'").kind else {
        panic!()
    };
    assert_eq!(
        values[0].kind,
        ExprKind::Constant(Constant::Str("x = ".into()))
    );
    let ExprKind::FormattedValue {
        conversion,
        format_spec,
        ..
    } = &values[1].kind
    else {
        panic!()
    };
    assert_eq!(*conversion, None, "a format spec turns off the debug repr");
    assert!(format_spec.is_some());

    let ExprKind::JoinedStr(values) = expr("f'{x!s:^{w}.{p}f}'").kind else {
        panic!()
    };
    let ExprKind::FormattedValue {
        conversion,
        format_spec,
        ..
    } = &values[0].kind
    else {
        panic!()
    };
    assert_eq!(*conversion, Some('s'));
    let Some(spec) = format_spec else { panic!() };
    let ExprKind::JoinedStr(parts) = &spec.kind else {
        panic!()
    };
    assert_eq!(parts.len(), 5);

    let ExprKind::JoinedStr(values) = expr("f'{{a}}{1:}'").kind else {
        panic!()
    };
    assert_eq!(
        values[0].kind,
        ExprKind::Constant(Constant::Str("{a}".into()))
    );
    assert!(
        matches!(&values[1].kind, ExprKind::FormattedValue { format_spec: Some(s), .. }
        if matches!(&s.kind, ExprKind::JoinedStr(v) if v.is_empty()))
    );

    // Fields may hold strings, dicts, comparisons and tuples.
    parse("f'{\"a\"}{ {1: 2}[1] }{a != b}{a, b}{x!r}{3:{\"<\"}5}'\n");
}

#[test]
fn fstring_field_spans_point_into_the_file() {
    let src = SourceFile::new("t.py", "y = 1\nz = f'ab{ value }cd'\n");
    let m = parse_module(&src).unwrap();
    let StmtKind::Assign { value, .. } = &m.body[1].kind else {
        panic!()
    };
    let ExprKind::JoinedStr(values) = &value.kind else {
        panic!()
    };
    let ExprKind::FormattedValue { value: name, .. } = &values[1].kind else {
        panic!()
    };
    assert_eq!(src.line_col(name.span.start), (2, 10));
    assert_eq!(src.line_col(name.span.end), (2, 15));
    assert_eq!(src.line_col(values[1].span.start), (2, 8));
}

#[test]
fn parse_expression_uses_the_base_offset() {
    let e = parse_expression("  a + b", 100).unwrap();
    assert_eq!((e.span.start, e.span.end), (102, 107));
    assert!(parse_expression("a +", 0).is_err());
}

#[test]
fn interactive_input() {
    assert!(parse_interactive("").unwrap().body.is_empty());
    assert_eq!(parse_interactive("x = 1; y = 2\n").unwrap().body.len(), 2);
    assert_eq!(
        parse_interactive("if x:\n    pass\n\n").unwrap().body.len(),
        1
    );
    assert_eq!(
        parse_interactive("@d\ndef f(): pass\n").unwrap().body.len(),
        1
    );
    let e = parse_interactive("x = 1\ny = 2\n").unwrap_err();
    assert_eq!(
        e.msg,
        "multiple statements found while compiling a single statement"
    );
}

#[test]
fn not_parse_errors() {
    // Python's ast.parse accepts these; the compiler reports them.
    parse("return 1\nyield x\nawait y\nbreak\ncontinue\nnonlocal n\n*a = b\ndef f(a, a): pass\n");
}

#[test]
fn target_errors() {
    check_errors(&[
        ("f() = 1", "SyntaxError: cannot assign to function call here. Maybe you meant '==' instead of '='? @1"),
        ("1 = x", "SyntaxError: cannot assign to literal here. Maybe you meant '==' instead of '='? @1"),
        ("a + b = 1", "SyntaxError: cannot assign to expression here. Maybe you meant '==' instead of '='? @1"),
        ("a, f() = 1", "SyntaxError: cannot assign to function call here. Maybe you meant '==' instead of '='? @1"),
        ("x = f() = 1", "SyntaxError: cannot assign to function call @1"),
        ("(a, f()) = 1", "SyntaxError: cannot assign to function call @1"),
        ("None = 1", "SyntaxError: cannot assign to None @1"),
        ("a if b else c = 1", "SyntaxError: cannot assign to conditional expression @1"),
        ("lambda: 1 = 1", "SyntaxError: cannot assign to lambda @1"),
        ("a < b = 1", "SyntaxError: cannot assign to comparison @1"),
        ("(yield) = 1", "SyntaxError: cannot assign to yield expression here. Maybe you meant '==' instead of '='? @1"),
        ("a = yield = 1", "SyntaxError: assignment to yield expression not possible @1"),
        ("del f()", "SyntaxError: cannot delete function call @1"),
        ("del (a, 1)", "SyntaxError: cannot delete literal @1"),
        ("del *a", "SyntaxError: cannot delete starred @1"),
        ("(a, b) += 1", "SyntaxError: 'tuple' is an illegal expression for augmented assignment @1"),
        ("f() += 1", "SyntaxError: 'function call' is an illegal expression for augmented assignment @1"),
        ("(x, y): int = 1", "SyntaxError: only single target (not tuple) can be annotated @1"),
        ("[x]: int", "SyntaxError: only single target (not list) can be annotated @1"),
        ("f(): int", "SyntaxError: illegal target for annotation @1"),
        ("for f() in x: pass", "SyntaxError: cannot assign to function call @1"),
        ("with a as 1: pass", "SyntaxError: cannot assign to literal @1"),
        ("[x for 1 in y]", "SyntaxError: cannot assign to literal @1"),
    ]);
}

#[test]
fn parameter_and_argument_errors() {
    check_errors(&[
        (
            "def f(a=1, b): pass",
            "SyntaxError: non-default argument follows default argument @1",
        ),
        (
            "def f(*, **k): pass",
            "SyntaxError: named arguments must follow bare * @1",
        ),
        (
            "def f(/, a): pass",
            "SyntaxError: at least one argument must precede / @1",
        ),
        (
            "def f(a, /, b, /): pass",
            "SyntaxError: / may appear only once @1",
        ),
        (
            "def f(*, a, /): pass",
            "SyntaxError: / must be ahead of * @1",
        ),
        (
            "def f(*a, *b): pass",
            "SyntaxError: * argument may appear only once @1",
        ),
        (
            "def f(**k, a): pass",
            "SyntaxError: arguments cannot follow var-keyword argument @1",
        ),
        (
            "def f(*a=1): pass",
            "SyntaxError: var-positional argument cannot have default value @1",
        ),
        (
            "def f(**a=1): pass",
            "SyntaxError: var-keyword argument cannot have default value @1",
        ),
        (
            "lambda a=1, b: 0",
            "SyntaxError: non-default argument follows default argument @1",
        ),
        (
            "f(a=1, b)",
            "SyntaxError: positional argument follows keyword argument @1",
        ),
        (
            "f(**a, b)",
            "SyntaxError: positional argument follows keyword argument unpacking @1",
        ),
        (
            "f(**a, *b)",
            "SyntaxError: iterable argument unpacking follows keyword argument unpacking @1",
        ),
        (
            "f(x for x in y, 1)",
            "SyntaxError: Generator expression must be parenthesized @1",
        ),
        (
            "f(x for x in y,)",
            "SyntaxError: Generator expression must be parenthesized @1",
        ),
        (
            "f(a.b=1)",
            "SyntaxError: expression cannot contain assignment, perhaps you meant \"==\"? @1",
        ),
        ("f(True=1)", "SyntaxError: cannot assign to True @1"),
    ]);
}

#[test]
fn indentation_errors() {
    check_errors(&[
        (
            "if x:\npass\n",
            "IndentationError: expected an indented block after 'if' statement on line 1 @2",
        ),
        (
            "if x:\n  pass\nelif y:\npass\n",
            "IndentationError: expected an indented block after 'elif' statement on line 3 @4",
        ),
        (
            "if x:\n  pass\nelse:\npass\n",
            "IndentationError: expected an indented block after 'else' statement on line 3 @4",
        ),
        (
            "while x:\npass\n",
            "IndentationError: expected an indented block after 'while' statement on line 1 @2",
        ),
        (
            "async for x in y:\npass\n",
            "IndentationError: expected an indented block after 'for' statement on line 1 @2",
        ),
        (
            "with a:\npass\n",
            "IndentationError: expected an indented block after 'with' statement on line 1 @2",
        ),
        (
            "try:\npass\n",
            "IndentationError: expected an indented block after 'try' statement on line 1 @2",
        ),
        (
            "try:\n  pass\nexcept:\npass\n",
            "IndentationError: expected an indented block after 'except' statement on line 3 @4",
        ),
        (
            "try:\n  pass\nexcept* E:\npass\n",
            "IndentationError: expected an indented block after 'except*' statement on line 3 @4",
        ),
        (
            "try:\n  pass\nfinally:\npass\n",
            "IndentationError: expected an indented block after 'finally' statement on line 3 @4",
        ),
        (
            "@d\nasync def f():\npass\n",
            "IndentationError: expected an indented block after function definition on line 2 @3",
        ),
        (
            "class A:\n\nx = 1\n",
            "IndentationError: expected an indented block after class definition on line 1 @3",
        ),
        (
            "def f():\n# c\n",
            "IndentationError: expected an indented block after function definition on line 1 @2",
        ),
        (
            "if x:\n",
            "IndentationError: expected an indented block after 'if' statement on line 1 @1",
        ),
        ("  x = 1\n", "IndentationError: unexpected indent @1"),
        (
            "x = 1\n    y = 2\n",
            "IndentationError: unexpected indent @2",
        ),
        (
            "if x:\n    a\n  b\n",
            "IndentationError: unindent does not match any outer indentation level @3",
        ),
    ]);
}

#[test]
fn common_mistakes() {
    check_errors(&[
        ("if x\n    pass\n", "SyntaxError: expected ':' @1"),
        ("while x\n    pass\n", "SyntaxError: expected ':' @1"),
        ("def f(x)\n    pass\n", "SyntaxError: expected ':' @1"),
        ("class A\n    pass\n", "SyntaxError: expected ':' @1"),
        (
            "try:\n    pass\nfinally pass\n",
            "SyntaxError: expected ':' @3",
        ),
        ("def f() x:\n    pass\n", "SyntaxError: expected ':' @1"),
        ("def f[T](): pass\n", "SyntaxError: expected '(' @1"),
        (
            "try:\n    pass\nx = 1\n",
            "SyntaxError: expected 'except' or 'finally' block @3",
        ),
        (
            "try:\n    pass\n",
            "SyntaxError: expected 'except' or 'finally' block @2",
        ),
        (
            "print \"hello\"\n",
            "SyntaxError: Missing parentheses in call to 'print'. Did you mean print(...)? @1",
        ),
        (
            "exec 'x'\n",
            "SyntaxError: Missing parentheses in call to 'exec'. Did you mean exec(...)? @1",
        ),
        (
            "if x = 1:\n    pass\n",
            "SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='? @1",
        ),
        (
            "x = (y = 1)\n",
            "SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='? @1",
        ),
        (
            "if x.y = 1:\n    pass\n",
            "SyntaxError: cannot assign to attribute here. Maybe you meant '==' instead of '='? @1",
        ),
        (
            "f(a b)\n",
            "SyntaxError: invalid syntax. Perhaps you forgot a comma? @1",
        ),
        (
            "x = [1,\n     2\n     3]\n",
            "SyntaxError: invalid syntax. Perhaps you forgot a comma? @2",
        ),
        ("x = 1 2\n", "SyntaxError: invalid syntax @1"),
        ("class = 1\n", "SyntaxError: invalid syntax @1"),
        ("x = 3 +\n", "SyntaxError: invalid syntax @1"),
        ("a = 1\nb = 2 +* 3\n", "SyntaxError: invalid syntax @2"),
        ("else:\n    pass\n", "SyntaxError: invalid syntax @1"),
        (
            "x = 5 if y\n",
            "SyntaxError: expected 'else' after 'if' expression @1",
        ),
        (
            "x = {1: 2, 3}\n",
            "SyntaxError: ':' expected after dictionary key @1",
        ),
        (
            "x = {1: }\n",
            "SyntaxError: expression expected after dictionary key and ':' @1",
        ),
        (
            "from m import a,\n",
            "SyntaxError: trailing comma not allowed without surrounding parentheses @1",
        ),
        (
            "try:\n  pass\nexcept A, B:\n  pass\n",
            "SyntaxError: multiple exception types must be parenthesized @3",
        ),
        (
            "try:\n  pass\nexcept* A:\n  pass\nexcept B:\n  pass\n",
            "SyntaxError: cannot have both 'except' and 'except*' on the same 'try' @5",
        ),
        (
            "try:\n  pass\nexcept*:\n  pass\n",
            "SyntaxError: expected one or more exception types @3",
        ),
        (
            "(*a)\n",
            "SyntaxError: cannot use starred expression here @1",
        ),
        (
            "print('a' b'b')\n",
            "SyntaxError: cannot mix bytes and nonbytes literals @1",
        ),
        ("x = (1, 2\ny = 3\n", "SyntaxError: '(' was never closed @1"),
        ("foo(\n", "SyntaxError: '(' was never closed @1"),
        ("x = 1 2\ny = (\n", "SyntaxError: invalid syntax @1"),
        ("def f(:\n    pass\n", "SyntaxError: invalid syntax @1"),
        (
            "f() = 1\nx = \"abc\n",
            "SyntaxError: unterminated string literal (detected at line 2) @2",
        ),
    ]);
}

#[test]
fn subtler_mistakes() {
    check_errors(&[
        (
            "x = [k for k, f() in y]\n",
            "SyntaxError: cannot assign to function call @1",
        ),
        ("for (\"x\")\n", "SyntaxError: cannot assign to literal @1"),
        (
            "if not x := 1:\n    pass\n",
            "SyntaxError: cannot use assignment expressions with expression @1",
        ),
        (
            "x = sum(*a for a in b)\n",
            "SyntaxError: iterable unpacking cannot be used in comprehension @1",
        ),
        (
            "def f(a=, b): pass\n",
            "SyntaxError: expected default value expression @1",
        ),
        (
            "f(\"x\"= )\n",
            "SyntaxError: expression cannot contain assignment, perhaps you meant \"==\"? @1",
        ),
        (
            "x = 1 if f(a b) else 2\n",
            "SyntaxError: invalid syntax. Perhaps you forgot a comma? @1",
        ),
        (
            "x = 0 if all(g(j.,) for j in y) else 1\n",
            "SyntaxError: expected 'else' after 'if' expression @1",
        ),
        (
            "+a, b = 1, 2\n",
            "SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='? @1",
        ),
        (
            "a, b c = 1, 2\n",
            "SyntaxError: invalid syntax. Maybe you meant '==' or ':=' instead of '='? @1",
        ),
        (
            "await x, y[0] = 1\n",
            "SyntaxError: cannot assign to subscript here. Maybe you meant '==' instead of '='? @1",
        ),
        (
            "x.f() =\n",
            "SyntaxError: cannot assign to function call @1",
        ),
        (
            "if x:\n    pass\nelse if y:\n    pass\n",
            "SyntaxError: expected ':' @3",
        ),
        ("def f(x):=\n    pass\n", "SyntaxError: expected ':' @1"),
        (
            "try: x\n    pass\n",
            "SyntaxError: expected 'except' or 'finally' block @2",
        ),
        (
            "x = {\n  'a': 1,\n  'b' 2\n}\n",
            "SyntaxError: ':' expected after dictionary key @3",
        ),
        ("x = [1 2\ny = 3\n", "SyntaxError: '[' was never closed @1"),
        (
            "job = get(){\ntry:\n    pass\n",
            "SyntaxError: '{' was never closed @1",
        ),
        (
            "while True{ :\n    pass\n",
            "SyntaxError: invalid syntax @1",
        ),
        (
            "if x:\n    pass\n  y\n",
            "IndentationError: unindent does not match any outer indentation level @3",
        ),
    ]);
}

#[test]
fn match_statements_are_named() {
    check_errors(&[
        (
            "match x:\n    case 1:\n        pass\n",
            "SyntaxError: match statements are not supported by aio @1",
        ),
        (
            "def f():\n    match (a, b):\n        case _:\n            pass\n",
            "SyntaxError: match statements are not supported by aio @2",
        ),
        ("match x:\n    pass\n", "SyntaxError: invalid syntax @2"),
    ]);
}

#[test]
fn fstring_errors() {
    check_errors(&[
        ("f'{}'", "SyntaxError: f-string: empty expression not allowed @1"),
        ("f'{ }'", "SyntaxError: f-string: empty expression not allowed @1"),
        ("f'{!r}'", "SyntaxError: f-string: expression required before '!' @1"),
        ("f'{x'", "SyntaxError: f-string: expecting '}' @1"),
        ("f'{x!z}'", "SyntaxError: f-string: invalid conversion character: expected 's', 'r', or 'a' @1"),
        ("f'}'", "SyntaxError: f-string: single '}' is not allowed @1"),
        ("f'{x}}'", "SyntaxError: f-string: single '}' is not allowed @1"),
        ("f'{a[\"\\n\"]}'", "SyntaxError: f-string expression part cannot include a backslash @1"),
        ("f'{a#}'", "SyntaxError: f-string expression part cannot include '#' @1"),
        ("f'{x:{y:{z}}}'", "SyntaxError: f-string: expressions nested too deeply @1"),
        ("f'{x +}'", "SyntaxError: f-string: invalid syntax @1"),
        ("f'{a b}'", "SyntaxError: f-string: invalid syntax. Perhaps you forgot a comma? @1"),
        ("f'{)}'", "SyntaxError: f-string: unmatched ')' @1"),
        ("f'{(}'", "SyntaxError: f-string: closing parenthesis '}' does not match opening parenthesis '(' @1"),
        ("x = 1\ny = f'{a = 1}'", "SyntaxError: f-string: expecting '}' @2"),
        ("b'a' f'b'", "SyntaxError: cannot mix bytes and nonbytes literals @1"),
    ]);
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let nested = |n: usize| format!("x = {}1{}\n", "(".repeat(n), ")".repeat(n));
    parse(&nested(200));
    assert_eq!(
        error(&nested(201)),
        "SyntaxError: too many nested parentheses @1"
    );
    for text in [
        format!("x = {}1\n", "1+".repeat(100_000)),
        format!("x = {}1\n", "-".repeat(100_000)),
        format!("x = {}1\n", "not ".repeat(50_000)),
        format!("x = {}1\n", "lambda: ".repeat(5_000)),
        format!("x = {}1\n", "2**".repeat(5_000)),
        format!("x = a{}\n", ".b".repeat(100_000)),
        format!("x = a{}\n", "()".repeat(50_000)),
        format!("x = {}1\n", "1+".repeat(2_000)),
    ] {
        assert_eq!(error(&text), "SyntaxError: too many nested expressions @1");
    }
    // Wide is fine: long flat chains and displays.
    parse(&format!(
        "x = [{}]\ny = {}1\n",
        "-1, ".repeat(20_000),
        "a and ".repeat(20_000)
    ));
    parse(&format!("x = {}1\n", "1+".repeat(900)));
}

#[test]
fn no_panic_on_broken_input() {
    // Every prefix, and every one-character deletion, of a program that uses
    // most of the grammar: errors are fine, panics are not.
    let text = "@d\nasync def f(a, /, b=1, *c, d, **e) -> int:\n    x = [i async for i in y if i] + {**k}\n    with (a as b, c):\n        s = f'{x!r:>{w}} {y=}' b'' if x else lambda: (yield)\n    try:\n        del a[1:2]\n    except* E as e:\n        raise X from e\n";
    let mut cuts: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    cuts.dedup();
    for &i in &cuts {
        let _ = parse_module(&SourceFile::new("t.py", &text[..i]));
        let _ = parse_interactive(&text[..i]);
        if i < text.len() {
            let mut s = text[..i].to_string();
            s.push_str(&text[i + 1..]);
            let _ = parse_module(&SourceFile::new("t.py", s));
        }
    }
}
