//! Number and string formatting, parsing and float arithmetic exactly as
//! CPython 3.11 does them: `repr(float)`, `format(x, spec)` for float, int,
//! bool and str, `round`, `float(str)`, `int(str, base)`, `hex`/`oct`/`bin`,
//! int true division, float `divmod`/`**`, and the numeric hash.
//!
//! Errors are `Err(String)` holding CPython's exception message; each
//! function's doc names the exception class (ValueError unless noted).
//! An `Err` with an empty message stands for `MemoryError` (a field width
//! so large the result could not be allocated).
//!
//! Self-contained: depends only on `num-bigint`, `num-traits` and
//! `num-integer`; the submodules are leaves that only this file uses.

mod arith;
mod exact;
mod layout;
mod text;

use layout::{NumberLayout, NumberParts};
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{ToPrimitive, Zero};

/// `sys.get_int_max_str_digits()` default: the most decimal digits
/// `int(str)` and `str(int)` accept in CPython 3.11.
pub const INT_MAX_STR_DIGITS: usize = 4300;

/// Results longer than this are refused with the `MemoryError` marker (an
/// empty message) instead of attempting a multi-gigabyte allocation.
const MAX_OUTPUT_CHARS: usize = i32::MAX as usize;

/// A parsed format specification
/// `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatSpec {
    /// Explicit fill character (only given together with an alignment).
    pub fill: Option<char>,
    /// Explicit alignment: `<`, `>`, `^` or `=`.
    pub align: Option<char>,
    /// Sign option: `+`, `-` or ` `.
    pub sign: Option<char>,
    /// The `z` flag: coerce negative zero to positive (floats only).
    pub no_neg_zero: bool,
    /// The `#` flag: alternate form.
    pub alternate: bool,
    /// The `0` flag before the width: zero fill, `=` alignment for numbers.
    pub zero_pad: bool,
    /// Minimum field width.
    pub width: Option<usize>,
    /// Thousands separator: `,` or `_`.
    pub grouping: Option<char>,
    /// Precision after the `.`.
    pub precision: Option<usize>,
    /// Presentation type, or the caller's default type when absent.
    pub ty: Option<char>,
}

impl FormatSpec {
    /// The effective fill and alignment, given the type's default alignment
    /// (`>` for numbers, `<` for str); the `0` flag means fill `0` and, for
    /// right-aligned types only, `=` alignment (3.10+ rule).
    fn fill_align(&self, default_align: char) -> (char, char) {
        let fill = self.fill.unwrap_or(if self.zero_pad { '0' } else { ' ' });
        let align = self
            .align
            .unwrap_or(if self.zero_pad && default_align == '>' {
                '='
            } else {
                default_align
            });
        (fill, align)
    }

    /// Refuses widths whose padding could not be allocated.
    fn check_width(&self) -> Result<(), String> {
        match self.width {
            Some(w) if w > MAX_OUTPUT_CHARS => Err(String::new()),
            _ => Ok(()),
        }
    }
}

/// How CPython prints a presentation-type character in messages.
fn code_repr(c: char) -> String {
    let cp = c as u32;
    if cp > 32 && cp < 128 {
        c.to_string()
    } else {
        format!("\\x{cp:x}")
    }
}

/// "Unknown format code 'q' for object of type 'int'" (ValueError).
fn unknown_code(ty: char, type_name: &str) -> String {
    format!(
        "Unknown format code '{}' for object of type '{}'",
        code_repr(ty),
        type_name
    )
}

/// `get_integer`: reads decimal digits (any Unicode Nd digit counts).
fn get_integer(chars: &[char], pos: &mut usize) -> Result<Option<usize>, String> {
    let mut acc: i64 = 0;
    let mut count = 0;
    while let Some(d) = chars.get(*pos).and_then(|&c| text::decimal_value(c)) {
        let d = i64::from(d);
        if acc > (i64::MAX - d) / 10 {
            return Err("Too many decimal digits in format string".to_string());
        }
        acc = acc * 10 + d;
        *pos += 1;
        count += 1;
    }
    Ok((count > 0).then_some(acc as usize))
}

/// The format-spec mini-language parser for a value whose type is named
/// `type_name` in messages and whose presentation type defaults to
/// `default_type` (`Some('d')` for int, `Some('s')` for str, `None` for
/// float). Errors are ValueError.
pub fn parse_format_spec_for(
    spec: &str,
    type_name: &str,
    default_type: Option<char>,
) -> Result<FormatSpec, String> {
    let c: Vec<char> = spec.chars().collect();
    let end = c.len();
    let at = |i: usize| c.get(i).copied();
    let is_align = |ch: Option<char>| matches!(ch, Some('<' | '>' | '=' | '^'));
    let mut f = FormatSpec {
        fill: None,
        align: None,
        sign: None,
        no_neg_zero: false,
        alternate: false,
        zero_pad: false,
        width: None,
        grouping: None,
        precision: None,
        ty: default_type,
    };
    let mut pos = 0;
    if is_align(at(1)) {
        f.fill = at(0);
        f.align = at(1);
        pos = 2;
    } else if is_align(at(0)) {
        f.align = at(0);
        pos = 1;
    }
    if let Some(s @ (' ' | '+' | '-')) = at(pos) {
        f.sign = Some(s);
        pos += 1;
    }
    if at(pos) == Some('z') {
        f.no_neg_zero = true;
        pos += 1;
    }
    if at(pos) == Some('#') {
        f.alternate = true;
        pos += 1;
    }
    // With an explicit fill a leading 0 is just part of the width.
    if f.fill.is_none() && at(pos) == Some('0') {
        f.zero_pad = true;
        pos += 1;
    }
    f.width = get_integer(&c, &mut pos)?;
    let both = || "Cannot specify both ',' and '_'.".to_string();
    if at(pos) == Some(',') {
        f.grouping = Some(',');
        pos += 1;
    }
    if at(pos) == Some('_') {
        if f.grouping.is_some() {
            return Err(both());
        }
        f.grouping = Some('_');
        pos += 1;
    }
    if at(pos) == Some(',') && f.grouping == Some('_') {
        return Err(both());
    }
    if at(pos) == Some('.') {
        pos += 1;
        match get_integer(&c, &mut pos)? {
            Some(p) => f.precision = Some(p),
            None => return Err("Format specifier missing precision".to_string()),
        }
    }
    if end > pos + 1 {
        return Err(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        ));
    }
    if let Some(t) = at(pos) {
        f.ty = Some(t);
    }
    if let Some(g) = f.grouping {
        match f.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => {}
            // Underscores group bin/oct/hex digits by four (PEP 515).
            Some('b' | 'o' | 'x' | 'X') if g == '_' => {}
            Some(t) => return Err(format!("Cannot specify '{g}' with '{}'.", code_repr(t))),
        }
    }
    Ok(f)
}

/// Parses a format spec with no default presentation type (as for
/// float). The "Invalid format specifier" message names type 'object';
/// the `format_*` functions use the exact per-type rules. ValueError.
pub fn parse_format_spec(spec: &str) -> Result<FormatSpec, String> {
    parse_format_spec_for(spec, "object", None)
}

/// `PyOS_double_to_string` + `format_float_short`: formats a double for
/// `code` in `e E f F g G r` (r = repr), adding only a `-` sign.
fn double_to_string(
    x: f64,
    code: char,
    precision: usize,
    add_dot_0: bool,
    alt: bool,
    no_neg_0: bool,
) -> String {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    if x.is_nan() {
        // The sign of a NaN is never shown.
        return if upper { "NAN" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        let s = if upper { "INF" } else { "inf" };
        return if x < 0.0 {
            format!("-{s}")
        } else {
            s.to_string()
        };
    }
    let mut precision = precision as i64;
    let dec = match code {
        'e' => {
            // CPython adds 1 in a C int: precision INT_MAX wraps to INT_MIN,
            // which dtoa reads as one significant digit.
            precision = i64::from((precision as i32).wrapping_add(1));
            exact::significant(x, precision.max(1) as usize)
        }
        'f' => exact::fixed(x, precision),
        'g' => {
            // Precision 0 makes no sense for 'g'; CPython reads it as 1.
            precision = precision.max(1);
            exact::significant(x, precision as usize)
        }
        _ => exact::shortest(x),
    };
    let digits = dec.digits.as_str();
    let len = digits.len() as i64;
    let mut decpt = dec.decpt;
    let negative = dec.negative && !(no_neg_0 && (len == 0 || digits == "0"));
    let mut vdigits_end = len;
    let mut use_exp = false;
    match code {
        'e' => {
            use_exp = true;
            vdigits_end = precision;
        }
        'f' => vdigits_end = decpt + precision,
        'g' => {
            let limit = if add_dot_0 { precision - 1 } else { precision };
            use_exp = decpt <= -4 || decpt > limit;
            if alt {
                vdigits_end = precision;
            }
        }
        // repr switches to exponent notation at 1e16 and below 1e-4.
        _ => use_exp = decpt <= -4 || decpt > 16,
    }
    let mut exp = 0;
    if use_exp {
        exp = decpt - 1;
        decpt = 1;
    }
    let vdigits_start = if decpt <= 0 { decpt - 1 } else { 0 };
    vdigits_end = if !use_exp && add_dot_0 {
        vdigits_end.max(decpt + 1)
    } else {
        vdigits_end.max(decpt)
    };
    let zeros = |out: &mut String, n: i64| {
        for _ in 0..n.max(0) {
            out.push('0');
        }
    };
    let mut out = String::with_capacity((vdigits_end - vdigits_start).max(0) as usize + 8);
    if negative {
        out.push('-');
    }
    if decpt <= 0 {
        zeros(&mut out, decpt - vdigits_start);
        out.push('.');
        zeros(&mut out, -decpt);
    } else {
        zeros(&mut out, -vdigits_start);
    }
    match (
        digits.get(..decpt.max(0) as usize),
        digits.get(decpt.max(0) as usize..),
    ) {
        (Some(head), Some(tail)) if decpt > 0 => {
            out.push_str(head);
            out.push('.');
            out.push_str(tail);
        }
        _ => out.push_str(digits),
    }
    if len < decpt {
        zeros(&mut out, decpt - len);
        out.push('.');
        zeros(&mut out, vdigits_end - decpt);
    } else {
        zeros(&mut out, vdigits_end - len);
    }
    if out.ends_with('.') && !alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        out.push_str(&format!("{exp:+03}"));
    }
    out
}

/// `repr(x)` and `str(x)` for a float: shortest round-trip digits, `1.0`,
/// `1e+16`, `1e-05`, `inf`, `nan`, `-0.0`.
pub fn float_repr(x: f64) -> String {
    double_to_string(x, 'r', 0, true, false, false)
}

/// The thousands separator and group size a numeric spec asks for.
fn grouping_of(f: &FormatSpec, group_size: usize) -> Option<(char, usize)> {
    if f.ty == Some('n') {
        // 'n' uses the current locale, which is "C" in CPython unless the
        // program calls setlocale: no grouping, '.' as decimal point.
        return None;
    }
    f.grouping.map(|g| (g, group_size))
}

/// `format_float_internal`: formats a float for an already parsed spec.
fn format_float_spec(value: f64, f: &FormatSpec) -> Result<String, String> {
    if f.precision.is_some_and(|p| p > i32::MAX as usize) {
        return Err("precision too big".to_string());
    }
    f.check_width()?;
    let mut add_dot_0 = false;
    let mut default_precision = 6;
    let mut code = match f.ty {
        None => {
            // No type: like repr, or like 'g' with at least one digit
            // after the point when a precision is given.
            add_dot_0 = true;
            default_precision = 0;
            'r'
        }
        Some('n') => 'g',
        Some(t) => t,
    };
    let mut value = value;
    let add_pct = code == '%';
    if add_pct {
        code = 'f';
        value *= 100.0;
    }
    let precision = match f.precision {
        None => default_precision,
        Some(p) => {
            if code == 'r' {
                code = 'g';
            }
            p
        }
    };
    let mut buf = double_to_string(
        value,
        code,
        precision,
        add_dot_0,
        f.alternate,
        f.no_neg_zero,
    );
    if add_pct {
        buf.push('%');
    }
    let (negative, body) = match buf.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, buf.as_str()),
    };
    let n_int = body.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = body.split_at(n_int);
    let (has_decimal, remainder) = match rest.strip_prefix('.') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let (fill, align) = f.fill_align('>');
    let l = NumberLayout {
        fill,
        align,
        sign: f.sign,
        width: f.width,
        grouping: grouping_of(f, 3),
    };
    let p = NumberParts {
        negative,
        prefix: "",
        digits,
        has_decimal,
        remainder,
    };
    Ok(layout::layout_number(&l, &p))
}

/// `format(x, spec)` / `x.__format__(spec)` / f-string `{x:spec}` for a
/// float. Errors: ValueError (bad spec, unknown code, `precision too big`).
pub fn format_float(x: f64, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(float_repr(x));
    }
    let f = parse_format_spec_for(spec, "float", None)?;
    match f.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => format_float_spec(x, &f),
        Some(t) => Err(unknown_code(t, "float")),
    }
}

/// The ValueError message for converting an over-long int to decimal text.
fn too_many_digits_to_str() -> String {
    format!(
        "Exceeds the limit ({INT_MAX_STR_DIGITS} digits) for integer string conversion; \
         use sys.set_int_max_str_digits() to increase the limit"
    )
}

/// Decimal digits of `|x|`, refusing more than `INT_MAX_STR_DIGITS`.
fn decimal_magnitude(x: &BigInt) -> Result<String, String> {
    // 10^4300 < 2^14285: anything longer certainly has too many digits,
    // so refuse it before paying for the conversion.
    if x.bits() > 14_300 {
        return Err(too_many_digits_to_str());
    }
    let s = x.magnitude().to_str_radix(10);
    if s.len() > INT_MAX_STR_DIGITS {
        return Err(too_many_digits_to_str());
    }
    Ok(s)
}

/// `str(n)` / `repr(n)` for an int. Errors: ValueError when it has more
/// than 4300 digits (CPython's default `int_max_str_digits`).
pub fn int_to_decimal(x: &BigInt) -> Result<String, String> {
    let digits = decimal_magnitude(x)?;
    Ok(if x.sign() == Sign::Minus {
        format!("-{digits}")
    } else {
        digits
    })
}

/// `float(n)` for an int, correctly rounded (ties to even). Errors:
/// OverflowError `int too large to convert to float`.
pub fn int_to_float(x: &BigInt) -> Result<f64, String> {
    let m = exact::ratio_to_f64(x.magnitude(), &BigUint::from(1u32));
    if m.is_infinite() {
        return Err("int too large to convert to float".to_string());
    }
    Ok(if x.sign() == Sign::Minus { -m } else { m })
}

/// `format_long_internal`: formats an int for an already parsed spec with
/// an integer presentation type.
fn format_long_spec(x: &BigInt, f: &FormatSpec, ty: char) -> Result<String, String> {
    if f.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".to_string());
    }
    if f.no_neg_zero {
        return Err(
            "Negative zero coercion (z) not allowed in integer format specifier".to_string(),
        );
    }
    f.check_width()?;
    let (fill, align) = f.fill_align('>');
    let mut l = NumberLayout {
        fill,
        align,
        sign: f.sign,
        width: f.width,
        grouping: None,
    };
    if ty == 'c' {
        if f.sign.is_some() {
            return Err("Sign not allowed with integer format specifier 'c'".to_string());
        }
        if f.alternate {
            return Err(
                "Alternate form (#) not allowed with integer format specifier 'c'".to_string(),
            );
        }
        let code = x
            .to_i64()
            .ok_or_else(|| "Python int too large to convert to C long".to_string())?;
        if !(0..=0x10ffff).contains(&code) {
            return Err("%c arg not in range(0x110000)".to_string());
        }
        // Lone surrogates are valid in Python strings but not in Rust ones.
        let ch = char::from_u32(code as u32)
            .ok_or_else(|| format!("surrogate code point U+{code:04X} cannot be represented"))?;
        let mut buf = [0u8; 4];
        let p = NumberParts {
            negative: false,
            prefix: "",
            digits: "",
            has_decimal: false,
            remainder: ch.encode_utf8(&mut buf),
        };
        return Ok(layout::layout_number(&l, &p));
    }
    let (radix, prefix) = match ty {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let digits = if radix == 10 {
        decimal_magnitude(x)?
    } else if ty == 'X' {
        x.magnitude().to_str_radix(radix).to_ascii_uppercase()
    } else {
        x.magnitude().to_str_radix(radix)
    };
    l.grouping = grouping_of(f, if radix == 10 { 3 } else { 4 });
    let p = NumberParts {
        negative: x.sign() == Sign::Minus,
        prefix: if f.alternate { prefix } else { "" },
        digits: &digits,
        has_decimal: false,
        remainder: "",
    };
    Ok(layout::layout_number(&l, &p))
}

/// `int.__format__` with the type named `type_name` in messages.
fn format_int_named(x: &BigInt, spec: &str, type_name: &str) -> Result<String, String> {
    let f = parse_format_spec_for(spec, type_name, Some('d'))?;
    match f.ty {
        Some(t @ ('b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n')) => format_long_spec(x, &f, t),
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => format_float_spec(int_to_float(x)?, &f),
        Some(t) => Err(unknown_code(t, type_name)),
        None => format_long_spec(x, &f, 'd'),
    }
}

/// `format(n, spec)` for an int. Errors: ValueError (bad spec, precision,
/// `z`, unknown code, more than 4300 decimal digits); OverflowError for
/// `c` out of range (`%c arg not in range(0x110000)`, `Python int too
/// large to convert to C long`) and for float types on huge ints (`int too
/// large to convert to float`). `c` of a lone surrogate, which Rust strings
/// cannot hold, is an Err (CPython returns the surrogate).
pub fn format_int(x: &BigInt, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return int_to_decimal(x);
    }
    format_int_named(x, spec, "int")
}

/// `format(b, spec)` for a bool: `str(b)` for an empty spec, otherwise
/// int formatting of 0/1 with 'bool' in messages. Errors as `format_int`.
pub fn format_bool(b: bool, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(if b { "True" } else { "False" }.to_string());
    }
    format_int_named(&BigInt::from(u8::from(b)), spec, "bool")
}

/// `format(s, spec)` for a str: fill, alignment (default left), width and
/// precision (truncation) in characters. Errors (ValueError): sign, `z`,
/// `#`, `=` alignment, grouping, any type but `s`.
pub fn format_str(s: &str, spec: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(s.to_string());
    }
    let f = parse_format_spec_for(spec, "str", Some('s'))?;
    match f.ty {
        Some('s') | None => {}
        Some(t) => return Err(unknown_code(t, "str")),
    }
    match f.sign {
        Some(' ') => return Err("Space not allowed in string format specifier".to_string()),
        Some(_) => return Err("Sign not allowed in string format specifier".to_string()),
        None => {}
    }
    if f.no_neg_zero {
        return Err(
            "Negative zero coercion (z) not allowed in string format specifier".to_string(),
        );
    }
    if f.alternate {
        return Err("Alternate form (#) not allowed in string format specifier".to_string());
    }
    let (fill, align) = f.fill_align('<');
    if align == '=' {
        return Err("'=' alignment not allowed in string format specifier".to_string());
    }
    f.check_width()?;
    let text = match f.precision {
        Some(p) => s
            .char_indices()
            .nth(p)
            .and_then(|(i, _)| s.get(..i))
            .unwrap_or(s),
        None => s,
    };
    Ok(layout::pad_text(text, f.width, align, fill))
}

/// `round(x, ndigits)` for a float, correctly rounded (round-half-even on
/// the exact binary value): `round(2.675, 2) == 2.67`, `round(1234.5, -2)
/// == 1200.0`; NaN and infinities round to themselves. An int `ndigits`
/// beyond the i64 range should be saturated by the caller (CPython clamps
/// it the same way). Errors: OverflowError `rounded value too large to
/// represent`.
pub fn round_float(x: f64, ndigits: i64) -> Result<f64, String> {
    if !x.is_finite() {
        return Ok(x);
    }
    // Beyond these bounds x is its own rounding, or rounds to a signed 0.
    if ndigits > 323 {
        return Ok(x);
    }
    if ndigits < -308 {
        return Ok(0.0 * x);
    }
    let dec = exact::fixed(x, ndigits);
    let magnitude = match dec.digits.parse::<BigUint>() {
        Ok(q) => {
            let e = dec.decpt - dec.digits.len() as i64;
            let ten = |n: i64| exact::pow10(n.unsigned_abs() as u32);
            let r = if e >= 0 {
                exact::ratio_to_f64(&(q * ten(e)), &BigUint::from(1u32))
            } else {
                exact::ratio_to_f64(&q, &ten(e))
            };
            if r.is_infinite() {
                return Err("rounded value too large to represent".to_string());
            }
            r
        }
        // No digits: the value rounded to zero.
        Err(_) => 0.0,
    };
    Ok(if dec.negative { -magnitude } else { magnitude })
}

/// `round(x)` for a float before the conversion to int: nearest integer,
/// ties to even (`round(0.5) == 0`, `round(1.5) == 2`). The caller turns
/// the result into an int with `float_to_int_check`.
pub fn round_half_even(x: f64) -> f64 {
    x.round_ties_even()
}

/// `float(s)` for a str: surrounding whitespace, sign, `inf`, `infinity`,
/// `nan` in any case, underscores only between digits, Unicode decimal
/// digits. `None` when CPython raises ValueError `could not convert string
/// to float: '...'` (the caller builds the message with the repr of `s`).
pub fn parse_float(s: &str) -> Option<f64> {
    text::parse_float_ascii(&text::to_ascii_number(s))
}

/// `int(s, base)` for a str, with CPython's digit limit: `Ok(Some(n))`,
/// `Ok(None)` when the literal is invalid (ValueError `invalid literal for
/// int() with base {base}: {repr(s)}`, built by the caller with the base
/// as given), or `Err` (ValueError) when a non-power-of-two base has more
/// than 4300 digits. An invalid base (not 0 or 2..=36) gives `Ok(None)`;
/// the caller raises `int() base must be >= 2 and <= 36, or 0` first.
pub fn parse_int_checked(s: &str, base: u32) -> Result<Option<BigInt>, String> {
    match text::parse_int_ascii(&text::to_ascii_number(s), base, INT_MAX_STR_DIGITS) {
        Ok(n) => Ok(Some(n)),
        Err(text::IntParseError::Invalid) => Ok(None),
        Err(text::IntParseError::TooManyDigits(n)) => Err(format!(
            "Exceeds the limit ({INT_MAX_STR_DIGITS} digits) for integer string conversion: \
             value has {n} digits; use sys.set_int_max_str_digits() to increase the limit"
        )),
    }
}

/// `int(s, base)` for a str without the digit limit: whitespace, sign,
/// underscores between digits, base 0 infers the base from a
/// `0x`/`0o`/`0b` prefix (and then rejects leading zeros, `int('010', 0)`),
/// bases 16/8/2 accept their prefix; `None` when invalid (ValueError).
pub fn parse_int(s: &str, base: u32) -> Option<BigInt> {
    text::parse_int_ascii(&text::to_ascii_number(s), base, 0).ok()
}

/// `hex(n)` / `oct(n)` / `bin(n)` (radix 16/8/2 with `prefix`), or the bare
/// lowercase digits in any radix 2..=36: `-0x1f`. Radices outside 2..=36
/// are treated as 10.
pub fn int_to_str_radix(x: &BigInt, radix: u32, prefix: bool) -> String {
    let radix = if (2..=36).contains(&radix) { radix } else { 10 };
    let p = match (prefix, radix) {
        (true, 16) => "0x",
        (true, 8) => "0o",
        (true, 2) => "0b",
        _ => "",
    };
    let sign = if x.sign() == Sign::Minus { "-" } else { "" };
    format!("{sign}{p}{}", x.magnitude().to_str_radix(radix))
}

/// `int(x)` for a float: truncation toward zero. Errors: OverflowError
/// `cannot convert float infinity to integer`, ValueError `cannot convert
/// float NaN to integer`.
pub fn float_to_int_check(x: f64) -> Result<BigInt, String> {
    if x.is_nan() {
        return Err("cannot convert float NaN to integer".to_string());
    }
    if x.is_infinite() {
        return Err("cannot convert float infinity to integer".to_string());
    }
    Ok(arith::truncate_to_int(x))
}

/// `a / b` for ints, correctly rounded even for huge operands. Errors:
/// ZeroDivisionError `division by zero`, OverflowError `integer division
/// result too large for a float`.
pub fn int_true_div(a: &BigInt, b: &BigInt) -> Result<f64, String> {
    if b.is_zero() {
        return Err("division by zero".to_string());
    }
    let q = exact::ratio_to_f64(a.magnitude(), b.magnitude());
    if q.is_infinite() {
        return Err("integer division result too large for a float".to_string());
    }
    // A zero quotient keeps the sign of the division (0 / -5 == -0.0).
    let negative = (a.sign() == Sign::Minus) != (b.sign() == Sign::Minus);
    Ok(if negative { -q } else { q })
}

/// `divmod(a, b)` for floats: floor quotient and a remainder with the sign
/// of `b`. Errors: ZeroDivisionError `float divmod()`.
pub fn float_floordiv_mod(a: f64, b: f64) -> Result<(f64, f64), String> {
    if b == 0.0 {
        return Err("float divmod()".to_string());
    }
    Ok(arith::float_div_mod(a, b))
}

/// `a // b` for floats. Errors: ZeroDivisionError `float floor division by
/// zero`.
pub fn float_floordiv(a: f64, b: f64) -> Result<f64, String> {
    if b == 0.0 {
        return Err("float floor division by zero".to_string());
    }
    Ok(arith::float_div_mod(a, b).0)
}

/// `a % b` for floats (result has the sign of `b`). Errors:
/// ZeroDivisionError `float modulo`.
pub fn float_mod(a: f64, b: f64) -> Result<f64, String> {
    if b == 0.0 {
        return Err("float modulo".to_string());
    }
    Ok(arith::float_rem(a, b))
}

/// `a ** b` (and `pow(a, b)`) for floats with CPython's special cases.
/// Errors: ZeroDivisionError `0.0 cannot be raised to a negative power`;
/// OverflowError `(34, 'Numerical result out of range')`. A negative base
/// with a non-integral exponent gives a complex number in CPython; aio has
/// no complex type, so that case is an Err (raise ValueError) whose
/// message starts with `negative number cannot be raised to a fractional
/// power`.
pub fn float_pow(a: f64, b: f64) -> Result<f64, String> {
    arith::float_pow(a, b)
}

/// `hash(x)` for a float: equal to `hash(n)` when `x == n`, modulus
/// `2**61 - 1`, `hash(inf) == 314159`, `hash(-1.0) == -2`. NaN hashes to 0
/// here (CPython 3.10+ hashes each NaN object by identity).
pub fn float_hash(x: f64) -> i64 {
    arith::float_hash(x)
}

/// `hash(n)` for an int (and bool): `n mod (2**61 - 1)` with the sign of
/// `n`, except that `hash(-1) == -2`.
pub fn int_hash(x: &BigInt) -> i64 {
    arith::int_hash(x)
}
