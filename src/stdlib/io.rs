//! Buffered standard output (flushed at exit, on newline when interactive, and when large).

use std::io::Write;

/// Where print() writes.
pub struct Output {
    buf: String,
    /// Flush after every write (a terminal or the REPL).
    pub line_buffered: bool,
    /// A broken pipe ends output quietly.
    broken: bool,
}

impl Output {
    pub fn stdout() -> Output {
        use std::io::IsTerminal;
        Output { buf: String::new(), line_buffered: std::io::stdout().is_terminal(), broken: false }
    }

    pub fn write_str(&mut self, s: &str) {
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
        let mut out = std::io::stdout().lock();
        if out.write_all(self.buf.as_bytes()).and_then(|_| out.flush()).is_err() {
            self.broken = true;
        }
        self.buf.clear();
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        self.flush();
    }
}
