//! A bounded loopback load test: 200 concurrent clients each doing 100
//! request/response round trips against an aio echo server
//! (`tests/load/echo_load.aio`, run in its own `aio` process). No request may be
//! lost or answered wrongly, no client may fail, and the server must still
//! answer afterwards; the whole run must finish within the time bound.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(180);

#[test]
fn echo_server_under_load() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aio"))
        .arg("tests/load/echo_load.aio")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run aio");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for aio") {
            break status;
        }
        if start.elapsed() > BOUND {
            let _ = child.kill();
            panic!("the load test did not finish within {} s", BOUND.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut out = String::new();
    let mut err = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(status.success(), "aio failed ({status}):\n{out}\n{err}");
    assert!(err.is_empty(), "unexpected stderr:\n{err}");
    assert_eq!(
        out,
        "clients 200 rounds 100\n\
         errors 0 []\n\
         mismatches 0\n\
         served at least 20000 True\n\
         after load b'still there?\\n'\n"
    );
}
