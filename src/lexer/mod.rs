//! The lexer: logos tokens plus an indentation layer (NEWLINE / INDENT / DEDENT).
//!
//! CPython 3.11's tokenizer is the reference, error messages and positions
//! included. The layers:
//! - `raw.rs`: the logos token enum (every physical token);
//! - `numbers.rs`, `strings.rs`: hand-written scans of literals, started by
//!   logos callbacks, plus escape decoding (`decode_escapes`);
//! - `indent.rs`: the `Lexer` iterator: mode marker, layout, brackets.
//!
//! # The token stream, per mode
//!
//! Spans are absolute byte offsets (`base_offset` + offset in the text).
//!
//! - `Mode::File` and `Mode::Interactive` (identical):
//!   `StartFile`/`StartInteractive` (empty span at `base_offset`), then the
//!   tokens. Every logical line that produced a token ends with exactly one
//!   `Newline`, spanning the line end (`\n` or `\r\n`), or empty at the end
//!   of the text when the last line has no line end. Blank lines and lines
//!   holding only whitespace and comments produce nothing. Line ends inside
//!   brackets and after a `\` continuation produce nothing. Before the first
//!   token of a line whose indentation grew comes one `Indent`; where it
//!   shrank, one `Dedent` per closed level. Both span the line's leading
//!   whitespace (so a `Dedent` to column 0 is empty, at the line start). At
//!   the end: one `Dedent` per still-open level, empty spans at the end of
//!   the text. An empty file gives just `StartFile`. So a file is
//!   `StartFile (stmt-tokens Newline | Indent | Dedent)*`, and the grammar's
//!   "unexpected indent" is an `Indent` it cannot shift (CPython puts the
//!   caret on the last indentation character: `span.end - 1`).
//! - `Mode::Expr`: `StartExpr`, the tokens, then exactly one `Newline` (empty
//!   span at the end of the text). No `Indent`/`Dedent` ever; leading
//!   whitespace is fine, and all line ends and comments are skipped as if the
//!   text were in parentheses (CPython 3.11 compiles f-string fields as
//!   `(field)`), so `StartExpr expr Newline` is the only valid shape.
//!
//! # Errors
//!
//! The iterator yields one `Err` and then ends. Lexing is lazy, so a parser
//! pulling tokens reports a syntax error before any later lexer error, as
//! CPython does. After a parse error CPython tokenizes the rest of the file
//! and reports a tokenizer error found there instead; `lexer_error_wins`
//! says which lexer errors do that (drain the same `Lexer` to its `Err`,
//! then ask it). Some lexer errors are parser errors in CPython: a stray
//! `$`, `?`, `!` or backquote (`invalid syntax`), a bad escape (`(unicode
//! error) ...`, `(value error) ...`), non-ASCII bytes, an imaginary literal.
//! For those the lexer itself keeps lexing to the end and yields a later
//! tokenizer error instead if CPython would (so such an `Err` can arrive
//! after lexing the rest of the input). Line numbers in messages count `\n`
//! only, like `SourceFile`.
//!
//! # Not done like CPython
//!
//! Identifiers are not NFKC-normalised; `\N{...}` knows a small table of
//! names (see `unicode_names.rs`); `\uD800`-style lone surrogates decode to
//! U+FFFD, as Rust strings cannot hold them; imaginary literals are an error;
//! a byte order mark at the start of a file is skipped, as when CPython runs
//! a file; after non-ASCII text on the same line, the leading-zeros error's
//! column is in characters where CPython's is (wrongly) in bytes.

mod errors;
mod indent;
mod numbers;
mod raw;
mod strings;
pub mod token;
mod unicode_names;

#[cfg(test)]
mod tests;

use crate::diag::SyntaxError;
use crate::source::SourceFile;
use std::fmt::Write;

pub use indent::{Lexer, Spanned};
pub use strings::decode_escapes;
pub use token::Tok;

/// What the token stream is for; chooses the marker token and the layout rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A whole file.
    File,
    /// One REPL input (lexed exactly like a file).
    Interactive,
    /// A single expression: eval input or an f-string field.
    Expr,
}

/// Whether CPython 3.11 would report the lexer error `err` instead of a
/// parse error at byte offset `parse_error_at` of `text` (the whole file),
/// the parse error having stopped the parser before it pulled `err`.
///
/// After a parse error CPython tokenizes the rest of the file and prefers
/// any error its tokenizer raises there (bad literals, characters, bracket
/// mismatches); `'(' was never closed` only when the parse error is on a
/// later line than the bracket; tab, dedent and continuation errors never.
/// To use it: on a parse error, keep pulling the same `Lexer` to its first
/// `Err` (or its end) and ask this. (CPython also never replaces its
/// parser's "unexpected indent" / "unexpected unindent".)
pub fn lexer_error_wins(err: &SyntaxError, text: &str, parse_error_at: usize) -> bool {
    let line = |at: usize| {
        let at = errors::floor_boundary(text, at);
        text.as_bytes()[..at]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
    };
    match errors::classify(err) {
        errors::ErrorClass::Immediate => true,
        errors::ErrorClass::NeverClosed => line(parse_error_at) > line(err.span.start as usize),
        errors::ErrorClass::AtToken | errors::ErrorClass::Parser => false,
    }
}

/// All tokens of `text` (at offset 0 of its file), or the first error.
pub fn tokenize(text: &str, mode: Mode) -> Result<Vec<Spanned>, SyntaxError> {
    let mut out = Vec::with_capacity(text.len() / 4 + 2);
    for item in Lexer::new(text, mode, 0) {
        out.push(item?);
    }
    Ok(out)
}

/// The `aio --dump tokens` view of a file: one token per line, as
/// `line:col-line:col  Token` (lines 1-based, columns 0-based in characters).
pub fn dump_tokens(src: &SourceFile) -> Result<String, SyntaxError> {
    let mut out = String::new();
    for (start, tok, end) in tokenize(&src.text, Mode::File)? {
        let (l1, c1) = src.line_col(start as u32);
        let (l2, c2) = src.line_col(end as u32);
        let pos = format!("{l1}:{c1}-{l2}:{c2}");
        let _ = writeln!(out, "{pos:<13} {tok}");
    }
    Ok(out)
}
