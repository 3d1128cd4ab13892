//! The `contextvars` module: ContextVar, Token and Context, and the current context
//! the runtime swaps in around every task step and loop callback.
//!
//! The runtime holds contexts as `vm::context::ContextRef` (see there): a copy shares
//! its parent's immutable map, so `copy()` (which every new task and every scheduled
//! callback does) costs one small record. The script-visible objects are instances of
//! Rust-made classes whose state sits in one hidden attribute, so the generic
//! special-method dispatch (`len`, `in`, `[]`, iteration) finds their builtin methods;
//! a Context object is made only when a script asks for one.

use crate::stdlib::builtins::arity;
use crate::value::object::{Class, Instance, Layout, Native, NativeFn};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::context::{ContextRef, VarMap};
use crate::vm::ops;
use crate::vm::Vm;
use std::cell::Cell;
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

/// A Context object's state: the runtime's record it stands for.
struct CtxData(ContextRef);

/// A ContextVar's state.
struct VarData {
    name: Value,
    default: Option<Value>,
}

/// A Token's state: what `reset` needs to undo one `set`.
struct TokenData {
    ctx: ContextRef,
    var: Value,
    old: Option<Value>,
    used: Cell<bool>,
}

/// The module's classes, made once per thread.
struct Classes {
    context: Rc<Class>,
    var: Rc<Class>,
    token: Rc<Class>,
    missing: Value,
}

thread_local! {
    static CLASSES: Classes = make_classes();
}

/// The hidden attribute holding an object's Rust state.
fn state_sym() -> Symbol {
    thread_local! {
        static STATE: Symbol = Symbol::new("__aio_state__");
    }
    STATE.with(|s| *s)
}

fn class(name: &str) -> Rc<Class> {
    let object = types::with_types(|t| t.object.clone());
    types::new_class_in(name, Some(&object), Layout::Object, false, "_contextvars")
}

fn make_classes() -> Classes {
    let method = |c: &Rc<Class>, name: &'static str, f: NativeFn| {
        types::set_class_attr(c, name, Value::builtin(name, f))
    };
    let context = class("Context");
    method(&context, "__new__", context_new);
    method(&context, "run", context_run);
    method(&context, "copy", context_copy);
    method(&context, "get", context_get);
    method(&context, "keys", context_keys);
    method(&context, "values", context_values);
    method(&context, "items", context_items);
    method(&context, "__getitem__", context_getitem);
    method(&context, "__contains__", context_contains);
    method(&context, "__len__", context_len);
    method(&context, "__iter__", context_iter);
    method(&context, "__eq__", context_eq);
    context.unhashable.set(true);
    types::set_class_attr(&context, "__hash__", Value::None);

    let var = class("ContextVar");
    method(&var, "__new__", var_new);
    method(&var, "get", var_get);
    method(&var, "set", var_set);
    method(&var, "reset", var_reset);
    method(&var, "__repr__", var_repr);

    let token = class("Token");
    method(&token, "__new__", token_new);
    method(&token, "__repr__", token_repr);
    let missing_class = class("Token.MISSING");
    method(&missing_class, "__repr__", missing_repr);
    let missing = new_object(&missing_class, ());
    types::set_class_attr(&token, "MISSING", missing.clone());
    Classes {
        context,
        var,
        token,
        missing,
    }
}

fn new_object<T: 'static>(class: &Rc<Class>, state: T) -> Value {
    let inst = Instance {
        class: class.clone(),
        dict: Default::default(),
        exc: None,
        base: None,
    };
    let payload = Value::native(Native::Object {
        class: class.clone(),
        payload: Box::new(state),
    });
    inst.dict.insert(state_sym(), payload);
    Value::instance(inst)
}

/// Runs `f` on the Rust state of `v` when it is a `T`.
fn with_state<T: 'static, R>(v: &Value, f: impl FnOnce(&T) -> R) -> Option<R> {
    let Value::Instance(i) = v else { return None };
    let payload = i.dict.get(&state_sym())?;
    let Value::Native(n) = &payload else {
        return None;
    };
    let Native::Object { payload, .. } = &**n else {
        return None;
    };
    payload.downcast_ref::<T>().map(f)
}

fn is_a<T: 'static>(v: &Value) -> bool {
    with_state::<T, ()>(v, |_| ()).is_some()
}

/// The script-visible object for the context `ctx`.
pub fn context_object(ctx: ContextRef) -> Value {
    let class = CLASSES.with(|c| c.context.clone());
    new_object(&class, CtxData(ctx))
}

/// The context a Context object stands for.
pub fn context_of(v: &Value) -> Option<ContextRef> {
    with_state::<CtxData, _>(v, |d| d.0.clone())
}

/// The current context, creating the thread's base context on first use.
pub fn current(vm: &mut Vm) -> ContextRef {
    vm.current_context.get_or_insert_with(Rc::default).clone()
}

/// A copy of the current context (what a new task or a scheduled callback runs in).
pub fn copy_current(vm: &mut Vm) -> ContextRef {
    match &vm.current_context {
        Some(c) => c.copy(),
        None => Rc::default(),
    }
}

/// The context a `context=` argument names: that Context's record, or a copy of
/// the current context when it is None or absent.
pub fn context_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<ContextRef> {
    match v {
        None | Some(Value::None) => Ok(copy_current(vm)),
        Some(v) => context_of(v).ok_or_else(|| {
            types::type_error(format!(
                "an instance of Context was expected, got {}",
                v.type_name()
            ))
        }),
    }
}

/// Makes `ctx` current for a task step or a callback; returns what to restore.
pub fn enter(vm: &mut Vm, ctx: &ContextRef) -> (Option<ContextRef>, bool) {
    let was = ctx.entered.replace(true);
    (vm.current_context.replace(ctx.clone()), was)
}

/// Undoes `enter`.
pub fn exit(vm: &mut Vm, ctx: &ContextRef, saved: (Option<ContextRef>, bool)) {
    ctx.entered.set(saved.1);
    vm.current_context = saved.0;
}

/// `import contextvars` (and `_contextvars`).
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("contextvars");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("contextvars"));
        CLASSES.with(|c| {
            g.insert(Symbol::new("Context"), Value::Class(c.context.clone()));
            g.insert(Symbol::new("ContextVar"), Value::Class(c.var.clone()));
            g.insert(Symbol::new("Token"), Value::Class(c.token.clone()));
        });
        g.insert(
            Symbol::new("copy_context"),
            Value::builtin("copy_context", copy_context),
        );
    }
    Value::Module(m)
}

fn copy_context(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if !args.is_empty() {
        return Err(types::type_error(format!(
            "_contextvars.copy_context() takes no arguments ({} given)",
            args.len()
        )));
    }
    Ok(context_object(copy_current(vm)))
}

fn no_kwargs(name: &str, kwargs: Kw) -> PyResult<()> {
    if kwargs.is_empty() {
        Ok(())
    } else {
        Err(types::type_error(format!(
            "{name}() takes no keyword arguments"
        )))
    }
}

// ----- Context -----

/// The variables of the Context object `args[0]` as they are now.
fn this_map(args: &[Value]) -> PyResult<Rc<VarMap>> {
    Ok(this_ctx(args)?.map().unwrap_or_default())
}

fn this_ctx(args: &[Value]) -> PyResult<ContextRef> {
    match args.first().and_then(context_of) {
        Some(c) => Ok(c),
        None => Err(types::type_error(
            "descriptor requires a '_contextvars.Context' object",
        )),
    }
}

fn context_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() > 1 || !kwargs.is_empty() {
        return Err(types::type_error("Context() does not accept any arguments"));
    }
    Ok(context_object(Rc::default()))
}

fn context_run(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let ctx = this_ctx(args)?;
    let Some(func) = args.get(1) else {
        return Err(types::type_error(
            "run() missing 1 required positional argument",
        ));
    };
    if ctx.entered.get() {
        let r = ops::repr(vm, &args[0])?;
        return Err(types::runtime_error(format!(
            "cannot enter context: {r} is already entered"
        )));
    }
    let saved = enter(vm, &ctx);
    let r = vm.call_kw(func, &args[2..], kwargs);
    exit(vm, &ctx, saved);
    r
}

fn context_copy(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let ctx = this_ctx(args)?;
    if args.len() > 1 {
        return Err(types::type_error(format!(
            "Context.copy() takes no arguments ({} given)",
            args.len() - 1
        )));
    }
    Ok(context_object(ctx.copy()))
}

/// The key of a variable, or CPython's TypeError for anything else.
fn var_key(vm: &mut Vm, v: &Value) -> PyResult<usize> {
    if is_a::<VarData>(v) {
        return Ok(v.ptr().unwrap_or(0));
    }
    let r = ops::repr(vm, v)?;
    Err(types::type_error(format!(
        "a ContextVar key was expected, got {r}"
    )))
}

fn context_get(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let map = this_map(args)?;
    no_kwargs("Context.get", kwargs)?;
    arity("get", &args[1..], 1, 2)?;
    let key = var_key(vm, &args[1])?;
    Ok(match map.get(&key) {
        Some((_, v)) => v.clone(),
        None => args.get(2).cloned().unwrap_or(Value::None),
    })
}

fn context_getitem(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let map = this_map(args)?;
    arity("__getitem__", &args[1..], 1, 1)?;
    let key = var_key(vm, &args[1])?;
    match map.get(&key) {
        Some((_, v)) => Ok(v.clone()),
        None => Err(types::key_error(args[1].clone())),
    }
}

fn context_contains(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let map = this_map(args)?;
    arity("__contains__", &args[1..], 1, 1)?;
    let key = var_key(vm, &args[1])?;
    Ok(Value::Bool(map.contains_key(&key)))
}

fn context_len(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Int(this_ctx(args)?.len() as i64))
}

fn context_keys(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let map = this_map(args)?;
    Ok(Value::list(map.values().map(|(k, _)| k.clone()).collect()))
}

fn context_values(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let map = this_map(args)?;
    Ok(Value::list(map.values().map(|(_, v)| v.clone()).collect()))
}

fn context_items(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let map = this_map(args)?;
    Ok(Value::list(
        map.values()
            .map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()]))
            .collect(),
    ))
}

fn context_iter(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let keys = context_keys(vm, args, kw)?;
    ops::get_iter(vm, &keys)
}

fn context_eq(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let a = this_map(args)?;
    let Some(other) = args.get(1).and_then(context_of) else {
        return Ok(Value::native(Native::NotImplemented));
    };
    let b = other.map().unwrap_or_default();
    if Rc::ptr_eq(&a, &b) {
        return Ok(Value::Bool(true));
    }
    if a.len() != b.len() {
        return Ok(Value::Bool(false));
    }
    for (k, (_, v)) in a.iter() {
        let Some((_, w)) = b.get(k) else {
            return Ok(Value::Bool(false));
        };
        if !ops::eq(vm, v, w)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

// ----- ContextVar -----

fn var_new(_vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let args = &args[1.min(args.len())..];
    match args.len() {
        0 => {
            return Err(types::type_error(
                "ContextVar() takes exactly 1 positional argument (0 given)",
            ))
        }
        1 => {}
        n => {
            return Err(types::type_error(format!(
                "ContextVar() takes at most 1 positional argument ({n} given)"
            )))
        }
    }
    let mut default = None;
    for (k, v) in kwargs {
        if k.with(|s| s == "default") {
            default = Some(v.clone());
        } else {
            let name = k.with(|s| s.to_string());
            return Err(types::type_error(format!(
                "'{name}' is an invalid keyword argument for ContextVar()"
            )));
        }
    }
    if !matches!(args[0], Value::Str(_)) {
        return Err(types::type_error("context variable name must be a str"));
    }
    let class = CLASSES.with(|c| c.var.clone());
    let var = new_object(
        &class,
        VarData {
            name: args[0].clone(),
            default,
        },
    );
    if let Value::Instance(i) = &var {
        i.dict.insert(Symbol::new("name"), args[0].clone());
    }
    Ok(var)
}

fn this_var(args: &[Value]) -> PyResult<(Value, Option<Value>)> {
    args.first()
        .and_then(|v| with_state::<VarData, _>(v, |d| (d.name.clone(), d.default.clone())))
        .ok_or_else(|| types::type_error("descriptor requires a '_contextvars.ContextVar' object"))
}

fn var_get(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let (_, default) = this_var(args)?;
    no_kwargs("ContextVar.get", kwargs)?;
    if args.len() > 2 {
        return Err(types::type_error(format!(
            "get expected at most 1 argument, got {}",
            args.len() - 1
        )));
    }
    let ctx = current(vm);
    let key = args[0].ptr().unwrap_or(0);
    if let Some(v) = ctx.get(key) {
        return Ok(v);
    }
    if let Some(d) = args.get(1).cloned().or(default) {
        return Ok(d);
    }
    let class = types::with_types(|t| t.lookup_error.clone());
    Err(types::new_exception(&class, vec![args[0].clone()]))
}

fn var_set(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    this_var(args)?;
    no_kwargs("ContextVar.set", kwargs)?;
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "ContextVar.set() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    let ctx = current(vm);
    let key = args[0].ptr().unwrap_or(0);
    let old = ctx.set(key, args[0].clone(), args[1].clone());
    let class = CLASSES.with(|c| c.token.clone());
    let old_value = old
        .clone()
        .unwrap_or_else(|| CLASSES.with(|c| c.missing.clone()));
    let token = new_object(
        &class,
        TokenData {
            ctx,
            var: args[0].clone(),
            old,
            used: Cell::new(false),
        },
    );
    if let Value::Instance(i) = &token {
        let d = &i.dict;
        d.insert(Symbol::new("var"), args[0].clone());
        d.insert(Symbol::new("old_value"), old_value);
    }
    Ok(token)
}

fn var_reset(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    this_var(args)?;
    no_kwargs("ContextVar.reset", kwargs)?;
    if args.len() != 2 {
        return Err(types::type_error(format!(
            "ContextVar.reset() takes exactly one argument ({} given)",
            args.len() - 1
        )));
    }
    let token = &args[1];
    let Some((tctx, tvar, old, used)) = with_state::<TokenData, _>(token, |t| {
        (t.ctx.clone(), t.var.clone(), t.old.clone(), t.used.get())
    }) else {
        let r = ops::repr(vm, token)?;
        return Err(types::type_error(format!(
            "expected an instance of Token, got {r}"
        )));
    };
    if used {
        let r = ops::repr(vm, token)?;
        return Err(types::runtime_error(format!(
            "{r} has already been used once"
        )));
    }
    if !tvar.is(&args[0]) {
        let r = ops::repr(vm, token)?;
        return Err(types::value_error(format!(
            "{r} was created by a different ContextVar"
        )));
    }
    let ctx = current(vm);
    if !Rc::ptr_eq(&tctx, &ctx) {
        let r = ops::repr(vm, token)?;
        return Err(types::value_error(format!(
            "{r} was created in a different Context"
        )));
    }
    with_state::<TokenData, _>(token, |t| t.used.set(true));
    let key = args[0].ptr().unwrap_or(0);
    match old {
        Some(v) => {
            ctx.set(key, args[0].clone(), v);
        }
        None => ctx.remove(key),
    }
    Ok(Value::None)
}

fn var_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let (name, default) = this_var(args)?;
    let mut s = format!("<ContextVar name={}", ops::repr(vm, &name)?);
    if let Some(d) = default {
        s.push_str(&format!(" default={}", ops::repr(vm, &d)?));
    }
    s.push_str(&format!(" at {:#x}>", args[0].ptr().unwrap_or(0)));
    Ok(Value::str(s))
}

// ----- Token -----

fn token_new(_vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Err(types::runtime_error(
        "Tokens can only be created by ContextVars",
    ))
}

fn token_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let Some((var, used)) = args
        .first()
        .and_then(|t| with_state::<TokenData, _>(t, |t| (t.var.clone(), t.used.get())))
    else {
        return Err(types::type_error(
            "descriptor requires a '_contextvars.Token' object",
        ));
    };
    let used = if used { " used" } else { "" };
    let v = ops::repr(vm, &var)?;
    Ok(Value::str(format!(
        "<Token{used} var={v} at {:#x}>",
        args[0].ptr().unwrap_or(0)
    )))
}

fn missing_repr(_vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::str("<Token.MISSING>"))
}
