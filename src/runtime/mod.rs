//! The runtime around the VM: the clock (and, with the event loop, the scheduler).

pub mod clock;
