//! Freeing objects without recursion (CPython's "trashcan").
//!
//! Rust's drop glue frees a list by freeing its items, each of which frees its
//! own items, and so on: one Rust stack frame per level, so a list nested a
//! million deep (`x = [x]` in a loop), a linked list of instances or a million
//! chained exceptions would overflow the stack when the outermost reference
//! goes. Instead, when the last reference to a container goes, `Value`'s `Drop`
//! moves the values it holds that can hold further objects out of it (leaving
//! `None` behind) before the glue frees it: the glue then frees only leaves
//! (numbers, strings, bytes). The outermost such drop frees the moved-out
//! values one at a time from a work list, each handing its own children to the
//! same list, so the Rust stack never grows with the nesting depth.
//!
//! Shared children are moved out too (freeing them only drops a count): a child
//! left in place whose last reference goes inside the glue would start the same
//! recursion one level down. An object is freed before its children, and the
//! children in CPython's order (a list's and a tuple's from the last item back,
//! everything else in order), with the work list used as a stack: the order
//! shows in a dropped coroutine's "never awaited" warnings.
//!
//! The common path stays cheap: dropping a scalar is one tag test, dropping a
//! shared reference adds a count test, and a last reference whose children are
//! all leaves allocates nothing.

use super::object::{CellRef, IterState, Native};
use super::Value;
use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::rc::Rc;

thread_local! {
    /// Values moved out of containers freed while `DRAINING`: the outermost drop frees them.
    /// Never dropped itself (it is empty between drops), so it stays usable while the
    /// thread's other locals are destroyed and free values.
    static PENDING: ManuallyDrop<RefCell<Vec<Value>>> =
        const { ManuallyDrop::new(RefCell::new(Vec::new())) };
    /// An outermost drop is freeing the work list: nested drops only add to it.
    static DRAINING: Cell<bool> = const { Cell::new(false) };
}

impl Drop for Value {
    #[inline]
    fn drop(&mut self) {
        if self.is_last_ref_to_container() {
            // The glue then frees None: nothing.
            release(std::mem::replace(self, Value::None));
        }
    }
}

impl Value {
    /// True for the last reference to an object that can hold other objects.
    #[inline(always)]
    fn is_last_ref_to_container(&self) -> bool {
        match self {
            Value::Tuple(r) => Rc::strong_count(r) == 1,
            Value::List(r) => Rc::strong_count(r) == 1,
            Value::Dict(r) => Rc::strong_count(r) == 1,
            Value::Set(r) => Rc::strong_count(r) == 1,
            Value::Function(r) => Rc::strong_count(r) == 1,
            Value::Builtin(r) => Rc::strong_count(r) == 1,
            Value::Method(r) => Rc::strong_count(r) == 1,
            Value::Class(r) => Rc::strong_count(r) == 1,
            Value::Instance(r) => Rc::strong_count(r) == 1,
            Value::Generator(r) => Rc::strong_count(r) == 1,
            Value::Native(r) => Rc::strong_count(r) == 1,
            _ => false,
        }
    }

    /// True for values that can hold other objects (what the teardown moves out).
    #[inline(always)]
    fn is_container(&self) -> bool {
        matches!(
            self,
            Value::Tuple(_)
                | Value::List(_)
                | Value::Dict(_)
                | Value::Set(_)
                | Value::Function(_)
                | Value::Builtin(_)
                | Value::Method(_)
                | Value::Class(_)
                | Value::Instance(_)
                | Value::Generator(_)
                | Value::Native(_)
        )
    }
}

/// Moves `v` to `out` if it can hold other objects (leaving None in its place).
#[inline]
pub(crate) fn take_one(v: &mut Value, out: &mut Vec<Value>) {
    if v.is_container() {
        out.push(std::mem::replace(v, Value::None));
    }
}

fn take_all(items: &mut [Value], out: &mut Vec<Value>) {
    for v in items {
        take_one(v, out);
    }
}

fn take_opt(v: &mut Option<Value>, out: &mut Vec<Value>) {
    if let Some(v) = v {
        take_one(v, out);
    }
}

/// A closure cell's value, when this is the cell's last reference.
fn take_cell(cell: &CellRef, out: &mut Vec<Value>) {
    if Rc::strong_count(cell) == 1 {
        if let Ok(mut v) = cell.try_borrow_mut() {
            take_one(&mut v, out);
        }
    }
}

/// `v` is the last reference to a container: moves its children out, frees it,
/// then (as the outermost drop) frees them and everything they lead to.
#[cold]
#[inline(never)]
fn release(mut v: Value) {
    let mut children = Vec::new();
    take_children(&mut v, &mut children);
    if children.is_empty() {
        free_object(v);
        return;
    }
    // Reversed: the work list pops from the end, and the first child taken goes first.
    children.reverse();
    let draining = DRAINING.with(|d| d.replace(true));
    // `v` itself goes before its children, as the recursive glue would free it: a
    // coroutine's "never awaited" warning comes before those of the coroutines its
    // frame holds.
    free_object(v);
    if draining {
        PENDING.with(|p| p.borrow_mut().append(&mut children));
        return;
    }
    let mut work = children;
    while let Some(next) = work.pop() {
        drop(next);
        PENDING.with(|p| work.append(&mut p.borrow_mut()));
    }
    DRAINING.with(|d| d.set(false));
}

/// The object of the last strong reference, mutable, even while weak references
/// exist (the cycle collector's registry holds one to every tracked container,
/// which makes `Rc::get_mut` refuse).
#[inline]
fn last_mut<T>(rc: &mut Rc<T>) -> Option<&mut T> {
    if Rc::strong_count(rc) != 1 {
        return None;
    }
    // SAFETY: `rc` is the only strong reference and is borrowed mutably here, so no
    // other `&T` exists: a weak reference gives one only through `upgrade`, which
    // would have raised the strong count, and nothing upgrades while this borrow
    // lives (moving values into the work list drops nothing). Single-threaded.
    Some(unsafe { &mut *(Rc::as_ptr(rc) as *mut T) })
}

/// Frees the object of `v` (the last reference; its children moved out) without
/// going through `Value`'s `Drop`, which would hand it to `release` again.
fn free_object(v: Value) {
    let v = ManuallyDrop::new(v);
    // SAFETY: each arm reads the Rc out of a value that is never dropped (it is in a
    // ManuallyDrop and goes out of scope here), so the Rc is dropped exactly once.
    unsafe {
        match &*v {
            Value::Tuple(r) => drop(std::ptr::read(r)),
            Value::List(r) => drop(std::ptr::read(r)),
            Value::Dict(r) => drop(std::ptr::read(r)),
            Value::Set(r) => drop(std::ptr::read(r)),
            Value::Function(r) => drop(std::ptr::read(r)),
            Value::Builtin(r) => drop(std::ptr::read(r)),
            Value::Method(r) => drop(std::ptr::read(r)),
            Value::Class(r) => drop(std::ptr::read(r)),
            Value::Instance(r) => drop(std::ptr::read(r)),
            Value::Generator(r) => drop(std::ptr::read(r)),
            Value::Native(r) => drop(std::ptr::read(r)),
            _ => drop(ManuallyDrop::into_inner(v)),
        }
    }
}

/// Moves out of `v` (the last reference to it) every value it holds that can
/// hold further objects, including ones behind plain `Rc` fields (moved out as
/// values, or emptied in place when this is their last reference). Never a clone:
/// the work list may be freed before the glue frees `v`, so a clone would not be
/// the last reference and the glue would free the object recursively after all.
fn take_children(v: &mut Value, out: &mut Vec<Value>) {
    match v {
        // CPython frees a list's or tuple's items from the last one back.
        Value::Tuple(rc) => {
            if let Some(items) = last_mut(rc) {
                items.iter_mut().rev().for_each(|v| take_one(v, out));
            }
        }
        Value::List(rc) => {
            if let Ok(mut items) = rc.try_borrow_mut() {
                items.iter_mut().rev().for_each(|v| take_one(v, out));
            }
        }
        Value::Dict(rc) => {
            if let Ok(mut d) = rc.try_borrow_mut() {
                d.take_nested(out);
            }
        }
        Value::Set(rc) => {
            if let Ok(mut t) = rc.items.try_borrow_mut() {
                t.take_nested(out);
            }
        }
        Value::Instance(rc) => {
            rc.dict.take_nested(out);
            if let Some(exc) = &rc.exc {
                if let Ok(mut e) = exc.try_borrow_mut() {
                    take_all(&mut e.args, out);
                    take_opt(&mut e.cause, out);
                    take_opt(&mut e.context, out);
                }
            }
            if let Some(inst) = last_mut(rc) {
                take_opt(&mut inst.base, out);
            }
        }
        Value::Function(rc) => {
            if let Ok(mut d) = rc.dict.try_borrow_mut() {
                d.values_mut().for_each(|v| take_one(v, out));
            }
            for cell in &rc.closure {
                take_cell(cell, out);
            }
            if let Some(f) = last_mut(rc) {
                take_all(&mut f.defaults, out);
                for d in f.kwdefaults.iter_mut() {
                    take_opt(d, out);
                }
            }
        }
        Value::Builtin(rc) => {
            if let Some(b) = last_mut(rc) {
                take_opt(&mut b.receiver, out);
            }
        }
        Value::Method(rc) => {
            if let Some(m) = last_mut(rc) {
                take_one(&mut m.func, out);
                take_one(&mut m.receiver, out);
            }
        }
        Value::Class(rc) => {
            if let Ok(mut d) = rc.dict.try_borrow_mut() {
                d.values_mut().for_each(|v| take_one(v, out));
            }
        }
        Value::Generator(rc) => take_generator(rc, out),
        Value::Native(rc) => take_native(rc, out),
        _ => {}
    }
}

/// The values held by the frames of a generator about to be freed.
fn take_generator(gen: &crate::vm::generator::Generator, out: &mut Vec<Value>) {
    // A generator that runs clean-up code when freed keeps its frames.
    if !gen.frames_outlive_drop() {
        if let Ok(mut frames) = gen.frames.try_borrow_mut() {
            for frame in frames.iter_mut() {
                take_frame(frame, out);
            }
        }
    }
}

/// The values a suspended frame holds.
fn take_frame(frame: &mut crate::vm::frame::Frame, out: &mut Vec<Value>) {
    take_all(&mut frame.stack, out);
    for cell in &frame.cells {
        take_cell(cell, out);
    }
    take_opt(&mut frame.handled, out);
    if let crate::vm::frame::Entry::Init(v) = &mut frame.entry {
        take_one(v, out);
    }
    if let Some(f) = frame.function.take() {
        out.push(Value::Function(f));
    }
    if let Some(ns) = &frame.namespace {
        if let Ok(mut ns) = ns.try_borrow_mut() {
            ns.values_mut().for_each(|v| take_one(v, out));
        }
    }
}

fn take_native(rc: &mut Rc<Native>, out: &mut Vec<Value>) {
    match &**rc {
        Native::Iter(state, _) => {
            let Ok(mut state) = state.try_borrow_mut() else {
                return;
            };
            match std::mem::replace(&mut *state, IterState::Exhausted) {
                IterState::List { list, .. } => out.push(Value::List(list)),
                IterState::Tuple { items, .. } => out.push(Value::Tuple(items)),
                IterState::DictKeys { dict, .. } => out.push(Value::Dict(dict)),
                IterState::Set { set, .. } => out.push(Value::Set(set)),
                IterState::Seq { mut items, .. } | IterState::Reversed { mut items, .. } => {
                    take_all(&mut items, out)
                }
                IterState::Enumerate { inner, count } => out.extend([inner, count]),
                IterState::Zip { inners, .. } => out.extend(inners),
                IterState::Map { func, inners } => {
                    out.push(func);
                    out.extend(inners);
                }
                IterState::Filter { func, inner } => out.extend([func, inner]),
                IterState::Callable { func, sentinel } => out.extend([func, sentinel]),
                IterState::GetItem { obj, .. } => out.push(obj),
                other => *state = other,
            }
            return;
        }
        Native::DictView(d, _) => {
            if Rc::strong_count(d) == 1 {
                if let Ok(mut d) = d.try_borrow_mut() {
                    d.take_nested(out);
                }
            }
            return;
        }
        Native::Cell(cell) => {
            take_cell(cell, out);
            return;
        }
        Native::Object { payload, .. } => {
            // A collections.deque: its items, like a list's.
            if let Some(d) =
                payload.downcast_ref::<std::cell::RefCell<crate::stdlib::deque::Deque>>()
            {
                if let Ok(mut d) = d.try_borrow_mut() {
                    d.items.iter_mut().rev().for_each(|v| take_one(v, out));
                }
            }
            return;
        }
        Native::AsyncGenOp(op) => {
            if let Ok(op) = op.try_borrow() {
                if Rc::strong_count(&op.gen) == 1 {
                    take_generator(&op.gen, out);
                }
            }
            return;
        }
        Native::Future(f) => {
            f.take_nested(out);
            if let Some(t) = &f.task {
                take_opt(&mut t.fut_waiter.borrow_mut(), out);
            }
        }
        _ => {}
    }
    let Some(native) = last_mut(rc) else {
        return;
    };
    match native {
        Native::Slice(s) => {
            take_one(&mut s.start, out);
            take_one(&mut s.stop, out);
            take_one(&mut s.step, out);
        }
        Native::Property {
            fget,
            fset,
            fdel,
            doc,
        } => {
            for v in [fget, fset, fdel, doc] {
                take_one(v, out);
            }
        }
        Native::StaticMethod(v) | Native::ClassMethod(v) => take_one(v, out),
        Native::Super { obj, .. } => take_one(obj, out),
        Native::Future(f) => {
            if let Some(t) = f.task.as_mut() {
                take_one(&mut t.coro, out);
            }
        }
        _ => {}
    }
}
