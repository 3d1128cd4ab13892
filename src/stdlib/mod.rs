//! The standard library: builtins and modules, one file per module.

pub mod asyncio;
pub mod builtins;
mod builtins_types;
pub mod exc_group;
pub mod format;
pub mod io;
pub mod percent;
pub mod pylib;
pub mod suggest;

use crate::value::object::{AttrMap, Module};
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::generator::Generator;
use crate::vm::Vm;
use std::cell::RefCell;
use std::rc::Rc;

/// A new empty module.
pub fn new_module(name: &str) -> Rc<Module> {
    Rc::new(Module { name: name.to_string(), file: None, globals: RefCell::new(AttrMap::default()) })
}

/// `import name`: builtin modules, then `name.aio` beside the main script.
pub fn import_module(vm: &mut Vm, name: &str) -> PyResult<Value> {
    if let Some(m) = vm.modules.borrow().get(name) {
        return Ok(m.clone());
    }
    let module = match name {
        "sys" => Some(sys_module(vm)),
        "asyncio" => Some(asyncio::module(vm)?),
        _ => None,
    };
    if let Some(m) = module {
        vm.modules.borrow_mut().insert(name.to_string(), m.clone());
        return Ok(m);
    }
    // Modules written in aio itself, compiled into the binary.
    if let Some(text) = pylib::source(name) {
        let filename = format!("<aio {name}>");
        return load_source_module(vm, name, filename, text.to_string());
    }
    // A sibling .aio file.
    if let Some(dir) = vm.script_dir.clone() {
        let path = dir.join(format!("{}.aio", name.replace('.', "/")));
        if let Ok(text) = std::fs::read_to_string(&path) {
            let filename = path.to_string_lossy().to_string();
            return load_source_module(vm, name, filename, text);
        }
    }
    let e = types::module_not_found_error(format!("No module named '{name}'"));
    Err(e)
}

/// Compiles and runs a module's source in a fresh module object, registered before it runs
/// (so circular imports see the partly initialized module, as in Python).
fn load_source_module(vm: &mut Vm, name: &str, filename: String, text: String) -> PyResult<Value> {
    {
        {
            let src = Rc::new(crate::source::SourceFile::new(filename.clone(), text));
            let ast = crate::parser::parse_module(&src).map_err(|e| {
                types::exc(|t| &t.syntax_error, format!("{} ({}, line {})", e.msg, filename, e.line(&src)))
            })?;
            let code = crate::compiler::compile_module(&ast, &src, crate::compiler::Mode::File)
                .map_err(|e| types::exc(|t| &t.syntax_error, e.msg))?;
            vm.sources.insert(filename.clone(), src);
            let m = new_module(name);
            m.globals.borrow_mut().insert(Symbol::new("__name__"), Value::str(name));
            m.globals.borrow_mut().insert(Symbol::new("__file__"), Value::str(filename));
            let mv = Value::Module(m.clone());
            vm.modules.borrow_mut().insert(name.to_string(), mv.clone());
            if let Err(e) = vm.run_module(code, m) {
                vm.modules.borrow_mut().shift_remove(name);
                return Err(e);
            }
            Ok(mv)
        }
    }
}

fn sys_module(vm: &mut Vm) -> Value {
    let m = new_module("sys");
    {
        let mut g = m.globals.borrow_mut();
        g.insert(Symbol::new("argv"), Value::list(vm.argv.iter().map(|a| Value::str(a.clone())).collect()));
        g.insert(Symbol::new("maxsize"), Value::Int(i64::MAX));
        g.insert(Symbol::new("exit"), Value::builtin("exit", builtins::sys_exit));
        g.insert(Symbol::new("getrecursionlimit"), Value::builtin("getrecursionlimit", builtins::sys_getrecursionlimit));
        g.insert(Symbol::new("setrecursionlimit"), Value::builtin("setrecursionlimit", builtins::sys_setrecursionlimit));
        g.insert(Symbol::new("platform"), Value::str("linux"));
        g.insert(
            Symbol::new("version_info"),
            Value::tuple(vec![Value::Int(3), Value::Int(11), Value::Int(0), Value::str("final"), Value::Int(0)]),
        );
    }
    Value::Module(m)
}

/// Native awaitables: futures, tasks and async generator steps are awaited directly.
pub fn awaitable_of(_vm: &mut Vm, v: &Value) -> PyResult<Option<Value>> {
    if let Value::Native(n) = v {
        if let crate::value::object::Native::AsyncGenStep(..) = &**n {
            return Ok(Some(v.clone()));
        }
    }
    Ok(crate::runtime::future::future_of(v).map(|_| v.clone()))
}

/// `__anext__` of an async generator: the awaitable that runs it to its next yield.
pub fn async_gen_anext(_vm: &mut Vm, g: &Rc<Generator>) -> PyResult<Value> {
    Ok(async_gen_step(g, crate::vm::generator::AsyncGenOp::Send(Value::None)))
}

/// An awaitable step of an async generator.
pub fn async_gen_step(g: &Rc<Generator>, op: crate::vm::generator::AsyncGenOp) -> Value {
    Value::native(crate::value::object::Native::AsyncGenStep(g.clone(), RefCell::new(Some(op))))
}
