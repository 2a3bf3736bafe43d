//! The demand forwarded to the single entry point: where it goes (configuration), the email the
//! outbox keeps for it, and the consumer that sends it over SMTP (`lettre`, blocking).
//!
//! The consumer is a plain thread, not a tokio task: the terminal chat is built without tokio and
//! runs the same code as the Matrix and Discord services. It reads the outbox rows of kind
//! `email`, sends those that are due, and records each outcome in one transaction with the row
//! ([`Store::demande_issue`]): accepted → the row goes and the demand is marked sent; a temporary
//! failure (a 4xx answer, a server down or unreachable) → tried again later with exponential
//! backoff (`backon`'s delays, the next time kept in the row, so a restart keeps the rhythm); a
//! permanent one (5xx) → the demand is marked failed with the server's answer, logged as an error
//! for the admins and listed by `aiguilleur demandes` and `!demandes`.
//!
//! A restart sends what is still pending. The one window left is SMTP's own: a crash after the
//! server accepted the message but before the row is marked sent sends it again at the next start;
//! its `Message-ID` (derived from the reference) is the same, so the recipient can recognise it.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context as _, bail};
use backon::BackoffBuilder as _;
use serde::{Deserialize, Serialize};

use crate::bot::{SharedBot, locked};
use crate::config::Secret;
use crate::store::{Issue, Pending, Store as _};

/// The outbox kind of demand emails.
pub const KIND: &str = "email";

/// Where a confirmed demand goes, as the bot (the sans-IO side) needs to know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saisine {
    /// The single entry point's address.
    pub to: String,
    /// SMTP is configured: the bot sends the email. Otherwise the person gets the text and a
    /// `mailto:` link.
    pub courriel: bool,
}

/// A demand's email as the outbox keeps it: written in the turn that confirmed the demand, sent
/// as it is (the sender's address and the server come from the configuration at send time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Courriel {
    pub reference: String,
    pub to: String,
    /// The person's address, if they gave one: a copy goes there (`Cc`), and `Reply-To`.
    pub copie: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// The configuration file as the email consumer reads it: its `[saisine]` section only (the
/// transports read theirs).
#[derive(Debug, Default, Deserialize)]
pub struct FileSection {
    #[serde(default)]
    pub saisine: Section,
}

/// The `[saisine]` section of `aiguilleur.toml`; the environment variables win.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// `AIGUILLEUR_SMTP_URL`: `smtp://[user@]host:port` (STARTTLS when the server offers it) or
    /// `smtps://[user@]host:port` (implicit TLS).
    pub smtp_url: Option<String>,
    /// The SMTP password, in a file readable by its owner only (`AIGUILLEUR_SMTP_PASSWORD` wins).
    pub password_file: Option<PathBuf>,
    /// `AIGUILLEUR_SAISINE_TO`: the inbox of the single entry point.
    pub to: Option<String>,
    /// `AIGUILLEUR_SAISINE_FROM`: the sender's address.
    pub from: Option<String>,
}

/// How the bot reaches the SMTP server.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    /// `smtps://`: TLS from the first byte; else STARTTLS when offered.
    pub implicit_tls: bool,
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub from: String,
}

impl std::fmt::Display for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}://{}:{}", if self.implicit_tls { "smtps" } else { "smtp" }, self.host, self.port)
    }
}

/// The configuration: where demands go, and the SMTP server if there is one.
#[derive(Debug, Clone)]
pub struct Reglages {
    pub saisine: Saisine,
    pub smtp: Option<Smtp>,
}

impl Reglages {
    /// From the environment, then `section`; `default_to` (the single entry point of the
    /// content) when neither names the inbox.
    ///
    /// # Errors
    /// A malformed URL, a sender missing while SMTP is configured, an unreadable or too open
    /// password file.
    pub fn read(section: &Section, default_to: &str) -> anyhow::Result<Self> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let to = var("AIGUILLEUR_SAISINE_TO").or_else(|| section.to.clone()).unwrap_or_else(|| default_to.to_owned());
        let Some(url) = var("AIGUILLEUR_SMTP_URL").or_else(|| section.smtp_url.clone()) else {
            return Ok(Self { saisine: Saisine { to, courriel: false }, smtp: None });
        };
        let (implicit_tls, user, host, port) = parse_url(&url).context("AIGUILLEUR_SMTP_URL")?;
        let Some(from) = var("AIGUILLEUR_SAISINE_FROM").or_else(|| section.from.clone()) else {
            bail!("AIGUILLEUR_SMTP_URL est définie mais pas l'expéditeur : définissez AIGUILLEUR_SAISINE_FROM")
        };
        from.parse::<lettre::message::Mailbox>()
            .map_err(|e| anyhow::anyhow!("AIGUILLEUR_SAISINE_FROM « {from} » n'est pas une adresse : {e}"))?;
        let password_file =
            section.password_file.clone().or_else(|| var("AIGUILLEUR_SMTP_PASSWORD_FILE").map(PathBuf::from));
        let password = match (var("AIGUILLEUR_SMTP_PASSWORD"), password_file) {
            (Some(p), _) => Some(Secret::new(p)),
            (None, Some(file)) => Some(crate::config::read_owner_only(&file)?),
            (None, None) => None,
        };
        let smtp = Smtp { host, port, implicit_tls, user, password, from };
        Ok(Self { saisine: Saisine { to, courriel: true }, smtp: Some(smtp) })
    }
}

/// `smtp://[user@]host[:port]` or `smtps://…`: (implicit TLS, user, host, port). A password
/// written in the URL is refused: it would show in process listings and logs.
fn parse_url(url: &str) -> anyhow::Result<(bool, Option<String>, String, u16)> {
    let (scheme, rest) =
        url.split_once("://").context("schéma absent : écrivez smtp://hôte:port ou smtps://hôte:port")?;
    let tls = match scheme.to_ascii_lowercase().as_str() {
        "smtp" => false,
        "smtps" => true,
        other => bail!("schéma {other} inconnu : smtp:// ou smtps://"),
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let (user, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => {
            if u.contains(':') {
                bail!("pas de mot de passe dans l'adresse : utilisez AIGUILLEUR_SMTP_PASSWORD ou un fichier");
            }
            (Some(percent_decode(u)), h)
        }
        None => (None, authority),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || hostport.starts_with('[') => {
            (h, p.parse::<u16>().map_err(|_| anyhow::anyhow!("port {p} invalide"))?)
        }
        _ => (hostport, if tls { 465 } else { 25 }),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        bail!("hôte absent");
    }
    Ok((tls, user.filter(|u| !u.is_empty()), host.to_owned(), port))
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `JJ/MM/AAAA` (UTC) of a time in seconds.
#[must_use]
pub fn date(secs: i64) -> String {
    let d = crate::catalogue::freshness::Day::from_unix(secs);
    format!("{:02}/{:02}/{}", d.day, d.month, d.year)
}

/// A demand's status in words (`demande-statut-*` messages).
#[must_use]
pub fn statut_text(content: &crate::content::Content, lang: &str, r: &crate::store::DemandeRow) -> String {
    use crate::i18n::Arg;
    let id = format!("demande-statut-{}", r.statut.as_str());
    let args = vec![
        ("date", Arg::Text(r.sent_at.map(date).unwrap_or_default())),
        ("erreur", Arg::Text(r.last_error.clone().unwrap_or_default())),
    ];
    content.locales.msg(lang, &id, &args)
}

/// The demands as `aiguilleur demandes` prints them: a table, or CSV with a header.
///
/// # Errors
/// When the CSV cannot be written.
pub fn listing(
    content: &crate::content::Content,
    lang: &str,
    rows: &[crate::store::DemandeRow],
    csv: bool,
) -> anyhow::Result<String> {
    let cat = &content.catalogue;
    let themes = |r: &crate::store::DemandeRow| {
        r.themes
            .iter()
            .map(|t| cat.theme(t).map_or_else(|| t.clone(), |x| x.nom.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let etape = |r: &crate::store::DemandeRow| {
        r.etape.as_deref().map(|e| cat.etape(e).map_or_else(|| e.to_owned(), |x| x.nom.clone())).unwrap_or_default()
    };
    if csv {
        let mut w = csv::Writer::from_writer(vec![]);
        w.write_record([
            "reference",
            "date",
            "commune",
            "insee",
            "themes",
            "etape",
            "statut",
            "envoyee_le",
            "essais",
            "erreur",
        ])?;
        for r in rows {
            w.write_record([
                r.reference.clone(),
                date(r.created),
                r.commune.clone().unwrap_or_default(),
                r.insee.clone().unwrap_or_default(),
                themes(r),
                etape(r),
                r.statut.as_str().to_owned(),
                r.sent_at.map(date).unwrap_or_default(),
                r.attempts.to_string(),
                r.last_error.clone().unwrap_or_default(),
            ])?;
        }
        return Ok(String::from_utf8(w.into_inner()?)?);
    }
    if rows.is_empty() {
        return Ok("Aucune demande.\n".into());
    }
    let mut out = String::new();
    for r in rows {
        out.push_str(&format!(
            "{}  {}  {}  {}  {}  {}\n",
            r.reference,
            date(r.created),
            r.commune.as_deref().unwrap_or("-"),
            themes(r),
            etape(r),
            statut_text(content, lang, r)
        ));
    }
    out.push_str(&format!("{} demande(s).\n", rows.len()));
    Ok(out)
}

/// Why an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Echec {
    /// Worth trying again: a 4xx answer, the server down or unreachable, a timeout.
    Temporaire(String),
    /// The server refused for good (5xx), or the message cannot be built.
    Definitif(String),
}

/// Sends demand emails through one SMTP server.
pub struct Mailer {
    transport: lettre::SmtpTransport,
    from: lettre::message::Mailbox,
    /// The domain of `Message-ID`s (the sender's).
    domain: String,
}

impl Mailer {
    /// # Errors
    /// The sender is not an address, or the TLS parameters cannot be built.
    pub fn new(smtp: &Smtp) -> anyhow::Result<Self> {
        use lettre::transport::smtp::client::{Tls, TlsParameters};
        let from: lettre::message::Mailbox =
            smtp.from.parse().map_err(|e| anyhow::anyhow!("expéditeur « {} » : {e}", smtp.from))?;
        let tls_params = TlsParameters::new(smtp.host.clone()).context("paramètres TLS")?;
        let tls = if smtp.implicit_tls { Tls::Wrapper(tls_params) } else { Tls::Opportunistic(tls_params) };
        let mut builder = lettre::SmtpTransport::builder_dangerous(smtp.host.clone())
            .port(smtp.port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(20)));
        if let Some(user) = &smtp.user {
            let password = smtp.password.as_ref().map(|p| p.expose().to_owned()).unwrap_or_default();
            builder =
                builder.credentials(lettre::transport::smtp::authentication::Credentials::new(user.clone(), password));
        }
        let domain = from.email.domain().to_owned();
        Ok(Self { transport: builder.build(), from, domain })
    }

    /// The message of `c`: subject, `Reply-To` and copy to the person, plain text and HTML, and
    /// a `Message-ID` derived from the reference (the same at every attempt).
    ///
    /// # Errors
    /// An address that does not parse.
    pub fn message(&self, c: &Courriel) -> Result<lettre::Message, Echec> {
        use lettre::message::{Mailbox, MultiPart};
        let to: Mailbox = c.to.parse().map_err(|e| Echec::Definitif(format!("destinataire « {} » : {e}", c.to)))?;
        let mut b = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(c.subject.clone())
            .message_id(Some(message_id(&c.reference, &self.domain)));
        // An address the person typed that does not parse is left out, not fatal: the préfecture
        // still gets the demand, and the contact line in it.
        if let Some(copy) = c.copie.as_deref().and_then(|a| a.parse::<Mailbox>().ok()) {
            b = b.reply_to(copy.clone()).cc(copy);
        }
        b.multipart(MultiPart::alternative_plain_html(c.text.clone(), c.html.clone()))
            .map_err(|e| Echec::Definitif(format!("message : {e}")))
    }

    /// Sends `c` once.
    ///
    /// # Errors
    /// The failure, classified.
    pub fn send(&self, c: &Courriel) -> Result<(), Echec> {
        use lettre::Transport as _;
        let message = self.message(c)?;
        self.transport.send(&message).map(|_| ()).map_err(|e| {
            let reason = describe(&e);
            if e.is_permanent() { Echec::Definitif(reason) } else { Echec::Temporaire(reason) }
        })
    }
}

/// `<dem-2026-0042@domain>`: one per demand, the same at every attempt.
#[must_use]
pub fn message_id(reference: &str, domain: &str) -> String {
    format!("<{}@{domain}>", reference.to_ascii_lowercase())
}

/// The error and its causes (lettre's display alone says "permanent error" without the answer).
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let mut out = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let s_text = s.to_string();
        if !out.contains(&s_text) {
            out.push_str(" : ");
            out.push_str(&s_text);
        }
        source = s.source();
    }
    out
}

/// The wait before attempt `attempts + 1` (exponential from 1 s, at most 10 min, with jitter).
#[must_use]
pub fn delay(attempts: u32) -> Duration {
    backon::ExponentialBuilder::default()
        .with_min_delay(Duration::from_secs(1))
        .with_max_delay(Duration::from_secs(600))
        .with_jitter()
        .without_max_times()
        .build()
        .nth(usize::try_from(attempts).unwrap_or(usize::MAX))
        .unwrap_or(Duration::from_secs(600))
}

/// The consumer thread, stopped by [`Envoyeur::stop`].
pub struct Envoyeur {
    signal: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

/// How often the consumer looks at the outbox when nothing is due earlier.
const POLL: Duration = Duration::from_millis(500);

impl Envoyeur {
    /// Starts the consumer: it sends what is pending (from a previous run too), then what comes.
    #[must_use]
    pub fn spawn(bot: SharedBot, mailer: Mailer) -> Self {
        let signal = Arc::new((Mutex::new(false), Condvar::new()));
        let s = Arc::clone(&signal);
        let thread = std::thread::Builder::new()
            .name("courriel".into())
            .spawn(move || {
                loop {
                    let wait = pass(&bot, &mailer);
                    let (lock, cvar) = &*s;
                    let stop = locked(lock);
                    if *stop {
                        return;
                    }
                    let (stop, _) = cvar.wait_timeout(stop, wait.min(POLL)).unwrap_or_else(PoisonError::into_inner);
                    if *stop {
                        // One last pass: what is due now leaves before the process ends.
                        drop(stop);
                        pass(&bot, &mailer);
                        return;
                    }
                }
            })
            .ok();
        Self { signal, thread }
    }

    /// Sends what is due now, then stops (waits for the thread).
    pub fn stop(mut self) {
        {
            let (lock, cvar) = &*self.signal;
            *locked(lock) = true;
            cvar.notify_all();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Sends every due email once; returns how long until the next one is due.
fn pass(bot: &SharedBot, mailer: &Mailer) -> Duration {
    let lock = || locked(bot);
    let rows = match lock().store_mut().pending(KIND) {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!("base des conversations : courriels en attente illisibles : {e}");
            return POLL;
        }
    };
    let mut next = Duration::from_secs(3600);
    for row in rows {
        let now = crate::bot::now();
        if row.next_at > now {
            next = next.min(Duration::from_secs((row.next_at - now).unsigned_abs()));
            continue;
        }
        let issue = attempt(mailer, &row);
        let reference = row.key.strip_prefix("email:").unwrap_or(&row.key).to_owned();
        let now = crate::bot::now();
        let recorded = match &issue {
            Ok(()) => {
                tracing::info!(reference, "demande envoyée");
                lock().store_mut().demande_issue(row.id, &reference, Issue::Envoyee, now)
            }
            Err(Echec::Temporaire(e)) => {
                let wait = delay(row.attempts);
                let next_at = now + i64::try_from(wait.as_secs().max(1)).unwrap_or(600);
                tracing::warn!(
                    reference,
                    essais = row.attempts + 1,
                    "demande non envoyée, nouvel essai dans {wait:?} : {e}"
                );
                next = next.min(wait.max(Duration::from_secs(1)));
                lock().store_mut().demande_issue(row.id, &reference, Issue::Reessai { next_at, error: e }, now)
            }
            Err(Echec::Definitif(e)) => {
                // For the admins: the log, `aiguilleur demandes --statut echec` and `!demandes`.
                tracing::error!(reference, "demande refusée par le serveur de messagerie, abandonnée : {e}");
                lock().store_mut().demande_issue(row.id, &reference, Issue::Echec { error: e }, now)
            }
        };
        if let Err(e) = recorded {
            tracing::error!(reference, "base des conversations : issue de l'envoi non enregistrée : {e}");
        }
    }
    next
}

fn attempt(mailer: &Mailer, row: &Pending) -> Result<(), Echec> {
    let c: Courriel =
        serde_json::from_str(&row.payload).map_err(|e| Echec::Definitif(format!("courriel illisible : {e}")))?;
    mailer.send(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_say_how_to_reach_the_server() {
        assert_eq!(parse_url("smtp://127.0.0.1:2525").unwrap(), (false, None, "127.0.0.1".into(), 2525));
        assert_eq!(
            parse_url("smtps://robot%40manche@smtp.example.org").unwrap(),
            (true, Some("robot@manche".into()), "smtp.example.org".into(), 465)
        );
        assert!(parse_url("smtp://robot:s3cret@h:25").is_err(), "no password in the URL");
        assert!(parse_url("http://h").is_err());
        assert!(parse_url("smtp://:25").is_err());
    }

    #[test]
    fn the_shipped_configurations_name_the_single_entry_point() {
        #[derive(Deserialize)]
        struct File {
            saisine: Section,
        }
        for text in [include_str!("../aiguilleur.example.toml"), include_str!("../packaging/aiguilleur.toml")] {
            let f: File = toml::from_str(text).unwrap();
            assert_eq!(f.saisine.to.as_deref(), Some("ingenierie@manche.gouv.fr"));
            assert!(f.saisine.smtp_url.is_none() && f.saisine.password_file.is_none());
        }
    }

    #[test]
    fn retries_wait_longer_and_longer_up_to_ten_minutes() {
        assert!(delay(0) >= Duration::from_secs(1) && delay(0) < Duration::from_secs(3), "{:?}", delay(0));
        assert!(delay(3) >= Duration::from_secs(8), "{:?}", delay(3));
        assert!(delay(40) <= Duration::from_secs(1200), "{:?}", delay(40));
    }

    #[test]
    fn the_message_has_its_headers_and_both_bodies() {
        let smtp = Smtp {
            host: "127.0.0.1".into(),
            port: 25,
            implicit_tls: false,
            user: None,
            password: None,
            from: "Aiguilleur <aiguilleur@manche.gouv.fr>".into(),
        };
        let m = Mailer::new(&smtp).unwrap();
        let c = Courriel {
            reference: "DEM-2026-0042".into(),
            to: "ingenierie@manche.gouv.fr".into(),
            copie: Some("maire@genets.fr".into()),
            subject: "Demande DEM-2026-0042 – Genêts".into(),
            text: "Le presbytère".into(),
            html: "<p>Le presbytère</p>".into(),
        };
        let raw = String::from_utf8(m.message(&c).unwrap().formatted()).unwrap();
        assert!(raw.contains("Message-ID: <dem-2026-0042@manche.gouv.fr>"), "{raw}");
        assert!(raw.contains("Reply-To: maire@genets.fr") && raw.contains("Cc: maire@genets.fr"), "{raw}");
        assert!(raw.contains("multipart/alternative") && raw.contains("text/html"), "{raw}");
        let bad = Courriel { copie: Some("pas une adresse".into()), ..c };
        assert!(!String::from_utf8(m.message(&bad).unwrap().formatted()).unwrap().contains("Reply-To"));
    }
}
