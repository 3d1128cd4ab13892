//! Special methods of the builtin types as attributes (`int.__add__`,
//! `dict.__getitem__`, `list.__repr__`, ...), so scripts can call them directly
//! and through `super()` in subclasses. Each applies the VM's operation to the
//! builtin value behind the receiver.

use super::{recv, Kw};
use crate::ast::{BinOp, CmpOp};
use crate::bytecode::Op;
use crate::stdlib::builtins::arity;
use crate::value::object::{Class, NativeFn};
use crate::value::{types, PyResult, Value};
use crate::vm::ops;
use crate::vm::Vm;
use std::rc::Rc;

fn not_implemented() -> Value {
    Value::native(crate::value::object::Native::NotImplemented)
}

/// TypeErrors of an operator become NotImplemented, so the other operand gets its turn.
fn or_not_implemented(r: PyResult<Value>) -> PyResult<Value> {
    match r {
        Err(e) if types::exc_is(&e, |t| &t.type_error) => Ok(not_implemented()),
        other => other,
    }
}

fn bin(vm: &mut Vm, args: &[Value], op: BinOp, reflected: bool) -> PyResult<Value> {
    arity("expected", &args[1..], 1, 1).map_err(|_| {
        types::type_error(format!(
            "expected 1 argument, got {}",
            args.len().saturating_sub(1)
        ))
    })?;
    let x = recv(args).clone();
    let y = ops::base_value(&args[1]).clone();
    if matches!(y, Value::Instance(_)) {
        return Ok(not_implemented());
    }
    let (a, b) = if reflected { (y, x) } else { (x, y) };
    or_not_implemented(ops::binary_op(vm, op, &a, &b))
}

fn cmp(vm: &mut Vm, args: &[Value], op: CmpOp) -> PyResult<Value> {
    arity("expected", &args[1..], 1, 1)?;
    let x = recv(args).clone();
    let y = ops::base_value(&args[1]).clone();
    if matches!(y, Value::Instance(_)) || !same_kind(&x, &y) {
        return Ok(not_implemented());
    }
    or_not_implemented(ops::compare(vm, op, &x, &y))
}

/// Whether a builtin comparison applies (numbers with numbers, else the same type).
fn same_kind(x: &Value, y: &Value) -> bool {
    let num = |v: &Value| v.is_int() || matches!(v, Value::Float(_));
    (num(x) && num(y)) || std::mem::discriminant(x) == std::mem::discriminant(y)
}

macro_rules! binops {
    ($($name:ident => $op:expr, $rev:expr;)*) => {
        $(fn $name(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
            bin(vm, args, $op, $rev)
        })*
    };
}

binops! {
    add => BinOp::Add, false; radd => BinOp::Add, true;
    sub => BinOp::Sub, false; rsub => BinOp::Sub, true;
    mul => BinOp::Mult, false; rmul => BinOp::Mult, true;
    truediv => BinOp::Div, false; rtruediv => BinOp::Div, true;
    floordiv => BinOp::FloorDiv, false; rfloordiv => BinOp::FloorDiv, true;
    modulo => BinOp::Mod, false; rmod => BinOp::Mod, true;
    power => BinOp::Pow, false; rpow => BinOp::Pow, true;
    and => BinOp::BitAnd, false; rand => BinOp::BitAnd, true;
    or => BinOp::BitOr, false; ror => BinOp::BitOr, true;
    xor => BinOp::BitXor, false; rxor => BinOp::BitXor, true;
    lshift => BinOp::LShift, false; rshift => BinOp::RShift, false;
}

macro_rules! cmps {
    ($($name:ident => $op:expr;)*) => {
        $(fn $name(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
            cmp(vm, args, $op)
        })*
    };
}

cmps! {
    eq => CmpOp::Eq; ne => CmpOp::NotEq; lt => CmpOp::Lt; le => CmpOp::LtE; gt => CmpOp::Gt; ge => CmpOp::GtE;
}

fn unary(vm: &mut Vm, args: &[Value], op: Op) -> PyResult<Value> {
    arity("expected", &args[1..], 0, 0)?;
    ops::unary_op(vm, op, recv(args))
}

fn neg(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    unary(vm, args, Op::Neg)
}

fn pos(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    unary(vm, args, Op::Pos)
}

fn invert(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    unary(vm, args, Op::Invert)
}

fn abs(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let x = recv(args).clone();
    let neg = ops::less_than(vm, &x, &Value::Int(0))?;
    if neg {
        ops::unary_op(vm, Op::Neg, &x)
    } else if let Value::Float(f) = x {
        Ok(Value::Float(f.abs()))
    } else {
        ops::unary_op(vm, Op::Pos, &x)
    }
}

fn boolean(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Bool(ops::truthy(vm, recv(args))?))
}

fn hash(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Int(ops::hash(vm, recv(args))?))
}

fn repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::str(ops::repr(vm, recv(args))?))
}

fn str_(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::str(ops::str_of(vm, recv(args))?))
}

fn len(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Int(ops::len(vm, recv(args))?))
}

fn iter(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    ops::get_iter(vm, recv(args))
}

fn contains(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__contains__", &args[1..], 1, 1)?;
    Ok(Value::Bool(ops::contains(vm, recv(args), &args[1])?))
}

/// `__getitem__`: a dict subclass's `__missing__` applies, as in dict_subscript.
fn getitem(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__getitem__", &args[1..], 1, 1)?;
    if let Value::Dict(d) = recv(args) {
        let d = d.clone();
        return match ops::dict_get(vm, &d, &args[1])? {
            Some(v) => Ok(v),
            None => ops::dict_missing(vm, &args[0], &args[1]),
        };
    }
    ops::getitem(vm, recv(args), &args[1])
}

fn setitem(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__setitem__", &args[1..], 2, 2)?;
    ops::setitem(vm, recv(args), args[1].clone(), args[2].clone())?;
    Ok(Value::None)
}

fn delitem(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__delitem__", &args[1..], 1, 1)?;
    ops::delitem(vm, recv(args), &args[1])?;
    Ok(Value::None)
}

fn iadd(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__iadd__", &args[1..], 1, 1)?;
    ops::inplace_op(vm, BinOp::Add, recv(args), &args[1])?;
    Ok(args[0].clone())
}

fn format(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__format__", &args[1..], 1, 1)?;
    let spec = match ops::base_value(&args[1]) {
        Value::Str(s) => s.text.clone(),
        other => {
            return Err(types::type_error(format!(
                "__format__() argument must be str, not {}",
                other.type_name()
            )))
        }
    };
    Ok(Value::str(ops::format(vm, recv(args), &spec)?))
}

fn install(class: &Rc<Class>, entries: &[(&'static str, NativeFn)]) {
    for (name, f) in entries {
        super::method(class, name, *f);
    }
}

/// Installs the special methods on the builtin classes.
pub fn register() {
    let compare: &[(&'static str, NativeFn)] = &[
        ("__eq__", eq),
        ("__ne__", ne),
        ("__lt__", lt),
        ("__le__", le),
        ("__gt__", gt),
        ("__ge__", ge),
    ];
    let container: &[(&'static str, NativeFn)] = &[
        ("__len__", len),
        ("__iter__", iter),
        ("__contains__", contains),
        ("__repr__", repr),
    ];
    let numeric: &[(&'static str, NativeFn)] = &[
        ("__add__", add),
        ("__radd__", radd),
        ("__sub__", sub),
        ("__rsub__", rsub),
        ("__mul__", mul),
        ("__rmul__", rmul),
        ("__truediv__", truediv),
        ("__rtruediv__", rtruediv),
        ("__floordiv__", floordiv),
        ("__rfloordiv__", rfloordiv),
        ("__mod__", modulo),
        ("__rmod__", rmod),
        ("__pow__", power),
        ("__rpow__", rpow),
        ("__neg__", neg),
        ("__pos__", pos),
        ("__abs__", abs),
        ("__bool__", boolean),
        ("__hash__", hash),
        ("__repr__", repr),
        ("__format__", format),
    ];
    types::with_types(|t| {
        for c in [&t.int, &t.float] {
            install(c, compare);
            install(c, numeric);
        }
        install(
            &t.int,
            &[
                ("__and__", and),
                ("__rand__", rand),
                ("__or__", or),
                ("__ror__", ror),
                ("__xor__", xor),
                ("__rxor__", rxor),
                ("__lshift__", lshift),
                ("__rshift__", rshift),
                ("__invert__", invert),
            ],
        );
        for c in [
            &t.str_,
            &t.bytes,
            &t.tuple,
            &t.list,
            &t.dict,
            &t.set,
            &t.frozenset,
        ] {
            install(c, compare);
            install(c, container);
        }
        for c in [&t.str_, &t.bytes, &t.tuple, &t.list] {
            install(
                c,
                &[
                    ("__add__", add),
                    ("__mul__", mul),
                    ("__rmul__", rmul),
                    ("__getitem__", getitem),
                ],
            );
        }
        install(
            &t.str_,
            &[
                ("__mod__", modulo),
                ("__str__", str_),
                ("__format__", format),
            ],
        );
        for c in [&t.str_, &t.bytes, &t.tuple, &t.frozenset] {
            install(c, &[("__hash__", hash)]);
        }
        for c in [&t.list, &t.dict, &t.set] {
            types::set_class_attr(c, "__hash__", Value::None);
        }
        install(
            &t.list,
            &[
                ("__setitem__", setitem),
                ("__delitem__", delitem),
                ("__iadd__", iadd),
            ],
        );
        install(
            &t.dict,
            &[
                ("__getitem__", getitem),
                ("__setitem__", setitem),
                ("__delitem__", delitem),
                ("__or__", or),
            ],
        );
        for c in [&t.set, &t.frozenset] {
            install(
                c,
                &[
                    ("__or__", or),
                    ("__and__", and),
                    ("__sub__", sub),
                    ("__xor__", xor),
                ],
            );
        }
    });
}
