//! The Matrix adapter for real: the `aiguilleur matrix` binary against a real Synapse
//! (`synapse.rs`), with a person played by matrix-sdk from the test, in end-to-end encrypted
//! rooms.
//!
//! One test runs the whole story on one Synapse, to stay within CI's time: invite and welcome
//! (decryptable), scenarios S1 and S8 with the cards checked in the HTML bodies, a thread, a
//! group room (mention only, leaves when alone), an undecryptable event, the bot restarted (same
//! device, a message sent while it was down answered, a rewound sync token answering nothing
//! twice), Synapse restarted mid-conversation, 100 timed messages, and an invite from a server
//! that is not allow-listed (declined).
//!
//! "Another server" is simulated by the allow-list: the bot allows only the server
//! `agent.tchap.gouv.fr` (which this Synapse is not) plus one user, the mayor, in `allowed_users`;
//! a second user of the same Synapse is then, for the bot, from a server it does not know.
//!
//! The reply times (p50, p99 over 100 messages) are printed (`--nocapture`) and written to
//! `target/tmp/matrix-latency.txt`. The bot's log is `target/tmp/matrix-bot-<pid>.log`, kept when
//! the test fails (or with `AIGUILLEUR_KEEP_TEST_LOG=1`); `AIGUILLEUR_TEST_BOT_LOG` sets its
//! filter (for instance `info,matrix_sdk_crypto=debug`).

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use matrix_sdk::config::{RequestConfig, SyncSettings};
use matrix_sdk::deserialized_responses::TimelineEventKind;
use matrix_sdk::ruma::events::relation::Thread;
use matrix_sdk::ruma::events::room::message::{MessageType, Relation, RoomMessageEventContent};
use matrix_sdk::ruma::events::{
    AnySyncMessageLikeEvent, AnySyncStateEvent, AnySyncTimelineEvent, SyncMessageLikeEvent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, RoomId, UserId};
use matrix_sdk::{Client, Room};
use tokio::sync::mpsc;

use crate::support;
use crate::synapse::Synapse;

pub(crate) const SERVER: &str = "aiguilleur.test";
pub(crate) const BOT_PASSWORD: &str = "mot-de-passe-du-bot-8c1f";
pub(crate) const BOT_EMAIL: &str = "bot@aiguilleur.test";
const WAIT: Duration = Duration::from_secs(40);

/// What the person's client saw.
#[derive(Debug, Clone)]
enum Seen {
    Message(Msg),
    /// An event that stayed undecryptable.
    Undecryptable {
        room: OwnedRoomId,
        sender: OwnedUserId,
    },
    Member {
        room: OwnedRoomId,
        user: OwnedUserId,
        membership: String,
    },
    Typing {
        room: OwnedRoomId,
        users: Vec<OwnedUserId>,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Msg {
    room: OwnedRoomId,
    sender: OwnedUserId,
    pub(crate) msgtype: String,
    pub(crate) body: String,
    html: Option<String>,
    thread_root: Option<OwnedEventId>,
    reply_to: Option<OwnedEventId>,
    pub(crate) encrypted: bool,
    at: Instant,
}

/// A person on Matrix, driven by matrix-sdk with its own crypto store.
pub(crate) struct User {
    pub(crate) client: Client,
    seen: mpsc::UnboundedReceiver<Seen>,
    backlog: VecDeque<Seen>,
    task: tokio::task::JoinHandle<()>,
    /// What its sync loop last did, for failure messages.
    status: Arc<Mutex<String>>,
    _dir: tempfile::TempDir,
}

impl User {
    pub(crate) async fn login(hs: &Synapse, name: &str, password: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let client = Client::builder()
            .homeserver_url(hs.url())
            .sqlite_store(dir.path(), None)
            .request_config(RequestConfig::new().timeout(Duration::from_secs(5)))
            .build()
            .await
            .unwrap();
        client.matrix_auth().login_username(name, password).initial_device_display_name("test").send().await.unwrap();
        let first = client.sync_once(SyncSettings::new().timeout(Duration::ZERO)).await.unwrap();
        let (tx, seen) = mpsc::unbounded_channel();
        let status = Arc::new(Mutex::new(String::new()));
        let task = tokio::spawn(sync_loop(client.clone(), first.next_batch, tx, Arc::clone(&status)));
        Self { client, seen, backlog: VecDeque::new(), task, status, _dir: dir }
    }

    fn id(&self) -> OwnedUserId {
        self.client.user_id().unwrap().to_owned()
    }

    pub(crate) fn room(&self, id: &RoomId) -> Room {
        self.client.get_room(id).unwrap()
    }

    /// Sends a text message; when it was sent.
    pub(crate) async fn say(&self, room: &RoomId, text: &str) -> (OwnedEventId, Instant) {
        self.send(room, RoomMessageEventContent::text_plain(text)).await
    }

    async fn send(&self, room: &RoomId, content: RoomMessageEventContent) -> (OwnedEventId, Instant) {
        let at = Instant::now();
        let r = self.room(room);
        for attempt in 0.. {
            match r.send(content.clone()).await {
                Ok(resp) => return (resp.response.event_id, at),
                Err(e) if attempt < 50 => {
                    eprintln!("[test] send failed ({e}), again");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("send: {e}"),
            }
        }
        unreachable!()
    }

    /// The next event matching `pred`, earlier ones kept for later calls.
    async fn next(&mut self, what: &str, limit: Duration, pred: impl Fn(&Seen) -> bool) -> Seen {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i).unwrap();
        }
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            match tokio::time::timeout_at(deadline, self.seen.recv()).await {
                Ok(Some(s)) if pred(&s) => return s,
                Ok(Some(s)) => self.backlog.push_back(s),
                Ok(None) => panic!("sync loop ended while waiting for {what}"),
                Err(_) => panic!(
                    "nothing seen for {what} within {limit:?}; sync loop: {}; seen meanwhile: {:#?}",
                    self.status.lock().unwrap(),
                    self.backlog
                ),
            }
        }
    }

    /// Whether something already received matches `pred`.
    fn saw(&mut self, pred: impl Fn(&Seen) -> bool) -> bool {
        while let Ok(s) = self.seen.try_recv() {
            self.backlog.push_back(s);
        }
        self.backlog.iter().any(pred)
    }

    /// The next message of `from` in `room`.
    pub(crate) async fn message_from(&mut self, room: &RoomId, from: &UserId) -> Msg {
        let what = format!("a message from {from} in {room}");
        let seen = self
            .next(&what, WAIT, |s| {
                matches!(s, Seen::Message(m) if m.room == room && m.sender == from)
                    || matches!(s, Seen::Undecryptable { room: r, sender } if r == room && sender == from)
            })
            .await;
        match seen {
            Seen::Message(m) => m,
            other => panic!("undecryptable message from {from}: {other:?}"),
        }
    }

    /// Messages of `from` in `room` arriving within `d` (to prove there are none).
    pub(crate) async fn quiet(&mut self, room: &RoomId, from: &UserId, d: Duration) -> Vec<Msg> {
        let deadline = tokio::time::Instant::now() + d;
        while let Ok(Some(s)) = tokio::time::timeout_at(deadline, self.seen.recv()).await {
            self.backlog.push_back(s);
        }
        let mut out = vec![];
        self.backlog.retain(|s| match s {
            Seen::Message(m) if m.room == room && m.sender == from => {
                out.push(m.clone());
                false
            }
            _ => true,
        });
        out
    }

    /// Says `text` and returns the bot's answer, with the time it took.
    async fn ask(&mut self, room: &RoomId, bot: &UserId, text: &str) -> (Msg, Duration) {
        let (_, at) = self.say(room, text).await;
        let m = self.message_from(room, bot).await;
        assert_eq!(m.msgtype, "m.notice", "{m:?}");
        assert!(m.encrypted, "the answer was not encrypted: {m:?}");
        let html = m.html.as_deref().unwrap_or_else(|| panic!("no HTML body: {m:?}"));
        assert!(html.starts_with('<'), "{html}");
        (m.clone(), m.at.duration_since(at))
    }
}

impl Drop for User {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The person's client: `sync_once` in a loop (retrying through a Synapse restart), each event
/// reported in order.
async fn sync_loop(client: Client, mut token: String, tx: mpsc::UnboundedSender<Seen>, status: Arc<Mutex<String>>) {
    let started = Instant::now();
    loop {
        *status.lock().unwrap() = format!("syncing since {:?}", started.elapsed());
        let settings = SyncSettings::new().token(token.clone()).timeout(Duration::from_secs(10));
        let response = match client.sync_once(settings).await {
            Ok(r) => r,
            Err(e) => {
                *status.lock().unwrap() = format!("sync error at {:?}: {e}", started.elapsed());
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            }
        };
        *status.lock().unwrap() = format!("processing a sync at {:?}", started.elapsed());
        token = response.next_batch.clone();
        for (room_id, update) in response.rooms.joined {
            for event in update.timeline.events {
                let encrypted = matches!(event.kind, TimelineEventKind::Decrypted(_));
                let kind = match event.kind {
                    TimelineEventKind::UnableToDecrypt { event, .. } => {
                        // Its key may come in the next sync: try again for a while (not for the
                        // fake event this client sent itself).
                        let room = client.get_room(&room_id).unwrap();
                        let mine =
                            event.get_field::<OwnedUserId>("sender").ok().flatten().as_deref() == client.user_id();
                        let mut decrypted = None;
                        for _ in 0..if mine { 0 } else { 50 } {
                            tokio::time::sleep(Duration::from_millis(100)).await;
                            if let Ok(e) = room.decrypt_event(&event.clone().cast_unchecked(), None).await
                                && !e.kind.is_utd()
                            {
                                decrypted = Some(e.kind);
                                break;
                            }
                        }
                        match decrypted {
                            Some(k) => k,
                            None => {
                                let sender = event.get_field::<OwnedUserId>("sender").ok().flatten().unwrap();
                                let _ = tx.send(Seen::Undecryptable { room: room_id.clone(), sender });
                                continue;
                            }
                        }
                    }
                    k => k,
                };
                let encrypted = encrypted || matches!(kind, TimelineEventKind::Decrypted(_));
                if let Some(seen) = describe(&room_id, &kind, encrypted) {
                    let _ = tx.send(seen);
                }
            }
            for e in update.ephemeral {
                let v: serde_json::Value = serde_json::from_str(e.json().get()).unwrap_or_default();
                if v["type"] == "m.typing" {
                    let users = v["content"]["user_ids"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|u| u.as_str()).filter_map(|u| UserId::parse(u).ok()).collect())
                        .unwrap_or_default();
                    let _ = tx.send(Seen::Typing { room: room_id.clone(), users });
                }
            }
        }
        for (room_id, update) in response.rooms.left {
            for event in update.timeline.events {
                if let Some(seen) = describe(&room_id, &event.kind, false) {
                    let _ = tx.send(seen);
                }
            }
        }
    }
}

fn describe(room: &OwnedRoomId, kind: &TimelineEventKind, encrypted: bool) -> Option<Seen> {
    match kind.raw().deserialize().ok()? {
        AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(SyncMessageLikeEvent::Original(m))) => {
            let (body, html) = match &m.content.msgtype {
                MessageType::Notice(n) => (n.body.clone(), n.formatted.as_ref().map(|f| f.body.clone())),
                MessageType::Text(t) => (t.body.clone(), t.formatted.as_ref().map(|f| f.body.clone())),
                _ => return None,
            };
            let (thread_root, reply_to) = match &m.content.relates_to {
                Some(Relation::Thread(t)) => (Some(t.event_id.clone()), None),
                Some(Relation::Reply(r)) => (None, Some(r.in_reply_to.event_id.clone())),
                _ => (None, None),
            };
            Some(Seen::Message(Msg {
                room: room.clone(),
                sender: m.sender,
                msgtype: m.content.msgtype().to_owned(),
                body,
                html,
                thread_root,
                reply_to,
                encrypted,
                at: Instant::now(),
            }))
        }
        AnySyncTimelineEvent::State(AnySyncStateEvent::RoomMember(m)) => Some(Seen::Member {
            room: room.clone(),
            user: UserId::parse(m.state_key().as_str()).ok()?,
            membership: m.membership().to_string(),
        }),
        _ => None,
    }
}

/// The bot as a real process: `aiguilleur matrix`, logs to a file.
pub(crate) struct BotProcess {
    child: Child,
}

pub(crate) struct BotSetup {
    pub(crate) env: Vec<(String, String)>,
    pub(crate) config: PathBuf,
    pub(crate) db: PathBuf,
    pub(crate) log: PathBuf,
    pub(crate) data: PathBuf,
    /// The content served (a copy when a test changes it).
    pub(crate) content: PathBuf,
}

/// The bot's account made a Tchap one, which logs in with its email (set by the server's admin
/// `admin_token`): its user id, parsed.
pub(crate) async fn bot_account(hs: &Synapse, admin_token: &str, bot_id: &str) -> OwnedUserId {
    hs.admin(
        admin_token,
        "PUT",
        &format!("/_synapse/admin/v2/users/{bot_id}"),
        Some(serde_json::json!({"threepids": [{"medium": "email", "address": BOT_EMAIL}]})),
    )
    .await;
    UserId::parse(bot_id).unwrap()
}

impl BotSetup {
    /// The bot on `homeserver`, logging in by email, its data, database and configuration under
    /// `work`, its log in `log`. `AIGUILLEUR_TEST_BOT_LOG` sets another filter for that log, to
    /// look into a failure.
    pub(crate) fn new(homeserver: String, work: &Path, log: PathBuf) -> Self {
        let data = work.join("data");
        Self {
            env: vec![
                ("MATRIX_HOMESERVER".into(), homeserver),
                ("MATRIX_USER".into(), BOT_EMAIL.into()),
                ("MATRIX_PASSWORD".into(), BOT_PASSWORD.into()),
                ("MATRIX_ALLOWED_SERVERS".into(), "agent.tchap.gouv.fr".into()),
                ("AIGUILLEUR_DATA_DIR".into(), data.display().to_string()),
                (
                    "AIGUILLEUR_LOG".into(),
                    std::env::var("AIGUILLEUR_TEST_BOT_LOG").unwrap_or_else(|_| {
                        "info,aiguilleur=debug,matrix_sdk=warn,matrix_sdk_base=warn,matrix_sdk_crypto=warn".into()
                    }),
                ),
                ("NO_COLOR".into(), "1".into()),
            ],
            config: work.join("aiguilleur.toml"),
            db: work.join("conversations.sqlite"),
            content: support::root(),
            log,
            data,
        }
    }

    pub(crate) fn start(&self) -> BotProcess {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
            .args(["matrix", "--config"])
            .arg(&self.config)
            .arg("--db")
            .arg(&self.db)
            .arg("--content")
            .arg(&self.content)
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap();
        BotProcess { child }
    }

    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn sync_token(&self) -> PathBuf {
        self.data.join("matrix/sync-token")
    }
}

impl BotProcess {
    /// SIGTERM, and the exit status within 20 s.
    pub(crate) async fn stop(mut self) -> ExitStatus {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let started = Instant::now();
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "the bot did not stop within 20 s of SIGTERM");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Checks the HTML body, no-break spaces read as spaces.
fn has(m: &Msg, needles: &[&str]) {
    let html = m.html.as_deref().unwrap_or_default().replace(['\u{a0}', '\u{202f}'], " ");
    for n in needles {
        assert!(html.contains(n), "HTML body lacks {n:?}:\n{html}\n--- plain:\n{}", m.body);
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn devices(hs: &Synapse, admin: &str, user: &str) -> Vec<String> {
    let v = hs.admin(admin, "GET", &format!("/_synapse/admin/v2/users/{user}/devices"), None).await;
    v["devices"].as_array().unwrap().iter().map(|d| d["device_id"].as_str().unwrap().to_owned()).collect()
}

async fn room_members(hs: &Synapse, admin: &str, room: &RoomId) -> Vec<String> {
    let v = hs.admin(admin, "GET", &format!("/_synapse/admin/v1/rooms/{room}/members"), None).await;
    v["members"].as_array().unwrap().iter().filter_map(|m| m.as_str().map(str::to_owned)).collect()
}

#[test]
fn matrix_bot_against_a_real_synapse() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(story());
}

#[allow(clippy::too_many_lines)]
async fn story() {
    let t0 = Instant::now();
    let mut hs = Synapse::start(SERVER).await;
    let admin = hs.register("admin", "admin-pw", true, true).await.access_token.unwrap();
    let bot_id = hs.register("aiguilleur", BOT_PASSWORD, false, false).await.user_id;
    let maire_id = hs.register("maire", "maire-pw", false, false).await.user_id;
    hs.register("etranger", "etranger-pw", false, false).await;
    let bot_owned = bot_account(&hs, &admin, &bot_id).await;
    let bot: &UserId = &bot_owned;
    eprintln!("[test] synapse up and users registered in {:?}", t0.elapsed());

    let work = tempfile::tempdir().unwrap();
    // Kept when the test fails (deleted at the end of a run that passes).
    let bot_log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("matrix-bot-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&bot_log);
    eprintln!("[test] bot log: {}", bot_log.display());
    let setup = BotSetup::new(hs.url(), work.path(), bot_log.clone());
    let (config, data) = (setup.config.clone(), setup.data.clone());
    // Typing shown at once at first (to see it), then the default delay (for the timings).
    let write_config = |typing: &str| {
        let text = format!(
            "[matrix]\nallowed_users = [\"{maire_id}\"]\nadmins = [\"{maire_id}\"]\ndisplay_name = \"Aiguilleur\"\n{typing}\n\
             [discord]\n# another adapter's section, ignored here\n"
        );
        std::fs::write(&config, text).unwrap();
    };
    write_config("typing_delay_ms = 0\n");
    let mut process = setup.start();
    let mut maire = User::login(&hs, "maire", "maire-pw").await;

    // 1. An encrypted direct room; the bot joins and greets, decryptably.
    let dm = maire.client.create_dm(bot).await.unwrap();
    let dm_id = dm.room_id().to_owned();
    assert!(dm.latest_encryption_state().await.unwrap().is_encrypted());
    let welcome = maire.message_from(&dm_id, bot).await;
    assert!(welcome.encrypted, "{welcome:?}");
    assert_eq!(welcome.msgtype, "m.notice");
    has(&welcome, &["<p>Bonjour", "Quelle est votre commune"]);
    eprintln!("[test] 1. invited and greeted after {:?}", t0.elapsed());

    // The bot's device: cross-signed by its owner, its recovery key saved owner-only.
    let bot_devices = devices(&hs, &admin, bot.as_str()).await;
    assert_eq!(bot_devices.len(), 1, "{bot_devices:?}");
    let device_id = bot_devices[0].clone();
    let device = maire.client.encryption().get_device(bot, device_id.as_str().into()).await.unwrap().unwrap();
    assert!(device.is_cross_signed_by_owner(), "the bot's device is not cross-signed");
    let recovery = data.join("matrix/recovery-key");
    assert!(recovery.exists(), "no recovery key saved:\n{}", setup.log());
    #[cfg(unix)]
    for f in [&recovery, &data.join("matrix/session.json")] {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(f).unwrap().permissions().mode() & 0o077, 0, "{} readable by others", f.display());
    }

    // 2. Scenario S1; cards checked in the HTML bodies.
    let ask = async |maire: &mut User, text: &str| maire.ask(&dm_id, bot, text).await.0;
    has(&ask(&mut maire, "Carolles").await, &["Carolles compte 774 habitants", "<ol><li>Oui</li><li>Non</li></ol>"]);
    has(&ask(&mut maire, "oui").await, &["programmes", "<li>Petites villes de demain (PVD)</li>"]);
    has(&ask(&mut maire, "aucun").await, &["thème principal", "<li>Revitalisation des centres-bourgs</li>"]);
    has(&ask(&mut maire, "centre-bourg").await, &["Où en est le projet"]);
    has(&ask(&mut maire, "on y réfléchit").await, &["Quel type d&#39;aide"]);
    let results = ask(&mut maire, "conseil").await;
    has(
        &results,
        &[
            "<b>1. Études « Petites centralités »</b>",
            "moins de 1 500 habitants",
            "1 400 € TTC",
            "<b>2. Réseau IDM",
            "href=\"mailto:ingenierie@manche.gouv.fr\"",
            "href=\"http://www.ingenierie-departementale-manche.fr\"",
        ],
    );
    let plain = results.body.replace(['\u{a0}', '\u{202f}'], " ");
    assert!(plain.contains("1. Études « Petites centralités »"), "plain body: {plain}");
    has(
        &ask(&mut maire, "détails 2").await,
        &["<b>Réseau IDM – Ingénierie départementale Manche</b>", "13 partenaires"],
    );
    assert!(
        maire.saw(|s| matches!(s, Seen::Typing { room, users } if *room == dm_id && users.iter().any(|u| u == bot))),
        "the bot was never seen typing"
    );
    eprintln!("[test] 2. S1 played after {:?}", t0.elapsed());
    // An admin reloads the content from a direct conversation.
    has(&ask(&mut maire, "!recharger").await, &["Rien n&#39;a changé dans le contenu"]);

    // An event the bot cannot decrypt: it asks for the message again.
    let fake = serde_json::json!({
        "algorithm": "m.megolm.v1.aes-sha2",
        "ciphertext": "AwgAEnB0aGlzIGlzIG5vdCBhIHJlYWwgbWVnb2xtIG1lc3NhZ2U",
        "sender_key": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "device_id": "NOPE",
        "session_id": "bm90IGEgc2Vzc2lvbiB0aGUgYm90IGhhcw",
    });
    let request = matrix_sdk::ruma::api::client::message::send_message_event::v3::Request::new_raw(
        dm_id.clone(),
        matrix_sdk::ruma::TransactionId::new(),
        "m.room.encrypted".into(),
        matrix_sdk::ruma::serde::Raw::new(&fake).unwrap().cast_unchecked(),
    );
    maire.client.send(request).await.unwrap();
    let notice = maire.message_from(&dm_id, bot).await;
    has(&notice, &["déchiffrer", "envoyer à nouveau"]);

    // A group room: the bot answers only when mentioned, as a reply; it leaves once alone.
    let mut etranger = User::login(&hs, "etranger", "etranger-pw").await;
    let group =
        maire.client.create_room(matrix_sdk::ruma::api::client::room::create_room::v3::Request::new()).await.unwrap();
    let group_id = group.room_id().to_owned();
    group.invite_user_by_id(&etranger.id()).await.unwrap();
    etranger.client.join_room_by_id(&group_id).await.unwrap();
    group.invite_user_by_id(bot).await.unwrap();
    let hello = maire.message_from(&group_id, bot).await;
    has(&hello, &["Bonjour"]);
    maire.say(&group_id, "bonjour à tous, réunion jeudi").await;
    let unasked = maire.quiet(&group_id, bot, Duration::from_secs(2)).await;
    assert!(unasked.is_empty(), "answered without being mentioned: {unasked:?}");
    let (asked, _) = maire.say(&group_id, "Aiguilleur : c'est quoi la DSIL ?").await;
    let answer = maire.message_from(&group_id, bot).await;
    assert_eq!(answer.reply_to.as_ref(), Some(&asked), "{answer:?}");
    has(&answer, &["Dotation de soutien à l&#39;investissement local"]);
    etranger.room(&group_id).leave().await.unwrap();
    maire.room(&group_id).leave().await.unwrap();
    let started = Instant::now();
    while room_members(&hs, &admin, &group_id).await.contains(&bot_id) {
        assert!(started.elapsed() < WAIT, "the bot stayed alone in the group room:\n{}", setup.log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("[test] undecryptable event and group room done after {:?}", t0.elapsed());

    // S8, a message quoting markup, a thread: all replayed later from this sync token.
    let token_before_s8 = std::fs::read_to_string(setup.sync_token()).expect("sync token saved");
    let ddtm = ask(&mut maire, "qui contacter à la DDTM ?").await;
    has(
        &ddtm,
        &[
            "<b>Direction Départementale des Territoires et de la Mer de la Manche (DDTM 50)</b>",
            "477 Boulevard de la Dollée",
            "Saint-Lô",
            "<a href=\"tel:+33233063900\">02 33 06 39 00</a>",
            "<a href=\"mailto:ddtm@manche.gouv.fr\">ddtm@manche.gouv.fr</a>",
            "Cherbourg-en-Cotentin",
            "Coutances",
            "Avranches",
        ],
    );
    let plain = ddtm.body.replace(['\u{a0}', '\u{202f}'], " ");
    assert!(plain.contains("02 33 06 39 00") && !plain.contains("<a"), "plain body: {plain}");
    let odd = ask(&mut maire, "pourquoi pas <b>x</b> & <script>").await;
    let odd_html = odd.html.as_deref().unwrap_or_default();
    assert!(!odd_html.contains("<script>") && !odd_html.contains("<b>x</b>"), "{odd:?}");
    let (root, _) = maire.say(&dm_id, "une question à part").await;
    maire.message_from(&dm_id, bot).await;
    let mut content = RoomMessageEventContent::text_plain("c'est quoi la DETR ?");
    content.relates_to = Some(Relation::Thread(Thread::without_fallback(root.clone())));
    maire.send(&dm_id, content).await;
    let threaded = maire.message_from(&dm_id, bot).await;
    assert_eq!(threaded.thread_root.as_ref(), Some(&root), "{threaded:?}");
    has(&threaded, &["Dotation d&#39;équipement des territoires ruraux"]);
    eprintln!("[test] S8 and a thread after {:?}", t0.elapsed());

    // 3. Restart: same device, a message sent while down answered, nothing answered twice even
    //    from a rewound sync token.
    let status = process.stop().await;
    assert!(status.success(), "the bot did not exit cleanly on SIGTERM ({status}):\n{}", setup.log());
    maire.say(&dm_id, "recommencer").await;
    std::fs::write(setup.sync_token(), &token_before_s8).unwrap();
    write_config("");
    process = setup.start();
    let restarted = maire.message_from(&dm_id, bot).await;
    has(&restarted, &["Quelle est votre commune"]);
    let twice = maire.quiet(&dm_id, bot, Duration::from_secs(3)).await;
    assert!(twice.is_empty(), "answered twice after the restart: {twice:#?}");
    assert_eq!(devices(&hs, &admin, bot.as_str()).await, vec![device_id.clone()], "a new device at restart");
    has(&ask(&mut maire, "Genêts").await, &["Genêts compte"]);
    eprintln!("[test] 3. bot restarted after {:?}", t0.elapsed());

    // 4. Synapse restarted mid-conversation: the bot recovers by itself.
    hs.restart().await;
    let (_, d) = maire.ask(&dm_id, bot, "oui").await;
    eprintln!("[test] 4. first answer after the Synapse restart in {d:?}");
    has(&ask(&mut maire, "aucun").await, &["thème principal"]);
    eprintln!("[test] 4. Synapse restarted after {:?}", t0.elapsed());

    // Latency: 100 messages, each answered once.
    let questions = ["c'est quoi la DETR ?", "qui contacter à la DDTM ?", "c'est quoi la DSIL ?", "aide"];
    let mut timed = vec![];
    for i in 0..100 {
        let (_, d) = maire.ask(&dm_id, bot, questions[i % questions.len()]).await;
        timed.push(d);
    }
    let extra = maire.quiet(&dm_id, bot, Duration::from_millis(500)).await;
    assert!(extra.is_empty(), "more answers than messages: {extra:#?}");
    timed.sort();
    let (p50, p99) = (percentile(&timed, 0.5), percentile(&timed, 0.99));
    let line = format!(
        "matrix reply latency over {} messages (debug build, local Synapse): p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        timed.len(),
        p50.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0,
        timed.last().unwrap().as_secs_f64() * 1000.0
    );
    eprintln!("[test] {line}");
    let _ = std::fs::write(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("matrix-latency.txt"), format!("{line}\n"));

    // Rate-limited by the homeserver (one message a second for the bot): M_LIMIT_EXCEEDED is
    // waited out, nothing is lost, the order is kept.
    let limit = format!("/_synapse/admin/v1/users/{bot}/override_ratelimit");
    hs.admin(&admin, "POST", &limit, Some(serde_json::json!({"messages_per_second": 1, "burst_count": 1}))).await;
    let burst =
        [("c'est quoi la DETR ?", "DETR"), ("c'est quoi la DSIL ?", "DSIL"), ("c'est quoi le FNADT ?", "FNADT")];
    let started = Instant::now();
    for (q, _) in burst {
        maire.say(&dm_id, q).await;
    }
    for (_, expected) in burst {
        let m = maire.message_from(&dm_id, bot).await;
        assert!(m.body.contains(expected), "expected the answer about {expected} next, got: {}", m.body);
    }
    eprintln!("[test] 3 answers under a 1 message/s limit in {:?}", started.elapsed());
    assert!(started.elapsed() > Duration::from_secs(1), "the rate limit was not in force: this step proved nothing");
    hs.admin(&admin, "DELETE", &limit, None).await;

    // 5. An invite from a user the allow-list does not cover: declined.
    let stranger_dm = etranger.client.create_dm(bot).await.unwrap().room_id().to_owned();
    etranger
        .next("the bot declining the invite", WAIT, |s| {
            matches!(s, Seen::Member { room, user, membership } if *room == stranger_dm && user == bot && membership == "leave")
        })
        .await;
    let nothing = etranger.quiet(&stranger_dm, bot, Duration::from_millis(500)).await;
    assert!(nothing.is_empty(), "{nothing:?}");
    eprintln!("[test] 5. stranger's invite declined after {:?}", t0.elapsed());

    // A new data directory (a new device) reads the history without answering it.
    let status = process.stop().await;
    assert!(status.success(), "{status}");
    let kept = work.path().join("first-device");
    std::fs::rename(data.join("matrix"), &kept).unwrap();
    let process = setup.start();
    let old = maire.quiet(&dm_id, bot, Duration::from_secs(3)).await;
    assert!(old.is_empty(), "a new device answered old history: {old:#?}");
    has(&maire.ask(&dm_id, bot, "c'est quoi la DETR ?").await.0, &["Dotation d&#39;équipement"]);
    eprintln!("[test] a fresh device ignored the history after {:?}", t0.elapsed());

    let status = process.stop().await;
    assert!(status.success(), "{status}");
    let log = setup.log();
    let session = std::fs::read_to_string(kept.join("session.json")).unwrap();
    let token: serde_json::Value = serde_json::from_str(&session).unwrap();
    let token = token["access_token"].as_str().unwrap();
    assert!(!log.contains(BOT_PASSWORD) && !log.contains(token), "a secret in the bot's log");
    assert!(log.contains("invitation refusée"), "no trace of the declined invite:\n{log}");
    hs.stop().await;
    if std::env::var_os("AIGUILLEUR_KEEP_TEST_LOG").is_none() {
        let _ = std::fs::remove_file(&bot_log);
    }
    eprintln!("[test] done in {:?}", t0.elapsed());
}
