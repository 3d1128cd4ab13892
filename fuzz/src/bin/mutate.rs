//! A mutation fuzzer that runs on stable Rust: it takes the test programs as a
//! corpus, mutates them with a seeded random generator (line and token edits,
//! splices between programs, bracket and indentation noise) and feeds every
//! result to the three stages: lexer+parser, compiler, and the VM (virtual time,
//! an instruction budget, output discarded).
//!
//! A finding is a Rust panic (caught and reported with the input) or a process
//! crash (abort, stack overflow): before each input runs it is written to
//! `OUT/current.aio`, so after a crash that file is the reproducer.
//!
//! Usage: mutate [--seconds N] [--seed S] [--stage parse|compile|run|all]
//!               [--out DIR] CORPUS_DIR...
//! Prints executions per stage and findings; exits 1 if any panic was found.

use aio::source::SourceFile;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../guard.rs"]
mod guard;

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545F4914F6CDD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const TOKENS: &[&str] = &[
    "(", ")", "[", "]", "{", "}", ":", ",", ".", ";", "=", "==", "!=", "+", "-", "*", "**", "/",
    "//", "%", "@", "<<", ">>", "&", "|", "^", "~", "<", ">", "<=", ">=", ":=", "->", "+=", "*=",
    "not", "and", "or", "in", "is", "if", "else", "elif", "while", "for", "def", "async def",
    "await", "return", "yield", "yield from", "lambda", "class", "try:", "except", "finally:",
    "with", "async with", "async for", "raise", "from", "global", "nonlocal", "del", "pass",
    "break", "continue", "assert", "match", "case", "None", "True", "False", "...", "*args",
    "**kw", "0", "1", "-1", "10**100", "2**63", "1e308", "0.5", "'s'", "b'b'", "f'{x}'",
    "f'{x!r:>{w}}'", "'''", "\"", "\\", "#", "\n", "\n    ", "\t", "x", "self", "cls",
    "super()", "print", "len", "range", "list", "dict", "set", "tuple", "str", "int",
    "iter", "next", "asyncio.sleep(0)", "asyncio.gather", "asyncio.create_task",
    "asyncio.Queue()", "asyncio.Lock()", "asyncio.Event()", "asyncio.TaskGroup()",
    "asyncio.wait_for", "asyncio.timeout(1)", "asyncio.run", "__init__", "__repr__",
    "__eq__", "__hash__", "__iter__", "__next__", "__getattr__", "__del__", "__aenter__",
    "__aexit__", "__class__", "__dict__", "__slots__", "[x for x in y]", "(x for x in y)",
    "{k: v for k, v in z}", "*", "**", "_", "0x", "0o7", "1_000", "1j", "__name__",
];

fn mutate(rng: &mut Rng, base: &str, corpus: &[String]) -> String {
    let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let rounds = 1 + rng.below(4);
    for _ in 0..rounds {
        let n = lines.len().max(1);
        let i = rng.below(n).min(lines.len().saturating_sub(1));
        match rng.below(12) {
            0 => {
                if lines.len() > 1 {
                    lines.remove(i);
                }
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            3 => {
                // Splice a run of lines from another program.
                let other = rng.pick(corpus);
                let theirs: Vec<&str> = other.lines().collect();
                if !theirs.is_empty() {
                    let s = rng.below(theirs.len());
                    let e = (s + 1 + rng.below(8)).min(theirs.len());
                    for (k, l) in theirs[s..e].iter().enumerate() {
                        lines.insert(i + k, l.to_string());
                    }
                }
            }
            4 | 5 | 6 => {
                // Insert a token at a character boundary.
                let line = &mut lines[i];
                let pos = char_boundary(line, rng.below(line.len() + 1));
                line.insert_str(pos, *rng.pick(TOKENS));
            }
            7 => {
                // Delete a few characters.
                let line = &mut lines[i];
                if !line.is_empty() {
                    let a = char_boundary(line, rng.below(line.len()));
                    let b = char_boundary(line, (a + 1 + rng.below(6)).min(line.len()));
                    line.replace_range(a..b, "");
                }
            }
            8 => {
                // Indentation noise.
                let line = &mut lines[i];
                match rng.below(3) {
                    0 => line.insert_str(0, "    "),
                    1 => {
                        let t = line.trim_start().to_string();
                        *line = t;
                    }
                    _ => line.insert(0, '\t'),
                }
            }
            9 => {
                // Replace an identifier-ish word with a token.
                let line = &mut lines[i];
                let words: Vec<(usize, usize)> = word_spans(line);
                if !words.is_empty() {
                    let (a, b) = *rng.pick(&words);
                    line.replace_range(a..b, *rng.pick(TOKENS));
                }
            }
            10 => {
                // Wrap a line's expression in deep brackets or repeat an operator.
                let depth = 1 + rng.below(300);
                let line = &mut lines[i];
                let pos = char_boundary(line, rng.below(line.len() + 1));
                let (open, close) = *rng.pick(&[("(", ")"), ("[", "]"), ("-", ""), ("not ", "")]);
                line.insert_str(pos, &open.repeat(depth));
                line.push_str(&close.repeat(depth));
            }
            _ => {
                // Truncate the program.
                lines.truncate(i + 1);
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let w = c.is_alphanumeric() || c == '_';
        match (w, start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                spans.push((a, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(a) = start {
        spans.push((a, s.len()));
    }
    spans
}

fn load_corpus(dirs: &[PathBuf]) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<PathBuf> = dirs.to_vec();
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
                entries.sort();
                stack.extend(entries);
            }
        } else if p.extension().is_some_and(|e| e == "aio") {
            if let Ok(text) = std::fs::read_to_string(&p) {
                out.push(text);
            }
        }
    }
    out.sort();
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Parse,
    Compile,
    Run,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut seconds = 60u64;
    let mut seed = 1u64;
    let mut stages = vec![Stage::Parse, Stage::Compile, Stage::Run];
    let mut out = PathBuf::from("fuzz-out");
    let mut dirs = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(60),
            "--seed" => seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(1),
            "--out" => out = PathBuf::from(args.next().unwrap_or_default()),
            "--stage" => {
                stages = match args.next().as_deref() {
                    Some("parse") => vec![Stage::Parse],
                    Some("compile") => vec![Stage::Compile],
                    Some("run") => vec![Stage::Run],
                    _ => vec![Stage::Parse, Stage::Compile, Stage::Run],
                }
            }
            _ => dirs.push(PathBuf::from(a)),
        }
    }
    let corpus = load_corpus(&dirs);
    if corpus.is_empty() {
        eprintln!("mutate: no .aio files in the corpus directories");
        std::process::exit(2);
    }
    std::fs::create_dir_all(&out).expect("create the output directory");
    // Panics are findings, reported below; keep the default hook quiet.
    panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed.max(1));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut counts = [0u64; 3];
    let mut skipped = 0u64;
    let mut findings = 0u64;
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        let base = rng.pick(&corpus).clone();
        let text = mutate(&mut rng, &base, &corpus);
        let stage = stages[rng.below(stages.len())];
        if stage == Stage::Run && guard::unsafe_program(&text) {
            skipped += 1;
            continue;
        }
        let _ = std::fs::write(out.join("current.aio"), &text);
        let src = SourceFile::new("<fuzz>", text.clone());
        let r = panic::catch_unwind(AssertUnwindSafe(|| match stage {
            Stage::Parse => {
                let _ = aio::lexer::dump_tokens(&src);
                let _ = aio::parser::parse_module(&src);
            }
            Stage::Compile => {
                let _ = aio::dump_code(&src);
            }
            Stage::Run => {
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
        }));
        counts[stage as usize] += 1;
        if let Err(payload) = r {
            findings += 1;
            let msg = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            let path = out.join(format!("panic-{n}.aio"));
            let _ = std::fs::write(&path, &text);
            println!("PANIC at input {n}: {msg} -> {}", path.display());
        }
        if n % 2000 == 0 {
            report(started, counts, skipped, findings, false);
        }
    }
    report(started, counts, skipped, findings, true);
    let _ = std::fs::remove_file(Path::new(&out).join("current.aio"));
    std::process::exit(if findings > 0 { 1 } else { 0 });
}

fn report(started: Instant, counts: [u64; 3], skipped: u64, findings: u64, last: bool) {
    println!(
        "{}{:.0}s: parse {} compile {} run {} (skipped {} unsafe) findings {}",
        if last { "done " } else { "" },
        started.elapsed().as_secs_f64(),
        counts[0],
        counts[1],
        counts[2],
        skipped,
        findings
    );
}
