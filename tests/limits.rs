//! Resource limits of the `aio` command: `--max-instructions`, `--max-time` and
//! `--max-memory` stop a runaway script with a message naming the limit and
//! exit status 4, and a script cannot catch the stop and carry on.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `aio FLAGS -` with `program` on standard input.
fn run(flags: &[&str], program: &str) -> Output {
    // A backstop, so that a regression fails instead of hanging the suite.
    let backstop: &[&str] = if flags.iter().any(|f| f.starts_with("--max-time")) {
        &[]
    } else {
        &["--max-time=120"]
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .args(backstop)
        .args(flags)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aio");
    // aio may exit (a usage error) before it reads the program.
    let _ = child.stdin.take().unwrap().write_all(program.as_bytes());
    child.wait_with_output().expect("wait for aio")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The last line of stderr: the limit's report.
fn last_line(out: &Output) -> String {
    text(&out.stderr).lines().last().unwrap_or("").to_string()
}

const SPIN_CATCHING: &str = "\
n = 0
while True:
    try:
        n += 1
    except BaseException:
        print('caught')
    finally:
        pass
";

#[test]
fn instruction_limit_stops_a_loop_that_catches_everything() {
    let out = run(&["--max-instructions=100000"], SPIN_CATCHING);
    assert_eq!(out.status.code(), Some(4), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "", "no handler may run");
    assert_eq!(
        last_line(&out),
        "aio.ResourceLimitExceeded: instruction limit exceeded: the script ran more than \
         100000 instructions (--max-instructions=100000)"
    );
    // The traceback says where the script was stopped.
    assert!(text(&out.stderr).contains("line 2, in <module>"));
}

#[test]
fn instruction_limit_takes_a_separate_value_and_spares_short_programs() {
    let out = run(
        &["--max-instructions", "100000"],
        "print(sum(i * i for i in range(100)))\n",
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "328350\n");
}

#[test]
fn instruction_limit_counts_every_instruction() {
    // Output before the stop is kept; the loop gets no further than the budget.
    let prog = "i = 0\nwhile True:\n    i += 1\n    if i % 1000 == 0:\n        print(i)\n";
    let out = run(&["--max-instructions=20000"], prog);
    assert_eq!(out.status.code(), Some(4));
    let printed: Vec<u64> = text(&out.stdout)
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    // Each iteration takes several instructions: far fewer than 20,000 iterations.
    let last = *printed.last().expect("some output");
    assert!((1000..20000).contains(&last), "{printed:?}");
}

#[test]
fn instruction_limit_stops_recursion_that_catches_recursion_error() {
    let prog = "\
def f(n):
    try:
        return f(n + 1) + f(n + 1)
    except BaseException:
        return f(0)
f(0)
";
    let out = run(&["--max-instructions=200000"], prog);
    assert_eq!(out.status.code(), Some(4));
    assert!(last_line(&out).contains("instruction limit exceeded"));
    // Only where it stopped, not the chain of exceptions being handled.
    assert!(!text(&out.stderr).contains("During handling"));
}

#[test]
fn instruction_limit_stops_every_task() {
    let prog = "\
import asyncio
async def spin():
    while True:
        try:
            await asyncio.sleep(0)
        except BaseException:
            pass
async def main():
    await asyncio.gather(*(spin() for _ in range(5)))
asyncio.run(main())
";
    let out = run(&["--clock=virtual", "--max-instructions=100000"], prog);
    assert_eq!(out.status.code(), Some(4));
    let err = text(&out.stderr);
    assert!(
        last_line(&out).contains("--max-instructions=100000"),
        "{err}"
    );
    // Nothing else is reported: no callback errors, no deadlock.
    assert!(
        !err.contains("deadlock") && !err.contains("Exception in callback"),
        "{err}"
    );
}

#[test]
fn time_limit_stops_a_busy_loop() {
    let start = Instant::now();
    let out = run(&["--max-time=0.5"], SPIN_CATCHING);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(
        last_line(&out),
        "aio.ResourceLimitExceeded: time limit exceeded: the script ran longer than 0.5 \
         seconds (--max-time=0.5)"
    );
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn time_limit_is_wall_time_and_ends_a_sleep() {
    let prog = "import asyncio\nprint('start', flush=True)\nasyncio.run(asyncio.sleep(60))\n";
    let start = Instant::now();
    let out = run(&["--max-time=0.3"], prog);
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(text(&out.stdout), "start\n");
    // The loop notices the deadline itself when it wakes (an exception with a
    // traceback), or the watchdog ends the process: both say the same.
    let last = last_line(&out);
    assert!(
        last == "aio: time limit exceeded: the script ran longer than 0.3 seconds (--max-time=0.3)"
            || last
                == "aio.ResourceLimitExceeded: time limit exceeded: the script ran longer than \
                    0.3 seconds (--max-time=0.3)",
        "{last}"
    );
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn memory_limit_stops_a_growing_list() {
    let prog = "xs = []\nwhile True:\n    xs.append('x' * 1000 + str(len(xs)))\n";
    let out = run(&["--max-memory=64M"], prog);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        last_line(&out).contains(
            "memory limit exceeded: the script allocated more than 64M (--max-memory=64M)"
        ),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn memory_limit_leaves_room_for_ordinary_programs() {
    let prog = "xs = [str(i) for i in range(10000)]\nprint(len(''.join(xs)))\n";
    let out = run(&["--max-memory=64M"], prog);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "38890\n");
}

#[test]
fn bad_limit_values_are_usage_errors() {
    for flag in [
        "--max-memory=12Q",
        "--max-memory=0",
        "--max-time=-1",
        "--max-time=soon",
        "--max-instructions=-5",
    ] {
        let out = run(&[flag], "pass\n");
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(text(&out.stderr).contains("invalid value"), "{flag}");
    }
}

#[test]
fn instruction_limit_stops_a_loop_that_only_waits() {
    // A task asleep until float('inf') under the virtual clock: the loop advances
    // time a day per iteration and runs no bytecode; each iteration counts.
    let prog = "\
import asyncio
async def main():
    await asyncio.sleep(float('inf'))
    print('woke')
asyncio.run(main())
";
    let out = run(&["--clock=virtual", "--max-instructions=100000"], prog);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        last_line(&out).contains("--max-instructions=100000"),
        "{}",
        text(&out.stderr)
    );
}
