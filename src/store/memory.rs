//! The in-memory twin of the SQLite store, for tests and `--db :memory:`-like uses.

use std::collections::HashMap;

use super::{Commit, Committed, GivenUp, Pending, Store, StoreError, kind_of};
use crate::dialogue::Session;

#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: HashMap<String, (String, String)>,
    handled: HashMap<String, String>,
    outbox: Vec<Kept>,
    next_id: i64,
}

#[derive(Debug)]
struct Kept {
    pending: Pending,
    user: String,
    created: i64,
    /// Why it was given up, once it was.
    failed: Option<String>,
}

impl MemoryStore {
    fn kept(&mut self, id: i64) -> Option<&mut Kept> {
        self.outbox.iter_mut().find(|k| k.pending.id == id)
    }

    fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Kept> + 'a {
        self.outbox.iter().filter(move |k| kind_of(&k.pending.key) == kind)
    }
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
            self.outbox.retain(|o| o.user != user);
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
            let (id, key, payload) = (self.next_id, key.to_owned(), payload.to_owned());
            let pending = Pending { id, key, payload, attempts: 0, next_at: c.at };
            self.outbox.push(Kept { pending, user: user.to_owned(), created: c.at, failed: None });
            done.reply = Some(self.next_id);
        }
        Ok(done)
    }

    fn is_handled(&mut self, event: &str) -> Result<bool, StoreError> {
        Ok(self.handled.contains_key(event))
    }

    fn pending(&mut self, kind: &str) -> Result<Vec<Pending>, StoreError> {
        Ok(self.of_kind(kind).filter(|k| k.failed.is_none()).map(|k| k.pending.clone()).collect())
    }

    fn delivered(&mut self, id: i64) -> Result<(), StoreError> {
        self.outbox.retain(|o| o.pending.id != id);
        Ok(())
    }

    fn retry_later(&mut self, id: i64, next_at: i64, _error: &str) -> Result<(), StoreError> {
        if let Some(k) = self.kept(id) {
            k.pending.attempts += 1;
            k.pending.next_at = next_at;
        }
        Ok(())
    }

    fn give_up(&mut self, id: i64, error: &str) -> Result<(), StoreError> {
        if let Some(k) = self.kept(id) {
            k.pending.attempts += 1;
            k.failed = Some(error.to_owned());
        }
        Ok(())
    }

    fn given_up(&mut self, kind: &str) -> Result<Vec<GivenUp>, StoreError> {
        Ok(self
            .of_kind(kind)
            .filter_map(|k| {
                let p = &k.pending;
                let error = k.failed.clone()?;
                Some(GivenUp { id: p.id, key: p.key.clone(), payload: p.payload.clone(), attempts: p.attempts, error })
            })
            .collect())
    }

    fn purge_idle(&mut self, before: i64) -> Result<usize, StoreError> {
        let n = self.sessions.len();
        self.sessions.retain(|_, (_, json)| serde_json::from_str::<Session>(json).is_ok_and(|s| s.updated >= before));
        self.outbox.retain(|o| o.created >= before);
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
