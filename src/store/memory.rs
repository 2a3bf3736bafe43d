//! The in-memory twin of the SQLite store, for tests and `--db :memory:`-like uses.

use std::collections::{BTreeMap, HashMap};

use super::{Commit, Committed, Count, GivenUp, Pending, Question, Store, StoreError, Subscription, kind_of};
use crate::dialogue::Session;

#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: HashMap<String, (String, String)>,
    handled: HashMap<String, String>,
    outbox: Vec<Kept>,
    next_id: i64,
    /// (week, dim, value) → count.
    stats: BTreeMap<(String, String, String), i64>,
    /// (user, question).
    unanswered: Vec<(String, Question)>,
    subscriptions: BTreeMap<String, Subscription>,
    meta: HashMap<String, String>,
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
            self.unanswered.retain(|(u, _)| u != user);
            self.subscriptions.retain(|_, s| s.user != user);
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
        if !c.counts.is_empty() {
            let week = crate::stats::iso_week(c.at);
            for f in c.counts {
                *self.stats.entry((week.clone(), f.dim.to_owned(), f.value.clone())).or_default() += 1;
            }
        }
        if let Some((user, text)) = c.unanswered {
            self.unanswered.push((user.to_owned(), Question { at: c.at, text: text.to_owned() }));
        }
        if let Some(key) = c.unsubscribe {
            self.subscriptions.remove(key);
        }
        if let Some(sub) = c.subscribe {
            let last_alert = self.subscriptions.get(&sub.key).and_then(|s| s.last_alert);
            self.subscriptions.insert(sub.key.clone(), Subscription { last_alert, ..sub.clone() });
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

    fn counts(&mut self, from: &str, to: &str) -> Result<Vec<Count>, StoreError> {
        Ok(self
            .stats
            .iter()
            .filter(|((w, _, _), _)| w.as_str() >= from && w.as_str() <= to)
            .map(|((week, dim, value), n)| Count { week: week.clone(), dim: dim.clone(), value: value.clone(), n: *n })
            .collect())
    }

    fn unanswered(&mut self) -> Result<Vec<Question>, StoreError> {
        let mut out: Vec<Question> = self.unanswered.iter().map(|(_, q)| q.clone()).collect();
        out.sort_by_key(|q| q.at);
        Ok(out)
    }

    fn subscriptions(&mut self) -> Result<Vec<Subscription>, StoreError> {
        Ok(self.subscriptions.values().cloned().collect())
    }

    fn alerted(&mut self, key: &str, at: i64) -> Result<(), StoreError> {
        if let Some(s) = self.subscriptions.get_mut(key) {
            s.last_alert = Some(at);
        }
        Ok(())
    }

    fn meta(&mut self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self.meta.get(name).cloned())
    }

    fn set_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.meta.insert(name.to_owned(), value.to_owned());
        Ok(())
    }

    fn purge_idle(&mut self, before: i64) -> Result<usize, StoreError> {
        self.unanswered.retain(|(_, q)| q.at >= before);
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
