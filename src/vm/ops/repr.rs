//! repr(), str() and format() of values.

use super::super::Vm;
use crate::value::intern::sym;
use crate::value::object::Native;
use crate::value::{types, PyResult, Value};

/// CPython's repr of a float.
pub fn float_repr(x: f64) -> String {
    crate::value::numfmt::float_repr(x)
}

/// repr() of a str, with CPython's quote choice and escapes.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !is_printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's str.isprintable for one character: not a control, format, separator
/// (other than space), private-use or unassigned character. Approximated by the
/// ranges that occur in practice.
pub fn is_printable(c: char) -> bool {
    let n = c as u32;
    if n < 0x7f {
        return n >= 0x20;
    }
    !matches!(n,
        0x7f..=0xa0 | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890 | 0x891 | 0x8e2 | 0x1680 | 0x180e | 0x2000..=0x200f | 0x2028..=0x202f
        | 0x205f..=0x206f | 0x3000 | 0xd800..=0xf8ff | 0xfeff | 0xfff0..=0xfffb
        | 0xfffe | 0xffff | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0000..=0xe0fff | 0xf0000..)
}

/// repr() of bytes.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from("b");
    out.push(quote);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote);
    out
}

/// repr(v).
pub fn repr(vm: &mut Vm, v: &Value) -> PyResult<String> {
    if vm.native_depth > vm.recursion_limit {
        return Err(types::recursion_error(
            "maximum recursion depth exceeded while getting the repr of an object",
        ));
    }
    if matches!(
        v,
        Value::List(_) | Value::Tuple(_) | Value::Dict(_) | Value::Set(_)
    ) {
        // Nested containers recurse natively: count them like calls.
        vm.native_depth += 1;
        let r = repr_value(vm, v);
        vm.native_depth -= 1;
        return r;
    }
    repr_value(vm, v)
}

fn repr_value(vm: &mut Vm, v: &Value) -> PyResult<String> {
    Ok(match v {
        Value::Undef => "<undefined>".into(),
        Value::None => "None".into(),
        Value::Bool(b) => if *b { "True" } else { "False" }.into(),
        Value::Int(i) => i.to_string(),
        Value::BigInt(b) => {
            let s = b.to_string();
            if s.len() > 4300 {
                return Err(types::value_error(
                    "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
                ));
            }
            s
        }
        Value::Float(f) => float_repr(*f),
        Value::Str(s) => str_repr(&s.text),
        Value::Bytes(b) => bytes_repr(b),
        Value::Tuple(t) if t.is_empty() => "()".into(),
        Value::Tuple(t) => {
            if vm.repr_guard(v) {
                return Ok("(...)".into());
            }
            let r = join_reprs(vm, t.iter());
            vm.repr_unguard(v);
            if t.len() == 1 {
                format!("({},)", r?)
            } else {
                format!("({})", r?)
            }
        }
        Value::List(l) => {
            if vm.repr_guard(v) {
                return Ok("[...]".into());
            }
            let items = l.borrow().clone();
            let r = join_reprs(vm, items.iter());
            vm.repr_unguard(v);
            format!("[{}]", r?)
        }
        Value::Dict(d) => {
            if vm.repr_guard(v) {
                return Ok("{...}".into());
            }
            let entries: Vec<(Value, Value)> = d
                .borrow()
                .iter()
                .map(|e| (e.key.clone(), e.value.clone()))
                .collect();
            let mut parts = Vec::with_capacity(entries.len());
            let mut err = None;
            for (k, val) in entries {
                match (repr(vm, &k), repr(vm, &val)) {
                    (Ok(a), Ok(b)) => parts.push(format!("{a}: {b}")),
                    (Err(e), _) | (_, Err(e)) => {
                        err = Some(e);
                        break;
                    }
                }
            }
            vm.repr_unguard(v);
            if let Some(e) = err {
                return Err(e);
            }
            format!("{{{}}}", parts.join(", "))
        }
        Value::Set(s) => {
            let items = s.items.borrow().keys();
            let name = if s.frozen { "frozenset" } else { "set" };
            if items.is_empty() {
                format!("{name}()")
            } else if s.frozen {
                format!("frozenset({{{}}})", join_reprs(vm, items.iter())?)
            } else {
                format!("{{{}}}", join_reprs(vm, items.iter())?)
            }
        }
        Value::Range(r) => {
            if r.step == 1 {
                format!("range({}, {})", r.start, r.stop)
            } else {
                format!("range({}, {}, {})", r.start, r.stop, r.step)
            }
        }
        Value::Function(f) => format!(
            "<function {} at {:#x}>",
            f.qualname.borrow(),
            v.ptr().unwrap_or(0)
        ),
        Value::Builtin(b) => match &b.receiver {
            Some(r) => format!(
                "<built-in method {} of {} object at {:#x}>",
                b.name.rsplit('.').next().unwrap_or(b.name),
                r.type_name(),
                r.ptr().unwrap_or(0)
            ),
            None => format!(
                "<built-in function {}>",
                b.name.rsplit('.').next().unwrap_or(b.name)
            ),
        },
        Value::Method(m) => {
            let fname = match &m.func {
                Value::Function(f) => f.qualname.borrow().clone(),
                other => other.type_name(),
            };
            let recv = repr(vm, &m.receiver)?;
            format!("<bound method {fname} of {recv}>")
        }
        Value::Class(c) => {
            if c.module == "builtins" {
                format!("<class '{}'>", c.qualname.borrow())
            } else {
                format!("<class '{}.{}'>", c.module, c.qualname.borrow())
            }
        }
        Value::Module(m) => format!("<module '{}'>", m.name),
        Value::Generator(g) => {
            let kind = match g.kind {
                crate::vm::generator::GenKind::Generator => "generator",
                crate::vm::generator::GenKind::Coroutine => "coroutine",
                crate::vm::generator::GenKind::AsyncGenerator => "async_generator",
            };
            format!(
                "<{} object {} at {:#x}>",
                kind,
                g.qualname(),
                v.ptr().unwrap_or(0)
            )
        }
        Value::Instance(i) if super::inherited(v, sym::REPR).is_some() => {
            match super::base_value(v) {
                // Subclasses of set and frozenset show their class name.
                Value::Set(s) => {
                    let items = s.items.borrow().keys();
                    if items.is_empty() {
                        format!("{}()", i.class.name)
                    } else {
                        format!("{}({{{}}})", i.class.name, join_reprs(vm, items.iter())?)
                    }
                }
                // So do subclasses of deque (its repr reads the class).
                b if crate::stdlib::deque::is_deque(b) => {
                    let f = i.class.lookup(sym::REPR).unwrap_or(Value::None);
                    let r = vm.call(&f, std::slice::from_ref(v))?;
                    return str_of(vm, &r);
                }
                b => repr(vm, b)?,
            }
        }
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup(sym::REPR) {
                let r = vm.call(&f, &[v.clone()])?;
                return match r {
                    Value::Str(ref s) => Ok(s.text.clone()),
                    other => Err(types::type_error(format!(
                        "__repr__ returned non-string (type {})",
                        other.type_name()
                    ))),
                };
            }
            default_repr(v)
        }
        Value::Native(n) => match &**n {
            Native::Slice(s) => format!(
                "slice({}, {}, {})",
                repr(vm, &s.start)?,
                repr(vm, &s.stop)?,
                repr(vm, &s.step)?
            ),
            Native::NotImplemented => "NotImplemented".into(),
            Native::Ellipsis => "Ellipsis".into(),
            Native::DictView(d, k) => {
                let items: Vec<Value> = super::collect_iterable(vm, v)?;
                let _ = d;
                format!(
                    "{}([{}])",
                    super::view_name(*k),
                    join_reprs(vm, items.iter())?
                )
            }
            Native::Iter(_, name) => format!("<{} object at {:#x}>", name, v.ptr().unwrap_or(0)),
            Native::Super { .. } => "<super object>".into(),
            Native::Code(c) => format!("<code object {} at {:#x}>", c.name, v.ptr().unwrap_or(0)),
            Native::Object { .. } if crate::stdlib::frames::frame_repr(v).is_some() => {
                crate::stdlib::frames::frame_repr(v).unwrap_or_default()
            }
            // asyncio's native objects keep their repr in the class, like an instance.
            Native::Future(_) | Native::Handle(_) | Native::Loop | Native::Object { .. } => {
                match v.class().lookup(sym::REPR) {
                    Some(f @ Value::Builtin(_)) => {
                        let r = vm.call(&f, &[v.clone()])?;
                        return str_of(vm, &r);
                    }
                    _ => format!("<{} object at {:#x}>", v.type_name(), v.ptr().unwrap_or(0)),
                }
            }
            _ => format!("<{} object at {:#x}>", v.type_name(), v.ptr().unwrap_or(0)),
        },
    })
}

/// `<__main__.C object at 0x...>`.
pub fn default_repr(v: &Value) -> String {
    let class = v.class();
    format!(
        "<{}.{} object at {:#x}>",
        class.module,
        class.qualname.borrow(),
        v.ptr().unwrap_or(0)
    )
}

fn join_reprs<'v>(vm: &mut Vm, items: impl Iterator<Item = &'v Value>) -> PyResult<String> {
    let mut out = String::new();
    for (i, v) in items.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&repr(vm, v)?);
    }
    Ok(out)
}

/// str(v).
pub fn str_of(vm: &mut Vm, v: &Value) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.text.clone()),
        Value::Instance(i) => {
            if let Some(b) = &i.base {
                if !super::overrides(&i.class, sym::STR) {
                    if super::overrides(&i.class, sym::REPR)
                        || matches!(b, Value::Set(_))
                        || crate::stdlib::deque::is_deque(b)
                    {
                        return repr(vm, v);
                    }
                    return str_of(vm, b);
                }
            }
            if let Some(f) = i.class.lookup(sym::STR) {
                let r = vm.call(&f, &[v.clone()])?;
                return match r {
                    Value::Str(ref s) => Ok(s.text.clone()),
                    other => Err(types::type_error(format!(
                        "__str__ returned non-string (type {})",
                        other.type_name()
                    ))),
                };
            }
            repr(vm, v)
        }
        _ => repr(vm, v),
    }
}

/// The FormatValue op: conversion (0 none, 1 str, 2 repr, 3 ascii) then format(spec).
pub fn format_value(
    vm: &mut Vm,
    v: &Value,
    conversion: u32,
    spec: Option<&Value>,
) -> PyResult<Value> {
    let converted = match conversion {
        1 => Value::str(str_of(vm, v)?),
        2 => Value::str(repr(vm, v)?),
        3 => Value::str(ascii_escape(&repr(vm, v)?)),
        _ => v.clone(),
    };
    let spec = spec.and_then(|s| s.as_str()).unwrap_or("");
    Ok(Value::str(format(vm, &converted, spec)?))
}

/// Escapes non-ASCII characters as ascii() does.
pub fn ascii_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

/// format(v, spec).
pub fn format(vm: &mut Vm, v: &Value, spec: &str) -> PyResult<String> {
    match v {
        Value::Instance(_) if super::inherited(v, sym::FORMAT).is_some() => {
            if spec.is_empty() {
                return str_of(vm, v);
            }
            format(vm, super::base_value(v), spec)
        }
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup(sym::FORMAT) {
                let r = vm.call(&f, &[v.clone(), Value::str(spec)])?;
                return match r {
                    Value::Str(ref s) => Ok(s.text.clone()),
                    _ => Err(types::type_error("__format__ must return a str")),
                };
            }
            if spec.is_empty() {
                return str_of(vm, v);
            }
            Err(types::type_error(format!(
                "unsupported format string passed to {}.__format__",
                v.type_name()
            )))
        }
        _ => crate::stdlib::format::format_builtin(vm, v, spec),
    }
}
