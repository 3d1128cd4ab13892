//! str: joining, replacing, padding, partitioning, line splitting, encoding.

use super::str::{str_arg, this_str};
use super::{int_arg, method, params, Kw};
use crate::value::{types, PyResult, Value};
use crate::vm::ops;
use crate::vm::Vm;

/// Installs the str methods of this file.
pub fn register() {
    types::with_types(|t| {
        let c = &t.str_;
        method(c, "join", join);
        method(c, "replace", replace);
        method(c, "center", center);
        method(c, "ljust", ljust);
        method(c, "rjust", rjust);
        method(c, "zfill", zfill);
        method(c, "partition", partition);
        method(c, "rpartition", rpartition);
        method(c, "splitlines", splitlines);
        method(c, "encode", encode);
        method(c, "expandtabs", expandtabs);
        method(c, "removeprefix", removeprefix);
        method(c, "removesuffix", removesuffix);
    });
}

fn join(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "str.join() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    let sep = this_str(args, "join")?.clone();
    let items = ops::collect_iterable(vm, &args[1]).map_err(|e| {
        if types::exc_is(&e, |t| &t.type_error)
            && !matches!(args[1], Value::Instance(_) | Value::Generator(_))
        {
            types::type_error("can only join an iterable")
        } else {
            e
        }
    })?;
    let mut out = String::new();
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep.text);
        }
        match ops::base_value(v) {
            Value::Str(s) => out.push_str(&s.text),
            _ => {
                return Err(types::type_error(format!(
                    "sequence item {}: expected str instance, {} found",
                    i,
                    v.type_name()
                )))
            }
        }
    }
    Ok(Value::str(out))
}

fn replace(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let s = this_str(args, "replace")?.clone();
    if args.len() < 3 {
        return Err(types::type_error(format!(
            "replace expected at least 2 arguments, got {}",
            args.len() - 1
        )));
    }
    if args.len() > 4 {
        return Err(types::type_error(format!(
            "replace expected at most 3 arguments, got {}",
            args.len() - 1
        )));
    }
    super::no_kwargs("replace", kwargs)?;
    let arg = |i: usize| -> PyResult<String> {
        match ops::base_value(&args[i]) {
            Value::Str(x) => Ok(x.text.clone()),
            _ => Err(types::type_error(format!(
                "replace() argument {} must be str, not {}",
                i,
                args[i].type_name()
            ))),
        }
    };
    let (old, new) = (arg(1)?, arg(2)?);
    let count = match args.get(3) {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    Ok(Value::str(if count < 0 {
        s.text.replace(&old, &new)
    } else {
        s.text.replacen(&old, &new, count as usize)
    }))
}

/// (receiver, width, fill) for center/ljust/rjust.
fn pad_args(vm: &mut Vm, args: &[Value], name: &str) -> PyResult<(String, usize, usize, char)> {
    if args.len() < 2 || args.len() > 3 {
        let n = args.len() - 1;
        let msg = if n < 1 {
            format!("{name} expected at least 1 argument, got {n}")
        } else {
            format!("{name} expected at most 2 arguments, got {n}")
        };
        return Err(types::type_error(msg));
    }
    let s = this_str(args, name)?.clone();
    let width = int_arg(vm, &args[1])?;
    let fill = match args.get(2) {
        None => ' ',
        Some(v) => match ops::base_value(v) {
            Value::Str(f) if f.char_len == 1 => f.text.chars().next().unwrap_or(' '),
            Value::Str(_) => {
                return Err(types::type_error(
                    "The fill character must be exactly one character long",
                ))
            }
            _ => {
                return Err(types::type_error(format!(
                    "The fill character must be a unicode character, not {}",
                    v.type_name()
                )))
            }
        },
    };
    Ok((s.text.clone(), s.char_len, width.max(0) as usize, fill))
}

fn fill(c: char, n: usize) -> String {
    std::iter::repeat_n(c, n).collect()
}

fn center(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (s, len, width, c) = pad_args(vm, args, "center")?;
    crate::vm::limits::check_alloc_items(width, c.len_utf8())?;
    if width <= len {
        return Ok(Value::str(s));
    }
    let marg = width - len;
    let left = marg / 2 + (marg & width & 1);
    Ok(Value::str(format!(
        "{}{}{}",
        fill(c, left),
        s,
        fill(c, marg - left)
    )))
}

fn ljust(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (s, len, width, c) = pad_args(vm, args, "ljust")?;
    crate::vm::limits::check_alloc_items(width, c.len_utf8())?;
    Ok(Value::str(format!(
        "{}{}",
        s,
        fill(c, width.saturating_sub(len))
    )))
}

fn rjust(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (s, len, width, c) = pad_args(vm, args, "rjust")?;
    crate::vm::limits::check_alloc_items(width, c.len_utf8())?;
    Ok(Value::str(format!(
        "{}{}",
        fill(c, width.saturating_sub(len)),
        s
    )))
}

fn zfill(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "str.zfill() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    let s = this_str(args, "zfill")?.clone();
    let width = int_arg(vm, &args[1])?.max(0) as usize;
    crate::vm::limits::check_alloc(width)?;
    if width <= s.char_len {
        return Ok(Value::Str(s));
    }
    let zeros = fill('0', width - s.char_len);
    let t = &s.text;
    Ok(Value::str(match t.chars().next() {
        Some(sign @ ('+' | '-')) => format!("{sign}{zeros}{}", &t[1..]),
        _ => format!("{zeros}{t}"),
    }))
}

fn partition_impl(args: &[Value], name: &str, rev: bool) -> PyResult<Value> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "str.{name}() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    let s = this_str(args, name)?.clone();
    let sep = str_arg(&args[1])?.to_string();
    if sep.is_empty() {
        return Err(types::value_error("empty separator"));
    }
    let found = if rev {
        s.text.rfind(&sep)
    } else {
        s.text.find(&sep)
    };
    let parts = match found {
        Some(i) => vec![
            Value::str(&s.text[..i]),
            Value::str(sep.clone()),
            Value::str(&s.text[i + sep.len()..]),
        ],
        None if rev => vec![Value::str(""), Value::str(""), Value::Str(s.clone())],
        None => vec![Value::Str(s.clone()), Value::str(""), Value::str("")],
    };
    Ok(Value::tuple(parts))
}

fn partition(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    partition_impl(args, "partition", false)
}

fn rpartition(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    partition_impl(args, "rpartition", true)
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\x0b'
            | '\x0c'
            | '\x1c'
            | '\x1d'
            | '\x1e'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn splitlines(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let s = this_str(args, "splitlines")?.clone();
    let p = params("splitlines", &args[1..], kwargs, &["keepends"], 0, true)?;
    let keep = match &p[0] {
        Some(v) => ops::truthy(vm, v)?,
        None => false,
    };
    let text = s.text.as_str();
    let mut out = Vec::new();
    let mut start = 0;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_line_break(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' {
            if let Some((_, '\n')) = iter.peek() {
                iter.next();
                end += 1;
            }
        }
        out.push(Value::str(if keep {
            &text[start..end]
        } else {
            &text[start..i]
        }));
        start = end;
    }
    if start < text.len() {
        out.push(Value::str(&text[start..]));
    }
    Ok(Value::list(out))
}

fn encode(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let s = this_str(args, "encode")?.clone();
    let p = params(
        "encode",
        &args[1..],
        kwargs,
        &["encoding", "errors"],
        0,
        true,
    )?;
    let get = |i: usize, name: &str, default: &str| -> PyResult<String> {
        match &p[i] {
            None => Ok(default.to_string()),
            Some(v) => match ops::base_value(v) {
                Value::Str(x) => Ok(x.text.clone()),
                _ => Err(types::type_error(format!(
                    "encode() argument '{name}' must be str, not {}",
                    v.type_name()
                ))),
            },
        }
    };
    let enc = get(0, "encoding", "utf-8")?;
    let errors = get(1, "errors", "strict")?;
    Ok(Value::Bytes(std::rc::Rc::new(super::bytes::encode(
        &s.text, &enc, &errors,
    )?)))
}

fn expandtabs(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let s = this_str(args, "expandtabs")?.clone();
    let p = params("expandtabs", &args[1..], kwargs, &["tabsize"], 0, true)?;
    let size = match &p[0] {
        Some(v) => int_arg(vm, v)?,
        None => 8,
    };
    if i32::try_from(size).is_err() {
        return Err(types::overflow_error(
            "Python int too large to convert to C int",
        ));
    }
    let mut out = String::with_capacity(s.text.len());
    let mut col: i64 = 0;
    for c in s.text.chars() {
        match c {
            '\t' => {
                if size > 0 {
                    let n = size - col % size;
                    crate::vm::limits::check_alloc(
                        (out.len() as u64).saturating_add(n as u64) as usize
                    )?;
                    out.push_str(&" ".repeat(n as usize));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(Value::str(out))
}

fn affix_arg<'a>(args: &'a [Value], name: &str) -> PyResult<&'a str> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "str.{name}() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    match ops::base_value(&args[1]) {
        Value::Str(p) => Ok(&p.text),
        _ => Err(types::type_error(format!(
            "{name}() argument must be str, not {}",
            args[1].type_name()
        ))),
    }
}

fn removeprefix(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = this_str(args, "removeprefix")?.clone();
    let p = affix_arg(args, "removeprefix")?;
    Ok(match s.text.strip_prefix(p) {
        Some(rest) if !p.is_empty() => Value::str(rest),
        _ => Value::Str(s),
    })
}

fn removesuffix(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let s = this_str(args, "removesuffix")?.clone();
    let p = affix_arg(args, "removesuffix")?;
    Ok(match s.text.strip_suffix(p) {
        Some(rest) if !p.is_empty() => Value::str(rest),
        _ => Value::Str(s),
    })
}
