//! The `sys` module: interpreter facts, the standard streams as objects with `write`,
//! and the exception being handled (`exc_info`, `exception`).

use super::builtins::arity;
use crate::value::object::{AttrMap, Class, Instance, Layout};
use crate::value::types::{self, new_class};
use crate::value::{Dict, PyResult, Symbol, Value};
use crate::vm::{ops, Vm};
use std::rc::Rc;

type Kw<'a> = &'a [(Symbol, Value)];

/// The `sys.version` string of the CPython release aio follows.
pub const VERSION: &str = "3.11.7 (main, Jan  1 2024, 00:00:00) [aio]";

thread_local! {
    /// The original `sys.stdout` and `sys.stderr` objects (print's fast path compares with them).
    static STREAMS: (Value, Value) = make_streams();
}

fn make_streams() -> (Value, Value) {
    let base = types::with_types(|t| t.object.clone());
    let class = new_class("TextIOWrapper", Some(&base), Layout::Object, false);
    let mut class = Rc::try_unwrap(class).unwrap_or_else(|_| unreachable!("fresh class"));
    class.module = "_io".to_string();
    let class: Rc<Class> = Rc::new(class);
    types::set_class_attr(&class, "write", Value::builtin("write", stream_write));
    types::set_class_attr(&class, "flush", Value::builtin("flush", stream_flush));
    types::set_class_attr(&class, "isatty", Value::builtin("isatty", stream_isatty));
    types::set_class_attr(
        &class,
        "writable",
        Value::builtin("writable", stream_writable),
    );
    types::set_class_attr(&class, "__repr__", Value::builtin("__repr__", stream_repr));
    let make = |name: &str| {
        let mut dict = AttrMap::default();
        dict.insert(Symbol::new("name"), Value::str(name));
        dict.insert(Symbol::new("mode"), Value::str("w"));
        dict.insert(Symbol::new("encoding"), Value::str("utf-8"));
        Value::instance(Instance {
            class: class.clone(),
            dict: crate::value::namespace::Namespace::from_map(dict),
            exc: None,
            base: None,
        })
    };
    (make("<stdout>"), make("<stderr>"))
}

/// The original stdout and stderr stream objects.
pub fn std_streams() -> (Value, Value) {
    STREAMS.with(|s| s.clone())
}

/// Which standard stream a stream object writes to: Some(true) for stderr.
fn stream_kind(v: &Value) -> Option<bool> {
    STREAMS.with(|(out, err)| {
        if v.is(out) {
            Some(false)
        } else if v.is(err) {
            Some(true)
        } else {
            None
        }
    })
}

/// Writes text to a file-like object: the process streams directly, anything else
/// through its `write` method.
pub fn write_to(vm: &mut Vm, file: &Value, text: &str) -> PyResult<()> {
    match stream_kind(file) {
        Some(false) => vm.stdout.write_str(text),
        Some(true) => {
            vm.stdout.flush();
            vm.stderr.write_str(text);
        }
        None => {
            let write = ops::getattr(vm, file, Symbol::new("write"))?;
            vm.call(&write, &[Value::str(text)])?;
        }
    }
    write_error(vm)
}

/// Raises the error of a failed write to the process's stdout (a closed pipe).
fn write_error(vm: &mut Vm) -> PyResult<()> {
    match vm.stdout.take_error() {
        Some(e) => Err(super::os::os_error(&e, None)),
        None => Ok(()),
    }
}

/// Flushes a file-like object.
pub fn flush(vm: &mut Vm, file: &Value) -> PyResult<()> {
    match stream_kind(file) {
        Some(false) => vm.stdout.flush(),
        Some(true) => vm.stderr.flush(),
        None => {
            let f = ops::getattr(vm, file, Symbol::new("flush"))?;
            vm.call(&f, &[])?;
        }
    }
    write_error(vm)
}

/// The object `print()` writes to by default: the current `sys.stdout`.
pub fn current_stdout(vm: &mut Vm) -> Value {
    let sys = vm.modules.borrow().get("sys").cloned();
    if let Some(Value::Module(ref m)) = sys {
        if let Some(v) = m.globals.get(&Symbol::new("stdout")) {
            return v;
        }
    }
    std_streams().0
}

/// The object tracebacks and `print(file=sys.stderr)` go to: the current `sys.stderr`.
pub fn current_stderr(vm: &mut Vm) -> Value {
    let sys = vm.modules.borrow().get("sys").cloned();
    if let Some(Value::Module(ref m)) = sys {
        if let Some(v) = m.globals.get(&Symbol::new("stderr")) {
            return v;
        }
    }
    std_streams().1
}

fn stream_write(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("write", args, 2, 2)?;
    let Value::Str(s) = &args[1] else {
        return Err(types::type_error(format!(
            "write() argument must be str, not {}",
            args[1].type_name()
        )));
    };
    let n = s.char_len as i64;
    let text = s.text.clone();
    write_to(vm, &args[0], &text)?;
    Ok(Value::Int(n))
}

fn stream_flush(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("flush", args, 1, 1)?;
    flush(vm, &args[0])?;
    Ok(Value::None)
}

fn stream_isatty(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("isatty", args, 1, 1)?;
    Ok(Value::Bool(false))
}

fn stream_writable(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("writable", args, 1, 1)?;
    Ok(Value::Bool(true))
}

fn stream_repr(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("__repr__", args, 1, 1)?;
    let name = ops::getattr(vm, &args[0], Symbol::new("name"))?;
    let name = ops::repr(vm, &name)?;
    Ok(Value::str(format!(
        "<_io.TextIOWrapper name={name} mode='w' encoding='utf-8'>"
    )))
}

/// `sys.version_info`: a record that is also a tuple, made by library code written in
/// aio (comparisons need script dunders).
fn version_info(vm: &mut Vm) -> Value {
    let made = super::import_module(vm, "_sysinfo")
        .and_then(|m| ops::getattr(vm, &m, Symbol::new("version_info")));
    made.unwrap_or_else(|_| {
        Value::tuple(vec![
            Value::Int(3),
            Value::Int(11),
            Value::Int(7),
            Value::str("final"),
            Value::Int(0),
        ])
    })
}

/// The exception being handled where the running native was called from.
pub fn handled_exception(vm: &Vm) -> Option<Value> {
    vm.native_handled.clone()
}

fn exc_info(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("exc_info", args, 0, 0)?;
    Ok(match handled_exception(vm) {
        Some(e) => {
            let tb = crate::stdlib::tbobj::traceback_of(&e);
            Value::tuple(vec![Value::Class(e.class()), e, tb])
        }
        None => Value::tuple(vec![Value::None, Value::None, Value::None]),
    })
}

fn exception(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("exception", args, 0, 0)?;
    Ok(handled_exception(vm).unwrap_or(Value::None))
}

fn intern(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("intern", args, 1, 1)?;
    match &args[0] {
        Value::Str(_) => Ok(args[0].clone()),
        other => Err(types::type_error(format!(
            "intern() argument must be str, not {}",
            other.type_name()
        ))),
    }
}

/// Keeps `sys.modules` in step with the interpreter's module table.
pub fn note_module(vm: &mut Vm, name: &str, module: Option<&Value>) {
    let sys = vm.modules.borrow().get("sys").cloned();
    let Some(Value::Module(ref m)) = sys else {
        return;
    };
    let table = m.globals.get(&Symbol::new("modules"));
    if let Some(Value::Dict(ref d)) = table {
        let key = Value::str(name);
        let hash = match &key {
            Value::Str(s) => s.hash(),
            _ => 0,
        };
        let found = d.borrow().find(hash, |k| k.as_str() == Some(name));
        match (found, module) {
            (Some(i), Some(v)) => d.borrow_mut().set_value_at(i, v.clone()),
            (None, Some(v)) => d.borrow_mut().push_new(hash, key, v.clone()),
            (Some(i), None) => {
                d.borrow_mut().remove_at(i);
            }
            (None, None) => {}
        }
    }
}

/// Builds the `sys` module.
pub fn module(vm: &mut Vm) -> Value {
    let m = super::new_module("sys");
    let (stdout, stderr) = std_streams();
    let mut modules = Dict::new();
    for (name, v) in vm.modules.borrow().iter() {
        let key = Value::str(name.clone());
        let hash = match &key {
            Value::Str(s) => s.hash(),
            _ => 0,
        };
        modules.push_new(hash, key, v.clone());
    }
    let modules = Value::dict(modules);
    let version_info = version_info(vm);
    {
        let g = &m.globals;
        let set = |name: &str, v: Value| {
            g.insert(Symbol::new(name), v);
        };
        set("__name__", Value::str("sys"));
        set(
            "argv",
            Value::list(vm.argv.iter().map(|a| Value::str(a.clone())).collect()),
        );
        set("maxsize", Value::Int(i64::MAX));
        set(
            "byteorder",
            Value::str(if cfg!(target_endian = "little") {
                "little"
            } else {
                "big"
            }),
        );
        set("platform", Value::str("linux"));
        set("version", Value::str(VERSION));
        set("hexversion", Value::Int(0x030b07f0));
        set("version_info", version_info);
        set("stdout", stdout.clone());
        set("stderr", stderr.clone());
        set("__stdout__", stdout);
        set("__stderr__", stderr);
        set("modules", modules);
        set("path", Value::list(Vec::new()));
        set("exit", Value::builtin("exit", super::builtins::sys_exit));
        set(
            "getrecursionlimit",
            Value::builtin("getrecursionlimit", super::builtins::sys_getrecursionlimit),
        );
        set(
            "setrecursionlimit",
            Value::builtin("setrecursionlimit", super::builtins::sys_setrecursionlimit),
        );
        set("exc_info", Value::builtin("exc_info", exc_info));
        set("exception", Value::builtin("exception", exception));
        set("intern", Value::builtin("intern", intern));
    }
    Value::Module(m)
}
