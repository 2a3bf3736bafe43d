//! The one integration-test binary (each extra binary would relink everything).

mod support;

mod catalogue;
mod chat_process;
mod check;
mod crash;
#[cfg(all(feature = "matrix", feature = "discord"))]
mod demande;
#[cfg(feature = "discord")]
mod discord;
mod elsewhere;
mod engine;
mod eval;
#[cfg(feature = "discord")]
mod fake_discord;
mod fuzz_corpus;
mod hostile;
mod layering;
#[cfg(feature = "matrix")]
mod matrix;
#[cfg(feature = "matrix")]
mod matrix_alerts;
#[cfg(feature = "matrix")]
mod matrix_crash;
mod ops;
mod programmes;
mod questionnaire;
#[cfg(all(feature = "matrix", feature = "discord"))]
mod smtp_server;
mod stats;
#[cfg(feature = "matrix")]
mod synapse;
mod transcripts;
