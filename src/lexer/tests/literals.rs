//! Numbers, strings, bytes and f-strings.

use super::*;

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
