//! The native half of asyncio's streams: connection and listener objects over
//! `runtime::net`, used by the StreamReader, StreamWriter and Server classes
//! written in aio (`asyncio/streams.aio`).

use crate::runtime::net::{addr_tuple, Conn, Listener};
use crate::stdlib::os::os_error;
use crate::value::object::{AttrMap, Class, Layout, Native, NativeFn};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::Vm;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

struct Classes {
    conn: Rc<Class>,
    listener: Rc<Class>,
}

thread_local! {
    static CLASSES: Classes = make_classes();
    static EXCEPTION: Symbol = Symbol::new("_exception");
}

const CONN_METHODS: &[(&str, NativeFn)] = &[
    ("recv", c_recv),
    ("recv_line", c_recv_line),
    ("send", c_send),
    ("drain", c_drain),
    ("drain_wait", c_drain_wait),
    ("write_eof", c_write_eof),
    ("close", c_close),
    ("abort", c_abort),
    ("is_closing", c_is_closing),
    ("wait_closed", c_wait_closed),
    ("peername", c_peername),
    ("sockname", c_sockname),
];

const LISTENER_METHODS: &[(&str, NativeFn)] = &[
    ("close", l_close),
    ("getsockname", l_getsockname),
    ("is_open", l_is_open),
];

fn make_classes() -> Classes {
    let object = types::with_types(|t| t.object.clone());
    let conn = types::new_class_in("_Conn", Some(&object), Layout::Native, false, "asyncio");
    for (n, f) in CONN_METHODS {
        super::types::method(&conn, n, *f);
    }
    let listener =
        types::new_class_in("_Listener", Some(&object), Layout::Native, false, "asyncio");
    for (n, f) in LISTENER_METHODS {
        super::types::method(&listener, n, *f);
    }
    Classes { conn, listener }
}

/// A connection as a script value.
pub fn conn_object(conn: Rc<Conn>) -> Value {
    let class = CLASSES.with(|c| c.conn.clone());
    Value::native(Native::Object {
        class,
        payload: Box::new(conn),
    })
}

fn listener_object(l: Rc<Listener>) -> Value {
    let class = CLASSES.with(|c| c.listener.clone());
    Value::native(Native::Object {
        class,
        payload: Box::new(l),
    })
}

fn payload<T: 'static + Clone>(v: Option<&Value>, what: &str) -> PyResult<T> {
    if let Some(Value::Native(n)) = v {
        if let Native::Object { payload, .. } = &**n {
            if let Some(c) = payload.downcast_ref::<T>() {
                return Ok(c.clone());
            }
        }
    }
    Err(types::type_error(format!("expected a {what} object")))
}

fn conn(args: &[Value]) -> PyResult<Rc<Conn>> {
    payload::<Rc<Conn>>(args.first(), "connection")
}

fn listener(args: &[Value]) -> PyResult<Rc<Listener>> {
    payload::<Rc<Listener>>(args.first(), "listener")
}

fn c_recv(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    conn(args)?.recv(vm)
}

fn c_recv_line(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let limit = match args.get(1) {
        Some(Value::Int(n)) if *n > 0 => *n as usize,
        _ => 65536,
    };
    conn(args)?.recv_line(vm, limit)
}

fn c_send(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let c = conn(args)?;
    match args.get(1) {
        Some(Value::Bytes(b)) => {
            let data = b.clone();
            c.send(vm, &data)?;
            Ok(Value::None)
        }
        Some(other) => Err(types::type_error(format!(
            "data argument must be a bytes-like object, not '{}'",
            other.type_name()
        ))),
        None => Err(types::type_error("send() needs data")),
    }
}

fn c_drain(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    conn(args)?.drain()
}

/// `drain_wait(reader)`: StreamWriter.drain as a future: the reader's
/// exception, a write error, one loop iteration when closing, or the wait for
/// the write buffer to go down (done at once when it is small).
fn c_drain_wait(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let c = conn(args)?;
    if let Some(reader) = args.get(1).filter(|r| !matches!(r, Value::None)) {
        let exc = crate::vm::ops::getattr(vm, reader, EXCEPTION.with(|s| *s))?;
        if !matches!(exc, Value::None) {
            let fut = crate::runtime::future::new_future();
            crate::runtime::future::set_exception(vm, &fut, exc)?;
            return Ok(fut);
        }
    }
    let fut = crate::runtime::future::new_future();
    if let Some(exc) = c.write_failed() {
        crate::runtime::future::set_exception(vm, &fut, exc)?;
        return Ok(fut);
    }
    if c.is_closing() {
        vm.call_soon(crate::runtime::Callback::SetResultUnlessCancelled {
            future: fut.clone(),
            value: Value::None,
        });
        return Ok(fut);
    }
    match c.drain()? {
        Value::None => {
            crate::runtime::future::set_result(vm, &fut, Value::None)?;
            Ok(fut)
        }
        waiter => Ok(waiter),
    }
}

fn c_write_eof(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    conn(args)?.write_eof(vm)?;
    Ok(Value::None)
}

fn c_close(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    conn(args)?.close(vm)?;
    Ok(Value::None)
}

fn c_abort(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    conn(args)?.abort(vm);
    Ok(Value::None)
}

fn c_is_closing(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(conn(args)?.is_closing()))
}

fn c_wait_closed(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    conn(args)?.wait_closed(vm)
}

fn c_peername(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(conn(args)?.peer.get().map_or(Value::None, addr_tuple))
}

fn c_sockname(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(conn(args)?.local.get().map_or(Value::None, addr_tuple))
}

fn l_close(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    listener(args)?.close(vm);
    Ok(Value::None)
}

fn l_getsockname(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(addr_tuple(listener(args)?.local))
}

fn l_is_open(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(listener(args)?.is_open()))
}

/// A host argument: None, or a str.
fn host_arg(v: Option<&Value>) -> PyResult<Option<String>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) if s.text.is_empty() => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.text.clone())),
        Some(other) => Err(types::type_error(format!(
            "host must be a str or None, not {}",
            other.type_name()
        ))),
    }
}

fn port_arg(v: Option<&Value>, call: &str) -> PyResult<u16> {
    match v {
        None | Some(Value::None) => Ok(0),
        Some(Value::Int(n)) if (0..=65535).contains(n) => Ok(*n as u16),
        Some(Value::Int(_)) => Err(types::exc(
            |t| &t.overflow_error,
            format!("{call}(): port must be 0-65535."),
        )),
        Some(Value::Str(s)) => s.text.parse::<u16>().map_err(|_| {
            types::exc(
                |t| &t.os_error,
                "[Errno -8] Servname not supported for ai_socktype",
            )
        }),
        Some(other) => Err(types::type_error(format!(
            "port must be an int, not {}",
            other.type_name()
        ))),
    }
}

/// Resolves (host, port) to socket addresses, in getaddrinfo's order.
fn resolve(host: &str, port: u16) -> PyResult<Vec<SocketAddr>> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    match (host, port).to_socket_addrs() {
        Ok(addrs) => {
            let mut out: Vec<SocketAddr> = Vec::new();
            for a in addrs {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
            Ok(out)
        }
        Err(_) => Err(types::exc(
            |t| &t.os_error,
            "[Errno -2] Name or service not known",
        )),
    }
}

/// `_getaddrinfo(host, port)`: a list of address tuples.
fn getaddrinfo(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let host = host_arg(args.first())?.unwrap_or_else(|| "localhost".to_string());
    let port = port_arg(args.get(1), "connect")?;
    crate::vm::sandbox::check_net(vm, "getaddrinfo", &host, port)?;
    let addrs = resolve(&host, port)?;
    Ok(Value::list(addrs.into_iter().map(addr_tuple).collect()))
}

/// An address tuple back to a SocketAddr.
fn tuple_addr(v: &Value) -> PyResult<SocketAddr> {
    if let Value::Tuple(t) = v {
        if let (Some(Value::Str(h)), Some(p)) = (t.first(), t.get(1)) {
            let port = port_arg(Some(p), "connect")?;
            if let Ok(ip) = h.text.parse::<IpAddr>() {
                return Ok(SocketAddr::new(ip, port));
            }
            return resolve(&h.text, port)?.into_iter().next().ok_or_else(|| {
                types::exc(|t| &t.os_error, "[Errno -2] Name or service not known")
            });
        }
    }
    Err(types::type_error("expected an address tuple (host, port)"))
}

/// `_connect(addr)`: a future for a connection to the address tuple.
fn connect(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let addr = tuple_addr(args.first().unwrap_or(&Value::None))?;
    crate::vm::sandbox::check_net(vm, "connect", &addr.ip().to_string(), addr.port())?;
    Conn::connect(vm, addr)
}

/// `_listen(host, port, on_accept)`: listeners for every address of host.
fn listen(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let host = host_arg(args.first())?;
    let port = port_arg(args.get(1), "bind")?;
    crate::vm::sandbox::check_net(vm, "listen", host.as_deref().unwrap_or("0.0.0.0"), port)?;
    let on_accept = args.get(2).cloned().unwrap_or(Value::None);
    let addrs = match host {
        None => vec![SocketAddr::new(IpAddr::from([0, 0, 0, 0]), port)],
        Some(h) => resolve(&h, port)?,
    };
    let mut out = Vec::new();
    for addr in addrs {
        match Listener::bind(vm, addr, on_accept.clone()) {
            Ok(l) => out.push(listener_object(l)),
            Err(e) => {
                for l in &out {
                    if let Ok(l) = listener(std::slice::from_ref(l)) {
                        l.close(vm);
                    }
                }
                return Err(e);
            }
        }
    }
    if out.is_empty() {
        let e = std::io::Error::from_raw_os_error(99);
        return Err(os_error(&e, None));
    }
    Ok(Value::list(out))
}

/// Adds the stream primitives to the native `_asyncio` module.
pub fn register(g: &mut AttrMap) {
    let fns: &[(&'static str, NativeFn)] = &[
        ("_getaddrinfo", getaddrinfo),
        ("_connect", connect),
        ("_listen", listen),
    ];
    for (name, f) in fns {
        g.insert(Symbol::new(name), Value::builtin(name, *f));
    }
}
