//! The one clock every time reading goes through: `time.time()`, `time.monotonic()`,
//! `time.sleep()` and the event loop's `loop.time()` all ask it, so virtual time is a
//! choice of clock rather than a special case scattered through the code.

use crate::ClockMode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The wall-clock origin of virtual time: `time.time()` reads `VIRTUAL_EPOCH + now()`,
/// the same fixed origin as the CPython reference runner, so wall times are reproducible.
pub const VIRTUAL_EPOCH: f64 = 1_700_000_000.0;

/// Where the runtime's time comes from.
#[derive(Debug, Clone)]
pub enum Clock {
    /// Real time: monotonic seconds since the program started, wall time from the system.
    Real {
        /// When the clock was made (monotonic time 0).
        start: Instant,
    },
    /// Virtual time: starts at 0 and moves only when advanced (sleeps, timers).
    Virtual {
        /// The current monotonic time in seconds.
        now: f64,
    },
}

impl Clock {
    /// A clock of the given mode, at time 0.
    pub fn new(mode: ClockMode) -> Clock {
        match mode {
            ClockMode::Real => Clock::Real {
                start: Instant::now(),
            },
            ClockMode::Virtual => Clock::Virtual { now: 0.0 },
        }
    }

    /// True for virtual time.
    pub fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual { .. })
    }

    /// Monotonic seconds (`time.monotonic()`, `time.perf_counter()`, `loop.time()`).
    pub fn now(&self) -> f64 {
        match self {
            Clock::Real { start } => start.elapsed().as_secs_f64(),
            Clock::Virtual { now } => *now,
        }
    }

    /// Seconds since the Unix epoch (`time.time()`).
    pub fn wall(&self) -> f64 {
        match self {
            Clock::Real { .. } => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0),
            Clock::Virtual { now } => VIRTUAL_EPOCH + *now,
        }
    }

    /// A blocking sleep of `seconds` (`time.sleep`): real time waits, virtual time jumps.
    pub fn sleep_blocking(&mut self, seconds: f64) {
        // Zero, negative and NaN durations do not move the clock.
        if seconds.is_nan() || seconds <= 0.0 {
            return;
        }
        match self {
            Clock::Real { .. } => {
                // In slices, so a Ctrl-C (which only sets a flag) ends the sleep early.
                let Ok(total) = Duration::try_from_secs_f64(seconds) else {
                    return;
                };
                let end = std::time::Instant::now() + total;
                let slice = Duration::from_millis(20);
                loop {
                    if crate::vm::INTERRUPT.load(std::sync::atomic::Ordering::Relaxed) {
                        return;
                    }
                    let now = std::time::Instant::now();
                    if now >= end {
                        return;
                    }
                    std::thread::sleep((end - now).min(slice));
                }
            }
            Clock::Virtual { now } => *now += seconds,
        }
    }

    /// Moves virtual time forward to `t` (the event loop's jump to its next timer).
    /// Real time cannot be moved, and virtual time never goes backwards.
    pub fn advance_to(&mut self, t: f64) {
        if let Clock::Virtual { now } = self {
            if t > *now {
                *now = t;
            }
        }
    }
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::new(ClockMode::Real)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_clock_moves_only_when_told() {
        let mut c = Clock::new(ClockMode::Virtual);
        assert_eq!(c.now(), 0.0);
        assert_eq!(c.wall(), VIRTUAL_EPOCH);
        c.sleep_blocking(1.5);
        assert_eq!(c.now(), 1.5);
        c.sleep_blocking(-1.0);
        c.advance_to(1.0);
        assert_eq!(c.now(), 1.5);
        c.advance_to(4.0);
        assert_eq!(c.wall(), VIRTUAL_EPOCH + 4.0);
    }

    #[test]
    fn real_clock_is_monotonic() {
        let c = Clock::new(ClockMode::Real);
        let a = c.now();
        assert!(c.now() >= a);
        assert!(c.wall() > VIRTUAL_EPOCH);
    }
}
