//! The event loop's I/O side: one mio `Poll` for sockets, a `Waker` that worker
//! threads use to hand results back, and the readiness dispatch to the
//! connection and listener states of `runtime::net`.
//!
//! `_run_once` asks [`IoDriver::poll`] for events with the timeout CPython's
//! `_run_once` would give its selector: 0 when callbacks are ready, the delay
//! to the next timer otherwise, or no limit when only I/O is pending.

use super::net::{Conn, Listener};
use mio::{Events, Interest, Poll, Token, Waker};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The token of the waker (worker threads finishing).
const WAKER: Token = Token(0);

/// What a token stands for.
#[derive(Clone)]
pub enum Source {
    Conn(Rc<Conn>),
    Listener(Rc<Listener>),
}

/// A result a worker thread sends back: the job's id and its outcome.
pub type Completion = (u64, super::workers::JobResult);

/// The loop's poller and the sockets registered with it.
pub struct IoDriver {
    poll: Poll,
    events: Events,
    pub waker: Arc<Waker>,
    next_token: usize,
    sources: HashMap<usize, Source>,
    /// Results of worker threads, waiting to be turned into future results.
    pub completions: Arc<Mutex<Vec<Completion>>>,
    /// Jobs handed to worker threads and not yet collected.
    pub busy: usize,
}

impl IoDriver {
    pub fn new() -> std::io::Result<IoDriver> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        Ok(IoDriver {
            poll,
            events: Events::with_capacity(1024),
            waker,
            next_token: 1,
            sources: HashMap::new(),
            completions: Arc::new(Mutex::new(Vec::new())),
            busy: 0,
        })
    }

    /// True when a socket is registered (time must not jump past it).
    pub fn has_sources(&self) -> bool {
        !self.sources.is_empty()
    }

    /// True when sockets are registered or worker threads are busy.
    pub fn pending(&self) -> bool {
        self.has_sources() || self.busy > 0
    }

    /// Registers a socket for read and write readiness (edge triggered).
    pub fn register<S: mio::event::Source + ?Sized>(
        &mut self,
        source: &mut S,
        what: impl FnOnce(usize) -> Source,
    ) -> std::io::Result<usize> {
        let token = self.next_token;
        self.next_token += 1;
        self.poll.registry().register(
            source,
            Token(token),
            Interest::READABLE | Interest::WRITABLE,
        )?;
        self.sources.insert(token, what(token));
        Ok(token)
    }

    /// Forgets a socket (it is being closed).
    pub fn deregister<S: mio::event::Source + ?Sized>(&mut self, source: &mut S, token: usize) {
        let _ = self.poll.registry().deregister(source);
        self.sources.remove(&token);
    }

    /// Waits for readiness up to `timeout` (None: until something happens) and
    /// returns the ready sources with their readiness, plus whether a worker woke us.
    pub fn poll(&mut self, timeout: Option<Duration>) -> (Vec<(Source, Readiness)>, bool) {
        let mut out = Vec::new();
        let mut woken = false;
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return (out, woken),
        }
        for ev in self.events.iter() {
            if ev.token() == WAKER {
                woken = true;
                continue;
            }
            if let Some(s) = self.sources.get(&ev.token().0) {
                out.push((
                    s.clone(),
                    Readiness {
                        readable: ev.is_readable() || ev.is_read_closed() || ev.is_error(),
                        writable: ev.is_writable() || ev.is_write_closed() || ev.is_error(),
                        closed: ev.is_read_closed() || ev.is_error(),
                    },
                ));
            }
        }
        (out, woken)
    }

    /// Takes the results worker threads have posted.
    pub fn take_completions(&mut self) -> Vec<Completion> {
        let mut done = match self.completions.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        std::mem::take(&mut *done)
    }
}

/// What an event says a socket can do.
#[derive(Clone, Copy, Debug)]
pub struct Readiness {
    pub readable: bool,
    pub writable: bool,
    /// The peer closed its side (or the socket failed): read to the end.
    pub closed: bool,
}
