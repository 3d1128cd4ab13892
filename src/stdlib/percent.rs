//! printf-style `%` formatting of strings.

use crate::value::{types, PyResult, Value};
use crate::vm::ops;
use crate::vm::Vm;

/// `fmt % args`.
pub fn format(vm: &mut Vm, fmt: &str, args: &Value) -> PyResult<String> {
    let items: Vec<Value> = match args {
        Value::Tuple(t) => (**t).clone(),
        other => vec![other.clone()],
    };
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if "-+ #0123456789.".contains(d) {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let conv = chars
            .next()
            .ok_or_else(|| types::value_error("incomplete format"))?;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let arg = items
            .get(next)
            .cloned()
            .ok_or_else(|| types::type_error("not enough arguments for format string"))?;
        next += 1;
        let (flags, rest): (String, String) = spec.chars().partition(|c| "-+ #0".contains(*c));
        let align = if flags.contains('-') { "<" } else { "" };
        let zero = if flags.contains('0') && !flags.contains('-') {
            "0"
        } else {
            ""
        };
        let sign = if flags.contains('+') {
            "+"
        } else if flags.contains(' ') {
            " "
        } else {
            ""
        };
        let s = match conv {
            's' => {
                let s = Value::str(ops::str_of(vm, &arg)?);
                ops::format(vm, &s, &format!("{align}{rest}"))?
            }
            'r' => {
                let s = Value::str(ops::repr(vm, &arg)?);
                ops::format(vm, &s, &format!("{align}{rest}"))?
            }
            'd' | 'i' | 'u' => {
                let n = match &arg {
                    Value::Float(f) => Value::Int(f.trunc() as i64),
                    other if other.is_int() => other.clone(),
                    other => {
                        return Err(types::type_error(format!(
                            "%d format: a real number is required, not {}",
                            other.type_name()
                        )))
                    }
                };
                ops::format(vm, &n, &format!("{align}{sign}{zero}{rest}d"))?
            }
            'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
                let f = match &arg {
                    Value::Float(f) => *f,
                    other => other.as_i64().map(|i| i as f64).ok_or_else(|| {
                        types::type_error(format!("must be real number, not {}", other.type_name()))
                    })?,
                };
                ops::format(
                    vm,
                    &Value::Float(f),
                    &format!("{align}{sign}{zero}{rest}{conv}"),
                )?
            }
            'x' | 'X' | 'o' => ops::format(vm, &arg, &format!("{align}{sign}{zero}{rest}{conv}"))?,
            'c' => ops::str_of(vm, &arg)?,
            other => {
                return Err(types::value_error(format!(
                    "unsupported format character '{other}' (0x{:x})",
                    other as u32
                )))
            }
        };
        out.push_str(&s);
    }
    if next < items.len() && !matches!(args, Value::Dict(_)) {
        return Err(types::type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}
