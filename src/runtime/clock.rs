//! The one clock every part of aio reads: real (monotonic) or virtual.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The fixed wall-clock origin of virtual time (the same as the reference tool's).
pub const VIRTUAL_EPOCH: f64 = 1_700_000_000.0;

/// Real or virtual time.
pub enum Clock {
    /// Monotonic time since the interpreter started.
    Real { start: Instant },
    /// Virtual time: advances only when the event loop jumps to a timer or a
    /// blocking sleep asks it to.
    Virtual { now: f64 },
}

impl Clock {
    /// A clock of the given mode.
    pub fn new(virtual_time: bool) -> Clock {
        if virtual_time {
            Clock::Virtual { now: 0.0 }
        } else {
            Clock::Real { start: Instant::now() }
        }
    }

    pub fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual { .. })
    }

    /// Monotonic seconds (time.monotonic(), loop.time()).
    pub fn now(&self) -> f64 {
        match self {
            Clock::Real { start } => start.elapsed().as_secs_f64(),
            Clock::Virtual { now } => *now,
        }
    }

    /// Seconds since the epoch (time.time()).
    pub fn wall(&self) -> f64 {
        match self {
            Clock::Real { .. } => SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64()),
            Clock::Virtual { now } => VIRTUAL_EPOCH + *now,
        }
    }

    /// A blocking sleep (time.sleep): waits for real, or advances virtual time.
    pub fn sleep_blocking(&mut self, seconds: f64) {
        if seconds <= 0.0 || !seconds.is_finite() {
            return;
        }
        match self {
            Clock::Real { .. } => std::thread::sleep(std::time::Duration::from_secs_f64(seconds)),
            Clock::Virtual { now } => *now += seconds,
        }
    }

    /// Virtual time only: jumps forward to `t` (never backwards).
    pub fn advance_to(&mut self, t: f64) {
        if let Clock::Virtual { now } = self {
            if t > *now {
                *now = t;
            }
        }
    }
}
