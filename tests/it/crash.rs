//! Crash and restart: 100 conversations with the real `aiguilleur chat --db FILE`, each killed
//! with SIGKILL at a pseudo-random point (between turns or in the middle of one) and restarted.
//! Every conversation must resume at the right question: the reply after the restart is the one
//! an uninterrupted conversation gives, and the stored session is never half-written.
//!
//! `AIGUILLEUR_CRASH_CONVERSATIONS=1000 cargo test crash` runs a larger campaign by hand.

use std::time::Duration;

use aiguilleur::bot::{Bot, Incoming};
use aiguilleur::store::{MemoryStore, SqliteStore, Store};

use crate::support::{self, Chat, Rng};

const SCRIPTS: &[&[&str]] = &[
    &["bonjour", "Genêts", "oui", "aucun", "revitaliser le centre-bourg", "on y réfléchit", "conseil", "détails 1"],
    &["bonjour", "50530", "4", "non", "1 600", "aucun programme", "salle des fetes", "travaux", "financement"],
    &["salut", "Percy", "oui", "je ne sais pas", "école", "2", "1", "retour", "3"],
    &["bonjour", "cherbourg", "oui", "acv", "qui contacter à la DDTM ?", "mobilités", "étude", "un chef de projet"],
];

/// Replies and stored nodes of an uninterrupted run of `script`.
fn reference(script: &[&str], user: &str) -> (Vec<String>, Vec<Option<String>>) {
    let mut bot = Bot::new(support::content(), MemoryStore::default(), "fr");
    let mut replies = vec![];
    let mut nodes = vec![];
    for text in script {
        let msg = Incoming {
            transport: "console".into(),
            user: user.into(),
            conversation: "terminal".into(),
            text: (*text).into(),
            event_id: None,
            // What the bot says of its information's age depends on the day: the chat's.
            now: aiguilleur::adapters::now(),
            sent_at: None,
            reach: None,
        };
        let r = bot.handle(&msg).unwrap();
        replies.push(bot.plain(&r));
        nodes.push(bot.store_mut().load(&msg.key()).unwrap().and_then(|s| s.node));
    }
    (replies, nodes)
}

#[test]
fn killed_conversations_resume_at_the_right_question() {
    let conversations: usize =
        std::env::var("AIGUILLEUR_CRASH_CONVERSATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("conversations.sqlite");
    let mut rng = Rng(0x5eed_cafe);
    let (mut between, mut during) = (0, 0);
    for c in 0..conversations {
        let script = SCRIPTS[c % SCRIPTS.len()];
        let user = format!("maire-{c}");
        let (expected, nodes) = reference(script, &user);
        let k = 1 + rng.below(script.len() - 1); // turns done before the kill
        let mid_turn = rng.below(3) == 0;

        let mut chat = Chat::start(&db, &user);
        for t in 0..k {
            chat.send(script[t]);
            assert_eq!(chat.reply(), expected[t], "conversation {c}, turn {t} before the kill");
        }
        let resume_at = if mid_turn {
            // Killed while the next turn may be in progress.
            chat.send(script[k]);
            std::thread::sleep(Duration::from_millis(u64::try_from(rng.below(20)).unwrap()));
            chat.kill();
            during += 1;
            let stored =
                SqliteStore::open(&db).unwrap().load(&format!("console:terminal:{user}")).unwrap().and_then(|s| s.node);
            // Either the turn was saved whole or not at all.
            if stored == nodes[k] && stored != nodes[k - 1] {
                k + 1
            } else {
                assert_eq!(stored, nodes[k - 1], "conversation {c}: session neither before nor after turn {k}");
                k
            }
        } else {
            chat.kill();
            between += 1;
            k
        };
        if resume_at >= script.len() {
            continue;
        }
        let mut chat = Chat::start(&db, &user);
        chat.send(script[resume_at]);
        assert_eq!(
            chat.reply(),
            expected[resume_at],
            "conversation {c}: wrong reply after restart at turn {resume_at}"
        );
        chat.kill();
    }
    eprintln!(
        "crash campaign: {conversations} conversations killed ({between} between turns, {during} mid-turn), all resumed"
    );
}
