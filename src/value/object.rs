//! Heap objects behind `Value`'s Rc pointers: classes, instances, functions,
//! methods, modules and the small native objects (ranges, slices, iterators).

use super::intern::{FxBuild, Symbol};
use super::{PyResult, Value};
use crate::bytecode::Code;
use crate::vm::Vm;
use indexmap::IndexMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Attribute namespaces (instance `__dict__`, class bodies, module globals).
pub type AttrMap = IndexMap<Symbol, Value, FxBuild>;

/// A closure cell shared between a defining frame and its inner functions.
pub type CellRef = Rc<RefCell<Value>>;

/// The signature of every native (Rust) function: positional then keyword arguments.
pub type NativeFn = fn(&mut Vm, &[Value], &[(Symbol, Value)]) -> PyResult<Value>;

/// What kind of payload an instance carries besides its `__dict__`. A class
/// inherits the layout of its nearest builtin base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A plain object.
    Object,
    /// BaseException and subclasses: args, traceback, cause, context.
    Exception,
    /// A builtin type that is not subclassable from scripts (yet).
    Native,
}

/// A class: builtin (int, list, ValueError) or defined by a script.
pub struct Class {
    pub name: String,
    pub qualname: RefCell<String>,
    pub module: String,
    /// The single base (None only for `object`).
    pub base: Option<Rc<Class>>,
    /// Method resolution order without the class itself: base, base's base, ...
    pub mro: Vec<Rc<Class>>,
    pub dict: RefCell<AttrMap>,
    pub layout: Layout,
    /// True for classes defined by scripts (their attributes can be set).
    pub is_user: bool,
    /// A script class that defines `__eq__` but not `__hash__` is unhashable.
    pub unhashable: Cell<bool>,
    /// The class (or a base) defines a script `__getattribute__`: attribute reads on
    /// instances go through it. Set by `refresh_getattribute`, so reads stay a flag test.
    pub getattribute: Cell<bool>,
    /// What `lookup` found for each name asked, valid while the class epoch is unchanged.
    pub lookup_cache: RefCell<LookupCache>,
}

/// A class's memo of `lookup` results (attributes found along the MRO, or None).
#[derive(Default)]
pub struct LookupCache {
    epoch: u64,
    found: std::collections::HashMap<Symbol, Option<Value>, FxBuild>,
}

thread_local! {
    /// Bumped whenever any class's namespace changes, which empties every class's
    /// lookup cache (class namespaces change rarely: at definition, and by monkey
    /// patching).
    static CLASS_EPOCH: Cell<u64> = const { Cell::new(1) };
}

/// Call after changing a class's `dict`: cached lookups may now be wrong.
pub fn class_changed() {
    CLASS_EPOCH.with(|e| e.set(e.get() + 1));
}

/// The current class epoch (see `class_changed`; also bumped by every new class, so
/// a class pointer and an epoch together name one class as it is now).
#[inline]
pub fn class_epoch() -> u64 {
    CLASS_EPOCH.with(Cell::get)
}

impl LookupCache {
    /// Calls `f` with every value the cache holds (the collector's traversal).
    pub fn for_each_value(&self, f: &mut dyn FnMut(&Value)) {
        self.found.values().flatten().for_each(f);
    }
}

impl Class {
    /// Looks `name` up in the class and its bases (memoized per class).
    #[inline]
    pub fn lookup(&self, name: Symbol) -> Option<Value> {
        let epoch = CLASS_EPOCH.with(Cell::get);
        {
            let cache = self.lookup_cache.borrow();
            if cache.epoch == epoch {
                if let Some(v) = cache.found.get(&name) {
                    return v.clone();
                }
            }
        }
        let found = self.lookup_uncached(name);
        let mut cache = self.lookup_cache.borrow_mut();
        if cache.epoch != epoch {
            cache.found.clear();
            cache.epoch = epoch;
        }
        cache.found.insert(name, found.clone());
        found
    }

    /// Walks the class and its bases.
    fn lookup_uncached(&self, name: Symbol) -> Option<Value> {
        if let Some(v) = self.dict.borrow().get(&name) {
            return Some(v.clone());
        }
        for base in &self.mro {
            if let Some(v) = base.dict.borrow().get(&name) {
                return Some(v.clone());
            }
        }
        None
    }

    /// Recomputes the `getattribute` flag (after the class is built, or when
    /// `__getattribute__` is assigned or deleted on it).
    pub fn refresh_getattribute(&self) {
        let custom = matches!(
            self.lookup(super::intern::sym::GETATTRIBUTE),
            Some(v) if !matches!(v, Value::Builtin(_))
        );
        self.getattribute.set(custom);
    }

    /// True if `self` is `other` or derives from it.
    pub fn is_subclass(&self, other: &Class) -> bool {
        std::ptr::eq(self, other) || self.mro.iter().any(|c| std::ptr::eq(&**c, other))
    }
}

/// Exception state carried by instances of BaseException subclasses.
#[derive(Default)]
pub struct ExcData {
    pub args: Vec<Value>,
    /// (filename, line, function name) per frame, innermost last.
    pub traceback: Vec<TracebackEntry>,
    pub cause: Option<Value>,
    pub context: Option<Value>,
    pub suppress_context: bool,
}

/// One line of a traceback.
#[derive(Clone, Debug)]
pub struct TracebackEntry {
    pub code: Rc<Code>,
    pub line: u32,
}

/// An instance of a class.
pub struct Instance {
    pub class: Rc<Class>,
    pub dict: super::namespace::Namespace,
    /// Present for exceptions.
    pub exc: Option<Box<RefCell<ExcData>>>,
    /// For instances of script subclasses of list, dict, str, int, ...: the builtin
    /// value the instance behaves as (set by the base type's `__new__`).
    pub base: Option<Value>,
}

/// A function defined in a script (def or lambda).
pub struct Function {
    pub code: Rc<Code>,
    pub globals: Rc<Module>,
    /// Defaults of the last positional parameters.
    pub defaults: Vec<Value>,
    /// Defaults of keyword-only parameters, by position among them (None: required).
    pub kwdefaults: Vec<Option<Value>>,
    pub closure: Vec<CellRef>,
    pub name: RefCell<String>,
    pub qualname: RefCell<String>,
    pub dict: RefCell<AttrMap>,
}

/// A native function, optionally already bound to a receiver.
pub struct Builtin {
    pub name: &'static str,
    pub func: NativeFn,
    /// The receiver for a bound native method (`[].append`): passed as the first argument.
    pub receiver: Option<Value>,
}

/// `obj.method` for a script function: calling it prepends `receiver`.
pub struct BoundMethod {
    pub func: Value,
    pub receiver: Value,
}

/// A module: its name and global namespace.
pub struct Module {
    pub name: String,
    pub file: Option<String>,
    pub globals: super::namespace::Namespace,
}

/// `range(start, stop, step)` with machine-size bounds.
#[derive(Clone, Debug)]
pub struct Range {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl Range {
    /// Number of elements.
    pub fn len(&self) -> i64 {
        let (lo, hi, step) = (self.start as i128, self.stop as i128, self.step as i128);
        let n = if step > 0 && lo < hi {
            (hi - lo - 1) / step + 1
        } else if step < 0 && lo > hi {
            (lo - hi - 1) / (-step) + 1
        } else {
            0
        };
        n as i64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The i-th element (no bounds check).
    pub fn at(&self, i: i64) -> i64 {
        self.start + i * self.step
    }
}

/// `slice(start, stop, step)`.
pub struct Slice {
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

/// The state of a builtin iterator.
pub enum IterState {
    List {
        list: Rc<RefCell<Vec<Value>>>,
        index: usize,
    },
    Tuple {
        items: Rc<Vec<Value>>,
        index: usize,
    },
    Range {
        next: i64,
        step: i64,
        remaining: i64,
    },
    Str {
        text: Rc<super::PyStr>,
        byte_index: usize,
    },
    Bytes {
        bytes: Rc<Vec<u8>>,
        index: usize,
    },
    /// A snapshot of keys/values/items taken at creation; `size` detects mutation.
    DictKeys {
        dict: Rc<RefCell<super::dict::Dict>>,
        index: usize,
        size: usize,
        kind: DictIterKind,
    },
    Seq {
        items: Vec<Value>,
        index: usize,
    },
    /// A set walked in table order; `used` detects a size change.
    Set {
        set: Rc<super::SetObj>,
        pos: usize,
        used: usize,
    },
    Enumerate {
        inner: Value,
        count: Value,
    },
    Zip {
        inners: Vec<Value>,
        strict: bool,
    },
    Map {
        func: Value,
        inners: Vec<Value>,
    },
    Filter {
        func: Value,
        inner: Value,
    },
    Reversed {
        items: Vec<Value>,
        index: usize,
    },
    /// `iter(callable, sentinel)`.
    Callable {
        func: Value,
        sentinel: Value,
    },
    /// A sequence with only `__getitem__`.
    GetItem {
        obj: Value,
        index: i64,
    },
    Exhausted,
}

/// Which view of a dict an iterator walks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum DictIterKind {
    Keys,
    Values,
    Items,
}

/// Native objects that are rarer than the ones with their own Value variant.
pub enum Native {
    Slice(Slice),
    Iter(RefCell<IterState>, &'static str),
    Property {
        fget: Value,
        fset: Value,
        fdel: Value,
        doc: Value,
    },
    StaticMethod(Value),
    ClassMethod(Value),
    /// `super()` bound to a class and an object.
    Super {
        class: Rc<Class>,
        obj: Value,
    },
    /// A view object: `d.keys()`, `d.values()`, `d.items()`.
    DictView(Rc<RefCell<super::dict::Dict>>, DictIterKind),
    Code(Rc<Code>),
    /// A closure cell (only on the operand stack while a closure is built).
    Cell(CellRef),
    /// An asyncio Future or Task.
    Future(crate::runtime::future::FutureObj),
    /// The event loop object (its state lives in the Vm).
    Loop,
    /// An awaitable that drives an async generator one step: `__anext__()`/`asend(v)`,
    /// `athrow(exc)` or `aclose()`.
    AsyncGenOp(RefCell<crate::vm::generator::AsyncGenOp>),
    /// A callback handle (call_soon / call_later), cancellable.
    Handle(Rc<crate::runtime::Handle>),
    NotImplemented,
    Ellipsis,
    /// An instance of a library class implemented in Rust (`random.Random`): its class
    /// (for methods, `type()` and reprs) and its Rust state, which the methods downcast.
    Object {
        class: Rc<Class>,
        payload: Box<dyn std::any::Any>,
    },
}

impl Function {
    /// The function's `__name__`.
    pub fn name(&self) -> String {
        self.name.borrow().clone()
    }
}
