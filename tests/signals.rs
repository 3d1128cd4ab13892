//! Programs that send themselves signals (`tests/signals/*.aio`). Signal
//! dispositions belong to the whole process, so unlike `tests/cases` these run
//! in their own `aio` process each, with the virtual clock; stdout, stderr and
//! the exit status are snapshotted (library line numbers masked, as in
//! tests/cases.rs). They agree with CPython 3.11 (checked with
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
        insta::assert_snapshot!(mask_library_lines(&text));
    });
}

/// Traceback entries inside aio's own library modules keep their file name but
/// not their line number, which moves whenever the library changes.
fn mask_library_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        match line
            .find("File \"<aio ")
            .and_then(|_| line.find("\", line "))
        {
            Some(at) => {
                let start = at + "\", line ".len();
                let digits = line[start..].bytes().take_while(u8::is_ascii_digit).count();
                out.push_str(&line[..start]);
                out.push('…');
                out.push_str(&line[start + digits..]);
            }
            None => out.push_str(line),
        }
    }
    out
}
