//! The token stream between the lexer and the parser.
//!
//! It does three things: it keeps a light copy of every token handed to the
//! parser (the error mapping looks back at them), it rewrites the
//! parenthesized with-statement form `with (a as b, c):` into `with a as b,
//! c:` (Python's PEG parser backtracks there; an LR parser cannot), and after
//! a parse error it lexes the rest of the input, since CPython lets some
//! later tokenizer errors take precedence over a parse error.
//!
//! It also refuses input whose expressions would nest too deeply without
//! brackets (`1+1+...+1` a hundred thousand times): such a tree could not
//! even be dropped without overflowing the stack, so it must not be built.
//! The bound is a cheap over-estimate of the nesting, counted per bracket
//! level between commas; `depth.rs` checks the real depth afterwards.

use crate::diag::SyntaxError;
use crate::lexer::{Lexer, Spanned, Tok};
use crate::source::Span;
use std::collections::VecDeque;

/// What the lexer yields.
type Item = Result<Spanned, SyntaxError>;

/// The lexer, wrapped (see the module docs).
pub(crate) struct TokenStream<'a> {
    lexer: Lexer<'a>,
    pending: VecDeque<Item>,
    /// Light copies (literal payloads dropped) of the tokens given to the
    /// parser, then of those found by `drain`.
    pub history: Vec<Spanned>,
    /// How many of `history` the parser saw.
    pub seen: usize,
    /// The parser's last item was a lexer error.
    pub lexer_failed: bool,
    /// Per open bracket (and the line), the nesting-making tokens seen since
    /// its last comma; `nesting` is their sum.
    levels: Vec<usize>,
    nesting: usize,
}

/// The estimated nesting beyond which input is refused before parsing; the
/// estimate overcounts, so this sits well above `depth::MAX_DEPTH`.
const MAX_ESTIMATED_NESTING: usize = 3 * super::depth::MAX_DEPTH;

impl<'a> TokenStream<'a> {
    pub fn new(lexer: Lexer<'a>) -> TokenStream<'a> {
        TokenStream {
            lexer,
            pending: VecDeque::new(),
            history: Vec::new(),
            seen: 0,
            lexer_failed: false,
            levels: vec![0],
            nesting: 0,
        }
    }

    fn pull(&mut self) -> Option<Item> {
        self.pending.pop_front().or_else(|| self.lexer.next())
    }

    /// Lexes the rest of the input after a parse error, recording the
    /// tokens; returns the lexer's error, if it finds one.
    pub fn drain(&mut self) -> Option<SyntaxError> {
        while let Some(item) = self.pull() {
            match item {
                Ok((l, tok, r)) => self.history.push((l, light(&tok), r)),
                Err(e) => return Some(e),
            }
        }
        None
    }

    /// Updates the nesting estimate with `tok`; false if it is too deep.
    fn track_nesting(&mut self, tok: &Tok) -> bool {
        match tok {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => {
                self.bump();
                self.levels.push(0);
            }
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => {
                if self.levels.len() > 1 {
                    self.nesting -= self.levels.pop().unwrap_or(0);
                }
            }
            Tok::Comma | Tok::Semi | Tok::Newline | Tok::Equal => {
                if let Some(level) = self.levels.last_mut() {
                    self.nesting -= std::mem::take(level);
                }
            }
            // Tokens that can open one more level of the tree. `and`, `or`
            // and comparisons chain flat, so they do not count.
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
            | Tok::Dot
            | Tok::Not
            | Tok::Await
            | Tok::Lambda
            | Tok::If
            | Tok::Yield
            | Tok::ColonEqual => self.bump(),
            _ => {}
        }
        self.nesting <= MAX_ESTIMATED_NESTING
    }

    fn bump(&mut self) {
        if let Some(level) = self.levels.last_mut() {
            *level += 1;
            self.nesting += 1;
        }
    }

    /// After `with`: if a parenthesized group follows and then `:`, and the
    /// group is a list of with-items rather than one expression, queue its
    /// contents without the parentheses (and without a trailing comma).
    fn rewrite_with_parens(&mut self) {
        let Some(first) = self.pull() else { return };
        if !matches!(first, Ok((_, Tok::Lpar, _))) {
            self.pending.push_front(first);
            return;
        }
        let mut group = vec![first];
        let mut depth = 1usize;
        while depth > 0 {
            let Some(item) = self.pull() else { break };
            let failed = match &item {
                Ok((_, Tok::Lpar | Tok::Lsqb | Tok::Lbrace, _)) => {
                    depth += 1;
                    false
                }
                Ok((_, Tok::Rpar | Tok::Rsqb | Tok::Rbrace, _)) => {
                    depth -= 1;
                    false
                }
                Ok(_) => false,
                Err(_) => true,
            };
            group.push(item);
            if failed {
                break;
            }
        }
        if depth == 0 {
            if let Some(next) = self.pull() {
                let colon = matches!(next, Ok((_, Tok::Colon, _)));
                group.push(next);
                if colon && is_item_list(&group[1..group.len() - 2]) {
                    let close = group.len() - 2;
                    let _ = group.remove(close);
                    let _ = group.remove(0);
                    let last = group.len() - 2;
                    if matches!(group.get(last), Some(Ok((_, Tok::Comma, _)))) {
                        let _ = group.remove(last);
                    }
                }
            }
        }
        // Queued before anything already pending (which came later).
        for item in group.into_iter().rev() {
            self.pending.push_front(item);
        }
    }
}

/// Whether the tokens inside `with ( ... ):` are with-items: not empty, and
/// at their top level no generator `for`, no `:=`, no `yield`, no `*x`
/// element (those make the group one parenthesized expression instead).
fn is_item_list(inner: &[Item]) -> bool {
    if inner.is_empty() {
        return false;
    }
    let mut depth = 0usize;
    let mut element_start = true;
    for item in inner {
        let Ok((_, tok, _)) = item else { return false };
        if depth == 0 {
            match tok {
                Tok::For | Tok::ColonEqual | Tok::Yield => return false,
                Tok::Star | Tok::DoubleStar if element_start => return false,
                _ => {}
            }
        }
        match tok {
            Tok::Lpar | Tok::Lsqb | Tok::Lbrace => depth += 1,
            Tok::Rpar | Tok::Rsqb | Tok::Rbrace => depth = depth.saturating_sub(1),
            _ => {}
        }
        element_start = depth == 0 && *tok == Tok::Comma;
    }
    true
}

/// A token without its payload (allocation-free): the error rules only need
/// the kinds, and the names of a few words.
fn light(tok: &Tok) -> Tok {
    match tok {
        Tok::Name(n) if matches!(n.as_str(), "print" | "exec" | "match" | "case" | "_") => {
            Tok::Name(n.clone())
        }
        Tok::Name(_) => Tok::Name(String::new()),
        Tok::Int(_) => Tok::Int(Default::default()),
        Tok::Str(_) => Tok::Str(String::new()),
        Tok::Bytes(_) => Tok::Bytes(Vec::new()),
        Tok::FStr {
            raw, body_offset, ..
        } => Tok::FStr {
            raw: *raw,
            body: String::new(),
            body_offset: *body_offset,
        },
        other => other.clone(),
    }
}

impl Iterator for TokenStream<'_> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let item = self.pull()?;
        if let Ok((l, tok, r)) = &item {
            if !self.track_nesting(tok) {
                self.lexer_failed = true;
                let e = SyntaxError::new("too many nested expressions", Span::new(*l, *r));
                return Some(Err(e));
            }
        }
        match &item {
            Ok((l, tok, r)) => {
                self.history.push((*l, light(tok), *r));
                self.seen = self.history.len();
                if *tok == Tok::With {
                    self.rewrite_with_parens();
                }
            }
            Err(_) => self.lexer_failed = true,
        }
        Some(item)
    }
}
