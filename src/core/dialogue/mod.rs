//! The guided dialogue: a pure state machine over content.
//!
//! [`step`] takes the content, a session and one message, and returns the replies. It does no
//! I/O, reads no clock (the time is passed in) and draws no random numbers, so every adapter and
//! every test drives it the same way.
//!
//! - `engine`: the flow between questions (and the global words);
//! - `answer`: a message read as an answer (corrections, "je ne sais pas", extraction);
//! - `results`: the profile, the results, "détails", "pourquoi pas";
//! - `followup`: quick questions, follow-ups, questions outside the field;
//! - [`parse`]: numbers, choices, yes/no, negations; [`vocab`]: the words recognised;
//! - [`walk`]: the dead-end walk that `check` and the tests run on every dialogue.

mod answer;
mod engine;
pub mod followup;
pub mod model;
pub mod parse;
mod results;
pub mod session;
pub mod vocab;
pub mod walk;

pub use engine::{profil, reprompt, step, upgrade};
pub use model::{Dialogue, Value};
pub use results::echec_message;
pub use session::{Pending, Session};
