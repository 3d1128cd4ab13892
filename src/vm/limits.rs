//! Resource limits for untrusted scripts: `--max-instructions`, `--max-time` and
//! `--max-memory`.
//!
//! The dispatch loop counts every instruction it executes (one add per
//! instruction) and compares the count with the budget where it already checks
//! for Ctrl-C: at backward jumps and frame changes. The wall-time limit is a
//! watchdog thread and the memory limit a counting global allocator; both raise
//! the same flag Ctrl-C raises, so the VM notices them at the same places.
//!
//! A tripped limit is final: the stop unwinds every frame without running
//! `except`, `finally` or `with` handlers (a script must not be able to catch it
//! and carry on), and every later check raises it again. If the script does not
//! reach a check soon after the deadline (a long native operation, a sleep), the
//! watchdog ends the process itself; so does the allocator when a script keeps
//! allocating far past its memory limit.

use super::{Vm, INTERRUPT};
use crate::value::object::{Class, Layout};
use crate::value::types;
use crate::value::Value;
use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::rc::Rc;
use std::sync::atomic::{AtomicIsize, AtomicU64, AtomicU8, Ordering};
use std::time::Duration;

/// The exit status of a run stopped by a resource limit.
pub const STATUS_LIMIT: i32 = 4;

/// How long past the `--max-time` deadline the watchdog waits for the script to
/// reach a check before it ends the process itself.
const GRACE: Duration = Duration::from_secs(2);

/// The limits of one run (all off by default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Bytecode instructions the script may execute.
    pub max_instructions: Option<u64>,
    /// Wall time the script may run.
    pub max_time: Option<Duration>,
    /// Bytes the process may have allocated at once.
    pub max_memory: Option<u64>,
}

/// Which limit stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tripped {
    Instructions(u64),
    Time(Duration),
    Memory(u64),
}

impl Tripped {
    /// The message: what was exceeded, and the flag that set it.
    pub fn message(self) -> String {
        match self {
            Tripped::Instructions(n) => format!(
                "instruction limit exceeded: the script ran more than {n} instructions (--max-instructions={n})"
            ),
            Tripped::Time(d) => {
                let secs = fmt_secs(d);
                format!("time limit exceeded: the script ran longer than {secs} seconds (--max-time={secs})")
            }
            Tripped::Memory(n) => format!(
                "memory limit exceeded: the script allocated more than {} (--max-memory={})",
                fmt_size(n),
                fmt_size(n)
            ),
        }
    }
}

fn fmt_secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{}", s as u64)
    } else {
        format!("{s}")
    }
}

fn fmt_size(n: u64) -> String {
    for (unit, shift) in [("G", 30), ("M", 20), ("K", 10)] {
        if n >= 1 << shift && n.is_multiple_of(1 << shift) {
            return format!("{}{unit}", n >> shift);
        }
    }
    format!("{n} bytes")
}

/// Parses a `--max-memory` size: a number of bytes with an optional K, M or G
/// suffix (powers of 1024; `512M`, `2G`, `65536`).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("unknown size unit in {text:?} (use K, M or G)")),
            };
            (&t[..i], shift)
        }
        _ => (t, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("invalid size {text:?} (e.g. 512M)"))?;
    match n.checked_mul(1 << shift) {
        Some(0) | None => Err(format!("invalid size {text:?}")),
        Some(bytes) => Ok(bytes),
    }
}

/// Parses a `--max-time` duration in seconds (fractions allowed).
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s < 1e12 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!("invalid number of seconds {text:?}")),
    }
}

// Process-wide state for the limits a watchdog or the allocator enforce.
const NONE: u8 = 0;
const TIME: u8 = 1;
const MEMORY: u8 = 2;
static TRIPPED: AtomicU8 = AtomicU8::new(NONE);
static MAX_TIME_NANOS: AtomicU64 = AtomicU64::new(0);

/// The process-wide limit that tripped (time or memory), if any.
fn global_tripped() -> Option<Tripped> {
    match TRIPPED.load(Ordering::Relaxed) {
        TIME => Some(Tripped::Time(Duration::from_nanos(
            MAX_TIME_NANOS.load(Ordering::Relaxed),
        ))),
        MEMORY => Some(Tripped::Memory(
            MEMORY_LIMIT.load(Ordering::Relaxed).max(0) as u64
        )),
        _ => None,
    }
}

fn trip(kind: u8) {
    if TRIPPED
        .compare_exchange(NONE, kind, Ordering::Relaxed, Ordering::Relaxed)
        .is_ok()
    {
        INTERRUPT.store(true, Ordering::Relaxed);
    }
}

/// Starts the `--max-time` watchdog: at the deadline it asks the VM to stop; if the
/// process is still running `GRACE` later, it reports the limit and exits.
pub fn start_watchdog(max_time: Duration) {
    MAX_TIME_NANOS.store(max_time.as_nanos() as u64, Ordering::Relaxed);
    let spawned = std::thread::Builder::new()
        .name("aio-watchdog".into())
        .spawn(move || {
            std::thread::sleep(max_time);
            trip(TIME);
            std::thread::sleep(GRACE);
            eprintln!("aio: {}", Tripped::Time(max_time).message());
            std::process::exit(STATUS_LIMIT);
        });
    if let Err(e) = spawned {
        eprintln!("aio: cannot start the --max-time watchdog: {e}");
        std::process::exit(STATUS_LIMIT);
    }
}

// ---- memory ----

/// Bytes allocated and not yet freed, while counting is on. Signed: memory
/// allocated before counting started may be freed after.
static ALLOCATED: AtomicIsize = AtomicIsize::new(0);
/// The `--max-memory` limit in bytes; negative when there is none (counting off).
static MEMORY_LIMIT: AtomicIsize = AtomicIsize::new(-1);

/// Turns on allocation counting with this limit (the binary's allocator must be
/// `CountingAlloc` for it to have any effect).
pub fn set_memory_limit(bytes: u64) {
    MEMORY_LIMIT.store(bytes.min(isize::MAX as u64) as isize, Ordering::Relaxed);
}

/// Whether `more` bytes can still be allocated under `--max-memory`. Natives that
/// are about to allocate a large block ask first and raise MemoryError instead.
pub fn can_allocate(more: usize) -> bool {
    let limit = MEMORY_LIMIT.load(Ordering::Relaxed);
    if limit < 0 {
        return true;
    }
    let used = ALLOCATED.load(Ordering::Relaxed).max(0) as u128;
    used + more as u128 <= limit as u128
}

/// The largest single block a native operation will try to allocate (a string,
/// a list's items): asking for more raises MemoryError, as a failing allocation
/// does in CPython, instead of aborting the process.
pub const MAX_BLOCK: usize = 1 << 32;

/// Checks that an operation may allocate `bytes` more: MemoryError past
/// `MAX_BLOCK` or past what `--max-memory` leaves.
pub fn check_alloc(bytes: usize) -> crate::value::PyResult<()> {
    if bytes > MAX_BLOCK || !can_allocate(bytes) {
        return Err(types::memory_error(""));
    }
    Ok(())
}

/// `check_alloc` for `count` items of `size` bytes each.
pub fn check_alloc_items(count: usize, size: usize) -> crate::value::PyResult<()> {
    check_alloc(count.saturating_mul(size))
}

/// The global allocator of the `aio` binary: the system allocator, counting the
/// bytes in use while `--max-memory` is set (one relaxed load per call otherwise).
pub struct CountingAlloc;

#[inline]
fn count(delta: isize) {
    let limit = MEMORY_LIMIT.load(Ordering::Relaxed);
    if limit < 0 {
        return;
    }
    let now = ALLOCATED.fetch_add(delta, Ordering::Relaxed) + delta;
    if delta > 0 && now > limit {
        over_limit(now, limit);
    }
}

#[cold]
fn over_limit(now: isize, limit: isize) {
    trip(MEMORY);
    // Far past the limit and still allocating without reaching a check: stop here.
    // Nothing below may allocate.
    if now / 2 > limit {
        hard_exit(
            b"aio: memory limit exceeded: the script allocated far more than --max-memory allows\n",
        );
    }
}

fn hard_exit(msg: &[u8]) -> ! {
    #[cfg(unix)]
    // SAFETY: write(2) and _exit(2) on a static buffer; no allocation, no locks.
    unsafe {
        libc::write(2, msg.as_ptr().cast(), msg.len());
        libc::_exit(STATUS_LIMIT)
    }
    #[cfg(not(unix))]
    {
        let _ = msg;
        std::process::abort()
    }
}

// SAFETY: every call is forwarded to the system allocator unchanged; the counting
// only reads and updates atomics.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: AllocLayout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        System.dealloc(ptr, layout);
        count(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: AllocLayout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

// ---- the VM's side ----

thread_local! {
    static LIMIT_CLASS: Rc<Class> = {
        let base = types::with_types(|t| t.base_exception.clone());
        types::new_class_in("ResourceLimitExceeded", Some(&base), Layout::Exception, false, "aio")
    };
}

impl Vm {
    /// Applies a run's limits to this VM (the process-wide ones are started by the
    /// command line).
    pub fn set_instruction_limit(&mut self, limit: Option<u64>) {
        self.executed = 0;
        self.instruction_limit = limit.unwrap_or(u64::MAX);
    }

    /// The event loop's check between callbacks: a tripped limit stops the loop.
    pub fn check_limits(&mut self) -> crate::value::PyResult<()> {
        if self.executed > self.instruction_limit || INTERRUPT.load(Ordering::Relaxed) {
            if let Some(kind) = self
                .tripped
                .or_else(global_tripped)
                .or((self.executed > self.instruction_limit)
                    .then_some(Tripped::Instructions(self.instruction_limit)))
            {
                self.tripped = Some(kind);
                return Err(limit_exception(kind));
            }
        }
        Ok(())
    }

    /// The check at backward jumps and frame changes: Ctrl-C or a tripped limit.
    #[inline]
    pub fn take_interrupt(&mut self) -> Option<Value> {
        if self.executed > self.instruction_limit || INTERRUPT.load(Ordering::Relaxed) {
            return self.interrupt_slow();
        }
        None
    }

    #[cold]
    fn interrupt_slow(&mut self) -> Option<Value> {
        if self.tripped.is_none() {
            if self.executed > self.instruction_limit {
                self.tripped = Some(Tripped::Instructions(self.instruction_limit));
            } else {
                self.tripped = global_tripped();
            }
        }
        match self.tripped {
            Some(kind) => Some(limit_exception(kind)),
            None => super::take_interrupt(),
        }
    }
}

/// The exception a tripped limit unwinds the script with.
pub fn limit_exception(kind: Tripped) -> Value {
    let class = LIMIT_CLASS.with(|c| c.clone());
    types::new_exception(&class, vec![Value::str(kind.message())])
}

/// The limit a run was stopped by, if any.
pub fn tripped(vm: &Vm) -> Option<Tripped> {
    vm.tripped.or_else(global_tripped)
}
