//! Discord, on serenity 0.12: gateway events become driver messages, replies are laid out by
//! [`crate::render::discord`] and sent as messages, embeds and components.
//!
//! Where it answers: direct messages; in servers (optionally an allow-list), messages that mention
//! the bot and the slash commands `/orienter` and `/question`. Each person has one conversation per
//! channel (`discord:{channel}:{user}` in the store); replies leave one channel's lane in order.
//! Choices are buttons (select menus past 25); a click is fed to the bot as the choice's number,
//! so typed answers and clicks are the same input. No dialogue logic here: what every transport
//! shares is the driver's ([`crate::driver`]).
//!
//! Gateway intents: `GUILD_MESSAGES` and `DIRECT_MESSAGES` only. Without the privileged
//! `MESSAGE_CONTENT` intent Discord still gives the text of direct messages and of messages that
//! mention the bot, which is all the bot reads; interactions come whatever the intents.

mod handler;
mod send;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, OnceLock};

use anyhow::Context as _;
use serenity::all::{ApplicationId, ClientBuilder, GatewayIntents, GuildId, Http, HttpBuilder};
use tracing::{info, warn};

use crate::config::discord::DiscordConfig;
use crate::driver::service::{self, Service, Setup};
use crate::driver::{Common, data_dir};

/// The intents the adapter uses, and nothing more.
#[must_use]
pub fn intents() -> GatewayIntents {
    GatewayIntents::GUILD_MESSAGES | GatewayIntents::DIRECT_MESSAGES
}

/// The Discord transport: the REST client and what the adapter remembers between events.
pub struct Discord {
    /// Set once the gateway client is built, before it starts.
    http: OnceLock<Arc<Http>>,
    /// Servers where the bot answers (empty: all).
    guilds: Vec<GuildId>,
    register_commands: bool,
    /// The bot's own user id, from READY.
    me: AtomicU64,
    registered: AtomicBool,
    /// Whether the replies kept from a previous run were queued (at the first READY).
    resent: AtomicBool,
    /// Interactions not answered yet, by id: whether they were deferred (see `handler`).
    acks: Mutex<HashMap<u64, Arc<tokio::sync::Mutex<send::Ack>>>>,
}

type Svc = Service<Discord>;

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
        None => crate::config::owner_only_dir(&data_dir())?.join("discord.sqlite"),
    };
    let mut http = HttpBuilder::new(token.expose()).default_allowed_mentions(send::no_mentions());
    if let Some(id) = cfg.application_id {
        http = http.application_id(ApplicationId::new(id.0));
    }
    if let Some(base) = &cfg.api_base {
        // serenity's rate limiter would still call discord.com: the proxy limits instead.
        warn!(base, "API Discord redirigée (limiteur de débit de serenity désactivé)");
        http = http.proxy(base.trim_end_matches('/')).ratelimiter_disabled(true);
    }
    drop(token);
    let http = http.build();
    // A refused token is said plainly here, rather than as a gateway close later.
    let me = http.get_current_user().await.map_err(|e| match &e {
        serenity::Error::Http(h) if h.status_code().is_some_and(|c| c.as_u16() == 401) => {
            anyhow::anyhow!("jeton Discord refusé (401) : vérifiez DISCORD_TOKEN ou token_file")
        }
        _ => anyhow::Error::new(e).context("API Discord injoignable"),
    })?;
    info!(bot = %me.name, id = %me.id, "jeton accepté");

    let setup = Setup { db, admins: cfg.admins.iter().map(|a| a.0.to_string()).collect() };
    let discord = Discord {
        http: OnceLock::new(),
        guilds: cfg.guilds.iter().map(|g| GuildId::new(g.0)).collect(),
        register_commands: cfg.register_commands,
        me: AtomicU64::new(0),
        registered: AtomicBool::new(false),
        resent: AtomicBool::new(false),
        acks: Mutex::default(),
    };
    service::serve(&common, setup, Arc::new(discord), |svc, mut stop| async move {
        let handler = handler::Handler(Arc::clone(&svc));
        let mut client =
            ClientBuilder::new_with_http(http, intents()).event_handler(handler).await.context("client Discord")?;
        let _ = svc.transport().http.set(Arc::clone(&client.http));
        let shards = client.shard_manager.clone();
        tokio::spawn(async move {
            stop.wait().await;
            info!("fermeture de la connexion à Discord");
            shards.shutdown_all().await;
        });
        client.start().await.context("passerelle Discord")
    })
    .await
}
