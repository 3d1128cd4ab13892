//! `_aio`: the few primitives the library modules written in aio need and cannot write
//! in aio itself (making a named class at run time, binding a call's arguments with
//! CPython's messages), plus `object.__setattr__` / `object.__delattr__`, which frozen
//! dataclasses and immutable named tuples use to bypass their own `__setattr__`.

use crate::value::intern::sym;
use crate::value::object::{Layout, Native, NativeFn};
use crate::value::{types, Dict, PyResult, Symbol, Value};
use crate::vm::ops;
use crate::vm::Vm;
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

/// Installs `object.__setattr__` and `object.__delattr__`.
pub fn register() {
    types::with_types(|t| {
        types::set_class_attr(
            &t.object,
            "__setattr__",
            Value::builtin("__setattr__", object_setattr),
        );
        types::set_class_attr(
            &t.object,
            "__delattr__",
            Value::builtin("__delattr__", object_delattr),
        );
    });
}

/// Builds the `_aio` module.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("_aio");
    {
        let g = &m.globals;
        let funcs: &[(&'static str, NativeFn)] = &[
            ("make_class", make_class),
            ("bind", bind),
            ("isidentifier", isidentifier),
            ("set_hashable", set_hashable),
        ];
        for (name, f) in funcs {
            g.insert(Symbol::new(name), Value::builtin(name, *f));
        }
        g.insert(Symbol::new("__name__"), Value::str("_aio"));
    }
    Value::Module(m)
}

fn attr_name(v: Option<&Value>) -> PyResult<Symbol> {
    match v {
        Some(Value::Str(s)) => Ok(Symbol::new(&s.text)),
        Some(other) => Err(types::type_error(format!(
            "attribute name must be string, not '{}'",
            other.type_name()
        ))),
        None => Err(types::type_error("expected 2 arguments, got 0")),
    }
}

/// `object.__setattr__(obj, name, value)`: the plain store, honouring property setters
/// but never the object's own `__setattr__`.
fn object_setattr(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    if args.len() != 3 {
        return Err(types::type_error(format!(
            "expected 3 arguments, got {}",
            args.len()
        )));
    }
    let name = attr_name(args.get(1))?;
    let (obj, value) = (&args[0], args[2].clone());
    let Value::Instance(inst) = obj else {
        ops::setattr(vm, obj, name, value)?;
        return Ok(Value::None);
    };
    if let Some(Value::Native(ref n)) = inst.class.lookup(name) {
        if let Native::Property { fset, .. } = &**n {
            if fset.is_none() {
                return Err(types::attribute_error(format!(
                    "property '{}' of '{}' object has no setter",
                    name, inst.class.name
                )));
            }
            vm.call(fset, &[obj.clone(), value])?;
            return Ok(Value::None);
        }
    }
    if inst.exc.is_some() {
        // Exception fields (args, __cause__, ...) live outside the dict.
        let saved = inst.class.lookup(sym::SETATTR);
        if saved.is_none() || matches!(saved, Some(Value::Builtin(_))) {
            ops::setattr(vm, obj, name, value)?;
            return Ok(Value::None);
        }
    }
    inst.dict.insert(name, value);
    Ok(Value::None)
}

/// `object.__delattr__(obj, name)`.
fn object_delattr(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "expected 2 arguments, got {}",
            args.len()
        )));
    }
    let name = attr_name(args.get(1))?;
    let obj = &args[0];
    if let Value::Instance(inst) = obj {
        if inst.dict.remove(&name).is_none() {
            return Err(crate::vm::ops::no_attribute(obj, name));
        }
        return Ok(Value::None);
    }
    ops::delattr(vm, obj, name)?;
    Ok(Value::None)
}

/// `make_class(name, base, namespace, module, qualname=name)`: a script class as a
/// `class` statement would make it, with the given name and module.
fn make_class(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let (
        Some(Value::Str(name)),
        Some(Value::Class(base)),
        Some(Value::Dict(ns)),
        Some(Value::Str(module)),
    ) = (args.first(), args.get(1), args.get(2), args.get(3))
    else {
        return Err(types::type_error(
            "make_class(name, base, namespace, module[, qualname])",
        ));
    };
    let layout = match base.layout {
        Layout::Exception => Layout::Exception,
        Layout::Native if base.name != "object" => Layout::Native,
        _ => Layout::Object,
    };
    let class = types::new_class(&name.text, Some(base), layout, true);
    let mut class = Rc::try_unwrap(class).unwrap_or_else(|_| unreachable!("fresh class"));
    class.module = module.text.clone();
    if let Some(Value::Str(q)) = args.get(4) {
        *class.qualname.borrow_mut() = q.text.clone();
    }
    {
        let mut dict = class.dict.borrow_mut();
        for e in ns.borrow().iter() {
            if let Value::Str(k) = &e.key {
                dict.insert(Symbol::new(&k.text), e.value.clone());
            }
        }
        let defines_eq = dict.contains_key(&sym::EQ);
        let defines_hash = dict.contains_key(&sym::HASH);
        class.unhashable.set(defines_eq && !defines_hash);
    }
    crate::value::object::class_changed();
    class.refresh_getattribute();
    let class = Rc::new(class);
    crate::vm::gc::track_class(&class);
    Ok(Value::Class(class))
}

/// `set_hashable(cls, flag)`: whether instances of a script class may be hashed
/// (a class statement decides it from `__eq__`/`__hash__`; decorators may change both).
fn set_hashable(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    if let (Some(Value::Class(c)), Some(flag)) = (args.first(), args.get(1)) {
        c.unhashable.set(!matches!(flag, Value::Bool(true)));
    }
    Ok(Value::None)
}

fn isidentifier(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let ok = match args.first() {
        Some(Value::Str(s)) => {
            let mut chars = s.text.chars();
            match chars.next() {
                Some(c) if c == '_' || c.is_alphabetic() => {
                    chars.all(|c| c == '_' || c.is_alphanumeric())
                }
                _ => false,
            }
        }
        _ => false,
    };
    Ok(Value::Bool(ok))
}

/// `bind(qualname, params, ndefaults, args, kwargs)`: binds a call to
/// `def qualname(self, *params)` whose last `ndefaults` parameters have defaults,
/// raising CPython's TypeErrors. Returns a dict of the parameters that were given.
fn bind(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let (
        Some(Value::Str(qualname)),
        Some(params),
        Some(ndefaults),
        Some(Value::Tuple(pos)),
        Some(Value::Dict(kw)),
    ) = (
        args.first(),
        args.get(1),
        args.get(2),
        args.get(3),
        args.get(4),
    )
    else {
        return Err(types::type_error(
            "bind(qualname, params, ndefaults, args, kwargs)",
        ));
    };
    let qualname = &qualname.text;
    let params: Vec<String> = ops::collect_iterable(vm, params)?
        .iter()
        .map(|p| p.as_str().unwrap_or("").to_string())
        .collect();
    let n = params.len();
    let required = n.saturating_sub(ndefaults.as_i64().unwrap_or(0).max(0) as usize);
    if pos.len() > n {
        let takes = if required == n {
            format!(
                "{} positional argument{}",
                n + 1,
                if n == 0 { "" } else { "s" }
            )
        } else {
            format!("from {} to {} positional arguments", required + 1, n + 1)
        };
        let given = pos.len() + 1;
        return Err(types::type_error(format!(
            "{qualname}() takes {takes} but {given} {} given",
            if given == 1 { "was" } else { "were" }
        )));
    }
    let mut slots: Vec<Option<Value>> = vec![None; n];
    for (i, a) in pos.iter().enumerate() {
        slots[i] = Some(a.clone());
    }
    let entries: Vec<(Value, Value)> = kw
        .borrow()
        .iter()
        .map(|e| (e.key.clone(), e.value.clone()))
        .collect();
    for (k, v) in entries {
        let name = k.as_str().unwrap_or("").to_string();
        match params.iter().position(|p| *p == name) {
            Some(i) if slots[i].is_some() => {
                return Err(types::type_error(format!(
                    "{qualname}() got multiple values for argument '{name}'"
                )))
            }
            Some(i) => slots[i] = Some(v),
            None => {
                return Err(types::type_error(format!(
                    "{qualname}() got an unexpected keyword argument '{name}'"
                )))
            }
        }
    }
    let missing: Vec<String> = (0..required)
        .filter(|i| slots[*i].is_none())
        .map(|i| format!("'{}'", params[i]))
        .collect();
    if !missing.is_empty() {
        let list = match missing.len() {
            1 => missing[0].clone(),
            2 => format!("{} and {}", missing[0], missing[1]),
            k => format!("{}, and {}", missing[..k - 1].join(", "), missing[k - 1]),
        };
        return Err(types::type_error(format!(
            "{qualname}() missing {} required positional argument{}: {list}",
            missing.len(),
            if missing.len() == 1 { "" } else { "s" }
        )));
    }
    let out = Value::dict(Dict::new());
    if let Value::Dict(d) = &out {
        for (p, v) in params.iter().zip(slots) {
            if let Some(v) = v {
                ops::dict_set(vm, d, Value::str(p.clone()), v)?;
            }
        }
    }
    Ok(out)
}
