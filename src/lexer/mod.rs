//! The lexer: logos tokens plus an indentation layer (NEWLINE / INDENT / DEDENT).

pub mod token;

pub use token::Tok;
