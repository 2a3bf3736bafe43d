//! A loopback Discord for the tests: the REST API on one port, the gateway websocket on another,
//! both on 127.0.0.1, run on their own tokio runtime so that tests stay plain `#[test]`s.
//!
//! It speaks what the bot uses, shaped as in Discord's documentation (API v10): the gateway
//! handshake (HELLO, IDENTIFY, READY, heartbeats and their ACKs, RESUME and RESUMED with the
//! replay of missed dispatches, op 7 RECONNECT), MESSAGE_CREATE and INTERACTION_CREATE
//! dispatches, and the REST calls of a bot: the gateway URL, global commands, messages,
//! interaction callbacks, follow-ups and edits of the original response. Every call is recorded,
//! and the messages are kept as a user's client would show them (a component click's update
//! edits the message it came from; ephemeral messages are marked). Its own HTTP/1.1 server is a
//! few lines: the bot's client (reqwest) sends plain requests with a length.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Ws;

pub const TOKEN: &str = "ZmFrZS10b2tlbg.fake.secret-bot-token-for-tests";
pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_ID: u64 = 900_000_000_000_000_002;
pub const GUILD: u64 = 900_000_000_000_000_010;
pub const OTHER_GUILD: u64 = 900_000_000_000_000_011;

/// Gateway intents, as in Discord's documentation.
pub const INTENT_GUILDS: u64 = 1 << 0;
pub const INTENT_GUILD_MEMBERS: u64 = 1 << 1;
pub const INTENT_GUILD_PRESENCES: u64 = 1 << 8;
pub const INTENT_GUILD_MESSAGES: u64 = 1 << 9;
pub const INTENT_DIRECT_MESSAGES: u64 = 1 << 12;
pub const INTENT_MESSAGE_CONTENT: u64 = 1 << 15;

/// A message as the fake keeps it: what people in the channel see.
#[derive(Debug, Clone)]
pub struct Msg {
    pub id: u64,
    pub channel: u64,
    pub author: u64,
    pub content: String,
    pub embeds: Vec<Value>,
    pub components: Vec<Value>,
    /// Seen only by the person who used the interaction.
    pub ephemeral: bool,
    /// The message it answers (a reply in a server channel).
    pub reply_to: Option<u64>,
    /// Times it was edited (component updates, edits of an interaction response).
    pub edits: usize,
    /// The nonce the bot sent it with.
    pub nonce: Option<String>,
}

impl Msg {
    /// The message as text a person reads: markdown escapes removed, embeds and components
    /// spelt out.
    pub fn text(&self) -> String {
        let mut out = unescape(&self.content);
        for e in &self.embeds {
            for k in ["title", "url", "description"] {
                if let Some(s) = e[k].as_str() {
                    out.push('\n');
                    out.push_str(&unescape(s));
                }
            }
            for f in e["fields"].as_array().into_iter().flatten() {
                out.push_str(&format!(
                    "\n{}\n{}",
                    unescape(f["name"].as_str().unwrap_or("")),
                    unescape(f["value"].as_str().unwrap_or(""))
                ));
            }
        }
        for label in self.labels() {
            out.push_str(&format!("\n[{label}]"));
        }
        out
    }

    /// Button labels and select options, in order.
    pub fn labels(&self) -> Vec<String> {
        let mut out = vec![];
        for row in &self.components {
            for c in row["components"].as_array().into_iter().flatten() {
                if let Some(l) = c["label"].as_str() {
                    out.push(l.to_owned());
                }
                for o in c["options"].as_array().into_iter().flatten() {
                    out.push(o["label"].as_str().unwrap_or("").to_owned());
                }
            }
        }
        out
    }

    /// The custom id of the button labelled `label` (or of the menu offering it, with the value).
    pub fn find_choice(&self, label: &str) -> Option<(String, Option<String>)> {
        for row in &self.components {
            for c in row["components"].as_array().into_iter().flatten() {
                let id = c["custom_id"].as_str().unwrap_or("").to_owned();
                if c["label"].as_str() == Some(label) && !c["disabled"].as_bool().unwrap_or(false) {
                    return Some((id, None));
                }
                for o in c["options"].as_array().into_iter().flatten() {
                    let l = o["label"].as_str().unwrap_or("");
                    if l == label || l.split_once(". ").is_some_and(|(_, rest)| rest == label) {
                        return Some((id, o["value"].as_str().map(str::to_owned)));
                    }
                }
            }
        }
        None
    }

    /// Rows of components and how many each holds.
    pub fn row_sizes(&self) -> Vec<usize> {
        self.components.iter().map(|r| r["components"].as_array().map_or(0, Vec::len)).collect()
    }
}

/// Removes Discord markdown escapes and the zero-width spaces that break mentions.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek().is_some_and(|n| n.is_ascii_punctuation()) => {
                out.extend(chars.next());
            }
            '\u{200b}' => {}
            _ => out.push(c),
        }
    }
    out
}

/// A REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub authorized: bool,
}

#[derive(Debug, Clone)]
struct Pending {
    channel: u64,
    /// The message a component was on (updates edit it), or the response message once sent.
    original: Option<u64>,
}

#[derive(Default)]
pub struct State {
    next_id: u64,
    pub messages: Vec<Msg>,
    pub calls: Vec<Call>,
    /// Interaction callbacks: (interaction id, callback type, when it came after the dispatch).
    pub callbacks: Vec<(u64, u64, Duration)>,
    interactions: HashMap<String, Pending>,
    dispatched_at: HashMap<u64, Instant>,
    /// Dispatches sent, with their sequence numbers, for replays on RESUME.
    log: Vec<(u64, Value)>,
    seq: u64,
    conn: Option<mpsc::UnboundedSender<Ws>>,
    pub session_id: Option<String>,
    pub identifies: Vec<Value>,
    pub resumes: Vec<Value>,
    pub heartbeats: usize,
    /// Close codes of the websocket closes the bot sent.
    pub closes: Vec<Option<u16>>,
    pub commands: Vec<Value>,
    /// Bodies Discord would have refused (400), with the reason.
    pub rejected: Vec<(String, String)>,
    /// Answers to `POST /channels/{id}/messages` and to follow-ups (`POST /webhooks/…`) come this
    /// late (a slow or rate-limited API); the message is created first.
    pub slow: Option<Duration>,
    /// While set, `POST /channels/{id}/messages` requests hang, and are then dropped unanswered
    /// and unread: requests lost on the way (the bot dies meanwhile, say).
    pub hold_posts: bool,
    /// Requests held so far.
    pub held: usize,
    intents: u64,
}

impl State {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        1_100_000_000_000_000_000 + self.next_id
    }
}

pub struct FakeDiscord {
    /// Base URL of the REST API (what `DISCORD_API_BASE` points at).
    pub api: String,
    state: Arc<Mutex<State>>,
    rt: tokio::runtime::Runtime,
}

fn user(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(), "username": name, "discriminator": "0", "global_name": name,
        "avatar": null, "bot": bot, "public_flags": 0
    })
}

fn now_iso() -> String {
    serenity::model::Timestamp::now().to_string()
}

impl FakeDiscord {
    pub fn start() -> Self {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let state = Arc::new(Mutex::new(State::default()));
        let (http, ws) = rt.block_on(async {
            (TcpListener::bind("127.0.0.1:0").await.unwrap(), TcpListener::bind("127.0.0.1:0").await.unwrap())
        });
        let api = format!("http://{}", http.local_addr().unwrap());
        let gateway = format!("ws://{}", ws.local_addr().unwrap());
        rt.spawn(serve_http(http, state.clone(), gateway.clone()));
        rt.spawn(serve_gateway(ws, state.clone(), gateway.clone()));
        Self { api, state, rt }
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Waits until `f` gives something; panics with `what` and the fake's record after `secs`.
    pub fn wait<T>(&self, secs: u64, what: &str, mut f: impl FnMut(&State) -> Option<T>) -> T {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(x) = f(&self.state()) {
                return x;
            }
            assert!(Instant::now() < end, "timed out waiting for {what}\n{}", self.dump());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until nothing new has happened for 150 ms (the bot is done with its turn).
    pub fn settle(&self) {
        let mark = |s: &State| (s.messages.len(), s.calls.len());
        let mut last = mark(&self.state());
        loop {
            std::thread::sleep(Duration::from_millis(150));
            let now = mark(&self.state());
            if now == last {
                return;
            }
            last = now;
        }
    }

    /// Everything the channel shows, for failure messages.
    pub fn dump(&self) -> String {
        let s = self.state();
        let mut out = String::new();
        for c in &s.calls {
            out.push_str(&format!("{} {}\n", c.method, c.path));
        }
        for m in &s.messages {
            out.push_str(&format!("--- message {} in {} by {}\n{}\n", m.id, m.channel, m.author, m.text()));
        }
        out
    }

    /// Waits for the bot's IDENTIFY and the READY sent back.
    pub fn wait_ready(&self, n: usize) {
        self.wait(30, "IDENTIFY", |s| (s.identifies.len() >= n && s.session_id.is_some()).then_some(()));
    }

    /// Sends a dispatch to the bot (kept for replay when it is disconnected).
    fn dispatch(&self, t: &str, d: Value) {
        let mut s = self.state();
        s.seq += 1;
        let seq = s.seq;
        let payload = json!({"op": 0, "t": t, "s": seq, "d": d});
        s.log.push((seq, payload.clone()));
        if let Some(c) = &s.conn {
            let _ = c.send(Ws::Text(payload.to_string()));
        }
    }

    /// A person writes in a channel (`guild`: a server channel). Returns the message id.
    pub fn say(&self, channel: u64, guild: Option<u64>, author: u64, content: &str) -> u64 {
        let (id, intents) = {
            let mut s = self.state();
            (s.id(), s.intents)
        };
        let mentions_bot = content.contains(&format!("<@{BOT_ID}>"));
        // Discord's rules: server messages need GUILD_MESSAGES, direct ones DIRECT_MESSAGES;
        // without MESSAGE_CONTENT the text is empty unless the bot is mentioned.
        let wanted = if guild.is_some() { INTENT_GUILD_MESSAGES } else { INTENT_DIRECT_MESSAGES };
        let visible = guild.is_none() || mentions_bot || intents & INTENT_MESSAGE_CONTENT != 0;
        let mut d = json!({
            "id": id.to_string(), "channel_id": channel.to_string(),
            "author": user(author, &format!("élu{author}"), false),
            "content": if visible { content } else { "" },
            "timestamp": now_iso(), "edited_timestamp": null, "tts": false,
            "mention_everyone": false,
            "mentions": if mentions_bot { vec![user(BOT_ID, "aiguilleur", true)] } else { vec![] },
            "mention_roles": [], "attachments": [], "embeds": [], "pinned": false,
            "type": 0, "flags": 0, "components": [], "nonce": id.to_string()
        });
        if let Some(g) = guild {
            d["guild_id"] = json!(g.to_string());
            d["member"] = json!({"roles": [], "joined_at": now_iso(), "deaf": false, "mute": false, "flags": 0});
        }
        self.state().messages.push(Msg {
            id,
            channel,
            author,
            content: content.to_owned(),
            embeds: vec![],
            components: vec![],
            ephemeral: false,
            reply_to: None,
            edits: 0,
            nonce: None,
        });
        if intents & wanted != 0 {
            self.dispatch("MESSAGE_CREATE", d);
        }
        id
    }

    fn interaction(
        &self,
        kind: u64,
        channel: u64,
        guild: Option<u64>,
        who: u64,
        data: Value,
        message: Option<Value>,
    ) -> u64 {
        let (id, token) = {
            let mut s = self.state();
            let id = s.id();
            (id, format!("itoken-{id}"))
        };
        let mut d = json!({
            "id": id.to_string(), "application_id": APP_ID.to_string(), "type": kind, "data": data,
            "channel_id": channel.to_string(),
            "channel": {"id": channel.to_string(), "type": if guild.is_some() { 0 } else { 1 }},
            "token": token, "version": 1, "app_permissions": "562949953421311",
            "locale": "fr", "entitlements": [], "attachment_size_limit": 26_214_400,
        });
        match guild {
            Some(g) => {
                d["guild_id"] = json!(g.to_string());
                d["guild_locale"] = json!("fr");
                d["member"] = json!({
                    "user": user(who, &format!("élu{who}"), false), "roles": [], "joined_at": now_iso(),
                    "deaf": false, "mute": false, "flags": 0, "permissions": "2248473465835073"
                });
                d["authorizing_integration_owners"] = json!({"0": g.to_string()});
                d["context"] = json!(0);
            }
            None => {
                d["user"] = user(who, &format!("élu{who}"), false);
                d["authorizing_integration_owners"] = json!({"0": "0"});
                d["context"] = json!(1);
            }
        }
        let original = message.as_ref().and_then(|m| m["id"].as_str()).and_then(|i| i.parse().ok());
        if let Some(m) = message {
            d["message"] = m;
        }
        {
            let mut s = self.state();
            s.interactions.insert(token, Pending { channel, original });
            s.dispatched_at.insert(id, Instant::now());
        }
        self.dispatch("INTERACTION_CREATE", d);
        id
    }

    /// A person uses a slash command with string options.
    pub fn slash(&self, channel: u64, guild: Option<u64>, who: u64, name: &str, options: &[(&str, &str)]) -> u64 {
        let cmd = self.state().commands.iter().find(|c| c["name"] == name).map(|c| c["id"].clone());
        let cmd = cmd.unwrap_or_else(|| panic!("command /{name} not registered\n{}", self.dump()));
        let options: Vec<Value> = options.iter().map(|(n, v)| json!({"name": n, "type": 3, "value": v})).collect();
        let data = json!({"id": cmd, "name": name, "type": 1, "options": options});
        self.interaction(2, channel, guild, who, data, None)
    }

    /// A person clicks the button (or picks the menu option) labelled `label` on message `on`.
    pub fn click(&self, on: &Msg, guild: Option<u64>, who: u64, label: &str) -> u64 {
        let (custom_id, value) = on
            .find_choice(label)
            .unwrap_or_else(|| panic!("no choice {label:?} on {:?}\n{}", on.labels(), self.dump()));
        let data = match value {
            None => json!({"custom_id": custom_id, "component_type": 2}),
            Some(v) => json!({"custom_id": custom_id, "component_type": 3, "values": [v]}),
        };
        let message = message_json(on);
        self.interaction(3, on.channel, guild, who, data, Some(message))
    }

    /// Asks the bot to reconnect (op 7), then drops the connection, as Discord does.
    pub fn reconnect(&self) {
        let conn = self.state().conn.take();
        if let Some(c) = conn {
            let _ = c.send(Ws::Text(json!({"op": 7, "d": null}).to_string()));
            let _ = c.send(Ws::Close(None));
        }
    }

    pub fn message_count(&self) -> usize {
        self.state().messages.len()
    }

    pub fn message(&self, id: u64) -> Msg {
        self.state().messages.iter().find(|m| m.id == id).cloned().expect("message")
    }
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        // Leaves the runtime's threads without waiting for open connections.
        let rt = std::mem::replace(&mut self.rt, tokio::runtime::Builder::new_current_thread().build().unwrap());
        rt.shutdown_background();
    }
}

fn message_json(m: &Msg) -> Value {
    json!({
        "id": m.id.to_string(), "channel_id": m.channel.to_string(),
        "author": user(m.author, if m.author == BOT_ID { "aiguilleur" } else { "élu" }, m.author == BOT_ID),
        "content": m.content, "timestamp": now_iso(), "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [],
        "embeds": m.embeds, "pinned": false, "type": 0, "flags": if m.ephemeral { 64 } else { 0 },
        "components": m.components, "application_id": APP_ID.to_string()
    })
}

// ---------------------------------------------------------------- gateway

async fn serve_gateway(listener: TcpListener, state: Arc<Mutex<State>>, url: String) {
    while let Ok((tcp, _)) = listener.accept().await {
        tokio::spawn(gateway_conn(tcp, state.clone(), url.clone()));
    }
}

async fn gateway_conn(tcp: TcpStream, state: Arc<Mutex<State>>, url: String) {
    let Ok(ws) = tokio_tungstenite::accept_async(tcp).await else { return };
    let (mut sink, mut stream) = ws.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Ws>();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41_250}});
    if sink.send(Ws::Text(hello.to_string())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = rx.recv() => {
                let Some(out) = out else { break };
                let close = matches!(out, Ws::Close(_));
                if sink.send(out).await.is_err() || close {
                    break;
                }
            }
            inc = stream.next() => {
                let Some(Ok(inc)) = inc else { break };
                match inc {
                    Ws::Text(t) => {
                        let v: Value = serde_json::from_str(&t).unwrap_or(Value::Null);
                        on_gateway(&state, &tx, &url, &v);
                    }
                    Ws::Close(frame) => {
                        state.lock().unwrap().closes.push(frame.map(|f| u16::from(f.code)));
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    let mut s = state.lock().unwrap();
    if s.conn.as_ref().is_some_and(|c| c.same_channel(&tx)) {
        s.conn = None;
    }
}

fn on_gateway(state: &Arc<Mutex<State>>, tx: &mpsc::UnboundedSender<Ws>, url: &str, v: &Value) {
    let mut s = state.lock().unwrap();
    match v["op"].as_u64() {
        Some(1) => {
            s.heartbeats += 1;
            let _ = tx.send(Ws::Text(json!({"op": 11}).to_string()));
        }
        Some(2) => {
            s.identifies.push(v["d"].clone());
            if !token_ok(&v["d"]["token"]) {
                let _ = tx.send(Ws::Close(Some(close(4004, "Authentication failed."))));
                return;
            }
            s.intents = v["d"]["intents"].as_u64().unwrap_or(0);
            let session = format!("session-{}", s.identifies.len());
            s.session_id = Some(session.clone());
            // A new session: sequence numbers start again, nothing earlier is delivered to it.
            s.log.clear();
            s.seq = 1;
            let ready = json!({"op": 0, "t": "READY", "s": s.seq, "d": {
                "v": 10, "user": user(BOT_ID, "aiguilleur", true), "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
                "private_channels": [], "session_id": session, "resume_gateway_url": url,
                "shard": [0, 1], "application": {"id": APP_ID.to_string(), "flags": 0}
            }});
            s.conn = Some(tx.clone());
            let _ = tx.send(Ws::Text(ready.to_string()));
        }
        Some(6) => {
            s.resumes.push(v["d"].clone());
            let ok = token_ok(&v["d"]["token"]) && v["d"]["session_id"].as_str() == s.session_id.as_deref();
            if !ok {
                let _ = tx.send(Ws::Text(json!({"op": 9, "d": false}).to_string()));
                return;
            }
            let from = v["d"]["seq"].as_u64().unwrap_or(0);
            for (seq, p) in &s.log {
                if *seq > from {
                    let _ = tx.send(Ws::Text(p.to_string()));
                }
            }
            s.seq += 1;
            let resumed = json!({"op": 0, "t": "RESUMED", "s": s.seq, "d": {}});
            let _ = tx.send(Ws::Text(resumed.to_string()));
            s.conn = Some(tx.clone());
        }
        _ => {}
    }
}

/// The gateway takes the token bare or with the `Bot ` prefix (serenity sends the latter).
fn token_ok(t: &Value) -> bool {
    t.as_str().is_some_and(|t| t.strip_prefix("Bot ").unwrap_or(t) == TOKEN)
}

fn close(code: u16, reason: &str) -> tokio_tungstenite::tungstenite::protocol::CloseFrame<'static> {
    tokio_tungstenite::tungstenite::protocol::CloseFrame { code: code.into(), reason: reason.to_owned().into() }
}

// ---------------------------------------------------------------- REST

async fn serve_http(listener: TcpListener, state: Arc<Mutex<State>>, gateway: String) {
    while let Ok((tcp, _)) = listener.accept().await {
        tokio::spawn(http_conn(tcp, state.clone(), gateway.clone()));
    }
}

async fn http_conn(tcp: TcpStream, state: Arc<Mutex<State>>, gateway: String) {
    let mut r = BufReader::new(tcp);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else { return };
        let (method, target) = (method.to_owned(), target.to_owned());
        let mut length = 0;
        let mut auth = String::new();
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).await.unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                match k.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = v.trim().parse().unwrap_or(0),
                    "authorization" => auth = v.trim().to_owned(),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if r.read_exact(&mut body).await.is_err() {
            return;
        }
        let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let path = target.split('?').next().unwrap_or("").trim_start_matches("/api/v10").to_owned();
        // As on Discord, the gateway's URL is public; everything else needs the bot's token.
        let authorized = auth == format!("Bot {TOKEN}") || path == "/gateway";
        let post = method == "POST" && path.starts_with("/channels/") && path.ends_with("/messages");
        if post && state.lock().unwrap().hold_posts {
            state.lock().unwrap().held += 1;
            while state.lock().unwrap().hold_posts {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            return;
        }
        let (status, reply, delay) = {
            let mut s = state.lock().unwrap();
            s.calls.push(Call { method: method.clone(), path: path.clone(), body: body.clone(), authorized });
            let delay = s
                .slow
                .filter(|_| method == "POST" && (path.starts_with("/channels/") || path.starts_with("/webhooks/")));
            let (status, reply) = if authorized {
                route(&mut s, &method, &path, &body, &gateway)
            } else {
                (401, json!({"message": "401: Unauthorized", "code": 0}))
            };
            (status, reply, delay)
        };
        if let Some(d) = delay {
            tokio::time::sleep(d).await;
        }
        let text = if status == 204 { String::new() } else { reply.to_string() };
        let reason = match status {
            200 => "OK",
            201 => "Created",
            204 => "No Content",
            400 => "Bad Request",
            401 => "Unauthorized",
            _ => "Not Found",
        };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            text.len()
        );
        let w = r.get_mut();
        if w.write_all(head.as_bytes()).await.is_err() || w.write_all(text.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn new_message(s: &mut State, channel: u64, body: &Value, ephemeral: bool) -> Msg {
    let id = s.id();
    let flags = body["flags"].as_u64().unwrap_or(0);
    let m = Msg {
        id,
        channel,
        author: BOT_ID,
        content: body["content"].as_str().unwrap_or("").to_owned(),
        embeds: body["embeds"].as_array().cloned().unwrap_or_default(),
        components: body["components"].as_array().cloned().unwrap_or_default(),
        ephemeral: ephemeral || flags & 64 != 0,
        reply_to: body["message_reference"]["message_id"].as_str().and_then(|i| i.parse().ok()),
        edits: 0,
        nonce: body["nonce"].as_str().map(str::to_owned),
    };
    s.messages.push(m.clone());
    m
}

fn edit_message(s: &mut State, id: u64, body: &Value) -> Option<Msg> {
    let m = s.messages.iter_mut().find(|m| m.id == id)?;
    if let Some(c) = body.get("content").and_then(Value::as_str) {
        m.content = c.to_owned();
    }
    if let Some(e) = body.get("embeds").and_then(Value::as_array) {
        m.embeds.clone_from(e);
    }
    if let Some(c) = body.get("components").and_then(Value::as_array) {
        m.components.clone_from(c);
    }
    m.edits += 1;
    Some(m.clone())
}

/// Discord's checks on a message body (create, follow-up, interaction response or edit).
pub fn validate(body: &Value, edit: bool) -> Result<(), String> {
    fn n(v: &Value) -> usize {
        v.as_str().map_or(0, |s| s.chars().count())
    }
    let content = n(&body["content"]);
    let embeds = body["embeds"].as_array().cloned().unwrap_or_default();
    let rows = body["components"].as_array().cloned().unwrap_or_default();
    if !edit && content == 0 && embeds.is_empty() && rows.is_empty() {
        return Err("Cannot send an empty message (50006)".into());
    }
    if content > 2000 {
        return Err(format!("content: {content} > 2000"));
    }
    if embeds.len() > 10 {
        return Err(format!("{} embeds > 10", embeds.len()));
    }
    let mut total = 0;
    for e in &embeds {
        let (t, d) = (n(&e["title"]), n(&e["description"]));
        if t > 256 || d > 4096 {
            return Err(format!("embed title {t} / description {d}"));
        }
        total += t + d;
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        if fields.len() > 25 {
            return Err(format!("{} fields > 25", fields.len()));
        }
        for f in &fields {
            let (a, b) = (n(&f["name"]), n(&f["value"]));
            if a == 0 || b == 0 || a > 256 || b > 1024 {
                return Err(format!("field name {a} / value {b}"));
            }
            total += a + b;
        }
        if let Some(u) = e["url"].as_str()
            && !(u.starts_with("http://") || u.starts_with("https://"))
        {
            return Err(format!("embed url {u:?}"));
        }
    }
    if total > 6000 {
        return Err(format!("embeds total {total} > 6000"));
    }
    if rows.len() > 5 {
        return Err(format!("{} action rows > 5", rows.len()));
    }
    for r in &rows {
        let comps = r["components"].as_array().cloned().unwrap_or_default();
        if r["type"] != 1 || comps.is_empty() || comps.len() > 5 {
            return Err(format!("action row {r}"));
        }
        for c in &comps {
            if n(&c["custom_id"]) > 100 || n(&c["label"]) > 80 || n(&c["placeholder"]) > 150 {
                return Err(format!("component {c}"));
            }
            let options = c["options"].as_array().cloned().unwrap_or_default();
            if c["type"] == 3 && (options.is_empty() || options.len() > 25 || comps.len() != 1) {
                return Err(format!("select menu {c}"));
            }
            if options.iter().any(|o| n(&o["label"]) > 100 || n(&o["value"]) > 100) {
                return Err(format!("select option {c}"));
            }
        }
    }
    Ok(())
}

fn route(s: &mut State, method: &str, path: &str, body: &Value, gateway: &str) -> (u16, Value) {
    let checked = match (method, path.contains("/callback")) {
        ("POST", true) if matches!(body["type"].as_u64(), Some(4 | 7)) => Some((&body["data"], body["type"] == 7)),
        ("POST", false) if path.contains("/messages") || path.starts_with("/webhooks") => Some((body, false)),
        ("PATCH", _) => Some((body, true)),
        _ => None,
    };
    if let Some(Err(why)) = checked.map(|(b, edit)| validate(b, edit)) {
        s.rejected.push((format!("{method} {path}"), why.clone()));
        return (400, json!({"message": "Invalid Form Body", "code": 50035, "errors": why}));
    }
    let seg: Vec<&str> = path.trim_matches('/').split('/').collect();
    let num = |i: usize| seg.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    match (method, seg.as_slice()) {
        ("GET", ["gateway"]) => (200, json!({"url": gateway})),
        ("GET", ["gateway", "bot"]) => (
            200,
            json!({"url": gateway, "shards": 1, "session_start_limit":
                {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}}),
        ),
        ("GET", ["users", "@me"]) => (200, user(BOT_ID, "aiguilleur", true)),
        ("PUT", ["applications", _, "commands"]) => {
            let mut out = vec![];
            for c in body.as_array().into_iter().flatten() {
                let mut c = c.clone();
                c["id"] = json!(s.id().to_string());
                c["application_id"] = json!(APP_ID.to_string());
                c["version"] = json!("1");
                c["type"] = c.get("type").cloned().unwrap_or(json!(1));
                c["default_member_permissions"] = json!(null);
                out.push(c);
            }
            s.commands.clone_from(&out);
            (200, Value::Array(out))
        }
        ("POST", ["channels", _, "messages"]) => {
            // Discord's `enforce_nonce`: a message already created with this nonce (lately, by
            // this author) is returned instead of a new one.
            let nonce = body["nonce"].as_str().filter(|_| body["enforce_nonce"] == true);
            let known = nonce.and_then(|n| {
                s.messages.iter().find(|m| m.author == BOT_ID && m.channel == num(1) && m.nonce.as_deref() == Some(n))
            });
            let m = match known {
                Some(m) => m.clone(),
                None => new_message(s, num(1), body, false),
            };
            (200, message_json(&m))
        }
        ("PATCH", ["channels", _, "messages", _]) => match edit_message(s, num(3), body) {
            Some(m) => (200, message_json(&m)),
            None => (404, json!({"message": "Unknown Message", "code": 10008})),
        },
        ("POST", ["interactions", id, token, "callback"]) => {
            let id: u64 = id.parse().unwrap_or(0);
            let Some(p) = s.interactions.get(*token).cloned() else {
                return (404, json!({"message": "Unknown interaction", "code": 10062}));
            };
            let kind = body["type"].as_u64().unwrap_or(0);
            let late = s.dispatched_at.get(&id).map(Instant::elapsed).unwrap_or_default();
            if s.callbacks.iter().any(|(i, _, _)| *i == id) {
                return (400, json!({"message": "Interaction has already been acknowledged.", "code": 40060}));
            }
            s.callbacks.push((id, kind, late));
            if late > Duration::from_secs(3) {
                // Discord forgets an interaction not acknowledged within three seconds.
                return (404, json!({"message": "Unknown interaction", "code": 10062}));
            }
            match kind {
                4 | 5 => {
                    let data = if kind == 4 { body["data"].clone() } else { json!({"content": ""}) };
                    let m = new_message(s, p.channel, &data, false);
                    s.interactions.get_mut(*token).expect("known").original = Some(m.id);
                }
                7 => {
                    if let Some(o) = p.original {
                        edit_message(s, o, &body["data"]);
                    }
                }
                _ => {}
            }
            (204, Value::Null)
        }
        ("POST", ["webhooks", _, token]) => {
            let Some(p) = s.interactions.get(*token).cloned() else {
                return (404, json!({"message": "Unknown Webhook", "code": 10015}));
            };
            let m = new_message(s, p.channel, body, false);
            (200, message_json(&m))
        }
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            let original = s.interactions.get(*token).and_then(|p| p.original);
            match original.and_then(|o| edit_message(s, o, body)) {
                Some(m) => (200, message_json(&m)),
                None => (404, json!({"message": "Unknown Message", "code": 10008})),
            }
        }
        _ => (404, json!({"message": "404: Not Found", "code": 0})),
    }
}
