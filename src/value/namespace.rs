//! An attribute namespace (an instance's `__dict__`): a symbol-keyed map while only
//! the VM uses it, and a real dict shared with scripts once `obj.__dict__` is read.
//!
//! The switch is one-way: after it, reads and writes from either side (attribute
//! access, or the dict script code holds) see each other.

use super::dict::Dict;
use super::intern::Symbol;
use super::object::AttrMap;
use super::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

#[derive(Default)]
pub struct Namespace {
    map: RefCell<AttrMap>,
    shared: RefCell<Option<Rc<RefCell<Dict>>>>,
    is_shared: Cell<bool>,
    /// Bumped whenever a name is added or removed (or the namespace becomes a dict):
    /// a cached "this name is not here" is valid while the version is unchanged.
    version: Cell<u32>,
}

thread_local! {
    static NEXT_VERSION: Cell<u32> = const { Cell::new(0) };
}

/// An empty entry of a name cache (see `Namespace::lookup_cached`).
pub const EMPTY_NAME_CACHE: u64 = u64::MAX;

/// Finds `name` among a dict's string keys.
fn find(d: &Dict, name: Symbol) -> Option<usize> {
    name.with_hash(|s, h| d.find(h, |k| k.as_str() == Some(s)))
}

impl Namespace {
    /// Moves out the values that hold other objects, and the shared dict (the
    /// iterative teardown in `teardown.rs` frees them one at a time).
    pub(crate) fn take_nested(&self, out: &mut Vec<Value>) {
        if let Ok(mut map) = self.map.try_borrow_mut() {
            for v in map.values_mut() {
                super::teardown::take_one(v, out);
            }
        }
        if let Ok(mut shared) = self.shared.try_borrow_mut() {
            if let Some(d) = shared.take() {
                self.is_shared.set(false);
                out.push(Value::Dict(d));
            }
        }
    }

    /// A namespace holding `map`.
    pub fn from_map(map: AttrMap) -> Namespace {
        Namespace {
            map: RefCell::new(map),
            ..Default::default()
        }
    }

    /// The shared dict, when the namespace has switched to it.
    #[inline]
    fn shared(&self) -> Option<Rc<RefCell<Dict>>> {
        if self.is_shared.get() {
            self.shared.borrow().clone()
        } else {
            None
        }
    }

    /// Gives the namespace a new version, unique among all namespaces (so a cache
    /// entry made for one module's globals never matches another's).
    #[inline]
    fn bump(&self) {
        let v = NEXT_VERSION.with(|n| {
            let v = n.get() % 0x7fff_ffff + 1;
            n.set(v);
            v
        });
        self.version.set(v);
    }

    /// The index and value of `name` in the map (never in dict mode).
    pub fn get_full(&self, name: Symbol) -> Option<(usize, Value)> {
        if self.is_shared.get() {
            return None;
        }
        self.map
            .borrow()
            .get_full(&name)
            .map(|(i, _, v)| (i, v.clone()))
    }

    /// Replaces the value at `index` when its key is `name` (never in dict mode);
    /// otherwise gives the value back. The old value is dropped after the borrow.
    #[inline]
    pub fn replace_at(&self, name: Symbol, index: usize, value: Value) -> Result<(), Value> {
        if self.is_shared.get() {
            return Err(value);
        }
        let old = match self.map.borrow_mut().get_index_mut(index) {
            Some((k, slot)) if *k == name => std::mem::replace(slot, value),
            _ => return Err(value),
        };
        drop(old);
        Ok(())
    }

    /// The value at `index` of the map if its key is `name` (never in dict mode).
    #[inline]
    pub fn get_at(&self, name: Symbol, index: usize) -> Option<Value> {
        if self.is_shared.get() {
            return None;
        }
        match self.map.borrow().get_index(index) {
            Some((k, v)) if *k == name => Some(v.clone()),
            _ => None,
        }
    }

    /// Global-variable lookup for `LoadGlobal`/`LoadName` with a per-name cache in the
    /// code object: `self` (the globals), then `builtins`. The cache holds the index of
    /// the name in the globals map (high half 0), or its index in the builtins map
    /// with the globals' version + 1 (high half) for "not a global". Every hit is
    /// checked against the key stored at that index, so a stale entry only costs the
    /// slow path.
    #[inline]
    pub fn lookup_cached(
        &self,
        builtins: &Namespace,
        name: Symbol,
        cache: &Cell<u64>,
    ) -> Option<Value> {
        let c = cache.get();
        let index = (c & 0xffff_ffff) as usize;
        let tag = (c >> 32) as u32;
        if tag == 0 {
            if let Some(v) = self.get_at(name, index) {
                return Some(v);
            }
        } else if tag == self.version.get() + 1 && !self.is_shared.get() {
            if let Some(v) = builtins.get_at(name, index) {
                return Some(v);
            }
        }
        self.lookup_slow(builtins, name, cache)
    }

    #[inline(never)]
    fn lookup_slow(&self, builtins: &Namespace, name: Symbol, cache: &Cell<u64>) -> Option<Value> {
        if !self.is_shared.get() {
            if let Some((i, _, v)) = self.map.borrow().get_full(&name) {
                cache.set(i as u64);
                return Some(v.clone());
            }
            if !builtins.is_shared.get() {
                if self.version.get() == 0 {
                    self.bump();
                }
                if let Some((i, _, v)) = builtins.map.borrow().get_full(&name) {
                    cache.set(((self.version.get() as u64 + 1) << 32) | i as u64);
                    return Some(v.clone());
                }
            }
        }
        self.get(&name).or_else(|| builtins.get(&name))
    }

    /// Rebinds `name` through the same cache as `lookup_cached` when it is already a
    /// key at the cached index; otherwise a plain `insert`. Returns the old value.
    #[inline]
    pub fn store_cached(&self, name: Symbol, value: Value, cache: &Cell<u64>) -> Option<Value> {
        let c = cache.get();
        if c >> 32 == 0 && !self.is_shared.get() {
            if let Some((k, slot)) = self
                .map
                .borrow_mut()
                .get_index_mut((c & 0xffff_ffff) as usize)
            {
                if *k == name {
                    return Some(std::mem::replace(slot, value));
                }
            }
        }
        self.insert(name, value)
    }

    pub fn get(&self, name: &Symbol) -> Option<Value> {
        match self.shared() {
            None => self.map.borrow().get(name).cloned(),
            Some(d) => {
                let d = d.borrow();
                find(&d, *name).and_then(|i| d.entry(i).map(|e| e.value.clone()))
            }
        }
    }

    pub fn contains_key(&self, name: &Symbol) -> bool {
        match self.shared() {
            None => self.map.borrow().contains_key(name),
            Some(d) => find(&d.borrow(), *name).is_some(),
        }
    }

    /// Sets `name`; returns the value it replaces, for the caller to drop.
    pub fn insert(&self, name: Symbol, value: Value) -> Option<Value> {
        match self.shared() {
            None => {
                let old = self.map.borrow_mut().insert(name, value);
                if old.is_none() {
                    self.bump();
                }
                old
            }
            Some(d) => {
                let mut d = d.borrow_mut();
                match find(&d, name) {
                    Some(i) => {
                        let old = d.entry(i).map(|e| e.value.clone());
                        d.set_value_at(i, value);
                        old
                    }
                    None => {
                        let key = name.with(|s| s.to_string());
                        d.push_new(super::str_hash(&key), Value::str(key), value);
                        None
                    }
                }
            }
        }
    }

    /// Removes `name`, keeping the order of the rest; the old value if it was there.
    pub fn remove(&self, name: &Symbol) -> Option<Value> {
        match self.shared() {
            None => {
                self.bump();
                self.map.borrow_mut().shift_remove(name)
            }
            Some(d) => {
                let mut d = d.borrow_mut();
                let i = find(&d, *name)?;
                d.remove_at(i).map(|e| e.value)
            }
        }
    }

    /// The (name, value) pairs with string keys, in order.
    pub fn items(&self) -> Vec<(Symbol, Value)> {
        match self.shared() {
            None => self
                .map
                .borrow()
                .iter()
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            Some(d) => d
                .borrow()
                .iter()
                .filter_map(|e| e.key.as_str().map(|k| (Symbol::new(k), e.value.clone())))
                .collect(),
        }
    }

    /// Empties the namespace (the values are dropped after the borrow ends).
    pub fn clear(&self) {
        self.bump();
        let old_map = std::mem::take(&mut *self.map.borrow_mut());
        drop(old_map);
        if let Some(d) = self.shared() {
            let old = std::mem::replace(&mut *d.borrow_mut(), Dict::new());
            drop(old);
        }
    }

    /// Calls `f` with every value the namespace holds (false if it is borrowed). A
    /// namespace that switched to a shared dict holds only that dict, which the
    /// collector tracks as an object of its own.
    pub fn traverse(&self, f: &mut dyn FnMut(&Value)) -> bool {
        let Ok(map) = self.map.try_borrow() else {
            return false;
        };
        map.values().for_each(&mut *f);
        true
    }

    /// The shared dict's address, if the namespace switched to one.
    pub fn shared_addr(&self) -> Option<usize> {
        let shared = self.shared.try_borrow().ok()?;
        shared.as_ref().map(|d| Rc::as_ptr(d) as *const u8 as usize)
    }

    /// Moves the contents into `bin` (the cycle collector drops them later).
    pub fn take_into(&self, bin: &mut Vec<Box<dyn std::any::Any>>) {
        if let Ok(mut map) = self.map.try_borrow_mut() {
            bin.push(Box::new(std::mem::take(&mut *map)));
        }
        if let Ok(mut shared) = self.shared.try_borrow_mut() {
            bin.push(Box::new(shared.take()));
            self.is_shared.set(false);
        }
    }

    /// The names, in order.
    pub fn names(&self) -> Vec<Symbol> {
        self.items().into_iter().map(|(k, _)| k).collect()
    }

    /// `obj.__dict__ = d`: the dict becomes the namespace (what was there is dropped).
    pub fn set_dict(&self, d: Rc<RefCell<Dict>>) {
        let old_map = std::mem::take(&mut *self.map.borrow_mut());
        let old = self.shared.borrow_mut().replace(d);
        self.is_shared.set(true);
        self.bump();
        drop(old_map);
        drop(old);
    }

    /// `obj.__dict__`: the namespace as a dict that stays in step with the object.
    pub fn as_dict(&self) -> Value {
        if let Some(d) = self.shared() {
            return Value::Dict(d);
        }
        let mut d = Dict::new();
        for (k, v) in self.map.borrow_mut().drain(..) {
            let key = k.with(|s| s.to_string());
            d.push_new(super::str_hash(&key), Value::str(key), v);
        }
        let d = crate::value::new_dict_rc(d);
        *self.shared.borrow_mut() = Some(d.clone());
        self.is_shared.set(true);
        self.bump();
        Value::Dict(d)
    }
}
