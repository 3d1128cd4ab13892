//! The `shutil` module: `rmtree` and `copyfile` (enough for scripts that clean up
//! the temporary directories they make).

use super::builtins::arity;
use super::os::os_error;
use crate::value::{types, PyResult, Symbol, Value};
use crate::vm::Vm;

type Kw<'a> = &'a [(Symbol, Value)];

fn str_arg(v: &Value) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.text.clone()),
        other => Err(types::type_error(format!(
            "expected str, bytes or os.PathLike object, not {}",
            other.type_name()
        ))),
    }
}

/// `shutil.rmtree(path, ignore_errors=False)`: removes a directory tree without
/// following symbolic links.
fn rmtree(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("rmtree", args, 1, 2)?;
    let path = str_arg(&args[0])?;
    let ignore = match args.get(1).or_else(|| {
        kwargs
            .iter()
            .find(|(k, _)| k.with(|s| s == "ignore_errors"))
            .map(|(_, v)| v)
    }) {
        Some(v) => crate::vm::ops::truthy(vm, v)?,
        None => false,
    };
    crate::vm::sandbox::check_path(
        vm,
        "shutil.rmtree",
        &path,
        crate::vm::sandbox::Access::Write,
    )?;
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => {
            if ignore {
                return Ok(Value::None);
            }
            return Err(types::exc(
                |t| &t.os_error,
                "Cannot call rmtree on a symbolic link",
            ));
        }
        _ => {}
    }
    match std::fs::remove_dir_all(&path) {
        Ok(()) => Ok(Value::None),
        Err(_) if ignore => Ok(Value::None),
        Err(e) => Err(os_error(&e, Some(&path))),
    }
}

/// `shutil.copyfile(src, dst)`.
fn copyfile(vm: &mut Vm, args: &[Value], _kwargs: Kw) -> PyResult<Value> {
    arity("copyfile", args, 2, 2)?;
    let src = str_arg(&args[0])?;
    let dst = str_arg(&args[1])?;
    {
        use crate::vm::sandbox::{check_path, Access};
        check_path(vm, "shutil.copyfile", &src, Access::Read)?;
        check_path(vm, "shutil.copyfile", &dst, Access::Write)?;
    }
    if std::fs::metadata(&src).is_err() {
        let e = std::io::Error::from_raw_os_error(2);
        return Err(os_error(&e, Some(&src)));
    }
    std::fs::copy(&src, &dst).map_err(|e| os_error(&e, Some(&dst)))?;
    Ok(args[1].clone())
}

/// Builds `shutil`.
pub fn module(_vm: &mut Vm) -> Value {
    let m = super::new_module("shutil");
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("shutil"));
        g.insert(Symbol::new("rmtree"), Value::builtin("rmtree", rmtree));
        g.insert(
            Symbol::new("copyfile"),
            Value::builtin("copyfile", copyfile),
        );
    }
    Value::Module(m)
}
