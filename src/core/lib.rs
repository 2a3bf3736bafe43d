//! The sans-IO core of aiguilleur: what the bot understands and what it says.
//!
//! - [`content`]: the content files (dialogues, vocabulary, Fluent messages, catalogue, communes)
//!   read through a [`content::source::Source`] and validated into a [`content::Content`], with
//!   French diagnostics at `file:line:col`;
//! - [`dialogue`]: the dialogue engine (answers, flow, results, follow-up questions) over a
//!   [`dialogue::session::Session`];
//! - [`catalogue`]: dispositifs, acteurs, communes and programmes, matching and search;
//! - [`render`]: replies laid out as blocks, then as plain text, Matrix HTML or Discord messages;
//!   [`inbound`], its counterpart: the person's words out of a platform's message;
//! - [`i18n`], [`reply`], [`text`]: Fluent messages, the replies the engine returns, French text
//!   folding.
//!
//! Nothing here opens a file, a socket or a database, nor knows the store, the driver or a
//! transport: this crate does not depend on them, so the compiler refuses any such use. The
//! `aiguilleur` crate re-exports these modules under the same names.

pub mod catalogue;
pub mod content;
pub mod dialogue;
pub mod i18n;
pub mod inbound;
pub mod render;
pub mod reply;
pub mod text;
