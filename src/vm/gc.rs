//! The cycle collector. Values are reference counted; this finds the groups of
//! container objects that only keep each other alive and breaks them.
//!
//! Every container that can hold other values registers itself here when it is
//! made (`track_*`), as a weak reference. A collection (CPython's algorithm):
//! each live tracked object starts with its strong count; every reference one
//! tracked object holds to another is subtracted; what is left over is referenced
//! from outside (the VM's frames, the event loop, Rust locals, untracked objects)
//! and is alive, as is everything reachable from it. The rest is garbage: its
//! contents are taken out and dropped, which frees the cycles.
//!
//! Traversal must never visit more references than an object really owns (that
//! would free a live object); visiting fewer only keeps garbage alive. So an
//! object whose cell is borrowed is treated as referenced from outside, and
//! kinds that are not tracked act as roots.

use super::generator::Generator;
use crate::value::intern::FxBuild;
use crate::value::object::{BoundMethod, CellRef, Class, Function, Instance, Native};
use crate::value::{Dict, SetObj, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

/// CPython's default first-generation threshold: the fewest new tracked objects
/// between two automatic collections.
pub const DEFAULT_THRESHOLD: usize = 700;

/// A tracked container, held weakly.
enum Tracked {
    List(Weak<RefCell<Vec<Value>>>),
    Dict(Weak<RefCell<Dict>>),
    Set(Weak<SetObj>),
    Tuple(Weak<Vec<Value>>),
    Instance(Weak<Instance>),
    Function(Weak<Function>),
    Method(Weak<BoundMethod>),
    Class(Weak<Class>),
    Generator(Weak<Generator>),
    Native(Weak<Native>),
    Cell(Weak<RefCell<Value>>),
}

/// A tracked container, held strongly during a collection.
enum Obj {
    List(Rc<RefCell<Vec<Value>>>),
    Dict(Rc<RefCell<Dict>>),
    Set(Rc<SetObj>),
    Tuple(Rc<Vec<Value>>),
    Instance(Rc<Instance>),
    Function(Rc<Function>),
    Method(Rc<BoundMethod>),
    Class(Rc<Class>),
    Generator(Rc<Generator>),
    Native(Rc<Native>),
    Cell(CellRef),
}

impl Tracked {
    fn strong_count(&self) -> usize {
        match self {
            Tracked::List(w) => w.strong_count(),
            Tracked::Dict(w) => w.strong_count(),
            Tracked::Set(w) => w.strong_count(),
            Tracked::Tuple(w) => w.strong_count(),
            Tracked::Instance(w) => w.strong_count(),
            Tracked::Function(w) => w.strong_count(),
            Tracked::Method(w) => w.strong_count(),
            Tracked::Class(w) => w.strong_count(),
            Tracked::Generator(w) => w.strong_count(),
            Tracked::Native(w) => w.strong_count(),
            Tracked::Cell(w) => w.strong_count(),
        }
    }

    fn upgrade(&self) -> Option<Obj> {
        Some(match self {
            Tracked::List(w) => Obj::List(w.upgrade()?),
            Tracked::Dict(w) => Obj::Dict(w.upgrade()?),
            Tracked::Set(w) => Obj::Set(w.upgrade()?),
            Tracked::Tuple(w) => Obj::Tuple(w.upgrade()?),
            Tracked::Instance(w) => Obj::Instance(w.upgrade()?),
            Tracked::Function(w) => Obj::Function(w.upgrade()?),
            Tracked::Method(w) => Obj::Method(w.upgrade()?),
            Tracked::Class(w) => Obj::Class(w.upgrade()?),
            Tracked::Generator(w) => Obj::Generator(w.upgrade()?),
            Tracked::Native(w) => Obj::Native(w.upgrade()?),
            Tracked::Cell(w) => Obj::Cell(w.upgrade()?),
        })
    }
}

/// The registry of tracked objects and the collector's settings.
struct Heap {
    objects: Vec<Tracked>,
    /// Objects that survived the last collection (the registry's length after it).
    survivors: usize,
    /// Collect automatically once `objects` is longer than this.
    limit: usize,
    threshold: usize,
    enabled: bool,
    collecting: bool,
    /// Collections run so far, and unreachable objects found by them.
    collections: u64,
    collected: u64,
}

impl Heap {
    /// The registry holds `len` entries, all live: the next check comes after
    /// `max(threshold, len)` more registrations, so the checks cost O(1) each.
    fn set_limit(&mut self, len: usize) {
        self.limit = if self.threshold == 0 {
            usize::MAX
        } else {
            len.saturating_add(self.threshold.max(len))
        };
    }

    /// A collection is worth running: the live tracked objects are more than twice
    /// the survivors of the last one (and more than the threshold beyond them).
    fn grown(&self) -> bool {
        self.threshold != 0
            && self.objects.len() > self.survivors + self.threshold.max(self.survivors)
    }
}

thread_local! {
    static HEAP: RefCell<Heap> = const {
        RefCell::new(Heap {
            objects: Vec::new(),
            survivors: 0,
            limit: DEFAULT_THRESHOLD,
            threshold: DEFAULT_THRESHOLD,
            enabled: true,
            collecting: false,
            collections: 0,
            collected: 0,
        })
    };
    /// An automatic collection is due at the next safe point.
    static DUE: Cell<bool> = const { Cell::new(false) };
}

/// True when enough containers were made since the last collection.
#[inline]
pub fn due() -> bool {
    DUE.with(Cell::get)
}

// Out of line: the dispatch loop inlines the constructors, and stays smaller.
#[inline(never)]
fn track(t: Tracked) {
    let _ = HEAP.try_with(|h| {
        if let Ok(mut h) = h.try_borrow_mut() {
            h.objects.push(t);
            if h.objects.len() > h.limit && h.enabled && !h.collecting {
                DUE.with(|d| d.set(true));
                // The dispatch loop's drop checks lead to its safe point.
                super::generator::request_safe_point();
            }
        }
    });
}

/// Registers a new list.
#[inline]
pub fn track_list(rc: &Rc<RefCell<Vec<Value>>>) {
    track(Tracked::List(Rc::downgrade(rc)));
}

/// Registers a new dict.
#[inline]
pub fn track_dict(rc: &Rc<RefCell<Dict>>) {
    track(Tracked::Dict(Rc::downgrade(rc)));
}

/// Registers a new set or frozenset.
#[inline]
pub fn track_set(rc: &Rc<SetObj>) {
    track(Tracked::Set(Rc::downgrade(rc)));
}

/// Registers a new tuple if it holds anything but atoms (as CPython untracks
/// tuples of atoms).
#[inline]
pub fn track_tuple(rc: &Rc<Vec<Value>>) {
    if rc.iter().any(may_hold) {
        track(Tracked::Tuple(Rc::downgrade(rc)));
    }
}

/// Registers a new instance.
#[inline]
pub fn track_instance(rc: &Rc<Instance>) {
    track(Tracked::Instance(Rc::downgrade(rc)));
}

/// Registers a new function.
#[inline]
pub fn track_function(rc: &Rc<Function>) {
    track(Tracked::Function(Rc::downgrade(rc)));
}

/// Registers a new bound method.
#[inline]
pub fn track_method(rc: &Rc<BoundMethod>) {
    track(Tracked::Method(Rc::downgrade(rc)));
}

/// Registers a new class.
#[inline]
pub fn track_class(rc: &Rc<Class>) {
    track(Tracked::Class(Rc::downgrade(rc)));
}

/// Registers a new generator, coroutine or async generator.
#[inline]
pub fn track_generator(rc: &Rc<Generator>) {
    track(Tracked::Generator(Rc::downgrade(rc)));
}

/// Registers a new closure cell.
#[inline]
pub fn track_cell(rc: &CellRef) {
    track(Tracked::Cell(Rc::downgrade(rc)));
}

/// Registers a native object whose kind `traverse_native` knows (futures, tasks and
/// deques).
#[inline]
pub fn track_native(rc: &Rc<Native>) {
    track(Tracked::Native(Rc::downgrade(rc)));
}

/// Values that can be (or lead to) a tracked container.
#[inline]
fn may_hold(v: &Value) -> bool {
    !matches!(
        v,
        Value::Undef
            | Value::None
            | Value::Bool(_)
            | Value::Int(_)
            | Value::BigInt(_)
            | Value::Float(_)
            | Value::Str(_)
            | Value::Bytes(_)
            | Value::Range(_)
    )
}

/// The address of a value's object when it is of a tracked kind.
#[inline]
fn addr(v: &Value) -> Option<usize> {
    match v {
        Value::List(_)
        | Value::Dict(_)
        | Value::Set(_)
        | Value::Tuple(_)
        | Value::Instance(_)
        | Value::Function(_)
        | Value::Method(_)
        | Value::Class(_)
        | Value::Generator(_)
        | Value::Native(_) => v.ptr(),
        _ => None,
    }
}

fn rc_addr<T>(rc: &Rc<T>) -> usize {
    Rc::as_ptr(rc) as *const u8 as usize
}

impl Obj {
    fn addr(&self) -> usize {
        match self {
            Obj::List(r) => rc_addr(r),
            Obj::Dict(r) => rc_addr(r),
            Obj::Set(r) => rc_addr(r),
            Obj::Tuple(r) => rc_addr(r),
            Obj::Instance(r) => rc_addr(r),
            Obj::Function(r) => rc_addr(r),
            Obj::Method(r) => rc_addr(r),
            Obj::Class(r) => rc_addr(r),
            Obj::Generator(r) => rc_addr(r),
            Obj::Native(r) => rc_addr(r),
            Obj::Cell(r) => rc_addr(r),
        }
    }

    fn strong_count(&self) -> usize {
        match self {
            Obj::List(r) => Rc::strong_count(r),
            Obj::Dict(r) => Rc::strong_count(r),
            Obj::Set(r) => Rc::strong_count(r),
            Obj::Tuple(r) => Rc::strong_count(r),
            Obj::Instance(r) => Rc::strong_count(r),
            Obj::Function(r) => Rc::strong_count(r),
            Obj::Method(r) => Rc::strong_count(r),
            Obj::Class(r) => Rc::strong_count(r),
            Obj::Generator(r) => Rc::strong_count(r),
            Obj::Native(r) => Rc::strong_count(r),
            Obj::Cell(r) => Rc::strong_count(r),
        }
    }

    /// Calls `visit` with the address of every object this one holds a strong
    /// reference to. False when a cell is borrowed and the contents could not be seen.
    fn traverse(&self, visit: &mut dyn FnMut(usize)) -> bool {
        let mut value = |v: &Value| {
            if let Some(a) = addr(v) {
                visit(a)
            }
        };
        match self {
            Obj::List(r) => match r.try_borrow() {
                Ok(items) => items.iter().for_each(value),
                Err(_) => return false,
            },
            Obj::Tuple(r) => r.iter().for_each(value),
            Obj::Dict(r) => match r.try_borrow() {
                Ok(d) => {
                    for e in d.iter() {
                        value(&e.key);
                        value(&e.value);
                    }
                }
                Err(_) => return false,
            },
            Obj::Set(r) => match r.items.try_borrow() {
                Ok(t) => t.iter().for_each(|(_, k)| value(k)),
                Err(_) => return false,
            },
            Obj::Cell(r) => match r.try_borrow() {
                Ok(v) => value(&v),
                Err(_) => return false,
            },
            Obj::Method(m) => {
                value(&m.func);
                value(&m.receiver);
            }
            Obj::Instance(i) => {
                visit(rc_addr(&i.class));
                if !i.dict.traverse(&mut |v| {
                    if let Some(a) = addr(v) {
                        visit(a)
                    }
                }) {
                    return false;
                }
                if let Some(a) = i.dict.shared_addr() {
                    visit(a);
                }
                if let Some(a) = i.base.as_ref().and_then(addr) {
                    visit(a);
                }
                if let Some(exc) = &i.exc {
                    let Ok(e) = exc.try_borrow() else {
                        return false;
                    };
                    let mut value = |v: &Value| {
                        if let Some(a) = addr(v) {
                            visit(a)
                        }
                    };
                    e.args.iter().for_each(&mut value);
                    e.cause.iter().for_each(&mut value);
                    e.context.iter().for_each(&mut value);
                }
            }
            Obj::Function(f) => {
                f.defaults.iter().for_each(&mut value);
                f.kwdefaults.iter().flatten().for_each(&mut value);
                let Ok(d) = f.dict.try_borrow() else {
                    return false;
                };
                d.values().for_each(&mut value);
                f.closure.iter().for_each(|c| visit(rc_addr(c)));
            }
            Obj::Class(c) => {
                let Ok(d) = c.dict.try_borrow() else {
                    return false;
                };
                d.values().for_each(&mut value);
                let Ok(cache) = c.lookup_cache.try_borrow() else {
                    return false;
                };
                cache.for_each_value(&mut value);
                c.base.iter().chain(&c.mro).for_each(|b| visit(rc_addr(b)));
            }
            Obj::Generator(g) => {
                let Ok(frames) = g.frames.try_borrow() else {
                    return false;
                };
                for f in frames.iter() {
                    traverse_frame(f, visit);
                }
            }
            Obj::Native(n) => {
                return traverse_native(n, visit);
            }
        }
        true
    }
}

/// The references a suspended frame holds.
fn traverse_frame(f: &super::frame::Frame, visit: &mut dyn FnMut(usize)) {
    for v in &f.stack {
        if let Some(a) = addr(v) {
            visit(a);
        }
    }
    for c in &f.cells {
        visit(rc_addr(c));
    }
    if let Some(a) = f.handled.as_ref().and_then(addr) {
        visit(a);
    }
    if let super::frame::Entry::Init(v) = &f.entry {
        if let Some(a) = addr(v) {
            visit(a);
        }
    }
    if let Some(func) = &f.function {
        visit(rc_addr(func));
    }
}

/// The references a tracked native object holds (futures, tasks and deques).
fn traverse_native(n: &Native, visit: &mut dyn FnMut(usize)) -> bool {
    let mut value = |v: &Value| {
        if let Some(a) = addr(v) {
            visit(a)
        }
    };
    match n {
        Native::Future(f) => f.for_each_value(&mut value),
        Native::Object { payload, .. } => {
            match payload.downcast_ref::<RefCell<crate::stdlib::deque::Deque>>() {
                Some(d) => match d.try_borrow() {
                    Ok(d) => {
                        d.items.iter().for_each(&mut value);
                        true
                    }
                    Err(_) => false,
                },
                None => true,
            }
        }
        _ => true,
    }
}

/// Takes the contents out of a garbage object (into `bin`, dropped after the pass).
fn clear(obj: &Obj, bin: &mut Vec<Box<dyn std::any::Any>>) {
    match obj {
        Obj::List(r) => {
            if let Ok(mut items) = r.try_borrow_mut() {
                bin.push(Box::new(std::mem::take(&mut *items)));
            }
        }
        Obj::Dict(r) => {
            if let Ok(mut d) = r.try_borrow_mut() {
                bin.push(Box::new(std::mem::take(&mut *d)));
            }
        }
        Obj::Set(r) => {
            if let Ok(mut t) = r.items.try_borrow_mut() {
                bin.push(Box::new(std::mem::take(&mut *t)));
            }
        }
        Obj::Cell(r) => {
            if let Ok(mut v) = r.try_borrow_mut() {
                bin.push(Box::new(std::mem::replace(&mut *v, Value::Undef)));
            }
        }
        Obj::Instance(i) => {
            i.dict.take_into(bin);
            if let Some(exc) = &i.exc {
                if let Ok(mut e) = exc.try_borrow_mut() {
                    bin.push(Box::new(std::mem::take(&mut e.args)));
                    bin.push(Box::new(e.cause.take()));
                    bin.push(Box::new(e.context.take()));
                }
            }
        }
        Obj::Function(f) => {
            if let Ok(mut d) = f.dict.try_borrow_mut() {
                bin.push(Box::new(std::mem::take(&mut *d)));
            }
        }
        Obj::Class(c) => {
            if let Ok(mut d) = c.dict.try_borrow_mut() {
                bin.push(Box::new(std::mem::take(&mut *d)));
            }
            if let Ok(mut cache) = c.lookup_cache.try_borrow_mut() {
                bin.push(Box::new(std::mem::take(&mut *cache)));
            }
            crate::value::object::class_changed();
        }
        Obj::Generator(g) => {
            if let Ok(mut frames) = g.frames.try_borrow_mut() {
                bin.push(Box::new(std::mem::take(&mut *frames)));
            }
        }
        Obj::Native(n) => match &**n {
            Native::Future(f) => f.take_contents(bin),
            Native::Object { payload, .. } => {
                if let Some(d) = payload.downcast_ref::<RefCell<crate::stdlib::deque::Deque>>() {
                    if let Ok(mut d) = d.try_borrow_mut() {
                        bin.push(Box::new(std::mem::take(&mut d.items)));
                    }
                }
            }
            _ => {}
        },
        Obj::Tuple(_) | Obj::Method(_) => {}
    }
}

/// Runs one collection; returns the number of unreachable objects found.
pub fn collect() -> usize {
    DUE.with(|d| d.set(false));
    let objects = HEAP.with(|h| {
        let mut h = h.borrow_mut();
        if h.collecting {
            return None;
        }
        h.collecting = true;
        Some(std::mem::take(&mut h.objects))
    });
    let Some(mut objects) = objects else { return 0 };
    objects.retain(|t| t.strong_count() > 0);
    // Live objects, held strongly for the pass (one extra count each).
    let live: Vec<Obj> = objects.iter().filter_map(Tracked::upgrade).collect();
    let mut index: HashMap<usize, u32, FxBuild> =
        HashMap::with_capacity_and_hasher(live.len(), FxBuild::default());
    for (i, o) in live.iter().enumerate() {
        index.insert(o.addr(), i as u32);
    }
    // References from outside the tracked objects.
    let mut refs: Vec<isize> = live.iter().map(|o| o.strong_count() as isize - 1).collect();
    for o in &live {
        let seen = o.traverse(&mut |a| {
            if let Some(&j) = index.get(&a) {
                refs[j as usize] -= 1;
            }
        });
        if !seen {
            // Its contents could not be counted: keep it (and so them) alive.
            let i = index[&o.addr()] as usize;
            refs[i] = isize::MAX / 2;
        }
    }
    // A negative count means a traversal visited a reference its object does not own.
    debug_assert!(
        refs.iter().all(|&r| r >= 0),
        "cycle collector: references over-counted"
    );
    // Everything reachable from an object referenced from outside is alive.
    let mut alive: Vec<bool> = refs.iter().map(|&r| r > 0).collect();
    let mut candidates = alive.iter().filter(|&&a| !a).count();
    let mut work: Vec<u32> = Vec::new();
    if candidates > 0 {
        // Objects with outside references first; the walk stops once nothing is
        // left that could turn out to be garbage.
        work = (0..live.len() as u32)
            .filter(|&i| alive[i as usize])
            .rev()
            .collect();
        mark(&live, &index, &mut alive, &mut work, &mut candidates);
    }
    let garbage: Vec<u32> = (0..live.len() as u32)
        .filter(|&i| !alive[i as usize])
        .collect();
    let found = garbage.len();
    // Generators with cleanup to run are closed first, with what they reach intact;
    // what they reach is cleared by a later collection if it is still garbage then.
    let mut finalize = Vec::new();
    for &i in &garbage {
        if let Obj::Generator(g) = &live[i as usize] {
            if g.has_finalizer() {
                finalize.push(g.clone());
                alive[i as usize] = true;
                work.push(i);
            }
        }
    }
    let mut all = usize::MAX;
    mark(&live, &index, &mut alive, &mut work, &mut all);
    let mut bin: Vec<Box<dyn std::any::Any>> = Vec::new();
    for &i in &garbage {
        if !alive[i as usize] {
            clear(&live[i as usize], &mut bin);
        }
    }
    for g in &finalize {
        g.finalize_now();
    }
    drop(index);
    drop(bin);
    drop(finalize);
    drop(live);
    // Survivors go back into the registry, followed by anything made meanwhile.
    objects.retain(|t| t.strong_count() > 0);
    HEAP.with(|h| {
        let mut h = h.borrow_mut();
        let made = std::mem::take(&mut h.objects);
        objects.extend(made);
        h.survivors = objects.len();
        h.objects = objects;
        let len = h.survivors;
        h.set_limit(len);
        h.collecting = false;
        h.collections += 1;
        h.collected += found as u64;
    });
    found
}

/// Marks everything reachable from the objects in `work`.
fn mark(
    live: &[Obj],
    index: &HashMap<usize, u32, FxBuild>,
    alive: &mut [bool],
    work: &mut Vec<u32>,
    unmarked: &mut usize,
) {
    while *unmarked > 0 {
        let Some(i) = work.pop() else { break };
        live[i as usize].traverse(&mut |a| {
            if let Some(&j) = index.get(&a) {
                if !alive[j as usize] {
                    alive[j as usize] = true;
                    *unmarked -= 1;
                    work.push(j);
                }
            }
        });
    }
    work.clear();
}

impl super::Vm {
    /// The automatic collection, at a safe point: the dispatch loop's top (reached
    /// after the ops that drop values when something is due) or between the event
    /// loop's callbacks. A native that called back into script code (a sort key, a
    /// `__repr__`) may be below it on the Rust stack: what it holds (values in Rust
    /// locals, frames of the fibers it runs) counts as referenced from outside, and
    /// a cell it has borrowed is never cleared, so it finds its objects intact.
    pub fn collect_if_due(&mut self) {
        if !due() {
            return;
        }
        DUE.with(|d| d.set(false));
        if !is_enabled() {
            return;
        }
        // First drop the entries of objects that refcounting has freed: most die
        // young, and only growth of the live ones calls for a collection.
        let grown = HEAP.with(|h| {
            let Ok(mut h) = h.try_borrow_mut() else {
                return false;
            };
            h.objects.retain(|t| t.strong_count() > 0);
            let len = h.objects.len();
            h.set_limit(len);
            h.grown()
        });
        if grown {
            self.collect_cycles();
        }
    }

    /// A full collection (`gc.collect()` and the automatic one). The event loop's
    /// list of tasks lets go of finished ones first, so a finished task in a cycle
    /// is garbage as it is in CPython (whose loop holds its tasks weakly).
    pub fn collect_cycles(&mut self) -> usize {
        if let Some(l) = self.event_loop.as_mut() {
            l.prune_tasks();
        }
        collect()
    }
}

pub fn is_enabled() -> bool {
    HEAP.with(|h| h.borrow().enabled)
}

pub fn set_enabled(on: bool) {
    HEAP.with(|h| h.borrow_mut().enabled = on);
    if !on {
        DUE.with(|d| d.set(false));
    }
}

/// The automatic threshold (the fewest new objects between collections).
pub fn threshold() -> usize {
    HEAP.with(|h| h.borrow().threshold)
}

pub fn set_threshold(t: usize) {
    HEAP.with(|h| {
        let mut h = h.borrow_mut();
        h.threshold = t;
        let len = h.objects.len();
        h.set_limit(len);
    });
}

/// Tracked objects registered since the last collection.
pub fn count() -> usize {
    HEAP.with(|h| {
        let h = h.borrow();
        h.objects.len().saturating_sub(h.survivors)
    })
}

/// Collections run and unreachable objects found, since the start.
pub fn stats() -> (u64, u64) {
    HEAP.with(|h| {
        let h = h.borrow();
        (h.collections, h.collected)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weak_list(v: &Value) -> Weak<RefCell<Vec<Value>>> {
        match v {
            Value::List(l) => Rc::downgrade(l),
            _ => unreachable!(),
        }
    }

    #[test]
    fn a_list_holding_itself_is_freed() {
        let l = Value::list(vec![Value::Int(1)]);
        if let Value::List(items) = &l {
            items.borrow_mut().push(l.clone());
        }
        let weak = weak_list(&l);
        drop(l);
        assert_eq!(weak.strong_count(), 1);
        assert!(collect() >= 1);
        assert_eq!(weak.strong_count(), 0);
    }

    #[test]
    fn a_reachable_cycle_is_kept_intact() {
        let l = Value::list(vec![Value::Int(7)]);
        let inner = Value::list(vec![l.clone()]);
        if let Value::List(items) = &l {
            items.borrow_mut().push(inner.clone());
        }
        drop(inner);
        assert_eq!(collect(), 0);
        let Value::List(items) = &l else {
            unreachable!()
        };
        assert_eq!(items.borrow().len(), 2);
        assert!(matches!(items.borrow()[0], Value::Int(7)));
    }

    #[test]
    fn collecting_while_a_container_is_borrowed_keeps_it() {
        let l = Value::list(vec![]);
        if let Value::List(items) = &l {
            items.borrow_mut().push(l.clone());
        }
        let weak = weak_list(&l);
        let Value::List(rc) = &l else { unreachable!() };
        let rc = rc.clone();
        drop(l);
        let guard = rc.borrow_mut();
        let _ = collect();
        drop(guard);
        assert_eq!(rc.borrow().len(), 1);
        drop(rc);
        assert!(collect() >= 1);
        assert_eq!(weak.strong_count(), 0);
    }
}
