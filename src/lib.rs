//! aiguilleur: a bot that tells elected officials of the Manche which door to knock on.
//!
//! The core ([`dialogue`], [`catalogue`], [`content`], [`render`], [`inbound`], [`i18n`], [`reply`],
//! [`text`])
//! is the sans-IO crate `aiguilleur-core` (`src/core/`), re-exported here under the same names;
//! [`content::load`] reads it from disk. [`bot`] ties it to a [`store`]; the [`driver`] does what
//! every transport shares, and [`adapters`] translate each platform. See `README.md` and
//! `dialogues/LISEZMOI.md`.

pub use aiguilleur_core::{catalogue, dialogue, i18n, inbound, render, reply, text};

pub mod adapters;
pub mod alerts;
pub mod backup;
pub mod bot;
pub mod config;
pub mod content;
pub mod disk;
pub mod doctor;
pub mod driver;
pub mod eval;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod loadtest;
pub mod saisine;
pub mod stats;
pub mod store;
pub mod transcript;
