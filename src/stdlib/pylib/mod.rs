//! Library modules written in aio itself, compiled into the binary and compiled to
//! bytecode on first import. Each `NAME.aio` here is the module `NAME`.

/// The source of a library module written in aio, if there is one.
pub fn source(name: &str) -> Option<&'static str> {
    Some(match name {
        "functools" => include_str!("functools.aio"),
        "typing" => include_str!("typing.aio"),
        "collections" => include_str!("collections.aio"),
        "dataclasses" => include_str!("dataclasses.aio"),
        "contextlib" => include_str!("contextlib.aio"),
        "_sysinfo" => include_str!("_sysinfo.aio"),
        "tempfile" => include_str!("tempfile.aio"),
        "_mappingproxy" => include_str!("_mappingproxy.aio"),
        "_generic_alias" => include_str!("_generic_alias.aio"),
        "concurrent" => include_str!("concurrent.aio"),
        "concurrent.futures" => include_str!("concurrent_futures.aio"),
        _ => return None,
    })
}
