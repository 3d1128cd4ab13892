//! `aio --sandbox`: a script run with no access to the file system, the
//! network, the environment or signals, except what `--allow-read=DIR`,
//! `--allow-write=DIR` and `--allow-net=HOST:PORT` grant back.
//!
//! Every native that reaches outside the interpreter asks here first; a denied
//! call raises PermissionError naming the operation, the resource and the flag
//! that would grant it. docs/security.md gives the threat model.

use super::Vm;
use crate::value::{types, PyResult, Value};
use std::net::{IpAddr, ToSocketAddrs};
use std::path::{Component, Path, PathBuf};

/// What a sandboxed run may still do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sandbox {
    /// Directories (canonical) under which files may be read.
    pub read: Vec<PathBuf>,
    /// Directories (canonical) under which files may be created, written and removed.
    pub write: Vec<PathBuf>,
    /// Hosts and ports that may be looked up, connected to or listened on.
    pub net: Vec<(String, u16)>,
    /// The working directory relative paths are resolved against.
    pub cwd: PathBuf,
}

/// The access a file operation needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

impl Sandbox {
    /// A sandbox from the command line's grants: directories must exist.
    pub fn new(read: &[String], write: &[String], net: &[String]) -> Result<Sandbox, String> {
        let cwd = std::env::current_dir()
            .map_err(|e| format!("cannot read the working directory: {e}"))?;
        let dir = |d: &String| {
            std::fs::canonicalize(d)
                .map_err(|e| format!("cannot use {d:?} as a sandbox directory: {e}"))
        };
        Ok(Sandbox {
            read: read.iter().map(dir).collect::<Result<_, _>>()?,
            write: write.iter().map(dir).collect::<Result<_, _>>()?,
            net: net.iter().map(|g| parse_net(g)).collect::<Result<_, _>>()?,
            cwd,
        })
    }

    fn path_allowed(&self, path: &Path, access: Access) -> bool {
        let dirs = match access {
            Access::Read => &self.read,
            Access::Write => &self.write,
        };
        let full = resolve(&self.cwd, path);
        dirs.iter().any(|d| full.starts_with(d))
    }

    fn net_allowed(&self, host: &str, port: u16) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.net.iter().any(|(h, p)| {
            if *p != port {
                return false;
            }
            if h.eq_ignore_ascii_case(host) {
                return true;
            }
            // A granted name covers the addresses it resolves to.
            match host.parse::<IpAddr>() {
                Ok(ip) => (h.as_str(), *p)
                    .to_socket_addrs()
                    .map(|mut addrs| addrs.any(|a| a.ip() == ip))
                    .unwrap_or(false),
                Err(_) => false,
            }
        })
    }
}

/// Parses `HOST:PORT` (`[::1]:8080` for IPv6).
fn parse_net(grant: &str) -> Result<(String, u16), String> {
    let bad = || format!("--allow-net wants HOST:PORT, not {grant:?}");
    let (host, port) = grant.rsplit_once(':').ok_or_else(bad)?;
    let port: u16 = port.parse().map_err(|_| bad())?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return Err(bad());
    }
    Ok((host.to_string(), port))
}

/// The absolute, symlink-free form of `path`: `..` and `.` removed, and the
/// longest existing prefix canonicalized (so a symlink inside a granted
/// directory that points outside it is judged by where it points).
fn resolve(cwd: &Path, path: &Path) -> PathBuf {
    let joined = cwd.join(path);
    let mut lexical = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(canon) = std::fs::canonicalize(&existing) {
            let mut out = canon;
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => return lexical,
        }
    }
}

fn denied(msg: String) -> Value {
    types::exc(|t| &t.permission_error, format!("sandbox: {msg}"))
}

/// Checks a file operation `what` (`open`, `os.remove`...) on `path`.
pub fn check_path(vm: &Vm, what: &str, path: &str, access: Access) -> PyResult<()> {
    let Some(sb) = &vm.sandbox else { return Ok(()) };
    if sb.path_allowed(Path::new(path), access) {
        return Ok(());
    }
    let (kind, flag) = match access {
        Access::Read => ("read", "--allow-read"),
        Access::Write => ("write", "--allow-write"),
    };
    Err(denied(format!(
        "{what}: {kind} access to {path:?} denied (grant it with {flag}=DIR)"
    )))
}

/// Checks a network operation `what` on `host:port`.
pub fn check_net(vm: &Vm, what: &str, host: &str, port: u16) -> PyResult<()> {
    let Some(sb) = &vm.sandbox else { return Ok(()) };
    if sb.net_allowed(host, port) {
        return Ok(());
    }
    Err(denied(format!(
        "{what}: network access to {host}:{port} denied (grant it with --allow-net=HOST:PORT)"
    )))
}

/// Checks an operation the sandbox never allows: the environment, signals.
pub fn check_other(vm: &Vm, what: &str, resource: &str) -> PyResult<()> {
    if vm.sandbox.is_none() {
        return Ok(());
    }
    Err(denied(format!("{what}: access to {resource} denied")))
}

/// Whether this run is sandboxed.
pub fn active(vm: &Vm) -> bool {
    vm.sandbox.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_resolve_without_dot_dot_escapes() {
        let cwd = Path::new("/nonexistent-aio/work");
        assert_eq!(
            resolve(cwd, Path::new("a/../../../etc/passwd")),
            PathBuf::from("/etc/passwd")
        );
        assert_eq!(
            resolve(cwd, Path::new("./x")),
            PathBuf::from("/nonexistent-aio/work/x")
        );
    }

    #[test]
    fn net_grants_parse() {
        assert_eq!(parse_net("localhost:8080"), Ok(("localhost".into(), 8080)));
        assert_eq!(parse_net("[::1]:80"), Ok(("::1".into(), 80)));
        assert!(parse_net("localhost").is_err());
        assert!(parse_net(":80").is_err());
        assert!(parse_net("h:99999").is_err());
    }
}
