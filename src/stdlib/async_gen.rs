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
    crate::stdlib::builtins::arity("asend", &args[1..], 1, 1)?;
    Ok(op(this(args)?, AsyncGenOpKind::Send(args[1].clone())))
}

fn athrow(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    crate::stdlib::builtins::arity("athrow", &args[1..], 1, 3)?;
    let g = this(args)?.clone();
    let exc = match (&args[1], args.get(2)) {
        (Value::Class(_), Some(v)) if !v.is_none() => {
            if v.exc_data().is_some() {
                v.clone()
            } else {
                vm.call(&args[1], &[v.clone()])?
            }
        }
        (Value::Class(_), _) => vm.call(&args[1], &[])?,
        (v, _) if v.exc_data().is_some() => v.clone(),
        _ => {
            return Err(types::type_error(
                "exceptions must be classes or instances deriving from BaseException, not str",
            ))
        }
    };
    Ok(op(&g, AsyncGenOpKind::Throw(exc)))
}

fn aclose(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(op(this(args)?, AsyncGenOpKind::Close))
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
