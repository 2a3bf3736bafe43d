//! The in-memory twin of the SQLite store, for tests and `--db :memory:`-like uses.

use std::collections::HashMap;

use super::{Commit, Committed, Pending, Store, StoreError};
use crate::dialogue::Session;

#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: HashMap<String, (String, String)>,
    handled: HashMap<String, String>,
    /// id, key, user, payload, created.
    outbox: Vec<(i64, String, String, String, i64)>,
    next_id: i64,
}

impl Store for MemoryStore {
    fn load(&mut self, key: &str) -> Result<Option<Session>, StoreError> {
        self.sessions.get(key).map(|(_, json)| serde_json::from_str(json).map_err(StoreError::from)).transpose()
    }

    fn sessions(&mut self) -> Result<Vec<Session>, StoreError> {
        let mut keys: Vec<&String> = self.sessions.keys().collect();
        keys.sort();
        Ok(keys.into_iter().filter_map(|k| serde_json::from_str(&self.sessions[k].1).ok()).collect())
    }

    fn commit(&mut self, c: &Commit<'_>) -> Result<Committed, StoreError> {
        // Same serialisation as SQLite, so both stores fail on the same sessions (and before
        // anything is written).
        let json = c.session.map(|(_, _, s)| serde_json::to_string(s)).transpose()?;
        let mut done = Committed::default();
        if let Some(user) = c.forget {
            let before = self.sessions.len();
            self.sessions.retain(|_, (u, _)| u != user);
            self.handled.retain(|_, u| u != user);
            self.outbox.retain(|o| o.2 != user);
            done.forgotten = before - self.sessions.len();
        }
        if let (Some((key, user, _)), Some(json)) = (c.session, json) {
            self.sessions.insert(key.to_owned(), (user.to_owned(), json));
        }
        if let Some((event, user)) = c.event {
            self.handled.entry(event.to_owned()).or_insert_with(|| user.to_owned());
        }
        if let Some((key, user, payload)) = c.reply {
            self.next_id += 1;
            self.outbox.push((self.next_id, key.to_owned(), user.to_owned(), payload.to_owned(), c.at));
            done.reply = Some(self.next_id);
        }
        Ok(done)
    }

    fn is_handled(&mut self, event: &str) -> Result<bool, StoreError> {
        Ok(self.handled.contains_key(event))
    }

    fn pending(&mut self, transport: &str) -> Result<Vec<Pending>, StoreError> {
        let prefix = format!("{transport}:");
        Ok(self
            .outbox
            .iter()
            .filter(|o| o.1.starts_with(&prefix))
            .map(|o| Pending { id: o.0, key: o.1.clone(), payload: o.3.clone() })
            .collect())
    }

    fn delivered(&mut self, id: i64) -> Result<(), StoreError> {
        self.outbox.retain(|o| o.0 != id);
        Ok(())
    }

    fn purge_idle(&mut self, before: i64) -> Result<usize, StoreError> {
        let n = self.sessions.len();
        self.sessions.retain(|_, (_, json)| serde_json::from_str::<Session>(json).is_ok_and(|s| s.updated >= before));
        self.outbox.retain(|o| o.4 >= before);
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
