//! The bot: loads a session, runs a turn of the dialogue, saves the session. Transport-free.
//!
//! Adapters build an [`Incoming`] from their platform's event and render the replies. The bot
//! owns the store and the current content; a reload swaps the content only when it validated.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::content::Content;
use crate::dialogue::model::Label;
use crate::dialogue::{self, Session};
use crate::render::Block;
use crate::reply::{ChoiceView, Reply};
use crate::saisine::Saisine;
use crate::store::{Commit, NewDemande, Pending, SqliteStore, Store, StoreError};

/// The bot shared by a transport's tasks. A turn takes microseconds: a plain mutex is enough.
pub type SharedBot = Arc<Mutex<Bot<SqliteStore>>>;

/// Seconds since the Unix epoch.
#[must_use]
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Locks `m`, also after a panic elsewhere while it was held: what the driver and the adapters
/// guard with a mutex (maps of rooms, interactions, lanes) stays usable.
pub fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Messages longer than this are answered with a short notice and not processed.
pub const MAX_MESSAGE_BYTES: usize = 4000;

/// A message older than this when handled (seconds) was sent while the bot was down.
pub const LATE_AFTER: i64 = 5 * 60;

/// Sessions idle longer than this are erased, unless configured otherwise (days).
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// How an adapter packs a reply's blocks for the store: what it needs to send it, destination
/// included, as text.
pub type Pack<'a> = &'a dyn Fn(&[Block]) -> String;

/// A message from a person, as every adapter delivers it.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Transport name: `console`, `matrix`, `discord`.
    pub transport: String,
    /// The person (Matrix user id, Discord user id, OS user).
    pub user: String,
    /// Where they talk (room, channel, terminal).
    pub conversation: String,
    pub text: String,
    /// The platform's event id, to never answer twice.
    pub event_id: Option<String>,
    /// Seconds since the Unix epoch.
    pub now: i64,
    /// When the person sent it (seconds), if the transport says: a message older than a few
    /// minutes (sent while the bot was down) is answered with an apology.
    pub sent_at: Option<i64>,
    /// Where an alert can be pushed to this person later (the transport's destination, packed
    /// by the driver); `None`: the transport cannot push (the terminal).
    pub reach: Option<String>,
}

impl Incoming {
    #[must_use]
    pub fn key(&self) -> String {
        format!("{}:{}:{}", self.transport, self.conversation, self.user)
    }
}

pub struct Bot<S: Store> {
    content: Arc<Content>,
    store: S,
    lang: String,
    retention_days: u32,
    saisine: Saisine,
}

impl<S: Store> Bot<S> {
    /// Demands go to the content's single entry point, without SMTP (the person gets the text
    /// and a `mailto:` link) until [`Bot::with_saisine`] says otherwise.
    pub fn new(content: Arc<Content>, store: S, lang: &str) -> Self {
        let to = crate::render::guichet_email(&content).unwrap_or_default().to_owned();
        Self {
            content,
            store,
            lang: lang.to_owned(),
            retention_days: DEFAULT_RETENTION_DAYS,
            saisine: Saisine { to, courriel: false },
        }
    }

    /// Where confirmed demands go, and whether the bot sends them by email.
    #[must_use]
    pub fn with_saisine(mut self, saisine: Saisine) -> Self {
        self.saisine = saisine;
        self
    }

    #[must_use]
    pub fn saisine(&self) -> &Saisine {
        &self.saisine
    }

    /// Sets how long idle sessions are kept (days).
    #[must_use]
    pub fn with_retention_days(mut self, days: u32) -> Self {
        self.retention_days = days.max(1);
        self
    }

    /// Erases sessions idle for longer than the retention; returns how many went.
    ///
    /// # Errors
    /// When the store fails.
    pub fn purge_idle(&mut self, now: i64) -> Result<usize, StoreError> {
        self.store.purge_idle(now - i64::from(self.retention_days) * 86_400)
    }

    #[must_use]
    pub fn content(&self) -> &Arc<Content> {
        &self.content
    }

    /// Replaces the content (already validated by the caller).
    pub fn set_content(&mut self, content: Arc<Content>) {
        self.content = content;
    }

    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    /// The person's session (and whether it is new), with the notes of its upgrade to the
    /// current content.
    fn session(&mut self, msg: &Incoming) -> Result<(Session, Vec<Reply>, bool), StoreError> {
        let key = msg.key();
        Ok(match self.store.load(&key)? {
            Some(mut s) => {
                let notes = dialogue::upgrade(&self.content, &mut s);
                (s, notes, false)
            }
            None => {
                (Session::new(crate::content::MAIN_DIALOGUE, &self.lang, &self.content.version, msg.now), vec![], true)
            }
        })
    }

    /// Handles one message: the replies to send. An event already handled gets no reply.
    ///
    /// # Errors
    /// When the store fails; the adapter then says so in a generic message and logs the detail.
    pub fn handle(&mut self, msg: &Incoming) -> Result<Vec<Reply>, StoreError> {
        Ok(self.turn(msg, false, None)?.0)
    }

    /// Opens the conversation (the person asked to start, or came back): a newcomer is
    /// welcomed, anyone else is shown where they were. `msg.text` is not read.
    ///
    /// # Errors
    /// When the store fails.
    pub fn open(&mut self, msg: &Incoming) -> Result<Vec<Reply>, StoreError> {
        Ok(self.turn(msg, true, None)?.0)
    }

    /// Handles one message, and keeps its reply in the store, in the same transaction as the
    /// turn, until [`Bot::delivered`]: a crash after the turn never loses its reply, which
    /// [`Bot::pending`] gives back at the next start. `pack` turns the reply's blocks into what
    /// the adapter needs to send it (destination included). `None`: nothing to send (an event
    /// already handled).
    ///
    /// # Errors
    /// When the store fails; then nothing is written.
    pub fn handle_durable(&mut self, msg: &Incoming, pack: Pack<'_>) -> Result<Option<Pending>, StoreError> {
        Ok(self.turn(msg, false, Some(pack))?.1)
    }

    /// [`Bot::open`], with its reply kept as [`Bot::handle_durable`] keeps one.
    ///
    /// # Errors
    /// When the store fails; then nothing is written.
    pub fn open_durable(&mut self, msg: &Incoming, pack: Pack<'_>) -> Result<Option<Pending>, StoreError> {
        Ok(self.turn(msg, true, Some(pack))?.1)
    }

    fn turn(
        &mut self,
        msg: &Incoming,
        open: bool,
        pack: Option<Pack<'_>>,
    ) -> Result<(Vec<Reply>, Option<Pending>), StoreError> {
        if let Some(e) = &msg.event_id
            && self.store.is_handled(e)?
        {
            return Ok((vec![], None));
        }
        let key = msg.key();
        let (mut session, mut replies, started) = self.session(msg)?;
        let elsewhere = crate::render::elsewhere(&session);
        // The content changed under the session: its notes already say where it goes on.
        let upgraded = !replies.is_empty();
        if msg.sent_at.is_some_and(|t| msg.now - t > LATE_AFTER) {
            replies.insert(0, Reply::say("excuse-retard"));
        }
        let text = if open { "" } else { msg.text.as_str() };
        // Too long: not even read (folding a megabyte costs more than every other turn).
        let folded = if text.len() > MAX_MESSAGE_BYTES { String::new() } else { crate::text::fold(text) };
        // An alert subscription made or ended by this turn, kept in its transaction.
        let mut subscription: Option<Option<crate::store::Subscription>> = None;
        let mut commit = Commit { at: msg.now, ..Commit::default() };
        if open && session.greeted {
            session.forget_asked = false;
            session.updated = msg.now;
            if !upgraded {
                replies.extend(dialogue::reprompt(&self.content, &mut session, msg.now));
            }
        } else if text.len() > MAX_MESSAGE_BYTES {
            replies.push(Reply::say("message-trop-long"));
            session.updated = msg.now;
        } else if self.content.vocab.is(crate::dialogue::vocab::Groupe::Oubli, &folded) {
            session.forget_asked = true;
            session.updated = msg.now;
            replies.push(Reply::Ask { id: "oubli-confirme".into(), args: vec![], choices: yes_no_choices() });
        } else if std::mem::take(&mut session.forget_asked) {
            if crate::dialogue::parse::yes_no(&self.content.vocab, &folded) == Some(true) {
                // Erased, and the event and the confirmation kept under nobody's name.
                commit.forget = Some(&msg.user);
                replies.push(Reply::say("oubli-fait"));
            } else {
                replies.push(Reply::say("oubli-annule"));
                replies.extend(dialogue::reprompt(&self.content, &mut session, msg.now));
            }
        } else if let Some(request) = crate::alerts::request(&self.content, &folded) {
            session.updated = msg.now;
            let current = self.store.subscriptions()?.into_iter().find(|s| s.key == key);
            let new = msg.reach.as_ref().filter(|_| request == crate::alerts::Request::Subscribe).map(|reach| {
                let sub = crate::alerts::subscription(&self.content, &session, &folded, &key, &msg.user);
                crate::store::Subscription { dest: reach.clone(), ..sub }
            });
            let (said, stored) = if msg.reach.is_none() {
                (vec![Reply::say("alertes-terminal")], None)
            } else {
                crate::alerts::answer(&self.content, request, current.as_ref(), new)
            };
            replies.extend(said);
            subscription = stored;
            if session.node.is_some() {
                replies.extend(dialogue::reprompt(&self.content, &mut session, msg.now));
            }
        } else if replies.iter().all(|r| matches!(r, Reply::Say { id, .. } if id == "excuse-retard")) {
            replies.extend(dialogue::step(&self.content, &mut session, text, msg.now));
        }
        self.fill_retention(&mut replies);
        let demand = if commit.forget.is_none() { self.demande(msg, &key, &mut replies)? } else { None };
        commit.demand = demand.as_ref();
        // Dates of the information shown and the person's département: known here, not to the engine.
        crate::render::annotate(&session, elsewhere, &mut replies, msg.now);
        let user = if commit.forget.is_some() { "" } else { msg.user.as_str() };
        // Anonymous counters, and the question left without an answer (kept under the person's
        // name, so that it goes with "oublie-moi" and the retention).
        let mut counted = session.results_counted;
        let unanswered = !open && commit.forget.is_none() && crate::stats::unanswered(&self.content, &folded, &replies);
        let counts = if commit.forget.is_some() {
            vec![]
        } else {
            let t = crate::stats::Turn {
                content: &self.content,
                transport: &msg.transport,
                started,
                session: &session,
                replies: &replies,
                unanswered,
            };
            crate::stats::facts(&t, &mut counted)
        };
        session.results_counted = counted;
        commit.counts = &counts;
        match &subscription {
            Some(Some(sub)) => commit.subscribe = Some(sub),
            Some(None) => commit.unsubscribe = Some(&key),
            None => {}
        }
        if unanswered {
            commit.unanswered = Some((user, crate::stats::question_text(text)));
        }
        if commit.forget.is_none() {
            commit.session = Some((&key, user, &session));
        }
        commit.event = msg.event_id.as_deref().map(|e| (e, user));
        let payload = pack.map(|p| p(&self.blocks(&replies)));
        commit.reply = payload.as_deref().map(|p| (key.as_str(), user, p));
        let done = self.store.commit(&commit)?;
        let pending = done.reply.zip(payload).map(|(id, payload)| Pending {
            id,
            key: key.clone(),
            payload,
            attempts: 0,
            next_at: msg.now,
        });
        Ok((replies, pending))
    }

    /// Records an event answered outside a dialogue turn (an admin command, a notice) with the
    /// reply `pack` makes of `replies`, kept until delivered, both in one transaction, under
    /// `user` (the person it goes to, so that « oublie-moi » erases it too; empty: nobody's).
    /// `None` when the event was already recorded (nothing to send).
    ///
    /// # Errors
    /// When the store fails.
    pub fn record_durable(
        &mut self,
        event_id: &str,
        key: &str,
        user: &str,
        replies: &[Reply],
        pack: Pack<'_>,
        now: i64,
    ) -> Result<Option<Pending>, StoreError> {
        if self.store.is_handled(event_id)? {
            return Ok(None);
        }
        let payload = pack(&self.blocks(replies));
        let done = self.store.commit(&Commit {
            event: Some((event_id, user)),
            reply: Some((key, user, &payload)),
            at: now,
            ..Commit::default()
        })?;
        Ok(done.reply.map(|id| Pending { id, key: key.to_owned(), payload, attempts: 0, next_at: now }))
    }

    /// The replies of `transport` kept but not yet delivered (a crash came first), oldest first.
    /// (The driver reaches the outbox through [`Bot::store_mut`]; this stays for tools and tests.)
    ///
    /// # Errors
    /// When the store fails.
    pub fn pending(&mut self, transport: &str) -> Result<Vec<Pending>, StoreError> {
        self.store.pending(transport)
    }

    /// Forgets a kept reply: it was delivered, or given up.
    ///
    /// # Errors
    /// When the store fails.
    pub fn delivered(&mut self, id: i64) -> Result<(), StoreError> {
        self.store.delivered(id)
    }

    /// A demand confirmed in this turn: it gets the next reference of the year and is stored with
    /// the turn, its email queued when SMTP is configured; the reply says its reference and how
    /// it leaves.
    fn demande(&mut self, msg: &Incoming, key: &str, replies: &mut [Reply]) -> Result<Option<NewDemande>, StoreError> {
        let Some(d) = replies.iter_mut().find_map(|r| match r {
            Reply::Demande(d) if d.envoi && d.envoi_info.is_none() => Some(d),
            _ => None,
        }) else {
            return Ok(None);
        };
        let annee = crate::catalogue::freshness::Day::from_unix(msg.now).year;
        let numero = self.store.next_number(annee)?;
        let reference = format!("DEM-{annee}-{numero:04}");
        d.envoi_info = Some(crate::reply::Envoi {
            reference: reference.clone(),
            to: self.saisine.to.clone(),
            courriel: self.saisine.courriel,
        });
        let email = if self.saisine.courriel {
            // The préfecture reads French, whatever the conversation's language.
            let mail = crate::render::demande::email(&self.content, crate::i18n::REFERENCE, d, &reference);
            let c = crate::saisine::Courriel {
                reference: reference.clone(),
                to: self.saisine.to.clone(),
                copie: d.email(),
                subject: mail.subject,
                text: mail.text,
                html: mail.html,
            };
            Some(serde_json::to_string(&c)?)
        } else {
            None
        };
        Ok(Some(NewDemande {
            reference,
            annee,
            numero,
            key: key.to_owned(),
            user: msg.user.clone(),
            commune: d.commune.clone(),
            insee: d.insee.clone(),
            themes: d.themes.clone(),
            etape: d.etape.clone(),
            data: serde_json::to_string(&**d)?,
            email,
        }))
    }

    /// The privacy notice states the retention, which the bot (not the pure engine) knows.
    fn fill_retention(&self, replies: &mut [Reply]) {
        for r in replies {
            if let Reply::Say { id, args } = r
                && id == "vie-privee"
                && args.is_empty()
            {
                args.push(("jours", crate::i18n::Arg::Number(i64::from(self.retention_days))));
            }
        }
    }

    /// Records an event answered outside a dialogue turn (an admin command, a notice), so that a
    /// replayed event is never answered twice. Returns false when it was already recorded.
    ///
    /// # Errors
    /// When the store fails.
    pub fn mark_handled(&mut self, event_id: &str, now: i64) -> Result<bool, StoreError> {
        if self.store.is_handled(event_id)? {
            return Ok(false);
        }
        self.store.mark_handled(event_id, now)?;
        Ok(true)
    }

    /// Replies localised into blocks, for the transports' renderers.
    #[must_use]
    pub fn blocks(&self, replies: &[Reply]) -> Vec<crate::render::Block> {
        crate::render::blocks(&self.content, &self.lang, replies)
    }

    /// Replies as plain text, in the session's language.
    #[must_use]
    pub fn plain(&self, replies: &[Reply]) -> String {
        crate::render::plain::plain(&crate::render::blocks(&self.content, &self.lang, replies))
    }

    #[must_use]
    pub fn lang(&self) -> &str {
        &self.lang
    }
}

fn yes_no_choices() -> Vec<ChoiceView> {
    vec![
        ChoiceView { n: 1, label: Label::Message("oui".into()), value: "oui".into() },
        ChoiceView { n: 2, label: Label::Message("non".into()), value: "non".into() },
    ]
}
