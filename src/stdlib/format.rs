//! format() for builtin values: the format-spec mini-language.

use crate::value::{types, PyResult, Value};
use crate::vm::ops;
use crate::vm::Vm;

/// format(v, spec) for builtin types.
pub fn format_builtin(vm: &mut Vm, v: &Value, spec: &str) -> PyResult<String> {
    if spec.is_empty() {
        return ops::str_of(vm, v);
    }
    let spec_parsed = parse(spec).ok_or_else(|| types::value_error("Invalid format specifier"))?;
    let body = match v {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => {
            let i = v.as_bigint().unwrap_or_default();
            match spec_parsed.ty {
                Some('f') | Some('F') | Some('e') | Some('g') | Some('%') => {
                    use num_traits::ToPrimitive;
                    float_body(i.to_f64().unwrap_or(f64::INFINITY), &spec_parsed)
                }
                Some('x') => sign(&spec_parsed, i.sign() == num_bigint::Sign::Minus, format!("{}{:x}", if spec_parsed.alt { "0x" } else { "" }, i.magnitude())),
                Some('X') => sign(&spec_parsed, i.sign() == num_bigint::Sign::Minus, format!("{}{:X}", if spec_parsed.alt { "0X" } else { "" }, i.magnitude())),
                Some('o') => sign(&spec_parsed, i.sign() == num_bigint::Sign::Minus, format!("{}{:o}", if spec_parsed.alt { "0o" } else { "" }, i.magnitude())),
                Some('b') => sign(&spec_parsed, i.sign() == num_bigint::Sign::Minus, format!("{}{:b}", if spec_parsed.alt { "0b" } else { "" }, i.magnitude())),
                Some('c') => char::from_u32(num_traits::ToPrimitive::to_u32(&i).unwrap_or(0)).map(|c| c.to_string()).unwrap_or_default(),
                Some('d') | Some('n') | None => {
                    let digits = group(&i.magnitude().to_string(), spec_parsed.grouping, 3);
                    sign(&spec_parsed, i.sign() == num_bigint::Sign::Minus, digits)
                }
                Some(c) => {
                    return Err(types::value_error(format!("Unknown format code '{c}' for object of type 'int'")))
                }
            }
        }
        Value::Float(f) => match spec_parsed.ty {
            Some('d') | Some('x') | Some('b') | Some('o') | Some('c') => {
                return Err(types::value_error(format!(
                    "Unknown format code '{}' for object of type 'float'",
                    spec_parsed.ty.unwrap_or('?')
                )))
            }
            _ => float_body(*f, &spec_parsed),
        },
        Value::Str(s) => {
            if let Some(c) = spec_parsed.ty.filter(|c| *c != 's') {
                return Err(types::value_error(format!("Unknown format code '{c}' for object of type 'str'")));
            }
            match spec_parsed.precision {
                Some(p) => s.text.chars().take(p).collect(),
                None => s.text.clone(),
            }
        }
        _ => {
            return Err(types::type_error(format!(
                "unsupported format string passed to {}.__format__",
                v.type_name()
            )))
        }
    };
    let default_right = !matches!(v, Value::Str(_));
    Ok(pad(&body, &spec_parsed, default_right))
}

struct Spec {
    fill: char,
    align: Option<char>,
    sign: char,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    ty: Option<char>,
}

fn parse(spec: &str) -> Option<Spec> {
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut s = Spec { fill: ' ', align: None, sign: '-', alt: false, zero: false, width: 0, grouping: None, precision: None, ty: None };
    if chars.len() >= 2 && "<>^=".contains(chars[1]) {
        s.fill = chars[0];
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && "<>^=".contains(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && "+- ".contains(chars[i]) {
        s.sign = chars[i];
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        s.alt = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        s.width = chars[start..i].iter().collect::<String>().parse().ok()?;
    }
    if i < chars.len() && (chars[i] == ',' || chars[i] == '_') {
        s.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
        s.precision = chars[start..i].iter().collect::<String>().parse().ok();
    }
    if i < chars.len() {
        s.ty = Some(chars[i]);
        i += 1;
    }
    if i != chars.len() {
        return None;
    }
    Some(s)
}

fn sign(spec: &Spec, negative: bool, body: String) -> String {
    let prefix = if negative {
        "-"
    } else {
        match spec.sign {
            '+' => "+",
            ' ' => " ",
            _ => "",
        }
    };
    format!("{prefix}{body}")
}

fn group(digits: &str, sep: Option<char>, every: usize) -> String {
    let Some(sep) = sep else { return digits.to_string() };
    let mut out = String::new();
    let n = digits.len();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i) % every == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn float_body(f: f64, spec: &Spec) -> String {
    let negative = f.is_sign_negative() && !(f == 0.0 && false);
    let a = f.abs();
    let body = if a.is_nan() {
        "nan".to_string()
    } else if a.is_infinite() {
        "inf".to_string()
    } else {
        match spec.ty {
            Some('f') | Some('F') => {
                let s = format!("{:.*}", spec.precision.unwrap_or(6), a);
                group_float(&s, spec.grouping)
            }
            Some('%') => format!("{:.*}%", spec.precision.unwrap_or(6), a * 100.0),
            Some('e') | Some('E') => {
                let s = format!("{:.*e}", spec.precision.unwrap_or(6), a);
                let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                let e: i32 = e.parse().unwrap_or(0);
                let r = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                if spec.ty == Some('E') {
                    r.to_uppercase()
                } else {
                    r
                }
            }
            Some('g') | Some('G') | None => {
                if spec.ty.is_none() && spec.precision.is_none() {
                    group_float(&ops::float_repr(a), spec.grouping)
                } else {
                    let p = spec.precision.unwrap_or(6).max(1);
                    let s = format!("{:.*e}", p - 1, a);
                    let (_, e) = s.split_once('e').unwrap_or((&s, "0"));
                    let exp: i32 = e.parse().unwrap_or(0);
                    let r = if exp >= -4 && exp < p as i32 {
                        let s = format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, a);
                        if spec.alt { s } else { trim_zeros(&s) }
                    } else {
                        let s = format!("{:.*e}", p - 1, a);
                        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                        let e: i32 = e.parse().unwrap_or(0);
                        let m = if spec.alt { m.to_string() } else { trim_zeros(m) };
                        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
                    };
                    let r = if spec.ty.is_none() && !r.contains('.') && !r.contains('e') { format!("{r}.0") } else { r };
                    if spec.ty == Some('G') {
                        r.to_uppercase()
                    } else {
                        r
                    }
                }
            }
            _ => ops::float_repr(a),
        }
    };
    sign(spec, negative && !a.is_nan(), body)
}

fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

fn group_float(s: &str, sep: Option<char>) -> String {
    if sep.is_none() {
        return s.to_string();
    }
    let (int, frac) = s.split_once('.').map(|(a, b)| (a, Some(b))).unwrap_or((s, None));
    let g = group(int, sep, 3);
    match frac {
        Some(f) => format!("{g}.{f}"),
        None => g,
    }
}

fn pad(body: &str, spec: &Spec, default_right: bool) -> String {
    let len = body.chars().count();
    if len >= spec.width {
        return body.to_string();
    }
    let n = spec.width - len;
    let (fill, align) = if spec.zero && spec.align.is_none() { ('0', '=') } else { (spec.fill, spec.align.unwrap_or(if default_right { '>' } else { '<' })) };
    let f = |k: usize| fill.to_string().repeat(k);
    match align {
        '<' => format!("{body}{}", f(n)),
        '^' => format!("{}{body}{}", f(n / 2), f(n - n / 2)),
        '=' => {
            let split = body.find(|c: char| c != '-' && c != '+' && c != ' ').unwrap_or(0);
            let prefix_end = if body[split..].starts_with("0x") || body[split..].starts_with("0b") || body[split..].starts_with("0o") { split + 2 } else { split };
            format!("{}{}{}", &body[..prefix_end], f(n), &body[prefix_end..])
        }
        _ => format!("{}{body}", f(n)),
    }
}
