//! Standard output and error: buffered, or captured in memory (for tests and embedding).

use std::io::Write;

/// Where an output stream goes.
enum Target {
    Stdout,
    Stderr,
    /// Kept in memory (the test harness reads it back).
    Capture(String),
    /// Handed to a function (the REPL routes it around the line being edited).
    Sink(Box<dyn FnMut(&str)>),
}

/// One output stream of the interpreter (stdout or stderr).
pub struct Output {
    target: Target,
    buf: String,
    /// Flush after every write (a terminal or the REPL).
    pub line_buffered: bool,
    /// After a failed write (a closed pipe) nothing more is written.
    broken: bool,
    /// The error of the failed write, until the script's write or flush reports it.
    error: Option<std::io::Error>,
}

impl Output {
    /// The process's stdout (line buffered on a terminal).
    pub fn stdout() -> Output {
        use std::io::IsTerminal;
        Output {
            target: Target::Stdout,
            buf: String::new(),
            line_buffered: std::io::stdout().is_terminal(),
            broken: false,
            error: None,
        }
    }

    /// The process's stderr (unbuffered).
    pub fn stderr() -> Output {
        Output {
            target: Target::Stderr,
            buf: String::new(),
            line_buffered: true,
            broken: false,
            error: None,
        }
    }

    /// An in-memory stream.
    pub fn capture() -> Output {
        Output {
            target: Target::Capture(String::new()),
            buf: String::new(),
            line_buffered: false,
            broken: false,
            error: None,
        }
    }

    /// A stream whose text goes to `f`, one write at a time.
    pub fn sink(f: Box<dyn FnMut(&str)>) -> Output {
        Output {
            target: Target::Sink(f),
            buf: String::new(),
            line_buffered: true,
            broken: false,
            error: None,
        }
    }

    /// Writes text (buffered unless line buffered).
    pub fn write_str(&mut self, s: &str) {
        if let Target::Capture(c) = &mut self.target {
            c.push_str(s);
            return;
        }
        self.buf.push_str(s);
        if self.line_buffered || self.buf.len() > 1 << 16 {
            self.flush();
        }
    }

    pub fn flush(&mut self) {
        if self.buf.is_empty() || self.broken {
            self.buf.clear();
            return;
        }
        let r = match self.target {
            Target::Stdout => {
                let mut out = std::io::stdout().lock();
                out.write_all(self.buf.as_bytes()).and_then(|_| out.flush())
            }
            Target::Stderr => {
                let mut out = std::io::stderr().lock();
                out.write_all(self.buf.as_bytes()).and_then(|_| out.flush())
            }
            Target::Capture(_) => Ok(()),
            Target::Sink(ref mut f) => {
                f(&self.buf);
                Ok(())
            }
        };
        if let Err(e) = r {
            self.broken = true;
            self.error = Some(e);
        }
        self.buf.clear();
    }

    /// The error of a write that failed since the last call: `print` raises it
    /// (BrokenPipeError for `aio prog | head -1`, as CPython does). Later writes
    /// are dropped.
    pub fn take_error(&mut self) -> Option<std::io::Error> {
        self.error.take()
    }

    /// The captured text (empty for real streams).
    pub fn take_captured(&mut self) -> String {
        match &mut self.target {
            Target::Capture(c) => std::mem::take(c),
            _ => String::new(),
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        self.flush();
    }
}
