//! Hot reload of the content: on an admin's `!recharger`, and for the long-running transports
//! (feature `service`) on SIGHUP and when a content file changes (debounced). A reload whose
//! content fails the check is refused and logged with its diagnostics; the bot keeps serving
//! the previous content.

use std::path::Path;
use std::sync::Arc;

use super::{SharedBot, locked};
use crate::content;
use crate::i18n::Arg;
use crate::reply::Reply;

/// What a reload did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The new content is served (its version).
    Reloaded { version: String },
    /// Nothing changed on disk.
    Unchanged,
    /// The new content has errors: the previous one is still served. Rendered diagnostics.
    Refused { errors: usize, diagnostics: Vec<String> },
}

/// Loads the content under `root` and, if it validates, swaps it into the bot.
#[must_use]
pub fn try_reload(bot: &SharedBot, root: &Path) -> Outcome {
    let loaded = content::load(root);
    let errors = loaded.errors();
    let Some(new) = loaded.content else {
        let diagnostics: Vec<String> =
            loaded.diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
        tracing::error!(
            errors,
            "rechargement refusé, le contenu précédent reste en service:\n{}",
            diagnostics.join("")
        );
        return Outcome::Refused { errors, diagnostics };
    };
    let mut bot = locked(bot);
    if bot.content().version == new.version {
        return Outcome::Unchanged;
    }
    let version = new.version.clone();
    bot.set_content(Arc::new(new));
    tracing::info!(%version, "contenu rechargé");
    Outcome::Reloaded { version }
}

/// What an admin sees after asking for a reload.
#[must_use]
pub fn outcome_replies(outcome: &Outcome) -> Vec<Reply> {
    match outcome {
        Outcome::Reloaded { version } => {
            vec![Reply::say_with("rechargement-ok", vec![("version", Arg::Text(version.clone()))])]
        }
        Outcome::Unchanged => vec![Reply::say("rechargement-inchange")],
        Outcome::Refused { errors, diagnostics } => {
            let first: String = diagnostics.iter().take(5).cloned().collect();
            vec![Reply::say_with(
                "rechargement-refuse",
                vec![
                    ("nombre", Arg::Number(i64::try_from(*errors).unwrap_or(i64::MAX))),
                    ("diagnostics", Arg::Text(first)),
                ],
            )]
        }
    }
}

/// Spawns the reload triggers: SIGHUP and file changes under the content root (debounced).
/// Returns the watcher, which must be kept alive.
///
/// # Errors
/// When the file watcher cannot start.
#[cfg(feature = "service")]
pub fn spawn(bot: SharedBot, root: std::path::PathBuf) -> anyhow::Result<impl Drop> {
    #[cfg(unix)]
    {
        let (bot, root) = (bot.clone(), root.clone());
        tokio::spawn(async move {
            let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else { return };
            while hup.recv().await.is_some() {
                let outcome = try_reload(&bot, &root);
                tracing::info!(?outcome, "SIGHUP");
            }
        });
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let mut debouncer =
        notify_debouncer_full::new_debouncer(std::time::Duration::from_millis(500), None, move |res| {
            if let Ok(events) = res {
                let events: Vec<notify_debouncer_full::DebouncedEvent> = events;
                if events.iter().any(|e| !e.kind.is_access()) {
                    let _ = tx.send(());
                }
            }
        })?;
    for dir in ["dialogues", "locales", "data"] {
        let path = root.join(dir);
        if path.is_dir() {
            debouncer.watch(&path, notify::RecursiveMode::Recursive)?;
        }
    }
    tokio::spawn(async move {
        while rx.recv().await.is_some() {
            let outcome = try_reload(&bot, &root);
            tracing::info!(?outcome, "fichiers de contenu modifiés");
        }
    });
    Ok(debouncer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::Bot;
    use crate::store::SqliteStore;

    #[test]
    fn a_broken_reload_keeps_the_previous_content() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = tempfile::tempdir().unwrap();
        for sub in ["dialogues", "locales", "data"] {
            copy(&root.join(sub), &dir.path().join(sub));
        }
        let content = Arc::new(content::load(dir.path()).content.unwrap());
        let v0 = content.version.clone();
        let store = SqliteStore::open(Path::new(":memory:")).unwrap();
        let bot: SharedBot = Arc::new(std::sync::Mutex::new(Bot::new(content, store, "fr")));
        assert_eq!(try_reload(&bot, dir.path()), Outcome::Unchanged);

        let dialogue = dir.path().join("dialogues/orientation.toml");
        let text = std::fs::read_to_string(&dialogue).unwrap();
        std::fs::write(&dialogue, text.replace("next = \"population\"", "next = \"populaton\"")).unwrap();
        let Outcome::Refused { errors, diagnostics } = try_reload(&bot, dir.path()) else { panic!("accepted") };
        assert_eq!(errors, 1);
        assert!(diagnostics[0].contains("D003"), "{diagnostics:?}");
        assert_eq!(bot.lock().unwrap().content().version, v0, "previous content still served");

        std::fs::write(&dialogue, text.replace("ask = \"q-theme\"", "ask = \"q-theme\"\n# modifié")).unwrap();
        assert!(matches!(try_reload(&bot, dir.path()), Outcome::Reloaded { .. }));
        assert_ne!(bot.lock().unwrap().content().version, v0);
    }

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            if e.path().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
}
