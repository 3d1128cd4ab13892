//! Padding, alignment and digit grouping, ported from CPython's
//! `calc_number_widths`, `fill_number`, `calc_padding` and
//! `_PyUnicode_InsertThousandsGrouping` so that every corner (zero padding
//! through separators, `=` alignment, a sign with `^`) lays out the same.

/// The resolved layout options of a numeric format spec.
pub struct NumberLayout {
    /// Fill character for padding.
    pub fill: char,
    /// One of `<`, `>`, `^`, `=`.
    pub align: char,
    /// The sign option: `+`, `-`, ` `, or `None` when absent.
    pub sign: Option<char>,
    /// Minimum field width, `None` when absent.
    pub width: Option<usize>,
    /// Thousands separator and group size, `None` for no grouping.
    pub grouping: Option<(char, usize)>,
}

/// The pieces of a formatted number: `[-]<prefix><digits>[.<remainder>]`
/// where `digits` is the ASCII integer part that grouping applies to.
pub struct NumberParts<'a> {
    /// Whether the formatted value carries a minus sign.
    pub negative: bool,
    /// `0x`-style prefix (already in the right case), may be empty.
    pub prefix: &'a str,
    /// Integer digits, ASCII, may be empty (`c` format, `inf`, `nan`).
    pub digits: &'a str,
    /// Whether a decimal point follows the digits.
    pub has_decimal: bool,
    /// Everything after the decimal point (or after the digits if there is
    /// none): fraction, exponent, `%`, or the character of a `c` format.
    pub remainder: &'a str,
}

fn push_n(out: &mut String, c: char, n: i64) {
    for _ in 0..n.max(0) {
        out.push(c);
    }
}

/// Groups `digits` from the right, zero-padding the digit run itself up to
/// `min_width` characters (separators included), as CPython does for the
/// `0` flag so that `format(1234, '08,')` is `0,001,234`.
fn group_digits(digits: &str, min_width: i64, grouping: Option<(char, usize)>) -> String {
    let bytes = digits.as_bytes();
    let mut rev: Vec<char> = Vec::with_capacity(bytes.len() + min_width.max(0) as usize);
    let mut pos = bytes.len();
    let mut remaining = bytes.len() as i64;
    let mut min_width = min_width.max(0);
    let mut use_separator = false;
    let mut emit = |rev: &mut Vec<char>, sep: Option<char>, n_chars: i64, n_zeros: i64| {
        if let Some(s) = sep {
            rev.push(s);
        }
        for _ in 0..n_chars {
            pos = pos.saturating_sub(1);
            rev.push(bytes.get(pos).copied().map_or('0', char::from));
        }
        for _ in 0..n_zeros {
            rev.push('0');
        }
    };
    let mut finished = false;
    if let Some((sep, size)) = grouping {
        let size = size.max(1) as i64;
        loop {
            let len = size.min(remaining.max(min_width).max(1));
            let n_zeros = (len - remaining).max(0);
            let n_chars = remaining.min(len).max(0);
            emit(&mut rev, use_separator.then_some(sep), n_chars, n_zeros);
            use_separator = true;
            remaining -= n_chars;
            min_width -= len;
            if remaining <= 0 && min_width <= 0 {
                finished = true;
                break;
            }
            min_width -= 1;
        }
    }
    if !finished {
        let len = remaining.max(min_width).max(1);
        let n_zeros = (len - remaining).max(0);
        let n_chars = remaining.min(len).max(0);
        let sep = grouping.map(|g| g.0).filter(|_| use_separator);
        emit(&mut rev, sep, n_chars, n_zeros);
    }
    rev.iter().rev().collect()
}

/// Lays out a number the way CPython's `fill_number` does:
/// `<lpad><sign><prefix><spad><grouped digits><.><remainder><rpad>`.
pub fn layout_number(l: &NumberLayout, p: &NumberParts) -> String {
    let (n_sign, sign_char) = match l.sign {
        Some('+') => (1, Some(if p.negative { '-' } else { '+' })),
        Some(' ') => (1, Some(if p.negative { '-' } else { ' ' })),
        _ if p.negative => (1, Some('-')),
        _ => (0, None),
    };
    let width = l.width.map_or(-1, |w| w as i64);
    let n_prefix = p.prefix.chars().count() as i64;
    let n_remainder = p.remainder.chars().count() as i64;
    let n_non_digit = n_sign + n_prefix + i64::from(p.has_decimal) + n_remainder;
    let min_width = if l.fill == '0' && l.align == '=' {
        width - n_non_digit
    } else {
        0
    };
    let grouped = if p.digits.is_empty() {
        String::new()
    } else {
        group_digits(p.digits, min_width, l.grouping)
    };
    let n_padding = width - (n_non_digit + grouped.chars().count() as i64);
    let (mut lpad, mut spad, mut rpad) = (0, 0, 0);
    if n_padding > 0 {
        match l.align {
            '<' => rpad = n_padding,
            '^' => {
                lpad = n_padding / 2;
                rpad = n_padding - lpad;
            }
            '=' => spad = n_padding,
            _ => lpad = n_padding,
        }
    }
    let mut out = String::with_capacity((width.max(0) as usize).max(grouped.len() + 8));
    push_n(&mut out, l.fill, lpad);
    if let Some(c) = sign_char {
        out.push(c);
    }
    out.push_str(p.prefix);
    push_n(&mut out, l.fill, spad);
    out.push_str(&grouped);
    if p.has_decimal {
        out.push('.');
    }
    out.push_str(p.remainder);
    push_n(&mut out, l.fill, rpad);
    out
}

/// Pads `text` (already truncated) to `width` with `fill`, as CPython's
/// `calc_padding` does for strings (`^` puts the extra character right).
pub fn pad_text(text: &str, width: Option<usize>, align: char, fill: char) -> String {
    let n = text.chars().count();
    let total = width.map_or(n, |w| w.max(n));
    let lpad = match align {
        '>' => total - n,
        '^' => (total - n) / 2,
        _ => 0,
    };
    let rpad = total - n - lpad;
    let mut out = String::with_capacity(text.len() + (lpad + rpad) * fill.len_utf8());
    push_n(&mut out, fill, lpad as i64);
    out.push_str(text);
    push_n(&mut out, fill, rpad as i64);
    out
}
