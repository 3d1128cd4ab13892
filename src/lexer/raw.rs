//! The raw token layer: logos recognises every physical token; the layout
//! layer in `indent.rs` turns newlines and leading whitespace into
//! NEWLINE / INDENT / DEDENT and tracks brackets.
//!
//! Numbers and strings only have their first character(s) matched by a regex:
//! their callbacks scan the rest by hand (`numbers.rs`, `strings.rs`) because
//! CPython's error messages depend on exactly where a malformed literal stops.

use super::numbers::scan_number;
use super::strings::scan_string;
use super::token::Tok;
use crate::diag::SyntaxError;
use logos::Logos;

/// What the logos lexer carries besides the text: enough to build absolute
/// spans and line numbers for errors raised inside callbacks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ctx {
    /// Absolute byte offset of the lexed text in its file.
    pub base: usize,
    /// Line number (1-based) of the text's first line in its file.
    pub first_line: usize,
}

/// An error out of the raw layer.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum RawError {
    /// No token matches here; the layout layer words the message from the
    /// offending character.
    #[default]
    NoMatch,
    /// A literal was malformed; the message and span are final.
    Syntax(Box<SyntaxError>),
}

impl From<SyntaxError> for RawError {
    fn from(e: SyntaxError) -> RawError {
        RawError::Syntax(Box::new(e))
    }
}

/// One physical token.
#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(extras = Ctx)]
#[logos(error = RawError)]
pub enum Raw {
    /// Spaces, tabs and form feeds between tokens.
    #[regex(r"[ \t\x0c]+")]
    Space,
    /// A comment up to (not including) the end of the line.
    #[regex(r"#[^\r\n]*", allow_greedy = true)]
    Comment,
    /// A physical line end.
    #[regex(r"\r\n|\r|\n")]
    Newline,
    /// A backslash: continuation if a line end follows, else an error.
    #[token("\\")]
    Backslash,
    /// An identifier or keyword.
    #[regex(r"[\p{XID_Start}_]\p{XID_Continue}*")]
    Name,
    /// A number, string, bytes or f-string literal: the regex matches its
    /// start, the callback scans the rest.
    #[regex(r"[0-9]|\.[0-9]", number)]
    #[regex(r#"([rRuUbBfF]|[bB][rR]|[rR][bB]|[fF][rR]|[rR][fF])?['"]"#, string)]
    Literal(Tok),
    /// An operator or delimiter.
    #[token("+", |_| Tok::Plus)]
    #[token("-", |_| Tok::Minus)]
    #[token("*", |_| Tok::Star)]
    #[token("**", |_| Tok::DoubleStar)]
    #[token("/", |_| Tok::Slash)]
    #[token("//", |_| Tok::DoubleSlash)]
    #[token("%", |_| Tok::Percent)]
    #[token("@", |_| Tok::At)]
    #[token("<<", |_| Tok::LeftShift)]
    #[token(">>", |_| Tok::RightShift)]
    #[token("&", |_| Tok::Amper)]
    #[token("|", |_| Tok::Vbar)]
    #[token("^", |_| Tok::Circumflex)]
    #[token("~", |_| Tok::Tilde)]
    #[token(":=", |_| Tok::ColonEqual)]
    #[token("<", |_| Tok::Less)]
    #[token(">", |_| Tok::Greater)]
    #[token("<=", |_| Tok::LessEqual)]
    #[token(">=", |_| Tok::GreaterEqual)]
    #[token("==", |_| Tok::EqEqual)]
    #[token("!=", |_| Tok::NotEqual)]
    #[token(",", |_| Tok::Comma)]
    #[token(":", |_| Tok::Colon)]
    #[token(".", |_| Tok::Dot)]
    #[token("...", |_| Tok::Ellipsis)]
    #[token(";", |_| Tok::Semi)]
    #[token("=", |_| Tok::Equal)]
    #[token("->", |_| Tok::Rarrow)]
    #[token("+=", |_| Tok::PlusEqual)]
    #[token("-=", |_| Tok::MinusEqual)]
    #[token("*=", |_| Tok::StarEqual)]
    #[token("/=", |_| Tok::SlashEqual)]
    #[token("//=", |_| Tok::DoubleSlashEqual)]
    #[token("%=", |_| Tok::PercentEqual)]
    #[token("@=", |_| Tok::AtEqual)]
    #[token("&=", |_| Tok::AmperEqual)]
    #[token("|=", |_| Tok::VbarEqual)]
    #[token("^=", |_| Tok::CircumflexEqual)]
    #[token("<<=", |_| Tok::LeftShiftEqual)]
    #[token(">>=", |_| Tok::RightShiftEqual)]
    #[token("**=", |_| Tok::DoubleStarEqual)]
    Op(Tok),
    /// An opening bracket: `(`, `[` or `{`.
    #[token("(", |_| b'(')]
    #[token("[", |_| b'[')]
    #[token("{", |_| b'{')]
    Open(u8),
    /// A closing bracket: `)`, `]` or `}`.
    #[token(")", |_| b')')]
    #[token("]", |_| b']')]
    #[token("}", |_| b'}')]
    Close(u8),
}

fn number(lex: &mut logos::Lexer<Raw>) -> Result<Tok, RawError> {
    let start = lex.span().start;
    let (tok, end) = scan_number(lex.source(), start, lex.extras)?;
    rescan_to(lex, end);
    Ok(tok?)
}

fn string(lex: &mut logos::Lexer<Raw>) -> Result<Tok, RawError> {
    let span = lex.span();
    let (tok, end) = scan_string(lex.source(), span.start, span.end - 1, lex.extras)?;
    // Past the literal even when it is rejected: lexing goes on after
    // such errors (see `Lexer::next`).
    rescan_to(lex, end);
    Ok(tok?)
}

/// Moves the end of the current token to `end`. The regex may have matched
/// more than the scanner keeps (`.5` when the number scan stops elsewhere is
/// impossible, but keep this general), so only bump forward.
fn rescan_to(lex: &mut logos::Lexer<Raw>, end: usize) {
    let cur = lex.span().end;
    if end > cur {
        lex.bump(end - cur);
    }
}

/// The keyword token for `name`, if it is a (hard) keyword.
pub fn keyword(name: &str) -> Option<Tok> {
    Some(match name {
        "False" => Tok::False,
        "None" => Tok::None,
        "True" => Tok::True,
        "and" => Tok::And,
        "as" => Tok::As,
        "assert" => Tok::Assert,
        "async" => Tok::Async,
        "await" => Tok::Await,
        "break" => Tok::Break,
        "class" => Tok::Class,
        "continue" => Tok::Continue,
        "def" => Tok::Def,
        "del" => Tok::Del,
        "elif" => Tok::Elif,
        "else" => Tok::Else,
        "except" => Tok::Except,
        "finally" => Tok::Finally,
        "for" => Tok::For,
        "from" => Tok::From,
        "global" => Tok::Global,
        "if" => Tok::If,
        "import" => Tok::Import,
        "in" => Tok::In,
        "is" => Tok::Is,
        "lambda" => Tok::Lambda,
        "nonlocal" => Tok::Nonlocal,
        "not" => Tok::Not,
        "or" => Tok::Or,
        "pass" => Tok::Pass,
        "raise" => Tok::Raise,
        "return" => Tok::Return,
        "try" => Tok::Try,
        "while" => Tok::While,
        "with" => Tok::With,
        "yield" => Tok::Yield,
        _ => return None,
    })
}
