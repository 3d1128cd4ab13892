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
}

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
            None => self.map.borrow_mut().insert(name, value),
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
            None => self.map.borrow_mut().shift_remove(name),
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
        let old_map = std::mem::take(&mut *self.map.borrow_mut());
        drop(old_map);
        if let Some(d) = self.shared() {
            let old = std::mem::replace(&mut *d.borrow_mut(), Dict::new());
            drop(old);
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
        let d = Rc::new(RefCell::new(d));
        *self.shared.borrow_mut() = Some(d.clone());
        self.is_shared.set(true);
        Value::Dict(d)
    }
}
