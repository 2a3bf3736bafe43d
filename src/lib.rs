//! aiguilleur: a bot that tells elected officials of the Manche which door to knock on.
//!
//! The core ([`dialogue`], [`catalogue`], [`content`], [`render`]) is sans-IO; [`bot`] ties it to
//! a [`store`]; the [`driver`] does what every transport shares, and [`adapters`] translate each
//! platform. See `README.md` and `dialogues/LISEZMOI.md`.

pub mod adapters;
pub mod alerts;
pub mod backup;
pub mod bot;
pub mod catalogue;
pub mod config;
pub mod content;
pub mod dialogue;
pub mod disk;
pub mod doctor;
pub mod driver;
pub mod eval;
pub mod export;
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
pub mod loadtest;
pub mod render;
pub mod reply;
pub mod saisine;
pub mod stats;
pub mod store;
pub mod text;
pub mod transcript;
