//! Exact decimal digit generation for `f64` (the three `_Py_dg_dtoa` modes
//! CPython uses) and correctly rounded conversion of a ratio of big integers
//! to `f64`.
//!
//! Everything here works on the exact binary value of the double with big
//! integers, so rounding is round-half-even on that exact value, exactly as
//! David Gay's dtoa (and therefore CPython) rounds.

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};
use std::cmp::Ordering;

/// Digits as `_Py_dg_dtoa` returns them: the value is `0.DIGITS × 10^decpt`,
/// `digits` has no trailing zeros and may be empty when a fixed-point
/// rounding produced zero (dtoa's "no digits" case).
pub struct Decimal {
    /// Sign bit of the input (set for `-0.0` too).
    pub negative: bool,
    /// ASCII decimal digits, no trailing zeros.
    pub digits: String,
    /// Position of the decimal point relative to the start of `digits`.
    pub decpt: i64,
}

/// The exact decimal expansion of any double has at most 767 significant
/// digits and at most 1074 digits after the point, so asking for more than
/// this never changes the (trailing-zero-stripped) digit string.
const MAX_USEFUL_DIGITS: i64 = 1100;

/// `|x| = mantissa × 2^exponent` for a finite `x`.
fn decompose(x: f64) -> (u64, i64) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    }
}

/// `|x|` as an exact fraction `num / den` (den is a power of two).
fn exact_ratio(x: f64) -> (BigUint, BigUint) {
    let (m, e) = decompose(x);
    let m = BigUint::from(m);
    if e >= 0 {
        (m << (e as usize), BigUint::one())
    } else {
        (m, BigUint::one() << ((-e) as usize))
    }
}

/// `10^n` as a big integer.
pub fn pow10(n: u32) -> BigUint {
    num_traits::pow(BigUint::from(10u32), n as usize)
}

/// `num / den` rounded to the nearest integer, ties to even.
pub fn div_round_half_even(num: &BigUint, den: &BigUint) -> BigUint {
    let (q, r) = num.div_rem(den);
    let twice: BigUint = r << 1usize;
    match twice.cmp(den) {
        Ordering::Greater => q + 1u32,
        Ordering::Equal if q.is_odd() => q + 1u32,
        _ => q,
    }
}

/// Builds a `Decimal` from a rounded integer `q` that represents the value
/// `q × 10^-scale`, stripping trailing zeros as dtoa does.
fn from_scaled(negative: bool, q: &BigUint, scale: i64) -> Decimal {
    let mut digits = q.to_string();
    let len = digits.len() as i64;
    let stripped = digits.trim_end_matches('0').len();
    digits.truncate(stripped);
    Decimal {
        negative,
        digits,
        decpt: len - scale,
    }
}

/// Shortest digit string that reads back as `x` (dtoa mode 0), choosing the
/// one nearest the exact value when several have the same length, and the
/// even one when two are equally near.
///
/// Rust's `{:e}` formatting finds the shortest nearest digits (boundaries
/// inclusive for even mantissas, as dtoa), but breaks an exact tie upwards
/// where dtoa picks the even digit; `fix_shortest_tie` corrects that.
pub fn shortest(x: f64) -> Decimal {
    let negative = x.is_sign_negative();
    let text = format!("{:e}", x.abs());
    let (mantissa, exponent) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let stripped = digits.trim_end_matches('0').len().max(1);
    digits.truncate(stripped);
    let mut out = Decimal {
        negative,
        digits,
        decpt: exponent + 1,
    };
    if x != 0.0 && x.is_finite() {
        fix_shortest_tie(x.abs(), &mut out);
    }
    out
}

/// The exact value of a positive finite `x` as `c × 10^p` when `c` ends in
/// the digit 5 and fits in a `u128` (the only shape a rounding tie between
/// two shortest candidates can take).
fn exact_ending_in_five(x: f64) -> Option<(u128, i64)> {
    let (mut m, mut e) = decompose(x);
    if m == 0 {
        return None;
    }
    let tz = m.trailing_zeros();
    m >>= tz;
    e += i64::from(tz);
    let (c, p) = if e < 0 {
        // m × 2^e = m × 5^-e × 10^e.
        let five = 5u128.checked_pow(u32::try_from(-e).ok()?)?;
        (u128::from(m).checked_mul(five)?, e)
    } else {
        // An odd multiple of 10^p needs m divisible by 5^e and p == e.
        let five = 5u64.checked_pow(u32::try_from(e).ok()?)?;
        if m % five != 0 {
            return None;
        }
        (u128::from(m / five), e)
    };
    (c % 10 == 5).then_some((c, p))
}

/// When the exact value lies exactly halfway between two shortest
/// candidates, dtoa keeps the even one (if it still reads back as `x`).
fn fix_shortest_tie(x: f64, d: &mut Decimal) {
    let n = d.digits.len();
    let Some((c, _)) = exact_ending_in_five(x) else {
        return;
    };
    // A tie needs exactly one more significant digit than the candidates.
    let low = 10u128.checked_pow(n as u32).unwrap_or(u128::MAX);
    if c < low || c / 10 >= low {
        return;
    }
    let Ok(chosen) = d.digits.parse::<u128>() else {
        return;
    };
    let lo = c / 10;
    let other = if chosen == lo { lo + 1 } else { lo };
    if chosen % 2 == 0 || other % 2 != 0 {
        return;
    }
    let other_digits = other.to_string();
    if other_digits.len() != n {
        return;
    }
    let k = d.decpt - n as i64;
    if format!("{other_digits}e{k}").parse::<f64>() != Ok(x) {
        return;
    }
    let mut other_digits = other_digits;
    let stripped = other_digits.trim_end_matches('0').len().max(1);
    other_digits.truncate(stripped);
    d.digits = other_digits;
}

/// `x` rounded to `ndigits` digits after the decimal point (dtoa mode 3);
/// `ndigits` may be negative (used by `round(x, -n)`).
pub fn fixed(x: f64, ndigits: i64) -> Decimal {
    let negative = x.is_sign_negative();
    if x == 0.0 {
        return Decimal {
            negative,
            digits: "0".to_string(),
            decpt: 1,
        };
    }
    // Any double is below 10^309, so rounding at 10^400 or coarser gives 0.
    if ndigits < -400 {
        return Decimal {
            negative,
            digits: String::new(),
            decpt: -ndigits,
        };
    }
    let nd = ndigits.min(MAX_USEFUL_DIGITS);
    let (num, den) = exact_ratio(x);
    let (num, den) = if nd >= 0 {
        (num * pow10(nd as u32), den)
    } else {
        (num, den * pow10((-nd) as u32))
    };
    let q = div_round_half_even(&num, &den);
    if q.is_zero() {
        return Decimal {
            negative,
            digits: String::new(),
            decpt: -nd,
        };
    }
    from_scaled(negative, &q, nd)
}

/// Compares the exact fraction `num / den` with `10^k`.
fn cmp_pow10(num: &BigUint, den: &BigUint, k: i64) -> Ordering {
    if k >= 0 {
        num.cmp(&(den * pow10(k as u32)))
    } else {
        (num * pow10((-k) as u32)).cmp(den)
    }
}

/// `x` rounded to `ndigits` significant digits (dtoa mode 2; 0 means 1).
pub fn significant(x: f64, ndigits: usize) -> Decimal {
    let negative = x.is_sign_negative();
    if x == 0.0 || !x.is_finite() {
        return Decimal {
            negative,
            digits: "0".to_string(),
            decpt: 1,
        };
    }
    let nd = (ndigits.max(1) as i64).min(MAX_USEFUL_DIGITS);
    let (num, den) = exact_ratio(x);
    // Estimate floor(log10 |x|) in floating point, then fix it up exactly.
    let mut k = x.abs().log10().floor() as i64;
    while cmp_pow10(&num, &den, k) == Ordering::Less {
        k -= 1;
    }
    while cmp_pow10(&num, &den, k + 1) != Ordering::Less {
        k += 1;
    }
    let shift = nd - 1 - k;
    let (snum, sden) = if shift >= 0 {
        (num * pow10(shift as u32), den)
    } else {
        (num, den * pow10((-shift) as u32))
    };
    let mut q = div_round_half_even(&snum, &sden);
    let limit = pow10(nd as u32);
    if q >= limit {
        // Rounded up to the next power of ten (e.g. 9.99 -> 10.0).
        q = pow10((nd - 1) as u32);
        k += 1;
    }
    let mut out = from_scaled(negative, &q, 0);
    out.decpt = k + 1;
    out
}

/// `num / den` (both non-negative, `den` non-zero) correctly rounded to the
/// nearest double, ties to even; `f64::INFINITY` when it overflows.
pub fn ratio_to_f64(num: &BigUint, den: &BigUint) -> f64 {
    if num.is_zero() || den.is_zero() {
        return 0.0;
    }
    let mut e = num.bits() as i64 - den.bits() as i64;
    // Here 2^(e-1) < num/den < 2^(e+1).
    if e > 1025 {
        return f64::INFINITY;
    }
    if e < -1076 {
        // Below 2^-1075, half the smallest subnormal: rounds to zero.
        return 0.0;
    }
    let at_least = if e >= 0 {
        *num >= (den << (e as usize))
    } else {
        (num << ((-e) as usize)) >= *den
    };
    if !at_least {
        e -= 1;
    }
    // Now 2^e <= num/den < 2^(e+1); the unit in the last place of the
    // result is 2^u, clamped at the subnormal spacing 2^-1074.
    let mut u = (e - 52).max(-1074);
    let q = if u >= 0 {
        div_round_half_even(num, &(den << (u as usize)))
    } else {
        div_round_half_even(&(num << ((-u) as usize)), den)
    };
    let mut q = q.to_u64().unwrap_or(u64::MAX);
    if q >= 1u64 << 53 {
        q >>= 1;
        u += 1;
    }
    if u + 52 > 1023 {
        return f64::INFINITY;
    }
    // For a normal result q holds the implicit bit, which carries into the
    // exponent field; for a subnormal one (u == -1074) q is the raw bits.
    f64::from_bits((((u + 1074) as u64) << 52) + q)
}
