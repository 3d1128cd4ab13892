//! Bytecode: the instruction set, code objects and the disassembler.

pub mod code;
pub mod disasm;
pub mod op;
pub mod stack;

pub use code::{Code, CodeFlags, CodeKind};
pub use op::Op;
