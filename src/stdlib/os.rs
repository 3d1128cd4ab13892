//! The `os` module (environment, process and directory basics) and its `os.path`
//! submodule with posixpath's string semantics.

use super::builtins::arity;
use crate::value::{types, Dict, PyResult, Symbol, Value};
use crate::vm::{ops, Vm};

type Kw<'a> = &'a [(Symbol, Value)];

fn kwarg<'a>(kwargs: Kw<'a>, name: &str) -> Option<&'a Value> {
    kwargs
        .iter()
        .find(|(k, _)| k.with(|s| s == name))
        .map(|(_, v)| v)
}

/// A path argument: str only (bytes paths are not supported).
fn path_arg(v: &Value, func: &str) -> PyResult<String> {
    match v {
        Value::Str(s) => Ok(s.text.clone()),
        other => {
            let _ = func;
            Err(types::type_error(format!(
                "expected str, bytes or os.PathLike object, not {}",
                other.type_name()
            )))
        }
    }
}

/// An OSError subclass for an io::Error, with errno, strerror and filename set.
pub fn os_error(e: &std::io::Error, filename: Option<&str>) -> Value {
    use std::io::ErrorKind;
    let errno = e.raw_os_error().unwrap_or(0);
    let strerror = match errno {
        2 => "No such file or directory".to_string(),
        13 => "Permission denied".to_string(),
        17 => "File exists".to_string(),
        20 => "Not a directory".to_string(),
        21 => "Is a directory".to_string(),
        39 => "Directory not empty".to_string(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    };
    let class = match (errno, e.kind()) {
        (0, ErrorKind::NotFound) => errno_class(2),
        (0, ErrorKind::PermissionDenied) => errno_class(13),
        (0, ErrorKind::AlreadyExists) => errno_class(17),
        _ => errno_class(errno as i64),
    };
    let exc = types::new_exception(
        &class,
        vec![Value::Int(errno as i64), Value::str(strerror.clone())],
    );
    if let Value::Instance(i) = &exc {
        let d = &i.dict;
        d.insert(Symbol::new("errno"), Value::Int(errno as i64));
        d.insert(Symbol::new("strerror"), Value::str(strerror));
        d.insert(
            Symbol::new("filename"),
            filename.map(Value::str).unwrap_or(Value::None),
        );
    }
    exc
}

/// The OSError subclass CPython picks for an errno (`OSError(2, ...)` is a
/// FileNotFoundError).
pub fn errno_class(errno: i64) -> std::rc::Rc<crate::value::object::Class> {
    types::with_types(|t| {
        match errno {
            11 | 114 | 115 => &t.blocking_io_error,
            10 => &t.child_process_error,
            32 | 108 => &t.broken_pipe_error,
            103 => &t.connection_aborted_error,
            111 => &t.connection_refused_error,
            104 => &t.connection_reset_error,
            17 => &t.file_exists_error,
            2 => &t.file_not_found_error,
            21 => &t.is_a_directory_error,
            20 => &t.not_a_directory_error,
            4 => &t.interrupted_error,
            1 | 13 => &t.permission_error,
            3 => &t.process_lookup_error,
            110 => &t.timeout_error,
            _ => &t.os_error,
        }
        .clone()
    })
}

fn environ_of(vm: &mut Vm) -> Option<Value> {
    let os = vm.modules.borrow().get("os").cloned();
    match os {
        Some(Value::Module(ref m)) => m.globals.get(&Symbol::new("environ")),
        _ => None,
    }
}

fn getenv(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    let key = args.first().or_else(|| kwarg(kwargs, "key"));
    let default = args
        .get(1)
        .or_else(|| kwarg(kwargs, "default"))
        .cloned()
        .unwrap_or(Value::None);
    let Some(key) = key.cloned() else {
        return Err(types::type_error(
            "getenv() missing 1 required positional argument: 'key'",
        ));
    };
    if args.len() > 2 {
        return Err(types::type_error(format!(
            "getenv() takes from 1 to 2 positional arguments but {} were given",
            args.len()
        )));
    }
    if !matches!(key, Value::Str(_)) {
        return Err(types::type_error(format!(
            "str expected, not {}",
            key.type_name()
        )));
    }
    crate::vm::sandbox::check_other(vm, "os.getenv", "the environment")?;
    match environ_of(vm) {
        Some(Value::Dict(ref d)) => Ok(ops::dict_get(vm, d, &key)?.unwrap_or(default)),
        Some(env) => match ops::getitem(vm, &env, &key) {
            Ok(v) => Ok(v),
            Err(e) if types::exc_is(&e, |t| &t.key_error) => Ok(default),
            Err(e) => Err(e),
        },
        None => Ok(std::env::var(key.as_str().unwrap_or(""))
            .map(Value::str)
            .unwrap_or(default)),
    }
}

fn getpid(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("getpid", args, 0, 0)?;
    Ok(Value::Int(std::process::id() as i64))
}

fn getcwd(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("getcwd", args, 0, 0)?;
    crate::vm::sandbox::check_other(vm, "os.getcwd", "the working directory")?;
    match std::env::current_dir() {
        Ok(p) => Ok(Value::str(p.to_string_lossy().to_string())),
        Err(e) => Err(os_error(&e, None)),
    }
}

fn chdir(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("chdir", args, 1, 1)?;
    crate::vm::sandbox::check_other(vm, "os.chdir", "the working directory")?;
    let p = path_arg(&args[0], "chdir")?;
    std::env::set_current_dir(&p).map_err(|e| os_error(&e, Some(&p)))?;
    Ok(Value::None)
}

fn cpu_count(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("cpu_count", args, 0, 0)?;
    Ok(match std::thread::available_parallelism() {
        Ok(n) => Value::Int(n.get() as i64),
        Err(_) => Value::None,
    })
}

fn listdir(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("listdir", args, 0, 1)?;
    let p = match args.first().or_else(|| kwarg(kwargs, "path")) {
        Some(Value::None) | None => ".".to_string(),
        Some(v) => path_arg(v, "listdir")?,
    };
    crate::vm::sandbox::check_path(vm, "os.listdir", &p, crate::vm::sandbox::Access::Read)?;
    let rd = std::fs::read_dir(&p).map_err(|e| os_error(&e, Some(&p)))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| os_error(&e, Some(&p)))?;
        out.push(Value::str(entry.file_name().to_string_lossy().to_string()));
    }
    Ok(Value::list(out))
}

fn mkdir(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("mkdir", args, 1, 2)?;
    let p = path_arg(&args[0], "mkdir")?;
    crate::vm::sandbox::check_path(vm, "os.mkdir", &p, crate::vm::sandbox::Access::Write)?;
    std::fs::create_dir(&p).map_err(|e| os_error(&e, Some(&p)))?;
    Ok(Value::None)
}

fn makedirs(vm: &mut Vm, args: &[Value], kwargs: Kw) -> PyResult<Value> {
    arity("makedirs", args, 1, 3)?;
    let p = path_arg(&args[0], "makedirs")?;
    crate::vm::sandbox::check_path(vm, "os.makedirs", &p, crate::vm::sandbox::Access::Write)?;
    let exist_ok = match args.get(2).or_else(|| kwarg(kwargs, "exist_ok")) {
        Some(v) => ops::truthy(vm, v)?,
        None => false,
    };
    if std::path::Path::new(&p).is_dir() {
        if exist_ok {
            return Ok(Value::None);
        }
        let e = std::io::Error::from_raw_os_error(17);
        return Err(os_error(&e, Some(&p)));
    }
    std::fs::create_dir_all(&p).map_err(|e| os_error(&e, Some(&p)))?;
    Ok(Value::None)
}

fn remove(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("remove", args, 1, 1)?;
    let p = path_arg(&args[0], "remove")?;
    crate::vm::sandbox::check_path(vm, "os.remove", &p, crate::vm::sandbox::Access::Write)?;
    std::fs::remove_file(&p).map_err(|e| os_error(&e, Some(&p)))?;
    Ok(Value::None)
}

fn rmdir(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("rmdir", args, 1, 1)?;
    let p = path_arg(&args[0], "rmdir")?;
    crate::vm::sandbox::check_path(vm, "os.rmdir", &p, crate::vm::sandbox::Access::Write)?;
    std::fs::remove_dir(&p).map_err(|e| os_error(&e, Some(&p)))?;
    Ok(Value::None)
}

fn rename(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    arity("rename", args, 2, 2)?;
    let a = path_arg(&args[0], "rename")?;
    let b = path_arg(&args[1], "rename")?;
    crate::vm::sandbox::check_path(vm, "os.rename", &a, crate::vm::sandbox::Access::Write)?;
    crate::vm::sandbox::check_path(vm, "os.rename", &b, crate::vm::sandbox::Access::Write)?;
    std::fs::rename(&a, &b).map_err(|e| os_error(&e, Some(&a)))?;
    Ok(Value::None)
}

// ---- os.path ----

fn path_join(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    if args.is_empty() {
        return Err(types::type_error(
            "join() missing 1 required positional argument: 'a'",
        ));
    }
    let join_arg = |v: &Value| match v {
        Value::Str(s) => Ok(s.text.clone()),
        other => Err(types::type_error(format!(
            "join() argument must be str, bytes, or os.PathLike object, not '{}'",
            other.type_name()
        ))),
    };
    let mut path = join_arg(&args[0])?;
    for b in &args[1..] {
        let b = join_arg(b)?;
        if b.starts_with('/') {
            path = b;
        } else if path.is_empty() || path.ends_with('/') {
            path.push_str(&b);
        } else {
            path.push('/');
            path.push_str(&b);
        }
    }
    Ok(Value::str(path))
}

fn split_path(p: &str) -> (String, String) {
    let i = p.rfind('/').map(|i| i + 1).unwrap_or(0);
    let (head, tail) = p.split_at(i);
    let mut head = head.to_string();
    if !head.is_empty() && head.chars().any(|c| c != '/') {
        head = head.trim_end_matches('/').to_string();
    }
    (head, tail.to_string())
}

fn one_path(name: &str, args: &[Value]) -> PyResult<String> {
    arity(name, args, 1, 1)?;
    path_arg(&args[0], name)
}

fn path_split(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("split", args)?;
    let (h, t) = split_path(&p);
    Ok(Value::tuple(vec![Value::str(h), Value::str(t)]))
}

fn path_basename(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("basename", args)?;
    Ok(Value::str(split_path(&p).1))
}

fn path_dirname(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("dirname", args)?;
    Ok(Value::str(split_path(&p).0))
}

fn splitext(p: &str) -> (String, String) {
    let chars: Vec<char> = p.chars().collect();
    let sep = chars
        .iter()
        .rposition(|c| *c == '/')
        .map(|i| i as i64)
        .unwrap_or(-1);
    let dot = chars
        .iter()
        .rposition(|c| *c == '.')
        .map(|i| i as i64)
        .unwrap_or(-1);
    if dot > sep {
        let mut f = (sep + 1) as usize;
        while (f as i64) < dot {
            if chars[f] != '.' {
                let d = dot as usize;
                return (chars[..d].iter().collect(), chars[d..].iter().collect());
            }
            f += 1;
        }
    }
    (p.to_string(), String::new())
}

fn path_splitext(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("splitext", args)?;
    let (a, b) = splitext(&p);
    Ok(Value::tuple(vec![Value::str(a), Value::str(b)]))
}

/// posixpath.normpath.
pub fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".into();
    }
    let mut initial = if path.starts_with('/') { 1 } else { 0 };
    if initial == 1 && path.starts_with("//") && !path.starts_with("///") {
        initial = 2;
    }
    let mut comps: Vec<&str> = Vec::new();
    for comp in path.split('/') {
        if comp.is_empty() || comp == "." {
            continue;
        }
        if comp != ".." || (initial == 0 && comps.is_empty()) || comps.last() == Some(&"..") {
            comps.push(comp);
        } else if !comps.is_empty() {
            comps.pop();
        }
    }
    let mut out = "/".repeat(initial);
    out.push_str(&comps.join("/"));
    if out.is_empty() {
        ".".into()
    } else {
        out
    }
}

fn path_normpath(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("normpath", args)?;
    Ok(Value::str(normpath(&p)))
}

fn abspath(p: &str) -> PyResult<String> {
    if p.starts_with('/') {
        return Ok(normpath(p));
    }
    let cwd = std::env::current_dir().map_err(|e| os_error(&e, None))?;
    let cwd = cwd.to_string_lossy().to_string();
    let joined = if cwd.ends_with('/') {
        format!("{cwd}{p}")
    } else {
        format!("{cwd}/{p}")
    };
    Ok(normpath(&joined))
}

fn path_abspath(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("abspath", args)?;
    Ok(Value::str(abspath(&p)?))
}

fn path_realpath(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("realpath", args)?;
    crate::vm::sandbox::check_path(vm, "os.path.realpath", &p, crate::vm::sandbox::Access::Read)?;
    match std::fs::canonicalize(&p) {
        Ok(r) => Ok(Value::str(r.to_string_lossy().to_string())),
        Err(_) => Ok(Value::str(abspath(&p)?)),
    }
}

fn path_isabs(_vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("isabs", args)?;
    Ok(Value::Bool(p.starts_with('/')))
}

fn stat_check(
    vm: &Vm,
    args: &[Value],
    name: &str,
    f: fn(&std::fs::Metadata) -> bool,
) -> PyResult<Value> {
    arity(name, args, 1, 1)?;
    let Value::Str(p) = &args[0] else {
        if args[0].is_int() || matches!(args[0], Value::Bytes(_)) {
            return Ok(Value::Bool(false));
        }
        return Err(types::type_error(format!(
            "stat: path should be string, bytes, os.PathLike or integer, not {}",
            args[0].type_name()
        )));
    };
    crate::vm::sandbox::check_path(
        vm,
        &format!("os.path.{name}"),
        &p.text,
        crate::vm::sandbox::Access::Read,
    )?;
    Ok(Value::Bool(
        std::fs::metadata(&p.text).map(|m| f(&m)).unwrap_or(false),
    ))
}

fn path_exists(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    stat_check(vm, args, "exists", |_| true)
}

fn path_isfile(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    stat_check(vm, args, "isfile", |m| m.is_file())
}

fn path_isdir(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    stat_check(vm, args, "isdir", |m| m.is_dir())
}

fn path_getsize(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("getsize", args)?;
    crate::vm::sandbox::check_path(vm, "os.path.getsize", &p, crate::vm::sandbox::Access::Read)?;
    match std::fs::metadata(&p) {
        Ok(m) => Ok(Value::Int(m.len() as i64)),
        Err(e) => Err(os_error(&e, Some(&p))),
    }
}

fn path_expanduser(vm: &mut Vm, args: &[Value], _: Kw) -> PyResult<Value> {
    let p = one_path("expanduser", args)?;
    if p.starts_with('~') {
        crate::vm::sandbox::check_other(vm, "os.path.expanduser", "the environment")?;
    }
    if !p.starts_with('~') {
        return Ok(Value::str(p));
    }
    let i = p.find('/').unwrap_or(p.len());
    if i != 1 {
        return Ok(Value::str(p));
    }
    let Ok(home) = std::env::var("HOME") else {
        return Ok(Value::str(p));
    };
    let home = home.trim_end_matches('/');
    let rest = &p[i..];
    let out = format!("{home}{rest}");
    Ok(Value::str(if out.is_empty() {
        "/".to_string()
    } else {
        out
    }))
}

fn builtins_of(
    m: &std::rc::Rc<crate::value::object::Module>,
    fns: &[(&'static str, crate::value::object::NativeFn)],
) {
    let g = &m.globals;
    for (name, f) in fns {
        g.insert(Symbol::new(name), Value::builtin(name, *f));
    }
}

/// Builds `os` and registers `os.path`.
pub fn module(vm: &mut Vm) -> Value {
    let path = super::new_module("os.path");
    builtins_of(
        &path,
        &[
            ("join", path_join),
            ("split", path_split),
            ("basename", path_basename),
            ("dirname", path_dirname),
            ("splitext", path_splitext),
            ("normpath", path_normpath),
            ("abspath", path_abspath),
            ("realpath", path_realpath),
            ("isabs", path_isabs),
            ("exists", path_exists),
            ("isfile", path_isfile),
            ("isdir", path_isdir),
            ("getsize", path_getsize),
            ("expanduser", path_expanduser),
        ],
    );
    {
        let g = &path.globals;
        g.insert(Symbol::new("__name__"), Value::str("posixpath"));
        g.insert(Symbol::new("sep"), Value::str("/"));
    }
    let path = Value::Module(path);
    super::register_module(vm, "os.path", path.clone());
    let m = super::new_module("os");
    builtins_of(
        &m,
        &[
            ("getenv", getenv),
            ("getpid", getpid),
            ("getcwd", getcwd),
            ("chdir", chdir),
            ("cpu_count", cpu_count),
            ("listdir", listdir),
            ("mkdir", mkdir),
            ("makedirs", makedirs),
            ("remove", remove),
            ("unlink", remove),
            ("rmdir", rmdir),
            ("rename", rename),
            #[cfg(unix)]
            ("kill", super::signal::os_kill),
        ],
    );
    let mut env = Dict::new();
    // A sandboxed script sees no environment (reading os.environ is denied).
    let vars: Vec<(String, String)> = if crate::vm::sandbox::active(vm) {
        Vec::new()
    } else {
        std::env::vars().collect()
    };
    for (k, v) in vars {
        let key = Value::str(k);
        let hash = match &key {
            Value::Str(s) => s.hash(),
            _ => 0,
        };
        env.push_new(hash, key, Value::str(v));
    }
    {
        let g = &m.globals;
        g.insert(Symbol::new("__name__"), Value::str("os"));
        g.insert(Symbol::new("path"), path);
        if !crate::vm::sandbox::active(vm) {
            g.insert(Symbol::new("environ"), Value::dict(env));
        }
        g.insert(Symbol::new("name"), Value::str("posix"));
        g.insert(Symbol::new("sep"), Value::str("/"));
        g.insert(Symbol::new("altsep"), Value::None);
        g.insert(Symbol::new("extsep"), Value::str("."));
        g.insert(Symbol::new("pathsep"), Value::str(":"));
        g.insert(Symbol::new("linesep"), Value::str("\n"));
        g.insert(Symbol::new("curdir"), Value::str("."));
        g.insert(Symbol::new("pardir"), Value::str(".."));
        g.insert(Symbol::new("devnull"), Value::str("/dev/null"));
    }
    Value::Module(m)
}
