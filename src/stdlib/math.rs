//! The `math` module, with CPython's results, special cases and error messages.

use super::builtins::arity;
use crate::ast::BinOp;
use crate::value::intern::sym;
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::{ops, Vm};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, One, Signed, ToPrimitive, Zero};

type Kw<'a> = &'a [(Symbol, Value)];

fn domain_error() -> Value {
    types::value_error("math domain error")
}

fn range_error() -> Value {
    types::overflow_error("math range error")
}

/// A big int as a float, correctly rounded; OverflowError when it does not fit.
pub fn bigint_to_f64(b: &BigInt) -> PyResult<f64> {
    match b.to_f64() {
        Some(f) if f.is_finite() => Ok(f),
        _ => Err(types::overflow_error("int too large to convert to float")),
    }
}

/// A real number argument as a float (`__float__`, then `__index__`).
pub fn float_arg(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::BigInt(b) => bigint_to_f64(b),
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup(sym::FLOAT) {
                let r = vm.call(&f, std::slice::from_ref(v))?;
                return match r {
                    Value::Float(x) => Ok(x),
                    other => Err(types::type_error(format!(
                        "{}.__float__ returned non-float (type {})",
                        v.type_name(),
                        other.type_name()
                    ))),
                };
            }
            if i.class.lookup(sym::INDEX).is_some() {
                let n = int_arg(vm, v)?;
                return bigint_to_f64(&n);
            }
            Err(types::type_error(format!(
                "must be real number, not {}",
                v.type_name()
            )))
        }
        _ => Err(types::type_error(format!(
            "must be real number, not {}",
            v.type_name()
        ))),
    }
}

/// An integer argument (`__index__`), as CPython's `PyNumber_Index`.
pub fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<BigInt> {
    if let Some(b) = v.as_bigint() {
        return Ok(b);
    }
    if let Value::Instance(i) = v {
        if let Some(f) = i.class.lookup(sym::INDEX) {
            let r = vm.call(&f, std::slice::from_ref(v))?;
            return match r.as_bigint() {
                Some(b) => Ok(b),
                None => Err(types::type_error(format!(
                    "__index__ returned non-int (type {})",
                    r.type_name()
                ))),
            };
        }
    }
    Err(types::type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        v.type_name()
    )))
}

fn no_kwargs(name: &str, kwargs: Kw) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(types::type_error(format!(
            "{name}() takes no keyword arguments"
        )))
    }
}

/// One float in, one float out; `f` returns None for a domain error, and an infinite
/// result from a finite argument is a range error (as CPython's `math_1`).
fn unary(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    kwargs: Kw,
    f: impl Fn(f64) -> Option<f64>,
    can_overflow: bool,
) -> PyResult<Value> {
    no_kwargs(&format!("math.{name}"), kwargs)?;
    arity(&format!("math.{name}"), args, 1, 1)?;
    let x = float_arg(vm, &args[0])?;
    let r = f(x).ok_or_else(domain_error)?;
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error());
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            range_error()
        } else {
            domain_error()
        });
    }
    Ok(Value::Float(r))
}

macro_rules! unary_fns {
    ($($fname:ident => $name:literal, $f:expr, $overflow:expr;)*) => {
        $(
            fn $fname(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
                unary(vm, $name, args, kwargs, $f, $overflow)
            }
        )*
    };
}

unary_fns! {
    sqrt => "sqrt", |x: f64| if x < 0.0 { None } else { Some(x.sqrt()) }, false;
    exp => "exp", |x: f64| Some(x.exp()), true;
    exp2 => "exp2", |x: f64| Some(x.exp2()), true;
    expm1 => "expm1", |x: f64| Some(x.exp_m1()), true;
    log1p => "log1p", |x: f64| if x <= -1.0 { None } else { Some(x.ln_1p()) }, false;
    cbrt => "cbrt", |x: f64| Some(x.cbrt()), false;
    fabs => "fabs", |x: f64| Some(x.abs()), false;
    sin => "sin", |x: f64| if x.is_infinite() { None } else { Some(x.sin()) }, false;
    cos => "cos", |x: f64| if x.is_infinite() { None } else { Some(x.cos()) }, false;
    tan => "tan", |x: f64| if x.is_infinite() { None } else { Some(x.tan()) }, false;
    asin => "asin", |x: f64| if x.abs() > 1.0 { None } else { Some(x.asin()) }, false;
    acos => "acos", |x: f64| if x.abs() > 1.0 { None } else { Some(x.acos()) }, false;
    atan => "atan", |x: f64| Some(x.atan()), false;
    sinh => "sinh", |x: f64| Some(x.sinh()), true;
    cosh => "cosh", |x: f64| Some(x.cosh()), true;
    tanh => "tanh", |x: f64| Some(x.tanh()), false;
    asinh => "asinh", |x: f64| Some(x.asinh()), false;
    acosh => "acosh", |x: f64| if x < 1.0 { None } else { Some(x.acosh()) }, false;
    atanh => "atanh", |x: f64| if x.abs() >= 1.0 { None } else { Some(x.atanh()) }, false;
    degrees => "degrees", |x: f64| Some(x * (180.0 / std::f64::consts::PI)), true;
    radians => "radians", |x: f64| Some(x * (std::f64::consts::PI / 180.0)), false;
    erf => "erf", |x: f64| Some(erf_impl(x)), false;
    erfc => "erfc", |x: f64| Some(1.0 - erf_impl(x)), false;
}

/// erf by the series / continued fraction CPython used before it called libm.
fn erf_impl(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    let absx = x.abs();
    if absx < 1.5 {
        // Taylor series.
        let x2 = x * x;
        let mut acc = 0.0;
        let mut fk = 25.5;
        for _ in 0..25 {
            acc = 2.0 + x2 * acc / fk;
            fk -= 1.0;
        }
        return acc * x * (-x2).exp() / std::f64::consts::PI.sqrt();
    }
    let cf = if absx >= 30.0 {
        0.0
    } else {
        // Continued fraction for erfc.
        let x2 = absx * absx;
        let mut a = 0.0;
        let mut da = 0.5;
        let mut p = 1.0;
        let mut p_last = 0.0;
        let mut q = da + x2;
        let mut q_last = 1.0;
        for _ in 0..50 {
            a += da;
            da += 2.0;
            let b = da + x2;
            let temp = p;
            p = b * p - a * p_last;
            p_last = temp;
            let temp = q;
            q = b * q - a * q_last;
            q_last = temp;
        }
        p / q * absx * (-x2).exp() / std::f64::consts::PI.sqrt()
    };
    if x > 0.0 {
        1.0 - cf
    } else {
        cf - 1.0
    }
}

fn two_floats(vm: &mut Vm, name: &str, args: &[Value], kwargs: Kw) -> PyResult<(f64, f64)> {
    no_kwargs(name, kwargs)?;
    arity(name, args, 2, 2)?;
    Ok((float_arg(vm, &args[0])?, float_arg(vm, &args[1])?))
}

fn pow(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (x, y) = two_floats(vm, "pow", args, kwargs)?;
    if x.is_finite() && y.is_finite() {
        if x == 0.0 && y < 0.0 {
            return Err(domain_error());
        }
        if x < 0.0 && y.fract() != 0.0 {
            return Err(domain_error());
        }
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(range_error());
    }
    Ok(Value::Float(r))
}

fn atan2(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (y, x) = two_floats(vm, "atan2", args, kwargs)?;
    Ok(Value::Float(y.atan2(x)))
}

fn copysign(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (x, y) = two_floats(vm, "copysign", args, kwargs)?;
    Ok(Value::Float(x.copysign(y)))
}

fn fmod(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (x, y) = two_floats(vm, "fmod", args, kwargs)?;
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::Float(x));
    }
    if (y == 0.0 || x.is_infinite()) && !x.is_nan() && !y.is_nan() {
        return Err(domain_error());
    }
    Ok(Value::Float(x % y))
}

fn remainder(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (x, y) = two_floats(vm, "remainder", args, kwargs)?;
    if x.is_nan() || y.is_nan() {
        return Ok(Value::Float(f64::NAN));
    }
    if x.is_infinite() || y == 0.0 {
        return Err(domain_error());
    }
    if y.is_infinite() {
        return Ok(Value::Float(x));
    }
    // IEEE remainder: x - n*y with n the nearest integer to x/y, ties to even.
    let absx = x.abs();
    let absy = y.abs();
    let m = absx % absy;
    let c = absy - m;
    let r = if m < c {
        m
    } else if m > c {
        -c
    } else {
        m - 2.0 * ((0.5 * (absx - m)) % absy)
    };
    Ok(Value::Float(1.0f64.copysign(x) * r))
}

fn nextafter(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (x, y) = two_floats(vm, "nextafter", args, kwargs)?;
    Ok(Value::Float(next_after(x, y)))
}

fn next_after(x: f64, y: f64) -> f64 {
    if x.is_nan() || y.is_nan() {
        return f64::NAN;
    }
    if x == y {
        return y;
    }
    if x == 0.0 {
        return f64::from_bits(1).copysign(y);
    }
    let bits = x.to_bits();
    let up = (y > x) == (x > 0.0);
    f64::from_bits(if up { bits + 1 } else { bits - 1 })
}

fn ulp(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("math.ulp", kwargs)?;
    arity("math.ulp", args, 1, 1)?;
    let x = float_arg(vm, &args[0])?.abs();
    if x.is_nan() || x.is_infinite() {
        return Ok(Value::Float(x));
    }
    let next = next_after(x, f64::INFINITY);
    if next.is_infinite() {
        let prev = next_after(x, 0.0);
        return Ok(Value::Float(x - prev));
    }
    Ok(Value::Float(next - x))
}

fn float_to_int(f: f64) -> PyResult<Value> {
    if f.is_nan() {
        return Err(types::value_error("cannot convert float NaN to integer"));
    }
    if f.is_infinite() {
        return Err(types::overflow_error(
            "cannot convert float infinity to integer",
        ));
    }
    if f.abs() < 9.0e18 {
        return Ok(Value::Int(f as i64));
    }
    Ok(Value::from_bigint(BigInt::from_f64(f).unwrap_or_default()))
}

fn rounding(
    vm: &mut Vm,
    name: &str,
    dunder: &str,
    args: &[Value],
    kwargs: Kw,
    f: fn(f64) -> f64,
) -> PyResult<Value> {
    no_kwargs(&format!("math.{name}"), kwargs)?;
    arity(&format!("math.{name}"), args, 1, 1)?;
    let x = &args[0];
    match x {
        Value::Float(v) => float_to_int(f(*v)),
        Value::Int(_) | Value::BigInt(_) => Ok(x.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Instance(i) => {
            if let Some(m) = i.class.lookup(Symbol::new(dunder)) {
                return vm.call(&m, std::slice::from_ref(x));
            }
            let v = float_arg(vm, x)?;
            float_to_int(f(v))
        }
        _ => {
            let v = float_arg(vm, x)?;
            float_to_int(f(v))
        }
    }
}

fn floor(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    rounding(vm, "floor", "__floor__", args, kwargs, f64::floor)
}

fn ceil(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    rounding(vm, "ceil", "__ceil__", args, kwargs, f64::ceil)
}

fn trunc(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("math.trunc", kwargs)?;
    arity("math.trunc", args, 1, 1)?;
    let x = &args[0];
    match x {
        Value::Float(v) => float_to_int(v.trunc()),
        Value::Int(_) | Value::BigInt(_) => Ok(x.clone()),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Instance(i) => match i.class.lookup(Symbol::new("__trunc__")) {
            Some(m) => vm.call(&m, std::slice::from_ref(x)),
            None => Err(types::type_error(format!(
                "type {} doesn't define __trunc__ method",
                x.type_name()
            ))),
        },
        _ => Err(types::type_error(format!(
            "type {} doesn't define __trunc__ method",
            x.type_name()
        ))),
    }
}

/// `log(x)` of a positive int that may not fit a float: log of the mantissa plus e*log(2).
fn log_of(vm: &mut Vm, v: &Value, f: fn(f64) -> f64) -> PyResult<f64> {
    if let Some(b) = v.as_bigint() {
        if !b.is_positive() {
            return Err(domain_error());
        }
        return Ok(match b.to_f64() {
            Some(x) if x.is_finite() => f(x),
            _ => {
                // x = m * 2**e with m in [0.5, 1): keep 64 significant bits.
                let bits = b.bits();
                let shift = bits.saturating_sub(64);
                let top = (&b >> shift).to_f64().unwrap_or(0.0);
                let m = top / 2f64.powi(64.min(bits) as i32);
                let e = bits as f64;
                f(m) + f(2.0) * e
            }
        });
    }
    let x = float_arg(vm, v)?;
    if x.is_nan() {
        return Ok(x);
    }
    if x <= 0.0 {
        return Err(domain_error());
    }
    Ok(f(x))
}

fn log(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("log", kwargs)?;
    if args.is_empty() || args.len() > 2 {
        return Err(types::type_error("math.log requires 1 to 2 arguments"));
    }
    let num = log_of(vm, &args[0], f64::ln)?;
    if args.len() == 1 {
        return Ok(Value::Float(num));
    }
    let den = log_of(vm, &args[1], f64::ln)?;
    if den == 0.0 {
        return Err(types::zero_division_error("float division by zero"));
    }
    Ok(Value::Float(num / den))
}

fn log2(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("math.log2", kwargs)?;
    arity("math.log2", args, 1, 1)?;
    Ok(Value::Float(log_of(vm, &args[0], f64::log2)?))
}

fn log10(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("math.log10", kwargs)?;
    arity("math.log10", args, 1, 1)?;
    Ok(Value::Float(log_of(vm, &args[0], f64::log10)?))
}

fn predicate(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    kwargs: Kw,
    f: fn(f64) -> bool,
) -> PyResult<Value> {
    no_kwargs(&format!("math.{name}"), kwargs)?;
    arity(&format!("math.{name}"), args, 1, 1)?;
    let x = float_arg(vm, &args[0])?;
    Ok(Value::Bool(f(x)))
}

fn isfinite(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    predicate(vm, "isfinite", args, kwargs, f64::is_finite)
}

fn isinf(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    predicate(vm, "isinf", args, kwargs, f64::is_infinite)
}

fn isnan(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    predicate(vm, "isnan", args, kwargs, f64::is_nan)
}

fn kwarg<'a>(kwargs: Kw<'a>, name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s == name))
        .map(|(_, v)| v)
}

fn check_kwargs(fname: &str, kwargs: Kw, allowed: &[&str]) -> PyResult<()> {
    for (k, _) in kwargs {
        if !k.with(|s| allowed.contains(&s)) {
            return Err(types::type_error(format!(
                "{fname}() got an unexpected keyword argument '{k}'"
            )));
        }
    }
    Ok(())
}

fn isclose(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    check_kwargs("isclose", kwargs, &["a", "b", "rel_tol", "abs_tol"])?;
    if args.len() > 2 {
        return Err(types::type_error(format!(
            "isclose() takes exactly 2 positional arguments ({} given)",
            args.len()
        )));
    }
    let a = args.first().or_else(|| kwarg(kwargs, "a"));
    let b = args.get(1).or_else(|| kwarg(kwargs, "b"));
    let Some(a) = a.cloned() else {
        return Err(types::type_error(
            "isclose() missing required argument 'a' (pos 1)",
        ));
    };
    let Some(b) = b.cloned() else {
        return Err(types::type_error(
            "isclose() missing required argument 'b' (pos 2)",
        ));
    };
    let a = float_arg(vm, &a)?;
    let b = float_arg(vm, &b)?;
    let rel_tol = match kwarg(kwargs, "rel_tol") {
        Some(v) => float_arg(vm, v)?,
        None => 1e-9,
    };
    let abs_tol = match kwarg(kwargs, "abs_tol") {
        Some(v) => float_arg(vm, v)?,
        None => 0.0,
    };
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(types::value_error("tolerances must be non-negative"));
    }
    if a == b {
        return Ok(Value::Bool(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = (b - a).abs();
    Ok(Value::Bool(
        (diff <= (rel_tol * b).abs()) || (diff <= (rel_tol * a).abs()) || diff <= abs_tol,
    ))
}

fn modf(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("math.modf", kwargs)?;
    arity("math.modf", args, 1, 1)?;
    let x = float_arg(vm, &args[0])?;
    if x.is_infinite() {
        return Ok(Value::tuple(vec![
            Value::Float(0.0f64.copysign(x)),
            Value::Float(x),
        ]));
    }
    let int = x.trunc();
    Ok(Value::tuple(vec![
        Value::Float((x - int).copysign(x)),
        Value::Float(int),
    ]))
}

/// C's frexp: x = m * 2**e with 0.5 <= |m| < 1.
pub fn frexp_f64(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        let (m, e) = frexp_f64(x * 2f64.powi(54));
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// C's ldexp with correct rounding of subnormal results.
pub fn ldexp_f64(x: f64, e: i64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let e = e.clamp(-2200, 2200) as i32;
    let (m, ex) = frexp_f64(x);
    let total = ex + e;
    if total > 1024 {
        return f64::INFINITY.copysign(x);
    }
    if total >= -1021 {
        return m * 2f64.powi(total);
    }
    // Subnormal: a single rounding step by scaling in two parts.
    let shifted = m * 2f64.powi(total + 1074);
    shifted.round_ties_even_compat() * 2f64.powi(-1074)
}

trait RoundTiesEven {
    fn round_ties_even_compat(self) -> f64;
}

impl RoundTiesEven for f64 {
    fn round_ties_even_compat(self) -> f64 {
        let r = self.round();
        if (self - self.trunc()).abs() == 0.5 {
            2.0 * (self / 2.0).round()
        } else {
            r
        }
    }
}

fn frexp(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("math.frexp", kwargs)?;
    arity("math.frexp", args, 1, 1)?;
    let x = float_arg(vm, &args[0])?;
    let (m, e) = frexp_f64(x);
    Ok(Value::tuple(vec![Value::Float(m), Value::Int(e as i64)]))
}

fn ldexp(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("ldexp", kwargs)?;
    arity("ldexp", args, 2, 2)?;
    let x = float_arg(vm, &args[0])?;
    let e = match args[1].as_bigint() {
        Some(b) => b
            .to_i64()
            .unwrap_or(if b.is_negative() { i64::MIN } else { i64::MAX }),
        None => {
            return Err(types::type_error(
                "Expected an int as second argument to ldexp.",
            ))
        }
    };
    let r = ldexp_f64(x, e);
    if r.is_infinite() && x.is_finite() {
        return Err(range_error());
    }
    Ok(Value::Float(r))
}

/// Dekker's exact product as a (hi, lo) pair.
fn dl_mul(x: f64, y: f64) -> (f64, f64) {
    let z = x * y;
    (z, x.mul_add(y, -z))
}

fn dl_fast_sum(a: f64, b: f64) -> (f64, f64) {
    let x = a + b;
    (x, (a - x) + b)
}

/// CPython's `vector_norm`: an accurately rounded Euclidean norm.
fn vector_norm(vec: &mut [f64], max: f64, found_nan: bool) -> f64 {
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || vec.len() <= 1 {
        return max;
    }
    let (_, max_e) = frexp_f64(max);
    if max_e < -1023 {
        for x in vec.iter_mut() {
            *x /= f64::MIN_POSITIVE;
        }
        return f64::MIN_POSITIVE * vector_norm(vec, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = ldexp_f64(1.0, -max_e as i64);
    let mut csum = 1.0;
    let mut frac1 = 0.0;
    let mut frac2 = 0.0;
    for &x in vec.iter() {
        let x = x * scale;
        let pr = dl_mul(x, x);
        let sm = dl_fast_sum(csum, pr.0);
        csum = sm.0;
        frac1 += pr.1;
        frac2 += sm.1;
    }
    let mut h = (csum - 1.0 + (frac1 + frac2)).sqrt();
    let pr = dl_mul(-h, h);
    let sm = dl_fast_sum(csum, pr.0);
    csum = sm.0;
    frac1 += pr.1;
    frac2 += sm.1;
    let x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);
    h / scale
}

fn norm_of(mut coords: Vec<f64>) -> f64 {
    let mut max = 0.0f64;
    let mut found_nan = false;
    for x in coords.iter_mut() {
        *x = x.abs();
        found_nan |= x.is_nan();
        if *x > max {
            max = *x;
        }
    }
    vector_norm(&mut coords, max, found_nan)
}

fn hypot(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("hypot", kwargs)?;
    let mut coords = Vec::with_capacity(args.len());
    for a in args {
        coords.push(float_arg(vm, a)?);
    }
    Ok(Value::Float(norm_of(coords)))
}

fn dist(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("dist", kwargs)?;
    arity("dist", args, 2, 2)?;
    let p = ops::collect_iterable(vm, &args[0])?;
    let q = ops::collect_iterable(vm, &args[1])?;
    if p.len() != q.len() {
        return Err(types::value_error(
            "both points must have the same number of dimensions",
        ));
    }
    let mut coords = Vec::with_capacity(p.len());
    for (a, b) in p.iter().zip(q.iter()) {
        let x = float_arg(vm, a)?;
        let y = float_arg(vm, b)?;
        coords.push(x - y);
    }
    Ok(Value::Float(norm_of(coords)))
}

/// `math.fsum`: Shewchuk's exact summation as CPython implements it.
fn fsum(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("fsum", kwargs)?;
    arity("math.fsum", args, 1, 1)?;
    let it = ops::get_iter(vm, &args[0])?;
    let mut partials: Vec<f64> = Vec::new();
    let mut special_sum = 0.0f64;
    let mut inf_sum = 0.0f64;
    while let Some(item) = ops::iter_next(vm, &it)? {
        let mut x = float_arg(vm, &item)?;
        let xsave = x;
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let yr = hi - x;
            let lo = y - yr;
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                if xsave.is_finite() {
                    return Err(types::overflow_error("intermediate overflow in fsum"));
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                special_sum += xsave;
                partials.clear();
            } else {
                partials.push(x);
            }
        }
    }
    if special_sum != 0.0 {
        if inf_sum.is_nan() {
            return Err(types::value_error("-inf + inf in fsum"));
        }
        return Ok(Value::Float(special_sum));
    }
    let mut hi = 0.0;
    let mut n = partials.len();
    if n > 0 {
        n -= 1;
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    Ok(Value::Float(hi))
}

fn gcd(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("gcd", kwargs)?;
    let mut acc = BigInt::zero();
    for a in args {
        let n = int_arg(vm, a)?;
        acc = acc.gcd(&n);
    }
    Ok(Value::from_bigint(acc))
}

fn lcm(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("lcm", kwargs)?;
    let mut acc = BigInt::one();
    for a in args {
        let n = int_arg(vm, a)?;
        acc = if acc.is_zero() || n.is_zero() {
            BigInt::zero()
        } else {
            acc.lcm(&n)
        };
    }
    Ok(Value::from_bigint(acc.abs()))
}

/// Product of the integers in [lo, hi) by binary splitting (fast for big factorials).
fn range_product(lo: u64, hi: u64) -> BigInt {
    if hi <= lo {
        return BigInt::one();
    }
    if hi - lo <= 16 {
        let mut acc = BigInt::one();
        for k in lo..hi {
            acc *= k;
        }
        return acc;
    }
    let mid = lo + (hi - lo) / 2;
    range_product(lo, mid) * range_product(mid, hi)
}

fn factorial(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("math.factorial", kwargs)?;
    arity("math.factorial", args, 1, 1)?;
    let n = int_arg(vm, &args[0])?;
    if n.is_negative() {
        return Err(types::value_error(
            "factorial() not defined for negative values",
        ));
    }
    let Some(n) = n.to_u64().filter(|n| *n <= 1_000_000) else {
        return Err(types::overflow_error(
            "factorial() argument should not exceed 9223372036854775807",
        ));
    };
    Ok(Value::from_bigint(range_product(1, n + 1)))
}

fn nonneg(vm: &mut Vm, v: &Value, what: &str) -> PyResult<BigInt> {
    let n = int_arg(vm, v)?;
    if n.is_negative() {
        return Err(types::value_error(format!(
            "{what} must be a non-negative integer"
        )));
    }
    Ok(n)
}

fn comb(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("comb", kwargs)?;
    arity("comb", args, 2, 2)?;
    let n = int_arg(vm, &args[0])?;
    let k = int_arg(vm, &args[1])?;
    if n.is_negative() {
        return Err(types::value_error("n must be a non-negative integer"));
    }
    if k.is_negative() {
        return Err(types::value_error("k must be a non-negative integer"));
    }
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = std::cmp::min(k.clone(), &n - &k);
    let Some(k) = k.to_u64() else {
        return Err(types::overflow_error(format!(
            "min(n - k, k) must not exceed {}",
            i64::MAX
        )));
    };
    let mut acc = BigInt::one();
    for i in 0..k {
        acc = acc * (&n - i) / (i + 1);
    }
    Ok(Value::from_bigint(acc))
}

fn perm(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("perm", kwargs)?;
    arity("perm", args, 1, 2)?;
    if args.len() == 1 || args[1].is_none() {
        return factorial(vm, &args[..1], &[]);
    }
    let n = nonneg(vm, &args[0], "n")?;
    let k = nonneg(vm, &args[1], "k")?;
    if k > n {
        return Ok(Value::Int(0));
    }
    let Some(k) = k.to_u64() else {
        return Err(types::overflow_error(format!(
            "k must not exceed {}",
            i64::MAX
        )));
    };
    let mut acc = BigInt::one();
    for i in 0..k {
        acc *= &n - i;
    }
    Ok(Value::from_bigint(acc))
}

fn isqrt(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("math.isqrt", kwargs)?;
    arity("math.isqrt", args, 1, 1)?;
    let n = int_arg(vm, &args[0])?;
    if n.is_negative() {
        return Err(types::value_error("isqrt() argument must be nonnegative"));
    }
    Ok(Value::from_bigint(n.sqrt()))
}

fn prod(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    check_kwargs("prod", kwargs, &["start"])?;
    if args.len() != 1 {
        if args.is_empty() {
            return Err(types::type_error(
                "prod() missing required argument 'iterable' (pos 1)",
            ));
        }
        return Err(types::type_error(format!(
            "prod() takes exactly 1 positional argument ({} given)",
            args.len()
        )));
    }
    let mut acc = kwarg(kwargs, "start").cloned().unwrap_or(Value::Int(1));
    let it = ops::get_iter(vm, &args[0])?;
    while let Some(v) = ops::iter_next(vm, &it)? {
        acc = match (&acc, &v) {
            (Value::Int(a), Value::Int(b)) => match a.checked_mul(*b) {
                Some(p) => Value::Int(p),
                None => ops::binary_op(vm, BinOp::Mult, &acc, &v)?,
            },
            _ => ops::binary_op(vm, BinOp::Mult, &acc, &v)?,
        };
    }
    Ok(acc)
}

/// Builds the `math` module.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("math");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("math"));
        g.insert(Symbol::new("pi"), Value::Float(std::f64::consts::PI));
        g.insert(Symbol::new("e"), Value::Float(std::f64::consts::E));
        g.insert(Symbol::new("tau"), Value::Float(std::f64::consts::TAU));
        g.insert(Symbol::new("inf"), Value::Float(f64::INFINITY));
        g.insert(Symbol::new("nan"), Value::Float(f64::NAN));
        let fns: &[(&'static str, crate::value::object::NativeFn)] = &[
            ("sqrt", sqrt),
            ("exp", exp),
            ("exp2", exp2),
            ("expm1", expm1),
            ("log1p", log1p),
            ("cbrt", cbrt),
            ("fabs", fabs),
            ("sin", sin),
            ("cos", cos),
            ("tan", tan),
            ("asin", asin),
            ("acos", acos),
            ("atan", atan),
            ("sinh", sinh),
            ("cosh", cosh),
            ("tanh", tanh),
            ("asinh", asinh),
            ("acosh", acosh),
            ("atanh", atanh),
            ("degrees", degrees),
            ("radians", radians),
            ("erf", erf),
            ("erfc", erfc),
            ("pow", pow),
            ("atan2", atan2),
            ("copysign", copysign),
            ("fmod", fmod),
            ("remainder", remainder),
            ("nextafter", nextafter),
            ("ulp", ulp),
            ("floor", floor),
            ("ceil", ceil),
            ("trunc", trunc),
            ("log", log),
            ("log2", log2),
            ("log10", log10),
            ("isfinite", isfinite),
            ("isinf", isinf),
            ("isnan", isnan),
            ("isclose", isclose),
            ("modf", modf),
            ("frexp", frexp),
            ("ldexp", ldexp),
            ("hypot", hypot),
            ("dist", dist),
            ("fsum", fsum),
            ("gcd", gcd),
            ("lcm", lcm),
            ("factorial", factorial),
            ("comb", comb),
            ("perm", perm),
            ("isqrt", isqrt),
            ("prod", prod),
        ];
        for (name, f) in fns {
            g.insert(Symbol::new(name), Value::builtin(name, *f));
        }
    }
    Value::Module(m)
}
