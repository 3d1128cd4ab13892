//! object, type, property, staticmethod, classmethod, super, exceptions, and the
//! introspection builtins (dir, vars, id, input).

use super::{kwarg, method, this, Kw};
use crate::stdlib::builtins::arity;
use crate::value::intern::sym;
use crate::value::object::{AttrMap, Class, ExcData, Instance, Layout, Native};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::exceptions;
use crate::vm::ops;
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

/// Installs the object model's natives.
pub fn register(g: &mut AttrMap) {
    let mut def = |name: &'static str, f: crate::value::object::NativeFn| {
        g.insert(Symbol::new(name), Value::builtin(name, f));
    };
    def("dir", dir);
    def("id", id);
    def("input", input);
    def("vars", vars);
    types::with_types(|t| {
        method(&t.object, "__new__", object_new);
        method(&t.object, "__init__", object_init);
        method(&t.object, "__eq__", object_eq);
        method(&t.object, "__ne__", object_ne);
        method(&t.object, "__repr__", object_repr);
        method(&t.object, "__str__", object_str);
        method(&t.object, "__hash__", object_hash);
        method(&t.object, "__format__", object_format);
        method(&t.object, "__setattr__", object_setattr);
        method(&t.object, "__getattribute__", object_getattribute);
        method(&t.object, "__delattr__", object_delattr);
        method(&t.object, "__dir__", object_dir);
        method(&t.type_, "__new__", type_new);
        method(&t.type_, "mro", type_mro);
        method(&t.property, "__new__", property_new);
        method(&t.property, "setter", property_setter);
        method(&t.property, "getter", property_getter);
        method(&t.property, "deleter", property_deleter);
        method(&t.property, "__get__", property_get);
        method(&t.staticmethod, "__new__", staticmethod_new);
        method(&t.classmethod, "__new__", classmethod_new);
        method(&t.super_, "__new__", super_new);
        method(&t.base_exception, "__new__", exc_new);
        method(&t.base_exception, "__init__", exc_init);
        method(&t.base_exception, "__str__", exc_str);
        method(&t.base_exception, "__repr__", exc_repr);
        method(&t.base_exception, "with_traceback", exc_with_traceback);
        method(&t.base_exception, "add_note", exc_add_note);
        method(&t.key_error, "__str__", key_error_str);
        method(&t.os_error, "__init__", os_error_init);
        method(&t.os_error, "__str__", os_error_str);
    });
}

/// `object.__new__(cls)`.
fn object_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.first() {
        Some(Value::Class(c)) => {
            if c.layout == Layout::Exception {
                return Ok(types::new_exception(c, args[1..].to_vec()));
            }
            Ok(Value::instance(Instance {
                class: c.clone(),
                dict: Default::default(),
                exc: None,
                base: None,
            }))
        }
        Some(other) => Err(types::type_error(format!(
            "object.__new__(X): X is not a type object ({})",
            other.type_name()
        ))),
        None => Err(types::type_error("object.__new__(): not enough arguments")),
    }
}

fn is_native(v: Option<Value>, f: crate::value::object::NativeFn) -> bool {
    matches!(v, Some(Value::Builtin(ref b)) if b.func as usize == f as usize)
}

/// `object.__init__(self, ...)`: extra arguments are an error unless `__new__` was overridden.
fn object_init(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() > 1 || !kwargs.is_empty() {
        let class = this(args, "__init__")?.class();
        if !is_native(class.lookup(sym::INIT), object_init) {
            return Err(types::type_error(
                "object.__init__() takes exactly one argument (the instance to initialize)",
            ));
        }
        if is_native(class.lookup(sym::NEW), object_new) {
            return Err(types::type_error(format!(
                "{}() takes no arguments",
                class.name
            )));
        }
    }
    Ok(Value::None)
}

fn not_implemented() -> Value {
    Value::native(Native::NotImplemented)
}

fn object_eq(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__eq__", &args[1..], 1, 1)?;
    Ok(if args[0].is(&args[1]) {
        Value::Bool(true)
    } else {
        not_implemented()
    })
}

fn object_ne(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__ne__", &args[1..], 1, 1)?;
    let r = ops::compare(vm, crate::ast::CmpOp::Eq, &args[0], &args[1])?;
    Ok(Value::Bool(!ops::truthy(vm, &r)?))
}

fn object_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let v = this(args, "__repr__")?;
    match v {
        Value::Instance(i) if i.base.is_none() && i.exc.is_none() => {
            Ok(Value::str(ops::default_repr(v)))
        }
        _ => Ok(Value::str(ops::repr(vm, v)?)),
    }
}

fn object_str(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let v = this(args, "__str__")?;
    Ok(Value::str(ops::repr(vm, v)?))
}

fn object_hash(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let v = this(args, "__hash__")?;
    match v {
        Value::Instance(i) if i.base.is_none() => {
            Ok(Value::Int((v.ptr().unwrap_or(0) >> 4) as i64))
        }
        _ => Ok(Value::Int(ops::hash(vm, v)?)),
    }
}

fn object_format(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__format__", &args[1..], 1, 1)?;
    let spec = args[1].as_str().unwrap_or("").to_string();
    if spec.is_empty() {
        return Ok(Value::str(ops::str_of(vm, &args[0])?));
    }
    if matches!(&args[0], Value::Instance(i) if i.base.is_none()) {
        return Err(types::type_error(format!(
            "unsupported format string passed to {}.__format__",
            args[0].type_name()
        )));
    }
    Ok(Value::str(ops::format(
        vm,
        ops::base_value(&args[0]),
        &spec,
    )?))
}

fn attr_name(v: &Value) -> PyResult<Symbol> {
    match v {
        Value::Str(s) => Ok(Symbol::new(&s.text)),
        other => Err(types::type_error(format!(
            "attribute name must be string, not '{}'",
            other.type_name()
        ))),
    }
}

/// `object.__setattr__(self, name, value)`: stores in the instance dict (bypassing a script `__setattr__`).
fn object_setattr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__setattr__", &args[1..], 2, 2)?;
    let name = attr_name(&args[1])?;
    if let Value::Instance(inst) = &args[0] {
        if let Some(Value::Native(ref n)) = inst.class.lookup(name) {
            if let Native::Property { .. } = &**n {
                ops::setattr(vm, &args[0], name, args[2].clone())?;
                return Ok(Value::None);
            }
        }
        if inst.exc.is_none() {
            inst.dict.insert(name, args[2].clone());
            return Ok(Value::None);
        }
    }
    ops::setattr(vm, &args[0], name, args[2].clone())?;
    Ok(Value::None)
}

fn object_getattribute(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__getattribute__", &args[1..], 1, 1)?;
    let name = attr_name(&args[1])?;
    ops::generic_getattr(vm, &args[0], name, false)
}

fn object_delattr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__delattr__", &args[1..], 1, 1)?;
    let name = attr_name(&args[1])?;
    ops::delattr(vm, &args[0], name)?;
    Ok(Value::None)
}

fn object_dir(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let v = this(args, "__dir__")?;
    Ok(Value::list(
        dir_names(v).into_iter().map(Value::str).collect(),
    ))
}

/// The attribute names `dir()` lists for a value: its own, then its class chain's.
fn dir_names(v: &Value) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let add_map = |m: &AttrMap, names: &mut Vec<String>| {
        for k in m.keys() {
            names.push(k.text().to_string());
        }
    };
    let classes: Vec<Rc<Class>> = match v {
        Value::Module(m) => {
            names.extend(m.globals.names().iter().map(|k| k.text().to_string()));
            Vec::new()
        }
        Value::Class(c) => {
            let mut cs = vec![c.clone()];
            cs.extend(c.mro.iter().cloned());
            for extra in [
                "__name__",
                "__qualname__",
                "__module__",
                "__doc__",
                "__dict__",
                "__bases__",
                "__mro__",
            ] {
                names.push(extra.to_string());
            }
            cs
        }
        _ => {
            if let Value::Instance(i) = v {
                names.extend(i.dict.names().iter().map(|k| k.text().to_string()));
                if i.exc.is_some() {
                    for extra in [
                        "args",
                        "__cause__",
                        "__context__",
                        "__suppress_context__",
                        "__traceback__",
                    ] {
                        names.push(extra.to_string());
                    }
                }
                names.push("__dict__".to_string());
            }
            names.push("__class__".to_string());
            let c = v.class();
            let mut cs = vec![c.clone()];
            cs.extend(c.mro.iter().cloned());
            cs
        }
    };
    for c in classes {
        add_map(&c.dict.borrow(), &mut names);
    }
    names.sort();
    names.dedup();
    names
}

/// `dir([obj])`: sorted attribute names (without an argument: the main module's globals).
fn dir(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("dir", args, 0, 1)?;
    let names = match args.first() {
        Some(v) => {
            if let Value::Instance(i) = v {
                if let Some(f @ Value::Function(_)) = i.class.lookup(Symbol::new("__dir__")) {
                    let r = vm.call(&f, &[v.clone()])?;
                    let mut items = ops::collect_iterable(vm, &r)?;
                    crate::stdlib::builtins::sort_values(vm, &mut items, None, false)?;
                    return Ok(Value::list(items));
                }
            }
            if let Value::Module(m) = v {
                crate::stdlib::load_lazy_parts(vm, m)?;
            }
            dir_names(v)
        }
        None => {
            let mut names: Vec<String> = match &vm.main_module {
                Some(m) => m
                    .globals
                    .names()
                    .iter()
                    .map(|k| k.text().to_string())
                    .collect(),
                None => Vec::new(),
            };
            names.sort();
            names
        }
    };
    Ok(Value::list(names.into_iter().map(Value::str).collect()))
}

/// `vars([obj])`: the object's `__dict__` (without an argument: the main module's globals).
fn vars(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("vars", args, 0, 1)?;
    match args.first() {
        Some(v) => ops::getattr(vm, v, sym::DICT).map_err(|e| {
            if types::exc_is(&e, |t| &t.attribute_error) {
                types::type_error("vars() argument must have __dict__ attribute")
            } else {
                e
            }
        }),
        None => Ok(match &vm.main_module {
            Some(m) => m.globals.as_dict(),
            None => Value::dict(crate::value::Dict::new()),
        }),
    }
}

/// `id(obj)`: the object's address (small ints: their value, which is unique too).
fn id(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("id", args, 1, 1)?;
    Ok(Value::Int(match &args[0] {
        Value::Int(i) => *i,
        Value::Bool(b) => 0x1000 + *b as i64,
        Value::None => 0x2000,
        Value::Float(f) => f.to_bits() as i64 >> 1,
        v => v.ptr().unwrap_or(0) as i64,
    }))
}

/// `input([prompt])`: one line of stdin without its newline; EOFError at end of input.
fn input(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("input", args, 0, 1)?;
    if let Some(p) = args.first() {
        let text = ops::str_of(vm, p)?;
        vm.stdout.write_str(&text);
    }
    vm.stdout.flush();
    let mut line = String::new();
    let n = std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| types::os_error(e.to_string()))?;
    if n == 0 {
        return Err(types::exc(|t| &t.eof_error, "EOF when reading a line"));
    }
    if line.ends_with('\n') {
        line.pop();
        if line.ends_with('\r') {
            line.pop();
        }
    }
    Ok(Value::str(line))
}

/// `type(x)` or `type(name, bases, namespace)`.
fn type_new(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    match args.len() {
        2 if kwargs.is_empty() => Ok(Value::Class(args[1].class())),
        4 => {
            let Value::Str(name) = &args[1] else {
                return Err(types::type_error(format!(
                    "type.__new__() argument 1 must be str, not {}",
                    args[1].type_name()
                )));
            };
            let Value::Tuple(bases) = &args[2] else {
                return Err(types::type_error(format!(
                    "type.__new__() argument 2 must be tuple, not {}",
                    args[2].type_name()
                )));
            };
            let Value::Dict(ns) = ops::base_value(&args[3]) else {
                return Err(types::type_error(format!(
                    "type.__new__() argument 3 must be dict, not {}",
                    args[3].type_name()
                )));
            };
            let base = match bases.first() {
                None => types::with_types(|t| t.object.clone()),
                Some(Value::Class(c)) if bases.len() == 1 => c.clone(),
                Some(_) if bases.len() > 1 => {
                    return Err(types::type_error("aio classes support a single base class"))
                }
                Some(other) => {
                    return Err(types::type_error(format!(
                        "bases must be types, not {}",
                        other.type_name()
                    )))
                }
            };
            let mut map = AttrMap::default();
            for e in ns.borrow().iter() {
                match e.key.as_str() {
                    Some(k) => {
                        map.insert(Symbol::new(k), e.value.clone());
                    }
                    None => return Err(types::type_error("type() namespace keys must be strings")),
                }
            }
            let module = match &vm.main_module {
                Some(m) => m
                    .globals
                    .get(&sym::NAME)
                    .and_then(|v| v.as_str().map(String::from)),
                None => None,
            };
            Ok(Value::Class(make_class(
                &name.text,
                &base,
                map,
                module.unwrap_or_else(|| "__main__".into()),
            )?))
        }
        _ => Err(types::type_error("type() takes 1 or 3 arguments")),
    }
}

/// A script class with `base` and namespace `ns` (also used by `type(name, bases, ns)`).
pub fn make_class(
    name: &str,
    base: &Rc<Class>,
    ns: AttrMap,
    module: String,
) -> PyResult<Rc<Class>> {
    check_base(base)?;
    let layout = match base.layout {
        Layout::Exception => Layout::Exception,
        Layout::Native if base.name != "object" => Layout::Native,
        _ => Layout::Object,
    };
    let class = types::new_class(name, Some(base), layout, true);
    let mut class = Rc::try_unwrap(class).unwrap_or_else(|_| unreachable!("fresh class"));
    class.module = module;
    if let Some(q) = ns
        .get(&sym::QUALNAME)
        .and_then(|v| v.as_str().map(String::from))
    {
        *class.qualname.borrow_mut() = q;
    }
    let unhashable = ns.contains_key(&sym::EQ) && !ns.contains_key(&sym::HASH);
    let mut ns = ns;
    if unhashable {
        // Defining __eq__ without __hash__ sets __hash__ = None, visibly, as in CPython.
        ns.insert(sym::HASH, Value::None);
    }
    *class.dict.borrow_mut() = ns;
    crate::value::object::class_changed();
    class.unhashable.set(unhashable);
    class.refresh_getattribute();
    let class = Rc::new(class);
    crate::vm::gc::track_class(&class);
    Ok(class)
}

/// Builtin types that scripts cannot subclass, with CPython's message.
pub fn check_base(base: &Class) -> PyResult<()> {
    if base.is_user {
        return Ok(());
    }
    let ok = base.layout != Layout::Native
        || matches!(
            base.name.as_str(),
            "int"
                | "float"
                | "str"
                | "bytes"
                | "tuple"
                | "list"
                | "dict"
                | "set"
                | "frozenset"
                | "property"
                | "type"
        )
        || crate::stdlib::deque::is_class(base);
    if ok {
        Ok(())
    } else {
        Err(types::type_error(format!(
            "type '{}' is not an acceptable base type",
            base.name
        )))
    }
}

fn type_mro(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.first() {
        Some(Value::Class(c)) => {
            let mut v = vec![Value::Class(c.clone())];
            v.extend(c.mro.iter().map(|b| Value::Class(b.clone())));
            Ok(Value::list(v))
        }
        _ => Err(types::type_error(
            "descriptor 'mro' of 'type' object needs an argument",
        )),
    }
}

fn property_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let get = |i: usize, name: &str| {
        args.get(i)
            .or_else(|| kwarg(kwargs, name))
            .cloned()
            .unwrap_or(Value::None)
    };
    let fget = get(1, "fget");
    let mut doc = get(4, "doc");
    if doc.is_none() {
        if let Value::Function(f) = &fget {
            doc = f
                .code
                .consts
                .first()
                .cloned()
                .filter(|d| matches!(d, Value::Str(_)))
                .unwrap_or(Value::None);
        }
    }
    Ok(Value::native(Native::Property {
        fget,
        fset: get(2, "fset"),
        fdel: get(3, "fdel"),
        doc,
    }))
}

fn property_parts(args: &[Value]) -> PyResult<(Value, Value, Value, Value)> {
    match args.first() {
        Some(Value::Native(n)) => match &**n {
            Native::Property {
                fget,
                fset,
                fdel,
                doc,
            } => Ok((fget.clone(), fset.clone(), fdel.clone(), doc.clone())),
            _ => Err(types::type_error("descriptor requires a 'property' object")),
        },
        _ => Err(types::type_error("descriptor requires a 'property' object")),
    }
}

fn property_setter(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("setter", &args[1..], 1, 1)?;
    let (fget, _, fdel, doc) = property_parts(args)?;
    Ok(Value::native(Native::Property {
        fget,
        fset: args[1].clone(),
        fdel,
        doc,
    }))
}

fn property_getter(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("getter", &args[1..], 1, 1)?;
    let (_, fset, fdel, doc) = property_parts(args)?;
    Ok(Value::native(Native::Property {
        fget: args[1].clone(),
        fset,
        fdel,
        doc,
    }))
}

fn property_deleter(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("deleter", &args[1..], 1, 1)?;
    let (fget, fset, _, doc) = property_parts(args)?;
    Ok(Value::native(Native::Property {
        fget,
        fset,
        fdel: args[1].clone(),
        doc,
    }))
}

fn property_get(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__get__", &args[1..], 1, 2)?;
    let (fget, ..) = property_parts(args)?;
    if args[1].is_none() {
        return Ok(args[0].clone());
    }
    if fget.is_none() {
        return Err(types::attribute_error("property has no getter"));
    }
    vm.call(&fget, &[args[1].clone()])
}

fn staticmethod_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("staticmethod", &args[1..], 1, 1)?;
    Ok(Value::native(Native::StaticMethod(args[1].clone())))
}

fn classmethod_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("classmethod", &args[1..], 1, 1)?;
    Ok(Value::native(Native::ClassMethod(args[1].clone())))
}

fn super_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match (args.get(1), args.get(2)) {
        (Some(Value::Class(c)), Some(obj)) if !matches!(obj, Value::Undef) => {
            let ok = match obj {
                Value::Class(oc) => oc.is_subclass(c),
                _ => types::is_instance_of(obj, c),
            };
            if !ok {
                return Err(types::type_error(
                    "super(type, obj): obj must be an instance or subtype of type",
                ));
            }
            Ok(Value::native(Native::Super {
                class: c.clone(),
                obj: obj.clone(),
            }))
        }
        (Some(Value::Undef) | None, _) | (_, Some(Value::Undef)) => {
            Err(types::runtime_error("super(): no arguments"))
        }
        (Some(Value::Class(_)), None) => Err(types::runtime_error("super(): no arguments")),
        (Some(other), _) => Err(types::type_error(format!(
            "super() argument 1 must be a type, not {}",
            other.type_name()
        ))),
    }
}

/// `BaseException.__new__(cls, *args)`.
fn exc_new(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    match args.first() {
        Some(Value::Class(c)) => Ok(Value::instance(Instance {
            class: c.clone(),
            dict: Default::default(),
            exc: Some(Box::new(RefCell::new(ExcData {
                args: args[1..].to_vec(),
                ..Default::default()
            }))),
            base: None,
        })),
        _ => Err(types::type_error(
            "BaseException.__new__(X): X is not a type object",
        )),
    }
}

fn exc_init(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if let Some((k, _)) = kwargs.first() {
        let name = args.first().map(|e| e.type_name()).unwrap_or_default();
        let _ = k;
        return Err(types::type_error(format!(
            "{name}() takes no keyword arguments"
        )));
    }
    if let Some(d) = args.first().and_then(|e| e.exc_data()) {
        d.borrow_mut().args = args[1..].to_vec();
    }
    Ok(Value::None)
}

fn exc_str(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let e = this(args, "__str__")?;
    let a = exceptions::exc_args(e);
    Ok(Value::str(match a.len() {
        0 => String::new(),
        1 => ops::str_of(vm, &a[0])?,
        _ => ops::repr(vm, &Value::tuple(a))?,
    }))
}

/// `OSError(errno, strerror[, filename])` also sets its `errno`, `strerror` and
/// `filename` attributes (None otherwise).
fn os_error_init(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    exc_init(vm, args, kwargs)?;
    if (4..=6).contains(&args.len()) {
        // args keeps (errno, strerror) only when a filename is given.
        if let Some(d) = args[0].exc_data() {
            d.borrow_mut().args = args[1..3].to_vec();
        }
    }
    let Some(Value::Instance(i)) = args.first() else {
        return Ok(Value::None);
    };
    let given = &args[1..];
    let (errno, strerror, filename) = if (2..=5).contains(&given.len()) {
        (
            given[0].clone(),
            given[1].clone(),
            given.get(2).cloned().unwrap_or(Value::None),
        )
    } else {
        (Value::None, Value::None, Value::None)
    };
    let d = &i.dict;
    d.insert(crate::value::Symbol::new("errno"), errno);
    d.insert(crate::value::Symbol::new("strerror"), strerror);
    d.insert(crate::value::Symbol::new("filename"), filename);
    Ok(Value::None)
}

/// `str(OSError)`: `[Errno N] strerror: 'filename'` when errno and strerror are set.
fn os_error_str(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let e = this(args, "__str__")?;
    if let Value::Instance(i) = e {
        let get = |name: &str| i.dict.get(&crate::value::Symbol::new(name));
        if let (Some(errno), Some(strerror)) = (get("errno"), get("strerror")) {
            if !matches!(errno, Value::None) && !matches!(strerror, Value::None) {
                let errno = ops::str_of(vm, &errno)?;
                let strerror = ops::str_of(vm, &strerror)?;
                return Ok(Value::str(match get("filename") {
                    Some(f) if !matches!(f, Value::None) => {
                        format!("[Errno {errno}] {strerror}: {}", ops::repr(vm, &f)?)
                    }
                    _ => format!("[Errno {errno}] {strerror}"),
                }));
            }
        }
    }
    exc_str(vm, args, kw)
}

fn key_error_str(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let e = this(args, "__str__")?;
    let a = exceptions::exc_args(e);
    Ok(Value::str(match a.len() {
        0 => String::new(),
        1 => ops::repr(vm, &a[0])?,
        _ => ops::repr(vm, &Value::tuple(a))?,
    }))
}

fn exc_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let e = this(args, "__repr__")?;
    let a = exceptions::exc_args(e);
    let name = e.class().name.clone();
    Ok(Value::str(match a.len() {
        1 => format!("{}({})", name, ops::repr(vm, &a[0])?),
        _ => format!("{}{}", name, ops::repr(vm, &Value::tuple(a))?),
    }))
}

fn exc_with_traceback(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("with_traceback", &args[1..], 1, 1)?;
    crate::stdlib::tbobj::set_traceback(&args[0], &args[1])?;
    Ok(args[0].clone())
}

fn exc_add_note(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("add_note", &args[1..], 1, 1)?;
    if !matches!(args[1], Value::Str(_)) {
        return Err(types::type_error(format!(
            "note must be a str, not '{}'",
            args[1].type_name()
        )));
    }
    let notes = match ops::getattr(vm, &args[0], sym::NOTES) {
        Ok(n) => n,
        Err(_) => {
            let l = Value::list(Vec::new());
            ops::setattr(vm, &args[0], sym::NOTES, l.clone())?;
            l
        }
    };
    match &notes {
        Value::List(l) => l.borrow_mut().push(args[1].clone()),
        _ => {
            return Err(types::type_error(
                "Cannot add note: __notes__ is not a list",
            ))
        }
    }
    Ok(Value::None)
}
