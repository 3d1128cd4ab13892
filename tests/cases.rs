//! Program tests: every `tests/cases/**/*.aio` is a real program, run in-process
//! with virtual time, from the crate root with `sys.argv[0]` set to its path
//! (so sibling imports resolve next to the file).
//!
//! - `cases`: each program's stdout, stderr and exit status are snapshotted
//!   together (`tests/snapshots/cases/cases@<area>__<name>.aio.snap`).
//!   Memory addresses are masked in the snapshot text only, and so are the line
//!   numbers of traceback entries inside aio's own library modules
//!   (`File "<aio asyncio>", line …`), which move whenever the library changes.
//! - `cpython_agreement`: when python3 is CPython 3.11, the same programs run
//!   under CPython with a virtual clock (`tests/support/pyref.py`), and aio must
//!   print the same stdout, exit with the same status and leave the same stderr
//!   digest: the never-awaited-coroutine warnings in order and the final
//!   exception line (a deadlock, status 3, matches whatever the wording). So a
//!   snapshot can never freeze an answer CPython would not give. A file whose
//!   first line starts with `# aio-only` tests behaviour CPython lacks
//!   (deadlock reports, tracing) and is exempt from this check.
//!
//! Each program gets its own thread and `LIMIT` of wall time; one that hangs is
//! reported by name instead of hanging the suite.

use aio::runtime::trace::{TraceOptions, TraceTarget};
use aio::source::SourceFile;
use aio::{Captured, ClockMode, RunOptions};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::Duration;

/// Wall time allowed for one program (debug builds are slow; the programs are small).
const LIMIT: Duration = Duration::from_secs(30);

/// The corpus folder, relative to the crate root (the tests' working directory).
const CASES_DIR: &str = "tests/cases";

/// The example programs a newcomer runs first: snapshotted and checked the same way.
const SCRIPTS_DIR: &str = "scripts";

/// How one aio run ended.
#[derive(Debug, Clone)]
enum Outcome {
    Done(Captured),
    /// Timed out or panicked: never snapshotted, always a failure.
    Broken(String),
}

/// Every corpus program as a path relative to the crate root, sorted.
fn case_files() -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("read a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "aio") {
                out.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut files = Vec::new();
    walk(Path::new(CASES_DIR), &mut files);
    walk(Path::new(SCRIPTS_DIR), &mut files);
    files.sort();
    files
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(rel).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// `# aio-only: trace` (or `trace timeline`) on the first line: run with the
/// task-event trace going to stdout, among the program's own lines.
fn trace_directive(text: &str) -> Option<TraceOptions> {
    let first = text.lines().next()?;
    let rest = first.strip_prefix("# aio-only: trace")?;
    Some(TraceOptions {
        target: TraceTarget::Stdout,
        timeline: rest.trim_start().starts_with("timeline"),
    })
}

/// `# aio-only: debug` (optionally `step-limit=N`) on the first line: run in
/// debug mode.
fn debug_directive(text: &str) -> Option<Option<u64>> {
    let first = text.lines().next()?;
    let rest = first.strip_prefix("# aio-only: debug")?;
    Some(
        rest.split_whitespace()
            .find_map(|w| w.strip_prefix("step-limit=")?.parse().ok()),
    )
}

/// Marks programs that test behaviour CPython does not have.
fn is_aio_only(text: &str) -> bool {
    text.lines()
        .next()
        .is_some_and(|l| l.starts_with("# aio-only"))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".into()
    }
}

/// Runs one program in-process on its own thread, giving up after `LIMIT`.
fn run_aio(rel: &str) -> Outcome {
    let text = read(rel);
    let trace = trace_directive(&text);
    let debug = debug_directive(&text);
    let name = rel.to_string();
    let (tx, rx) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(name.clone())
        .stack_size(256 << 20)
        .spawn(move || {
            let src = SourceFile::new(name.clone(), text);
            let opts = RunOptions {
                clock: ClockMode::Virtual,
                argv: vec![name],
                trace,
                debug: debug.is_some(),
                debug_step_limit: debug.flatten(),
                ..Default::default()
            };
            let run = panic::catch_unwind(AssertUnwindSafe(|| aio::run_captured(&src, &opts)));
            let _ = tx.send(run.map_err(|payload| panic_message(&*payload)));
        });
    if let Err(e) = spawned {
        return Outcome::Broken(format!("cannot start a thread: {e}"));
    }
    match rx.recv_timeout(LIMIT) {
        Ok(Ok(captured)) => Outcome::Done(captured),
        Ok(Err(message)) => Outcome::Broken(format!("aio panicked: {message}")),
        // The thread is left running; the test process ends without it.
        Err(RecvTimeoutError::Timeout) => {
            Outcome::Broken(format!("aio did not finish within {} s", LIMIT.as_secs()))
        }
        Err(RecvTimeoutError::Disconnected) => Outcome::Broken("aio's thread died".into()),
    }
}

/// aio's outcome for every program, computed once (in parallel) for both tests.
fn outcomes() -> &'static BTreeMap<String, Outcome> {
    static OUTCOMES: OnceLock<BTreeMap<String, Outcome>> = OnceLock::new();
    OUTCOMES.get_or_init(|| {
        let files = case_files();
        let next = AtomicUsize::new(0);
        let results = Mutex::new(BTreeMap::new());
        let workers = thread::available_parallelism()
            .map_or(2, |n| n.get())
            .max(2);
        thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(rel) = files.get(i) else { break };
                    let outcome = run_aio(rel);
                    results.lock().unwrap().insert(rel.clone(), outcome);
                });
            }
        });
        results.into_inner().unwrap()
    })
}

/// Replaces object addresses (`at 0x7f3a...`, long `0x...` numbers) with `0x…`.
fn mask_addresses(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i + 2 < bytes.len() {
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if starts_word && bytes[i] == b'0' && bytes[i + 1] == b'x' {
            let digits = bytes[i + 2..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            let after_at = text[..i].ends_with("at ");
            if digits > 0 && (after_at || digits >= 9) {
                out.push_str(&text[copied..i]);
                out.push_str("0x…");
                i += 2 + digits;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
    out
}

/// One stream as a snapshot section; a missing final newline is marked.
fn section(title: &str, body: &str) -> String {
    let mut s = format!("--- {title}\n{body}");
    if !body.is_empty() && !body.ends_with('\n') {
        s.push_str("\n(no newline at end)\n");
    }
    s
}

fn snapshot_text(c: &Captured) -> String {
    let text = format!(
        "{}{}--- status\n{}\n",
        section("stdout", &c.stdout),
        section("stderr", &c.stderr),
        c.status
    );
    mask_library_lines(&mask_addresses(&text))
}

/// `  File "<aio NAME>", line 123, in f` -> `  File "<aio NAME>", line …, in f`.
fn mask_library_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        // Exception groups draw their tracebacks behind a `|` margin.
        let masked = line
            .trim_start_matches([' ', '|'])
            .starts_with("File \"<aio ")
            .then(|| line.find("\", line ").map(|at| (at, line)))
            .flatten()
            .map(|(at, line)| {
                let start = at + "\", line ".len();
                let digits = line[start..].bytes().take_while(u8::is_ascii_digit).count();
                format!("{}…{}", &line[..start], &line[start + digits..])
            });
        out.push_str(masked.as_deref().unwrap_or(line));
    }
    out
}

#[test]
fn cases() {
    let outcomes = outcomes();
    let mut broken = Vec::new();
    // Said now as well: a snapshot mismatch below ends the test before the final assert.
    for (rel, outcome) in outcomes {
        if let Outcome::Broken(why) = outcome {
            eprintln!("{rel}: {why}");
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(root.join("tests/snapshots/cases"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| {
        insta::glob!("cases/**/*.aio", |path| {
            let rel = path.strip_prefix(root).unwrap_or(path);
            let rel = rel.to_string_lossy().replace('\\', "/");
            match outcomes.get(&rel) {
                Some(Outcome::Done(c)) => insta::assert_snapshot!(snapshot_text(c)),
                Some(Outcome::Broken(why)) => broken.push(format!("{rel}: {why}")),
                None => broken.push(format!("{rel}: not run")),
            }
        });
        for (rel, outcome) in outcomes.iter() {
            let Some(name) = rel.strip_prefix("scripts/") else {
                continue;
            };
            match outcome {
                Outcome::Done(c) => {
                    insta::assert_snapshot!(format!("scripts__{name}"), snapshot_text(c))
                }
                Outcome::Broken(why) => broken.push(format!("{rel}: {why}")),
            }
        }
    });
    assert!(
        broken.is_empty(),
        "programs that did not finish:\n{}",
        broken.join("\n")
    );
}

// ------------------------------------------------------------ CPython agreement

/// A CPython 3.11 interpreter, or why there is none (error wording changes between versions).
fn python311() -> Result<&'static str, String> {
    let mut seen = Vec::new();
    for candidate in ["python3", "python3.11"] {
        let Ok(out) = Command::new(candidate).arg("--version").output() else {
            seen.push(format!("{candidate}: not found"));
            continue;
        };
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if version.starts_with("Python 3.11.") {
            return Ok(candidate);
        }
        seen.push(format!("{candidate}: {version}"));
    }
    Err(seen.join(", "))
}

/// One CPython run as the batch runner reports it.
struct Reference {
    status: i32,
    stdout: Vec<u8>,
    stderr: String,
}

/// Parses `@@ STATUS OUT_LEN ERR_LEN PATH\n` + bytes, repeated.
fn parse_batch(mut raw: &[u8]) -> Result<BTreeMap<String, Reference>, String> {
    let mut runs = BTreeMap::new();
    while !raw.is_empty() {
        let nl = raw
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("a header without a newline")?;
        let header = String::from_utf8_lossy(&raw[..nl]).into_owned();
        let mut parts = header.splitn(5, ' ');
        let bad = || format!("bad header {header:?}");
        if parts.next() != Some("@@") {
            return Err(bad());
        }
        let mut number = || -> Result<usize, String> {
            parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)
        };
        let (status, out_len, err_len) = (number()?, number()?, number()?);
        let path = parts.next().ok_or_else(bad)?.to_string();
        let body = &raw[nl + 1..];
        if body.len() < out_len + err_len {
            return Err(format!("{path}: output cut short"));
        }
        let stdout = body[..out_len].to_vec();
        let stderr = String::from_utf8_lossy(&body[out_len..out_len + err_len]).into_owned();
        runs.insert(
            path,
            Reference {
                status: status as i32,
                stdout,
                stderr,
            },
        );
        raw = &body[out_len + err_len..];
    }
    Ok(runs)
}

/// `RuntimeWarning: coroutine 'NAME' was never awaited`, found anywhere in a line.
fn never_awaited(line: &str) -> Option<&str> {
    const HEAD: &str = "RuntimeWarning: coroutine '";
    const TAIL: &str = "' was never awaited";
    let start = line.find(HEAD)?;
    let name_start = start + HEAD.len();
    let quote = line[name_start..].find('\'')? + name_start;
    line[quote..]
        .starts_with(TAIL)
        .then(|| &line[start..quote + TAIL.len()])
}

/// `Name` or `Name: message` with a dotted identifier for Name.
fn is_exception_line(line: &str) -> bool {
    let name = line.split_once(": ").map_or(line, |(name, _)| name);
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
}

/// What of stderr must agree: never-awaited warnings in order, then the final
/// exception line; a deadlock (status 3) is only that.
fn digest(stderr: &str, status: i32) -> Vec<String> {
    if status == 3 {
        return vec!["<deadlock>".into()];
    }
    let lines: Vec<&str> = stderr.lines().collect();
    let mut out: Vec<String> = lines
        .iter()
        .filter_map(|l| never_awaited(l))
        .map(str::to_string)
        .collect();
    for line in lines.iter().rev() {
        if line.starts_with("RuntimeWarning: Enable tracemalloc") || never_awaited(line).is_some() {
            continue;
        }
        if is_exception_line(line) && !line.starts_with(' ') {
            out.push(line.to_string());
            break;
        }
    }
    out
}

/// Why aio's run disagrees with CPython's, or `None`.
fn disagreement(rel: &str, want: &Reference, got: &Outcome) -> Option<String> {
    let got = match got {
        Outcome::Done(c) => c,
        Outcome::Broken(why) => return Some(format!("{rel}: {why}")),
    };
    let (dw, dg) = (
        digest(&want.stderr, want.status),
        digest(&got.stderr, got.status),
    );
    let mut why = Vec::new();
    if want.stdout != got.stdout.as_bytes() {
        why.push("stdout differs".to_string());
    }
    if want.status != got.status {
        why.push(format!(
            "exit status {}, CPython's {}",
            got.status, want.status
        ));
    }
    if dw != dg {
        why.push("stderr digest differs".to_string());
    }
    if why.is_empty() {
        return None;
    }
    let want_out = String::from_utf8_lossy(&want.stdout);
    let diff = similar::TextDiff::from_lines(want_out.as_ref(), got.stdout.as_str())
        .unified_diff()
        .context_radius(2)
        .header("cpython", "aio")
        .to_string();
    let mut diff: Vec<&str> = diff.lines().collect();
    if diff.len() > 60 {
        diff.truncate(60);
        diff.push("...");
    }
    Some(format!(
        "{rel}: {}\n{}\n  cpython stderr digest: {dw:?}\n  aio stderr digest:     {dg:?}\n",
        why.join(", "),
        diff.join("\n")
    ))
}

#[test]
fn cpython_agreement() {
    let python = match python311() {
        Ok(python) => python,
        Err(why) => {
            eprintln!("skipping the CPython agreement check: no CPython 3.11 ({why})");
            return;
        }
    };
    let files: Vec<String> = case_files()
        .into_iter()
        .filter(|f| !is_aio_only(&read(f)))
        .collect();
    let child = Command::new(python)
        .arg("tests/support/pyref.py")
        .arg("--batch")
        .args(&files)
        .env("PYTHONHASHSEED", "0")
        .env("PYTHONUTF8", "1")
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tests/support/pyref.py");
    // aio runs meanwhile, on the other threads
    let outcomes = outcomes();
    let out = child
        .wait_with_output()
        .expect("run tests/support/pyref.py");
    assert!(
        out.status.success(),
        "tests/support/pyref.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reference = parse_batch(&out.stdout).expect("parse pyref.py's output");
    let mut failures = Vec::new();
    for rel in &files {
        let Some(want) = reference.get(rel) else {
            failures.push(format!("{rel}: CPython did not report it"));
            continue;
        };
        if let Some(why) = disagreement(rel, want, &outcomes[rel]) {
            failures.push(why);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs disagree with CPython 3.11:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn digest_and_masking() {
    let stderr = "x.aio:3: RuntimeWarning: coroutine 'f' was never awaited\n  f()\n\
                  RuntimeWarning: Enable tracemalloc to get the object allocation traceback\n\
                  Traceback (most recent call last):\n  File \"x.aio\", line 4\n\
                  ValueError: boom\n";
    assert_eq!(
        digest(stderr, 1),
        [
            "RuntimeWarning: coroutine 'f' was never awaited",
            "ValueError: boom"
        ]
    );
    assert_eq!(digest("anything", 3), ["<deadlock>"]);
    assert_eq!(
        mask_addresses("<A object at 0x7f3a00c1> 0xff 0x7fa80c9a40b0 ax0x1"),
        "<A object at 0x…> 0xff 0x… ax0x1"
    );
    assert_eq!(
        mask_library_lines(
            "  File \"<aio asyncio>\", line 1308, in run\n  File \"t.aio\", line 3, in f\n"
        ),
        "  File \"<aio asyncio>\", line …, in run\n  File \"t.aio\", line 3, in f\n"
    );
    assert_eq!(
        mask_library_lines("  |   File \"<aio asyncio>\", line 12, in __aexit__\n"),
        "  |   File \"<aio asyncio>\", line …, in __aexit__\n"
    );
}
