//! The dialogue engine on the shipped content, without any I/O: values in, values out.

use aiguilleur::dialogue::{self, Session, Value};
use aiguilleur::reply::Reply;
use aiguilleur::store::Store as _;

use crate::support;

fn start() -> Session {
    Session::new("orientation", "fr", &support::content().version, 0)
}

fn ids(replies: &[Reply]) -> Vec<String> {
    replies
        .iter()
        .map(|r| match r {
            Reply::Say { id, .. } | Reply::Ask { id, .. } => id.clone(),
            other => format!("{other:?}").split([' ', '{', '(']).next().unwrap_or_default().to_owned(),
        })
        .collect()
}

#[test]
fn one_sentence_fills_several_answers() {
    let c = support::content();
    let mut s = start();
    let r = dialogue::step(&c, &mut s, "maire de Genêts, pas de programme, on veut refaire la salle des fêtes", 0);
    assert_eq!(s.slots.get("commune"), Some(&Value::Commune("50199".into())));
    assert_eq!(s.slots.get("statuts"), Some(&Value::Multi(vec!["aucun".into()])));
    assert_eq!(s.slots.get("theme"), Some(&Value::Multi(vec!["batiments-publics".into()])));
    // Only what is missing is asked: the population is proposed for confirmation first.
    assert_eq!(ids(&r).last().map(String::as_str), Some("q-population-confirme"));
    let r = dialogue::step(&c, &mut s, "oui", 1);
    assert_eq!(ids(&r).last().map(String::as_str), Some("q-etape"), "statut and theme are known: {r:?}");
}

#[test]
fn never_the_same_sentence_twice_in_a_row_and_never_stuck() {
    let c = support::content();
    let mut s = start();
    dialogue::step(&c, &mut s, "bonjour", 0);
    let mut seen = vec![];
    for i in 0..3 {
        let r = dialogue::step(&c, &mut s, "xqzw plouf", i);
        let shown = ids(&r).join(",");
        assert!(!seen.contains(&shown), "turn {i} repeated itself: {shown}");
        seen.push(shown);
    }
    // First a reformulation; then the question again with the single entry point; then the
    // question is passed and the next one asked (the population, the commune being unknown).
    assert!(seen[0].starts_with("q-commune-reformule"), "{seen:?}");
    assert_eq!(seen[1], "incompris-encore,recours-guichet,q-commune");
    assert_eq!(seen[2], "question-passee,nsp-ok,q-population");
    assert_eq!(s.slots.get("commune"), Some(&Value::Inconnu));
}

#[test]
fn back_restart_and_help() {
    let c = support::content();
    let mut s = start();
    for (i, t) in ["bonjour", "Genêts", "oui"].iter().enumerate() {
        dialogue::step(&c, &mut s, t, i64::try_from(i).unwrap());
    }
    assert_eq!(s.node.as_deref(), Some("statut"));
    let r = dialogue::step(&c, &mut s, "retour", 10);
    assert_eq!(ids(&r), ["retour-ok", "q-population-confirme"]);
    assert_eq!(s.node.as_deref(), Some("population"));
    let r = dialogue::step(&c, &mut s, "aide", 11);
    assert_eq!(ids(&r), ["aide-oui-non", "aide-generale", "q-population-confirme"]);
    let r = dialogue::step(&c, &mut s, "recommencer", 12);
    assert_eq!(ids(&r), ["recommencer-ok", "q-commune"]);
    assert!(s.slots.is_empty());
}

#[test]
fn a_question_mid_dialogue_is_answered_then_the_question_comes_back() {
    let c = support::content();
    let mut s = start();
    for t in ["bonjour", "Genêts", "oui", "aucun"] {
        dialogue::step(&c, &mut s, t, 0);
    }
    let r = dialogue::step(&c, &mut s, "c'est quoi la DETR ?", 0);
    assert!(matches!(r.first(), Some(Reply::Sigle { .. })), "{r:?}");
    assert_eq!(ids(&r).last().map(String::as_str), Some("q-theme"));
    assert_eq!(s.node.as_deref(), Some("theme"));
}

#[test]
fn a_session_whose_question_vanished_restarts_politely() {
    let c = support::content();
    let mut s = start();
    s.greeted = true;
    s.node = Some("question-supprimee".into());
    s.content_version = "ancienne".into();
    let notes = dialogue::upgrade(&c, &mut s);
    assert_eq!(ids(&notes), ["reprise-contenu-change", "q-commune"]);
    assert_eq!(s.content_version, c.version);
    // A session whose node still exists just carries on.
    let mut s = start();
    dialogue::step(&c, &mut s, "bonjour", 0);
    s.content_version = "ancienne".into();
    assert!(dialogue::upgrade(&c, &mut s).is_empty());
}

#[test]
fn time_is_an_input() {
    let c = support::content();
    let mut s = start();
    dialogue::step(&c, &mut s, "bonjour", 42);
    assert_eq!((s.created, s.updated), (0, 42));
}

#[test]
fn forget_me_erases_the_person_from_the_sqlite_store() {
    use aiguilleur::bot::{Bot, Incoming};
    use aiguilleur::store::{SqliteStore, Store};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let mut bot = Bot::new(support::content(), SqliteStore::open(&path).unwrap(), "fr");
    let msg = |text: &str, id: &str| Incoming {
        transport: "test".into(),
        user: "@maire:exemple.fr".into(),
        conversation: "salon".into(),
        text: text.into(),
        event_id: Some(id.into()),
        now: 100,
        sent_at: None,
        reach: None,
    };
    bot.handle(&msg("bonjour", "$1")).unwrap();
    bot.handle(&msg("Genêts", "$2")).unwrap();
    bot.handle(&msg("oublie-moi", "$3")).unwrap();
    bot.handle(&msg("oui", "$4")).unwrap();
    drop(bot);
    let mut store = SqliteStore::open(&path).unwrap();
    assert!(store.load("test:salon:@maire:exemple.fr").unwrap().is_none());
    assert!(!store.is_handled("$2").unwrap(), "events tied to the person are gone");
    assert!(store.is_handled("$4").unwrap(), "the erasing message itself is never answered twice");
    // Erased for real: no trace of the commune left in the database file or its journal.
    for f in ["db.sqlite", "db.sqlite-wal"] {
        let raw = std::fs::read(dir.path().join(f)).unwrap_or_default();
        assert!(!raw.windows(5).any(|w| w == b"50199"), "{f} still holds the session");
    }
}

#[test]
fn late_messages_get_an_apology_and_idle_sessions_are_purged() {
    use aiguilleur::bot::{Bot, Incoming};
    use aiguilleur::store::{MemoryStore, Store};
    let mut bot = Bot::new(support::content(), MemoryStore::default(), "fr").with_retention_days(30);
    let msg = Incoming {
        transport: "test".into(),
        user: "u".into(),
        conversation: "c".into(),
        text: "bonjour".into(),
        event_id: None,
        now: 10_000,
        sent_at: Some(10_000 - 3600),
        reach: None,
    };
    let r = bot.handle(&msg).unwrap();
    assert!(matches!(&r[0], Reply::Say { id, .. } if id == "excuse-retard"), "{r:?}");
    assert!(ids(&r).contains(&"q-commune".to_owned()), "the message is still answered: {r:?}");
    let on_time = Incoming { sent_at: Some(10_000 - 10), text: "Genêts".into(), ..msg.clone() };
    let r = bot.handle(&on_time).unwrap();
    assert!(!ids(&r).contains(&"excuse-retard".to_owned()));
    assert_eq!(bot.purge_idle(10_000 + 29 * 86_400).unwrap(), 0);
    assert_eq!(bot.purge_idle(10_000 + 31 * 86_400).unwrap(), 1);
    assert!(bot.store_mut().load(&msg.key()).unwrap().is_none());
}

#[test]
fn durable_replies_survive_until_delivered_and_go_with_an_erasure() {
    use aiguilleur::bot::{Bot, Incoming};
    use aiguilleur::render::{Block, plain};
    use aiguilleur::store::SqliteStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite");
    let pack = |blocks: &[Block]| plain::plain(blocks);
    let msg = |text: &str, id: &str| Incoming {
        transport: "matrix".into(),
        user: "@maire:exemple.fr".into(),
        conversation: "!salon".into(),
        text: text.into(),
        event_id: Some(id.into()),
        now: 100,
        sent_at: None,
        reach: None,
    };
    let mut bot = Bot::new(support::content(), SqliteStore::open(&path).unwrap(), "fr");
    let first = bot.handle_durable(&msg("bonjour", "$1"), &pack).unwrap().expect("a reply to keep");
    assert!(first.payload.contains("Quelle est votre commune"), "{}", first.payload);
    assert_eq!(first.key, "matrix:!salon:@maire:exemple.fr");
    assert!(bot.handle_durable(&msg("bonjour", "$1"), &pack).unwrap().is_none(), "a replayed event is not answered");
    let second = bot.handle_durable(&msg("Genêts", "$2"), &pack).unwrap().unwrap();
    // The process dies before sending anything: both replies are still there, in order.
    drop(bot);
    let mut bot = Bot::new(support::content(), SqliteStore::open(&path).unwrap(), "fr");
    assert_eq!(bot.pending("matrix").unwrap(), vec![first.clone(), second.clone()]);
    assert!(bot.pending("discord").unwrap().is_empty());
    bot.delivered(first.id).unwrap();
    assert_eq!(bot.pending("matrix").unwrap(), vec![second.clone()]);
    // Erasing the person erases what was waiting for them; the confirmation alone is kept.
    bot.handle_durable(&msg("oublie-moi", "$3"), &pack).unwrap().unwrap();
    let done = bot.handle_durable(&msg("oui", "$4"), &pack).unwrap().unwrap();
    assert_eq!(bot.pending("matrix").unwrap(), vec![done.clone()]);
    assert!(done.payload.contains("j'ai tout effacé"), "{}", done.payload);
    // An event answered outside a turn (a notice) is kept the same way, and only once.
    let notice = [Reply::say("message-indechiffrable")];
    let n = bot.record_durable("indechiffrable:$5", "matrix:!salon:", "", &notice, &pack, 120).unwrap().unwrap();
    assert!(bot.record_durable("indechiffrable:$5", "matrix:!salon:", "", &notice, &pack, 121).unwrap().is_none());
    assert_eq!(bot.pending("matrix").unwrap(), vec![done.clone(), n.clone()]);
    // One kept for a person (an alert not sent yet) goes with « oublie-moi », event included.
    let alert = [Reply::say("alerte-fin")];
    let key = "matrix:!salon:@elu:exemple.fr";
    bot.record_durable("alerte:v2", key, "@elu:exemple.fr", &alert, &pack, 130).unwrap().unwrap();
    assert_eq!(bot.pending("matrix").unwrap().len(), 3);
    assert_eq!(bot.store_mut().forget_user("@elu:exemple.fr").unwrap(), 0);
    assert_eq!(bot.pending("matrix").unwrap(), vec![done, n]);
    assert!(!bot.store_mut().is_handled("alerte:v2").unwrap(), "the event naming the person is erased too");
}
