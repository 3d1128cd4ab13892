//! Binary operators and comparisons, with the reflected-operand protocol.

use super::super::Vm;
use super::{base_value, eq, inherited, len, overrides, set_contains, truthy};
use crate::ast::{BinOp, CmpOp};
use crate::stdlib::deque;
use crate::value::intern::sym;
use crate::value::object::Native;
use crate::value::{types, PyResult, Symbol, Value};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Pow, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;
use std::rc::Rc;

fn dunder(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mult => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMult => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
    }
}

fn is_not_implemented(v: &Value) -> bool {
    matches!(v, Value::Native(n) if matches!(&**n, Native::NotImplemented))
}

/// `a op b`.
pub fn binary_op(vm: &mut Vm, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
    if let Some(v) = builtin_binary(vm, op, a, b)? {
        return Ok(v);
    }
    let (name, rname, _) = dunder(op);
    let a_user = matches!(a, Value::Instance(_));
    let b_user = matches!(b, Value::Instance(_));
    let mut reflected_done = false;
    if let (Value::Instance(x), Value::Instance(y)) = (a, b) {
        // A right operand whose class derives from the left's and overrides the
        // reflected method gets the first chance.
        if !Rc::ptr_eq(&x.class, &y.class) && y.class.is_subclass(&x.class) {
            let rsym = Symbol::new(rname);
            if let Some(f) = y.class.lookup(rsym) {
                let overridden = match x.class.lookup(rsym) {
                    Some(g) => !g.is(&f),
                    None => true,
                };
                if overridden {
                    reflected_done = true;
                    let r = vm.call(&f, &[b.clone(), a.clone()])?;
                    if !is_not_implemented(&r) {
                        return Ok(r);
                    }
                }
            }
        }
    }
    if a_user {
        if let Some(f) = a.class().lookup(Symbol::new(name)) {
            let r = vm.call(&f, &[a.clone(), b.clone()])?;
            if !is_not_implemented(&r) {
                return Ok(r);
            }
        }
    }
    if b_user && !reflected_done {
        if let Some(f) = b.class().lookup(Symbol::new(rname)) {
            let r = vm.call(&f, &[b.clone(), a.clone()])?;
            if !is_not_implemented(&r) {
                return Ok(r);
            }
        }
    }
    // Script subclasses of builtin types fall back to the builtin operator.
    if a_user || b_user {
        let (x, y) = (base_value(a), base_value(b));
        if !matches!(x, Value::Instance(_)) && !matches!(y, Value::Instance(_)) {
            if let Some(v) = builtin_binary(vm, op, x, y)? {
                return Ok(v);
            }
        }
    }
    if op == BinOp::Mult {
        // A sequence repeats by any operand with `__index__`.
        let (x, y) = (base_value(a), base_value(b));
        let has_index = |v: &Value| matches!(v, Value::Instance(i) if i.base.is_none() && i.class.lookup(sym::INDEX).is_some());
        if is_sequence(x) && has_index(b) {
            let n = super::index_of(vm, b, "")?;
            if let Some(v) = builtin_binary(vm, op, x, &Value::Int(n))? {
                return Ok(v);
            }
        } else if is_sequence(y) && has_index(a) {
            let n = super::index_of(vm, a, "")?;
            if let Some(v) = builtin_binary(vm, op, &Value::Int(n), y)? {
                return Ok(v);
            }
        }
    }
    if let Some(msg) = sequence_error(op, base_value(a), base_value(b)) {
        return Err(types::type_error(msg));
    }
    Err(types::type_error(format!(
        "unsupported operand type(s) for {}: '{}' and '{}'",
        op.symbol(),
        a.type_name(),
        b.type_name()
    )))
}

/// The builtin sequences that repeat with `*`.
fn is_sequence(v: &Value) -> bool {
    matches!(
        v,
        Value::Str(_) | Value::List(_) | Value::Tuple(_) | Value::Bytes(_)
    ) || deque::is_deque(v)
}

/// CPython's wording for `+` and `*` on sequences with the wrong other operand.
fn sequence_error(op: BinOp, a: &Value, b: &Value) -> Option<String> {
    let is_seq = is_sequence;
    match op {
        BinOp::Add => match a {
            Value::Bytes(_) => Some(format!("can't concat {} to bytes", b.type_name())),
            Value::Str(_) | Value::List(_) | Value::Tuple(_) => {
                let t = a.type_name();
                Some(format!(
                    "can only concatenate {t} (not \"{}\") to {t}",
                    b.type_name()
                ))
            }
            _ if deque::is_deque(a) => Some(format!(
                "can only concatenate deque (not \"{}\") to deque",
                b.type_name()
            )),
            _ => None,
        },
        BinOp::Mult if is_seq(a) && !b.is_int() && !is_seq(b) || is_seq(a) && is_seq(b) => {
            Some(format!(
                "can't multiply sequence by non-int of type '{}'",
                b.type_name()
            ))
        }
        BinOp::Mult if is_seq(b) && !a.is_int() => Some(format!(
            "can't multiply sequence by non-int of type '{}'",
            a.type_name()
        )),
        _ => None,
    }
}

/// `a op= b`: `__iop__` first, then the binary operator. Lists extend in place.
pub fn inplace_op(vm: &mut Vm, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
    let target = match a {
        Value::Instance(i)
            if i.base.is_some() && !overrides(&i.class, Symbol::new(dunder(op).2)) =>
        {
            base_value(a)
        }
        _ => a,
    };
    match (op, target) {
        (BinOp::Add, Value::List(l)) => {
            let items = super::collect_iterable(vm, b)?;
            l.borrow_mut().extend(items);
            return Ok(a.clone());
        }
        (BinOp::Mult, Value::List(l)) if b.as_i64().is_some() || matches!(b, Value::BigInt(_)) => {
            let n = b.as_i64().unwrap_or(i64::MAX).max(0) as usize;
            let items = l.borrow().clone();
            if items.len().saturating_mul(n) > (1 << 28) {
                return Err(types::memory_error(""));
            }
            crate::vm::limits::check_alloc_items(items.len().saturating_mul(n), 16)?;
            let mut out = Vec::with_capacity(items.len() * n);
            for _ in 0..n {
                out.extend(items.iter().cloned());
            }
            *l.borrow_mut() = out;
            return Ok(a.clone());
        }
        (BinOp::BitOr, Value::Dict(d)) => {
            crate::stdlib::types::dict::update_from(vm, d, b)?;
            return Ok(a.clone());
        }
        (BinOp::Add, Value::Native(_)) if deque::is_deque(target) => {
            deque::inplace_add(vm, a, b)?;
            return Ok(a.clone());
        }
        (BinOp::Mult, Value::Native(_))
            if deque::is_deque(target) && deque::inplace_mul(vm, a, b)? =>
        {
            return Ok(a.clone());
        }
        (BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor, Value::Set(s))
            if !s.frozen && matches!(base_value(b), Value::Set(_)) =>
        {
            crate::stdlib::types::set::inplace(vm, op, s, b)?;
            return Ok(a.clone());
        }
        (_, Value::Instance(_)) => {
            let (_, _, iname) = dunder(op);
            if let Some(f) = a.class().lookup(Symbol::new(iname)) {
                let r = vm.call(&f, &[a.clone(), b.clone()])?;
                if !is_not_implemented(&r) {
                    return Ok(r);
                }
            }
        }
        _ => {}
    }
    binary_op(vm, op, a, b).map_err(|e| {
        if types::exc_is(&e, |t| &t.type_error)
            && e.exc_data()
                .map(|d| d.borrow().traceback.is_empty())
                .unwrap_or(false)
        {
            let msg = super::super::exceptions::exc_args(&e)
                .first()
                .and_then(|m| m.as_str().map(|s| s.to_string()))
                .unwrap_or_default();
            if msg.starts_with("unsupported operand type(s) for ") {
                return types::type_error(msg.replacen(
                    &format!("for {}:", op.symbol()),
                    &format!("for {}=:", op.symbol()),
                    1,
                ));
            }
        }
        e
    })
}

fn to_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::BigInt(b) => b.to_f64(),
        _ => None,
    }
}

/// The builtin numeric and sequence operators; None when the types do not apply.
fn builtin_binary(vm: &mut Vm, op: BinOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
    use Value::*;
    Ok(Some(match (a, b) {
        (Int(_) | Bool(_) | BigInt(_), Int(_) | Bool(_) | BigInt(_)) => int_binary(op, a, b)?,
        (Float(_) | Int(_) | Bool(_) | BigInt(_), Float(_) | Int(_) | Bool(_) | BigInt(_)) => {
            let x = to_f64(a)
                .ok_or_else(|| types::overflow_error("int too large to convert to float"))?;
            let y = to_f64(b)
                .ok_or_else(|| types::overflow_error("int too large to convert to float"))?;
            float_binary(op, x, y)?
        }
        (Str(x), Str(y)) if op == BinOp::Add => {
            let mut s = String::with_capacity(x.text.len() + y.text.len());
            s.push_str(&x.text);
            s.push_str(&y.text);
            Value::str(s)
        }
        (Str(x), Int(_) | Bool(_)) | (Int(_) | Bool(_), Str(x)) if op == BinOp::Mult => {
            let n = if let Str(_) = a {
                b.as_i64()
            } else {
                a.as_i64()
            }
            .unwrap_or(0);
            let n = n.max(0) as usize;
            crate::vm::limits::check_alloc_items(x.text.len(), n)?;
            Value::str(x.text.repeat(n))
        }
        (Str(x), _) if op == BinOp::Mod => {
            Value::str(crate::stdlib::percent::format(vm, &x.text, b)?)
        }
        (Bytes(x), _) if op == BinOp::Mod => {
            Value::Bytes(Rc::new(crate::stdlib::percent::format_bytes(vm, x, b)?))
        }
        (Bytes(x), Bytes(y)) if op == BinOp::Add => {
            let mut v = (**x).clone();
            v.extend_from_slice(y);
            Value::Bytes(Rc::new(v))
        }
        (List(x), List(y)) if op == BinOp::Add => {
            let mut v = x.borrow().clone();
            v.extend(y.borrow().iter().cloned());
            Value::list(v)
        }
        (Tuple(x), Tuple(y)) if op == BinOp::Add => {
            let mut v = (**x).clone();
            v.extend(y.iter().cloned());
            Value::tuple(v)
        }
        (List(_) | Tuple(_) | Str(_) | Bytes(_), BigInt(n))
        | (BigInt(n), List(_) | Tuple(_) | Str(_) | Bytes(_))
            if op == BinOp::Mult =>
        {
            // A count past the machine's index size: CPython's error, not a TypeError.
            if num_traits::Signed::is_negative(&**n) {
                let seq = if let BigInt(_) = a { b } else { a };
                return builtin_binary(vm, op, seq, &Value::Int(0));
            }
            return Err(types::overflow_error(
                "cannot fit 'int' into an index-sized integer",
            ));
        }
        (List(x), Int(_) | Bool(_)) | (Int(_) | Bool(_), List(x)) if op == BinOp::Mult => {
            let n = if let List(_) = a {
                b.as_i64()
            } else {
                a.as_i64()
            }
            .unwrap_or(0)
            .max(0) as usize;
            let items = x.borrow();
            if items.len().saturating_mul(n) > (1 << 28) {
                return Err(types::memory_error(""));
            }
            crate::vm::limits::check_alloc_items(items.len().saturating_mul(n), 16)?;
            let mut v = Vec::with_capacity(items.len() * n);
            for _ in 0..n {
                v.extend(items.iter().cloned());
            }
            Value::list(v)
        }
        (Tuple(x), Int(_) | Bool(_)) | (Int(_) | Bool(_), Tuple(x)) if op == BinOp::Mult => {
            let n = if let Tuple(_) = a {
                b.as_i64()
            } else {
                a.as_i64()
            }
            .unwrap_or(0)
            .max(0) as usize;
            if x.len().saturating_mul(n) > (1 << 28) {
                return Err(types::memory_error(""));
            }
            crate::vm::limits::check_alloc_items(x.len().saturating_mul(n), 16)?;
            let mut v = Vec::with_capacity(x.len() * n);
            for _ in 0..n {
                v.extend(x.iter().cloned());
            }
            Value::tuple(v)
        }
        (Set(x), Set(y))
            if matches!(
                op,
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
            ) =>
        {
            crate::stdlib::types::set::binary(vm, op, x, y)?
        }
        (Bytes(x), Int(_) | Bool(_)) | (Int(_) | Bool(_), Bytes(x)) if op == BinOp::Mult => {
            let n = if let Bytes(_) = a {
                b.as_i64()
            } else {
                a.as_i64()
            }
            .unwrap_or(0)
            .max(0) as usize;
            if x.len().saturating_mul(n) > (1 << 32) {
                return Err(types::memory_error(""));
            }
            crate::vm::limits::check_alloc_items(x.len().saturating_mul(n), 1)?;
            Value::Bytes(Rc::new(x.repeat(n)))
        }
        _ if matches!(
            op,
            BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor
        ) && (crate::stdlib::types::dict::is_set_view(a)
            || crate::stdlib::types::dict::is_set_view(b)) =>
        {
            crate::stdlib::types::dict::view_binary(vm, op, a, b)?
        }
        (Dict(x), Dict(y)) if op == BinOp::BitOr => {
            let d = Rc::new(std::cell::RefCell::new(x.borrow().clone()));
            super::dict_update(vm, &d, &Value::Dict(y.clone()), false)?;
            Value::Dict(d)
        }
        (Native(_), Native(_)) if op == BinOp::Add && deque::is_deque(a) && deque::is_deque(b) => {
            deque::concat(vm, a, b)?
        }
        (Native(_), Int(_) | Bool(_) | BigInt(_)) if op == BinOp::Mult && deque::is_deque(a) => {
            deque::repeat(vm, a, b)?
        }
        (Int(_) | Bool(_) | BigInt(_), Native(_)) if op == BinOp::Mult && deque::is_deque(b) => {
            deque::repeat(vm, b, a)?
        }
        _ => return Ok(Option::None),
    }))
}

fn int_binary(op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
    // bool & bool (and | ^) stays a bool, as in Python.
    if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
        match op {
            BinOp::BitAnd => return Ok(Value::Bool(*x & *y)),
            BinOp::BitOr => return Ok(Value::Bool(*x | *y)),
            BinOp::BitXor => return Ok(Value::Bool(*x ^ *y)),
            _ => {}
        }
    }
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        if let Some(v) = super::int_fast(op, x, y) {
            return Ok(v);
        }
    }
    let x = a.as_bigint().unwrap_or_default();
    let y = b.as_bigint().unwrap_or_default();
    Ok(match op {
        BinOp::Add => Value::from_bigint(x + y),
        BinOp::Sub => Value::from_bigint(x - y),
        BinOp::Mult => Value::from_bigint(x * y),
        BinOp::FloorDiv => {
            if y.is_zero() {
                return Err(types::zero_division_error(
                    "integer division or modulo by zero",
                ));
            }
            Value::from_bigint(x.div_floor(&y))
        }
        BinOp::Mod => {
            if y.is_zero() {
                return Err(types::zero_division_error("integer modulo by zero"));
            }
            Value::from_bigint(x.mod_floor(&y))
        }
        BinOp::Div => {
            if y.is_zero() {
                return Err(types::zero_division_error("division by zero"));
            }
            match (x.to_f64(), y.to_f64()) {
                (Some(p), Some(q))
                    if p.abs() < 9007199254740992.0 && q.abs() < 9007199254740992.0 =>
                {
                    Value::Float(p / q)
                }
                _ => Value::Float(int_true_div(&x, &y)?),
            }
        }
        BinOp::Pow => {
            if y.is_negative() {
                let p = x.to_f64().unwrap_or(f64::INFINITY);
                let q = y.to_f64().unwrap_or(f64::NEG_INFINITY);
                if p == 0.0 {
                    return Err(types::zero_division_error(
                        "0.0 cannot be raised to a negative power",
                    ));
                }
                return Ok(Value::Float(p.powf(q)));
            }
            let e = y
                .to_u32()
                .ok_or_else(|| types::overflow_error("exponent too large"))?;
            if x.bits() * e as u64 > 64_000_000 {
                return Err(types::memory_error(""));
            }
            Value::from_bigint(Pow::pow(x, e))
        }
        BinOp::LShift => {
            if y.is_negative() {
                return Err(types::value_error("negative shift count"));
            }
            let s = y
                .to_usize()
                .ok_or_else(|| types::overflow_error("too many digits in integer"))?;
            if s > 64_000_000 {
                return Err(types::memory_error(""));
            }
            Value::from_bigint(x << s)
        }
        BinOp::RShift => {
            if y.is_negative() {
                return Err(types::value_error("negative shift count"));
            }
            let s = y.to_usize().unwrap_or(usize::MAX);
            if s > 1 << 32 {
                return Ok(Value::Int(if x.is_negative() { -1 } else { 0 }));
            }
            Value::from_bigint(x >> s)
        }
        BinOp::BitAnd => Value::from_bigint(x & y),
        BinOp::BitOr => Value::from_bigint(x | y),
        BinOp::BitXor => Value::from_bigint(x ^ y),
        BinOp::MatMult => {
            return Err(types::type_error(format!(
                "unsupported operand type(s) for @: '{}' and '{}'",
                a.type_name(),
                b.type_name()
            )))
        }
    })
}

fn float_binary(op: BinOp, x: f64, y: f64) -> PyResult<Value> {
    Ok(Value::Float(match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mult => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(types::zero_division_error("float division by zero"));
            }
            x / y
        }
        BinOp::FloorDiv => {
            crate::value::numfmt::float_floordiv(x, y).map_err(types::zero_division_error)?
        }
        BinOp::Mod => crate::value::numfmt::float_mod(x, y).map_err(types::zero_division_error)?,
        BinOp::Pow => crate::value::numfmt::float_pow(x, y).map_err(|m| {
            if m.contains("raised to a negative power") {
                types::zero_division_error(m)
            } else if m.contains("complex") {
                types::value_error(m)
            } else {
                types::overflow_error(m)
            }
        })?,
        _ => {
            return Err(types::type_error(format!(
                "unsupported operand type(s) for {}: 'float' and 'float'",
                op.symbol()
            )))
        }
    }))
}

fn cmp_name(op: CmpOp) -> (Symbol, Symbol) {
    match op {
        CmpOp::Eq => (sym::EQ, sym::EQ),
        CmpOp::NotEq => (sym::NE, sym::NE),
        CmpOp::Lt => (sym::LT, sym::GT),
        CmpOp::LtE => (sym::LE, sym::GE),
        CmpOp::Gt => (sym::GT, sym::LT),
        CmpOp::GtE => (sym::GE, sym::LE),
        _ => (sym::EQ, sym::EQ),
    }
}

/// `a op b` for comparisons, `is`, `in`.
pub fn compare(vm: &mut Vm, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
    match op {
        CmpOp::Is => return Ok(Value::Bool(a.is(b))),
        CmpOp::IsNot => return Ok(Value::Bool(!a.is(b))),
        CmpOp::In => return Ok(Value::Bool(contains(vm, b, a)?)),
        CmpOp::NotIn => return Ok(Value::Bool(!contains(vm, b, a)?)),
        _ => {}
    }
    // Script dunders first (the reflected one when only the right side defines it).
    if matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_)) {
        let (name, rname) = cmp_name(op);
        if let Value::Instance(_) = a {
            if let Some(f) = a.class().lookup(name) {
                if !matches!(f, Value::Builtin(_)) {
                    let r = vm.call(&f, &[a.clone(), b.clone()])?;
                    if !is_not_implemented(&r) {
                        return Ok(r);
                    }
                }
            }
        }
        if let Value::Instance(_) = b {
            if let Some(f) = b.class().lookup(rname) {
                if !matches!(f, Value::Builtin(_)) {
                    let r = vm.call(&f, &[b.clone(), a.clone()])?;
                    if !is_not_implemented(&r) {
                        return Ok(r);
                    }
                }
            }
        }
        if op == CmpOp::NotEq {
            if let Value::Instance(_) = a {
                if let Some(f) = a.class().lookup(sym::EQ) {
                    let r = vm.call(&f, &[a.clone(), b.clone()])?;
                    if !is_not_implemented(&r) {
                        return Ok(Value::Bool(!truthy(vm, &r)?));
                    }
                }
            }
        }
        let (x, y) = (base_value(a), base_value(b));
        if !matches!(x, Value::Instance(_)) && !matches!(y, Value::Instance(_)) {
            let (x, y) = (x.clone(), y.clone());
            return compare(vm, op, &x, &y).map_err(|e| {
                let msg = super::super::exceptions::exc_args(&e)
                    .first()
                    .and_then(|m| m.as_str().map(String::from));
                let ours = format!(
                    "'{}' not supported between instances of '{}' and '{}'",
                    op.symbol(),
                    x.type_name(),
                    y.type_name()
                );
                if types::exc_is(&e, |t| &t.type_error) && msg.is_some_and(|m| m == ours) {
                    order_error(op, a, b)
                } else {
                    e
                }
            });
        }
        return match op {
            CmpOp::Eq => Ok(Value::Bool(a.is(b))),
            CmpOp::NotEq => Ok(Value::Bool(!a.is(b))),
            _ => Err(order_error(op, a, b)),
        };
    }
    match op {
        CmpOp::Eq => Ok(Value::Bool(builtin_eq(vm, a, b)?)),
        CmpOp::NotEq => Ok(Value::Bool(!builtin_eq(vm, a, b)?)),
        _ => {
            let ord =
                builtin_order(vm, a, b).and_then(|o| o.ok_or_else(|| order_error(op, a, b)))?;
            Ok(Value::Bool(match (op, ord) {
                (_, None) => false,
                (CmpOp::Lt, Some(o)) => o == Ordering::Less,
                (CmpOp::LtE, Some(o)) => o != Ordering::Greater,
                (CmpOp::Gt, Some(o)) => o == Ordering::Greater,
                (_, Some(o)) => o != Ordering::Less,
            }))
        }
    }
}

fn order_error(op: CmpOp, a: &Value, b: &Value) -> Value {
    types::type_error(format!(
        "'{}' not supported between instances of '{}' and '{}'",
        op.symbol(),
        a.type_name(),
        b.type_name()
    ))
}

/// Runs a container comparison one native level deeper, so deeply nested lists end
/// in RecursionError rather than overflowing the Rust stack.
fn nested<T>(vm: &mut Vm, f: impl FnOnce(&mut Vm) -> PyResult<T>) -> PyResult<T> {
    if vm.native_depth > vm.recursion_limit {
        return Err(types::recursion_error(
            "maximum recursion depth exceeded in comparison",
        ));
    }
    vm.native_depth += 1;
    let r = f(vm);
    vm.native_depth -= 1;
    r
}

fn builtin_eq(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    if let Some(r) = super::simple_eq(a, b) {
        return Ok(r);
    }
    nested(vm, |vm| builtin_eq_nested(vm, a, b))
}

fn builtin_eq_nested(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            if Rc::ptr_eq(x, y) {
                return Ok(true);
            }
            let (xs, ys) = (x.borrow().clone(), y.borrow().clone());
            seq_eq(vm, &xs, &ys)
        }
        (Value::Tuple(x), Value::Tuple(y)) => seq_eq(vm, x, y),
        (Value::Native(_), Value::Native(_)) if deque::is_deque(a) && deque::is_deque(b) => {
            if a.is(b) {
                return Ok(true);
            }
            let (xs, ys) = (deque::snapshot(a), deque::snapshot(b));
            seq_eq(vm, &xs.unwrap_or_default(), &ys.unwrap_or_default())
        }
        (Value::Dict(x), Value::Dict(y)) => {
            if x.borrow().len() != y.borrow().len() {
                return Ok(false);
            }
            let entries: Vec<(Value, Value)> = x
                .borrow()
                .iter()
                .map(|e| (e.key.clone(), e.value.clone()))
                .collect();
            for (k, v) in entries {
                match super::dict_get(vm, y, &k)? {
                    Some(w) => {
                        // Identity first, as CPython compares values (a dict holding
                        // itself a million deep compares equal to itself).
                        if !v.is(&w) && !eq(vm, &v, &w)? {
                            return Ok(false);
                        }
                    }
                    None => return Ok(false),
                }
            }
            Ok(true)
        }
        (Value::Set(x), Value::Set(y)) => {
            if x.items.borrow().len() != y.items.borrow().len() {
                return Ok(false);
            }
            for k in x.items.borrow().keys() {
                if !set_contains(vm, y, &k)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => Ok(a.is(b)),
    }
}

fn seq_eq(vm: &mut Vm, xs: &[Value], ys: &[Value]) -> PyResult<bool> {
    if xs.len() != ys.len() {
        return Ok(false);
    }
    for (p, q) in xs.iter().zip(ys) {
        if !p.is(q) && !eq(vm, p, q)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Ordering of builtin values: Ok(None) for "unordered" (NaN), Err(None)-like via Option.
fn builtin_order(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<Option<Option<Ordering>>> {
    use Value::*;
    Ok(Some(match (a, b) {
        (Int(x), Int(y)) => Some(x.cmp(y)),
        (Int(_) | Bool(_) | BigInt(_), Int(_) | Bool(_) | BigInt(_)) => {
            Some(a.as_bigint().cmp(&b.as_bigint()))
        }
        (Float(_) | Int(_) | Bool(_) | BigInt(_), Float(_) | Int(_) | Bool(_) | BigInt(_)) => {
            match (a, b) {
                (Float(x), Float(y)) => x.partial_cmp(y),
                (Float(x), _) => cmp_float_int(*x, &b.as_bigint().unwrap_or_default()),
                (_, Float(y)) => {
                    cmp_float_int(*y, &a.as_bigint().unwrap_or_default()).map(|o| o.reverse())
                }
                _ => Option::None,
            }
        }
        (Str(x), Str(y)) => Some(x.text.cmp(&y.text)),
        (Bytes(x), Bytes(y)) => Some(x.cmp(y)),
        (List(x), List(y)) => {
            let (xs, ys) = (x.borrow().clone(), y.borrow().clone());
            return nested(vm, |vm| seq_order(vm, &xs, &ys));
        }
        (Tuple(x), Tuple(y)) => return nested(vm, |vm| seq_order(vm, x, y)),
        (Native(_), Native(_)) if deque::is_deque(a) && deque::is_deque(b) => {
            let (xs, ys) = (deque::snapshot(a), deque::snapshot(b));
            let (xs, ys) = (xs.unwrap_or_default(), ys.unwrap_or_default());
            return nested(vm, |vm| seq_order(vm, &xs, &ys));
        }
        (Set(x), Set(y)) => {
            // Subset ordering.
            let sub = |vm: &mut Vm,
                       p: &crate::value::SetObj,
                       q: &crate::value::SetObj|
             -> PyResult<bool> {
                for k in p.items.borrow().keys() {
                    if !set_contains(vm, q, &k)? {
                        return Ok(false);
                    }
                }
                Ok(true)
            };
            let ab = sub(vm, x, y)?;
            let ba = sub(vm, y, x)?;
            match (ab, ba) {
                (true, true) => Some(Ordering::Equal),
                (true, false) => Some(Ordering::Less),
                (false, true) => Some(Ordering::Greater),
                _ => Option::None,
            }
        }
        _ => return Ok(Option::None),
    }))
}

fn cmp_float_int(x: f64, i: &BigInt) -> Option<Ordering> {
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Less
        });
    }
    let fl = x.floor();
    let fi: BigInt = num_traits::FromPrimitive::from_f64(fl)?;
    match fi.cmp(i) {
        Ordering::Equal => Some(if x > fl {
            Ordering::Greater
        } else {
            Ordering::Equal
        }),
        o => Some(o),
    }
}

fn seq_order(vm: &mut Vm, xs: &[Value], ys: &[Value]) -> PyResult<Option<Option<Ordering>>> {
    for (p, q) in xs.iter().zip(ys) {
        if p.is(q) || eq(vm, p, q)? {
            continue;
        }
        let lt = compare(vm, CmpOp::Lt, p, q)?;
        if truthy(vm, &lt)? {
            return Ok(Some(Some(Ordering::Less)));
        }
        return Ok(Some(Some(Ordering::Greater)));
    }
    Ok(Some(Some(xs.len().cmp(&ys.len()))))
}

/// Total ordering used by sorted()/min()/max(): `a < b`.
pub fn less_than(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    if let (Value::Int(x), Value::Int(y)) = (a, b) {
        return Ok(x < y);
    }
    let r = compare(vm, CmpOp::Lt, a, b)?;
    truthy(vm, &r)
}

/// `item in container`.
pub fn contains(vm: &mut Vm, container: &Value, item: &Value) -> PyResult<bool> {
    match container {
        Value::Str(s) => match item {
            Value::Str(sub) => Ok(s.text.contains(sub.text.as_str())),
            _ => Err(types::type_error(format!(
                "'in <string>' requires string as left operand, not {}",
                item.type_name()
            ))),
        },
        Value::Bytes(b) => match item {
            Value::Bytes(sub) => Ok(sub.is_empty() || b.windows(sub.len()).any(|w| w == &sub[..])),
            Value::Int(i) => Ok(b.contains(&(*i as u8))),
            _ => Err(types::type_error("a bytes-like object is required")),
        },
        Value::List(l) => {
            let items = l.borrow().clone();
            for v in &items {
                if v.is(item) || eq(vm, v, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Tuple(t) => {
            for v in t.iter() {
                if v.is(item) || eq(vm, v, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::Dict(d) => Ok(super::dict_get(vm, d, item)?.is_some()),
        Value::Set(s) => set_contains(vm, s, item),
        Value::Range(r) => {
            let r = r.clone();
            Ok(crate::stdlib::types::iters::range_position(vm, &r, item)?.is_some())
        }
        Value::Native(n) if matches!(&**n, Native::DictView(..)) => {
            if let Native::DictView(d, kind) = &**n {
                match kind {
                    crate::value::object::DictIterKind::Keys => {
                        Ok(super::dict_get(vm, d, item)?.is_some())
                    }
                    _ => {
                        let items = super::collect_iterable(vm, container)?;
                        for v in &items {
                            if eq(vm, v, item)? {
                                return Ok(true);
                            }
                        }
                        Ok(false)
                    }
                }
            } else {
                Ok(false)
            }
        }
        Value::Native(_) if deque::is_deque(container) => match deque::cell(container) {
            Some(d) => deque::contains(vm, d, item),
            None => Ok(false),
        },
        Value::Instance(_) if inherited(container, sym::CONTAINS).is_some() => {
            contains(vm, base_value(container), item)
        }
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup(sym::CONTAINS) {
                let r = vm.call(&f, &[container.clone(), item.clone()])?;
                return truthy(vm, &r);
            }
            let it = super::get_iter(vm, container)?;
            while let Some(v) = super::iter_next(vm, &it)? {
                if v.is(item) || eq(vm, &v, item)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => {
            let _ = len;
            match super::get_iter(vm, container) {
                Ok(it) => {
                    while let Some(v) = super::iter_next(vm, &it)? {
                        if v.is(item) || eq(vm, &v, item)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
                Err(_) => Err(types::type_error(format!(
                    "argument of type '{}' is not iterable",
                    container.type_name()
                ))),
            }
        }
    }
}

/// True division of ints, correctly rounded (numfmt does the exact work).
fn int_true_div(x: &BigInt, y: &BigInt) -> PyResult<f64> {
    crate::value::numfmt::int_true_div(x, y).map_err(|m| {
        if m.contains("division by zero") {
            types::zero_division_error(m)
        } else {
            types::overflow_error(m)
        }
    })
}
