//! `aio --sandbox`: the file system, the network, the environment and signals
//! are denied with PermissionError naming what was denied; `--allow-read`,
//! `--allow-write` and `--allow-net` grant them back.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fresh directory for one test, with `ro/data.txt` and an empty `rw/`.
fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aio-sandbox-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("ro")).unwrap();
    std::fs::create_dir_all(dir.join("rw")).unwrap();
    std::fs::write(dir.join("ro/data.txt"), "secret\n").unwrap();
    dir
}

/// Runs `aio FLAGS -` in `dir` with `program` on standard input.
fn run(dir: &Path, flags: &[&str], program: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .current_dir(dir)
        .env("AIO_SANDBOX_TEST", "visible")
        .args(["--max-time=60"])
        .args(flags)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start aio");
    let _ = child.stdin.take().unwrap().write_all(program.as_bytes());
    child.wait_with_output().expect("wait for aio")
}

fn stdout(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const ATTEMPT: &str = "\
def attempt(label, f):
    try:
        print(label, '->', f())
    except PermissionError as e:
        print(label, '-> PermissionError:', e)
";

#[test]
fn everything_outside_is_denied_by_default() {
    let dir = workdir("deny");
    let prog = format!(
        "{ATTEMPT}import os, signal
attempt('open', lambda: open('ro/data.txt').read())
attempt('create', lambda: open('rw/new.txt', 'w'))
attempt('listdir', lambda: os.listdir('.'))
attempt('exists', lambda: os.path.exists('ro/data.txt'))
attempt('mkdir', lambda: os.mkdir('rw/d'))
attempt('getenv', lambda: os.getenv('AIO_SANDBOX_TEST'))
attempt('environ', lambda: os.environ['AIO_SANDBOX_TEST'])
attempt('kill', lambda: os.kill(os.getpid(), signal.SIGUSR1))
attempt('raise_signal', lambda: signal.raise_signal(signal.SIGUSR1))
print('computing still works:', sum(range(10)))
"
    );
    let out = stdout(&run(&dir, &["--sandbox"], &prog));
    let expected = "\
open -> PermissionError: sandbox: open: read access to \"ro/data.txt\" denied (grant it with --allow-read=DIR)
create -> PermissionError: sandbox: open: write access to \"rw/new.txt\" denied (grant it with --allow-write=DIR)
listdir -> PermissionError: sandbox: os.listdir: read access to \".\" denied (grant it with --allow-read=DIR)
exists -> PermissionError: sandbox: os.path.exists: read access to \"ro/data.txt\" denied (grant it with --allow-read=DIR)
mkdir -> PermissionError: sandbox: os.mkdir: write access to \"rw/d\" denied (grant it with --allow-write=DIR)
getenv -> PermissionError: sandbox: os.getenv: access to the environment denied
environ -> PermissionError: sandbox: os.environ: access to the environment denied
kill -> PermissionError: sandbox: os.kill: access to signals denied
raise_signal -> PermissionError: sandbox: signal.raise_signal: access to signals denied
computing still works: 45
";
    assert_eq!(out, expected);
    assert!(!dir.join("rw/new.txt").exists());
    assert!(!dir.join("rw/d").exists());
}

#[test]
fn without_sandbox_nothing_is_denied() {
    let dir = workdir("open");
    let prog =
        "import os\nprint(open('ro/data.txt').read().strip(), os.getenv('AIO_SANDBOX_TEST'))\n";
    assert_eq!(stdout(&run(&dir, &[], prog)), "secret visible\n");
}

#[test]
fn read_and_write_grants_cover_their_directories_only() {
    let dir = workdir("grant");
    let outside = dir
        .parent()
        .unwrap()
        .join(format!("aio-sandbox-{}-outside.txt", std::process::id()));
    std::fs::write(&outside, "outside\n").unwrap();
    // A symlink inside the readable directory that points outside it.
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, dir.join("ro/link.txt")).unwrap();
    let prog = format!(
        "{ATTEMPT}import os
attempt('read', lambda: open('ro/data.txt').read().strip())
attempt('listdir', lambda: sorted(os.listdir('ro')))
attempt('escape', lambda: open('ro/../../{name}').read())
attempt('symlink', lambda: open('ro/link.txt').read())
attempt('write ro', lambda: open('ro/x.txt', 'w'))
attempt('write', lambda: open('rw/out.txt', 'w').write('made'))
attempt('read rw', lambda: open('rw/out.txt').read())
attempt('remove', lambda: os.remove('rw/out.txt'))
",
        name = outside.file_name().unwrap().to_string_lossy()
    );
    let out = stdout(&run(
        &dir,
        &["--sandbox", "--allow-read=ro", "--allow-write", "rw"],
        &prog,
    ));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "read -> secret");
    assert_eq!(lines[1], "listdir -> ['data.txt', 'link.txt']");
    assert!(lines[2].starts_with("escape -> PermissionError: sandbox: open: read access"));
    assert!(lines[3].starts_with("symlink -> PermissionError: sandbox: open: read access"));
    assert!(lines[4].starts_with("write ro -> PermissionError: sandbox: open: write access"));
    assert_eq!(lines[5], "write -> 4");
    // Writing does not grant reading.
    assert!(lines[6].starts_with("read rw -> PermissionError"));
    assert_eq!(lines[7], "remove -> None");
    let _ = std::fs::remove_file(&outside);
}

#[test]
fn network_is_denied_unless_granted() {
    let dir = workdir("net");
    // A free port on loopback.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let prog = format!(
        "import asyncio
async def handle(r, w):
    w.write((await r.readline()).upper())
    await w.drain()
    w.close()
async def main():
    try:
        server = await asyncio.start_server(handle, '127.0.0.1', {port})
    except PermissionError as e:
        print('server:', e)
        return
    async with server:
        r, w = await asyncio.open_connection('127.0.0.1', {port})
        w.write(b'ping\\n')
        print((await r.readline()).decode().strip())
        w.close()
        try:
            await asyncio.open_connection('127.0.0.1', {other})
        except PermissionError as e:
            print('other port:', e)
asyncio.run(main())
",
        other = port.wrapping_add(1)
    );
    let denied = stdout(&run(&dir, &["--sandbox"], &prog));
    assert_eq!(
        denied,
        format!(
            "server: sandbox: listen: network access to 127.0.0.1:{port} denied \
             (grant it with --allow-net=HOST:PORT)\n"
        )
    );
    let grant = format!("--allow-net=127.0.0.1:{port}");
    let granted = stdout(&run(&dir, &["--sandbox", &grant], &prog));
    assert_eq!(
        granted,
        format!(
            "PING\nother port: sandbox: getaddrinfo: network access to 127.0.0.1:{} denied \
             (grant it with --allow-net=HOST:PORT)\n",
            port.wrapping_add(1)
        )
    );
}

#[test]
fn grants_need_the_sandbox_and_existing_directories() {
    let dir = workdir("usage");
    let out = run(&dir, &["--allow-read=ro"], "pass\n");
    assert_eq!(out.status.code(), Some(2));
    let out = run(&dir, &["--sandbox", "--allow-read=missing"], "pass\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot use \"missing\""));
    let out = run(&dir, &["--sandbox", "--allow-net=nohost"], "pass\n");
    assert_eq!(out.status.code(), Some(2));
}
