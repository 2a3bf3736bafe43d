//! The guided dialogue: a pure state machine over content.
//!
//! [`step`] takes the content, a session and one message, and returns the replies. It does no
//! I/O, reads no clock (the time is passed in) and draws no random numbers, so every adapter and
//! every test drives it the same way.

mod engine;
pub mod model;
pub mod parse;
mod quick;
pub mod session;

pub use engine::{reprompt, step, upgrade};
pub use model::{Dialogue, Value};
pub use session::{Pending, Session};
