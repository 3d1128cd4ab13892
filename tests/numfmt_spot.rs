//! Hand-picked examples (values checked against CPython 3.11), readable
//! companions to the generated table.

use aio::value::numfmt::*;
use num_bigint::BigInt;

fn ff(x: f64, spec: &str) -> String {
    format_float(x, spec).unwrap()
}

fn fi(x: i64, spec: &str) -> String {
    format_int(&BigInt::from(x), spec).unwrap()
}

#[test]
fn repr_layout() {
    let cases = [
        (1.0, "1.0"),
        (0.1, "0.1"),
        (1e16, "1e+16"),
        (1.5e-5, "1.5e-05"),
        (0.0001, "0.0001"),
        (123456789012345.0, "123456789012345.0"),
        (1234567890123456.0, "1234567890123456.0"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
        (f64::NAN, "nan"),
        (-0.0, "-0.0"),
        (2.5e-308, "2.5e-308"),
        (5e-324, "5e-324"),
        (f64::MAX, "1.7976931348623157e+308"),
        (0.1 + 0.2, "0.30000000000000004"),
        // Exact tie between two 17-digit candidates: dtoa keeps the even one.
        (-0.115_467_071_533_203_12, "-0.11546707153320312"),
    ];
    for (x, want) in cases {
        assert_eq!(float_repr(x), want);
    }
}

#[test]
fn float_formats() {
    assert_eq!(ff(2.675, ".2f"), "2.67");
    assert_eq!(ff(0.125, ".2f"), "0.12");
    assert_eq!(ff(1e22, "f"), "10000000000000000000000.000000");
    assert_eq!(ff(1.0 / 3.0, ".20f"), "0.33333333333333331483");
    assert_eq!(
        ff(0.1, ".60f"),
        "0.100000000000000005551115123125782702118158340454101562500000"
    );
    assert_eq!(ff(1234.5, ",.2f"), "1,234.50");
    assert_eq!(ff(-0.0, "z.1f"), "0.0");
    assert_eq!(ff(-0.0001, "z.1f"), "0.0");
    assert_eq!(ff(1.5, "*^9.2e"), "1.50e+00*");
    assert_eq!(ff(-3.25, "=+10.1f"), "-      3.2");
    assert_eq!(ff(-3.25, "010.1f"), "-0000003.2");
    assert_eq!(ff(1234.5, "012,.1f"), "00,001,234.5");
    assert_eq!(ff(0.5, "%"), "50.000000%");
    assert_eq!(ff(123.0, ".3"), "1.23e+02");
    assert_eq!(ff(1.0, ".3"), "1.0");
    assert_eq!(ff(1e-5, ""), "1e-05");
    assert_eq!(ff(f64::INFINITY, "010"), "0000000inf");
    assert_eq!(ff(f64::NAN, "+F"), "+NAN");
    assert_eq!(ff(1.0, "#.0f"), "1.");
    assert_eq!(ff(1.0, "#g"), "1.00000");
}

#[test]
fn int_formats() {
    assert_eq!(fi(-42, "08"), "-0000042");
    assert_eq!(fi(1234, "08,"), "0,001,234");
    assert_eq!(fi(255, "#x"), "0xff");
    assert_eq!(fi(255, "#X"), "0XFF");
    assert_eq!(fi(-255, "#010b"), "-0b11111111");
    assert_eq!(fi(0x12345, "_x"), "1_2345");
    assert_eq!(fi(1234567, "_"), "1_234_567");
    assert_eq!(fi(65, "^5c"), "  A  ");
    assert_eq!(fi(7, "+"), "+7");
    assert_eq!(fi(7, "e"), "7.000000e+00");
    assert_eq!(format_bool(true, "").unwrap(), "True");
    assert_eq!(format_bool(true, "5").unwrap(), "    1");
    let big = BigInt::from(10).pow(400);
    assert_eq!(
        format_int(&big, "f").unwrap_err(),
        "int too large to convert to float"
    );
}

#[test]
fn format_errors() {
    let e = |r: Result<String, String>| r.unwrap_err();
    assert_eq!(
        e(format_int(&BigInt::from(1), "abc")),
        "Invalid format specifier 'abc' for object of type 'int'"
    );
    assert_eq!(
        e(format_int(&BigInt::from(1), ".2")),
        "Precision not allowed in integer format specifier"
    );
    assert_eq!(e(format_str("a", ",")), "Cannot specify ',' with 's'.");
    assert_eq!(
        e(format_str("a", "+")),
        "Sign not allowed in string format specifier"
    );
    assert_eq!(
        e(format_str("a", "=5")),
        "'=' alignment not allowed in string format specifier"
    );
    assert_eq!(
        e(format_float(1.0, "d")),
        "Unknown format code 'd' for object of type 'float'"
    );
    assert_eq!(
        e(format_bool(true, "s")),
        "Unknown format code 's' for object of type 'bool'"
    );
    assert_eq!(
        e(format_float(1.0, ",_")),
        "Cannot specify both ',' and '_'."
    );
    assert_eq!(
        e(format_float(1.0, ".")),
        "Format specifier missing precision"
    );
}

#[test]
fn str_formats() {
    assert_eq!(format_str("日本語", "^7").unwrap(), "  日本語  ");
    assert_eq!(format_str("hello", ".2").unwrap(), "he");
    assert_eq!(format_str("ab", "05").unwrap(), "ab000");
    assert_eq!(format_str("ab", "é>4").unwrap(), "ééab");
}

#[test]
fn rounding() {
    assert_eq!(round_float(2.675, 2), Ok(2.67));
    assert_eq!(round_float(1234.5, -2), Ok(1200.0));
    assert_eq!(round_float(150.0, -2), Ok(200.0));
    assert!(round_float(-0.4, 0).unwrap().is_sign_negative());
    assert_eq!(
        round_float(f64::MAX, -308),
        Err("rounded value too large to represent".to_string())
    );
    assert_eq!(round_half_even(0.5), 0.0);
    assert_eq!(round_half_even(1.5), 2.0);
    assert_eq!(round_half_even(2.5), 2.0);
}

#[test]
fn parsing() {
    assert_eq!(parse_float(" -1_000.5e-1 "), Some(-100.05));
    assert_eq!(parse_float("-iNfInItY"), Some(f64::NEG_INFINITY));
    assert!(parse_float("nan").is_some_and(f64::is_nan));
    assert_eq!(parse_float("5."), Some(5.0));
    assert_eq!(parse_float(".5"), Some(0.5));
    assert_eq!(parse_float("1__0"), None);
    assert_eq!(parse_float("1e"), None);
    assert_eq!(parse_float("١.٥"), Some(1.5));
    assert_eq!(parse_int("0x_1f", 16), Some(BigInt::from(31)));
    assert_eq!(parse_int("0b101", 0), Some(BigInt::from(5)));
    assert_eq!(parse_int("010", 0), None);
    assert_eq!(parse_int("00", 0), Some(BigInt::from(0)));
    assert_eq!(parse_int(" -12 ", 10), Some(BigInt::from(-12)));
    assert_eq!(parse_int("z", 36), Some(BigInt::from(35)));
    assert!(parse_int_checked(&"1".repeat(4301), 10).is_err());
    assert_eq!(parse_int_checked("1_", 10), Ok(None));
}

#[test]
fn int_and_float_arithmetic() {
    let big = |e: u32| BigInt::from(10).pow(e);
    assert_eq!(int_true_div(&big(400), &big(399)), Ok(10.0));
    assert_eq!(
        int_true_div(&big(400), &BigInt::from(1)),
        Err("integer division result too large for a float".to_string())
    );
    assert_eq!(
        int_true_div(&BigInt::from(1), &BigInt::from(0)),
        Err("division by zero".to_string())
    );
    assert!(int_true_div(&BigInt::from(0), &BigInt::from(-5))
        .unwrap()
        .is_sign_negative());
    assert_eq!(int_to_str_radix(&BigInt::from(-31), 16, true), "-0x1f");
    assert_eq!(int_to_str_radix(&BigInt::from(5), 2, true), "0b101");
    assert_eq!(float_to_int_check(-2.9), Ok(BigInt::from(-2)));
    assert_eq!(
        float_to_int_check(f64::INFINITY),
        Err("cannot convert float infinity to integer".to_string())
    );
    assert_eq!(
        float_to_int_check(f64::NAN),
        Err("cannot convert float NaN to integer".to_string())
    );
    assert_eq!(float_floordiv_mod(-7.0, 2.0), Ok((-4.0, 1.0)));
    assert_eq!(float_floordiv_mod(7.0, -2.0), Ok((-4.0, -1.0)));
    assert_eq!(
        float_floordiv_mod(1.0, 0.0),
        Err("float divmod()".to_string())
    );
    assert_eq!(float_mod(1.0, 0.0), Err("float modulo".to_string()));
    assert_eq!(
        float_floordiv(1.0, 0.0),
        Err("float floor division by zero".to_string())
    );
    assert_eq!(
        float_pow(0.0, -1.0),
        Err("0.0 cannot be raised to a negative power".to_string())
    );
    assert_eq!(
        float_pow(10.0, 400.0),
        Err("(34, 'Numerical result out of range')".to_string())
    );
    assert!(float_pow(-8.0, 1.0 / 3.0).is_err());
    assert_eq!(float_pow(-2.0, 3.0), Ok(-8.0));
}

#[test]
fn hashes() {
    assert_eq!(int_hash(&BigInt::from(1)), float_hash(1.0));
    assert_eq!(int_hash(&BigInt::from(-1)), -2);
    assert_eq!(float_hash(-1.0), -2);
    assert_eq!(float_hash(f64::INFINITY), 314159);
    assert_eq!(float_hash(0.5), 1152921504606846976);
    assert_eq!(int_hash(&(BigInt::from(1) << 61u32)), 1);
    assert_eq!(float_hash(f64::NAN), 0);
}
