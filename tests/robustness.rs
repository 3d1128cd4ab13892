//! Hostile inputs: programs nested far too deep, values far too big, and output
//! into a closed pipe end with a Python exception (or CPython's SyntaxError) and
//! a normal exit status, never with a crash, an abort or a stack overflow.

use std::io::{Read, Write};
use std::process::{Command, Output, Stdio};

fn run(program: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .args(["--clock=virtual", "--max-time=60", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aio");
    let _ = child.stdin.take().unwrap().write_all(program.as_bytes());
    child.wait_with_output().expect("wait for aio")
}

/// Runs `program` and checks it ends with status 1 and `last` as stderr's last line.
fn fails_with(program: &str, last: &str) {
    let out = run(program);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert_eq!(err.lines().last().unwrap_or(""), last);
}

#[test]
fn deep_expressions_are_syntax_errors() {
    let cases = [
        format!("x = {}1", "-".repeat(100_000)),
        format!("x = {}1", "1 + ".repeat(100_000)),
        format!("x = {}1", "not ".repeat(100_000)),
        format!("x = a{}", ".b".repeat(100_000)),
        format!("x = a{}", "[0]".repeat(10_000)),
        format!("x = {}1", "lambda: ".repeat(1_000)),
        format!("x = {}", "1 if 1 else ".repeat(100_000) + "1"),
    ];
    for prog in &cases {
        fails_with(prog, "SyntaxError: too many nested expressions");
    }
}

#[test]
fn deep_brackets_are_cpythons_syntax_error() {
    for (open, close) in [("(", ")"), ("[", "]"), ("{", "}"), ("f(", ")")] {
        let prog = format!("x = {}1{}", open.repeat(1000), close.repeat(1000));
        fails_with(&prog, "SyntaxError: too many nested parentheses");
    }
}

#[test]
fn deep_blocks_are_cpythons_indentation_error() {
    for header in ["if True:", "def f():", "while x:", "with a:", "try:"] {
        let prog: String = (0..1000)
            .map(|i| format!("{}{header}\n", " ".repeat(i)))
            .collect();
        fails_with(&prog, "IndentationError: too many levels of indentation");
    }
}

#[test]
fn deeply_nested_values_raise_recursion_error() {
    let build =
        "l = []\nm = []\nt = ()\nfor i in range(100000):\n    l = [l]\n    m = [m]\n    t = (t,)\n";
    for (expr, msg) in [
        ("repr(l)", "while getting the repr of an object"),
        ("l == m", "in comparison"),
        ("l < m", "in comparison"),
    ] {
        let prog = format!("{build}{expr}\n");
        fails_with(
            &prog,
            &format!("RecursionError: maximum recursion depth exceeded {msg}"),
        );
    }
}

#[test]
fn deeply_nested_tuples_hash_like_cpython() {
    // CPython hashes 100,000 levels without complaint; so does aio.
    let prog = "t = ()\nfor i in range(100000):\n    t = (t,)\nprint(hash(t) == hash(t))\n";
    let out = run(prog);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "True\n");
}

#[test]
fn huge_exponents_fail_fast() {
    fails_with("10 ** 10 ** 10\n", "OverflowError: exponent too large");
    fails_with("x = 1 << 10 ** 12\n", "MemoryError");
}

#[test]
fn closed_stdout_pipe_ends_the_program_like_cpython() {
    // `aio prog | head -1`: the reader goes away; print raises BrokenPipeError and
    // the program ends (it used to loop for ever, writing nowhere).
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .args(["-c", "i = 0\nwhile True:\n    print(i)\n    i += 1\n"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aio");
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 2];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"0\n");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(
        err.lines().last(),
        Some("BrokenPipeError: [Errno 32] Broken pipe")
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn closed_stdout_pipe_after_the_last_print_is_quiet() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .args([
            "-c",
            "import sys\ndata = sys.stdin.read()\nprint('x' * 100000)\n",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aio");
    drop(child.stdout.take());
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "killed: {:?}",
        out.status
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
}

#[test]
fn fuzz_found_property_new_on_tuple_subclass_does_not_overflow() {
    // Found by fuzz/ (mutate): a property named __new__ on a tuple subclass left an
    // instance without its tuple, whose inherited __iter__ called itself natively
    // until the Rust stack overflowed. Now the native nesting is bounded.
    let prog = "\
class Point(tuple):
    @property
    def __new__(cls, x, y):
        return self[0]
p = Point(3, 4)
x, y = p
";
    let out = run(prog);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("overflow"), "{err}");
    assert!(
        err.lines()
            .last()
            .unwrap_or("")
            .ends_with("Error: maximum recursion depth exceeded")
            || err.contains("TypeError"),
        "{err}"
    );
}
