//! Crash and restart on Matrix: the real `aiguilleur matrix` binary against the local Synapse
//! (`synapse.rs`), killed with SIGKILL at pseudo-random points of N conversations and restarted
//! each time on the same data directory and `--db`.
//!
//! Each conversation is a new encrypted direct room between the mayor (played by matrix-sdk, as in
//! `matrix.rs`) and the bot, where the mayor plays a short script. The kill points, drawn by a
//! deterministic xorshift (the same campaign on every run), are:
//! - between turns: the bot is killed after its reply, the next message is sent while it is down,
//!   then it is restarted;
//! - mid-turn: the message is sent, the bot killed 0–100 ms later (a reply leaves 20–100 ms
//!   after the message on a local Synapse, so the kill falls before the bot saw the message,
//!   while it handles it, between the stored turn and the sent reply, or just after the reply),
//!   then restarted.
//!
//! Every user message must get exactly one reply (`m.notice`, never 0 once the bot is back, never
//! 2), that reply must be the one for the right question of the script (the conversation resumed
//! where it was), and a message answered seconds after a restart must not carry the apology for
//! a long delay (that one is for messages older than five minutes: see the core's unit tests).
//!
//! The campaign found two real bugs, both fixed: a reply lost when the bot died between storing
//! its turn and sending the reply (replies are now kept in the store until sent, `send.rs`), and a
//! message never read when the bot died after matrix-sdk stored a sync response but before the bot
//! recorded its messages (matrix-sdk then dropped the replayed response as "the same response
//! twice"; `login.rs` now sets its token back to the bot's at start).
//!
//! `AIGUILLEUR_MATRIX_CRASH_CONVERSATIONS` sets N: 10 by default (CI), 100 for a manual run:
//! `AIGUILLEUR_MATRIX_CRASH_CONVERSATIONS=100 cargo test --test it matrix_crash -- --nocapture`.
//! The bot's log is `target/tmp/matrix-crash-bot-<pid>.log`, kept when the test fails.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use matrix_sdk::ruma::{RoomId, UserId};

use crate::matrix::{BOT_PASSWORD, BotProcess, BotSetup, Msg, SERVER, User, bot_account};
use crate::support::Rng;
use crate::synapse::Synapse;

/// The mayor's script, with what the reply to each message must contain (plain body).
const SCRIPT: &[(&str, &str)] = &[
    ("bonjour", "Quelle est votre commune"),
    ("Genêts", "Genêts compte"),
    ("oui", "programmes"),
    ("aucun", "thème principal"),
    ("centre-bourg", "Où en est le projet"),
    ("on y réfléchit", "Quel type d'aide"),
    ("conseil", "Petites centralités"),
];
const APOLOGY: &str = "Désolé pour ce délai";
/// Mid-turn kills fall this many milliseconds at most after the message is sent.
const KILL_WITHIN_MS: usize = 100;
/// How long a message may wait for its reply once the bot runs.
const REPLY_WITHIN: Duration = Duration::from_secs(40);
/// How long a second reply is looked for after a kill, and at the end of each conversation.
const DUPLICATE_WINDOW: Duration = Duration::from_millis(1500);

/// A kill point: before a message or some milliseconds after it, even odds (the same
/// deterministic generator as `crash.rs`).
fn kill_point(rng: &mut Rng) -> Kill {
    if rng.below(2) == 0 { Kill::Before } else { Kill::After(u64::try_from(rng.below(KILL_WITHIN_MS)).unwrap()) }
}

#[derive(Clone, Copy, PartialEq)]
enum Kill {
    None,
    /// After the previous reply; this message is sent while the bot is down.
    Before,
    /// This many milliseconds after this message was sent.
    After(u64),
}

#[derive(Default)]
struct Figures {
    kills: usize,
    mid_turn: usize,
    sent: usize,
    replies: usize,
    duplicates: usize,
    lost: usize,
    sent_while_down: usize,
    problems: Vec<String>,
}

/// Every message of the bot in `room` arriving until one has come (or `limit`), then within
/// `window` more.
async fn replies(user: &mut User, room: &RoomId, bot: &UserId, limit: Duration, window: Duration) -> Vec<Msg> {
    let deadline = Instant::now() + limit;
    let mut got = vec![];
    while got.is_empty() && Instant::now() < deadline {
        got.extend(user.quiet(room, bot, Duration::from_millis(40)).await);
    }
    if !window.is_zero() {
        got.extend(user.quiet(room, bot, window).await);
    }
    got
}

#[test]
fn matrix_bot_killed_mid_conversations_resumes_them() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(campaign());
}

#[allow(clippy::too_many_lines)]
async fn campaign() {
    let t0 = Instant::now();
    let conversations: usize =
        std::env::var("AIGUILLEUR_MATRIX_CRASH_CONVERSATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let mut hs = Synapse::start(SERVER).await;
    let bot_id = hs.register("aiguilleur", BOT_PASSWORD, false, false).await.user_id;
    let admin = hs.register("admin", "admin-pw", true, true).await.access_token.unwrap();
    let maire_id = hs.register("maire", "maire-pw", false, false).await.user_id;
    let bot_owned = bot_account(&hs, &admin, &bot_id).await;
    let bot: &UserId = &bot_owned;

    let work = tempfile::tempdir().unwrap();
    let bot_log =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("matrix-crash-bot-{}.log", std::process::id()));
    let _ = std::fs::remove_file(&bot_log);
    eprintln!("[crash] bot log: {}", bot_log.display());
    let setup = BotSetup::new(hs.url(), work.path(), bot_log.clone());
    std::fs::write(
        &setup.config,
        format!(
            "[matrix]\nallowed_users = [\"{maire_id}\"]\nadmins = [\"{maire_id}\"]\ndisplay_name = \"Aiguilleur\"\n"
        ),
    )
    .unwrap();
    let mut process: BotProcess = setup.start();
    let mut maire = User::login(&hs, "maire", "maire-pw").await;
    eprintln!("[crash] synapse, bot and mayor up after {:?}", t0.elapsed());

    let mut rng = Rng(0x5eed_cafe);
    let mut f = Figures::default();
    for c in 0..conversations {
        // The kill points of this conversation: each turn with a chance of one in four, at
        // least one per conversation.
        let mut plan: Vec<Kill> =
            (0..SCRIPT.len()).map(|_| if rng.below(4) == 0 { kill_point(&mut rng) } else { Kill::None }).collect();
        if plan.iter().all(|k| *k == Kill::None) {
            let t = rng.below(SCRIPT.len());
            plan[t] = kill_point(&mut rng);
        }

        let room = maire.client.create_dm(bot).await.unwrap().room_id().to_owned();
        let welcome = replies(&mut maire, &room, bot, REPLY_WITHIN, Duration::ZERO).await;
        assert!(
            welcome.len() == 1 && welcome[0].body.contains("Quelle est votre commune"),
            "conversation {c}: no single welcome: {welcome:#?}\n{}",
            setup.log()
        );

        for (t, (text, needle)) in SCRIPT.iter().enumerate() {
            let kill = plan[t];
            if kill == Kill::Before {
                drop(process); // SIGKILL
                f.kills += 1;
                maire.say(&room, text).await;
                f.sent_while_down += 1;
                process = setup.start();
            } else {
                maire.say(&room, text).await;
            }
            f.sent += 1;
            if let Kill::After(ms) = kill {
                tokio::time::sleep(Duration::from_millis(ms)).await;
                drop(process); // SIGKILL
                f.kills += 1;
                f.mid_turn += 1;
                process = setup.start();
            }
            let window = if kill == Kill::None { Duration::ZERO } else { DUPLICATE_WINDOW };
            let got = replies(&mut maire, &room, bot, REPLY_WITHIN, window).await;
            f.replies += got.len();
            let place = format!("conversation {c}, turn {t} ({text:?}, kill {})", describe(kill));
            match got.len() {
                0 => {
                    f.lost += 1;
                    f.problems.push(format!("{place}: no reply within {REPLY_WITHIN:?}"));
                }
                1 => {}
                n => {
                    f.duplicates += n - 1;
                    f.problems.push(format!(
                        "{place}: {n} replies: {:?}",
                        got.iter().map(|m| m.body.chars().take(80).collect::<String>()).collect::<Vec<_>>()
                    ));
                }
            }
            if let Some(m) = got.first() {
                let plain = m.body.replace(['\u{a0}', '\u{202f}'], " ");
                if !plain.contains(needle) {
                    f.problems.push(format!("{place}: the reply is not the expected one ({needle:?}): {plain}"));
                }
                if plain.contains(APOLOGY) {
                    f.problems.push(format!("{place}: apology for a message seconds old: {plain}"));
                }
                if m.msgtype != "m.notice" || !m.encrypted {
                    f.problems.push(format!("{place}: not an encrypted notice: {m:?}"));
                }
            }
        }
        // Nothing more comes in this room.
        let late = maire.quiet(&room, bot, DUPLICATE_WINDOW).await;
        if !late.is_empty() {
            f.duplicates += late.len();
            f.replies += late.len();
            f.problems.push(format!("conversation {c}: {} late extra replies", late.len()));
        }
        eprintln!(
            "[crash] conversation {c} done after {:?} ({} kills so far, {} problems)",
            t0.elapsed(),
            f.kills,
            f.problems.len()
        );
    }
    drop(process);
    hs.stop().await;
    let line = format!(
        "matrix crash campaign: {conversations} conversations, {} kills (SIGKILL; {} between turns, {} mid-turn), \
         {} messages sent ({} while the bot was down), {} replies, {} duplicates, {} lost, in {:?}",
        f.kills,
        f.kills - f.mid_turn,
        f.mid_turn,
        f.sent,
        f.sent_while_down,
        f.replies,
        f.duplicates,
        f.lost,
        t0.elapsed()
    );
    eprintln!("[crash] {line}");
    assert!(f.problems.is_empty(), "{line}\n{}\nbot log: {}", f.problems.join("\n"), bot_log.display());
    assert_eq!(f.replies, f.sent);
    if std::env::var_os("AIGUILLEUR_KEEP_TEST_LOG").is_none() {
        let _ = std::fs::remove_file(&bot_log);
    }
}

fn describe(kill: Kill) -> String {
    match kill {
        Kill::None => "none".into(),
        Kill::Before => "before, sent while down".into(),
        Kill::After(ms) => format!("{ms} ms after sending"),
    }
}
