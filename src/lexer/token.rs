//! The tokens the grammar consumes, after the indentation layer.

use num_bigint::BigInt;
use std::fmt;

/// One token of the parser's input. Spans travel beside it as `(start, tok, end)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    // Mode markers: the first token of every token stream, choosing the entry
    // rule of the one parse table.
    /// Parse a whole file.
    StartFile,
    /// Parse one interactive input (the REPL).
    StartInteractive,
    /// Parse a single expression (eval, f-string fields).
    StartExpr,

    // Layout.
    /// End of a logical line.
    Newline,
    /// The indentation level grew.
    Indent,
    /// The indentation level shrank by one.
    Dedent,

    // Atoms.
    /// An identifier (keywords have their own tokens; `match`, `case`, `type` are names).
    Name(String),
    /// An integer literal (any base, underscores removed).
    Int(BigInt),
    /// A float literal.
    Float(f64),
    /// A string literal with escapes decoded (raw strings kept as written).
    Str(String),
    /// A bytes literal with escapes decoded.
    Bytes(Vec<u8>),
    /// An f-string: `body` is the text between the quotes, not yet decoded;
    /// `body_offset` is the byte offset of `body` in the source, so that the
    /// parser can give nested expressions their true spans.
    FStr {
        raw: bool,
        body: String,
        body_offset: u32,
    },

    // Keywords.
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,

    // Operators and delimiters.
    /// `+`
    Plus,
    /// `-`
    Minus,
    /// `*`
    Star,
    /// `**`
    DoubleStar,
    /// `/`
    Slash,
    /// `//`
    DoubleSlash,
    /// `%`
    Percent,
    /// `@`
    At,
    /// `<<`
    LeftShift,
    /// `>>`
    RightShift,
    /// `&`
    Amper,
    /// `|`
    Vbar,
    /// `^`
    Circumflex,
    /// `~`
    Tilde,
    /// `:=`
    ColonEqual,
    /// `<`
    Less,
    /// `>`
    Greater,
    /// `<=`
    LessEqual,
    /// `>=`
    GreaterEqual,
    /// `==`
    EqEqual,
    /// `!=`
    NotEqual,
    /// `(`
    Lpar,
    /// `)`
    Rpar,
    /// `[`
    Lsqb,
    /// `]`
    Rsqb,
    /// `{`
    Lbrace,
    /// `}`
    Rbrace,
    /// `,`
    Comma,
    /// `:`
    Colon,
    /// `.`
    Dot,
    /// `...`
    Ellipsis,
    /// `;`
    Semi,
    /// `=`
    Equal,
    /// `->`
    Rarrow,
    /// `+=`
    PlusEqual,
    /// `-=`
    MinusEqual,
    /// `*=`
    StarEqual,
    /// `/=`
    SlashEqual,
    /// `//=`
    DoubleSlashEqual,
    /// `%=`
    PercentEqual,
    /// `@=`
    AtEqual,
    /// `&=`
    AmperEqual,
    /// `|=`
    VbarEqual,
    /// `^=`
    CircumflexEqual,
    /// `<<=`
    LeftShiftEqual,
    /// `>>=`
    RightShiftEqual,
    /// `**=`
    DoubleStarEqual,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Name(s) => write!(f, "Name({s})"),
            Tok::Int(i) => write!(f, "Int({i})"),
            Tok::Float(x) => write!(f, "Float({x:?})"),
            Tok::Str(s) => write!(f, "Str({s:?})"),
            Tok::Bytes(b) => write!(f, "Bytes({:?})", String::from_utf8_lossy(b)),
            Tok::FStr { raw, body, .. } => write!(f, "FStr(raw={raw}, {body:?})"),
            other => write!(f, "{other:?}"),
        }
    }
}
