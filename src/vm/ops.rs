//! Operations on values: arithmetic, comparison, truth, attributes, items,
//! iteration, hashing, repr/str. Dunder methods of script classes are called
//! through `Vm::call` (a nested, non-suspendable run).

use super::Vm;
use crate::ast::{BinOp, CmpOp};
use crate::bytecode::Op;
use crate::value::dict::Dict;
use crate::value::intern::sym;
use crate::value::object::{BoundMethod, Class, DictIterKind, IterState, Native};
use crate::value::set::Probe as SetProbe;
use crate::value::{types, PyResult, SetObj, Symbol, Value};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::Zero;
use std::cell::RefCell;
use std::rc::Rc;

mod arith;
mod attr;
pub mod attr_cache;
mod iter;
mod repr;

pub use arith::*;
pub use attr::*;
pub use iter::*;
pub use repr::*;

/// Small-int fast path for the dispatch loop; None when it overflows or needs the slow path.
#[inline]
pub fn int_fast(op: BinOp, a: i64, b: i64) -> Option<Value> {
    Some(Value::Int(match op {
        BinOp::Add => a.checked_add(b)?,
        BinOp::Sub => a.checked_sub(b)?,
        BinOp::Mult => a.checked_mul(b)?,
        BinOp::FloorDiv if b != 0 && !(a == i64::MIN && b == -1) => Integer::div_floor(&a, &b),
        BinOp::Mod if b != 0 && !(a == i64::MIN && b == -1) => Integer::mod_floor(&a, &b),
        BinOp::BitAnd => a & b,
        BinOp::BitOr => a | b,
        BinOp::BitXor => a ^ b,
        _ => return None,
    }))
}

/// `a op b` on two floats (an int operand already converted, as CPython converts it)
/// for the operators whose float result needs no special case; None otherwise.
#[inline]
pub fn float_fast(op: BinOp, a: f64, b: f64) -> Option<Value> {
    Some(Value::Float(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mult => a * b,
        BinOp::Div if b != 0.0 => a / b,
        _ => return None,
    }))
}

/// The two operands as floats when one is a float and the other a float or small int.
#[inline]
pub fn float_pair(a: &Value, b: &Value) -> Option<(f64, f64)> {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => Some((*x, *y)),
        (Value::Float(x), Value::Int(y)) => Some((*x, *y as f64)),
        (Value::Int(x), Value::Float(y)) => Some((*x as f64, *y)),
        _ => None,
    }
}

/// Like `float_pair`, but only where the int converts exactly: comparisons between
/// ints and floats are exact in CPython (`2**53 + 1 == 2.0**53` is False).
#[inline]
pub fn float_pair_exact(a: &Value, b: &Value) -> Option<(f64, f64)> {
    const EXACT: i64 = 1 << 53;
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => Some((*x, *y)),
        (Value::Float(x), Value::Int(y)) if (-EXACT..=EXACT).contains(y) => Some((*x, *y as f64)),
        (Value::Int(x), Value::Float(y)) if (-EXACT..=EXACT).contains(x) => Some((*x as f64, *y)),
        _ => None,
    }
}

/// Comparison of two floats (not `is`, `in`: those take the general path).
#[inline]
pub fn cmp_floats(op: CmpOp, a: f64, b: f64) -> Option<bool> {
    Some(match op {
        CmpOp::Eq => a == b,
        CmpOp::NotEq => a != b,
        CmpOp::Lt => a < b,
        CmpOp::LtE => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::GtE => a >= b,
        _ => return None,
    })
}

/// `a op b` for two small ints or a float with a float or small int, when no special
/// case applies (the dispatch loop's fast path); None sends it the general way.
#[inline]
pub fn number_fast(op: BinOp, a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => int_fast(op, *x, *y),
        _ => float_pair(a, b).and_then(|(x, y)| float_fast(op, x, y)),
    }
}

/// `a op b` for numbers compared without a special case (ints exactly, floats with
/// ints only where the int converts exactly); None sends it the general way.
#[inline]
pub fn compare_fast(op: CmpOp, a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => cmp_ints(op, *x, *y),
        _ => float_pair_exact(a, b).and_then(|(x, y)| cmp_floats(op, x, y)),
    }
}

/// Comparison of two small ints.
#[inline]
pub fn cmp_ints(op: CmpOp, a: i64, b: i64) -> Option<bool> {
    Some(match op {
        CmpOp::Eq | CmpOp::Is => a == b,
        CmpOp::NotEq | CmpOp::IsNot => a != b,
        CmpOp::Lt => a < b,
        CmpOp::LtE => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::GtE => a >= b,
        // `in` on an int is a TypeError: the general path raises it.
        CmpOp::In | CmpOp::NotIn => return None,
    })
}

/// Truth value (`__bool__`, then `__len__`).
pub fn truthy(vm: &mut Vm, v: &Value) -> PyResult<bool> {
    Ok(match v {
        Value::None | Value::Undef => false,
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        Value::BigInt(b) => !b.is_zero(),
        Value::Float(f) => *f != 0.0,
        Value::Str(s) => !s.text.is_empty(),
        Value::Bytes(b) => !b.is_empty(),
        Value::Tuple(t) => !t.is_empty(),
        Value::List(l) => !l.borrow().is_empty(),
        Value::Dict(d) => !d.borrow().is_empty(),
        Value::Set(s) => !s.items.borrow().is_empty(),
        Value::Range(r) => !r.is_empty(),
        Value::Native(_) => match crate::stdlib::deque::cell(v) {
            Some(d) => !d.borrow().items.is_empty(),
            None => true,
        },
        Value::Instance(i) => {
            let class = i.class.clone();
            if let Some(b) = &i.base {
                if !overrides(&class, sym::BOOL) && !overrides(&class, sym::LEN) {
                    return truthy(vm, b);
                }
            }
            if let Some(f) = class.lookup(sym::BOOL) {
                let r = vm.call(&f, &[v.clone()])?;
                match r {
                    Value::Bool(b) => b,
                    other => {
                        return Err(types::type_error(format!(
                            "__bool__ should return bool, returned {}",
                            other.type_name()
                        )))
                    }
                }
            } else if let Some(f) = class.lookup(sym::LEN) {
                let r = vm.call(&f, &[v.clone()])?;
                len_result(vm, &r)? != 0
            } else {
                true
            }
        }
        _ => true,
    })
}

fn len_result(vm: &mut Vm, r: &Value) -> PyResult<i64> {
    match r {
        Value::Int(i) if *i >= 0 => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::Int(_) => Err(types::value_error("__len__() should return >= 0")),
        Value::BigInt(b) if num_traits::Signed::is_negative(&**b) => {
            Err(types::value_error("__len__() should return >= 0"))
        }
        Value::BigInt(_) => Err(types::overflow_error(
            "cannot fit 'int' into an index-sized integer",
        )),
        Value::Instance(i) if i.base.as_ref().is_some_and(|b| b.is_int()) => {
            len_result(vm, base_value(r))
        }
        Value::Instance(i) if i.class.lookup(sym::INDEX).is_some() => {
            let f = i.class.lookup(sym::INDEX).unwrap_or(Value::None);
            let n = vm.call(&f, std::slice::from_ref(r))?;
            if !n.is_int() && !matches!(base_value(&n), Value::Int(_) | Value::BigInt(_)) {
                return Err(types::type_error(format!(
                    "__index__ returned non-int (type {})",
                    n.type_name()
                )));
            }
            len_result(vm, &n)
        }
        other => Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            other.type_name()
        ))),
    }
}

/// `len(v)`.
pub fn len(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    Ok(match v {
        Value::Str(s) => s.char_len as i64,
        Value::Bytes(b) => b.len() as i64,
        Value::Tuple(t) => t.len() as i64,
        Value::List(l) => l.borrow().len() as i64,
        Value::Dict(d) => d.borrow().len() as i64,
        Value::Set(s) => s.items.borrow().len() as i64,
        Value::Range(r) => r.len(),
        Value::Native(n) => match &**n {
            Native::DictView(d, _) => d.borrow().len() as i64,
            _ if crate::stdlib::deque::is_deque(v) => {
                crate::stdlib::deque::cell(v).map_or(0, |d| d.borrow().items.len() as i64)
            }
            _ => {
                return Err(types::type_error(format!(
                    "object of type '{}' has no len()",
                    v.type_name()
                )))
            }
        },
        Value::Instance(i) => match i.class.lookup(sym::LEN) {
            _ if inherited(v, sym::LEN).is_some() => return len(vm, base_value(v)),
            Some(f) => {
                let r = vm.call(&f, &[v.clone()])?;
                len_result(vm, &r)?
            }
            None => {
                return Err(types::type_error(format!(
                    "object of type '{}' has no len()",
                    v.type_name()
                )))
            }
        },
        _ => {
            return Err(types::type_error(format!(
                "object of type '{}' has no len()",
                v.type_name()
            )))
        }
    })
}

/// How deeply `hash` follows nested tuples before RecursionError. CPython hashes
/// them without a check (and crashes near a million levels); the walk here keeps
/// its own stack, so the bound is only there to stop where CPython would crash.
const MAX_HASH_DEPTH: usize = 200_000;

/// CPython's xxHash-based tuple hash, walking nested tuples with an explicit stack
/// (a tuple nested 100,000 deep hashes without touching the Rust stack).
fn tuple_hash(vm: &mut Vm, root: &Rc<Vec<Value>>) -> PyResult<i64> {
    const SEED: u64 = 2870177450012600261;
    fn mix(acc: u64, lane: i64) -> u64 {
        let acc = acc.wrapping_add((lane as u64).wrapping_mul(14029467366897019727));
        acc.rotate_left(31).wrapping_mul(11400714785074694791)
    }
    fn finish(acc: u64, len: usize) -> i64 {
        let h = acc.wrapping_add((len as u64) ^ (SEED ^ 3527539)) as i64;
        if h == -1 {
            1546275796
        } else {
            h
        }
    }
    // Each level: the tuple, the index of the next item, the hash so far.
    let mut stack: Vec<(Rc<Vec<Value>>, usize, u64)> = vec![(root.clone(), 0, SEED)];
    loop {
        let depth = stack.len();
        let Some((items, next, acc)) = stack.last_mut() else {
            return Ok(0); // not reached: the root level returns below
        };
        let Some(item) = items.get(*next) else {
            let h = finish(*acc, items.len());
            stack.pop();
            match stack.last_mut() {
                Some((_, next, acc)) => {
                    *acc = mix(*acc, h);
                    *next += 1;
                    continue;
                }
                None => return Ok(h),
            }
        };
        if let Value::Tuple(inner) = item {
            if depth > MAX_HASH_DEPTH {
                return Err(types::recursion_error(
                    "maximum recursion depth exceeded while hashing",
                ));
            }
            let inner = inner.clone();
            stack.push((inner, 0, SEED));
            continue;
        }
        let item = item.clone();
        let h = hash(vm, &item)?;
        if let Some((_, next, acc)) = stack.last_mut() {
            *acc = mix(*acc, h);
            *next += 1;
        }
    }
}

/// Python hash of a value (user `__hash__` included).
pub fn hash(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    Ok(match v {
        Value::None => 0x5f5e100,
        Value::Bool(b) => *b as i64,
        Value::Int(i) => int_hash_i64(*i),
        Value::BigInt(b) => bigint_hash(b),
        Value::Float(f) => float_hash(*f),
        Value::Str(s) => s.hash(),
        Value::Bytes(b) => {
            let mut h: u64 = 0xcbf29ce484222325;
            for x in b.iter() {
                h = (h ^ *x as u64).wrapping_mul(0x100000001b3);
            }
            (h >> 2) as i64
        }
        Value::Tuple(items) => tuple_hash(vm, items)?,
        Value::Set(s) if s.frozen => s.items.borrow().frozen_hash(),
        Value::List(_) | Value::Dict(_) | Value::Set(_) => {
            return Err(types::type_error(format!(
                "unhashable type: '{}'",
                v.type_name()
            )))
        }
        Value::Native(n) if matches!(&**n, Native::Slice(_)) => {
            return Err(types::type_error("unhashable type: 'slice'"))
        }
        Value::Native(_) if crate::stdlib::deque::is_deque(v) => {
            return Err(types::type_error(format!(
                "unhashable type: '{}'",
                v.type_name()
            )))
        }
        Value::Instance(i) => {
            if i.class.unhashable.get() {
                return Err(types::type_error(format!(
                    "unhashable type: '{}'",
                    v.type_name()
                )));
            }
            if let Some(b) = inherited(v, sym::HASH) {
                return hash(vm, b);
            }
            match i.class.lookup(sym::HASH) {
                Some(Value::None) => {
                    return Err(types::type_error(format!(
                        "unhashable type: '{}'",
                        v.type_name()
                    )))
                }
                Some(f @ Value::Function(_)) => {
                    let r = vm.call(&f, &[v.clone()])?;
                    match r {
                        Value::Int(i) => {
                            if i == -1 {
                                -2
                            } else {
                                i
                            }
                        }
                        Value::BigInt(ref b) => bigint_hash(b),
                        Value::Bool(b) => b as i64,
                        _ => {
                            return Err(types::type_error(
                                "__hash__ method should return an integer",
                            ))
                        }
                    }
                }
                _ => (v.ptr().unwrap_or(0) >> 4) as i64,
            }
        }
        _ => (v.ptr().unwrap_or(0) >> 4) as i64,
    })
}

/// CPython's hash of an int that fits in i64.
pub fn int_hash_i64(i: i64) -> i64 {
    const MODULUS: u64 = (1 << 61) - 1;
    let m = (i.unsigned_abs() % MODULUS) as i64;
    let h = if i < 0 { -m } else { m };
    if h == -1 {
        -2
    } else {
        h
    }
}

/// CPython's hash of a big int.
pub fn bigint_hash(b: &BigInt) -> i64 {
    crate::value::numfmt::int_hash(b)
}

/// CPython's hash of a float (equal to the int hash for integral floats).
pub fn float_hash(f: f64) -> i64 {
    crate::value::numfmt::float_hash(f)
}

/// Equality without script code, when both sides are builtin values (None: needs the VM).
pub fn simple_eq(a: &Value, b: &Value) -> Option<bool> {
    simple_eq_at(a, b, 0)
}

/// `simple_eq` inside `depth` tuples: deep nesting is left to the VM's guarded path.
fn simple_eq_at(a: &Value, b: &Value, depth: u32) -> Option<bool> {
    use Value::*;
    Some(match (a, b) {
        (Int(x), Int(y)) => x == y,
        (Str(x), Str(y)) => Rc::ptr_eq(x, y) || x.text == y.text,
        (None, None) => true,
        (Bool(x), Bool(y)) => x == y,
        (Int(_) | Bool(_) | BigInt(_) | Float(_), Int(_) | Bool(_) | BigInt(_) | Float(_)) => {
            num_eq(a, b)
        }
        (Bytes(x), Bytes(y)) => x == y,
        (Range(x), Range(y)) => {
            // Ranges are equal when they give the same sequence.
            let n = x.len();
            n == y.len() && (n == 0 || (x.start == y.start && (n == 1 || x.step == y.step)))
        }
        (Tuple(x), Tuple(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            if depth > 32 {
                return Option::None;
            }
            for (p, q) in x.iter().zip(y.iter()) {
                if !simple_eq_at(p, q, depth + 1)? {
                    return Some(false);
                }
            }
            true
        }
        (Native(x), Native(y))
            if matches!(
                (&**x, &**y),
                (
                    crate::value::object::Native::Slice(_),
                    crate::value::object::Native::Slice(_)
                )
            ) =>
        {
            if let (
                crate::value::object::Native::Slice(p),
                crate::value::object::Native::Slice(q),
            ) = (&**x, &**y)
            {
                return Some(
                    simple_eq(&p.start, &q.start)?
                        && simple_eq(&p.stop, &q.stop)?
                        && simple_eq(&p.step, &q.step)?,
                );
            }
            false
        }
        (Method(x), Method(y)) => {
            // Bound methods are equal when they bind the same function to the same object.
            return Some(x.func.is(&y.func) && x.receiver.is(&y.receiver));
        }
        (Instance(_), _) | (_, Instance(_)) => {
            if a.is(b) {
                return Some(true);
            }
            let user_eq = |v: &Value| matches!(v, Instance(i) if overrides(&i.class, sym::EQ));
            if user_eq(a) || user_eq(b) {
                return Option::None;
            }
            let (x, y) = (base_value(a), base_value(b));
            if matches!(x, Instance(_)) || matches!(y, Instance(_)) {
                return Some(false);
            }
            return simple_eq(x, y);
        }
        (List(_), List(_)) | (Dict(_), Dict(_)) | (Set(_), Set(_)) => return Option::None,
        (Native(_), Native(_))
            if crate::stdlib::deque::is_deque(a) && crate::stdlib::deque::is_deque(b) =>
        {
            return Option::None
        }
        _ => a.is(b),
    })
}

fn num_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Float(x), other) | (other, Value::Float(x)) => match other.as_bigint() {
            Some(i) => {
                x.is_finite()
                    && x.fract() == 0.0
                    && num_traits::FromPrimitive::from_f64(*x) == Some(i)
            }
            None => false,
        },
        _ => a.as_bigint() == b.as_bigint(),
    }
}

/// `a == b` as a bool.
pub fn eq(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<bool> {
    if let Some(r) = simple_eq(a, b) {
        return Ok(r);
    }
    let r = compare(vm, CmpOp::Eq, a, b)?;
    truthy(vm, &r)
}

/// A new set (or frozenset) from items, added in order.
pub fn new_set(vm: &mut Vm, items: Vec<Value>, frozen: bool) -> PyResult<Value> {
    let set = SetObj::new_rc(frozen);
    for v in items {
        let h = hash(vm, &v)?;
        set_add_hashed(vm, &set, v, h)?;
    }
    Ok(Value::Set(set))
}

/// A set display of constants, as CPython builds it: a frozenset from the items, a
/// second one from the first's order (the compiler's constant merging), merged
/// into a new set.
pub fn new_folded_set(vm: &mut Vm, items: Vec<Value>) -> PyResult<Value> {
    let first = new_set(vm, items, true)?;
    let Value::Set(f1) = &first else {
        return Ok(first);
    };
    let order = f1.items.borrow().keys();
    let second = new_set(vm, order, true)?;
    let out = SetObj::new_rc(false);
    set_update(vm, &out, &second)?;
    Ok(Value::Set(out))
}

/// Adds to a set (or a script subclass of set).
pub fn set_add(vm: &mut Vm, set: &Value, v: Value) -> PyResult<()> {
    if let Value::Set(s) = base_value(set) {
        let h = hash(vm, &v)?;
        set_add_hashed(vm, s, v, h)?;
    }
    Ok(())
}

/// Membership in a set.
pub fn set_contains(vm: &mut Vm, s: &SetObj, v: &Value) -> PyResult<bool> {
    let h = match hash(vm, v) {
        Ok(h) => h,
        // `{1} in some_set` looks the set up as a frozenset, as CPython does.
        Err(e) => match v {
            Value::Set(inner) if !inner.frozen => inner.items.borrow().frozen_hash(),
            _ => return Err(e),
        },
    };
    Ok(set_find(vm, s, v, h)?.is_some())
}

/// The slot of `key` in a set, comparing with script `__eq__` outside the borrow if needed.
pub fn set_find(vm: &mut Vm, s: &SetObj, key: &Value, h: i64) -> PyResult<Option<usize>> {
    let probe = s.items.borrow().probe(h, |k| {
        if k.is(key) {
            Some(true)
        } else {
            simple_eq(k, key)
        }
    });
    match probe {
        SetProbe::Found(i) => Ok(Some(i)),
        SetProbe::Absent { .. } => Ok(None),
        SetProbe::NeedsVm => {
            let candidates = s.items.borrow().candidates(h);
            for (i, k) in candidates {
                if k.is(key) || eq(vm, &k, key)? {
                    return Ok(Some(i));
                }
            }
            Ok(None)
        }
    }
}

/// set_add_entry: adds a key with a known hash; false when it was already there.
pub fn set_add_hashed(vm: &mut Vm, s: &SetObj, key: Value, h: i64) -> PyResult<bool> {
    let probe = s.items.borrow().probe(h, |k| {
        if k.is(&key) {
            Some(true)
        } else {
            simple_eq(k, &key)
        }
    });
    match probe {
        SetProbe::Found(_) => Ok(false),
        SetProbe::Absent { slot, reuses_dummy } => {
            s.items.borrow_mut().insert_at(slot, reuses_dummy, h, key);
            Ok(true)
        }
        SetProbe::NeedsVm => {
            if set_find(vm, s, &key, h)?.is_some() {
                return Ok(false);
            }
            s.items.borrow_mut().insert_new(h, key);
            Ok(true)
        }
    }
}

/// Removes a key with a known hash; false when absent.
pub fn set_discard_hashed(vm: &mut Vm, s: &SetObj, key: &Value, h: i64) -> PyResult<bool> {
    match set_find(vm, s, key, h)? {
        Some(i) => Ok(s.items.borrow_mut().remove_at(i).is_some()),
        None => Ok(false),
    }
}

/// set_update_internal: merges a set, a dict's keys, or any iterable into `s`.
pub fn set_update(vm: &mut Vm, s: &SetObj, other: &Value) -> PyResult<()> {
    match base_value(other) {
        Value::Set(o) => {
            if std::ptr::eq(&**o, s) || o.items.borrow().is_empty() {
                return Ok(());
            }
            let pairs: Vec<(i64, Value)> = {
                let ot = o.items.borrow();
                let mut st = s.items.borrow_mut();
                st.reserve_for(ot.len());
                if st.merge_into_empty(&ot) {
                    return Ok(());
                }
                ot.iter().map(|(h, k)| (h, k.clone())).collect()
            };
            for (h, k) in pairs {
                set_add_hashed(vm, s, k, h)?;
            }
        }
        Value::Dict(d) => {
            let pairs: Vec<(i64, Value)> =
                d.borrow().iter().map(|e| (e.hash, e.key.clone())).collect();
            s.items.borrow_mut().reserve_for(pairs.len());
            for (h, k) in pairs {
                set_add_hashed(vm, s, k, h)?;
            }
        }
        _ => {
            let it = get_iter(vm, other)?;
            while let Some(k) = iter_next(vm, &it)? {
                let h = hash(vm, &k)?;
                set_add_hashed(vm, s, k, h)?;
            }
        }
    }
    Ok(())
}

/// True when `class` defines `name` itself or in a script base (not just a builtin type's native).
pub fn overrides(class: &Class, name: Symbol) -> bool {
    matches!(class.lookup(name), Some(v) if !matches!(v, Value::Builtin(_)))
}

/// The builtin value behind an instance of a script subclass of a builtin type, when
/// its class leaves the special method `name` to the builtin type.
#[inline]
pub fn inherited(v: &Value, name: Symbol) -> Option<&Value> {
    match v {
        Value::Instance(i) => match &i.base {
            Some(b) if !overrides(&i.class, name) => Some(b),
            _ => None,
        },
        _ => None,
    }
}

/// The builtin value an instance of a script subclass of a builtin type stands for,
/// else the value itself.
#[inline]
pub fn base_value(v: &Value) -> &Value {
    match v {
        Value::Instance(i) => i.base.as_ref().unwrap_or(v),
        _ => v,
    }
}

/// Finds a key's entry index, running script `__eq__` outside the borrow if needed.
pub fn dict_find(vm: &mut Vm, d: &RefCell<Dict>, h: i64, key: &Value) -> PyResult<Option<usize>> {
    let mut needs_vm = false;
    let found = d.borrow().find(h, |k| match simple_eq(k, key) {
        Some(r) => r,
        None => {
            needs_vm = true;
            false
        }
    });
    if found.is_some() || !needs_vm {
        return Ok(found);
    }
    let candidates = d.borrow().candidates(h);
    for (i, k) in candidates {
        if eq(vm, &k, key)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// `d[key]` lookup without KeyError.
pub fn dict_get(vm: &mut Vm, d: &RefCell<Dict>, key: &Value) -> PyResult<Option<Value>> {
    let h = hash(vm, key)?;
    Ok(dict_find(vm, d, h, key)?.and_then(|i| d.borrow().entry(i).map(|e| e.value.clone())))
}

/// `d[key] = value`.
pub fn dict_set(vm: &mut Vm, d: &RefCell<Dict>, key: Value, value: Value) -> PyResult<()> {
    let h = hash(vm, &key)?;
    match dict_find(vm, d, h, &key)? {
        Some(i) => d.borrow_mut().set_value_at(i, value),
        None => d.borrow_mut().push_new(h, key, value),
    }
    Ok(())
}

/// `del d[key]`; returns the removed value.
pub fn dict_remove(vm: &mut Vm, d: &RefCell<Dict>, key: &Value) -> PyResult<Option<Value>> {
    let h = hash(vm, key)?;
    Ok(match dict_find(vm, d, h, key)? {
        Some(i) => d.borrow_mut().remove_at(i).map(|e| e.value),
        None => None,
    })
}

/// `{**m}` / `f(**m)`: merges a mapping into a dict.
pub fn dict_update(vm: &mut Vm, d: &RefCell<Dict>, m: &Value, for_call: bool) -> PyResult<()> {
    let pairs: Vec<(Value, Value)> = match m {
        Value::Dict(src) => src
            .borrow()
            .iter()
            .map(|e| (e.key.clone(), e.value.clone()))
            .collect(),
        Value::Instance(_) => {
            let keys_fn = getattr(vm, m, Symbol::new("keys")).map_err(|_| {
                types::type_error(format!("'{}' object is not a mapping", m.type_name()))
            })?;
            let keys = vm.call(&keys_fn, &[])?;
            let mut out = Vec::new();
            for k in collect_iterable(vm, &keys)? {
                let v = getitem(vm, m, &k)?;
                out.push((k, v));
            }
            out
        }
        _ => {
            let msg = if for_call {
                format!("argument after ** must be a mapping, not {}", m.type_name())
            } else {
                format!("'{}' object is not a mapping", m.type_name())
            };
            return Err(types::type_error(msg));
        }
    };
    for (k, v) in pairs {
        if for_call {
            if k.as_str().is_none() {
                return Err(types::type_error("keywords must be strings"));
            }
            if dict_get(vm, d, &k)?.is_some() {
                return Err(types::type_error(format!(
                    "got multiple values for keyword argument '{}'",
                    k.as_str().unwrap_or("")
                )));
            }
        }
        dict_set(vm, d, k, v)?;
    }
    Ok(())
}

/// Prefixes an error of `f(**m)` with the callable's name, as CPython does:
/// "__main__.f() got multiple values for keyword argument 'a'".
pub fn call_kwargs_error(vm: &mut Vm, e: Value, func: &Value) -> Value {
    if !types::exc_is(&e, |t| &t.type_error) {
        return e;
    }
    let Some(msg) = super::exceptions::exc_args(&e)
        .first()
        .and_then(|m| m.as_str().map(String::from))
    else {
        return e;
    };
    if !msg.starts_with("got multiple values") && !msg.starts_with("argument after **") {
        return e;
    }
    let name = match getattr(vm, func, Symbol::new("__qualname__")) {
        Ok(q) => {
            let q = q.as_str().map(String::from).unwrap_or_default();
            match getattr(vm, func, Symbol::new("__module__")) {
                Ok(m) if m.as_str().is_some_and(|m| m != "builtins") => {
                    format!("{}.{q}", m.as_str().unwrap_or(""))
                }
                _ => q,
            }
        }
        Err(_) => match str_of(vm, func) {
            Ok(s) => s,
            Err(_) => return e,
        },
    };
    types::type_error(format!("{name}() {msg}"))
}

/// Rewords the error of `*x` on a non-iterable.
pub fn star_error(e: Value, it: &Value) -> Value {
    if types::exc_is(&e, |t| &t.type_error) && !is_iterable_type(it) {
        return types::type_error(format!(
            "Value after * must be an iterable, not {}",
            it.type_name()
        ));
    }
    e
}

fn is_iterable_type(v: &Value) -> bool {
    match v {
        Value::Instance(i) => {
            i.class.lookup(sym::ITER).is_some() || i.class.lookup(sym::GETITEM).is_some()
        }
        Value::Str(_)
        | Value::Bytes(_)
        | Value::Tuple(_)
        | Value::List(_)
        | Value::Dict(_)
        | Value::Set(_)
        | Value::Range(_)
        | Value::Generator(_) => true,
        Value::Native(n) => matches!(&**n, Native::Iter(..) | Native::DictView(..)),
        _ => false,
    }
}

/// Unary -, +, ~.
pub fn unary_op(vm: &mut Vm, op: Op, a: &Value) -> PyResult<Value> {
    match (op, a) {
        (Op::Neg, Value::Int(i)) => Ok(match i.checked_neg() {
            Some(n) => Value::Int(n),
            None => Value::from_bigint(-BigInt::from(*i)),
        }),
        (Op::Neg, Value::BigInt(b)) => Ok(Value::from_bigint(-(**b).clone())),
        (Op::Neg, Value::Bool(b)) => Ok(Value::Int(-(*b as i64))),
        (Op::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (Op::Pos, Value::Int(_) | Value::BigInt(_) | Value::Float(_)) => Ok(a.clone()),
        (Op::Pos, Value::Bool(b)) => Ok(Value::Int(*b as i64)),
        (Op::Invert, Value::Int(i)) => Ok(Value::Int(!i)),
        (Op::Invert, Value::Bool(b)) => Ok(Value::Int(!(*b as i64))),
        (Op::Invert, Value::BigInt(b)) => Ok(Value::from_bigint(-(**b).clone() - 1)),
        (_, Value::Instance(i)) => {
            let name = match op {
                Op::Neg => sym::NEG,
                Op::Pos => sym::POS,
                _ => sym::INVERT,
            };
            if let Some(b) = inherited(a, name) {
                return unary_op(vm, op, b);
            }
            match i.class.lookup(name) {
                Some(f) => vm.call(&f, &[a.clone()]),
                None => Err(bad_unary(op, a)),
            }
        }
        _ => Err(bad_unary(op, a)),
    }
}

fn bad_unary(op: Op, a: &Value) -> Value {
    let sym = match op {
        Op::Neg => "-",
        Op::Pos => "+",
        _ => "~",
    };
    types::type_error(format!(
        "bad operand type for unary {sym}: '{}'",
        a.type_name()
    ))
}

/// Looks a special method up on the type (never the instance), as Python does.
pub fn special_method(
    vm: &mut Vm,
    obj: &Value,
    name: Symbol,
    text: &str,
    sync: bool,
) -> PyResult<Value> {
    let class = obj.class();
    match class.lookup(name) {
        Some(f) => bind(vm, f, obj, &class),
        None => {
            let what = if sync {
                "the context manager protocol"
            } else {
                "the asynchronous context manager protocol"
            };
            let _ = text;
            let missing = if name == sym::EXIT || name == sym::AEXIT {
                format!(
                    "'{}' object does not support {} (missed {} method)",
                    obj.type_name(),
                    what,
                    text
                )
            } else {
                format!("'{}' object does not support {}", obj.type_name(), what)
            };
            Err(types::type_error(missing))
        }
    }
}

/// Binds a class attribute to an instance (functions become bound methods).
pub fn bind(vm: &mut Vm, attr: Value, obj: &Value, class: &Rc<Class>) -> PyResult<Value> {
    match &attr {
        Value::Function(_) => Ok(Value::method(BoundMethod {
            func: attr.clone(),
            receiver: obj.clone(),
        })),
        Value::Builtin(b) if b.receiver.is_none() => {
            Ok(Value::Builtin(Rc::new(crate::value::object::Builtin {
                name: b.name,
                func: b.func,
                receiver: Some(obj.clone()),
            })))
        }
        Value::Native(n) => match &**n {
            Native::StaticMethod(f) => Ok(f.clone()),
            Native::ClassMethod(f) => Ok(Value::method(BoundMethod {
                func: f.clone(),
                receiver: Value::Class(class.clone()),
            })),
            Native::Property { fget, .. } => {
                if fget.is_none() {
                    return Err(types::attribute_error("property has no getter"));
                }
                vm.call(fget, &[obj.clone()])
            }
            _ => Ok(attr.clone()),
        },
        // A descriptor defined by a script (functools.cached_property, ...).
        Value::Instance(i) => match i.class.lookup(sym::GET) {
            Some(get) => vm.call(
                &get,
                &[attr.clone(), obj.clone(), Value::Class(class.clone())],
            ),
            None => Ok(attr.clone()),
        },
        _ => Ok(attr.clone()),
    }
}

/// True for a script object whose class defines `__set__` or `__delete__`: a data
/// descriptor, which takes precedence over the instance `__dict__`.
pub fn is_data_descriptor(v: &Value) -> bool {
    match v {
        Value::Instance(i) => {
            i.class.lookup(sym::SET).is_some() || i.class.lookup(sym::DELETE).is_some()
        }
        _ => false,
    }
}

/// Makes `v` a BigInt-or-small int from a bigint result.
pub fn int_result(b: BigInt) -> Value {
    Value::from_bigint(b)
}

/// Dict view kind name for reprs.
pub fn view_name(k: DictIterKind) -> &'static str {
    match k {
        DictIterKind::Keys => "dict_keys",
        DictIterKind::Values => "dict_values",
        DictIterKind::Items => "dict_items",
    }
}

/// A fresh iterator object.
pub fn new_iter(state: IterState, name: &'static str) -> Value {
    Value::native(Native::Iter(RefCell::new(state), name))
}
