//! A real SMTP server for the tests: `aiosmtpd` from PyPI, installed on first use into a virtual
//! environment under `target/tmp/aiosmtpd/` (reused afterwards, concurrent installs serialised by
//! a lock file), listening on 127.0.0.1, every accepted message stored in a Maildir; stopped when
//! dropped. With a certificate and key it speaks implicit TLS (smtps).
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
        let python = install();
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("aiosmtpd.log")).unwrap();
        let child = Command::new(&python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(extra)
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(dir.path().join("maildir"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting aiosmtpd");
        let mut server = Self { port, child, dir };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("aiosmtpd exited at start ({status}):\n{}", server.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "aiosmtpd not listening after 30 s:\n{}",
                server.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        server
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
