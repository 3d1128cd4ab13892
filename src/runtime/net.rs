//! TCP connections and listeners on mio: the transport layer under asyncio's
//! streams. A [`Conn`] buffers what it reads until a reader asks for it and what
//! is written until the socket takes it; a [`Listener`] accepts connections and
//! hands each to a script callback. Readiness comes from `runtime::io`.

use super::future;
use super::io::{Readiness, Source};
use crate::stdlib::os::os_error;
use crate::value::{types, PyResult, Value};
use crate::vm::Vm;
use mio::net::{TcpListener, TcpStream};
use std::cell::{Cell, RefCell};
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr};
use std::rc::Rc;

/// Stop reading from the socket while this much is buffered and unread.
const READ_HIGH_WATER: usize = 256 * 1024;
/// drain() waits while more than this is buffered for writing...
pub const WRITE_HIGH_WATER: usize = 64 * 1024;
/// ...until the buffer is down to this.
const WRITE_LOW_WATER: usize = 16 * 1024;

thread_local! {
    /// The buffer sockets are read into (allocated and zeroed once).
    static READ_CHUNK: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

/// One TCP connection.
pub struct Conn {
    stream: RefCell<Option<TcpStream>>,
    token: Cell<usize>,
    /// Read from the socket, not yet handed to the reader.
    rbuf: RefCell<Vec<u8>>,
    /// The socket may have more to read (reading stopped at the high-water mark).
    more_to_read: Cell<bool>,
    eof: Cell<bool>,
    /// A read failure, reported to the next reader.
    read_error: RefCell<Option<std::io::Error>>,
    /// The future of the reader waiting for data.
    read_waiter: RefCell<Option<Value>>,
    /// What the waiting reader wants: None for any data, Some(limit) for a line.
    want_line: Cell<Option<usize>>,
    wbuf: RefCell<Vec<u8>>,
    /// A write failure: later writes are dropped and drain() raises.
    write_error: RefCell<Option<std::io::Error>>,
    drain_waiters: RefCell<Vec<Value>>,
    /// The connect() future while connecting.
    connect_waiter: RefCell<Option<Value>>,
    connect_addr: Cell<Option<SocketAddr>>,
    /// close() was called: the socket closes once the write buffer is flushed.
    closing: Cell<bool>,
    /// write_eof() was called: shut down the write side once flushed.
    eof_pending: Cell<bool>,
    closed: Cell<bool>,
    close_waiters: RefCell<Vec<Value>>,
    pub peer: Cell<Option<SocketAddr>>,
    pub local: Cell<Option<SocketAddr>>,
}

impl Conn {
    fn new(stream: TcpStream) -> Rc<Conn> {
        let peer = stream.peer_addr().ok();
        let local = stream.local_addr().ok();
        Rc::new(Conn {
            stream: RefCell::new(Some(stream)),
            token: Cell::new(0),
            rbuf: RefCell::new(Vec::new()),
            more_to_read: Cell::new(false),
            eof: Cell::new(false),
            read_error: RefCell::new(None),
            read_waiter: RefCell::new(None),
            want_line: Cell::new(None),
            wbuf: RefCell::new(Vec::new()),
            write_error: RefCell::new(None),
            drain_waiters: RefCell::new(Vec::new()),
            connect_waiter: RefCell::new(None),
            connect_addr: Cell::new(None),
            closing: Cell::new(false),
            eof_pending: Cell::new(false),
            closed: Cell::new(false),
            close_waiters: RefCell::new(Vec::new()),
            peer: Cell::new(peer),
            local: Cell::new(local),
        })
    }

    /// Starts a non-blocking connect; the returned future gets the connection
    /// (or the error) when the socket becomes writable.
    pub fn connect(vm: &mut Vm, addr: SocketAddr) -> PyResult<Value> {
        let fut = future::new_future();
        let stream = match TcpStream::connect(addr) {
            Ok(s) => s,
            Err(e) => {
                future::set_exception(vm, &fut, connect_error(&e, addr))?;
                return Ok(fut);
            }
        };
        let conn = Conn::new(stream);
        conn.connect_addr.set(Some(addr));
        *conn.connect_waiter.borrow_mut() = Some(fut.clone());
        register_conn(vm, &conn)?;
        Ok(fut)
    }

    /// Wraps an accepted stream and registers it.
    fn accepted(vm: &mut Vm, stream: TcpStream) -> PyResult<Rc<Conn>> {
        let conn = Conn::new(stream);
        register_conn(vm, &conn)?;
        Ok(conn)
    }

    /// Readiness from the poller.
    pub fn ready(self: &Rc<Self>, vm: &mut Vm, r: Readiness) -> PyResult<()> {
        if self.closed.get() {
            return Ok(());
        }
        if self.connect_waiter.borrow().is_some() {
            if !r.writable {
                return Ok(());
            }
            return self.finish_connect(vm);
        }
        if r.readable {
            self.read_available(!r.closed);
            self.wake_reader(vm)?;
        }
        if r.writable {
            self.flush(vm)?;
        }
        Ok(())
    }

    fn finish_connect(self: &Rc<Self>, vm: &mut Vm) -> PyResult<()> {
        let Some(fut) = self.connect_waiter.borrow_mut().take() else {
            return Ok(());
        };
        let addr = self.connect_addr.get();
        let err = {
            let s = self.stream.borrow();
            match s.as_ref() {
                None => Some(std::io::Error::from_raw_os_error(9)),
                Some(s) => match s.take_error() {
                    Ok(Some(e)) => Some(e),
                    Err(e) => Some(e),
                    Ok(None) => match s.peer_addr() {
                        Ok(p) => {
                            self.peer.set(Some(p));
                            self.local.set(s.local_addr().ok());
                            None
                        }
                        Err(e) if e.kind() == ErrorKind::NotConnected => {
                            // Not connected yet after all: keep waiting.
                            *self.connect_waiter.borrow_mut() = Some(fut);
                            return Ok(());
                        }
                        Err(e) => Some(e),
                    },
                },
            }
        };
        match err {
            Some(e) => {
                self.shutdown_now(vm);
                let exc = match addr {
                    Some(a) => connect_error(&e, a),
                    None => os_error(&e, None),
                };
                future::set_exception(vm, &fut, exc)
            }
            None => {
                let v = conn_value(self);
                future::set_result(vm, &fut, v)
            }
        }
    }

    /// Reads what the socket has, up to the high-water mark.
    fn read_some(&self) {
        self.read_available(false);
    }

    /// Reads into the buffer; `short_ok`: a short read may end it (no EOF seen).
    fn read_available(&self, short_ok: bool) {
        let mut chunk = READ_CHUNK.with(|c| c.take());
        if chunk.len() < 65536 {
            chunk = vec![0u8; 65536];
        }
        self.read_into(&mut chunk, short_ok);
        READ_CHUNK.with(|c| c.set(chunk));
    }

    fn read_into(&self, chunk: &mut [u8], short_ok: bool) {
        let mut guard = self.stream.borrow_mut();
        let Some(s) = guard.as_mut() else { return };
        let mut rbuf = self.rbuf.borrow_mut();
        loop {
            if rbuf.len() >= READ_HIGH_WATER {
                self.more_to_read.set(true);
                return;
            }
            match s.read(chunk) {
                Ok(0) => {
                    self.eof.set(true);
                    self.more_to_read.set(false);
                    return;
                }
                Ok(n) => {
                    rbuf.extend_from_slice(&chunk[..n]);
                    if short_ok && n < chunk.len() {
                        // A short read emptied the socket's queue: new data will
                        // come with a new readiness edge (saves a read that would
                        // only say WouldBlock).
                        self.more_to_read.set(false);
                        return;
                    }
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    self.more_to_read.set(false);
                    return;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) => {
                    *self.read_error.borrow_mut() = Some(e);
                    self.eof.set(true);
                    self.more_to_read.set(false);
                    return;
                }
            }
        }
    }

    /// Hands buffered data (or EOF, or the error) to a waiting reader.
    fn wake_reader(&self, vm: &mut Vm) -> PyResult<()> {
        let ready = !self.rbuf.borrow().is_empty() || self.eof.get();
        if !ready || self.read_waiter.borrow().is_none() {
            return Ok(());
        }
        if let Some(limit) = self.want_line.get() {
            let line = self.take_line(limit);
            if line.is_none() && !self.line_hopeless(limit) {
                return Ok(());
            }
            let Some(fut) = self.read_waiter.borrow_mut().take() else {
                return Ok(());
            };
            self.want_line.set(None);
            if future::future_of(&fut).is_some_and(|f| f.done()) {
                return Ok(());
            }
            let v = line.map_or(Value::None, |l| Value::Bytes(Rc::new(l)));
            return future::set_result(vm, &fut, v);
        }
        let Some(fut) = self.read_waiter.borrow_mut().take() else {
            return Ok(());
        };
        if future::future_of(&fut).is_some_and(|f| f.done()) {
            return Ok(());
        }
        match self.take_read()? {
            Ok(v) => future::set_result(vm, &fut, v),
            Err(e) => future::set_exception(vm, &fut, e),
        }
    }

    /// The buffered data as bytes (b"" at EOF), or the read error.
    fn take_read(&self) -> PyResult<Result<Value, Value>> {
        let data = std::mem::take(&mut *self.rbuf.borrow_mut());
        if data.is_empty() {
            if let Some(e) = self.read_error.borrow_mut().take() {
                return Ok(Err(os_error(&e, None)));
            }
        }
        if self.more_to_read.get() {
            self.read_some();
        }
        Ok(Ok(Value::Bytes(Rc::new(data))))
    }

    /// A complete line (through b"\n", at most `limit` bytes before it) from
    /// the buffer, if there is one.
    fn take_line(&self, limit: usize) -> Option<Vec<u8>> {
        let mut rbuf = self.rbuf.borrow_mut();
        let i = rbuf.iter().position(|b| *b == b'\n')?;
        if i > limit {
            return None;
        }
        let line: Vec<u8> = rbuf.drain(..=i).collect();
        drop(rbuf);
        if self.more_to_read.get() {
            self.read_some();
        }
        Some(line)
    }

    /// No line can come out of the fast path: end of data, an error, or too
    /// much data without a separator (the slow path reports each).
    fn line_hopeless(&self, limit: usize) -> bool {
        let rbuf = self.rbuf.borrow();
        self.eof.get()
            || self.closed.get()
            || self.read_error.borrow().is_some()
            || match rbuf.iter().position(|b| *b == b'\n') {
                Some(i) => i > limit,
                None => rbuf.len() > limit,
            }
    }

    /// `recv_line(limit)`: a future for the next line, or for None when the
    /// caller must take the general path (EOF, an error, a line over the limit).
    pub fn recv_line(&self, vm: &mut Vm, limit: usize) -> PyResult<Value> {
        let fut = future::new_future();
        if self.read_waiter.borrow().is_some() {
            return Err(types::runtime_error(
                "readuntil() called while another coroutine is already waiting for incoming data",
            ));
        }
        if let Some(line) = self.take_line(limit) {
            future::set_result(vm, &fut, Value::Bytes(Rc::new(line)))?;
            return Ok(fut);
        }
        if self.line_hopeless(limit) {
            future::set_result(vm, &fut, Value::None)?;
            return Ok(fut);
        }
        self.want_line.set(Some(limit));
        *self.read_waiter.borrow_mut() = Some(fut.clone());
        Ok(fut)
    }

    /// `recv()`: a future for the next chunk of data (b"" at EOF).
    pub fn recv(&self, vm: &mut Vm) -> PyResult<Value> {
        let fut = future::new_future();
        if self.read_waiter.borrow().is_some() {
            return Err(types::runtime_error(
                "read() called while another coroutine is already waiting for incoming data",
            ));
        }
        if self.closed.get() && self.rbuf.borrow().is_empty() {
            future::set_result(vm, &fut, Value::Bytes(Rc::new(Vec::new())))?;
            return Ok(fut);
        }
        if !self.rbuf.borrow().is_empty() || self.eof.get() {
            match self.take_read()? {
                Ok(v) => future::set_result(vm, &fut, v)?,
                Err(e) => future::set_exception(vm, &fut, e)?,
            }
            return Ok(fut);
        }
        *self.read_waiter.borrow_mut() = Some(fut.clone());
        Ok(fut)
    }

    /// `send(data)`: writes now what the socket takes and buffers the rest.
    pub fn send(self: &Rc<Self>, vm: &mut Vm, data: &[u8]) -> PyResult<()> {
        if self.closing.get() || self.eof_pending.get() || self.closed.get() {
            return Ok(());
        }
        if self.write_error.borrow().is_some() {
            return Ok(());
        }
        self.wbuf.borrow_mut().extend_from_slice(data);
        self.flush(vm)
    }

    /// Writes out the buffer as far as the socket takes it, then finishes a
    /// pending close or write_eof and wakes drain() waiters.
    fn flush(self: &Rc<Self>, vm: &mut Vm) -> PyResult<()> {
        {
            let mut guard = self.stream.borrow_mut();
            let mut wbuf = self.wbuf.borrow_mut();
            if let Some(s) = guard.as_mut() {
                let mut written = 0;
                while written < wbuf.len() {
                    match s.write(&wbuf[written..]) {
                        Ok(0) => break,
                        Ok(n) => written += n,
                        Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                        Err(e) => {
                            *self.write_error.borrow_mut() = Some(e);
                            written = wbuf.len();
                        }
                    }
                }
                wbuf.drain(..written);
            }
        }
        let buffered = self.wbuf.borrow().len();
        if buffered == 0 || self.write_error.borrow().is_some() {
            self.wbuf.borrow_mut().clear();
            if self.closing.get() {
                self.shutdown_now(vm);
            } else if self.eof_pending.get() {
                if let Some(s) = self.stream.borrow().as_ref() {
                    let _ = s.shutdown(Shutdown::Write);
                }
            }
        }
        if buffered <= WRITE_LOW_WATER || self.write_error.borrow().is_some() {
            let waiters = std::mem::take(&mut *self.drain_waiters.borrow_mut());
            for w in waiters {
                if future::future_of(&w).is_some_and(|f| !f.done()) {
                    future::set_result(vm, &w, Value::None)?;
                }
            }
        }
        Ok(())
    }

    /// `drain()`: None when the buffer is small enough, else a future for when it is.
    pub fn drain(&self) -> PyResult<Value> {
        if let Some(exc) = self.write_failed() {
            return Err(exc);
        }
        if self.wbuf.borrow().len() <= WRITE_HIGH_WATER || self.closed.get() {
            return Ok(Value::None);
        }
        let fut = future::new_future();
        self.drain_waiters.borrow_mut().push(fut.clone());
        Ok(fut)
    }

    /// The pending write error's errno-based exception, if any.
    pub fn write_failed(&self) -> Option<Value> {
        self.write_error.borrow().as_ref().map(|e| {
            let errno = e.raw_os_error();
            match errno {
                Some(n) => os_error(&std::io::Error::from_raw_os_error(n), None),
                None => os_error(e, None),
            }
        })
    }

    /// `write_eof()`: shut down the write side once the buffer is out.
    pub fn write_eof(self: &Rc<Self>, vm: &mut Vm) -> PyResult<()> {
        if self.closing.get() || self.eof_pending.get() || self.closed.get() {
            return Ok(());
        }
        self.eof_pending.set(true);
        self.flush(vm)
    }

    /// `close()`: close once the buffer is out (at once if it is empty).
    pub fn close(self: &Rc<Self>, vm: &mut Vm) -> PyResult<()> {
        if self.closing.get() || self.closed.get() {
            return Ok(());
        }
        self.closing.set(true);
        if let Some(fut) = self.connect_waiter.borrow_mut().take() {
            future::cancel(vm, &fut, Value::None);
        }
        self.flush(vm)
    }

    /// `abort()`: close now, dropping what is buffered.
    pub fn abort(self: &Rc<Self>, vm: &mut Vm) {
        self.closing.set(true);
        self.wbuf.borrow_mut().clear();
        self.shutdown_now(vm);
    }

    pub fn is_closing(&self) -> bool {
        self.closing.get() || self.closed.get()
    }

    /// A future done when the socket is closed.
    pub fn wait_closed(&self, vm: &mut Vm) -> PyResult<Value> {
        let fut = future::new_future();
        if self.closed.get() {
            future::set_result(vm, &fut, Value::None)?;
        } else {
            self.close_waiters.borrow_mut().push(fut.clone());
        }
        Ok(fut)
    }

    /// Deregisters and drops the socket; wakes every waiter.
    fn shutdown_now(&self, vm: &mut Vm) {
        if self.closed.get() {
            return;
        }
        self.closed.set(true);
        if let Some(mut s) = self.stream.borrow_mut().take() {
            if let Some(io) = vm.event_loop.as_mut().and_then(|l| l.io.as_mut()) {
                io.deregister(&mut s, self.token.get());
            }
        }
        self.eof.set(true);
        let mut waiters = std::mem::take(&mut *self.close_waiters.borrow_mut());
        waiters.append(&mut self.drain_waiters.borrow_mut());
        if let Some(r) = self.read_waiter.borrow_mut().take() {
            self.want_line.set(None);
            waiters.push(r);
        }
        for w in waiters {
            if future::future_of(&w).is_some_and(|f| !f.done()) {
                let _ = future::set_result(vm, &w, Value::None);
            }
        }
    }
}

/// The exception CPython raises for a failed connect: `[Errno 111] Connect call
/// failed ('127.0.0.1', 1)`.
fn connect_error(e: &std::io::Error, addr: SocketAddr) -> Value {
    let errno = e.raw_os_error().unwrap_or(0);
    let exc = os_error(e, None);
    let addr_text = match addr {
        SocketAddr::V4(a) => format!("('{}', {})", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("('{}', {}, 0, 0)", a.ip(), a.port()),
    };
    let msg = format!("Connect call failed {addr_text}");
    if let Value::Instance(i) = &exc {
        if let Some(d) = exc.exc_data() {
            d.borrow_mut().args = vec![Value::Int(errno as i64), Value::str(msg.clone())];
        }
        i.dict
            .insert(crate::value::Symbol::new("strerror"), Value::str(msg));
    }
    exc
}

fn register_conn(vm: &mut Vm, conn: &Rc<Conn>) -> PyResult<()> {
    let io = io_driver(vm)?;
    let mut guard = conn.stream.borrow_mut();
    let Some(s) = guard.as_mut() else {
        return Ok(());
    };
    let c = conn.clone();
    let token = io
        .register(s, move |_| Source::Conn(c))
        .map_err(|e| os_error(&e, None))?;
    conn.token.set(token);
    Ok(())
}

/// The running loop's I/O driver (created on first use).
pub fn io_driver(vm: &mut Vm) -> PyResult<&mut super::io::IoDriver> {
    let l = vm.event_loop();
    if l.io.is_none() {
        let d = super::io::IoDriver::new().map_err(|e| os_error(&e, None))?;
        l.io = Some(d);
    }
    Ok(l.io.as_mut().expect("just made"))
}

/// A listening socket.
pub struct Listener {
    socket: RefCell<Option<TcpListener>>,
    token: Cell<usize>,
    pub local: SocketAddr,
    /// Called with each accepted connection.
    on_accept: Value,
    /// Paused listeners leave connections in the backlog.
    serving: Cell<bool>,
}

impl Listener {
    /// Binds and listens on `addr`.
    pub fn bind(vm: &mut Vm, addr: SocketAddr, on_accept: Value) -> PyResult<Rc<Listener>> {
        let sock = TcpListener::bind(addr).map_err(|e| bind_error(&e, addr))?;
        let local = sock.local_addr().unwrap_or(addr);
        let l = Rc::new(Listener {
            socket: RefCell::new(Some(sock)),
            token: Cell::new(0),
            local,
            on_accept,
            serving: Cell::new(true),
        });
        let io = io_driver(vm)?;
        let mut guard = l.socket.borrow_mut();
        if let Some(s) = guard.as_mut() {
            let c = l.clone();
            let token = io
                .register(s, move |_| Source::Listener(c))
                .map_err(|e| os_error(&e, None))?;
            l.token.set(token);
        }
        drop(guard);
        Ok(l)
    }

    /// Accepts what is waiting; each connection goes to the callback (call_soon).
    pub fn ready(self: &Rc<Self>, vm: &mut Vm) -> PyResult<()> {
        if !self.serving.get() {
            return Ok(());
        }
        loop {
            let accepted = {
                let guard = self.socket.borrow();
                let Some(s) = guard.as_ref() else {
                    return Ok(());
                };
                s.accept()
            };
            match accepted {
                Ok((stream, _)) => {
                    let conn = Conn::accepted(vm, stream)?;
                    vm.call_soon(super::Callback::Call {
                        func: self.on_accept.clone(),
                        args: vec![conn_value(&conn)],
                    });
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // ECONNABORTED, EMFILE and the like: skip this one, as CPython logs and goes on.
                Err(_) => return Ok(()),
            }
        }
    }

    /// Stops listening and closes the socket.
    pub fn close(&self, vm: &mut Vm) {
        self.serving.set(false);
        if let Some(mut s) = self.socket.borrow_mut().take() {
            if let Some(io) = vm.event_loop.as_mut().and_then(|l| l.io.as_mut()) {
                io.deregister(&mut s, self.token.get());
            }
        }
    }

    pub fn is_open(&self) -> bool {
        self.socket.borrow().is_some()
    }
}

/// CPython's message for a failed bind.
fn bind_error(e: &std::io::Error, addr: SocketAddr) -> Value {
    let exc = os_error(e, None);
    let errno = e.raw_os_error().unwrap_or(0);
    let strerror = {
        let s = e.to_string();
        s.split(" (os error").next().unwrap_or(&s).to_lowercase()
    };
    let host = match addr {
        SocketAddr::V4(a) => a.ip().to_string(),
        SocketAddr::V6(a) => a.ip().to_string(),
    };
    let msg = format!(
        "error while attempting to bind on address ('{host}', {}): {strerror}",
        addr.port()
    );
    if let Some(d) = exc.exc_data() {
        d.borrow_mut().args = vec![Value::Int(errno as i64), Value::str(msg.clone())];
    }
    if let Value::Instance(i) = &exc {
        i.dict
            .insert(crate::value::Symbol::new("strerror"), Value::str(msg));
    }
    exc
}

/// A connection as a script value (a `_asyncio._Conn` object).
pub fn conn_value(conn: &Rc<Conn>) -> Value {
    crate::stdlib::streams::conn_object(conn.clone())
}

/// Dispatches one readiness event.
pub fn dispatch(vm: &mut Vm, source: Source, r: Readiness) -> PyResult<()> {
    match source {
        Source::Conn(c) => c.ready(vm, r),
        Source::Listener(l) => l.ready(vm),
    }
}

/// A socket address as Python shows it: (host, port) or (host, port, flowinfo, scope_id).
pub fn addr_tuple(addr: SocketAddr) -> Value {
    match addr {
        SocketAddr::V4(a) => Value::tuple(vec![
            Value::str(a.ip().to_string()),
            Value::Int(a.port() as i64),
        ]),
        SocketAddr::V6(a) => Value::tuple(vec![
            Value::str(a.ip().to_string()),
            Value::Int(a.port() as i64),
            Value::Int(a.flowinfo() as i64),
            Value::Int(a.scope_id() as i64),
        ]),
    }
}
