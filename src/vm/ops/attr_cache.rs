//! Inline caches for attribute reads and writes on instances (`self.x`, `self.x = v`).
//!
//! Each name of a code object has one entry for reads and one for writes (a write
//! entry promises more than a read entry): the class it was filled for, the class
//! epoch then (`object::class_epoch`, bumped by any change to any class namespace and
//! by every new class) and the index of the name in the instance's attribute map.
//! Instances of one class usually set their attributes in the same order, so the
//! index fits them all. A hit still checks the key stored at that index, so a wrong
//! index only costs the slow path; the class and epoch guarantee that the class has
//! no attribute of that name (which could be a property or another descriptor that
//! takes precedence) and no script `__getattribute__` / `__setattr__`.

use crate::value::intern::sym;
use crate::value::object::{class_epoch, Instance};
use crate::value::{Symbol, Value};
use std::cell::Cell;
use std::rc::Rc;

/// One cache entry: (class pointer, class epoch, index in the attribute map).
pub type AttrCache = Cell<(usize, u64, u32)>;

/// An empty entry.
pub const EMPTY: (usize, u64, u32) = (0, 0, 0);

#[inline]
fn class_key(inst: &Instance) -> usize {
    Rc::as_ptr(&inst.class) as usize
}

/// `inst.name` from the instance's own attributes when the cache says that is where
/// it lives (or finds out and fills the cache); None sends the read down the
/// general path.
#[inline]
pub fn load(inst: &Instance, name: Symbol, cache: &AttrCache) -> Option<Value> {
    let (class, epoch, index) = cache.get();
    if class == class_key(inst) && epoch == class_epoch() {
        if let Some(v) = inst.dict.get_at(name, index as usize) {
            return Some(v);
        }
    }
    load_slow(inst, name, cache)
}

#[inline(never)]
fn load_slow(inst: &Instance, name: Symbol, cache: &AttrCache) -> Option<Value> {
    if inst.class.getattribute.get() || inst.class.lookup(name).is_some() {
        return None;
    }
    let (index, v) = inst.dict.get_full(name)?;
    cache.set((class_key(inst), class_epoch(), index as u32));
    Some(v)
}

/// `inst.name = value` straight into the instance's attribute map when the name is
/// already there and the class has nothing to say about the store. Gives the value
/// back when the general path must run (a script `__setattr__`, a class attribute
/// of that name, an exception, an instance of a builtin class, a new name).
#[inline]
pub fn store(inst: &Instance, name: Symbol, value: Value, cache: &AttrCache) -> Result<(), Value> {
    let (class, epoch, index) = cache.get();
    if class == class_key(inst) && epoch == class_epoch() {
        return inst.dict.replace_at(name, index as usize, value);
    }
    store_slow(inst, name, value, cache)
}

#[inline(never)]
fn store_slow(inst: &Instance, name: Symbol, value: Value, cache: &AttrCache) -> Result<(), Value> {
    let plain_setattr = match inst.class.lookup(sym::SETATTR) {
        None => true,
        Some(v) => matches!(v, Value::Builtin(_)),
    };
    if !plain_setattr
        || !inst.class.is_user
        || inst.exc.is_some()
        || inst.class.getattribute.get()
        || inst.class.lookup(name).is_some()
    {
        return Err(value);
    }
    let Some((index, _)) = inst.dict.get_full(name) else {
        return Err(value);
    };
    cache.set((class_key(inst), class_epoch(), index as u32));
    inst.dict.replace_at(name, index, value)
}

/// One method cache entry: (class pointer, class epoch, the function found).
#[derive(Default)]
pub struct MethodCache(Cell<Option<(usize, u64, Value)>>);

impl std::fmt::Debug for MethodCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MethodCache")
    }
}

/// `inst.name` for a method call when the cache holds the class's function for
/// `name` (and the instance has no attribute of that name shadowing it): the
/// function, to be called with `inst` prepended.
#[inline]
pub fn method(inst: &Instance, name: Symbol, cache: &MethodCache) -> Option<Value> {
    let entry = cache.0.take();
    let found = match &entry {
        Some((class, epoch, f))
            if *class == class_key(inst)
                && *epoch == class_epoch()
                && !inst.dict.contains_key(&name) =>
        {
            Some(f.clone())
        }
        _ => None,
    };
    cache.0.set(entry);
    found
}

/// Remembers that `name` on instances of `inst`'s class is the script function `f`
/// from the class (what `load_method` found, with no script `__getattribute__`).
#[inline]
pub fn remember_method(inst: &Instance, f: &Value, cache: &MethodCache) {
    if let Value::Function(_) = f {
        if !inst.class.getattribute.get() {
            let old = cache
                .0
                .replace(Some((class_key(inst), class_epoch(), f.clone())));
            drop(old);
        }
    }
}
