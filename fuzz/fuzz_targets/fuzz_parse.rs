//! libFuzzer target: the lexer and parser must accept or reject any input
//! without panicking (`cargo +nightly fuzz run fuzz_parse`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let src = aio::source::SourceFile::new("<fuzz>", text.to_string());
        let _ = aio::lexer::dump_tokens(&src);
        let _ = aio::parser::parse_module(&src);
    }
});
