//! The no-wait paths of `asyncio.Queue.put` and `get`, done natively: the
//! bookkeeping a producer/consumer pair repeats per item. `asyncio.aio` calls
//! them only for queues whose class keeps Queue's own `_put`, `_get`, `full`,
//! `empty`, `qsize`, `put_nowait` and `get_nowait` (the `_fast` flag set in
//! `Queue.__init__`); whatever they cannot do (a full or empty queue, a shut
//! down one, an unexpected attribute), they leave to the aio code, which is
//! CPython's algorithm. Waking a waiter stays in aio too: they only report it.

use crate::value::namespace::Namespace;
use crate::value::object::Instance;
use crate::value::{PyResult, Symbol, Value};
use crate::vm::Vm;

type Kw<'a> = &'a [(Symbol, Value)];

/// The attribute names these functions read, interned once per thread.
struct Names {
    queue: Symbol,
    head: Symbol,
    maxsize: Symbol,
    is_shutdown: Symbol,
    unfinished: Symbol,
    finished: Symbol,
    value: Symbol,
    getters: Symbol,
    items: Symbol,
}

thread_local! {
    static NAMES: Names = Names {
        queue: Symbol::new("_queue"),
        head: Symbol::new("_head"),
        maxsize: Symbol::new("_maxsize"),
        is_shutdown: Symbol::new("_is_shutdown"),
        unfinished: Symbol::new("_unfinished_tasks"),
        finished: Symbol::new("_finished"),
        value: Symbol::new("_value"),
        getters: Symbol::new("_getters"),
        items: Symbol::new("_items"),
    };
}

/// Past this many taken items at the front, `_get` compacts the list once
/// they are at least half of it (the same rule as `Queue._get`).
const COMPACT_AT: usize = 1024;

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

fn list(d: &Namespace, name: Symbol) -> Option<Value> {
    match d.get(&name) {
        Some(v @ Value::List(_)) => Some(v),
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
        let (Some(maxsize), Some(head), Some(unfinished), Some(Value::List(ref items))) = (
            int(d, n.maxsize),
            int(d, n.head),
            int(d, n.unfinished),
            list(d, n.queue),
        ) else {
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
            if maxsize > 0 && items.len() as i64 - head >= maxsize {
                return Ok(Value::Int(0));
            }
            items.push(item.clone());
        }
        d.insert(n.unfinished, Value::Int(unfinished));
        finished.dict.insert(n.value, Value::Bool(false));
        let getters_waiting = match d.get(&n.getters) {
            Some(Value::List(ref g)) => !g.borrow().is_empty(),
            // The `_Waiters` FIFO: futures in `_items[_head:]`.
            Some(Value::Instance(ref w)) => match (list(&w.dict, n.items), int(&w.dict, n.head)) {
                (Some(Value::List(ref l)), Some(h)) => l.borrow().len() as i64 != h,
                _ => true,
            },
            _ => true,
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
        let d = &q.dict;
        let (Some(head), Some(Value::List(ref items))) = (int(d, n.head), list(d, n.queue)) else {
            return Ok(none.clone());
        };
        let mut items = items.borrow_mut();
        let Ok(front) = usize::try_from(head) else {
            return Ok(none.clone());
        };
        if front >= items.len() {
            return Ok(none.clone());
        }
        let item = std::mem::replace(&mut items[front], Value::None);
        let mut head = front + 1;
        if head == items.len() {
            items.clear();
            head = 0;
        } else if head >= COMPACT_AT && head * 2 >= items.len() {
            items.drain(..head);
            head = 0;
        }
        drop(items);
        d.insert(n.head, Value::Int(head as i64));
        Ok(item)
    })
}
