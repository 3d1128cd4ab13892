//! Lexer tests. Every expected error (message, line and column) was checked
//! against CPython 3.11 (`compile(src, "t", "exec")`); the column here is
//! 0-based, so it is CPython's 1-based `offset` minus one.

use super::*;

mod errors;
mod layout;
mod literals;

/// The tokens of `text` lexed as a file, space-separated, without the
/// StartFile marker.
pub(super) fn toks(text: &str) -> String {
    toks_mode(text, Mode::File)
}

pub(super) fn toks_mode(text: &str, mode: Mode) -> String {
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
pub(super) fn err(text: &str) -> String {
    let e = tokenize(text, Mode::File).expect_err(text);
    let src = SourceFile::new("t", text);
    let (line, col) = src.line_col(e.span.start);
    format!("{}: {} @{line}:{col}", e.kind.class_name(), e.msg)
}

pub(super) fn value(text: &str) -> Tok {
    let v = tokenize(text, Mode::File).unwrap_or_else(|e| panic!("{text:?}: {e}"));
    assert!(v.len() >= 3, "{v:?}");
    v[1].1.clone()
}

pub(super) fn str_value(text: &str) -> String {
    match value(text) {
        Tok::Str(s) => s,
        t => panic!("{text:?}: not a str: {t}"),
    }
}

pub(super) fn bytes_value(text: &str) -> Vec<u8> {
    match value(text) {
        Tok::Bytes(b) => b,
        t => panic!("{text:?}: not bytes: {t}"),
    }
}

pub(super) fn spans(text: &str, mode: Mode, base: usize) -> Vec<String> {
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
