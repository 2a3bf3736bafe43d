//! The Discord adapter end to end: the real binary (`aiguilleur discord`), its serenity client
//! pointed at the loopback fake of `fake_discord.rs` by `DISCORD_API_BASE`.
//!
//! The bot runs as a subprocess rather than in-process: the test then covers what an operator
//! runs (command line, configuration file, token from the environment, SIGTERM, the database on
//! disk across a restart), the fake sees exactly the traffic Discord would, and the bot's log can
//! be searched for the token.
//!
//! Scenario S1 is played with buttons (clicks are interactions the fake dispatches), S8 with the
//! `/question` slash command in a server channel; each turn's expectations are those of the golden
//! transcripts in `tests/conversations/`, checked against what a user would see (message text,
//! embeds and buttons, markdown escapes removed).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aiguilleur::text::fold;
use aiguilleur::transcript::{self, Expect};
use serde_json::json;

use crate::fake_discord::{
    APP_ID, BOT_ID, Call, FakeDiscord, GUILD, INTENT_DIRECT_MESSAGES, INTENT_GUILD_MEMBERS, INTENT_GUILD_MESSAGES,
    INTENT_GUILD_PRESENCES, INTENT_GUILDS, INTENT_MESSAGE_CONTENT, Msg, OTHER_GUILD, State, TOKEN,
};

const DM: u64 = 700_000_000_000_000_001;
const SALON: u64 = 700_000_000_000_000_002;
const SALON_AILLEURS: u64 = 700_000_000_000_000_003;
const MAIRE: u64 = 500_000_000_000_000_001;
const SECRETAIRE: u64 = 500_000_000_000_000_002;

struct Bot {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl Bot {
    fn start(fake: &FakeDiscord, dir: &Path) -> Self {
        Self::start_with(fake, dir, TOKEN)
    }

    fn start_with(fake: &FakeDiscord, dir: &Path, token: &str) -> Self {
        Self::start_in(fake, dir, token, Path::new(env!("CARGO_MANIFEST_DIR")))
    }

    /// The bot serving the content under `content` (a copy a test may change).
    fn start_in(fake: &FakeDiscord, dir: &Path, token: &str, content: &Path) -> Self {
        let config = dir.join("aiguilleur.toml");
        std::fs::write(
            &config,
            format!(
                "[matrix]\n# la section d'un autre adaptateur\n\n[discord]\napplication_id = \"{APP_ID}\"\nguilds = [{GUILD}]\nadmins = [\"{SECRETAIRE}\"]\n"
            ),
        )
        .unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
            .arg("discord")
            .arg("--config")
            .arg(&config)
            .arg("--db")
            .arg(dir.join("conversations.sqlite"))
            .arg("--content")
            .arg(content)
            .env("DISCORD_TOKEN", token)
            .env("DISCORD_API_BASE", &fake.api)
            .env_remove("DISCORD_APPLICATION_ID")
            .env("AIGUILLEUR_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let mut l = sink.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        Self { child, log }
    }

    /// SIGTERM, then the exit status (panics if the bot does not stop within 10 s).
    fn terminate(&mut self) -> ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        let end = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                return s;
            }
            assert!(Instant::now() < end, "no exit after SIGTERM\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- the bot's log\n{}", self.log());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The bot's messages in `channel` from index `since`, as one text, once it contains every
/// `<` fragment of the turn (case and accents ignored, as in the transcripts).
fn reply(fake: &FakeDiscord, since: usize, channel: u64, turn: &transcript::Turn) -> (String, Vec<Msg>) {
    fake.wait(15, &format!("the reply to « {} »", turn.input), |s| {
        let text: String = s.messages[since..].iter().filter(|m| m.author == BOT_ID).map(|m| m.text() + "\n").collect();
        let folded = fold(&text);
        turn.expect.iter().all(|(_, e)| !matches!(e, Expect::Contains(f) if !folded.contains(&fold(f)))).then_some(())
    });
    // The expected fragments are there; the turn's last messages may still be on their way.
    fake.settle();
    let (text, msgs) = fake.wait(15, &format!("the reply to « {} »", turn.input), |s| {
        let msgs: Vec<Msg> =
            s.messages[since..].iter().filter(|m| m.author == BOT_ID && m.channel == channel).cloned().collect();
        let text: String = msgs.iter().map(|m| m.text() + "\n").collect();
        let folded = fold(&text);
        let ok = turn.expect.iter().all(|(_, e)| match e {
            Expect::Contains(f) => folded.contains(&fold(f)),
            Expect::Lacks(_) => true,
        });
        ok.then_some((text, msgs))
    });
    for (line, e) in &turn.expect {
        if let Expect::Lacks(f) = e {
            assert!(!fold(&text).contains(&fold(f)), "line {line}: « {f} » in\n{text}");
        }
    }
    (text, msgs)
}

fn turns(name: &str) -> Vec<transcript::Turn> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conversations").join(name);
    transcript::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap().turns
}

/// The last message of the bot in `channel` that offers choices.
fn last_question(fake: &FakeDiscord, channel: u64) -> Msg {
    let s = fake.state();
    s.messages
        .iter()
        .rev()
        .find(|m| m.author == BOT_ID && m.channel == channel && !m.components.is_empty())
        .cloned()
        .unwrap()
}

/// Clicks `label` in the last question and checks the acknowledgement: within Discord's three
/// seconds, as an update of the question's message that leaves only the choice taken.
fn click(fake: &FakeDiscord, channel: u64, guild: Option<u64>, who: u64, label: &str) {
    let q = last_question(fake, channel);
    let id = fake.click(&q, guild, who, label);
    let (kind, late) =
        fake.wait(10, "the click's callback", |s| s.callbacks.iter().find(|c| c.0 == id).map(|c| (c.1, c.2)));
    assert!(late < Duration::from_secs(3), "acknowledged after {late:?}");
    assert_eq!(kind, 7, "a click updates the question's message");
    let after = fake.message(q.id);
    assert_eq!(after.content, q.content, "the question keeps its text");
    assert_eq!(after.labels(), [format!("✓ {label}")]);
}

/// Every message the bot sent: no mention can ping.
fn assert_never_pings(fake: &FakeDiscord) {
    let s = fake.state();
    let none = json!({"parse": [], "users": [], "roles": [], "replied_user": false});
    for c in &s.calls {
        let data = if c.path.ends_with("/callback") { &c.body["data"] } else { &c.body };
        let sends = c.method == "POST" && (c.path.contains("/messages") || c.path.starts_with("/webhooks"))
            || c.path.ends_with("/callback") && matches!(c.body["type"].as_u64(), Some(4));
        if sends {
            assert_eq!(data["allowed_mentions"], none, "{} {}: {}", c.method, c.path, c.body);
        }
    }
    assert!(s.rejected.is_empty(), "Discord would have refused: {:?}", s.rejected);
    assert!(s.calls.iter().all(|c| c.authorized), "a call without the token");
}

#[test]
fn s1_with_buttons_survives_a_reconnect_and_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start();
    let mut bot = Bot::start(&fake, dir.path());
    fake.wait_ready(1);
    fake.wait(15, "the slash commands", |s| (!s.commands.is_empty()).then_some(()));

    // Gateway: only the intents used, none privileged; commands registered once, globally.
    let intents = fake.state().identifies[0]["intents"].as_u64().unwrap();
    assert_eq!(intents, INTENT_GUILD_MESSAGES | INTENT_DIRECT_MESSAGES);
    assert_eq!(intents & (INTENT_MESSAGE_CONTENT | INTENT_GUILD_MEMBERS | INTENT_GUILD_PRESENCES | INTENT_GUILDS), 0);
    {
        let s = fake.state();
        let put: Vec<_> = s.calls.iter().filter(|c| c.method == "PUT").collect();
        assert_eq!(put.len(), 1);
        assert_eq!(put[0].path, format!("/applications/{APP_ID}/commands"));
        let names: Vec<&str> = s.commands.iter().filter_map(|c| c["name"].as_str()).collect();
        assert_eq!(names, ["orienter", "question"]);
        assert_eq!(s.commands[1]["options"][0]["name"], "texte");
        assert_eq!(s.commands[1]["options"][0]["required"], true);
    }

    // What the transcript types that the Discord user clicks instead.
    let clicks = [
        ("oui", "Oui"),
        ("aucun", "Aucun programme"),
        ("centre-bourg", "Revitalisation des centres-bourgs"),
        ("on y réfléchit", "On y réfléchit"),
        ("conseil", "Conseil, étude ou accompagnement"),
    ];
    for turn in turns("s01-petite-commune-centre-bourg.txt") {
        let since = fake.message_count();
        match clicks.iter().find(|(typed, _)| *typed == turn.input) {
            Some((_, label)) => click(&fake, DM, None, MAIRE, label),
            None => {
                fake.say(DM, None, MAIRE, &turn.input);
            }
        }
        let (text, msgs) = reply(&fake, since, DM, &turn);
        match turn.input.as_str() {
            "Carolles" => assert_eq!(last_question(&fake, DM).labels(), ["Oui", "Non"]),
            // Five programmes (PVD, ACV, Villages d'avenir, QPV, Territoires d'industrie), « aucun », « je ne sais pas ».
            "oui" => assert_eq!(last_question(&fake, DM).row_sizes(), [5, 2]),
            "aucun" => {
                // The theme question: 19 choices, rows of five buttons.
                let q = last_question(&fake, DM);
                assert_eq!(q.row_sizes(), [5, 5, 5, 4]);
                assert!(q.labels().contains(&"Revitalisation des centres-bourgs".to_owned()));
                // The bot is stopped (SIGTERM: it closes the gateway cleanly) and started again
                // on the same database: the conversation goes on at the same question.
                assert!(bot.terminate().success(), "{}", bot.log());
                fake.wait(5, "a clean close of the gateway", |s| (s.closes == [Some(1000)]).then_some(()));
                bot = Bot::start(&fake, dir.path());
                fake.wait_ready(2);
            }
            "centre-bourg" => {
                // Discord asks for a reconnect: serenity resumes the session.
                fake.reconnect();
            }
            "conseil" => {
                // The results: one embed per dispositif, numbered, with why and whom to call.
                let embeds: Vec<&serde_json::Value> = msgs.iter().flat_map(|m| &m.embeds).collect();
                assert_eq!(embeds.len(), 6, "{text}");
                let titles: Vec<&str> = embeds.iter().map(|e| e["title"].as_str().unwrap()).collect();
                assert!(titles[0].starts_with("1. Études") && titles[0].contains("Petites centralités"), "{titles:?}");
                assert!(titles[1].starts_with("2. Réseau IDM"), "{titles:?}");
                let d = embeds[0]["description"].as_str().unwrap();
                assert!(fold(d).starts_with(&fold("Pourquoi :")), "{d}");
                assert!(fold(d).contains(&fold("1 400 € TTC")), "{d}");
                assert!(msgs.iter().all(|m| m.components.is_empty()));
                // Text after the embeds comes in a message of its own, in order.
                assert!(fold(&msgs.last().unwrap().content).contains("ingenierie@manche.gouv.fr"));
            }
            "détails 2" => {
                let idm = msgs.iter().flat_map(|m| &m.embeds).find(|e| e["url"].is_string()).unwrap();
                assert_eq!(idm["url"], "http://www.ingenierie-departementale-manche.fr");
            }
            _ => {}
        }
    }
    {
        let s = fake.state();
        assert_eq!(s.resumes.len(), 1, "one RESUME after the reconnect");
        assert_eq!(s.resumes[0]["session_id"], "session-2");
        assert_eq!(s.identifies.len(), 2, "an IDENTIFY per start, none for the reconnect");
    }

    // User text quoted by the bot never pings, and its markdown is shown as typed.
    let since = fake.message_count();
    fake.say(DM, None, MAIRE, "pourquoi pas @everyone **urgent**");
    let m = fake.wait(10, "the answer quoting the user", |s| {
        s.messages[since..].iter().find(|m| m.author == BOT_ID && m.content.contains("everyone")).cloned()
    });
    assert!(!m.content.contains("@everyone"), "{}", m.content);
    assert!(m.content.contains("@\u{200b}everyone"), "{}", m.content);
    assert!(m.content.contains(r"\*\*urgent"), "{}", m.content);
    assert!(m.text().contains("@everyone **urgent"), "shown as typed: {}", m.text());

    assert_never_pings(&fake);
    assert!(bot.terminate().success());
    let log = bot.log();
    assert!(log.contains("connecté à Discord"), "{log}");
    assert!(!log.contains(TOKEN) && !log.contains(&TOKEN[10..]), "the token is in the log");
}

#[test]
fn s8_as_a_slash_command_in_a_server() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start();
    let mut bot = Bot::start(&fake, dir.path());
    fake.wait_ready(1);
    fake.wait(15, "the slash commands", |s| (!s.commands.is_empty()).then_some(()));

    let s8 = turns("s08-ddtm-secretaire.txt");
    // A quick question through /question: the reply is the interaction's response, then follow-ups.
    let since = fake.message_count();
    let id = fake.slash(SALON, Some(GUILD), SECRETAIRE, "question", &[("texte", &s8[0].input)]);
    let (text, msgs) = reply(&fake, since, SALON, &s8[0]);
    let (kind, late) = fake.state().callbacks.iter().find(|c| c.0 == id).map(|c| (c.1, c.2)).unwrap();
    assert_eq!(kind, 4, "answered in the response itself");
    assert!(late < Duration::from_secs(3));
    assert!(msgs.iter().all(|m| !m.ephemeral));
    let card = msgs
        .iter()
        .flat_map(|m| &m.embeds)
        .find(|e| e["title"].as_str().is_some_and(|t| t.contains("DDTM 50")))
        .unwrap();
    let fields = card["fields"].as_array().unwrap();
    let siege = fields.iter().find(|f| f["name"].as_str().unwrap().starts_with("Siège")).unwrap();
    assert!(siege["name"].as_str().unwrap().contains("477 Boulevard de la Dollée"), "{siege}");
    let lines: Vec<&str> = siege["value"].as_str().unwrap().lines().collect();
    assert_eq!(lines.len(), 3, "{siege}");
    assert!(lines[0].starts_with("Tél.") && lines[0].ends_with("02 33 06 39 00"), "{siege}");
    assert!(lines[1].starts_with("Fax") && lines[2].ends_with("ddtm@manche.gouv.fr"), "{siege}");
    for site in ["Nord", "Centre", "Sud"] {
        assert!(fields.iter().any(|f| f["name"].as_str().unwrap().contains(site)), "{site} in {text}");
    }

    // The next answer, typed with a mention: a reply to the person's message.
    let since = fake.message_count();
    let said = fake.say(SALON, Some(GUILD), SECRETAIRE, &format!("<@{BOT_ID}> {}", s8[1].input));
    let (_, msgs) = reply(&fake, since, SALON, &s8[1]);
    assert_eq!(msgs[0].reply_to, Some(said));

    // Without a mention the bot does not read (Discord does not even give it the text).
    let since = fake.message_count();
    fake.say(SALON, Some(GUILD), SECRETAIRE, "oui");
    // Another server than the allowed one: no answer to a mention, a notice for a command.
    fake.say(SALON_AILLEURS, Some(OTHER_GUILD), SECRETAIRE, &format!("<@{BOT_ID}> bonjour"));
    let refused = fake.slash(SALON_AILLEURS, Some(OTHER_GUILD), SECRETAIRE, "orienter", &[]);
    let notice = fake.wait(10, "the refusal", |s| {
        s.callbacks.iter().any(|c| c.0 == refused).then(|| s.messages.last().cloned()).flatten()
    });
    assert!(notice.ephemeral && notice.content.contains("ne réponds pas sur ce serveur"), "{notice:?}");
    // Someone else clicks the secretary's buttons: told so, privately; the question stays.
    let q = last_question(&fake, SALON);
    let other = fake.click(&q, Some(GUILD), MAIRE, "Oui");
    let notice = fake.wait(10, "the notice", |s| {
        s.callbacks.iter().any(|c| c.0 == other).then(|| s.messages.last().cloned()).flatten()
    });
    assert!(notice.ephemeral && notice.content.contains("quelqu'un d'autre"), "{notice:?}");
    assert_eq!(fake.message(q.id).labels(), ["Oui", "Non"]);
    // The secretary answers by typing instead; then the old buttons are stale.
    fake.say(SALON, Some(GUILD), SECRETAIRE, &format!("<@{BOT_ID}> oui"));
    // Saint-Lô is on the ANCT's Action cœur de ville list: the programme is proposed.
    fake.wait(10, "the programmes question", |s| {
        s.messages
            .iter()
            .rev()
            .find(|m| m.author == BOT_ID && m.channel == SALON && !m.ephemeral)
            .filter(|m| m.content.contains("programme"))
            .map(|_| ())
    });
    let stale = fake.click(&q, Some(GUILD), SECRETAIRE, "Non");
    let notice = fake.wait(10, "the stale notice", |s| {
        s.callbacks.iter().any(|c| c.0 == stale).then(|| s.messages.last().cloned()).flatten()
    });
    assert!(notice.ephemeral && notice.content.contains("déjà reçu une réponse"), "{notice:?}");
    // /orienter goes on where the conversation is.
    let n = fake.message_count();
    fake.slash(SALON, Some(GUILD), SECRETAIRE, "orienter", &[]);
    fake.wait(10, "where we were", |s| s.messages[n..].iter().find(|m| m.content.contains("programme")).map(|_| ()));
    {
        let s = fake.state();
        let answers: Vec<&Msg> = s.messages[since..].iter().filter(|m| m.author == BOT_ID && !m.ephemeral).collect();
        assert!(answers.iter().all(|m| m.channel == SALON), "answered where it should not: {answers:?}");
        let questions = answers.iter().filter(|m| m.content.contains("programme")).count();
        assert_eq!(questions, 2, "the mentioned « oui », then /orienter, nothing else: {answers:?}");
    }

    // An admin reloads the content from a direct message.
    let n = fake.message_count();
    fake.say(DM, None, SECRETAIRE, "!recharger");
    fake.wait(10, "the reload's outcome", |s| {
        s.messages[n..].iter().find(|m| m.author == BOT_ID && m.content.contains("Rien n'a changé")).map(|_| ())
    });

    assert_never_pings(&fake);
    assert!(bot.terminate().success());
    fake.wait(5, "a clean close of the gateway", |s| (s.closes == [Some(1000)]).then_some(()));
}

/// A wrong token: Discord refuses it (401) and the bot stops at once with a clear error, without
/// printing the token.
#[test]
fn a_wrong_token_stops_the_bot_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start();
    let mut bot = Bot::start_with(&fake, dir.path(), "wrong-token-0123456789");
    let end = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(s) = bot.child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < end, "still running with a wrong token\n{}", bot.log());
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!status.success());
    std::thread::sleep(Duration::from_millis(100));
    let log = bot.log();
    assert!(log.contains("jeton Discord refusé (401)"), "{log}");
    assert!(!log.contains("wrong-token-0123456789"), "{log}");
    assert!(fake.state().identifies.is_empty(), "stopped before the gateway");
}

/// When an earlier turn of the same conversation is still sending (Discord slow or rate
/// limiting), an interaction is deferred within the three seconds, then answered by editing the
/// deferred response.
#[test]
fn a_busy_conversation_defers_the_interaction() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start();
    let _bot = Bot::start(&fake, dir.path());
    fake.wait_ready(1);
    fake.wait(15, "the slash commands", |s| (!s.commands.is_empty()).then_some(()));
    let n = fake.message_count();
    fake.say(DM, None, MAIRE, "bonjour");
    fake.wait(10, "the welcome", |s| s.messages[n..].iter().find(|m| m.content.contains("commune")).map(|_| ()));
    fake.settle();

    fake.state().slow = Some(Duration::from_millis(2000));
    fake.say(DM, None, MAIRE, "c'est quoi la DETR ?");
    fake.wait(10, "the slow answer under way", |s| {
        s.calls
            .iter()
            .rev()
            .find(|c| c.method == "POST" && c.body["content"].as_str().is_some_and(|t| t.contains("DETR")))
            .map(|_| ())
    });
    let id = fake.slash(DM, None, MAIRE, "question", &[("texte", "qui contacter à la DDTM ?")]);
    let (kind, late) =
        fake.wait(10, "the acknowledgement", |s| s.callbacks.iter().find(|c| c.0 == id).map(|c| (c.1, c.2)));
    assert_eq!(kind, 5, "deferred");
    assert!(late < Duration::from_secs(3), "acknowledged after {late:?}");
    fake.state().slow = None;
    let answer = fake.wait(20, "the deferred response, edited", |s| {
        s.messages
            .iter()
            .find(|m| {
                m.edits > 0 && m.embeds.iter().any(|e| e["title"].as_str().is_some_and(|t| t.contains("DDTM 50")))
            })
            .cloned()
    });
    assert!(!answer.ephemeral);
    assert_never_pings(&fake);
}

/// Every card and every dispositif's details of the shipped catalogue, laid out for Discord,
/// passes the fake's checks of Discord's limits, and nothing is lost on the way.
#[test]
fn every_card_of_the_catalogue_fits_discord() {
    use aiguilleur::render::discord::{self as layout, Asker, Row};
    use aiguilleur::reply::Reply;

    let content = aiguilleur::content::load(Path::new(env!("CARGO_MANIFEST_DIR"))).content.unwrap();
    let cat = &content.catalogue;
    let mut replies: Vec<Reply> = cat.acteurs.iter().map(|a| Reply::Card { acteur: a.id.clone() }).collect();
    replies.extend(cat.dispositifs.iter().map(|d| Reply::Details { dispositif: d.id.clone() }));
    let blocks = aiguilleur::render::blocks(&content, "fr", &replies);
    let asker = Asker { owner: "1", turn: "2", placeholder: "Choisir" };
    let msgs = layout::messages(&blocks, &asker);
    let mut titles = 0;
    for m in &msgs {
        let embeds: Vec<serde_json::Value> = m
            .embeds
            .iter()
            .map(|e| {
                titles += usize::from(e.title.is_some());
                let fields: Vec<_> = e.fields.iter().map(|f| json!({"name": f.name, "value": f.value})).collect();
                json!({"title": e.title, "url": e.url, "description": e.description, "fields": fields})
            })
            .collect();
        let rows: Vec<_> = m
            .components
            .iter()
            .map(|r| match r {
                Row::Buttons(b) => json!({"type": 1, "components": b.iter().map(|b| json!({"type": 2, "custom_id": b.custom_id, "label": b.label})).collect::<Vec<_>>()}),
                Row::Select(s) => json!({"type": 1, "components": [{"type": 3, "custom_id": s.custom_id, "options": s.options.iter().map(|o| json!({"label": o.label, "value": o.value})).collect::<Vec<_>>()}]}),
            })
            .collect();
        let body = json!({"content": m.content, "embeds": embeds, "components": rows});
        crate::fake_discord::validate(&body, false).unwrap_or_else(|e| panic!("{e}: {body}"));
    }
    let cards = blocks.iter().filter(|b| matches!(b, aiguilleur::render::Block::Card(_))).count();
    assert_eq!(titles, cards, "one titled embed per card");
}

/// The bot's messages in `channel`, as text.
fn bot_texts(s: &State, channel: u64) -> Vec<String> {
    s.messages.iter().filter(|m| m.author == BOT_ID && m.channel == channel).map(Msg::text).collect()
}

/// How many bot messages in `channel` contain `needle`.
fn count(s: &State, channel: u64, needle: &str) -> usize {
    bot_texts(s, channel).iter().filter(|t| t.contains(needle)).count()
}

/// The bot killed (SIGKILL) while a reply is on its way: the reply, kept in the store with the
/// turn, goes out at the next start, and only once. Two cases, made deterministic by the fake:
/// the request never reached Discord (held, then dropped), or it did but its answer never came
/// back (Discord then recognises the nonce and keeps one message).
#[test]
fn a_reply_cut_off_by_a_crash_is_sent_at_restart_once() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start();
    let bot = Bot::start(&fake, dir.path());
    fake.wait_ready(1);

    // The reply's request is lost: the bot dies while it hangs.
    fake.state().hold_posts = true;
    fake.say(DM, None, MAIRE, "bonjour");
    fake.wait(15, "the reply's request", |s| (s.held > 0).then_some(()));
    drop(bot); // SIGKILL
    fake.state().hold_posts = false;
    assert_eq!(count(&fake.state(), DM, "Quelle est votre commune"), 0, "nothing reached the channel");
    let bot = Bot::start(&fake, dir.path());
    fake.wait_ready(2);
    fake.wait(15, "the kept reply", |s| (count(s, DM, "Quelle est votre commune") > 0).then_some(()));
    fake.settle();
    let s = fake.state();
    assert_eq!(count(&s, DM, "Quelle est votre commune"), 1, "{:#?}", bot_texts(&s, DM));
    drop(s);
    assert!(bot.log().contains("réponses non parties avant l'arrêt"), "{}", bot.log());

    // The reply reached Discord, its answer did not reach the bot.
    fake.state().slow = Some(Duration::from_secs(60));
    fake.say(DM, None, MAIRE, "Genêts");
    fake.wait(15, "the reply to Genêts", |s| (count(s, DM, "Genêts compte") > 0).then_some(()));
    drop(bot); // SIGKILL, the answer still on its way
    fake.state().slow = None;
    let bot = Bot::start(&fake, dir.path());
    fake.wait_ready(3);
    fake.wait(15, "the kept reply sent again", |s| {
        let again =
            |c: &&Call| c.method == "POST" && c.body["content"].as_str().is_some_and(|t| t.contains("Genêts compte"));
        (s.calls.iter().filter(again).count() >= 2).then_some(())
    });
    fake.settle();
    let s = fake.state();
    assert_eq!(count(&s, DM, "Genêts compte"), 1, "the nonce kept it single: {:#?}", bot_texts(&s, DM));
    drop(s);

    // The conversation goes on where it was.
    let before = count(&fake.state(), DM, "programme");
    fake.say(DM, None, MAIRE, "oui");
    fake.wait(15, "the next question", |s| (count(s, DM, "programme") > before).then_some(()));
    assert_never_pings(&fake);
    drop(bot);
}

/// The bot killed (SIGKILL) after the reply to a button reached Discord but before Discord's
/// answer came back: at the next start the kept reply goes again with the same idempotency key,
/// and Discord keeps a single message. (Replies to clicks used to be interaction follow-ups, which
/// carry no nonce: the reply sent again at restart was then posted a second time.)
#[test]
fn a_reply_to_a_button_cut_off_by_a_crash_is_not_posted_twice() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start();
    let bot = Bot::start(&fake, dir.path());
    fake.wait_ready(1);
    fake.say(DM, None, MAIRE, "bonjour");
    fake.wait(15, "the welcome", |s| (count(s, DM, "Quelle est votre commune") > 0).then_some(()));
    fake.say(DM, None, MAIRE, "Carolles");
    fake.wait(15, "the population to confirm", |s| (count(s, DM, "Carolles compte") > 0).then_some(()));
    fake.settle();

    fake.state().slow = Some(Duration::from_secs(60));
    let q = last_question(&fake, DM);
    let clicked = fake.click(&q, None, MAIRE, "Oui");
    fake.wait(15, "the reply to the click", |s| (count(s, DM, "programmes") > 0).then_some(()));
    assert!(fake.state().callbacks.iter().any(|c| c.0 == clicked && c.1 == 7), "the click updated its question");
    drop(bot); // SIGKILL, Discord's answer still on its way
    fake.state().slow = None;

    let bot = Bot::start(&fake, dir.path());
    fake.wait_ready(2);
    fake.wait(15, "the kept reply sent again", |s| {
        let sends = |c: &&Call| {
            c.method == "POST"
                && (c.path.starts_with("/channels/") || c.path.starts_with("/webhooks/"))
                && c.body["content"].as_str().is_some_and(|t| t.contains("programmes"))
        };
        (s.calls.iter().filter(sends).count() >= 2).then_some(())
    });
    fake.settle();
    let (n, texts) = {
        let s = fake.state();
        (count(&s, DM, "programmes"), bot_texts(&s, DM))
    };
    assert_eq!(n, 1, "the reply to the click posted {n} times: {texts:#?}");

    // The conversation goes on where it was.
    fake.say(DM, None, MAIRE, "aucun");
    fake.wait(15, "the next question", |s| (count(s, DM, "thème principal") > 0).then_some(()));
    assert_never_pings(&fake);
    drop(bot);
}

/// Admin commands in a direct message: `!aide` lists them for an admin; anyone else typing one is
/// told, politely, that it is not for them, and their conversation is not touched.
#[test]
fn admin_commands_for_admins_only() {
    let dir = tempfile::tempdir().unwrap();
    let fake = FakeDiscord::start();
    let _bot = Bot::start(&fake, dir.path());
    fake.wait_ready(1);
    let n = fake.message_count();
    fake.say(DM, None, SECRETAIRE, "!aide");
    let help = fake.wait(10, "the list of commands", |s| {
        s.messages[n..].iter().find(|m| m.author == BOT_ID && m.content.contains("!recharger")).cloned()
    });
    assert!(help.content.contains("!aide"), "{}", help.content);
    let n = fake.message_count();
    fake.say(DM, None, SECRETAIRE, "!stats");
    let stats = fake.wait(10, "the statistics", |s| s.messages[n..].iter().find(|m| m.author == BOT_ID).cloned());
    assert!(stats.content.contains("conversations commencées"), "{}", stats.content);
    let n = fake.message_count();
    fake.say(DM, None, SECRETAIRE, "!sans-reponse");
    let none = fake.wait(10, "the questions", |s| s.messages[n..].iter().find(|m| m.author == BOT_ID).cloned());
    assert!(none.content.contains("Aucune question sans réponse"), "{}", none.content);
    // Every command of the registry is refused to anyone else, and does not run.
    let vocab = &crate::support::content().vocab;
    for name in aiguilleur::driver::admin::COMMANDS.iter().map(|c| c.name(vocab)) {
        let n = fake.message_count();
        fake.say(DM, None, MAIRE, &format!("!{name}"));
        let refusal = fake.wait(10, "the refusal", |s| s.messages[n..].iter().find(|m| m.author == BOT_ID).cloned());
        assert!(refusal.content.contains("réservée aux administrateurs"), "!{name}: {}", refusal.content);
        for secret in ["Contenu rechargé", "Rien n'a changé", "conversations commencées", "sans réponse", "!recharger"]
        {
            assert!(!refusal.content.contains(secret), "!{name}: {}", refusal.content);
        }
    }
    assert_never_pings(&fake);
}

/// Alerts: a subscriber to mobility is told once, in one message, that a mobility scheme's
/// funding changed; a subscriber to housing is not; a restart announces nothing again; after
/// « stop alertes » a new change is not announced.
#[test]
fn alerts_on_a_changed_scheme() {
    const DM_SECRETAIRE: u64 = 700_000_000_000_000_009;
    let dir = tempfile::tempdir().unwrap();
    let content = crate::support::content_copy();
    let fake = FakeDiscord::start();
    let mut bot = Bot::start_in(&fake, dir.path(), TOKEN, content.path());
    fake.wait_ready(1);
    let said = |channel: u64, since: usize, needle: &'static str| {
        fake.wait(15, needle, |s| {
            s.messages[since..]
                .iter()
                .find(|m| m.author == BOT_ID && m.channel == channel && m.text().contains(needle))
                .cloned()
        })
    };
    let alerts = |s: &State, channel: u64| {
        s.messages
            .iter()
            .filter(|m| m.author == BOT_ID && m.channel == channel && m.text().contains("Du nouveau"))
            .count()
    };
    let n = fake.message_count();
    fake.say(DM, None, MAIRE, "Prévenez-moi des nouveautés sur la mobilité");
    let ok = said(DM, n, "C'est noté");
    assert!(ok.text().contains("Mobilités"), "{}", ok.text());
    let n = fake.message_count();
    fake.say(DM_SECRETAIRE, None, SECRETAIRE, "prévenez-moi des nouveautés sur l'habitat");
    let ok = said(DM_SECRETAIRE, n, "C'est noté");
    assert!(!ok.text().contains("Mobilités"), "{}", ok.text());
    let n = fake.message_count();
    fake.say(DM, None, MAIRE, "mes alertes");
    said(DM, n, "nouveautés sur Mobilités");

    let change = |from: &str, to: &str| crate::support::edit_mobility_lot(content.path(), from, to);
    change("financement = \"\"\"\n", "financement = \"\"\"\nÀ partir de 2027 : sur appel à projets. ");
    let alert = said(DM, 0, "Du nouveau");
    let text = alert.text();
    assert!(text.contains("Accessibilité, mobilité et connexions") && text.contains("financement"), "{text}");
    fake.settle();
    std::thread::sleep(Duration::from_secs(3));
    {
        let s = fake.state();
        assert_eq!(alerts(&s, DM), 1, "one alert");
        assert_eq!(alerts(&s, DM_SECRETAIRE), 0, "not about housing");
    }

    // A restart compares the catalogue with what each subscriber was told: nothing new.
    assert!(bot.terminate().success());
    drop(bot);
    let mut bot = Bot::start_in(&fake, dir.path(), TOKEN, content.path());
    fake.wait_ready(2);
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(alerts(&fake.state(), DM), 1, "announced again after a restart:\n{}", bot.log());

    let n = fake.message_count();
    fake.say(DM, None, MAIRE, "stop alertes");
    said(DM, n, "vous ne recevrez plus d'alertes");
    let n = fake.message_count();
    fake.say(DM, None, MAIRE, "mes alertes");
    said(DM, n, "pas d'alerte en cours");
    change("À partir de 2027", "À partir de 2028");
    std::thread::sleep(Duration::from_secs(6));
    assert!(bot.log().contains("contenu rechargé"), "{}", bot.log());
    let s = fake.state();
    assert_eq!((alerts(&s, DM), alerts(&s, DM_SECRETAIRE)), (1, 0), "after « stop alertes »");
    assert!(bot.terminate().success());
}
