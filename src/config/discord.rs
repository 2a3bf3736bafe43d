//! The `[discord]` section of the configuration file, and the environment that overrides it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The whole configuration file: only the `[discord]` section concerns this adapter.
#[derive(Debug, Default, Deserialize)]
pub struct File {
    #[serde(default)]
    pub discord: DiscordConfig,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    /// File holding the bot token (owner-only), when `DISCORD_TOKEN` is not set.
    pub token_file: Option<PathBuf>,
    /// The application id (also learnt from the gateway's READY).
    pub application_id: Option<Snowflake>,
    /// Servers where the bot answers; empty: every server it is invited to.
    pub guilds: Vec<Snowflake>,
    /// People who may send `!recharger` in a direct message to reload the content.
    pub admins: Vec<Snowflake>,
    /// The conversations' SQLite file (`--db` wins).
    pub db: Option<PathBuf>,
    /// Registers `/orienter` and `/question` at start (global commands).
    pub register_commands: bool,
    /// Another base URL for Discord's API (a loopback fake in tests, an HTTP proxy). Also
    /// `DISCORD_API_BASE`. Disables serenity's own rate limiter: the proxy must do it.
    pub api_base: Option<String>,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        Self {
            token_file: None,
            application_id: None,
            guilds: vec![],
            admins: vec![],
            db: None,
            register_commands: true,
            api_base: None,
        }
    }
}

impl DiscordConfig {
    /// Reads the file (if any) and applies the environment.
    ///
    /// # Errors
    /// Unreadable file or a section that does not fit.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let mut c = crate::config::read_toml::<File>(path)?.discord;
        if let Some(base) = std::env::var("DISCORD_API_BASE").ok().filter(|s| !s.trim().is_empty()) {
            c.api_base = Some(base);
        }
        if let Some(id) = std::env::var("DISCORD_APPLICATION_ID").ok().filter(|s| !s.trim().is_empty()) {
            let n = id.trim().parse().ok().filter(|&n: &u64| n != 0);
            let n = n.ok_or_else(|| anyhow::anyhow!("DISCORD_APPLICATION_ID invalide : {id}"))?;
            c.application_id = Some(Snowflake(n));
        }
        Ok(c)
    }
}

/// A Discord id, written in TOML as a number or as a string (as Discord's interface copies it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Snowflake(pub u64);

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u64),
            S(String),
        }
        let n = match Raw::deserialize(d)? {
            Raw::N(n) => Some(n),
            Raw::S(s) => s.trim().parse().ok(),
        };
        n.filter(|&n| n != 0)
            .map(Self)
            .ok_or_else(|| serde::de::Error::custom("identifiant Discord invalide (un nombre non nul)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_discord_section_beside_others() {
        let text = r#"
            [matrix]
            homeserver = "https://example.org"

            [discord]
            application_id = 1234
            guilds = [111, "222"]
            admins = ["333"]
            register_commands = false
        "#;
        let f: File = toml::from_str(text).unwrap();
        assert_eq!(f.discord.application_id, Some(Snowflake(1234)));
        assert_eq!(f.discord.guilds, [Snowflake(111), Snowflake(222)]);
        assert_eq!(f.discord.admins, [Snowflake(333)]);
        assert!(!f.discord.register_commands);
        let f: File = toml::from_str("").unwrap();
        assert!(f.discord.register_commands);
        assert!(toml::from_str::<File>("[discord]\ntoken = \"x\"").is_err(), "a token never sits in the file");
        assert!(toml::from_str::<File>("[discord]\nguilds = [0]").is_err());
        assert!(toml::from_str::<File>("[discord]\nadmins = [\"abc\"]").is_err());
    }

    #[test]
    fn the_example_file_reads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("aiguilleur.example.toml");
        let f: File = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(f.discord.register_commands && f.discord.guilds.is_empty() && f.discord.api_base.is_none());
    }
}
