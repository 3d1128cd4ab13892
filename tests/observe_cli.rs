//! The observation flags of the command line (`--trace`, `--debug`), run as a
//! separate process.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn scratch_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("observe_cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn aio(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aio"))
        .args(args)
        .env_remove("AIO_CLOCK")
        .current_dir(scratch_dir())
        .stdin(Stdio::null())
        .output()
        .expect("run the aio binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PROGRAM: &str = "import asyncio, sys\n\n\nasync def child():\n    await asyncio.sleep(1)\n    return 7\n\n\nasync def main():\n    print(await asyncio.create_task(child(), name='kid'), sys.argv[1:])\n\nasyncio.run(main())\n";

#[test]
fn trace_goes_to_stderr_and_leaves_stdout_alone() {
    std::fs::write(scratch_dir().join("t1.aio"), PROGRAM).unwrap();
    let plain = aio(&["--clock", "virtual", "t1.aio"]);
    let traced = aio(&["--clock", "virtual", "--trace", "t1.aio", "--trace"]);
    assert_eq!(text(&plain.stdout), "7 []\n");
    // After FILE, `--trace` belongs to the program.
    assert_eq!(text(&traced.stdout), "7 ['--trace']\n");
    let err = text(&traced.stderr);
    assert!(
        err.contains("   0.000  Task 'kid' created by Task 'Task-1'\n"),
        "{err}"
    );
    assert!(
        err.contains("   1.000  Task 'kid' done, returned 7\n"),
        "{err}"
    );
    assert!(
        !err.contains("    time  "),
        "no chart without =timeline: {err}"
    );
}

#[test]
fn trace_to_a_file_and_the_timeline_chart() {
    std::fs::write(scratch_dir().join("t2.aio"), PROGRAM).unwrap();
    let _ = std::fs::remove_file(scratch_dir().join("t2.trace"));
    let to_file = aio(&["--clock", "virtual", "--trace=t2.trace", "t2.aio"]);
    assert_eq!(text(&to_file.stdout), "7 []\n");
    assert_eq!(text(&to_file.stderr), "");
    let written = std::fs::read_to_string(scratch_dir().join("t2.trace")).unwrap();
    let on_stderr = aio(&["--clock", "virtual", "--trace", "t2.aio"]);
    assert_eq!(written, text(&on_stderr.stderr));
    let chart = aio(&["--clock", "virtual", "--trace=timeline", "t2.aio"]);
    let err = text(&chart.stderr);
    assert!(err.starts_with(&written), "{err}");
    assert!(err.contains("\n    time  Task-1    kid\n"), "{err}");
}
