//! aio: an async scripting language with Python's syntax and asyncio's semantics.
//!
//! The pipeline: source -> tokens (`lexer`) -> AST (`parser`, `ast`) -> bytecode
//! (`compiler`, `bytecode`) -> a stackless VM (`vm`) driven by a scheduler (`runtime`).

pub mod ast;
pub mod diag;
pub mod lexer;
pub mod parser;
pub mod source;
