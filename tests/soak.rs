//! Memory soak tests: reference cycles are collected, so memory stays flat.
//!
//! - `cycles_are_freed`: 200,000 reference cycles (instances, lists, closures,
//!   exceptions referring to themselves) under `--max-memory=8M`, which only
//!   passes if the cycle collector frees them.
//! - `echo_server_rss_is_flat`: a loopback echo server and 50 clients under aio
//!   (`tests/soak/echo_rss.aio`); the interpreter's resident size after 20,000
//!   round trips must be within 10% of its size after 2,000.
//! - `echo_server_rss_is_flat_1m` (ignored, run on demand):
//!   `cargo test --release --test soak -- --ignored` does 1,000,000 round
//!   trips and compares the resident size after 100,000 and after 1,000,000.
//!   It also runs 1,000,000 cycles under `--max-memory=8M`.

use std::process::{Command, Output};

fn aio(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aio"))
        .args(args)
        .output()
        .expect("run aio")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn cycles(n: &str) {
    let out = aio(&["--max-memory=8M", "tests/soak/cycles.aio", n]);
    assert!(
        out.status.success(),
        "aio failed ({}):\n{}\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    assert_eq!(text(&out.stdout), format!("made {n} cycles\n"));
}

/// Runs the echo soak and returns the resident sizes (KiB) at the two checkpoints.
fn echo_rss(total: u32, check: u32) -> (u64, u64) {
    let out = aio(&[
        "tests/soak/echo_rss.aio",
        &total.to_string(),
        &check.to_string(),
    ]);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "aio failed ({}):\n{stdout}\n{}",
        out.status,
        text(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "stderr:\n{}", text(&out.stderr));
    assert!(
        stdout.starts_with(&format!("round trips {total}\n")),
        "{stdout}"
    );
    let rss: Vec<u64> = stdout
        .lines()
        .find_map(|l| l.strip_prefix("rss "))
        .expect("rss line")
        .split(' ')
        .map(|n| n.parse().expect("a size"))
        .collect();
    println!(
        "VmRSS after {check}: {} KiB, after {total}: {} KiB",
        rss[0], rss[1]
    );
    (rss[0], rss[1])
}

fn assert_flat(early: u64, late: u64) {
    assert!(early > 0, "VmRSS not read");
    assert!(
        late * 10 <= early * 11,
        "resident size grew more than 10%: {early} KiB -> {late} KiB"
    );
}

#[test]
fn cycles_are_freed() {
    cycles("200000");
}

#[cfg(target_os = "linux")]
#[test]
fn echo_server_rss_is_flat() {
    let (early, late) = echo_rss(20_000, 2_000);
    assert_flat(early, late);
}

#[cfg(target_os = "linux")]
#[test]
#[ignore = "a long soak: cargo test --release --test soak -- --ignored"]
fn echo_server_rss_is_flat_1m() {
    cycles("1000000");
    let (early, late) = echo_rss(1_000_000, 100_000);
    assert_flat(early, late);
}
