//! The forwarded demand, end to end: the real `aiguilleur chat --db FILE` with the SMTP variables,
//! against a real SMTP server (aiosmtpd, [`crate::smtp_server`]), checked from what the server
//! received. Nominal delivery (headers, both bodies, accents, the reference), an outage (server down
//! at the confirmation, started later), a temporary `451`, a permanent `550`, and the bot killed
//! (SIGKILL) right after the confirmation then restarted. Each test prints its figures
//! (demands, deliveries, duplicates).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::smtp_server::{SmtpServer, attempts, free_port, recorded};
use crate::support::Chat;

const TO: &str = "ingenierie@manche.gouv.fr";
const FROM: &str = "Aiguilleur <aiguilleur@manche.gouv.fr>";
const PERSON: &str = "elodie.lefevre@carolles.fr";

fn env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("AIGUILLEUR_SMTP_URL", format!("smtp://127.0.0.1:{port}")),
        ("AIGUILLEUR_SAISINE_TO", TO.to_owned()),
        ("AIGUILLEUR_SAISINE_FROM", FROM.to_owned()),
        ("AIGUILLEUR_LOG", "aiguilleur=info".to_owned()),
    ]
}

fn year() -> i32 {
    aiguilleur::catalogue::freshness::Day::from_unix(aiguilleur::driver::now()).year
}

/// A whole orientation, then the demand up to its confirmation question.
fn prepare(chat: &mut Chat) {
    let script = [
        "Carolles",
        "oui",
        "aucun",
        "centre-bourg",
        "on y réfléchit",
        "conseil",
        "transmettre",
        "Nous voulons rénover l'ancienne épicerie <b>vide</b> et aménager la place de l'église, « cœur du bourg ».",
        "Élodie Lefèvre",
        "maire",
        "elodie.lefevre@carolles.fr ou 02 33 61 86 44",
    ];
    for line in script {
        chat.send(line);
        chat.reply();
    }
}

/// Confirms ("envoyer") and returns the reply.
fn confirm(chat: &mut Chat) -> String {
    chat.send("envoyer");
    chat.reply()
}

/// Waits until the recorder under `root` holds `n` messages (at most `limit`).
fn wait_messages(root: &Path, n: usize, limit: Duration, log: &Path) -> Vec<serde_json::Value> {
    let started = Instant::now();
    loop {
        let got = recorded(root);
        if got.len() >= n {
            return got;
        }
        assert!(
            started.elapsed() < limit,
            "{} message(s) after {limit:?}, {n} expected; bot log:\n{}",
            got.len(),
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// `aiguilleur demandes` on `db`, with `args`.
fn demandes(db: &Path, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .arg("demandes")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Deliveries and duplicates (same Message-ID twice) among `messages`.
fn figures(messages: &[serde_json::Value]) -> (usize, usize) {
    let ids: HashSet<&str> = messages.iter().filter_map(|m| m["headers"]["Message-ID"].as_str()).collect();
    (messages.len(), messages.len() - ids.len())
}

/// Where one test's SMTP recorder (`root`), bot database and bot log live, and the port.
struct Run {
    _dir: tempfile::TempDir,
    root: PathBuf,
    db: PathBuf,
    log: PathBuf,
    port: u16,
}

impl Run {
    /// `mode`: what the recorder answers first (`451 2`: two temporary refusals; `550`).
    fn new(mode: Option<&str>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("smtp");
        if let Some(m) = mode {
            std::fs::create_dir_all(&root).unwrap();
            std::fs::write(root.join("mode"), m).unwrap();
        }
        let (db, log) = (dir.path().join("bot.sqlite"), dir.path().join("bot.log"));
        Self { _dir: dir, root, db, log, port: free_port() }
    }
}

#[test]
fn a_confirmed_demand_arrives_once_with_its_headers_both_bodies_and_accents() {
    let Run { _dir, root, db, log, port } = Run::new(None);
    let _server = SmtpServer::recorder(port, &root);
    let mut chat = Chat::start_with(&db, "maire", &env(port), Some(&log));
    prepare(&mut chat);
    let reply = confirm(&mut chat);
    let reference = format!("DEM-{}-0001", year());
    assert!(reply.contains(&format!("sous la référence {reference}")), "{reply}");
    assert!(reply.contains(&format!("Je l'envoie à {TO}")) && reply.contains(PERSON), "{reply}");
    assert!(!reply.contains("mailto:"), "{reply}");

    let messages = wait_messages(&root, 1, Duration::from_secs(30), &log);
    let m = &messages[0];
    let h = &m["headers"];
    let subject = h["Subject"].as_str().unwrap();
    assert_eq!(subject, format!("Demande d'accompagnement en ingénierie {reference} – Carolles"));
    assert_eq!(h["From"].as_str(), Some(FROM));
    assert_eq!(h["To"].as_str(), Some(TO));
    assert_eq!(h["Cc"].as_str(), Some(PERSON), "a copy to the person");
    assert_eq!(h["Reply-To"].as_str(), Some(PERSON));
    assert_eq!(h["Message-ID"].as_str(), Some(format!("<{}@manche.gouv.fr>", reference.to_lowercase()).as_str()));
    assert!(h["Content-Type"].as_str().unwrap().starts_with("multipart/alternative"), "{h}");
    let rcpt: Vec<&str> = m["rcpt_tos"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(rcpt, vec![TO, PERSON]);
    let text = m["text"].as_str().unwrap();
    for expected in [
        reference.as_str(),
        "Carolles (code INSEE 50102)",
        "Population\u{202f}: 774",
        "rénover l'ancienne épicerie <b>vide</b> et aménager la place de l'église, « cœur du bourg ».",
        "Élodie Lefèvre, Maire",
        "elodie.lefevre@carolles.fr / 02 33 61 86 44",
        "Petites centralités",
        "Réseau IDM",
    ] {
        assert!(text.contains(expected), "plain body lacks « {expected} »:\n{text}");
    }
    let html = m["html"].as_str().unwrap();
    assert!(html.contains("<table>") && html.contains("Élodie Lefèvre, Maire"), "{html}");
    assert!(html.contains("épicerie &lt;b&gt;vide&lt;/b&gt;"), "typed text escaped in HTML:\n{html}");
    assert!(!html.contains("<b>vide"), "{html}");
    chat.finish();
    std::thread::sleep(Duration::from_secs(1));
    let listed = demandes(&db, &["--csv"]);
    assert!(listed.starts_with("reference,date,commune,insee,themes,etape,statut,envoyee_le"), "{listed}");
    assert!(listed.contains(&format!("{reference},")) && listed.contains(",envoyee,"), "{listed}");
    assert!(listed.contains("Revitalisation des centres-bourgs"), "{listed}");
    assert!(!listed.contains("Lefèvre") && !listed.contains(PERSON), "no personal data listed:\n{listed}");
    let (deliveries, duplicates) = figures(&recorded(&root));
    println!("nominal : 1 demande, {deliveries} livraison(s), {duplicates} doublon(s)");
    assert_eq!((deliveries, duplicates), (1, 0));
}

#[test]
fn an_outage_at_confirmation_ends_in_exactly_one_delivery() {
    let Run { _dir, root, db, log, port } = Run::new(None);
    // No server on the port yet: connections are refused.
    let mut chat = Chat::start_with(&db, "maire", &env(port), Some(&log));
    prepare(&mut chat);
    let reply = confirm(&mut chat);
    assert!(reply.contains("DEM-") && reply.contains("dès que possible"), "{reply}");
    std::thread::sleep(Duration::from_secs(4));
    let waiting = demandes(&db, &["--statut", "en-attente"]);
    assert!(waiting.contains("en attente d'envoi") && waiting.contains("1 demande(s)"), "{waiting}");
    let before = demandes(&db, &["--csv"]);
    let _server = SmtpServer::recorder(port, &root);
    let messages = wait_messages(&root, 1, Duration::from_secs(60), &log);
    // Time for a duplicate to show up, if the bot were to send twice.
    std::thread::sleep(Duration::from_secs(5));
    let (deliveries, duplicates) = figures(&recorded(&root));
    println!(
        "panne : 1 demande, {deliveries} livraison(s), {duplicates} doublon(s), {} essai(s) SMTP reçus par le serveur ; avant son démarrage : {}",
        attempts(&root),
        before.lines().nth(1).unwrap_or_default()
    );
    assert_eq!((deliveries, duplicates), (1, 0));
    assert!(messages[0]["headers"]["Subject"].as_str().unwrap().contains("DEM-"));
    chat.finish();
    assert!(demandes(&db, &["--statut", "envoyee"]).contains("1 demande(s)"));
}

#[test]
fn a_temporary_451_is_retried_until_accepted() {
    let Run { _dir, root, db, log, port } = Run::new(Some("451 2"));
    let _server = SmtpServer::recorder(port, &root);
    let mut chat = Chat::start_with(&db, "maire", &env(port), Some(&log));
    prepare(&mut chat);
    confirm(&mut chat);
    wait_messages(&root, 1, Duration::from_secs(60), &log);
    std::thread::sleep(Duration::from_secs(2));
    let (deliveries, duplicates) = figures(&recorded(&root));
    let tried = attempts(&root);
    println!("451 : 1 demande, {tried} essais (2 refusés en 451), {deliveries} livraison(s), {duplicates} doublon(s)");
    assert_eq!((tried, deliveries, duplicates), (3, 1, 0));
    chat.finish();
    let listed = demandes(&db, &["--csv"]);
    assert!(listed.contains(",envoyee,") && listed.contains(",3,"), "three attempts recorded:\n{listed}");
}

#[test]
fn a_permanent_550_marks_the_demand_failed_with_the_reason() {
    let Run { _dir, root, db, log, port } = Run::new(Some("550"));
    let _server = SmtpServer::recorder(port, &root);
    let mut chat = Chat::start_with(&db, "maire", &env(port), Some(&log));
    prepare(&mut chat);
    confirm(&mut chat);
    let started = Instant::now();
    let failed = loop {
        let listed = demandes(&db, &["--statut", "echec"]);
        if listed.contains("DEM-") {
            break listed;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "not marked failed:\n{listed}");
        std::thread::sleep(Duration::from_millis(300));
    };
    assert!(failed.contains("550") && failed.contains("refuse par la politique"), "{failed}");
    // Not retried.
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!((attempts(&root), recorded(&root).len()), (1, 0));
    chat.finish();
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(log.contains("refusée par le serveur de messagerie"), "reported in the log:\n{log}");
    println!("550 : 1 demande, 1 essai, 0 livraison, état échec avec la raison");
}

#[test]
fn killed_right_after_confirmation_then_restarted_delivers_exactly_once() {
    const ROUNDS: usize = 5;
    let Run { _dir, root, db, log, port } = Run::new(None);
    let _server = SmtpServer::recorder(port, &root);
    let mut before_kill = 0;
    for round in 0..ROUNDS {
        let user = format!("maire-{round}");
        let mut chat = Chat::start_with(&db, &user, &env(port), Some(&log));
        prepare(&mut chat);
        let reply = confirm(&mut chat);
        assert!(reply.contains(&format!("DEM-{}-{:04}", year(), round + 1)), "{reply}");
        // Killed at once, then later and later: before the send, during it, after it.
        std::thread::sleep(Duration::from_millis(300 * u64::try_from(round).unwrap()));
        chat.kill();
        before_kill += recorded(&root).len() - round;
        // Restarted: what was pending leaves, once.
        let chat = Chat::start_with(&db, &user, &env(port), Some(&log));
        wait_messages(&root, round + 1, Duration::from_secs(30), &log);
        std::thread::sleep(Duration::from_secs(2));
        chat.kill();
    }
    let messages = recorded(&root);
    let (deliveries, duplicates) = figures(&messages);
    println!(
        "SIGKILL après confirmation : {ROUNDS} demandes, {deliveries} livraisons, {duplicates} doublon(s) ; \
         {before_kill} parties avant la mise à mort, {} au redémarrage",
        ROUNDS - before_kill
    );
    assert_eq!((deliveries, duplicates), (ROUNDS, 0));
    let listed = demandes(&db, &["--statut", "envoyee"]);
    assert!(listed.contains(&format!("{ROUNDS} demande(s)")), "{listed}");
}
