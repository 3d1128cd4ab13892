//! The no-wait paths of `asyncio.Queue.put` and `get`, done natively: the
//! bookkeeping a producer/consumer pair repeats per item. `asyncio.aio` calls
//! them only for queues whose class keeps Queue's own `_put`, `_get`, `full`,
//! `empty`, `qsize`, `put_nowait` and `get_nowait` (the `_fast` flag set in
//! `Queue.__init__`); whatever they cannot do (a full or empty queue, a shut
//! down one, an unexpected attribute), they leave to the aio code, which is
//! CPython's algorithm. Waking a waiter stays in aio too: they only report it.

use crate::stdlib::deque;
use crate::value::namespace::Namespace;
use crate::value::object::Instance;
use crate::value::{PyResult, Symbol, Value};
use crate::vm::Vm;

type Kw<'a> = &'a [(Symbol, Value)];

/// The attribute names these functions read, interned once per thread.
struct Names {
    queue: Symbol,
    maxsize: Symbol,
    is_shutdown: Symbol,
    unfinished: Symbol,
    finished: Symbol,
    value: Symbol,
    getters: Symbol,
}

thread_local! {
    static NAMES: Names = Names {
        queue: Symbol::new("_queue"),
        maxsize: Symbol::new("_maxsize"),
        is_shutdown: Symbol::new("_is_shutdown"),
        unfinished: Symbol::new("_unfinished_tasks"),
        finished: Symbol::new("_finished"),
        value: Symbol::new("_value"),
        getters: Symbol::new("_getters"),
    };
}

fn instance(v: &Value) -> Option<&Instance> {
    match v {
        Value::Instance(i) => Some(i),
        _ => None,
    }
}

fn int(d: &Namespace, name: Symbol) -> Option<i64> {
    match d.get(&name) {
        Some(Value::Int(n)) => Some(n),
        _ => None,
    }
}

/// `_queue_put_fast(q, item)`: appends `item` when `q` is not full and not shut
/// down. Returns 0 (nothing done: take the general path), 1 (put), or 2 (put,
/// and getters are waiting: wake the next one).
pub fn put_fast(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (Some(q), Some(item)) = (args.first().and_then(instance), args.get(1)) else {
        return Ok(Value::Int(0));
    };
    NAMES.with(|n| {
        let d = &q.dict;
        if !matches!(d.get(&n.is_shutdown), Some(Value::Bool(false))) {
            return Ok(Value::Int(0));
        }
        let (Some(maxsize), Some(unfinished), Some(items)) =
            (int(d, n.maxsize), int(d, n.unfinished), d.get(&n.queue))
        else {
            return Ok(Value::Int(0));
        };
        let Some(items) = deque::cell(&items) else {
            return Ok(Value::Int(0));
        };
        let finished = match d.get(&n.finished) {
            Some(Value::Instance(ref f)) if !std::ptr::eq(&**f, q) => f.clone(),
            _ => return Ok(Value::Int(0)),
        };
        let Some(unfinished) = unfinished.checked_add(1) else {
            return Ok(Value::Int(0));
        };
        {
            let mut items = items.borrow_mut();
            if items.maxlen.is_some() || maxsize > 0 && items.items.len() as i64 >= maxsize {
                return Ok(Value::Int(0));
            }
            items.push(item.clone(), false);
        }
        d.insert(n.unfinished, Value::Int(unfinished));
        finished.dict.insert(n.value, Value::Bool(false));
        let getters_waiting = match d.get(&n.getters) {
            Some(g) => match deque::cell(&g) {
                Some(g) => !g.borrow().items.is_empty(),
                None => true,
            },
            None => true,
        };
        Ok(Value::Int(if getters_waiting { 2 } else { 1 }))
    })
}

/// `_queue_get_fast(q, none)`: takes the front item of a non-empty `q`, or
/// returns `none` (the caller's private sentinel) to take the general path.
pub fn get_fast(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (Some(q), Some(none)) = (args.first().and_then(instance), args.get(1)) else {
        return Ok(args.get(1).cloned().unwrap_or(Value::None));
    };
    NAMES.with(|n| {
        let Some(items) = q.dict.get(&n.queue) else {
            return Ok(none.clone());
        };
        let item = deque::cell(&items).and_then(|d| d.borrow_mut().pop(true));
        Ok(item.unwrap_or_else(|| none.clone()))
    })
}
