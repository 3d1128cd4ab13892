//! The layout layer: turns the raw token stream into the parser's, adding the
//! mode marker, NEWLINE at the end of each logical line, INDENT / DEDENT from
//! an indentation stack, and checking brackets, all as CPython 3.11's
//! tokenizer does.

use super::errors::{char_span, classify, line_at, span, ErrorClass};
use super::raw::{keyword, Ctx, Raw, RawError};
use super::token::Tok;
use super::Mode;
use crate::diag::SyntaxError;
use logos::Logos;
use std::collections::VecDeque;

/// A token with its absolute byte span, as lalrpop wants it.
pub type Spanned = (usize, Tok, usize);

/// CPython's limits (`MAXINDENT`, `MAXLEVEL`).
const MAX_INDENT: usize = 100;
const MAX_LEVEL: usize = 200;

/// CPython's tab size; indentation is also measured with tabs as one column
/// (the "alternate" column) and the two measures must agree.
const TAB_SIZE: usize = 8;

/// The lexer: an iterator of `(start, token, end)` triples or one error,
/// after which it ends. See the module docs of `lexer` for the stream shape.
pub struct Lexer<'a> {
    src: &'a str,
    raw: logos::Lexer<'a, Raw>,
    mode: Mode,
    pending: VecDeque<Spanned>,
    /// (column, alternate column) of each open indentation level; the
    /// bottom entry is (0, 0).
    indents: Vec<(usize, usize)>,
    /// Open brackets and their text offsets.
    brackets: Vec<(u8, usize)>,
    /// At the start of a physical line whose indentation still counts.
    at_bol: bool,
    /// The current logical line has produced a token (so it needs a NEWLINE).
    line_has_tokens: bool,
    started: bool,
    finished: bool,
    /// An error CPython's parser (not its tokenizer) raises, held back while
    /// the rest of the input is scanned for an error CPython would report
    /// instead.
    deferred: Option<SyntaxError>,
    /// The first NUL character and the start of its line: CPython refuses
    /// the line as soon as it reads it, whatever token it is in.
    nul: Option<(usize, usize)>,
}

impl<'a> Lexer<'a> {
    /// A lexer over `text`, which sits at byte `base_offset` of its file;
    /// every span it returns is absolute.
    pub fn new(text: &'a str, mode: Mode, base_offset: usize) -> Lexer<'a> {
        let ctx = Ctx {
            base: base_offset,
            first_line: 1,
        };
        Lexer {
            src: text,
            raw: Raw::lexer_with_extras(text, ctx),
            mode,
            pending: VecDeque::new(),
            indents: vec![(0, 0)],
            brackets: Vec::new(),
            at_bol: mode != Mode::Expr,
            line_has_tokens: false,
            started: false,
            finished: false,
            deferred: None,
            nul: text
                .find('\0')
                .map(|at| (at, text[..at].rfind('\n').map_or(0, |i| i + 1))),
        }
    }

    /// Sets the file line number of `text`'s first line (1 by default), so
    /// that messages naming a line (`detected at line N`, `on line N`) are
    /// right when lexing a piece of a file, such as an f-string field.
    pub fn with_first_line(mut self, line: usize) -> Lexer<'a> {
        self.raw.extras.first_line = line.max(1);
        self
    }

    /// File line of an absolute offset.
    fn line_of(&self, abs: u32) -> usize {
        line_at(
            self.src,
            (abs as usize).saturating_sub(self.ctx().base),
            self.ctx(),
        )
    }

    fn ctx(&self) -> Ctx {
        self.raw.extras
    }

    fn spanned(&self, start: usize, tok: Tok, end: usize) -> Spanned {
        let base = self.ctx().base;
        (base + start, tok, base + end)
    }

    fn push(&mut self, start: usize, tok: Tok, end: usize) {
        let t = self.spanned(start, tok, end);
        self.pending.push_back(t);
    }

    /// Produces the next token, or queues several in `pending`, or finishes.
    fn advance(&mut self) -> Result<Option<Spanned>, SyntaxError> {
        if !self.started {
            self.started = true;
            let marker = match self.mode {
                Mode::File => Tok::StartFile,
                Mode::Interactive => Tok::StartInteractive,
                Mode::Expr => Tok::StartExpr,
            };
            self.push(0, marker, 0);
            // A UTF-8 byte order mark is how some editors start a file.
            if self.mode != Mode::Expr && self.src.starts_with('\u{feff}') {
                self.raw.bump('\u{feff}'.len_utf8());
            }
            return Ok(None);
        }
        loop {
            self.check_nul(self.raw.span().end)?;
            if self.at_bol {
                self.at_bol = false;
                if self.brackets.is_empty() && self.indentation()? {
                    return Ok(None);
                }
            }
            let Some(res) = self.raw.next() else {
                self.eof()?;
                return Ok(None);
            };
            let sp = self.raw.span();
            self.check_nul(sp.end.saturating_sub(1))?;
            let tok = match res {
                Err(RawError::Syntax(e)) => return Err(*e),
                Err(RawError::NoMatch) => return Err(self.bad_char(sp.start)),
                Ok(Raw::Space | Raw::Comment) => continue,
                Ok(Raw::Newline) => {
                    if self.mode == Mode::Expr || !self.brackets.is_empty() {
                        continue;
                    }
                    self.at_bol = true;
                    if !self.line_has_tokens {
                        continue;
                    }
                    self.line_has_tokens = false;
                    return Ok(Some(self.spanned(sp.start, Tok::Newline, sp.end)));
                }
                Ok(Raw::Backslash) => {
                    self.continuation(sp.end)?;
                    continue;
                }
                Ok(Raw::Name) => {
                    let name = self.raw.slice();
                    keyword(name).unwrap_or_else(|| Tok::Name(name.to_string()))
                }
                Ok(Raw::Literal(tok) | Raw::Op(tok)) => tok,
                Ok(Raw::Open(c)) => {
                    if self.brackets.len() >= MAX_LEVEL {
                        return Err(SyntaxError::new(
                            "too many nested parentheses",
                            span(self.ctx(), sp.start, sp.end),
                        ));
                    }
                    self.brackets.push((c, sp.start));
                    match c {
                        b'(' => Tok::Lpar,
                        b'[' => Tok::Lsqb,
                        _ => Tok::Lbrace,
                    }
                }
                Ok(Raw::Close(c)) => self.close(c, sp.start)?,
            };
            self.line_has_tokens = true;
            return Ok(Some(self.spanned(sp.start, tok, sp.end)));
        }
    }

    /// Fails once lexing has reached the line holding a NUL (`pos` is the
    /// last offset read).
    fn check_nul(&self, pos: usize) -> Result<(), SyntaxError> {
        match self.nul {
            Some((at, line_start)) if pos >= line_start => Err(SyntaxError::new(
                "source code cannot contain null bytes",
                char_span(self.src, at, self.ctx()),
            )),
            _ => Ok(()),
        }
    }

    /// Pops the bracket that `c` (at `pos`) closes.
    fn close(&mut self, c: u8, pos: usize) -> Result<Tok, SyntaxError> {
        let ctx = self.ctx();
        let here = span(ctx, pos, pos + 1);
        let Some((open, open_pos)) = self.brackets.pop() else {
            return Err(SyntaxError::new(format!("unmatched '{}'", c as char), here));
        };
        let expected = match open {
            b'(' => b')',
            b'[' => b']',
            _ => b'}',
        };
        if c != expected {
            let (c, open) = (c as char, open as char);
            let open_line = line_at(self.src, open_pos, ctx);
            let msg = if open_line != line_at(self.src, pos, ctx) {
                format!("closing parenthesis '{c}' does not match opening parenthesis '{open}' on line {open_line}")
            } else {
                format!("closing parenthesis '{c}' does not match opening parenthesis '{open}'")
            };
            return Err(SyntaxError::new(msg, here));
        }
        Ok(match c {
            b')' => Tok::Rpar,
            b']' => Tok::Rsqb,
            _ => Tok::Rbrace,
        })
    }

    /// After a backslash ending at `after`: it must be followed by a line end
    /// (which it joins to the next line), and that line must exist.
    fn continuation(&mut self, after: usize) -> Result<(), SyntaxError> {
        let eol = self.line_end_after_backslash(after)?;
        self.raw.bump(eol);
        Ok(())
    }

    /// The length of the line end after a backslash ending at `after`.
    fn line_end_after_backslash(&self, after: usize) -> Result<usize, SyntaxError> {
        let ctx = self.ctx();
        let rest = &self.src.as_bytes()[after..];
        let eol = match rest {
            [b'\r', b'\n', ..] => 2,
            [b'\n' | b'\r', ..] => 1,
            [] => 0,
            _ => {
                return Err(SyntaxError::new(
                    "unexpected character after line continuation character",
                    char_span(self.src, after, ctx),
                ))
            }
        };
        if eol == 0 || rest.len() == eol {
            return Err(SyntaxError::new(
                "unexpected EOF while parsing",
                char_span(self.src, after, ctx),
            ));
        }
        Ok(eol)
    }

    /// At the start of a line outside brackets: measures the indentation and
    /// queues INDENT / DEDENT tokens. Returns whether any were queued. Lines
    /// holding only whitespace and comments leave the stack alone.
    fn indentation(&mut self) -> Result<bool, SyntaxError> {
        let ctx = self.ctx();
        let start = self.raw.span().end;
        let bytes = self.src.as_bytes();
        let (mut col, mut alt, mut i) = (0, 0, start);
        // CPython lets a `\` continue the indentation onto the next line;
        // the column of the first one decides (unless it is 0, which CPython
        // cannot tell from "none").
        let mut cont_col = 0;
        while let Some(&b) = bytes.get(i) {
            match b {
                b' ' => {
                    col += 1;
                    alt += 1;
                }
                b'\t' => {
                    col = (col / TAB_SIZE + 1) * TAB_SIZE;
                    alt += 1;
                }
                // Form feed: Emacs users' page break, resets the count.
                b'\x0c' => {
                    col = 0;
                    alt = 0;
                }
                b'\\' => {
                    if cont_col == 0 {
                        cont_col = col;
                    }
                    i += self.line_end_after_backslash(i + 1)?;
                }
                _ => break,
            }
            i += 1;
        }
        self.raw.bump(i - start);
        if matches!(bytes.get(i), None | Some(b'#' | b'\n' | b'\r')) {
            return Ok(false);
        }
        if cont_col != 0 {
            (col, alt) = (cont_col, cont_col);
        }
        let line_start = self.src[..i].rfind(['\n', '\r']).map_or(0, |p| p + 1);
        let tab_error = || {
            SyntaxError::tab(
                "inconsistent use of tabs and spaces in indentation",
                span(ctx, line_start, line_start),
            )
        };
        let (top, top_alt) = *self.indents.last().unwrap_or(&(0, 0));
        let end = i;

        if col == top {
            if alt != top_alt {
                return Err(tab_error());
            }
            Ok(false)
        } else if col > top {
            if self.indents.len() >= MAX_INDENT {
                return Err(SyntaxError::indentation(
                    "too many levels of indentation",
                    span(ctx, start, end),
                ));
            }
            if alt <= top_alt {
                return Err(tab_error());
            }
            self.indents.push((col, alt));
            self.push(start, Tok::Indent, end);
            Ok(true)
        } else {
            while self.indents.len() > 1 && col < self.indents.last().map_or(0, |l| l.0) {
                self.indents.pop();
                self.push(start, Tok::Dedent, end);
            }
            let (top, top_alt) = *self.indents.last().unwrap_or(&(0, 0));
            if col != top {
                // CPython points just past the end of the offending line.
                let eol = self.src[end..]
                    .find(['\n', '\r'])
                    .map_or(self.src.len(), |i| end + i);
                let width = usize::from(eol < self.src.len());
                return Err(SyntaxError::indentation(
                    "unindent does not match any outer indentation level",
                    span(ctx, eol, eol + width),
                ));
            }
            if alt != top_alt {
                return Err(tab_error());
            }
            Ok(true)
        }
    }

    /// End of input: unclosed brackets are an error; otherwise the last
    /// NEWLINE and one DEDENT per open level.
    fn eof(&mut self) -> Result<(), SyntaxError> {
        let end = self.src.len();
        if let Some(&(open, pos)) = self.brackets.last() {
            return Err(SyntaxError::new(
                format!("'{}' was never closed", open as char),
                span(self.ctx(), pos, pos + 1),
            ));
        }
        self.finished = true;
        if self.mode == Mode::Expr || self.line_has_tokens {
            self.line_has_tokens = false;
            self.push(end, Tok::Newline, end);
        }
        if self.mode != Mode::Expr {
            for _ in 1..self.indents.len() {
                self.push(end, Tok::Dedent, end);
            }
            self.indents.truncate(1);
        }
        Ok(())
    }

    /// The error for a character no token starts with, worded as CPython's.
    fn bad_char(&self, pos: usize) -> SyntaxError {
        let ctx = self.ctx();
        let at = char_span(self.src, pos, ctx);
        let Some(c) = self.src.get(pos..).and_then(|s| s.chars().next()) else {
            return SyntaxError::new("invalid syntax", at);
        };
        if c == '\0' {
            SyntaxError::new("source code cannot contain null bytes", at)
        } else if c.is_ascii_graphic() {
            // `$`, `?`, `!` and backquote are tokens CPython's parser rejects.
            SyntaxError::new("invalid syntax", at)
        } else if !is_printable(c) {
            SyntaxError::new(
                format!("invalid non-printable character U+{:04X}", c as u32),
                at,
            )
        } else {
            SyntaxError::new(format!("invalid character '{c}' (U+{:04X})", c as u32), at)
        }
    }
}

/// An approximation of Python's `str.isprintable` for one character: false
/// for controls, separators other than the space, format characters, private
/// use and non-characters. (Unassigned code points count as printable here.)
fn is_printable(c: char) -> bool {
    let cp = c as u32;
    !(c.is_control()
        || matches!(
            cp,
            0xA0 | 0xAD
                | 0x600..=0x605
                | 0x61C
                | 0x6DD
                | 0x70F
                | 0x8E2
                | 0x1680
                | 0x180E
                | 0x2000..=0x200F
                | 0x2028..=0x202F
                | 0x205F..=0x2064
                | 0x2066..=0x206F
                | 0x3000
                | 0xD800..=0xF8FF
                | 0xFEFF
                | 0xFFF9..=0xFFFB
                | 0xFFFE..=0xFFFF
                | 0x110BD
                | 0x110CD
                | 0x1BCA0..=0x1BCA3
                | 0x1D173..=0x1D17A
                | 0xE0001
                | 0xE0020..=0xE007F
                | 0xF0000..=0x10FFFF
        ))
}

impl Iterator for Lexer<'_> {
    type Item = Result<Spanned, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.deferred.is_some() {
                self.pending.clear();
            } else if let Some(t) = self.pending.pop_front() {
                return Some(Ok(t));
            }
            if self.finished {
                return self.deferred.take().map(Err);
            }
            let e = match self.advance() {
                Ok(Some(t)) if self.deferred.is_none() => return Some(Ok(t)),
                Ok(_) => continue,
                Err(e) => e,
            };
            // An error CPython's parser raises (a stray character, a bad
            // escape) is held back while the rest of the input is lexed:
            // CPython then tokenizes the rest of the file and reports a
            // tokenizer error found there instead.
            let e = match (self.deferred.take(), classify(&e)) {
                (None, ErrorClass::Parser) => {
                    self.deferred = Some(e);
                    continue;
                }
                (None, _) | (Some(_), ErrorClass::Immediate) => e,
                (Some(first), ErrorClass::Parser) => {
                    self.deferred = Some(first);
                    continue;
                }
                (Some(first), ErrorClass::NeverClosed)
                    if self.line_of(e.span.start) < self.line_of(first.span.start) =>
                {
                    e
                }
                (Some(first), _) => first,
            };
            self.finished = true;
            self.pending.clear();
            return Some(Err(e));
        }
    }
}
