//! Which generated programs the fuzzers do not run: those that could touch the
//! machine (files, processes, the network, signals, the environment) or wait
//! for input. The check is on whole identifiers, so a mutation that builds one
//! of these names is caught too.

const DENY: &[&str] = &[
    "os", "sys", "io", "shutil", "socket", "subprocess", "signal", "input", "open",
    "stdin", "start_server", "open_connection", "open_unix_connection", "exit",
    "_exit", "__import__", "importlib", "to_thread", "run_in_executor", "getenv",
    "environ", "pathlib", "Path", "tempfile", "glob", "walk", "remove", "unlink",
    "rmdir", "mkdir", "rename", "write_text", "write_bytes", "add_signal_handler",
    "add_reader", "add_writer", "sock_connect", "create_connection",
    "create_server", "subprocess_exec", "subprocess_shell", "fileno", "getattr",
    "__builtins__", "globals", "eval", "exec", "compile", "setattr", "vars",
];

/// Whether the program mentions an API that reaches outside the interpreter.
/// (`getattr`, `eval` and friends could spell any name at run time.)
pub fn unsafe_program(text: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| DENY.contains(&word))
}
