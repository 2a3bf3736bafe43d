//! Transports. Each one turns its platform's events into [`crate::driver::Message`]s and the
//! rendered replies into platform calls; everything they share (opening a conversation, the
//! durable reply, ordering, retries, admin commands, start and stop) is the driver's
//! ([`crate::driver`]). No dialogue logic lives here.

pub mod console;
#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "matrix")]
pub mod matrix;

pub use crate::driver::now;
