//! Lexer tests. Every expected error (message, line and column) was checked
//! against CPython 3.11 (`compile(src, "t", "exec")`); the column here is
//! 0-based, so it is CPython's 1-based `offset` minus one.

use super::*;

/// The tokens of `text` lexed as a file, space-separated, without the
/// StartFile marker.
fn toks(text: &str) -> String {
    toks_mode(text, Mode::File)
}

fn toks_mode(text: &str, mode: Mode) -> String {
    match tokenize(text, mode) {
        Ok(v) => v
            .iter()
            .filter(|t| !matches!(t.1, Tok::StartFile))
            .map(|t| t.1.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        Err(e) => panic!("{text:?}: unexpected {e}"),
    }
}

/// The error of `text` as `Class: msg @line:col`.
fn err(text: &str) -> String {
    let e = tokenize(text, Mode::File).expect_err(text);
    let src = SourceFile::new("t", text);
    let (line, col) = src.line_col(e.span.start);
    format!("{}: {} @{line}:{col}", e.kind.class_name(), e.msg)
}

fn value(text: &str) -> Tok {
    let v = tokenize(text, Mode::File).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    assert!(v.len() >= 3, "{v:?}");
    v[1].1.clone()
}

fn str_value(text: &str) -> String {
    match value(text) {
        Tok::Str(s) => s,
        t => panic!("{text:?}: not a str: {t}"),
    }
}

fn bytes_value(text: &str) -> Vec<u8> {
    match value(text) {
        Tok::Bytes(b) => b,
        t => panic!("{text:?}: not bytes: {t}"),
    }
}

fn spans(text: &str, mode: Mode, base: usize) -> Vec<String> {
    Lexer::new(text, mode, base)
        .map(|r| {
            r.map(|(s, t, e)| format!("{s}-{e} {t}"))
                .unwrap_or_else(|e| format!("{e}"))
        })
        .collect()
}

// ----- the token stream's shape -----

#[test]
fn stream_file_mode() {
    assert_eq!(
        spans("x = 1\n", Mode::File, 0),
        [
            "0-0 StartFile",
            "0-1 Name(x)",
            "2-3 Equal",
            "4-5 Int(1)",
            "5-6 Newline"
        ]
    );
}

#[test]
fn stream_empty_and_blank_files() {
    assert_eq!(spans("", Mode::File, 0), ["0-0 StartFile"]);
    assert_eq!(toks("\n\n  \n# only a comment\n\t\n"), "");
    assert_eq!(toks_mode("", Mode::Interactive), "StartInteractive");
}

#[test]
fn final_newline_is_added() {
    assert_eq!(
        spans("pass", Mode::File, 0),
        ["0-0 StartFile", "0-4 Pass", "4-4 Newline"]
    );
    assert_eq!(toks("pass # comment"), "Pass Newline");
}

#[test]
fn crlf_and_cr_newlines() {
    assert_eq!(
        spans("a\r\nb\r\n", Mode::File, 0),
        [
            "0-0 StartFile",
            "0-1 Name(a)",
            "1-3 Newline",
            "3-4 Name(b)",
            "4-6 Newline"
        ]
    );
    assert_eq!(
        toks("x = 1\ry = (\r2)\r"),
        "Name(x) Equal Int(1) Newline Name(y) Equal Lpar Int(2) Rpar Newline"
    );
}

#[test]
fn interactive_is_like_file() {
    assert_eq!(
        toks_mode("if x:\n  y\n", Mode::Interactive),
        "StartInteractive If Name(x) Colon Newline Indent Name(y) Newline Dedent"
    );
}

#[test]
fn expr_mode() {
    assert_eq!(
        spans("  a +\n b  # c\n", Mode::Expr, 0),
        [
            "0-0 StartExpr",
            "2-3 Name(a)",
            "4-5 Plus",
            "7-8 Name(b)",
            "14-14 Newline"
        ]
    );
    assert_eq!(toks_mode("x", Mode::Expr), "StartExpr Name(x) Newline");
    assert_eq!(toks_mode("", Mode::Expr), "StartExpr Newline");
    assert_eq!(toks_mode("\tx", Mode::Expr), "StartExpr Name(x) Newline");
    assert!(tokenize("(x", Mode::Expr).is_err());
}

#[test]
fn base_offset_shifts_every_span() {
    assert_eq!(
        spans("a + 'b'", Mode::Expr, 100),
        [
            "100-100 StartExpr",
            "100-101 Name(a)",
            "102-103 Plus",
            "104-107 Str(\"b\")",
            "107-107 Newline"
        ]
    );
    let e = Lexer::new("x $ 1abc", Mode::Expr, 50)
        .find_map(Result::err)
        .unwrap();
    assert_eq!(
        (e.msg.as_str(), e.span.start),
        ("invalid decimal literal", 54)
    );
}

#[test]
fn first_line_sets_line_numbers_in_messages() {
    let e = Lexer::new("(\n]", Mode::Expr, 0)
        .with_first_line(7)
        .find_map(Result::err)
        .unwrap();
    assert_eq!(
        e.msg,
        "closing parenthesis ']' does not match opening parenthesis '(' on line 7"
    );
    let e = Lexer::new("'abc", Mode::Expr, 0)
        .with_first_line(3)
        .find_map(Result::err)
        .unwrap();
    assert_eq!(e.msg, "unterminated string literal (detected at line 3)");
}

#[test]
fn iterator_ends_after_error() {
    let mut lx = Lexer::new("x = )\ny", Mode::File, 0);
    let items: Vec<_> = lx.by_ref().collect();
    assert!(items.last().unwrap().is_err());
    assert_eq!(items.iter().filter(|r| r.is_err()).count(), 1);
    assert!(lx.next().is_none());
}

#[test]
fn dump_format() {
    let out = dump_tokens(&SourceFile::new("t", "print(\"é\")\n")).unwrap();
    let lines: Vec<_> = out.lines().collect();
    assert_eq!(lines[0], "1:0-1:0       StartFile");
    assert_eq!(lines[1], "1:0-1:5       Name(print)");
    assert_eq!(lines[3], "1:6-1:9       Str(\"é\")");
    assert_eq!(lines[5], "1:10-2:0      Newline");
    assert!(dump_tokens(&SourceFile::new("t", "(")).is_err());
}

// ----- names, keywords, operators -----

#[test]
fn keywords_and_soft_keywords() {
    assert_eq!(
        toks("async def f(): await x"),
        "Async Def Name(f) Lpar Rpar Colon Await Name(x) Newline"
    );
    assert_eq!(
        toks("match case type _"),
        "Name(match) Name(case) Name(type) Name(_) Newline"
    );
    assert_eq!(
        toks("None True False and or not in is lambda"),
        "None True False And Or Not In Is Lambda Newline"
    );
    assert_eq!(
        toks("print_ if_ Trueish"),
        "Name(print_) Name(if_) Name(Trueish) Newline"
    );
    let all =
        "as assert break class continue del elif else except finally for from global if import \
               nonlocal pass raise return try while with yield";
    assert_eq!(
        toks(all),
        "As Assert Break Class Continue Del Elif Else Except Finally For From Global If Import \
         Nonlocal Pass Raise Return Try While With Yield Newline"
    );
}

#[test]
fn unicode_names() {
    assert_eq!(
        toks("é = λ + a·b + ℌ"),
        "Name(é) Equal Name(λ) Plus Name(a·b) Plus Name(ℌ) Newline"
    );
    assert_eq!(toks("日本 = 1"), "Name(日本) Equal Int(1) Newline");
}

#[test]
fn operators_longest_match() {
    assert_eq!(
        toks("a**=b//=c>>=d<<=e->f:=g...h!=i"),
        "Name(a) DoubleStarEqual Name(b) DoubleSlashEqual Name(c) RightShiftEqual Name(d) LeftShiftEqual \
         Name(e) Rarrow Name(f) ColonEqual Name(g) Ellipsis Name(h) NotEqual Name(i) Newline"
    );
    assert_eq!(toks("x..y"), "Name(x) Dot Dot Name(y) Newline");
    assert_eq!(
        toks("@ @= % %= & &= | |= ^ ^= ~ < > <= >= == ; , + += - -= * *= / /= ** //"),
        "At AtEqual Percent PercentEqual Amper AmperEqual Vbar VbarEqual Circumflex CircumflexEqual Tilde \
         Less Greater LessEqual GreaterEqual EqEqual Semi Comma Plus PlusEqual Minus MinusEqual Star StarEqual \
         Slash SlashEqual DoubleStar DoubleSlash Newline"
    );
}

// ----- indentation -----

#[test]
fn nested_blocks_dedent_several_levels() {
    assert_eq!(
        toks("if a:\n  if b:\n    x\ny\n"),
        "If Name(a) Colon Newline Indent If Name(b) Colon Newline Indent Name(x) Newline Dedent Dedent Name(y) Newline"
    );
}

#[test]
fn dedents_at_end_of_input() {
    assert_eq!(
        toks("def f():\n    if x:\n        return"),
        "Def Name(f) Lpar Rpar Colon Newline Indent If Name(x) Colon Newline Indent Return Newline Dedent Dedent"
    );
    let v = tokenize("if x:\n  y\n", Mode::File).unwrap();
    assert_eq!(v.last(), Some(&(10, Tok::Dedent, 10)));
}

#[test]
fn indent_and_dedent_spans() {
    // Both span the leading whitespace of the line that triggers them.
    let v = tokenize("if x:\n    y\n  \nz\n", Mode::File).unwrap();
    let indent = v.iter().find(|t| t.1 == Tok::Indent).unwrap();
    assert_eq!((indent.0, indent.2), (6, 10));
    let dedent = v.iter().find(|t| t.1 == Tok::Dedent).unwrap();
    assert_eq!((dedent.0, dedent.2), (15, 15));
    let v = tokenize("if x:\n    if y:\n        z\n  \t\n    w\n", Mode::File).unwrap();
    let dedent = v.iter().find(|t| t.1 == Tok::Dedent).unwrap();
    assert_eq!((dedent.0, dedent.2), (30, 34));
}

#[test]
fn blank_and_comment_lines_inside_blocks() {
    assert_eq!(
        toks("if 1:\n    x\n\n  \n    # c\n        # deeper comment\n# left\n    y\n"),
        "If Int(1) Colon Newline Indent Name(x) Newline Name(y) Newline Dedent"
    );
}

#[test]
fn brackets_ignore_newlines_and_indentation() {
    assert_eq!(
        toks("def f(a,\n        b):\n    return [a,\n  b]\n"),
        "Def Name(f) Lpar Name(a) Comma Name(b) Rpar Colon Newline Indent Return Lsqb Name(a) Comma Name(b) Rsqb \
         Newline Dedent"
    );
    assert_eq!(
        toks("x = {\n\n# c\n\t1: (\n2)}\n"),
        "Name(x) Equal Lbrace Int(1) Colon Lpar Int(2) Rpar Rbrace Newline"
    );
    assert_eq!(
        toks("if 1:\n  x = (1,\n2)\n  y = 2\n"),
        "If Int(1) Colon Newline Indent Name(x) Equal Lpar Int(1) Comma Int(2) Rpar Newline Name(y) Equal Int(2) \
         Newline Dedent"
    );
}

#[test]
fn backslash_continuation() {
    assert_eq!(
        toks("x = 1 + \\\n  2\n"),
        "Name(x) Equal Int(1) Plus Int(2) Newline"
    );
    assert_eq!(
        toks("x = 1 + \\\r\n2"),
        "Name(x) Equal Int(1) Plus Int(2) Newline"
    );
    // A continued line keeps the indentation of its first line.
    assert_eq!(
        toks("if 1:\n    x = 1 + \\\n  2\n    y\n"),
        "If Int(1) Colon Newline Indent Name(x) Equal Int(1) Plus Int(2) Newline Name(y) Newline Dedent"
    );
    // A backslash inside the indentation: the first one's column counts...
    assert_eq!(
        err("if 1:\n    x = 1\n  \\\n    y = 2\n"),
        "IndentationError: unindent does not match any outer indentation level @4:9"
    );
    // ...unless it is at column 0, where the next line's indentation counts.
    assert_eq!(
        toks("if 1:\n    x\n\\\n    y\n"),
        "If Int(1) Colon Newline Indent Name(x) Newline Name(y) Newline Dedent"
    );
    // A line made of whitespace and a continuation into a blank line is blank.
    assert_eq!(toks("x\n  \\\n\ny\n"), "Name(x) Newline Name(y) Newline");
    assert_eq!(toks("x = 1 \\\n\n"), "Name(x) Equal Int(1) Newline");
    assert_eq!(toks("\\\nx = 1\n"), "Name(x) Equal Int(1) Newline");
}

#[test]
fn backslash_errors() {
    assert_eq!(
        err("x = 1 \\ 2"),
        "SyntaxError: unexpected character after line continuation character @1:7"
    );
    assert_eq!(
        err("x = (\n  \\ 1)"),
        "SyntaxError: unexpected character after line continuation character @2:3"
    );
    assert_eq!(
        err("x = 1 + \\ # comment"),
        "SyntaxError: unexpected character after line continuation character @1:9"
    );
    assert_eq!(
        err("x = 1 + \\"),
        "SyntaxError: unexpected EOF while parsing @1:9"
    );
    assert_eq!(
        err("x = 1\ny = 2 \\\n"),
        "SyntaxError: unexpected EOF while parsing @2:7"
    );
}

#[test]
fn form_feed_resets_column() {
    assert_eq!(
        toks("if 1:\n  x = 1\n\x0c  y = 2\n"),
        "If Int(1) Colon Newline Indent Name(x) Equal Int(1) Newline Name(y) Equal Int(2) Newline Dedent"
    );
    assert_eq!(
        toks("if 1:\n  x\n    \x0c  y\n"),
        "If Int(1) Colon Newline Indent Name(x) Newline Name(y) Newline Dedent"
    );
    assert_eq!(
        toks("if 1:\n  x\n  \x0cy\n"),
        "If Int(1) Colon Newline Indent Name(x) Newline Dedent Name(y) Newline"
    );
    assert_eq!(toks("\x0cx = 1\n\x0c\n"), "Name(x) Equal Int(1) Newline");
}

#[test]
fn tabs_consistent() {
    assert_eq!(
        toks("if 1:\n\tx\n\ty\n"),
        "If Int(1) Colon Newline Indent Name(x) Newline Name(y) Newline Dedent"
    );
    assert_eq!(
        toks("if 1:\n\tif 2:\n\t\tx\n\ty\n"),
        "If Int(1) Colon Newline Indent If Int(2) Colon Newline Indent Name(x) Newline Dedent Name(y) Newline Dedent"
    );
    assert_eq!(
        toks("if 1:\n \tx\n \ty\n"),
        "If Int(1) Colon Newline Indent Name(x) Newline Name(y) Newline Dedent"
    );
}

#[test]
fn tabs_inconsistent() {
    let tab = "TabError: inconsistent use of tabs and spaces in indentation";
    assert_eq!(
        err("if 1:\n\tx = 1\n        y = 2\n"),
        format!("{tab} @3:0")
    );
    assert_eq!(
        err("if 1:\n        x = 1\n\ty = 2\n"),
        format!("{tab} @3:0")
    );
    assert_eq!(err("if 1:\n    \tx = 1\n\ty = 2\n"), format!("{tab} @3:0"));
    assert_eq!(err("if 1:\n\tx = 1\n    \ty = 2\n"), format!("{tab} @3:0"));
    assert_eq!(err("if 1:\n  if 2:\n\tx = 1\n"), format!("{tab} @3:0"));
    assert_eq!(err("if 1:\n  x\n\ty\n"), format!("{tab} @3:0"));
    assert_eq!(err("if 1:\n\x0c  x\n \ty\n"), format!("{tab} @3:0"));
}

#[test]
fn unindent_mismatch() {
    // CPython points just past the end of the line.
    let msg = "IndentationError: unindent does not match any outer indentation level";
    assert_eq!(err("if 1:\n  x = 1\n y = 2\n"), format!("{msg} @3:6"));
    assert_eq!(
        err("if 1:\n  if 2:\n    x\n  y\n z\n"),
        format!("{msg} @5:2")
    );
    assert_eq!(err("if 1:\n    x\n   \n  y\n"), format!("{msg} @4:3"));
    assert_eq!(err("if 1:\n    x\n  y"), format!("{msg} @3:3"));
}

#[test]
fn unexpected_indent_is_left_to_the_parser() {
    assert_eq!(
        toks("  x = 1"),
        "Indent Name(x) Equal Int(1) Newline Dedent"
    );
    assert_eq!(
        toks("x\n  y\n"),
        "Name(x) Newline Indent Name(y) Newline Dedent"
    );
}

#[test]
fn byte_order_mark_is_skipped_at_the_start_only() {
    assert_eq!(toks("\u{feff}x = 1\n"), "Name(x) Equal Int(1) Newline");
    assert_eq!(
        err("x = 1\n\u{feff}y = 2"),
        "SyntaxError: invalid non-printable character U+FEFF @2:0"
    );
}

// ----- brackets -----

#[test]
fn bracket_errors() {
    assert_eq!(err(")"), "SyntaxError: unmatched ')' @1:0");
    assert_eq!(err("x = }"), "SyntaxError: unmatched '}' @1:4");
    assert_eq!(
        err("(]"),
        "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' @1:1"
    );
    assert_eq!(
        err("x = (1]"),
        "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' @1:6"
    );
    assert_eq!(
        err("x = (1,\n2]"),
        "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' on line 1 @2:1"
    );
    assert_eq!(
        err("{\n\n)"),
        "SyntaxError: closing parenthesis ')' does not match opening parenthesis '{' on line 1 @3:0"
    );
    assert_eq!(err("x = (1,\n2"), "SyntaxError: '(' was never closed @1:4");
    assert_eq!(err("foo(1, [2\n"), "SyntaxError: '[' was never closed @1:7");
    assert_eq!(
        err("x = [1, (2,\n3"),
        "SyntaxError: '(' was never closed @1:8"
    );
    assert_eq!(
        err(&"(".repeat(201)),
        "SyntaxError: too many nested parentheses @1:200"
    );
}

// ----- stray characters -----

#[test]
fn stray_characters() {
    assert_eq!(
        err("a = €"),
        "SyntaxError: invalid character '€' (U+20AC) @1:4"
    );
    assert_eq!(
        err("a€b = 1"),
        "SyntaxError: invalid character '€' (U+20AC) @1:1"
    );
    assert_eq!(
        err("·b = 1"),
        "SyntaxError: invalid character '·' (U+00B7) @1:0"
    );
    assert_eq!(err("$"), "SyntaxError: invalid syntax @1:0");
    assert_eq!(err("a = 1 $ 2"), "SyntaxError: invalid syntax @1:6");
    assert_eq!(err("a ? b"), "SyntaxError: invalid syntax @1:2");
    assert_eq!(err("`a`"), "SyntaxError: invalid syntax @1:0");
    assert_eq!(err("a ! b"), "SyntaxError: invalid syntax @1:2");
    assert_eq!(
        err("x = 1\n\x01\n"),
        "SyntaxError: invalid non-printable character U+0001 @2:0"
    );
    assert_eq!(
        err("x = 1\n\x0b\n"),
        "SyntaxError: invalid non-printable character U+000B @2:0"
    );
    assert_eq!(
        err("y = \u{a0}\n"),
        "SyntaxError: invalid non-printable character U+00A0 @1:4"
    );
    assert_eq!(
        err("\u{200b} = 1"),
        "SyntaxError: invalid non-printable character U+200B @1:0"
    );
    let nul = "SyntaxError: source code cannot contain null bytes";
    assert_eq!(err("x = 1\ny = \"a\0b\"\n"), format!("{nul} @2:6"));
    assert_eq!(err("x = 1 + 2 # a\0b\n"), format!("{nul} @1:13"));
    assert_eq!(err("x = \"\"\"\n\0\"\"\"\n"), format!("{nul} @2:0"));
    assert_eq!(err("x = $\n\0"), format!("{nul} @2:0"));
    let v = Lexer::new("x = 1\ny\0", Mode::File, 0)
        .take_while(Result::is_ok)
        .count();
    assert_eq!(v, 5);
}

#[test]
fn parser_level_errors_give_way_to_later_tokenizer_errors() {
    // CPython's parser rejects `$` (or the bad literal), then tokenizes the
    // rest of the file and reports the tokenizer's error instead.
    assert_eq!(
        err("x = $ + 1\ny = 1abc\n"),
        "SyntaxError: invalid decimal literal @2:4"
    );
    assert_eq!(
        err("x = `\ny = (]\n"),
        "SyntaxError: closing parenthesis ']' does not match opening parenthesis '(' @2:5"
    );
    assert_eq!(
        err("x = b'é' $ 1abc"),
        "SyntaxError: invalid decimal literal @1:11"
    );
    assert_eq!(
        err("x = '\\xZZ' + 0b2"),
        "SyntaxError: invalid digit '2' in binary literal @1:15"
    );
    // Not to errors CPython only raises once its parser reaches them.
    assert_eq!(
        err("x = $\nif 1:\n\tx\n        y\n"),
        "SyntaxError: invalid syntax @1:4"
    );
    assert_eq!(err("x = $ \\ 1"), "SyntaxError: invalid syntax @1:4");
    // An unclosed bracket wins only when opened on an earlier line.
    assert_eq!(err("(\n$"), "SyntaxError: '(' was never closed @1:0");
    assert_eq!(err("$ ("), "SyntaxError: invalid syntax @1:0");
}

#[test]
fn error_precedence_helper() {
    let text = "x = = 1\ny = 1abc\nz = (\n";
    let e = tokenize(text, Mode::File).unwrap_err();
    assert!(lexer_error_wins(&e, text, 4));
    let text = "if 1:\n\tx\n        y = = 1\n";
    let e = tokenize(text, Mode::File).unwrap_err();
    assert!(!lexer_error_wins(&e, text, 4));
    let text = "x = (1,\n2 3";
    let e = tokenize(text, Mode::File).unwrap_err();
    assert_eq!(e.msg, "'(' was never closed");
    assert!(lexer_error_wins(&e, text, 10));
    assert!(!lexer_error_wins(&e, text, 6));
    let text = "x = = 1\ny = b'é'";
    let e = tokenize(text, Mode::File).unwrap_err();
    assert!(!lexer_error_wins(&e, text, 4));
}

// ----- numbers -----

#[test]
fn integers() {
    assert_eq!(
        toks("0 7 1_000_000 00 00_0 0x_ff 0XaB 0o17 0O7 0b_101 0B1"),
        "Int(0) Int(7) Int(1000000) Int(0) Int(0) Int(255) Int(171) Int(15) Int(7) Int(5) Int(1) Newline"
    );
    assert_eq!(
        value("123456789012345678901234567890").to_string(),
        "Int(123456789012345678901234567890)"
    );
    assert_eq!(
        value("0xffffffffffffffffffffffff").to_string(),
        "Int(79228162514264337593543950335)"
    );
}

#[test]
fn floats() {
    assert_eq!(
        toks("1. .5 1.5e-3 1e10 1_0.0_1 1E+5 0.0e0_1 1.e5 0777.5 09e1 00.5"),
        "Float(1.0) Float(0.5) Float(0.0015) Float(10000000000.0) Float(10.01) Float(100000.0) Float(0.0) \
         Float(100000.0) Float(777.5) Float(90.0) Float(0.5) Newline"
    );
    assert_eq!(toks("1e400"), "Float(inf) Newline");
    assert_eq!(toks("x.5"), "Name(x) Float(0.5) Newline");
    assert_eq!(toks("1 .real"), "Int(1) Dot Name(real) Newline");
    assert_eq!(toks("1..real"), "Float(1.0) Dot Name(real) Newline");
}

#[test]
fn numbers_followed_by_keywords() {
    assert_eq!(
        toks("1if x else 2"),
        "Int(1) If Name(x) Else Int(2) Newline"
    );
    assert_eq!(toks("1else"), "Int(1) Else Newline");
    // `0x1f` then `or`, as in CPython.
    assert_eq!(
        toks("[0x1for x in y]"),
        "Lsqb Int(31) Or Name(x) In Name(y) Rsqb Newline"
    );
    assert_eq!(toks("1in x"), "Int(1) In Name(x) Newline");
    assert_eq!(toks("1or 2"), "Int(1) Or Int(2) Newline");
    assert_eq!(toks("1é"), "Int(1) Name(é) Newline");
}

#[test]
fn number_errors() {
    let dec = "SyntaxError: invalid decimal literal";
    for (text, col) in [
        ("1abc", 0),
        ("1_", 1),
        ("1__0", 1),
        ("1e", 0),
        ("1e+", 2),
        ("1.5_", 3),
        ("1.5abc", 2),
        ("1e5x", 2),
        ("1.__class__", 1),
        ("1._1", 1),
        ("1_a", 1),
        ("1.5E", 2),
        (".5e", 1),
        ("1andy", 0),
        ("1_e5", 1),
        ("1e5_", 3),
        ("0_", 1),
    ] {
        assert_eq!(err(text), format!("{dec} @1:{col}"), "{text}");
    }
    assert_eq!(err("0x"), "SyntaxError: invalid hexadecimal literal @1:1");
    assert_eq!(err("0xg"), "SyntaxError: invalid hexadecimal literal @1:1");
    assert_eq!(err("0x1_"), "SyntaxError: invalid hexadecimal literal @1:3");
    assert_eq!(
        err("0xforé"),
        "SyntaxError: invalid hexadecimal literal @1:2"
    );
    assert_eq!(
        err("0b2"),
        "SyntaxError: invalid digit '2' in binary literal @1:2"
    );
    assert_eq!(err("0b"), "SyntaxError: invalid binary literal @1:1");
    assert_eq!(err("0b1_"), "SyntaxError: invalid binary literal @1:3");
    assert_eq!(
        err("0o8"),
        "SyntaxError: invalid digit '8' in octal literal @1:2"
    );
    assert_eq!(err("0o"), "SyntaxError: invalid octal literal @1:1");
    assert_eq!(err("0o_"), "SyntaxError: invalid octal literal @1:2");
    assert_eq!(err("0or 1"), "SyntaxError: invalid octal literal @1:1");
    assert_eq!(err("0o17j"), "SyntaxError: invalid octal literal @1:3");
    let zeros = "SyntaxError: leading zeros in decimal integer literals are not permitted; \
                 use an 0o prefix for octal integers";
    assert_eq!(err("012"), format!("{zeros} @1:0"));
    assert_eq!(err("x = 1 + 0777 + 2"), format!("{zeros} @1:8"));
    assert_eq!(err("0_7"), format!("{zeros} @1:0"));
    // CPython underlines the zeros.
    let e = tokenize("x = 0_7", Mode::File).unwrap_err();
    assert_eq!((e.span.start, e.span.end), (4, 6));
}

#[test]
fn imaginary_literals_are_rejected() {
    for text in ["1j", "1.5J", "1e3j", "0j", ".5j", "5.j"] {
        assert_eq!(
            err(text),
            "SyntaxError: imaginary literals are not supported by aio @1:0",
            "{text}"
        );
    }
    assert_eq!(err("1jx"), "SyntaxError: invalid imaginary literal @1:1");
}

// ----- strings -----

#[test]
fn string_forms() {
    assert_eq!(str_value("'a'"), "a");
    assert_eq!(str_value("\"a\""), "a");
    assert_eq!(str_value("''"), "");
    assert_eq!(str_value("''''''"), "");
    assert_eq!(str_value("'''a\nb'''"), "a\nb");
    assert_eq!(str_value(r#""""a""b""""#), "a\"\"b");
    assert_eq!(str_value("'''it's'''"), "it's");
    assert_eq!(str_value("u'x'"), "x");
    assert_eq!(str_value("U'x'"), "x");
    assert_eq!(str_value(r"r'\d\n'"), r"\d\n");
    assert_eq!(str_value(r"R'\'x'"), r"\'x");
    assert_eq!(bytes_value("b'ab'"), b"ab");
    assert_eq!(bytes_value("B\"ab\""), b"ab");
    assert_eq!(bytes_value(r"br'\n'"), br"\n");
    assert_eq!(bytes_value(r"Rb'\n'"), br"\n");
    assert_eq!(bytes_value(r"bR'''\x'''"), br"\x");
    assert_eq!(
        toks("'a' \"b\" b'c'"),
        "Str(\"a\") Str(\"b\") Bytes(\"c\") Newline"
    );
    assert_eq!(toks("bar'x'"), "Name(bar) Str(\"x\") Newline");
    assert_eq!(toks("ub'x'"), "Name(ub) Str(\"x\") Newline");
}

#[test]
fn string_escapes() {
    assert_eq!(
        str_value(r#"'\\ \' \" \a \b \f \n \r \t \v'"#),
        "\\ ' \" \x07 \x08 \x0c \n \r \t \x0b"
    );
    assert_eq!(str_value(r"'\101\0\7\777\1234'"), "A\0\x07\u{1ff}S4");
    assert_eq!(str_value(r"'\x41\xe9\u00e9\u20ac\U0001F600'"), "Aéé€😀");
    assert_eq!(str_value("'ab\\\ncd'"), "abcd");
    assert_eq!(str_value("'ab\\\r\ncd'"), "abcd");
    assert_eq!(str_value(r"'\d\q\8'"), r"\d\q\8");
    assert_eq!(str_value(r"'\é'"), r"\é");
    assert_eq!(str_value("'''a\r\nb\rc'''"), "a\nb\nc");
    assert_eq!(str_value(r"'\uD800'"), "\u{fffd}");
}

#[test]
fn named_escapes() {
    assert_eq!(str_value(r"'\N{BULLET}\N{bullet}\N{EM DASH}'"), "••—");
    assert_eq!(
        str_value(r"'\N{LATIN SMALL LETTER Q}\N{LATIN CAPITAL LETTER Z}\N{DIGIT FIVE}'"),
        "qZ5"
    );
    assert_eq!(
        str_value(r"'\N{LATIN SMALL LETTER E WITH ACUTE}\N{CJK UNIFIED IDEOGRAPH-4E00}'"),
        "é一"
    );
    assert_eq!(
        str_value(r"'\N{GREEK SMALL LETTER ALPHA}\N{SNOWMAN}'"),
        "α☃"
    );
}

#[test]
fn bytes_escapes() {
    assert_eq!(bytes_value(r"b'\x41\101\n\t\\\''"), b"AA\n\t\\'");
    assert_eq!(bytes_value(r"b'\777'"), b"\xff");
    assert_eq!(
        bytes_value(r"b'\u1234\N{BULLET}\d'"),
        br"\u1234\N{BULLET}\d"
    );
    assert_eq!(bytes_value("b'a\\\nb'"), b"ab");
}

#[test]
fn string_errors() {
    let single = "SyntaxError: unterminated string literal";
    assert_eq!(
        err("x = \"abc"),
        format!("{single} (detected at line 1) @1:4")
    );
    assert_eq!(
        err("x = \"abc\ny=2"),
        format!("{single} (detected at line 1) @1:4")
    );
    assert_eq!(err("f\"abc"), format!("{single} (detected at line 1) @1:0"));
    assert_eq!(
        err(r#"r"\""#),
        format!("{single} (detected at line 1) @1:0")
    );
    assert_eq!(
        err(r#"rb"\""#),
        format!("{single} (detected at line 1) @1:0")
    );
    assert_eq!(
        err("x = 'abc\\\n\n"),
        format!("{single} (detected at line 2) @1:4")
    );
    assert_eq!(
        err("x = \"abc\r\ny"),
        format!("{single} (detected at line 1) @1:4")
    );
    let triple = "SyntaxError: unterminated triple-quoted string literal";
    assert_eq!(
        err("x = \"\"\"abc"),
        format!("{triple} (detected at line 1) @1:4")
    );
    assert_eq!(
        err("x = \"\"\"abc\n"),
        format!("{triple} (detected at line 1) @1:4")
    );
    assert_eq!(
        err("x = \"\"\"abc\n\n"),
        format!("{triple} (detected at line 2) @1:4")
    );
    assert_eq!(
        err("x = \"\"\"abc\n\n\n"),
        format!("{triple} (detected at line 3) @1:4")
    );
    assert_eq!(
        err("x = \"\"\"abc\ny"),
        format!("{triple} (detected at line 2) @1:4")
    );
    assert_eq!(
        err("b\"é\""),
        "SyntaxError: bytes can only contain ASCII literal characters @1:0"
    );
    assert_eq!(
        err(r#"b"\é""#),
        "SyntaxError: bytes can only contain ASCII literal characters @1:0"
    );
}

#[test]
fn escape_errors() {
    let u = "SyntaxError: (unicode error) 'unicodeescape' codec can't decode bytes in position";
    assert_eq!(
        err(r#""\xZZ""#),
        format!(r"{u} 0-1: truncated \xXX escape @1:6")
    );
    assert_eq!(
        err(r#""\x1""#),
        format!(r"{u} 0-2: truncated \xXX escape @1:5")
    );
    assert_eq!(
        err(r#""\u12""#),
        format!(r"{u} 0-3: truncated \uXXXX escape @1:6")
    );
    assert_eq!(
        err(r#""\U0011000""#),
        format!(r"{u} 0-8: truncated \UXXXXXXXX escape @1:11")
    );
    assert_eq!(
        err(r#""\U00110000""#),
        format!(r"{u} 0-9: illegal Unicode character @1:12")
    );
    assert_eq!(
        err(r#"x = "é\xZZ""#),
        format!(r"{u} 10-11: truncated \xXX escape @1:11")
    );
    assert_eq!(
        err(r#"x = "\N{foo}""#),
        format!(r"{u} 0-6: unknown Unicode character name @1:13")
    );
    assert_eq!(
        err(r#""é\N{NOPE}""#),
        format!(r"{u} 10-17: unknown Unicode character name @1:11")
    );
    assert_eq!(
        err(r#"x = "\N{DIGIT ONE""#),
        format!(r"{u} 0-11: malformed \N character escape @1:18")
    );
    assert_eq!(
        err(r#"x = "\N""#),
        format!(r"{u} 0-1: malformed \N character escape @1:8")
    );
    assert_eq!(
        err(r#""\N{}""#),
        format!(r"{u} 0-2: malformed \N character escape @1:6")
    );
    assert_eq!(
        err("x = \"\"\"\n\\xZZ\"\"\""),
        format!(r"{u} 1-2: truncated \xXX escape @2:7")
    );
    assert_eq!(
        err(r#"b"\xZZ""#),
        r"SyntaxError: (value error) invalid \x escape at position 0 @1:7"
    );
    assert_eq!(
        err(r#"b"ab\x1""#),
        r"SyntaxError: (value error) invalid \x escape at position 2 @1:8"
    );
}

#[test]
fn decode_escapes_api() {
    assert_eq!(
        decode_escapes(r"a\tb\N{BULLET}", false, 0).unwrap(),
        "a\tb•"
    );
    assert_eq!(decode_escapes(r"a\tb", true, 0).unwrap(), r"a\tb");
    assert_eq!(decode_escapes("a\r\nb", true, 0).unwrap(), "a\nb");
    let e = decode_escapes(r"ab\x", false, 40).unwrap_err();
    assert_eq!((e.span.start, e.span.end), (44, 44));
}

// ----- f-strings -----

#[test]
fn fstrings() {
    let text = "x = f'a{b!r:>{w}}c' + rf\"\\d{x}\" + F'''\n{y}'''";
    let v = tokenize(text, Mode::File).unwrap();
    let fs: Vec<_> = v
        .iter()
        .filter_map(|(s, t, e)| match t {
            Tok::FStr {
                raw,
                body,
                body_offset,
            } => Some((*s, *e, *raw, body.clone(), *body_offset as usize)),
            _ => None,
        })
        .collect();
    assert_eq!(fs.len(), 3);
    assert_eq!(fs[0], (4, 19, false, "a{b!r:>{w}}c".to_string(), 6));
    assert_eq!(fs[1], (22, 31, true, r"\d{x}".to_string(), 25));
    assert!(!fs[2].2);
    assert_eq!(fs[2].3, "\n{y}");
    for (_, _, _, body, off) in &fs {
        assert_eq!(&text[*off..*off + body.len()], body);
    }
    // Offsets are absolute under a base offset.
    let v: Vec<_> = Lexer::new("f'{x}'", Mode::Expr, 10)
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        v[1].1,
        Tok::FStr {
            raw: false,
            body: "{x}".into(),
            body_offset: 12
        }
    );
    // The end is found as for a plain string (a field cannot hold the
    // quote); the body is not decoded.
    assert_eq!(toks("f'{x'"), r#"FStr(raw=false, "{x") Newline"#);
    assert_eq!(
        err("f'{x"),
        "SyntaxError: unterminated string literal (detected at line 1) @1:0"
    );
    assert_eq!(
        toks(r#"f'{"a"}\x'"#),
        r#"FStr(raw=false, "{\"a\"}\\x") Newline"#
    );
    assert_eq!(toks("fR'a' Rf'b' fr'c' RF'd'"), "FStr(raw=true, \"a\") FStr(raw=true, \"b\") FStr(raw=true, \"c\") FStr(raw=true, \"d\") Newline");
}

// ----- robustness -----

#[test]
fn never_panics() {
    let samples = [
        "if x:\n\ty = 'é€' + b'\\x4' + f'{a!r}' # ü\n  z = (1,\n\t[2.5e-3, 0x_F]) \\\n",
        "\u{feff}\u{a0}\u{200b}\u{10ffff}😀 $ ? ` ! \\ \x00 \x7f \r\r\n\x0c",
        "'''\\\n\\N{\\N{BULLET\\u12\\U0011ffff'''\"\\",
        "0b1_0o7_0xg 1e+_ 1._e 09_ 0_0_ 1__ .e5 ..5 ... 1é 0xforé",
        "  \\\n\t\\\r\n\x0c \\ x\n\t\t)(][}{",
    ];
    for sample in samples {
        for (i, _) in sample.char_indices() {
            for text in [&sample[..i], &sample[i..]] {
                for mode in [Mode::File, Mode::Expr] {
                    let _ = tokenize(text, mode);
                    let _ = Lexer::new(text, mode, 3).count();
                }
            }
        }
    }
}

#[test]
fn long_input_and_deep_indentation() {
    let text = "x = 1\n".repeat(20_000);
    assert_eq!(tokenize(&text, Mode::File).unwrap().len(), 1 + 4 * 20_000);
    let mut text = String::new();
    for depth in 0..99 {
        text.push_str(&" ".repeat(depth));
        text.push_str("if x:\n");
    }
    text.push_str(&" ".repeat(99));
    text.push_str("pass\n");
    assert!(tokenize(&text, Mode::File).is_ok());
    let deeper: String = text.lines().map(|l| format!(" {l}\n")).collect();
    let e = tokenize(&format!("if x:\n{deeper}"), Mode::File).unwrap_err();
    assert_eq!(e.msg, "too many levels of indentation");
}

/// Differential harness: `AIO_LEX_CASES=FILE cargo test --lib harness -- --ignored`
/// lexes each line of FILE (hex-encoded source) and prints one result line.
#[test]
#[ignore]
fn harness() {
    let Ok(path) = std::env::var("AIO_LEX_CASES") else {
        return;
    };
    let cases = std::fs::read_to_string(path).unwrap();
    let mut out = String::new();
    for line in cases.lines() {
        let bytes: Vec<u8> = (0..line.len() / 2)
            .map(|i| u8::from_str_radix(&line[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let text = String::from_utf8(bytes).unwrap();
        let src = SourceFile::new("t", text.clone());
        match tokenize(&text, Mode::File) {
            Err(e) => {
                let (l1, c1) = src.line_col(e.span.start);
                let (l2, c2) = src.line_col(e.span.end);
                out.push_str(&format!(
                    "ERR\t{}\t{}\t{l1}\t{c1}\t{l2}\t{c2}\n",
                    e.kind.class_name(),
                    e.msg
                ));
            }
            Ok(toks) => {
                out.push_str("OK");
                for (s, t, e) in toks {
                    let kind = match &t {
                        Tok::StartFile => continue,
                        Tok::Name(_) => "NAME",
                        Tok::Int(_) | Tok::Float(_) => "NUMBER",
                        Tok::Str(_) | Tok::Bytes(_) | Tok::FStr { .. } => "STRING",
                        Tok::Newline => "NEWLINE",
                        Tok::Indent => "INDENT",
                        Tok::Dedent => "DEDENT",
                        t if token_is_keyword(t) => "NAME",
                        _ => "OP",
                    };
                    let (l1, c1) = src.line_col(s as u32);
                    let (l2, c2) = src.line_col(e as u32);
                    let val = match &t {
                        Tok::Str(s) => format!("{s:?}"),
                        Tok::Bytes(b) => format!("{b:?}"),
                        Tok::Int(i) => i.to_string(),
                        Tok::Float(f) => format!("{f:?}"),
                        _ => String::new(),
                    };
                    let hex: String = text[s..e].bytes().map(|b| format!("{b:02x}")).collect();
                    out.push_str(&format!("\t{kind} {hex} {l1}:{c1}-{l2}:{c2} {val}"));
                }
                out.push('\n');
            }
        }
    }
    std::fs::write(std::env::var("AIO_LEX_OUT").unwrap(), out).unwrap();
}

fn token_is_keyword(t: &Tok) -> bool {
    let s = format!("{t:?}");
    s.chars().next().is_some_and(|c| c.is_uppercase()) && raw::keyword(&keyword_text(&s)).is_some()
}

fn keyword_text(debug: &str) -> String {
    match debug {
        "False" | "None" | "True" => debug.to_string(),
        _ => debug.to_lowercase(),
    }
}
