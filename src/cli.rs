//! The command line: flags, choosing the program's source, and exit codes.
//!
//! Everything past choosing and reading the source belongs to the library
//! (`aio::run_source`, the lexer's and parser's dumps); this file only maps
//! their results to output and an exit status.

use aio::diag::SyntaxError;
use aio::runtime::trace::{TraceOptions, TraceTarget};
use aio::source::{SourceFile, Span};
use aio::vm::limits::Limits;
use aio::{ClockMode, RunOptions};
use clap::{Parser, ValueEnum};
use std::ffi::OsString;
use std::io::{self, IsTerminal, Read, Write};

/// Exit status for a usage error or a missing piece, as CPython uses 2.
const EXIT_USAGE: i32 = 2;
/// Exit status for a syntax error, like an uncaught exception.
const EXIT_ERROR: i32 = 1;

/// aio: run async Python-syntax programs with asyncio semantics.
#[derive(Parser, Debug)]
#[command(
    name = "aio",
    version,
    about = "Run an aio program: Python 3.11 syntax, asyncio semantics",
    after_help = "Options must come before FILE (or -c CODE); everything after it is \
                  passed to the program in sys.argv.\n\
                  With no FILE and no -c, the program is read from standard input, \
                  or the REPL starts when standard input is a terminal.\n\
                  Environment: AIO_CLOCK=real|virtual sets the default of --clock."
)]
struct Cli {
    /// Run CODE as the program (sys.argv[0] is '-c')
    #[arg(short = 'c', value_name = "CODE", allow_hyphen_values = true)]
    code: Option<String>,

    /// Print a stage of the pipeline instead of running the program
    #[arg(long, value_enum, value_name = "STAGE")]
    dump: Option<DumpStage>,

    /// Which clock the scheduler reads [default: real, or $AIO_CLOCK]
    #[arg(long, value_enum, value_name = "CLOCK")]
    clock: Option<ClockArg>,

    /// Print a timeline of task events (created, started, awaits, woken,
    /// cancelled, raised, done) to stderr; `--trace=timeline` adds a swimlane
    /// chart, `--trace=PATH` writes the timeline to a file instead
    #[arg(
        long,
        value_name = "timeline|PATH",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = ""
    )]
    trace: Option<String>,

    /// Debug mode for every event loop: slow-step and never-awaited warnings,
    /// plus aio's own (blocking steps, swallowed cancellations, locks held at a
    /// task's end, tasks pending at exit)
    #[arg(long)]
    debug: bool,

    /// Debug mode's limit on the instructions one task step may run without
    /// awaiting [default: 1000000]; implies --debug
    #[arg(long, value_name = "N", require_equals = true)]
    debug_step_limit: Option<u64>,

    /// Stop the script after N bytecode instructions (exit status 4)
    #[arg(long, value_name = "N")]
    max_instructions: Option<u64>,

    /// Stop the script after SECONDS of wall time (exit status 4)
    #[arg(long, value_name = "SECONDS", value_parser = aio::vm::limits::parse_seconds)]
    max_time: Option<std::time::Duration>,

    /// Stop the script when it has more than SIZE allocated, e.g. 512M (exit status 4)
    #[arg(long, value_name = "SIZE", value_parser = aio::vm::limits::parse_size)]
    max_memory: Option<u64>,

    /// Deny the program the file system, network, environment and signals
    #[arg(long)]
    sandbox: bool,

    /// With --sandbox: allow reading files under DIR (repeatable)
    #[arg(long, value_name = "DIR", requires = "sandbox")]
    allow_read: Vec<String>,

    /// With --sandbox: allow creating, writing and removing files under DIR (repeatable)
    #[arg(long, value_name = "DIR", requires = "sandbox")]
    allow_write: Vec<String>,

    /// With --sandbox: allow looking up, connecting to and listening on HOST:PORT (repeatable)
    #[arg(long, value_name = "HOST:PORT", requires = "sandbox")]
    allow_net: Vec<String>,

    /// The program file; '-' reads standard input
    #[arg(value_name = "FILE")]
    file: Option<String>,

    /// Arguments for the program (sys.argv[1:])
    #[arg(
        value_name = "ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    args: Vec<String>,
}

/// The pipeline stages `--dump` can print.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DumpStage {
    /// The token stream, with NEWLINE/INDENT/DEDENT
    Tokens,
    /// The syntax tree
    Ast,
    /// The compiled bytecode
    Code,
}

/// The `--clock` values.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum ClockArg {
    /// Wall-clock time: sleeps really wait
    Real,
    /// Virtual time: when nothing is ready, time jumps to the next timer
    Virtual,
}

impl From<ClockArg> for ClockMode {
    fn from(arg: ClockArg) -> ClockMode {
        match arg {
            ClockArg::Real => ClockMode::Real,
            ClockArg::Virtual => ClockMode::Virtual,
        }
    }
}

/// Runs the command line and returns the process exit status.
pub fn main() -> i32 {
    let raw: Vec<OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(clap_args(&raw)) {
        Ok(cli) => cli,
        Err(err) => {
            // --help and --version arrive here too, and exit 0.
            let _ = err.print();
            return if err.use_stderr() { EXIT_USAGE } else { 0 };
        }
    };
    let clock = match clock_mode(cli.clock) {
        Ok(clock) => clock,
        Err(msg) => {
            eprintln!("aio: {msg}");
            return EXIT_USAGE;
        }
    };
    let (src, argv) = match load_program(&cli) {
        Ok(Some(program)) => program,
        Ok(None) => return aio::repl::term::run(clock),
        Err(status) => return status,
    };
    match cli.dump {
        Some(stage) => dump(stage, &src),
        None => {
            let limits = Limits {
                max_instructions: cli.max_instructions,
                max_time: cli.max_time,
                max_memory: cli.max_memory,
            };
            let sandbox = if cli.sandbox {
                match aio::vm::sandbox::Sandbox::new(
                    &cli.allow_read,
                    &cli.allow_write,
                    &cli.allow_net,
                ) {
                    Ok(sb) => Some(sb),
                    Err(msg) => {
                        eprintln!("aio: {msg}");
                        return EXIT_USAGE;
                    }
                }
            } else {
                None
            };
            if let Some(bytes) = limits.max_memory {
                aio::vm::limits::set_memory_limit(bytes);
            }
            if let Some(time) = limits.max_time {
                aio::vm::limits::start_watchdog(time);
            }
            aio::run_source(
                &src,
                &RunOptions {
                    clock,
                    argv,
                    trace: cli.trace.as_deref().map(trace_options),
                    debug: cli.debug,
                    debug_step_limit: cli.debug_step_limit,
                    limits,
                    sandbox,
                },
            )
        }
    }
}

/// `--trace`'s value: nothing (stderr), `timeline` (stderr and the chart), or a file.
fn trace_options(value: &str) -> TraceOptions {
    match value {
        "" => TraceOptions {
            target: TraceTarget::Stderr,
            timeline: false,
        },
        "timeline" => TraceOptions {
            target: TraceTarget::Stderr,
            timeline: true,
        },
        path => TraceOptions {
            target: TraceTarget::File(path.into()),
            timeline: false,
        },
    }
}

/// The interpreter's options that take their value as the next argument.
const VALUED: [&str; 8] = [
    "--dump",
    "--clock",
    "--max-instructions",
    "--max-time",
    "--max-memory",
    "--allow-read",
    "--allow-write",
    "--allow-net",
];

/// Rewrites the raw arguments so that clap sees only the interpreter's options.
///
/// Like CPython, option parsing stops at the program (FILE, `-`, or `-c CODE`):
/// what follows belongs to the program even if it looks like a flag, so
/// `aio script.aio --verbose` passes `--verbose` to the script. Inserting `--`
/// before that part makes clap treat all of it as positional.
fn clap_args(raw: &[OsString]) -> Vec<OsString> {
    let mut out: Vec<OsString> = raw.iter().take(1).cloned().collect();
    let mut i = 1;
    while i < raw.len() {
        let arg = raw[i].to_string_lossy();
        if arg == "--" {
            i += 1;
            break;
        }
        if arg == "-c" || (VALUED.contains(&&*arg)) {
            // The option and its value; after -c CODE the program's arguments start.
            out.extend(raw[i..(i + 2).min(raw.len())].iter().cloned());
            i += 2;
            if arg == "-c" {
                break;
            }
            continue;
        }
        if arg.starts_with("-c") {
            // `-cCODE`, CPython's attached form.
            out.push(raw[i].clone());
            i += 1;
            break;
        }
        if arg.starts_with('-') && arg != "-" {
            out.push(raw[i].clone());
            i += 1;
            continue;
        }
        break;
    }
    if i < raw.len() {
        out.push("--".into());
        out.extend(raw[i..].iter().cloned());
    }
    out
}

/// The clock: `--clock` wins, then the `AIO_CLOCK` environment variable, then real time.
fn clock_mode(flag: Option<ClockArg>) -> Result<ClockMode, String> {
    if let Some(arg) = flag {
        return Ok(arg.into());
    }
    match std::env::var("AIO_CLOCK") {
        Err(_) => Ok(ClockMode::Real),
        Ok(value) => match value.trim().to_ascii_lowercase().as_str() {
            "" | "real" => Ok(ClockMode::Real),
            "virtual" => Ok(ClockMode::Virtual),
            _ => Err(format!(
                "AIO_CLOCK must be 'real' or 'virtual', not {value:?}"
            )),
        },
    }
}

/// Picks and reads the program: `-c CODE`, FILE, or standard input.
///
/// Returns `Ok(None)` when the REPL should start, and `Err(status)` after an
/// error has been reported. `sys.argv` follows CPython: `['-c', ...]` for code,
/// `[FILE, ...]` for a file, `['-', ...]` or `['']` for standard input.
fn load_program(cli: &Cli) -> Result<Option<(SourceFile, Vec<String>)>, i32> {
    // Positionals after -c CODE are the program's arguments, FILE included.
    let rest = || cli.file.iter().chain(&cli.args).cloned();
    if let Some(code) = &cli.code {
        let argv = std::iter::once("-c".to_string()).chain(rest()).collect();
        return Ok(Some((SourceFile::new("<string>", code.clone()), argv)));
    }
    let argv: Vec<String> = match &cli.file {
        Some(_) => rest().collect(),
        None => vec![String::new()],
    };
    let bytes = match cli.file.as_deref() {
        Some("-") => read_stdin()?,
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                eprintln!("aio: can't open file '{path}': {}", errno_text(&err));
                return Err(EXIT_USAGE);
            }
        },
        None if io::stdin().is_terminal() => return Ok(None),
        None => read_stdin()?,
    };
    let name = match cli.file.as_deref() {
        Some(path) if path != "-" => path,
        _ => "<stdin>",
    };
    match decode_source(name, bytes) {
        Ok(src) => Ok(Some((src, argv))),
        Err((src, err)) => {
            eprint!("{}", err.render(&src));
            Err(EXIT_ERROR)
        }
    }
}

fn read_stdin() -> Result<Vec<u8>, i32> {
    let mut bytes = Vec::new();
    match io::stdin().lock().read_to_end(&mut bytes) {
        Ok(_) => Ok(bytes),
        Err(err) => {
            eprintln!("aio: can't read standard input: {}", errno_text(&err));
            Err(EXIT_USAGE)
        }
    }
}

/// An I/O error in CPython's words: `[Errno 2] No such file or directory`.
fn errno_text(err: &io::Error) -> String {
    let text = err.to_string();
    match err.raw_os_error() {
        Some(code) => {
            // Rust appends " (os error N)" to the C library's message; CPython prefixes it.
            let suffix = format!(" (os error {code})");
            let message = text.strip_suffix(&suffix).unwrap_or(&text);
            format!("[Errno {code}] {message}")
        }
        None => text,
    }
}

/// Decodes a program's bytes as UTF-8 (a leading byte-order mark is dropped).
///
/// Invalid UTF-8 is a syntax error at the offending byte, worded as CPython's
/// codec error; it comes back with a lossily decoded source to render it against.
fn decode_source(name: &str, bytes: Vec<u8>) -> Result<SourceFile, (SourceFile, SyntaxError)> {
    match String::from_utf8(bytes) {
        Ok(text) => {
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
            Ok(SourceFile::new(name, text))
        }
        Err(err) => {
            let bytes = err.as_bytes();
            let utf8 = err.utf8_error();
            let pos = utf8.valid_up_to();
            let first = bytes[pos];
            let what = match utf8.error_len() {
                None if bytes.len() - pos > 1 => {
                    format!(
                        "bytes in position {}-{}: unexpected end of data",
                        pos,
                        bytes.len() - 1
                    )
                }
                None => format!("byte 0x{first:02x} in position {pos}: unexpected end of data"),
                // A valid lead byte followed by a bad one, as CPython's decoder classifies it.
                Some(_) if (0xc2..=0xf4).contains(&first) => {
                    format!("byte 0x{first:02x} in position {pos}: invalid continuation byte")
                }
                Some(_) => format!("byte 0x{first:02x} in position {pos}: invalid start byte"),
            };
            let msg = format!("(unicode error) 'utf-8' codec can't decode {what}");
            let src = SourceFile::new(name, String::from_utf8_lossy(bytes).into_owned());
            // The lossy text keeps the valid prefix, so `pos` is still the bad
            // spot; the replacement character there is 3 bytes long.
            let span = Span::new(pos, pos + '\u{fffd}'.len_utf8());
            Err((src, SyntaxError::new(msg, span)))
        }
    }
}

/// `--dump STAGE`: prints the stage to stdout, or the syntax error to stderr.
fn dump(stage: DumpStage, src: &SourceFile) -> i32 {
    let result = match stage {
        DumpStage::Tokens => aio::lexer::dump_tokens(src),
        DumpStage::Ast => aio::parser::parse_module(src)
            .map(|module| aio::parser::dump::dump_module(&module, src)),
        DumpStage::Code => aio::dump_code(src),
    };
    match result {
        Ok(text) => {
            let mut out = io::stdout().lock();
            // A closed pipe (`aio --dump tokens f | head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
            0
        }
        Err(err) => {
            eprint!("{}", err.render(src));
            EXIT_ERROR
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> Vec<String> {
        let raw: Vec<OsString> = args.iter().map(OsString::from).collect();
        clap_args(&raw)
            .into_iter()
            .map(|s| s.into_string().unwrap())
            .collect()
    }

    #[test]
    fn options_stop_at_the_program() {
        assert_eq!(
            split(&["aio", "x.aio", "--help"]),
            ["aio", "--", "x.aio", "--help"]
        );
        assert_eq!(
            split(&["aio", "--clock", "virtual", "x.aio", "-c", "1"]),
            ["aio", "--clock", "virtual", "--", "x.aio", "-c", "1"]
        );
        assert_eq!(
            split(&["aio", "-c", "pass", "-v"]),
            ["aio", "-c", "pass", "--", "-v"]
        );
        assert_eq!(split(&["aio", "-cpass", "a"]), ["aio", "-cpass", "--", "a"]);
        assert_eq!(
            split(&["aio", "--dump=ast", "-", "a"]),
            ["aio", "--dump=ast", "--", "-", "a"]
        );
        assert_eq!(split(&["aio", "--", "-odd.aio"]), ["aio", "--", "-odd.aio"]);
        assert_eq!(split(&["aio", "--version"]), ["aio", "--version"]);
    }

    #[test]
    fn bad_utf8_names_the_byte() {
        let (_, err) = decode_source("x.aio", b"x = 1\ny = '\xff'\n".to_vec()).unwrap_err();
        assert_eq!(
            err.msg,
            "(unicode error) 'utf-8' codec can't decode byte 0xff in position 11: invalid start byte"
        );
        let (_, err) = decode_source("x.aio", b"s = '\xe2\x28'".to_vec()).unwrap_err();
        assert!(err
            .msg
            .ends_with("byte 0xe2 in position 5: invalid continuation byte"));
        let (_, err) = decode_source("x.aio", b"s = '\xe2\x82".to_vec()).unwrap_err();
        assert!(err
            .msg
            .ends_with("bytes in position 5-6: unexpected end of data"));
    }

    #[test]
    fn byte_order_mark_is_dropped() {
        let src = decode_source("x.aio", b"\xef\xbb\xbfpass\n".to_vec()).unwrap();
        assert_eq!(src.text, "pass\n");
    }
}
