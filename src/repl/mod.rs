//! The REPL: an interactive session whose event loop keeps running between inputs.
//!
//! `Session` is the core and knows nothing of terminals: it takes lines, decides whether
//! the input is complete (`input`), compiles it in interactive mode and runs it in one
//! `__main__` module. An input with a top-level `await` (or `async for`/`async with`)
//! runs as a coroutine task on the session's loop, so tasks created earlier make
//! progress while it waits. Between inputs `idle` runs whatever the loop has due.
//! `term` puts a rustyline front end on it.

pub mod complete;
pub mod input;
pub mod term;

use crate::bytecode::{Code, Op};
use crate::runtime::{future, task};
use crate::source::SourceFile;
use crate::stdlib::io::Output;
use crate::value::object::Module;
use crate::value::{types, Symbol, Value};
use crate::vm::frame::{Entry, Frame};
use crate::vm::generator::{GenKind, Generator};
use crate::vm::{exceptions, Vm};
use crate::ClockMode;
use input::Completeness;
use std::rc::Rc;

/// The primary prompt.
pub const PS1: &str = ">>> ";
/// The continuation prompt.
pub const PS2: &str = "... ";

/// What the session wants after a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Read a new input (`>>>`).
    Primary,
    /// Read another line of this input (`...`).
    Continuation,
    /// The session is over (SystemExit, `exit()`), with this status.
    Exit(i32),
}

/// One interactive session: a VM, its `__main__` and the input typed so far.
pub struct Session {
    /// The interpreter (its loop is always marked running, as in `python -m asyncio`).
    pub vm: Vm,
    main: Rc<Module>,
    buffer: Vec<String>,
}

/// The text `:help` prints.
pub const HELP: &str = "\
Type aio (Python) statements; `await` works at the prompt.
Tasks created with asyncio.create_task keep running between inputs.
A compound statement ends with an empty line.
Commands:
  :tasks   every pending task: name, what it waits on, where it is suspended
  :clock   the clock mode and the loop's time
  :help    this text
Ctrl-C cancels the line or stops the running statement; Ctrl-D exits.
";

impl Session {
    /// A session writing to the given streams, on the given clock.
    pub fn new(clock: ClockMode, stdout: Output, stderr: Output) -> Session {
        let mut vm = Vm::new(vec![String::new()]);
        vm.clock = crate::runtime::clock::Clock::new(clock);
        vm.stdout = stdout;
        vm.stderr = stderr;
        let main = crate::stdlib::new_module("__main__");
        {
            let g = &main.globals;
            g.insert(Symbol::new("__name__"), Value::str("__main__"));
            g.insert(Symbol::new("__doc__"), Value::None);
        }
        vm.main_module = Some(main.clone());
        vm.event_loop().running = true;
        // `asyncio` is there already, as in `python -m asyncio`.
        if let Ok(m) = crate::stdlib::import_module(&mut vm, "asyncio") {
            main.globals.insert(Symbol::new("asyncio"), m);
        }
        Session {
            vm,
            main,
            buffer: Vec::new(),
        }
    }

    /// The session's module (its globals are the prompt's names).
    pub fn main(&self) -> &Rc<Module> {
        &self.main
    }

    /// True while a multi-line input is being typed.
    pub fn in_continuation(&self) -> bool {
        !self.buffer.is_empty()
    }

    /// Drops the input typed so far (Ctrl-C at a prompt).
    pub fn cancel_input(&mut self) {
        self.buffer.clear();
    }

    /// Takes one typed line: runs the input once it is complete.
    pub fn push_line(&mut self, line: &str) -> Next {
        if self.buffer.is_empty() {
            let cmd = line.trim();
            if cmd.starts_with(':') && !cmd.starts_with("::") {
                self.command(cmd);
                return Next::Primary;
            }
        }
        self.buffer.push(line.to_string());
        let text = self.buffer.join("\n");
        match input::check(&text) {
            Completeness::Incomplete => Next::Continuation,
            Completeness::Complete | Completeness::Invalid => {
                self.buffer.clear();
                match self.execute(&text) {
                    Some(status) => Next::Exit(status),
                    None => Next::Primary,
                }
            }
        }
    }

    /// A `:command`.
    pub fn command(&mut self, cmd: &str) {
        let out = match cmd {
            ":help" | ":h" | ":?" => HELP.to_string(),
            ":tasks" => {
                let report = task::await_tree_report(&mut self.vm, false);
                if report.is_empty() {
                    "no pending tasks\n".to_string()
                } else {
                    report
                }
            }
            ":clock" => {
                let mode = if self.vm.clock.is_virtual() {
                    "virtual"
                } else {
                    "real"
                };
                format!("clock: {mode}, loop time {:.3}s\n", self.vm.clock.now())
            }
            other => {
                self.vm
                    .stderr
                    .write_str(&format!("unknown command {other}; try :help\n"));
                return;
            }
        };
        self.vm.stdout.write_str(&out);
        self.vm.stdout.flush();
    }

    /// Compiles and runs one complete input. Returns the exit status if it ended the session.
    pub fn execute(&mut self, text: &str) -> Option<i32> {
        crate::vm::INTERRUPT.store(false, std::sync::atomic::Ordering::Relaxed);
        let src = SourceFile::new("<stdin>", format!("{text}\n"));
        let compiled = crate::parser::parse_interactive(&src.text).and_then(|m| {
            crate::compiler::compile_module(&m, &src, crate::compiler::Mode::Interactive)
        });
        let code = match compiled {
            Ok(code) => code,
            Err(e) => {
                self.vm.stderr.write_str(&e.render(&src));
                return None;
            }
        };
        let result = if awaits_at_top(&code) {
            self.run_async(code)
        } else {
            self.run_sync(code)
        };
        self.vm.flush_warnings();
        let status = match result {
            Ok(()) => None,
            Err(exc) => self.report(&exc),
        };
        self.vm.stdout.flush();
        self.vm.stderr.flush();
        status
    }

    fn run_sync(&mut self, code: Rc<Code>) -> Result<(), Value> {
        self.vm.run_module(code, self.main.clone()).map(|_| ())
    }

    /// Runs module code as a coroutine task on the loop until it is done.
    fn run_async(&mut self, code: Rc<Code>) -> Result<(), Value> {
        let mut code = code;
        if let Some(c) = Rc::get_mut(&mut code) {
            c.flags.is_coroutine = true;
        }
        let mut frame = Frame::new(code, self.main.clone(), Vec::new());
        frame.entry = Entry::Bottom;
        let gen = Rc::new(Generator::new(GenKind::Coroutine, frame));
        if let Some(fr) = gen.frames.borrow_mut().first_mut() {
            fr.generator = Some(Rc::downgrade(&gen));
        }
        let task = task::create_task(&mut self.vm, Value::Generator(gen), None)?;
        let mut interrupted = false;
        loop {
            let done = future::future_of(&task).is_none_or(|f| f.done());
            if done {
                break;
            }
            if crate::vm::INTERRUPT.swap(false, std::sync::atomic::Ordering::Relaxed) {
                interrupted = true;
                task::cancel(&mut self.vm, &task, Value::None);
            }
            if !self.step_loop(true)? {
                // Nothing can ever run again: the statement waits on a future nobody completes.
                let report = task::await_tree_report(&mut self.vm, true);
                self.vm.stderr.write_str(&report);
                task::cancel(&mut self.vm, &task, Value::None);
                self.step_loop(true)?;
                return Err(types::runtime_error("deadlock: no task can make progress"));
            }
        }
        let Some(f) = future::future_of(&task) else {
            return Ok(());
        };
        match future::result(f) {
            Ok(_) => Ok(()),
            Err(e) if interrupted && future::is_cancelled_error(&e) => {
                let class = types::with_types(|t| t.keyboard_interrupt.clone());
                Err(types::new_exception(&class, Vec::new()))
            }
            Err(e) => Err(e),
        }
    }

    /// One step of the loop. With `waiting` (a statement awaits), time may pass: real
    /// time sleeps a little toward the next timer, virtual time jumps to it. Without it
    /// only what is due now runs. Returns false when nothing is scheduled at all.
    fn step_loop(&mut self, waiting: bool) -> Result<bool, Value> {
        let (ready, next) = {
            let l = self.vm.event_loop();
            (l.has_ready(), l.next_timer())
        };
        let now = self.vm.clock.now();
        let due = next.is_some_and(|t| t <= now);
        if ready || due || (waiting && next.is_some() && self.vm.clock.is_virtual()) {
            self.vm.run_once()?;
            return Ok(true);
        }
        match next {
            None => Ok(false),
            Some(t) => {
                if waiting {
                    let wait = (t - now).clamp(0.0, 0.05);
                    std::thread::sleep(std::time::Duration::from_secs_f64(wait));
                }
                Ok(true)
            }
        }
    }

    /// Runs what the loop has due now (between inputs); returns the seconds until the
    /// next timer, if any. Virtual time does not move here.
    pub fn idle(&mut self) -> Option<f64> {
        for _ in 0..1000 {
            let ready = self.vm.event_loop().has_ready();
            let now = self.vm.clock.now();
            let due = self.vm.event_loop().next_timer().is_some_and(|t| t <= now);
            if !ready && !due {
                break;
            }
            if let Err(exc) = self.vm.run_once() {
                if let Some(status) = self.report(&exc) {
                    // SystemExit from a background task ends the session at the next input.
                    let _ = status;
                }
            }
        }
        self.report_unretrieved();
        self.vm.flush_warnings();
        self.vm.stdout.flush();
        self.vm.stderr.flush();
        if self.vm.event_loop().has_ready() {
            return Some(0.0);
        }
        if self.vm.clock.is_virtual() {
            return None;
        }
        let now = self.vm.clock.now();
        self.vm
            .event_loop()
            .next_timer()
            .map(|t| (t - now).max(0.0))
    }

    /// A background task that failed and was dropped from every name is reported, as
    /// asyncio's "Task exception was never retrieved".
    fn report_unretrieved(&mut self) {
        let tasks = self.vm.event_loop().tasks.clone();
        let mut keep = Vec::new();
        for t in tasks {
            let Some(f) = future::future_of(&t) else {
                continue;
            };
            if !f.done() {
                keep.push(t);
                continue;
            }
            // Two references: this list and `t`; nobody else can ever retrieve it.
            let unreachable = matches!(&t, Value::Native(n) if Rc::strong_count(n) <= 2);
            if !unreachable {
                keep.push(t);
                continue;
            }
            if f.log_traceback.get() {
                f.log_traceback.set(false);
                if let Some(e) = f.exception_value() {
                    let r = crate::vm::ops::repr(&mut self.vm, &t).unwrap_or_default();
                    self.vm.report_exception(
                        &format!("Task exception was never retrieved\nfuture: {r}"),
                        &e,
                    );
                }
            }
        }
        self.vm.event_loop().tasks = keep;
    }

    /// Prints an exception's traceback; SystemExit gives the exit status instead.
    fn report(&mut self, exc: &Value) -> Option<i32> {
        self.vm.stdout.flush();
        if types::exc_is(exc, |t| &t.system_exit) {
            let args = exceptions::exc_args(exc);
            return Some(match args.first() {
                None | Some(Value::None) => 0,
                Some(v) if v.is_int() => v.as_i64().map(|i| i as i32).unwrap_or(1),
                Some(v) => {
                    let s = crate::vm::ops::str_of(&mut self.vm, v).unwrap_or_default();
                    self.vm.stderr.write_str(&format!("{s}\n"));
                    1
                }
            });
        }
        let text = exceptions::format_exception(&mut self.vm, exc);
        self.vm.stderr.write_str(&text);
        None
    }
}

/// True when module code suspends (a top-level await, async for or async with).
fn awaits_at_top(code: &Code) -> bool {
    code.ops.iter().any(|op| {
        matches!(
            op,
            Op::YieldFrom | Op::GetAwaitable(_) | Op::BeforeAsyncWith | Op::GetAIter
        )
    })
}

/// Feeds `lines` to a fresh session on the virtual clock and returns the transcript:
/// each prompt and line as typed, then whatever stdout and stderr printed, running
/// the loop's due work between inputs as the interactive front end does.
pub fn transcript(lines: &[&str]) -> String {
    crate::on_big_stack({
        let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        move || {
            let mut s = Session::new(ClockMode::Virtual, Output::capture(), Output::capture());
            let mut out = String::new();
            let mut prompt = PS1;
            let drain = |s: &mut Session, out: &mut String| {
                out.push_str(&s.vm.stdout.take_captured());
                out.push_str(&s.vm.stderr.take_captured());
            };
            for line in &lines {
                out.push_str(prompt);
                out.push_str(line);
                out.push('\n');
                let next = s.push_line(line);
                drain(&mut s, &mut out);
                s.idle();
                drain(&mut s, &mut out);
                prompt = match next {
                    Next::Primary => PS1,
                    Next::Continuation => PS2,
                    Next::Exit(status) => {
                        out.push_str(&format!("[exit {status}]\n"));
                        return out;
                    }
                };
            }
            out.push_str(prompt);
            out.push('\n');
            out
        }
    })
}
