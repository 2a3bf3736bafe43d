//! The `[matrix]` section of the configuration file, the environment variables that override it,
//! and the allow-list of who may invite the bot.
//!
//! Resolution is pure (the environment is passed in) so that it is tested without touching the
//! process environment. Secrets are read only when they are needed, and never printed: the
//! password travels in a [`Secret`] whose `Debug` hides it. The data directory defaults to the
//! driver's ([`crate::driver::data_dir`]).

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, bail};
use matrix_sdk::ruma::{OwnedUserId, UserId};
use serde::Deserialize;

use crate::config::{Secret, read_owner_only};

/// The whole configuration file: only `[matrix]` is read here; other sections belong to other
/// adapters.
#[derive(Debug, Default, Deserialize)]
pub struct FileConfig {
    #[serde(default)]
    pub matrix: MatrixFile,
}

/// `[matrix]` as written in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixFile {
    /// Homeserver URL (`https://matrix.agent.tchap.gouv.fr`) or server name (`.well-known`).
    pub homeserver: Option<String>,
    /// Full user id (`@aiguilleur:agent.tchap.gouv.fr`) or email address (Tchap accounts).
    pub user: Option<String>,
    /// File holding the password, readable by its owner only (`MATRIX_PASSWORD` wins).
    pub password_file: Option<PathBuf>,
    /// Where the session, the crypto store and the recovery key live.
    pub data_dir: Option<PathBuf>,
    /// Homeservers whose users may invite the bot; `*.example.org` covers subdomains.
    pub allowed_servers: Option<Vec<String>>,
    /// Users who may invite the bot whatever their server.
    #[serde(default)]
    pub allowed_users: Vec<String>,
    /// Administrators: always allowed to invite the bot.
    #[serde(default)]
    pub admins: Vec<String>,
    /// Name of the bot's device, shown in people's device lists.
    pub device_name: Option<String>,
    /// Display name to set on the account (left unchanged when absent).
    pub display_name: Option<String>,
    /// A reply not sent after this many milliseconds shows the bot typing (0: always).
    pub typing_delay_ms: Option<u64>,
    /// File holding a passphrase that encrypts the crypto store (owner-only); none by default.
    pub store_passphrase_file: Option<PathBuf>,
}

/// How the bot identifies itself at its first login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    /// `@user:server` or a bare localpart.
    User(String),
    /// A third-party identifier, as Tchap accounts use.
    Email(String),
}

/// Who may invite the bot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// Lower-case server names; `*.suffix` covers subdomains.
    pub servers: Vec<String>,
    pub users: Vec<OwnedUserId>,
    pub admins: Vec<OwnedUserId>,
}

impl Access {
    /// Whether `user` may invite the bot.
    #[must_use]
    pub fn allows(&self, user: &UserId) -> bool {
        if self.users.iter().chain(&self.admins).any(|u| u == user) {
            return true;
        }
        let server = user.server_name().as_str().to_ascii_lowercase();
        self.servers.iter().any(|s| match s.strip_prefix("*.") {
            Some(suffix) => server == suffix || server.ends_with(&format!(".{suffix}")),
            None => *s == server,
        })
    }
}

/// Everything the adapter needs, resolved from the file, the environment and `--db`.
#[derive(Debug)]
pub struct Settings {
    pub homeserver: Option<String>,
    pub login: Login,
    password: Option<Secret>,
    password_file: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub db: PathBuf,
    pub access: Access,
    /// No server list given: the bot's own server is allowed (added once logged in).
    pub own_server_only: bool,
    pub device_name: String,
    pub display_name: Option<String>,
    pub typing_delay: Duration,
    pub store_passphrase_file: Option<PathBuf>,
}

impl Settings {
    /// Resolves the file section with the environment (`env` looks a variable up) and `--db`.
    ///
    /// # Errors
    /// A missing identifier, an invalid user id, or a homeserver that cannot be found.
    pub fn resolve(
        file: MatrixFile,
        env: &dyn Fn(&str) -> Option<String>,
        db: Option<PathBuf>,
    ) -> anyhow::Result<Self> {
        let var = |name: &str| env(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let user = var("MATRIX_USER").or(file.user).context(
            "identifiant Matrix absent : variable MATRIX_USER ou `user` dans [matrix] (identifiant complet ou courriel)",
        )?;
        let login = if user.starts_with('@') {
            UserId::parse(user.as_str()).with_context(|| format!("identifiant Matrix invalide : {user}"))?;
            Login::User(user)
        } else if user.contains('@') {
            Login::Email(user)
        } else {
            Login::User(user)
        };
        let homeserver = var("MATRIX_HOMESERVER").or(file.homeserver);
        let homeserver = match (&login, homeserver) {
            (_, Some(h)) => Some(h),
            // The server name of a full user id leads to the homeserver (.well-known).
            (Login::User(u), None) if u.starts_with('@') => None,
            (_, None) => bail!(
                "serveur Matrix absent : avec un courriel ou un nom court, donnez MATRIX_HOMESERVER ou `homeserver`"
            ),
        };
        let data_dir =
            var("AIGUILLEUR_DATA_DIR").map(PathBuf::from).or(file.data_dir).unwrap_or_else(crate::driver::data_dir);
        let db = db.unwrap_or_else(|| data_dir.join("matrix.sqlite"));
        let servers = match var("MATRIX_ALLOWED_SERVERS") {
            Some(list) => Some(list.split(',').map(str::to_owned).collect()),
            None => file.allowed_servers,
        };
        let own_server_only = servers.is_none();
        let servers = servers
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.trim().to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
        let ids = |list: Vec<String>, what: &str| -> anyhow::Result<Vec<OwnedUserId>> {
            list.iter()
                .map(|u| UserId::parse(u.trim()).with_context(|| format!("{what} : identifiant invalide {u}")))
                .collect()
        };
        let access =
            Access { servers, users: ids(file.allowed_users, "allowed_users")?, admins: ids(file.admins, "admins")? };
        Ok(Self {
            homeserver,
            login,
            password: env("MATRIX_PASSWORD").filter(|p| !p.is_empty()).map(Secret::new),
            password_file: file.password_file,
            data_dir,
            db,
            access,
            own_server_only,
            device_name: file.device_name.unwrap_or_else(|| "aiguilleur".into()),
            display_name: file.display_name,
            typing_delay: Duration::from_millis(file.typing_delay_ms.unwrap_or(300)),
            store_passphrase_file: file.store_passphrase_file,
        })
    }

    /// The password, needed only for the first login.
    ///
    /// # Errors
    /// Neither `MATRIX_PASSWORD` nor a readable owner-only `password_file`.
    pub fn password(&self) -> anyhow::Result<Secret> {
        if let Some(p) = &self.password {
            return Ok(p.clone());
        }
        let Some(file) = &self.password_file else {
            bail!(
                "mot de passe Matrix absent : variable MATRIX_PASSWORD ou `password_file` (lisible par son seul propriétaire)"
            )
        };
        read_owner_only(file)
    }

    /// The crypto store's passphrase, when one is configured.
    ///
    /// # Errors
    /// An unreadable or too open passphrase file.
    pub fn store_passphrase(&self) -> anyhow::Result<Option<Secret>> {
        self.store_passphrase_file.as_deref().map(read_owner_only).transpose()
    }

    /// The directory of the Matrix session, crypto store and recovery key.
    #[must_use]
    pub fn matrix_dir(&self) -> PathBuf {
        self.data_dir.join("matrix")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |k| map.get(k).cloned()
    }

    fn file(toml_text: &str) -> MatrixFile {
        toml::from_str::<FileConfig>(toml_text).unwrap().matrix
    }

    #[test]
    fn environment_overrides_the_file() {
        let f = file(
            "[matrix]\nhomeserver = \"https://matrix.example.org\"\nuser = \"@bot:example.org\"\n\
             data_dir = \"/var/lib/x\"\nallowed_servers = [\"example.org\"]\n\n[discord]\ntoken_file = \"t\"\n",
        );
        let e = env(&[
            ("MATRIX_HOMESERVER", "http://127.0.0.1:8008"),
            ("MATRIX_USER", "bot@mairie.fr"),
            ("MATRIX_PASSWORD", "pw"),
            ("MATRIX_ALLOWED_SERVERS", "agent.tchap.gouv.fr, *.collectivites.fr"),
            ("AIGUILLEUR_DATA_DIR", "/tmp/d"),
        ]);
        let s = Settings::resolve(f, &e, None).unwrap();
        assert_eq!(s.homeserver.as_deref(), Some("http://127.0.0.1:8008"));
        assert_eq!(s.login, Login::Email("bot@mairie.fr".into()));
        assert_eq!(s.data_dir, PathBuf::from("/tmp/d"));
        assert_eq!(s.db, PathBuf::from("/tmp/d/matrix.sqlite"));
        assert_eq!(s.access.servers, vec!["agent.tchap.gouv.fr", "*.collectivites.fr"]);
        assert_eq!(s.password().unwrap().expose(), "pw");
        assert!(!format!("{s:?}").contains("pw\""), "password shown by Debug: {s:?}");
    }

    #[test]
    fn file_alone_and_db_option() {
        let f = file("[matrix]\nuser = \"@bot:example.org\"\nadmins = [\"@chef:example.org\"]\n");
        let s = Settings::resolve(f, &env(&[]), Some(PathBuf::from("/x.sqlite"))).unwrap();
        assert_eq!(s.homeserver, None, "found from the user id's server name");
        assert!(s.own_server_only);
        assert_eq!(s.db, PathBuf::from("/x.sqlite"));
        assert!(s.password().is_err());
    }

    #[test]
    fn email_needs_a_homeserver_and_typos_are_refused() {
        assert!(Settings::resolve(file("[matrix]\nuser = \"bot@mairie.fr\"\n"), &env(&[]), None).is_err());
        assert!(Settings::resolve(file(""), &env(&[]), None).is_err());
        assert!(toml::from_str::<FileConfig>("[matrix]\nhomserver = \"x\"\n").is_err());
        assert!(Settings::resolve(file("[matrix]\nuser = \"@bot\"\n"), &env(&[]), None).is_err());
    }

    #[test]
    fn example_config_reads() {
        let text = include_str!("../../aiguilleur.example.toml");
        let f = toml::from_str::<FileConfig>(text).unwrap().matrix;
        let s = Settings::resolve(f, &env(&[]), None).unwrap();
        assert_eq!(s.login, Login::Email("aiguilleur@manche.gouv.fr".into()));
        assert!(
            s.access.allows(&UserId::parse("@jean.dupont-manche.gouv.fr:agent.collectivites.tchap.gouv.fr").unwrap())
        );
        assert!(!s.access.allows(&UserId::parse("@x:matrix.org").unwrap()));
    }

    #[test]
    fn allow_list() {
        let access = Access {
            servers: vec!["agent.tchap.gouv.fr".into(), "*.collectivites.tchap.gouv.fr".into()],
            users: vec![UserId::parse("@maire:matrix.org").unwrap()],
            admins: vec![UserId::parse("@admin:example.org").unwrap()],
        };
        let ok = |u: &str| access.allows(&UserId::parse(u).unwrap());
        assert!(ok("@jean.dupont-manche.gouv.fr:agent.tchap.gouv.fr"));
        assert!(ok("@x:AGENT.tchap.gouv.fr"));
        assert!(ok("@x:agent.collectivites.tchap.gouv.fr"));
        assert!(ok("@x:collectivites.tchap.gouv.fr"));
        assert!(ok("@maire:matrix.org"));
        assert!(ok("@admin:example.org"));
        assert!(!ok("@autre:matrix.org"));
        assert!(!ok("@x:evil-agent.tchap.gouv.fr"));
        assert!(!ok("@x:agent.tchap.gouv.fr.evil.org"));
        assert!(!ok("@x:xcollectivites.tchap.gouv.fr"));
    }
}
