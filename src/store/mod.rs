//! Where conversations live between turns: a small trait, an SQLite implementation and an
//! in-memory twin, run through the same test suite.
//!
//! A turn's session and the id of the event it answered are written in one transaction, so a
//! crash never leaves an event answered but unrecorded, or recorded but unanswered.

mod memory;
mod sqlite;

pub use memory::MemoryStore;
pub(crate) use sqlite::create_owner_only;
pub use sqlite::{SCHEMA_VERSION, SqliteStore};

use crate::dialogue::Session;
pub use crate::stats::report::Count;
pub use crate::stats::unanswered::Question;

/// The destination kind of an outbox row: its key's first segment (`matrix:…` → `matrix`).
fn kind_of(key: &str) -> &str {
    key.split(':').next().unwrap_or_default()
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("base SQLite : {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("session illisible : {0}")]
    Format(#[from] serde_json::Error),
    #[error("fichier de base : {0}")]
    Io(#[from] std::io::Error),
}

/// What one turn writes, all in one transaction: erase a person, save a session, record the
/// event answered, keep the reply until its transport delivered it. Absent parts are skipped.
#[derive(Debug, Clone, Copy, Default)]
pub struct Commit<'a> {
    /// Everything stored about this user is deleted first (RGPD "oublie-moi").
    pub forget: Option<&'a str>,
    /// Session key, user, session.
    pub session: Option<(&'a str, &'a str, &'a Session)>,
    /// Event id answered, and whose it is (empty: nobody's).
    pub event: Option<(&'a str, &'a str)>,
    /// A reply to deliver: session key, user (empty: nobody's), payload packed by the driver.
    /// The key's first segment (`matrix`, `discord`, later `email`) is the destination kind
    /// whose consumer delivers it.
    pub reply: Option<(&'a str, &'a str, &'a str)>,
    /// A demand forwarded to the single entry point, with its email to send (if any).
    pub demand: Option<&'a NewDemande>,
    /// Anonymous counters to add one to, in the ISO week of `at` ([`crate::stats::facts`]).
    pub counts: &'a [crate::stats::Fact],
    /// A quick question left without an answer: the user (it is erased with them, and after
    /// the retention) and the text typed.
    pub unanswered: Option<(&'a str, &'a str)>,
    /// A subscription to alerts, replacing the one of the same key.
    pub subscribe: Option<&'a Subscription>,
    /// Ends the subscription of this session key (« stop alertes »).
    pub unsubscribe: Option<&'a str>,
    /// Seconds since the Unix epoch.
    pub at: i64,
}

/// A demand confirmed in this turn, stored with it. Its reference (`DEM-2026-0042`) was taken
/// from [`Store::next_number`] before the commit; the commit fails if another writer took it
/// meanwhile (the reference is unique), and then nothing of the turn is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDemande {
    pub reference: String,
    pub annee: i32,
    pub numero: u32,
    /// The session key and the person (erased by "oublie-moi").
    pub key: String,
    pub user: String,
    pub commune: Option<String>,
    pub insee: Option<String>,
    pub themes: Vec<String>,
    pub etape: Option<String>,
    /// The whole demand as the person confirmed it (JSON of a [`crate::reply::DemandeView`]).
    pub data: String,
    /// The email to send, as the outbox keeps it (`email:<reference>` row); `None`: no SMTP is
    /// configured, the person was given the text to send themselves.
    pub email: Option<String>,
}

/// Where a stored demand is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemandeStatut {
    /// In the outbox: not yet accepted by the SMTP server.
    EnAttente,
    /// Accepted by the SMTP server.
    Envoyee,
    /// Refused for good (a 5xx answer): the reason is kept.
    Echec,
    /// No SMTP configured: the person was given the text and a mailto: link.
    Manuelle,
    /// The person asked to be forgotten before it left: not sent.
    Annulee,
}

impl DemandeStatut {
    pub const ALL: [Self; 5] = [Self::EnAttente, Self::Envoyee, Self::Echec, Self::Manuelle, Self::Annulee];

    /// As stored, and as typed after `--statut`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EnAttente => "en-attente",
            Self::Envoyee => "envoyee",
            Self::Echec => "echec",
            Self::Manuelle => "manuelle",
            Self::Annulee => "annulee",
        }
    }

    /// Reads a stored status, or one typed (accents, case and spaces forgiven).
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        let f = crate::text::fold(s).trim().replace(' ', "-");
        Self::ALL.into_iter().find(|x| x.as_str() == f || (f == "envoye" && *x == Self::Envoyee))
    }
}

/// A stored demand, as `aiguilleur demandes` and `!demandes` list it (no personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemandeRow {
    pub reference: String,
    /// Seconds since the Unix epoch.
    pub created: i64,
    pub commune: Option<String>,
    pub insee: Option<String>,
    pub themes: Vec<String>,
    pub etape: Option<String>,
    pub statut: DemandeStatut,
    pub sent_at: Option<i64>,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// What became of an attempt at a demand's email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issue<'a> {
    /// Accepted: the outbox row goes, the demand is marked sent.
    Envoyee,
    /// A temporary failure: tried again from `next_at`.
    Reessai { next_at: i64, error: &'a str },
    /// Refused for good.
    Echec { error: &'a str },
}

/// A person's subscription to alerts about new or changed schemes.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Subscription {
    /// The session key (`transport:conversation:user`): one subscription per conversation.
    pub key: String,
    pub user: String,
    /// `matrix`, `discord`: whose outbox sends the alert.
    pub transport: String,
    /// Where to push the alert, as the transport packed it (a room, a channel).
    pub dest: String,
    /// Theme ids; empty: every theme.
    pub themes: Vec<String>,
    /// The commune's profile when known, to leave out schemes it cannot have.
    pub profile: crate::catalogue::Profil,
    pub created: i64,
    /// The last alert sent (seconds): at most one a day.
    pub last_alert: Option<i64>,
    /// The content version the person was last told about (or subscribed under): alerts list
    /// what changed since.
    #[serde(default)]
    pub baseline: String,
}

/// What a [`Commit`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Committed {
    /// Sessions deleted by `forget`.
    pub forgotten: usize,
    /// The outbox id of the reply kept, to pass to [`Store::delivered`].
    pub reply: Option<i64>,
}

/// A reply kept in the store (the outbox) until its destination accepted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub id: i64,
    /// The session key (`transport:conversation:user`).
    pub key: String,
    /// What the driver packed: where it goes and what it says, in the transport's own terms.
    pub payload: String,
    /// Failed attempts so far.
    pub attempts: u32,
    /// Not to be tried again before this time (seconds; the backoff after a failure).
    pub next_at: i64,
}

/// A reply whose destination refused it for good (or that was given up after its retries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenUp {
    pub id: i64,
    pub key: String,
    pub payload: String,
    pub attempts: u32,
    /// Why, as the destination said it.
    pub error: String,
}

/// Sessions by key (`transport:conversation:user`), the events already answered, and the
/// replies not yet delivered.
pub trait Store: Send {
    /// The session stored under `key`.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn load(&mut self, key: &str) -> Result<Option<Session>, StoreError>;

    /// Writes every part of `c` in one transaction.
    ///
    /// # Errors
    /// When the store cannot be written; then nothing is written.
    fn commit(&mut self, c: &Commit<'_>) -> Result<Committed, StoreError>;

    /// Every session stored, in key order (for exports; sessions that no longer read are
    /// skipped).
    ///
    /// # Errors
    /// When the store cannot be read.
    fn sessions(&mut self) -> Result<Vec<Session>, StoreError>;

    /// Whether `event` was already answered.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn is_handled(&mut self, event: &str) -> Result<bool, StoreError>;

    /// The replies of destination kind `kind` (a transport) not yet delivered nor given up,
    /// oldest first.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn pending(&mut self, kind: &str) -> Result<Vec<Pending>, StoreError>;

    /// Drops a kept reply: its destination accepted it.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn delivered(&mut self, id: i64) -> Result<(), StoreError>;

    /// Records a failed attempt at a kept reply, to be tried again from `next_at` (seconds).
    ///
    /// # Errors
    /// When the store cannot be written.
    fn retry_later(&mut self, id: i64, next_at: i64, error: &str) -> Result<(), StoreError>;

    /// Marks a kept reply failed for good, with the reason: it is no longer pending, and stays
    /// listed by [`Store::given_up`] until the retention purge.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn give_up(&mut self, id: i64, error: &str) -> Result<(), StoreError>;

    /// The replies of destination kind `kind` given up, oldest first.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn given_up(&mut self, kind: &str) -> Result<Vec<GivenUp>, StoreError>;

    /// The counters of ISO weeks `from` to `to` (both included, `2026-W49`), in week order.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn counts(&mut self, from: &str, to: &str) -> Result<Vec<Count>, StoreError>;

    /// The questions kept without an answer, oldest first.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn unanswered(&mut self) -> Result<Vec<Question>, StoreError>;

    /// Every subscription to alerts, in key order.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn subscriptions(&mut self) -> Result<Vec<Subscription>, StoreError>;

    /// Records that an alert went to the subscription `key` at `at`.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn alerted(&mut self, key: &str, at: i64) -> Result<(), StoreError>;

    /// A value the bot keeps about itself (the catalogue last announced).
    ///
    /// # Errors
    /// When the store cannot be read.
    fn meta(&mut self, name: &str) -> Result<Option<String>, StoreError>;

    /// Sets a value the bot keeps about itself.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn set_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError>;

    /// Deletes the values whose name starts with `prefix`, but those in `keep`; how many went.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn prune_meta(&mut self, prefix: &str, keep: &[String]) -> Result<usize, StoreError>;

    /// Deletes sessions idle since before `before` (seconds), replies kept since then and
    /// questions without an answer asked before then; returns how many sessions went.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn purge_idle(&mut self, before: i64) -> Result<usize, StoreError>;

    /// The next demand number of `annee` (1 for the first): the sequence never goes back, even
    /// when old demands are purged.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn next_number(&mut self, annee: i32) -> Result<u32, StoreError>;

    /// Records what became of an attempt at the email of demand `reference` (outbox row `id`),
    /// in one transaction with the outbox row.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn demande_issue(&mut self, id: i64, reference: &str, issue: Issue<'_>, at: i64) -> Result<(), StoreError>;

    /// The demands created at or after `since` (seconds), oldest first.
    ///
    /// # Errors
    /// When the store cannot be read.
    fn demandes(&mut self, since: i64) -> Result<Vec<DemandeRow>, StoreError>;

    /// The references of the demands whose stored text contains `needle` (for the tests of the
    /// erasure).
    ///
    /// # Errors
    /// When the store cannot be read.
    fn demande_data_mentions(&mut self, needle: &str) -> Result<Vec<String>, StoreError>;

    /// Saves the session after a turn and, in the same transaction, marks `event` handled.
    ///
    /// # Errors
    /// When the store cannot be written; then nothing is written.
    fn save(&mut self, key: &str, user: &str, session: &Session, event: Option<&str>) -> Result<(), StoreError> {
        self.commit(&Commit {
            session: Some((key, user, session)),
            event: event.map(|e| (e, user)),
            at: session.updated,
            ..Commit::default()
        })
        .map(|_| ())
    }

    /// Records `event` as answered without any session (after an erasure, say).
    ///
    /// # Errors
    /// When the store cannot be written.
    fn mark_handled(&mut self, event: &str, at: i64) -> Result<(), StoreError> {
        self.commit(&Commit { event: Some((event, "")), at, ..Commit::default() }).map(|_| ())
    }

    /// Deletes everything stored about `user`; returns how many sessions went.
    ///
    /// # Errors
    /// When the store cannot be written.
    fn forget_user(&mut self, user: &str) -> Result<usize, StoreError> {
        self.commit(&Commit { forget: Some(user), ..Commit::default() }).map(|c| c.forgotten)
    }
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
        outbox(store);
        stats(store);
        subscriptions(store);
    }

    /// Counters add up by ISO week, and carry nobody's name; questions without an answer go
    /// with their person and after the retention.
    fn stats(store: &mut dyn Store) {
        use crate::stats::{Fact, dim, iso_week};
        let fact = |d, v: &str| Fact { dim: d, value: v.into() };
        let w49 = 1_764_590_400; // 2025-12-01, week 49
        let facts = [fact(dim::THEME, "mobilites"), fact(dim::CONVERSATIONS, "matrix")];
        for at in [w49, w49 + 3600, w49 + 7 * 86_400] {
            store.commit(&Commit { counts: &facts, at, ..Commit::default() }).unwrap();
        }
        store
            .commit(&Commit {
                counts: &[fact(dim::THEME, "habitat")],
                unanswered: Some(("fred", "Qui déneige ?")),
                at: w49,
                ..Commit::default()
            })
            .unwrap();
        store
            .commit(&Commit { unanswered: Some(("gina", "Et les marées ?")), at: w49 + 10, ..Commit::default() })
            .unwrap();
        let (a, b) = (iso_week(w49), iso_week(w49 + 7 * 86_400));
        assert_eq!((a.as_str(), b.as_str()), ("2025-W49", "2025-W50"));
        let count = |week: &str, d: &str, v: &str, n| Count { week: week.into(), dim: d.into(), value: v.into(), n };
        assert_eq!(
            store.counts(&a, &b).unwrap(),
            vec![
                count(&a, dim::CONVERSATIONS, "matrix", 2),
                count(&a, dim::THEME, "habitat", 1),
                count(&a, dim::THEME, "mobilites", 2),
                count(&b, dim::CONVERSATIONS, "matrix", 1),
                count(&b, dim::THEME, "mobilites", 1),
            ]
        );
        assert_eq!(store.counts(&b, &b).unwrap().len(), 2);
        let q = |at, text: &str| Question { at, text: text.into() };
        assert_eq!(store.unanswered().unwrap(), vec![q(w49, "Qui déneige ?"), q(w49 + 10, "Et les marées ?")]);
        store.forget_user("fred").unwrap();
        assert_eq!(store.unanswered().unwrap(), vec![q(w49 + 10, "Et les marées ?")]);
        store.purge_idle(w49 + 11).unwrap();
        assert!(store.unanswered().unwrap().is_empty());
        assert_eq!(store.counts(&a, &b).unwrap().len(), 5, "counters are anonymous: neither forgotten nor purged");
    }

    /// One subscription per conversation, replaced, ended, erased with the person.
    fn subscriptions(store: &mut dyn Store) {
        let sub = |key: &str, user: &str, themes: &[&str]| Subscription {
            key: key.into(),
            user: user.into(),
            transport: "matrix".into(),
            dest: "{\"room\":\"!r\"}".into(),
            themes: themes.iter().map(|t| (*t).to_owned()).collect(),
            profile: crate::catalogue::Profil { population: Some(800), ..Default::default() },
            created: 100,
            last_alert: None,
            baseline: "v1".into(),
        };
        let (h, i) = (sub("matrix:!r:hugo", "hugo", &["mobilites"]), sub("matrix:!s:ines", "ines", &[]));
        store.commit(&Commit { subscribe: Some(&h), at: 100, ..Commit::default() }).unwrap();
        store.commit(&Commit { subscribe: Some(&i), at: 100, ..Commit::default() }).unwrap();
        let h2 = sub("matrix:!r:hugo", "hugo", &["mobilites", "habitat"]);
        store.commit(&Commit { subscribe: Some(&h2), at: 101, ..Commit::default() }).unwrap();
        assert_eq!(store.subscriptions().unwrap(), vec![h2.clone(), i.clone()]);
        store.alerted("matrix:!r:hugo", 500).unwrap();
        assert_eq!(store.subscriptions().unwrap()[0].last_alert, Some(500));
        store.commit(&Commit { unsubscribe: Some("matrix:!r:hugo"), at: 102, ..Commit::default() }).unwrap();
        assert_eq!(store.subscriptions().unwrap(), vec![i]);
        store.forget_user("ines").unwrap();
        assert!(store.subscriptions().unwrap().is_empty());
        assert_eq!(store.meta("annonce").unwrap(), None);
        store.set_meta("annonce", "v1").unwrap();
        store.set_meta("annonce", "v2").unwrap();
        assert_eq!(store.meta("annonce").unwrap().as_deref(), Some("v2"));
        for v in ["v1", "v2", "v3"] {
            store.set_meta(&format!("catalogue:{v}"), v).unwrap();
        }
        assert_eq!(store.prune_meta("catalogue:", &["catalogue:v2".into()]).unwrap(), 2);
        assert_eq!(store.meta("catalogue:v1").unwrap(), None);
        assert_eq!(store.meta("catalogue:v2").unwrap().as_deref(), Some("v2"));
        assert_eq!(store.meta("annonce").unwrap().as_deref(), Some("v2"), "other values stay");
    }

    /// Replies kept until delivered: by transport, in order, erased with their person.
    fn outbox(store: &mut dyn Store) {
        let s = session("theme", 40);
        let kept = store
            .commit(&Commit {
                session: Some(("matrix:!r:carol", "carol", &s)),
                event: Some(("$c1", "carol")),
                reply: Some(("matrix:!r:carol", "carol", "payload 1")),
                at: 40,
                ..Commit::default()
            })
            .unwrap();
        let first = kept.reply.expect("an outbox id");
        let second = store
            .commit(&Commit { reply: Some(("matrix:!r:dan", "dan", "payload 2")), at: 41, ..Commit::default() })
            .unwrap()
            .reply
            .unwrap();
        store
            .commit(&Commit { reply: Some(("discord:c:erin", "erin", "autre")), at: 42, ..Commit::default() })
            .unwrap();
        assert!(second > first);
        let pending = store.pending("matrix").unwrap();
        let kept = |id, key: &str, payload: &str, next_at| Pending {
            id,
            key: key.into(),
            payload: payload.into(),
            attempts: 0,
            next_at,
        };
        assert_eq!(
            pending,
            vec![kept(first, "matrix:!r:carol", "payload 1", 40), kept(second, "matrix:!r:dan", "payload 2", 41)]
        );
        assert!(store.pending("matri").unwrap().is_empty(), "a transport is a whole name");
        store.delivered(first).unwrap();
        assert_eq!(store.pending("matrix").unwrap().len(), 1);
        // Erasing a person erases the replies waiting for them, and the erasure is one
        // transaction with the event that asked for it and the reply that confirms it.
        let done = store
            .commit(&Commit {
                forget: Some("dan"),
                event: Some(("$d9", "")),
                reply: Some(("matrix:!r:dan", "", "fait")),
                at: 50,
                ..Commit::default()
            })
            .unwrap();
        let left = store.pending("matrix").unwrap();
        assert_eq!(left.len(), 1);
        assert_eq!((Some(left[0].id), left[0].payload.as_str()), (done.reply, "fait"));
        assert!(store.is_handled("$d9").unwrap());
        retries(store, done.reply.unwrap());
        demandes(store);
        // Replies kept past the retention go with idle sessions.
        store.purge_idle(100).unwrap();
        assert!(store.pending("matrix").unwrap().is_empty());
        assert!(store.pending("discord").unwrap().is_empty());
        assert!(store.given_up("discord").unwrap().is_empty());
    }

    fn demande(reference: &str, numero: u32, user: &str, email: bool) -> NewDemande {
        NewDemande {
            reference: reference.into(),
            annee: 2026,
            numero,
            key: format!("console:t:{user}"),
            user: user.into(),
            commune: Some("Genêts".into()),
            insee: Some("50197".into()),
            themes: vec!["revitalisation".into()],
            etape: Some("idee".into()),
            data: r#"{"description":"Le presbytère","demandeur":"Marie","contact":"m@x.fr","qualite":"maire"}"#.into(),
            email: email.then(|| "courriel prêt".to_owned()),
        }
    }

    /// Demands: numbered per year, stored with their turn and their email, followed to the end,
    /// stripped of the person on "oublie-moi".
    fn demandes(store: &mut dyn Store) {
        assert_eq!(store.next_number(2026).unwrap(), 1);
        let s = session("envoi", 60);
        let first = demande("DEM-2026-0001", 1, "fanny", true);
        let done = store
            .commit(&Commit {
                session: Some(("console:t:fanny", "fanny", &s)),
                event: Some(("$f1", "fanny")),
                demand: Some(&first),
                at: 60,
                ..Commit::default()
            })
            .unwrap();
        assert_eq!(done.reply, None, "the email is not the turn's reply");
        assert_eq!(store.next_number(2026).unwrap(), 2);
        assert_eq!(store.next_number(2027).unwrap(), 1, "one sequence per year");
        let mails = store.pending("email").unwrap();
        assert_eq!(mails.len(), 1);
        assert_eq!((mails[0].key.as_str(), mails[0].payload.as_str()), ("email:DEM-2026-0001", "courriel prêt"));
        // The same reference twice: the whole turn is refused.
        let again = demande("DEM-2026-0001", 1, "gil", true);
        let s2 = session("envoi", 61);
        assert!(
            store
                .commit(&Commit {
                    session: Some(("console:t:gil", "gil", &s2)),
                    demand: Some(&again),
                    at: 61,
                    ..Commit::default()
                })
                .is_err()
        );
        assert!(store.load("console:t:gil").unwrap().is_none(), "nothing of that turn written");
        assert_eq!(store.pending("email").unwrap().len(), 1);
        let id = mails[0].id;
        store.demande_issue(id, "DEM-2026-0001", Issue::Reessai { next_at: 70, error: "451 plus tard" }, 62).unwrap();
        let p = &store.pending("email").unwrap()[0];
        assert_eq!((p.attempts, p.next_at), (1, 70));
        let row = &store.demandes(0).unwrap()[0];
        assert_eq!(
            (row.statut, row.attempts, row.last_error.as_deref()),
            (DemandeStatut::EnAttente, 1, Some("451 plus tard"))
        );
        store.demande_issue(id, "DEM-2026-0001", Issue::Envoyee, 71).unwrap();
        assert!(store.pending("email").unwrap().is_empty());
        let row = &store.demandes(0).unwrap()[0];
        assert_eq!((row.statut, row.sent_at, row.attempts), (DemandeStatut::Envoyee, Some(71), 2));
        assert_eq!(row.themes, vec!["revitalisation".to_owned()]);
        // Refused for good; and one without SMTP.
        let refused = demande("DEM-2026-0002", 2, "fanny", true);
        store.commit(&Commit { demand: Some(&refused), at: 80, ..Commit::default() }).unwrap();
        let id = store.pending("email").unwrap()[0].id;
        store.demande_issue(id, "DEM-2026-0002", Issue::Echec { error: "550 refusé" }, 81).unwrap();
        assert!(store.pending("email").unwrap().is_empty());
        assert_eq!(store.given_up("email").unwrap().len(), 1);
        let by_hand = demande("DEM-2026-0003", 3, "gil", false);
        store.commit(&Commit { demand: Some(&by_hand), at: 90, ..Commit::default() }).unwrap();
        assert!(store.pending("email").unwrap().is_empty(), "no SMTP: nothing to send");
        let pending = demande("DEM-2026-0004", 4, "gil", true);
        store.commit(&Commit { demand: Some(&pending), at: 91, ..Commit::default() }).unwrap();
        let rows = store.demandes(0).unwrap();
        let statuts: Vec<_> = rows.iter().map(|r| (r.reference.as_str(), r.statut)).collect();
        assert_eq!(
            statuts,
            vec![
                ("DEM-2026-0001", DemandeStatut::Envoyee),
                ("DEM-2026-0002", DemandeStatut::Echec),
                ("DEM-2026-0003", DemandeStatut::Manuelle),
                ("DEM-2026-0004", DemandeStatut::EnAttente),
            ]
        );
        assert_eq!(rows[1].last_error.as_deref(), Some("550 refusé"));
        assert_eq!(store.demandes(85).unwrap().len(), 2, "since");
        // "oublie-moi": gil's demands keep their reference and commune, lose the person; the one
        // not yet sent is not sent.
        store.forget_user("gil").unwrap();
        let rows = store.demandes(0).unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[3].statut, DemandeStatut::Annulee);
        assert_eq!(rows[2].statut, DemandeStatut::Manuelle);
        assert!(store.pending("email").unwrap().is_empty());
        assert!(!store.demande_data_mentions("Marie").unwrap().contains(&"DEM-2026-0003".to_owned()));
        assert!(store.demande_data_mentions("Marie").unwrap().contains(&"DEM-2026-0001".to_owned()));
        // The retention: demands older than it go, the numbering goes on.
        store.purge_idle(85).unwrap();
        assert_eq!(store.demandes(0).unwrap().len(), 2);
        assert_eq!(store.next_number(2026).unwrap(), 5);
    }

    /// Attempts and their errors are kept with the reply; one given up leaves the pending list
    /// with its reason.
    fn retries(store: &mut dyn Store, id: i64) {
        store.retry_later(id, 70, "502 Bad Gateway").unwrap();
        store.retry_later(id, 90, "délai dépassé").unwrap();
        let p = &store.pending("matrix").unwrap()[0];
        assert_eq!((p.id, p.attempts, p.next_at), (id, 2, 90));
        let other = store
            .commit(&Commit { reply: Some(("discord:c:erin", "erin", "refusée")), at: 60, ..Commit::default() })
            .unwrap()
            .reply
            .unwrap();
        store.give_up(other, "403 Missing Access").unwrap();
        assert!(store.pending("discord").unwrap().iter().all(|p| p.id != other));
        let gone = store.given_up("discord").unwrap();
        assert_eq!(gone.len(), 1);
        assert_eq!((gone[0].id, gone[0].attempts, gone[0].error.as_str()), (other, 1, "403 Missing Access"));
        assert_eq!(gone[0].payload, "refusée");
        assert!(store.given_up("matrix").unwrap().is_empty());
    }
}
