//! Iteration: iter(), next(), unpacking, awaitables and async iterators.

use super::super::generator::{GenKind, GenState, Generator};
use super::super::Vm;
use super::new_iter;
use crate::value::intern::sym;
use crate::value::object::{DictIterKind, IterState, Native};
use crate::value::{types, PyResult, Value};
use std::rc::Rc;

/// `iter(v)`.
pub fn get_iter(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    Ok(match v {
        Value::List(l) => new_iter(
            IterState::List {
                list: l.clone(),
                index: 0,
            },
            "list_iterator",
        ),
        Value::Tuple(t) => new_iter(
            IterState::Tuple {
                items: t.clone(),
                index: 0,
            },
            "tuple_iterator",
        ),
        Value::Range(r) => new_iter(
            IterState::Range {
                next: r.start,
                step: r.step,
                remaining: r.len(),
            },
            "range_iterator",
        ),
        Value::Str(s) => new_iter(
            IterState::Str {
                text: s.clone(),
                byte_index: 0,
            },
            "str_ascii_iterator",
        ),
        Value::Bytes(b) => new_iter(
            IterState::Bytes {
                bytes: b.clone(),
                index: 0,
            },
            "bytes_iterator",
        ),
        Value::Dict(d) => {
            let size = d.borrow().len();
            new_iter(
                IterState::DictKeys {
                    dict: d.clone(),
                    index: 0,
                    size,
                    kind: DictIterKind::Keys,
                },
                "dict_keyiterator",
            )
        }
        Value::Set(s) => {
            let used = s.items.borrow().len();
            new_iter(
                IterState::Set {
                    set: s.clone(),
                    pos: 0,
                    used,
                },
                "set_iterator",
            )
        }
        Value::Generator(g) if g.kind == GenKind::Generator => v.clone(),
        Value::Native(n) => match &**n {
            Native::Iter(..) => v.clone(),
            Native::Object { .. } if crate::stdlib::generators::wrapped_coroutine(v).is_some() => {
                v.clone()
            }
            Native::DictView(d, kind) => {
                let size = d.borrow().len();
                let name = match kind {
                    DictIterKind::Keys => "dict_keyiterator",
                    DictIterKind::Values => "dict_valueiterator",
                    DictIterKind::Items => "dict_itemiterator",
                };
                new_iter(
                    IterState::DictKeys {
                        dict: d.clone(),
                        index: 0,
                        size,
                        kind: *kind,
                    },
                    name,
                )
            }
            Native::Object { class, .. } => match class.lookup(sym::ITER) {
                Some(f) => vm.call(&f, std::slice::from_ref(v))?,
                None => return Err(not_iterable(v)),
            },
            _ => return Err(not_iterable(v)),
        },
        Value::Instance(_) if super::inherited(v, sym::ITER).is_some() => {
            get_iter(vm, super::base_value(v))?
        }
        Value::Instance(i) => {
            if let Some(f) = i.class.lookup(sym::ITER) {
                let it = vm.call(&f, &[v.clone()])?;
                if !is_iterator(&it) {
                    return Err(types::type_error(format!(
                        "iter() returned non-iterator of type '{}'",
                        it.type_name()
                    )));
                }
                return Ok(it);
            }
            if i.class.lookup(sym::GETITEM).is_some() {
                return Ok(new_iter(
                    IterState::GetItem {
                        obj: v.clone(),
                        index: 0,
                    },
                    "iterator",
                ));
            }
            return Err(not_iterable(v));
        }
        _ => return Err(not_iterable(v)),
    })
}

fn is_iterator(v: &Value) -> bool {
    match v {
        Value::Generator(_) => true,
        Value::Native(n) => match &**n {
            Native::Iter(..) => true,
            Native::Object { class, .. } => {
                class.lookup(sym::NEXT).is_some()
                    || crate::stdlib::generators::wrapped_coroutine(v).is_some()
            }
            _ => false,
        },
        Value::Instance(i) => i.class.lookup(sym::NEXT).is_some(),
        _ => false,
    }
}

fn not_iterable(v: &Value) -> Value {
    types::type_error(format!("'{}' object is not iterable", v.type_name()))
}

/// `next(it)`: Some(value), or None when exhausted.
pub fn iter_next(vm: &mut Vm, it: &Value) -> PyResult<Option<Value>> {
    match it {
        Value::Native(n) => match &**n {
            Native::Iter(state, _) => native_next(vm, state),
            Native::Object { .. } if crate::stdlib::generators::wrapped_coroutine(it).is_some() => {
                let g = crate::stdlib::generators::wrapped_coroutine(it).expect("wrapper");
                match generator_send(vm, &g, super::super::interp::Resume::Send(Value::None))? {
                    GenOutcome::Yielded(v) => Ok(Some(v)),
                    GenOutcome::Returned(_) => Ok(None),
                }
            }
            Native::Object { class, .. } if class.lookup(sym::NEXT).is_some() => {
                let f = class.lookup(sym::NEXT).unwrap_or(Value::None);
                match vm.call(&f, std::slice::from_ref(it)) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if types::exc_is(&e, |t| &t.stop_iteration) => Ok(None),
                    Err(e) => Err(e),
                }
            }
            _ => Err(types::type_error(format!(
                "'{}' object is not an iterator",
                it.type_name()
            ))),
        },
        Value::Generator(g) => match g.kind {
            GenKind::Generator => generator_next(vm, g),
            _ => Err(types::type_error(format!(
                "'{}' object is not an iterator",
                it.type_name()
            ))),
        },
        Value::Instance(i) => match i.class.lookup(sym::NEXT) {
            Some(f) => match vm.call(&f, &[it.clone()]) {
                Ok(v) => Ok(Some(v)),
                Err(e) if types::exc_is(&e, |t| &t.stop_iteration) => Ok(None),
                Err(e) => Err(e),
            },
            None => Err(types::type_error(format!(
                "'{}' object is not an iterator",
                it.type_name()
            ))),
        },
        _ => Err(types::type_error(format!(
            "'{}' object is not an iterator",
            it.type_name()
        ))),
    }
}

/// Resumes a generator from native code: Some(yielded) or None when it returned.
pub fn generator_next(vm: &mut Vm, g: &Rc<Generator>) -> PyResult<Option<Value>> {
    match generator_send(vm, g, super::super::interp::Resume::Send(Value::None))? {
        GenOutcome::Yielded(v) => Ok(Some(v)),
        GenOutcome::Returned(_) => Ok(None),
    }
}

/// What a resumed generator did.
pub enum GenOutcome {
    Yielded(Value),
    Returned(Value),
}

/// send()/throw() on a generator from native code (a nested run).
pub fn generator_send(
    vm: &mut Vm,
    g: &Rc<Generator>,
    resume: super::super::interp::Resume,
) -> PyResult<GenOutcome> {
    use super::super::frame::Entry;
    use super::super::interp::Resume;
    match g.state.get() {
        GenState::Finished => {
            return match resume {
                Resume::Throw(e) => Err(e),
                Resume::Send(_) if g.kind == GenKind::Coroutine => Err(types::runtime_error(
                    "cannot reuse already awaited coroutine",
                )),
                Resume::Send(_) => Ok(GenOutcome::Returned(Value::None)),
            }
        }
        GenState::Running => return Err(types::value_error("generator already executing")),
        GenState::Created => {
            if let Resume::Send(v) = &resume {
                if !v.is_none() {
                    return Err(types::type_error(format!(
                        "can't send non-None value to a just-started {}",
                        if g.kind == GenKind::Coroutine {
                            "coroutine"
                        } else {
                            "generator"
                        }
                    )));
                }
            }
        }
        GenState::Suspended => {}
    }
    let was_created = g.state.get() == GenState::Created;
    let mut seg = std::mem::take(&mut *g.frames.borrow_mut());
    if seg.is_empty() {
        return Err(types::system_error("generator without frames"));
    }
    seg[0].entry = Entry::Bottom;
    let throw = match resume {
        Resume::Send(v) => {
            if !was_created {
                seg.last_mut().expect("frame").push(v);
            }
            None
        }
        Resume::Throw(e) => Some(e),
    };
    g.state.set(GenState::Running);
    if vm.depth + seg.len() > vm.recursion_limit || vm.native_depth > vm.recursion_limit {
        *g.frames.borrow_mut() = seg;
        g.state.set(if was_created {
            GenState::Created
        } else {
            GenState::Suspended
        });
        return Err(types::recursion_error("maximum recursion depth exceeded"));
    }
    vm.depth += seg.len();
    vm.native_depth += 1;
    let saved = vm.enter_nested();
    let halt = vm.run_resumed(&mut seg, throw);
    vm.leave_nested(saved);
    vm.native_depth -= 1;
    match halt {
        super::super::Halt::Yield(v) => {
            vm.depth -= seg.len();
            g.state.set(GenState::Suspended);
            *g.frames.borrow_mut() = seg;
            Ok(GenOutcome::Yielded(v))
        }
        super::super::Halt::Return(v) => {
            g.state.set(GenState::Finished);
            Ok(GenOutcome::Returned(v))
        }
        super::super::Halt::Error(e) => {
            g.state.set(GenState::Finished);
            Err(e)
        }
    }
}

fn native_next(vm: &mut Vm, state: &std::cell::RefCell<IterState>) -> PyResult<Option<Value>> {
    // Iterators that call back into scripts must not hold the borrow.
    let deferred = {
        let mut st = state.borrow_mut();
        match &mut *st {
            IterState::List { list, index } => {
                let l = list.borrow();
                let r = l.get(*index).cloned();
                *index += 1;
                return Ok(r);
            }
            IterState::Tuple { items, index } => {
                let r = items.get(*index).cloned();
                *index += 1;
                return Ok(r);
            }
            IterState::Range {
                next,
                step,
                remaining,
            } => {
                if *remaining <= 0 {
                    return Ok(None);
                }
                let v = *next;
                *next = next.wrapping_add(*step);
                *remaining -= 1;
                return Ok(Some(Value::Int(v)));
            }
            IterState::Str { text, byte_index } => {
                let r = text.text[*byte_index..].chars().next();
                return Ok(r.map(|c| {
                    *byte_index += c.len_utf8();
                    Value::str(c.to_string())
                }));
            }
            IterState::Bytes { bytes, index } => {
                let r = bytes.get(*index).map(|b| Value::Int(*b as i64));
                *index += 1;
                return Ok(r);
            }
            IterState::DictKeys {
                dict,
                index,
                size,
                kind,
            } => {
                let d = dict.borrow();
                if d.len() != *size {
                    *size = usize::MAX;
                    return Err(types::runtime_error(
                        "dictionary changed size during iteration",
                    ));
                }
                return Ok(match d.next_from(*index) {
                    Some((i, e)) => {
                        *index = i + 1;
                        Some(match kind {
                            DictIterKind::Keys => e.key.clone(),
                            DictIterKind::Values => e.value.clone(),
                            DictIterKind::Items => {
                                Value::tuple(vec![e.key.clone(), e.value.clone()])
                            }
                        })
                    }
                    None => None,
                });
            }
            IterState::Set { set, pos, used } => {
                let next = {
                    let t = set.items.borrow();
                    if t.len() != *used {
                        *used = usize::MAX;
                        return Err(types::runtime_error("Set changed size during iteration"));
                    }
                    t.next_from(*pos)
                };
                return Ok(match next {
                    Some((i, k)) => {
                        *pos = i + 1;
                        Some(k)
                    }
                    None => {
                        *st = IterState::Exhausted;
                        None
                    }
                });
            }
            IterState::Seq { items, index } | IterState::Reversed { items, index } => {
                let r = items.get(*index).cloned();
                *index += 1;
                return Ok(r);
            }
            IterState::Exhausted => return Ok(None),
            IterState::Enumerate { inner, count } => (0, vec![inner.clone(), count.clone()]),
            IterState::Zip { inners, .. } => (1, inners.clone()),
            IterState::Map { func, inners } => {
                let mut v = vec![func.clone()];
                v.extend(inners.iter().cloned());
                (2, v)
            }
            IterState::Filter { func, inner } => (3, vec![func.clone(), inner.clone()]),
            IterState::Callable { func, sentinel } => (4, vec![func.clone(), sentinel.clone()]),
            IterState::GetItem { obj, index } => {
                let i = *index;
                *index += 1;
                (5, vec![obj.clone(), Value::Int(i)])
            }
        }
    };
    let (kind, vals) = deferred;
    let result = match kind {
        0 => match iter_next(vm, &vals[0])? {
            Some(v) => {
                let n = vals[1].as_i64().unwrap_or(0);
                if let IterState::Enumerate { count, .. } = &mut *state.borrow_mut() {
                    *count = Value::Int(n + 1);
                }
                Some(Value::tuple(vec![vals[1].clone(), v]))
            }
            None => None,
        },
        1 => {
            let mut out = Vec::with_capacity(vals.len());
            for it in &vals {
                match iter_next(vm, it)? {
                    Some(v) => out.push(v),
                    None => {
                        *state.borrow_mut() = IterState::Exhausted;
                        return Ok(None);
                    }
                }
            }
            if vals.is_empty() {
                None
            } else {
                Some(Value::tuple(out))
            }
        }
        2 => {
            let mut args = Vec::with_capacity(vals.len() - 1);
            for it in &vals[1..] {
                match iter_next(vm, it)? {
                    Some(v) => args.push(v),
                    None => return Ok(None),
                }
            }
            Some(vm.call(&vals[0], &args)?)
        }
        3 => loop {
            match iter_next(vm, &vals[1])? {
                Some(v) => {
                    let keep = if vals[0].is_none() {
                        super::truthy(vm, &v)?
                    } else {
                        let r = vm.call(&vals[0], &[v.clone()])?;
                        super::truthy(vm, &r)?
                    };
                    if keep {
                        break Some(v);
                    }
                }
                None => break None,
            }
        },
        4 => {
            let v = vm.call(&vals[0], &[])?;
            if super::eq(vm, &v, &vals[1])? {
                *state.borrow_mut() = IterState::Exhausted;
                None
            } else {
                Some(v)
            }
        }
        _ => match super::getitem(vm, &vals[0], &vals[1]) {
            Ok(v) => Some(v),
            Err(e)
                if types::exc_is(&e, |t| &t.index_error)
                    || types::exc_is(&e, |t| &t.stop_iteration) =>
            {
                *state.borrow_mut() = IterState::Exhausted;
                None
            }
            Err(e) => return Err(e),
        },
    };
    Ok(result)
}

/// Drains any iterable into a Vec.
pub fn collect_iterable(vm: &mut Vm, v: &Value) -> PyResult<Vec<Value>> {
    match v {
        Value::List(l) => return Ok(l.borrow().clone()),
        Value::Tuple(t) => return Ok((**t).clone()),
        Value::Native(_) if crate::stdlib::deque::is_deque(v) => {
            return Ok(crate::stdlib::deque::snapshot(v).unwrap_or_default())
        }
        // A range knows its length: a huge one fails at once, as CPython's does.
        Value::Range(r) => crate::vm::limits::check_alloc_items(r.len() as usize, 16)?,
        _ => {}
    }
    let it = get_iter(vm, v)?;
    let mut out = Vec::new();
    while let Some(x) = iter_next(vm, &it)? {
        out.push(x);
        if out.len() > 100_000_000 {
            return Err(types::memory_error(""));
        }
        if out.len() % 65536 == 0 {
            // A long native loop: let resource limits (and Ctrl-C) stop it.
            vm.check_limits()?;
            crate::vm::limits::check_alloc_items(out.len(), 16)?;
        }
    }
    Ok(out)
}

/// Unpacks for assignment: exactly `n` items, or `n` before a starred list and `after` after.
pub fn unpack(vm: &mut Vm, seq: &Value, n: usize, after: Option<usize>) -> PyResult<Vec<Value>> {
    let items = match seq {
        Value::List(_) | Value::Tuple(_) => collect_iterable(vm, seq)?,
        _ => collect_iterable(vm, seq).map_err(|e| {
            if types::exc_is(&e, |t| &t.type_error)
                && super::len(vm, seq).is_err()
                && !matches!(seq, Value::Instance(_) | Value::Generator(_))
            {
                types::type_error(format!(
                    "cannot unpack non-iterable {} object",
                    seq.type_name()
                ))
            } else {
                e
            }
        })?,
    };
    match after {
        None => {
            if items.len() < n {
                return Err(types::value_error(format!(
                    "not enough values to unpack (expected {}, got {})",
                    n,
                    items.len()
                )));
            }
            if items.len() > n {
                return Err(types::value_error(format!(
                    "too many values to unpack (expected {n})"
                )));
            }
            Ok(items)
        }
        Some(after) => {
            if items.len() < n + after {
                return Err(types::value_error(format!(
                    "not enough values to unpack (expected at least {}, got {})",
                    n + after,
                    items.len()
                )));
            }
            let mut items = items;
            let tail = items.split_off(items.len() - after);
            let middle = items.split_off(n);
            items.push(Value::list(middle));
            items.extend(tail);
            Ok(items)
        }
    }
}

/// `await v`: coroutines pass through; `__await__` must return an iterator.
pub fn get_awaitable(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    match v {
        Value::Generator(g) if g.kind == GenKind::Coroutine => Ok(v.clone()),
        Value::Instance(i) => match i.class.lookup(sym::AWAIT) {
            Some(f) => {
                let it = vm.call(&f, &[v.clone()])?;
                if let Some(g) = crate::stdlib::generators::wrapped_coroutine(&it) {
                    return Ok(Value::Generator(g));
                }
                if let Value::Generator(g) = &it {
                    if g.kind == GenKind::Coroutine {
                        return Err(types::type_error("__await__() returned a coroutine"));
                    }
                }
                if !is_iterator(&it) {
                    return Err(types::type_error(format!(
                        "__await__() returned non-iterator of type '{}'",
                        it.type_name()
                    )));
                }
                Ok(it)
            }
            None => Err(not_awaitable(v)),
        },
        _ => match crate::stdlib::awaitable_of(vm, v)? {
            Some(a) => Ok(a),
            None => Err(not_awaitable(v)),
        },
    }
}

fn not_awaitable(v: &Value) -> Value {
    types::type_error(format!(
        "object {} can't be used in 'await' expression",
        v.type_name()
    ))
}

/// `aiter(v)` for async for.
pub fn get_aiter(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    if let Value::Generator(g) = v {
        if g.kind == GenKind::AsyncGenerator {
            return Ok(v.clone());
        }
    }
    match v.class().lookup(sym::AITER) {
        Some(f) => {
            let it = vm.call(&f, std::slice::from_ref(v))?;
            if !is_async_iterator(&it) {
                return Err(types::type_error(format!(
                    "'async for' received an object from __aiter__ that does not implement __anext__: {}",
                    it.type_name()
                )));
            }
            Ok(it)
        }
        None => Err(types::type_error(format!(
            "'async for' requires an object with __aiter__ method, got {}",
            v.type_name()
        ))),
    }
}

/// True when `v` has `__anext__` (an async generator or a class defining it).
pub fn is_async_iterator(v: &Value) -> bool {
    match v {
        Value::Generator(g) => g.kind == GenKind::AsyncGenerator,
        other => other.class().lookup(sym::ANEXT).is_some(),
    }
}

/// `anext(it)` for async for: an awaitable.
pub fn get_anext(vm: &mut Vm, it: &Value) -> PyResult<Value> {
    if let Value::Generator(g) = it {
        if g.kind == GenKind::AsyncGenerator {
            return crate::stdlib::async_gen_anext(vm, g);
        }
    }
    match it.class().lookup(sym::ANEXT) {
        Some(f) => {
            let aw = vm.call(&f, &[it.clone()])?;
            get_awaitable(vm, &aw).map_err(|_| {
                types::type_error(format!(
                    "'async for' received an invalid object from __anext__: {}",
                    aw.type_name()
                ))
            })
        }
        None => Err(types::type_error(format!(
            "'async for' requires an iterator with __anext__ method, got {}",
            it.type_name()
        ))),
    }
}
