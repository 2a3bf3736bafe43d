//! Where conversations live between turns: a small trait, an SQLite implementation and an
//! in-memory twin, run through the same test suite.
//!
//! A turn's session and the id of the event it answered are written in one transaction, so a
//! crash never leaves an event answered but unrecorded, or recorded but unanswered.

mod memory;
mod sqlite;

pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

use crate::dialogue::Session;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("base SQLite : {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("session illisible : {0}")]
    Format(#[from] serde_json::Error),
    #[error("fichier de base : {0}")]
    Io(#[from] std::io::Error),
}

/// Sessions by key (`transport:conversation:user`), and the events already answered.
pub trait Store: Send {
    /// The session stored under `key`.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn load(&mut self, key: &str) -> Result<Option<Session>, StoreError>;

    /// Saves the session after a turn and, in the same transaction, marks `event` handled.
    ///
    /// # Errors
    /// When the store cannot be written; then nothing is written.
    fn save(&mut self, key: &str, user: &str, session: &Session, event: Option<&str>) -> Result<(), StoreError>;

    /// Whether `event` was already answered.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn is_handled(&mut self, event: &str) -> Result<bool, StoreError>;

    /// Records `event` as answered without any session (after an erasure, say).
    ///
    /// # Errors
    /// When the store cannot be written.
    fn mark_handled(&mut self, event: &str, at: i64) -> Result<(), StoreError>;

    /// Deletes everything stored about `user`; returns how many sessions went.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn forget_user(&mut self, user: &str) -> Result<usize, StoreError>;

    /// Deletes sessions idle since before `before` (seconds); returns how many went.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn purge_idle(&mut self, before: i64) -> Result<usize, StoreError>;
}

#[cfg(test)]
pub(crate) mod suite {
    //! The one test suite every store passes.
    use super::*;

    fn session(node: &str, now: i64) -> Session {
        let mut s = Session::new("orientation", "fr", "v1", now);
        s.node = Some(node.into());
        s
    }

    pub fn run(store: &mut dyn Store) {
        assert!(store.load("console:t:alice").unwrap().is_none());
        store.save("console:t:alice", "alice", &session("commune", 10), Some("$e1")).unwrap();
        assert_eq!(store.load("console:t:alice").unwrap().unwrap().node.as_deref(), Some("commune"));
        assert!(store.is_handled("$e1").unwrap());
        assert!(!store.is_handled("$e2").unwrap());
        store.save("console:t:alice", "alice", &session("population", 20), None).unwrap();
        assert_eq!(store.load("console:t:alice").unwrap().unwrap().node.as_deref(), Some("population"));
        store.save("console:u:bob", "bob", &session("theme", 5), Some("$b1")).unwrap();
        assert_eq!(store.purge_idle(10).unwrap(), 1, "bob idle since 5");
        assert!(store.load("console:u:bob").unwrap().is_none());
        assert_eq!(store.forget_user("alice").unwrap(), 1);
        assert!(store.load("console:t:alice").unwrap().is_none());
        assert!(!store.is_handled("$e1").unwrap(), "forgetting a user forgets their events");
        store.mark_handled("$e3", 30).unwrap();
        assert!(store.is_handled("$e3").unwrap());
    }
}
