//! The contextvars Context as the runtime holds it: one small shared record.
//!
//! Every task and every scheduled callback runs in a copy of the context current
//! where it was made, as in CPython. A copy is one `Rc<Context>` of 40 bytes that
//! shares its parent's variable map (an immutable `Rc<VarMap>`); `ContextVar.set`
//! replaces the map of the context it runs in with an updated copy, so a copy
//! never sees later sets in its parent and costs nothing until it is written to.
//! The script-visible `contextvars.Context` object is made only when a script asks
//! for one (`copy_context()`, `Context()`); it wraps the same record, so a context
//! passed as `context=` is shared, not copied.

use crate::value::Value;
use indexmap::IndexMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Variables to values, keyed by the variable's identity (the entry keeps it alive).
pub type VarMap = IndexMap<usize, (Value, Value)>;

/// One context: its variables and whether it is entered (current somewhere).
#[derive(Default)]
pub struct Context {
    /// The variables; `None` is the empty map (no allocation for the common case).
    map: RefCell<Option<Rc<VarMap>>>,
    /// True while the context is the current one (Context.run, a task step).
    pub entered: Cell<bool>,
}

/// A shared handle on a context.
pub type ContextRef = Rc<Context>;

impl Context {
    /// A context with `map` as its variables.
    pub fn with_map(map: Option<Rc<VarMap>>) -> ContextRef {
        Rc::new(Context {
            map: RefCell::new(map),
            entered: Cell::new(false),
        })
    }

    /// A new context sharing this one's variables (copy-on-write).
    pub fn copy(&self) -> ContextRef {
        Context::with_map(self.map.borrow().clone())
    }

    /// The variables as they are now (an immutable snapshot).
    pub fn map(&self) -> Option<Rc<VarMap>> {
        self.map.borrow().clone()
    }

    /// The number of variables set.
    pub fn len(&self) -> usize {
        self.map.borrow().as_ref().map_or(0, |m| m.len())
    }

    /// Whether no variable is set.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of the variable with identity `key`.
    pub fn get(&self, key: usize) -> Option<Value> {
        let map = self.map.borrow();
        map.as_ref()?.get(&key).map(|(_, v)| v.clone())
    }

    /// Sets `var` (identity `key`) to `value`; returns the previous value.
    pub fn set(&self, key: usize, var: Value, value: Value) -> Option<Value> {
        let mut map = self.map.borrow_mut();
        let map = map.get_or_insert_with(Rc::default);
        Rc::make_mut(map).insert(key, (var, value)).map(|(_, v)| v)
    }

    /// Removes the variable with identity `key`.
    pub fn remove(&self, key: usize) {
        let mut map = self.map.borrow_mut();
        if let Some(m) = map.as_mut() {
            if m.contains_key(&key) {
                Rc::make_mut(m).shift_remove(&key);
            }
        }
    }
}
