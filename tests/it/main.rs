//! The one integration-test binary (each extra binary would relink everything).

mod support;

mod catalogue;
mod chat_process;
mod check;
mod crash;
mod discord;
mod engine;
mod fake_discord;
mod matrix;
mod synapse;
mod transcripts;
