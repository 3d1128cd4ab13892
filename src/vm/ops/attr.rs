//! Attributes and items: `obj.name`, `obj[key]`, and their store/delete forms.

use super::super::Vm;
use super::{base_value, bind, dict_get, dict_remove, dict_set, inherited, new_iter};
use crate::stdlib::deque;
use crate::value::intern::sym;
use crate::value::object::{Class, IterState, Native, Slice};
use crate::value::{types, PyResult, Symbol, Value};
use std::rc::Rc;

/// `obj.name`.
pub fn getattr(vm: &mut Vm, obj: &Value, name: Symbol) -> PyResult<Value> {
    if let Value::Instance(inst) = obj {
        if inst.class.getattribute.get() {
            return script_getattribute(vm, obj, &inst.class.clone(), name);
        }
    }
    generic_getattr(vm, obj, name, true)
}

/// An attribute read through a script `__getattribute__`, with `__getattr__` as the
/// fallback when it raises AttributeError.
fn script_getattribute(
    vm: &mut Vm,
    obj: &Value,
    class: &Rc<Class>,
    name: Symbol,
) -> PyResult<Value> {
    let Some(f) = class.lookup(sym::GETATTRIBUTE) else {
        return generic_getattr(vm, obj, name, true);
    };
    let key = Value::str(name.text().to_string());
    match vm.call(&f, &[obj.clone(), key.clone()]) {
        Err(e) if types::exc_is(&e, |t| &t.attribute_error) => match class.lookup(sym::GETATTR) {
            Some(ga) => vm.call(&ga, &[obj.clone(), key]),
            None => Err(e),
        },
        r => r,
    }
}

/// `object.__getattribute__`: the class, the instance dict and descriptors; with
/// `use_getattr`, a script `__getattr__` handles what is missing.
pub fn generic_getattr(
    vm: &mut Vm,
    obj: &Value,
    name: Symbol,
    use_getattr: bool,
) -> PyResult<Value> {
    match obj {
        Value::Instance(inst) => {
            let class = inst.class.clone();
            let class_attr = class.lookup(name);
            // Data descriptors (properties) win over the instance dict.
            if let Some(Value::Native(n)) = &class_attr {
                if let Native::Property { .. } = &**n {
                    return bind(vm, class_attr.clone().unwrap_or(Value::None), obj, &class);
                }
            }
            if let Some(d) = class_attr.as_ref().filter(|d| super::is_data_descriptor(d)) {
                return bind(vm, d.clone(), obj, &class);
            }
            if let Some(v) = inst.dict.get(&name) {
                return Ok(v);
            }
            if inst.exc.is_some()
                && name.with(|s| s == "code")
                && types::exc_is(obj, |t| &t.system_exit)
            {
                // SystemExit.code: None, the single argument, or all of them.
                let args = crate::vm::exceptions::exc_args(obj);
                return Ok(match args.len() {
                    0 => Value::None,
                    1 => args[0].clone(),
                    _ => Value::tuple(args),
                });
            }
            if let Some(exc) = &inst.exc {
                if let Some(v) = exception_attr(exc, obj, name) {
                    return Ok(v);
                }
                // StopIteration.value: the generator's return value (its first argument).
                if &*name.text() == "value" && types::exc_is(obj, |t| &t.stop_iteration) {
                    return Ok(exc.borrow().args.first().cloned().unwrap_or(Value::None));
                }
            }
            if name == sym::DICT {
                return Ok(inst.dict.as_dict());
            }
            if name == sym::CLASS {
                return Ok(Value::Class(class));
            }
            match class_attr {
                Some(v) => bind(vm, v, obj, &class),
                None => {
                    if let Some(ga) = class.lookup(sym::GETATTR).filter(|_| use_getattr) {
                        return vm.call(&ga, &[obj.clone(), Value::str(name.text().to_string())]);
                    }
                    Err(no_attribute(obj, name))
                }
            }
        }
        Value::Class(c) => class_getattr(vm, c, name),
        Value::Module(m) => match m.globals.get(&name) {
            Some(v) => Ok(v),
            None => {
                if name == sym::NAME {
                    return Ok(Value::str(m.name.clone()));
                }
                if name == sym::DICT {
                    crate::stdlib::load_lazy_parts(vm, m)?;
                    return Ok(m.globals.as_dict());
                }
                if let Some(v) = crate::stdlib::lazy_module_attr(vm, m, name)? {
                    return Ok(v);
                }
                if m.name == "os" && &*name.text() == "environ" {
                    crate::vm::sandbox::check_other(vm, "os.environ", "the environment")?;
                }
                Err(types::attribute_error(format!(
                    "module '{}' has no attribute '{}'",
                    m.name, name
                )))
            }
        },
        Value::Function(f) => {
            if let Some(v) = f.dict.borrow().get(&name) {
                return Ok(v.clone());
            }
            match &*name.text() {
                "__name__" => Ok(Value::str(f.name())),
                "__qualname__" => Ok(Value::str(f.qualname.borrow().clone())),
                "__module__" => Ok(Value::str(f.globals.name.clone())),
                "__doc__" => Ok(f.code.consts.first().cloned().unwrap_or(Value::None)),
                "__defaults__" => Ok(if f.defaults.is_empty() {
                    Value::None
                } else {
                    Value::tuple(f.defaults.clone())
                }),
                "__kwdefaults__" => {
                    let n = f.code.argcount as usize;
                    let mut d = crate::value::Dict::new();
                    for (i, v) in f.kwdefaults.iter().enumerate() {
                        if let (Some(v), Some(name)) = (v, f.code.varnames.get(n + i)) {
                            let key = Value::str(name.text().to_string());
                            let h = match &key {
                                Value::Str(s) => s.hash(),
                                _ => 0,
                            };
                            d.push_new(h, key, v.clone());
                        }
                    }
                    Ok(if d.is_empty() {
                        Value::None
                    } else {
                        Value::dict(d)
                    })
                }
                "__dict__" => Ok(crate::stdlib::builtins::attrmap_to_dict(&f.dict.borrow())),
                "__code__" => Ok(Value::native(Native::Code(f.code.clone()))),
                "__get__" | "__call__" => Ok(obj.clone()),
                _ => builtin_type_attr(vm, obj, name),
            }
        }
        Value::Method(m) => match &*name.text() {
            "__self__" => Ok(m.receiver.clone()),
            "__func__" => Ok(m.func.clone()),
            _ => getattr(vm, &m.func.clone(), name),
        },
        Value::Builtin(b) => match &*name.text() {
            "__name__" | "__qualname__" => Ok(Value::str(
                b.name.rsplit('.').next().unwrap_or(b.name).to_string(),
            )),
            "__self__" => Ok(b.receiver.clone().unwrap_or(Value::None)),
            _ => builtin_type_attr(vm, obj, name),
        },
        Value::Generator(g) => match &*name.text() {
            "__name__" => Ok(Value::str(g.name().to_string())),
            "__qualname__" => Ok(Value::str(g.qualname().to_string())),
            other => match crate::stdlib::frames::generator_attr(g, other) {
                Some(v) => Ok(v),
                None => builtin_type_attr(vm, obj, name),
            },
        },
        Value::Native(n) => match &**n {
            Native::Code(c) => match crate::stdlib::frames::code_attr(c, &name.text()) {
                Some(v) => Ok(v),
                None => builtin_type_attr(vm, obj, name),
            },
            Native::Object { .. } => match crate::stdlib::frames::frame_attr(obj, &name.text()) {
                Some(v) => Ok(v),
                None => builtin_type_attr(vm, obj, name),
            },
            Native::Slice(s) => match &*name.text() {
                "start" => Ok(s.start.clone()),
                "stop" => Ok(s.stop.clone()),
                "step" => Ok(s.step.clone()),
                _ => builtin_type_attr(vm, obj, name),
            },
            Native::Property {
                fget,
                fset,
                fdel,
                doc,
            } => match &*name.text() {
                "fget" => Ok(fget.clone()),
                "fset" => Ok(fset.clone()),
                "fdel" => Ok(fdel.clone()),
                "__doc__" => Ok(doc.clone()),
                _ => builtin_type_attr(vm, obj, name),
            },
            Native::Super { class, obj: target } => super_getattr(vm, class, target, name),
            Native::StaticMethod(f) | Native::ClassMethod(f) if &*name.text() == "__func__" => {
                Ok(f.clone())
            }
            _ => builtin_type_attr(vm, obj, name),
        },
        _ => builtin_type_attr(vm, obj, name),
    }
}

/// Attributes of exception instances: args and the chaining fields.
fn exception_attr(
    exc: &std::cell::RefCell<crate::value::object::ExcData>,
    exc_value: &Value,
    name: Symbol,
) -> Option<Value> {
    let d = exc.borrow();
    Some(match name {
        sym::ARGS => Value::tuple(d.args.clone()),
        sym::CAUSE => d.cause.clone().unwrap_or(Value::None),
        sym::CONTEXT => d.context.clone().unwrap_or(Value::None),
        sym::SUPPRESS_CONTEXT => Value::Bool(d.suppress_context),
        sym::TRACEBACK => {
            drop(d);
            return Some(crate::stdlib::tbobj::traceback_of(exc_value));
        }
        _ => return None,
    })
}

/// Attribute lookup on a builtin value: methods from its class.
fn builtin_type_attr(vm: &mut Vm, obj: &Value, name: Symbol) -> PyResult<Value> {
    let class = obj.class();
    match class.lookup(name) {
        Some(v) => bind(vm, v, obj, &class),
        None => {
            if name == sym::CLASS {
                return Ok(Value::Class(class));
            }
            Err(no_attribute(obj, name))
        }
    }
}

/// The AttributeError for a missing attribute, with `name` and `obj` set for suggestions.
pub fn no_attribute(obj: &Value, name: Symbol) -> Value {
    let e = types::attribute_error(format!(
        "'{}' object has no attribute '{}'",
        obj.type_name(),
        name
    ));
    if let Value::Instance(i) = &e {
        i.dict
            .insert(Symbol::new("name"), Value::str(name.text().to_string()));
        i.dict.insert(Symbol::new("obj"), obj.clone());
    }
    e
}

fn class_getattr(vm: &mut Vm, c: &Rc<Class>, name: Symbol) -> PyResult<Value> {
    if let Some(v) = c.lookup(name) {
        return match &v {
            Value::Native(n) => match &**n {
                Native::StaticMethod(f) => Ok(f.clone()),
                Native::ClassMethod(f) => Ok(Value::method(crate::value::object::BoundMethod {
                    func: f.clone(),
                    receiver: Value::Class(c.clone()),
                })),
                _ => Ok(v.clone()),
            },
            Value::Instance(i) => match i.class.lookup(sym::GET) {
                Some(get) => vm.call(&get, &[v.clone(), Value::None, Value::Class(c.clone())]),
                None => Ok(v.clone()),
            },
            _ => Ok(v),
        };
    }
    match &*name.text() {
        "__name__" => Ok(Value::str(c.name.clone())),
        "__qualname__" => Ok(Value::str(c.qualname.borrow().clone())),
        "__module__" => Ok(Value::str(c.module.clone())),
        "__bases__" => Ok(Value::tuple(
            c.base.iter().map(|b| Value::Class(b.clone())).collect(),
        )),
        "__base__" => Ok(c.base.clone().map(Value::Class).unwrap_or(Value::None)),
        "__mro__" => {
            let mut v = vec![Value::Class(c.clone())];
            v.extend(c.mro.iter().map(|b| Value::Class(b.clone())));
            Ok(Value::tuple(v))
        }
        "__dict__" => {
            // A live read-only view: the proxy asks this getter for the namespace
            // at each use, so later changes to the class show through.
            let getter = Value::Builtin(Rc::new(crate::value::object::Builtin {
                name: "__dict__",
                func: class_namespace,
                receiver: Some(Value::Class(c.clone())),
            }));
            let m = crate::stdlib::import_module(vm, "_mappingproxy")?;
            let proxy = getattr(vm, &m, Symbol::new("mappingproxy"))?;
            vm.call(&proxy, &[getter, Value::Bool(true)])
        }
        "__doc__" => Ok(Value::None),
        "__class__" => Ok(Value::Class(types::with_types(|t| t.type_.clone()))),
        // A class without annotations gets an empty dict on first access, as in CPython.
        "__annotations__" if c.is_user => {
            let d = Value::dict(crate::value::Dict::new());
            c.dict.borrow_mut().insert(name, d.clone());
            crate::value::object::class_changed();
            Ok(d)
        }
        _ => {
            let _ = vm;
            Err(types::attribute_error(format!(
                "type object '{}' has no attribute '{}'",
                c.name, name
            )))
        }
    }
}

fn super_getattr(vm: &mut Vm, class: &Rc<Class>, obj: &Value, name: Symbol) -> PyResult<Value> {
    // Search the MRO of the object's type after `class`.
    let start = match obj {
        Value::Class(c) => c.clone(),
        _ => obj.class(),
    };
    let mut chain: Vec<Rc<Class>> = vec![start.clone()];
    chain.extend(start.mro.iter().cloned());
    let pos = chain
        .iter()
        .position(|c| Rc::ptr_eq(c, class))
        .map(|p| p + 1)
        .unwrap_or(chain.len());
    for c in &chain[pos..] {
        if let Some(v) = c.dict.borrow().get(&name).cloned() {
            if let Value::Class(_) = obj {
                if let Value::Native(n) = &v {
                    if let Native::ClassMethod(f) = &**n {
                        return Ok(Value::method(crate::value::object::BoundMethod {
                            func: f.clone(),
                            receiver: obj.clone(),
                        }));
                    }
                }
                return Ok(v);
            }
            return bind(vm, v, obj, &start);
        }
    }
    Err(types::attribute_error(format!(
        "'super' object has no attribute '{name}'"
    )))
}

/// `obj.name = value`.
pub fn setattr(vm: &mut Vm, obj: &Value, name: Symbol, value: Value) -> PyResult<()> {
    match obj {
        Value::Instance(inst) => {
            if name == sym::CLASS {
                // An instance's class is fixed in aio; storing `__class__` as a plain
                // attribute would silently change nothing.
                return Err(types::type_error(format!(
                    "__class__ assignment is not supported by aio ('{}' object)",
                    inst.class.name
                )));
            }
            let class = inst.class.clone();
            // A script `__setattr__` sees every store, properties included (as in CPython,
            // where only object.__setattr__ consults data descriptors).
            if let Some(sa) = class.lookup(sym::SETATTR) {
                if !matches!(sa, Value::Builtin(_)) {
                    vm.call(
                        &sa,
                        &[obj.clone(), Value::str(name.text().to_string()), value],
                    )?;
                    return Ok(());
                }
            }
            if let Some(Value::Native(ref n)) = class.lookup(name) {
                if let Native::Property { fset, .. } = &**n {
                    if fset.is_none() {
                        return Err(types::attribute_error(format!(
                            "property '{}' of '{}' object has no setter",
                            name, class.name
                        )));
                    }
                    vm.call(fset, &[obj.clone(), value])?;
                    return Ok(());
                }
            }
            if let Some(d) = class.lookup(name).filter(super::is_data_descriptor) {
                if let Value::Instance(di) = &d {
                    if let Some(set) = di.class.lookup(sym::SET) {
                        vm.call(&set, &[d.clone(), obj.clone(), value])?;
                        return Ok(());
                    }
                }
            }
            if let Some(exc) = &inst.exc {
                let mut d = exc.borrow_mut();
                match name {
                    sym::ARGS => {
                        d.args = super::collect_iterable(vm, &value)?;
                        return Ok(());
                    }
                    sym::CAUSE => {
                        d.cause = if value.is_none() { None } else { Some(value) };
                        d.suppress_context = true;
                        return Ok(());
                    }
                    sym::CONTEXT => {
                        d.context = if value.is_none() { None } else { Some(value) };
                        return Ok(());
                    }
                    sym::SUPPRESS_CONTEXT => {
                        d.suppress_context = matches!(value, Value::Bool(true));
                        return Ok(());
                    }
                    sym::TRACEBACK => {
                        drop(d);
                        return crate::stdlib::tbobj::set_traceback(obj, &value);
                    }
                    _ => {}
                }
            }
            if !class.is_user && inst.exc.is_none() {
                // Plain `object()` instances have no __dict__.
                return Err(no_attribute(obj, name));
            }
            if name == sym::DICT {
                return match value {
                    Value::Dict(ref d) => {
                        inst.dict.set_dict(d.clone());
                        Ok(())
                    }
                    other => Err(types::type_error(format!(
                        "__dict__ must be set to a dictionary, not a '{}'",
                        other.type_name()
                    ))),
                };
            }
            inst.dict.insert(name, value);
            Ok(())
        }
        Value::Class(c) if c.is_user => {
            c.dict.borrow_mut().insert(name, value);
            crate::value::object::class_changed();
            if name == sym::GETATTRIBUTE {
                c.refresh_getattribute();
            }
            Ok(())
        }
        Value::Class(c) => Err(types::type_error(format!(
            "cannot set '{}' attribute of immutable type '{}'",
            name, c.name
        ))),
        Value::Function(f) => {
            match &*name.text() {
                "__name__" => *f.name.borrow_mut() = value.as_str().unwrap_or("").to_string(),
                "__qualname__" => {
                    *f.qualname.borrow_mut() = value.as_str().unwrap_or("").to_string()
                }
                _ => {
                    f.dict.borrow_mut().insert(name, value);
                }
            }
            Ok(())
        }
        Value::Module(m) => {
            m.globals.insert(name, value);
            Ok(())
        }
        _ => {
            let found = obj.class().lookup(name);
            if matches!(obj, Value::Native(n) if matches!(&**n, Native::Slice(_)))
                && matches!(&*name.text(), "start" | "stop" | "step")
            {
                return Err(types::attribute_error("readonly attribute"));
            }
            if let Some(Value::Native(n)) = &found {
                if matches!(&**n, Native::Property { .. }) {
                    // A native getter: CPython's member (range, slice) or getset wording.
                    return Err(types::attribute_error(
                        if matches!(obj, Value::Range(_))
                            || matches!(obj, Value::Native(n) if matches!(&**n, Native::Slice(_)))
                        {
                            "readonly attribute".to_string()
                        } else {
                            let class = obj.class();
                            let owner = std::iter::once(&class)
                                .chain(class.mro.iter())
                                .find(|c| c.dict.borrow().get(&name).is_some())
                                .map_or_else(
                                    || class.name.clone(),
                                    |c| crate::stdlib::deque::tp_name(c),
                                );
                            format!("attribute '{name}' of '{owner}' objects is not writable")
                        },
                    ));
                }
            }
            if found.is_some() {
                Err(types::attribute_error(format!(
                    "'{}' object attribute '{}' is read-only",
                    obj.type_name(),
                    name
                )))
            } else {
                Err(types::attribute_error(format!(
                    "'{}' object has no attribute '{}'",
                    obj.type_name(),
                    name
                )))
            }
        }
    }
}

/// `del obj.name`.
pub fn delattr(vm: &mut Vm, obj: &Value, name: Symbol) -> PyResult<()> {
    match obj {
        Value::Instance(inst) => {
            if let Some(da) = inst.class.lookup(sym::DELATTR) {
                if !matches!(da, Value::Builtin(_)) {
                    vm.call(&da, &[obj.clone(), Value::str(name.text().to_string())])?;
                    return Ok(());
                }
            }
            if let Some(Value::Native(ref n)) = inst.class.lookup(name) {
                if let Native::Property { fdel, .. } = &**n {
                    if !fdel.is_none() {
                        vm.call(fdel, &[obj.clone()])?;
                        return Ok(());
                    }
                }
            }
            if inst.dict.remove(&name).is_none() {
                return Err(no_attribute(obj, name));
            }
            Ok(())
        }
        Value::Class(c) if c.is_user => {
            let removed = c.dict.borrow_mut().shift_remove(&name);
            crate::value::object::class_changed();
            if name == sym::GETATTRIBUTE {
                c.refresh_getattribute();
            }
            if removed.is_none() {
                return Err(types::attribute_error(format!(
                    "type object '{}' has no attribute '{}'",
                    c.name, name
                )));
            }
            Ok(())
        }
        Value::Module(m) => {
            m.globals.remove(&name);
            Ok(())
        }
        _ => Err(no_attribute(obj, name)),
    }
}

/// `obj.name(...)` without allocating a bound method: (function, receiver) or (callable, Undef).
pub fn load_method(vm: &mut Vm, obj: &Value, name: Symbol) -> PyResult<(Value, Value)> {
    match obj {
        Value::Instance(inst) => {
            if inst.class.getattribute.get() || inst.dict.contains_key(&name) {
                return Ok((getattr(vm, obj, name)?, Value::Undef));
            }
            if let Some(f @ Value::Function(_)) = inst.class.lookup(name) {
                return Ok((f, obj.clone()));
            }
        }
        Value::Module(_) | Value::Class(_) => {}
        // `super()` resolves through the MRO, never through the `super` type's own methods.
        Value::Native(n) if matches!(&**n, Native::Super { .. }) => {}
        _ => {
            let class = obj.class();
            if let Some(f @ Value::Builtin(_)) = class.lookup(name) {
                return Ok((f, obj.clone()));
            }
        }
    }
    Ok((getattr(vm, obj, name)?, Value::Undef))
}

/// Normalizes a possibly negative index against `len`.
fn norm_index(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    if i < 0 || i >= len as i64 {
        None
    } else {
        Some(i as usize)
    }
}

/// An integer index from a value (`__index__`).
pub fn index_of(vm: &mut Vm, v: &Value, what: &str) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(_) => Err(types::index_error(
            "cannot fit 'int' into an index-sized integer".to_string(),
        )),
        Value::Instance(_) if inherited(v, sym::INDEX).is_some() => {
            index_of(vm, base_value(v), what)
        }
        Value::Instance(i) if i.class.lookup(sym::INDEX).is_some() => {
            let f = i.class.lookup(sym::INDEX).unwrap_or(Value::None);
            let r = vm.call(&f, &[v.clone()])?;
            index_of(vm, &r, what)
        }
        _ if what == "string" => Err(types::type_error(format!(
            "string indices must be integers, not '{}'",
            v.type_name()
        ))),
        _ => Err(types::type_error(format!(
            "{} indices must be integers or slices, not {}",
            what,
            v.type_name()
        ))),
    }
}

/// Resolves a slice against a length: (start, stop, step) as CPython's PySlice_AdjustIndices.
pub fn slice_indices(vm: &mut Vm, s: &Slice, len: usize) -> PyResult<(i64, i64, i64)> {
    let len = len as i64;
    let step = if s.step.is_none() {
        1
    } else {
        slice_part(vm, &s.step)?
    };
    if step == 0 {
        return Err(types::value_error("slice step cannot be zero"));
    }
    let (lower, upper) = if step < 0 { (-1, len - 1) } else { (0, len) };
    let fix = |v: i64| -> i64 {
        if v < 0 {
            (v + len).max(lower)
        } else {
            v.min(upper)
        }
    };
    let start = if s.start.is_none() {
        if step < 0 {
            upper
        } else {
            lower
        }
    } else {
        fix(slice_part(vm, &s.start)?)
    };
    let stop = if s.stop.is_none() {
        if step < 0 {
            lower
        } else {
            upper
        }
    } else {
        fix(slice_part(vm, &s.stop)?)
    };
    Ok((start, stop, step))
}

fn slice_part(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    match v {
        Value::BigInt(b) => Ok(if num_traits::Signed::is_negative(&**b) {
            i64::MIN / 2
        } else {
            i64::MAX / 2
        }),
        _ => index_of(vm, v, "slice").map_err(|_| {
            types::type_error("slice indices must be integers or None or have an __index__ method")
        }),
    }
}

/// The positions a slice selects.
pub fn slice_positions(start: i64, stop: i64, step: i64) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = start;
    if step > 0 {
        while i < stop {
            out.push(i as usize);
            i += step;
        }
    } else {
        while i > stop {
            out.push(i as usize);
            i += step;
        }
    }
    out
}

/// `obj[key]`.
pub fn getitem(vm: &mut Vm, obj: &Value, key: &Value) -> PyResult<Value> {
    if let Value::Native(n) = key {
        if let Native::Slice(s) = &**n {
            return get_slice(vm, obj, s);
        }
    }
    match obj {
        Value::List(l) => {
            let i = index_of(vm, key, "list")?;
            let l = l.borrow();
            norm_index(i, l.len())
                .map(|i| l[i].clone())
                .ok_or_else(|| types::index_error("list index out of range"))
        }
        Value::Tuple(t) => {
            let i = index_of(vm, key, "tuple")?;
            norm_index(i, t.len())
                .map(|i| t[i].clone())
                .ok_or_else(|| types::index_error("tuple index out of range"))
        }
        Value::Str(s) => {
            let i = index_of(vm, key, "string")?;
            let idx = norm_index(i, s.char_len)
                .ok_or_else(|| types::index_error("string index out of range"))?;
            let c = if s.is_ascii() {
                s.text.as_bytes()[idx] as char
            } else {
                s.text.chars().nth(idx).unwrap_or(' ')
            };
            Ok(Value::str(c.to_string()))
        }
        Value::Bytes(b) => {
            let i = index_of(vm, key, "byte")?;
            norm_index(i, b.len())
                .map(|i| Value::Int(b[i] as i64))
                .ok_or_else(|| types::index_error("index out of range"))
        }
        Value::Range(r) => {
            let i = index_of(vm, key, "range")?;
            norm_index(i, r.len() as usize)
                .map(|i| Value::Int(r.at(i as i64)))
                .ok_or_else(|| types::index_error("range object index out of range"))
        }
        Value::Dict(d) => match dict_get(vm, d, key)? {
            Some(v) => Ok(v),
            None => Err(types::key_error(key.clone())),
        },
        Value::Native(_) if deque::is_deque(obj) => match deque::cell(obj) {
            Some(d) => deque::getitem(vm, d, key),
            None => Err(not_subscriptable(obj)),
        },
        Value::Instance(i) => {
            if let Some(b) = inherited(obj, sym::GETITEM) {
                if let Value::Dict(d) = b {
                    return match dict_get(vm, d, key)? {
                        Some(v) => Ok(v),
                        None => dict_missing(vm, obj, key),
                    };
                }
                return getitem(vm, b, key);
            }
            if let Some(f) = i.class.lookup(sym::GETITEM) {
                return vm.call(&f, &[obj.clone(), key.clone()]);
            }
            Err(not_subscriptable(obj))
        }
        Value::Class(c) => {
            if let Some(f) = c.lookup(sym::CLASS_GETITEM) {
                return vm.call(&f, &[obj.clone(), key.clone()]);
            }
            // A builtin class subscripted (`list[int]`) is a generic alias.
            if !c.is_user {
                let m = crate::stdlib::import_module(vm, "_generic_alias")?;
                let alias = getattr(vm, &m, Symbol::new("GenericAlias"))?;
                return vm.call(&alias, &[obj.clone(), key.clone()]);
            }
            Err(types::type_error(format!(
                "type '{}' is not subscriptable",
                c.name
            )))
        }
        _ => Err(not_subscriptable(obj)),
    }
}

/// A key missing from a dict subclass: its `__missing__`, else KeyError.
pub fn dict_missing(vm: &mut Vm, obj: &Value, key: &Value) -> PyResult<Value> {
    if let Value::Instance(i) = obj {
        if let Some(f) = i.class.lookup(sym::MISSING) {
            return vm.call(&f, &[obj.clone(), key.clone()]);
        }
    }
    Err(types::key_error(key.clone()))
}

fn not_subscriptable(obj: &Value) -> Value {
    types::type_error(format!("'{}' object is not subscriptable", obj.type_name()))
}

fn get_slice(vm: &mut Vm, obj: &Value, s: &Slice) -> PyResult<Value> {
    match obj {
        Value::List(l) => {
            let items = l.borrow().clone();
            let (a, b, c) = slice_indices(vm, s, items.len())?;
            Ok(Value::list(
                slice_positions(a, b, c)
                    .into_iter()
                    .map(|i| items[i].clone())
                    .collect(),
            ))
        }
        Value::Tuple(t) => {
            let (a, b, c) = slice_indices(vm, s, t.len())?;
            Ok(Value::tuple(
                slice_positions(a, b, c)
                    .into_iter()
                    .map(|i| t[i].clone())
                    .collect(),
            ))
        }
        Value::Str(st) => {
            let (a, b, c) = slice_indices(vm, s, st.char_len)?;
            if st.is_ascii() {
                let bytes = st.text.as_bytes();
                if c == 1 {
                    let (a, b) = (a as usize, (b.max(a)) as usize);
                    return Ok(Value::str(st.text[a..b].to_string()));
                }
                let out: String = slice_positions(a, b, c)
                    .into_iter()
                    .map(|i| bytes[i] as char)
                    .collect();
                return Ok(Value::str(out));
            }
            let chars: Vec<char> = st.text.chars().collect();
            Ok(Value::str(
                slice_positions(a, b, c)
                    .into_iter()
                    .map(|i| chars[i])
                    .collect::<String>(),
            ))
        }
        Value::Bytes(by) => {
            let (a, b, c) = slice_indices(vm, s, by.len())?;
            Ok(Value::Bytes(Rc::new(
                slice_positions(a, b, c)
                    .into_iter()
                    .map(|i| by[i])
                    .collect(),
            )))
        }
        Value::Range(r) => {
            let (a, b, c) = slice_indices(vm, s, r.len() as usize)?;
            Ok(Value::Range(Rc::new(crate::value::object::Range {
                start: r.start + a * r.step,
                stop: r.start + b * r.step,
                step: r.step * c,
            })))
        }
        Value::Instance(_) if inherited(obj, sym::GETITEM).is_some() => {
            get_slice(vm, base_value(obj), s)
        }
        Value::Native(_) if deque::is_deque(obj) => Err(types::type_error(
            "sequence index must be integer, not 'slice'",
        )),
        Value::Instance(i) => match i.class.lookup(sym::GETITEM) {
            Some(f) => vm.call(
                &f,
                &[
                    obj.clone(),
                    Value::native(Native::Slice(Slice {
                        start: s.start.clone(),
                        stop: s.stop.clone(),
                        step: s.step.clone(),
                    })),
                ],
            ),
            None => Err(not_subscriptable(obj)),
        },
        _ => Err(not_subscriptable(obj)),
    }
}

/// `obj[key] = value`.
pub fn setitem(vm: &mut Vm, obj: &Value, key: Value, value: Value) -> PyResult<()> {
    match obj {
        Value::List(l) => {
            if let Value::Native(n) = &key {
                if let Native::Slice(s) = &**n {
                    let new_items = super::collect_iterable(vm, &value)?;
                    let len = l.borrow().len();
                    let (a, b, c) = slice_indices(vm, s, len)?;
                    let mut list = l.borrow_mut();
                    if c == 1 {
                        let b = b.max(a);
                        list.splice(a as usize..b as usize, new_items);
                    } else {
                        let pos = slice_positions(a, b, c);
                        if pos.len() != new_items.len() {
                            return Err(types::value_error(format!(
                                "attempt to assign sequence of size {} to extended slice of size {}",
                                new_items.len(),
                                pos.len()
                            )));
                        }
                        for (p, v) in pos.into_iter().zip(new_items) {
                            list[p] = v;
                        }
                    }
                    return Ok(());
                }
            }
            let i = index_of(vm, &key, "list")?;
            let mut list = l.borrow_mut();
            let len = list.len();
            match norm_index(i, len) {
                Some(i) => {
                    list[i] = value;
                    Ok(())
                }
                None => Err(types::index_error("list assignment index out of range")),
            }
        }
        Value::Dict(d) => dict_set(vm, d, key, value),
        Value::Native(_) if deque::is_deque(obj) => match deque::cell(obj) {
            Some(d) => deque::setitem(vm, d, &key, value),
            None => Ok(()),
        },
        Value::Instance(_) if inherited(obj, sym::SETITEM).is_some() => {
            setitem(vm, base_value(obj), key, value)
        }
        Value::Instance(i) => match i.class.lookup(sym::SETITEM) {
            Some(f) => {
                vm.call(&f, &[obj.clone(), key, value])?;
                Ok(())
            }
            None => Err(types::type_error(format!(
                "'{}' object does not support item assignment",
                obj.type_name()
            ))),
        },
        _ => Err(types::type_error(format!(
            "'{}' object does not support item assignment",
            obj.type_name()
        ))),
    }
}

/// `del obj[key]`.
pub fn delitem(vm: &mut Vm, obj: &Value, key: &Value) -> PyResult<()> {
    match obj {
        Value::List(l) => {
            if let Value::Native(n) = key {
                if let Native::Slice(s) = &**n {
                    let len = l.borrow().len();
                    let (a, b, c) = slice_indices(vm, s, len)?;
                    let pos = slice_positions(a, b, c);
                    let mut list = l.borrow_mut();
                    // One pass over the list: removing items one by one is quadratic.
                    let mut doomed = vec![false; list.len()];
                    for p in pos {
                        if let Some(d) = doomed.get_mut(p) {
                            *d = true;
                        }
                    }
                    let mut i = 0;
                    list.retain(|_| {
                        let keep = !doomed[i];
                        i += 1;
                        keep
                    });
                    return Ok(());
                }
            }
            let i = index_of(vm, key, "list")?;
            let mut list = l.borrow_mut();
            let len = list.len();
            match norm_index(i, len) {
                Some(i) => {
                    list.remove(i);
                    Ok(())
                }
                None => Err(types::index_error("list assignment index out of range")),
            }
        }
        Value::Dict(d) => match dict_remove(vm, d, key)? {
            Some(_) => Ok(()),
            None => Err(types::key_error(key.clone())),
        },
        Value::Native(_) if deque::is_deque(obj) => match deque::cell(obj) {
            Some(d) => deque::delitem(vm, d, key),
            None => Ok(()),
        },
        Value::Instance(_) if inherited(obj, sym::DELITEM).is_some() => {
            delitem(vm, base_value(obj), key)
        }
        Value::Instance(i) => match i.class.lookup(sym::DELITEM) {
            Some(f) => {
                vm.call(&f, &[obj.clone(), key.clone()])?;
                Ok(())
            }
            None => Err(types::type_error(format!(
                "'{}' object does not support item deletion",
                obj.type_name()
            ))),
        },
        _ => Err(types::type_error(format!(
            "'{}' object does not support item deletion",
            obj.type_name()
        ))),
    }
}

/// Makes an iterator over a list (used by builtins).
pub fn list_iter(l: &Rc<std::cell::RefCell<Vec<Value>>>) -> Value {
    new_iter(
        IterState::List {
            list: l.clone(),
            index: 0,
        },
        "list_iterator",
    )
}

/// A copy of a class's namespace as a dict (what a class's `__dict__` proxy reads).
fn class_namespace(_vm: &mut Vm, args: &[Value], _: &[(Symbol, Value)]) -> PyResult<Value> {
    match args.first() {
        Some(Value::Class(c)) => Ok(crate::stdlib::builtins::attrmap_to_dict(&c.dict.borrow())),
        _ => Err(types::type_error("descriptor '__dict__' needs a class")),
    }
}
