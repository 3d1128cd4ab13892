//! The `time` module. Every reading goes through the VM's one `Clock`, so under
//! `--clock virtual` `time.time()`, `time.monotonic()` and `time.sleep()` see the same
//! virtual time as the event loop. Calendar functions work in UTC (aio carries no
//! time-zone database; `localtime` is `gmtime` with the zone named "UTC").

use crate::value::object::{AttrMap, Class, Instance, Layout, NativeFn};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::ops;
use crate::vm::Vm;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

/// The field names of `time.struct_time`, in tuple order.
const FIELDS: [&str; 9] = [
    "tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst",
];

const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

thread_local! {
    static STRUCT_TIME: Rc<Class> = make_struct_time_class();
}

/// Builds the `time` module.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("time");
    {
        let g = &m.globals;
        let funcs: &[(&'static str, NativeFn)] = &[
            ("time", time),
            ("time_ns", time_ns),
            ("monotonic", monotonic),
            ("monotonic_ns", monotonic_ns),
            ("perf_counter", monotonic),
            ("perf_counter_ns", monotonic_ns),
            ("process_time", process_time),
            ("process_time_ns", process_time_ns),
            ("sleep", sleep),
            ("gmtime", gmtime),
            ("localtime", localtime),
            ("mktime", mktime),
            ("strftime", strftime),
            ("asctime", asctime),
            ("ctime", ctime),
        ];
        for (name, f) in funcs {
            g.insert(Symbol::new(name), Value::builtin(name, *f));
        }
        g.insert(Symbol::new("__name__"), Value::str("time"));
        g.insert(
            Symbol::new("struct_time"),
            Value::Class(STRUCT_TIME.with(|c| c.clone())),
        );
        g.insert(Symbol::new("timezone"), Value::Int(0));
        g.insert(Symbol::new("altzone"), Value::Int(0));
        g.insert(Symbol::new("daylight"), Value::Int(0));
        g.insert(
            Symbol::new("tzname"),
            Value::tuple(vec![Value::str("UTC"), Value::str("UTC")]),
        );
    }
    Value::Module(m)
}

fn no_args(name: &str, args: &[Value], kwargs: Kw) -> PyResult<()> {
    if !kwargs.is_empty() {
        return Err(types::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    if !args.is_empty() {
        return Err(types::type_error(format!(
            "time.{name}() takes no arguments ({} given)",
            args.len()
        )));
    }
    Ok(())
}

fn time(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("time", args, kwargs)?;
    Ok(Value::Float(vm.clock.wall()))
}

fn time_ns(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("time_ns", args, kwargs)?;
    let ns = if vm.clock.is_virtual() {
        // The reference computes `int((EPOCH + now) * 1e9)` in floating point.
        (vm.clock.wall() * 1e9) as i64
    } else {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as i64)
            .unwrap_or(0)
    };
    Ok(Value::Int(ns))
}

fn monotonic(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("monotonic", args, kwargs)?;
    Ok(Value::Float(vm.clock.now()))
}

fn monotonic_ns(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("monotonic_ns", args, kwargs)?;
    Ok(Value::Int((vm.clock.now() * 1e9) as i64))
}

extern "C" {
    /// C's `clock()`: processor time used, in `CLOCKS_PER_SEC` (1,000,000 on POSIX).
    fn clock() -> std::os::raw::c_long;
}

fn cpu_seconds() -> f64 {
    // SAFETY: `clock()` takes no arguments and only reads process accounting.
    let ticks = unsafe { clock() };
    if ticks < 0 {
        0.0
    } else {
        ticks as f64 / 1_000_000.0
    }
}

fn process_time(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("process_time", args, kwargs)?;
    Ok(Value::Float(cpu_seconds()))
}

fn process_time_ns(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("process_time_ns", args, kwargs)?;
    Ok(Value::Int((cpu_seconds() * 1e9) as i64))
}

/// A seconds argument: int or float (CPython's `_PyTime_FromObject`).
pub(crate) fn seconds(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => {
            if f.is_nan() {
                return Err(types::value_error("Invalid value NaN (not a number)"));
            }
            Ok(*f)
        }
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Int(i) => Ok(*i as f64),
        Value::BigInt(_) => Err(types::exc(
            |t| &t.overflow_error,
            "timestamp too large to convert to C _PyTime_t",
        )),
        Value::Instance(i) if i.class.lookup(Symbol::new("__float__")).is_some() => {
            let f = i
                .class
                .lookup(Symbol::new("__float__"))
                .unwrap_or(Value::None);
            match vm.call(&f, std::slice::from_ref(v))? {
                Value::Float(x) => Ok(x),
                r => Err(types::type_error(format!(
                    "{}.__float__ returned non-float (type {})",
                    i.class.name,
                    r.type_name()
                ))),
            }
        }
        _ => Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))),
    }
}

pub(crate) fn sleep(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(types::type_error("sleep() takes no keyword arguments"));
    }
    if args.len() != 1 {
        return Err(types::type_error(format!(
            "time.sleep() takes exactly one argument ({} given)",
            args.len()
        )));
    }
    let d = seconds(vm, &args[0])?;
    if d < 0.0 {
        return Err(types::value_error("sleep length must be non-negative"));
    }
    vm.clock.sleep_blocking(d);
    if let Some(e) = vm.take_interrupt() {
        return Err(e);
    }
    Ok(Value::None)
}

/// A broken-down UTC time.
struct Tm {
    fields: [i64; 9],
    zone: &'static str,
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn breakdown(secs: i64, zone: &'static str) -> Tm {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let wday = (days + 3).rem_euclid(7); // 1970-01-01 was a Thursday (Monday is 0).
    let yday = days - days_from_civil(y, 1, 1) + 1;
    Tm {
        fields: [
            y,
            m,
            d,
            rem / 3600,
            rem % 3600 / 60,
            rem % 60,
            wday,
            yday,
            0,
        ],
        zone,
    }
}

/// The struct_time for `secs` (None: now), truncated toward -inf like CPython.
fn struct_from_secs(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    zone: &'static str,
) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(types::type_error(format!(
            "{name} expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let secs = match args.first() {
        None | Some(Value::None) => vm.clock.wall(),
        Some(v) => seconds(vm, v)?,
    };
    if !secs.is_finite() || secs.abs() > 1e17 {
        return Err(types::exc(
            |t| &t.overflow_error,
            "timestamp out of range for platform time_t",
        ));
    }
    Ok(new_struct_time(&breakdown(secs.floor() as i64, zone)))
}

fn gmtime(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    struct_from_secs(vm, "gmtime", args, "GMT")
}

fn localtime(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    struct_from_secs(vm, "localtime", args, "UTC")
}

fn new_struct_time(tm: &Tm) -> Value {
    let class = STRUCT_TIME.with(|c| c.clone());
    let mut dict = AttrMap::default();
    for (name, v) in FIELDS.iter().zip(tm.fields.iter()) {
        dict.insert(Symbol::new(name), Value::Int(*v));
    }
    dict.insert(Symbol::new("tm_zone"), Value::str(tm.zone));
    dict.insert(Symbol::new("tm_gmtoff"), Value::Int(0));
    Value::instance(Instance {
        class,
        dict: crate::value::namespace::Namespace::from_map(dict),
        exc: None,
        base: None,
    })
}

/// The nine fields of a struct_time or a 9-tuple (`None` for another value).
fn tm_of(vm: &mut Vm, func: &str, v: &Value) -> PyResult<Tm> {
    if let Value::Instance(i) = v {
        if i.class.name == "struct_time" && i.class.module == "time" {
            let d = &i.dict;
            let mut fields = [0i64; 9];
            for (slot, name) in fields.iter_mut().zip(FIELDS.iter()) {
                *slot = d
                    .get(&Symbol::new(name))
                    .and_then(|x| x.as_i64())
                    .unwrap_or(0);
            }
            let zone = match d
                .get(&Symbol::new("tm_zone"))
                .and_then(|z| z.as_str().map(|s| s.to_string()))
            {
                Some(z) if z == "GMT" => "GMT",
                _ => "UTC",
            };
            return Ok(Tm { fields, zone });
        }
    }
    let Value::Tuple(items) = v else {
        return Err(types::type_error("Tuple or struct_time argument required"));
    };
    if items.len() != 9 {
        return Err(types::type_error(format!(
            "{func}(): illegal time tuple argument"
        )));
    }
    let mut fields = [0i64; 9];
    for (slot, item) in fields.iter_mut().zip(items.iter()) {
        *slot = match item {
            Value::Float(_) => {
                return Err(types::type_error(
                    "'float' object cannot be interpreted as an integer",
                ))
            }
            other => ops::index_of(vm, other, "tuple").map_err(|_| {
                types::type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    other.type_name()
                ))
            })?,
        };
    }
    Ok(Tm {
        fields,
        zone: "UTC",
    })
}

fn mktime(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(types::type_error(format!(
            "time.mktime() takes exactly one argument ({} given)",
            args.len()
        )));
    }
    let tm = tm_of(vm, "mktime", &args[0])?;
    let f = tm.fields;
    // Months outside 1..12 roll into the year, as C's mktime normalizes them.
    let months = f[0] * 12 + (f[1] - 1);
    let (y, m) = (months.div_euclid(12), months.rem_euclid(12) + 1);
    let days = days_from_civil(y, m, 1) + f[2] - 1;
    Ok(Value::Float(
        (days * 86_400 + f[3] * 3600 + f[4] * 60 + f[5]) as f64,
    ))
}

/// `time.strftime(format[, t])` for the common directives.
fn strftime(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    if args.is_empty() || args.len() > 2 {
        return Err(types::type_error(format!(
            "strftime expected {} 2 arguments, got {}",
            if args.is_empty() {
                "at least"
            } else {
                "at most"
            },
            args.len()
        )));
    }
    let Some(fmt) = args[0].as_str().map(|s| s.to_string()) else {
        return Err(types::type_error(format!(
            "strftime() argument 1 must be str, not {}",
            args[0].type_name()
        )));
    };
    let tm = match args.get(1) {
        Some(v) => tm_of(vm, "strftime", v)?,
        None => breakdown(vm.clock.wall().floor() as i64, "UTC"),
    };
    check_ranges(&tm)?;
    Ok(Value::str(format_tm(&fmt, &tm)))
}

fn check_ranges(tm: &Tm) -> PyResult<()> {
    let f = tm.fields;
    let bad = |what: &str| Err(types::value_error(format!("{what} out of range")));
    if !(1..=12).contains(&f[1]) && f[1] != 0 {
        return bad("month");
    }
    if !(0..=31).contains(&f[2]) {
        return bad("day of month");
    }
    if !(0..=23).contains(&f[3]) {
        return bad("hour");
    }
    if !(0..=59).contains(&f[4]) {
        return bad("minute");
    }
    if !(0..=61).contains(&f[5]) {
        return bad("seconds");
    }
    if !(0..=366).contains(&f[7]) && f[7] != 0 {
        return bad("day of year");
    }
    Ok(())
}

fn format_tm(fmt: &str, tm: &Tm) -> String {
    let f = tm.fields;
    let (year, mon, mday, hour, min, sec) = (f[0], f[1].clamp(1, 12), f[2], f[3], f[4], f[5]);
    let wday = f[6].rem_euclid(7) as usize;
    let yday = f[7].max(1);
    let month = MONTH_NAMES[(mon - 1) as usize];
    let day = DAY_NAMES[wday];
    // Sunday-based and Monday-based week numbers (%U, %W) as C computes them.
    let sunday_wday = (wday as i64 + 1) % 7;
    let week_u = (yday - 1 + 7 - sunday_wday) / 7;
    let week_w = (yday - 1 + 7 - wday as i64) / 7;
    let hour12 = if hour % 12 == 0 { 12 } else { hour % 12 };
    let mut out = String::new();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('Y') => out.push_str(&year.to_string()),
            Some('y') => out.push_str(&format!("{:02}", year.rem_euclid(100))),
            Some('C') => out.push_str(&format!("{:02}", year.div_euclid(100))),
            Some('m') => out.push_str(&format!("{mon:02}")),
            Some('d') => out.push_str(&format!("{mday:02}")),
            Some('e') => out.push_str(&format!("{mday:2}")),
            Some('H') => out.push_str(&format!("{hour:02}")),
            Some('I') => out.push_str(&format!("{hour12:02}")),
            Some('M') => out.push_str(&format!("{min:02}")),
            Some('S') => out.push_str(&format!("{sec:02}")),
            Some('j') => out.push_str(&format!("{yday:03}")),
            Some('a') => out.push_str(&day[..3]),
            Some('A') => out.push_str(day),
            Some('b') | Some('h') => out.push_str(&month[..3]),
            Some('B') => out.push_str(month),
            Some('p') => out.push_str(if hour < 12 { "AM" } else { "PM" }),
            Some('w') => out.push_str(&sunday_wday.to_string()),
            Some('u') => out.push_str(&(wday + 1).to_string()),
            Some('U') => out.push_str(&format!("{week_u:02}")),
            Some('W') => out.push_str(&format!("{week_w:02}")),
            Some('Z') => out.push_str(tm.zone),
            Some('z') => out.push_str("+0000"),
            Some('D') | Some('x') => {
                out.push_str(&format!("{mon:02}/{mday:02}/{:02}", year.rem_euclid(100)))
            }
            Some('F') => out.push_str(&format!("{year}-{mon:02}-{mday:02}")),
            Some('T') | Some('X') => out.push_str(&format!("{hour:02}:{min:02}:{sec:02}")),
            Some('R') => out.push_str(&format!("{hour:02}:{min:02}")),
            Some('c') => out.push_str(&asctime_text(tm)),
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('%') => out.push('%'),
            Some(other) => {
                out.push('%');
                out.push(other);
            }
            None => out.push('%'),
        }
    }
    out
}

fn asctime_text(tm: &Tm) -> String {
    let f = tm.fields;
    let day = DAY_NAMES[f[6].rem_euclid(7) as usize];
    let month = MONTH_NAMES[(f[1].clamp(1, 12) - 1) as usize];
    format!(
        "{} {} {:2} {:02}:{:02}:{:02} {}",
        &day[..3],
        &month[..3],
        f[2],
        f[3],
        f[4],
        f[5],
        f[0]
    )
}

fn asctime(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(types::type_error(format!(
            "asctime expected at most 1 argument, got {}",
            args.len()
        )));
    }
    let tm = match args.first() {
        Some(v) => tm_of(vm, "asctime", v)?,
        None => breakdown(vm.clock.wall().floor() as i64, "UTC"),
    };
    check_ranges(&tm)?;
    Ok(Value::str(asctime_text(&tm)))
}

fn ctime(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let t = localtime(vm, args, kwargs)?;
    let tm = tm_of(vm, "ctime", &t)?;
    Ok(Value::str(asctime_text(&tm)))
}

// ----- time.struct_time: a 9-field named tuple -----

fn make_struct_time_class() -> Rc<Class> {
    let object = types::with_types(|t| t.object.clone());
    crate::value::object::class_changed();
    let class = Rc::new(Class {
        name: "struct_time".to_string(),
        qualname: RefCell::new("struct_time".to_string()),
        module: "time".to_string(),
        base: Some(object.clone()),
        mro: vec![object],
        dict: RefCell::new(AttrMap::default()),
        layout: Layout::Object,
        is_user: false,
        unhashable: Cell::new(false),
        getattribute: Cell::new(false),
        lookup_cache: Default::default(),
    });
    let methods: &[(&'static str, NativeFn)] = &[
        ("__new__", st_new),
        ("__repr__", st_repr),
        ("__getitem__", st_getitem),
        ("__len__", st_len),
        ("__iter__", st_iter),
        ("__eq__", st_eq),
        ("__hash__", st_hash),
    ];
    for (name, f) in methods {
        types::set_class_attr(&class, name, Value::builtin(name, *f));
    }
    class
}

fn st_tuple(v: &Value) -> Vec<Value> {
    match v {
        Value::Instance(i) => {
            let d = &i.dict;
            FIELDS
                .iter()
                .map(|n| d.get(&Symbol::new(n)).unwrap_or(Value::None))
                .collect()
        }
        _ => Vec::new(),
    }
}

fn st_new(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let Some(seq) = args.get(1) else {
        return Err(types::type_error(
            "time.struct_time() missing required argument 'sequence' (pos 1)",
        ));
    };
    let items = ops::collect_iterable(vm, seq)?;
    if items.len() < 9 {
        return Err(types::type_error(format!(
            "time.struct_time() takes an at least 9-sequence ({}-sequence given)",
            items.len()
        )));
    }
    if items.len() > 11 {
        return Err(types::type_error(format!(
            "time.struct_time() takes an at most 11-sequence ({}-sequence given)",
            items.len()
        )));
    }
    let class = STRUCT_TIME.with(|c| c.clone());
    let mut dict = AttrMap::default();
    for (name, v) in FIELDS.iter().zip(items.iter()) {
        dict.insert(Symbol::new(name), v.clone());
    }
    dict.insert(
        Symbol::new("tm_zone"),
        items.get(9).cloned().unwrap_or(Value::None),
    );
    dict.insert(
        Symbol::new("tm_gmtoff"),
        items.get(10).cloned().unwrap_or(Value::None),
    );
    Ok(Value::instance(Instance {
        class,
        dict: crate::value::namespace::Namespace::from_map(dict),
        exc: None,
        base: None,
    }))
}

fn st_repr(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let items = st_tuple(args.first().unwrap_or(&Value::None));
    let mut parts = Vec::with_capacity(9);
    for (name, v) in FIELDS.iter().zip(items.iter()) {
        parts.push(format!("{name}={}", ops::repr(vm, v)?));
    }
    Ok(Value::str(format!(
        "time.struct_time({})",
        parts.join(", ")
    )))
}

fn st_getitem(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let t = Value::tuple(st_tuple(args.first().unwrap_or(&Value::None)));
    ops::getitem(vm, &t, args.get(1).unwrap_or(&Value::None))
}

fn st_len(_vm: &mut Vm, _args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    Ok(Value::Int(9))
}

fn st_iter(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    ops::get_iter(
        vm,
        &Value::tuple(st_tuple(args.first().unwrap_or(&Value::None))),
    )
}

fn st_eq(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let a = Value::tuple(st_tuple(args.first().unwrap_or(&Value::None)));
    let b = match args.get(1) {
        Some(v @ Value::Instance(i)) if Rc::ptr_eq(&i.class, &STRUCT_TIME.with(|c| c.clone())) => {
            Value::tuple(st_tuple(v))
        }
        Some(v @ Value::Tuple(_)) => v.clone(),
        _ => return Ok(Value::native(crate::value::object::Native::NotImplemented)),
    };
    Ok(Value::Bool(ops::eq(vm, &a, &b)?))
}

fn st_hash(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let t = Value::tuple(st_tuple(args.first().unwrap_or(&Value::None)));
    Ok(Value::Int(ops::hash(vm, &t)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        for days in [-1_000_000, -1, 0, 1, 11_016, 19_675, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        let tm = breakdown(1_000_000_000, "GMT");
        assert_eq!(tm.fields, [2001, 9, 9, 1, 46, 40, 6, 252, 0]);
        assert_eq!(
            format_tm("%a %b %e %H:%M:%S %Y %j %U %W %w", &tm),
            "Sun Sep  9 01:46:40 2001 252 36 36 0"
        );
    }
}
