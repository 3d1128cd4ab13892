//! Adjacent string literals and f-strings.
//!
//! An f-string arrives from the lexer as its undecoded body. It is split the
//! way CPython 3.11's `fstring_find_literal` / `fstring_find_expr` split it:
//! literal text (escapes decoded, `{{` and `}}` undoubled) and `{field}`s.
//! A field's expression is parsed by this same parser in expression mode, at
//! its true offset in the file, so its spans point into the source. Format
//! specs are themselves f-strings, nested at most two levels.

use super::actions::StrPart;
use crate::ast::{Constant, Expr, ExprKind};
use crate::diag::SyntaxError;
use crate::lexer::decode_escapes;
use crate::source::Span;

/// CPython's bracket limit inside one f-string field.
const MAX_FIELD_NESTING: usize = 200;

/// The parts of a JoinedStr being built: consecutive literal text merges
/// into one `Constant`, as in CPython.
#[derive(Default)]
struct Joined {
    values: Vec<Expr>,
    text: String,
    text_span: Option<(usize, usize)>,
}

impl Joined {
    fn push_text(&mut self, s: &str, start: usize, end: usize) {
        if s.is_empty() {
            return;
        }
        self.text.push_str(s);
        self.text_span = Some(match self.text_span {
            Some((l, _)) => (l, end),
            None => (start, end),
        });
    }

    fn flush(&mut self) {
        if let Some((l, r)) = self.text_span.take() {
            let text = std::mem::take(&mut self.text);
            self.values.push(Expr::new(
                Span::new(l, r),
                ExprKind::Constant(Constant::Str(text)),
            ));
        }
    }

    fn push_expr(&mut self, e: Expr) {
        self.flush();
        self.values.push(e);
    }

    fn finish(mut self) -> Vec<Expr> {
        self.flush();
        self.values
    }
}

/// Concatenates adjacent literals spanning `l..r`: str and bytes alone stay
/// constants; any f-string makes the whole a JoinedStr.
pub(crate) fn concat(l: usize, parts: Vec<StrPart>, r: usize) -> Result<Expr, SyntaxError> {
    let has_bytes = parts.iter().any(|p| matches!(p, StrPart::Bytes(..)));
    let has_text = parts.iter().any(|p| !matches!(p, StrPart::Bytes(..)));
    if has_bytes && has_text {
        // CPython reports this at the token after the literals.
        return Err(SyntaxError::new(
            "cannot mix bytes and nonbytes literals",
            Span::new(r, r),
        ));
    }
    let span = Span::new(l, r);
    if has_bytes {
        let mut out = Vec::new();
        for p in parts {
            if let StrPart::Bytes(b) = p {
                out.extend(b);
            }
        }
        return Ok(Expr::new(span, ExprKind::Constant(Constant::Bytes(out))));
    }
    if !parts.iter().any(|p| matches!(p, StrPart::FStr(..))) {
        let mut out = String::new();
        for p in parts {
            if let StrPart::Str(_, s, _) = p {
                out.push_str(&s);
            }
        }
        return Ok(Expr::new(span, ExprKind::Constant(Constant::Str(out))));
    }
    let mut joined = Joined::default();
    for p in parts {
        match p {
            StrPart::Str(sl, s, sr) => joined.push_text(&s, sl, sr),
            StrPart::FStr(raw, body, offset, fr) => {
                let mut fp = FString {
                    body: &body,
                    raw,
                    base: offset as usize,
                    pos: 0,
                    token_end: fr,
                };
                fp.parse(&mut joined, 0)?;
            }
            StrPart::Bytes(..) => {}
        }
    }
    Ok(Expr::new(span, ExprKind::JoinedStr(joined.finish())))
}

/// A cursor over one f-string body.
struct FString<'a> {
    body: &'a str,
    raw: bool,
    /// File offset of `body`.
    base: usize,
    pos: usize,
    /// End of the f-string token, where CPython reports most f-string errors.
    token_end: usize,
}

impl FString<'_> {
    fn byte(&self, i: usize) -> Option<u8> {
        self.body.as_bytes().get(i).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.body.len()
    }

    fn error(&self, msg: impl Into<String>) -> SyntaxError {
        SyntaxError::new(msg, Span::new(self.token_end, self.token_end))
    }

    /// Literals and fields up to the end of the body (`level` 0) or up to
    /// the `}` closing a format spec (`level` 1 and 2).
    fn parse(&mut self, out: &mut Joined, level: u32) -> Result<(), SyntaxError> {
        loop {
            let doubled = self.literal(out, level)?;
            if doubled {
                continue;
            }
            if self.at_end() || self.byte(self.pos) == Some(b'}') {
                break;
            }
            self.field(out, level)?;
        }
        if level > 0 && self.byte(self.pos) != Some(b'}') {
            return Err(self.error("f-string: expecting '}'"));
        }
        Ok(())
    }

    /// Scans literal text up to a `{` or `}`; returns true after a doubled
    /// brace (the literal then ends with one brace and scanning resumes).
    fn literal(&mut self, out: &mut Joined, level: u32) -> Result<bool, SyntaxError> {
        let start = self.pos;
        let bytes = self.body.as_bytes();
        let mut i = self.pos;
        let mut doubled = false;
        while i < bytes.len() {
            let mut ch = bytes[i];
            i += 1;
            if !self.raw && ch == b'\\' && i < bytes.len() {
                ch = bytes[i];
                i += 1;
                if ch == b'N' {
                    // `\N{NAME}`: its braces are not a field.
                    if bytes.get(i) == Some(&b'{') {
                        i += 1;
                        while i < bytes.len() {
                            i += 1;
                            if bytes[i - 1] == b'}' {
                                break;
                            }
                        }
                    }
                    continue;
                }
            }
            if ch == b'{' || ch == b'}' {
                if level == 0 {
                    if bytes.get(i) == Some(&ch) {
                        doubled = true;
                        break;
                    }
                    if ch == b'}' {
                        return Err(self.error("f-string: single '}' is not allowed"));
                    }
                }
                i -= 1;
                break;
            }
        }
        let text = &self.body[start..i];
        let decoded = decode_escapes(text, self.raw, self.base + start)?;
        out.push_text(&decoded, self.base + start, self.base + i);
        self.pos = if doubled { i + 1 } else { i };
        Ok(doubled)
    }

    /// One `{expr[=][!c][:spec]}` field, the cursor on its `{`.
    fn field(&mut self, out: &mut Joined, level: u32) -> Result<(), SyntaxError> {
        if level >= 2 {
            return Err(self.error("f-string: expressions nested too deeply"));
        }
        let open = self.pos;
        self.pos += 1;
        let expr_start = self.pos;
        let expr_end = self.scan_expression()?;
        let text = &self.body[expr_start..expr_end];
        if text
            .trim_matches([' ', '\t', '\n', '\r', '\x0c'])
            .is_empty()
        {
            return Err(match self.byte(expr_end) {
                Some(c @ (b'!' | b':' | b'=')) => self.error(format!(
                    "f-string: expression required before '{}'",
                    c as char
                )),
                _ => self.error("f-string: empty expression not allowed"),
            });
        }
        let mut value = super::parse_field(text, self.base + expr_start)?;
        // CPython 3.11 parses a field as `(field)`, its parentheses standing on
        // the braces: a bare tuple's span takes them in.
        let trimmed = text.trim();
        let lead = text.len() - text.trim_start().len();
        let bare_tuple = matches!(value.kind, ExprKind::Tuple(_))
            && value.span.start as usize == self.base + expr_start + lead
            && value.span.end as usize == self.base + expr_start + lead + trimmed.len()
            && !(trimmed.starts_with('(') && trimmed.ends_with(')'));

        let mut debug_text = None;
        if self.byte(self.pos) == Some(b'=') {
            self.pos += 1;
            while matches!(
                self.byte(self.pos),
                Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
            ) {
                self.pos += 1;
            }
            if self.at_end() {
                return Err(self.error("f-string: expecting '}'"));
            }
            debug_text = Some((expr_start, self.pos));
        }

        let mut conversion = None;
        if self.byte(self.pos) == Some(b'!') {
            self.pos += 1;
            let Some(c) = self.body[self.pos..].chars().next() else {
                return Err(self.error("f-string: expecting '}'"));
            };
            self.pos += c.len_utf8();
            if !matches!(c, 's' | 'r' | 'a') {
                return Err(
                    self.error("f-string: invalid conversion character: expected 's', 'r', or 'a'")
                );
            }
            conversion = Some(c);
        }

        let mut format_spec = None;
        if self.byte(self.pos) == Some(b':') {
            self.pos += 1;
            if self.at_end() {
                return Err(self.error("f-string: expecting '}'"));
            }
            let spec_start = self.base + self.pos;
            let mut spec = Joined::default();
            self.parse(&mut spec, level + 1)?;
            let spec_span = Span::new(spec_start, self.base + self.pos);
            format_spec = Some(Box::new(Expr::new(
                spec_span,
                ExprKind::JoinedStr(spec.finish()),
            )));
        }

        if self.byte(self.pos) != Some(b'}') {
            return Err(self.error("f-string: expecting '}'"));
        }
        self.pos += 1;

        if let Some((l, r)) = debug_text {
            // `f"{x=}"` shows `x=` then repr(x), unless told otherwise.
            if conversion.is_none() && format_spec.is_none() {
                conversion = Some('r');
            }
            out.push_text(&self.body[l..r], self.base + l, self.base + r);
        }
        let span = Span::new(self.base + open, self.base + self.pos);
        if bare_tuple {
            value.span = span;
        }
        out.push_expr(Expr::new(
            span,
            ExprKind::FormattedValue {
                value: Box::new(value),
                conversion,
                format_spec,
            },
        ));
        Ok(())
    }

    /// Finds the end of a field's expression: the first `!`, `:`, `=` or `}`
    /// outside brackets and strings (`!=`, `==`, `<=`, `>=` do not count).
    fn scan_expression(&mut self) -> Result<usize, SyntaxError> {
        let bytes = self.body.as_bytes();
        let mut quote: Option<(u8, bool)> = None;
        let mut nesting: Vec<u8> = Vec::new();
        while self.pos < bytes.len() {
            let ch = bytes[self.pos];
            if ch == b'\\' {
                return Err(self.error("f-string expression part cannot include a backslash"));
            }
            if let Some((q, triple)) = quote {
                if ch == q {
                    if !triple {
                        quote = None;
                    } else if bytes.get(self.pos + 1) == Some(&q)
                        && bytes.get(self.pos + 2) == Some(&q)
                    {
                        self.pos += 2;
                        quote = None;
                    }
                }
                self.pos += 1;
                continue;
            }
            match ch {
                b'\'' | b'"' => {
                    let triple = bytes.get(self.pos + 1) == Some(&ch)
                        && bytes.get(self.pos + 2) == Some(&ch);
                    self.pos += if triple { 3 } else { 1 };
                    quote = Some((ch, triple));
                    continue;
                }
                b'(' | b'[' | b'{' => {
                    if nesting.len() >= MAX_FIELD_NESTING {
                        return Err(self.error("f-string: too many nested parenthesis"));
                    }
                    nesting.push(ch);
                }
                b'#' => return Err(self.error("f-string expression part cannot include '#'")),
                b'!' | b':' | b'}' | b'=' | b'<' | b'>' if nesting.is_empty() => {
                    let next = bytes.get(self.pos + 1).copied();
                    if next == Some(b'=') && matches!(ch, b'!' | b'=' | b'<' | b'>') {
                        self.pos += 2;
                        continue;
                    }
                    if ch != b'<' && ch != b'>' {
                        break;
                    }
                }
                b')' | b']' | b'}' => {
                    let Some(open) = nesting.pop() else {
                        return Err(self.error(format!("f-string: unmatched '{}'", ch as char)));
                    };
                    let expected = match open {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    };
                    if ch != expected {
                        return Err(self.error(format!(
                            "f-string: closing parenthesis '{}' does not match opening parenthesis '{}'",
                            ch as char, open as char
                        )));
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        if quote.is_some() {
            return Err(self.error("f-string: unterminated string"));
        }
        if let Some(&open) = nesting.last() {
            return Err(self.error(format!("f-string: unmatched '{}'", open as char)));
        }
        if self.at_end() {
            return Err(self.error("f-string: expecting '}'"));
        }
        Ok(self.pos)
    }
}
