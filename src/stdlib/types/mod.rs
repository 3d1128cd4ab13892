//! Constructors and methods of the builtin types, one file per domain.

pub mod bytes;
pub mod dict;
mod dunders;
pub mod iters;
pub mod list;
pub mod num;
pub mod object;
pub mod set;
pub mod str;
mod str_format;
mod str_more;

use crate::value::object::{AttrMap, Class, Instance, NativeFn};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::ops;
use std::rc::Rc;

/// Keyword arguments of a native call.
pub(crate) type Kw<'a> = &'a [(Symbol, Value)];

/// Installs a native method in a builtin class.
pub(crate) fn method(class: &Rc<Class>, name: &'static str, f: NativeFn) {
    types::set_class_attr(class, name, Value::builtin(name, f));
}

/// Installs a read-only attribute computed by a native getter.
pub(crate) fn getter(class: &Rc<Class>, name: &'static str, f: NativeFn) {
    let fget = Value::builtin(name, f);
    let prop = crate::value::object::Native::Property {
        fget,
        fset: Value::None,
        fdel: Value::None,
        doc: Value::None,
    };
    types::set_class_attr(class, name, Value::native(prop));
}

/// Installs constructors and methods on the builtin classes, and the builtin
/// functions that belong with the types (iterators, numeric helpers, dir, input).
pub fn register(g: &mut AttrMap) {
    iters::register(g);
    object::register(g);
    crate::stdlib::tbobj::register();
    num::register(g);
    str::register();
    bytes::register();
    list::register();
    dict::register();
    set::register();
    dunders::register();
}

/// The receiver of a method call.
pub(crate) fn this<'a>(args: &'a [Value], name: &str) -> PyResult<&'a Value> {
    args.first()
        .ok_or_else(|| types::type_error(format!("descriptor '{name}' needs an argument")))
}

/// A keyword argument by name.
pub(crate) fn kwarg<'a>(kwargs: Kw<'a>, name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s == name))
        .map(|(_, v)| v)
}

/// Binds a native method's arguments (after the receiver) to named parameters:
/// positionals first, then keywords (those in `kw_ok`). Messages follow CPython's
/// argument-clinic wording for `fname`.
pub(crate) fn params(
    fname: &str,
    args: &[Value],
    kwargs: Kw,
    names: &[&str],
    required: usize,
    kw_ok: bool,
) -> PyResult<Vec<Option<Value>>> {
    if args.len() > names.len() {
        let msg = if names.is_empty() {
            format!("{fname}() takes no arguments ({} given)", args.len())
        } else if kw_ok || required != names.len() {
            format!(
                "{fname}() takes at most {} argument{} ({} given)",
                names.len(),
                plural(names.len()),
                args.len()
            )
        } else {
            format!(
                "{fname}() takes exactly {} argument{} ({} given)",
                names.len(),
                plural(names.len()),
                args.len()
            )
        };
        return Err(types::type_error(msg));
    }
    let mut out: Vec<Option<Value>> = args.iter().cloned().map(Some).collect();
    out.resize(names.len(), None);
    for (k, v) in kwargs {
        let pos = k.with(|s| names.iter().position(|n| *n == s));
        match pos {
            Some(i) if kw_ok => {
                if out[i].is_some() {
                    return Err(types::type_error(format!(
                        "argument for {fname}() given by name ('{k}') and position ({})",
                        i + 1
                    )));
                }
                out[i] = Some(v.clone());
            }
            _ if !kw_ok => {
                return Err(types::type_error(format!(
                    "{fname}() takes no keyword arguments"
                )))
            }
            _ => {
                return Err(types::type_error(format!(
                    "{fname}() got an unexpected keyword argument '{k}'"
                )))
            }
        }
    }
    if let Some(i) = out.iter().take(required).position(|v| v.is_none()) {
        let msg = if kw_ok {
            format!(
                "{fname}() missing required argument '{}' (pos {})",
                names[i],
                i + 1
            )
        } else if required == names.len() && required == 1 {
            format!(
                "{fname}() takes exactly one argument ({} given)",
                args.len()
            )
        } else {
            format!(
                "{fname}() takes at least {required} argument{} ({} given)",
                plural(required),
                args.len()
            )
        };
        return Err(types::type_error(msg));
    }
    Ok(out)
}

/// "s" for counts other than one.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Rejects keyword arguments for a native that takes none.
pub(crate) fn no_kwargs(fname: &str, kwargs: Kw) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(types::type_error(format!(
            "{fname}() takes no keyword arguments"
        )))
    }
}

/// The value a constructor returns: the builtin value itself, or for a script
/// subclass an instance that carries it.
pub(crate) fn wrap_for(cls: &Value, v: Value) -> Value {
    match cls {
        Value::Class(c) if c.is_user => Value::instance(Instance {
            class: c.clone(),
            dict: Default::default(),
            exc: None,
            base: Some(v),
        }),
        _ => v,
    }
}

/// True when the class argument of a `__new__` is a script subclass.
pub(crate) fn is_subclass_new(cls: &Value) -> bool {
    matches!(cls, Value::Class(c) if c.is_user)
}

/// The receiver as its builtin value (unwrapping instances of script subclasses).
pub(crate) fn recv(args: &[Value]) -> &Value {
    ops::base_value(args.first().unwrap_or(crate::value::NONE_REF))
}

/// CPython's error when a method of `class` is applied to an object of another type.
pub(crate) fn descriptor_error(name: &str, class: &str, got: &Value) -> Value {
    types::type_error(format!(
        "descriptor '{name}' for '{class}' objects doesn't apply to a '{}' object",
        got.type_name()
    ))
}

/// An index argument (`__index__`) with CPython's wording for non-integers.
pub(crate) fn int_arg(vm: &mut crate::vm::Vm, v: &Value) -> PyResult<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(*b as i64),
        Value::BigInt(b) => Ok(if num_traits::Signed::is_negative(&**b) {
            i64::MIN
        } else {
            i64::MAX
        }),
        _ => ops::index_of(vm, v, "").map_err(|_| {
            types::type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                v.type_name()
            ))
        }),
    }
}

/// An optional slice bound (None means absent), as `str.find` takes them.
pub(crate) fn opt_index(vm: &mut crate::vm::Vm, v: Option<&Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => ops::index_of(vm, v, "").map(Some).map_err(|_| {
            types::type_error("slice indices must be integers or None or have an __index__ method")
        }),
    }
}

/// CPython's ADJUST_INDICES: clamps start/end against a length.
pub(crate) fn adjust_indices(start: Option<i64>, end: Option<i64>, len: usize) -> (i64, i64) {
    let len = len as i64;
    let mut s = start.unwrap_or(0);
    let mut e = end.unwrap_or(len);
    if e > len {
        e = len;
    } else if e < 0 {
        e = (e + len).max(0);
    }
    if s < 0 {
        s = (s + len).max(0);
    }
    (s, e)
}
