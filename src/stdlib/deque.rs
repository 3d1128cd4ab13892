//! `collections.deque` (the native `_collections` module): a double-ended queue
//! over a `VecDeque`, with CPython's surface and messages (maxlen, rotate,
//! index, comparisons, `+`/`*`, repr, iterators that notice mutation).
//!
//! asyncio keeps the waiter futures of its locks and queues in deques, so the
//! `if self._getters:` and `waiters.popleft()` of every hand-over stay native.
//! The operators reach a deque through `cell` (ops.rs and ops/ call in here);
//! a script subclass carries its deque as the instance's builtin base.

use super::types::{getter, int_arg, is_subclass_new, method, recv, wrap_for, Kw};
use crate::value::intern::sym;
use crate::value::object::{Class, Layout, Native};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::{ops, Vm};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

/// A deque's state.
pub struct Deque {
    pub items: VecDeque<Value>,
    /// At most this many items: appending to a full deque drops from the other end.
    pub maxlen: Option<usize>,
    /// Bumped by every change of length or order; iterators and searches compare it.
    state: u64,
}

impl Deque {
    fn new(maxlen: Option<usize>) -> Deque {
        Deque {
            items: VecDeque::new(),
            maxlen,
            state: 0,
        }
    }

    fn touch(&mut self) {
        self.state = self.state.wrapping_add(1);
    }

    /// Appends on the right (left when `left`), trimming the other end past maxlen.
    pub fn push(&mut self, x: Value, left: bool) {
        self.touch();
        if self.maxlen == Some(0) {
            return;
        }
        if self.maxlen.is_some_and(|m| self.items.len() >= m) {
            if left {
                self.items.pop_back();
            } else {
                self.items.pop_front();
            }
        }
        if left {
            self.items.push_front(x);
        } else {
            self.items.push_back(x);
        }
    }

    /// Takes the right (left when `left`) item.
    pub fn pop(&mut self, left: bool) -> Option<Value> {
        let x = if left {
            self.items.pop_front()
        } else {
            self.items.pop_back()
        };
        if x.is_some() {
            self.touch();
        }
        x
    }
}

/// The payload of a deque iterator: the deque, the next position, and the state
/// the deque had when the iterator was made.
struct DequeIter {
    deque: Value,
    index: Cell<usize>,
    state: u64,
    reverse: bool,
}

struct Classes {
    deque: Rc<Class>,
    iter: Rc<Class>,
    reverse_iter: Rc<Class>,
}

thread_local! {
    static CLASSES: Classes = make_classes();
}

fn make_classes() -> Classes {
    let object = types::with_types(|t| t.object.clone());
    let deque = types::new_class_in("deque", Some(&object), Layout::Native, false, "collections");
    let methods: &[(&'static str, crate::value::object::NativeFn)] = &[
        ("__new__", deque_new),
        ("__init__", deque_init),
        ("append", append),
        ("appendleft", appendleft),
        ("pop", pop),
        ("popleft", popleft),
        ("extend", extend),
        ("extendleft", extendleft),
        ("insert", insert),
        ("remove", remove),
        ("index", index),
        ("count", count),
        ("rotate", rotate),
        ("reverse", reverse),
        ("clear", clear),
        ("copy", copy),
        ("__copy__", copy),
        ("__len__", dunder_len),
        ("__getitem__", dunder_getitem),
        ("__setitem__", dunder_setitem),
        ("__delitem__", dunder_delitem),
        ("__contains__", dunder_contains),
        ("__iter__", dunder_iter),
        ("__reversed__", dunder_reversed),
        ("__repr__", dunder_repr),
        ("__add__", dunder_add),
        ("__mul__", dunder_mul),
        ("__rmul__", dunder_mul),
        ("__iadd__", dunder_iadd),
        ("__imul__", dunder_imul),
    ];
    for (name, f) in methods {
        method(&deque, name, *f);
    }
    getter(&deque, "maxlen", maxlen);
    types::set_class_attr(&deque, "__hash__", Value::None);
    let iter_class = |name: &str| {
        let c = types::new_class_in(name, Some(&object), Layout::Native, false, "_collections");
        method(&c, "__iter__", iter_self);
        method(&c, "__next__", iter_next);
        method(&c, "__length_hint__", iter_length_hint);
        method(&c, "__repr__", iter_repr);
        c
    };
    Classes {
        deque: deque.clone(),
        iter: iter_class("_deque_iterator"),
        reverse_iter: iter_class("_deque_reverse_iterator"),
    }
}

/// The `deque` class.
pub fn class() -> Rc<Class> {
    CLASSES.with(|c| c.deque.clone())
}

/// Builds the `_collections` module.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("_collections");
    m.globals
        .insert(Symbol::new("__name__"), Value::str("_collections"));
    m.globals
        .insert(Symbol::new("deque"), Value::Class(class()));
    Value::Module(m)
}

/// True for the `deque` class itself.
pub fn is_class(c: &Class) -> bool {
    CLASSES.with(|k| std::ptr::eq(c, &*k.deque))
}

/// A builtin class's name as CPython's messages spell it (`collections.deque`).
pub fn tp_name(c: &Class) -> String {
    if is_class(c) {
        "collections.deque".to_string()
    } else {
        c.name.clone()
    }
}

/// A new deque value holding `items`.
pub fn new_value(items: VecDeque<Value>, maxlen: Option<usize>) -> Value {
    let mut d = Deque::new(maxlen);
    d.items = items;
    let rc = std::rc::Rc::new(Native::Object {
        class: class(),
        payload: Box::new(RefCell::new(d)),
    });
    // A deque can hold itself or things that point back to it.
    crate::vm::gc::track_native(&rc);
    Value::Native(rc)
}

/// The state of a deque value (not of a subclass instance: see `ops::base_value`).
#[inline]
pub fn cell(v: &Value) -> Option<&RefCell<Deque>> {
    match v {
        Value::Native(n) => match &**n {
            Native::Object { payload, .. } => payload.downcast_ref::<RefCell<Deque>>(),
            _ => None,
        },
        _ => None,
    }
}

/// True for a deque value.
pub fn is_deque(v: &Value) -> bool {
    cell(v).is_some()
}

/// The items of a deque value, copied.
pub fn snapshot(v: &Value) -> Option<Vec<Value>> {
    cell(v).map(|d| d.borrow().items.iter().cloned().collect())
}

fn this<'a>(args: &'a [Value], name: &str) -> PyResult<&'a RefCell<Deque>> {
    let v = recv(args);
    cell(v).ok_or_else(|| {
        types::type_error(format!(
            "descriptor '{name}' for 'collections.deque' objects doesn't apply to a '{}' object",
            args.first().unwrap_or(&Value::None).type_name()
        ))
    })
}

/// CPython's check for a method with a fixed number of arguments after self.
fn takes(name: &str, args: &[Value], n: usize) -> PyResult<()> {
    let given = args.len().saturating_sub(1);
    if given == n {
        return Ok(());
    }
    Err(types::type_error(match n {
        0 => format!("deque.{name}() takes no arguments ({given} given)"),
        _ => format!("deque.{name}() takes exactly one argument ({given} given)"),
    }))
}

fn no_kwargs(name: &str, kwargs: Kw) -> PyResult<()> {
    super::types::no_kwargs(name, kwargs)
}

fn mutated(index_error: bool) -> Value {
    let msg = "deque mutated during iteration";
    if index_error {
        types::index_error(msg)
    } else {
        types::runtime_error(msg)
    }
}

// ---------------------------------------------------------------- construction

/// `deque(iterable=(), maxlen=None)`'s arguments: (iterable, maxlen).
fn parse_args(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<(Option<Value>, Option<usize>)> {
    if args.len() > 2 {
        return Err(types::type_error(format!(
            "deque() takes at most 2 arguments ({} given)",
            args.len() + kwargs.len()
        )));
    }
    let mut iterable = args.first().cloned();
    let mut maxlen = args.get(1).cloned();
    for (k, v) in kwargs {
        let slot = match &*k.text() {
            "iterable" => &mut iterable,
            "maxlen" => &mut maxlen,
            other => {
                return Err(types::type_error(format!(
                    "'{other}' is an invalid keyword argument for deque()"
                )))
            }
        };
        if slot.is_some() {
            let (name, pos) = if *k == Symbol::new("iterable") {
                ("iterable", 1)
            } else {
                ("maxlen", 2)
            };
            return Err(types::type_error(format!(
                "argument for deque() given by name ('{name}') and position ({pos})"
            )));
        }
        *slot = Some(v.clone());
    }
    let maxlen = match maxlen {
        None | Some(Value::None) => None,
        Some(v @ (Value::Int(_) | Value::Bool(_))) => {
            let n = v.as_i64().unwrap_or(0);
            if n < 0 {
                return Err(types::value_error("maxlen must be non-negative"));
            }
            Some(n as usize)
        }
        Some(Value::BigInt(_)) => {
            return Err(types::overflow_error(
                "Python int too large to convert to C ssize_t",
            ))
        }
        Some(v) => match ops::inherited(&v, sym::INDEX) {
            Some(b) if b.is_int() => {
                let n = b.as_i64().unwrap_or(-1);
                if n < 0 {
                    return Err(types::value_error("maxlen must be non-negative"));
                }
                Some(n as usize)
            }
            _ => return Err(types::type_error("an integer is required")),
        },
    };
    let _ = vm;
    Ok((iterable, maxlen))
}

fn deque_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let cls = args.first().cloned().unwrap_or(Value::None);
    if is_subclass_new(&cls) {
        // The items come from `deque.__init__`, as in CPython.
        return Ok(wrap_for(&cls, new_value(VecDeque::new(), None)));
    }
    let (iterable, maxlen) = parse_args(vm, &args[1..], kwargs)?;
    let v = new_value(VecDeque::new(), maxlen);
    if let (Some(src), Some(d)) = (iterable, cell(&v)) {
        extend_from(vm, d, &v, &src, false)?;
    }
    Ok(v)
}

fn deque_init(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let d = this(args, "__init__")?;
    let (iterable, maxlen) = parse_args(vm, &args[1..], kwargs)?;
    {
        let mut d = d.borrow_mut();
        d.maxlen = maxlen;
        if !d.items.is_empty() {
            d.items.clear();
            d.touch();
        }
    }
    if let Some(src) = iterable {
        extend_from(vm, d, recv(args), &src, false)?;
    }
    Ok(Value::None)
}

/// Appends every item of `src` (on the left, reversing them, when `left`).
fn extend_from(
    vm: &mut Vm,
    d: &RefCell<Deque>,
    me: &Value,
    src: &Value,
    left: bool,
) -> PyResult<()> {
    // Itself (CPython copies first), or another plain deque, list or tuple: no iterator.
    let known = if ops::base_value(src).is(me) {
        snapshot(me)
    } else {
        match src {
            Value::List(l) => Some(l.borrow().clone()),
            Value::Tuple(t) => Some((**t).clone()),
            _ => snapshot(src),
        }
    };
    if let Some(items) = known {
        let mut d = d.borrow_mut();
        for x in items {
            d.push(x, left);
        }
        return Ok(());
    }
    let it = ops::get_iter(vm, src)?;
    let mut n = 0usize;
    while let Some(x) = ops::iter_next(vm, &it)? {
        d.borrow_mut().push(x, left);
        n += 1;
        if n.is_multiple_of(65536) {
            vm.check_limits()?;
            crate::vm::limits::check_alloc_items(d.borrow().items.len(), 16)?;
        }
    }
    Ok(())
}

fn maxlen(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let d = this(args, "maxlen")?;
    Ok(match d.borrow().maxlen {
        Some(m) => Value::Int(m as i64),
        None => Value::None,
    })
}

// ---------------------------------------------------------------- methods

fn append(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.append", kwargs)?;
    takes("append", args, 1)?;
    this(args, "append")?
        .borrow_mut()
        .push(args[1].clone(), false);
    Ok(Value::None)
}

fn appendleft(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.appendleft", kwargs)?;
    takes("appendleft", args, 1)?;
    this(args, "appendleft")?
        .borrow_mut()
        .push(args[1].clone(), true);
    Ok(Value::None)
}

fn pop_end(args: &[Value], kwargs: Kw, name: &str, left: bool) -> PyResult<Value> {
    no_kwargs(&format!("deque.{name}"), kwargs)?;
    takes(name, args, 0)?;
    this(args, name)?
        .borrow_mut()
        .pop(left)
        .ok_or_else(|| types::index_error("pop from an empty deque"))
}

fn pop(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    pop_end(args, kwargs, "pop", false)
}

fn popleft(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    pop_end(args, kwargs, "popleft", true)
}

fn extend(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.extend", kwargs)?;
    takes("extend", args, 1)?;
    let d = this(args, "extend")?;
    extend_from(vm, d, recv(args), &args[1], false)?;
    Ok(Value::None)
}

fn extendleft(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.extendleft", kwargs)?;
    takes("extendleft", args, 1)?;
    let d = this(args, "extendleft")?;
    extend_from(vm, d, recv(args), &args[1], true)?;
    Ok(Value::None)
}

fn insert(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.insert", kwargs)?;
    if args.len() != 3 {
        return Err(types::type_error(format!(
            "insert expected 2 arguments, got {}",
            args.len().saturating_sub(1)
        )));
    }
    let d = this(args, "insert")?;
    let i = int_arg(vm, &args[1])?;
    let mut d = d.borrow_mut();
    let len = d.items.len();
    if d.maxlen == Some(len) {
        return Err(types::index_error("deque already at its maximum size"));
    }
    let at = if i < 0 {
        (i + len as i64).max(0) as usize
    } else {
        (i as usize).min(len)
    };
    d.items.insert(at, args[2].clone());
    d.touch();
    Ok(Value::None)
}

/// The position of the first item equal to `x` in `start..stop`, comparing with
/// the deque unborrowed (an `__eq__` may change it: that is an error).
fn find(
    vm: &mut Vm,
    d: &RefCell<Deque>,
    x: &Value,
    start: usize,
    stop: usize,
    index_error: bool,
) -> PyResult<Option<usize>> {
    let state = d.borrow().state;
    for i in start..stop {
        let item = match d.borrow().items.get(i) {
            Some(v) => v.clone(),
            None => break,
        };
        let same = item.is(x) || ops::eq(vm, &item, x)?;
        if d.borrow().state != state {
            return Err(mutated(index_error));
        }
        if same {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn not_in_deque(vm: &mut Vm, x: &Value) -> PyResult<Value> {
    Ok(types::value_error(format!(
        "{} is not in deque",
        ops::repr(vm, x)?
    )))
}

fn remove(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.remove", kwargs)?;
    takes("remove", args, 1)?;
    let d = this(args, "remove")?;
    let len = d.borrow().items.len();
    match find(vm, d, &args[1], 0, len, true)? {
        Some(i) => {
            let mut d = d.borrow_mut();
            d.items.remove(i);
            d.touch();
            Ok(Value::None)
        }
        None => Err(not_in_deque(vm, &args[1])?),
    }
}

fn slice_bound(vm: &mut Vm, v: Option<&Value>, default: i64) -> PyResult<i64> {
    match v {
        None => Ok(default),
        Some(Value::BigInt(b)) => Ok(if num_traits::Signed::is_negative(&**b) {
            i64::MIN
        } else {
            i64::MAX
        }),
        Some(v) => ops::index_of(vm, v, "").map_err(|_| {
            types::type_error("slice indices must be integers or have an __index__ method")
        }),
    }
}

fn index(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.index", kwargs)?;
    let given = args.len().saturating_sub(1);
    if given == 0 {
        return Err(types::type_error(
            "index expected at least 1 argument, got 0",
        ));
    }
    if given > 3 {
        return Err(types::type_error(format!(
            "index expected at most 3 arguments, got {given}"
        )));
    }
    let d = this(args, "index")?;
    let len = d.borrow().items.len() as i64;
    let mut start = slice_bound(vm, args.get(2), 0)?;
    let mut stop = slice_bound(vm, args.get(3), len)?;
    if start < 0 {
        start = start.saturating_add(len).max(0);
    }
    if stop < 0 {
        stop = stop.saturating_add(len).max(0);
    }
    let stop = stop.min(len);
    let start = start.min(stop);
    match find(vm, d, &args[1], start as usize, stop as usize, false)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => Err(not_in_deque(vm, &args[1])?),
    }
}

fn count(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.count", kwargs)?;
    takes("count", args, 1)?;
    let d = this(args, "count")?;
    let state = d.borrow().state;
    let len = d.borrow().items.len();
    let mut n = 0;
    for i in 0..len {
        let item = match d.borrow().items.get(i) {
            Some(v) => v.clone(),
            None => break,
        };
        let same = item.is(&args[1]) || ops::eq(vm, &item, &args[1])?;
        if d.borrow().state != state {
            return Err(mutated(false));
        }
        n += same as i64;
    }
    Ok(Value::Int(n))
}

/// `x in d`.
pub fn contains(vm: &mut Vm, d: &RefCell<Deque>, x: &Value) -> PyResult<bool> {
    let len = d.borrow().items.len();
    Ok(find(vm, d, x, 0, len, false)?.is_some())
}

fn rotate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.rotate", kwargs)?;
    crate::stdlib::builtins::arity("deque.rotate", &args[1..], 0, 1)?;
    let d = this(args, "rotate")?;
    let n = match args.get(1) {
        Some(v) => int_arg(vm, v)?,
        None => 1,
    };
    let mut d = d.borrow_mut();
    let len = d.items.len();
    if len > 1 {
        let k = n.rem_euclid(len as i64) as usize;
        d.items.rotate_right(k);
        d.touch();
    }
    Ok(Value::None)
}

fn reverse(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.reverse", kwargs)?;
    takes("reverse", args, 0)?;
    let d = this(args, "reverse")?;
    d.borrow_mut().items.make_contiguous().reverse();
    Ok(Value::None)
}

fn clear(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.clear", kwargs)?;
    takes("clear", args, 0)?;
    let d = this(args, "clear")?;
    // Dropping the items may run arbitrary code later: take them out first.
    let old = {
        let mut d = d.borrow_mut();
        if !d.items.is_empty() {
            d.touch();
        }
        std::mem::take(&mut d.items)
    };
    drop(old);
    Ok(Value::None)
}

/// A copy of the deque `v` of the same type (a subclass is called with the items
/// and maxlen, as CPython does).
fn copy_of(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    let base = ops::base_value(v);
    let d = cell(base).ok_or_else(|| types::type_error("deque expected"))?;
    if let Value::Instance(i) = v {
        let cls = Value::Class(i.class.clone());
        return match d.borrow().maxlen {
            Some(m) => vm.call(&cls, &[v.clone(), Value::Int(m as i64)]),
            None => vm.call(&cls, std::slice::from_ref(v)),
        };
    }
    let d = d.borrow();
    Ok(new_value(d.items.clone(), d.maxlen))
}

fn copy(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    no_kwargs("deque.copy", kwargs)?;
    takes("copy", args, 0)?;
    this(args, "copy")?;
    copy_of(vm, &args[0])
}

// ---------------------------------------------------------------- sequence protocol

/// A deque index: an int (or `__index__`), with CPython's wording otherwise.
fn seq_index(vm: &mut Vm, key: &Value, len: usize) -> PyResult<usize> {
    let i = match key {
        Value::Int(_) | Value::Bool(_) | Value::BigInt(_) => ops::index_of(vm, key, "")?,
        Value::Instance(i) if i.class.lookup(sym::INDEX).is_some() => ops::index_of(vm, key, "")?,
        _ => {
            return Err(types::type_error(format!(
                "sequence index must be integer, not '{}'",
                key.type_name()
            )))
        }
    };
    let j = if i < 0 { i + len as i64 } else { i };
    if j < 0 || j >= len as i64 {
        return Err(types::index_error("deque index out of range"));
    }
    Ok(j as usize)
}

/// `d[key]`.
pub fn getitem(vm: &mut Vm, d: &RefCell<Deque>, key: &Value) -> PyResult<Value> {
    let len = d.borrow().items.len();
    let i = seq_index(vm, key, len)?;
    d.borrow()
        .items
        .get(i)
        .cloned()
        .ok_or_else(|| types::index_error("deque index out of range"))
}

/// `d[key] = value`.
pub fn setitem(vm: &mut Vm, d: &RefCell<Deque>, key: &Value, value: Value) -> PyResult<()> {
    let len = d.borrow().items.len();
    let i = seq_index(vm, key, len)?;
    let old = match d.borrow_mut().items.get_mut(i) {
        Some(slot) => std::mem::replace(slot, value),
        None => return Err(types::index_error("deque index out of range")),
    };
    drop(old);
    Ok(())
}

/// `del d[key]`.
pub fn delitem(vm: &mut Vm, d: &RefCell<Deque>, key: &Value) -> PyResult<()> {
    let len = d.borrow().items.len();
    let i = seq_index(vm, key, len)?;
    let old = {
        let mut d = d.borrow_mut();
        d.touch();
        d.items.remove(i)
    };
    drop(old);
    Ok(())
}

fn dunder_len(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Int(
        this(args, "__len__")?.borrow().items.len() as i64
    ))
}

fn dunder_getitem(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    takes("__getitem__", args, 1)?;
    getitem(vm, this(args, "__getitem__")?, &args[1])
}

fn dunder_setitem(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if args.len() != 3 {
        return Err(types::type_error(format!(
            "expected 2 arguments, got {}",
            args.len().saturating_sub(1)
        )));
    }
    setitem(vm, this(args, "__setitem__")?, &args[1], args[2].clone())?;
    Ok(Value::None)
}

fn dunder_delitem(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    takes("__delitem__", args, 1)?;
    delitem(vm, this(args, "__delitem__")?, &args[1])?;
    Ok(Value::None)
}

fn dunder_contains(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    takes("__contains__", args, 1)?;
    Ok(Value::Bool(contains(
        vm,
        this(args, "__contains__")?,
        &args[1],
    )?))
}

// ---------------------------------------------------------------- iteration

fn new_iter(v: &Value, reverse: bool) -> PyResult<Value> {
    let base = ops::base_value(v);
    let d = cell(base).ok_or_else(|| types::type_error("deque expected"))?;
    let (state, len) = {
        let d = d.borrow();
        (d.state, d.items.len())
    };
    let class = CLASSES.with(|c| {
        if reverse {
            c.reverse_iter.clone()
        } else {
            c.iter.clone()
        }
    });
    Ok(Value::native(Native::Object {
        class,
        payload: Box::new(DequeIter {
            deque: base.clone(),
            index: Cell::new(if reverse { len } else { 0 }),
            state,
            reverse,
        }),
    }))
}

fn iter_state(args: &[Value]) -> PyResult<&DequeIter> {
    match args.first() {
        Some(Value::Native(n)) => match &**n {
            Native::Object { payload, .. } => payload.downcast_ref::<DequeIter>(),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| types::type_error("deque iterator expected"))
}

fn dunder_iter(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    this(args, "__iter__")?;
    new_iter(&args[0], false)
}

fn dunder_reversed(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    this(args, "__reversed__")?;
    new_iter(&args[0], true)
}

fn iter_self(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    iter_state(args)?;
    Ok(args[0].clone())
}

fn iter_next(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let it = iter_state(args)?;
    let d = cell(&it.deque).ok_or_else(|| types::type_error("deque expected"))?;
    let d = d.borrow();
    if d.state != it.state {
        return Err(mutated(false));
    }
    let i = it.index.get();
    let item = if it.reverse {
        if i == 0 {
            None
        } else {
            it.index.set(i - 1);
            d.items.get(i - 1).cloned()
        }
    } else {
        let x = d.items.get(i).cloned();
        if x.is_some() {
            it.index.set(i + 1);
        }
        x
    };
    item.ok_or_else(|| types::stop_iteration(Value::None))
}

fn iter_length_hint(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let it = iter_state(args)?;
    let len = cell(&it.deque).map_or(0, |d| d.borrow().items.len());
    let i = it.index.get();
    Ok(Value::Int(
        if it.reverse { i } else { len.saturating_sub(i) } as i64,
    ))
}

fn iter_repr(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let v = args.first().unwrap_or(crate::value::NONE_REF);
    Ok(Value::str(format!(
        "<_collections.{} object at {:#x}>",
        v.class().name,
        v.ptr().unwrap_or(0)
    )))
}

// ---------------------------------------------------------------- repr and operators

fn dunder_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let d = this(args, "__repr__")?;
    let v = &args[0];
    let name = v.class().name.clone();
    if vm.repr_guard(v) {
        return Ok(Value::str("[...]"));
    }
    let (items, maxlen) = {
        let d = d.borrow();
        (d.items.iter().cloned().collect::<Vec<_>>(), d.maxlen)
    };
    let mut body = String::new();
    let mut result = Ok(());
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            body.push_str(", ");
        }
        match ops::repr(vm, x) {
            Ok(s) => body.push_str(&s),
            Err(e) => {
                result = Err(e);
                break;
            }
        }
    }
    vm.repr_unguard(v);
    result?;
    Ok(Value::str(match maxlen {
        Some(m) => format!("{name}([{body}], maxlen={m})"),
        None => format!("{name}([{body}])"),
    }))
}

fn not_implemented() -> Value {
    Value::native(Native::NotImplemented)
}

/// `a + b` for two deques: a copy of `a` (its type and maxlen) extended by `b`.
pub fn concat(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<Value> {
    let Some(items) = snapshot(ops::base_value(b)) else {
        return Ok(not_implemented());
    };
    let result = copy_of(vm, a)?;
    if let Some(d) = cell(ops::base_value(&result)) {
        let mut d = d.borrow_mut();
        for x in items {
            d.push(x, false);
        }
    }
    Ok(result)
}

/// The repeat count of `d * n`, or None when `n` is not an int.
fn repeat_count(vm: &mut Vm, n: &Value) -> PyResult<Option<i64>> {
    match n {
        Value::Int(_) | Value::Bool(_) => Ok(n.as_i64()),
        Value::BigInt(b) => {
            if num_traits::Signed::is_negative(&**b) {
                Ok(Some(0))
            } else {
                Err(types::overflow_error(
                    "cannot fit 'int' into an index-sized integer",
                ))
            }
        }
        Value::Instance(i) if i.class.lookup(sym::INDEX).is_some() => {
            ops::index_of(vm, n, "").map(Some)
        }
        _ => Ok(None),
    }
}

/// Repeats the items of `d` in place `n` times, keeping only the last maxlen.
fn repeat_in_place(d: &RefCell<Deque>, n: i64) -> PyResult<()> {
    let mut d = d.borrow_mut();
    let len = d.items.len();
    if n == 1 || len == 0 {
        return Ok(());
    }
    if n <= 0 {
        d.items.clear();
        d.touch();
        return Ok(());
    }
    let total = (len as u128) * (n as u128);
    let keep = match d.maxlen {
        Some(m) => total.min(m as u128),
        None => total,
    };
    if keep > (1 << 28) {
        return Err(types::memory_error(""));
    }
    crate::vm::limits::check_alloc_items(keep as usize, 16)?;
    let first = total - keep;
    let items: Vec<Value> = d.items.iter().cloned().collect();
    let out: VecDeque<Value> = (first..total)
        .map(|p| items[(p % len as u128) as usize].clone())
        .collect();
    d.items = out;
    d.touch();
    Ok(())
}

/// `d * n` (or `n * d`): a new deque of the same type and maxlen.
pub fn repeat(vm: &mut Vm, d: &Value, n: &Value) -> PyResult<Value> {
    let Some(n) = repeat_count(vm, n)? else {
        return Ok(not_implemented());
    };
    let result = copy_of(vm, d)?;
    if let Some(cell) = cell(ops::base_value(&result)) {
        repeat_in_place(cell, n)?;
    }
    Ok(result)
}

/// `d += other`: extends `d` by any iterable.
pub fn inplace_add(vm: &mut Vm, d: &Value, other: &Value) -> PyResult<()> {
    let base = ops::base_value(d);
    if let Some(c) = cell(base) {
        extend_from(vm, c, base, other, false)?;
    }
    Ok(())
}

/// `d *= n`; false when `n` is not an int.
pub fn inplace_mul(vm: &mut Vm, d: &Value, n: &Value) -> PyResult<bool> {
    let Some(n) = repeat_count(vm, n)? else {
        return Ok(false);
    };
    if let Some(c) = cell(ops::base_value(d)) {
        repeat_in_place(c, n)?;
    }
    Ok(true)
}

fn dunder_add(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    takes("__add__", args, 1)?;
    this(args, "__add__")?;
    concat(vm, &args[0], &args[1])
}

fn dunder_mul(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    takes("__mul__", args, 1)?;
    this(args, "__mul__")?;
    repeat(vm, &args[0], &args[1])
}

fn dunder_iadd(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    takes("__iadd__", args, 1)?;
    this(args, "__iadd__")?;
    inplace_add(vm, &args[0], &args[1])?;
    Ok(args[0].clone())
}

fn dunder_imul(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    takes("__imul__", args, 1)?;
    this(args, "__imul__")?;
    if inplace_mul(vm, &args[0], &args[1])? {
        Ok(args[0].clone())
    } else {
        Ok(not_implemented())
    }
}
