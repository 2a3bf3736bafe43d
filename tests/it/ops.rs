//! Running it as a service: backup during a load and restore; `doctor` against the real Synapse,
//! a real SMTP server (aiosmtpd) and the loopback Discord, each failure provoked once; the Debian
//! package built from the binary the tests built, inspected, installed (as root, when
//! `AIGUILLEUR_TEST_DPKG=1`: CI does it), its units checked by `systemd-analyze`; the
//! `Containerfile` built when a container engine works here.
//!
//! What was not done (no engine, not root) is printed; run with `--nocapture` to see it (CI does).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aiguilleur::dialogue::Session;
use aiguilleur::store::{Commit, SqliteStore, Store};

use crate::support;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aiguilleur"))
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every row of every table, in a comparable form.
fn dump(path: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    let mut out = vec![format!("user_version {version}")];
    for table in ["sessions", "handled_events", "outbox"] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cols: Vec<String> =
                    (0..n).map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap())).collect();
                Ok(format!("{table}: {}", cols.join(" | ")))
            })
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

/// A writer that commits, in one transaction per turn, its session (whose `updated` counts its
/// turns) and one handled event: in any consistent snapshot the two agree.
fn writer(db: PathBuf, w: usize, stop: Arc<AtomicBool>, commits: Arc<AtomicUsize>) -> std::thread::JoinHandle<i64> {
    std::thread::spawn(move || {
        let mut store = SqliteStore::open(&db).unwrap();
        let (key, user) = (format!("ops:w{w}"), format!("w{w}"));
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let s = Session::new("orientation", "fr", "v", n);
            let event = format!("$w{w}-{n}");
            store
                .commit(&Commit {
                    session: Some((&key, &user, &s)),
                    event: Some((&event, &user)),
                    at: n,
                    ..Commit::default()
                })
                .unwrap();
            commits.fetch_add(1, Ordering::Relaxed);
        }
        n
    })
}

#[test]
fn backup_during_a_load_then_restore_to_an_equal_base() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("charge.sqlite");
    let copy = dir.path().join("sauvegardes/copie.sqlite");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();

    // The load: the load tool through the whole bot, and three writers beside it.
    SqliteStore::open(&db).unwrap();
    let mut bench = bin()
        .args(["bench", "--sessions", "50000", "--db"])
        .arg(&db)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let commits = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..3).map(|w| writer(db.clone(), w, stop.clone(), commits.clone())).collect();
    // Both loads under way: the writers' turns and the load tool's conversations in the base.
    let started = Instant::now();
    let watch = rusqlite::Connection::open(&db).unwrap();
    watch.busy_timeout(Duration::from_secs(5)).unwrap();
    let bench_sessions = || -> i64 {
        watch.query_row("SELECT count(*) FROM sessions WHERE key NOT LIKE 'ops:%'", [], |r| r.get(0)).unwrap_or(0)
    };
    while commits.load(Ordering::Relaxed) < 300 || bench_sessions() < 2000 {
        assert!(started.elapsed() < Duration::from_secs(120), "load too slow: {} sessions", bench_sessions());
        assert!(bench.try_wait().unwrap().is_none(), "the load tool stopped early");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(watch);

    let before = commits.load(Ordering::Relaxed);
    let t = Instant::now();
    let out = bin().arg("--db").arg(&db).arg("sauvegarde").arg(&copy).output().unwrap();
    let took = t.elapsed();
    let during = commits.load(Ordering::Relaxed) - before;
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Sauvegarde de"), "{}", text(&out));
    assert!(during > 0, "no turn was written while the backup ran: not a backup under load");
    assert_eq!(mode(&copy), 0o600);
    let bench_running = bench.try_wait().unwrap().is_none();

    // A restore while the writers hold the base is refused, and changes nothing.
    let out = bin().arg("--db").arg(&db).arg("restaure").arg(&copy).output().unwrap();
    assert!(!out.status.success());
    assert!(text(&out).contains("utilisée par un bot ou un chat en marche"), "{}", text(&out));

    stop.store(true, Ordering::Relaxed);
    let turns: Vec<i64> = writers.into_iter().map(|w| w.join().unwrap()).collect();
    if bench.try_wait().unwrap().is_none() {
        bench.kill().unwrap();
    }
    bench.wait().unwrap();

    // The copy is one consistent snapshot: each writer's session and events agree.
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let mut in_copy = 0;
    for (w, turns) in turns.iter().enumerate() {
        let n: i64 = conn
            .query_row("SELECT updated FROM sessions WHERE key = ?1", [format!("ops:w{w}")], |r| r.get(0))
            .unwrap_or(0);
        let events: i64 = conn
            .query_row("SELECT count(*) FROM handled_events WHERE user = ?1", [format!("w{w}")], |r| r.get(0))
            .unwrap();
        assert_eq!(n, events, "writer {w}: a torn snapshot");
        assert!(n <= *turns);
        in_copy += n;
    }
    let sessions: i64 = conn.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0)).unwrap();
    drop(conn);
    assert!(in_copy > 0);

    // Restored over the live base (now free), and onto a new machine: equal to the copy.
    let copied = dump(&copy);
    assert_ne!(dump(&db), copied, "the base moved on after the backup");
    let out = bin().arg("--db").arg(&db).arg("restaure").arg(&copy).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(dump(&db), copied);
    let fresh = dir.path().join("ailleurs/neuve.sqlite");
    let out = bin().arg("--db").arg(&fresh).arg("restaure").arg(&copy).output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(dump(&fresh), copied);
    assert_eq!(mode(&fresh), 0o600);
    let mut store = SqliteStore::open(&db).unwrap();
    assert!(store.load("ops:w0").unwrap().is_some());

    eprintln!(
        "[sauvegarde] {sessions} sessions copied in {took:?} while {during} turns were written \
         (bench still running: {bench_running}); restore refused while in use, then equal ({} rows)",
        copied.len()
    );
}

#[test]
fn packaged_configuration_is_the_example_with_packaged_paths() {
    let root = support::root();
    let example = std::fs::read_to_string(root.join("aiguilleur.example.toml")).unwrap();
    let packaged = std::fs::read_to_string(root.join("packaging/aiguilleur.toml")).unwrap();
    let strip = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with("# Configuration d'aiguilleur") && !l.starts_with("# Chaque adaptateur"))
            .map(|l| l.trim_start_matches("# ").to_owned())
            .collect()
    };
    let (e, p) = (strip(&example), strip(&packaged));
    let extra: Vec<&String> = p.iter().filter(|l| !e.contains(l)).collect();
    assert!(
        extra.iter().all(|l| l.starts_with("aiguilleur-matrix et") || l.contains("doctor --config")),
        "packaging/aiguilleur.toml drifted from aiguilleur.example.toml: {extra:?}"
    );
    assert!(packaged.contains("\ndata_dir = \"/var/lib/aiguilleur\""));
    assert!(packaged.contains("\ndb = \"/var/lib/aiguilleur/discord.sqlite\""));
}

#[test]
fn containerfile_and_a_build_when_an_engine_works() {
    let root = support::root();
    let recipe = std::fs::read_to_string(root.join("Containerfile")).unwrap();
    let froms = recipe.lines().filter(|l| l.starts_with("FROM ")).count();
    assert!(froms >= 2, "multi-stage");
    assert!(recipe.contains("COPY --from=build"));
    let user = recipe.lines().filter_map(|l| l.strip_prefix("USER ")).next_back().expect("a USER line");
    assert!(user != "root" && user != "0", "runs as {user}");
    assert!(recipe.contains("VOLUME [\"/var/lib/aiguilleur\", \"/etc/aiguilleur\"]"));
    assert!(recipe.contains("/usr/share/aiguilleur/dialogues"));
    assert!(std::fs::read_to_string(root.join(".containerignore")).unwrap().contains("target/"));

    let engine = ["podman", "docker", "buildah"].into_iter().find(|tool| {
        Command::new(tool).arg("info").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
    });
    let Some(engine) = engine else {
        eprintln!(
            "[container] Containerfile NOT built: no working container engine here \
             (podman, docker and buildah absent or without a daemon: `info` fails)"
        );
        return;
    };
    let build = if engine == "buildah" { vec!["bud"] } else { vec!["build"] };
    let out = Command::new(engine)
        .args(build)
        .args(["-f", "Containerfile", "-t", "aiguilleur:test", "."])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "{engine} build:\n{}", text(&out));
    if engine != "buildah" {
        for args in [&["--version"][..], &["check"][..]] {
            let out = Command::new(engine).args(["run", "--rm", "aiguilleur:test"]).args(args).output().unwrap();
            assert!(out.status.success(), "{engine} run {args:?}:\n{}", text(&out));
        }
    }
    eprintln!("[container] built and run with {engine}");
}

/// Where the exposure score sits: `→ Overall exposure level for X.service: 1.1 OK`.
fn exposure(report: &str) -> f64 {
    let line = report.lines().find(|l| l.contains("Overall exposure level")).expect("an overall exposure line");
    let score = line.rsplit(':').next().unwrap().split_whitespace().next().unwrap();
    score.parse().unwrap()
}

const UNITS: [&str; 2] = ["aiguilleur-matrix.service", "aiguilleur-discord.service"];

#[test]
fn debian_package_builds_installs_and_its_units_verify() {
    let root = support::root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let has_deb = Command::new(&cargo).args(["deb", "--version"]).output().is_ok_and(|o| o.status.success());
    assert!(has_deb, "cargo-deb is needed: cargo install --locked cargo-deb@3.8.0 (.ci/run does it)");
    let has_analyze = Command::new("systemd-analyze").arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(has_analyze, "systemd-analyze is needed: apt-get install systemd (.ci/run does it)");

    // The package of the binary these tests run (`cargo test` built it): no second build.
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("deb");
    let _ = std::fs::remove_dir_all(&out_dir);
    let t = Instant::now();
    let out = Command::new(&cargo)
        .args(["deb", "--no-build", "--profile", "dev", "--fast", "--output"])
        .arg(&out_dir)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(out.status.success(), "cargo deb:\n{}", text(&out));
    let deb = PathBuf::from(String::from_utf8_lossy(&out.stdout).lines().last().unwrap().trim());
    assert!(deb.is_file(), "{}", text(&out));
    let built_in = t.elapsed();
    let size = std::fs::metadata(&deb).unwrap().len();

    let field = |f: &str| {
        let o = Command::new("dpkg-deb").arg("-f").arg(&deb).arg(f).output().unwrap();
        String::from_utf8_lossy(&o.stdout).trim().to_owned()
    };
    assert_eq!(field("Package"), "aiguilleur");
    assert_eq!(field("Version"), format!("{}-1", env!("CARGO_PKG_VERSION")));
    assert!(field("Depends").contains("systemd"), "{}", field("Depends"));
    let listing = Command::new("dpkg-deb").arg("-c").arg(&deb).output().unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    for path in [
        "./usr/bin/aiguilleur",
        "./usr/share/aiguilleur/dialogues/orientation.toml",
        "./usr/share/aiguilleur/locales/fr/bot.ftl",
        "./usr/share/aiguilleur/data/communes.csv",
        "./usr/share/aiguilleur/data/dispositifs/",
        "./usr/share/aiguilleur/tests/conversations/",
        "./etc/aiguilleur/aiguilleur.toml",
        "./usr/lib/systemd/system/aiguilleur-matrix.service",
        "./usr/lib/systemd/system/aiguilleur-discord.service",
        "./usr/lib/sysusers.d/aiguilleur.conf",
    ] {
        assert!(listing.lines().any(|l| l.ends_with(path)), "{path} missing from the package:\n{listing}");
    }
    let conffiles = Command::new("dpkg-deb").arg("--info").arg(&deb).arg("conffiles").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&conffiles.stdout).trim(), "/etc/aiguilleur/aiguilleur.toml");

    // Unpacked anywhere, the binary finds its content in ../share/aiguilleur.
    let unpacked = tempfile::tempdir().unwrap();
    let u = unpacked.path();
    assert!(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(u).status().unwrap().success());
    let out = Command::new(u.join("usr/bin/aiguilleur")).arg("doctor").current_dir("/").output().unwrap();
    let shown = format!("✔ contenu valide ({})", u.join("usr/share/aiguilleur").display());
    assert!(text(&out).contains(&shown), "{}", text(&out));

    // The units' exposure, as systemd scores it (the README gives the figure).
    let mut scores = vec![];
    for unit in UNITS {
        let out = Command::new("systemd-analyze")
            .args(["security", "--offline=true", "--no-pager"])
            .arg(format!("--root={}", u.display()))
            .arg(unit)
            .output()
            .unwrap();
        let score = exposure(&text(&out));
        assert!(score <= 1.5, "{unit}: exposure {score} (README says 1.1)\n{}", text(&out));
        scores.push(format!("{unit} {score}"));
    }

    let installed = if !is_root() {
        "dpkg -i NOT run: needs root".to_owned()
    } else if std::env::var("AIGUILLEUR_TEST_DPKG").as_deref() != Ok("1") {
        "dpkg -i NOT run: set AIGUILLEUR_TEST_DPKG=1 to install it on this machine (.ci/run does)".to_owned()
    } else {
        install_and_check(&deb)
    };
    eprintln!(
        "[deb] {} ({} MB) made in {built_in:?} from the tests' binary; security exposure: {}; {installed}",
        deb.display(),
        size / 1_000_000,
        scores.join(", ")
    );
}

/// `dpkg -i`, then what an operator would run, then `dpkg --purge`.
fn install_and_check(deb: &Path) -> String {
    let run = |cmd: &mut Command| -> Output {
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{cmd:?}:\n{}", text(&o));
        o
    };
    let t = Instant::now();
    run(Command::new("dpkg").arg("-i").arg(deb));
    let out = run(Command::new("/usr/bin/aiguilleur").arg("--version"));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), format!("aiguilleur {}", env!("CARGO_PKG_VERSION")));
    let out = run(Command::new("/usr/bin/aiguilleur").arg("check").current_dir("/"));
    assert!(text(&out).contains("Contenu valide"), "{}", text(&out));
    let out = Command::new("/usr/bin/aiguilleur").arg("doctor").current_dir("/").output().unwrap();
    assert!(text(&out).contains("✔ contenu valide (/usr/share/aiguilleur)"), "{}", text(&out));

    // The user, and who may read what.
    let passwd = run(Command::new("getent").args(["passwd", "aiguilleur"]));
    assert!(String::from_utf8_lossy(&passwd.stdout).contains(":/var/lib/aiguilleur:"));
    assert_eq!(mode(Path::new("/etc/aiguilleur")), 0o750);
    assert_eq!(mode(Path::new("/etc/aiguilleur/aiguilleur.toml")), 0o640);
    assert_eq!(mode(Path::new("/var/lib/aiguilleur")), 0o700);

    let mut verify = Command::new("systemd-analyze");
    verify.args(["verify", "--no-pager"]);
    for unit in UNITS {
        verify.arg(Path::new("/usr/lib/systemd/system").join(unit));
    }
    run(&mut verify);

    // As the service's user, with the shipped configuration: the state directory is its own,
    // and the missing password is named (the homeserver is pointed at a closed local port, so
    // the test never depends on the outside network).
    let out = Command::new("runuser")
        .args(["-u", "aiguilleur", "--", "env", "MATRIX_HOMESERVER=http://127.0.0.1:9"])
        .args(["/usr/bin/aiguilleur", "doctor", "--config", "/etc/aiguilleur/aiguilleur.toml"])
        .current_dir("/")
        .output()
        .unwrap();
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains("✔ configuration /etc/aiguilleur/aiguilleur.toml lue"), "{report}");
    assert!(report.contains("✔ base /var/lib/aiguilleur/matrix.sqlite : absente, sera créée"), "{report}");
    assert!(
        report.contains("✘ mot de passe Matrix : le fichier /etc/aiguilleur/matrix-password n'existe pas"),
        "{report}"
    );
    assert!(!report.contains("lancé en root"), "{report}");

    run(Command::new("dpkg").args(["--purge", "aiguilleur"]));
    assert!(!Path::new("/usr/bin/aiguilleur").exists());
    format!(
        "installed with dpkg -i, checked (--version, check, doctor as the service user, systemd-analyze verify) and purged in {:?}",
        t.elapsed()
    )
}

#[cfg(all(feature = "matrix", feature = "discord"))]
mod doctor {
    //! `aiguilleur doctor` against the real servers, then each failure provoked once.

    use std::path::{Path, PathBuf};
    use std::process::Command;

    use aiguilleur::config::write_owner_only;
    use matrix_sdk::reqwest;
    use serde_json::{Value, json};

    use super::{mode, text};
    use crate::fake_discord::{FakeDiscord, TOKEN};
    use crate::smtp_server::{SmtpServer, free_port};
    use crate::support;
    use crate::synapse::Synapse;

    const SERVER: &str = "aiguilleur.test";
    const PASSWORD: &str = "mot-de-passe-doctor-5d2e";

    struct Setup {
        dir: tempfile::TempDir,
        homeserver: String,
        smtp: String,
        discord: String,
    }

    /// One way of running `doctor`: the file's `[matrix]` lines and the environment changed.
    #[derive(Default, Clone)]
    struct Case {
        homeserver: Option<String>,
        allowed: Option<&'static str>,
        env: Vec<(&'static str, String)>,
        content: Option<PathBuf>,
        /// `smtp_url` of the file's `[saisine]`, the environment variable then unset.
        saisine: Option<String>,
    }

    impl Setup {
        fn config(&self) -> PathBuf {
            self.dir.path().join("aiguilleur.toml")
        }

        fn run(&self, case: &Case) -> (Option<i32>, String) {
            let d = self.dir.path();
            std::fs::write(
                self.config(),
                format!(
                    "[matrix]\nhomeserver = \"{}\"\nuser = \"@bot:{SERVER}\"\npassword_file = \"{}\"\n\
                     data_dir = \"{}\"\nallowed_servers = {}\n\n[discord]\ntoken_file = \"{}\"\ndb = \"{}\"\n",
                    case.homeserver.as_deref().unwrap_or(&self.homeserver),
                    d.join("matrix-password").display(),
                    d.join("data").display(),
                    case.allowed.unwrap_or("[\"agent.tchap.gouv.fr\"]"),
                    d.join("discord-token").display(),
                    d.join("discord.sqlite").display(),
                ) + case
                    .saisine
                    .as_ref()
                    .map(|u| format!("\n[saisine]\nsmtp_url = \"{u}\"\n"))
                    .unwrap_or_default()
                    .as_str(),
            )
            .unwrap();
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_aiguilleur"));
            cmd.arg("--content").arg(case.content.clone().unwrap_or_else(support::root));
            cmd.arg("doctor").arg("--config").arg(self.config());
            for var in [
                "MATRIX_HOMESERVER",
                "MATRIX_USER",
                "MATRIX_PASSWORD",
                "MATRIX_ALLOWED_SERVERS",
                "AIGUILLEUR_DATA_DIR",
                "DISCORD_TOKEN",
                "DISCORD_APPLICATION_ID",
                "SSL_CERT_FILE",
                "SSL_CERT_DIR",
                "XDG_DATA_HOME",
            ] {
                cmd.env_remove(var);
            }
            cmd.env("HOME", d).env("DISCORD_API_BASE", &self.discord).env("AIGUILLEUR_SMTP_URL", &self.smtp);
            if case.saisine.is_some() {
                cmd.env_remove("AIGUILLEUR_SMTP_URL");
            }
            for (k, v) in &case.env {
                cmd.env(k, v);
            }
            let out = cmd.output().unwrap();
            (out.status.code(), text(&out))
        }

        /// Runs `case` and checks that exactly the `failing` checks fail, each with its fix.
        fn expect(&self, what: &str, case: &Case, failing: &[&str]) -> String {
            let (code, out) = self.run(case);
            let lines: Vec<&str> = out.lines().collect();
            let (last, checks) = lines.split_last().expect("some output");
            for l in checks {
                assert!(l.starts_with(['✔', '✘', '–']), "{what}: a line that is not a check: {l}\n{out}");
            }
            let fails: Vec<&&str> = checks.iter().filter(|l| l.starts_with('✘')).collect();
            assert_eq!(fails.len(), failing.len(), "{what}: failures {fails:#?}, expected {failing:?}\n{out}");
            for needle in failing {
                assert!(
                    fails.iter().any(|l| l.contains(needle) && l.contains(" → ")),
                    "{what}: no failure with a fix about « {needle} »:\n{out}"
                );
            }
            if failing.is_empty() {
                assert_eq!((code, *last), (Some(0), "Tout est prêt."), "{what}:\n{out}");
            } else {
                assert_eq!(code, Some(1), "{what}:\n{out}");
                assert_eq!(*last, format!("{} vérification(s) en échec.", failing.len()), "{what}");
            }
            out
        }
    }

    async fn post(url: &str, token: Option<&str>, body: &Value) -> Value {
        let mut req =
            reqwest::Client::new().post(url).header("Content-Type", "application/json").body(body.to_string());
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let r = req.send().await.unwrap();
        serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null)
    }

    /// A certificate authority and a server certificate for `localhost` (openssl).
    fn certificates(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
        let openssl = |args: &[&str]| {
            let o = Command::new("openssl").args(args).current_dir(dir).output();
            let o =
                o.unwrap_or_else(|e| panic!("openssl is needed for the smtps check ({e}): apt-get install openssl"));
            assert!(o.status.success(), "openssl {args:?}: {}", text(&o));
        };
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
        openssl(
            &[
                &["req", "-x509"][..],
                &ec,
                &["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=aiguilleur test CA"],
            ]
            .concat(),
        );
        openssl(&[&["req"][..], &ec, &["-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost"]].concat());
        std::fs::write(dir.join("ext.cnf"), "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n").unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "srv.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "srv.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ]);
        (dir.join("ca.pem"), dir.join("srv.pem"), dir.join("srv.key"))
    }

    #[test]
    fn doctor_against_real_servers_and_each_failure_once() {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let hs = rt.block_on(Synapse::start(SERVER));
        let admin = rt.block_on(hs.register("admin", "admin-doctor-pw", true, true));
        let admin_token = admin.access_token.clone().expect("admin token");
        rt.block_on(hs.register("bot", PASSWORD, false, false));
        let smtp = SmtpServer::start();
        let fake = FakeDiscord::start();
        let setup = Setup {
            dir: tempfile::tempdir().unwrap(),
            homeserver: hs.url(),
            smtp: format!("smtp://127.0.0.1:{}", smtp.port),
            discord: fake.api.clone(),
        };
        let d = setup.dir.path().to_path_buf();
        write_owner_only(&d.join("matrix-password"), PASSWORD.as_bytes()).unwrap();
        write_owner_only(&d.join("discord-token"), TOKEN.as_bytes()).unwrap();
        let ok = Case::default();
        let devices = || {
            let v = rt.block_on(hs.admin(
                &admin_token,
                "GET",
                &format!("/_synapse/admin/v2/users/@bot:{SERVER}/devices"),
                None,
            ));
            v["total"].as_u64().unwrap()
        };

        // All well: every check passes, and the login left no device behind.
        let out = setup.expect("all well", &ok, &[]);
        for line in [
            "✔ configuration",
            "✔ contenu valide",
            &format!("✔ base {}", d.join("data/matrix.sqlite").display()),
            "✔ mot de passe Matrix : fichier",
            "✔ liste d'accès Matrix : 1 serveur(s)",
            &format!("✔ serveur Matrix {} joignable", hs.url()),
            &format!("✔ connexion Matrix acceptée pour @bot:{SERVER}"),
            "✔ jeton Discord : fichier",
            "✔ jeton Discord accepté : bot aiguilleur",
            &format!("✔ SMTP smtp://127.0.0.1:{} répond (220 ", smtp.port),
        ] {
            assert!(out.contains(line), "missing « {line} »:\n{out}");
        }
        assert_eq!(devices(), 0, "doctor left a device on the account");
        assert!(!out.contains(PASSWORD) && !out.contains(TOKEN), "a secret in the report:\n{out}");
        assert_eq!(smtp.received(), 0, "doctor sent a mail");

        // Content that does not validate.
        let overlay = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(overlay.path().join("dialogues")).unwrap();
        std::fs::write(overlay.path().join("dialogues/orientation.toml"), "[[noeud]\nid = \n").unwrap();
        let broken = support::content_with(overlay.path());
        let content = Case { content: Some(broken.path().to_path_buf()), ..ok.clone() };
        setup.expect("broken content", &content, &["contenu invalide"]);

        // A base readable by others.
        let base = d.join("data/matrix.sqlite");
        drop(aiguilleur::store::SqliteStore::open(&base).unwrap());
        let chmod = |p: &Path, m: u32| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
        };
        chmod(&base, 0o644);
        setup.expect("base readable by others", &ok, &["chmod 600"]);
        chmod(&base, 0o600);

        // The password file readable by others; then a wrong password.
        let password = d.join("matrix-password");
        chmod(&password, 0o644);
        setup.expect("open password file", &ok, &["mot de passe Matrix", "connexion Matrix non vérifiée"]);
        write_owner_only(&password, b"pas-le-bon").unwrap();
        setup.expect("wrong password", &ok, &["connexion Matrix refusée (403 M_FORBIDDEN"]);
        write_owner_only(&password, PASSWORD.as_bytes()).unwrap();
        assert_eq!(mode(&password), 0o600);

        // A homeserver that does not answer.
        let closed = Case { homeserver: Some(format!("http://127.0.0.1:{}", free_port())), ..ok.clone() };
        setup.expect("homeserver down", &closed, &["injoignable", "connexion Matrix non vérifiée"]);

        // Nobody may invite the bot.
        let nobody = Case { allowed: Some("[]"), ..ok.clone() };
        setup.expect("empty allow-list", &nobody, &["liste d'accès Matrix vide"]);

        // SMTP: nothing listening; then implicit TLS, refused without the authority, then trusted.
        let no_smtp =
            Case { env: vec![("AIGUILLEUR_SMTP_URL", format!("smtp://127.0.0.1:{}", free_port()))], ..ok.clone() };
        setup.expect("SMTP down", &no_smtp, &["injoignable"]);
        // The same server, or a dead one, named by the file's [saisine] rather than the variable.
        let in_file = Case { saisine: Some(format!("smtp://127.0.0.1:{}", smtp.port)), ..ok.clone() };
        let out = setup.expect("SMTP from the file", &in_file, &[]);
        assert!(out.contains(&format!("✔ SMTP smtp://127.0.0.1:{} répond (220 ", smtp.port)), "{out}");
        let dead_in_file = Case { saisine: Some(format!("smtp://127.0.0.1:{}", free_port())), ..ok.clone() };
        let out = setup.expect("SMTP from the file, down", &dead_in_file, &["injoignable"]);
        assert!(out.contains("smtp_url de [saisine]"), "{out}");
        let certs = tempfile::tempdir().unwrap();
        let (ca, cert, key) = certificates(certs.path());
        let smtps = SmtpServer::start_tls(&cert, &key);
        let url = format!("smtps://localhost:{}", smtps.port);
        // The system's authorities do not know the test's.
        let untrusted = Case { env: vec![("AIGUILLEUR_SMTP_URL", url.clone())], ..ok.clone() };
        let out = setup.expect("smtps with an unknown authority", &untrusted, &[&format!("SMTP {url}")]);
        assert!(out.contains("UnknownIssuer") && out.contains("SSL_CERT_FILE"), "{out}");
        let trusted = Case {
            env: vec![("AIGUILLEUR_SMTP_URL", url.clone()), ("SSL_CERT_FILE", ca.display().to_string())],
            ..ok.clone()
        };
        let out = setup.expect("smtps trusted", &trusted, &[]);
        assert!(out.contains(&format!("✔ SMTP {url} répond (220 ")) && out.contains("TLS implicite"), "{out}");

        // Discord: the token file missing, then a token Discord refuses.
        let token = d.join("discord-token");
        std::fs::remove_file(&token).unwrap();
        setup.expect("no Discord token", &ok, &["jeton Discord : le fichier", "jeton Discord non vérifié"]);
        write_owner_only(&token, b"un-jeton-revoque").unwrap();
        setup.expect("refused Discord token", &ok, &["jeton Discord refusé (401)"]);
        write_owner_only(&token, TOKEN.as_bytes()).unwrap();

        // A saved session is checked with whoami (no new login); once logged out, it is refused.
        let login = rt.block_on(post(
            &format!("{}/_matrix/client/v3/login", hs.url()),
            None,
            &json!({"type": "m.login.password", "identifier": {"type": "m.id.user", "user": "bot"}, "password": PASSWORD}),
        ));
        let (access, device) = (login["access_token"].as_str().unwrap(), login["device_id"].as_str().unwrap());
        let matrix_dir = aiguilleur::config::owner_only_dir(&d.join("data/matrix")).unwrap();
        let session = json!({"homeserver": hs.url(), "user_id": format!("@bot:{SERVER}"), "device_id": device, "access_token": access});
        write_owner_only(&matrix_dir.join("session.json"), session.to_string().as_bytes()).unwrap();
        let out = setup.expect("saved session", &ok, &[]);
        assert!(out.contains(&format!("✔ session Matrix valide : @bot:{SERVER}, appareil {device}")), "{out}");
        assert_eq!(devices(), 1, "whoami must not create a device");
        rt.block_on(post(&format!("{}/_matrix/client/v3/logout", hs.url()), Some(access), &json!({})));
        setup.expect("revoked session", &ok, &["session Matrix refusée (401 M_UNKNOWN_TOKEN"]);
        drop(fake);
        eprintln!(
            "[doctor] against Synapse {}, aiosmtpd (smtp and smtps) and the loopback Discord: all well 3 times \
             (password, saved session, smtps), 12 failures provoked, each named with its fix",
            hs.url()
        );
    }
}
