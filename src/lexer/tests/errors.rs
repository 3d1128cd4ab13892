//! Stray characters and which error wins when there are several.

use super::*;

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
