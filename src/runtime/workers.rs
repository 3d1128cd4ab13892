//! Worker threads for blocking calls (`asyncio.to_thread`, `run_in_executor`).
//!
//! The VM is single-threaded (values are `Rc`), so only work that can be
//! described without script values goes to an OS thread: a [`Job`] is a plain
//! Rust closure over owned data (a sleep, a sum over a range) whose [`JobResult`]
//! comes back through the I/O driver's completion list and wakes the poller
//! through its mio `Waker`. Everything else runs on the loop thread.

use super::future;
use crate::value::{PyResult, Value};
use crate::vm::Vm;
use std::collections::HashMap;
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex};

/// What a job produced, as plain data.
pub enum JobResult {
    None,
    /// A `time.sleep(d)` under the virtual clock: the loop advances the clock by d.
    Slept(f64),
    Bytes(Vec<u8>),
    Count(usize),
    Int(i64),
    /// An integer too big for i64, in decimal.
    BigInt(String),
    /// An OSError (errno, filename).
    OsError(i32, Option<String>),
}

/// Work that can run on another thread.
pub type Job = Box<dyn FnOnce() -> JobResult + Send>;

/// Turns a job's result into the future's value, on the loop thread.
pub type Finish = Box<dyn FnOnce(&mut Vm, JobResult) -> PyResult<Value>>;

struct Pool {
    sender: Sender<(u64, Job)>,
}

thread_local! {
    static POOL: std::cell::RefCell<Option<Pool>> = const { std::cell::RefCell::new(None) };
    /// The future waiting for each job, and how to finish it.
    static WAITING: std::cell::RefCell<HashMap<u64, (Value, Option<Finish>)>> = std::cell::RefCell::new(HashMap::new());
    static NEXT_ID: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
}

/// How many OS threads the pool runs (CPython's default executor size).
fn pool_size() -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    (cpus + 4).min(32)
}

fn start_pool(done: Arc<Mutex<Vec<super::io::Completion>>>, waker: Arc<mio::Waker>) -> Pool {
    let (sender, receiver) = channel::<(u64, Job)>();
    let receiver = Arc::new(Mutex::new(receiver));
    for i in 0..pool_size() {
        let receiver = receiver.clone();
        let done = done.clone();
        let waker = waker.clone();
        let _ = std::thread::Builder::new()
            .name(format!("aio-worker-{i}"))
            .spawn(move || {
                #[cfg(unix)]
                super::signals::block_in_this_thread();
                worker_loop(&receiver, &done, &waker)
            });
    }
    Pool { sender }
}

/// A worker thread's life: run jobs until the pool's sender goes away.
fn worker_loop(
    receiver: &Mutex<std::sync::mpsc::Receiver<(u64, Job)>>,
    done: &Mutex<Vec<super::io::Completion>>,
    waker: &mio::Waker,
) {
    loop {
        let next = match receiver.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        let Ok((id, job)) = next else { return };
        let result = job();
        match done.lock() {
            Ok(mut d) => d.push((id, result)),
            Err(p) => p.into_inner().push((id, result)),
        }
        let _ = waker.wake();
    }
}

/// Hands `job` to a worker thread; the returned future gets its result.
pub fn submit(vm: &mut Vm, job: Job, finish: Option<Finish>) -> PyResult<Value> {
    let io = super::net::io_driver(vm)?;
    io.busy += 1;
    let done = io.completions.clone();
    let waker = io.waker.clone();
    let fut = future::new_future();
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    WAITING.with(|w| w.borrow_mut().insert(id, (fut.clone(), finish)));
    let sent = POOL.with(|p| {
        let mut p = p.borrow_mut();
        let pool = p.get_or_insert_with(|| start_pool(done, waker));
        pool.sender.send((id, job)).is_ok()
    });
    if !sent {
        WAITING.with(|w| w.borrow_mut().remove(&id));
        if let Some(io) = vm.event_loop.as_mut().and_then(|l| l.io.as_mut()) {
            io.busy -= 1;
        }
        return Err(crate::value::types::runtime_error(
            "cannot schedule new futures after interpreter shutdown",
        ));
    }
    Ok(fut)
}

/// Turns a job's result into a value or an exception.
pub fn to_value(vm: &mut Vm, r: JobResult) -> Result<Value, Value> {
    match r {
        JobResult::None => Ok(Value::None),
        JobResult::Slept(d) => {
            let now = vm.clock.now();
            vm.clock.advance_to(now + d);
            Ok(Value::None)
        }
        JobResult::Bytes(b) => Ok(Value::Bytes(std::rc::Rc::new(b))),
        JobResult::Count(n) => Ok(Value::Int(n as i64)),
        JobResult::Int(n) => Ok(Value::Int(n)),
        JobResult::BigInt(s) => match s.parse::<num_bigint::BigInt>() {
            Ok(b) => Ok(Value::from_bigint(b)),
            Err(_) => Ok(Value::None),
        },
        JobResult::OsError(errno, name) => Err(crate::stdlib::os::os_error(
            &std::io::Error::from_raw_os_error(errno),
            name.as_deref(),
        )),
    }
}

/// Sets the futures of the jobs that finished.
pub fn collect(vm: &mut Vm) -> PyResult<()> {
    let done = match vm.event_loop.as_mut().and_then(|l| l.io.as_mut()) {
        Some(io) if io.busy > 0 => {
            let d = io.take_completions();
            io.busy -= d.len().min(io.busy);
            d
        }
        _ => return Ok(()),
    };
    for (id, result) in done {
        let Some((fut, finish)) = WAITING.with(|w| w.borrow_mut().remove(&id)) else {
            continue;
        };
        if future::future_of(&fut).is_some_and(|f| f.done()) {
            continue;
        }
        let outcome = match (finish, result) {
            (_, JobResult::OsError(errno, name)) => Err(crate::stdlib::os::os_error(
                &std::io::Error::from_raw_os_error(errno),
                name.as_deref(),
            )),
            (Some(f), r) => f(vm, r),
            (None, r) => to_value(vm, r),
        };
        match outcome {
            Ok(v) => future::set_result(vm, &fut, v)?,
            Err(e) => future::set_exception(vm, &fut, e)?,
        }
    }
    Ok(())
}
