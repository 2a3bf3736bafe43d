//! Transports: each turns its platform's events into [`crate::bot::Incoming`] and renders
//! replies. No dialogue logic lives here.

pub mod console;
#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "matrix")]
pub mod matrix;
#[cfg(feature = "adapters")]
pub mod reload;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::bot::Bot;
use crate::content::Content;
use crate::store::SqliteStore;

/// The bot shared by an adapter's tasks. A turn takes microseconds: a plain mutex is enough.
pub type SharedBot = Arc<Mutex<Bot<SqliteStore>>>;

/// What every adapter is started with, from the common command-line options.
#[derive(Debug, Clone)]
pub struct Common {
    pub content: Arc<Content>,
    /// The content root, for reloads.
    pub content_root: PathBuf,
    /// The SQLite file of conversations (`None`: the adapter's data directory decides).
    pub db: Option<PathBuf>,
    pub lang: String,
    /// Idle sessions older than this are erased (days).
    pub retention_days: u32,
}

/// Seconds since the Unix epoch.
#[must_use]
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[cfg(feature = "adapters")]
/// Idle sessions are erased once an hour (the retention promised to users).
pub(crate) async fn purge_loop(bot: SharedBot) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
    tick.tick().await;
    loop {
        tick.tick().await;
        let bot = bot.clone();
        let done = tokio::task::spawn_blocking(move || {
            bot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).purge_idle(now())
        })
        .await;
        match done {
            Ok(Ok(n)) if n > 0 => tracing::info!(n, "sessions inactives effacées"),
            Ok(Err(e)) => tracing::warn!(error = %e, "purge des sessions"),
            _ => {}
        }
    }
}

#[cfg(feature = "adapters")]
/// Resolves on SIGTERM or Ctrl-C.
pub(crate) async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
