//! The parser: the lalrpop grammar in grammar/aio.lalrpop, and its error mapping.
