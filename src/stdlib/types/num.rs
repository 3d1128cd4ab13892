//! int, float and bool: constructors, methods, attributes, and the numeric
//! builtins (divmod, round, pow, hex, oct, bin).

use super::{getter, method, params, recv, wrap_for, Kw};
use crate::ast::BinOp;
use crate::stdlib::builtins::arity;
use crate::value::intern::sym;
use crate::value::object::{AttrMap, Native};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::ops;
use crate::vm::Vm;
use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Installs the numeric natives.
pub fn register(g: &mut AttrMap) {
    let mut def = |name: &'static str, f: crate::value::object::NativeFn| {
        g.insert(Symbol::new(name), Value::builtin(name, f));
    };
    def("divmod", divmod);
    def("round", round);
    def("pow", pow);
    def("hex", hex);
    def("oct", oct);
    def("bin", bin);
    types::with_types(|t| {
        method(&t.int, "__new__", int_new);
        method(&t.bool_, "__new__", bool_new);
        method(&t.float, "__new__", float_new);
        method(&t.int, "bit_length", bit_length);
        method(&t.int, "bit_count", bit_count);
        method(&t.int, "to_bytes", to_bytes);
        types::set_class_attr(
            &t.int,
            "from_bytes",
            Value::native(Native::ClassMethod(Value::builtin(
                "from_bytes",
                from_bytes,
            ))),
        );
        method(&t.int, "as_integer_ratio", int_ratio);
        method(&t.int, "conjugate", int_self);
        method(&t.int, "__index__", int_self);
        method(&t.int, "__int__", int_self);
        method(&t.int, "__float__", to_float);
        method(&t.int, "__round__", round_method);
        getter(&t.int, "real", int_self);
        getter(&t.int, "numerator", int_self);
        getter(&t.int, "imag", zero);
        getter(&t.int, "denominator", one);
        method(&t.float, "is_integer", float_is_integer);
        method(&t.float, "as_integer_ratio", float_ratio);
        method(&t.float, "hex", float_hex);
        types::set_class_attr(
            &t.float,
            "fromhex",
            Value::native(Native::ClassMethod(Value::builtin(
                "fromhex",
                float_fromhex,
            ))),
        );
        method(&t.float, "conjugate", float_self);
        method(&t.float, "__float__", float_self);
        method(&t.float, "__int__", float_int);
        method(&t.float, "__round__", round_method);
        getter(&t.float, "real", float_self);
        getter(&t.float, "imag", float_zero);
    });
}

fn bigint_of(v: &Value) -> Option<BigInt> {
    ops::base_value(v).as_bigint()
}

fn int_self(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match recv(args) {
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        v if v.is_int() => Ok(v.clone()),
        other => Err(super::descriptor_error("real", "int", other)),
    }
}

fn zero(_vm: &mut Vm, _: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Int(0))
}

fn one(_vm: &mut Vm, _: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Int(1))
}

fn float_zero(_vm: &mut Vm, _: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Float(0.0))
}

fn to_float(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let i = bigint_of(recv(args)).unwrap_or_default();
    i.to_f64()
        .filter(|f| f.is_finite())
        .map(Value::Float)
        .ok_or_else(|| types::overflow_error("int too large to convert to float"))
}

fn float_of(args: &[Value], name: &str) -> PyResult<f64> {
    match recv(args) {
        Value::Float(f) => Ok(*f),
        other => Err(super::descriptor_error(name, "float", other)),
    }
}

fn float_self(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Float(float_of(args, "real")?))
}

fn float_int(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    float_to_int(float_of(args, "__int__")?)
}

/// int(f): truncation, with CPython's errors for NaN and infinities.
pub fn float_to_int(f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(types::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(types::overflow_error(
            "cannot convert float infinity to integer",
        ));
    }
    let t = f.trunc();
    if t.abs() < 9.2e18 {
        Ok(Value::Int(t as i64))
    } else {
        Ok(Value::from_bigint(
            num_traits::FromPrimitive::from_f64(t).unwrap_or_default(),
        ))
    }
}

/// Parses an int literal as int(s, base) does: sign, whitespace, prefixes, underscores.
pub fn parse_int(s: &str, base: u32) -> Option<BigInt> {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let lower = t.to_ascii_lowercase();
    let prefixed = |p: &str| lower.starts_with(p);
    let (base, digits, had_prefix) = match base {
        0 if prefixed("0x") => (16, &t[2..], true),
        0 if prefixed("0o") => (8, &t[2..], true),
        0 if prefixed("0b") => (2, &t[2..], true),
        0 => {
            // Base 0 forbids leading zeros in a nonzero decimal.
            if t.len() > 1 && t.starts_with('0') && t.chars().any(|c| c != '0' && c != '_') {
                return None;
            }
            (10, t, false)
        }
        16 if prefixed("0x") => (16, &t[2..], true),
        8 if prefixed("0o") => (8, &t[2..], true),
        2 if prefixed("0b") => (2, &t[2..], true),
        b => (b, t, false),
    };
    // Underscores only between digits (or right after a base prefix).
    let digits = if had_prefix {
        digits.strip_prefix('_').unwrap_or(digits)
    } else {
        digits
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    if !clean.chars().all(|c| c.is_ascii_alphanumeric()) {
        let n = clean
            .chars()
            .map(|c| c.to_digit(10).or_else(|| non_ascii_digit(c)))
            .collect::<Option<Vec<u32>>>()?;
        let mut v = BigInt::zero();
        for d in n {
            if d >= base {
                return None;
            }
            v = v * base + d;
        }
        return Some(if neg { -v } else { v });
    }
    let v = BigInt::parse_bytes(clean.as_bytes(), base)?;
    Some(if neg { -v } else { v })
}

fn non_ascii_digit(c: char) -> Option<u32> {
    const ZEROS: &[u32] = &[0x660, 0x6f0, 0x966, 0x9e6, 0xe50, 0xff10];
    let n = c as u32;
    ZEROS
        .iter()
        .find(|&&z| (z..z + 10).contains(&n))
        .map(|z| n - z)
}

fn int_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let p = params("int", &args[1..], kwargs, &["x", "base"], 0, true)?;
    let v = match (&p[0], &p[1]) {
        (None, None) => Value::Int(0),
        (None, Some(_)) => return Err(types::type_error("int() missing string argument")),
        (Some(x), base) => {
            let base = match base {
                None => None,
                Some(b) => {
                    let b = super::int_arg(vm, b)?;
                    if b != 0 && !(2..=36).contains(&b) {
                        return Err(types::value_error(
                            "int() base must be >= 2 and <= 36, or 0",
                        ));
                    }
                    Some(b as u32)
                }
            };
            int_from(vm, x, base)?
        }
    };
    Ok(wrap_for(&args[0], v))
}

fn int_from(vm: &mut Vm, x: &Value, base: Option<u32>) -> PyResult<Value> {
    let text = match ops::base_value(x) {
        Value::Str(s) => Some(s.text.clone()),
        Value::Bytes(b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    };
    if let Some(text) = text {
        let radix = base.unwrap_or(10);
        let digits = text.chars().filter(|c| c.is_ascii_digit()).count();
        if radix == 10 && digits > 4300 {
            return Err(types::value_error(format!(
                "Exceeds the limit (4300 digits) for integer string conversion: value has {digits} digits; use sys.set_int_max_str_digits() to increase the limit"
            )));
        }
        return match parse_int(&text, radix) {
            Some(n) => Ok(Value::from_bigint(n)),
            None => {
                let shown = match ops::base_value(x) {
                    Value::Bytes(b) => ops::bytes_repr(b),
                    _ => ops::str_repr(&text),
                };
                Err(types::value_error(format!(
                    "invalid literal for int() with base {radix}: {shown}"
                )))
            }
        };
    }
    if base.is_some() {
        return Err(types::type_error(
            "int() can't convert non-string with explicit base",
        ));
    }
    match ops::base_value(x) {
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        v @ (Value::Int(_) | Value::BigInt(_)) => Ok(v.clone()),
        Value::Float(f) => float_to_int(*f),
        Value::Instance(i) => {
            for name in [sym::INT, sym::INDEX, Symbol::new("__trunc__")] {
                if let Some(f) = i.class.lookup(name) {
                    let r = vm.call(&f, &[x.clone()])?;
                    return match ops::base_value(&r) {
                        v if v.is_int() => Ok(if let Value::Bool(b) = v {
                            Value::Int(*b as i64)
                        } else {
                            v.clone()
                        }),
                        _ => Err(types::type_error(format!(
                            "{}returned non-int (type {})",
                            name.with(|s| format!("{s} ")),
                            r.type_name()
                        ))),
                    };
                }
            }
            Err(int_type_error(x))
        }
        _ => Err(int_type_error(x)),
    }
}

fn int_type_error(x: &Value) -> Value {
    types::type_error(format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        x.type_name()
    ))
}

fn bool_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("bool", kwargs)?;
    arity("bool", &args[1..], 0, 1)?;
    match args.get(1) {
        Some(v) => Ok(Value::Bool(ops::truthy(vm, v)?)),
        None => Ok(Value::Bool(false)),
    }
}

/// Parses float(str): decimal forms, underscores between digits, inf/nan words.
pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim_matches(|c: char| c.is_whitespace());
    let lower = t.to_ascii_lowercase();
    let (sign, body) = match lower.as_bytes().first() {
        Some(b'-') => (-1.0, &lower[1..]),
        Some(b'+') => (1.0, &lower[1..]),
        _ => (1.0, lower.as_str()),
    };
    match body {
        "inf" | "infinity" => return Some(sign * f64::INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-' | '_'))
    {
        return None;
    }
    let bytes = body.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'_' {
            let before = i > 0 && bytes[i - 1].is_ascii_digit();
            let after = bytes.get(i + 1).is_some_and(|c| c.is_ascii_digit());
            if !before || !after {
                return None;
            }
        }
    }
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().ok().map(|f| sign * f)
}

fn float_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("float", kwargs)?;
    arity("float", &args[1..], 0, 1)?;
    let v = match args.get(1) {
        None => Value::Float(0.0),
        Some(x) => float_from(vm, x)?,
    };
    Ok(wrap_for(&args[0], v))
}

fn float_from(vm: &mut Vm, x: &Value) -> PyResult<Value> {
    match ops::base_value(x) {
        Value::Float(f) => Ok(Value::Float(*f)),
        v if v.is_int() => v
            .as_bigint()
            .and_then(|b| b.to_f64())
            .filter(|f| f.is_finite())
            .map(Value::Float)
            .ok_or_else(|| types::overflow_error("int too large to convert to float")),
        Value::Str(s) => parse_float(&s.text).map(Value::Float).ok_or_else(|| {
            types::value_error(format!(
                "could not convert string to float: {}",
                ops::str_repr(&s.text)
            ))
        }),
        Value::Bytes(b) => {
            let text = String::from_utf8_lossy(b).into_owned();
            parse_float(&text).map(Value::Float).ok_or_else(|| {
                types::value_error(format!(
                    "could not convert string to float: {}",
                    ops::bytes_repr(b)
                ))
            })
        }
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup(sym::FLOAT) {
                let r = vm.call(&f, &[x.clone()])?;
                return match ops::base_value(&r) {
                    Value::Float(f) => Ok(Value::Float(*f)),
                    _ => Err(types::type_error(format!(
                        "{}.__float__ returned non-float (type {})",
                        x.type_name(),
                        r.type_name()
                    ))),
                };
            }
            if let Some(f) = i.class.lookup(sym::INDEX) {
                let r = vm.call(&f, &[x.clone()])?;
                return float_from(vm, &r);
            }
            Err(float_type_error(x))
        }
        _ => Err(float_type_error(x)),
    }
}

fn float_type_error(x: &Value) -> Value {
    types::type_error(format!(
        "float() argument must be a string or a real number, not '{}'",
        x.type_name()
    ))
}

fn no_args(name: &str, args: &[Value]) -> PyResult<()> {
    if args.len() > 1 {
        return Err(types::type_error(format!(
            "{name}() takes no arguments ({} given)",
            args.len() - 1
        )));
    }
    Ok(())
}

fn int_recv(args: &[Value], name: &str) -> PyResult<BigInt> {
    bigint_of(recv(args)).ok_or_else(|| super::descriptor_error(name, "int", recv(args)))
}

fn bit_length(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("int.bit_length", args)?;
    Ok(Value::Int(int_recv(args, "bit_length")?.bits() as i64))
}

fn bit_count(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("int.bit_count", args)?;
    let n = int_recv(args, "bit_count")?;
    let ones: u64 = n
        .magnitude()
        .to_u64_digits()
        .iter()
        .map(|d| d.count_ones() as u64)
        .sum();
    Ok(Value::Int(ones as i64))
}

fn byteorder(v: Option<&Value>) -> PyResult<bool> {
    match v {
        None => Ok(true),
        Some(Value::Str(s)) if s.text == "big" => Ok(true),
        Some(Value::Str(s)) if s.text == "little" => Ok(false),
        Some(Value::Str(_)) => Err(types::value_error(
            "byteorder must be either 'little' or 'big'",
        )),
        Some(other) => Err(types::type_error(format!(
            "to_bytes() argument 'byteorder' must be str, not {}",
            other.type_name()
        ))),
    }
}

fn to_bytes(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let n = int_recv(args, "to_bytes")?;
    let p = params(
        "to_bytes",
        &args[1..],
        kwargs,
        &["length", "byteorder", "signed"],
        0,
        true,
    )?;
    let length = match &p[0] {
        Some(v) => super::int_arg(vm, v)?,
        None => 1,
    };
    if length < 0 {
        return Err(types::value_error("length argument must be non-negative"));
    }
    let big = byteorder(p[1].as_ref())?;
    let signed = match &p[2] {
        Some(v) => ops::truthy(vm, v)?,
        None => false,
    };
    if !signed && n.is_negative() {
        return Err(types::overflow_error(
            "can't convert negative int to unsigned",
        ));
    }
    let mut bytes = n.to_signed_bytes_le();
    if !signed && bytes.len() > 1 && bytes.last() == Some(&0) {
        bytes.pop();
    }
    if n.is_zero() {
        bytes.clear();
    }
    let length = length as usize;
    if bytes.len() > length {
        return Err(types::overflow_error("int too big to convert"));
    }
    let fill = if n.is_negative() { 0xff } else { 0 };
    bytes.resize(length, fill);
    if big {
        bytes.reverse();
    }
    Ok(Value::Bytes(std::rc::Rc::new(bytes)))
}

fn from_bytes(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let p = params(
        "from_bytes",
        &args[1..],
        kwargs,
        &["bytes", "byteorder", "signed"],
        1,
        true,
    )?;
    let src = p[0].clone().unwrap_or(Value::None);
    let mut bytes: Vec<u8> = match ops::base_value(&src) {
        Value::Bytes(b) => (**b).clone(),
        Value::Str(_) => return Err(types::type_error("cannot convert 'str' object to bytes")),
        _ => {
            let items = ops::collect_iterable(vm, &src)?;
            let mut out = Vec::new();
            for it in items {
                match it.as_i64() {
                    Some(n) if (0..256).contains(&n) => out.push(n as u8),
                    Some(_) => return Err(types::value_error("bytes must be in range(0, 256)")),
                    None => {
                        return Err(types::type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            it.type_name()
                        )))
                    }
                }
            }
            out
        }
    };
    let big = byteorder(p[1].as_ref())?;
    let signed = match &p[2] {
        Some(v) => ops::truthy(vm, v)?,
        None => false,
    };
    if big {
        bytes.reverse();
    }
    let n = if signed {
        BigInt::from_signed_bytes_le(&bytes)
    } else {
        BigInt::from_bytes_le(Sign::Plus, &bytes)
    };
    let v = Value::from_bigint(n);
    match &args[0] {
        Value::Class(c) if c.is_user => vm.call(&args[0], &[v]),
        _ => Ok(v),
    }
}

fn int_ratio(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("int.as_integer_ratio", args)?;
    let n = int_recv(args, "as_integer_ratio")?;
    Ok(Value::tuple(vec![Value::from_bigint(n), Value::Int(1)]))
}

fn float_is_integer(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("float.is_integer", args)?;
    let f = float_of(args, "is_integer")?;
    Ok(Value::Bool(f.is_finite() && f.fract() == 0.0))
}

/// The exact (numerator, denominator) of a finite float.
pub fn float_ratio_parts(f: f64) -> PyResult<(BigInt, BigInt)> {
    if f.is_nan() {
        return Err(types::value_error("cannot convert NaN to integer ratio"));
    }
    if f.is_infinite() {
        return Err(types::overflow_error(
            "cannot convert Infinity to integer ratio",
        ));
    }
    if f == 0.0 {
        return Ok((BigInt::zero(), BigInt::one()));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1 << 52) - 1);
    let (mant, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp - 1075)
    };
    let mut num = BigInt::from(mant);
    let mut den = BigInt::one();
    if e > 0 {
        num <<= e as usize;
    } else {
        den <<= (-e) as usize;
    }
    let g = num.gcd(&den);
    num /= &g;
    den /= &g;
    if f < 0.0 {
        num = -num;
    }
    Ok((num, den))
}

fn float_ratio(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("float.as_integer_ratio", args)?;
    let (n, d) = float_ratio_parts(float_of(args, "as_integer_ratio")?)?;
    Ok(Value::tuple(vec![
        Value::from_bigint(n),
        Value::from_bigint(d),
    ]))
}

fn float_hex(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    no_args("float.hex", args)?;
    let f = float_of(args, "hex")?;
    if f.is_nan() {
        return Ok(Value::str("nan"));
    }
    if f.is_infinite() {
        return Ok(Value::str(if f > 0.0 { "inf" } else { "-inf" }));
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return Ok(Value::str(format!("{sign}0x0.0p+0")));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1 << 52) - 1);
    Ok(Value::str(if exp == 0 {
        format!("{sign}0x0.{frac:013x}p-1022")
    } else {
        let e = exp - 1023;
        format!(
            "{sign}0x1.{frac:013x}p{}{}",
            if e < 0 { "-" } else { "+" },
            e.abs()
        )
    }))
}

fn float_fromhex(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("fromhex", &args[1..], 1, 1)?;
    let s = args[1]
        .as_str()
        .ok_or_else(|| types::type_error(format!("must be str, not {}", args[1].type_name())))?;
    let bad = || types::value_error("invalid hexadecimal floating-point string");
    let t = s.trim().to_ascii_lowercase();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t.trim_start_matches('+').to_string()),
    };
    let value = match t.as_str() {
        "inf" | "infinity" => f64::INFINITY,
        "nan" => f64::NAN,
        _ => {
            let body = t.strip_prefix("0x").unwrap_or(&t);
            let (mant, exp) = match body.split_once('p') {
                Some((m, e)) => (m, e.parse::<i64>().map_err(|_| bad())?),
                None => (body, 0),
            };
            let (int_part, frac_part) = mant.split_once('.').unwrap_or((mant, ""));
            if int_part.is_empty() && frac_part.is_empty() {
                return Err(bad());
            }
            let mut m = BigInt::zero();
            for c in int_part.chars().chain(frac_part.chars()) {
                m = m * 16 + c.to_digit(16).ok_or_else(bad)?;
            }
            let e = exp - 4 * frac_part.len() as i64;
            let f = big_ldexp(&m, e);
            if f.is_infinite() {
                return Err(types::overflow_error(
                    "hexadecimal value too large to represent as a float",
                ));
            }
            f
        }
    };
    let v = Value::Float(if neg { -value } else { value });
    match &args[0] {
        Value::Class(c) if c.is_user => vm.call(&args[0], &[v]),
        _ => Ok(v),
    }
}

/// m * 2**e as the nearest float (m small enough in practice to be exact).
fn big_ldexp(m: &BigInt, e: i64) -> f64 {
    let bits = m.bits() as i64;
    if bits > 60 {
        let shift = bits - 60;
        let top = (m >> shift as usize).to_f64().unwrap_or(0.0);
        return top * 2f64.powi((e + shift) as i32);
    }
    let f = m.to_f64().unwrap_or(0.0);
    if e < -1000 {
        return f * 2f64.powi(-1000) * 2f64.powi((e + 1000) as i32);
    }
    f * 2f64.powi(e.clamp(-2000, 2000) as i32)
}

fn divmod(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    super::no_kwargs("divmod", kwargs)?;
    arity("divmod", args, 2, 2)?;
    let (a, b) = (ops::base_value(&args[0]), ops::base_value(&args[1]));
    let num = |v: &Value| v.is_int() || matches!(v, Value::Float(_));
    if num(a) && num(b) {
        if a.is_int() && b.is_int() {
            let q = ops::binary_op(vm, BinOp::FloorDiv, a, b)?;
            let r = ops::binary_op(vm, BinOp::Mod, a, b)?;
            return Ok(Value::tuple(vec![q, r]));
        }
        let x = to_f64(a)?;
        let y = to_f64(b)?;
        if y == 0.0 {
            return Err(types::zero_division_error("float divmod()"));
        }
        let (d, m) = float_divmod(x, y);
        return Ok(Value::tuple(vec![Value::Float(d), Value::Float(m)]));
    }
    for (obj, other, name) in [
        (&args[0], &args[1], "__divmod__"),
        (&args[1], &args[0], "__rdivmod__"),
    ] {
        if let Value::Instance(i) = obj {
            if let Some(f) = i.class.lookup(Symbol::new(name)) {
                let r = vm.call(&f, &[obj.clone(), other.clone()])?;
                if !matches!(&r, Value::Native(n) if matches!(&**n, Native::NotImplemented)) {
                    return Ok(r);
                }
            }
        }
    }
    Err(types::type_error(format!(
        "unsupported operand type(s) for divmod(): '{}' and '{}'",
        args[0].type_name(),
        args[1].type_name()
    )))
}

fn to_f64(v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        _ => v
            .as_bigint()
            .and_then(|b| b.to_f64())
            .filter(|f| f.is_finite())
            .ok_or_else(|| types::overflow_error("int too large to convert to float")),
    }
}

/// float divmod as CPython's float_divmod.
fn float_divmod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    let mut div = (vx - m) / wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m += wx;
            div -= 1.0;
        }
    } else {
        m = 0.0f64.copysign(wx);
    }
    let floordiv = if div != 0.0 {
        let mut f = div.floor();
        if div - f > 0.5 {
            f += 1.0;
        }
        f
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

fn round_method(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let p = params("__round__", &args[1..], kwargs, &["ndigits"], 0, true)?;
    let mut full = vec![recv(args).clone()];
    if let Some(n) = &p[0] {
        full.push(n.clone());
    }
    round(vm, &full, &[])
}

/// `round(x[, ndigits])`: ties to even, for ints and floats.
fn round(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let p = params("round", args, kwargs, &["number", "ndigits"], 1, true)?;
    let x = p[0].clone().unwrap_or(Value::None);
    let nd = p[1].clone().filter(|v| !v.is_none());
    let ndigits = match &nd {
        Some(v) => Some(super::int_arg(vm, v)?),
        None => None,
    };
    match ops::base_value(&x) {
        Value::Float(f) => Ok(match ndigits {
            None => round_half_even_to_int(*f)?,
            Some(n) => Value::Float(round_float(*f, n)),
        }),
        v if v.is_int() => {
            let i = v.as_bigint().unwrap_or_default();
            match ndigits {
                None => Ok(Value::from_bigint(i)),
                Some(n) if n >= 0 => Ok(Value::from_bigint(i)),
                Some(n) => {
                    if n < -4300 {
                        return Ok(Value::Int(0));
                    }
                    let pow = num_traits::pow(BigInt::from(10), (-n) as usize);
                    Ok(Value::from_bigint(round_big(&i, &pow)))
                }
            }
        }
        _ => {
            if let Value::Instance(i) = &x {
                if let Some(f) = i.class.lookup(sym::ROUND) {
                    let mut a = vec![x.clone()];
                    if let Some(n) = nd {
                        a.push(n);
                    }
                    return vm.call(&f, &a);
                }
            }
            Err(types::type_error(format!(
                "type {} doesn't define __round__ method",
                x.type_name()
            )))
        }
    }
}

/// i rounded to a multiple of `pow`, ties to even.
fn round_big(i: &BigInt, pow: &BigInt) -> BigInt {
    let (q, r) = i.div_mod_floor(pow);
    let twice: BigInt = &r * 2;
    let q = match twice.cmp(pow) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q.is_odd() => q + 1,
        _ => q,
    };
    q * pow
}

fn round_half_even_to_int(f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(types::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(types::overflow_error(
            "cannot convert float infinity to integer",
        ));
    }
    let r = f.round();
    let r = if (f - f.trunc()).abs() == 0.5 {
        2.0 * (f / 2.0).round()
    } else {
        r
    };
    float_to_int(r)
}

/// round(f, n): the float nearest to the correctly rounded decimal, as CPython.
fn round_float(f: f64, n: i64) -> f64 {
    if !f.is_finite() || f == 0.0 {
        return f;
    }
    if n > 323 {
        return f;
    }
    if n < -308 {
        return 0.0f64.copysign(f);
    }
    if n >= 0 {
        // Exact decimal expansion of the binary value, then ties to even on it.
        let (num, den) = match float_ratio_parts(f) {
            Ok(p) => p,
            Err(_) => return f,
        };
        let scale = num_traits::pow(BigInt::from(10), n as usize);
        let scaled_num = num * &scale;
        let q = round_big_div(&scaled_num, &den);
        let s = format!("{}e-{}", q, n);
        let r = s.parse::<f64>().unwrap_or(f);
        return if q.is_zero() { r.copysign(f) } else { r };
    }
    let (num, den) = match float_ratio_parts(f) {
        Ok(p) => p,
        Err(_) => return f,
    };
    let pow = num_traits::pow(BigInt::from(10), (-n) as usize);
    let q = round_big_div(&num, &(den * &pow));
    let r = (q * pow).to_f64().unwrap_or(f64::INFINITY);
    if r == 0.0 {
        0.0f64.copysign(f)
    } else {
        r
    }
}

/// num / den rounded to an integer, ties to even.
fn round_big_div(num: &BigInt, den: &BigInt) -> BigInt {
    let (q, r) = num.div_mod_floor(den);
    let twice: BigInt = r * 2;
    match twice.cmp(den) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q.is_odd() => q + 1,
        _ => q,
    }
}

/// `pow(base, exp[, mod])`.
fn pow(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let p = params("pow", args, kwargs, &["base", "exp", "mod"], 2, true)?;
    let base = p[0].clone().unwrap_or(Value::None);
    let exp = p[1].clone().unwrap_or(Value::None);
    let m = p[2].clone().filter(|v| !v.is_none());
    let Some(m) = m else {
        return ops::binary_op(vm, BinOp::Pow, &base, &exp);
    };
    let (Some(b), Some(e), Some(md)) = (bigint_of(&base), bigint_of(&exp), bigint_of(&m)) else {
        return Err(types::type_error(
            "pow() 3rd argument not allowed unless all arguments are integers",
        ));
    };
    if md.is_zero() {
        return Err(types::value_error("pow() 3rd argument cannot be 0"));
    }
    let modulus = md.abs();
    let mut b = b.mod_floor(&modulus);
    let e = if e.is_negative() {
        b = mod_inverse(&b, &modulus)
            .ok_or_else(|| types::value_error("base is not invertible for the given modulus"))?;
        -e
    } else {
        e
    };
    let mut r = b.modpow(&e, &modulus);
    if md.is_negative() && !r.is_zero() {
        r += &md;
    }
    Ok(Value::from_bigint(r))
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let g = a.extended_gcd(m);
    if !g.gcd.is_one() {
        return None;
    }
    Some(g.x.mod_floor(m))
}

fn int_for_base(vm: &mut Vm, args: &[Value], name: &str) -> PyResult<BigInt> {
    arity(name, args, 1, 1)?;
    let v = &args[0];
    if let Some(b) = bigint_of(v) {
        return Ok(b);
    }
    if let Value::Instance(i) = v {
        if let Some(f) = i.class.lookup(sym::INDEX) {
            let r = vm.call(&f, &[v.clone()])?;
            if let Some(b) = bigint_of(&r) {
                return Ok(b);
            }
            return Err(types::type_error(format!(
                "__index__ returned non-int (type {})",
                r.type_name()
            )));
        }
    }
    Err(types::type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        v.type_name()
    )))
}

fn radix(
    vm: &mut Vm,
    args: &[Value],
    name: &str,
    prefix: &str,
    f: fn(&num_bigint::BigUint) -> String,
) -> PyResult<Value> {
    let n = int_for_base(vm, args, name)?;
    let sign = if n.is_negative() { "-" } else { "" };
    Ok(Value::str(format!("{sign}{prefix}{}", f(n.magnitude()))))
}

fn hex(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    radix(vm, args, "hex", "0x", |m| format!("{m:x}"))
}

fn oct(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    radix(vm, args, "oct", "0o", |m| format!("{m:o}"))
}

fn bin(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    radix(vm, args, "bin", "0b", |m| format!("{m:b}"))
}
