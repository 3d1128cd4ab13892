//! Compile-time errors with spans, rendered in CPython's layout.

use crate::source::{SourceFile, Span};
use std::fmt;

/// Which of CPython's syntax error classes an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    /// `SyntaxError`
    Syntax,
    /// `IndentationError` (a subclass of SyntaxError)
    Indentation,
    /// `TabError` (a subclass of IndentationError)
    Tab,
}

impl SyntaxErrorKind {
    /// The exception class name as CPython prints it.
    pub fn class_name(self) -> &'static str {
        match self {
            SyntaxErrorKind::Syntax => "SyntaxError",
            SyntaxErrorKind::Indentation => "IndentationError",
            SyntaxErrorKind::Tab => "TabError",
        }
    }
}

/// A syntax error found by the lexer, parser or compiler.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub kind: SyntaxErrorKind,
    /// The message, in CPython's wording (`invalid syntax`, `'(' was never closed`).
    pub msg: String,
    /// Where: the caret line underlines this span (at least one caret).
    pub span: Span,
}

impl SyntaxError {
    pub fn new(msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::Syntax,
            msg: msg.into(),
            span,
        }
    }

    pub fn indentation(msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::Indentation,
            msg: msg.into(),
            span,
        }
    }

    pub fn tab(msg: impl Into<String>, span: Span) -> SyntaxError {
        SyntaxError {
            kind: SyntaxErrorKind::Tab,
            msg: msg.into(),
            span,
        }
    }

    /// 1-based line of the error.
    pub fn line(&self, src: &SourceFile) -> usize {
        src.line_of(self.span.start)
    }

    /// The error as CPython prints it: file and line, the source line with its
    /// leading whitespace removed, a caret line, then `SyntaxError: msg`.
    pub fn render(&self, src: &SourceFile) -> String {
        let (line, col) = src.line_col(self.span.start);
        let text = src.line_text(line);
        let mut out = format!("  File \"{}\", line {}\n", src.name, line);
        let trimmed = text.trim_start();
        if !trimmed.is_empty() {
            let indent = text.chars().count() - trimmed.chars().count();
            let trimmed = trimmed.trim_end();
            out.push_str("    ");
            out.push_str(trimmed);
            out.push('\n');
            let line_end = src.line_start(line) + text.len() as u32;
            let end = self.span.end.min(line_end).max(self.span.start);
            let (_, end_col) = src.line_col(end);
            let width = end_col.saturating_sub(col).max(1);
            let caret_col = col.saturating_sub(indent).min(trimmed.chars().count());
            out.push_str("    ");
            out.push_str(&" ".repeat(caret_col));
            out.push_str(&"^".repeat(width));
            out.push('\n');
        }
        out.push_str(&format!("{}: {}\n", self.kind.class_name(), self.msg));
        out
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.class_name(), self.msg)
    }
}

impl std::error::Error for SyntaxError {}
