//! printf-style `%` formatting of strings.

use crate::value::intern::sym;
use crate::value::{types, PyResult, Value};
use crate::vm::ops;
use crate::vm::Vm;

/// Where the next `%` conversion takes its value from, with CPython's bookkeeping: a
/// tuple gives its items in turn; any other value is the single argument (`len` is -1
/// and `idx` -2 until it is used).
struct Args {
    items: Vec<Value>,
    len: isize,
    idx: isize,
}

impl Args {
    fn new(args: &Value) -> Args {
        match args {
            Value::Tuple(t) => Args {
                items: (**t).clone(),
                len: t.len() as isize,
                idx: 0,
            },
            other => Args::single(other.clone()),
        }
    }

    fn single(v: Value) -> Args {
        Args {
            items: vec![v],
            len: -1,
            idx: -2,
        }
    }

    fn next(&mut self) -> PyResult<Value> {
        if self.idx < self.len {
            let v = if self.len < 0 {
                self.idx = -1;
                self.items[0].clone()
            } else {
                self.idx += 1;
                self.items[self.idx as usize - 1].clone()
            };
            return Ok(v);
        }
        Err(types::type_error("not enough arguments for format string"))
    }
}

/// True when `%(key)s` may look keys up in `v`: anything subscriptable but a tuple or
/// a string (so `"x" % []` is "x", as in CPython).
fn is_mapping(v: &Value) -> bool {
    match v {
        Value::Dict(_) | Value::List(_) | Value::Bytes(_) | Value::Range(_) => true,
        Value::Instance(i) => i.class.lookup(sym::GETITEM).is_some(),
        _ => false,
    }
}

/// The parsed flags of one conversion.
#[derive(Default)]
struct Spec {
    left: bool,
    zero: bool,
    plus: bool,
    space: bool,
    alt: bool,
    width: usize,
    prec: Option<usize>,
}

impl Spec {
    /// Pads `body` (already signed and prefixed) to the width; `sign_len` leading
    /// characters stay in front of zero padding.
    fn pad(&self, body: String, numeric: bool, sign_len: usize) -> String {
        let n = body.chars().count();
        if n >= self.width {
            return body;
        }
        let fill = self.width - n;
        if self.left {
            format!("{body}{}", " ".repeat(fill))
        } else if self.zero && numeric {
            let (head, tail) = body.split_at(sign_len);
            format!("{head}{}{tail}", "0".repeat(fill))
        } else {
            format!("{}{body}", " ".repeat(fill))
        }
    }

    fn sign(&self, negative: bool) -> &'static str {
        if negative {
            "-"
        } else if self.plus {
            "+"
        } else if self.space {
            " "
        } else {
            ""
        }
    }
}

/// A `*` width or precision: the next argument, which must be an int.
fn star(args: &mut Args) -> PyResult<i64> {
    let v = args.next()?;
    match ops::base_value(&v) {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        _ => Err(types::type_error("* wants int")),
    }
}

/// A decimal number in the spec (width or precision digits).
fn digits(chars: &[char], pos: &mut usize) -> PyResult<usize> {
    let mut n: usize = 0;
    while let Some(d) = chars.get(*pos).and_then(|c| c.to_digit(10)) {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(d as usize))
            .filter(|n| *n <= i32::MAX as usize)
            .ok_or_else(|| types::value_error("width too big"))?;
        *pos += 1;
    }
    Ok(n)
}

/// `fmt % args`.
pub fn format(vm: &mut Vm, fmt: &str, args: &Value) -> PyResult<String> {
    let chars: Vec<char> = fmt.chars().collect();
    format_chars(vm, &chars, args, false)
}

/// `bytes % args`: the same mini-language over bytes (`%s`/`%b` insert bytes-like
/// objects, `%r`/`%a` the ASCII repr, `%c` one byte).
pub fn format_bytes(vm: &mut Vm, fmt: &[u8], args: &Value) -> PyResult<Vec<u8>> {
    // Each byte stands for the char of the same number (Latin-1) while formatting.
    let chars: Vec<char> = fmt.iter().map(|&b| b as char).collect();
    let out = format_chars(vm, &chars, args, true)?;
    Ok(out.chars().map(|c| c as u32 as u8).collect())
}

fn format_chars(vm: &mut Vm, chars: &[char], args: &Value, bytes: bool) -> PyResult<String> {
    let chars = chars.to_vec();
    let mapping =
        !matches!(args, Value::Tuple(_) | Value::Str(_) | Value::Bytes(_)) && is_mapping(args);
    let mut state = Args::new(args);
    let mut out = String::new();
    let mut pos = 0;
    while pos < chars.len() {
        let c = chars[pos];
        pos += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut keyed: Option<Value> = None;
        if chars.get(pos) == Some(&'(') {
            if !mapping {
                return Err(types::type_error("format requires a mapping"));
            }
            pos += 1;
            let start = pos;
            let mut depth = 1;
            while pos < chars.len() {
                match chars[pos] {
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                pos += 1;
            }
            if pos >= chars.len() {
                return Err(types::value_error("incomplete format key"));
            }
            let key: String = chars[start..pos].iter().collect();
            pos += 1;
            let key = if bytes {
                Value::Bytes(std::rc::Rc::new(
                    key.chars().map(|c| c as u32 as u8).collect(),
                ))
            } else {
                Value::str(key)
            };
            keyed = Some(ops::getitem(vm, args, &key)?);
        }
        // A keyed conversion reads its value (and any `*`) from the looked-up item.
        let mut key_args;
        let was_keyed = keyed.is_some();
        let source: &mut Args = match keyed {
            Some(v) => {
                key_args = Args::single(v);
                &mut key_args
            }
            None => &mut state,
        };
        let mut spec = Spec::default();
        while let Some(&f) = chars.get(pos) {
            match f {
                '-' => spec.left = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alt = true,
                '0' => spec.zero = true,
                _ => break,
            }
            pos += 1;
        }
        if chars.get(pos) == Some(&'*') {
            pos += 1;
            let w = star(source)?;
            if w < 0 {
                spec.left = true;
            }
            spec.width = w.unsigned_abs() as usize;
        } else {
            spec.width = digits(&chars, &mut pos)?;
        }
        if chars.get(pos) == Some(&'.') {
            pos += 1;
            if chars.get(pos) == Some(&'*') {
                pos += 1;
                spec.prec = Some(star(source)?.max(0) as usize);
            } else {
                spec.prec = Some(digits(&chars, &mut pos)?);
            }
        }
        while matches!(chars.get(pos), Some('h' | 'l' | 'L')) {
            pos += 1;
        }
        let Some(&conv) = chars.get(pos) else {
            return Err(types::value_error("incomplete format"));
        };
        pos += 1;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let arg = source.next()?;
        let s = if bytes {
            convert_bytes(vm, conv, &arg, &spec, pos - 1)?
        } else {
            convert(vm, conv, &arg, &spec, pos - 1)?
        };
        out.push_str(&s);
        if was_keyed {
            // CPython's state after a keyed conversion: the mapping counts as used.
            state.len = -1;
            state.idx = -1;
        }
    }
    if state.idx < state.len && !mapping {
        return Err(types::type_error(format!(
            "not all arguments converted during {} formatting",
            if bytes { "bytes" } else { "string" }
        )));
    }
    Ok(out)
}

/// One conversion of `bytes % args`, as Latin-1 chars (see `format_bytes`).
fn convert_bytes(vm: &mut Vm, conv: char, arg: &Value, spec: &Spec, at: usize) -> PyResult<String> {
    let latin1 = |b: &[u8]| b.iter().map(|&b| b as char).collect::<String>();
    Ok(match conv {
        's' | 'b' => {
            let data: Vec<u8> = match ops::base_value(arg) {
                Value::Bytes(b) => b.to_vec(),
                _ => match dunder_bytes(vm, arg)? {
                    Some(b) => b,
                    None => {
                        return Err(types::type_error(format!(
                            "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                            arg.type_name()
                        )))
                    }
                },
            };
            let mut s = latin1(&data);
            if let Some(p) = spec.prec {
                s = s.chars().take(p).collect();
            }
            spec.pad(s, false, 0)
        }
        'r' | 'a' => {
            let mut s = ops::ascii_escape(&ops::repr(vm, arg)?);
            if let Some(p) = spec.prec {
                s = s.chars().take(p).collect();
            }
            spec.pad(s, false, 0)
        }
        'c' => {
            let byte = match ops::base_value(arg) {
                Value::Bytes(b) if b.len() == 1 => b[0],
                v @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_)) => {
                    match v.as_i64().filter(|c| (0..256).contains(c)) {
                        Some(c) => c as u8,
                        None => return Err(types::overflow_error("%c arg not in range(256)")),
                    }
                }
                _ => {
                    return Err(types::type_error(
                        "%c requires an integer in range(256) or a single byte",
                    ))
                }
            };
            spec.pad((byte as char).to_string(), false, 0)
        }
        _ => convert(vm, conv, arg, spec, at)?,
    })
}

/// Formats one argument for the conversion character `conv` (at char index `at`).
fn convert(vm: &mut Vm, conv: char, arg: &Value, spec: &Spec, at: usize) -> PyResult<String> {
    Ok(match conv {
        's' | 'r' | 'a' => {
            let mut s = match conv {
                's' => ops::str_of(vm, arg)?,
                'r' => ops::repr(vm, arg)?,
                _ => ops::ascii_escape(&ops::repr(vm, arg)?),
            };
            if let Some(p) = spec.prec {
                s = s.chars().take(p).collect();
            }
            spec.pad(s, false, 0)
        }
        'c' => {
            let ch = match ops::base_value(arg) {
                Value::Str(s) if s.text.chars().count() == 1 => s.text.to_string(),
                v @ (Value::Int(_) | Value::BigInt(_) | Value::Bool(_)) => {
                    let code = v.as_i64().filter(|c| (0..0x110000).contains(c));
                    match code.and_then(|c| char::from_u32(c as u32)) {
                        Some(c) => c.to_string(),
                        None => return Err(types::overflow_error("%c arg not in range(0x110000)")),
                    }
                }
                _ => return Err(types::type_error("%c requires int or char")),
            };
            spec.pad(ch, false, 0)
        }
        'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
            let n = int_arg(vm, conv, arg)?;
            let (radix, prefix) = match conv {
                'x' => ("x", "0x"),
                'X' => ("X", "0X"),
                'o' => ("o", "0o"),
                _ => ("d", ""),
            };
            let text = ops::format(vm, &n, radix)?;
            let (negative, mut digits) = match text.strip_prefix('-') {
                Some(d) => (true, d.to_string()),
                None => (false, text),
            };
            if let Some(p) = spec.prec {
                if digits.len() < p {
                    digits = format!("{}{digits}", "0".repeat(p - digits.len()));
                }
            }
            let head = format!(
                "{}{}",
                spec.sign(negative),
                if spec.alt { prefix } else { "" }
            );
            let head_len = head.len();
            spec.pad(format!("{head}{digits}"), true, head_len)
        }
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
            let f = float_arg(vm, arg)?;
            let mut fs = String::new();
            if spec.plus {
                fs.push('+');
            } else if spec.space {
                fs.push(' ');
            }
            if spec.alt {
                fs.push('#');
            }
            fs.push_str(&format!(".{}{conv}", spec.prec.unwrap_or(6)));
            let text = ops::format(vm, &Value::Float(f), &fs)?;
            let sign_len = usize::from(text.starts_with(['-', '+', ' ']));
            spec.pad(text, true, sign_len)
        }
        other => {
            return Err(types::value_error(format!(
                "unsupported format character '{other}' (0x{:x}) at index {at}",
                other as u32
            )))
        }
    })
}

/// The integer a `%d`/`%x`/`%o` conversion prints: `%d` truncates floats and takes
/// anything with `__int__`; `%x`/`%o` need a true integer (`__index__`).
fn int_arg(vm: &mut Vm, conv: char, arg: &Value) -> PyResult<Value> {
    let base = ops::base_value(arg);
    match base {
        Value::Int(_) | Value::BigInt(_) => return Ok(base.clone()),
        Value::Bool(b) => return Ok(Value::Int(*b as i64)),
        _ => {}
    }
    let decimal = matches!(conv, 'd' | 'i' | 'u');
    if let Value::Float(f) = base {
        if decimal {
            return super::types::num::float_to_int(*f);
        }
    }
    if let Value::Instance(i) = arg {
        let has_index = i.class.lookup(sym::INDEX).is_some();
        if has_index || (decimal && i.class.lookup(sym::INT).is_some()) {
            let int = Value::Class(types::with_types(|t| t.int.clone()));
            return vm.call(&int, std::slice::from_ref(arg));
        }
    }
    Err(types::type_error(if decimal {
        format!(
            "%{conv} format: a real number is required, not {}",
            arg.type_name()
        )
    } else {
        format!(
            "%{conv} format: an integer is required, not {}",
            arg.type_name()
        )
    }))
}

/// The float a `%f`/`%e`/`%g` conversion prints.
fn float_arg(vm: &mut Vm, arg: &Value) -> PyResult<f64> {
    match ops::base_value(arg) {
        Value::Float(f) => return Ok(*f),
        Value::Bool(b) => return Ok(*b as i64 as f64),
        Value::Int(i) => return Ok(*i as f64),
        v @ Value::BigInt(_) => {
            let float = Value::Class(types::with_types(|t| t.float.clone()));
            if let Value::Float(f) = vm.call(&float, std::slice::from_ref(v))? {
                return Ok(f);
            }
        }
        _ => {}
    }
    if let Value::Instance(i) = arg {
        if i.class.lookup(sym::FLOAT).is_some() || i.class.lookup(sym::INDEX).is_some() {
            let float = Value::Class(types::with_types(|t| t.float.clone()));
            if let Value::Float(f) = vm.call(&float, std::slice::from_ref(arg))? {
                return Ok(f);
            }
        }
    }
    Err(types::type_error(format!(
        "must be real number, not {}",
        arg.type_name()
    )))
}

/// `obj.__bytes__()` for an instance whose class defines it (None otherwise).
fn dunder_bytes(vm: &mut Vm, obj: &Value) -> PyResult<Option<Vec<u8>>> {
    let Value::Instance(i) = obj else {
        return Ok(None);
    };
    let Some(f) = i.class.lookup(crate::value::Symbol::new("__bytes__")) else {
        return Ok(None);
    };
    match vm.call(&f, std::slice::from_ref(obj))? {
        Value::Bytes(ref b) => Ok(Some(b.to_vec())),
        other => Err(types::type_error(format!(
            "__bytes__ returned non-bytes (type {})",
            other.type_name()
        ))),
    }
}
