//! Interned identifier strings: attribute and variable names compare as integers.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

/// An interned name. Equal names have equal symbols.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

struct Interner {
    ids: HashMap<Rc<str>, u32>,
    names: Vec<Rc<str>>,
    /// The str hash of each name (dict lookups by symbol need it).
    hashes: Vec<i64>,
}

macro_rules! well_known {
    ($($id:ident = $text:expr),* $(,)?) => {
        /// Symbols every part of the interpreter needs, interned first so they are constants.
        pub mod sym {
            use super::Symbol;
            well_known!(@consts 0u32; $($id),*);
        }
        const WELL_KNOWN: &[&str] = &[$($text),*];
    };
    (@consts $n:expr; $id:ident $(, $rest:ident)*) => {
        #[allow(missing_docs)]
        pub const $id: Symbol = Symbol($n);
        well_known!(@consts $n + 1u32; $($rest),*);
    };
    (@consts $n:expr;) => {};
}

well_known! {
    INIT = "__init__", NEW = "__new__", REPR = "__repr__", STR = "__str__", EQ = "__eq__",
    NE = "__ne__", LT = "__lt__", LE = "__le__", GT = "__gt__", GE = "__ge__",
    HASH = "__hash__", BOOL = "__bool__", LEN = "__len__", ITER = "__iter__", NEXT = "__next__",
    GETITEM = "__getitem__", SETITEM = "__setitem__", DELITEM = "__delitem__",
    CONTAINS = "__contains__", CALL = "__call__", ENTER = "__enter__", EXIT = "__exit__",
    AENTER = "__aenter__", AEXIT = "__aexit__", AITER = "__aiter__", ANEXT = "__anext__",
    AWAIT = "__await__", GETATTR = "__getattr__", GETATTRIBUTE = "__getattribute__",
    SETATTR = "__setattr__", DELATTR = "__delattr__", GET = "__get__", SET = "__set__",
    DELETE = "__delete__", NAME = "__name__", QUALNAME = "__qualname__", MODULE = "__module__",
    DOC = "__doc__", DICT = "__dict__", CLASS = "__class__", BASES = "__bases__", MRO = "__mro__",
    NEG = "__neg__", POS = "__pos__", INVERT = "__invert__", ABS = "__abs__", INDEX = "__index__",
    INT = "__int__", FLOAT = "__float__", FORMAT = "__format__", INIT_SUBCLASS = "__init_subclass__",
    SET_NAME = "__set_name__", CLASS_GETITEM = "__class_getitem__", MISSING = "__missing__",
    REVERSED = "__reversed__", ROUND = "__round__", SLOTS = "__slots__", ARGS = "args",
    BUILTINS = "__builtins__", MAIN = "__main__", FILE = "__file__", ALL = "__all__",
    SELF = "self", ANNOTATIONS = "__annotations__", POST_INIT = "__post_init__",
    MODULE_LAMBDA = "<lambda>", MODULE_NAME = "<module>", CAUSE = "__cause__",
    CONTEXT = "__context__", TRACEBACK = "__traceback__", SUPPRESS_CONTEXT = "__suppress_context__",
    NOTES = "__notes__",
}

thread_local! {
    static INTERNER: RefCell<Interner> = RefCell::new(Interner::new());
}

impl Interner {
    fn new() -> Interner {
        let mut interner = Interner {
            ids: HashMap::new(),
            names: Vec::new(),
            hashes: Vec::new(),
        };
        for name in WELL_KNOWN {
            interner.intern(name);
        }
        interner
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        let rc: Rc<str> = Rc::from(name);
        self.names.push(rc.clone());
        self.hashes.push(super::str_hash(name));
        self.ids.insert(rc, id);
        id
    }
}

impl Symbol {
    /// Interns `name`.
    pub fn new(name: &str) -> Symbol {
        INTERNER.with(|i| Symbol(i.borrow_mut().intern(name)))
    }

    /// The name's text.
    pub fn text(self) -> Rc<str> {
        INTERNER.with(|i| i.borrow().names[self.0 as usize].clone())
    }

    /// Runs `f` on the name's text and its str hash, without cloning the text.
    pub fn with_hash<R>(self, f: impl FnOnce(&str, i64) -> R) -> R {
        INTERNER.with(|i| {
            let i = i.borrow();
            f(&i.names[self.0 as usize], i.hashes[self.0 as usize])
        })
    }

    /// Runs `f` on the name's text without cloning it.
    pub fn with<R>(self, f: impl FnOnce(&str) -> R) -> R {
        INTERNER.with(|i| f(&i.borrow().names[self.0 as usize]))
    }

    /// True for `__dunder__` names.
    pub fn is_dunder(self) -> bool {
        self.with(|s| s.len() > 4 && s.starts_with("__") && s.ends_with("__"))
    }
}

impl fmt::Debug for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with(|s| write!(f, "{s}"))
    }
}

impl fmt::Display for Symbol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with(|s| f.write_str(s))
    }
}

/// A fast non-cryptographic hasher for small integer keys (symbols, ids).
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.hash = (self.hash.rotate_left(5) ^ b as u64).wrapping_mul(SEED);
        }
    }
    fn write_u32(&mut self, i: u32) {
        self.hash = (self.hash.rotate_left(5) ^ i as u64).wrapping_mul(SEED);
    }
    fn write_u64(&mut self, i: u64) {
        self.hash = (self.hash.rotate_left(5) ^ i).wrapping_mul(SEED);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// Builds FxHashers.
pub type FxBuild = BuildHasherDefault<FxHasher>;
