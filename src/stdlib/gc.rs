//! The `gc` module: the cycle collector's switches (see `vm::gc`).
//!
//! aio has one generation, so `get_count()` reports the objects made since the last
//! collection in the first slot, and the second and third thresholds are kept only
//! to be reported back.

use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::{gc, Vm};
use std::cell::Cell;

type Kw<'a> = &'a [(Symbol, Value)];

thread_local! {
    /// The second and third thresholds as last set (aio collects in one generation).
    static OLDER_THRESHOLDS: Cell<(i64, i64)> = const { Cell::new((10, 10)) };
}

fn no_args(name: &str, args: &[Value], kwargs: Kw) -> PyResult<()> {
    if !kwargs.is_empty() {
        return Err(types::type_error(format!(
            "gc.{name}() takes no keyword arguments"
        )));
    }
    if !args.is_empty() {
        return Err(types::type_error(format!(
            "gc.{name}() takes no arguments ({} given)",
            args.len()
        )));
    }
    Ok(())
}

fn int_arg(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(types::overflow_error(
            "Python int too large to convert to C int",
        )),
        other => Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
    }
}

/// `gc.collect(generation=2)`: a full collection; the number of unreachable objects
/// found. Generators found garbage run their `finally` blocks before it returns.
fn collect(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let mut generation = args.first().cloned();
    for (k, v) in kwargs {
        if &*k.text() == "generation" && generation.is_none() {
            generation = Some(v.clone());
        } else {
            return Err(types::type_error(format!(
                "collect() got an unexpected keyword argument '{k}'"
            )));
        }
    }
    if args.len() > 1 {
        return Err(types::type_error(format!(
            "collect() takes at most 1 argument ({} given)",
            args.len()
        )));
    }
    if let Some(g) = generation {
        if !(0..=2).contains(&int_arg(&g)?) {
            return Err(types::value_error("invalid generation"));
        }
    }
    let found = vm.collect_cycles();
    vm.close_dropped_generators();
    Ok(Value::Int(found as i64))
}

fn enable(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("enable", args, kwargs)?;
    gc::set_enabled(true);
    Ok(Value::None)
}

fn disable(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("disable", args, kwargs)?;
    gc::set_enabled(false);
    Ok(Value::None)
}

fn isenabled(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("isenabled", args, kwargs)?;
    Ok(Value::Bool(gc::is_enabled()))
}

/// `gc.get_count()`: (objects tracked since the last collection, 0, 0).
fn get_count(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("get_count", args, kwargs)?;
    Ok(Value::tuple(vec![
        Value::Int(gc::count() as i64),
        Value::Int(0),
        Value::Int(0),
    ]))
}

fn get_threshold(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_args("get_threshold", args, kwargs)?;
    let (t1, t2) = OLDER_THRESHOLDS.with(Cell::get);
    Ok(Value::tuple(vec![
        Value::Int(gc::threshold() as i64),
        Value::Int(t1),
        Value::Int(t2),
    ]))
}

/// `gc.set_threshold(threshold0[, threshold1[, threshold2]])`: 0 turns automatic
/// collection off, as in CPython.
fn set_threshold(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if !kwargs.is_empty() {
        return Err(types::type_error(
            "set_threshold() takes no keyword arguments",
        ));
    }
    if args.is_empty() {
        return Err(types::type_error(
            "set_threshold() takes at least 1 argument (0 given)",
        ));
    }
    if args.len() > 3 {
        return Err(types::type_error(format!(
            "set_threshold() takes at most 3 arguments ({} given)",
            args.len()
        )));
    }
    let values = args.iter().map(int_arg).collect::<PyResult<Vec<i64>>>()?;
    let (mut t1, mut t2) = OLDER_THRESHOLDS.with(Cell::get);
    if let Some(&v) = values.get(1) {
        t1 = v;
    }
    if let Some(&v) = values.get(2) {
        t2 = v;
    }
    OLDER_THRESHOLDS.with(|c| c.set((t1, t2)));
    gc::set_threshold(values[0].max(0) as usize);
    Ok(Value::None)
}

/// Builds the `gc` module.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("gc");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("gc"));
        g.insert(Symbol::new("garbage"), Value::list(Vec::new()));
        let fns: &[(&'static str, crate::value::object::NativeFn)] = &[
            ("collect", collect),
            ("enable", enable),
            ("disable", disable),
            ("isenabled", isenabled),
            ("get_count", get_count),
            ("get_threshold", get_threshold),
            ("set_threshold", set_threshold),
        ];
        for &(name, f) in fns {
            g.insert(Symbol::new(name), Value::builtin(name, f));
        }
    }
    Value::Module(m)
}
