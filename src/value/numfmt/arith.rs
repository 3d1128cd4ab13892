//! Float arithmetic with CPython's special cases, numeric hashing, and the
//! exact float -> int conversion.

use num_bigint::{BigInt, BigUint, Sign};
use num_traits::ToPrimitive;

/// The modulus of CPython's numeric hash, `2**61 - 1` (a Mersenne prime).
const HASH_MODULUS: u64 = (1u64 << 61) - 1;
const HASH_BITS: i64 = 61;
/// `hash(float('inf'))`.
const HASH_INF: i64 = 314_159;

/// `x × 2^e mod (2^61 - 1)` for `x < 2^61 - 1`: multiplying by a power
/// of two modulo a Mersenne prime is a bit rotation.
fn mul_pow2_mod(x: u64, e: i64) -> u64 {
    let e = e.rem_euclid(HASH_BITS) as u32;
    if e == 0 {
        return x;
    }
    ((x << e) & HASH_MODULUS) | (x >> (HASH_BITS as u32 - e))
}

/// Applies the sign and the `-1 -> -2` rule shared by int and float hashes.
fn signed_hash(magnitude: u64, negative: bool) -> i64 {
    let h = magnitude as i64;
    let h = if negative { -h } else { h };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// CPython's `long_hash`: `|x| mod (2**61 - 1)` with the sign of `x`.
pub fn int_hash(x: &BigInt) -> i64 {
    let m = x.magnitude() % BigUint::from(HASH_MODULUS);
    signed_hash(m.to_u64().unwrap_or(0), x.sign() == Sign::Minus)
}

/// CPython's `_Py_HashDouble` for finite and infinite values; NaN gives 0.
pub fn float_hash(x: f64) -> i64 {
    if x.is_nan() {
        return 0;
    }
    if x.is_infinite() {
        return if x > 0.0 { HASH_INF } else { -HASH_INF };
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mantissa, exp) = if biased == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    // mantissa < 2^53 < modulus, so it is already reduced; 2^61 == 1 in the
    // ring, so the exponent only matters modulo 61 (negative ones too).
    let h = mul_pow2_mod(mantissa, exp);
    signed_hash(h, x.is_sign_negative())
}

/// `DOUBLE_IS_ODD_INTEGER` from CPython's floatobject.c.
fn is_odd_integer(x: f64) -> bool {
    (x.abs() % 2.0) == 1.0
}

/// CPython's `float_pow` with its special cases in front of libm `pow`.
pub fn float_pow(iv: f64, iw: f64) -> Result<f64, String> {
    if iw == 0.0 {
        return Ok(1.0);
    }
    if iv.is_nan() {
        return Ok(iv);
    }
    if iw.is_nan() {
        return Ok(if iv == 1.0 { 1.0 } else { iw });
    }
    if iw.is_infinite() {
        let av = iv.abs();
        return Ok(if av == 1.0 {
            1.0
        } else if (iw > 0.0) == (av > 1.0) {
            f64::INFINITY
        } else {
            0.0
        });
    }
    if iv.is_infinite() {
        let odd = is_odd_integer(iw);
        return Ok(if iw > 0.0 {
            if odd {
                iv
            } else {
                iv.abs()
            }
        } else if odd {
            0.0f64.copysign(iv)
        } else {
            0.0
        });
    }
    if iv == 0.0 {
        if iw < 0.0 {
            return Err("0.0 cannot be raised to a negative power".to_string());
        }
        return Ok(if is_odd_integer(iw) { iv } else { 0.0 });
    }
    let mut base = iv;
    let mut negate = false;
    if iv < 0.0 {
        if iw != iw.floor() {
            return Err(
                "negative number cannot be raised to a fractional power (the result is complex)"
                    .to_string(),
            );
        }
        base = -iv;
        negate = is_odd_integer(iw);
    }
    if base == 1.0 {
        return Ok(if negate { -1.0 } else { 1.0 });
    }
    // Finite inputs: the only range error libm reports that CPython keeps
    // is overflow (an infinite result); underflow to 0 or a subnormal is
    // silently accepted, as `_Py_ADJUST_ERANGE1` does.
    let r = base.powf(iw);
    if r.is_infinite() {
        return Err("(34, 'Numerical result out of range')".to_string());
    }
    Ok(if negate { -r } else { r })
}

/// CPython's `_float_div_mod`: floor quotient and a remainder with the sign
/// of the divisor (`wx` must be non-zero).
pub fn float_div_mod(vx: f64, wx: f64) -> (f64, f64) {
    let mut m = vx % wx;
    // fmod is exact, so vx - m is mathematically a multiple of wx.
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
        // Snap the (nearly integral) quotient to the nearest integer.
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    } else {
        0.0f64.copysign(vx / wx)
    };
    (floordiv, m)
}

/// The remainder half of `float_div_mod`, as CPython's `float_rem` computes
/// it without the quotient.
pub fn float_rem(vx: f64, wx: f64) -> f64 {
    let m = vx % wx;
    if m != 0.0 {
        if (wx < 0.0) != (m < 0.0) {
            m + wx
        } else {
            m
        }
    } else {
        0.0f64.copysign(wx)
    }
}

/// `int(x)` for a finite float: truncation toward zero, exactly.
pub fn truncate_to_int(x: f64) -> BigInt {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    if biased < 1023 {
        // |x| < 1 (including zero and subnormals).
        return BigInt::from(0);
    }
    let mantissa = BigUint::from(frac | (1u64 << 52));
    let exp = biased - 1075;
    let magnitude = if exp >= 0 {
        mantissa << (exp as usize)
    } else {
        mantissa >> ((-exp) as usize)
    };
    let sign = if x.is_sign_negative() {
        Sign::Minus
    } else {
        Sign::Plus
    };
    BigInt::from_biguint(sign, magnitude)
}
