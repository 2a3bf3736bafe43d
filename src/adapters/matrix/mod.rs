//! Matrix and Tchap: end-to-end encrypted rooms, driven by matrix-sdk 0.18.
//!
//! Transport only (ARCHITECTURE.md): a text message becomes an [`Incoming`], the bot's replies
//! come back as blocks and leave as `m.notice` events with an HTML and a plain body. The pieces:
//! - [`config`]: the `[matrix]` section, the environment, the invite allow-list;
//! - [`login`]: first login or restored session (same device every start), cross-signing and
//!   recovery key;
//! - [`sync`]: our own `sync_once` loop (no one-second pause between long-polls), with backoff,
//!   `M_LIMIT_EXCEEDED` honoured, and a sync token saved only once the events it covers are
//!   recorded as handled;
//! - [`rooms`]: invites (allow-list, join with retries, welcome once encryption and members are
//!   known), leaving rooms where the bot is alone;
//! - [`messages`]: from a timeline event to the bot (mentions in group rooms, threads,
//!   undecryptable events);
//! - [`send`]: one ordered outbox per room, typing notice, retries with the same transaction id.
//!
//! Nothing here decides what the bot says: that is the dialogue's job.

pub mod config;
mod login;
mod messages;
mod rooms;
mod send;
mod sync;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId};
use matrix_sdk::{Client, Room};
use tokio::sync::{Notify, mpsc, watch};
use tracing::{info, warn};

use super::{Common, SharedBot};
use crate::bot::{Bot, Incoming};
use crate::store::SqliteStore;
use config::{Access, FileConfig, Settings};

/// The transport name in session keys (`matrix:<room>:<user>`).
const TRANSPORT: &str = "matrix";

/// Runs the bot on Matrix until SIGTERM or SIGINT.
///
/// # Errors
/// Configuration, login, or a homeserver that refuses the bot's token.
pub async fn run(common: Common, config: Option<PathBuf>) -> anyhow::Result<()> {
    let file: FileConfig = crate::config::read_toml(config.as_deref())?;
    let settings = Settings::resolve(file.matrix, &|k| std::env::var(k).ok(), common.db.clone())?;
    crate::config::owner_only_dir(&settings.data_dir)?;
    let store = SqliteStore::open(&settings.db).with_context(|| format!("base {}", settings.db.display()))?;
    let mut bot = Bot::new(Arc::clone(&common.content), store, &common.lang).with_retention_days(common.retention_days);
    bot.purge_idle(super::now())?;
    let bot: SharedBot = Arc::new(Mutex::new(bot));

    let connected = login::connect(&settings).await?;
    let client = connected.client.clone();
    let me = client.user_id().context("identifiant du bot inconnu après connexion")?.to_owned();
    info!(
        utilisateur = %me,
        appareil = %client.device_id().map(ToString::to_string).unwrap_or_default(),
        premiere_connexion = connected.first_login,
        "connecté à Matrix"
    );
    login::secure(&connected).await;
    let display_name = own_display_name(&client, settings.display_name.as_deref()).await;

    let mut access = settings.access.clone();
    if settings.own_server_only {
        info!(serveur = %me.server_name(), "aucune liste de serveurs : seules les invitations de ce serveur sont acceptées");
        access.servers.push(me.server_name().as_str().to_ascii_lowercase());
    }
    let mut names = vec![me.as_str().to_lowercase(), me.localpart().to_lowercase()];
    names.extend(display_name.map(|n| n.to_lowercase()).filter(|n| n.chars().count() >= 3));
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();

    // SIGHUP and changes under the content root reload the content (kept alive until the end).
    let _watcher = super::reload::spawn(Arc::clone(&bot), common.content_root.clone())
        .inspect_err(|e| warn!("surveillance du contenu indisponible (SIGHUP et !recharger restent) : {e}"))
        .ok();
    tokio::spawn(super::purge_loop(Arc::clone(&bot)));

    let adapter = Arc::new(Adapter {
        client,
        bot,
        content_root: common.content_root.clone(),
        me,
        names,
        access,
        typing_delay: settings.typing_delay,
        outboxes: Mutex::default(),
        inviting: Mutex::default(),
        utd_notices: Mutex::default(),
        tasks: Tasks::default(),
        retrying: Tasks::default(),
        joins: Mutex::default(),
    });

    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        super::stop_signal().await;
        info!("arrêt demandé");
        let _ = stop_tx.send(true);
    });
    adapter.resend_pending();
    let result = sync::run(Arc::clone(&adapter), connected.files.sync_token(), stop_rx).await;
    if !adapter.tasks.idle(Duration::from_secs(10)).await {
        warn!("arrêt : des réponses n'ont pas pu partir à temps");
    }
    info!("arrêté");
    result
}

/// The account's display name, set first when the configuration names one.
async fn own_display_name(client: &Client, wanted: Option<&str>) -> Option<String> {
    let current = client.account().get_display_name().await.ok().flatten();
    match wanted {
        Some(w) if current.as_deref() != Some(w) => match client.account().set_display_name(Some(w)).await {
            Ok(()) => Some(w.to_owned()),
            Err(e) => {
                warn!("nom affiché non modifié : {e}");
                current
            }
        },
        _ => current,
    }
}

/// What every part of the adapter shares.
pub(crate) struct Adapter {
    client: Client,
    bot: SharedBot,
    /// Where the content is reloaded from (`!recharger`).
    content_root: PathBuf,
    me: OwnedUserId,
    /// Lower-case ways to name the bot in a group room: user id, localpart, display name.
    names: Vec<String>,
    access: Access,
    typing_delay: Duration,
    /// One ordered outbox per room.
    outboxes: Mutex<HashMap<OwnedRoomId, mpsc::UnboundedSender<send::Outgoing>>>,
    /// Invites being handled, so that a repeated sync does not start a second join.
    inviting: Mutex<HashSet<OwnedRoomId>>,
    /// When each room last got an "undecryptable" notice (at most one a minute).
    utd_notices: Mutex<HashMap<OwnedRoomId, Instant>>,
    /// Replies and joins in flight, waited for at shutdown.
    tasks: Tasks,
    /// Undecryptable events being tried again: while there are any, the sync token is not saved,
    /// so that a restart reads them again.
    retrying: Tasks,
    /// Rooms just joined, waiting for the sync that shows the join (see `rooms::invite`).
    joins: Mutex<HashMap<OwnedRoomId, tokio::sync::oneshot::Sender<()>>>,
}

impl Adapter {
    /// Runs the bot on one message and queues its reply in `room`, kept in the store (in the
    /// turn's transaction) until it is sent. A store failure gives the generic error message.
    /// Whether there was anything to answer (false: an event already handled).
    fn turn(self: &Arc<Self>, room: &Room, incoming: &Incoming, thread: Option<send::Thread>) -> bool {
        let pack = |blocks: &[crate::render::Block]| send::Packed::new(room.room_id(), thread.clone(), blocks).json();
        let result = self.bot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).handle_durable(incoming, &pack);
        self.queue(room, result, thread)
    }

    /// Records an event answered outside a turn (admin command, notice) and queues `replies`,
    /// kept until sent. False when the event was already recorded.
    fn record(
        self: &Arc<Self>,
        room: &Room,
        event_id: &str,
        user: &str,
        replies: &[crate::reply::Reply],
        thread: Option<send::Thread>,
    ) -> bool {
        let pack = |blocks: &[crate::render::Block]| send::Packed::new(room.room_id(), thread.clone(), blocks).json();
        let key = format!("{TRANSPORT}:{}:{user}", room.room_id());
        let result = self.bot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).record_durable(
            event_id,
            &key,
            replies,
            &pack,
            super::now(),
        );
        self.queue(room, result, thread)
    }

    fn queue(
        self: &Arc<Self>,
        room: &Room,
        result: Result<Option<crate::store::Pending>, crate::store::StoreError>,
        thread: Option<send::Thread>,
    ) -> bool {
        match result {
            Ok(Some(pending)) => {
                self.send_pending(pending);
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::error!(salon = %room.room_id(), "base de conversations : {e}");
                let blocks = {
                    let bot = self.bot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    bot.blocks(&[crate::reply::Reply::say("erreur-interne")])
                };
                let packed = send::Packed::new(room.room_id(), thread, &blocks);
                self.enqueue(room, send::Outgoing::transient(packed, self.tasks.guard()));
                true
            }
        }
    }

    fn incoming(
        &self,
        room: &matrix_sdk::ruma::RoomId,
        user: &str,
        text: String,
        event_id: String,
        sent_at: Option<i64>,
    ) -> Incoming {
        Incoming {
            transport: TRANSPORT.into(),
            user: user.to_owned(),
            conversation: room.to_string(),
            text,
            event_id: Some(event_id),
            now: super::now(),
            sent_at,
        }
    }
}

/// Counts tasks in flight so that shutdown can wait for them.
#[derive(Clone, Default)]
pub(crate) struct Tasks(Arc<(AtomicUsize, Notify)>);

/// Held while a task (or a queued reply) is in flight.
pub(crate) struct TaskGuard(Tasks);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        let inner = &(self.0).0;
        if inner.0.fetch_sub(1, Ordering::SeqCst) == 1 {
            inner.1.notify_waiters();
        }
    }
}

impl Tasks {
    fn guard(&self) -> TaskGuard {
        self.0.0.fetch_add(1, Ordering::SeqCst);
        TaskGuard(self.clone())
    }

    fn spawn<F: Future<Output = ()> + Send + 'static>(&self, fut: F) {
        let guard = self.guard();
        tokio::spawn(async move {
            let _guard = guard;
            fut.await;
        });
    }

    fn busy(&self) -> bool {
        self.0.0.load(Ordering::SeqCst) > 0
    }

    /// Waits until nothing is in flight, at most `limit`; whether it got there.
    async fn idle(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.0.1.notified();
            if self.0.0.load(Ordering::SeqCst) == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.0.0.load(Ordering::SeqCst) == 0;
            }
        }
    }
}

/// Exponential backoff between retries: 0.5 s doubling up to `max`, with a little jitter.
pub(crate) struct Backoff {
    next: Duration,
    max: Duration,
}

impl Backoff {
    pub(crate) fn new(max: Duration) -> Self {
        Self { next: Duration::from_millis(500), max }
    }

    pub(crate) fn reset(&mut self) {
        self.next = Duration::from_millis(500);
    }

    pub(crate) fn next_delay(&mut self) -> Duration {
        let d = self.next;
        self.next = (self.next * 2).min(self.max);
        // Up to a quarter more, so that restarted bots do not retry in step.
        let jitter = std::hash::BuildHasher::hash_one(&std::collections::hash_map::RandomState::new(), Instant::now());
        d + d.mul_f64((jitter % 256) as f64 / 1024.0)
    }
}

/// What to do after a failed request.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Retry {
    /// The server said when (`M_LIMIT_EXCEEDED`).
    After(Duration),
    /// Transient: network, server error.
    Backoff,
    /// Retrying will not help.
    Never,
}

pub(crate) fn classify(e: &matrix_sdk::Error) -> Retry {
    use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
    match e.client_api_error_kind() {
        Some(ErrorKind::LimitExceeded(data)) => match &data.retry_after {
            Some(RetryAfter::Delay(d)) => Retry::After(*d),
            Some(RetryAfter::DateTime(t)) => {
                Retry::After(t.duration_since(std::time::SystemTime::now()).unwrap_or(Duration::ZERO))
            }
            None => Retry::Backoff,
        },
        Some(
            ErrorKind::UnknownToken(_)
            | ErrorKind::MissingToken
            | ErrorKind::UserDeactivated
            | ErrorKind::Forbidden
            | ErrorKind::NotFound
            | ErrorKind::BadJson
            | ErrorKind::NotJson
            | ErrorKind::TooLarge
            | ErrorKind::Unrecognized
            | ErrorKind::GuestAccessForbidden
            | ErrorKind::InvalidParam,
        ) => Retry::Never,
        Some(_) => match e.as_client_api_error().map(|c| c.status_code.as_u16()) {
            Some(s) if (400..500).contains(&s) && s != 429 => Retry::Never,
            _ => Retry::Backoff,
        },
        None => match e {
            matrix_sdk::Error::Http(_) => Retry::Backoff,
            _ => Retry::Never,
        },
    }
}

#[cfg(test)]
mod tests {
    use matrix_sdk::HttpError;
    use matrix_sdk::ruma::api::client::uiaa::UiaaResponse;
    use matrix_sdk::ruma::api::error::{
        Error as ApiError, ErrorBody, ErrorKind, FromHttpResponseError, LimitExceededErrorData, RetryAfter,
        StandardErrorBody, UnknownTokenErrorData,
    };
    use matrix_sdk::ruma::exports::http::StatusCode;

    use super::*;

    fn server_error(status: u16, kind: ErrorKind) -> matrix_sdk::Error {
        let body = ErrorBody::Standard(StandardErrorBody::new(kind, "x".into()));
        let api = ApiError::new(StatusCode::from_u16(status).unwrap(), body);
        let http = HttpError::Api(Box::new(FromHttpResponseError::Server(UiaaResponse::MatrixError(api))));
        matrix_sdk::Error::Http(Box::new(http))
    }

    #[test]
    fn rate_limits_wait_what_the_server_says() {
        let mut data = LimitExceededErrorData::new();
        data.retry_after = Some(RetryAfter::Delay(Duration::from_millis(1500)));
        let e = server_error(429, ErrorKind::LimitExceeded(data));
        assert_eq!(classify(&e), Retry::After(Duration::from_millis(1500)));
        assert_eq!(
            classify(&server_error(429, ErrorKind::LimitExceeded(LimitExceededErrorData::new()))),
            Retry::Backoff
        );
    }

    #[test]
    fn server_errors_are_retried_refusals_are_not() {
        assert_eq!(classify(&server_error(502, ErrorKind::Unknown)), Retry::Backoff);
        assert_eq!(classify(&server_error(403, ErrorKind::Forbidden)), Retry::Never);
        assert_eq!(classify(&server_error(400, ErrorKind::Unknown)), Retry::Never);
        let token = server_error(401, ErrorKind::UnknownToken(UnknownTokenErrorData::new()));
        assert_eq!(classify(&token), Retry::Never);
        assert!(sync::is_auth_error(&token));
    }

    #[test]
    fn backoff_grows_to_its_cap() {
        let mut b = Backoff::new(Duration::from_secs(4));
        let delays: Vec<Duration> = (0..6).map(|_| b.next_delay()).collect();
        assert!(delays[0] >= Duration::from_millis(500) && delays[0] < Duration::from_millis(700), "{delays:?}");
        assert!(delays[3] >= Duration::from_secs(4) && delays[5] < Duration::from_secs(5), "{delays:?}");
        b.reset();
        assert!(b.next_delay() < Duration::from_millis(700));
    }
}
