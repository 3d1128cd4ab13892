//! Indentation, line ends, continuation and brackets.

use super::*;

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
