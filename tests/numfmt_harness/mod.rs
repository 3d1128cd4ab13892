//! Shared evaluator for the CPython-generated case tables: each line is
//! `function<TAB>args...<TAB>expected`, and `eval_case` computes the same
//! textual result from the Rust module.

use aio::value::numfmt as nf;
use num_bigint::BigInt;

/// Undoes the generator's escaping (`\\`, `\t`, `\n`, `\r`, `\u{hex}`).
pub fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let _ = it.next(); // '{'
                let hex: String = it.by_ref().take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// Escapes a result the same way the generator does.
pub fn escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (0x7f..=0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

fn f(s: &str) -> f64 {
    f64::from_bits(u64::from_str_radix(s, 16).unwrap())
}

fn int(s: &str) -> BigInt {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let v = BigInt::parse_bytes(body.as_bytes(), 16).unwrap();
    if neg {
        -v
    } else {
        v
    }
}

fn show_f(x: f64) -> String {
    if x.is_nan() {
        "nan".to_string()
    } else {
        format!("{:016x}", x.to_bits())
    }
}

fn show_int(x: &BigInt) -> String {
    let s = x.magnitude().to_str_radix(16);
    if x.sign() == num_bigint::Sign::Minus {
        format!("-{s}")
    } else {
        s
    }
}

fn res<T>(r: Result<T, String>, show: impl Fn(T) -> String) -> String {
    match r {
        Ok(v) => show(v),
        Err(e) => format!("!{}", escape(&e)),
    }
}

/// Evaluates one case line (without the expected field).
pub fn eval_case(func: &str, a: &[&str]) -> String {
    let s = |i: usize| unescape(a[i]);
    match func {
        "repr" => escape(&nf::float_repr(f(a[0]))),
        "ffmt" => res(nf::format_float(f(a[0]), &s(1)), |v| escape(&v)),
        "ifmt" => res(nf::format_int(&int(a[0]), &s(1)), |v| escape(&v)),
        "bfmt" => res(nf::format_bool(a[0] == "1", &s(1)), |v| escape(&v)),
        "sfmt" => res(nf::format_str(&s(0), &s(1)), |v| escape(&v)),
        "round" => res(nf::round_float(f(a[0]), a[1].parse().unwrap()), show_f),
        "roundi" => show_f(nf::round_half_even(f(a[0]))),
        "pfloat" => nf::parse_float(&s(0)).map_or("NONE".to_string(), show_f),
        "pint" => match nf::parse_int_checked(&s(0), a[1].parse().unwrap()) {
            Ok(Some(v)) => {
                let plain = nf::parse_int(&s(0), a[1].parse().unwrap());
                assert_eq!(plain.as_ref(), Some(&v), "parse_int disagrees");
                show_int(&v)
            }
            Ok(None) => "NONE".to_string(),
            Err(e) => format!("!{}", escape(&e)),
        },
        "radix" => nf::int_to_str_radix(&int(a[0]), a[1].parse().unwrap(), a[2] == "1"),
        "f2i" => res(nf::float_to_int_check(f(a[0])), |v| show_int(&v)),
        "i2f" => res(nf::int_to_float(&int(a[0])), show_f),
        "istr" => res(nf::int_to_decimal(&int(a[0])), |v| v),
        "tdiv" => res(nf::int_true_div(&int(a[0]), &int(a[1])), show_f),
        "divmod" => res(nf::float_floordiv_mod(f(a[0]), f(a[1])), |(q, r)| {
            format!("{} {}", show_f(q), show_f(r))
        }),
        "fdiv" => res(nf::float_floordiv(f(a[0]), f(a[1])), show_f),
        "fmod" => res(nf::float_mod(f(a[0]), f(a[1])), show_f),
        "pow" => res(nf::float_pow(f(a[0]), f(a[1])), show_f),
        "fhash" => nf::float_hash(f(a[0])).to_string(),
        "ihash" => nf::int_hash(&int(a[0])).to_string(),
        other => panic!("unknown case kind {other}"),
    }
}

/// Runs every line of a table; returns (cases, mismatch descriptions).
pub fn run_table(table: &str, max_report: usize) -> (usize, usize, Vec<String>) {
    let mut n = 0;
    let mut bad = 0;
    let mut report = Vec::new();
    for line in table.lines() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let (func, rest) = fields.split_first().unwrap();
        let (expected, args) = rest.split_last().unwrap();
        n += 1;
        let got = std::panic::catch_unwind(|| eval_case(func, args))
            .unwrap_or_else(|_| "PANIC".to_string());
        if got != *expected {
            bad += 1;
            if report.len() < max_report {
                report.push(format!("{line}\n    got: {got}"));
            }
        }
    }
    (n, bad, report)
}
