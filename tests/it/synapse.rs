//! A real Synapse for the tests: installed on first use into a virtual environment under
//! `target/tmp/synapse/` (`python3 -m venv` + pip, reused afterwards, concurrent installs
//! serialised by a lock file), configured like a test server (127.0.0.1 on a free port, SQLite,
//! no federation, shared-secret registration, rate limits raised, encryption on by default as on
//! Tchap), started, and stopped when dropped.
//!
//! When Synapse cannot be installed (no Python, no network to PyPI), the test fails with a
//! message saying so: it never skips.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use hmac::{Hmac, Mac};
use matrix_sdk::reqwest;
use serde_json::{Value, json};

/// The Synapse release line the tests are written against.
const SYNAPSE: &str = "matrix-synapse~=1.163.0";

pub struct Synapse {
    pub port: u16,
    dir: tempfile::TempDir,
    python: PathBuf,
    child: Option<Child>,
    secret: String,
    http: reqwest::Client,
}

/// A registered account.
pub struct Account {
    pub user_id: String,
    pub access_token: Option<String>,
}

impl Synapse {
    /// Installs Synapse if needed, writes its configuration and starts it.
    pub async fn start(server_name: &str) -> Self {
        let python = tokio::task::spawn_blocking(install).await.expect("installation task");
        let dir = tempfile::tempdir().expect("temporary directory");
        let port = free_port();
        let secret = random_hex(24);
        write_config(dir.path(), server_name, port, &secret);
        let mut hs = Self { port, dir, python, child: None, secret, http: reqwest::Client::new() };
        hs.launch().await;
        hs
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn launch(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join("stderr.log"))
            .expect("synapse log file");
        let child = Command::new(&self.python)
            .args(["-m", "synapse.app.homeserver", "-c"])
            .arg(self.dir.path().join("homeserver.yaml"))
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log handle"))
            .stderr(log)
            .spawn()
            .expect("starting Synapse");
        self.child = Some(child);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("Synapse exited at start ({status}):\n{}", self.log_tail());
            }
            let ok = self
                .http
                .get(format!("{}/_matrix/client/versions", self.url()))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "Synapse not answering after 90 s:\n{}",
                self.log_tail()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops Synapse (SIGTERM, then SIGKILL after 20 s).
    pub async fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
        let started = Instant::now();
        while child.try_wait().ok().flatten().is_none() {
            if started.elapsed() > Duration::from_secs(20) {
                let _ = child.kill();
                let _ = child.wait();
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops and starts again on the same port and database.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.launch().await;
    }

    /// Registers a user with the shared secret (no device is created unless `login`).
    pub async fn register(&self, user: &str, password: &str, admin: bool, login: bool) -> Account {
        let url = format!("{}/_synapse/admin/v1/register", self.url());
        let nonce: Value = self.http.get(&url).send().await.unwrap().json_value().await;
        let nonce = nonce["nonce"].as_str().expect("nonce").to_owned();
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(self.secret.as_bytes()).unwrap();
        for (i, part) in [nonce.as_str(), user, password, if admin { "admin" } else { "notadmin" }].iter().enumerate() {
            if i > 0 {
                mac.update(b"\0");
            }
            mac.update(part.as_bytes());
        }
        let mac: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
        let body = json!({
            "nonce": nonce, "username": user, "password": password, "admin": admin, "mac": mac,
            "inhibit_login": !login,
        });
        let resp = self.http.post(&url).body(body.to_string()).send().await.unwrap();
        assert!(resp.status().is_success(), "registering {user}: {}", resp.text().await.unwrap_or_default());
        let v = resp.json_value().await;
        Account {
            user_id: v["user_id"].as_str().expect("user_id").to_owned(),
            access_token: v["access_token"].as_str().map(str::to_owned),
        }
    }

    /// Calls an admin endpoint with an admin's token.
    pub async fn admin(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.url());
        let req = match method {
            "GET" => self.http.get(url),
            "PUT" => self.http.put(url),
            "POST" => self.http.post(url),
            "DELETE" => self.http.delete(url),
            other => panic!("method {other}"),
        };
        let req = req.header("Authorization", format!("Bearer {token}"));
        let req = match body {
            Some(b) => req.header("Content-Type", "application/json").body(b.to_string()),
            None => req,
        };
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let v = resp.json_value().await;
        assert!(status.is_success(), "{method} {path}: {status} {v}");
        v
    }

    /// The last lines of Synapse's logs, for failure messages.
    pub fn log_tail(&self) -> String {
        let mut out = String::new();
        for f in ["stderr.log", "homeserver.log"] {
            let text = std::fs::read_to_string(self.dir.path().join(f)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            out.push_str(&format!("--- {f}\n{}\n", lines[lines.len().saturating_sub(40)..].join("\n")));
        }
        out
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
            let started = Instant::now();
            while child.try_wait().ok().flatten().is_none() && started.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

trait JsonValue {
    async fn json_value(self) -> Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        let bytes = self.bytes().await.unwrap_or_default();
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    }
}

/// The virtual environment's Python, Synapse installed in it (once per machine).
fn install() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON.get_or_init(|| install_locked(&PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("synapse"))).clone()
}

fn install_locked(root: &Path) -> PathBuf {
    std::fs::create_dir_all(root).unwrap();
    let lock = std::fs::File::create(root.join("install.lock")).unwrap();
    // Another test process may be installing: wait for it.
    lock.lock().expect("lock on the Synapse installation");
    let venv = root.join("venv");
    let python = venv.join("bin").join("python");
    let marker = venv.join(".aiguilleur-installed");
    if marker.exists() && python.exists() {
        return python;
    }
    let fail = |what: &str, detail: &str| -> ! {
        panic!(
            "\n\n*** Synapse could not be installed: the Matrix tests need it and do not skip. ***\n\
             {what}\n{detail}\n\
             Needs: python3 (3.10 or newer) with the venv module, and access to PyPI \
             (package {SYNAPSE}). Installation directory: {}\n",
            venv.display()
        )
    };
    let system_python = std::env::var("AIGUILLEUR_PYTHON").unwrap_or_else(|_| "python3".into());
    let _ = std::fs::remove_dir_all(&venv);
    eprintln!("[synapse] installing {SYNAPSE} into {} (once)…", venv.display());
    let out = Command::new(&system_python).args(["-m", "venv"]).arg(&venv).output();
    match out {
        Ok(o) if o.status.success() => {}
        Ok(o) => fail(&format!("`{system_python} -m venv` failed"), &String::from_utf8_lossy(&o.stderr)),
        Err(e) => fail(&format!("`{system_python}` not found"), &e.to_string()),
    }
    let started = Instant::now();
    let mut child = Command::new(&python)
        .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", SYNAPSE])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| fail("pip could not start", &e.to_string()));
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let err = reader.join().unwrap_or_default();
            if !status.success() {
                fail("`pip install` failed", &err);
            }
            break;
        }
        if started.elapsed() > Duration::from_secs(600) {
            let _ = child.kill();
            fail("`pip install` took more than 10 minutes", "");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let check = Command::new(&python).args(["-c", "import synapse; print(synapse.__version__)"]).output();
    match check {
        Ok(o) if o.status.success() => {
            eprintln!("[synapse] installed {} in {:?}", String::from_utf8_lossy(&o.stdout).trim(), started.elapsed());
        }
        Ok(o) => fail("Synapse does not import", &String::from_utf8_lossy(&o.stderr)),
        Err(e) => fail("the virtual environment's python does not run", &e.to_string()),
    }
    std::fs::write(&marker, SYNAPSE).unwrap();
    python
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn random_bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut buf)).expect("/dev/urandom");
    buf
}

fn random_hex(n: usize) -> String {
    random_bytes(n).iter().map(|b| format!("{b:02x}")).collect()
}

/// Unpadded standard base64, as Synapse's signing key file wants it.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

fn write_config(dir: &Path, server_name: &str, port: u16, secret: &str) {
    let d = dir.display();
    // A signing key written here saves a `--generate-keys` run of Python (seconds).
    std::fs::write(dir.join("signing.key"), format!("ed25519 a_test {}\n", base64(&random_bytes(32)))).unwrap();
    std::fs::write(
        dir.join("log.yaml"),
        format!(
            "version: 1\nformatters:\n  precise:\n    format: '%(asctime)s %(name)s %(levelname)s %(message)s'\n\
             handlers:\n  file:\n    class: logging.FileHandler\n    formatter: precise\n    filename: {d}/homeserver.log\n\
             root:\n  level: WARNING\n  handlers: [file]\ndisable_existing_loggers: false\n"
        ),
    )
    .unwrap();
    let unlimited = "{per_second: 1000, burst_count: 1000}";
    let config = format!(
        r"server_name: '{server_name}'
pid_file: {d}/homeserver.pid
public_baseurl: 'http://127.0.0.1:{port}/'
listeners:
  - port: {port}
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: {d}/homeserver.db
log_config: {d}/log.yaml
media_store_path: {d}/media
signing_key_path: {d}/signing.key
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
report_stats: false
enable_registration: false
registration_shared_secret: '{secret}'
macaroon_secret_key: '{secret}m'
form_secret: '{secret}f'
presence:
  enabled: false
encryption_enabled_by_default_for_room_type: all
rc_message: {unlimited}
rc_registration: {unlimited}
rc_login:
  address: {unlimited}
  account: {unlimited}
  failed_attempts: {unlimited}
rc_joins:
  local: {unlimited}
  remote: {unlimited}
rc_joins_per_room: {unlimited}
rc_invites:
  per_room: {unlimited}
  per_user: {unlimited}
  per_issuer: {unlimited}
rc_room_creation: {unlimited}
rc_key_requests: {unlimited}
rc_3pid_validation: {unlimited}
rc_admin_redaction: {unlimited}
"
    );
    std::fs::write(dir.join("homeserver.yaml"), config).unwrap();
}

#[test]
fn base64_like_python() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg");
    assert_eq!(base64(b"fo"), "Zm8");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foob"), "Zm9vYg");
    assert_eq!(base64(&[0xff, 0xfe, 0xfd, 0x00]), "//79AA");
}
