//! Character classes CPython's number parsers use, and the grammars of
//! `float(str)` and `int(str, base)` on the ASCII form of the input.

use num_bigint::{BigInt, Sign};

/// First code point of every run of ten Unicode decimal digits (category
/// Nd, Unicode 14.0 as in CPython 3.11); each run holds the digits 0..=9.
const DECIMAL_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
    0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
    0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// `Py_UNICODE_TODECIMAL`: the value of a Unicode decimal digit.
pub fn decimal_value(c: char) -> Option<u32> {
    let cp = c as u32;
    let idx = DECIMAL_ZEROS.partition_point(|&z| z <= cp);
    let zero = *DECIMAL_ZEROS.get(idx.checked_sub(1)?)?;
    (cp - zero < 10).then_some(cp - zero)
}

/// `Py_UNICODE_ISSPACE`: `str.isspace()` for one character.
pub fn is_unicode_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\x1c'..='\x1f'
            | ' '
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `Py_ISSPACE`: C-locale ASCII whitespace (not `\x1c`..`\x1f`).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
}

/// `_PyUnicode_TransformDecimalAndSpaceToASCII`: non-ASCII whitespace
/// becomes a space, non-ASCII decimal digits become ASCII digits, and the
/// first other non-ASCII character becomes `?` and ends the string (so the
/// parse fails there, after any digit-count limit check has run).
pub fn to_ascii_number(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if (c as u32) < 127 {
            out.push(c);
        } else if is_unicode_space(c) {
            out.push(' ');
        } else if let Some(d) = decimal_value(c) {
            out.push(char::from(b'0' + d as u8));
        } else {
            out.push('?');
            break;
        }
    }
    out
}

/// CPython's `_Py_string_to_number_with_underscores`: an underscore must
/// sit between two ASCII digits; returns the text without underscores.
fn remove_underscores(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    let mut prev = '\0';
    for c in s.chars() {
        if c == '_' {
            if !prev.is_ascii_digit() {
                return None;
            }
        } else {
            if prev == '_' && !c.is_ascii_digit() {
                return None;
            }
            out.push(c);
        }
        prev = c;
    }
    (prev != '_').then_some(out)
}

/// Length of the longest prefix of `b` that `_Py_dg_strtod` accepts as a
/// decimal number (no sign), or 0 when there is no digit.
fn scan_decimal(b: &[u8]) -> usize {
    let mut i = 0;
    let mut n_digits = 0;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
        n_digits += 1;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
            n_digits += 1;
        }
    }
    if n_digits == 0 {
        return 0;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_start = j;
        while b.get(j).is_some_and(u8::is_ascii_digit) {
            j += 1;
        }
        // An exponent without digits is not part of the number.
        if j > exp_start {
            i = j;
        }
    }
    i
}

/// `float(s)` on the ASCII form of the text; `None` when CPython raises.
pub fn parse_float_ascii(s: &str) -> Option<f64> {
    if s.contains('\0') {
        return None;
    }
    let cleaned;
    let s = if s.contains('_') {
        cleaned = remove_underscores(s)?;
        cleaned.as_str()
    } else {
        s
    };
    let t = s.trim_matches(|c: char| c.is_ascii() && is_ascii_space(c as u8));
    let b = t.as_bytes();
    let (negative, body) = match b.first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    let n = scan_decimal(body.as_bytes());
    if n > 0 {
        if n != body.len() {
            return None;
        }
        // The text is now plain `digits[.digits][e[sign]digits]`, which
        // Rust's correctly rounded parser reads exactly like dtoa.
        let v: f64 = body.parse().ok()?;
        return Some(if negative { -v } else { v });
    }
    let special = if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        f64::INFINITY
    } else if body.eq_ignore_ascii_case("nan") {
        f64::NAN
    } else {
        return None;
    };
    Some(if negative { -special } else { special })
}

/// `_PyLong_DigitValue`: value of an ASCII digit or letter, 37 otherwise.
fn digit_value(b: u8) -> u32 {
    match b {
        b'0'..=b'9' => u32::from(b - b'0'),
        b'a'..=b'z' => u32::from(b - b'a') + 10,
        b'A'..=b'Z' => u32::from(b - b'A') + 10,
        _ => 37,
    }
}

/// Why `int(s, base)` failed.
pub enum IntParseError {
    /// `invalid literal for int() with base N: '...'` (ValueError).
    Invalid,
    /// Too many decimal digits: carries the digit count (ValueError).
    TooManyDigits(usize),
}

/// `PyLong_FromString` on the ASCII form of the text, with the string
/// length check `PyLong_FromUnicodeObject` adds (an embedded NUL fails).
/// `max_digits` is the `sys.get_int_max_str_digits()` limit for bases that
/// are not powers of two (0 disables it).
pub fn parse_int_ascii(s: &str, base: u32, max_digits: usize) -> Result<BigInt, IntParseError> {
    use IntParseError::Invalid;
    if base == 1 || base > 36 {
        return Err(Invalid);
    }
    let b = s.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(0);
    let mut i = 0;
    while is_ascii_space(at(i)) {
        i += 1;
    }
    let mut sign = Sign::Plus;
    match at(i) {
        b'+' => i += 1,
        b'-' => {
            i += 1;
            sign = Sign::Minus;
        }
        _ => {}
    }
    let mut base = base;
    let mut error_if_nonzero = false;
    if base == 0 {
        base = if at(i) != b'0' {
            10
        } else {
            match at(i + 1) {
                b'x' | b'X' => 16,
                b'o' | b'O' => 8,
                b'b' | b'B' => 2,
                _ => {
                    // An old C-style octal literal: only zero is allowed.
                    error_if_nonzero = true;
                    10
                }
            }
        };
    }
    let prefixed = at(i) == b'0'
        && matches!(
            (base, at(i + 1)),
            (16, b'x' | b'X') | (8, b'o' | b'O') | (2, b'b' | b'B')
        );
    if prefixed {
        i += 2;
        // One underscore may follow the base prefix.
        if at(i) == b'_' {
            i += 1;
        }
    }
    if at(i) == b'_' {
        return Err(Invalid);
    }
    let start = i;
    let mut digits = Vec::new();
    let mut prev = 0u8;
    while digit_value(at(i)) < base || at(i) == b'_' {
        let c = at(i);
        if c == b'_' {
            if prev == b'_' {
                return Err(Invalid);
            }
        } else {
            digits.push(c);
        }
        prev = c;
        i += 1;
    }
    if prev == b'_' {
        return Err(Invalid);
    }
    if !base.is_power_of_two() && max_digits > 0 && digits.len() > max_digits {
        return Err(IntParseError::TooManyDigits(digits.len()));
    }
    if i == start {
        return Err(Invalid);
    }
    let magnitude = BigInt::parse_bytes(&digits, base).ok_or(Invalid)?;
    if error_if_nonzero && magnitude.sign() != Sign::NoSign {
        return Err(Invalid);
    }
    while is_ascii_space(at(i)) {
        i += 1;
    }
    if i != b.len() {
        return Err(Invalid);
    }
    Ok(if sign == Sign::Minus {
        -magnitude
    } else {
        magnitude
    })
}
