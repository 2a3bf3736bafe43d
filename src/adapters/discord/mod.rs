//! Discord, on serenity 0.12: gateway events become [`crate::bot::Incoming`], replies are laid out
//! by [`crate::render::discord`] and sent as messages, embeds and components.
//!
//! Where it answers: direct messages; in servers (optionally an allow-list), messages that mention
//! the bot and the slash commands `/orienter` and `/question`. Each person has one conversation per
//! channel (`discord:{channel}:{user}` in the store). Choices are buttons (select menus past 25);
//! a click is fed to the bot as the choice's number, so typed answers and clicks are the same
//! input. No dialogue logic here.
//!
//! Gateway intents: `GUILD_MESSAGES` and `DIRECT_MESSAGES` only. Without the privileged
//! `MESSAGE_CONTENT` intent Discord still gives the text of direct messages and of messages that
//! mention the bot, which is all the bot reads; interactions come whatever the intents.

mod config;
mod handler;
mod send;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use serenity::all::{ApplicationId, ClientBuilder, GatewayIntents, HttpBuilder};
use tracing::{info, warn};

pub use config::{DiscordConfig, Snowflake};

use super::{Common, SharedBot, now};
use crate::bot::Bot;
use crate::store::SqliteStore;

/// The intents the adapter uses, and nothing more.
#[must_use]
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES
}

/// Runs the bot on Discord until SIGTERM or SIGINT.
///
/// # Errors
/// Configuration or token missing, database unusable, or the gateway refusing the bot (bad token,
/// intents not allowed).
pub async fn run(common: Common, config: Option<PathBuf>) -> anyhow::Result<()> {
    let cfg = DiscordConfig::load(config.as_deref())?;
    let token = crate::config::read_secret("DISCORD_TOKEN", cfg.token_file.as_deref())?;
    let db = match common.db.clone().or_else(|| cfg.db.clone()) {
        Some(db) => db,
        None => default_db()?,
    };
    let store = SqliteStore::open(&db).with_context(|| format!("base {}", db.display()))?;
    let mut bot = Bot::new(common.content.clone(), store, &common.lang).with_retention_days(common.retention_days);
    bot.purge_idle(now())?;
    let bot: SharedBot = Arc::new(Mutex::new(bot));

    let mut http = HttpBuilder::new(&token).default_allowed_mentions(send::no_mentions());
    if let Some(id) = cfg.application_id {
        http = http.application_id(ApplicationId::new(id.0));
    }
    if let Some(base) = &cfg.api_base {
        // serenity's rate limiter would still call discord.com: the proxy limits instead.
        warn!(base, "API Discord redirigée (limiteur de débit de serenity désactivé)");
        http = http.proxy(base.trim_end_matches('/')).ratelimiter_disabled(true);
    }
    drop(token);

    // SIGHUP and changes under the content root reload the content (kept alive until the end).
    let _watcher = super::reload::spawn(bot.clone(), common.content_root.clone())
        .inspect_err(|e| warn!(error = %e, "surveillance du contenu indisponible (SIGHUP et !recharger restent)"))
        .ok();
    let handler = handler::Handler::new(bot.clone(), &cfg, common.content_root.clone());
    let http = http.build();
    // A refused token is said plainly here, rather than as a gateway close later.
    let me = http.get_current_user().await.map_err(|e| match &e {
        serenity::Error::Http(h) if h.status_code().is_some_and(|c| c.as_u16() == 401) => {
            anyhow::anyhow!("jeton Discord refusé (401) : vérifiez DISCORD_TOKEN ou token_file")
        }
        _ => anyhow::Error::new(e).context("API Discord injoignable"),
    })?;
    info!(bot = %me.name, id = %me.id, "jeton accepté");
    let mut client =
        ClientBuilder::new_with_http(http, intents()).event_handler(handler).await.context("client Discord")?;

    let shards = client.shard_manager.clone();
    tokio::spawn(async move {
        super::stop_signal().await;
        info!("arrêt demandé : fermeture de la connexion à Discord");
        shards.shutdown_all().await;
    });
    tokio::spawn(super::purge_loop(bot));

    info!(db = %db.display(), "démarrage sur Discord");
    client.start().await.context("passerelle Discord")?;
    info!("arrêté");
    Ok(())
}

/// `$XDG_DATA_HOME/aiguilleur/discord.sqlite`, else under `~/.local/share`, the directory
/// created readable by its owner only.
fn default_db() -> anyhow::Result<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .unwrap_or_else(|| PathBuf::from("."));
    let dir = crate::config::owner_only_dir(&base.join("aiguilleur"))?;
    Ok(Path::new(&dir).join("discord.sqlite"))
}
