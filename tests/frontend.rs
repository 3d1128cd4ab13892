//! Front-end tests: the lexer and parser against a corpus, against CPython,
//! and the `aio` command line.
//!
//! - `tests/parse/*.aio`: valid programs; their `--dump ast` is snapshotted.
//!   tests/parse/README.md lists which file covers which construct.
//! - `tests/syntax_errors/*.aio`: one mistake each; the rendered error is snapshotted.
//! - Both folders are also parsed by CPython 3.11 (when it is installed), and
//!   aio must agree: accept the same files; for rejected ones, report the same
//!   final line (`SyntaxError: ...`) at the same line number; for accepted
//!   ones, build a tree with the same nodes at the same places (the kind and
//!   span of every node, as `--dump ast` prints them). A file whose first line
//!   starts with `# aio-only` tests a deliberate difference and is exempt
//!   from that comparison, though still snapshotted.
//!
//! Review new snapshots by eye before accepting them (`cargo insta review`, or
//! `INSTA_UPDATE=always cargo test` and read the .snap files): a snapshot must
//! never freeze a wrong tree or a message CPython would not print.

use aio::source::SourceFile;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Reads a corpus file, named as in its folder so snapshots do not depend on the checkout.
fn load(path: &Path) -> SourceFile {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    SourceFile::new(name, text)
}

/// Marks files that test a deliberate difference from CPython.
fn is_aio_only(src: &SourceFile) -> bool {
    src.line_text(1).starts_with("# aio-only")
}

#[test]
fn parse_corpus() {
    let mut rejected = Vec::new();
    insta::glob!("parse/*.aio", |path| {
        let src = load(path);
        match aio::parser::parse_module(&src) {
            Ok(module) => insta::assert_snapshot!(aio::parser::dump::dump_module(&module, &src)),
            // Collected rather than snapshotted, so that an error can never be accepted as a tree.
            Err(err) => rejected.push(err.render(&src)),
        }
    });
    assert!(
        rejected.is_empty(),
        "valid programs rejected:\n{}",
        rejected.join("\n")
    );
}

#[test]
fn syntax_error_corpus() {
    let mut accepted = Vec::new();
    insta::glob!("syntax_errors/*.aio", |path| {
        let src = load(path);
        match aio::parser::parse_module(&src) {
            Ok(_) => accepted.push(src.name.clone()),
            Err(err) => insta::assert_snapshot!(err.render(&src)),
        }
    });
    assert!(
        accepted.is_empty(),
        "malformed programs accepted: {accepted:?}"
    );
}

/// All corpus files, relative to the crate root, in a stable order.
fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["tests/parse", "tests/syntax_errors"] {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(&root).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "aio") {
                files.push(Path::new(dir).join(path.file_name().unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// A CPython 3.11 interpreter, or the reason there is none. The agreement is
/// with 3.11 only: error wording changes between versions.
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

/// What a parser said about one file: accepted with the tree's positioned
/// nodes, or rejected at a line with a final line.
#[derive(Debug, PartialEq)]
enum Verdict {
    Accept { nodes: Vec<String> },
    Reject { line: usize, last: String },
}

/// The positioned nodes of a `--dump ast` tree as `Kind@line:col-line:col`,
/// sorted: the shape the CPython helper prints. Nodes inside f-strings are
/// left out, as CPython 3.11's positions there are approximate.
fn dumped_nodes(dump: &str) -> Vec<String> {
    let mut nodes = Vec::new();
    let mut fstring_depth: Option<usize> = None;
    for line in dump.lines() {
        let indent = line.len() - line.trim_start().len();
        match fstring_depth {
            Some(depth) if indent > depth => continue,
            _ => fstring_depth = None,
        }
        let Some((head, span)) = line.trim_start().rsplit_once(" @") else {
            continue;
        };
        // `label: Kind fields...` or `Kind fields...`
        let head = match head.split_once(' ') {
            Some((label, rest)) if label.ends_with(':') => rest,
            _ => head,
        };
        let kind = head.split(' ').next().unwrap_or_default();
        if kind == "JoinedStr" {
            fstring_depth = Some(indent);
        }
        nodes.push(format!("{kind}@{span}"));
    }
    nodes.sort();
    nodes
}

/// The items of `a` that `b` lacks, counting repeats (both sorted).
fn missing_from(a: &[String], b: &[String]) -> Vec<String> {
    let mut missing = Vec::new();
    let mut rest = b.iter().peekable();
    for x in a {
        while rest.next_if(|y| *y < x).is_some() {}
        if rest.next_if(|y| *y == x).is_none() {
            missing.push(x.clone());
        }
    }
    missing
}

/// Compares two verdicts; `None` when they agree, else what differs.
fn compare(cpython: &Verdict, aio: &Verdict) -> Option<String> {
    match (cpython, aio) {
        (Verdict::Accept { nodes: theirs }, Verdict::Accept { nodes: ours }) => {
            let only_cpython = missing_from(theirs, ours);
            let only_aio = missing_from(ours, theirs);
            if only_cpython.is_empty() && only_aio.is_empty() {
                return None;
            }
            Some(format!(
                "the trees differ\n  only in CPython's: {}\n  only in aio's:     {}",
                only_cpython.join(" "),
                only_aio.join(" ")
            ))
        }
        (Verdict::Accept { .. }, _) => Some(format!("CPython accepts it, aio says {aio:?}")),
        (_, Verdict::Accept { .. }) => Some(format!("aio accepts it, CPython says {cpython:?}")),
        _ if cpython != aio => Some(format!("\n  CPython: {cpython:?}\n  aio:     {aio:?}")),
        _ => None,
    }
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
    let files = corpus_files();
    let out = Command::new(python)
        .arg("tests/cpython_parse.py")
        .args(&files)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run tests/cpython_parse.py");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "tests/cpython_parse.py failed:\n{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), files.len(), "one verdict per file:\n{stdout}");

    let mut disagreements = Vec::new();
    let mut compared = 0;
    for (path, line) in files.iter().zip(lines) {
        let fields: Vec<&str> = line.split('\t').collect();
        let cpython = match fields[..] {
            ["ACCEPT", _, nodes] => Verdict::Accept {
                nodes: nodes.split_whitespace().map(String::from).collect(),
            },
            ["REJECT", _, line, last] => Verdict::Reject {
                line: line.parse().unwrap(),
                last: last.into(),
            },
            _ => panic!("unexpected helper output: {line}"),
        };
        let src = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path));
        if is_aio_only(&src) {
            continue;
        }
        compared += 1;
        let aio = match aio::parser::parse_module(&src) {
            Ok(module) => Verdict::Accept {
                nodes: dumped_nodes(&aio::parser::dump::dump_module(&module, &src)),
            },
            Err(err) => Verdict::Reject {
                line: err.line(&src),
                last: err.to_string(),
            },
        };
        if let Some(difference) = compare(&cpython, &aio) {
            disagreements.push(format!("{}: {difference}", path.display()));
        }
    }
    eprintln!(
        "CPython agreement: {} of {compared} files agree",
        compared - disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {compared} files disagree with CPython 3.11:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

// ---- The command line, run as a separate process. ----

/// A scratch directory for the CLI tests' files.
fn scratch_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a file into the scratch directory and returns its bare name.
fn scratch_file(name: &str, contents: &[u8]) -> String {
    std::fs::write(scratch_dir().join(name), contents).unwrap();
    name.to_string()
}

/// Runs `aio ARGS` in the scratch directory with `stdin` as standard input.
fn aio(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .args(args)
        .env_remove("AIO_CLOCK")
        .envs(env.iter().copied())
        .current_dir(scratch_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the aio binary");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Checks a run of a valid program: until execution exists, `run_source` stops
/// after parsing with a fixed message; after that, the program's own output.
fn assert_ran(out: &Output, expected_stdout: &str) {
    if stderr(out).contains("aio: execution is not built yet") {
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stdout(out), "");
    } else {
        assert_eq!(stdout(out), expected_stdout, "stderr: {}", stderr(out));
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(out));
    }
}

const SMALL_PROGRAM: &str = "import asyncio\n\n\nasync def main(n):\n    if n > 0:\n        await asyncio.sleep(0.1)\n    return [x * 2 for x in range(n)]\n\nprint(asyncio.run(main(3)))\n";

#[test]
fn cli_version_and_help() {
    let out = aio(&["--version"], b"", &[]);
    assert_eq!(stdout(&out), "aio 0.1.0\n");
    assert_eq!(out.status.code(), Some(0));

    let out = aio(&["--help"], b"", &[]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    for flag in [
        "Usage: aio",
        "[FILE]",
        "[ARGS]",
        "-c <CODE>",
        "--dump <STAGE>",
        "--clock <CLOCK>",
        "AIO_CLOCK",
    ] {
        assert!(help.contains(flag), "--help lacks {flag:?}:\n{help}");
    }
}

#[test]
fn cli_dump_tokens_and_ast() {
    let file = scratch_file("small.aio", SMALL_PROGRAM.as_bytes());
    let tokens = aio(&["--dump", "tokens", &file], b"", &[]);
    assert_eq!(tokens.status.code(), Some(0), "{}", stderr(&tokens));
    insta::assert_snapshot!("cli_dump_tokens", stdout(&tokens));

    let ast = aio(&["--dump=ast", &file], b"", &[]);
    assert_eq!(ast.status.code(), Some(0), "{}", stderr(&ast));
    insta::assert_snapshot!("cli_dump_ast", stdout(&ast));

    // The same tree whichever way the source arrives.
    let from_stdin = aio(&["--dump", "ast"], SMALL_PROGRAM.as_bytes(), &[]);
    assert_eq!(stdout(&from_stdin), stdout(&ast));

    let code = aio(&["--dump", "code", &file], b"", &[]);
    assert_eq!(code.status.code(), Some(0), "{}", stderr(&code));
    assert!(
        stdout(&code).starts_with("Disassembly of <code <module>"),
        "{}",
        stdout(&code)
    );

    let bad = aio(&["--dump", "bytecode", &file], b"", &[]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn cli_code_argument() {
    let out = aio(
        &["-c", "import sys; print(sys.argv)", "a", "--flag"],
        b"",
        &[],
    );
    assert_ran(&out, "['-c', 'a', '--flag']\n");

    let out = aio(&["-c", "x = (1,\ny = 2"], b"", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "  File \"<string>\", line 1\n    x = (1,\n        ^\nSyntaxError: '(' was never closed\n"
    );
}

#[test]
fn cli_program_from_stdin() {
    let out = aio(&[], b"import sys\nprint(sys.argv)\n", &[]);
    assert_ran(&out, "['']\n");

    let out = aio(&["-", "x"], b"import sys\nprint(sys.argv)\n", &[]);
    assert_ran(&out, "['-', 'x']\n");

    let out = aio(&[], b"if True\n    pass\n", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with("  File \"<stdin>\", line 1\n"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).ends_with("SyntaxError: expected ':'\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn cli_file_arguments_go_to_the_program() {
    let file = scratch_file("argv.aio", b"import sys\nprint(sys.argv)\n");
    // Flags after FILE are the program's, even aio's own.
    let out = aio(&[&file, "--version", "-c", "x"], b"", &[]);
    assert_ran(&out, "['argv.aio', '--version', '-c', 'x']\n");

    let out = aio(&["--clock", "virtual", &file], b"", &[]);
    assert_ran(&out, "['argv.aio']\n");
    let out = aio(&[&file], b"", &[("AIO_CLOCK", "virtual")]);
    assert_ran(&out, "['argv.aio']\n");

    let out = aio(&["--clock", "sometimes", &file], b"", &[]);
    assert_eq!(out.status.code(), Some(2));
    let out = aio(&[&file], b"", &[("AIO_CLOCK", "sometimes")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("AIO_CLOCK"), "{}", stderr(&out));
}

#[test]
fn cli_missing_file() {
    let out = aio(&["no_such_file.aio"], b"", &[]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "aio: can't open file 'no_such_file.aio': [Errno 2] No such file or directory\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn cli_syntax_error_exits_1() {
    let file = scratch_file("broken.aio", b"def f(x):\n    return x +\n");
    let out = aio(&[&file], b"", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out), "  File \"broken.aio\", line 2\n    return x +\n              ^\nSyntaxError: invalid syntax\n");
    // --dump reports the same error the same way.
    let dumped = aio(&["--dump", "ast", &file], b"", &[]);
    assert_eq!(dumped.status.code(), Some(1));
    assert_eq!(stderr(&dumped), stderr(&out));
}

#[test]
fn cli_bad_utf8() {
    let file = scratch_file("latin1.aio", b"name = 'caf\xe9'\nprint(name)\n");
    let out = aio(&[&file], b"", &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.starts_with("  File \"latin1.aio\", line 1\n"), "{err}");
    assert!(
        err.ends_with("SyntaxError: (unicode error) 'utf-8' codec can't decode byte 0xe9 in position 11: invalid continuation byte\n"),
        "{err}"
    );
}
