//! The standard library: builtins and modules, one file per module.

pub mod aioutil;
pub mod async_gen;
pub mod asyncio;
pub mod builtins;
pub mod contextvars;
pub mod deque;
pub mod exc_group;
pub mod files;
pub mod format;
pub mod frames;
pub mod gc;
pub mod generators;
pub mod io;
pub mod itertools;
pub mod json;
mod lazy_defs;
pub mod math;
pub mod operator;
pub mod os;
pub mod percent;
pub mod pylib;
mod random;
pub mod random_core;
mod shutil;
#[cfg(unix)]
pub mod signal;
pub mod streams;
pub mod suggest;
pub mod sys;
pub mod tbobj;
pub mod threads;
pub(crate) mod time;
pub mod traceback;
pub mod types;

use crate::value::object::Module;
use crate::value::types as vtypes;
use crate::value::{PyResult, Symbol, Value};
use crate::vm::generator::Generator;
use crate::vm::Vm;
use std::rc::Rc;

/// A new empty module.
pub fn new_module(name: &str) -> Rc<Module> {
    Rc::new(Module {
        name: name.to_string(),
        file: None,
        globals: Default::default(),
    })
}

/// `import name`: builtin modules, then `name.aio` beside the main script.
pub fn import_module(vm: &mut Vm, name: &str) -> PyResult<Value> {
    if let Some(m) = vm.modules.borrow().get(name) {
        return Ok(m.clone());
    }
    // A submodule needs its parent first (importing `os` also makes `os.path`).
    if let Some((parent, _)) = name.rsplit_once('.') {
        let loaded = import_module(vm, parent);
        if let Some(m) = vm.modules.borrow().get(name) {
            return Ok(m.clone());
        }
        if let Err(e) = loaded {
            if !vtypes::exc_is(&e, |t| &t.module_not_found_error) {
                return Err(e);
            }
        }
    }
    let module = match name {
        "asyncio" => Some(asyncio::module(vm)?),
        "asyncio.streams" => return asyncio::streams_module(vm),
        "sys" => Some(sys::module(vm)),
        "math" => Some(math::module(vm)),
        "gc" => Some(gc::module(vm)),
        "json" => Some(json::module(vm)),
        "os" => Some(os::module(vm)),
        "operator" => Some(operator::module(vm)),
        "itertools" => Some(itertools::module(vm)),
        "traceback" => Some(traceback::module(vm)),
        "random" => Some(random::module(vm)),
        "time" => Some(time::module(vm)),
        "io" => Some(files::io_module(vm)),
        "shutil" => Some(shutil::module(vm)),
        #[cfg(unix)]
        "signal" => Some(signal::module(vm)),
        "_aio" => Some(aioutil::module(vm)),
        "_collections" => Some(deque::module(vm)),
        "contextvars" | "_contextvars" => Some(contextvars::module(vm)),
        _ => None,
    };
    if let Some(m) = module {
        register_module(vm, name, m.clone());
        return Ok(m);
    }
    // Modules written in aio itself, compiled into the binary.
    if let Some(text) = pylib::source(name) {
        let filename = format!("<aio {name}>");
        let m = load_source_module(vm, name, filename, text.to_string())?;
        // A submodule is an attribute of its package.
        if let Some((parent, child)) = name.rsplit_once('.') {
            if let Some(Value::Module(p)) = vm.modules.borrow().get(parent) {
                p.globals.insert(Symbol::new(child), m.clone());
            }
        }
        return Ok(m);
    }
    // A sibling .aio file.
    if let Some(dir) = vm.script_dir.clone() {
        let path = dir.join(format!("{}.aio", name.replace('.', "/")));
        if crate::vm::sandbox::active(vm) && path.is_file() {
            crate::vm::sandbox::check_path(
                vm,
                "import",
                &path.to_string_lossy(),
                crate::vm::sandbox::Access::Read,
            )?;
        }
        if let Ok(text) = std::fs::read_to_string(&path) {
            let filename = path.to_string_lossy().to_string();
            return load_source_module(vm, name, filename, text);
        }
    }
    let e = vtypes::module_not_found_error(format!("No module named '{name}'"));
    if let Value::Instance(i) = &e {
        i.dict.insert(Symbol::new("name"), Value::str(name));
    }
    Err(e)
}

/// Records a loaded module (the import table and `sys.modules`).
pub fn register_module(vm: &mut Vm, name: &str, m: Value) {
    vm.modules.borrow_mut().insert(name.to_string(), m.clone());
    sys::note_module(vm, name, Some(&m));
}

/// Parses and compiles a library module's source, keeping the source for tracebacks.
fn compile_source(
    vm: &mut Vm,
    filename: String,
    text: String,
) -> PyResult<Rc<crate::bytecode::Code>> {
    let src = Rc::new(crate::source::SourceFile::new(filename.clone(), text));
    let ast = crate::parser::parse_module(&src).map_err(|e| {
        vtypes::exc(
            |t| &t.syntax_error,
            format!("{} ({}, line {})", e.msg, filename, e.line(&src)),
        )
    })?;
    let code = crate::compiler::compile_module(&ast, &src, crate::compiler::Mode::File)
        .map_err(|e| vtypes::exc(|t| &t.syntax_error, e.msg))?;
    vm.sources.insert(filename, src);
    Ok(code)
}

/// Compiles `text` and runs it in the namespace of the existing module `m`
/// (a part of a module loaded after the rest, see `asyncio::lazy_attr`).
fn run_source_in(vm: &mut Vm, m: &Rc<Module>, filename: String, text: String) -> PyResult<()> {
    let code = compile_source(vm, filename, text)?;
    vm.run_module(code, m.clone())?;
    Ok(())
}

/// A name a module does not (yet) have: asks the module's lazily loaded
/// parts (`None` when no part defines it).
pub fn lazy_module_attr(vm: &mut Vm, m: &Rc<Module>, name: Symbol) -> PyResult<Option<Value>> {
    if let Some(v) = lazy_defs::lookup(vm, m, name)? {
        return Ok(Some(v));
    }
    asyncio::lazy_attr(vm, m, name)
}

/// Loads every lazily loaded part of a module (its whole namespace is read).
pub fn load_lazy_parts(vm: &mut Vm, m: &Rc<Module>) -> PyResult<()> {
    lazy_defs::load_all(vm, m)?;
    asyncio::load_lazy_parts(vm, m)
}

/// A global read that found nothing in the module or the builtins: the
/// module's deferred definitions may hold it (see lazy_defs).
pub fn lazy_global(vm: &mut Vm, m: &Rc<Module>, name: Symbol) -> PyResult<Option<Value>> {
    lazy_defs::lookup(vm, m, name)
}

/// Compiles and runs a module's source in a fresh module object, registered before it runs
/// (so circular imports see the partly initialized module, as in Python).
fn load_source_module(vm: &mut Vm, name: &str, filename: String, text: String) -> PyResult<Value> {
    let code = compile_source(vm, filename.clone(), text)?;
    let m = new_module(name);
    m.globals.insert(Symbol::new("__name__"), Value::str(name));
    m.globals
        .insert(Symbol::new("__file__"), Value::str(filename));
    let mv = Value::Module(m.clone());
    register_module(vm, name, mv.clone());
    if let Err(e) = vm.run_module(code, m) {
        vm.modules.borrow_mut().shift_remove(name);
        sys::note_module(vm, name, None);
        return Err(e);
    }
    Ok(mv)
}

/// Native awaitables: futures and tasks are awaited directly.
pub fn awaitable_of(_vm: &mut Vm, v: &Value) -> PyResult<Option<Value>> {
    if let Value::Native(n) = v {
        if let crate::value::object::Native::AsyncGenOp(_) = &**n {
            return Ok(Some(v.clone()));
        }
    }
    Ok(crate::runtime::future::future_of(v).map(|_| v.clone()))
}

/// `__anext__` of an async generator: arrives with the async runtime.
pub fn async_gen_anext(_vm: &mut Vm, g: &Rc<Generator>) -> PyResult<Value> {
    Ok(async_gen::anext(g))
}
