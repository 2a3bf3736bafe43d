//! `aiguilleur doctor`: what an operator gets wrong before going live, checked and said in
//! French, one line per check (✔ or ✘, and the fix after « → »). `–` marks what is not
//! configured and so not checked.
//!
//! It reads the configuration through the adapters' own types (`[matrix]`, `[discord]`) and the
//! same environment variables, so it sees what the bot would see. It changes nothing and sends
//! nothing: the base is opened in a transaction that is rolled back; the Matrix login, when no
//! session is saved yet, creates a device that is logged out at once (a saved session is checked
//! with `whoami` instead); Discord is asked who the token belongs to; the SMTP server gets `EHLO`
//! and `QUIT`, no mail.

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::content;

/// The outcome of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Etat {
    Ok,
    Echec,
    /// Not configured, nothing to check.
    Info,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ligne {
    pub etat: Etat,
    pub texte: String,
    /// What to do about it (failures).
    pub correction: Option<String>,
}

impl Ligne {
    fn ok(texte: impl Into<String>) -> Self {
        Self { etat: Etat::Ok, texte: texte.into(), correction: None }
    }
    fn echec(texte: impl Into<String>, correction: impl Into<String>) -> Self {
        Self { etat: Etat::Echec, texte: texte.into(), correction: Some(correction.into()) }
    }
    fn info(texte: impl Into<String>) -> Self {
        Self { etat: Etat::Info, texte: texte.into(), correction: None }
    }
}

impl fmt::Display for Ligne {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.etat {
            Etat::Ok => '✔',
            Etat::Echec => '✘',
            Etat::Info => '–',
        };
        write!(f, "{mark} {}", self.texte)?;
        if let Some(c) = &self.correction {
            write!(f, " → {c}")?;
        }
        Ok(())
    }
}

/// What `doctor` is asked to look at (the command line's options).
#[derive(Debug, Clone)]
pub struct Options {
    pub config: Option<PathBuf>,
    pub content_root: PathBuf,
    /// `--db`: the base the bot would use instead of its configured one.
    pub db: Option<PathBuf>,
}

/// The checks of one transport; 1 when it is configured (and so checked), else 0.
type TransportCheck = fn(&Options, &mut dyn FnMut(Ligne)) -> usize;

/// How long a network check waits.
const TIMEOUT: Duration = Duration::from_secs(10);

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Runs every check, handing each line to `out` as soon as it is known; returns the failures.
pub fn run(opts: &Options, out: &mut dyn FnMut(&Ligne)) -> usize {
    let mut failures = 0;
    let mut say = |l: Ligne| {
        if l.etat == Etat::Echec {
            failures += 1;
        }
        out(&l);
    };
    if running_as_root() {
        say(Ligne::info(
            "lancé en root : les droits vérifiés sont ceux de root ; pour ceux du service, \
             lancez-le en tant que son utilisateur (sudo -u aiguilleur aiguilleur doctor …)",
        ));
    }
    say(configuration(opts.config.as_deref()));
    say(contenu(&opts.content_root));
    let transports: [TransportCheck; _] = [
        #[cfg(feature = "matrix")]
        matrix::check,
        #[cfg(feature = "discord")]
        discord::check,
    ];
    let transports: usize = transports.iter().map(|check| check(opts, &mut say)).sum();
    if transports == 0 {
        if cfg!(any(feature = "matrix", feature = "discord")) {
            say(Ligne::echec(
                "aucun transport configuré",
                "renseignez `user` dans [matrix] (ou MATRIX_USER), ou `token_file` dans [discord] (ou DISCORD_TOKEN)",
            ));
        } else {
            say(Ligne::info("cette compilation n'a ni Matrix ni Discord (--no-default-features)"));
        }
        if let Some(db) = &opts.db {
            say(base(db));
        }
    }
    say(smtp(opts.config.as_deref()));
    failures
}

fn running_as_root() -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

fn configuration(path: Option<&Path>) -> Ligne {
    let Some(path) = path else {
        return Ligne::info("pas de fichier de configuration (--config) : variables d'environnement seules");
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return Ligne::echec(
                format!("configuration {} illisible : {e}", path.display()),
                "vérifiez le chemin donné à --config et ses droits (lisible par l'utilisateur du service)",
            );
        }
    };
    match toml::from_str::<toml::Table>(&text) {
        Ok(_) => Ligne::ok(format!("configuration {} lue", path.display())),
        Err(e) => Ligne::echec(
            format!("configuration {} : {}", path.display(), one_line(&e.to_string())),
            "corrigez le fichier à la ligne et la colonne indiquées",
        ),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn contenu(root: &Path) -> Ligne {
    let loaded = content::load(root);
    match &loaded.content {
        Some(c) => Ligne::ok(format!(
            "contenu valide ({}) : {} dispositifs, {} acteurs, {} communes",
            root.display(),
            c.catalogue.dispositifs.len(),
            c.catalogue.acteurs.len(),
            c.communes.len()
        )),
        None => Ligne::echec(
            format!("contenu invalide ({}) : {} erreur(s)", root.display(), loaded.errors()),
            format!("le détail, fichier:ligne:colonne : aiguilleur check --content {}", root.display()),
        ),
    }
}

/// The conversation base: writable by this user, readable by no one else.
fn base(path: &Path) -> Ligne {
    let shown = path.display();
    if path.as_os_str() == ":memory:" {
        return Ligne::info("base en mémoire (:memory:) : rien n'est gardé entre deux démarrages");
    }
    if !path.exists() {
        // Created at the first start, with its directory: the nearest existing ancestor must be a
        // directory where this user can create files.
        let mut dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        while !dir.exists() {
            match dir.parent() {
                Some(p) if !p.as_os_str().is_empty() => dir = p,
                _ => break,
            }
        }
        return probe_dir(dir).map_or_else(
            |e| {
                Ligne::echec(
                    format!("base {shown} : ne pourra pas être créée ({e})"),
                    format!("donnez un chemin dans un dossier accessible en écriture à l'utilisateur du bot (--db, data_dir ou db), pas sous {}", dir.display()),
                )
            },
            |()| Ligne::ok(format!("base {shown} : absente, sera créée au premier démarrage (dossier {} accessible)", dir.display())),
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(m) = std::fs::metadata(path) {
            let mode = m.permissions().mode();
            if mode & 0o077 != 0 {
                return Ligne::echec(
                    format!("base {shown} : lisible par d'autres que son propriétaire (mode {:o})", mode & 0o777),
                    format!("chmod 600 {shown}"),
                );
            }
        }
    }
    let writable = (|| -> Result<i64, rusqlite::Error> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        // Takes the write lock and gives it back: proves writing works without writing.
        conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")?;
        let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(rusqlite::Error::InvalidQuery);
        }
        conn.query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
    })();
    match writable {
        Ok(n) => Ligne::ok(format!(
            "base {shown} : accessible en écriture, lisible par son seul propriétaire ({n} conversation(s))"
        )),
        Err(e) => Ligne::echec(
            format!("base {shown} : inutilisable ({e})"),
            "vérifiez qu'elle appartient à l'utilisateur du bot et que son dossier lui est accessible en écriture ; \
             endommagée : restaurez une sauvegarde (aiguilleur restaure)",
        ),
    }
}

/// Creates and removes a file in `dir`.
fn probe_dir(dir: &Path) -> std::io::Result<()> {
    if !dir.is_dir() {
        return Err(std::io::Error::other(format!("{} n'est pas un dossier", dir.display())));
    }
    let probe = dir.join(format!(".aiguilleur-doctor-{}", std::process::id()));
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(&probe)
}

/// A secret file: present, not empty, readable by its owner only.
#[cfg_attr(not(any(feature = "matrix", feature = "discord")), allow(dead_code))]
fn secret_file(what: &str, file: &Path) -> Ligne {
    let shown = file.display();
    if !file.exists() {
        return Ligne::echec(
            format!("{what} : le fichier {shown} n'existe pas"),
            format!(
                "créez-le lisible par le seul utilisateur du bot : install -m 600 -o aiguilleur -g aiguilleur /dev/null {shown}, puis écrivez-y le secret"
            ),
        );
    }
    if let Err(e) = crate::config::check_owner_only(file) {
        return Ligne::echec(format!("{what} : {e}"), format!("chmod 600 {shown}"));
    }
    match std::fs::read_to_string(file) {
        Ok(t) if !t.trim().is_empty() => {
            Ligne::ok(format!("{what} : fichier {shown}, lisible par son seul propriétaire"))
        }
        Ok(_) => Ligne::echec(format!("{what} : le fichier {shown} est vide"), "écrivez-y le secret"),
        Err(e) => Ligne::echec(
            format!("{what} : {shown} illisible ({e})"),
            format!("il doit appartenir à l'utilisateur du bot : chown aiguilleur: {shown}"),
        ),
    }
}

/// The SMTP server the services would use (`AIGUILLEUR_SMTP_URL`, else `smtp_url` in the file's
/// `[saisine]`), when there is one: it answers as an SMTP server (greeting, `EHLO`).
fn smtp(config: Option<&Path>) -> Ligne {
    let from_file = || {
        let file = crate::config::read_toml::<crate::saisine::FileSection>(config).ok()?;
        Some((file.saisine.smtp_url?, "smtp_url de [saisine]"))
    };
    let Some((url, whence)) = env("AIGUILLEUR_SMTP_URL").map(|u| (u, "AIGUILLEUR_SMTP_URL")).or_else(from_file) else {
        return Ligne::info(
            "SMTP : non configuré (ni AIGUILLEUR_SMTP_URL, ni smtp_url dans [saisine]), demandes non envoyées par courriel",
        );
    };
    let target = match SmtpUrl::parse(&url) {
        Ok(t) => t,
        Err(e) => {
            return Ligne::echec(
                format!("SMTP : {whence} invalide ({e})"),
                "écrivez smtp://hôte:port ou smtps://hôte:port",
            );
        }
    };
    let shown = target.to_string();
    let fix = format!(
        "vérifiez l'hôte et le port ({whence}), le pare-feu, et que le serveur accepte les connexions de cette machine"
    );
    let tcp = match connect(&target.host, target.port) {
        Ok(s) => s,
        Err(e) => return Ligne::echec(format!("SMTP {shown} injoignable : {e}"), &fix),
    };
    let answer = if target.tls { smtps(tcp, &target.host) } else { greet(tcp) };
    match answer {
        Ok(Greeting { banner, starttls }) => {
            let tls = if target.tls {
                "TLS implicite"
            } else if starttls {
                "STARTTLS proposé"
            } else {
                "sans STARTTLS : le courriel circulera en clair"
            };
            Ligne::ok(format!("SMTP {shown} répond ({banner} ; {tls})"))
        }
        Err(e) if e.contains("certificate") => Ligne::echec(
            format!("SMTP {shown} : {e}"),
            "le certificat du serveur doit être valide pour ce nom et signé par une autorité connue de la machine \
             (/etc/ssl/certs, ou le fichier désigné par SSL_CERT_FILE)",
        ),
        Err(e) => Ligne::echec(
            format!("SMTP {shown} : {e}"),
            "ce port ne parle pas SMTP comme attendu : vérifiez le port et le schéma (smtp:// en clair ou STARTTLS, smtps:// en TLS implicite, souvent 465)",
        ),
    }
}

/// `smtp://host:port` or `smtps://host:port` (user and password, if written, are never shown).
#[derive(Debug, Clone, PartialEq, Eq)]
struct SmtpUrl {
    tls: bool,
    host: String,
    port: u16,
}

impl SmtpUrl {
    fn parse(url: &str) -> Result<Self, String> {
        let (scheme, rest) = url.split_once("://").ok_or("schéma absent")?;
        let tls = match scheme.to_ascii_lowercase().as_str() {
            "smtp" => false,
            "smtps" => true,
            other => return Err(format!("schéma {other} inconnu")),
        };
        let authority = rest.split(['/', '?']).next().unwrap_or_default();
        let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || hostport.starts_with('[') => {
                (h, p.parse::<u16>().map_err(|_| format!("port {p} invalide"))?)
            }
            _ => (hostport, if tls { 465 } else { 25 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err("hôte absent".into());
        }
        Ok(Self { tls, host: host.to_owned(), port })
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}:{}", if self.tls { "smtps" } else { "smtp" }, self.host, self.port)
    }
}

fn connect(host: &str, port: u16) -> std::io::Result<TcpStream> {
    let mut last = std::io::Error::other("adresse introuvable");
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, TIMEOUT) {
            Ok(s) => {
                s.set_read_timeout(Some(TIMEOUT))?;
                s.set_write_timeout(Some(TIMEOUT))?;
                return Ok(s);
            }
            Err(e) => last = e,
        }
    }
    Err(last)
}

struct Greeting {
    banner: String,
    starttls: bool,
}

/// The greeting (220), `EHLO` (250), `QUIT`.
fn greet<S: Read + Write>(stream: S) -> Result<Greeting, String> {
    let mut s = BufReader::new(stream);
    let (code, lines) = reply(&mut s)?;
    if code != 220 {
        return Err(format!("accueil inattendu : {}", lines.join(" ")));
    }
    let banner = lines.first().cloned().unwrap_or_default();
    s.get_mut().write_all(b"EHLO aiguilleur-doctor\r\n").map_err(|e| e.to_string())?;
    let (code, ehlo) = reply(&mut s)?;
    if code != 250 {
        return Err(format!("EHLO refusé : {}", ehlo.join(" ")));
    }
    let _ = s.get_mut().write_all(b"QUIT\r\n");
    let _ = reply(&mut s);
    let starttls = ehlo.iter().any(|l| l.get(4..).is_some_and(|c| c.trim().eq_ignore_ascii_case("STARTTLS")));
    Ok(Greeting { banner: format!("220 {banner}").trim().to_owned(), starttls })
}

/// One SMTP reply: its code and the text of its lines.
fn reply<R: BufRead>(r: &mut R) -> Result<(u16, Vec<String>), String> {
    let mut lines = vec![];
    loop {
        let mut line = String::new();
        match r.read_line(&mut line) {
            Ok(0) => return Err("connexion fermée par le serveur".into()),
            Ok(_) => {}
            Err(e) => return Err(format!("pas de réponse SMTP ({e})")),
        }
        let line = line.trim_end().to_owned();
        let code = line.get(..3).and_then(|c| c.parse::<u16>().ok());
        let Some(code) = code else {
            let start: String = line.chars().take(40).collect();
            return Err(format!("réponse qui n'est pas du SMTP : « {start} »"));
        };
        let last = line.as_bytes().get(3) != Some(&b'-');
        lines.push(line.get(4..).unwrap_or_default().to_owned());
        if last || lines.len() > 100 {
            return Ok((code, lines));
        }
    }
}

#[cfg(feature = "service")]
fn smtps(tcp: TcpStream, host: &str) -> Result<Greeting, String> {
    use std::sync::Arc;
    let mut roots = rustls::RootCertStore::empty();
    // The system's authorities (SSL_CERT_FILE and SSL_CERT_DIR are honoured).
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(host.to_owned()).map_err(|e| e.to_string())?;
    let conn = rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
    greet(rustls::StreamOwned::new(conn, tcp)).map_err(|e| format!("TLS : {e}"))
}

#[cfg(not(feature = "service"))]
fn smtps(tcp: TcpStream, _host: &str) -> Result<Greeting, String> {
    drop(tcp);
    Err("TLS non vérifiable : cette compilation n'a pas les transports (compilez avec --features full)".into())
}

/// A small runtime for the network checks of the transports.
#[cfg(feature = "service")]
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime").block_on(f)
}

#[cfg(feature = "matrix")]
mod matrix {
    //! `[matrix]`: base, secrets, allow-list, homeserver, login.

    use std::path::Path;

    use matrix_sdk::reqwest;
    use serde_json::{Value, json};

    use super::{Ligne, Options, TIMEOUT, base, block_on, env, secret_file};
    use crate::config::matrix::{FileConfig, Login, Settings};

    /// Runs the Matrix checks when Matrix is configured; returns 1 if it is, else 0.
    pub fn check(opts: &Options, say: &mut dyn FnMut(Ligne)) -> usize {
        let Ok(file) = crate::config::read_toml::<FileConfig>(opts.config.as_deref()) else {
            // Said by the configuration line already.
            return 0;
        };
        if file.matrix.user.is_none() && env("MATRIX_USER").is_none() {
            say(Ligne::info("Matrix : non configuré (ni `user` dans [matrix] ni MATRIX_USER)"));
            return 0;
        }
        let password_file = file.matrix.password_file.clone();
        let settings = match Settings::resolve(file.matrix, &|k| std::env::var(k).ok(), opts.db.clone()) {
            Ok(s) => s,
            Err(e) => {
                say(Ligne::echec(format!("Matrix : {e:#}"), "corrigez la section [matrix] ou les variables MATRIX_*"));
                return 1;
            }
        };
        say(base(&settings.db));
        let dir = settings.matrix_dir();
        let session_file = dir.join("session.json");
        let session = std::fs::read_to_string(&session_file).ok().and_then(|t| serde_json::from_str::<Value>(&t).ok());

        // Secrets: the password (needed for the first login only), the saved session, the keys.
        let password = if env("MATRIX_PASSWORD").is_some() {
            say(Ligne::ok("mot de passe Matrix : variable MATRIX_PASSWORD"));
            std::env::var("MATRIX_PASSWORD").ok()
        } else if let Some(f) = &password_file {
            let line = secret_file("mot de passe Matrix", f);
            let ok = line.etat == super::Etat::Ok;
            say(line);
            ok.then(|| std::fs::read_to_string(f).ok().map(|t| t.trim().to_owned())).flatten()
        } else if session.is_some() {
            say(Ligne::ok("mot de passe Matrix : aucun, inutile (session enregistrée)"));
            None
        } else {
            say(Ligne::echec(
                "mot de passe Matrix absent (nécessaire à la première connexion)",
                "variable MATRIX_PASSWORD, ou `password_file` dans [matrix] vers un fichier lisible par son seul propriétaire",
            ));
            None
        };
        if let Some(f) = &settings.store_passphrase_file {
            say(secret_file("phrase de passe du magasin de clés", f));
        }
        if dir.exists() {
            say(owner_only_dir("dossier de la session et des clés Matrix", &dir));
        }
        if session_file.exists() {
            say(secret_file("session Matrix enregistrée", &session_file));
        }

        // Who may invite the bot.
        let a = &settings.access;
        if settings.own_server_only {
            say(Ligne::ok("liste d'accès Matrix : pas de `allowed_servers`, seul le serveur du bot peut l'inviter"));
        } else if a.servers.is_empty() && a.users.is_empty() && a.admins.is_empty() {
            say(Ligne::echec(
                "liste d'accès Matrix vide : personne ne peut inviter le bot",
                "renseignez allowed_servers (par exemple les serveurs Tchap des agents), allowed_users ou admins dans [matrix]",
            ));
        } else {
            say(Ligne::ok(format!(
                "liste d'accès Matrix : {} serveur(s), {} personne(s), {} administrateur(s)",
                a.servers.len(),
                a.users.len(),
                a.admins.len()
            )));
        }

        block_on(network(&settings, session.as_ref(), password.as_deref(), say));
        1
    }

    fn owner_only_dir(what: &str, dir: &Path) -> Ligne {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            if let Ok(m) = std::fs::metadata(dir) {
                let mode = m.permissions().mode();
                if mode & 0o077 != 0 {
                    return Ligne::echec(
                        format!("{what} {} : ouvert à d'autres (mode {:o})", dir.display(), mode & 0o777),
                        format!("chmod 700 {}", dir.display()),
                    );
                }
            }
        }
        Ligne::ok(format!("{what} {} : réservé à son propriétaire", dir.display()))
    }

    async fn network(settings: &Settings, session: Option<&Value>, password: Option<&str>, say: &mut dyn FnMut(Ligne)) {
        let http = match reqwest::Client::builder().timeout(TIMEOUT).connect_timeout(TIMEOUT).build() {
            Ok(h) => h,
            Err(e) => return say(Ligne::echec(format!("client HTTP : {e}"), "signalez ce défaut")),
        };
        let saved_url = session.and_then(|s| s["homeserver"].as_str()).map(str::to_owned);
        let url = match saved_url {
            Some(u) => u,
            None => match homeserver_url(&http, settings).await {
                Ok(u) => u,
                Err(e) => {
                    say(Ligne::echec(
                        format!("serveur Matrix introuvable : {e}"),
                        "donnez l'adresse du serveur (homeserver = \"https://…\" ou MATRIX_HOMESERVER)",
                    ));
                    return;
                }
            },
        };
        let base = url.trim_end_matches('/').to_owned();
        let fix_reach = "vérifiez l'adresse du serveur (homeserver ou MATRIX_HOMESERVER), le DNS, le pare-feu et le mandataire (HTTPS_PROXY)";
        match get_json(&http, &format!("{base}/_matrix/client/versions"), None).await {
            Ok((200, v)) if v["versions"].is_array() => {
                say(Ligne::ok(format!("serveur Matrix {base} joignable")));
            }
            Ok((status, _)) => {
                say(Ligne::echec(
                    format!("serveur Matrix {base} : réponse {status}, pas un serveur Matrix"),
                    fix_reach,
                ));
                say(Ligne::echec("connexion Matrix non vérifiée (serveur injoignable)", "réglez d'abord le serveur"));
                return;
            }
            Err(e) => {
                say(Ligne::echec(format!("serveur Matrix {base} injoignable : {e}"), fix_reach));
                say(Ligne::echec("connexion Matrix non vérifiée (serveur injoignable)", "réglez d'abord le serveur"));
                return;
            }
        }

        if let Some(token) = session.and_then(|s| s["access_token"].as_str()) {
            let device = session.and_then(|s| s["device_id"].as_str()).unwrap_or("?");
            match get_json(&http, &format!("{base}/_matrix/client/v3/account/whoami"), Some(token)).await {
                Ok((200, v)) => say(Ligne::ok(format!(
                    "session Matrix valide : {}, appareil {device}",
                    v["user_id"].as_str().unwrap_or("?")
                ))),
                Ok((status, v)) => say(Ligne::echec(
                    format!("session Matrix refusée ({status} {})", v["errcode"].as_str().unwrap_or("")),
                    format!(
                        "l'appareil {device} a été déconnecté : arrêtez le bot, mettez de côté {} et relancez-le pour une nouvelle première connexion (mot de passe nécessaire)",
                        settings.matrix_dir().display()
                    ),
                )),
                Err(e) => say(Ligne::echec(format!("session Matrix non vérifiée : {e}"), fix_reach)),
            }
            return;
        }
        let Some(password) = password else {
            say(Ligne::echec(
                "connexion Matrix non vérifiée : mot de passe absent",
                "donnez le mot de passe (voir plus haut)",
            ));
            return;
        };
        let identifier = match &settings.login {
            Login::User(u) => json!({"type": "m.id.user", "user": u}),
            Login::Email(e) => json!({"type": "m.id.thirdparty", "medium": "email", "address": e}),
        };
        let body = json!({
            "type": "m.login.password", "identifier": identifier, "password": password,
            "initial_device_display_name": "aiguilleur doctor (aussitôt déconnecté)",
        });
        match post_json(&http, &format!("{base}/_matrix/client/v3/login"), None, &body).await {
            Ok((200, v)) => {
                let user = v["user_id"].as_str().unwrap_or("?").to_owned();
                // The test device goes at once: nothing is left on the account.
                let gone = match v["access_token"].as_str() {
                    Some(t) => post_json(&http, &format!("{base}/_matrix/client/v3/logout"), Some(t), &json!({}))
                        .await
                        .is_ok_and(|(s, _)| s == 200),
                    None => false,
                };
                if gone {
                    say(Ligne::ok(format!(
                        "connexion Matrix acceptée pour {user} (appareil de test aussitôt déconnecté)"
                    )));
                } else {
                    say(Ligne::echec(
                        format!(
                            "connexion Matrix acceptée pour {user}, mais l'appareil de test n'a pas pu être déconnecté"
                        ),
                        "supprimez l'appareil « aiguilleur doctor » de la liste des sessions du compte",
                    ));
                }
            }
            Ok((status, v)) => say(Ligne::echec(
                format!(
                    "connexion Matrix refusée ({status} {} : {})",
                    v["errcode"].as_str().unwrap_or(""),
                    v["error"].as_str().unwrap_or("")
                ),
                "vérifiez l'identifiant (user ou MATRIX_USER) et le mot de passe",
            )),
            Err(e) => say(Ligne::echec(format!("connexion Matrix non vérifiée : {e}"), fix_reach)),
        }
    }

    /// The homeserver's URL: given, or found from the server name (`.well-known`, else
    /// `https://name`), as matrix-sdk does at the first login.
    async fn homeserver_url(http: &reqwest::Client, settings: &Settings) -> Result<String, String> {
        let name = match (&settings.homeserver, &settings.login) {
            (Some(h), _) if h.starts_with("http://") || h.starts_with("https://") => return Ok(h.clone()),
            (Some(h), _) => h.clone(),
            (None, Login::User(u)) => u
                .rsplit_once(':')
                .map(|(_, s)| s.to_owned())
                .ok_or_else(|| format!("identifiant sans serveur : {u}"))?,
            (None, Login::Email(_)) => return Err("aucun serveur donné".into()),
        };
        match get_json(http, &format!("https://{name}/.well-known/matrix/client"), None).await {
            Ok((200, v)) => v["m.homeserver"]["base_url"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("https://{name}/.well-known/matrix/client sans m.homeserver")),
            _ => Ok(format!("https://{name}")),
        }
    }

    async fn get_json(http: &reqwest::Client, url: &str, token: Option<&str>) -> Result<(u16, Value), String> {
        let mut req = http.get(url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        answer(req.send().await).await
    }

    async fn post_json(
        http: &reqwest::Client,
        url: &str,
        token: Option<&str>,
        body: &Value,
    ) -> Result<(u16, Value), String> {
        let mut req = http.post(url).header("Content-Type", "application/json").body(body.to_string());
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        answer(req.send().await).await
    }

    async fn answer(r: Result<reqwest::Response, reqwest::Error>) -> Result<(u16, Value), String> {
        // The error's source chain says why (refused, DNS, TLS…); never the request body.
        let r = r.map_err(|e| {
            let e = e.without_url();
            let mut s = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(inner) = src {
                s.push_str(" : ");
                s.push_str(&inner.to_string());
                src = inner.source();
            }
            s
        })?;
        let status = r.status().as_u16();
        let bytes = r.bytes().await.map_err(|e| e.to_string())?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }
}

#[cfg(feature = "discord")]
mod discord {
    //! `[discord]`: base, token present and owner-only, token accepted by Discord.

    use std::path::PathBuf;

    use serenity::all::HttpBuilder;

    use super::{Ligne, Options, base, block_on, env};
    use crate::config::discord::DiscordConfig;

    /// Runs the Discord checks when Discord is configured; returns 1 if it is, else 0.
    pub fn check(opts: &Options, say: &mut dyn FnMut(Ligne)) -> usize {
        let Ok(cfg) = DiscordConfig::load(opts.config.as_deref()) else {
            return 0;
        };
        if cfg.token_file.is_none() && env("DISCORD_TOKEN").is_none() {
            say(Ligne::info("Discord : non configuré (ni `token_file` dans [discord] ni DISCORD_TOKEN)"));
            return 0;
        }
        let db = opts.db.clone().or_else(|| cfg.db.clone()).unwrap_or_else(default_db);
        say(base(&db));
        let token = if env("DISCORD_TOKEN").is_some() {
            say(Ligne::ok("jeton Discord : variable DISCORD_TOKEN"));
            std::env::var("DISCORD_TOKEN").ok()
        } else {
            let file = cfg.token_file.clone().unwrap_or_default();
            let line = super::secret_file("jeton Discord", &file);
            let ok = line.etat == super::Etat::Ok;
            say(line);
            ok.then(|| crate::config::read_secret("DISCORD_TOKEN", Some(&file)).ok().map(|t| t.expose().to_owned()))
                .flatten()
        };
        let Some(token) = token else {
            say(Ligne::echec(
                "jeton Discord non vérifié auprès de Discord (absent)",
                "donnez le jeton (voir plus haut)",
            ));
            return 1;
        };
        let mut http = HttpBuilder::new(token.trim());
        if let Some(base) = &cfg.api_base {
            http = http.proxy(base.trim_end_matches('/')).ratelimiter_disabled(true);
        }
        let http = http.build();
        let me = block_on(async { tokio::time::timeout(super::TIMEOUT, http.get_current_user()).await });
        match me {
            Ok(Ok(me)) => say(Ligne::ok(format!("jeton Discord accepté : bot {} ({})", me.name, me.id))),
            Ok(Err(serenity::Error::Http(h))) if h.status_code().is_some_and(|c| c.as_u16() == 401) => {
                say(Ligne::echec(
                    "jeton Discord refusé (401)",
                    "régénérez-le (portail des développeurs Discord, Bot, Reset Token) et remplacez-le (DISCORD_TOKEN ou token_file)",
                ));
            }
            Ok(Err(e)) => say(Ligne::echec(
                format!("API Discord injoignable : {e}"),
                "vérifiez l'accès à discord.com (pare-feu, mandataire)",
            )),
            Err(_) => say(Ligne::echec(
                "API Discord : pas de réponse en 10 s",
                "vérifiez l'accès à discord.com (pare-feu, mandataire)",
            )),
        }
        1
    }

    /// As the adapter: `discord.sqlite` in the data directory.
    fn default_db() -> PathBuf {
        crate::driver::data_dir().join("discord.sqlite")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls() {
        let u = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((u.tls, u.host.as_str(), u.port), (false, "127.0.0.1", 2525));
        let u = SmtpUrl::parse("smtps://robot:s3cret@smtp.example.org").unwrap();
        assert_eq!((u.tls, u.host.as_str(), u.port), (true, "smtp.example.org", 465));
        assert!(!u.to_string().contains("s3cret"), "{u}");
        let u = SmtpUrl::parse("smtp://[::1]:25").unwrap();
        assert_eq!((u.host.as_str(), u.port), ("::1", 25));
        assert!(SmtpUrl::parse("http://x").is_err());
        assert!(SmtpUrl::parse("smtp://:25").is_err());
        assert!(SmtpUrl::parse("smtp://h:port").is_err());
        assert!(SmtpUrl::parse("h:25").is_err());
    }

    #[test]
    fn smtp_replies() {
        let mut r = std::io::Cursor::new(b"250-mail.example.org\r\n250-STARTTLS\r\n250 8BITMIME\r\n".to_vec());
        let (code, lines) = reply(&mut r).unwrap();
        assert_eq!(code, 250);
        assert_eq!(lines, ["mail.example.org", "STARTTLS", "8BITMIME"]);
        assert!(reply(&mut std::io::Cursor::new(b"HTTP/1.1 400 Bad Request\r\n".to_vec())).is_err());
        assert!(reply(&mut std::io::Cursor::new(Vec::new())).is_err());
    }

    #[test]
    fn lines_read_in_one_line() {
        assert_eq!(Ligne::ok("base x").to_string(), "✔ base x");
        assert_eq!(Ligne::echec("base x : mode 644", "chmod 600 x").to_string(), "✘ base x : mode 644 → chmod 600 x");
        assert_eq!(Ligne::info("SMTP : non configuré").to_string(), "– SMTP : non configuré");
    }

    #[test]
    fn database_checks() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sub/a.sqlite");
        assert_eq!(base(&db).etat, Etat::Ok, "absent but creatable: {}", base(&db));
        drop(crate::store::SqliteStore::open(&db).unwrap());
        assert_eq!(base(&db).etat, Etat::Ok, "{}", base(&db));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
            let l = base(&db);
            assert_eq!(l.etat, Etat::Echec);
            assert!(l.to_string().contains("chmod 600"), "{l}");
        }
        let file = dir.path().join("fichier");
        std::fs::write(&file, "x").unwrap();
        assert_eq!(base(&file.join("a.sqlite")).etat, Etat::Echec, "under a regular file");
        std::fs::write(dir.path().join("pas-une-base"), "x".repeat(5000)).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path().join("pas-une-base"), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert_eq!(base(&dir.path().join("pas-une-base")).etat, Etat::Echec);
    }
}
