//! The real binary: killed mid-dialogue (SIGKILL), restarted on the same database, it resumes at
//! the same question.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Chat {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Chat {
    fn start(db: &std::path::Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
            .args(["chat", "--db"])
            .arg(db)
            .env("USER", "maire-test")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap_or_default()).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    fn say(&mut self, text: &str) {
        writeln!(self.child.stdin.as_mut().unwrap(), "{text}").unwrap();
    }

    /// Reads output until a line contains `needle`; panics after 30 s.
    fn expect(&mut self, needle: &str) -> String {
        let mut seen = String::new();
        loop {
            match self.lines.recv_timeout(Duration::from_secs(30)) {
                Ok(l) => {
                    seen.push_str(&l);
                    seen.push('\n');
                    if l.contains(needle) {
                        return seen;
                    }
                }
                Err(_) => panic!("no line containing {needle:?}; output so far:\n{seen}"),
            }
        }
    }
}

#[test]
fn killed_and_restarted_resumes_at_the_same_question() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("conversations.sqlite");

    let mut chat = Chat::start(&db);
    chat.say("bonjour");
    chat.expect("Quelle est votre commune");
    chat.say("Genêts");
    chat.expect("C'est bien ça");
    chat.child.kill().unwrap(); // SIGKILL on Unix: no chance to save anything more
    chat.child.wait().unwrap();

    let mut chat = Chat::start(&db);
    chat.say("oui");
    // The confirmation of Genêts' population was pending: "oui" answers it.
    let out = chat.expect("programmes");
    assert!(!out.contains("Quelle est votre commune"), "restarted from scratch:\n{out}");
    chat.say("aucun");
    chat.expect("thème principal");
    chat.child.kill().unwrap();
    chat.child.wait().unwrap();

    let mut chat = Chat::start(&db);
    chat.say("2");
    chat.expect("Où en est le projet");
    drop(chat.child.stdin.take());
    chat.child.wait().unwrap();
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
