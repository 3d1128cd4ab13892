//! Async generator objects' methods: `__anext__`, `asend`, `athrow`, `aclose`.

use crate::value::object::Native;
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::generator::{AsyncGenOp, AsyncGenOpKind, GenKind, Generator};
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

/// The awaitable behind `agen.__anext__()` (and `async for`).
pub fn anext(g: &Rc<Generator>) -> Value {
    op(g, AsyncGenOpKind::Send(Value::None))
}

fn op(g: &Rc<Generator>, kind: AsyncGenOpKind) -> Value {
    Value::native(Native::AsyncGenOp(RefCell::new(AsyncGenOp {
        gen: g.clone(),
        kind,
        used: false,
    })))
}

fn this(args: &[Value]) -> PyResult<&Rc<Generator>> {
    match args.first() {
        Some(Value::Generator(g)) if g.kind == GenKind::AsyncGenerator => Ok(g),
        _ => Err(types::type_error(
            "descriptor requires an 'async_generator' object",
        )),
    }
}

fn aiter(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    this(args)?;
    Ok(args[0].clone())
}

fn anext_method(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(anext(this(args)?))
}

fn asend(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let g = this(args)?;
    crate::stdlib::builtins::arity("asend", &args[1..], 1, 1)?;
    Ok(op(g, AsyncGenOpKind::Send(args[1].clone())))
}

fn athrow(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let g = this(args)?.clone();
    crate::stdlib::builtins::arity("athrow", &args[1..], 1, 3)?;
    let kind = match athrow_exception(vm, &args[1], args.get(2))? {
        Ok(exc) => AsyncGenOpKind::Throw(exc),
        Err(invalid) => AsyncGenOpKind::ThrowInvalid(invalid),
    };
    Ok(op(&g, kind))
}

/// The exception `athrow(typ[, val])` throws in, or the TypeError a bad argument gets
/// (raised only when the awaitable runs, as in CPython).
fn athrow_exception(
    vm: &mut Vm,
    typ: &Value,
    val: Option<&Value>,
) -> PyResult<Result<Value, Value>> {
    let val = val.filter(|v| !v.is_none());
    match typ {
        Value::Class(c) if types::with_types(|t| c.is_subclass(&t.base_exception)) => match val {
            Some(v) if v.exc_data().is_some() => Ok(Ok(v.clone())),
            Some(Value::Tuple(items)) => Ok(Ok(vm.call(typ, items)?)),
            Some(v) => Ok(Ok(vm.call(typ, std::slice::from_ref(v))?)),
            None => Ok(Ok(vm.call(typ, &[])?)),
        },
        v if v.exc_data().is_some() => match val {
            Some(_) => Ok(Err(types::type_error(
                "instance exception may not have a separate value",
            ))),
            None => Ok(Ok(v.clone())),
        },
        other => Ok(Err(types::type_error(format!(
            "exceptions must be classes or instances deriving from BaseException, not {}",
            other.type_name()
        )))),
    }
}

fn aclose(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(op(this(args)?, AsyncGenOpKind::Close(None)))
}

/// The `aclose()` awaitable of `g` (the loop's finalizer awaits it).
pub fn aclose_op(g: &Rc<Generator>) -> Value {
    op(g, AsyncGenOpKind::Close(None))
}

/// Installs the methods on the async_generator class.
pub fn register() {
    types::with_types(|t| {
        let c = &t.async_generator;
        for (name, f) in [
            ("__aiter__", aiter as crate::value::object::NativeFn),
            ("__anext__", anext_method),
            ("asend", asend),
            ("athrow", athrow),
            ("aclose", aclose),
        ] {
            types::set_class_attr(c, name, Value::builtin(name, f));
        }
    });
}
