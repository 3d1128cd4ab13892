//! The REPL in a real pseudo-terminal (tmux): background output while typing,
//! completion, Ctrl-C on a running statement, Ctrl-D. Skipped when tmux is missing.

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn screen(name: &str) -> String {
    tmux(&["capture-pane", "-t", name, "-p", "-S", "-100"])
}

/// Waits until the screen shows `text` (or fails after a few seconds).
fn wait_for(name: &str, text: &str) -> String {
    let start = Instant::now();
    loop {
        let s = screen(name);
        if s.contains(text) {
            return s;
        }
        if start.elapsed() > Duration::from_secs(10) {
            panic!("timed out waiting for {text:?}; screen:\n{s}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn keys(name: &str, keys: &[&str]) {
    let mut args = vec!["send-keys", "-t", name];
    args.extend_from_slice(keys);
    tmux(&args);
}

#[test]
fn terminal_session() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: skipping the pseudo-terminal test");
        return;
    }
    let name = format!("aio-repl-test-{}", std::process::id());
    let home = std::env::temp_dir().join(&name);
    std::fs::create_dir_all(&home).unwrap();
    let cmd = format!(
        "HOME={} {}; sleep 5",
        home.display(),
        env!("CARGO_BIN_EXE_aio")
    );
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "100",
        "-y",
        "50",
        &cmd,
    ]);
    let result = std::panic::catch_unwind(|| {
        wait_for(&name, ">>>");
        keys(
            &name,
            &[
                "async def tick():",
                "Enter",
                "    for i in range(3):",
                "Enter",
            ],
        );
        keys(
            &name,
            &[
                "        await asyncio.sleep(0.3)",
                "Enter",
                "        print('tick', i)",
                "Enter",
                "",
                "Enter",
            ],
        );
        keys(&name, &["t = asyncio.create_task(tick())", "Enter"]);
        wait_for(&name, ">>> t = asyncio");
        // Typed while the task prints: the line survives the output above it.
        keys(&name, &["x = 4"]);
        wait_for(&name, "tick 2");
        keys(&name, &["0 + 2", "Enter", "x", "Enter"]);
        wait_for(&name, "\n42\n");
        keys(
            &name,
            &[
                "r = await asyncio.sleep(0.1, result='done')",
                "Enter",
                "r",
                "Enter",
            ],
        );
        wait_for(&name, "'done'");
        keys(&name, &["asyncio.get_running_lo", "Tab"]);
        wait_for(&name, "asyncio.get_running_loop");
        keys(&name, &["C-u", "while True: pass", "Enter", "", "Enter"]);
        std::thread::sleep(Duration::from_millis(300));
        keys(&name, &["C-c"]);
        wait_for(&name, "KeyboardInterrupt");
        keys(&name, &["1 / 0", "Enter"]);
        wait_for(&name, "ZeroDivisionError: division by zero");
        keys(&name, &["C-d"]);
        std::thread::sleep(Duration::from_millis(300));
        let history = std::fs::read_to_string(home.join(".aio_history")).unwrap_or_default();
        assert!(history.contains("1 / 0"), "history: {history}");
    });
    tmux(&["kill-session", "-t", &name]);
    let _ = std::fs::remove_dir_all(&home);
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}
