//! libFuzzer target: run the program under virtual time with an instruction
//! budget, output discarded (`cargo +nightly fuzz run fuzz_run`). Only a panic,
//! an abort or a stack overflow is a finding; Python exceptions are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if aio_fuzz_guard::unsafe_program(text) {
            return;
        }
        let src = aio::source::SourceFile::new("<fuzz>", text.to_string());
        let opts = aio::RunOptions {
            clock: aio::ClockMode::Virtual,
            argv: vec!["<fuzz>".into()],
            limits: aio::vm::limits::Limits {
                max_instructions: Some(200_000),
                ..Default::default()
            },
            // Nothing outside the interpreter, whatever the program says.
            sandbox: Some(aio::vm::sandbox::Sandbox::default()),
            ..Default::default()
        };
        let _ = aio::run_captured(&src, &opts);
    }
});

#[path = "../src/guard.rs"]
mod aio_fuzz_guard;
