//! The one integration-test binary (each extra binary would relink everything).

mod support;

mod catalogue;
mod chat_process;
mod check;
mod engine;
mod transcripts;
