//! libFuzzer target: whatever parses must compile or give a SyntaxError, without
//! panicking (`cargo +nightly fuzz run fuzz_compile`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let src = aio::source::SourceFile::new("<fuzz>", text.to_string());
        let _ = aio::dump_code(&src);
    }
});
