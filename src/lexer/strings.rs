//! String, bytes and f-string literals: finding their end (with CPython's
//! "unterminated" errors) and decoding their escapes (with CPython's codec
//! error messages, positions included).

use super::errors::{line_at, line_at_eof, span};
use super::raw::Ctx;
use super::token::Tok;
use crate::diag::SyntaxError;
use crate::source::Span;

/// A literal's token, or the error of a well-formed literal that does not
/// decode.
pub type Decoded = Result<Tok, SyntaxError>;

/// Scans the literal whose prefix starts at `start` and whose opening quote
/// is at `quote`; returns its end offset and its token or decoding error.
/// The outer error is for an unterminated literal.
pub fn scan_string(
    src: &str,
    start: usize,
    quote: usize,
    ctx: Ctx,
) -> Result<(Decoded, usize), SyntaxError> {
    let bytes = src.as_bytes();
    let q = bytes[quote];
    let triple = bytes.get(quote + 1) == Some(&q) && bytes.get(quote + 2) == Some(&q);
    let qlen = if triple { 3 } else { 1 };
    let body_start = quote + qlen;
    let body_end = find_end(src, body_start, q, triple).map_err(|at| {
        let (kind, line) = if triple {
            ("triple-quoted string", line_at_eof(src, at, ctx))
        } else if at >= src.len() {
            ("string", line_at_eof(src, at, ctx))
        } else {
            ("string", line_at(src, at, ctx))
        };
        let first = src[start..].chars().next().map_or(1, char::len_utf8);
        SyntaxError::new(
            format!("unterminated {kind} literal (detected at line {line})"),
            span(ctx, start, start + first),
        )
    })?;
    let end = body_end + qlen;
    let prefix = src[start..quote].to_ascii_lowercase();
    let raw = prefix.contains('r');
    let body = &src[body_start..body_end];
    // Decoding errors are reported where CPython's parser reports them: just
    // after the literal.
    let err_at = span(ctx, end, end);
    let tok = if prefix.contains('f') {
        Ok(Tok::FStr {
            raw,
            body: body.to_string(),
            body_offset: (ctx.base + body_start) as u32,
        })
    } else if prefix.contains('b') {
        if body.is_ascii() {
            decode_bytes(body, raw, err_at).map(Tok::Bytes)
        } else {
            Err(SyntaxError::new(
                "bytes can only contain ASCII literal characters",
                span(ctx, start, end),
            ))
        }
    } else {
        decode(body, raw, err_at).map(Tok::Str)
    };
    Ok((tok, end))
}

/// The offset of the closing quote(s) of a body starting at `from`, or the
/// offset where the scan gave up (a line end for a one-line string, the end
/// of the text otherwise). A backslash always protects the next character,
/// even in raw strings.
fn find_end(src: &str, from: usize, q: u8, triple: bool) -> Result<usize, usize> {
    let b = src.as_bytes();
    let mut i = from;
    while i < b.len() {
        match b[i] {
            c if c == q => {
                if !triple || (b.get(i + 1) == Some(&q) && b.get(i + 2) == Some(&q)) {
                    return Ok(i);
                }
                i += 1;
            }
            b'\\' => {
                i += if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                    3
                } else {
                    2
                };
            }
            b'\n' | b'\r' if !triple => return Err(i),
            _ => i += 1,
        }
    }
    Err(b.len())
}

/// Decodes the escapes of a str literal's text (or of a literal part of an
/// f-string). `raw` keeps backslashes. Line ends become `\n` in both cases,
/// as CPython reads source with universal newlines. Errors are placed at
/// the end of `text`, `base_offset` being the file offset of `text`.
pub fn decode_escapes(text: &str, raw: bool, base_offset: usize) -> Result<String, SyntaxError> {
    let at = base_offset + text.len();
    decode(text, raw, Span::new(at, at))
}

fn unicode_error(start: usize, end: usize, msg: &str, at: Span) -> SyntaxError {
    SyntaxError::new(
        format!(
            "(unicode error) 'unicodeescape' codec can't decode bytes in position {}-{}: {msg}",
            start,
            end - 1
        ),
        at,
    )
}

fn decode(text: &str, raw: bool, at: Span) -> Result<String, SyntaxError> {
    if !text.contains(['\\', '\r']) {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    // `pos` counts positions the way CPython's codec sees the text: it first
    // rewrites every non-ASCII character as a 10-byte `\UXXXXXXXX` and a
    // backslash before one as the 6-byte `\u005c`.
    let mut pos = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
            pos += 1;
            continue;
        }
        if c != '\\' || raw {
            out.push(c);
            pos += if c.is_ascii() { 1 } else { 10 };
            continue;
        }
        let start = pos;
        let Some(e) = chars.next() else {
            out.push('\\');
            break;
        };
        pos += 2;
        let simple = match e {
            '\n' => Some(None),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                    pos += 1;
                }
                Some(None)
            }
            '\\' => Some(Some('\\')),
            '\'' => Some(Some('\'')),
            '"' => Some(Some('"')),
            'a' => Some(Some('\x07')),
            'b' => Some(Some('\x08')),
            'f' => Some(Some('\x0c')),
            'n' => Some(Some('\n')),
            'r' => Some(Some('\r')),
            't' => Some(Some('\t')),
            'v' => Some(Some('\x0b')),
            _ => None,
        };
        if let Some(ch) = simple {
            out.extend(ch);
            continue;
        }
        match e {
            '0'..='7' => {
                let mut value = e as u32 - '0' as u32;
                for _ in 0..2 {
                    match chars.peek() {
                        Some(&d @ '0'..='7') => {
                            value = value * 8 + (d as u32 - '0' as u32);
                            chars.next();
                            pos += 1;
                        }
                        _ => break,
                    }
                }
                out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let (count, msg) = match e {
                    'x' => (2, "truncated \\xXX escape"),
                    'u' => (4, "truncated \\uXXXX escape"),
                    _ => (8, "truncated \\UXXXXXXXX escape"),
                };
                let mut value: u32 = 0;
                for _ in 0..count {
                    match chars.peek().and_then(|d| d.to_digit(16)) {
                        Some(d) => {
                            value = value * 16 + d;
                            chars.next();
                            pos += 1;
                        }
                        None => return Err(unicode_error(start, pos, msg, at)),
                    }
                }
                if value > 0x10FFFF {
                    return Err(unicode_error(start, pos, "illegal Unicode character", at));
                }
                // Lone surrogates are valid in Python strs but not in Rust's:
                // they become U+FFFD.
                out.push(char::from_u32(value).unwrap_or('\u{fffd}'));
            }
            'N' => {
                let malformed = "malformed \\N character escape";
                if chars.peek() != Some(&'{') {
                    return Err(unicode_error(start, pos, malformed, at));
                }
                chars.next();
                pos += 1;
                let mut name = String::new();
                loop {
                    match chars.next() {
                        None => return Err(unicode_error(start, pos, malformed, at)),
                        Some('}') => break,
                        Some(c) => {
                            name.push(c);
                            pos += if c.is_ascii() { 1 } else { 10 };
                        }
                    }
                }
                if name.is_empty() {
                    return Err(unicode_error(start, pos, malformed, at));
                }
                pos += 1;
                match super::unicode_names::lookup(&name) {
                    Some(ch) => out.push(ch),
                    None => {
                        return Err(unicode_error(
                            start,
                            pos,
                            "unknown Unicode character name",
                            at,
                        ))
                    }
                }
            }
            _ => {
                // Unknown escapes keep their backslash (CPython warns).
                out.push('\\');
                out.push(e);
                pos += if e.is_ascii() { 0 } else { 4 + 10 - 1 };
            }
        }
    }
    Ok(out)
}

fn decode_bytes(text: &str, raw: bool, at: Span) -> Result<Vec<u8>, SyntaxError> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\r' {
            out.push(b'\n');
            i += if b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            continue;
        }
        if c != b'\\' || raw {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        let Some(&e) = b.get(i + 1) else {
            out.push(b'\\');
            break;
        };
        i += 2;
        match e {
            b'\n' => {}
            b'\r' => {
                if b.get(i) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(0x07),
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(0x0b),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                for _ in 0..2 {
                    match b.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                // CPython keeps the low byte of `\400`..`\777`.
                out.push(value as u8);
            }
            b'x' => {
                let hex = |k: usize| b.get(k).and_then(|&d| (d as char).to_digit(16));
                match (hex(i), hex(i + 1)) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => {
                        return Err(SyntaxError::new(
                            format!("(value error) invalid \\x escape at position {start}"),
                            at,
                        ))
                    }
                }
            }
            _ => {
                out.push(b'\\');
                out.push(e);
            }
        }
    }
    Ok(out)
}
