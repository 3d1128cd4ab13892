//! str: constructor, splitting, stripping, case, predicates and searching.
//! Positions are in characters, as in Python.

use super::{adjust_indices, descriptor_error, method, opt_index, params, recv, wrap_for, Kw};
use crate::stdlib::builtins::arity;
use crate::value::{types, PyResult, PyStr, Value};
use crate::vm::ops;
use crate::vm::Vm;
use std::rc::Rc;

/// Installs str methods.
pub fn register() {
    types::with_types(|t| {
        let c = &t.str_;
        method(c, "__new__", str_new);
        method(c, "split", split);
        method(c, "rsplit", rsplit);
        method(c, "strip", strip);
        method(c, "lstrip", lstrip);
        method(c, "rstrip", rstrip);
        method(c, "upper", upper);
        method(c, "lower", lower);
        method(c, "casefold", casefold);
        method(c, "capitalize", capitalize);
        method(c, "title", title);
        method(c, "swapcase", swapcase);
        method(c, "isdigit", isdigit);
        method(c, "isdecimal", isdecimal);
        method(c, "isnumeric", isnumeric);
        method(c, "isalpha", isalpha);
        method(c, "isalnum", isalnum);
        method(c, "isspace", isspace);
        method(c, "isupper", isupper);
        method(c, "islower", islower);
        method(c, "istitle", istitle);
        method(c, "isidentifier", isidentifier);
        method(c, "isascii", isascii);
        method(c, "isprintable", isprintable);
        method(c, "find", find);
        method(c, "rfind", rfind);
        method(c, "index", index);
        method(c, "rindex", rindex);
        method(c, "count", count);
        method(c, "startswith", startswith);
        method(c, "endswith", endswith);
    });
    super::str_more::register();
    super::str_format::register();
}

/// The receiver's string.
pub(crate) fn this_str<'a>(args: &'a [Value], name: &str) -> PyResult<&'a Rc<PyStr>> {
    match recv(args) {
        Value::Str(s) => Ok(s),
        other => Err(descriptor_error(name, "str", other)),
    }
}

/// Python's str.isspace for one character (includes the \x1c-\x1f separators).
pub(crate) fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Checks that a method got no arguments (`str.upper() takes no arguments (1 given)`).
pub(crate) fn no_args(name: &str, args: &[Value]) -> PyResult<()> {
    if args.len() > 1 {
        return Err(types::type_error(format!(
            "str.{name}() takes no arguments ({} given)",
            args.len() - 1
        )));
    }
    Ok(())
}

/// A str argument (`must be str, not int`).
pub(crate) fn str_arg(v: &Value) -> PyResult<&str> {
    match ops::base_value(v) {
        Value::Str(s) => Ok(&s.text),
        _ => Err(types::type_error(format!(
            "must be str, not {}",
            v.type_name()
        ))),
    }
}

/// Byte offset of character index `ci` (clamped to the end).
pub(crate) fn byte_at(s: &PyStr, ci: usize) -> usize {
    if s.is_ascii() {
        return ci.min(s.text.len());
    }
    s.text
        .char_indices()
        .nth(ci)
        .map_or(s.text.len(), |(b, _)| b)
}

/// Character count of a prefix given in bytes.
fn chars_in(s: &PyStr, bytes: usize) -> usize {
    if s.is_ascii() {
        bytes
    } else {
        s.text[..bytes].chars().count()
    }
}

fn str_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let p = params(
        "str",
        &args[1..],
        kwargs,
        &["object", "encoding", "errors"],
        0,
        true,
    )?;
    let v = match (&p[0], &p[1], &p[2]) {
        (None, None, None) => Value::str(""),
        (Some(v), None, None) => match v {
            Value::Str(_) => v.clone(),
            _ => Value::str(ops::str_of(vm, v)?),
        },
        (obj, enc, errors) => {
            let obj = obj.clone().unwrap_or(Value::Bytes(Rc::new(Vec::new())));
            let Value::Bytes(b) = ops::base_value(&obj) else {
                return Err(types::type_error(format!(
                    "decoding to str: need a bytes-like object, {} found",
                    obj.type_name()
                )));
            };
            let enc = enc.as_ref().and_then(|e| e.as_str()).unwrap_or("utf-8");
            let errors = errors.as_ref().and_then(|e| e.as_str()).unwrap_or("strict");
            Value::str(super::bytes::decode_bytes(b, enc, errors)?)
        }
    };
    Ok(wrap_for(&args[0], v))
}

/// (sep, maxsplit) of split/rsplit.
fn split_args(args: &[Value], kwargs: Kw, name: &str) -> PyResult<(Option<String>, usize)> {
    let p = params(name, &args[1..], kwargs, &["sep", "maxsplit"], 0, true)?;
    let sep = match &p[0] {
        None | Some(Value::None) => None,
        Some(v) => match ops::base_value(v) {
            Value::Str(s) => {
                if s.text.is_empty() {
                    return Err(types::value_error("empty separator"));
                }
                Some(s.text.clone())
            }
            _ => {
                return Err(types::type_error(format!(
                    "must be str or None, not {}",
                    v.type_name()
                )))
            }
        },
    };
    let max = match &p[1] {
        None => usize::MAX,
        Some(v) => {
            let n = match ops::base_value(v) {
                Value::Int(i) => *i,
                Value::Bool(b) => *b as i64,
                Value::BigInt(_) => i64::MAX,
                _ => {
                    return Err(types::type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        v.type_name()
                    )))
                }
            };
            if n < 0 {
                usize::MAX
            } else {
                n as usize
            }
        }
    };
    Ok((sep, max))
}

fn split(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let s = this_str(args, "split")?.clone();
    let (sep, max) = split_args(args, kwargs, "split")?;
    let text = s.text.as_str();
    let parts: Vec<Value> = match sep {
        Some(sep) => text
            .splitn(max.saturating_add(1), sep.as_str())
            .map(Value::str)
            .collect(),
        None => {
            let mut out = Vec::new();
            let mut rest = text.trim_start_matches(py_space);
            while !rest.is_empty() {
                if out.len() == max {
                    out.push(Value::str(rest));
                    break;
                }
                let end = rest.find(py_space).unwrap_or(rest.len());
                out.push(Value::str(&rest[..end]));
                rest = rest[end..].trim_start_matches(py_space);
            }
            out
        }
    };
    Ok(Value::list(parts))
}

fn rsplit(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let s = this_str(args, "rsplit")?.clone();
    let (sep, max) = split_args(args, kwargs, "rsplit")?;
    let text = s.text.as_str();
    let mut parts: Vec<Value> = match sep {
        Some(sep) => text
            .rsplitn(max.saturating_add(1), sep.as_str())
            .map(Value::str)
            .collect(),
        None => {
            let mut out = Vec::new();
            let mut rest = text.trim_end_matches(py_space);
            while !rest.is_empty() {
                if out.len() == max {
                    out.push(Value::str(rest));
                    break;
                }
                let start = rest.rfind(py_space).map_or(0, |b| {
                    b + rest[b..].chars().next().map_or(1, |c| c.len_utf8())
                });
                out.push(Value::str(&rest[start..]));
                rest = rest[..start].trim_end_matches(py_space);
            }
            out
        }
    };
    parts.reverse();
    Ok(Value::list(parts))
}

fn strip_impl(args: &[Value], name: &str, left: bool, right: bool) -> PyResult<Value> {
    let s = this_str(args, name)?.clone();
    if args.len() > 2 {
        return Err(types::type_error(format!(
            "{name} expected at most 1 argument, got {}",
            args.len() - 1
        )));
    }
    let chars: Option<Vec<char>> = match args.get(1) {
        None | Some(Value::None) => None,
        Some(v) => match ops::base_value(v) {
            Value::Str(c) => Some(c.text.chars().collect()),
            _ => return Err(types::type_error(format!("{name} arg must be None or str"))),
        },
    };
    let pred = |c: char| match &chars {
        Some(cs) => cs.contains(&c),
        None => py_space(c),
    };
    let mut t = s.text.as_str();
    if left {
        t = t.trim_start_matches(pred);
    }
    if right {
        t = t.trim_end_matches(pred);
    }
    if t.len() == s.text.len() {
        return Ok(Value::Str(s));
    }
    Ok(Value::str(t))
}

fn strip(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    strip_impl(args, "strip", true, true)
}

fn lstrip(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    strip_impl(args, "lstrip", true, false)
}

fn rstrip(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    strip_impl(args, "rstrip", false, true)
}

fn map_text(args: &[Value], name: &str, f: impl FnOnce(&str) -> String) -> PyResult<Value> {
    no_args(name, args)?;
    let s = this_str(args, name)?;
    Ok(Value::str(f(&s.text)))
}

fn upper(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    map_text(args, "upper", |s| s.to_uppercase())
}

fn lower(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    map_text(args, "lower", |s| s.to_lowercase())
}

fn casefold(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    map_text(args, "casefold", |s| {
        s.to_lowercase().replace('ß', "ss").replace('ς', "σ")
    })
}

/// Python's "cased" characters (upper, lower or title case).
fn is_cased(c: char) -> bool {
    c.is_uppercase() || c.is_lowercase() || is_titlecase(c)
}

fn is_titlecase(c: char) -> bool {
    matches!(c, 'ǅ' | 'ǈ' | 'ǋ' | 'ǲ')
        || ('ᾈ'..='ᾏ').contains(&c)
        || ('ᾘ'..='ᾟ').contains(&c)
        || ('ᾨ'..='ᾯ').contains(&c)
        || matches!(c, 'ᾼ' | 'ῌ' | 'ῼ')
}

/// Title case of one character (upper case, except for the few digraphs).
fn to_title(c: char, out: &mut String) {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => out.push('ǅ'),
        'Ǉ' | 'ǈ' | 'ǉ' => out.push('ǈ'),
        'Ǌ' | 'ǋ' | 'ǌ' => out.push('ǋ'),
        'Ǳ' | 'ǲ' | 'ǳ' => out.push('ǲ'),
        'ß' => out.push_str("Ss"),
        'ﬀ' => out.push_str("Ff"),
        'ﬁ' => out.push_str("Fi"),
        'ﬂ' => out.push_str("Fl"),
        'ﬃ' => out.push_str("Ffi"),
        'ﬄ' => out.push_str("Ffl"),
        'ﬅ' | 'ﬆ' => out.push_str("St"),
        _ => out.extend(c.to_uppercase()),
    }
}

fn capitalize(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    map_text(args, "capitalize", |s| {
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars();
        if let Some(c) = chars.next() {
            to_title(c, &mut out);
        }
        out.push_str(&chars.as_str().to_lowercase());
        out
    })
}

fn title(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    map_text(args, "title", |s| {
        let mut out = String::with_capacity(s.len());
        let mut prev_cased = false;
        for c in s.chars() {
            if prev_cased {
                out.extend(c.to_lowercase());
            } else {
                to_title(c, &mut out);
            }
            prev_cased = is_cased(c);
        }
        out
    })
}

fn swapcase(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    map_text(args, "swapcase", |s| {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if c.is_uppercase() {
                out.extend(c.to_lowercase());
            } else if c.is_lowercase() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
        }
        out
    })
}

fn predicate(args: &[Value], name: &str, f: impl Fn(char) -> bool) -> PyResult<Value> {
    no_args(name, args)?;
    let s = this_str(args, name)?;
    Ok(Value::Bool(!s.text.is_empty() && s.text.chars().all(f)))
}

/// Digits that are not decimal (superscripts, subscripts, circled digits).
fn is_other_digit(c: char) -> bool {
    matches!(c, '²' | '³' | '¹')
        || ('⁰'..='⁹').contains(&c)
        || ('₀'..='₉').contains(&c)
        || ('①'..='⑨').contains(&c)
        || ('⑴'..='⑼').contains(&c)
        || ('⒈'..='⒐').contains(&c)
        || ('⓵'..='⓽').contains(&c)
        || c == '⓪'
        || ('➀'..='➈').contains(&c)
        || ('❶'..='❾').contains(&c)
        || ('➊'..='➒').contains(&c)
}

fn py_decimal(c: char) -> bool {
    c.is_ascii_digit()
        || (!c.is_ascii()
            && c.is_numeric()
            && c.to_digit(10).is_none()
            && !is_other_digit(c)
            && is_nd(c))
}

/// Decimal digits of other scripts: blocks of ten consecutive Nd characters.
fn is_nd(c: char) -> bool {
    const ZEROS: &[u32] = &[
        0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6,
        0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
        0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0,
        0xff10,
    ];
    let n = c as u32;
    ZEROS.iter().any(|&z| (z..z + 10).contains(&n))
}

fn isdigit(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    predicate(args, "isdigit", |c| py_decimal(c) || is_other_digit(c))
}

fn isdecimal(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    predicate(args, "isdecimal", py_decimal)
}

fn isnumeric(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    predicate(args, "isnumeric", |c| {
        c.is_numeric()
            || matches!(
                c,
                '一' | '二'
                    | '三'
                    | '四'
                    | '五'
                    | '六'
                    | '七'
                    | '八'
                    | '九'
                    | '十'
                    | '百'
                    | '千'
                    | '万'
                    | '零'
            )
    })
}

fn py_alpha(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric()
}

fn isalpha(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    predicate(args, "isalpha", py_alpha)
}

fn isalnum(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    predicate(args, "isalnum", |c| py_alpha(c) || c.is_numeric())
}

fn isspace(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    predicate(args, "isspace", py_space)
}

fn isascii(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("isascii", args)?;
    Ok(Value::Bool(this_str(args, "isascii")?.is_ascii()))
}

fn isprintable(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("isprintable", args)?;
    let s = this_str(args, "isprintable")?;
    Ok(Value::Bool(s.text.chars().all(ops::is_printable)))
}

fn case_check(args: &[Value], name: &str, want_upper: bool) -> PyResult<Value> {
    no_args(name, args)?;
    let s = this_str(args, name)?;
    let mut cased = false;
    for c in s.text.chars() {
        let (good, bad) = if want_upper {
            (c.is_uppercase(), c.is_lowercase())
        } else {
            (c.is_lowercase(), c.is_uppercase())
        };
        if bad || is_titlecase(c) {
            return Ok(Value::Bool(false));
        }
        if good {
            cased = true;
        }
    }
    Ok(Value::Bool(cased))
}

fn isupper(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    case_check(args, "isupper", true)
}

fn islower(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    case_check(args, "islower", false)
}

fn istitle(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("istitle", args)?;
    let s = this_str(args, "istitle")?;
    let (mut cased, mut prev_cased) = (false, false);
    for c in s.text.chars() {
        if c.is_uppercase() || is_titlecase(c) {
            if prev_cased {
                return Ok(Value::Bool(false));
            }
            prev_cased = true;
            cased = true;
        } else if c.is_lowercase() {
            if !prev_cased {
                return Ok(Value::Bool(false));
            }
            prev_cased = true;
            cased = true;
        } else {
            prev_cased = false;
        }
    }
    Ok(Value::Bool(cased))
}

fn isidentifier(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("isidentifier", args)?;
    let s = this_str(args, "isidentifier")?;
    let mut chars = s.text.chars();
    let ok = match chars.next() {
        Some(c) => (c == '_' || py_alpha(c)) && chars.all(|c| c == '_' || c.is_alphanumeric()),
        None => false,
    };
    Ok(Value::Bool(ok))
}

/// The receiver, the needle and the clamped [start, end) character range of find/count/index.
fn search_args(vm: &mut Vm, args: &[Value], name: &str) -> PyResult<(Rc<PyStr>, String, i64, i64)> {
    if args.len() < 2 {
        return Err(types::type_error(format!(
            "{name}() takes at least 1 argument (0 given)"
        )));
    }
    if args.len() > 4 {
        return Err(types::type_error(format!(
            "{name}() takes at most 3 arguments ({} given)",
            args.len() - 1
        )));
    }
    let s = this_str(args, name)?.clone();
    let sub = str_arg(&args[1])?.to_string();
    let start = opt_index(vm, args.get(2))?;
    let end = opt_index(vm, args.get(3))?;
    let (a, b) = adjust_indices(start, end, s.char_len);
    Ok((s, sub, a, b))
}

/// Finds `sub` in the character range [a, b): the character index, or -1.
fn find_in(s: &PyStr, sub: &str, a: i64, b: i64, rev: bool) -> i64 {
    let sub_len = if sub.is_ascii() {
        sub.len()
    } else {
        sub.chars().count()
    };
    if a > s.char_len as i64 || b - a < sub_len as i64 {
        return -1;
    }
    let (ba, bb) = (byte_at(s, a as usize), byte_at(s, b as usize));
    let hay = &s.text[ba..bb];
    let found = if rev { hay.rfind(sub) } else { hay.find(sub) };
    match found {
        Some(pos) => a + chars_in(s, ba + pos) as i64 - chars_in(s, ba) as i64,
        None => -1,
    }
}

fn find(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "find")?;
    Ok(Value::Int(find_in(&s, &sub, a, b, false)))
}

fn rfind(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "rfind")?;
    Ok(Value::Int(find_in(&s, &sub, a, b, true)))
}

fn index(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "index")?;
    match find_in(&s, &sub, a, b, false) {
        -1 => Err(types::value_error("substring not found")),
        i => Ok(Value::Int(i)),
    }
}

fn rindex(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "rindex")?;
    match find_in(&s, &sub, a, b, true) {
        -1 => Err(types::value_error("substring not found")),
        i => Ok(Value::Int(i)),
    }
}

fn count(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (s, sub, a, b) = search_args(vm, args, "count")?;
    if a > s.char_len as i64 || b < a {
        return Ok(Value::Int(0));
    }
    if sub.is_empty() {
        return Ok(Value::Int(b - a + 1));
    }
    let hay = &s.text[byte_at(&s, a as usize)..byte_at(&s, b as usize)];
    Ok(Value::Int(hay.matches(sub.as_str()).count() as i64))
}

fn affix(vm: &mut Vm, args: &[Value], name: &str, suffix: bool) -> PyResult<Value> {
    if args.len() < 2 {
        return Err(types::type_error(format!(
            "{name}() takes at least 1 argument (0 given)"
        )));
    }
    arity(name, &args[1..], 1, 3)?;
    let s = this_str(args, name)?.clone();
    let start = opt_index(vm, args.get(2))?;
    let end = opt_index(vm, args.get(3))?;
    let (a, b) = adjust_indices(start, end, s.char_len);
    let check = |p: &str| -> bool {
        let plen = if p.is_ascii() {
            p.len()
        } else {
            p.chars().count()
        } as i64;
        let e = b - plen;
        if e < a {
            return false;
        }
        let (lo, hi) = if suffix { (e, b) } else { (a, a + plen) };
        &s.text[byte_at(&s, lo as usize)..byte_at(&s, hi as usize)] == p
    };
    let bad = |v: &Value| {
        types::type_error(format!(
            "{name} first arg must be str or a tuple of str, not {}",
            v.type_name()
        ))
    };
    match ops::base_value(&args[1]) {
        Value::Str(p) => Ok(Value::Bool(check(&p.text))),
        Value::Tuple(t) => {
            for p in t.iter() {
                match ops::base_value(p) {
                    Value::Str(p) => {
                        if check(&p.text) {
                            return Ok(Value::Bool(true));
                        }
                    }
                    _ => {
                        return Err(types::type_error(format!(
                            "tuple for {name} must only contain str, not {}",
                            p.type_name()
                        )))
                    }
                }
            }
            Ok(Value::Bool(false))
        }
        _ => Err(bad(&args[1])),
    }
}

fn startswith(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    affix(vm, args, "startswith", false)
}

fn endswith(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    affix(vm, args, "endswith", true)
}
