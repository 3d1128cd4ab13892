//! Values: immediates inline, heap objects behind `Rc`. A `Value` is 16 bytes.

pub mod dict;
pub mod intern;
pub mod namespace;
pub mod numfmt;
pub mod object;
pub mod set;
pub mod teardown;
pub mod types;

use crate::vm::generator::Generator;
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use object::{BoundMethod, Builtin, Class, Function, Instance, Module, Native, Range};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub use dict::Dict;
pub use intern::Symbol;

/// The result of anything that can raise: the error is an exception instance.
pub type PyResult<T> = Result<T, Value>;

/// A string object: UTF-8 text, with its length in characters cached.
pub struct PyStr {
    pub text: String,
    /// Number of characters (Unicode scalar values).
    pub char_len: usize,
    hash: Cell<Option<i64>>,
}

impl PyStr {
    /// Appends `other` in place (for a string nothing else refers to).
    pub fn append(&mut self, other: &PyStr) {
        self.text.push_str(&other.text);
        self.char_len += other.char_len;
        self.hash.set(None);
    }

    pub fn new(text: String) -> PyStr {
        let char_len = if text.is_ascii() {
            text.len()
        } else {
            text.chars().count()
        };
        PyStr {
            text,
            char_len,
            hash: Cell::new(None),
        }
    }

    pub fn is_ascii(&self) -> bool {
        self.char_len == self.text.len()
    }

    /// Hash of the text (stable within a run; CPython randomizes str hashes).
    pub fn hash(&self) -> i64 {
        if let Some(h) = self.hash.get() {
            return h;
        }
        let h = str_hash(&self.text);
        self.hash.set(Some(h));
        h
    }
}

/// The hash of a str's text (what `hash(s)` gives and dicts use).
pub fn str_hash(text: &str) -> i64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in text.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100000001b3);
    }
    let h = (h >> 1) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

/// `&Value::None` where a reference with no owner is needed (a `Value` has a
/// destructor, so `&Value::None` is not promoted to a constant by itself).
pub const NONE_REF: &Value = &Value::None;

/// A script-visible value.
pub enum Value {
    /// An empty local slot or cell; never visible to scripts.
    Undef,
    None,
    Bool(bool),
    Int(i64),
    BigInt(Rc<BigInt>),
    Float(f64),
    Str(Rc<PyStr>),
    Bytes(Rc<Vec<u8>>),
    Tuple(Rc<Vec<Value>>),
    List(Rc<RefCell<Vec<Value>>>),
    Dict(Rc<RefCell<Dict>>),
    /// set and frozenset (the flag says frozen).
    Set(Rc<SetObj>),
    Range(Rc<Range>),
    Function(Rc<Function>),
    Builtin(Rc<Builtin>),
    Method(Rc<BoundMethod>),
    Class(Rc<Class>),
    Instance(Rc<Instance>),
    Module(Rc<Module>),
    Generator(Rc<Generator>),
    Native(Rc<Native>),
}

impl Clone for Value {
    /// Scalars are copied inline (the interpreter clones them constantly); the rest
    /// bump a reference count out of line.
    #[inline(always)]
    fn clone(&self) -> Value {
        match self {
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Bool(b) => Value::Bool(*b),
            Value::None => Value::None,
            _ => self.clone_rc(),
        }
    }
}

impl Value {
    #[inline(never)]
    fn clone_rc(&self) -> Value {
        match self {
            Value::Undef => Value::Undef,
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::BigInt(r) => Value::BigInt(r.clone()),
            Value::Float(f) => Value::Float(*f),
            Value::Str(r) => Value::Str(r.clone()),
            Value::Bytes(r) => Value::Bytes(r.clone()),
            Value::Tuple(r) => Value::Tuple(r.clone()),
            Value::List(r) => Value::List(r.clone()),
            Value::Dict(r) => Value::Dict(r.clone()),
            Value::Set(r) => Value::Set(r.clone()),
            Value::Range(r) => Value::Range(r.clone()),
            Value::Function(r) => Value::Function(r.clone()),
            Value::Builtin(r) => Value::Builtin(r.clone()),
            Value::Method(r) => Value::Method(r.clone()),
            Value::Class(r) => Value::Class(r.clone()),
            Value::Instance(r) => Value::Instance(r.clone()),
            Value::Module(r) => Value::Module(r.clone()),
            Value::Generator(r) => Value::Generator(r.clone()),
            Value::Native(r) => Value::Native(r.clone()),
        }
    }
}

/// A new dict object (registered with the cycle collector).
pub fn new_dict_rc(d: Dict) -> Rc<RefCell<Dict>> {
    let rc = Rc::new(RefCell::new(d));
    crate::vm::gc::track_dict(&rc);
    rc
}

/// A set or frozenset: CPython's open-addressing table (iteration follows its slots).
pub struct SetObj {
    pub items: RefCell<set::SetTable>,
    pub frozen: bool,
}

impl SetObj {
    /// An empty set (or frozenset).
    pub fn new(frozen: bool) -> SetObj {
        SetObj {
            items: RefCell::new(set::SetTable::new()),
            frozen,
        }
    }

    /// A new empty set object (registered with the cycle collector).
    pub fn new_rc(frozen: bool) -> Rc<SetObj> {
        let rc = Rc::new(SetObj::new(frozen));
        crate::vm::gc::track_set(&rc);
        rc
    }
}

impl Value {
    /// A str value.
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(Rc::new(PyStr::new(s.into())))
    }

    /// An int value, small when it fits.
    pub fn from_bigint(b: BigInt) -> Value {
        match b.to_i64() {
            Some(i) => Value::Int(i),
            None => Value::BigInt(Rc::new(b)),
        }
    }

    pub fn tuple(items: Vec<Value>) -> Value {
        let rc = Rc::new(items);
        crate::vm::gc::track_tuple(&rc);
        Value::Tuple(rc)
    }

    pub fn list(items: Vec<Value>) -> Value {
        let rc = Rc::new(RefCell::new(items));
        crate::vm::gc::track_list(&rc);
        Value::List(rc)
    }

    pub fn dict(d: Dict) -> Value {
        Value::Dict(new_dict_rc(d))
    }

    /// An instance value (registered with the cycle collector).
    pub fn instance(i: Instance) -> Value {
        let rc = Rc::new(i);
        crate::vm::gc::track_instance(&rc);
        Value::Instance(rc)
    }

    /// A bound method value (registered with the cycle collector).
    pub fn method(m: BoundMethod) -> Value {
        let rc = Rc::new(m);
        crate::vm::gc::track_method(&rc);
        Value::Method(rc)
    }

    pub fn native(n: Native) -> Value {
        Value::Native(Rc::new(n))
    }

    pub fn builtin(name: &'static str, func: object::NativeFn) -> Value {
        Value::Builtin(Rc::new(Builtin {
            name,
            func,
            receiver: None,
        }))
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }

    /// The class of this value.
    pub fn class(&self) -> Rc<Class> {
        types::class_of(self)
    }

    /// The type name as error messages print it (`'NoneType' object is not callable`).
    pub fn type_name(&self) -> String {
        match self {
            Value::Instance(i) => i.class.name.clone(),
            Value::Class(c) if c.is_user => "type".into(),
            // A type of a C module in CPython: its name there is qualified.
            Value::Native(_) if crate::stdlib::deque::is_deque(self) => "collections.deque".into(),
            _ => self.class().name.clone(),
        }
    }

    /// Identity: the same object (or equal immediates).
    pub fn is(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (None, None) | (Undef, Undef) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a.to_bits() == b.to_bits(),
            _ => match (self.ptr(), other.ptr()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }

    /// The address of the heap object, if any (`id()` and identity).
    pub fn ptr(&self) -> Option<usize> {
        use Value::*;
        Some(match self {
            BigInt(r) => Rc::as_ptr(r) as *const u8 as usize,
            Str(r) => Rc::as_ptr(r) as *const u8 as usize,
            Bytes(r) => Rc::as_ptr(r) as *const u8 as usize,
            Tuple(r) => Rc::as_ptr(r) as *const u8 as usize,
            List(r) => Rc::as_ptr(r) as *const u8 as usize,
            Dict(r) => Rc::as_ptr(r) as *const u8 as usize,
            Set(r) => Rc::as_ptr(r) as *const u8 as usize,
            Range(r) => Rc::as_ptr(r) as *const u8 as usize,
            Function(r) => Rc::as_ptr(r) as *const u8 as usize,
            Builtin(r) => Rc::as_ptr(r) as *const u8 as usize,
            Method(r) => Rc::as_ptr(r) as *const u8 as usize,
            Class(r) => Rc::as_ptr(r) as *const u8 as usize,
            Instance(r) => Rc::as_ptr(r) as *const u8 as usize,
            Module(r) => Rc::as_ptr(r) as *const u8 as usize,
            Generator(r) => Rc::as_ptr(r) as *const u8 as usize,
            Native(r) => Rc::as_ptr(r) as *const u8 as usize,
            _ => return Option::None,
        })
    }

    /// The text of a str value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(&s.text),
            _ => None,
        }
    }

    /// A small int (bools count as ints, as in Python).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i64),
            _ => None,
        }
    }

    /// Any int as a BigInt (bools included).
    pub fn as_bigint(&self) -> Option<BigInt> {
        match self {
            Value::Int(i) => Some(BigInt::from(*i)),
            Value::Bool(b) => Some(BigInt::from(*b as i64)),
            Value::BigInt(b) => Some((**b).clone()),
            _ => None,
        }
    }

    /// True for int, bool and big ints.
    pub fn is_int(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Bool(_) | Value::BigInt(_))
    }

    /// The exception payload, for instances of BaseException subclasses.
    pub fn exc_data(&self) -> Option<&RefCell<object::ExcData>> {
        match self {
            Value::Instance(i) => i.exc.as_deref(),
            _ => None,
        }
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::BigInt(b) => write!(f, "{b}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{:?}", s.text),
            other => write!(f, "<{}>", other.type_name()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn value_is_16_bytes() {
        assert_eq!(std::mem::size_of::<super::Value>(), 16);
    }
}
