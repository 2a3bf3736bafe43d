//! Shared helpers: the shipped content, loaded once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use aiguilleur::content::{self, Content};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn content() -> Arc<Content> {
    static C: OnceLock<Arc<Content>> = OnceLock::new();
    Arc::clone(C.get_or_init(|| {
        let loaded = content::load(&root());
        let errors: Vec<String> = loaded.diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
        assert!(errors.is_empty(), "shipped content has errors:\n{}", errors.join(""));
        Arc::new(loaded.content.expect("content without errors"))
    }))
}

/// Copies the shipped content to a temporary root and overlays `overlay` (a directory mirroring
/// dialogues/, locales/, data/).
pub fn content_with(overlay: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["dialogues", "locales", "data"] {
        copy_dir(&root().join(sub), &dir.path().join(sub));
    }
    copy_dir(overlay, dir.path());
    dir
}

/// A copy of the shipped content in a temporary root.
pub fn content_copy() -> tempfile::TempDir {
    let empty = tempfile::tempdir().unwrap();
    content_with(empty.path())
}

/// Edits the ANCT mobility lot in the content copy at `root`, as an agent would (the alert tests
/// on both transports): its first `from` after its id becomes `to`.
pub fn edit_mobility_lot(root: &Path, from: &str, to: &str) {
    let file = root.join("data/dispositifs/anct.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("id = \"anct-lot-mobilite\"").unwrap();
    let (head, tail) = text.split_at(at);
    assert!(tail.contains(from), "« {from} » not in the mobility lot");
    std::fs::write(&file, format!("{head}{}", tail.replacen(from, to, 1))).unwrap();
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A small deterministic generator (xorshift): the same campaign on every run, no dependency.
pub struct Rng(pub u64);

impl Rng {
    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % n as u64).unwrap()
    }
}

/// The real `aiguilleur chat --db FILE` as a child process, fed on standard input.
pub struct Chat {
    pub child: std::process::Child,
    stdin: std::process::ChildStdin,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Chat {
    /// Starts the chat for `user` (the terminal's user names the conversation).
    pub fn start(db: &Path, user: &str) -> Self {
        Self::start_with(db, user, &[], None)
    }

    /// Starts the chat with these environment variables, its log (standard error) to `log`.
    pub fn start_with(db: &Path, user: &str, env: &[(&str, String)], log: Option<&Path>) -> Self {
        use std::io::BufRead;
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_aiguilleur"));
        cmd.args(["chat", "--db"]).arg(db).env("USER", user);
        for (k, v) in env {
            cmd.env(k, v);
        }
        if let Some(log) = log {
            let f = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();
            cmd.stderr(f);
        }
        let mut child = cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).spawn().unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                if tx.send(line.unwrap_or_default()).is_err() {
                    break;
                }
            }
        });
        Self { child, stdin, lines }
    }

    pub fn send(&mut self, text: &str) {
        use std::io::Write;
        writeln!(self.stdin, "{text}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn line(&self, seen: &str) -> String {
        self.lines
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no output within 30 s; output so far:\n{seen}"))
    }

    /// Reads output until a line contains `needle`.
    pub fn expect(&mut self, needle: &str) -> String {
        let mut seen = String::new();
        loop {
            let l = self.line(&seen);
            seen.push_str(&l);
            seen.push('\n');
            if l.contains(needle) {
                return seen;
            }
        }
    }

    /// The next whole reply (up to the "---" line).
    pub fn reply(&mut self) -> String {
        let mut out: Vec<String> = vec![];
        loop {
            let line = self.line(&out.join("\n"));
            if line == aiguilleur::adapters::console::REPLY_END {
                return out.join("\n");
            }
            out.push(line);
        }
    }

    /// Ends the process with SIGKILL (on Unix): no chance to save anything more.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Closes standard input and waits for a normal exit.
    pub fn finish(mut self) {
        drop(self.stdin);
        self.child.wait().unwrap();
    }
}
