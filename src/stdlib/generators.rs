//! The methods of generator objects: `send`, `throw`, `close`, `__next__`, `__iter__`.
//! They resume the generator's suspended frames through `ops::generator_send`.

use crate::value::object::Native;
use crate::value::object::NativeFn;
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::generator::{GenKind, GenState, Generator};
use crate::vm::ops::{self, GenOutcome};
use crate::vm::{Resume, Vm};
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

/// Installs the generator methods on the `generator` class.
pub fn register() {
    let methods: &[(&'static str, NativeFn)] = &[
        ("send", send),
        ("throw", throw),
        ("close", close),
        ("__next__", next),
        ("__iter__", iter),
    ];
    types::with_types(|t| {
        for (name, f) in methods {
            types::set_class_attr(&t.generator, name, Value::builtin(name, *f));
        }
        // Coroutines share send/throw/close (they are not iterators); `__await__()`
        // returns a coroutine_wrapper, the iterator that drives the coroutine.
        for (name, f) in &methods[..3] {
            types::set_class_attr(&t.coroutine, name, Value::builtin(name, *f));
        }
        types::set_class_attr(
            &t.coroutine,
            "__await__",
            Value::builtin("__await__", await_),
        );
        for (name, f) in methods {
            types::set_class_attr(&t.coroutine_wrapper, name, Value::builtin(name, *f));
        }
    });
}

/// The payload of a `coroutine_wrapper` (what `coroutine.__await__()` returns).
pub struct CoroWrapper(pub Rc<Generator>);

/// The coroutine a `coroutine_wrapper` drives.
pub fn wrapped_coroutine(v: &Value) -> Option<Rc<Generator>> {
    let Value::Native(n) = v else { return None };
    let Native::Object { payload, .. } = &**n else {
        return None;
    };
    payload.downcast_ref::<CoroWrapper>().map(|w| w.0.clone())
}

fn await_(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let g = match args.first() {
        Some(Value::Generator(g)) if g.kind == GenKind::Coroutine => g.clone(),
        _ => {
            return Err(types::type_error(
                "descriptor '__await__' requires a 'coroutine' object",
            ))
        }
    };
    no_kwargs("__await__", kwargs)?;
    let class = types::with_types(|t| t.coroutine_wrapper.clone());
    Ok(Value::native(Native::Object {
        class,
        payload: Box::new(CoroWrapper(g)),
    }))
}

fn receiver(args: &[Value], name: &str) -> PyResult<Rc<Generator>> {
    if let Some(g) = args.first().and_then(wrapped_coroutine) {
        return Ok(g);
    }
    match args.first() {
        Some(Value::Generator(g)) => Ok(g.clone()),
        Some(other) => Err(types::type_error(format!(
            "descriptor '{name}' for 'generator' objects doesn't apply to a '{}' object",
            other.type_name()
        ))),
        None => Err(types::type_error(format!(
            "unbound method generator.{name}() needs an argument"
        ))),
    }
}

fn no_kwargs(name: &str, kwargs: Kw) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(types::type_error(format!(
            "generator.{name}() takes no keyword arguments"
        )))
    }
}

/// A yielded value, or the StopIteration carrying the return value.
fn outcome(r: GenOutcome) -> PyResult<Value> {
    match r {
        GenOutcome::Yielded(v) => Ok(v),
        GenOutcome::Returned(v) => Err(types::stop_iteration(v)),
    }
}

fn send(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let g = receiver(args, "send")?;
    no_kwargs("send", kwargs)?;
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "generator.send() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    outcome(ops::generator_send(vm, &g, Resume::Send(args[1].clone()))?)
}

fn next(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let g = receiver(args, "__next__")?;
    no_kwargs("__next__", kwargs)?;
    if args.len() != 1 {
        return Err(types::type_error(format!(
            "expected 0 arguments, got {}",
            args.len() - 1
        )));
    }
    outcome(ops::generator_send(vm, &g, Resume::Send(Value::None))?)
}

fn iter(_vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    receiver(args, "__iter__")?;
    Ok(args[0].clone())
}

fn is_exception_class(v: &Value) -> bool {
    match v {
        Value::Class(c) => types::with_types(|t| c.is_subclass(&t.base_exception)),
        _ => false,
    }
}

fn is_exception_instance(v: &Value) -> bool {
    types::exc_is(v, |t| &t.base_exception)
}

/// `throw(type[, value[, traceback]])` or `throw(exception)`: the exception to raise.
fn exception_to_throw(vm: &mut Vm, typ: &Value, val: Option<&Value>) -> PyResult<Value> {
    let val = val.filter(|v| !v.is_none());
    if is_exception_class(typ) {
        return match val {
            None => vm.call(typ, &[]),
            Some(v)
                if is_exception_instance(v) && v.class().is_subclass(&typ.class_for_throw()) =>
            {
                Ok(v.clone())
            }
            Some(Value::Tuple(items)) => vm.call(typ, items),
            Some(v) => vm.call(typ, std::slice::from_ref(v)),
        };
    }
    if is_exception_instance(typ) {
        if val.is_some() {
            return Err(types::type_error(
                "instance exception may not have a separate value",
            ));
        }
        return Ok(typ.clone());
    }
    Err(types::type_error(format!(
        "exceptions must be classes or instances deriving from BaseException, not {}",
        typ.type_name()
    )))
}

trait ThrowClass {
    fn class_for_throw(&self) -> Rc<crate::value::object::Class>;
}

impl ThrowClass for Value {
    /// The class a `throw(type, value)` type argument names.
    fn class_for_throw(&self) -> Rc<crate::value::object::Class> {
        match self {
            Value::Class(c) => c.clone(),
            other => other.class(),
        }
    }
}

fn throw(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let g = receiver(args, "throw")?;
    no_kwargs("throw", kwargs)?;
    let rest = &args[1..];
    if rest.is_empty() || rest.len() > 3 {
        let bound = if rest.is_empty() {
            "least 1 argument"
        } else {
            "most 3 arguments"
        };
        return Err(types::type_error(format!(
            "throw expected at {bound}, got {}",
            rest.len()
        )));
    }
    let tb = rest.get(2).filter(|tb| !tb.is_none());
    if let Some(tb) = tb {
        if !crate::stdlib::tbobj::is_traceback(tb) {
            return Err(types::type_error(
                "throw() third argument must be a traceback object",
            ));
        }
    }
    let exc = exception_to_throw(vm, &rest[0], rest.get(1))?;
    if let Some(tb) = tb {
        crate::stdlib::tbobj::set_traceback(&exc, tb)?;
    }
    outcome(ops::generator_send(vm, &g, Resume::Throw(exc))?)
}

fn close(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let g = receiver(args, "close")?;
    no_kwargs("close", kwargs)?;
    if args.len() != 1 {
        return Err(types::type_error(format!(
            "generator.close() takes no arguments ({} given)",
            args.len() - 1
        )));
    }
    match g.state.get() {
        GenState::Finished => return Ok(Value::None),
        GenState::Created => {
            // A generator that never started has no handlers to run: it just ends.
            g.frames.borrow_mut().clear();
            g.state.set(GenState::Finished);
            return Ok(Value::None);
        }
        GenState::Running => return Err(types::value_error("generator already executing")),
        GenState::Suspended => {}
    }
    let exit = types::exc(|t| &t.generator_exit, "");
    let exit = match &exit {
        Value::Instance(i) => {
            if let Some(d) = &i.exc {
                d.borrow_mut().args.clear();
            }
            exit
        }
        _ => exit,
    };
    match ops::generator_send(vm, &g, Resume::Throw(exit)) {
        Ok(GenOutcome::Yielded(_)) => Err(types::runtime_error("generator ignored GeneratorExit")),
        Ok(GenOutcome::Returned(_)) => Ok(Value::None),
        Err(e)
            if types::exc_is(&e, |t| &t.generator_exit)
                || types::exc_is(&e, |t| &t.stop_iteration) =>
        {
            Ok(Value::None)
        }
        Err(e) => Err(e),
    }
}
