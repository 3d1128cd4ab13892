//! The parser: the lalrpop grammar in grammar/aio.lalrpop, and its error mapping.
//!
//! Source text -> `Lexer` -> `TokenStream` (history, `with (...)` rewrite)
//! -> the generated LR parser, whose actions build the AST (`actions`,
//! `targets`, `fstring`) -> a depth check. A failure goes through `errors`,
//! which words it as CPython 3.11 does.

mod actions;
mod depth;
/// `aio --dump ast`.
pub mod dump;
mod errors;
mod fstring;
mod stream;
mod targets;
#[cfg(test)]
mod tests;

use crate::ast::{Expr, Module, Stmt};
use crate::diag::SyntaxError;
use crate::lexer::{Lexer, Mode};
use crate::source::SourceFile;
use stream::TokenStream;

pub use depth::MAX_DEPTH;
pub use dump::{dump_expr, dump_module};

lalrpop_util::lalrpop_mod!(
    #[allow(
        clippy::all,
        clippy::pedantic,
        unused_imports,
        unused_variables,
        dead_code,
        unused_parens,
        unused_mut
    )]
    grammar,
    "/aio.rs"
);

/// What the grammar's entry rule produces, one variant per mode marker.
pub(crate) enum Top {
    /// `StartFile` file input.
    Module(Vec<Stmt>),
    /// `StartInteractive` one statement (or none).
    Interactive(Vec<Stmt>),
    /// `StartExpr` an expression.
    Expression(Expr),
}

/// Parses a whole file.
pub fn parse_module(src: &SourceFile) -> Result<Module, SyntaxError> {
    match run(&src.text, Mode::File, 0)? {
        Top::Module(body) | Top::Interactive(body) => finish_module(body),
        Top::Expression(_) => Err(SyntaxError::new("invalid syntax", Default::default())),
    }
}

/// Parses one REPL input: a line of simple statements or one compound
/// statement (possibly several lines), or nothing.
pub fn parse_interactive(text: &str) -> Result<Module, SyntaxError> {
    match run(text, Mode::Interactive, 0)? {
        Top::Module(body) | Top::Interactive(body) => finish_module(body),
        Top::Expression(_) => Err(SyntaxError::new("invalid syntax", Default::default())),
    }
}

/// Parses an expression (eval input) that sits at `base_offset` in its file.
pub fn parse_expression(text: &str, base_offset: usize) -> Result<Expr, SyntaxError> {
    match run(text, Mode::Expr, base_offset)? {
        Top::Expression(e) => {
            depth::check_expr(&e)?;
            Ok(e)
        }
        _ => Err(SyntaxError::new("invalid syntax", Default::default())),
    }
}

fn finish_module(body: Vec<Stmt>) -> Result<Module, SyntaxError> {
    depth::check_stmts(&body)?;
    Ok(Module { body })
}

/// An f-string field: parsed like an expression, errors prefixed as CPython
/// 3.11 prefixes them.
pub(crate) fn parse_field(text: &str, base_offset: usize) -> Result<Expr, SyntaxError> {
    match run(text, Mode::Expr, base_offset) {
        Ok(Top::Expression(e)) => Ok(e),
        Ok(_) => Err(SyntaxError::new(
            "f-string: invalid syntax",
            Default::default(),
        )),
        Err(mut e) => {
            if !e.msg.starts_with("f-string") {
                e.msg = format!("f-string: {}", e.msg);
            }
            Err(e)
        }
    }
}

fn run(text: &str, mode: Mode, base_offset: usize) -> Result<Top, SyntaxError> {
    let mut stream = TokenStream::new(Lexer::new(text, mode, base_offset));
    let result = grammar::TopParser::new().parse(&mut stream);
    result.map_err(|e| errors::convert(e, &mut stream, text, base_offset))
}
