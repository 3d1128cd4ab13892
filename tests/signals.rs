//! Programs that send themselves signals (`tests/signals/*.aio`). Signal
//! dispositions belong to the whole process, so unlike `tests/cases` these run
//! in their own `aio` process each, with the virtual clock; stdout, stderr and
//! the exit status are snapshotted. They agree with CPython 3.11 (checked with
//! the compat tool: the same stdout, status and final exception line).

use std::process::Command;

#[test]
fn signal_programs() {
    insta::glob!("signals/*.aio", |path| {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = Command::new(env!("CARGO_BIN_EXE_aio"))
            .args(["--clock", "virtual"])
            .arg(format!("tests/signals/{name}"))
            .output()
            .expect("run aio");
        let text = format!(
            "--- stdout\n{}--- stderr\n{}--- status\n{}\n",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            out.status
                .code()
                .map_or_else(|| "killed by a signal".to_string(), |c| c.to_string())
        );
        insta::assert_snapshot!(text);
    });
}
