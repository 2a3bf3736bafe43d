//! The in-memory twin of the SQLite store, for tests and `--db :memory:`-like uses.

use std::collections::{BTreeMap, HashMap};

use super::{
    Commit, Committed, Count, DemandeRow, DemandeStatut, GivenUp, Issue, NewDemande, Pending, Question, Store,
    StoreError, Subscription, kind_of,
};
use crate::dialogue::Session;

#[derive(Debug, Default)]
pub struct MemoryStore {
    sessions: HashMap<String, (String, String)>,
    handled: HashMap<String, String>,
    outbox: Vec<Kept>,
    next_id: i64,
    demandes: Vec<(DemandeRow, NewDemande)>,
    numeros: HashMap<i32, u32>,
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
            for (row, d) in self.demandes.iter_mut().filter(|(_, d)| d.user == user) {
                d.user.clear();
                d.key.clear();
                d.data = blank_person(&d.data);
                if row.statut == DemandeStatut::EnAttente {
                    row.statut = DemandeStatut::Annulee;
                }
            }
        }
        if let Some(d) = c.demand
            && self
                .demandes
                .iter()
                .any(|(r, x)| r.reference == d.reference || (x.annee, x.numero) == (d.annee, d.numero))
        {
            // As SQLite's unique constraint: the whole turn is refused.
            return Err(StoreError::Io(std::io::Error::other(format!("référence {} déjà prise", d.reference))));
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
        if let Some(d) = c.demand {
            self.insert_demande(d, c.at);
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

    fn prune_meta(&mut self, prefix: &str, keep: &[String]) -> Result<usize, StoreError> {
        let before = self.meta.len();
        self.meta.retain(|name, _| !name.starts_with(prefix) || keep.contains(name));
        Ok(before - self.meta.len())
    }

    fn purge_idle(&mut self, before: i64) -> Result<usize, StoreError> {
        self.unanswered.retain(|(_, q)| q.at >= before);
        let n = self.sessions.len();
        self.sessions.retain(|_, (_, json)| serde_json::from_str::<Session>(json).is_ok_and(|s| s.updated >= before));
        self.outbox.retain(|o| o.created >= before);
        self.demandes.retain(|(r, _)| r.created >= before);
        Ok(n - self.sessions.len())
    }

    fn next_number(&mut self, annee: i32) -> Result<u32, StoreError> {
        Ok(self.numeros.get(&annee).copied().unwrap_or(0) + 1)
    }

    fn demande_issue(&mut self, id: i64, reference: &str, issue: Issue<'_>, at: i64) -> Result<(), StoreError> {
        match issue {
            Issue::Envoyee => {
                self.outbox.retain(|o| o.pending.id != id);
            }
            Issue::Reessai { next_at, error } => self.retry_later(id, next_at, error)?,
            Issue::Echec { error } => self.give_up(id, error)?,
        }
        if let Some((row, _)) = self.demandes.iter_mut().find(|(r, _)| r.reference == reference) {
            row.attempts += 1;
            match issue {
                Issue::Envoyee => {
                    row.statut = DemandeStatut::Envoyee;
                    row.sent_at = Some(at);
                }
                Issue::Reessai { error, .. } => row.last_error = Some(error.to_owned()),
                Issue::Echec { error } => {
                    row.statut = DemandeStatut::Echec;
                    row.last_error = Some(error.to_owned());
                }
            }
        }
        Ok(())
    }

    fn demandes(&mut self, since: i64) -> Result<Vec<DemandeRow>, StoreError> {
        let mut rows: Vec<&(DemandeRow, NewDemande)> =
            self.demandes.iter().filter(|(r, _)| r.created >= since).collect();
        rows.sort_by_key(|(_, d)| (d.annee, d.numero));
        Ok(rows.into_iter().map(|(r, _)| r.clone()).collect())
    }

    fn demande_data_mentions(&mut self, needle: &str) -> Result<Vec<String>, StoreError> {
        Ok(self.demandes.iter().filter(|(_, d)| d.data.contains(needle)).map(|(r, _)| r.reference.clone()).collect())
    }
}

impl MemoryStore {
    fn insert_demande(&mut self, d: &NewDemande, at: i64) {
        let statut = if d.email.is_some() { DemandeStatut::EnAttente } else { DemandeStatut::Manuelle };
        let row = DemandeRow {
            reference: d.reference.clone(),
            created: at,
            commune: d.commune.clone(),
            insee: d.insee.clone(),
            themes: d.themes.clone(),
            etape: d.etape.clone(),
            statut,
            sent_at: None,
            attempts: 0,
            last_error: None,
        };
        let last = self.numeros.entry(d.annee).or_insert(0);
        *last = (*last).max(d.numero);
        if let Some(email) = &d.email {
            self.next_id += 1;
            let pending = Pending {
                id: self.next_id,
                key: format!("email:{}", d.reference),
                payload: email.clone(),
                attempts: 0,
                next_at: at,
            };
            self.outbox.push(Kept { pending, user: d.user.clone(), created: at, failed: None });
        }
        self.demandes.push((row, d.clone()));
    }
}

/// The stored demand without the person's words, name, role and contact.
fn blank_person(data: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(data) else { return String::new() };
    if let Some(o) = v.as_object_mut() {
        for k in ["description", "demandeur", "qualite", "contact"] {
            if o.contains_key(k) {
                o.insert(k.to_owned(), serde_json::Value::String(String::new()));
            }
        }
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn passes_the_store_suite() {
        super::super::suite::run(&mut super::MemoryStore::default());
    }
}
