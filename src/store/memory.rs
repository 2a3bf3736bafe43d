//! The in-memory twin of the SQLite store, for tests and `--db :memory:`-like uses.

use std::collections::HashMap;

use super::{Store, StoreError};
use crate::dialogue::Session;

#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: HashMap<String, (String, String)>,
    handled: HashMap<String, String>,
}

impl Store for MemoryStore {
    fn load(&mut self, key: &str) -> Result<Option<Session>, StoreError> {
        self.sessions.get(key).map(|(_, json)| serde_json::from_str(json).map_err(StoreError::from)).transpose()
    }

    fn save(&mut self, key: &str, user: &str, session: &Session, event: Option<&str>) -> Result<(), StoreError> {
        // Same serialisation as SQLite, so both stores fail on the same sessions.
        let json = serde_json::to_string(session)?;
        self.sessions.insert(key.to_owned(), (user.to_owned(), json));
        if let Some(e) = event {
            self.handled.insert(e.to_owned(), user.to_owned());
        }
        Ok(())
    }

    fn is_handled(&mut self, event: &str) -> Result<bool, StoreError> {
        Ok(self.handled.contains_key(event))
    }

    fn mark_handled(&mut self, event: &str, _at: i64) -> Result<(), StoreError> {
        self.handled.insert(event.to_owned(), String::new());
        Ok(())
    }

    fn forget_user(&mut self, user: &str) -> Result<usize, StoreError> {
        let before = self.sessions.len();
        self.sessions.retain(|_, (u, _)| u != user);
        self.handled.retain(|_, u| u != user);
        Ok(before - self.sessions.len())
    }

    fn purge_idle(&mut self, before: i64) -> Result<usize, StoreError> {
        let n = self.sessions.len();
        self.sessions.retain(|_, (_, json)| serde_json::from_str::<Session>(json).is_ok_and(|s| s.updated >= before));
        Ok(n - self.sessions.len())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passes_the_store_suite() {
        super::super::suite::run(&mut super::MemoryStore::default());
    }
}
