//! Number literals, scanned the way CPython 3.11's tokenizer does (its
//! `tok_get` number branch, `tok_decimal_tail` and `verify_end_of_number`),
//! so that malformed literals fail with the same message at the same column.

use super::errors::{at_cursor, span};
use super::raw::Ctx;
use super::token::Tok;
use crate::diag::SyntaxError;
use num_bigint::BigInt;

/// A cursor over the text's bytes. Reading past the end yields `b'\n'`,
/// like CPython's tokenizer, which sees an implicit newline at end of input;
/// `back` undoes one `next` in both cases, so positions stay exact.
struct Cur<'s> {
    s: &'s [u8],
    i: usize,
}

impl Cur<'_> {
    fn next(&mut self) -> u8 {
        let c = self.s.get(self.i).copied().unwrap_or(b'\n');
        self.i += 1;
        c
    }

    fn back(&mut self) {
        self.i -= 1;
    }

    /// Whether the next bytes are `word` ending there (not followed by a
    /// name character), without moving.
    fn lookahead(&self, word: &[u8]) -> bool {
        let after = self.s.get(self.i + word.len()).copied().unwrap_or(b'\n');
        self.s.get(self.i..self.i + word.len()) == Some(word)
            && !is_potential_identifier_char(after)
    }
}

/// Letters, digits, `_` and any non-ASCII byte: what may continue a name.
fn is_potential_identifier_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 128
}

#[derive(PartialEq)]
enum Kind {
    Int(u32),
    Float,
    Imaginary,
}

struct Scan<'s> {
    src: &'s str,
    cur: Cur<'s>,
    ctx: Ctx,
}

type R<T> = Result<T, SyntaxError>;

impl Scan<'_> {
    fn error(&self, msg: impl Into<String>) -> SyntaxError {
        at_cursor(self.src, self.cur.i, self.ctx, msg)
    }

    /// `c` was just read. A literal may run straight into `and`, `else`,
    /// `for`, `if`, `in`, `is`, `not` or `or` (CPython only warns), but not
    /// into any other name character.
    fn verify_end(&mut self, c: u8, kind: &str) -> R<()> {
        let keyword_follows = match c {
            b'a' => self.cur.lookahead(b"nd"),
            b'e' => self.cur.lookahead(b"lse"),
            b'f' => self.cur.lookahead(b"or"),
            b'i' => matches!(self.cur.s.get(self.cur.i), Some(b'f' | b'n' | b's')),
            b'o' => self.cur.lookahead(b"r"),
            b'n' => self.cur.lookahead(b"ot"),
            _ => false,
        };
        // Only ASCII counts here: `1é` lexes as `1` then a name.
        if !keyword_follows && c < 128 && is_potential_identifier_char(c) {
            self.cur.back();
            return Err(self.error(format!("invalid {kind} literal")));
        }
        Ok(())
    }

    /// Digits and single underscores after a digit; returns the first
    /// character that is neither.
    fn decimal_tail(&mut self) -> R<u8> {
        loop {
            let mut c = self.cur.next();
            while c.is_ascii_digit() {
                c = self.cur.next();
            }
            if c != b'_' {
                return Ok(c);
            }
            let c = self.cur.next();
            if !c.is_ascii_digit() {
                self.cur.back();
                return Err(self.error("invalid decimal literal"));
            }
        }
    }

    /// `0x`, `0o`, `0b` literals: the prefix has been read.
    fn radix(&mut self, radix: u32, name: &str) -> R<Kind> {
        let is_digit = |c: u8| (c as char).is_digit(radix);
        let mut c = self.cur.next();
        loop {
            if c == b'_' {
                c = self.cur.next();
            }
            if !is_digit(c) {
                if radix != 16 && c.is_ascii_digit() {
                    return Err(
                        self.error(format!("invalid digit '{}' in {name} literal", c as char))
                    );
                }
                self.cur.back();
                return Err(self.error(format!("invalid {name} literal")));
            }
            c = self.cur.next();
            while is_digit(c) {
                c = self.cur.next();
            }
            if c != b'_' {
                break;
            }
        }
        if radix != 16 && c.is_ascii_digit() {
            return Err(self.error(format!("invalid digit '{}' in {name} literal", c as char)));
        }
        self.verify_end(c, name)?;
        self.cur.back();
        Ok(Kind::Int(radix))
    }

    /// After the `.` of a float: `c` is the character following it.
    fn fraction(&mut self, mut c: u8) -> R<Kind> {
        if c.is_ascii_digit() {
            c = self.decimal_tail()?;
        }
        self.exponent_or_end(c, Kind::Float)
    }

    /// `c` follows the digits read so far, which form a literal of `kind`.
    fn exponent_or_end(&mut self, mut c: u8, mut kind: Kind) -> R<Kind> {
        if c == b'e' || c == b'E' {
            let e = c;
            c = self.cur.next();
            if c == b'+' || c == b'-' {
                c = self.cur.next();
                if !c.is_ascii_digit() {
                    self.cur.back();
                    return Err(self.error("invalid decimal literal"));
                }
            } else if !c.is_ascii_digit() {
                // `1else`: the `e` starts the next token.
                self.cur.back();
                self.verify_end(e, "decimal")?;
                self.cur.back();
                return Ok(kind);
            }
            c = self.decimal_tail()?;
            kind = Kind::Float;
        }
        if c == b'j' || c == b'J' {
            return self.imaginary();
        }
        self.verify_end(c, "decimal")?;
        self.cur.back();
        Ok(kind)
    }

    fn imaginary(&mut self) -> R<Kind> {
        let c = self.cur.next();
        self.verify_end(c, "imaginary")?;
        self.cur.back();
        Ok(Kind::Imaginary)
    }

    /// A literal starting with `0` that is not `0x`/`0o`/`0b`; `c` follows
    /// the `0`.
    fn zero(&mut self, start: usize, mut c: u8) -> R<Kind> {
        loop {
            if c == b'_' {
                c = self.cur.next();
                if !c.is_ascii_digit() {
                    self.cur.back();
                    return Err(self.error("invalid decimal literal"));
                }
            }
            if c != b'0' {
                break;
            }
            c = self.cur.next();
        }
        let zeros_end = self.cur.i;
        let mut nonzero = false;
        if c.is_ascii_digit() {
            nonzero = true;
            c = self.decimal_tail()?;
        }
        match c {
            b'.' => {
                let c = self.cur.next();
                self.fraction(c)
            }
            b'e' | b'E' => self.exponent_or_end(c, Kind::Int(10)),
            b'j' | b'J' => self.imaginary(),
            _ if nonzero => Err(SyntaxError::new(
                "leading zeros in decimal integer literals are not permitted; \
                 use an 0o prefix for octal integers",
                span(self.ctx, start, (zeros_end - 1).max(start + 1)),
            )),
            _ => {
                self.verify_end(c, "decimal")?;
                self.cur.back();
                Ok(Kind::Int(10))
            }
        }
    }
}

/// Scans the number literal starting at `start` (a digit, or `.` then a
/// digit) and returns its end offset and its token, or the error of a
/// well-formed literal aio rejects (imaginary numbers). The outer error is
/// for a malformed literal.
pub fn scan_number(src: &str, start: usize, ctx: Ctx) -> Result<(R<Tok>, usize), SyntaxError> {
    let mut s = Scan {
        src,
        cur: Cur {
            s: src.as_bytes(),
            i: start,
        },
        ctx,
    };
    let first = s.cur.next();
    let kind = if first == b'.' {
        let c = s.cur.next();
        s.fraction(c)?
    } else if first == b'0' {
        match s.cur.next() {
            b'x' | b'X' => s.radix(16, "hexadecimal")?,
            b'o' | b'O' => s.radix(8, "octal")?,
            b'b' | b'B' => s.radix(2, "binary")?,
            c => s.zero(start, c)?,
        }
    } else {
        let c = s.decimal_tail()?;
        if c == b'.' {
            let c = s.cur.next();
            s.fraction(c)?
        } else {
            s.exponent_or_end(c, Kind::Int(10))?
        }
    };
    let end = s.cur.i;
    let text = &src[start..end];
    let tok = match kind {
        Kind::Int(radix) => {
            let digits = &text[if radix == 10 { 0 } else { 2 }..];
            let digits = if digits.contains('_') {
                digits.replace('_', "")
            } else {
                digits.to_string()
            };
            // Most literals fit a u64; BigInt's general parser is slower.
            // The scan guarantees at least one valid digit.
            let value = match u64::from_str_radix(&digits, radix) {
                Ok(v) => BigInt::from(v),
                Err(_) => BigInt::parse_bytes(digits.as_bytes(), radix).unwrap_or_default(),
            };
            Tok::Int(value)
        }
        Kind::Float => {
            let digits: String = text.chars().filter(|&c| c != '_').collect();
            Tok::Float(digits.parse().unwrap_or(f64::NAN))
        }
        Kind::Imaginary => {
            let e = SyntaxError::new(
                "imaginary literals are not supported by aio",
                span(ctx, start, end),
            );
            return Ok((Err(e), end));
        }
    };
    Ok((Ok(tok), end))
}
