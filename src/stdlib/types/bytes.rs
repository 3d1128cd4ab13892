//! bytes: constructor, codecs (utf-8, ascii, latin-1) and methods. bytearray is
//! not provided (no mutable byte buffer type exists in the VM yet).

use super::{adjust_indices, descriptor_error, method, opt_index, params, recv, wrap_for, Kw};
use crate::stdlib::builtins::arity;
use crate::value::object::Native;
use crate::value::{types, PyResult, Value};
use crate::vm::ops;
use crate::vm::Vm;
use std::rc::Rc;

/// Installs bytes methods.
pub fn register() {
    types::with_types(|t| {
        let c = &t.bytes;
        method(c, "__new__", bytes_new);
        method(c, "decode", decode);
        method(c, "hex", hex);
        types::set_class_attr(
            c,
            "fromhex",
            Value::native(Native::ClassMethod(Value::builtin("fromhex", fromhex))),
        );
        method(c, "split", split);
        method(c, "join", join);
        method(c, "startswith", startswith);
        method(c, "endswith", endswith);
        method(c, "find", find);
        method(c, "rfind", rfind);
        method(c, "index", index);
        method(c, "count", count);
        method(c, "upper", upper);
        method(c, "lower", lower);
        method(c, "strip", strip);
        method(c, "lstrip", lstrip);
        method(c, "rstrip", rstrip);
        method(c, "replace", replace);
        method(c, "isdigit", isdigit);
        method(c, "isalpha", isalpha);
        method(c, "isspace", isspace);
    });
}

fn this_bytes<'a>(args: &'a [Value], name: &str) -> PyResult<&'a Rc<Vec<u8>>> {
    match recv(args) {
        Value::Bytes(b) => Ok(b),
        other => Err(descriptor_error(name, "bytes", other)),
    }
}

fn bytes_value(b: Vec<u8>) -> Value {
    Value::Bytes(Rc::new(b))
}

/// Normalized codec name, or LookupError.
fn codec(name: &str) -> PyResult<&'static str> {
    let n = name.to_ascii_lowercase().replace('_', "-");
    Ok(match n.as_str() {
        "utf-8" | "utf8" | "u8" | "utf" => "utf-8",
        "ascii" | "us-ascii" | "646" => "ascii",
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "8859" | "cp819" | "latin" => {
            "latin-1"
        }
        _ => {
            return Err(types::exc(
                |t| &t.lookup_error,
                format!("unknown encoding: {name}"),
            ))
        }
    })
}

/// str.encode: text to bytes in `encoding`, with `errors` strict/ignore/replace.
pub fn encode(text: &str, encoding: &str, errors: &str) -> PyResult<Vec<u8>> {
    let enc = codec(encoding)?;
    if enc == "utf-8" {
        return Ok(text.as_bytes().to_vec());
    }
    let limit = if enc == "ascii" { 128 } else { 256 };
    let mut out = Vec::with_capacity(text.len());
    for (pos, c) in text.chars().enumerate() {
        let n = c as u32;
        if n < limit {
            out.push(n as u8);
            continue;
        }
        match errors {
            "ignore" => {}
            "replace" => out.push(b'?'),
            _ => {
                let shown = crate::vm::ops::ascii_escape(&c.to_string());
                return Err(types::exc(
                    |t| &t.unicode_encode_error,
                    format!("'{enc}' codec can't encode character '{shown}' in position {pos}: ordinal not in range({limit})"),
                ));
            }
        }
    }
    Ok(out)
}

/// bytes.decode: bytes to text.
pub fn decode_bytes(b: &[u8], encoding: &str, errors: &str) -> PyResult<String> {
    let enc = codec(encoding)?;
    match enc {
        "utf-8" => match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => match errors {
                "replace" => Ok(String::from_utf8_lossy(b).into_owned()),
                "ignore" => {
                    let lossy = String::from_utf8_lossy(b);
                    Ok(lossy.chars().filter(|c| *c != '\u{fffd}').collect())
                }
                _ => {
                    let pos = e.valid_up_to();
                    let msg = match e.error_len() {
                        None => {
                            let end = b.len() - 1;
                            if end > pos {
                                format!("'utf-8' codec can't decode bytes in position {pos}-{end}: unexpected end of data")
                            } else {
                                format!("'utf-8' codec can't decode byte 0x{:02x} in position {pos}: unexpected end of data", b[pos])
                            }
                        }
                        Some(_) => {
                            let first = b[pos];
                            let why = if (0x80..0xc2).contains(&first) || first >= 0xf5 {
                                "invalid start byte"
                            } else {
                                "invalid continuation byte"
                            };
                            format!("'utf-8' codec can't decode byte 0x{first:02x} in position {pos}: {why}")
                        }
                    };
                    Err(types::exc(|t| &t.unicode_decode_error, msg))
                }
            },
        },
        "ascii" => {
            let mut out = String::with_capacity(b.len());
            for (pos, &x) in b.iter().enumerate() {
                if x < 128 {
                    out.push(x as char);
                } else {
                    match errors {
                        "ignore" => {}
                        "replace" => out.push('\u{fffd}'),
                        _ => {
                            return Err(types::exc(
                                |t| &t.unicode_decode_error,
                                format!("'ascii' codec can't decode byte 0x{x:02x} in position {pos}: ordinal not in range(128)"),
                            ))
                        }
                    }
                }
            }
            Ok(out)
        }
        _ => Ok(b.iter().map(|&x| x as char).collect()),
    }
}

fn bytes_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let p = params(
        "bytes",
        &args[1..],
        kwargs,
        &["source", "encoding", "errors"],
        0,
        true,
    )?;
    let v = match (&p[0], &p[1]) {
        (None, None) => Vec::new(),
        (Some(Value::Str(s)), Some(enc)) => {
            let enc = enc.as_str().ok_or_else(|| {
                types::type_error(format!(
                    "bytes() argument 'encoding' must be str, not {}",
                    enc.type_name()
                ))
            })?;
            let errors = p[2].as_ref().and_then(|e| e.as_str()).unwrap_or("strict");
            encode(&s.text, enc, errors)?
        }
        (Some(Value::Str(_)), None) => {
            return Err(types::type_error("string argument without an encoding"))
        }
        (_, Some(_)) => return Err(types::type_error("encoding without a string argument")),
        (Some(Value::Bytes(b)), None) => (**b).clone(),
        (Some(v @ (Value::Int(_) | Value::Bool(_) | Value::BigInt(_))), None) => {
            let n = v.as_i64().unwrap_or(i64::MAX);
            if n < 0 {
                return Err(types::value_error("negative count"));
            }
            if n > 1 << 32 {
                return Err(types::memory_error(""));
            }
            vec![0; n as usize]
        }
        (Some(v), None) => {
            let items = ops::collect_iterable(vm, v).map_err(|e| {
                if types::exc_is(&e, |t| &t.type_error) && !matches!(v, Value::Instance(_)) {
                    types::type_error(format!(
                        "cannot convert '{}' object to bytes",
                        v.type_name()
                    ))
                } else {
                    e
                }
            })?;
            let mut out = Vec::with_capacity(items.len());
            for it in items {
                let n = match ops::base_value(&it) {
                    x if x.is_int() => x.as_i64().unwrap_or(-1),
                    _ => {
                        return Err(types::type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            it.type_name()
                        )))
                    }
                };
                if !(0..256).contains(&n) {
                    return Err(types::value_error("bytes must be in range(0, 256)"));
                }
                out.push(n as u8);
            }
            out
        }
    };
    Ok(wrap_for(&args[0], bytes_value(v)))
}

fn decode(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let b = this_bytes(args, "decode")?.clone();
    let p = params(
        "decode",
        &args[1..],
        kwargs,
        &["encoding", "errors"],
        0,
        true,
    )?;
    let enc = p[0]
        .as_ref()
        .and_then(|v| v.as_str())
        .unwrap_or("utf-8")
        .to_string();
    let errors = p[1]
        .as_ref()
        .and_then(|v| v.as_str())
        .unwrap_or("strict")
        .to_string();
    Ok(Value::str(decode_bytes(&b, &enc, &errors)?))
}

fn hex(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let b = this_bytes(args, "hex")?.clone();
    let p = params(
        "hex",
        &args[1..],
        kwargs,
        &["sep", "bytes_per_sep"],
        0,
        true,
    )?;
    let digits: Vec<String> = b.iter().map(|x| format!("{x:02x}")).collect();
    match &p[0] {
        None => Ok(Value::str(digits.concat())),
        Some(sep) => {
            let sep = match sep {
                Value::Str(s) => s.text.clone(),
                Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
                _ => return Err(types::type_error("sep must be str or bytes.")),
            };
            let per = p[1].as_ref().and_then(|v| v.as_i64()).unwrap_or(1);
            let n = per.unsigned_abs().max(1) as usize;
            let mut groups: Vec<String> = Vec::new();
            if per >= 0 {
                // Groups counted from the right.
                let first = digits.len() % n;
                if first > 0 {
                    groups.push(digits[..first].concat());
                }
                for c in digits[first..].chunks(n) {
                    groups.push(c.concat());
                }
            } else {
                for c in digits.chunks(n) {
                    groups.push(c.concat());
                }
            }
            Ok(Value::str(groups.join(&sep)))
        }
    }
}

fn fromhex(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("fromhex", &args[1..], 1, 1)?;
    let s = args[1].as_str().ok_or_else(|| {
        types::type_error(format!(
            "fromhex() argument must be str, not {}",
            args[1].type_name()
        ))
    })?;
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let hi = chars[i].to_digit(16);
        let lo = chars.get(i + 1).and_then(|c| c.to_digit(16));
        match (hi, lo) {
            (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
            (None, _) => {
                return Err(types::value_error(format!(
                    "non-hexadecimal number found in fromhex() arg at position {i}"
                )))
            }
            (Some(_), None) => {
                return Err(types::value_error(format!(
                    "non-hexadecimal number found in fromhex() arg at position {}",
                    i + 1
                )))
            }
        }
        i += 2;
    }
    Ok(wrap_for(&args[0], bytes_value(out)))
}

/// A bytes-like argument.
fn bytes_arg(v: &Value, what: impl FnOnce(&Value) -> String) -> PyResult<Vec<u8>> {
    match ops::base_value(v) {
        Value::Bytes(b) => Ok((**b).clone()),
        _ => Err(types::type_error(what(v))),
    }
}

fn split(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let b = this_bytes(args, "split")?.clone();
    let p = params("split", &args[1..], kwargs, &["sep", "maxsplit"], 0, true)?;
    let maxsplit = p[1].as_ref().and_then(|v| v.as_i64()).unwrap_or(-1);
    let max = if maxsplit < 0 {
        usize::MAX
    } else {
        maxsplit as usize
    };
    let mut out = Vec::new();
    match &p[0] {
        None | Some(Value::None) => {
            let mut i = 0;
            let n = b.len();
            while i < n {
                while i < n && b[i].is_ascii_whitespace() {
                    i += 1;
                }
                if i >= n {
                    break;
                }
                if out.len() == max {
                    let mut end = n;
                    while end > i && b[end - 1].is_ascii_whitespace() {
                        end -= 1;
                    }
                    out.push(bytes_value(b[i..end].to_vec()));
                    break;
                }
                let start = i;
                while i < n && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                out.push(bytes_value(b[start..i].to_vec()));
            }
        }
        Some(sep) => {
            let sep = bytes_arg(sep, |v| {
                format!("a bytes-like object is required, not '{}'", v.type_name())
            })?;
            if sep.is_empty() {
                return Err(types::value_error("empty separator"));
            }
            let mut start = 0;
            let mut i = 0;
            while i + sep.len() <= b.len() && out.len() < max {
                if b[i..i + sep.len()] == sep[..] {
                    out.push(bytes_value(b[start..i].to_vec()));
                    i += sep.len();
                    start = i;
                } else {
                    i += 1;
                }
            }
            out.push(bytes_value(b[start..].to_vec()));
        }
    }
    Ok(Value::list(out))
}

fn join(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("join", &args[1..], 1, 1)?;
    let sep = this_bytes(args, "join")?.clone();
    let items = ops::collect_iterable(vm, &args[1])?;
    let mut out = Vec::new();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(&sep);
        }
        match ops::base_value(it) {
            Value::Bytes(b) => out.extend_from_slice(b),
            _ => {
                return Err(types::type_error(format!(
                    "sequence item {i}: expected a bytes-like object, {} found",
                    it.type_name()
                )))
            }
        }
    }
    Ok(bytes_value(out))
}

fn affix(vm: &mut Vm, args: &[Value], name: &str, suffix: bool) -> PyResult<Value> {
    arity(name, &args[1..], 1, 3)?;
    let b = this_bytes(args, name)?.clone();
    let start = opt_index(vm, args.get(2))?;
    let end = opt_index(vm, args.get(3))?;
    let (s, e) = adjust_indices(start, end, b.len());
    let check = |p: &[u8]| -> bool {
        let e2 = e - p.len() as i64;
        if e2 < s {
            return false;
        }
        let at = if suffix { e2 as usize } else { s as usize };
        b[at..at + p.len()] == *p
    };
    let msg = |v: &Value| {
        format!(
            "{name} first arg must be bytes or a tuple of bytes, not {}",
            v.type_name()
        )
    };
    match ops::base_value(&args[1]) {
        Value::Tuple(t) => {
            for p in t.iter() {
                if check(&bytes_arg(p, msg)?) {
                    return Ok(Value::Bool(true));
                }
            }
            Ok(Value::Bool(false))
        }
        _ => Ok(Value::Bool(check(&bytes_arg(&args[1], msg)?))),
    }
}

fn startswith(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    affix(vm, args, "startswith", false)
}

fn endswith(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    affix(vm, args, "endswith", true)
}

/// (haystack, needle, start, end) for find/index/count.
fn search_args(
    vm: &mut Vm,
    args: &[Value],
    name: &str,
) -> PyResult<(Rc<Vec<u8>>, Vec<u8>, i64, i64)> {
    arity(name, &args[1..], 1, 3)?;
    let b = this_bytes(args, name)?.clone();
    let sub = match ops::base_value(&args[1]) {
        Value::Bytes(x) => (**x).clone(),
        v @ (Value::Int(_) | Value::Bool(_)) => {
            let n = v.as_i64().unwrap_or(-1);
            if !(0..256).contains(&n) {
                return Err(types::value_error("byte must be in range(0, 256)"));
            }
            vec![n as u8]
        }
        v => {
            return Err(types::type_error(format!(
                "argument should be integer or bytes-like object, not '{}'",
                v.type_name()
            )))
        }
    };
    let start = opt_index(vm, args.get(2))?;
    let end = opt_index(vm, args.get(3))?;
    let (s, e) = adjust_indices(start, end, b.len());
    Ok((b, sub, s, e))
}

fn find_in(b: &[u8], sub: &[u8], s: i64, e: i64, rev: bool) -> i64 {
    if e - s < sub.len() as i64 || s > b.len() as i64 {
        return -1;
    }
    let (s, e) = (s as usize, e as usize);
    let positions = s..=e - sub.len();
    let hit = |i: &usize| b[*i..*i + sub.len()] == *sub;
    let found = if rev {
        positions.rev().find(hit)
    } else {
        positions.into_iter().find(hit)
    };
    found.map_or(-1, |i| i as i64)
}

fn find(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (b, sub, s, e) = search_args(vm, args, "find")?;
    Ok(Value::Int(find_in(&b, &sub, s, e, false)))
}

fn rfind(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (b, sub, s, e) = search_args(vm, args, "rfind")?;
    Ok(Value::Int(find_in(&b, &sub, s, e, true)))
}

fn index(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (b, sub, s, e) = search_args(vm, args, "index")?;
    match find_in(&b, &sub, s, e, false) {
        -1 => Err(types::value_error("subsection not found")),
        i => Ok(Value::Int(i)),
    }
}

fn count(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (b, sub, s, e) = search_args(vm, args, "count")?;
    if s > b.len() as i64 || e < s {
        return Ok(Value::Int(0));
    }
    if sub.is_empty() {
        return Ok(Value::Int(e - s + 1));
    }
    let (mut i, e) = (s as usize, e as usize);
    let mut n = 0;
    while i + sub.len() <= e {
        if b[i..i + sub.len()] == sub[..] {
            n += 1;
            i += sub.len();
        } else {
            i += 1;
        }
    }
    Ok(Value::Int(n))
}

fn upper(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(bytes_value(this_bytes(args, "upper")?.to_ascii_uppercase()))
}

fn lower(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(bytes_value(this_bytes(args, "lower")?.to_ascii_lowercase()))
}

fn strip_with(args: &[Value], name: &str, left: bool, right: bool) -> PyResult<Value> {
    arity(name, &args[1..], 0, 1)?;
    let b = this_bytes(args, name)?.clone();
    let chars: Option<Vec<u8>> = match args.get(1) {
        None | Some(Value::None) => None,
        Some(v) => Some(bytes_arg(v, |v| {
            format!("a bytes-like object is required, not '{}'", v.type_name())
        })?),
    };
    let strip = |c: &u8| match &chars {
        Some(cs) => cs.contains(c),
        None => c.is_ascii_whitespace() || *c == 0x0b,
    };
    let mut s = 0;
    let mut e = b.len();
    if left {
        while s < e && strip(&b[s]) {
            s += 1;
        }
    }
    if right {
        while e > s && strip(&b[e - 1]) {
            e -= 1;
        }
    }
    Ok(bytes_value(b[s..e].to_vec()))
}

fn strip(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    strip_with(args, "strip", true, true)
}

fn lstrip(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    strip_with(args, "lstrip", true, false)
}

fn rstrip(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    strip_with(args, "rstrip", false, true)
}

fn replace(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("replace", &args[1..], 2, 3)?;
    let b = this_bytes(args, "replace")?.clone();
    let msg = |v: &Value| format!("a bytes-like object is required, not '{}'", v.type_name());
    let old = bytes_arg(&args[1], msg)?;
    let new = bytes_arg(&args[2], msg)?;
    let mut count = args.get(3).and_then(|v| v.as_i64()).unwrap_or(-1);
    let mut out = Vec::new();
    let mut i = 0;
    if old.is_empty() {
        for (k, &x) in b.iter().enumerate() {
            if count != 0 {
                out.extend_from_slice(&new);
                count -= 1;
            }
            out.push(x);
            let _ = k;
        }
        if count != 0 {
            out.extend_from_slice(&new);
        }
        return Ok(bytes_value(out));
    }
    while i < b.len() {
        if count != 0 && i + old.len() <= b.len() && b[i..i + old.len()] == old[..] {
            out.extend_from_slice(&new);
            i += old.len();
            count -= 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(bytes_value(out))
}

fn all_bytes(args: &[Value], name: &str, f: fn(&u8) -> bool) -> PyResult<Value> {
    let b = this_bytes(args, name)?;
    Ok(Value::Bool(!b.is_empty() && b.iter().all(f)))
}

fn isdigit(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    all_bytes(args, "isdigit", u8::is_ascii_digit)
}

fn isalpha(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    all_bytes(args, "isalpha", u8::is_ascii_alphabetic)
}

fn isspace(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    all_bytes(args, "isspace", |c| c.is_ascii_whitespace() || *c == 0x0b)
}
