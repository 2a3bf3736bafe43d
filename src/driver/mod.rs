//! The transport driver: what every transport shares, written once.
//!
//! An adapter (terminal, Matrix, Discord) does two things only: it turns its platform's events
//! into [`Message`]s, and it turns a rendered reply into platform calls ([`Transport`], plus
//! [`service::Deliver`] for the long-running ones). Everything else lives here:
//!
//! - **opening or resuming** a conversation: a [`Message`] with `open` set (a Discord
//!   `/orienter` or empty mention, a Matrix invite, the interactive terminal) welcomes a newcomer
//!   and shows anyone else where they were; no greeting word is made up for it;
//! - **admin commands** ([`admin`]): one registry, typed as `!name` by a configured admin in a
//!   private conversation; anyone else gets a French refusal;
//! - **the durable reply**, a transactional outbox: the turn, the event it answers and the
//!   rendered reply ([`Envelope`]) are written in one transaction; the row is deleted once the
//!   platform accepted the reply. Every envelope has an idempotency key from which the platform's
//!   own is derived (Matrix transaction ids, Discord nonces), so a reply sent again after a crash
//!   is kept once by the platform. Rows carry a destination kind, attempts, a next-attempt time,
//!   a status (pending or failed) and the last error ([`crate::store`]);
//! - **the internal-error reply** when the store fails: the person is told, the log gets why;
//! - with the `service` feature ([`service`]): **one ordering model** — turns are committed in
//!   arrival order and the replies of a conversation leave through one lane, in that order;
//!   **retries** with backoff (`backon`), waiting at least what the platform asks (rate limits);
//!   **start-up and shutdown**: the store and its data directory ([`data_dir`]), the purge of
//!   idle sessions, content reload on SIGHUP, file change or `!recharger` ([`reload`]), SIGTERM
//!   and Ctrl-C, replies in flight waited for.
//!
//! The terminal goes through [`Driver::accept`] like the others; its replies are not kept (a
//! reply printed to a terminal that is gone has nobody to read it).
//!
//! ## Two later features, on the same outbox
//! - *The forwarded demand sent by email* is one more consumer, not a new path: a transport named
//!   `email` whose [`Transport::Dest`] is the address and whose [`Transport::Body`] is the message,
//!   implementing [`service::Deliver`] over SMTP. The turn that forwards a demand keeps the email
//!   in the outbox in its own transaction ([`Driver::push`], with the demand's id as event id),
//!   and [`service::Service::send`] queues it; the lane retries a temporary SMTP error
//!   ([`service::Failure::Transient`], 4xx) with backoff, recording each attempt (`attempts`,
//!   `next_at`, `last_error`); a permanent one ([`service::Failure::Permanent`], 5xx) marks the
//!   row failed with its reason ([`crate::store::Store::given_up`] lists them); after a restart
//!   [`service::Service::resend_pending`] sends what is still pending, once, when it is due. The
//!   envelope's idempotency key becomes the Message-ID.
//! - *Alerts pushed to Matrix or Discord users* without an incoming message are a producer:
//!   [`service::Service::push`] renders the alert for a stored destination (the room or channel
//!   kept with the subscription), keeps it in the outbox under the alert's id (pushed twice, kept
//!   once) and queues it in that conversation's lane, after any reply already on its way.

pub mod admin;
pub mod reload;
#[cfg(feature = "service")]
pub mod service;

use std::cell::RefCell;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::bot::{Bot, Incoming};
pub use crate::bot::{SharedBot, locked, now};
use crate::content::Content;
use crate::render::Block;
use crate::reply::Reply;
use crate::store::{SqliteStore, Store as _, StoreError};

/// A platform, as the driver sees it: where replies go and how they are laid out.
pub trait Transport: Send + Sync + 'static {
    /// The transport's name: first segment of session keys and outbox rows (`matrix`).
    const NAME: &'static str;
    /// Whether replies are kept in the outbox until delivered (not for the terminal).
    const DURABLE: bool = true;
    /// Where a reply goes (a room and a thread, a channel and an interaction…), kept with it.
    type Dest: Clone + Serialize + DeserializeOwned + Send + Sync + 'static;
    /// A reply laid out for the platform, kept and sent as it is.
    type Body: Clone + Serialize + DeserializeOwned + Send + Sync + 'static;

    /// Lays a reply's blocks out for the platform.
    fn render(&self, blocks: &[Block], cx: &RenderCx<'_>) -> Self::Body;

    /// The ordering lane of a destination: replies with the same lane leave one after the other.
    fn lane(dest: &Self::Dest) -> String;

    /// Where to push an alert later to the person who wrote at `dest` (the conversation itself,
    /// without what only answers this message); `None`: this transport cannot push.
    fn push_dest(_dest: &Self::Dest) -> Option<Self::Dest> {
        None
    }
}

/// What a renderer may need besides the blocks.
pub struct RenderCx<'a> {
    pub content: &'a Content,
    pub lang: &'a str,
    /// The person answered (owner of the reply's buttons).
    pub user: &'a str,
    /// The turn's id (buttons of an older turn are stale).
    pub turn: &'a str,
}

/// A rendered reply with its destination and idempotency key, as the outbox keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Envelope<D, B> {
    /// Unique to this reply (16 hexadecimal digits): the platform's idempotency keys derive from it.
    pub key: String,
    pub dest: D,
    pub body: B,
}

/// A reply on its way: the outbox row it is kept in (`None`: not kept), and the envelope.
pub struct Outgoing<T: Transport> {
    pub id: Option<i64>,
    /// Failed attempts before this one (after a restart, those of the previous run).
    pub attempts: u32,
    /// Not to be tried before this time (seconds): the backoff a previous run recorded.
    pub not_before: i64,
    pub env: Envelope<T::Dest, T::Body>,
}

/// A person's message, translated by an adapter.
pub struct Message<D> {
    pub incoming: Incoming,
    pub dest: D,
    /// Open or resume the conversation instead of answering `incoming.text`.
    pub open: bool,
    /// Only the person and the bot are in the conversation: admin commands are read there.
    pub private: bool,
    /// A choice made on a question's buttons: the turn that asked it. Taken only if that turn is
    /// still the conversation's last (see [`service::Service::submit`]).
    pub answering: Option<String>,
}

impl<D> Message<D> {
    /// What `user` wrote in `conversation` on `transport` (event `event`), answered at `dest`;
    /// received now, in a group conversation until [`Message::private`] says otherwise.
    #[must_use]
    pub fn new(transport: &str, user: &str, conversation: &str, text: String, event: Option<String>, dest: D) -> Self {
        let (transport, user, conversation) = (transport.to_owned(), user.to_owned(), conversation.to_owned());
        let incoming =
            Incoming { transport, user, conversation, text, event_id: event, now: now(), sent_at: None, reach: None };
        Self { incoming, dest, open: false, private: false, answering: None }
    }

    /// Opens or resumes the conversation instead of answering the text.
    #[must_use]
    pub fn opening(self, open: bool) -> Self {
        Self { open, ..self }
    }

    /// Whether only the person and the bot are in the conversation.
    #[must_use]
    pub fn private(self, private: bool) -> Self {
        Self { private, ..self }
    }

    /// A choice made on the buttons of the question `turn` asked.
    #[must_use]
    pub fn answering(self, turn: &str) -> Self {
        Self { answering: Some(turn.to_owned()), ..self }
    }

    /// When the person sent it (seconds), if the platform says.
    #[must_use]
    pub fn sent_at(mut self, at: i64) -> Self {
        self.incoming.sent_at = Some(at);
        self
    }
}

/// What a reply pushed outside a turn is recorded under ([`Driver::push`]).
#[derive(Debug, Clone, Copy)]
pub struct Pushed<'a> {
    /// The event it answers (an admin command's, `alerte:…`, `indechiffrable:…`): pushed once.
    pub event: &'a str,
    /// The conversation's session key.
    pub key: &'a str,
    /// The person it goes to, so that « oublie-moi » erases it (empty: nobody's).
    pub user: &'a str,
}

/// The transport-free half of the driver: turns, admin commands, the outbox.
pub struct Driver {
    bot: SharedBot,
    content_root: PathBuf,
    admins: Vec<String>,
}

impl Driver {
    /// `admins`: the user ids (as the transport writes them) allowed to use admin commands.
    #[must_use]
    pub fn new(bot: Bot<SqliteStore>, content_root: PathBuf, admins: Vec<String>) -> Self {
        Self { bot: Arc::new(Mutex::new(bot)), content_root, admins }
    }

    #[must_use]
    pub fn bot(&self) -> &SharedBot {
        &self.bot
    }

    /// The content in service (a reload swaps it; this copy stays whole).
    #[must_use]
    pub fn content(&self) -> Arc<Content> {
        Arc::clone(self.lock().content())
    }

    fn lock(&self) -> MutexGuard<'_, Bot<SqliteStore>> {
        locked(&self.bot)
    }

    /// Runs a message: an admin command, or a turn of the dialogue whose reply is kept in the
    /// same transaction. The reply to send, or `None` when there is nothing to answer (an event
    /// already handled). A store failure gives the internal-error reply, not kept.
    pub fn accept<T: Transport>(&self, t: &T, msg: &Message<T::Dest>) -> Option<Outgoing<T>> {
        if msg.private
            && !msg.open
            && msg.incoming.text.trim_start().starts_with('!')
            && let Some(parsed) = admin::parse(&msg.incoming.text, &self.content().vocab)
        {
            let admin = self.admins.contains(&msg.incoming.user);
            if admin || parsed.command.is_some() {
                return self.admin(t, msg, &parsed, admin);
            }
        }
        let reach = T::push_dest(&msg.dest).and_then(|d| serde_json::to_string(&d).ok());
        let with_reach;
        let inc = if reach.is_some() {
            with_reach = Incoming { reach, ..msg.incoming.clone() };
            &with_reach
        } else {
            &msg.incoming
        };
        let result = {
            let mut bot = self.lock();
            let (content, lang) = (Arc::clone(bot.content()), bot.lang().to_owned());
            let turn = inc.event_id.clone().unwrap_or_else(|| inc.now.to_string());
            let cx = RenderCx { content: &content, lang: &lang, user: &inc.user, turn: &turn };
            if T::DURABLE {
                let made = RefCell::new(None);
                let pack = |blocks: &[Block]| pack_into(t, &msg.dest, blocks, &cx, &made);
                let kept = if msg.open { bot.open_durable(inc, &pack) } else { bot.handle_durable(inc, &pack) };
                kept.map(|k| k.zip(made.into_inner()).map(|(k, env)| kept_as(k.id, env)))
            } else {
                let replies = if msg.open { bot.open(inc) } else { bot.handle(inc) };
                replies.map(|r| (!r.is_empty()).then(|| unkept(envelope(t, &msg.dest, &bot.blocks(&r), &cx))))
            }
        };
        result.unwrap_or_else(|e| Some(self.internal_error(t, msg, &e)))
    }

    /// An admin command, or the refusal of one; run and answered once per event.
    fn admin<T: Transport>(
        &self,
        t: &T,
        msg: &Message<T::Dest>,
        parsed: &admin::Parsed,
        admin: bool,
    ) -> Option<Outgoing<T>> {
        let inc = &msg.incoming;
        // A replayed command is neither run nor answered again; one killed before its answer was
        // recorded runs again, which does no harm.
        if let Some(e) = &inc.event_id
            && self.lock().store_mut().is_handled(e).unwrap_or(false)
        {
            return None;
        }
        let replies = if admin { admin::run(self, parsed) } else { vec![Reply::say("admin-refus")] };
        tracing::info!(transport = T::NAME, commande = %parsed.name, admin, "commande d'administration");
        match &inc.event_id {
            Some(event) => match self.push(
                t,
                msg.dest.clone(),
                Pushed { event, key: &inc.key(), user: &inc.user },
                &replies,
                inc.now,
            ) {
                Ok(out) => out,
                Err(e) => Some(self.internal_error(t, msg, &e)),
            },
            None => Some(unkept(self.render(t, &msg.dest, &replies, &inc.user))),
        }
    }

    /// Keeps `replies` for `dest` in the outbox, recorded under `event` (an admin command, a
    /// notice, an alert) for `user` (erased with them by « oublie-moi »): pushed again with the
    /// same event, they are not kept twice (`None`).
    /// They go out once the caller queues them ([`service::Service::push`] does both).
    ///
    /// # Errors
    /// When the store fails.
    pub fn push<T: Transport>(
        &self,
        t: &T,
        dest: T::Dest,
        to: Pushed<'_>,
        replies: &[Reply],
        now: i64,
    ) -> Result<Option<Outgoing<T>>, StoreError> {
        let Pushed { event, key, user } = to;
        let mut bot = self.lock();
        let (content, lang) = (Arc::clone(bot.content()), bot.lang().to_owned());
        let cx = RenderCx { content: &content, lang: &lang, user: "", turn: event };
        let made = RefCell::new(None);
        let pack = |blocks: &[Block]| pack_into(t, &dest, blocks, &cx, &made);
        let kept = bot.record_durable(event, key, user, replies, &pack, now)?;
        Ok(kept.zip(made.into_inner()).map(|(k, env)| kept_as(k.id, env)))
    }

    fn render<T: Transport>(&self, t: &T, dest: &T::Dest, replies: &[Reply], user: &str) -> Envelope<T::Dest, T::Body> {
        let bot = self.lock();
        let cx = RenderCx { content: bot.content(), lang: bot.lang(), user, turn: "-" };
        envelope(t, dest, &bot.blocks(replies), &cx)
    }

    fn internal_error<T: Transport>(&self, t: &T, msg: &Message<T::Dest>, e: &StoreError) -> Outgoing<T> {
        tracing::error!(transport = T::NAME, conversation = %msg.incoming.conversation, "base des conversations : {e}");
        unkept(self.render(t, &msg.dest, &[Reply::say("erreur-interne")], &msg.incoming.user))
    }

    /// The replies of `T` kept but not delivered (a crash or a stop came first), oldest first.
    /// One that cannot be read any more is given up.
    #[must_use]
    pub fn pending<T: Transport>(&self) -> Vec<Outgoing<T>> {
        let rows = match self.lock().pending(T::NAME) {
            Ok(rows) => rows,
            Err(e) => {
                tracing::error!(transport = T::NAME, "base des conversations : réponses en attente illisibles : {e}");
                return vec![];
            }
        };
        rows.into_iter()
            .filter_map(|p| match serde_json::from_str(&p.payload) {
                Ok(env) => Some(Outgoing { id: Some(p.id), attempts: p.attempts, not_before: p.next_at, env }),
                Err(e) => {
                    self.give_up(p.id, &format!("réponse illisible : {e}"));
                    None
                }
            })
            .collect()
    }

    /// The platform accepted a kept reply: it leaves the outbox.
    pub fn delivered(&self, id: i64) {
        if let Err(e) = self.lock().store_mut().delivered(id) {
            tracing::warn!(
                "base des conversations : réponse envoyée non retirée de l'attente ({e}) ; elle sera renvoyée"
            );
        }
    }

    /// A failed attempt at a kept reply, tried again from `next_at`.
    pub fn retry_later(&self, id: i64, next_at: i64, error: &str) {
        if let Err(e) = self.lock().store_mut().retry_later(id, next_at, error) {
            tracing::warn!("base des conversations : essai non enregistré : {e}");
        }
    }

    /// A kept reply refused for good: marked failed with the reason.
    pub fn give_up(&self, id: i64, error: &str) {
        tracing::warn!(id, "réponse abandonnée : {error}");
        if let Err(e) = self.lock().store_mut().give_up(id, error) {
            tracing::warn!("base des conversations : abandon non enregistré : {e}");
        }
    }
}

/// Renders `blocks` for `dest` into a new envelope, keeps it in `made`, and returns what the store
/// keeps: the envelope as JSON (the only time it is serialised; it is read back only after a
/// restart).
fn pack_into<T: Transport>(
    t: &T,
    dest: &T::Dest,
    blocks: &[Block],
    cx: &RenderCx<'_>,
    made: &RefCell<Option<Envelope<T::Dest, T::Body>>>,
) -> String {
    let env = envelope(t, dest, blocks, cx);
    let json = serde_json::to_string(&env).unwrap_or_default();
    *made.borrow_mut() = Some(env);
    json
}

fn envelope<T: Transport>(t: &T, dest: &T::Dest, blocks: &[Block], cx: &RenderCx<'_>) -> Envelope<T::Dest, T::Body> {
    Envelope { key: idempotency_key(), dest: dest.clone(), body: t.render(blocks, cx) }
}

fn kept_as<T: Transport>(id: i64, env: Envelope<T::Dest, T::Body>) -> Outgoing<T> {
    Outgoing { id: Some(id), attempts: 0, not_before: 0, env }
}

fn unkept<T: Transport>(env: Envelope<T::Dest, T::Body>) -> Outgoing<T> {
    Outgoing { id: None, attempts: 0, not_before: 0, env }
}

/// 16 hexadecimal digits, from the standard library's random hasher keys and the clock (Discord
/// allows nonces of 25 characters: the key, a dash and a rank fit).
fn idempotency_key() -> String {
    use std::hash::BuildHasher;
    let h = std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{h:016x}")
}

/// Where the bot keeps its files: `AIGUILLEUR_DATA_DIR`, else `$XDG_DATA_HOME/aiguilleur`, else
/// `~/.local/share/aiguilleur`, else `./aiguilleur-data`.
#[must_use]
pub fn data_dir() -> PathBuf {
    let var = |name| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("AIGUILLEUR_DATA_DIR").unwrap_or_else(|| {
        var("XDG_DATA_HOME")
            .or_else(|| var("HOME").map(|h| h.join(".local/share")))
            .map_or_else(|| PathBuf::from("aiguilleur-data"), |base| base.join("aiguilleur"))
    })
}

/// What every long-running transport starts with, from the common command-line options.
#[derive(Debug, Clone)]
pub struct Common {
    pub content: Arc<Content>,
    /// The content root, for reloads.
    pub content_root: PathBuf,
    /// The SQLite file of conversations (`None`: the transport's file in [`data_dir`]).
    pub db: Option<PathBuf>,
    pub lang: String,
    /// Idle sessions older than this are erased (days).
    pub retention_days: u32,
    /// Where forwarded demands go, and the SMTP server that sends them (if configured).
    pub saisine: crate::saisine::Reglages,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A transport that renders plain text, for the driver's own tests.
    struct Plain;

    impl Transport for Plain {
        const NAME: &'static str = "essai";
        type Dest = String;
        type Body = String;
        fn render(&self, blocks: &[Block], _: &RenderCx<'_>) -> String {
            crate::render::plain::plain(blocks)
        }
        fn lane(dest: &String) -> String {
            dest.clone()
        }
    }

    fn driver() -> Driver {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let content = Arc::new(crate::content::load(&root).content.unwrap());
        let store = SqliteStore::open(std::path::Path::new(":memory:")).unwrap();
        Driver::new(Bot::new(content, store, "fr"), root, vec!["@admin:x".into()])
    }

    fn msg(user: &str, text: &str, event: &str, open: bool) -> Message<String> {
        Message::new(Plain::NAME, user, "salon", text.into(), Some(event.into()), "salon".into())
            .opening(open)
            .private(true)
    }

    fn said(d: &Driver, m: &Message<String>) -> String {
        d.accept(&Plain, m).map(|o| o.env.body).unwrap_or_default()
    }

    #[test]
    fn opening_welcomes_then_resumes_and_replies_are_kept_once() {
        let d = driver();
        let welcome = d.accept(&Plain, &msg("@maire:x", "", "$1", true)).unwrap();
        assert!(welcome.env.body.contains("Quelle est votre commune"), "{}", welcome.env.body);
        assert!(d.accept(&Plain, &msg("@maire:x", "", "$1", true)).is_none(), "a replayed event");
        assert!(said(&d, &msg("@maire:x", "Genêts", "$2", false)).contains("Genêts compte"));
        let back = said(&d, &msg("@maire:x", "ignoré", "$3", true));
        assert!(back.contains("Genêts compte") && !back.contains("Quelle est votre commune"), "{back}");
        // Each reply is in the outbox, with its envelope, until delivered.
        let pending = d.pending::<Plain>();
        assert_eq!(pending.len(), 3);
        assert_eq!(pending[0].id, welcome.id);
        assert_eq!(pending[0].env.key, welcome.env.key);
        assert_eq!(pending[0].env.body, welcome.env.body);
        d.delivered(welcome.id.unwrap());
        d.give_up(pending[1].id.unwrap(), "403");
        d.retry_later(pending[2].id.unwrap(), 2000, "502");
        let left = d.pending::<Plain>();
        assert_eq!((left.len(), left[0].attempts, left[0].not_before), (1, 1, 2000));
    }

    #[test]
    fn admin_commands_for_admins_a_refusal_for_others() {
        let d = driver();
        let help = said(&d, &msg("@admin:x", "!aide", "$1", false));
        assert!(help.contains("!recharger") && help.contains("!aide"), "{help}");
        assert!(d.accept(&Plain, &msg("@admin:x", "!aide", "$1", false)).is_none(), "run once per event");
        assert!(said(&d, &msg("@admin:x", "!Recharger", "$2", false)).contains("Rien n'a changé"));
        assert!(said(&d, &msg("@admin:x", "!inconnue", "$3", false)).contains("!aide"));
        let refused = said(&d, &msg("@maire:x", "!recharger", "$4", false));
        assert!(refused.contains("réservée aux administrateurs"), "{refused}");
        // Not a command for a non-admin: an ordinary message; nor in a group conversation.
        assert!(said(&d, &msg("@maire:x", "!bonjour", "$5", false)).contains("Quelle est votre commune"));
        let group = Message { private: false, ..msg("@admin:x", "!aide", "$6", false) };
        assert!(!said(&d, &group).contains("!recharger"));
    }

    #[test]
    fn admins_see_the_last_demands_without_personal_data() {
        let d = driver();
        assert!(said(&d, &msg("@admin:x", "!demandes", "$1", false)).contains("Aucune demande"));
        for n in 1..=12 {
            let demand = crate::store::NewDemande {
                reference: format!("DEM-2026-{n:04}"),
                annee: 2026,
                numero: n,
                key: "essai:salon:@maire:x".into(),
                user: "@maire:x".into(),
                commune: Some("Genêts".into()),
                insee: Some("50197".into()),
                themes: vec![],
                etape: None,
                data: r#"{"demandeur":"Marie Dupont"}"#.into(),
                email: None,
            };
            let commit = crate::store::Commit { demand: Some(&demand), at: 1_780_000_000, ..Default::default() };
            d.lock().store_mut().commit(&commit).unwrap();
        }
        let listed = said(&d, &msg("@admin:x", "!demandes", "$2", false));
        assert!(listed.contains("Dernières demandes transmises (10)"), "{listed}");
        assert!(listed.contains("DEM-2026-0012 · 28/05/2026 · Genêts · à envoyer par le demandeur"), "{listed}");
        assert!(listed.contains("DEM-2026-0003") && !listed.contains("DEM-2026-0002"), "the last ten: {listed}");
        assert!(!listed.contains("Marie"), "{listed}");
        assert!(said(&d, &msg("@maire:x", "!demandes", "$3", false)).contains("réservée aux administrateurs"));
    }
}
