//! The `operator` module: the operators as functions, and itemgetter, attrgetter and
//! methodcaller objects.

use super::builtins::arity;
use crate::ast::{BinOp, CmpOp};
use crate::bytecode::Op;
use crate::value::intern::sym;
use crate::value::object::{AttrMap, Class, Instance, Layout, NativeFn};
use crate::value::types::{self, new_class};
use crate::value::{PyResult, Symbol, Value};
use crate::vm::{ops, Vm};
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

fn no_kwargs(name: &str, kwargs: Kw) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(types::type_error(format!(
            "{name}() takes no keyword arguments"
        )))
    }
}

fn two(name: &str, args: &[Value], kwargs: Kw) -> PyResult<()> {
    no_kwargs(name, kwargs)?;
    arity(name, args, 2, 2)
}

fn one(name: &str, args: &[Value], kwargs: Kw) -> PyResult<()> {
    no_kwargs(name, kwargs)?;
    if args.len() != 1 {
        return Err(types::type_error(format!(
            "{name}() takes exactly one argument ({} given)",
            args.len()
        )));
    }
    Ok(())
}

macro_rules! binary_fns {
    ($($fname:ident => $name:literal, $op:expr, $inplace:expr;)*) => {
        $(
            fn $fname(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
                two($name, args, kwargs)?;
                if $inplace {
                    ops::inplace_op(vm, $op, &args[0], &args[1])
                } else {
                    ops::binary_op(vm, $op, &args[0], &args[1])
                }
            }
        )*
    };
}

binary_fns! {
    add => "add", BinOp::Add, false;
    sub => "sub", BinOp::Sub, false;
    mul => "mul", BinOp::Mult, false;
    matmul => "matmul", BinOp::MatMult, false;
    truediv => "truediv", BinOp::Div, false;
    floordiv => "floordiv", BinOp::FloorDiv, false;
    mod_ => "mod", BinOp::Mod, false;
    pow => "pow", BinOp::Pow, false;
    lshift => "lshift", BinOp::LShift, false;
    rshift => "rshift", BinOp::RShift, false;
    and_ => "and_", BinOp::BitAnd, false;
    or_ => "or_", BinOp::BitOr, false;
    xor => "xor", BinOp::BitXor, false;
    iadd => "iadd", BinOp::Add, true;
    isub => "isub", BinOp::Sub, true;
    imul => "imul", BinOp::Mult, true;
    itruediv => "itruediv", BinOp::Div, true;
    ifloordiv => "ifloordiv", BinOp::FloorDiv, true;
    imod => "imod", BinOp::Mod, true;
    ipow => "ipow", BinOp::Pow, true;
    ilshift => "ilshift", BinOp::LShift, true;
    irshift => "irshift", BinOp::RShift, true;
    iand => "iand", BinOp::BitAnd, true;
    ior => "ior", BinOp::BitOr, true;
    ixor => "ixor", BinOp::BitXor, true;
}

macro_rules! compare_fns {
    ($($fname:ident => $name:literal, $op:expr;)*) => {
        $(
            fn $fname(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
                two($name, args, kwargs)?;
                ops::compare(vm, $op, &args[0], &args[1])
            }
        )*
    };
}

compare_fns! {
    eq => "eq", CmpOp::Eq;
    ne => "ne", CmpOp::NotEq;
    lt => "lt", CmpOp::Lt;
    le => "le", CmpOp::LtE;
    gt => "gt", CmpOp::Gt;
    ge => "ge", CmpOp::GtE;
}

macro_rules! unary_fns {
    ($($fname:ident => $name:literal, $op:expr;)*) => {
        $(
            fn $fname(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
                one($name, args, kwargs)?;
                ops::unary_op(vm, $op, &args[0])
            }
        )*
    };
}

unary_fns! {
    neg => "neg", Op::Neg;
    pos => "pos", Op::Pos;
    invert => "invert", Op::Invert;
}

fn abs(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    one("abs", args, kwargs)?;
    let f = vm
        .builtins
        .globals
        .get(&Symbol::new("abs"))
        .unwrap_or(Value::None);
    vm.call(&f, args)
}

fn not_(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    one("not_", args, kwargs)?;
    Ok(Value::Bool(!ops::truthy(vm, &args[0])?))
}

fn truth(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    one("truth", args, kwargs)?;
    Ok(Value::Bool(ops::truthy(vm, &args[0])?))
}

fn is_(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("is_", args, kwargs)?;
    Ok(Value::Bool(args[0].is(&args[1])))
}

fn is_not(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("is_not", args, kwargs)?;
    Ok(Value::Bool(!args[0].is(&args[1])))
}

fn contains(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("contains", args, kwargs)?;
    Ok(Value::Bool(ops::contains(vm, &args[0], &args[1])?))
}

fn count_of(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("countOf", args, kwargs)?;
    let it = ops::get_iter(vm, &args[0])?;
    let mut n = 0;
    while let Some(v) = ops::iter_next(vm, &it)? {
        if v.is(&args[1]) || ops::eq(vm, &v, &args[1])? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn index_of(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("indexOf", args, kwargs)?;
    let it = ops::get_iter(vm, &args[0])?;
    let mut n = 0;
    while let Some(v) = ops::iter_next(vm, &it)? {
        if v.is(&args[1]) || ops::eq(vm, &v, &args[1])? {
            return Ok(Value::Int(n));
        }
        n += 1;
    }
    Err(types::value_error("sequence.index(x): x not in sequence"))
}

fn is_sequence(v: &Value) -> bool {
    match v {
        Value::Str(_) | Value::Bytes(_) | Value::List(_) | Value::Tuple(_) | Value::Range(_) => {
            true
        }
        Value::Instance(i) => i.class.lookup(sym::GETITEM).is_some(),
        _ => false,
    }
}

fn concat(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("concat", args, kwargs)?;
    if !is_sequence(&args[0]) {
        return Err(types::type_error(format!(
            "'{}' object can't be concatenated",
            args[0].type_name()
        )));
    }
    ops::binary_op(vm, BinOp::Add, &args[0], &args[1])
}

fn iconcat(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("iconcat", args, kwargs)?;
    if !is_sequence(&args[0]) {
        return Err(types::type_error(format!(
            "'{}' object can't be concatenated",
            args[0].type_name()
        )));
    }
    ops::inplace_op(vm, BinOp::Add, &args[0], &args[1])
}

fn getitem(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("getitem", args, kwargs)?;
    ops::getitem(vm, &args[0], &args[1])
}

fn setitem(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("setitem", kwargs)?;
    arity("setitem", args, 3, 3)?;
    ops::setitem(vm, &args[0], args[1].clone(), args[2].clone())?;
    Ok(Value::None)
}

fn delitem(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    two("delitem", args, kwargs)?;
    ops::delitem(vm, &args[0], &args[1])?;
    Ok(Value::None)
}

fn index(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    one("index", args, kwargs)?;
    Ok(Value::from_bigint(super::math::int_arg(vm, &args[0])?))
}

fn length_hint(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("length_hint", kwargs)?;
    arity("length_hint", args, 1, 2)?;
    let default = args.get(1).cloned().unwrap_or(Value::Int(0));
    if !default.is_int() {
        return Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            default.type_name()
        )));
    }
    match ops::len(vm, &args[0]) {
        Ok(n) => return Ok(Value::Int(n)),
        Err(e) if !types::exc_is(&e, |t| &t.type_error) => return Err(e),
        Err(_) => {}
    }
    if let Value::Native(n) = &args[0] {
        if let crate::value::object::Native::Iter(state, _) = &**n {
            use crate::value::object::IterState;
            let left = match &*state.borrow() {
                IterState::List { list, index } => {
                    Some(list.borrow().len().saturating_sub(*index) as i64)
                }
                IterState::Tuple { items, index } => {
                    Some(items.len().saturating_sub(*index) as i64)
                }
                IterState::Seq { items, index } | IterState::Reversed { items, index } => {
                    Some(items.len().saturating_sub(*index) as i64)
                }
                IterState::Range { remaining, .. } => Some((*remaining).max(0)),
                IterState::Exhausted => Some(0),
                _ => None,
            };
            if let Some(n) = left {
                return Ok(Value::Int(n));
            }
        }
    }
    if let Some(f) = args[0].class().lookup(Symbol::new("__length_hint__")) {
        let r = vm.call(&f, &[args[0].clone()])?;
        return Ok(r);
    }
    Ok(default)
}

// ---- itemgetter, attrgetter, methodcaller ----

thread_local! {
    static CLASSES: [Rc<Class>; 3] = [
        callable_class("itemgetter", itemgetter_new, itemgetter_call, itemgetter_repr),
        callable_class("attrgetter", attrgetter_new, attrgetter_call, attrgetter_repr),
        callable_class("methodcaller", methodcaller_new, methodcaller_call, methodcaller_repr),
    ];
}

fn callable_class(name: &str, new: NativeFn, call: NativeFn, repr: NativeFn) -> Rc<Class> {
    let object = types::with_types(|t| t.object.clone());
    let class = new_class(name, Some(&object), Layout::Object, false);
    let mut class = Rc::try_unwrap(class).unwrap_or_else(|_| unreachable!("fresh class"));
    class.module = "operator".to_string();
    let class = Rc::new(class);
    types::set_class_attr(&class, "__new__", Value::builtin("__new__", new));
    types::set_class_attr(&class, "__call__", Value::builtin("__call__", call));
    types::set_class_attr(&class, "__repr__", Value::builtin("__repr__", repr));
    class
}

fn instance_with(class_index: usize, state: Vec<(&str, Value)>) -> Value {
    let class = CLASSES.with(|c| c[class_index].clone());
    let mut dict = AttrMap::default();
    for (k, v) in state {
        dict.insert(Symbol::new(k), v);
    }
    Value::instance(Instance {
        class,
        dict: crate::value::namespace::Namespace::from_map(dict),
        exc: None,
        base: None,
    })
}

fn state(obj: &Value, key: &str) -> Value {
    match obj {
        Value::Instance(i) => i.dict.get(&Symbol::new(key)).unwrap_or(Value::None),
        _ => Value::None,
    }
}

fn tuple_items(v: &Value) -> Vec<Value> {
    match v {
        Value::Tuple(t) => (**t).clone(),
        _ => Vec::new(),
    }
}

fn itemgetter_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("itemgetter", kwargs)?;
    if args.len() < 2 {
        return Err(types::type_error("itemgetter expected 1 argument, got 0"));
    }
    Ok(instance_with(
        0,
        vec![("_items", Value::tuple(args[1..].to_vec()))],
    ))
}

fn call_arg<'a>(name: &str, args: &'a [Value], kwargs: Kw) -> PyResult<&'a Value> {
    no_kwargs(name, kwargs)?;
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "{name} expected 1 argument, got {}",
            args.len().saturating_sub(1)
        )));
    }
    Ok(&args[1])
}

fn itemgetter_call(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let obj = call_arg("itemgetter", args, kwargs)?;
    let items = tuple_items(&state(&args[0], "_items"));
    if items.len() == 1 {
        return ops::getitem(vm, obj, &items[0]);
    }
    let mut out = Vec::with_capacity(items.len());
    for k in &items {
        out.push(ops::getitem(vm, obj, k)?);
    }
    Ok(Value::tuple(out))
}

fn joined_reprs(vm: &mut Vm, items: &[Value]) -> PyResult<String> {
    let mut parts = Vec::with_capacity(items.len());
    for v in items {
        parts.push(ops::repr(vm, v)?);
    }
    Ok(parts.join(", "))
}

fn itemgetter_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let items = tuple_items(&state(&args[0], "_items"));
    Ok(Value::str(format!(
        "operator.itemgetter({})",
        joined_reprs(vm, &items)?
    )))
}

fn attrgetter_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("attrgetter", kwargs)?;
    if args.len() < 2 {
        return Err(types::type_error("attrgetter expected 1 argument, got 0"));
    }
    for a in &args[1..] {
        if !matches!(a, Value::Str(_)) {
            return Err(types::type_error("attribute name must be a string"));
        }
    }
    Ok(instance_with(
        1,
        vec![("_attrs", Value::tuple(args[1..].to_vec()))],
    ))
}

fn dotted_getattr(vm: &mut Vm, obj: &Value, path: &str) -> PyResult<Value> {
    let mut cur = obj.clone();
    for part in path.split('.') {
        cur = ops::getattr(vm, &cur, Symbol::new(part))?;
    }
    Ok(cur)
}

fn attrgetter_call(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let obj = call_arg("attrgetter", args, kwargs)?;
    let attrs = tuple_items(&state(&args[0], "_attrs"));
    let mut out = Vec::with_capacity(attrs.len());
    for a in &attrs {
        out.push(dotted_getattr(vm, obj, a.as_str().unwrap_or(""))?);
    }
    if out.len() == 1 {
        return Ok(out.pop().unwrap_or(Value::None));
    }
    Ok(Value::tuple(out))
}

fn attrgetter_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let attrs = tuple_items(&state(&args[0], "_attrs"));
    Ok(Value::str(format!(
        "operator.attrgetter({})",
        joined_reprs(vm, &attrs)?
    )))
}

fn methodcaller_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() < 2 {
        return Err(types::type_error(
            "methodcaller needs at least one argument, the method name",
        ));
    }
    if !matches!(args[1], Value::Str(_)) {
        return Err(types::type_error("method name must be a string"));
    }
    let names: Vec<Value> = kwargs
        .iter()
        .map(|(k, _)| Value::str(k.text().to_string()))
        .collect();
    let values: Vec<Value> = kwargs.iter().map(|(_, v)| v.clone()).collect();
    Ok(instance_with(
        2,
        vec![
            ("_name", args[1].clone()),
            ("_args", Value::tuple(args[2..].to_vec())),
            ("_kwnames", Value::tuple(names)),
            ("_kwvalues", Value::tuple(values)),
        ],
    ))
}

fn methodcaller_call(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let obj = call_arg("methodcaller", args, kwargs)?;
    let this = &args[0];
    let name = state(this, "_name");
    let method = ops::getattr(vm, obj, Symbol::new(name.as_str().unwrap_or("")))?;
    let call_args = tuple_items(&state(this, "_args"));
    let names = tuple_items(&state(this, "_kwnames"));
    let values = tuple_items(&state(this, "_kwvalues"));
    let kw: Vec<(Symbol, Value)> = names
        .iter()
        .zip(values)
        .map(|(n, v)| (Symbol::new(n.as_str().unwrap_or("")), v))
        .collect();
    vm.call_kw(&method, &call_args, &kw)
}

fn methodcaller_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let this = &args[0];
    let mut parts = vec![ops::repr(vm, &state(this, "_name"))?];
    for a in tuple_items(&state(this, "_args")) {
        parts.push(ops::repr(vm, &a)?);
    }
    let names = tuple_items(&state(this, "_kwnames"));
    let values = tuple_items(&state(this, "_kwvalues"));
    for (n, v) in names.iter().zip(values.iter()) {
        parts.push(format!(
            "{}={}",
            n.as_str().unwrap_or(""),
            ops::repr(vm, v)?
        ));
    }
    Ok(Value::str(format!(
        "operator.methodcaller({})",
        parts.join(", ")
    )))
}

/// Builds the `operator` module.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("operator");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("operator"));
        let fns: &[(&'static str, NativeFn)] = &[
            ("add", add),
            ("sub", sub),
            ("mul", mul),
            ("matmul", matmul),
            ("truediv", truediv),
            ("floordiv", floordiv),
            ("mod", mod_),
            ("pow", pow),
            ("lshift", lshift),
            ("rshift", rshift),
            ("and_", and_),
            ("or_", or_),
            ("xor", xor),
            ("iadd", iadd),
            ("isub", isub),
            ("imul", imul),
            ("itruediv", itruediv),
            ("ifloordiv", ifloordiv),
            ("imod", imod),
            ("ipow", ipow),
            ("ilshift", ilshift),
            ("irshift", irshift),
            ("iand", iand),
            ("ior", ior),
            ("ixor", ixor),
            ("eq", eq),
            ("ne", ne),
            ("lt", lt),
            ("le", le),
            ("gt", gt),
            ("ge", ge),
            ("neg", neg),
            ("pos", pos),
            ("invert", invert),
            ("inv", invert),
            ("abs", abs),
            ("not_", not_),
            ("truth", truth),
            ("is_", is_),
            ("is_not", is_not),
            ("contains", contains),
            ("countOf", count_of),
            ("indexOf", index_of),
            ("concat", concat),
            ("iconcat", iconcat),
            ("getitem", getitem),
            ("setitem", setitem),
            ("delitem", delitem),
            ("index", index),
            ("length_hint", length_hint),
        ];
        for (name, f) in fns {
            g.insert(Symbol::new(name), Value::builtin(name, *f));
            let dunder = format!("__{}__", name.trim_end_matches('_'));
            if !matches!(
                *name,
                "countOf" | "indexOf" | "is_" | "is_not" | "length_hint" | "truth"
            ) {
                g.insert(Symbol::new(&dunder), Value::builtin(name, *f));
            }
        }
        CLASSES.with(|c| {
            for class in c.iter() {
                g.insert(Symbol::new(&class.name), Value::Class(class.clone()));
            }
        });
    }
    Value::Module(m)
}
