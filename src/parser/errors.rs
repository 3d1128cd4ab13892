//! From lalrpop's `ParseError` to a `SyntaxError` in CPython 3.11's words,
//! at CPython's line.
//!
//! lalrpop only says which token it could not shift and what it expected;
//! the rules below look at the tokens around the failure (the stream keeps
//! them) to recognise the common mistakes CPython names: a missing `:`, a
//! missing indented block, `print "x"`, `=` for `==`, a forgotten comma, an
//! `if` expression without `else`. Anything else is `invalid syntax` at the
//! offending token, which is also what CPython says for most other cases.

use super::stream::TokenStream;
use crate::diag::{SyntaxError, SyntaxErrorKind};
use crate::lexer::{Spanned, Tok};
use crate::source::Span;
use lalrpop_util::ParseError;

/// The parse failure, with the tokens around it.
struct Failure<'a> {
    /// Every token the stream produced (seen by the parser, then drained).
    toks: &'a [Spanned],
    /// Index in `toks` of the token the parser could not shift
    /// (`toks.len()` at end of input).
    at: usize,
    /// The span to report for the offending token.
    span: Span,
    /// What the parser expected there, as lalrpop names terminals.
    expected: &'a [String],
    /// The parsed text and its file offset, to count lines.
    text: &'a str,
    base: usize,
}

/// Maps a parse error. `stream` is the token stream the parser used: the
/// rest of the input is lexed here, as CPython does, so that a later
/// tokenizer error can take precedence.
pub(crate) fn convert(
    err: ParseError<usize, Tok, SyntaxError>,
    stream: &mut TokenStream,
    text: &str,
    base: usize,
) -> SyntaxError {
    if let ParseError::User { error } = &err {
        if stream.lexer_failed {
            return error.clone();
        }
    }
    let seen = stream.seen;
    let later = stream.drain();
    // Whether CPython's parser, looking for a better message, would have read
    // on to the end of the input (which makes an unclosed bracket win).
    let mut reads_to_end = false;
    // Where the parser stopped reading: CPython compares its line with an
    // unclosed bracket's.
    let mut stopped_at = None;
    let error = match err {
        ParseError::User { error } => error,
        ParseError::UnrecognizedToken {
            token: (l, _, r),
            expected,
        } => {
            let at = seen.saturating_sub(1);
            stopped_at = Some(l);
            // The DEDENTs closing the last block sit at the very end.
            let at_end = l == r && l == base + text.len();
            let f = Failure {
                toks: &stream.history,
                at,
                span: if at_end {
                    eof_span(text, base)
                } else {
                    Span::new(l, r)
                },
                expected: &expected,
                text,
                base,
            };
            let e = classify(&f);
            // The comma rule reads the second expression and one more token.
            if e.msg.ends_with("Perhaps you forgot a comma?") {
                match f.toks.get(f.expression_end(at)) {
                    Some(t) => stopped_at = Some(t.0),
                    None => reads_to_end = true,
                }
            }
            e
        }
        ParseError::UnrecognizedEof { location, expected } => {
            let f = Failure {
                toks: &stream.history,
                at: seen,
                span: eof_span(text, base),
                expected: &expected,
                text,
                base,
            };
            classify(&f)
        }
        ParseError::ExtraToken { token: (l, _, r) } => {
            SyntaxError::new("invalid syntax", Span::new(l, r))
        }
        ParseError::InvalidToken { location } => {
            SyntaxError::new("invalid syntax", Span::new(location, location))
        }
    };
    match later {
        Some(lex) => {
            let stopped_at = stopped_at.unwrap_or(error.span.start as usize);
            if overrides(&lex, stopped_at, reads_to_end, text, base) {
                lex
            } else {
                error
            }
        }
        None => error,
    }
}

/// Whether a tokenizer error found after a parse error wins. In CPython only
/// the tokenizer errors that raise at once do (bad literals, unterminated
/// strings, bad characters); indentation and continuation errors and stray
/// characters do not; an unclosed bracket wins over an error on a later
/// line than the bracket, or when CPython's parser read up to the end.
fn overrides(
    lex: &SyntaxError,
    stopped_at: usize,
    reads_to_end: bool,
    text: &str,
    base: usize,
) -> bool {
    if lex.kind != SyntaxErrorKind::Syntax {
        return false;
    }
    if lex.msg.ends_with("was never closed") {
        let bracket_at = lex.span.start as usize;
        return reads_to_end || line_of(text, base, stopped_at) > line_of(text, base, bracket_at);
    }
    !matches!(
        lex.msg.as_str(),
        "invalid syntax"
            | "unexpected EOF while parsing"
            | "unexpected character after line continuation character"
    )
}

/// Where CPython reports an error at the end of the input: the end of the
/// last line, not past its line end.
fn eof_span(text: &str, base: usize) -> Span {
    let trimmed = text
        .strip_suffix('\n')
        .map_or(text, |t| t.strip_suffix('\r').unwrap_or(t));
    let at = base + trimmed.len();
    Span::new(at, at)
}

/// 1-based line of a file offset within `text` (which starts at `base`).
fn line_of(text: &str, base: usize, offset: usize) -> usize {
    let end = offset.saturating_sub(base).min(text.len());
    1 + text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

fn classify(f: &Failure) -> SyntaxError {
    let tok = f.tok(f.at);
    if let Some(e) = match_statement(f) {
        return e;
    }
    if f.tok(0) == Some(&Tok::StartInteractive)
        && f.expected.is_empty()
        && f.prev() == Some(&Tok::Newline)
    {
        // A REPL input holds one statement (a line of simple ones counts as one).
        let at = f.toks[f.at - 1].0;
        let msg = "multiple statements found while compiling a single statement";
        return SyntaxError::new(msg, Span::new(at, at));
    }
    if tok == Some(&Tok::Indent) {
        // CPython puts the caret on the last character of the indentation.
        let end = f.span.end as usize;
        return SyntaxError::indentation(
            "unexpected indent",
            Span::new(end.saturating_sub(1), end),
        );
    }
    if f.expects("Indent") {
        return missing_block(f);
    }
    if tok == Some(&Tok::Dedent) {
        return SyntaxError::indentation("unexpected unindent", f.span);
    }
    if f.expects("except") && f.expects("finally") && !f.expects("else") {
        return SyntaxError::new("expected 'except' or 'finally' block", f.span);
    }
    if let Some(e) = expected_colon(f).or_else(|| expected_paren(f)) {
        return e;
    }
    if let Some(e) = legacy_print(f) {
        return e;
    }
    if let Some(e) = assignment_in_condition(f) {
        return e;
    }
    if let Some(e) = dict_value_missing(f) {
        return e;
    }
    if let Some(e) = dict_key_without_value(f) {
        return e;
    }
    if let Some(e) = missing_else(f) {
        return e;
    }
    if let Some(e) = missing_comma(f) {
        return e;
    }
    SyntaxError::new("invalid syntax", f.span)
}

impl Failure<'_> {
    fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i).map(|t| &t.1)
    }

    fn expects(&self, name: &str) -> bool {
        self.expected.iter().any(|e| e.trim_matches('"') == name)
    }

    fn prev(&self) -> Option<&Tok> {
        self.at.checked_sub(1).and_then(|i| self.tok(i))
    }

    /// Bracket depth just before token `i` (expression mode counts as one
    /// level: CPython parses f-string fields as `(field)`).
    fn depth_at(&self, i: usize) -> usize {
        let mut depth = usize::from(self.tok(0) == Some(&Tok::StartExpr));
        for t in &self.toks[..i.min(self.toks.len())] {
            match t.1 {
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        depth
    }

    /// Index of the innermost bracket open before token `i`.
    fn open_bracket(&self, i: usize) -> Option<usize> {
        let mut closed = 0usize;
        for j in (0..i.min(self.toks.len())).rev() {
            match self.toks[j].1 {
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => closed += 1,
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => {
                    if closed == 0 {
                        return Some(j);
                    }
                    closed -= 1;
                }
                _ => {}
            }
        }
        None
    }

    /// Index of the first token of the logical line holding token `i`.
    fn line_start(&self, i: usize) -> usize {
        let mut j = i.min(self.toks.len());
        while j > 0 {
            if matches!(
                self.toks[j - 1].1,
                Tok::Newline
                    | Tok::Indent
                    | Tok::Dedent
                    | Tok::StartFile
                    | Tok::StartInteractive
                    | Tok::StartExpr
            ) {
                break;
            }
            j -= 1;
        }
        j
    }

    /// The keyword that starts the logical line holding token `i`, `async`
    /// skipped, with its index.
    fn line_keyword(&self, i: usize) -> Option<(usize, &Tok)> {
        let mut s = self.line_start(i);
        if self.tok(s) == Some(&Tok::Async) {
            s += 1;
        }
        self.tok(s).map(|t| (s, t))
    }

    /// Index of the bracket matching the closing bracket at `i`.
    fn matching_open(&self, i: usize) -> Option<usize> {
        self.open_bracket(i)
    }

    /// Index of the first token of the expression that ends with token
    /// `last` (a disjunction, roughly: operators and operands, bracketed
    /// groups skipped, stopping at separators and statement keywords).
    fn expression_start(&self, last: usize) -> usize {
        let mut i = last;
        loop {
            match self.tok(i) {
                Some(Tok::Rpar | Tok::Rsqb | Tok::Rbrace) => match self.matching_open(i) {
                    Some(o) => i = o,
                    None => return i,
                },
                Some(t) if is_operand(t) || is_operator(t) => {}
                _ => return i + 1,
            }
            if i == 0 {
                return 0;
            }
            match self.tok(i - 1) {
                Some(t) if is_operand(t) || is_operator(t) || is_closer(t) => i -= 1,
                _ => return i,
            }
        }
    }

    /// Index one past the end of the expression starting at token `i`:
    /// an operand and its trailers (`.name`, calls, subscripts).
    fn expression_end(&self, i: usize) -> usize {
        let mut j = i;
        loop {
            match self.tok(j) {
                Some(Tok::Lpar | Tok::Lsqb | Tok::Lbrace) => j = self.matching_close(j),
                Some(Tok::Dot) if j > i => {
                    j += 1;
                    if matches!(self.tok(j), Some(Tok::Name(_))) {
                        j += 1;
                    }
                    continue;
                }
                Some(t) if j == i && (is_operand(t) || *t == Tok::Lambda || *t == Tok::Not) => {
                    j += 1
                }
                _ => return j.max(i + 1),
            }
            if !matches!(self.tok(j), Some(Tok::Lpar | Tok::Lsqb | Tok::Dot)) {
                return j;
            }
        }
    }

    /// Index one past the bracket closing the one opened at `i`.
    fn matching_close(&self, i: usize) -> usize {
        let mut depth = 0usize;
        for j in i..self.toks.len() {
            match self.toks[j].1 {
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return j + 1;
                    }
                }
                _ => {}
            }
        }
        self.toks.len()
    }

    /// The span from the start of token `a` to the end of token `b - 1`.
    fn span_of(&self, a: usize, b: usize) -> Span {
        let start = self.toks.get(a).map_or(self.span.start as usize, |t| t.0);
        let end = b
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(start, |t| t.2);
        Span::new(start, end.max(start))
    }
}

fn is_operand(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Name(_)
            | Tok::Int(_)
            | Tok::Float(_)
            | Tok::Str(_)
            | Tok::Bytes(_)
            | Tok::FStr { .. }
            | Tok::True
            | Tok::False
            | Tok::None
            | Tok::Ellipsis
    )
}

fn is_closer(t: &Tok) -> bool {
    matches!(t, Tok::Rpar | Tok::Rsqb | Tok::Rbrace)
}

/// Operators that can sit inside a disjunction.
fn is_operator(t: &Tok) -> bool {
    matches!(
        t,
        Tok::Plus
            | Tok::Minus
            | Tok::Star
            | Tok::DoubleStar
            | Tok::Slash
            | Tok::DoubleSlash
            | Tok::Percent
            | Tok::At
            | Tok::LeftShift
            | Tok::RightShift
            | Tok::Amper
            | Tok::Vbar
            | Tok::Circumflex
            | Tok::Tilde
            | Tok::Less
            | Tok::Greater
            | Tok::LessEqual
            | Tok::GreaterEqual
            | Tok::EqEqual
            | Tok::NotEqual
            | Tok::Dot
            | Tok::And
            | Tok::Or
            | Tok::Not
            | Tok::Is
            | Tok::In
            | Tok::Await
    )
}

/// Tokens that can start an expression (and so cannot follow one).
fn starts_expression(t: &Tok) -> bool {
    is_operand(t)
        || matches!(
            t,
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::Lambda | Tok::Not | Tok::Await | Tok::Tilde
        )
}

/// Tokens that can end an expression.
fn ends_expression(t: &Tok) -> bool {
    is_operand(t) || is_closer(t)
}

/// `match x:` followed by an indented `case` block: a statement aio leaves
/// out of its subset.
fn match_statement(f: &Failure) -> Option<SyntaxError> {
    let start = f.line_start(f.at);
    let (l, Tok::Name(name), r) = f.toks.get(start)? else {
        return None;
    };
    if name != "match" {
        return None;
    }
    let mut depth = 0usize;
    let mut i = start;
    while let Some(t) = f.tok(i) {
        match t {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
            Tok::Newline if depth == 0 => break,
            _ => {}
        }
        i += 1;
    }
    let header_ends_with_colon = i > start + 1 && f.tok(i - 1) == Some(&Tok::Colon);
    let case_follows = f.tok(i + 1) == Some(&Tok::Indent)
        && matches!(f.tok(i + 2), Some(Tok::Name(n)) if n == "case");
    if !header_ends_with_colon || f.tok(i + 1) != Some(&Tok::Indent) {
        return None;
    }
    if case_follows {
        let msg = "match statements are not supported by aio";
        return Some(SyntaxError::new(msg, Span::new(*l, *r)));
    }
    // A match block without `case`: CPython stops at its first token.
    let (l, _, r) = f.toks.get(i + 2)?;
    Some(SyntaxError::new("invalid syntax", Span::new(*l, *r)))
}

/// `if x:` then no indented line: CPython names the statement and its line.
fn missing_block(f: &Failure) -> SyntaxError {
    let span = f.span;
    // The header is the logical line ended by the NEWLINE before the token.
    let header_end = f.at.saturating_sub(1);
    let what = match f.line_keyword(header_end) {
        Some((i, kw)) => {
            let line = line_of(f.text, f.base, f.toks[i].0);
            let name = match kw {
                Tok::If => "'if' statement",
                Tok::Elif => "'elif' statement",
                Tok::Else => "'else' statement",
                Tok::While => "'while' statement",
                Tok::For => "'for' statement",
                Tok::With => "'with' statement",
                Tok::Try => "'try' statement",
                Tok::Except if f.tok(i + 1) == Some(&Tok::Star) => "'except*' statement",
                Tok::Except => "'except' statement",
                Tok::Finally => "'finally' statement",
                Tok::Def => "function definition",
                Tok::Class => "class definition",
                _ => "",
            };
            (!name.is_empty())
                .then(|| format!("expected an indented block after {name} on line {line}"))
        }
        None => None,
    };
    SyntaxError::indentation(
        what.unwrap_or_else(|| "expected an indented block".to_string()),
        span,
    )
}

/// A compound statement header without its colon: CPython says so when the
/// line ends there, and for `try`, `finally` and `def` whatever follows.
fn expected_colon(f: &Failure) -> Option<SyntaxError> {
    if !f.expects(":") || f.depth_at(f.at) != 0 {
        return None;
    }
    let (_, kw) = f.line_keyword(f.at)?;
    let compound = matches!(
        kw,
        Tok::If
            | Tok::Elif
            | Tok::Else
            | Tok::While
            | Tok::For
            | Tok::With
            | Tok::Try
            | Tok::Except
            | Tok::Finally
            | Tok::Def
            | Tok::Class
    );
    let forced = matches!(kw, Tok::Try | Tok::Finally | Tok::Def);
    let at_newline = matches!(f.tok(f.at), Some(Tok::Newline) | None);
    if compound && (at_newline || forced) {
        let at =
            f.at.checked_sub(1)
                .and_then(|i| f.toks.get(i))
                .map_or(f.span.start as usize, |t| t.2);
        if !at_newline {
            return Some(SyntaxError::new("expected ':'", f.span));
        }
        return Some(SyntaxError::new("expected ':'", Span::new(at, at)));
    }
    None
}

/// `def f[T]():`: CPython 3.11 insists on the parenthesis after the name.
fn expected_paren(f: &Failure) -> Option<SyntaxError> {
    let is_def_name =
        matches!(f.prev(), Some(Tok::Name(_))) && f.at >= 2 && f.tok(f.at - 2) == Some(&Tok::Def);
    (is_def_name && f.tok(f.at) != Some(&Tok::Lpar))
        .then(|| SyntaxError::new("expected '('", f.span))
}

/// `print "x"` / `exec "code"`: Python 2 statements.
fn legacy_print(f: &Failure) -> Option<SyntaxError> {
    let prev = f.at.checked_sub(1)?;
    let Some(Tok::Name(name)) = f.tok(prev) else {
        return None;
    };
    if name != "print" && name != "exec" {
        return None;
    }
    let tok = f.tok(f.at)?;
    if !starts_expression(tok) || *tok == Tok::Lpar {
        return None;
    }
    // The statement runs to the end of its logical line.
    let mut end = f.at;
    let mut depth = 0usize;
    while let Some(t) = f.tok(end) {
        match t {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
            Tok::Newline | Tok::Semi if depth == 0 => break,
            _ => {}
        }
        end += 1;
    }
    Some(SyntaxError::new(
        format!("Missing parentheses in call to '{name}'. Did you mean {name}(...)?"),
        f.span_of(prev, end),
    ))
}

/// `if x = 1:` and `(y = 1)`: `=` where a condition or element is expected.
fn assignment_in_condition(f: &Failure) -> Option<SyntaxError> {
    if f.tok(f.at) != Some(&Tok::Equal) {
        return None;
    }
    let context_ok = match f.open_bracket(f.at) {
        // Inside brackets, unless they are a call's (where `=` is a keyword).
        Some(o) => {
            !(f.tok(o) == Some(&Tok::Lpar) && o > 0 && f.tok(o - 1).is_some_and(ends_expression))
        }
        None => matches!(
            f.line_keyword(f.at),
            Some((_, Tok::If | Tok::Elif | Tok::While))
        ),
    };
    if !context_ok || f.at == 0 {
        return None;
    }
    let last = f.at - 1;
    let start = f.expression_start(last);
    // The right-hand side, for the caret: up to the next separator.
    let rhs_end = {
        let mut j = f.at + 1;
        let mut depth = 0usize;
        while let Some(t) = f.tok(j) {
            match t {
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace if depth == 0 => break,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth -= 1,
                Tok::Colon | Tok::Comma | Tok::Newline | Tok::Equal if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        j
    };
    let target = &f.toks[start..=last];
    let name = match target {
        [(_, Tok::Name(_), _)] => {
            return Some(SyntaxError::new(
                "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
                f.span_of(start, rhs_end),
            ))
        }
        [.., (_, Tok::Dot, _), (_, Tok::Name(_), _)] => "attribute",
        [(_, t, _)] if is_operand(t) => "literal",
        [first, .., (_, Tok::Rpar, _)] if is_operand(&first.1) => "function call",
        [first, .., (_, Tok::Rsqb, _)] if is_operand(&first.1) => "subscript",
        _ => return None,
    };
    Some(SyntaxError::new(
        format!("cannot assign to {name} here. Maybe you meant '==' instead of '='?"),
        f.span_of(start, last + 1),
    ))
}

/// `{1: 2, 3}`: a key without its value in a dict display.
fn dict_key_without_value(f: &Failure) -> Option<SyntaxError> {
    if !f.expects(":") || !f.prev().is_some_and(ends_expression) {
        return None;
    }
    let open = f.open_bracket(f.at)?;
    if f.tok(open) != Some(&Tok::Lbrace) {
        return None;
    }
    // A dict: a `:` or `**` directly inside these braces.
    let mut depth = 0usize;
    let mut is_dict = false;
    for t in &f.toks[open + 1..f.at] {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
            Tok::Colon | Tok::DoubleStar if depth == 0 => is_dict = true,
            _ => {}
        }
    }
    if !is_dict {
        return None;
    }
    let start = f.expression_start(f.at - 1);
    Some(SyntaxError::new(
        "':' expected after dictionary key",
        f.span_of(start, f.at),
    ))
}

/// `{1: }`: a key and its colon, then no value.
fn dict_value_missing(f: &Failure) -> Option<SyntaxError> {
    if !matches!(f.tok(f.at), Some(Tok::Comma | Tok::Rbrace)) || f.prev() != Some(&Tok::Colon) {
        return None;
    }
    let open = f.open_bracket(f.at)?;
    if f.tok(open) != Some(&Tok::Lbrace) {
        return None;
    }
    let colon = &f.toks[f.at - 1];
    Some(SyntaxError::new(
        "expression expected after dictionary key and ':'",
        Span::new(colon.0, colon.2),
    ))
}

/// `x = a if b`: a conditional expression without `else`.
fn missing_else(f: &Failure) -> Option<SyntaxError> {
    if !f.expects("else") || f.tok(f.at) == Some(&Tok::Else) {
        return None;
    }
    let depth = f.depth_at(f.at);
    let line_start = f.line_start(f.at);
    let mut i = f.at;
    while i > line_start {
        i -= 1;
        if f.tok(i) == Some(&Tok::If) && f.depth_at(i) == depth {
            if i == 0 || !f.tok(i - 1).is_some_and(ends_expression) {
                return None;
            }
            let start = f.expression_start(i - 1);
            return Some(SyntaxError::new(
                "expected 'else' after 'if' expression",
                f.span_of(start, f.at),
            ));
        }
    }
    None
}

/// `f(a b)`, `[1 2]`: two expressions side by side inside brackets.
fn missing_comma(f: &Failure) -> Option<SyntaxError> {
    let tok = f.tok(f.at)?;
    let prev = f.prev()?;
    if !starts_expression(tok) || !ends_expression(prev) || f.depth_at(f.at) == 0 {
        return None;
    }
    let start = f.expression_start(f.at - 1);
    // CPython leaves out `name "string"` and expressions that start with a
    // soft keyword or are a Python 2 `print`.
    match (f.tok(start), f.tok(start + 1)) {
        (Some(Tok::Name(_)), Some(Tok::Str(_) | Tok::Bytes(_) | Tok::FStr { .. })) => return None,
        (Some(Tok::Name(n)), _)
            if matches!(n.as_str(), "match" | "case" | "_" | "print" | "exec") =>
        {
            return None
        }
        _ => {}
    }
    let end = f.expression_end(f.at);
    Some(SyntaxError::new(
        "invalid syntax. Perhaps you forgot a comma?",
        f.span_of(start, end),
    ))
}
