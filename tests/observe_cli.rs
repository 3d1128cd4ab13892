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

#[test]
fn debug_flags_turn_on_the_warnings() {
    let program = "import asyncio\n\n\nasync def spin():\n    n = 0\n    for i in range(1000):\n        n += i\n    return n\n\n\nasync def main():\n    print(asyncio.get_running_loop().get_debug(), await spin())\n\nasyncio.run(main())\n";
    std::fs::write(scratch_dir().join("d1.aio"), program).unwrap();
    let plain = aio(&["--clock", "virtual", "d1.aio"]);
    assert_eq!(text(&plain.stdout), "False 499500\n");
    assert_eq!(text(&plain.stderr), "");
    let debug = aio(&["--clock", "virtual", "--debug", "d1.aio"]);
    assert_eq!(text(&debug.stdout), "True 499500\n");
    assert_eq!(text(&debug.stderr), "", "under the default step limit");
    let strict = aio(&["--clock", "virtual", "--debug-step-limit=100", "d1.aio"]);
    assert_eq!(text(&strict.stdout), "True 499500\n");
    let err = text(&strict.stderr);
    assert!(
        err.starts_with("aio debug: Task 'Task-1' ran about ")
            && err.contains(
                "without awaiting (limit 100), blocking the loop (from d1.aio:11 to its end)"
            ),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn sigquit_prints_the_await_tree_and_the_program_goes_on() {
    use std::io::{BufRead, BufReader, Read};
    let program = "import asyncio\n\n\nasync def napper():\n    await asyncio.sleep(3)\n\n\nasync def main():\n    t = asyncio.create_task(napper(), name='napper')\n    print('ready', flush=True)\n    await t\n    print('done')\n\nasyncio.run(main())\n";
    std::fs::write(scratch_dir().join("q1.aio"), program).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .arg("q1.aio")
        .env_remove("AIO_CLOCK")
        .current_dir(scratch_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the aio binary");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "ready\n");
    std::thread::sleep(std::time::Duration::from_millis(200));
    // SAFETY: sending a signal to our own child process.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGQUIT);
    }
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(rest, "done\n");
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(err.starts_with("aio: Ctrl-\\ at t="), "{err}");
    assert!(
        err.contains("Task 'Task-1' waiting on Task 'napper':\n  File \"q1.aio\", line 11, in main\n    await t\n  └─ Task 'napper' waiting on asyncio.sleep (due at t="),
        "{err}"
    );
}
