//! Transports: each turns its platform's events into [`crate::bot::Incoming`] and renders
//! replies. No dialogue logic lives here.

pub mod console;
