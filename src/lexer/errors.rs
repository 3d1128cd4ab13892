//! Building lexer errors at the positions CPython reports.
//!
//! All positions here are byte offsets into the lexed text; `Ctx::base` turns
//! them into file offsets. Errors are rare, so line numbers are computed on
//! demand by counting, which keeps the hot path free of line bookkeeping.

use super::raw::Ctx;
use crate::diag::SyntaxError;
use crate::source::Span;

/// The file span of text bytes `start..end`.
pub fn span(ctx: Ctx, start: usize, end: usize) -> Span {
    Span::new(ctx.base + start, ctx.base + end)
}

/// 1-based file line of text offset `pos`.
pub fn line_at(src: &str, pos: usize, ctx: Ctx) -> usize {
    let pos = floor_boundary(src, pos);
    ctx.first_line
        + src.as_bytes()[..pos]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
}

/// The line CPython's tokenizer is on when it hits the end of input at
/// `pos`: a final line end does not start a new line.
pub fn line_at_eof(src: &str, pos: usize, ctx: Ctx) -> usize {
    let bytes = src.as_bytes();
    if pos > 0 && pos <= bytes.len() && bytes[pos - 1] == b'\n' {
        line_at(src, pos - 1, ctx)
    } else {
        line_at(src, pos, ctx)
    }
}

/// The span of the character starting at `pos` (empty at the end of text).
pub fn char_span(src: &str, pos: usize, ctx: Ctx) -> Span {
    let pos = floor_boundary(src, pos);
    let len = src[pos..].chars().next().map_or(0, char::len_utf8);
    span(ctx, pos, pos + len)
}

/// CPython reports most tokenizer errors at its cursor `cur`, as a 1-based
/// column: the caret lands on the character just before `cur`. An error at
/// the start of a line stays there.
pub fn caret_before(src: &str, cur: usize, ctx: Ctx) -> Span {
    let cur = floor_boundary(src, cur.min(src.len()));
    let line_start = src[..cur].rfind('\n').map_or(0, |i| i + 1);
    if cur == line_start {
        return span(ctx, cur, cur);
    }
    let len = src[..cur].chars().next_back().map_or(0, char::len_utf8);
    span(ctx, cur - len, cur)
}

/// A SyntaxError at `caret_before(cur)`.
pub fn at_cursor(src: &str, cur: usize, ctx: Ctx, msg: impl Into<String>) -> SyntaxError {
    SyntaxError::new(msg, caret_before(src, cur, ctx))
}

/// The largest char boundary not after `pos`, so that no error path ever
/// slices inside a UTF-8 sequence.
pub fn floor_boundary(src: &str, pos: usize) -> usize {
    let mut pos = pos.min(src.len());
    while !src.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

/// How CPython 3.11 raises a tokenizer error, which decides whether it
/// replaces a parse error found earlier in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// Raised by the tokenizer itself (bad literal or character, bracket
    /// mismatch): after a parse error CPython tokenizes the rest of the
    /// file and reports the first of these instead.
    Immediate,
    /// Flagged by the tokenizer but raised by the parser when it reaches
    /// that token (tabs, dedent, line continuation): never found by that
    /// rescan, which stops there.
    AtToken,
    /// An unclosed bracket at end of input: the rescan reports it only when
    /// the parse error is on a later line than the bracket.
    NeverClosed,
    /// Really a parser error (a stray `$`, a bad escape, aio's own
    /// restrictions): never replaces an earlier one.
    Parser,
}

/// The class of an error produced by this lexer.
pub fn classify(e: &SyntaxError) -> ErrorClass {
    let m = e.msg.as_str();
    if m.ends_with("was never closed") {
        ErrorClass::NeverClosed
    } else if m.starts_with("inconsistent use of tabs")
        || m.starts_with("unindent does not match")
        || m.starts_with("unexpected character after line continuation")
        || m.starts_with("unexpected EOF while parsing")
        || m.starts_with("too many levels of indentation")
    {
        ErrorClass::AtToken
    } else if m == "invalid syntax"
        || m.starts_with("(unicode error)")
        || m.starts_with("(value error)")
        || m.starts_with("bytes can only contain")
        || m.starts_with("imaginary literals")
    {
        ErrorClass::Parser
    } else {
        ErrorClass::Immediate
    }
}
