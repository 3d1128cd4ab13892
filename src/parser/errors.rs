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
            // How far CPython's parser reads: the comma rule reads the second
            // expression and one more token, the `=` rules the right-hand
            // side and one more, and at an opening bracket it looks inside.
            let furthest = if e.msg.ends_with("Perhaps you forgot a comma?") {
                Some(f.expression_end(at))
            } else if e.msg.contains("Maybe you meant '==") {
                Some(f.rhs_end(at))
            } else if e.msg == "invalid syntax"
                && matches!(f.tok(at), Some(Tok::Lpar | Tok::Lsqb | Tok::Lbrace))
                && at > 0
                && f.tok(at - 1).is_some_and(ends_expression)
                && !f.in_parameters(at)
                && (f.depth_at(at) > 0
                    || f.line_keyword(at)
                        .is_some_and(|(_, t)| starts_expression(t)))
            {
                // After an expression, CPython tries the bracket as the start
                // of another one and reads into it: to the end when unclosed.
                Some(f.toks.len())
            } else {
                None
            };
            if let Some(i) = furthest {
                match f.toks.get(i) {
                    Some(t) => stopped_at = Some(t.0),
                    None => reads_to_end = true,
                }
            }
            e
        }
        ParseError::UnrecognizedEof { expected, .. } => {
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
            if overrides(&lex, &error, stopped_at, reads_to_end, text, base) {
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
    parse: &SyntaxError,
    stopped_at: usize,
    reads_to_end: bool,
    text: &str,
    base: usize,
) -> bool {
    // CPython reports an unexpected indent or unindent before looking further.
    let unexpected = parse.msg.starts_with("unexpected");
    if lex.kind != SyntaxErrorKind::Syntax || parse.kind != SyntaxErrorKind::Syntax && unexpected {
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
    if let Some(e) = match_statement(f).or_else(|| several_statements(f)) {
        return e;
    }
    // After a try block, CPython wants `except`/`finally` even before it
    // looks at indentation.
    if f.expects("except") && f.expects("finally") && !f.expects("else") {
        return SyntaxError::new("expected 'except' or 'finally' block", f.span);
    }
    if tok == Some(&Tok::Indent) {
        // CPython puts the caret on the last character of the indentation.
        let end = f.span.end as usize;
        let span = Span::new(end.saturating_sub(1), end);
        return SyntaxError::indentation("unexpected indent", span);
    }
    if f.expects("Indent") {
        return missing_block(f);
    }
    if tok == Some(&Tok::Dedent) {
        return SyntaxError::indentation("unexpected unindent", f.span);
    }
    let rules: [fn(&Failure) -> Option<SyntaxError>; 16] = [
        for_target,
        expected_colon,
        expected_paren,
        walrus_target,
        starred_comprehension,
        legacy_print,
        default_value_missing,
        keyword_not_a_name,
        assignment_in_condition,
        assignment_without_value,
        dict_value_missing,
        dict_key_without_value,
        missing_else,
        missing_comma,
        name_assigned_in_tuple,
        unfinished_conditional,
    ];
    rules
        .iter()
        .find_map(|rule| rule(f))
        .unwrap_or_else(|| SyntaxError::new("invalid syntax", f.span))
}

/// A second statement in one REPL input (a line of simple statements counts
/// as one).
fn several_statements(f: &Failure) -> Option<SyntaxError> {
    let interactive = f.tok(0) == Some(&Tok::StartInteractive);
    if !interactive || !f.expected.is_empty() || f.prev() != Some(&Tok::Newline) {
        return None;
    }
    let at = f.toks[f.at - 1].0;
    let msg = "multiple statements found while compiling a single statement";
    Some(SyntaxError::new(msg, Span::new(at, at)))
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

    /// Whether token `i` lies in a parameter list: `def f(...)`, or after
    /// `lambda` and before its `:`.
    fn in_parameters(&self, i: usize) -> bool {
        self.parameters_start(i).is_some()
    }

    /// Where the parameter list holding token `i` starts, if it is in one.
    fn parameters_start(&self, i: usize) -> Option<usize> {
        let open = self.open_bracket(i);
        if let Some(o) = open {
            let def_paren = self.tok(o) == Some(&Tok::Lpar)
                && o >= 2
                && matches!(self.tok(o - 1), Some(Tok::Name(_)))
                && self.tok(o - 2) == Some(&Tok::Def);
            if def_paren {
                return Some(o + 1);
            }
        }
        let stop = open.map_or(self.line_start(i), |o| o + 1);
        let mut depth = 0usize;
        for j in (stop..i.min(self.toks.len())).rev() {
            match self.toks[j].1 {
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth += 1,
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth = depth.saturating_sub(1),
                Tok::Colon if depth == 0 => return None,
                Tok::Lambda if depth == 0 => return Some(j + 1),
                _ => {}
            }
        }
        None
    }

    /// Whether token `i` is a parameter's name position (not its default
    /// or annotation, which are expressions).
    fn in_parameter_names(&self, i: usize) -> bool {
        let Some(params) = self.parameters_start(i) else {
            return false;
        };
        let start = self.element_start(i).max(params);
        !self.toks[start..i.min(self.toks.len())]
            .iter()
            .any(|t| matches!(t.1, Tok::Equal | Tok::Colon))
    }

    /// Whether token `i` lies in the iterable or a condition of a
    /// comprehension's `for` clause (not in its target).
    fn in_comprehension_clauses(&self, i: usize) -> bool {
        let Some(o) = self.open_bracket(i) else {
            return false;
        };
        let mut depth = 0usize;
        for j in (o + 1..i.min(self.toks.len())).rev() {
            match self.toks[j].1 {
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth += 1,
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth = depth.saturating_sub(1),
                Tok::For if depth == 0 => return false,
                Tok::In | Tok::If if depth == 0 => {
                    // An `in` or `if` of the comprehension, if a `for` precedes.
                    return self.toks[o + 1..j].iter().any(|t| t.1 == Tok::For);
                }
                _ => {}
            }
        }
        false
    }

    /// Whether token `i` lies in the argument list of a call (or class).
    fn in_call_arguments(&self, i: usize) -> bool {
        match self.open_bracket(i) {
            Some(o) => {
                self.tok(o) == Some(&Tok::Lpar)
                    && o > 0
                    && self.tok(o - 1).is_some_and(ends_expression)
                    && !self.in_parameters(i)
            }
            None => false,
        }
    }

    /// Index of the first token of the comma-separated element holding
    /// token `i` (after the last comma, or the opening bracket, or the
    /// line start, or the last `=` at statement level).
    fn element_start(&self, i: usize) -> usize {
        let stop = self.open_bracket(i).map_or(self.line_start(i), |o| o + 1);
        let mut depth = 0usize;
        for j in (stop..i.min(self.toks.len())).rev() {
            match self.toks[j].1 {
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth += 1,
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth = depth.saturating_sub(1),
                Tok::Comma if depth == 0 => return j + 1,
                _ => {}
            }
        }
        stop
    }

    /// Index one past the bitwise-or expression after the `=` at `eq`
    /// (where CPython's rule stops to look at the next token).
    fn rhs_end(&self, eq: usize) -> usize {
        let mut j = eq + 1;
        let mut depth = 0usize;
        while let Some(t) = self.tok(j) {
            match t {
                Tok::Lpar | Tok::Lsqb => depth += 1,
                Tok::Lbrace if depth > 0 => depth += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace if depth == 0 => break,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth -= 1,
                _ if depth > 0 => {}
                // Two operands side by side: the expression ended.
                t if j > eq + 1
                    && starts_expression(t)
                    && self.tok(j - 1).is_some_and(ends_expression) =>
                {
                    if !matches!(t, Tok::Lpar | Tok::Lsqb) {
                        break;
                    }
                    depth += 1;
                }
                t if is_operand(t) || matches!(t, Tok::Dot | Tok::Await | Tok::Tilde) => {}
                t if is_operator(t)
                    && !matches!(
                        t,
                        Tok::And
                            | Tok::Or
                            | Tok::Not
                            | Tok::Is
                            | Tok::In
                            | Tok::Less
                            | Tok::Greater
                            | Tok::LessEqual
                            | Tok::GreaterEqual
                            | Tok::EqEqual
                            | Tok::NotEqual
                    ) => {}
                _ => break,
            }
            j += 1;
        }
        j
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
    // CPython shows one caret, at the start of the offending token.
    let at = f.span.start as usize;
    let span = Span::new(at, at + usize::from(f.span.end > f.span.start));
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
/// line ends there, and for `try`, `finally`, `else` and `def` whatever follows.
fn expected_colon(f: &Failure) -> Option<SyntaxError> {
    if !f.expects(":") || f.depth_at(f.at) != 0 {
        return None;
    }
    let (k, kw) = f.line_keyword(f.at)?;
    // Only while the header's own colon has not come yet.
    let mut depth = 0usize;
    for t in &f.toks[k..f.at] {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
            Tok::Colon if depth == 0 => return None,
            _ => {}
        }
    }
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
    let forced = matches!(kw, Tok::Try | Tok::Finally | Tok::Else | Tok::Def);
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

/// What CPython would call the expression made of `toks` in a message
/// (`function call`, `attribute`, ...), judged from its shape; None when
/// the shape is not clear, or when it is not a bitwise-or expression.
fn shape(toks: &[Spanned]) -> Option<&'static str> {
    match toks {
        [] => return None,
        [(_, Tok::Await, _), ..] => return Some("await expression"),
        [(_, Tok::Lpar, _), inner @ .., (_, Tok::Rpar, _)] if encloses(toks) => {
            // `(x)` is `x`; a parenthesized tuple is left alone.
            return if inner.iter().any(|t| t.1 == Tok::Comma) {
                None
            } else {
                shape(inner)
            };
        }
        _ => {}
    }
    let mut depth = 0usize;
    let mut operator = false;
    for t in toks {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            Tok::And
            | Tok::Or
            | Tok::Not
            | Tok::Is
            | Tok::In
            | Tok::If
            | Tok::Else
            | Tok::Lambda
            | Tok::Less
            | Tok::Greater
            | Tok::LessEqual
            | Tok::GreaterEqual
            | Tok::EqEqual
            | Tok::NotEqual
            | Tok::Comma
            | Tok::Colon
            | Tok::Yield => return None,
            Tok::Dot | Tok::Await => {}
            ref t if is_operator(t) => operator = true,
            _ => {}
        }
    }
    if operator {
        return Some("expression");
    }
    // The bracket that closes the last token, if it opens at the start.
    let opens_at_start = || {
        let mut depth = 0usize;
        for (k, t) in toks.iter().enumerate().rev() {
            match t.1 {
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth += 1,
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => {
                    depth -= 1;
                    if depth == 0 {
                        return k == 0;
                    }
                }
                _ => {}
            }
        }
        false
    };
    match toks {
        [(_, Tok::Name(_), _)] => Some("name"),
        [(_, Tok::True, _)] => Some("True"),
        [(_, Tok::False, _)] => Some("False"),
        [(_, Tok::None, _)] => Some("None"),
        [(_, Tok::Ellipsis, _)] => Some("ellipsis"),
        [(_, Tok::Int(_) | Tok::Float(_), _)] => Some("literal"),
        _ if toks
            .iter()
            .all(|t| matches!(t.1, Tok::Str(_) | Tok::Bytes(_) | Tok::FStr { .. })) =>
        {
            if toks.iter().any(|t| matches!(t.1, Tok::FStr { .. })) {
                Some("f-string expression")
            } else {
                Some("literal")
            }
        }
        [.., (_, Tok::Dot, _), (_, Tok::Name(_), _)] => Some("attribute"),
        [.., (_, Tok::Rpar, _)] if !opens_at_start() => Some("function call"),
        [.., (_, Tok::Rsqb, _)] if !opens_at_start() => Some("subscript"),
        _ => None,
    }
}

/// Whether the first token of `toks` is the bracket that the last closes.
fn encloses(toks: &[Spanned]) -> bool {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate() {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k == toks.len() - 1;
                }
            }
            _ => {}
        }
    }
    false
}

/// Tokens that can start a bitwise-or expression.
fn starts_bitwise_or(t: &Tok) -> bool {
    is_operand(t)
        || matches!(
            t,
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace | Tok::Minus | Tok::Plus | Tok::Tilde | Tok::Await
        )
}

/// `if x = 1:` and `(y = 1)`: `=` where a condition or element is expected.
fn assignment_in_condition(f: &Failure) -> Option<SyntaxError> {
    if f.tok(f.at) != Some(&Tok::Equal) || f.at == 0 {
        return None;
    }
    let context_ok = match f.open_bracket(f.at) {
        // Inside brackets, unless they are a call's (where `=` is a keyword).
        Some(_) => !f.in_call_arguments(f.at) && !f.in_parameters(f.at),
        None => matches!(
            f.line_keyword(f.at),
            Some((_, Tok::If | Tok::Elif | Tok::While))
        ),
    };
    // CPython's rule wants a bitwise-or expression on the right, not
    // followed by another `=`.
    if !context_ok || !f.tok(f.at + 1).is_some_and(starts_bitwise_or) {
        return None;
    }
    let last = f.at - 1;
    let start = f.expression_start(last);
    if start > last {
        return None;
    }
    let rhs_end = f.rhs_end(f.at);
    if matches!(f.tok(rhs_end), Some(Tok::Equal | Tok::ColonEqual)) {
        return None;
    }
    match shape(&f.toks[start..=last])? {
        "name" => Some(SyntaxError::new(
            "invalid syntax. Maybe you meant '==' or ':=' instead of '='?",
            f.span_of(start, rhs_end),
        )),
        "True" | "False" | "None" => None,
        name => Some(SyntaxError::new(
            format!("cannot assign to {name} here. Maybe you meant '==' instead of '='?"),
            f.span_of(start, last + 1),
        )),
    }
}

/// `x() =` with nothing after: CPython still names the bad target.
fn assignment_without_value(f: &Failure) -> Option<SyntaxError> {
    if f.prev() != Some(&Tok::Equal) || f.depth_at(f.at) != 0 {
        return None;
    }
    if !matches!(f.tok(f.at), None | Some(Tok::Newline | Tok::Semi)) {
        return None;
    }
    let eq = f.at - 1;
    let line = f.line_start(eq);
    let start = (line..eq)
        .rev()
        .find(|&j| matches!(f.tok(j), Some(Tok::Equal | Tok::Semi)))
        .map_or(line, |j| j + 1);
    match shape(f.toks.get(start..eq)?)? {
        "name" | "attribute" | "subscript" => None,
        name => Some(SyntaxError::new(
            format!("cannot assign to {name}"),
            f.span_of(start, eq),
        )),
    }
}

/// `for f() in x`, `[x for a, f() in y]`: a target that cannot be
/// assigned to, when the `in` never comes (otherwise the action reports it).
fn for_target(f: &Failure) -> Option<SyntaxError> {
    if !f.expects("in") || f.tok(f.at) == Some(&Tok::In) {
        return None;
    }
    // The `for` at this level: the statement's, or a comprehension's.
    let stop = f.open_bracket(f.at).map_or(f.line_start(f.at), |o| o + 1);
    let mut depth = 0usize;
    let first = (stop..f.at).rev().find(|&j| {
        match f.toks[j].1 {
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth += 1,
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth = depth.saturating_sub(1),
            Tok::For => return depth == 0,
            _ => {}
        }
        false
    })?;
    let target = f.toks.get(first + 1..f.at)?;
    // Each element of a bare tuple target, in order.
    let mut depth = 0usize;
    let mut element = first + 1;
    for k in first + 1..=f.at {
        let end_of_element = match f.tok(k) {
            Some(Tok::Lpar | Tok::Lsqb | Tok::Lbrace) => {
                depth += 1;
                false
            }
            Some(Tok::Rpar | Tok::Rsqb | Tok::Rbrace) => {
                depth = depth.saturating_sub(1);
                false
            }
            Some(Tok::Comma) => depth == 0,
            _ => k == f.at,
        };
        if !end_of_element {
            continue;
        }
        let toks = f.toks.get(element..k)?;
        let toks = match toks {
            [(_, Tok::Star, _), rest @ ..] => rest,
            _ => toks,
        };
        match shape(toks) {
            Some("name" | "attribute" | "subscript") | None => {}
            Some(name) => {
                let s = f.span_of(k - toks.len(), k);
                return Some(SyntaxError::new(format!("cannot assign to {name}"), s));
            }
        }
        element = k + 1;
    }
    let _ = target;
    None
}

/// `a.b := 1`: only a name can take `:=`.
fn walrus_target(f: &Failure) -> Option<SyntaxError> {
    if f.tok(f.at) != Some(&Tok::ColonEqual) || f.at == 0 {
        return None;
    }
    if !f.tok(f.at + 1).is_some_and(starts_expression) {
        return None;
    }
    let last = f.at - 1;
    let start = f.expression_start(last);
    let target = f.toks.get(start..=last)?;
    let name = match shape(target) {
        Some("name") | None if target.len() == 1 => return None,
        Some(name) => name,
        None => "expression",
    };
    Some(SyntaxError::new(
        format!("cannot use assignment expressions with {name}"),
        f.span_of(start, last + 1),
    ))
}

/// `[*a for a in b]`: a starred element before a comprehension's `for`.
fn starred_comprehension(f: &Failure) -> Option<SyntaxError> {
    if !matches!(f.tok(f.at), Some(Tok::For | Tok::Async)) || f.open_bracket(f.at).is_none() {
        return None;
    }
    let start = f.element_start(f.at);
    if !matches!(f.tok(start), Some(Tok::Star)) {
        return None;
    }
    Some(SyntaxError::new(
        "iterable unpacking cannot be used in comprehension",
        f.span_of(start, f.at),
    ))
}

/// `def f(x=, y)`: a parameter's `=` without its default.
fn default_value_missing(f: &Failure) -> Option<SyntaxError> {
    let ends_item = matches!(f.tok(f.at), Some(Tok::Comma | Tok::Rpar | Tok::Colon));
    if f.prev() != Some(&Tok::Equal) || !ends_item || !f.in_parameters(f.at - 1) {
        return None;
    }
    let eq = &f.toks[f.at - 1];
    let msg = "expected default value expression";
    Some(SyntaxError::new(msg, Span::new(eq.0, eq.2)))
}

/// `f(a.b=1)`, `f("x"=)`: in a call, only a name may stand before `=`.
fn keyword_not_a_name(f: &Failure) -> Option<SyntaxError> {
    if !f.in_call_arguments(f.at) {
        return None;
    }
    let start = f.element_start(f.at);
    let mut depth = 0usize;
    let eq = (start..f.at).find(|&j| {
        match f.toks[j].1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
            Tok::Equal => return depth == 0,
            _ => {}
        }
        false
    })?;
    if eq == start {
        return None;
    }
    let lhs = &f.toks[start..eq];
    let span = f.span_of(start, eq + 1);
    match lhs {
        [(_, Tok::Name(_), _)] => None,
        [(_, Tok::True, _)] => Some(SyntaxError::new("cannot assign to True", span)),
        [(_, Tok::False, _)] => Some(SyntaxError::new("cannot assign to False", span)),
        [(_, Tok::None, _)] => Some(SyntaxError::new("cannot assign to None", span)),
        _ => Some(SyntaxError::new(
            "expression cannot contain assignment, perhaps you meant \"==\"?",
            span,
        )),
    }
}

/// `{1: 2, 3}`: a key without its value in a dict display.
fn dict_key_without_value(f: &Failure) -> Option<SyntaxError> {
    if !f.expects(":") || !f.prev().is_some_and(ends_expression) || f.in_parameters(f.at) {
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
    // CPython points at the last character of the key.
    let key_end = f.toks[f.at - 1].2;
    Some(SyntaxError::new(
        "':' expected after dictionary key",
        Span::new(key_end.saturating_sub(1), key_end),
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
    // CPython's rule does not fire when a `:` follows (`x = 1 if y:`).
    if !f.expects("else") || matches!(f.tok(f.at), Some(Tok::Else | Tok::Colon)) {
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
    // `kv[]`: CPython reads `kv` and an empty list side by side.
    if f.tok(f.at) == Some(&Tok::Rsqb)
        && f.at >= 2
        && f.prev() == Some(&Tok::Lsqb)
        && f.tok(f.at - 2).is_some_and(ends_expression)
        && f.depth_at(f.at - 1) > 0
        && !f.in_comprehension_clauses(f.at - 1)
    {
        let start = f.expression_start(f.at - 2);
        let msg = "invalid syntax. Perhaps you forgot a comma?";
        return Some(SyntaxError::new(msg, f.span_of(start, f.at + 1)));
    }
    let tok = f.tok(f.at)?;
    let prev = f.prev()?;
    if !starts_expression(tok) || !ends_expression(prev) || f.depth_at(f.at) == 0 {
        return None;
    }
    // Parameters are not expressions, and comprehension clauses are parsed
    // past the rule that gives this message.
    if f.in_parameter_names(f.at) || f.in_comprehension_clauses(f.at) {
        return None;
    }
    // The second expression must parse: `await`, `not`, `~` need an
    // operand, `lambda` its parameters or colon.
    let next = f.tok(f.at + 1);
    let parses = match tok {
        Tok::Await | Tok::Not | Tok::Tilde => next.is_some_and(starts_expression),
        Tok::Lambda => matches!(
            next,
            Some(Tok::Name(_) | Tok::Colon | Tok::Star | Tok::DoubleStar)
        ),
        _ => true,
    };
    if !parses {
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

/// `a, b c = 1, 2`: in a bare tuple, a name then `=` reads to CPython as a
/// mistaken comparison.
fn name_assigned_in_tuple(f: &Failure) -> Option<SyntaxError> {
    let Some(Tok::Name(_)) = f.tok(f.at) else {
        return None;
    };
    let juxtaposed = f.prev().is_some_and(ends_expression) && f.depth_at(f.at) == 0;
    if !juxtaposed || f.tok(f.at + 1) != Some(&Tok::Equal) {
        return None;
    }
    if !f.tok(f.at + 2).is_some_and(starts_bitwise_or) {
        return None;
    }
    let start = f.line_start(f.at);
    let mut depth = 0usize;
    let in_tuple = f.toks[start..f.at].iter().any(|t| {
        match t.1 {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
            Tok::Comma => return depth == 0,
            _ => {}
        }
        false
    });
    if !in_tuple {
        return None;
    }
    let end = f.rhs_end(f.at + 1);
    let msg = "invalid syntax. Maybe you meant '==' or ':=' instead of '='?";
    Some(SyntaxError::new(msg, f.span_of(f.at, end)))
}

/// An error inside the condition of `a if b else c` before its `else`:
/// CPython backs off to a shorter condition and then misses the `else`.
fn unfinished_conditional(f: &Failure) -> Option<SyntaxError> {
    let line = f.line_start(f.at);
    let here = f.depth_at(f.at);
    let mut i = f.at;
    while i > line {
        i -= 1;
        if f.tok(i) != Some(&Tok::If) || i == 0 || !f.tok(i - 1).is_some_and(ends_expression) {
            continue;
        }
        // CPython needs the condition to start parsing.
        if i + 1 >= f.at || !f.tok(i + 1).is_some_and(starts_expression) {
            continue;
        }
        let depth = f.depth_at(i);
        if depth > here {
            continue;
        }
        // Not a comprehension's `if`, and no `else` or close of its level
        // between it and the error.
        let stop = f.open_bracket(i).map_or(line, |o| o + 1);
        let mut d = 0usize;
        if f.toks[stop..i].iter().any(|t| {
            match t.1 {
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => d += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => d = d.saturating_sub(1),
                Tok::For => return d == 0,
                _ => {}
            }
            false
        }) {
            continue;
        }
        let mut d = 0isize;
        let closed = f.toks[i + 1..f.at].iter().any(|t| {
            match t.1 {
                Tok::Lpar | Tok::Lsqb | Tok::Lbrace => d += 1,
                Tok::Rpar | Tok::Rsqb | Tok::Rbrace => d -= 1,
                Tok::Else | Tok::Comma | Tok::Colon if d == 0 => return true,
                _ => {}
            }
            d < 0
        });
        if closed {
            continue;
        }
        let start = f.expression_start(i - 1);
        return Some(SyntaxError::new(
            "expected 'else' after 'if' expression",
            f.span_of(start, f.at),
        ));
    }
    None
}
