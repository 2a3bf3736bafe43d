//! A real SMTP server for the tests: `aiosmtpd` from PyPI, installed on first use into a virtual
//! environment under `target/tmp/aiosmtpd/` (reused afterwards, concurrent installs serialised by
//! a lock file), listening on 127.0.0.1, every accepted message stored in a Maildir; stopped when
//! dropped. With a certificate and key it speaks implicit TLS (smtps).
//!
//! [`SmtpServer::recorder`] runs it with a handler of ours instead (`recorder.py`, written next to
//! the messages): every message accepted is written as JSON (envelope, decoded headers, plain and
//! HTML bodies) in `messages/`, every DATA attempt counted in `attempts`; a `mode` file makes it
//! answer `451 N` (the next N messages refused temporarily) or `550` (every message refused).
//!
//! When aiosmtpd cannot be installed (no Python, no network to PyPI), the test fails saying so.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const AIOSMTPD: &str = "aiosmtpd~=1.4.6";

pub struct SmtpServer {
    pub port: u16,
    child: Child,
    pub dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Plain SMTP (STARTTLS not offered).
    pub fn start() -> Self {
        Self::launch(&[])
    }

    /// Implicit TLS with this certificate chain and key (PEM files).
    pub fn start_tls(cert: &Path, key: &Path) -> Self {
        Self::launch(&["--smtpscert".as_ref(), cert.as_os_str(), "--smtpskey".as_ref(), key.as_os_str()])
    }

    fn launch(extra: &[&std::ffi::OsStr]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut handler: Vec<&std::ffi::OsStr> = extra.to_vec();
        let maildir = dir.path().join("maildir");
        handler.extend(["-c".as_ref(), "aiosmtpd.handlers.Mailbox".as_ref(), maildir.as_os_str()]);
        Self::spawn(free_port(), dir, &handler, None)
    }

    /// The recording server on `port`, its state under `root` (kept across restarts of the
    /// server: the tests count every delivery over an outage).
    pub fn recorder(port: u16, root: &Path) -> Self {
        std::fs::create_dir_all(root.join("messages")).unwrap();
        std::fs::write(root.join("recorder.py"), RECORDER).unwrap();
        let dir = tempfile::tempdir().unwrap();
        Self::spawn(port, dir, &["-c".as_ref(), "recorder.Recorder".as_ref(), root.as_os_str()], Some(root))
    }

    /// aiosmtpd on `port` with these arguments (handler and its options), its log in `dir`,
    /// `python_path` added to Python's for a handler of ours; returns once it listens.
    fn spawn(port: u16, dir: tempfile::TempDir, args: &[&std::ffi::OsStr], python_path: Option<&Path>) -> Self {
        let python = install();
        let log = std::fs::File::create(dir.path().join("aiosmtpd.log")).unwrap();
        let mut command = Command::new(&python);
        command.args(["-m", "aiosmtpd", "-n", "-l"]).arg(format!("127.0.0.1:{port}")).args(args);
        if let Some(p) = python_path {
            command.env("PYTHONPATH", p);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting aiosmtpd");
        let mut server = Self { port, child, dir };
        server.wait_listening();
        server
    }

    fn wait_listening(&mut self) {
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("aiosmtpd exited at start ({status}):\n{}", self.log());
            }
            assert!(started.elapsed() < Duration::from_secs(30), "aiosmtpd not listening after 30 s:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }

    /// Messages received (files in the Maildir's `new/`).
    pub fn received(&self) -> usize {
        std::fs::read_dir(self.dir.path().join("maildir/new")).map_or(0, Iterator::count)
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The messages a recorder accepted under `root`, in order.
pub fn recorded(root: &Path) -> Vec<serde_json::Value> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("messages"))
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files.iter().map(|f| serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap()).collect()
}

/// How many DATA commands a recorder under `root` answered (accepted or refused).
pub fn attempts(root: &Path) -> usize {
    std::fs::read_to_string(root.join("attempts")).map_or(0, |s| s.lines().count())
}

/// The handler: records, or refuses as `mode` says.
const RECORDER: &str = r#"
import email, json, os
from email import policy


class Recorder:
    def __init__(self, root):
        self.root = root

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0])

    def path(self, name):
        return os.path.join(self.root, name)

    async def handle_DATA(self, server, session, envelope):
        with open(self.path("attempts"), "a") as f:
            f.write("DATA\n")
        try:
            mode = open(self.path("mode")).read().split()
        except FileNotFoundError:
            mode = []
        if mode[:1] == ["451"]:
            left = int(mode[1]) if len(mode) > 1 else 1
            if left > 0:
                with open(self.path("mode"), "w") as f:
                    f.write("451 %d" % (left - 1))
                return "451 4.3.0 Serveur occupe, reessayez plus tard"
        if mode[:1] == ["550"]:
            return "550 5.7.1 Destinataire refuse par la politique du serveur"
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "headers": {k: str(v) for k, v in msg.items()},
            "text": text.get_content() if text else None,
            "html": html.get_content() if html else None,
        }
        n = len([f for f in os.listdir(self.path("messages")) if f.endswith(".json")])
        target = os.path.join(self.path("messages"), "%04d.json" % n)
        with open(target + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(target + ".tmp", target)
        return "250 OK"
"#;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The virtual environment's Python, aiosmtpd installed in it (once per machine).
fn install() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| install_locked(&PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("aiosmtpd"))).clone()
}

fn install_locked(root: &Path) -> PathBuf {
    std::fs::create_dir_all(root).unwrap();
    let lock = std::fs::File::create(root.join("install.lock")).unwrap();
    lock.lock().expect("lock on the aiosmtpd installation");
    let venv = root.join("venv");
    let python = venv.join("bin").join("python");
    let marker = venv.join(".aiguilleur-installed");
    if marker.exists() && python.exists() {
        return python;
    }
    let fail = |what: &str, detail: &str| -> ! {
        panic!(
            "\n\n*** aiosmtpd could not be installed: the SMTP tests need it and do not skip. ***\n\
             {what}\n{detail}\nNeeds: python3 with the venv module, and access to PyPI (package {AIOSMTPD}). \
             Installation directory: {}\n",
            venv.display()
        )
    };
    let system_python = std::env::var("AIGUILLEUR_PYTHON").unwrap_or_else(|_| "python3".into());
    let _ = std::fs::remove_dir_all(&venv);
    eprintln!("[aiosmtpd] installing {AIOSMTPD} into {} (once)…", venv.display());
    match Command::new(&system_python).args(["-m", "venv"]).arg(&venv).output() {
        Ok(o) if o.status.success() => {}
        Ok(o) => fail(&format!("`{system_python} -m venv` failed"), &String::from_utf8_lossy(&o.stderr)),
        Err(e) => fail(&format!("`{system_python}` not found"), &e.to_string()),
    }
    match Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", AIOSMTPD])
        .output()
    {
        Ok(o) if o.status.success() => {}
        Ok(o) => fail("`pip install` failed", &String::from_utf8_lossy(&o.stderr)),
        Err(e) => fail("pip could not start", &e.to_string()),
    }
    match Command::new(&python).args(["-c", "import aiosmtpd; print(aiosmtpd.__version__)"]).output() {
        Ok(o) if o.status.success() => eprintln!("[aiosmtpd] installed {}", String::from_utf8_lossy(&o.stdout).trim()),
        Ok(o) => fail("aiosmtpd does not import", &String::from_utf8_lossy(&o.stderr)),
        Err(e) => fail("the virtual environment's python does not run", &e.to_string()),
    }
    std::fs::write(&marker, AIOSMTPD).unwrap();
    python
}
