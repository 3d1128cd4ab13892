//! The `itertools` module: lazy iterator objects whose arguments are checked when they
//! are made, with CPython's messages. Each object keeps its state in a list slot of its
//! instance, so `__next__` is a native call with one lookup.

use crate::ast::BinOp;
use crate::value::object::{AttrMap, Class, Instance, Layout, Native, NativeFn};
use crate::value::types::{self, new_class};
use crate::value::{PyResult, Symbol, Value};
use crate::vm::{ops, Vm};
use std::cell::RefCell;
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];
type State = Rc<RefCell<Vec<Value>>>;

/// The iterator classes, by name (made once per thread).
struct Classes {
    by_name: Vec<(&'static str, Rc<Class>)>,
}

thread_local! {
    static CLASSES: Classes = make_classes();
}

fn iter_self(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(args.first().cloned().unwrap_or(Value::None))
}

fn make_class(name: &'static str, new: NativeFn, next: NativeFn) -> Rc<Class> {
    let object = types::with_types(|t| t.object.clone());
    let class = new_class(name, Some(&object), Layout::Object, false);
    let mut class = Rc::try_unwrap(class).unwrap_or_else(|_| unreachable!("fresh class"));
    class.module = "itertools".to_string();
    let class = Rc::new(class);
    types::set_class_attr(&class, "__new__", Value::builtin("__new__", new));
    types::set_class_attr(&class, "__iter__", Value::builtin("__iter__", iter_self));
    types::set_class_attr(&class, "__next__", Value::builtin("__next__", next));
    class
}

fn make_classes() -> Classes {
    let table: &[(&'static str, NativeFn, NativeFn)] = &[
        ("count", count_new, count_next),
        ("cycle", cycle_new, cycle_next),
        ("repeat", repeat_new, repeat_next),
        ("accumulate", accumulate_new, accumulate_next),
        ("chain", chain_new, chain_next),
        ("compress", compress_new, compress_next),
        ("dropwhile", dropwhile_new, dropwhile_next),
        ("takewhile", takewhile_new, takewhile_next),
        ("filterfalse", filterfalse_new, filterfalse_next),
        ("groupby", groupby_new, groupby_next),
        ("_grouper", no_new, grouper_next),
        ("islice", islice_new, islice_next),
        ("starmap", starmap_new, starmap_next),
        ("_tee", no_new, tee_next),
        ("zip_longest", zip_longest_new, zip_longest_next),
        ("pairwise", pairwise_new, pairwise_next),
        ("product", product_new, product_next),
        ("permutations", permutations_new, permutations_next),
        ("combinations", combinations_new, combinations_next),
        ("combinations_with_replacement", cwr_new, cwr_next),
    ];
    let by_name: Vec<(&'static str, Rc<Class>)> = table
        .iter()
        .map(|(name, new, next)| (*name, make_class(name, *new, *next)))
        .collect();
    let find = |n: &str| {
        by_name
            .iter()
            .find(|(name, _)| *name == n)
            .map(|(_, c)| c.clone())
    };
    if let Some(c) = find("count") {
        types::set_class_attr(&c, "__repr__", Value::builtin("__repr__", count_repr));
    }
    if let Some(c) = find("repeat") {
        types::set_class_attr(&c, "__repr__", Value::builtin("__repr__", repeat_repr));
        types::set_class_attr(
            &c,
            "__length_hint__",
            Value::builtin("__length_hint__", repeat_length_hint),
        );
    }
    if let Some(c) = find("chain") {
        let f = Value::builtin("from_iterable", chain_from_iterable);
        types::set_class_attr(&c, "from_iterable", Value::native(Native::ClassMethod(f)));
    }
    if let Some(c) = find("_tee") {
        types::set_class_attr(&c, "__copy__", Value::builtin("__copy__", tee_copy));
    }
    Classes { by_name }
}

fn class(name: &str) -> Rc<Class> {
    CLASSES.with(|c| {
        c.by_name
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| c.clone())
            .unwrap_or_else(|| types::with_types(|t| t.object.clone()))
    })
}

fn state_sym() -> Symbol {
    Symbol::new("_state")
}

/// A new iterator object of class `name` holding `state`.
fn make(name: &str, state: Vec<Value>) -> Value {
    let mut dict = AttrMap::default();
    dict.insert(state_sym(), Value::list(state));
    Value::instance(Instance {
        class: class(name),
        dict: crate::value::namespace::Namespace::from_map(dict),
        exc: None,
        base: None,
    })
}

/// The state list of an iterator object (`args[0]` of its methods).
fn state(args: &[Value]) -> PyResult<State> {
    if let Some(Value::Instance(i)) = args.first() {
        if let Some(Value::List(ref l)) = i.dict.get(&state_sym()) {
            return Ok(l.clone());
        }
    }
    Err(types::type_error("descriptor requires an itertools object"))
}

fn slot(st: &State, i: usize) -> Value {
    st.borrow().get(i).cloned().unwrap_or(Value::None)
}

fn set_slot(st: &State, i: usize, v: Value) {
    if let Some(s) = st.borrow_mut().get_mut(i) {
        *s = v;
    }
}

fn stop() -> Value {
    types::stop_iteration(Value::None)
}

fn no_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let name = match args.first() {
        Some(Value::Class(c)) => c.name.clone(),
        _ => "object".into(),
    };
    Err(types::type_error(format!(
        "cannot create 'itertools.{name}' instances"
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

/// Positional count check with CPython's `_PyArg_CheckPositional` wording.
fn nargs(name: &str, args: &[Value], lo: usize, hi: usize) -> PyResult<()> {
    let n = args.len();
    let plural = |k: usize| if k == 1 { "" } else { "s" };
    if n < lo {
        return Err(types::type_error(if lo == hi {
            format!("{name} expected {lo} argument{}, got {n}", plural(lo))
        } else {
            format!(
                "{name} expected at least {lo} argument{}, got {n}",
                plural(lo)
            )
        }));
    }
    if n > hi {
        return Err(types::type_error(if lo == hi {
            format!("{name} expected {hi} argument{}, got {n}", plural(hi))
        } else {
            format!(
                "{name} expected at most {hi} argument{}, got {n}",
                plural(hi)
            )
        }));
    }
    Ok(())
}

/// Binds arguments by position and keyword (Argument Clinic's messages).
fn parse(
    name: &str,
    args: &[Value],
    kwargs: Kw,
    names: &[&str],
    required: usize,
) -> PyResult<Vec<Option<Value>>> {
    if args.len() > names.len() {
        return Err(types::type_error(format!(
            "{name}() takes at most {} argument{} ({} given)",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            args.len()
        )));
    }
    let mut out: Vec<Option<Value>> = args.iter().cloned().map(Some).collect();
    out.resize(names.len(), None);
    for (k, v) in kwargs {
        let Some(i) = names.iter().position(|n| k.with(|s| s == *n)) else {
            return Err(types::type_error(format!(
                "'{k}' is an invalid keyword argument for {name}()"
            )));
        };
        if i < args.len() {
            return Err(types::type_error(format!(
                "argument for {name}() given by name ('{k}') and position ({})",
                i + 1
            )));
        }
        out[i] = Some(v.clone());
    }
    for (i, n) in names.iter().enumerate().take(required) {
        if out[i].is_none() {
            return Err(types::type_error(format!(
                "{name}() missing required argument '{n}' (pos {})",
                i + 1
            )));
        }
    }
    Ok(out)
}

fn int_of(v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(types::overflow_error(
            "Python int too large to convert to C ssize_t",
        )),
        other => Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
    }
}

fn next_of(vm: &mut Vm, it: &Value) -> PyResult<Option<Value>> {
    ops::iter_next(vm, it)
}

// ---- count, cycle, repeat ----

fn is_number(v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) | Value::Float(_) => true,
        Value::Instance(i) => ["__add__", "__index__", "__float__", "__int__"]
            .iter()
            .any(|n| i.class.lookup(Symbol::new(n)).is_some()),
        _ => false,
    }
}

fn count_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let a = parse("count", &args[1..], kwargs, &["start", "step"], 0)?;
    let start = a[0].clone().unwrap_or(Value::Int(0));
    let step = a[1].clone().unwrap_or(Value::Int(1));
    if !is_number(&start) || !is_number(&step) {
        return Err(types::type_error("a number is required"));
    }
    Ok(make("count", vec![start, step]))
}

fn count_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let (n, step) = (slot(&st, 0), slot(&st, 1));
    let next = match (&n, &step) {
        (Value::Int(a), Value::Int(b)) => match a.checked_add(*b) {
            Some(s) => Value::Int(s),
            None => ops::binary_op(vm, BinOp::Add, &n, &step)?,
        },
        _ => ops::binary_op(vm, BinOp::Add, &n, &step)?,
    };
    set_slot(&st, 0, next);
    Ok(n)
}

fn count_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let (n, step) = (slot(&st, 0), slot(&st, 1));
    let n = ops::repr(vm, &n)?;
    if matches!(step, Value::Int(1)) {
        return Ok(Value::str(format!("count({n})")));
    }
    let step = ops::repr(vm, &step)?;
    Ok(Value::str(format!("count({n}, {step})")))
}

fn cycle_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("cycle", kwargs)?;
    nargs("cycle", &args[1..], 1, 1)?;
    let it = ops::get_iter(vm, &args[1])?;
    // it, saved items, replay index (-1 during the first pass)
    Ok(make(
        "cycle",
        vec![it, Value::list(Vec::new()), Value::Int(-1)],
    ))
}

fn cycle_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let saved = match slot(&st, 1) {
        Value::List(ref l) => l.clone(),
        _ => return Err(stop()),
    };
    let mut index = slot(&st, 2).as_i64().unwrap_or(0);
    if index < 0 {
        let it = slot(&st, 0);
        if let Some(v) = next_of(vm, &it)? {
            saved.borrow_mut().push(v.clone());
            return Ok(v);
        }
        set_slot(&st, 0, Value::None);
        index = 0;
    }
    let items = saved.borrow();
    if items.is_empty() {
        return Err(stop());
    }
    let v = items[index as usize % items.len()].clone();
    let next = (index + 1) % items.len() as i64;
    drop(items);
    set_slot(&st, 2, Value::Int(next));
    Ok(v)
}

fn repeat_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let a = parse("repeat", &args[1..], kwargs, &["object", "times"], 1)?;
    let obj = a[0].clone().unwrap_or(Value::None);
    let times = match &a[1] {
        None => Value::None,
        Some(t) => Value::Int(int_of(t)?.max(0)),
    };
    Ok(make("repeat", vec![obj, times]))
}

fn repeat_next(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let obj = slot(&st, 0);
    match slot(&st, 1) {
        Value::Int(n) if n <= 0 => Err(stop()),
        Value::Int(n) => {
            set_slot(&st, 1, Value::Int(n - 1));
            Ok(obj)
        }
        _ => Ok(obj),
    }
}

fn repeat_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let obj = ops::repr(vm, &slot(&st, 0))?;
    Ok(Value::str(match slot(&st, 1) {
        Value::Int(n) => format!("repeat({obj}, {n})"),
        _ => format!("repeat({obj})"),
    }))
}

fn repeat_length_hint(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    match slot(&st, 1) {
        Value::Int(n) => Ok(Value::Int(n)),
        _ => Err(types::type_error("len() of unsized object")),
    }
}

// ---- accumulate, chain, filters ----

fn accumulate_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() > 3 {
        return Err(types::type_error(format!(
            "accumulate() takes at most 2 arguments ({} given)",
            args.len() - 1
        )));
    }
    let a = parse(
        "accumulate",
        &args[1..],
        kwargs,
        &["iterable", "func", "initial"],
        1,
    )?;
    let it = ops::get_iter(vm, a[0].as_ref().unwrap_or(&Value::None))?;
    let func = a[1].clone().unwrap_or(Value::None);
    let initial = a[2].clone().unwrap_or(Value::None);
    let has_initial = !initial.is_none();
    // it, func, total, started, initial pending
    Ok(make(
        "accumulate",
        vec![
            it,
            func,
            initial,
            Value::Bool(has_initial),
            Value::Bool(has_initial),
        ],
    ))
}

fn accumulate_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    if matches!(slot(&st, 4), Value::Bool(true)) {
        set_slot(&st, 4, Value::Bool(false));
        return Ok(slot(&st, 2));
    }
    let Some(x) = next_of(vm, &slot(&st, 0))? else {
        return Err(stop());
    };
    let total = if matches!(slot(&st, 3), Value::Bool(true)) {
        let func = slot(&st, 1);
        let prev = slot(&st, 2);
        if func.is_none() {
            ops::binary_op(vm, BinOp::Add, &prev, &x)?
        } else {
            vm.call(&func, &[prev, x])?
        }
    } else {
        set_slot(&st, 3, Value::Bool(true));
        x
    };
    set_slot(&st, 2, total.clone());
    Ok(total)
}

fn chain_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("chain", kwargs)?;
    let sources = ops::get_iter(vm, &Value::tuple(args[1..].to_vec()))?;
    Ok(make("chain", vec![sources, Value::None]))
}

fn chain_from_iterable(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("from_iterable", kwargs)?;
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "chain.from_iterable() takes exactly one argument ({} given)",
            args.len().saturating_sub(1)
        )));
    }
    let sources = ops::get_iter(vm, &args[1])?;
    Ok(make("chain", vec![sources, Value::None]))
}

fn chain_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    loop {
        let active = slot(&st, 1);
        if active.is_none() {
            let sources = slot(&st, 0);
            if sources.is_none() {
                return Err(stop());
            }
            match next_of(vm, &sources)? {
                Some(src) => {
                    let it = ops::get_iter(vm, &src)?;
                    set_slot(&st, 1, it);
                }
                None => {
                    set_slot(&st, 0, Value::None);
                    return Err(stop());
                }
            }
            continue;
        }
        if let Some(v) = next_of(vm, &active)? {
            return Ok(v);
        }
        set_slot(&st, 1, Value::None);
    }
}

fn compress_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let a = parse("compress", &args[1..], kwargs, &["data", "selectors"], 2)?;
    let data = ops::get_iter(vm, a[0].as_ref().unwrap_or(&Value::None))?;
    let selectors = ops::get_iter(vm, a[1].as_ref().unwrap_or(&Value::None))?;
    Ok(make("compress", vec![data, selectors]))
}

fn compress_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let (data, selectors) = (slot(&st, 0), slot(&st, 1));
    loop {
        let Some(d) = next_of(vm, &data)? else {
            return Err(stop());
        };
        let Some(s) = next_of(vm, &selectors)? else {
            return Err(stop());
        };
        if ops::truthy(vm, &s)? {
            return Ok(d);
        }
    }
}

fn pred_iter_new(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    kwargs: Kw,
    extra: Value,
) -> PyResult<Value> {
    no_kwargs(name, kwargs)?;
    nargs(name, &args[1..], 2, 2)?;
    let it = ops::get_iter(vm, &args[2])?;
    Ok(make(name, vec![args[1].clone(), it, extra]))
}

fn test(vm: &mut Vm, pred: &Value, v: &Value) -> PyResult<bool> {
    if pred.is_none() {
        return ops::truthy(vm, v);
    }
    let r = vm.call(pred, std::slice::from_ref(v))?;
    ops::truthy(vm, &r)
}

fn dropwhile_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    pred_iter_new(vm, "dropwhile", args, kwargs, Value::Bool(true))
}

fn dropwhile_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let (pred, it) = (slot(&st, 0), slot(&st, 1));
    let dropping = matches!(slot(&st, 2), Value::Bool(true));
    loop {
        let Some(v) = next_of(vm, &it)? else {
            return Err(stop());
        };
        if !dropping {
            return Ok(v);
        }
        let r = vm.call(&pred, std::slice::from_ref(&v))?;
        if !ops::truthy(vm, &r)? {
            set_slot(&st, 2, Value::Bool(false));
            return Ok(v);
        }
    }
}

fn takewhile_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    pred_iter_new(vm, "takewhile", args, kwargs, Value::Bool(false))
}

fn takewhile_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    if matches!(slot(&st, 2), Value::Bool(true)) {
        return Err(stop());
    }
    let (pred, it) = (slot(&st, 0), slot(&st, 1));
    let Some(v) = next_of(vm, &it)? else {
        return Err(stop());
    };
    let r = vm.call(&pred, std::slice::from_ref(&v))?;
    if ops::truthy(vm, &r)? {
        return Ok(v);
    }
    set_slot(&st, 2, Value::Bool(true));
    Err(stop())
}

fn filterfalse_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    pred_iter_new(vm, "filterfalse", args, kwargs, Value::None)
}

fn filterfalse_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let (pred, it) = (slot(&st, 0), slot(&st, 1));
    loop {
        let Some(v) = next_of(vm, &it)? else {
            return Err(stop());
        };
        if !test(vm, &pred, &v)? {
            return Ok(v);
        }
    }
}

fn starmap_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    pred_iter_new(vm, "starmap", args, kwargs, Value::None)
}

fn starmap_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let (func, it) = (slot(&st, 0), slot(&st, 1));
    let Some(v) = next_of(vm, &it)? else {
        return Err(stop());
    };
    let call_args = match &v {
        Value::Tuple(t) => (**t).clone(),
        other => ops::collect_iterable(vm, other)?,
    };
    vm.call(&func, &call_args)
}

fn pairwise_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("pairwise", kwargs)?;
    nargs("pairwise", &args[1..], 1, 1)?;
    let it = ops::get_iter(vm, &args[1])?;
    Ok(make("pairwise", vec![it, Value::Undef]))
}

fn pairwise_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let it = slot(&st, 0);
    let mut last = slot(&st, 1);
    if matches!(last, Value::Undef) {
        match next_of(vm, &it)? {
            Some(v) => last = v,
            None => return Err(stop()),
        }
        set_slot(&st, 1, last.clone());
    }
    let Some(b) = next_of(vm, &it)? else {
        return Err(stop());
    };
    set_slot(&st, 1, b.clone());
    Ok(Value::tuple(vec![last, b]))
}

fn zip_longest_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let mut fill = Value::None;
    for (k, v) in kwargs {
        if k.with(|s| s != "fillvalue") {
            return Err(types::type_error(
                "zip_longest() got an unexpected keyword argument",
            ));
        }
        fill = v.clone();
    }
    let mut its = Vec::with_capacity(args.len());
    for a in &args[1..] {
        its.push(ops::get_iter(vm, a)?);
    }
    let active = its.len() as i64;
    Ok(make(
        "zip_longest",
        vec![Value::list(its), fill, Value::Int(active)],
    ))
}

fn zip_longest_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let Value::List(ref its) = slot(&st, 0) else {
        return Err(stop());
    };
    let fill = slot(&st, 1);
    let mut active = slot(&st, 2).as_i64().unwrap_or(0);
    let n = its.borrow().len();
    if n == 0 || active == 0 {
        return Err(stop());
    }
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let it = its.borrow()[i].clone();
        if it.is_none() {
            out.push(fill.clone());
            continue;
        }
        match next_of(vm, &it)? {
            Some(v) => out.push(v),
            None => {
                its.borrow_mut()[i] = Value::None;
                active -= 1;
                set_slot(&st, 2, Value::Int(active));
                if active == 0 {
                    return Err(stop());
                }
                out.push(fill.clone());
            }
        }
    }
    Ok(Value::tuple(out))
}

// ---- islice ----

fn islice_index(vm: &mut Vm, v: &Value, stop_arg: bool) -> PyResult<Option<i64>> {
    if v.is_none() {
        return Ok(None);
    }
    let n = match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        Value::Instance(i) if i.class.lookup(Symbol::new("__index__")).is_some() => {
            super::math::int_arg(vm, v)
                .ok()
                .and_then(|b| num_traits::ToPrimitive::to_i64(&b))
        }
        _ => None,
    };
    match n {
        Some(n) if n >= 0 => Ok(Some(n)),
        _ => Err(types::value_error(if stop_arg {
            "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize."
        } else {
            "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize."
        })),
    }
}

fn islice_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("islice", kwargs)?;
    let a = &args[1..];
    nargs("islice", a, 2, 4)?;
    let (start, stop_v, step) = if a.len() == 2 {
        (Value::None, a[1].clone(), Value::None)
    } else {
        (
            a[1].clone(),
            a[2].clone(),
            a.get(3).cloned().unwrap_or(Value::None),
        )
    };
    let stop_n = islice_index(vm, &stop_v, true)?;
    let start_n = islice_index(vm, &start, false)?.unwrap_or(0);
    let step_n = match &step {
        Value::None => 1,
        Value::Int(s) if *s >= 1 => *s,
        Value::Bool(true) => 1,
        _ => {
            return Err(types::value_error(
                "Step for islice() must be a positive integer or None.",
            ))
        }
    };
    let it = ops::get_iter(vm, &a[0])?;
    let stop_slot = stop_n.map(Value::Int).unwrap_or(Value::Int(-1));
    // it, next index, stop (-1: none), step, count consumed
    Ok(make(
        "islice",
        vec![
            it,
            Value::Int(start_n),
            stop_slot,
            Value::Int(step_n),
            Value::Int(0),
        ],
    ))
}

fn islice_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let it = slot(&st, 0);
    if it.is_none() {
        return Err(stop());
    }
    let next = slot(&st, 1).as_i64().unwrap_or(0);
    let stop_n = slot(&st, 2).as_i64().unwrap_or(-1);
    let step = slot(&st, 3).as_i64().unwrap_or(1);
    let mut cnt = slot(&st, 4).as_i64().unwrap_or(0);
    while cnt < next {
        if next_of(vm, &it)?.is_none() {
            set_slot(&st, 0, Value::None);
            return Err(stop());
        }
        cnt += 1;
        set_slot(&st, 4, Value::Int(cnt));
    }
    if stop_n != -1 && cnt >= stop_n {
        set_slot(&st, 0, Value::None);
        return Err(stop());
    }
    let Some(item) = next_of(vm, &it)? else {
        set_slot(&st, 0, Value::None);
        return Err(stop());
    };
    cnt += 1;
    let mut new_next = next.saturating_add(step);
    if stop_n != -1 && new_next > stop_n {
        new_next = stop_n;
    }
    set_slot(&st, 1, Value::Int(new_next));
    set_slot(&st, 4, Value::Int(cnt));
    Ok(item)
}

// ---- groupby ----

fn groupby_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let a = parse("groupby", &args[1..], kwargs, &["iterable", "key"], 1)?;
    let it = ops::get_iter(vm, a[0].as_ref().unwrap_or(&Value::None))?;
    let key = a[1].clone().unwrap_or(Value::None);
    // it, keyfunc, tgtkey, currkey, currvalue, marker (Undef: unset)
    Ok(make(
        "groupby",
        vec![
            it,
            key,
            Value::Undef,
            Value::Undef,
            Value::Undef,
            Value::None,
        ],
    ))
}

fn key_of(vm: &mut Vm, keyfunc: &Value, v: &Value) -> PyResult<Value> {
    if keyfunc.is_none() {
        Ok(v.clone())
    } else {
        vm.call(keyfunc, std::slice::from_ref(v))
    }
}

/// Fetches the next value into the groupby's current slots; false at the end.
fn groupby_step(vm: &mut Vm, st: &State) -> PyResult<bool> {
    let it = slot(st, 0);
    let Some(v) = next_of(vm, &it)? else {
        return Ok(false);
    };
    let k = key_of(vm, &slot(st, 1), &v)?;
    set_slot(st, 4, v);
    set_slot(st, 3, k);
    Ok(true)
}

fn groupby_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let marker = Value::list(Vec::new());
    set_slot(&st, 5, marker.clone());
    loop {
        if matches!(slot(&st, 4), Value::Undef) && !groupby_step(vm, &st)? {
            return Err(stop());
        }
        let tgt = slot(&st, 2);
        if matches!(tgt, Value::Undef) {
            break;
        }
        let cur = slot(&st, 3);
        if !ops::eq(vm, &cur, &tgt)? {
            break;
        }
        set_slot(&st, 4, Value::Undef);
    }
    let key = slot(&st, 3);
    set_slot(&st, 2, key.clone());
    let grouper = make("_grouper", vec![args[0].clone(), key.clone(), marker]);
    Ok(Value::tuple(vec![key, grouper]))
}

fn grouper_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let gst = state(args)?;
    let parent = slot(&gst, 0);
    let pst = state(std::slice::from_ref(&parent))?;
    if !slot(&pst, 5).is(&slot(&gst, 2)) {
        return Err(stop());
    }
    if matches!(slot(&pst, 4), Value::Undef) && !groupby_step(vm, &pst)? {
        return Err(stop());
    }
    let cur = slot(&pst, 3);
    if !ops::eq(vm, &cur, &slot(&gst, 1))? {
        return Err(stop());
    }
    let v = slot(&pst, 4);
    set_slot(&pst, 4, Value::Undef);
    Ok(v)
}

// ---- tee ----

fn tee(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("tee", kwargs)?;
    nargs("tee", args, 1, 2)?;
    let n = match args.get(1) {
        Some(v) => int_of(v)?,
        None => 2,
    };
    if n < 0 {
        return Err(types::value_error("n must be >= 0"));
    }
    let it = ops::get_iter(vm, &args[0])?;
    let buffers: Vec<Value> = (0..n).map(|_| Value::list(Vec::new())).collect();
    let shared = Value::list(buffers.clone());
    let tees = buffers
        .into_iter()
        .map(|b| make("_tee", vec![it.clone(), shared.clone(), b]))
        .collect();
    Ok(Value::tuple(tees))
}

fn tee_next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let Value::List(ref mine) = slot(&st, 2) else {
        return Err(stop());
    };
    if mine.borrow().is_empty() {
        let Some(v) = next_of(vm, &slot(&st, 0))? else {
            return Err(stop());
        };
        if let Value::List(ref all) = slot(&st, 1) {
            for b in all.borrow().iter() {
                if let Value::List(b) = b {
                    b.borrow_mut().push(v.clone());
                }
            }
        }
    }
    let mut b = mine.borrow_mut();
    if b.is_empty() {
        return Err(stop());
    }
    Ok(b.remove(0))
}

fn tee_copy(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    let mine = match slot(&st, 2) {
        Value::List(ref l) => l.borrow().clone(),
        _ => Vec::new(),
    };
    let buf = Value::list(mine);
    if let Value::List(ref all) = slot(&st, 1) {
        all.borrow_mut().push(buf.clone());
    }
    Ok(make("_tee", vec![slot(&st, 0), slot(&st, 1), buf]))
}

// ---- combinatorics ----

fn pool_of(vm: &mut Vm, v: &Value) -> PyResult<Vec<Value>> {
    ops::collect_iterable(vm, v)
}

fn ints(v: &[usize]) -> Value {
    Value::list(v.iter().map(|i| Value::Int(*i as i64)).collect())
}

fn read_ints(v: &Value) -> Vec<usize> {
    match v {
        Value::List(l) => l
            .borrow()
            .iter()
            .map(|x| x.as_i64().unwrap_or(0) as usize)
            .collect(),
        _ => Vec::new(),
    }
}

fn check_r(v: &Value) -> PyResult<usize> {
    let r = int_of(v)?;
    if r < 0 {
        return Err(types::value_error("r must be non-negative"));
    }
    Ok(r as usize)
}

fn product_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if kwargs.len() > 1 {
        return Err(types::type_error(format!(
            "product() takes at most 1 keyword argument ({} given)",
            kwargs.len()
        )));
    }
    let mut repeat = 1;
    for (k, v) in kwargs {
        if k.with(|s| s != "repeat") {
            return Err(types::type_error(format!(
                "'{k}' is an invalid keyword argument for product()"
            )));
        }
        repeat = int_of(v)?;
    }
    if repeat < 0 {
        return Err(types::value_error("repeat argument cannot be negative"));
    }
    let mut pools = Vec::new();
    for a in &args[1..] {
        pools.push(Value::tuple(pool_of(vm, a)?));
    }
    let mut all = Vec::new();
    for _ in 0..repeat {
        all.extend(pools.iter().cloned());
    }
    let n = all.len();
    // pools, indices (None before the first result), done
    Ok(make(
        "product",
        vec![
            Value::tuple(all),
            Value::None,
            Value::Bool(false),
            Value::Int(n as i64),
        ],
    ))
}

fn tuple_of(v: &Value) -> Rc<Vec<Value>> {
    match v {
        Value::Tuple(t) => t.clone(),
        _ => Rc::new(Vec::new()),
    }
}

fn product_next(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    if matches!(slot(&st, 2), Value::Bool(true)) {
        return Err(stop());
    }
    let pools: Vec<Rc<Vec<Value>>> = tuple_of(&slot(&st, 0)).iter().map(tuple_of).collect();
    let indices = slot(&st, 1);
    let idx = if indices.is_none() {
        if pools.iter().any(|p| p.is_empty()) {
            set_slot(&st, 2, Value::Bool(true));
            return Err(stop());
        }
        vec![0; pools.len()]
    } else {
        let mut idx = read_ints(&indices);
        let mut i = pools.len();
        loop {
            if i == 0 {
                set_slot(&st, 2, Value::Bool(true));
                return Err(stop());
            }
            i -= 1;
            idx[i] += 1;
            if idx[i] < pools[i].len() {
                break;
            }
            idx[i] = 0;
        }
        idx
    };
    let out: Vec<Value> = idx
        .iter()
        .zip(pools.iter())
        .map(|(i, p)| p[*i].clone())
        .collect();
    if pools.is_empty() {
        set_slot(&st, 2, Value::Bool(true));
    }
    set_slot(&st, 1, ints(&idx));
    Ok(Value::tuple(out))
}

fn permutations_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let a = parse("permutations", &args[1..], kwargs, &["iterable", "r"], 1)?;
    let pool = pool_of(vm, a[0].as_ref().unwrap_or(&Value::None))?;
    let r = match &a[1] {
        None | Some(Value::None) => pool.len(),
        Some(v) => check_r(v)?,
    };
    let n = pool.len();
    let done = r > n;
    let cycles: Vec<usize> = if done {
        Vec::new()
    } else {
        (n - r + 1..=n).rev().collect()
    };
    // pool, r, indices, cycles, started, done
    Ok(make(
        "permutations",
        vec![
            Value::tuple(pool),
            Value::Int(r as i64),
            ints(&(0..n).collect::<Vec<_>>()),
            ints(&cycles),
            Value::Bool(false),
            Value::Bool(done),
        ],
    ))
}

fn permutations_next(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let st = state(args)?;
    if matches!(slot(&st, 5), Value::Bool(true)) {
        return Err(stop());
    }
    let pool = tuple_of(&slot(&st, 0));
    let r = slot(&st, 1).as_i64().unwrap_or(0) as usize;
    let mut indices = read_ints(&slot(&st, 2));
    let mut cycles = read_ints(&slot(&st, 3));
    let n = pool.len();
    if matches!(slot(&st, 4), Value::Bool(true)) {
        if n == 0 {
            set_slot(&st, 5, Value::Bool(true));
            return Err(stop());
        }
        let mut i = r;
        loop {
            if i == 0 {
                set_slot(&st, 5, Value::Bool(true));
                return Err(stop());
            }
            i -= 1;
            cycles[i] -= 1;
            if cycles[i] == 0 {
                let moved = indices.remove(i);
                indices.push(moved);
                cycles[i] = n - i;
            } else {
                let j = cycles[i];
                indices.swap(i, n - j);
                break;
            }
        }
        set_slot(&st, 2, ints(&indices));
        set_slot(&st, 3, ints(&cycles));
    } else {
        set_slot(&st, 4, Value::Bool(true));
    }
    Ok(Value::tuple(
        indices[..r].iter().map(|i| pool[*i].clone()).collect(),
    ))
}

fn combinations_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    comb_new(vm, "combinations", args, kwargs, false)
}

fn cwr_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    comb_new(vm, "combinations_with_replacement", args, kwargs, true)
}

fn comb_new(vm: &mut Vm, name: &str, args: &[Value], kwargs: Kw, replace: bool) -> PyResult<Value> {
    let a = parse(name, &args[1..], kwargs, &["iterable", "r"], 2)?;
    let pool = pool_of(vm, a[0].as_ref().unwrap_or(&Value::None))?;
    let r = check_r(a[1].as_ref().unwrap_or(&Value::None))?;
    let n = pool.len();
    let done = if replace { n == 0 && r > 0 } else { r > n };
    let indices: Vec<usize> = if replace {
        vec![0; r]
    } else {
        (0..r).collect()
    };
    // pool, r, indices, started, done
    Ok(make(
        name,
        vec![
            Value::tuple(pool),
            Value::Int(r as i64),
            ints(&indices),
            Value::Bool(false),
            Value::Bool(done),
        ],
    ))
}

fn comb_next(args: &[Value], replace: bool) -> PyResult<Value> {
    let st = state(args)?;
    if matches!(slot(&st, 4), Value::Bool(true)) {
        return Err(stop());
    }
    let pool = tuple_of(&slot(&st, 0));
    let r = slot(&st, 1).as_i64().unwrap_or(0) as usize;
    let mut indices = read_ints(&slot(&st, 2));
    let n = pool.len();
    if matches!(slot(&st, 3), Value::Bool(true)) {
        let mut i = r;
        loop {
            if i == 0 {
                set_slot(&st, 4, Value::Bool(true));
                return Err(stop());
            }
            i -= 1;
            let limit = if replace { n - 1 } else { i + n - r };
            if indices[i] != limit {
                break;
            }
        }
        if replace {
            let v = indices[i] + 1;
            for x in indices[i..].iter_mut() {
                *x = v;
            }
        } else {
            indices[i] += 1;
            for j in i + 1..r {
                indices[j] = indices[j - 1] + 1;
            }
        }
        set_slot(&st, 2, ints(&indices));
    } else {
        set_slot(&st, 3, Value::Bool(true));
    }
    Ok(Value::tuple(
        indices.iter().map(|i| pool[*i].clone()).collect(),
    ))
}

fn combinations_next(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    comb_next(args, false)
}

fn cwr_next(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    comb_next(args, true)
}

/// Builds the `itertools` module.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("itertools");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("itertools"));
        CLASSES.with(|c| {
            for (name, class) in &c.by_name {
                if !name.starts_with('_') {
                    g.insert(Symbol::new(name), Value::Class(class.clone()));
                }
            }
        });
        g.insert(Symbol::new("tee"), Value::builtin("tee", tee));
    }
    Value::Module(m)
}
