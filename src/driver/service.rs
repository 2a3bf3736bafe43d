//! The long-running half of the driver (feature `service`): lanes, retries, start-up, shutdown.
//!
//! **Ordering.** A transport hands each message to [`Service::submit`] in the order the platform
//! gave it: the turn is committed at once (with its reply, in one transaction), and the reply is
//! queued in its conversation's lane ([`Transport::lane`]). A lane is a task that delivers its
//! replies one after the other, so the replies of a conversation never overtake each other, while
//! other conversations go on. An idle lane ends; the next reply starts it again.
//!
//! **Retries.** A delivery that fails with [`Failure::Transient`] is tried again with exponential
//! backoff and jitter (`backon`), waiting at least what the platform asked (a rate limit), for
//! five minutes at most; each failed attempt is recorded in the outbox row. A
//! [`Failure::Permanent`] one, or one still failing then, is marked failed with its reason.
//! [`retry`] gives the same policy to a transport's own calls (joining a room, say).
//!
//! **Start and stop.** [`serve`] opens the store, erases idle sessions (then once an hour),
//! watches the content for reloads, and runs the transport until SIGTERM or Ctrl-C; then it waits
//! a little for the replies in flight.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use backon::{BackoffBuilder, ExponentialBuilder, Retryable};
use tokio::sync::{Notify, mpsc, watch};
use tracing::{debug, info, warn};

use super::{Common, Driver, Message, Outgoing, Pushed, Transport, locked, now, reload};
use crate::bot::Bot;
use crate::reply::Reply;
use crate::store::SqliteStore;

/// How long a reply keeps being retried before it is given up.
const DELIVER_FOR: Duration = Duration::from_secs(300);
/// An idle lane's task ends after this.
const LANE_IDLE: Duration = Duration::from_secs(60);
/// At shutdown, how long replies in flight may take.
const STOP_WAIT: Duration = Duration::from_secs(10);

/// A transport that sends replies itself (not the terminal).
pub trait Deliver: Transport + Sized {
    /// Sends one reply. After a transient failure, and after a restart for a reply still kept,
    /// the same envelope comes again: the platform must be given the same idempotency key
    /// (derived from `out.env.key`), so that what it already has is not posted twice.
    fn deliver(&self, out: &Outgoing<Self>) -> impl Future<Output = Result<(), Failure>> + Send;
}

/// Why a call to a platform failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again (network, server error, rate limit); `after`: the least wait the
    /// platform asked for.
    Transient { reason: String, after: Option<Duration> },
    /// Trying again will not help (refused, destination gone).
    Permanent(String),
}

impl Failure {
    pub fn transient(reason: impl std::fmt::Display) -> Self {
        Self::Transient { reason: reason.to_string(), after: None }
    }

    pub fn permanent(reason: impl std::fmt::Display) -> Self {
        Self::Permanent(reason.to_string())
    }

    /// What a failed HTTP call to a platform means, the same for every transport: a rate limit
    /// (429, waiting at least `after` when the platform said how long), a server error (5xx) or
    /// the network (`network`: no answer at all) are worth trying again; any other refusal (a bad
    /// token, a forbidden room, a malformed request) is final.
    pub fn from_http(status: Option<u16>, network: bool, after: Option<Duration>, e: impl std::fmt::Display) -> Self {
        match status {
            Some(429 | 500..=599) => Self::Transient { reason: e.to_string(), after },
            None if network => Self::Transient { reason: e.to_string(), after },
            _ => Self::permanent(e),
        }
    }

    #[must_use]
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Transient { .. })
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Transient { reason, .. } | Self::Permanent(reason) => f.write_str(reason),
        }
    }
}

/// How long to keep trying, and how long to wait at most between two tries.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub max_delay: Duration,
    /// Give up once the waits add up to this.
    pub total: Option<Duration>,
    /// Give up after this many tries.
    pub times: Option<usize>,
}

impl Policy {
    fn builder(self) -> ExponentialBuilder {
        let b = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(500))
            .with_max_delay(self.max_delay)
            .with_jitter()
            .with_total_delay(self.total);
        match self.times {
            Some(n) => b.with_max_times(n),
            None => b.without_max_times(),
        }
    }

    /// The waits between tries, for a loop that never gives up (a sync loop).
    pub fn delays(max_delay: Duration) -> impl Iterator<Item = Duration> {
        Self { max_delay, total: None, times: None }.builder().build()
    }
}

/// Runs `op` until it succeeds, fails for good, or `policy` gives up. `notify` hears of each
/// transient failure and the wait before the next try.
///
/// # Errors
/// The last failure.
pub async fn retry<T, Fut>(
    policy: Policy,
    op: impl FnMut() -> Fut,
    notify: impl FnMut(&Failure, Duration),
) -> Result<T, Failure>
where
    Fut: Future<Output = Result<T, Failure>>,
{
    retry_sleeping(policy, op, notify, tokio::time::sleep).await
}

async fn retry_sleeping<T, Fut>(
    policy: Policy,
    op: impl FnMut() -> Fut,
    mut notify: impl FnMut(&Failure, Duration),
    sleep: impl backon::Sleeper,
) -> Result<T, Failure>
where
    Fut: Future<Output = Result<T, Failure>>,
{
    op.retry(policy.builder())
        .sleep(sleep)
        .when(Failure::is_transient)
        .adjust(|f, d| match f {
            Failure::Transient { after: Some(a), .. } => d.map(|d| d.max(*a)),
            _ => d,
        })
        .notify(|f, d| notify(f, d))
        .await
}

/// Counts what is in flight, so that shutdown can wait for it.
#[derive(Clone, Default)]
pub struct Tasks(Arc<(AtomicUsize, Notify)>);

/// Held while a task (or a queued reply) is in flight.
pub struct TaskGuard(Tasks);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        let inner = &(self.0).0;
        if inner.0.fetch_sub(1, Ordering::SeqCst) == 1 {
            inner.1.notify_waiters();
        }
    }
}

impl Tasks {
    #[must_use]
    pub fn guard(&self) -> TaskGuard {
        self.0.0.fetch_add(1, Ordering::SeqCst);
        TaskGuard(self.clone())
    }

    /// Spawns `fut`, counted until it ends.
    pub fn spawn<F: Future<Output = ()> + Send + 'static>(&self, fut: F) {
        let guard = self.guard();
        tokio::spawn(async move {
            let _guard = guard;
            fut.await;
        });
    }

    #[must_use]
    pub fn busy(&self) -> bool {
        self.0.0.load(Ordering::SeqCst) > 0
    }

    /// Waits until nothing is in flight, at most `limit`; whether it got there.
    pub async fn idle(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.0.1.notified();
            if !self.busy() {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return !self.busy();
            }
        }
    }
}

/// Set once SIGTERM or Ctrl-C came.
#[derive(Clone)]
pub struct Stop(watch::Receiver<bool>);

impl Stop {
    #[must_use]
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves once the stop is asked (at once if it was).
    pub async fn wait(&mut self) {
        let _ = self.0.wait_for(|s| *s).await;
    }

    /// Sleeps `d`, or less if the stop is asked meanwhile; whether it was.
    pub async fn sleep(&mut self, d: Duration) -> bool {
        tokio::select! {
            () = tokio::time::sleep(d) => self.is_set(),
            () = self.wait() => true,
        }
    }
}

/// What became of a submitted message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// Its reply is queued.
    Queued,
    /// Nothing to answer (an event already handled).
    Nothing,
    /// A choice made on the buttons of a question already answered ([`Message::answering`]):
    /// not taken, since its number would answer the current question.
    Stale,
}

/// Conversations whose last turn is remembered for [`Submitted::Stale`] before the memory is
/// emptied (then, as after a restart, any choice is taken as if typed).
const MAX_TRACKED: usize = 10_000;

type Job<T> = (Outgoing<T>, TaskGuard);

/// A transport running under the driver.
pub struct Service<T: Deliver> {
    driver: Driver,
    transport: Arc<T>,
    lanes: Mutex<HashMap<String, mpsc::UnboundedSender<Job<T>>>>,
    tasks: Tasks,
    /// Per conversation, the turn whose question is the one to answer.
    last_turn: Mutex<HashMap<String, String>>,
}

impl<T: Deliver> Service<T> {
    #[must_use]
    pub fn new(driver: Driver, transport: Arc<T>) -> Self {
        Self { driver, transport, lanes: Mutex::default(), tasks: Tasks::default(), last_turn: Mutex::default() }
    }

    #[must_use]
    pub fn driver(&self) -> &Driver {
        &self.driver
    }

    #[must_use]
    pub fn transport(&self) -> &Arc<T> {
        &self.transport
    }

    /// What is in flight: queued replies, and the transport's own tasks spawned here.
    #[must_use]
    pub fn tasks(&self) -> &Tasks {
        &self.tasks
    }

    /// Runs a message through the driver (committed at once) and queues its reply in the
    /// conversation's lane, unless it is a choice made on an older question.
    pub fn submit(self: &Arc<Self>, msg: &Message<T::Dest>) -> Submitted {
        let key = msg.incoming.key();
        let mut last = locked(&self.last_turn);
        if msg.answering.as_ref().is_some_and(|t| last.get(&key).is_some_and(|l| l != t)) {
            return Submitted::Stale;
        }
        let Some(out) = self.driver.accept(&*self.transport, msg) else {
            return Submitted::Nothing;
        };
        if last.len() > MAX_TRACKED && !last.contains_key(&key) {
            last.clear();
        }
        last.insert(key, msg.incoming.event_id.clone().unwrap_or_default());
        drop(last);
        self.send(out);
        Submitted::Queued
    }

    /// One of the bot's own messages (not a dialogue reply), in the bot's language.
    #[must_use]
    pub fn say(&self, id: &str) -> String {
        let bot = locked(self.driver.bot());
        bot.content().locales.msg(bot.lang(), id, &[])
    }

    /// Keeps `replies` for `dest` under `event` and queues them (a notice, an alert). False when
    /// that event was already pushed.
    pub fn push(self: &Arc<Self>, dest: T::Dest, event: &str, key: &str, user: &str, replies: &[Reply]) -> bool {
        match self.driver.push(&*self.transport, dest, Pushed { event, key, user }, replies, now()) {
            Ok(Some(out)) => {
                self.send(out);
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::error!(transport = T::NAME, "base des conversations : {e}");
                false
            }
        }
    }

    /// Queues a reply in its lane (the lane's task is started on first use).
    pub fn send(self: &Arc<Self>, out: Outgoing<T>) {
        let lane = T::lane(&out.env.dest);
        let job = (out, self.tasks.guard());
        let mut lanes = locked(&self.lanes);
        let job = match lanes.get(&lane) {
            Some(tx) => match tx.send(job) {
                Ok(()) => return,
                Err(mpsc::error::SendError(job)) => job,
            },
            None => job,
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(job);
        lanes.insert(lane.clone(), tx);
        tokio::spawn(Arc::clone(self).lane(lane, rx));
    }

    /// The replies kept but not sent when the transport last stopped, each in its lane, before
    /// anything new there.
    pub fn resend_pending(self: &Arc<Self>) {
        let pending = self.driver.pending::<T>();
        if !pending.is_empty() {
            info!(transport = T::NAME, nombre = pending.len(), "réponses non parties avant l'arrêt : envoi");
        }
        for out in pending {
            self.send(out);
        }
    }

    async fn lane(self: Arc<Self>, lane: String, mut rx: mpsc::UnboundedReceiver<Job<T>>) {
        loop {
            let job = match tokio::time::timeout(LANE_IDLE, rx.recv()).await {
                Ok(Some(job)) => job,
                Ok(None) => return,
                Err(_) => {
                    // Idle: the lane ends, unless a reply came in meanwhile (sent under this lock).
                    let mut lanes = locked(&self.lanes);
                    match rx.try_recv() {
                        Ok(job) => job,
                        Err(_) => {
                            lanes.remove(&lane);
                            return;
                        }
                    }
                }
            };
            self.deliver(job).await;
        }
    }

    async fn deliver(&self, (out, _guard): Job<T>) {
        let wait = out.not_before - now();
        if wait > 0 {
            tokio::time::sleep(Duration::from_secs(wait.unsigned_abs())).await;
        }
        let started = std::time::Instant::now();
        let policy = Policy { max_delay: Duration::from_secs(30), total: Some(DELIVER_FOR), times: None };
        let result = retry(
            policy,
            || self.transport.deliver(&out),
            |f, d| {
                debug!(transport = T::NAME, "envoi à refaire dans {d:?} : {f}");
                if let Some(id) = out.id {
                    let next = now() + i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                    self.driver.retry_later(id, next, &f.to_string());
                }
            },
        )
        .await;
        match (result, out.id) {
            (Ok(()), Some(id)) => self.driver.delivered(id),
            (Err(f), Some(id)) => self.driver.give_up(id, &f.to_string()),
            (Err(f), None) => warn!(transport = T::NAME, "réponse non envoyée, abandonnée : {f}"),
            (Ok(()), None) => {}
        }
        debug!(transport = T::NAME, "réponse traitée en {:?}", started.elapsed());
    }
}

impl<T: Deliver> Service<T> {
    /// Pushes the alerts due to this transport's subscribers (see [`crate::alerts`]): the
    /// catalogue changed since what they were last told. Each alert is kept in the outbox under
    /// an event naming the subscriber and the content version (pushed twice, kept once), then the
    /// subscription's baseline moves. Returns how many alerts were queued.
    pub fn announce(self: &Arc<Self>) -> usize {
        match self.announce_inner() {
            Ok(n) => n,
            Err(e) => {
                warn!(transport = T::NAME, "alertes : base des conversations : {e}");
                0
            }
        }
    }

    fn announce_inner(self: &Arc<Self>) -> Result<usize, crate::store::StoreError> {
        use crate::alerts;
        use crate::store::Store as _;
        let at = now();
        let (content, due) = {
            let mut bot = self.driver.lock();
            let content = Arc::clone(bot.content());
            let lang = bot.lang().to_owned();
            let store = bot.store_mut();
            let current = alerts::snapshot_name(&content.version);
            if store.meta(&current)?.is_none() {
                store.set_meta(&current, &serde_json::to_string(&alerts::snapshot(&content))?)?;
            }
            let subs: Vec<_> = store.subscriptions()?.into_iter().filter(|s| s.transport == T::NAME).collect();
            let mut snapshots = HashMap::new();
            for s in &subs {
                if !snapshots.contains_key(&s.baseline) {
                    let snap: Option<alerts::Snapshot> =
                        store.meta(&alerts::snapshot_name(&s.baseline))?.and_then(|j| serde_json::from_str(&j).ok());
                    snapshots.insert(s.baseline.clone(), snap);
                }
            }
            let get = |v: &str| snapshots.get(v).cloned().flatten();
            (Arc::clone(&content), alerts::due(&content, &lang, subs, &get, at))
        };
        let mut sent = 0;
        for (sub, alert) in due {
            if let Some(replies) = alert {
                let Ok(dest) = serde_json::from_str::<T::Dest>(&sub.dest) else {
                    warn!(transport = T::NAME, "alerte : destination illisible, abonnement ignoré");
                    continue;
                };
                let event = format!("alerte:{}:{}", sub.key, content.version);
                if self.push(dest, &event, &sub.key, &sub.user, &replies) {
                    sent += 1;
                }
            }
            let mut bot = self.driver.lock();
            let store = bot.store_mut();
            store.commit(&crate::store::Commit { subscribe: Some(&sub), at, ..crate::store::Commit::default() })?;
            if let Some(t) = sub.last_alert.filter(|t| *t == at) {
                store.alerted(&sub.key, t)?;
            }
        }
        if sent > 0 {
            info!(transport = T::NAME, alertes = sent, version = %content.version, "alertes envoyées");
        }
        // The catalogue snapshots no subscription compares with any more (every transport's
        // subscriptions: they may share the base) go.
        let mut bot = self.driver.lock();
        let store = bot.store_mut();
        let mut keep: Vec<String> = store.subscriptions()?.iter().map(|s| alerts::snapshot_name(&s.baseline)).collect();
        keep.push(alerts::snapshot_name(&content.version));
        let pruned = store.prune_meta(&alerts::snapshot_name(""), &keep)?;
        if pruned > 0 {
            debug!(transport = T::NAME, photos = pruned, "photos du catalogue devenues inutiles effacées");
        }
        Ok(sent)
    }
}

/// How often the alert task looks whether the content changed (a version compare).
const ALERT_TICK: Duration = Duration::from_secs(2);
/// Alerts held back by the one-a-day limit are tried again this often.
const ALERT_RETRY: Duration = Duration::from_secs(3600);

/// Pushes the alerts due at start, then whenever the content changes (reload on SIGHUP, file
/// change or `!recharger`), and hourly for those held back by the one-a-day limit.
async fn alert_loop<T: Deliver>(service: Arc<Service<T>>) {
    let mut last: Option<(String, std::time::Instant)> = None;
    let mut tick = tokio::time::interval(ALERT_TICK);
    loop {
        tick.tick().await;
        let version = service.driver.lock().content().version.clone();
        if last.as_ref().is_some_and(|(v, at)| *v == version && at.elapsed() < ALERT_RETRY) {
            continue;
        }
        let s = Arc::clone(&service);
        let _ = tokio::task::spawn_blocking(move || s.announce()).await;
        last = Some((version, std::time::Instant::now()));
    }
}

/// Where the transport keeps its conversations, and who its admins are.
pub struct Setup {
    /// The SQLite file of conversations.
    pub db: PathBuf,
    /// User ids allowed to use admin commands.
    pub admins: Vec<String>,
}

/// Runs `transport` under the driver until SIGTERM or Ctrl-C: opens the store, erases idle
/// sessions (at start, then hourly), reloads the content on SIGHUP and file changes, calls `run`
/// with the service and the stop signal, then waits a little for the replies in flight.
///
/// # Errors
/// The store cannot be opened, or `run` fails.
pub async fn serve<T, F, Fut>(common: &Common, setup: Setup, transport: Arc<T>, run: F) -> anyhow::Result<()>
where
    T: Deliver,
    F: FnOnce(Arc<Service<T>>, Stop) -> Fut,
    Fut: Future<Output = anyhow::Result<()>>,
{
    let store = SqliteStore::open(&setup.db).with_context(|| format!("base {}", setup.db.display()))?;
    let mut bot = Bot::new(Arc::clone(&common.content), store, &common.lang)
        .with_retention_days(common.retention_days)
        .with_saisine(common.saisine.saisine.clone());
    bot.purge_idle(now())?;
    info!(transport = T::NAME, base = %setup.db.display(), "démarrage");
    let driver = Driver::new(bot, common.content_root.clone(), setup.admins);
    // The email consumer of the outbox (forwarded demands): the chat's own thread, the same code.
    let envoyeur = match &common.saisine.smtp {
        Some(smtp) => {
            info!(serveur = %smtp, "demandes transmises par courriel");
            Some(crate::saisine::Envoyeur::spawn(Arc::clone(driver.bot()), crate::saisine::Mailer::new(smtp)?))
        }
        None => None,
    };
    let service = Arc::new(Service::new(driver, transport));
    // Kept alive until the end.
    let _watcher = reload::spawn(Arc::clone(service.driver.bot()), common.content_root.clone())
        .inspect_err(|e| warn!("surveillance du contenu indisponible (SIGHUP et !recharger restent) : {e}"))
        .ok();
    tokio::spawn(purge_loop(Arc::clone(&service)));
    tokio::spawn(alert_loop(Arc::clone(&service)));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        stop_signal().await;
        info!("arrêt demandé");
        let _ = stop_tx.send(true);
    });
    let result = run(Arc::clone(&service), Stop(stop_rx)).await;
    if !service.tasks.idle(STOP_WAIT).await {
        warn!("arrêt : des réponses n'ont pas pu partir à temps");
    }
    if let Some(e) = envoyeur {
        tokio::task::spawn_blocking(move || e.stop()).await.ok();
    }
    info!("arrêté");
    result
}

/// Idle sessions are erased once an hour (the retention promised to users).
async fn purge_loop<T: Deliver>(service: Arc<Service<T>>) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    tick.tick().await;
    loop {
        tick.tick().await;
        let bot = Arc::clone(service.driver.bot());
        let done = tokio::task::spawn_blocking(move || locked(&bot).purge_idle(now())).await;
        match done {
            Ok(Ok(n)) if n > 0 => info!(n, "sessions inactives effacées"),
            Ok(Err(e)) => warn!(error = %e, "purge des sessions"),
            _ => {}
        }
    }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn retries_wait_what_the_platform_asks_and_stop_on_refusals() {
        let policy = Policy { max_delay: Duration::from_secs(4), total: None, times: Some(10) };
        let mut tries = 0;
        let mut waits = vec![];
        let result: Result<(), Failure> = retry_sleeping(
            policy,
            || {
                tries += 1;
                let n = tries;
                async move {
                    match n {
                        1 => Err(Failure::Transient { reason: "429".into(), after: Some(Duration::from_secs(7)) }),
                        2 => Err(Failure::transient("502")),
                        _ => Err(Failure::permanent("403")),
                    }
                }
            },
            |_, d| waits.push(d),
            |_| std::future::ready(()),
        )
        .await;
        assert_eq!(result, Err(Failure::permanent("403")));
        assert_eq!(tries, 3, "a refusal is not retried");
        assert!(waits[0] >= Duration::from_secs(7), "the platform's delay at least: {waits:?}");
        assert!(waits[1] < Duration::from_secs(4), "{waits:?}");
    }

    #[test]
    fn http_failures_rate_limits_and_server_errors_are_retried_refusals_are_not() {
        let after = Some(Duration::from_millis(1500));
        assert_eq!(Failure::from_http(Some(429), false, after, "x"), Failure::Transient { reason: "x".into(), after });
        assert_eq!(Failure::from_http(Some(502), false, None, "x"), Failure::transient("x"));
        assert_eq!(Failure::from_http(None, true, None, "x"), Failure::transient("x"));
        for refused in [400, 401, 403, 404] {
            assert_eq!(Failure::from_http(Some(refused), false, None, "x"), Failure::permanent("x"), "{refused}");
        }
        assert_eq!(Failure::from_http(None, false, None, "x"), Failure::permanent("x"), "not an HTTP failure");
    }

    #[test]
    fn backoff_grows_to_its_cap() {
        let delays: Vec<Duration> = Policy::delays(Duration::from_secs(4)).take(8).collect();
        assert!(delays[0] >= Duration::from_millis(500) && delays[0] < Duration::from_millis(1100), "{delays:?}");
        assert!(delays.iter().all(|d| *d <= Duration::from_secs(8)), "{delays:?}");
        assert!(delays[7] >= Duration::from_secs(4), "{delays:?}");
    }
}
