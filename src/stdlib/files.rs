//! Files: the builtin `open()` and the `io` module's file objects (`TextIOWrapper`,
//! `BufferedReader`, `BufferedWriter`, `BufferedRandom`), with CPython's modes,
//! universal newlines on read, and the OSError family for failures.

use super::os::os_error;
use super::types::bytes::{decode_bytes, encode};
use crate::value::object::{Class, Layout, Native, NativeFn};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::{ops, Vm};
use std::cell::RefCell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

const CHUNK: usize = 8192;

/// The state of one open file object.
pub struct FileState {
    file: Option<File>,
    name: Value,
    mode: String,
    binary: bool,
    readable: bool,
    writable: bool,
    encoding: String,
    errors: String,
    /// Translate `\r\n` and `\r` to `\n` on read (newline=None).
    universal: bool,
    /// Bytes read ahead from the file, from `rpos` on unconsumed.
    rbuf: Vec<u8>,
    rpos: usize,
    /// Text mode: decoded text not yet handed out, and a held-back `\r`.
    tbuf: String,
    held_cr: bool,
    eof: bool,
    /// Bytes written but not yet passed to the file.
    wbuf: Vec<u8>,
}

struct Classes {
    text: Rc<Class>,
    reader: Rc<Class>,
    writer: Rc<Class>,
    random: Rc<Class>,
    unsupported: Rc<Class>,
}

thread_local! {
    static CLASSES: Classes = make_classes();
}

const METHODS: &[(&str, NativeFn)] = &[
    ("read", f_read),
    ("readline", f_readline),
    ("readlines", f_readlines),
    ("write", f_write),
    ("writelines", f_writelines),
    ("flush", f_flush),
    ("close", f_close),
    ("seek", f_seek),
    ("tell", f_tell),
    ("truncate", f_truncate),
    ("readable", f_readable),
    ("writable", f_writable),
    ("seekable", f_seekable),
    ("fileno", f_fileno),
    ("isatty", f_isatty),
    ("__enter__", f_enter),
    ("__exit__", f_exit),
    ("__iter__", f_iter),
    ("__next__", f_next),
    ("__repr__", f_repr),
];

fn make_classes() -> Classes {
    let object = types::with_types(|t| t.object.clone());
    let mk = |name: &str, text: bool| {
        let c = types::new_class_in(name, Some(&object), Layout::Native, false, "_io");
        for (n, f) in METHODS {
            super::types::method(&c, n, *f);
        }
        super::types::getter(&c, "closed", g_closed);
        super::types::getter(&c, "name", g_name);
        super::types::getter(&c, "mode", g_mode);
        if text {
            super::types::getter(&c, "encoding", g_encoding);
            super::types::getter(&c, "errors", g_errors);
        }
        c
    };
    // io.UnsupportedOperation derives from both OSError and ValueError.
    let (os_error, value_error) =
        types::with_types(|t| (t.os_error.clone(), t.value_error.clone()));
    let mut mro = vec![os_error.clone(), value_error.clone()];
    for c in value_error.mro.iter() {
        if !mro.iter().any(|m| Rc::ptr_eq(m, c)) {
            mro.push(c.clone());
        }
    }
    crate::value::object::class_changed();
    let unsupported = Rc::new(Class {
        name: "UnsupportedOperation".to_string(),
        qualname: RefCell::new("UnsupportedOperation".to_string()),
        module: "io".to_string(),
        base: Some(os_error.clone()),
        mro,
        dict: RefCell::new(Default::default()),
        layout: os_error.layout,
        is_user: false,
        unhashable: std::cell::Cell::new(false),
        getattribute: std::cell::Cell::new(false),
        lookup_cache: Default::default(),
    });
    Classes {
        text: mk("TextIOWrapper", true),
        reader: mk("BufferedReader", false),
        writer: mk("BufferedWriter", false),
        random: mk("BufferedRandom", false),
        unsupported,
    }
}

fn unsupported(msg: &str) -> Value {
    let class = CLASSES.with(|c| c.unsupported.clone());
    types::new_exception(&class, vec![Value::str(msg)])
}

fn closed_error() -> Value {
    types::value_error("I/O operation on closed file.")
}

/// Registers `open` among the builtins.
pub fn register(g: &mut crate::value::object::AttrMap) {
    g.insert(Symbol::new("open"), Value::builtin("open", open));
}

/// Builds the `io` module.
pub fn io_module(_vm: &mut Vm) -> Value {
    let m = super::new_module("io");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("io"));
        g.insert(Symbol::new("open"), Value::builtin("open", open));
        CLASSES.with(|c| {
            for class in [&c.text, &c.reader, &c.writer, &c.random, &c.unsupported] {
                g.insert(Symbol::new(&class.name), Value::Class(class.clone()));
            }
        });
        g.insert(Symbol::new("SEEK_SET"), Value::Int(0));
        g.insert(Symbol::new("SEEK_CUR"), Value::Int(1));
        g.insert(Symbol::new("SEEK_END"), Value::Int(2));
        g.insert(Symbol::new("DEFAULT_BUFFER_SIZE"), Value::Int(CHUNK as i64));
    }
    Value::Module(m)
}

/// The parsed `mode` argument.
struct Mode {
    read: bool,
    write: bool,
    append: bool,
    create: bool,
    plus: bool,
    binary: bool,
}

fn parse_mode(mode: &str) -> PyResult<Mode> {
    let mut m = Mode {
        read: false,
        write: false,
        append: false,
        create: false,
        plus: false,
        binary: false,
    };
    let mut text = false;
    let mut seen = String::new();
    for ch in mode.chars() {
        if !"rwxab+t".contains(ch) || seen.contains(ch) {
            return Err(types::value_error(format!("invalid mode: '{mode}'")));
        }
        seen.push(ch);
        match ch {
            'r' => m.read = true,
            'w' => m.write = true,
            'a' => m.append = true,
            'x' => m.create = true,
            '+' => m.plus = true,
            'b' => m.binary = true,
            _ => text = true,
        }
    }
    if text && m.binary {
        return Err(types::value_error(
            "can't have text and binary mode at once",
        ));
    }
    let kinds = [m.read, m.write, m.append, m.create]
        .iter()
        .filter(|b| **b)
        .count();
    if kinds > 1 {
        return Err(types::value_error(
            "must have exactly one of create/read/write/append mode",
        ));
    }
    if kinds == 0 {
        return Err(types::value_error(
            "Must have exactly one of create/read/write/append mode and at most one plus",
        ));
    }
    Ok(m)
}

fn opt_str(v: Option<&Value>, func: &str, what: &str) -> PyResult<Option<String>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(s.text.clone())),
        Some(other) => Err(types::type_error(format!(
            "{func}() argument '{what}' must be str or None, not {}",
            other.type_name()
        ))),
    }
}

/// `open(file, mode='r', buffering=-1, encoding=None, errors=None, newline=None)`.
fn open(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    const NAMES: [&str; 8] = [
        "file",
        "mode",
        "buffering",
        "encoding",
        "errors",
        "newline",
        "closefd",
        "opener",
    ];
    if args.len() > NAMES.len() {
        return Err(types::type_error(format!(
            "open() takes at most 8 arguments ({} given)",
            args.len() + kwargs.len()
        )));
    }
    let mut slots: Vec<Option<Value>> = vec![None; NAMES.len()];
    for (i, a) in args.iter().enumerate() {
        slots[i] = Some(a.clone());
    }
    for (k, v) in kwargs {
        let name = k.text();
        match NAMES.iter().position(|n| *n == &*name) {
            Some(i) if slots[i].is_some() => {
                return Err(types::type_error(format!(
                    "argument for open() given by name ('{name}') and position ({})",
                    i + 1
                )))
            }
            Some(i) => slots[i] = Some(v.clone()),
            None => {
                return Err(types::type_error(format!(
                    "open() got an unexpected keyword argument '{name}'"
                )))
            }
        }
    }
    let Some(file) = slots[0].clone() else {
        return Err(types::type_error(
            "open() missing required argument 'file' (pos 1)",
        ));
    };
    let path = match &file {
        Value::Str(s) => s.text.clone(),
        other => {
            return Err(types::type_error(format!(
                "expected str, bytes or os.PathLike object, not {}",
                other.type_name()
            )))
        }
    };
    let mode_text = match &slots[1] {
        None => "r".to_string(),
        Some(Value::Str(s)) => s.text.clone(),
        Some(other) => {
            return Err(types::type_error(format!(
                "open() argument 'mode' must be str, not {}",
                other.type_name()
            )))
        }
    };
    let mode = parse_mode(&mode_text)?;
    {
        use crate::vm::sandbox::{check_path, Access};
        if mode.read || mode.plus {
            check_path(vm, "open", &path, Access::Read)?;
        }
        if mode.write || mode.append || mode.create || mode.plus {
            check_path(vm, "open", &path, Access::Write)?;
        }
    }
    let encoding = opt_str(slots[3].as_ref(), "open", "encoding")?;
    let errors = opt_str(slots[4].as_ref(), "open", "errors")?;
    let newline = opt_str(slots[5].as_ref(), "open", "newline")?;
    if mode.binary {
        if encoding.is_some() {
            return Err(types::value_error(
                "binary mode doesn't take an encoding argument",
            ));
        }
        if errors.is_some() {
            return Err(types::value_error(
                "binary mode doesn't take an errors argument",
            ));
        }
        if newline.is_some() {
            return Err(types::value_error(
                "binary mode doesn't take a newline argument",
            ));
        }
    }
    if let Some(nl) = &newline {
        if !matches!(nl.as_str(), "" | "\n" | "\r" | "\r\n") {
            return Err(types::value_error(format!(
                "illegal newline value: {}",
                ops::str_repr(nl)
            )));
        }
    }
    let encoding = encoding.unwrap_or_else(|| "UTF-8".to_string());
    let mut opts = std::fs::OpenOptions::new();
    opts.read(mode.read || mode.plus)
        .write(mode.write || mode.append || mode.create || mode.plus)
        .append(mode.append)
        .truncate(mode.write)
        .create(mode.write || mode.append)
        .create_new(mode.create);
    let mut f = opts.open(&path).map_err(|e| os_error(&e, Some(&path)))?;
    if mode.append {
        // Appending files start at the end, as CPython's do.
        let _ = f.seek(SeekFrom::End(0));
    }
    if let Ok(meta) = f.metadata() {
        if meta.is_dir() {
            let e = std::io::Error::from_raw_os_error(21);
            return Err(os_error(&e, Some(&path)));
        }
    }
    if !mode.binary {
        // An unknown encoding fails once the file is open, as in CPython.
        encode("", &encoding, "strict")?;
    }
    let readable = mode.read || mode.plus;
    let writable = !mode.read || mode.plus;
    // The mode as CPython reports it.
    let shown = if mode.binary {
        let base = if mode.read {
            "r"
        } else if mode.write {
            "w"
        } else if mode.append {
            "a"
        } else {
            "x"
        };
        format!("{base}b{}", if mode.plus { "+" } else { "" })
    } else {
        mode_text.clone()
    };
    let state = FileState {
        file: Some(f),
        name: file,
        mode: shown,
        binary: mode.binary,
        readable,
        writable,
        encoding,
        errors: errors.unwrap_or_else(|| "strict".to_string()),
        universal: newline.is_none(),
        rbuf: Vec::new(),
        rpos: 0,
        tbuf: String::new(),
        held_cr: false,
        eof: false,
        wbuf: Vec::new(),
    };
    let class = CLASSES.with(|c| {
        if !mode.binary {
            c.text.clone()
        } else if mode.plus {
            c.random.clone()
        } else if mode.read {
            c.reader.clone()
        } else {
            c.writer.clone()
        }
    });
    Ok(Value::native(Native::Object {
        class,
        payload: Box::new(RefCell::new(state)),
    }))
}

/// The state behind a file object.
fn with_state<R>(v: &Value, f: impl FnOnce(&mut FileState) -> PyResult<R>) -> PyResult<R> {
    if let Value::Native(n) = v {
        if let Native::Object { payload, .. } = &**n {
            if let Some(s) = payload.downcast_ref::<RefCell<FileState>>() {
                let mut s = s
                    .try_borrow_mut()
                    .map_err(|_| types::runtime_error("reentrant call inside file object"))?;
                return f(&mut s);
            }
        }
    }
    Err(types::type_error(format!(
        "descriptor requires a '_io.TextIOWrapper' object but received a '{}'",
        v.type_name()
    )))
}

fn receiver<'a>(args: &'a [Value], name: &str) -> PyResult<&'a Value> {
    args.first()
        .ok_or_else(|| types::type_error(format!("{name}() needs a file object")))
}

fn io_err(e: std::io::Error, s: &FileState) -> Value {
    let _ = s;
    os_error(&e, None)
}

impl FileState {
    fn file(&mut self) -> PyResult<&mut File> {
        self.file.as_mut().ok_or_else(closed_error)
    }

    fn check_open(&self) -> PyResult<()> {
        if self.file.is_none() {
            Err(closed_error())
        } else {
            Ok(())
        }
    }

    fn check_readable(&self) -> PyResult<()> {
        self.check_open()?;
        if !self.readable {
            return Err(unsupported(if self.binary {
                "read"
            } else {
                "not readable"
            }));
        }
        Ok(())
    }

    fn check_writable(&self) -> PyResult<()> {
        self.check_open()?;
        if !self.writable {
            return Err(unsupported(if self.binary {
                "write"
            } else {
                "not writable"
            }));
        }
        Ok(())
    }

    fn flush_writes(&mut self) -> PyResult<()> {
        if self.wbuf.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.wbuf);
        let r = self.file()?.write_all(&data);
        r.map_err(|e| io_err(e, self))
    }

    /// Drops read-ahead data, moving the file position back to what was consumed.
    fn drop_readahead(&mut self) -> PyResult<()> {
        self.drop_readahead_for(false)
    }

    /// Before a write: like CPython's TextIOWrapper, text already decoded is
    /// dropped without moving the position back (only raw read-ahead is).
    fn drop_for_write(&mut self) -> PyResult<()> {
        self.drop_readahead_for(true)
    }

    fn drop_readahead_for(&mut self, writing: bool) -> PyResult<()> {
        let mut unread = (self.rbuf.len() - self.rpos) as i64;
        if !self.binary && !writing {
            unread += encode(&self.tbuf, &self.encoding, "replace")
                .map(|b| b.len())
                .unwrap_or(0) as i64;
            if self.held_cr {
                unread += 1;
            }
        }
        self.rbuf.clear();
        self.rpos = 0;
        self.tbuf.clear();
        self.held_cr = false;
        self.eof = false;
        if unread > 0 {
            let r = self.file()?.seek(SeekFrom::Current(-unread));
            r.map_err(|e| io_err(e, self))?;
        }
        Ok(())
    }

    /// Reads one more chunk of raw bytes; false at end of file.
    fn fill_raw(&mut self) -> PyResult<bool> {
        if self.eof {
            return Ok(false);
        }
        if self.rpos > 0 && self.rpos == self.rbuf.len() {
            self.rbuf.clear();
            self.rpos = 0;
        }
        let mut chunk = [0u8; CHUNK];
        loop {
            let r = self.file()?.read(&mut chunk);
            match r {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.rbuf.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io_err(e, self)),
            }
        }
    }

    /// Text mode: decodes more text into `tbuf`; false at end of file.
    fn fill_text(&mut self) -> PyResult<bool> {
        let more = self.fill_raw()?;
        let pending = &self.rbuf[self.rpos..];
        if pending.is_empty() && !more {
            if self.held_cr {
                self.held_cr = false;
                self.tbuf.push(if self.universal { '\n' } else { '\r' });
                return Ok(true);
            }
            return Ok(false);
        }
        // Decode what is complete; an incomplete UTF-8 sequence waits for more bytes.
        let take = if more && self.encoding_is_utf8() {
            match std::str::from_utf8(pending) {
                Ok(_) => pending.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                Err(_) => pending.len(),
            }
        } else {
            pending.len()
        };
        let text = decode_bytes(&pending[..take], &self.encoding, &self.errors)?;
        self.rpos += take;
        let mut text = if self.held_cr {
            self.held_cr = false;
            format!("\r{text}")
        } else {
            text
        };
        if self.universal {
            if more && text.ends_with('\r') {
                text.pop();
                self.held_cr = true;
            }
            self.tbuf
                .push_str(&text.replace("\r\n", "\n").replace('\r', "\n"));
        } else {
            self.tbuf.push_str(&text);
        }
        Ok(true)
    }

    fn encoding_is_utf8(&self) -> bool {
        let e = self.encoding.to_ascii_lowercase().replace('_', "-");
        matches!(e.as_str(), "utf-8" | "utf8" | "u8" | "utf")
    }

    /// Binary read of up to `n` bytes (all when None).
    fn read_bytes(&mut self, n: Option<usize>) -> PyResult<Vec<u8>> {
        loop {
            let have = self.rbuf.len() - self.rpos;
            if let Some(n) = n {
                if have >= n {
                    break;
                }
            }
            if !self.fill_raw()? {
                break;
            }
        }
        let have = self.rbuf.len() - self.rpos;
        let take = n.map_or(have, |n| n.min(have));
        let out = self.rbuf[self.rpos..self.rpos + take].to_vec();
        self.rpos += take;
        Ok(out)
    }

    /// Text read of up to `n` characters (all when None).
    fn read_text(&mut self, n: Option<usize>) -> PyResult<String> {
        loop {
            if let Some(n) = n {
                if self.tbuf.chars().count() >= n {
                    break;
                }
            }
            if !self.fill_text()? {
                break;
            }
        }
        let take = match n {
            Some(n) => self
                .tbuf
                .char_indices()
                .nth(n)
                .map_or(self.tbuf.len(), |(i, _)| i),
            None => self.tbuf.len(),
        };
        let rest = self.tbuf.split_off(take);
        Ok(std::mem::replace(&mut self.tbuf, rest))
    }

    fn readline_bytes(&mut self, limit: Option<usize>) -> PyResult<Vec<u8>> {
        let mut scanned = 0;
        loop {
            let pending = &self.rbuf[self.rpos..];
            if let Some(i) = pending[scanned..].iter().position(|b| *b == b'\n') {
                let end = scanned + i + 1;
                let end = limit.map_or(end, |l| end.min(l));
                return self.read_bytes(Some(end));
            }
            scanned = pending.len();
            if limit.is_some_and(|l| scanned >= l) || !self.fill_raw()? {
                return self.read_bytes(Some(limit.map_or(scanned, |l| l.min(scanned))));
            }
        }
    }

    fn readline_text(&mut self, limit: Option<usize>) -> PyResult<String> {
        let mut scanned = 0;
        loop {
            let nl = if self.universal {
                self.tbuf[scanned..].find('\n')
            } else {
                self.tbuf[scanned..].find(['\n', '\r'])
            };
            if let Some(i) = nl {
                let mut end = scanned + i + 1;
                if !self.universal && self.tbuf.as_bytes()[end - 1] == b'\r' {
                    if end == self.tbuf.len() && self.fill_text()? {
                        continue;
                    }
                    if self.tbuf.as_bytes().get(end) == Some(&b'\n') {
                        end += 1;
                    }
                }
                let chars = self.tbuf[..end].chars().count();
                let n = limit.map_or(chars, |l| chars.min(l));
                return self.read_text(Some(n));
            }
            scanned = self.tbuf.len();
            let chars = self.tbuf.chars().count();
            if limit.is_some_and(|l| chars >= l) || !self.fill_text()? {
                let n = limit.map_or(chars, |l| chars.min(l));
                return self.read_text(Some(n));
            }
        }
    }

    fn readline(&mut self, limit: Option<usize>) -> PyResult<Value> {
        self.check_readable()?;
        self.flush_writes()?;
        Ok(if self.binary {
            Value::Bytes(Rc::new(self.readline_bytes(limit)?))
        } else {
            Value::str(self.readline_text(limit)?)
        })
    }

    fn close(&mut self) -> PyResult<()> {
        if self.file.is_none() {
            return Ok(());
        }
        let flushed = self.flush_writes();
        self.file = None;
        self.rbuf.clear();
        self.tbuf.clear();
        flushed
    }
}

/// An optional size argument: None or negative means "all".
fn size_arg(v: Option<&Value>) -> PyResult<Option<usize>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Int(n)) if *n < 0 => Ok(None),
        Some(Value::Int(n)) => Ok(Some(*n as usize)),
        Some(Value::Bool(b)) => Ok(Some(*b as usize)),
        Some(other) => Err(types::type_error(format!(
            "argument should be integer or None, not '{}'",
            other.type_name()
        ))),
    }
}

fn max_args(name: &str, args: &[Value], max: usize) -> PyResult<()> {
    if args.len() > max + 1 {
        return Err(types::type_error(format!(
            "{name} expected at most {max} argument{}, got {}",
            if max == 1 { "" } else { "s" },
            args.len() - 1
        )));
    }
    Ok(())
}

fn f_read(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "read")?;
    max_args("read", args, 1)?;
    let n = size_arg(args.get(1).or_else(|| kwarg(kwargs, "size")))?;
    with_state(me, |s| {
        s.check_readable()?;
        s.flush_writes()?;
        Ok(if s.binary {
            Value::Bytes(Rc::new(s.read_bytes(n)?))
        } else {
            Value::str(s.read_text(n)?)
        })
    })
}

fn kwarg<'a>(kwargs: Kw<'a>, name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s == name))
        .map(|(_, v)| v)
}

fn f_readline(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "readline")?;
    max_args("readline", args, 1)?;
    let n = size_arg(args.get(1).or_else(|| kwarg(kwargs, "size")))?;
    with_state(me, |s| s.readline(n))
}

fn f_readlines(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "readlines")?;
    max_args("readlines", args, 1)?;
    let hint = size_arg(args.get(1).or_else(|| kwarg(kwargs, "hint")))?.filter(|h| *h > 0);
    with_state(me, |s| {
        let mut lines = Vec::new();
        let mut total = 0;
        loop {
            let line = s.readline(None)?;
            let len = match &line {
                Value::Bytes(b) => b.len(),
                Value::Str(t) => t.text.chars().count(),
                _ => 0,
            };
            if len == 0 {
                break;
            }
            lines.push(line);
            total += len;
            if hint.is_some_and(|h| total >= h) {
                break;
            }
        }
        Ok(Value::list(lines))
    })
}

fn write_one(s: &mut FileState, v: &Value) -> PyResult<usize> {
    s.check_writable()?;
    if !s.rbuf.is_empty() || !s.tbuf.is_empty() || s.held_cr {
        s.drop_for_write()?;
    }
    let n = if s.binary {
        match v {
            Value::Bytes(b) => {
                s.wbuf.extend_from_slice(b);
                b.len()
            }
            other => {
                return Err(types::type_error(format!(
                    "a bytes-like object is required, not '{}'",
                    other.type_name()
                )))
            }
        }
    } else {
        match v {
            Value::Str(t) => {
                let bytes = encode(&t.text, &s.encoding, &s.errors)?;
                s.wbuf.extend_from_slice(&bytes);
                t.text.chars().count()
            }
            other => {
                return Err(types::type_error(format!(
                    "write() argument must be str, not {}",
                    other.type_name()
                )))
            }
        }
    };
    if s.wbuf.len() >= CHUNK {
        s.flush_writes()?;
    }
    Ok(n)
}

fn f_write(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "write")?;
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "write() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    let n = with_state(me, |s| write_one(s, &args[1]))?;
    Ok(Value::Int(n as i64))
}

fn f_writelines(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "writelines")?;
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "writelines() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    with_state(me, |s| s.check_open())?;
    let it = ops::get_iter(vm, &args[1])?;
    while let Some(item) = ops::iter_next(vm, &it)? {
        with_state(me, |s| write_one(s, &item))?;
    }
    Ok(Value::None)
}

fn f_flush(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "flush")?;
    with_state(me, |s| {
        s.check_open()?;
        s.flush_writes()
    })?;
    Ok(Value::None)
}

fn f_close(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "close")?;
    with_state(me, |s| s.close())?;
    Ok(Value::None)
}

fn f_seek(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "seek")?;
    max_args("seek", args, 2)?;
    let offset = match args.get(1).or_else(|| kwarg(kwargs, "cookie")) {
        Some(Value::Int(n)) => *n,
        Some(other) => {
            return Err(types::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            )))
        }
        None => {
            return Err(types::type_error(
                "seek expected at least 1 argument, got 0",
            ))
        }
    };
    let whence = match args.get(2).or_else(|| kwarg(kwargs, "whence")) {
        None => 0,
        Some(Value::Int(n)) => *n,
        Some(other) => {
            return Err(types::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                other.type_name()
            )))
        }
    };
    with_state(me, |s| {
        s.check_open()?;
        if !s.binary && whence != 0 && offset != 0 {
            return Err(unsupported(if whence == 1 {
                "can't do nonzero cur-relative seeks"
            } else {
                "can't do nonzero end-relative seeks"
            }));
        }
        let to = match whence {
            0 if offset < 0 => {
                return Err(types::value_error(format!(
                    "negative seek position {offset}"
                )))
            }
            0 => SeekFrom::Start(offset as u64),
            1 => SeekFrom::Current(offset),
            2 => SeekFrom::End(offset),
            _ if s.binary => {
                return Err(types::value_error(format!(
                    "whence value {whence} unsupported"
                )))
            }
            _ => {
                return Err(types::value_error(format!(
                    "invalid whence ({whence}, should be 0, 1 or 2)"
                )))
            }
        };
        s.flush_writes()?;
        s.drop_readahead()?;
        let r = s.file()?.seek(to);
        let pos = r.map_err(|e| io_err(e, s))?;
        Ok(Value::Int(pos as i64))
    })
}

fn f_tell(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "tell")?;
    with_state(me, |s| {
        s.check_open()?;
        s.flush_writes()?;
        s.drop_readahead()?;
        let r = s.file()?.stream_position();
        let pos = r.map_err(|e| io_err(e, s))?;
        Ok(Value::Int(pos as i64))
    })
}

fn f_truncate(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "truncate")?;
    max_args("truncate", args, 1)?;
    with_state(me, |s| {
        s.check_writable()?;
        s.flush_writes()?;
        s.drop_readahead()?;
        let size = match args.get(1) {
            None | Some(Value::None) => {
                let r = s.file()?.stream_position();
                r.map_err(|e| io_err(e, s))?
            }
            Some(Value::Int(n)) if *n >= 0 => *n as u64,
            Some(Value::Int(n)) => {
                return Err(types::value_error(format!("negative size value {n}")))
            }
            Some(other) => {
                return Err(types::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    other.type_name()
                )))
            }
        };
        let r = s.file()?.set_len(size);
        r.map_err(|e| io_err(e, s))?;
        Ok(Value::Int(size as i64))
    })
}

fn f_readable(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "readable")?;
    with_state(me, |s| {
        s.check_open()?;
        Ok(Value::Bool(s.readable))
    })
}

fn f_writable(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "writable")?;
    with_state(me, |s| {
        s.check_open()?;
        Ok(Value::Bool(s.writable))
    })
}

fn f_seekable(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "seekable")?;
    with_state(me, |s| {
        s.check_open()?;
        Ok(Value::Bool(true))
    })
}

fn f_fileno(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "fileno")?;
    with_state(me, |s| {
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            Ok(Value::Int(s.file()?.as_raw_fd() as i64))
        }
        #[cfg(not(unix))]
        {
            s.check_open()?;
            Err(unsupported("fileno"))
        }
    })
}

fn f_isatty(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "isatty")?;
    with_state(me, |s| {
        use std::io::IsTerminal;
        Ok(Value::Bool(s.file()?.is_terminal()))
    })
}

fn f_enter(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "__enter__")?;
    with_state(me, |s| s.check_open())?;
    Ok(me.clone())
}

fn f_exit(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "__exit__")?;
    with_state(me, |s| s.close())?;
    Ok(Value::None)
}

fn f_iter(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "__iter__")?;
    with_state(me, |s| s.check_open())?;
    Ok(me.clone())
}

fn f_next(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "__next__")?;
    let line = with_state(me, |s| s.readline(None))?;
    let empty = match &line {
        Value::Bytes(b) => b.is_empty(),
        Value::Str(t) => t.text.is_empty(),
        _ => false,
    };
    if empty {
        return Err(types::exc(|t| &t.stop_iteration, ""));
    }
    Ok(line)
}

fn f_repr(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "__repr__")?;
    let class = me.class();
    let (name, mode, encoding, binary) = with_state(me, |s| {
        Ok((s.name.clone(), s.mode.clone(), s.encoding.clone(), s.binary))
    })?;
    let name = ops::repr(vm, &name)?;
    Ok(Value::str(if binary {
        format!("<_io.{} name={name}>", class.name)
    } else {
        format!(
            "<_io.TextIOWrapper name={name} mode={} encoding={}>",
            ops::str_repr(&mode),
            ops::str_repr(&encoding)
        )
    }))
}

fn g_closed(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "closed")?;
    with_state(me, |s| Ok(Value::Bool(s.file.is_none())))
}

fn g_name(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "name")?;
    with_state(me, |s| Ok(s.name.clone()))
}

fn g_mode(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "mode")?;
    with_state(me, |s| Ok(Value::str(s.mode.clone())))
}

fn g_encoding(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "encoding")?;
    with_state(me, |s| Ok(Value::str(s.encoding.clone())))
}

fn g_errors(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let me = receiver(args, "errors")?;
    with_state(me, |s| Ok(Value::str(s.errors.clone())))
}

impl Drop for FileState {
    /// A file object dropped while open writes out what it buffered, as CPython does.
    fn drop(&mut self) {
        if let Some(f) = self.file.as_mut() {
            let _ = f.write_all(&self.wbuf);
        }
    }
}

/// A worker-thread job for `file.read()` (to the end) or `file.write(data)`:
/// the thread works on a duplicate of the file's descriptor (sharing its offset)
/// and the loop thread decodes or counts. None when the call must run on the
/// loop thread (other methods, or a read with a size).
pub fn thread_job(
    vm: &mut Vm,
    method: &str,
    file: &Value,
    args: &[Value],
) -> PyResult<
    Option<(
        crate::runtime::workers::Job,
        Option<crate::runtime::workers::Finish>,
    )>,
> {
    use crate::runtime::workers::{Finish, Job, JobResult};
    let _ = vm;
    let is_file = matches!(file, Value::Native(n) if matches!(&**n, Native::Object { payload, .. } if payload.is::<RefCell<FileState>>()));
    if !is_file {
        return Ok(None);
    }
    let errno_of = |e: std::io::Error| JobResult::OsError(e.raw_os_error().unwrap_or(5), None);
    match method {
        "read" if args.is_empty() || matches!(args[0], Value::None | Value::Int(-1)) => {
            let dup = with_state(file, |s| {
                s.check_readable()?;
                s.flush_writes()?;
                let f = s.file()?;
                Ok(f.try_clone().ok())
            })?;
            let Some(mut dup) = dup else { return Ok(None) };
            let job: Job = Box::new(move || {
                let mut out = Vec::new();
                match dup.read_to_end(&mut out) {
                    Ok(_) => JobResult::Bytes(out),
                    Err(e) => errno_of(e),
                }
            });
            let me = file.clone();
            let finish: Finish = Box::new(move |_vm, r| {
                let JobResult::Bytes(data) = r else {
                    return Ok(Value::None);
                };
                with_state(&me, |s| {
                    s.check_open()?;
                    s.rbuf.extend_from_slice(&data);
                    s.eof = true;
                    Ok(if s.binary {
                        Value::Bytes(Rc::new(s.read_bytes(None)?))
                    } else {
                        Value::str(s.read_text(None)?)
                    })
                })
            });
            Ok(Some((job, Some(finish))))
        }
        "write" if args.len() == 1 => {
            let prepared = with_state(file, |s| {
                s.check_writable()?;
                if !s.rbuf.is_empty() || !s.tbuf.is_empty() || s.held_cr {
                    s.drop_for_write()?;
                }
                s.flush_writes()?;
                let (bytes, count) = if s.binary {
                    match &args[0] {
                        Value::Bytes(b) => (b.to_vec(), b.len()),
                        other => {
                            return Err(types::type_error(format!(
                                "a bytes-like object is required, not '{}'",
                                other.type_name()
                            )))
                        }
                    }
                } else {
                    match &args[0] {
                        Value::Str(t) => (
                            encode(&t.text, &s.encoding, &s.errors)?,
                            t.text.chars().count(),
                        ),
                        other => {
                            return Err(types::type_error(format!(
                                "write() argument must be str, not {}",
                                other.type_name()
                            )))
                        }
                    }
                };
                Ok(s.file()?.try_clone().ok().map(|f| (f, bytes, count)))
            })?;
            let Some((mut dup, bytes, count)) = prepared else {
                return Ok(None);
            };
            let job: Job = Box::new(move || match dup.write_all(&bytes) {
                Ok(()) => JobResult::Count(count),
                Err(e) => errno_of(e),
            });
            Ok(Some((job, None)))
        }
        _ => Ok(None),
    }
}
