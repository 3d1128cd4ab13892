//! The terminal front end: rustyline reads lines on the calling thread while the
//! session lives on the interpreter's thread, which keeps the event loop turning
//! between inputs. Output a background task prints while a line is being edited goes
//! through rustyline's external printer, which redraws the prompt and the line below it.

use super::{Next, Session, PS1, PS2};
use crate::stdlib::io::Output;
use crate::ClockMode;
use rustyline::completion::Completer;
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter, MatchingBracketHighlighter};
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, ExternalPrinter, Helper};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::io::Write;
use std::rc::Rc;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

/// What the reading thread asks of the interpreter thread.
enum Request {
    /// A typed line.
    Line(String),
    /// Ctrl-C at a prompt: forget the input typed so far.
    Cancel,
    /// Tab: completions of `line` at `pos`.
    Complete {
        line: String,
        pos: usize,
        reply: Sender<(usize, Vec<String>)>,
    },
    /// Ctrl-D.
    Eof,
}

/// rustyline's helper: completion by asking the session, bracket matching.
struct ReplHelper {
    requests: Sender<Request>,
    brackets: MatchingBracketHighlighter,
}

impl Completer for ReplHelper {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let head = line.get(..pos).unwrap_or(line);
        if head.trim().is_empty() {
            // Tab at the start of a line indents, as in Python's REPL.
            return Ok((pos, vec!["    ".to_string()]));
        }
        let (reply, answer) = channel();
        let request = Request::Complete {
            line: line.to_string(),
            pos,
            reply,
        };
        if self.requests.send(request).is_err() {
            return Ok((pos, Vec::new()));
        }
        Ok(answer
            .recv_timeout(Duration::from_millis(500))
            .unwrap_or((pos, Vec::new())))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;
}

impl Validator for ReplHelper {}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, pos: usize) -> Cow<'l, str> {
        self.brackets.highlight(line, pos)
    }

    fn highlight_char(&self, line: &str, pos: usize, kind: CmdKind) -> bool {
        self.brackets.highlight_char(line, pos, kind)
    }
}

impl Helper for ReplHelper {}

#[cfg(unix)]
extern "C" fn on_sigint(_: libc::c_int) {
    crate::vm::INTERRUPT.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Ctrl-C while a statement runs (the terminal is not in raw mode then, so it is a
/// signal) asks the VM to raise KeyboardInterrupt instead of killing the process.
fn install_sigint_handler() {
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

fn history_path() -> Option<std::path::PathBuf> {
    std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".aio_history"))
}

/// Runs the interactive session on the terminal; returns the exit status.
pub fn run(clock: ClockMode) -> i32 {
    let mut editor: Editor<ReplHelper, FileHistory> = match Editor::new() {
        Ok(e) => e,
        Err(err) => {
            eprintln!("aio: cannot start the line editor: {err}");
            return 2;
        }
    };
    let (to_vm, requests) = channel::<Request>();
    let (to_reader, replies) = channel::<Next>();
    editor.set_helper(Some(ReplHelper {
        requests: to_vm.clone(),
        brackets: MatchingBracketHighlighter::new(),
    }));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let printer = match editor.create_external_printer() {
        Ok(p) => p,
        Err(err) => {
            eprintln!("aio: cannot start the line editor: {err}");
            return 2;
        }
    };
    let interpreter = std::thread::Builder::new()
        .name("aio".into())
        .stack_size(256 << 20)
        .spawn(move || interpreter_thread(clock, printer, requests, to_reader));
    let interpreter = match interpreter {
        Ok(handle) => handle,
        Err(err) => {
            eprintln!("aio: cannot start the interpreter thread: {err}");
            return 2;
        }
    };
    install_sigint_handler();
    println!(
        "aio {} (await works at the prompt; :help for help, Ctrl-D to exit)",
        env!("CARGO_PKG_VERSION")
    );
    let mut prompt = PS1;
    let status = loop {
        match editor.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                if to_vm.send(Request::Line(line)).is_err() {
                    break 1;
                }
                match replies.recv() {
                    Ok(Next::Primary) => prompt = PS1,
                    Ok(Next::Continuation) => prompt = PS2,
                    Ok(Next::Exit(status)) => break status,
                    Err(_) => break 1,
                }
            }
            Err(ReadlineError::Interrupted) => {
                println!("KeyboardInterrupt");
                let _ = to_vm.send(Request::Cancel);
                prompt = PS1;
            }
            Err(ReadlineError::Eof) => {
                println!();
                let _ = to_vm.send(Request::Eof);
                break 0;
            }
            Err(err) => {
                eprintln!("aio: {err}");
                let _ = to_vm.send(Request::Eof);
                break 1;
            }
        }
    };
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    drop(editor);
    drop(to_vm);
    let _ = interpreter.join();
    status
}

/// Output while the reader waits for a statement goes straight to the terminal;
/// output between inputs goes, a whole line at a time, through the external printer.
fn stream(
    foreground: Rc<Cell<bool>>,
    printer: Rc<RefCell<dyn ExternalPrinter>>,
    to_stderr: bool,
) -> Output {
    let mut partial = String::new();
    Output::sink(Box::new(move |text: &str| {
        if foreground.get() {
            let _ = if to_stderr {
                std::io::stderr()
                    .write_all(text.as_bytes())
                    .and_then(|()| std::io::stderr().flush())
            } else {
                std::io::stdout()
                    .write_all(text.as_bytes())
                    .and_then(|()| std::io::stdout().flush())
            };
            return;
        }
        partial.push_str(text);
        if let Some(end) = partial.rfind('\n') {
            let lines: String = partial.drain(..=end).collect();
            let lines = lines.trim_end_matches('\n').replace('\n', "\r\n");
            let _ = printer.borrow_mut().print(lines);
        }
    }))
}

fn interpreter_thread(
    clock: ClockMode,
    printer: impl ExternalPrinter + 'static,
    requests: Receiver<Request>,
    replies: Sender<Next>,
) {
    let foreground = Rc::new(Cell::new(false));
    let printer: Rc<RefCell<dyn ExternalPrinter>> = Rc::new(RefCell::new(printer));
    let stdout = stream(foreground.clone(), printer.clone(), false);
    let stderr = stream(foreground.clone(), printer, true);
    let mut session = Session::new(clock, stdout, stderr);
    loop {
        let wait = session.idle().map_or(0.5, |w| w.clamp(0.001, 0.5));
        match requests.recv_timeout(Duration::from_secs_f64(wait)) {
            Ok(Request::Line(line)) => {
                foreground.set(true);
                let next = session.push_line(&line);
                foreground.set(false);
                if replies.send(next).is_err() || matches!(next, Next::Exit(_)) {
                    return;
                }
            }
            Ok(Request::Cancel) => session.cancel_input(),
            Ok(Request::Complete { line, pos, reply }) => {
                let _ = reply.send(session.complete(&line, pos));
            }
            Ok(Request::Eof) | Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}
