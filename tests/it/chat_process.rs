//! The real binary: killed mid-dialogue (SIGKILL), restarted on the same database, it resumes at
//! the same question.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::Chat;

#[test]
fn killed_and_restarted_resumes_at_the_same_question() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("conversations.sqlite");

    let mut chat = Chat::start(&db, "maire-test");
    chat.send("bonjour");
    chat.expect("Quelle est votre commune");
    chat.send("Genêts");
    chat.expect("C'est bien ça");
    chat.kill();

    let mut chat = Chat::start(&db, "maire-test");
    chat.send("oui");
    // The confirmation of Genêts' population was pending: "oui" answers it.
    let out = chat.expect("programmes");
    assert!(!out.contains("Quelle est votre commune"), "restarted from scratch:\n{out}");
    chat.send("aucun");
    chat.expect("thème principal");
    chat.kill();

    let mut chat = Chat::start(&db, "maire-test");
    chat.send("2");
    chat.expect("Où en est le projet");
    chat.finish();
}

#[test]
fn speaks_english_with_lang_en_and_french_where_untranslated() {
    let out = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
        .args(["chat", "--db", ":memory:", "--lang", "en"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            child.stdin.take().unwrap().write_all("hello\nGenêts\n".as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("What is your municipality?"), "{stdout}");
    assert!(stdout.contains("Genêts has 451 inhabitants"), "{stdout}");
}
