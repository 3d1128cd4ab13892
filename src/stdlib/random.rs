//! The `random` module: `random.Random` instances over the CPython-exact core in
//! `random_core`, and the module-level functions bound to a hidden default instance
//! (as CPython's `random.py` binds `_inst.random` and friends).

use super::random_core::{self as core, RandomError, RandomErrorKind};
use crate::value::object::{AttrMap, Class, Layout, Native, NativeFn};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::ops;
use crate::vm::Vm;
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

/// The methods of `random.Random`, each also a module-level function.
const METHODS: &[(&str, NativeFn)] = &[
    ("seed", seed),
    ("random", random),
    ("uniform", uniform),
    ("triangular", triangular),
    ("randint", randint),
    ("choice", choice),
    ("randrange", randrange),
    ("sample", sample),
    ("shuffle", shuffle),
    ("choices", choices),
    ("normalvariate", normalvariate),
    ("lognormvariate", lognormvariate),
    ("expovariate", expovariate),
    ("vonmisesvariate", vonmisesvariate),
    ("gammavariate", gammavariate),
    ("gauss", gauss),
    ("betavariate", betavariate),
    ("paretovariate", paretovariate),
    ("weibullvariate", weibullvariate),
    ("getstate", getstate),
    ("setstate", setstate),
    ("getrandbits", getrandbits),
    ("randbytes", randbytes),
];

/// Builds the `random` module.
pub fn module(_vm: &mut Vm) -> Value {
    crate::value::object::class_changed();
    let class = Rc::new(Class {
        name: "Random".to_string(),
        qualname: RefCell::new("Random".to_string()),
        module: "random".to_string(),
        base: Some(types::with_types(|t| t.object.clone())),
        mro: vec![types::with_types(|t| t.object.clone())],
        dict: RefCell::new(AttrMap::default()),
        layout: Layout::Native,
        is_user: false,
        unhashable: Cell::new(false),
        getattribute: Cell::new(false),
        lookup_cache: Default::default(),
    });
    types::set_class_attr(&class, "__new__", Value::builtin("__new__", random_new));
    for (name, f) in METHODS {
        types::set_class_attr(&class, name, Value::builtin(name, *f));
    }
    let inst = new_instance(&class, core::Random::new_from_entropy());
    let m = super::new_module("random");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("random"));
        g.insert(Symbol::new("Random"), Value::Class(class));
        for (name, f) in METHODS {
            let bound = crate::value::object::Builtin {
                name,
                func: *f,
                receiver: Some(inst.clone()),
            };
            g.insert(Symbol::new(name), Value::Builtin(Rc::new(bound)));
        }
        g.insert(Symbol::new("_inst"), inst);
    }
    Value::Module(m)
}

fn new_instance(class: &Rc<Class>, state: core::Random) -> Value {
    Value::native(Native::Object {
        class: class.clone(),
        payload: Box::new(RefCell::new(state)),
    })
}

/// The generator state inside a `Random` instance.
fn state(v: &Value) -> PyResult<&RefCell<core::Random>> {
    if let Value::Native(n) = v {
        if let Native::Object { payload, .. } = &**n {
            if let Some(s) = payload.downcast_ref::<RefCell<core::Random>>() {
                return Ok(s);
            }
        }
    }
    Err(types::type_error(format!(
        "descriptor requires a 'random.Random' object but received a '{}'",
        v.type_name()
    )))
}

/// The exception a core error names.
fn raise(e: RandomError) -> Value {
    let msg = e.message;
    match e.kind {
        RandomErrorKind::ValueError | RandomErrorKind::NonTerminating => types::value_error(msg),
        RandomErrorKind::IndexError => types::index_error(msg),
        RandomErrorKind::TypeError => types::type_error(msg),
        RandomErrorKind::ZeroDivisionError => types::exc(|t| &t.zero_division_error, msg),
        RandomErrorKind::OverflowError => types::exc(|t| &t.overflow_error, msg),
        RandomErrorKind::MemoryError => types::exc(|t| &t.memory_error, msg),
    }
}

/// A Python-level signature: binds positional and keyword arguments the way CPython
/// binds a `def`, with its error messages.
struct Sig {
    qualname: &'static str,
    /// Positional-or-keyword parameters (after `self`).
    params: &'static [&'static str],
    /// How many of `params` have no default.
    required: usize,
    /// Keyword-only parameters (all with defaults).
    kwonly: &'static [&'static str],
}

impl Sig {
    /// One slot per parameter (`params` then `kwonly`); `None` where the default applies.
    fn bind(&self, args: &[Value], kwargs: Kw) -> PyResult<Vec<Option<Value>>> {
        let n = self.params.len();
        if args.len() > n {
            let takes = if self.required == n {
                format!(
                    "{} positional argument{}",
                    n + 1,
                    if n == 0 { "" } else { "s" }
                )
            } else {
                format!(
                    "from {} to {} positional arguments",
                    self.required + 1,
                    n + 1
                )
            };
            let given = args.len() + 1;
            return Err(types::type_error(format!(
                "{}() takes {} but {} {} given",
                self.qualname,
                takes,
                given,
                if given == 1 { "was" } else { "were" }
            )));
        }
        let mut slots: Vec<Option<Value>> = vec![None; n + self.kwonly.len()];
        for (i, a) in args.iter().enumerate() {
            slots[i] = Some(a.clone());
        }
        for (k, v) in kwargs {
            let name = k.text();
            let pos = self
                .params
                .iter()
                .chain(self.kwonly.iter())
                .position(|p| *p == &*name);
            match pos {
                Some(i) if slots[i].is_some() => {
                    return Err(types::type_error(format!(
                        "{}() got multiple values for argument '{}'",
                        self.qualname, name
                    )))
                }
                Some(i) => slots[i] = Some(v.clone()),
                None => {
                    return Err(types::type_error(format!(
                        "{}() got an unexpected keyword argument '{}'",
                        self.qualname, name
                    )))
                }
            }
        }
        let missing: Vec<&str> = (0..self.required)
            .filter(|i| slots[*i].is_none())
            .map(|i| self.params[i])
            .collect();
        if !missing.is_empty() {
            let names: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
            let list = match names.len() {
                1 => names[0].clone(),
                2 => format!("{} and {}", names[0], names[1]),
                _ => format!(
                    "{}, and {}",
                    names[..names.len() - 1].join(", "),
                    names[names.len() - 1]
                ),
            };
            return Err(types::type_error(format!(
                "{}() missing {} required positional argument{}: {}",
                self.qualname,
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                list
            )));
        }
        Ok(slots)
    }
}

/// Splits `self` off a method call.
fn receiver<'a>(args: &'a [Value], name: &str) -> PyResult<(&'a Value, &'a [Value])> {
    match args.split_first() {
        Some((s, rest)) => Ok((s, rest)),
        None => Err(types::type_error(format!(
            "unbound method Random.{name}() needs an argument"
        ))),
    }
}

/// A Python int (or `__index__` object) as a BigInt.
fn index_big(vm: &mut Vm, v: &Value) -> PyResult<Option<BigInt>> {
    Ok(match v {
        Value::Bool(b) => Some(BigInt::from(*b as i64)),
        Value::Int(i) => Some(BigInt::from(*i)),
        Value::BigInt(b) => Some((**b).clone()),
        Value::Instance(i) if i.class.lookup(crate::value::intern::sym::INDEX).is_some() => {
            let f = i
                .class
                .lookup(crate::value::intern::sym::INDEX)
                .unwrap_or(Value::None);
            let r = vm.call(&f, std::slice::from_ref(v))?;
            match r.as_bigint() {
                Some(b) => Some(b),
                None => {
                    return Err(types::type_error(format!(
                        "__index__ returned non-int (type {})",
                        r.type_name()
                    )))
                }
            }
        }
        _ => None,
    })
}

/// A float argument: ints, floats and objects with `__float__`.
fn real(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        Value::Bool(b) => Ok(*b as i64 as f64),
        Value::Int(i) => Ok(*i as f64),
        Value::BigInt(b) => match b.to_f64() {
            Some(f) if f.is_finite() => Ok(f),
            _ => Err(types::exc(
                |t| &t.overflow_error,
                "int too large to convert to float",
            )),
        },
        Value::Instance(i) => match i.class.lookup(Symbol::new("__float__")) {
            Some(f) => {
                let r = vm.call(&f, std::slice::from_ref(v))?;
                match r {
                    Value::Float(x) => Ok(x),
                    _ => Err(types::type_error(format!(
                        "{}.__float__ returned non-float (type {})",
                        i.class.name,
                        r.type_name()
                    ))),
                }
            }
            None => Err(types::type_error(format!(
                "must be real number, not {}",
                v.type_name()
            ))),
        },
        _ => Err(types::type_error(format!(
            "must be real number, not {}",
            v.type_name()
        ))),
    }
}

fn real_or(vm: &mut Vm, v: &Option<Value>, default: f64) -> PyResult<f64> {
    match v {
        Some(v) => real(vm, v),
        None => Ok(default),
    }
}

/// `int(x)` for randrange's fallback on non-index arguments.
fn randrange_int(vm: &mut Vm, v: &Value, what: &str) -> PyResult<BigInt> {
    if let Some(b) = index_big(vm, v)? {
        return Ok(b);
    }
    let non_integer = || types::value_error(format!("non-integer {what} for randrange()"));
    match v {
        Value::Float(f) => {
            if f.is_nan() {
                return Err(types::value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(types::exc(
                    |t| &t.overflow_error,
                    "cannot convert float infinity to integer",
                ));
            }
            if f.fract() != 0.0 {
                return Err(non_integer());
            }
            Ok(num_bigint::BigInt::from(*f as i128))
        }
        Value::Str(s) => match s.text.trim().replace('_', "").parse::<BigInt>() {
            Ok(_) => Err(non_integer()),
            Err(_) => Err(types::value_error(format!(
                "invalid literal for int() with base 10: {}",
                ops::str_repr(&s.text)
            ))),
        },
        _ => Err(types::type_error(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            v.type_name()
        ))),
    }
}

fn random_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let Some(Value::Class(class)) = args.first() else {
        return Err(types::type_error(
            "Random.__new__(X): X is not a type object",
        ));
    };
    // `Random.__init__(self, x=None)` is a Python method in CPython.
    let sig = Sig {
        qualname: "Random.__init__",
        params: &["x"],
        required: 0,
        kwonly: &[],
    };
    let slots = sig.bind(&args[1..], kwargs)?;
    let inst = new_instance(class, core::Random::new_seeded_from_int(&BigInt::zero()));
    let a = slots[0].clone().unwrap_or(Value::None);
    seed(vm, &[inst.clone(), a], &[])?;
    Ok(inst)
}

fn seed(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "seed")?;
    let sig = Sig {
        qualname: "Random.seed",
        params: &["a", "version"],
        required: 0,
        kwonly: &[],
    };
    let slots = sig.bind(rest, kwargs)?;
    let a = slots[0].clone().unwrap_or(Value::None);
    let version = slots[1].clone().unwrap_or(Value::Int(2));
    let v1 = ops::eq(vm, &version, &Value::Int(1))?;
    let v2 = ops::eq(vm, &version, &Value::Int(2))?;
    let st = state(me)?;
    match &a {
        Value::Str(_) | Value::Bytes(_) if v1 => {
            // Version 1's narrower string hash, kept for old seeds.
            let codes: Vec<u64> = match &a {
                Value::Str(s) => s.text.chars().map(|c| c as u64).collect(),
                Value::Bytes(b) => b.iter().map(|c| *c as u64).collect(),
                _ => Vec::new(),
            };
            let mut x: u64 = codes.first().map(|c| c << 7).unwrap_or(0);
            for c in &codes {
                x = 1000003u64.wrapping_mul(x) ^ c;
            }
            x ^= codes.len() as u64;
            st.borrow_mut().seed_int(&BigInt::from(x));
        }
        Value::Str(s) if v2 => st.borrow_mut().seed_str(&s.text),
        Value::Bytes(b) if v2 => st.borrow_mut().seed_bytes(b),
        Value::None => st.borrow_mut().seed_from_entropy(),
        Value::Bool(_) | Value::Int(_) | Value::BigInt(_) => {
            let n = a.as_bigint().unwrap_or_default();
            st.borrow_mut().seed_int(&n);
        }
        Value::Float(f) => st.borrow_mut().seed_hash(ops::float_hash(*f)),
        Value::Str(_) | Value::Bytes(_) => {
            let h = ops::hash(vm, &a)?;
            st.borrow_mut().seed_hash(h);
        }
        _ => {
            return Err(types::type_error(
                "The only supported seed types are: None,\nint, float, str, bytes, and bytearray.",
            ))
        }
    }
    Ok(Value::None)
}

fn random(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "random")?;
    if !rest.is_empty() || !kwargs.is_empty() {
        return Err(types::type_error(format!(
            "Random.random() takes no arguments ({} given)",
            rest.len()
        )));
    }
    Ok(Value::Float(state(me)?.borrow_mut().random()))
}

fn getrandbits(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "getrandbits")?;
    if !kwargs.is_empty() {
        return Err(types::type_error(
            "Random.getrandbits() takes no keyword arguments",
        ));
    }
    if rest.len() != 1 {
        return Err(types::type_error(format!(
            "Random.getrandbits() takes exactly one argument ({} given)",
            rest.len()
        )));
    }
    let k = int_arg(vm, &rest[0])?;
    let k = k.to_i64().unwrap_or(i64::MAX);
    let r = state(me)?
        .borrow_mut()
        .getrandbits_checked(k)
        .map_err(raise)?;
    Ok(ops::int_result(r))
}

/// A C-level int argument: `'float' object cannot be interpreted as an integer`.
fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<BigInt> {
    match index_big(vm, v)? {
        Some(b) => Ok(b),
        None => Err(types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            v.type_name()
        ))),
    }
}

fn randbytes(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "randbytes")?;
    let sig = Sig {
        qualname: "Random.randbytes",
        params: &["n"],
        required: 1,
        kwonly: &[],
    };
    let slots = sig.bind(rest, kwargs)?;
    let n = slots[0].clone().unwrap_or(Value::None);
    let n = match index_big(vm, &n)? {
        Some(b) => b,
        None => {
            return Err(types::type_error(format!(
                "unsupported operand type(s) for *: '{}' and 'int'",
                n.type_name()
            )))
        }
    };
    let n = n.to_i64().unwrap_or(i64::MAX);
    let b = state(me)?.borrow_mut().randbytes(n).map_err(raise)?;
    Ok(Value::Bytes(Rc::new(b)))
}

fn randrange(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "randrange")?;
    let sig = Sig {
        qualname: "Random.randrange",
        params: &["start", "stop", "step"],
        required: 1,
        kwonly: &[],
    };
    let slots = sig.bind(rest, kwargs)?;
    let start = randrange_int(vm, slots[0].as_ref().unwrap_or(&Value::None), "arg 1")?;
    let stop = match &slots[1] {
        None | Some(Value::None) => None,
        Some(v) => Some(randrange_int(vm, v, "stop")?),
    };
    let step = match &slots[2] {
        None => BigInt::one(),
        Some(v) => {
            if stop.is_none() {
                // CPython compares `step is not _ONE`: any explicit step needs a stop.
                return Err(types::type_error("Missing a non-None stop argument"));
            }
            randrange_int(vm, v, "step")?
        }
    };
    let r = state(me)?
        .borrow_mut()
        .randrange(&start, stop.as_ref(), &step)
        .map_err(raise)?;
    Ok(ops::int_result(r))
}

fn randint(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "randint")?;
    let sig = Sig {
        qualname: "Random.randint",
        params: &["a", "b"],
        required: 2,
        kwonly: &[],
    };
    let slots = sig.bind(rest, kwargs)?;
    let a = slots[0].clone().unwrap_or(Value::None);
    let b = slots[1].clone().unwrap_or(Value::None);
    let stop = ops::binary_op(vm, crate::ast::BinOp::Add, &b, &Value::Int(1))?;
    randrange(vm, &[me.clone(), a, stop], &[])
}

/// `len(seq)` and `seq[i]` with fast paths for the builtin sequences.
fn seq_len(vm: &mut Vm, seq: &Value) -> PyResult<usize> {
    Ok(ops::len(vm, seq)?.max(0) as usize)
}

fn seq_item(vm: &mut Vm, seq: &Value, i: usize) -> PyResult<Value> {
    match seq {
        Value::List(l) => {
            if let Some(v) = l.borrow().get(i) {
                return Ok(v.clone());
            }
        }
        Value::Tuple(t) => {
            if let Some(v) = t.get(i) {
                return Ok(v.clone());
            }
        }
        _ => {}
    }
    ops::getitem(vm, seq, &Value::Int(i as i64))
}

fn choice(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "choice")?;
    let sig = Sig {
        qualname: "Random.choice",
        params: &["seq"],
        required: 1,
        kwonly: &[],
    };
    let slots = sig.bind(rest, kwargs)?;
    let seq = slots[0].clone().unwrap_or(Value::None);
    let n = seq_len(vm, &seq)?;
    let i = state(me)?.borrow_mut().choice_index(n).map_err(raise)?;
    seq_item(vm, &seq, i)
}

fn shuffle(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "shuffle")?;
    let sig = Sig {
        qualname: "Random.shuffle",
        params: &["x"],
        required: 1,
        kwonly: &[],
    };
    let slots = sig.bind(rest, kwargs)?;
    let x = slots[0].clone().unwrap_or(Value::None);
    if let Value::List(l) = &x {
        let n = l.borrow().len();
        let swaps = state(me)?.borrow_mut().shuffle_swaps(n);
        let mut items = l.borrow_mut();
        for (i, j) in swaps {
            if i < items.len() && j < items.len() {
                items.swap(i, j);
            }
        }
        return Ok(Value::None);
    }
    // Any other mutable sequence, through its own item protocol, swap by swap.
    let n = seq_len(vm, &x)?;
    for i in (1..n).rev() {
        let j = state(me)?.borrow_mut().randbelow_u64(i as u64 + 1) as usize;
        let xi = seq_item(vm, &x, i)?;
        let xj = seq_item(vm, &x, j)?;
        ops::setitem(vm, &x, Value::Int(i as i64), xj)?;
        ops::setitem(vm, &x, Value::Int(j as i64), xi)?;
    }
    Ok(Value::None)
}

/// True for what `isinstance(x, collections.abc.Sequence)` accepts among aio's values.
fn is_sequence(v: &Value) -> bool {
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) | Value::Bytes(_) | Value::Range(_) => {
            true
        }
        Value::Instance(i) => {
            i.class.lookup(crate::value::intern::sym::GETITEM).is_some()
                && i.class.lookup(Symbol::new("__len__")).is_some()
                && i.class.lookup(Symbol::new("keys")).is_none()
        }
        _ => false,
    }
}

fn sample(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "sample")?;
    let sig = Sig {
        qualname: "Random.sample",
        params: &["population", "k"],
        required: 2,
        kwonly: &["counts"],
    };
    let slots = sig.bind(rest, kwargs)?;
    let population = slots[0].clone().unwrap_or(Value::None);
    let k_value = slots[1].clone().unwrap_or(Value::None);
    if !is_sequence(&population) {
        return Err(types::type_error(
            "Population must be a sequence.  For dicts or sets, use sorted(d).",
        ));
    }
    let n = seq_len(vm, &population)?;
    let k = match index_big(vm, &k_value)? {
        Some(k) => k,
        None => {
            return Err(types::type_error(format!(
                "'<=' not supported between instances of 'int' and '{}'",
                k_value.type_name()
            )))
        }
    };
    let indices = match &slots[2] {
        Some(counts) if !counts.is_none() => {
            let counts = ops::collect_iterable(vm, counts)?;
            let mut cum = Vec::with_capacity(counts.len());
            let mut total = Value::Int(0);
            for (i, c) in counts.iter().enumerate() {
                total = if i == 0 {
                    c.clone()
                } else {
                    ops::binary_op(vm, crate::ast::BinOp::Add, &total, c)?
                };
                cum.push(total.clone());
            }
            if cum.len() != n {
                return Err(types::value_error(
                    "The number of counts does not match the population",
                ));
            }
            let Some(last) = cum.last() else {
                return Err(types::index_error("pop from empty list"));
            };
            if !last.is_int() {
                return Err(types::type_error("Counts must be integers"));
            }
            let cum: Vec<i64> = cum.iter().map(|c| c.as_i64().unwrap_or(i64::MAX)).collect();
            let k = sample_k(&k)?;
            state(me)?
                .borrow_mut()
                .sample_counts_indices(n, &cum, k)
                .map_err(raise)?
        }
        _ => {
            let k = sample_k(&k)?;
            state(me)?
                .borrow_mut()
                .sample_indices(n, k)
                .map_err(raise)?
        }
    };
    let mut out = Vec::with_capacity(indices.len());
    for i in indices {
        out.push(seq_item(vm, &population, i)?);
    }
    Ok(Value::list(out))
}

fn sample_k(k: &BigInt) -> PyResult<usize> {
    if k.is_negative() {
        return Err(types::value_error(
            "Sample larger than population or is negative",
        ));
    }
    k.to_usize()
        .ok_or_else(|| types::value_error("Sample larger than population or is negative"))
}

fn choices(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "choices")?;
    let sig = Sig {
        qualname: "Random.choices",
        params: &["population", "weights"],
        required: 1,
        kwonly: &["cum_weights", "k"],
    };
    let slots = sig.bind(rest, kwargs)?;
    let population = slots[0].clone().unwrap_or(Value::None);
    let weights = slots[1].clone().unwrap_or(Value::None);
    let cum_weights = slots[2].clone().unwrap_or(Value::None);
    let k_value = slots[3].clone().unwrap_or(Value::Int(1));
    let n = seq_len(vm, &population)?;
    let k = match index_big(vm, &k_value)? {
        Some(k) => k.to_usize().unwrap_or(0),
        None => {
            return Err(types::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                k_value.type_name()
            )))
        }
    };
    let cum: Option<Vec<f64>> = if cum_weights.is_none() {
        if weights.is_none() {
            None
        } else {
            if matches!(weights, Value::Int(_) | Value::BigInt(_)) {
                let kr = ops::repr(vm, &weights)?;
                return Err(types::type_error(format!(
                    "The number of choices must be a keyword argument: k={kr}"
                )));
            }
            let ws = ops::collect_iterable(vm, &weights)?;
            let mut total = Value::Int(0);
            let mut cum = Vec::with_capacity(ws.len());
            for (i, w) in ws.iter().enumerate() {
                total = if i == 0 {
                    w.clone()
                } else {
                    ops::binary_op(vm, crate::ast::BinOp::Add, &total, w)?
                };
                cum.push(real(vm, &total)?);
            }
            Some(cum)
        }
    } else {
        if !weights.is_none() {
            return Err(types::type_error(
                "Cannot specify both weights and cumulative weights",
            ));
        }
        let cws = ops::collect_iterable(vm, &cum_weights)?;
        let mut cum = Vec::with_capacity(cws.len());
        for w in &cws {
            cum.push(real(vm, w)?);
        }
        Some(cum)
    };
    let indices = state(me)?
        .borrow_mut()
        .choices_indices(n, cum.as_deref(), k)
        .map_err(raise)?;
    let mut out = Vec::with_capacity(indices.len());
    for i in indices {
        out.push(seq_item(vm, &population, i)?);
    }
    Ok(Value::list(out))
}

fn uniform(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    use crate::ast::BinOp;
    let (me, rest) = receiver(args, "uniform")?;
    let sig = Sig {
        qualname: "Random.uniform",
        params: &["a", "b"],
        required: 2,
        kwonly: &[],
    };
    let slots = sig.bind(rest, kwargs)?;
    let a = slots[0].clone().unwrap_or(Value::None);
    let b = slots[1].clone().unwrap_or(Value::None);
    // `a + (b - a) * self.random()` with Python's own arithmetic (ints stay exact).
    let width = ops::binary_op(vm, BinOp::Sub, &b, &a)?;
    let r = state(me)?.borrow_mut().random();
    let scaled = ops::binary_op(vm, BinOp::Mult, &width, &Value::Float(r))?;
    ops::binary_op(vm, BinOp::Add, &a, &scaled)
}

fn triangular(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "triangular")?;
    let sig = Sig {
        qualname: "Random.triangular",
        params: &["low", "high", "mode"],
        required: 0,
        kwonly: &[],
    };
    let slots = sig.bind(rest, kwargs)?;
    let low = real_or(vm, &slots[0], 0.0)?;
    let high = real_or(vm, &slots[1], 1.0)?;
    let mode = match &slots[2] {
        None | Some(Value::None) => None,
        Some(v) => Some(real(vm, v)?),
    };
    let r = state(me)?
        .borrow_mut()
        .triangular(low, high, mode)
        .map_err(raise)?;
    if mode.is_some() && high - low == 0.0 {
        // CPython returns `low` itself (an int stays an int) when the width is zero.
        return Ok(slots[0].clone().unwrap_or(Value::Float(0.0)));
    }
    Ok(Value::Float(r))
}

/// A distribution method over float parameters: binds them, then runs `f` on the state.
fn distribution(
    vm: &mut Vm,
    args: &[Value],
    kwargs: Kw,
    sig: Sig,
    defaults: &[f64],
    f: impl FnOnce(&mut core::Random, &[f64]) -> Result<f64, RandomError>,
) -> PyResult<Value> {
    let name = sig.qualname.trim_start_matches("Random.");
    let (me, rest) = receiver(args, name)?;
    let slots = sig.bind(rest, kwargs)?;
    let mut xs = Vec::with_capacity(slots.len());
    for (i, s) in slots.iter().enumerate() {
        xs.push(real_or(vm, s, defaults.get(i).copied().unwrap_or(0.0))?);
    }
    let r = f(&mut state(me)?.borrow_mut(), &xs).map_err(raise)?;
    Ok(Value::Float(r))
}

fn normalvariate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.normalvariate",
        params: &["mu", "sigma"],
        required: 0,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[0.0, 1.0], |r, x| {
        Ok(r.normalvariate(x[0], x[1]))
    })
}

fn gauss(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.gauss",
        params: &["mu", "sigma"],
        required: 0,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[0.0, 1.0], |r, x| {
        Ok(r.gauss(x[0], x[1]))
    })
}

fn lognormvariate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.lognormvariate",
        params: &["mu", "sigma"],
        required: 2,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[], |r, x| {
        r.lognormvariate(x[0], x[1])
    })
}

fn expovariate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.expovariate",
        params: &["lambd"],
        required: 1,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[], |r, x| r.expovariate(x[0]))
}

fn vonmisesvariate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.vonmisesvariate",
        params: &["mu", "kappa"],
        required: 2,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[], |r, x| {
        r.vonmisesvariate(x[0], x[1])
    })
}

fn gammavariate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.gammavariate",
        params: &["alpha", "beta"],
        required: 2,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[], |r, x| {
        r.gammavariate(x[0], x[1])
    })
}

fn betavariate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.betavariate",
        params: &["alpha", "beta"],
        required: 2,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[], |r, x| r.betavariate(x[0], x[1]))
}

fn paretovariate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.paretovariate",
        params: &["alpha"],
        required: 1,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[], |r, x| r.paretovariate(x[0]))
}

fn weibullvariate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sig = Sig {
        qualname: "Random.weibullvariate",
        params: &["alpha", "beta"],
        required: 2,
        kwonly: &[],
    };
    distribution(vm, args, kwargs, sig, &[], |r, x| {
        r.weibullvariate(x[0], x[1])
    })
}

fn getstate(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "getstate")?;
    Sig {
        qualname: "Random.getstate",
        params: &[],
        required: 0,
        kwonly: &[],
    }
    .bind(rest, kwargs)?;
    let (mt, index, gauss_next) = state(me)?.borrow().getstate();
    let mut words: Vec<Value> = mt.iter().map(|w| Value::Int(*w as i64)).collect();
    words.push(Value::Int(index as i64));
    Ok(Value::tuple(vec![
        Value::Int(3),
        Value::tuple(words),
        gauss_next.map(Value::Float).unwrap_or(Value::None),
    ]))
}

fn setstate(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (me, rest) = receiver(args, "setstate")?;
    let slots = Sig {
        qualname: "Random.setstate",
        params: &["state"],
        required: 1,
        kwonly: &[],
    }
    .bind(rest, kwargs)?;
    let st = slots[0].clone().unwrap_or(Value::None);
    let version = ops::getitem(vm, &st, &Value::Int(0))?;
    let is3 = ops::eq(vm, &version, &Value::Int(3))?;
    let is2 = ops::eq(vm, &version, &Value::Int(2))?;
    if !is3 && !is2 {
        let v = ops::str_of(vm, &version)?;
        return Err(types::value_error(format!(
            "state with version {v} passed to Random.setstate() of version 3"
        )));
    }
    let parts = ops::unpack(vm, &st, 3, None)?;
    let gauss_next = match &parts[2] {
        Value::None => None,
        v => Some(real(vm, v)?),
    };
    let Value::Tuple(inner) = &parts[1] else {
        return Err(types::type_error("state vector must be a tuple"));
    };
    if inner.len() != 625 {
        return Err(types::value_error("state vector is the wrong size"));
    }
    let mut mt = Vec::with_capacity(624);
    for w in &inner[..624] {
        let Some(b) = index_big(vm, w)? else {
            return Err(types::type_error("an integer is required"));
        };
        let word = if is2 {
            b.mod_floor_u32()
        } else {
            if b.is_negative() {
                return Err(types::exc(
                    |t| &t.overflow_error,
                    "can't convert negative value to unsigned int",
                ));
            }
            b.mod_floor_u32()
        };
        mt.push(word);
    }
    let index = match index_big(vm, &inner[624])? {
        Some(b) => b.to_i64().unwrap_or(i64::MAX),
        None => return Err(types::type_error("an integer is required")),
    };
    state(me)?
        .borrow_mut()
        .setstate(&mt, index, gauss_next)
        .map_err(raise)?;
    Ok(Value::None)
}

/// The low 32 bits of an int, as C's cast to `uint32_t` keeps them.
trait LowWord {
    fn mod_floor_u32(&self) -> u32;
}

impl LowWord for BigInt {
    fn mod_floor_u32(&self) -> u32 {
        use num_integer::Integer;
        self.mod_floor(&BigInt::from(1u64 << 32))
            .to_u32()
            .unwrap_or(0)
    }
}
