//! The builtins module: functions, the builtin classes, and class creation.

use crate::value::intern::sym;
use crate::value::object::{AttrMap, Class, Module, Native};
use crate::value::types;
use crate::value::{Dict, PyResult, Symbol, Value};
use crate::vm::frame::Frame;
use crate::vm::ops;
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

fn kwarg<'a>(kwargs: Kw<'a>, name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s == name))
        .map(|(_, v)| v)
}

/// Checks the positional argument count of a builtin with CPython's wording.
pub fn arity(name: &str, args: &[Value], min: usize, max: usize) -> PyResult<()> {
    if args.len() < min || args.len() > max {
        let msg = if min == max {
            match min {
                0 => format!("{name}() takes no arguments ({} given)", args.len()),
                1 => format!("{name}() takes exactly one argument ({} given)", args.len()),
                n => format!("{name} expected {n} arguments, got {}", args.len()),
            }
        } else if args.len() < min {
            format!(
                "{name} expected at least {min} argument{}, got {}",
                if min == 1 { "" } else { "s" },
                args.len()
            )
        } else {
            format!(
                "{name} expected at most {max} argument{}, got {}",
                if max == 1 { "" } else { "s" },
                args.len()
            )
        };
        return Err(types::type_error(msg));
    }
    Ok(())
}

/// A dict value from an attribute namespace (vars(), __dict__).
pub fn attrmap_to_dict(map: &AttrMap) -> Value {
    let mut d = Dict::new();
    for (k, v) in map.iter() {
        let key = Value::str(k.text().to_string());
        let h = match &key {
            Value::Str(s) => s.hash(),
            _ => 0,
        };
        d.push_new(h, key, v.clone());
    }
    Value::dict(d)
}

/// Builds the builtins module.
pub fn make_module() -> Rc<Module> {
    let m = super::new_module("builtins");
    {
        let g = &m.globals;
        let def = |name: &'static str, f: crate::value::object::NativeFn| {
            g.insert(Symbol::new(name), Value::builtin(name, f));
        };
        def("print", print);
        def("len", len);
        def("repr", repr);
        def("isinstance", isinstance);
        def("issubclass", issubclass);
        def("iter", iter);
        def("next", next);
        def("aiter", aiter);
        def("anext", anext);
        def("hasattr", hasattr);
        def("getattr", getattr);
        def("setattr", setattr);
        def("delattr", delattr);
        def("id", id);
        def("hash", hash);
        def("callable", callable);
        def("abs", abs);
        def("min", min);
        def("max", max);
        def("sum", sum);
        def("sorted", sorted);
        def("any", any);
        def("all", all);
        def("chr", chr);
        def("ord", ord);
        def("format", format);
        def("ascii", ascii);
        def("vars", vars);
        def("globals", globals);
        def("locals", globals);
        def("__build_class__", build_class);
        def("exit", sys_exit);
        def("quit", sys_exit);
        let mut type_builtins = AttrMap::default();
        super::types::register(&mut type_builtins);
        super::files::register(&mut type_builtins);
        for (k, v) in type_builtins {
            g.insert(k, v);
        }
        super::exc_group::register();
        super::async_gen::register();
        super::generators::register();
        super::aioutil::register();
    }
    types::with_types(|t| {
        let g = &m.globals;
        for c in all_classes(t) {
            g.insert(Symbol::new(&c.name), Value::Class(c.clone()));
        }
        g.insert(Symbol::new("None"), Value::None);
        g.insert(
            Symbol::new("NotImplemented"),
            Value::native(Native::NotImplemented),
        );
        g.insert(Symbol::new("Ellipsis"), Value::native(Native::Ellipsis));
        g.insert(Symbol::new("__name__"), Value::str("builtins"));
    });
    m
}

fn all_classes(t: &types::Types) -> Vec<Rc<Class>> {
    vec![
        t.object.clone(),
        t.type_.clone(),
        t.int.clone(),
        t.bool_.clone(),
        t.float.clone(),
        t.str_.clone(),
        t.bytes.clone(),
        t.tuple.clone(),
        t.list.clone(),
        t.dict.clone(),
        t.set.clone(),
        t.frozenset.clone(),
        t.range.clone(),
        t.slice.clone(),
        t.property.clone(),
        t.staticmethod.clone(),
        t.classmethod.clone(),
        t.super_.clone(),
        t.base_exception.clone(),
        t.base_exception_group.clone(),
        t.generator_exit.clone(),
        t.keyboard_interrupt.clone(),
        t.system_exit.clone(),
        t.exception.clone(),
        t.arithmetic_error.clone(),
        t.floating_point_error.clone(),
        t.overflow_error.clone(),
        t.zero_division_error.clone(),
        t.assertion_error.clone(),
        t.attribute_error.clone(),
        t.buffer_error.clone(),
        t.eof_error.clone(),
        t.exception_group.clone(),
        t.import_error.clone(),
        t.module_not_found_error.clone(),
        t.lookup_error.clone(),
        t.index_error.clone(),
        t.key_error.clone(),
        t.memory_error.clone(),
        t.name_error.clone(),
        t.unbound_local_error.clone(),
        t.os_error.clone(),
        t.blocking_io_error.clone(),
        t.child_process_error.clone(),
        t.connection_error.clone(),
        t.broken_pipe_error.clone(),
        t.connection_aborted_error.clone(),
        t.connection_refused_error.clone(),
        t.connection_reset_error.clone(),
        t.file_exists_error.clone(),
        t.file_not_found_error.clone(),
        t.interrupted_error.clone(),
        t.is_a_directory_error.clone(),
        t.not_a_directory_error.clone(),
        t.permission_error.clone(),
        t.process_lookup_error.clone(),
        t.timeout_error.clone(),
        t.reference_error.clone(),
        t.runtime_error.clone(),
        t.not_implemented_error.clone(),
        t.recursion_error.clone(),
        t.stop_async_iteration.clone(),
        t.stop_iteration.clone(),
        t.syntax_error.clone(),
        t.indentation_error.clone(),
        t.tab_error.clone(),
        t.system_error.clone(),
        t.type_error.clone(),
        t.value_error.clone(),
        t.unicode_error.clone(),
        t.unicode_decode_error.clone(),
        t.unicode_encode_error.clone(),
        t.warning.clone(),
        t.deprecation_warning.clone(),
        t.runtime_warning.clone(),
        t.user_warning.clone(),
        t.resource_warning.clone(),
    ]
}

fn print(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let sep = match kwarg(kwargs, "sep") {
        Some(Value::None) | None => " ".to_string(),
        Some(Value::Str(s)) => s.text.clone(),
        Some(other) => {
            return Err(types::type_error(format!(
                "sep must be None or a string, not {}",
                other.type_name()
            )))
        }
    };
    let end = match kwarg(kwargs, "end") {
        Some(Value::None) | None => "\n".to_string(),
        Some(Value::Str(s)) => s.text.clone(),
        Some(other) => {
            return Err(types::type_error(format!(
                "end must be None or a string, not {}",
                other.type_name()
            )))
        }
    };
    let file = match kwarg(kwargs, "file") {
        Some(Value::None) | None => super::sys::current_stdout(vm),
        Some(f) => f.clone(),
    };
    let flush = match kwarg(kwargs, "flush") {
        Some(v) => ops::truthy(vm, v)?,
        None => false,
    };
    if super::sys::std_streams().0.is(&file) || super::sys::std_streams().1.is(&file) {
        let mut out = String::new();
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(&sep);
            }
            out.push_str(&ops::str_of(vm, a)?);
        }
        out.push_str(&end);
        super::sys::write_to(vm, &file, &out)?;
    } else {
        // Any object with a write method: one call per piece, as CPython makes them.
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                super::sys::write_to(vm, &file, &sep)?;
            }
            let s = ops::str_of(vm, a)?;
            super::sys::write_to(vm, &file, &s)?;
        }
        super::sys::write_to(vm, &file, &end)?;
    }
    if flush {
        super::sys::flush(vm, &file)?;
    }
    Ok(Value::None)
}

fn len(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("len", args, 1, 1)?;
    Ok(Value::Int(ops::len(vm, &args[0])?))
}

fn repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("repr", args, 1, 1)?;
    Ok(Value::str(ops::repr(vm, &args[0])?))
}

fn ascii(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("ascii", args, 1, 1)?;
    Ok(Value::str(ops::ascii_escape(&ops::repr(vm, &args[0])?)))
}

fn format(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("format", args, 1, 2)?;
    let spec = args
        .get(1)
        .and_then(|s| s.as_str().map(|x| x.to_string()))
        .unwrap_or_default();
    Ok(Value::str(ops::format(vm, &args[0], &spec)?))
}

fn class_check(v: &Value, class: &Value, fname: &str) -> PyResult<bool> {
    match class {
        Value::Class(c) => Ok(types::is_instance_of(v, c)),
        Value::Tuple(items) => {
            for c in items.iter() {
                if class_check(v, c, fname)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(types::type_error(format!(
            "{fname}() arg 2 must be a type, a tuple of types, or a union"
        ))),
    }
}

fn isinstance(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("isinstance", args, 2, 2)?;
    Ok(Value::Bool(class_check(&args[0], &args[1], "isinstance")?))
}

fn issubclass(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("issubclass", args, 2, 2)?;
    let Value::Class(c) = &args[0] else {
        return Err(types::type_error("issubclass() arg 1 must be a class"));
    };
    fn check(c: &Class, target: &Value) -> PyResult<bool> {
        match target {
            Value::Class(t) => Ok(c.is_subclass(t)),
            Value::Tuple(items) => {
                for t in items.iter() {
                    if check(c, t)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(types::type_error(
                "issubclass() arg 2 must be a class, a tuple of classes, or a union",
            )),
        }
    }
    Ok(Value::Bool(check(c, &args[1])?))
}

fn iter(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("iter", args, 1, 2)?;
    if args.len() == 2 {
        return Ok(ops::new_iter(
            crate::value::object::IterState::Callable {
                func: args[0].clone(),
                sentinel: args[1].clone(),
            },
            "callable_iterator",
        ));
    }
    ops::get_iter(vm, &args[0])
}

fn next(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("next", args, 1, 2)?;
    // A generator's return value travels in the StopIteration.
    let driven = match &args[0] {
        Value::Generator(g) if g.kind == crate::vm::generator::GenKind::Generator => {
            Some(g.clone())
        }
        other => super::generators::wrapped_coroutine(other),
    };
    if let Some(g) = &driven {
        return match ops::generator_send(vm, g, crate::vm::Resume::Send(Value::None))? {
            ops::GenOutcome::Yielded(v) => Ok(v),
            ops::GenOutcome::Returned(v) => match args.get(1) {
                Some(d) => Ok(d.clone()),
                None => Err(types::stop_iteration(v)),
            },
        };
    }
    match ops::iter_next(vm, &args[0]) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => match args.get(1) {
            Some(d) => Ok(d.clone()),
            None => Err(types::stop_iteration(Value::None)),
        },
        Err(e) => Err(e),
    }
}

fn aiter(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("aiter", args, 1, 1)?;
    let v = &args[0];
    if let Value::Generator(g) = v {
        if g.kind == crate::vm::generator::GenKind::AsyncGenerator {
            return Ok(v.clone());
        }
    }
    let Some(f) = v.class().lookup(Symbol::new("__aiter__")) else {
        return Err(types::type_error(format!(
            "'{}' object is not an async iterable",
            v.type_name()
        )));
    };
    let it = vm.call(&f, std::slice::from_ref(v))?;
    if !ops::is_async_iterator(&it) {
        return Err(types::type_error(format!(
            "aiter() returned not an async iterator of type '{}'",
            it.type_name()
        )));
    }
    Ok(it)
}

/// anext(it[, default]): the awaitable of the next item; with a default, a coroutine
/// (from the asyncio module) that turns StopAsyncIteration into the default.
fn anext(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("anext", args, 1, 2)?;
    if !ops::is_async_iterator(&args[0]) {
        return Err(types::type_error(format!(
            "'{}' object is not an async iterator",
            args[0].type_name()
        )));
    }
    let aw = ops::get_anext(vm, &args[0])?;
    match args.get(1) {
        None => Ok(aw),
        Some(default) => vm.asyncio_helper("_anext_default", &[aw, default.clone()]),
    }
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

fn hasattr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("hasattr", args, 2, 2)?;
    let name = attr_name(&args[1])?;
    match ops::getattr(vm, &args[0], name) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if types::exc_is(&e, |t| &t.attribute_error) => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

fn getattr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("getattr", args, 2, 3)?;
    let name = attr_name(&args[1])?;
    match ops::getattr(vm, &args[0], name) {
        Ok(v) => Ok(v),
        Err(e) if args.len() == 3 && types::exc_is(&e, |t| &t.attribute_error) => {
            Ok(args[2].clone())
        }
        Err(e) => Err(e),
    }
}

fn setattr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("setattr", args, 3, 3)?;
    let name = attr_name(&args[1])?;
    ops::setattr(vm, &args[0], name, args[2].clone())?;
    Ok(Value::None)
}

fn delattr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("delattr", args, 2, 2)?;
    let name = attr_name(&args[1])?;
    ops::delattr(vm, &args[0], name)?;
    Ok(Value::None)
}

fn id(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("id", args, 1, 1)?;
    Ok(Value::Int(match &args[0] {
        Value::Int(i) => *i,
        v => v.ptr().unwrap_or(0) as i64,
    }))
}

fn hash(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("hash", args, 1, 1)?;
    Ok(Value::Int(ops::hash(vm, &args[0])?))
}

fn callable(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("callable", args, 1, 1)?;
    Ok(Value::Bool(is_callable(&args[0])))
}

/// `callable(v)`.
pub fn is_callable(v: &Value) -> bool {
    match v {
        Value::Function(_) | Value::Builtin(_) | Value::Method(_) | Value::Class(_) => true,
        Value::Instance(i) => i.class.lookup(sym::CALL).is_some(),
        _ => false,
    }
}

fn abs(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("abs", args, 1, 1)?;
    match &args[0] {
        Value::Int(i) => Ok(i.checked_abs().map(Value::Int).unwrap_or_else(|| {
            Value::from_bigint(num_bigint::BigInt::from(*i).magnitude().clone().into())
        })),
        Value::BigInt(b) => Ok(Value::from_bigint(num_traits::Signed::abs(&**b))),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        Value::Instance(i) if i.class.lookup(sym::ABS).is_some() => {
            let f = i.class.lookup(sym::ABS).unwrap_or(Value::None);
            vm.call(&f, &[args[0].clone()])
        }
        other => Err(types::type_error(format!(
            "bad operand type for abs(): '{}'",
            other.type_name()
        ))),
    }
}

fn min_max(
    vm: &mut Vm,
    args: &[Value],
    kwargs: Kw,
    name: &str,
    want_less: bool,
) -> PyResult<Value> {
    for (k, _) in kwargs {
        if !k.with(|s| s == "key" || s == "default") {
            return Err(types::type_error(format!(
                "'{}' is an invalid keyword argument for {name}()",
                k.with(|s| s.to_string())
            )));
        }
    }
    if args.len() > 1 && kwarg(kwargs, "default").is_some() {
        return Err(types::type_error(format!(
            "Cannot specify a default for {name}() with multiple positional arguments"
        )));
    }
    let items = if args.len() == 1 {
        ops::collect_iterable(vm, &args[0])?
    } else if args.is_empty() {
        return Err(types::type_error(format!(
            "{name} expected at least 1 argument, got 0"
        )));
    } else {
        args.to_vec()
    };
    let key = kwarg(kwargs, "key").filter(|k| !k.is_none()).cloned();
    if items.is_empty() {
        return match kwarg(kwargs, "default") {
            Some(d) => Ok(d.clone()),
            None => Err(types::value_error(format!(
                "{name}() arg is an empty sequence"
            ))),
        };
    }
    let mut best = items[0].clone();
    let mut best_key = match &key {
        Some(k) => vm.call(k, &[best.clone()])?,
        None => best.clone(),
    };
    for item in items.into_iter().skip(1) {
        let k = match &key {
            Some(f) => vm.call(f, &[item.clone()])?,
            None => item.clone(),
        };
        let better = if want_less {
            ops::less_than(vm, &k, &best_key)?
        } else {
            ops::less_than(vm, &best_key, &k)?
        };
        if better {
            best = item;
            best_key = k;
        }
    }
    Ok(best)
}

fn min(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    min_max(vm, args, kwargs, "min", true)
}

fn max(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    min_max(vm, args, kwargs, "max", false)
}

pub(crate) fn sum(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("sum", args, 1, 2)?;
    let mut total = args
        .get(1)
        .or_else(|| kwarg(kwargs, "start"))
        .cloned()
        .unwrap_or(Value::Int(0));
    if let Value::Str(_) = total {
        return Err(types::type_error(
            "sum() can't sum strings [use ''.join(seq) instead]",
        ));
    }
    let it = ops::get_iter(vm, &args[0])?;
    while let Some(v) = ops::iter_next(vm, &it)? {
        total = match (&total, &v) {
            (Value::Int(a), Value::Int(b)) => match a.checked_add(*b) {
                Some(s) => Value::Int(s),
                None => ops::binary_op(vm, crate::ast::BinOp::Add, &total, &v)?,
            },
            _ => ops::binary_op(vm, crate::ast::BinOp::Add, &total, &v)?,
        };
    }
    Ok(total)
}

/// Sorts values in place (stable), with an optional key function.
pub fn sort_values(
    vm: &mut Vm,
    items: &mut Vec<Value>,
    key: Option<&Value>,
    reverse: bool,
) -> PyResult<()> {
    super::types::list::sort_values(vm, items, key, reverse)
}

fn sorted(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(types::type_error(format!(
            "sorted expected 1 argument, got {}",
            args.len()
        )));
    }
    for (k, _) in kwargs {
        if !k.with(|s| s == "key" || s == "reverse") {
            return Err(types::type_error(format!(
                "'{}' is an invalid keyword argument for sort()",
                k.with(|s| s.to_string())
            )));
        }
    }
    let mut items = ops::collect_iterable(vm, &args[0])?;
    let reverse = match kwarg(kwargs, "reverse") {
        Some(v) => super::types::list::reverse_flag(v)?,
        None => false,
    };
    sort_values(vm, &mut items, kwarg(kwargs, "key"), reverse)?;
    Ok(Value::list(items))
}

fn any(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("any", args, 1, 1)?;
    let it = ops::get_iter(vm, &args[0])?;
    while let Some(v) = ops::iter_next(vm, &it)? {
        if ops::truthy(vm, &v)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn all(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("all", args, 1, 1)?;
    let it = ops::get_iter(vm, &args[0])?;
    while let Some(v) = ops::iter_next(vm, &it)? {
        if !ops::truthy(vm, &v)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

fn chr(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("chr", args, 1, 1)?;
    let i = args[0].as_i64().ok_or_else(|| {
        types::type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            args[0].type_name()
        ))
    })?;
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => Ok(Value::str(c.to_string())),
        None => Err(types::value_error("chr() arg not in range(0x110000)")),
    }
}

fn ord(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("ord", args, 1, 1)?;
    match &args[0] {
        Value::Str(s) if s.char_len == 1 => {
            Ok(Value::Int(s.text.chars().next().map_or(0, |c| c as i64)))
        }
        Value::Str(s) => Err(types::type_error(format!(
            "ord() expected a character, but string of length {} found",
            s.char_len
        ))),
        other => Err(types::type_error(format!(
            "ord() expected string of length 1, but {} found",
            other.type_name()
        ))),
    }
}

fn vars(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("vars", args, 1, 1)?;
    ops::getattr(vm, &args[0], sym::DICT)
}

/// `globals()` / `locals()` reached other than by a direct call (the compiler turns a
/// direct call into `CallNamespace`, which sees the calling frame): the main module's.
fn globals(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(match &vm.main_module {
        Some(m) => m.globals.as_dict(),
        None => Value::dict(Dict::new()),
    })
}

/// `sys.exit([code])`.
pub fn sys_exit(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let class = types::with_types(|t| t.system_exit.clone());
    Err(types::new_exception(&class, args.to_vec()))
}

/// `sys.getrecursionlimit()`.
pub fn sys_getrecursionlimit(vm: &mut Vm, _args: &[Value], _: Kw) -> PyResult<Value> {
    Ok(Value::Int(vm.recursion_limit as i64))
}

/// `sys.setrecursionlimit(n)`.
pub fn sys_setrecursionlimit(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("setrecursionlimit", args, 1, 1)?;
    let n = args[0].as_i64().unwrap_or(1000);
    if n < 1 {
        return Err(types::value_error(
            "recursion limit must be greater or equal than 1",
        ));
    }
    // The VM is stackless, but natives nest; keep a ceiling that cannot overflow.
    vm.recursion_limit = (n as usize).min(100_000);
    Ok(Value::None)
}

/// `__build_class__(body, name, *bases, **kw)`: runs the body in a fresh namespace.
fn build_class(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    let (Some(Value::Function(body)), Some(Value::Str(name))) = (args.first(), args.get(1)) else {
        return Err(types::type_error("__build_class__: bad arguments"));
    };
    let bases = &args[2..];
    if bases.len() > 1 {
        return Err(types::type_error("aio classes support a single base class"));
    }
    let base = match bases.first() {
        Some(Value::Class(c)) => c.clone(),
        // `class C(list[int])`: the base's `__mro_entries__` names the class it stands for.
        Some(other @ Value::Instance(i))
            if i.class.lookup(Symbol::new("__mro_entries__")).is_some() =>
        {
            let f = i
                .class
                .lookup(Symbol::new("__mro_entries__"))
                .unwrap_or(Value::None);
            let entries = vm.call(&f, &[other.clone(), Value::tuple(bases.to_vec())])?;
            match &entries {
                Value::Tuple(t) if t.len() == 1 => match &t[0] {
                    Value::Class(c) => c.clone(),
                    v => {
                        return Err(types::type_error(format!(
                            "bases must be types, not {}",
                            v.type_name()
                        )))
                    }
                },
                _ => {
                    return Err(types::type_error(
                        "__mro_entries__ must return a tuple of one class",
                    ))
                }
            }
        }
        Some(other) => {
            return Err(types::type_error(format!(
                "bases must be types, not {}",
                other.type_name()
            )))
        }
        None => types::with_types(|t| t.object.clone()),
    };
    let namespace = Rc::new(RefCell::new(AttrMap::default()));
    let mut frame = Frame::new(body.code.clone(), body.globals.clone(), Vec::new());
    let code = &body.code;
    let mut cells = Vec::new();
    for _ in &code.cellvars {
        let cell = Rc::new(RefCell::new(Value::Undef));
        crate::vm::gc::track_cell(&cell);
        cells.push(cell);
    }
    cells.extend(body.closure.iter().cloned());
    frame.cells = cells;
    frame.namespace = Some(namespace.clone());
    let class_cell = vm.run_frame(frame)?;
    let module_name = body
        .globals
        .globals
        .get(&sym::NAME)
        .and_then(|v| v.as_str().map(|s| s.to_string()));
    let ns = std::mem::take(&mut *namespace.borrow_mut());
    // `__module__ = "..."` in the body overrides the defining module's name.
    let module_name = ns
        .get(&Symbol::new("__module__"))
        .and_then(|v| v.as_str().map(|s| s.to_string()))
        .or(module_name);
    let class = super::types::object::make_class(
        &name.text,
        &base,
        ns,
        module_name.unwrap_or_else(|| "__main__".to_string()),
    )?;
    if let Value::Native(n) = &class_cell {
        if let Native::Cell(cell) = &**n {
            *cell.borrow_mut() = Value::Class(class.clone());
        }
    }
    Ok(Value::Class(class))
}
