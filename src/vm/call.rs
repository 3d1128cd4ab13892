//! Calls: binding arguments to parameters, building frames, instantiating classes.

use super::frame::{Entry, Frame};
use super::generator::{GenKind, Generator};
use super::Vm;
use crate::bytecode::Code;
use crate::value::object::{CellRef, Function, Instance, Layout, Module, Native};
use crate::value::{intern::sym, types, Dict, PyResult, Symbol, Value};
use std::cell::RefCell;
use std::rc::Rc;

/// The outcome of preparing a call.
pub enum Prepared {
    /// A native call already produced its value (or a generator was created).
    Done(Value),
    /// A script frame to run; its entry says where the result goes.
    Frame(Box<Frame>),
}

/// A function object.
pub fn make_function(
    code: Rc<Code>,
    globals: Rc<Module>,
    defaults: Vec<Value>,
    kwdefaults: Vec<Option<Value>>,
    closure: Vec<CellRef>,
) -> Value {
    let f = Rc::new(Function {
        name: RefCell::new(code.name.to_string()),
        qualname: RefCell::new(code.qualname.to_string()),
        code,
        globals,
        defaults,
        kwdefaults,
        closure,
        dict: Default::default(),
    });
    super::gc::track_function(&f);
    Value::Function(f)
}

/// Prepares a call of any callable.
pub fn prepare_call(
    vm: &mut Vm,
    callee: &Value,
    mut args: Vec<Value>,
    kwargs: Vec<(Symbol, Value)>,
) -> PyResult<Prepared> {
    match callee {
        Value::Function(f) => function_call(vm, f, args, kwargs),
        Value::Builtin(b) => {
            if let Some(r) = &b.receiver {
                args.insert(0, r.clone());
            }
            (b.func)(vm, &args, &kwargs).map(Prepared::Done)
        }
        Value::Method(m) => {
            args.insert(0, m.receiver.clone());
            let func = m.func.clone();
            prepare_call(vm, &func, args, kwargs)
        }
        Value::Class(c) => instantiate(vm, c, args, kwargs),
        Value::Instance(_) => {
            let class = callee.class();
            match class.lookup(sym::CALL) {
                Some(f) => {
                    args.insert(0, callee.clone());
                    prepare_call(vm, &f, args, kwargs)
                }
                None => Err(not_callable(callee)),
            }
        }
        Value::Native(n) => match &**n {
            Native::StaticMethod(f) | Native::ClassMethod(f) if false => {
                prepare_call(vm, f, args, kwargs)
            }
            _ => Err(not_callable(callee)),
        },
        _ => Err(not_callable(callee)),
    }
}

fn not_callable(v: &Value) -> Value {
    types::type_error(format!("'{}' object is not callable", v.type_name()))
}

/// Binds arguments to a script function's parameters and builds its frame.
pub fn function_call(
    vm: &mut Vm,
    f: &Rc<Function>,
    args: Vec<Value>,
    kwargs: Vec<(Symbol, Value)>,
) -> PyResult<Prepared> {
    let code = &f.code;
    let mut frame = vm.new_frame(code.clone(), f.globals.clone());
    bind_args(f, &mut frame.stack, args, kwargs)?;
    // Cells: new ones for cellvars (parameters copied in), then the closure's.
    if !code.cellvars.is_empty() || !code.freevars.is_empty() {
        let mut cells: Vec<CellRef> = Vec::with_capacity(code.cellvars.len() + code.freevars.len());
        for _ in &code.cellvars {
            let cell = Rc::new(RefCell::new(Value::Undef));
            super::gc::track_cell(&cell);
            cells.push(cell);
        }
        for &(cell, slot) in &code.cell_params {
            *cells[cell as usize].borrow_mut() = frame.stack[slot as usize].clone();
        }
        cells.extend(f.closure.iter().cloned());
        frame.cells = cells;
    }
    frame.function = Some(f.clone());
    let flags = code.flags;
    if flags.is_generator || flags.is_coroutine {
        return Ok(Prepared::Done(wrap_generator(f, frame)));
    }
    Ok(Prepared::Frame(frame))
}

/// The generator, coroutine or async generator object for a call of `f` whose frame
/// (arguments bound) is `frame`.
pub fn wrap_generator(f: &Function, mut frame: Box<Frame>) -> Value {
    let flags = f.code.flags;
    let kind = match (flags.is_generator, flags.is_coroutine) {
        (true, true) => GenKind::AsyncGenerator,
        (false, true) => GenKind::Coroutine,
        _ => GenKind::Generator,
    };
    frame.entry = Entry::Bottom;
    // Renamed functions (functools.wraps) keep their new names; others share the code's.
    let gen = Rc::new(Generator::named(
        kind,
        frame,
        &f.name.borrow(),
        &f.qualname.borrow(),
    ));
    super::gc::track_generator(&gen);
    // The generator's own frame refers back to it (cleared when it finishes).
    if let Some(fr) = gen.frames.borrow_mut().first_mut() {
        fr.generator = Some(Rc::downgrade(&gen));
    }
    Value::Generator(gen)
}

/// Fills the local slots from positional and keyword arguments with CPython's errors.
fn bind_args(
    f: &Function,
    slots: &mut [Value],
    mut args: Vec<Value>,
    kwargs: Vec<(Symbol, Value)>,
) -> PyResult<()> {
    let code = &f.code;
    let argcount = code.argcount as usize;
    let kwonly = code.kwonlyargcount as usize;
    let nargs = args.len();
    // Fast path: exact positional call.
    if nargs == argcount
        && kwargs.is_empty()
        && !code.flags.has_varargs
        && !code.flags.has_varkw
        && kwonly == 0
    {
        for (i, a) in args.into_iter().enumerate() {
            slots[i] = a;
        }
        return Ok(());
    }
    let name = f.qualname.borrow().clone();
    let mut varargs = Vec::new();
    if nargs > argcount {
        if code.flags.has_varargs {
            varargs = args.split_off(argcount);
        } else {
            let required = argcount - f.defaults.len().min(argcount);
            let given_kw = kwargs
                .iter()
                .filter(|(k, _)| code.varnames[..argcount + kwonly].contains(k))
                .count();
            let expected = if f.defaults.is_empty() {
                format!("{argcount}")
            } else {
                format!("from {required} to {argcount}")
            };
            let was = if nargs == 1 { "was" } else { "were" };
            let kw_part = if given_kw > 0 {
                format!(
                    " positional argument{} (and {} keyword-only argument{})",
                    if nargs == 1 { "" } else { "s" },
                    given_kw,
                    if given_kw == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            let takes = format!(
                "{}() takes {} positional argument{} but {} {}",
                name,
                expected,
                if argcount == 1 && f.defaults.is_empty() {
                    ""
                } else {
                    "s"
                },
                nargs,
                if kw_part.is_empty() {
                    was.to_string()
                } else {
                    format!("{}{}", kw_part.trim_start_matches(' '), " were")
                }
            );
            let takes = if kw_part.is_empty() {
                takes
            } else {
                format!(
                    "{}() takes {} positional argument{} but {} positional argument{} (and {} keyword-only argument{}) were given",
                    name,
                    expected,
                    if argcount == 1 && f.defaults.is_empty() { "" } else { "s" },
                    nargs,
                    if nargs == 1 { "" } else { "s" },
                    given_kw,
                    if given_kw == 1 { "" } else { "s" }
                )
            };
            let msg = if takes.ends_with("given") {
                takes
            } else {
                format!("{takes} given")
            };
            return Err(types::type_error(msg));
        }
    }
    for (i, a) in args.into_iter().enumerate() {
        slots[i] = a;
    }
    let mut extra_kw: Option<Dict> = if code.flags.has_varkw {
        Some(Dict::new())
    } else {
        None
    };
    let mut extra_kw_items: Vec<(Symbol, Value)> = Vec::new();
    let posonly = code.posonlyargcount as usize;
    for (k, v) in kwargs {
        let pos = code.varnames[posonly..argcount + kwonly]
            .iter()
            .position(|n| *n == k)
            .map(|p| p + posonly);
        match pos {
            Some(i) => {
                if !matches!(slots[i], Value::Undef) {
                    return Err(types::type_error(format!(
                        "{name}() got multiple values for argument '{k}'"
                    )));
                }
                slots[i] = v;
            }
            None => {
                if extra_kw.is_some() {
                    extra_kw_items.push((k, v));
                } else if code.varnames[..posonly].contains(&k) {
                    return Err(types::type_error(format!(
                        "{name}() got some positional-only arguments passed as keyword arguments: '{k}'"
                    )));
                } else {
                    return Err(types::type_error(format!(
                        "{name}() got an unexpected keyword argument '{k}'"
                    )));
                }
            }
        }
    }
    // Defaults for missing positionals.
    let ndefaults = f.defaults.len();
    let mut missing = Vec::new();
    for i in 0..argcount {
        if matches!(slots[i], Value::Undef) {
            if i + ndefaults >= argcount {
                slots[i] = f.defaults[i + ndefaults - argcount].clone();
            } else {
                missing.push(code.varnames[i]);
            }
        }
    }
    if !missing.is_empty() {
        return Err(types::type_error(missing_message(
            &name,
            &missing,
            "positional",
        )));
    }
    let mut missing_kw = Vec::new();
    for j in 0..kwonly {
        let i = argcount + j;
        if matches!(slots[i], Value::Undef) {
            match f.kwdefaults.get(j).cloned().flatten() {
                Some(d) => slots[i] = d,
                None => missing_kw.push(code.varnames[i]),
            }
        }
    }
    if !missing_kw.is_empty() {
        return Err(types::type_error(missing_message(
            &name,
            &missing_kw,
            "keyword-only",
        )));
    }
    let mut next = argcount + kwonly;
    if code.flags.has_varargs {
        slots[next] = Value::tuple(varargs);
        next += 1;
    }
    if let Some(mut d) = extra_kw.take() {
        for (k, v) in extra_kw_items {
            let key = Value::str(k.text().to_string());
            let hash = match &key {
                Value::Str(s) => s.hash(),
                _ => 0,
            };
            d.push_new(hash, key, v);
        }
        slots[next] = Value::dict(d);
    }
    Ok(())
}

fn missing_message(name: &str, missing: &[Symbol], kind: &str) -> String {
    let quoted: Vec<String> = missing.iter().map(|m| format!("'{m}'")).collect();
    let list = match quoted.len() {
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        _ => format!(
            "{}, and {}",
            quoted[..quoted.len() - 1].join(", "),
            quoted[quoted.len() - 1]
        ),
    };
    format!(
        "{}() missing {} required {} argument{}: {}",
        name,
        missing.len(),
        kind,
        if missing.len() == 1 { "" } else { "s" },
        list
    )
}

/// Calling a class: builtin constructors, or `__new__` (a script's own, or the native
/// one of a builtin base) and then `__init__` on the new instance.
fn instantiate(
    vm: &mut Vm,
    class: &Rc<crate::value::object::Class>,
    args: Vec<Value>,
    kwargs: Vec<(Symbol, Value)>,
) -> PyResult<Prepared> {
    if !class.is_user {
        // Builtin types construct through their native `__new__`.
        if class.layout != Layout::Exception {
            if let Some(Value::Builtin(ref b)) = class.lookup(sym::NEW) {
                let mut full = Vec::with_capacity(args.len() + 1);
                full.push(Value::Class(class.clone()));
                full.extend(args);
                return (b.func)(vm, &full, &kwargs).map(Prepared::Done);
            }
            if class.name != "object" {
                return Err(types::type_error(format!(
                    "cannot create '{}' instances",
                    class.name
                )));
            }
        }
    } else {
        let new = match class.lookup(sym::NEW) {
            Some(Value::Native(ref n)) => match &**n {
                Native::StaticMethod(f) => Some(f.clone()),
                // CPython reads `cls.__new__` through the descriptor protocol and calls
                // what it gets: a property gives itself, which is not callable.
                Native::Property { .. } => {
                    return Err(types::type_error("'property' object is not callable"))
                }
                _ => None,
            },
            other => other,
        };
        let scripted = matches!(new, Some(Value::Function(_)));
        if let Some(new) = new.filter(|_| scripted || class.layout == Layout::Native) {
            let mut full = Vec::with_capacity(args.len() + 1);
            full.push(Value::Class(class.clone()));
            full.extend(args.iter().cloned());
            let obj = vm.call_kw(&new, &full, &kwargs)?;
            if !types::is_instance_of(&obj, class) {
                return Ok(Prepared::Done(obj));
            }
            let obj_class = obj.class();
            return init_instance(vm, &obj_class, obj, args, kwargs);
        }
    }
    let class = &if class.layout == Layout::Exception
        && types::with_types(|t| class.is_subclass(&t.base_exception_group))
    {
        crate::stdlib::exc_group::check_new(vm, class, &args)?
    } else if (2..=5).contains(&args.len()) && types::with_types(|t| Rc::ptr_eq(class, &t.os_error))
    {
        // `OSError(errno, strerror, ...)` is the subclass its errno names.
        match &args[0] {
            Value::Int(errno) => crate::stdlib::os::errno_class(*errno),
            _ => class.clone(),
        }
    } else {
        class.clone()
    };
    let exc = if class.layout == Layout::Exception {
        Some(Box::new(RefCell::new(crate::value::object::ExcData {
            args: args.clone(),
            ..Default::default()
        })))
    } else {
        None
    };
    let obj = Rc::new(Instance {
        class: class.clone(),
        dict: Default::default(),
        exc,
        base: None,
    });
    super::gc::track_instance(&obj);
    let obj = Value::Instance(obj);
    init_instance(vm, class, obj, args, kwargs)
}

/// Runs `__init__` on a new instance; the call's value is the instance.
fn init_instance(
    vm: &mut Vm,
    class: &Rc<crate::value::object::Class>,
    obj: Value,
    args: Vec<Value>,
    kwargs: Vec<(Symbol, Value)>,
) -> PyResult<Prepared> {
    match class.lookup(sym::INIT) {
        Some(Value::Function(ref f)) => {
            let mut full = Vec::with_capacity(args.len() + 1);
            full.push(obj.clone());
            full.extend(args);
            match function_call(vm, f, full, kwargs)? {
                Prepared::Frame(mut frame) => {
                    frame.entry = Entry::Init(obj);
                    Ok(Prepared::Frame(frame))
                }
                Prepared::Done(_) => Err(types::type_error(
                    "__init__() should return None, not 'generator'",
                )),
            }
        }
        Some(init) => {
            let mut full = Vec::with_capacity(args.len() + 1);
            full.push(obj.clone());
            full.extend(args);
            vm.call_kw(&init, &full, &kwargs)?;
            Ok(Prepared::Done(obj))
        }
        None => {
            if (!args.is_empty() || !kwargs.is_empty()) && class.layout == Layout::Object {
                return Err(types::type_error(format!(
                    "{}() takes no arguments",
                    class.name
                )));
            }
            Ok(Prepared::Done(obj))
        }
    }
}
