//! Gateway events to turns of the bot, and each turn's replies back to Discord.
//!
//! A person's turns in one channel run one at a time (a lock per conversation), so their replies
//! never interleave. Interactions must be acknowledged within three seconds: a turn takes
//! microseconds, so the reply itself is the acknowledgement; only when an earlier turn of the same
//! conversation is still sending does the interaction get deferred first.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serenity::all::{
    ActionRowComponent, ButtonKind, ChannelId, Command, CommandInteraction, CommandOptionType, ComponentInteraction,
    ComponentInteractionDataKind, Context, CreateCommand, CreateCommandOption, CreateInteractionResponse,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, EditInteractionResponse, EventHandler,
    GuildId, Interaction, Message, MessageId, MessageType, Ready, ResumedEvent, UserId,
};
use tokio::sync::OwnedMutexGuard;
use tracing::{debug, error, info, warn};

use super::config::DiscordConfig;
use super::send;
use crate::adapters::{SharedBot, now, reload};
use crate::bot::{Bot, Incoming};
use crate::render::Block;
use crate::render::discord::{self as layout, Asker};
use crate::reply::Reply;
use crate::store::SqliteStore;

/// How long an interaction waits for its conversation's previous turn before being deferred.
const ACK_WAIT: Duration = Duration::from_millis(1500);
/// Conversations whose lock and last turn are kept in memory before old ones are dropped.
const MAX_TRACKED: usize = 10_000;
/// The longest text `/question` accepts (Discord allows up to 6000).
const QUESTION_MAX: u16 = 1000;

pub struct Handler {
    bot: SharedBot,
    guilds: Vec<GuildId>,
    admins: Vec<UserId>,
    register_commands: bool,
    content_root: PathBuf,
    /// The bot's own user id, from READY.
    me: AtomicU64,
    registered: AtomicBool,
    /// Whether the replies kept from a previous run were sent (at the first READY).
    resent: AtomicBool,
    /// One lock per conversation: its turns run in order.
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Per conversation, the turn whose question is the one to answer: clicks on older buttons
    /// are refused (they would answer the current question with an old choice's number).
    /// In memory: after a restart any click is taken, as if typed.
    last_turn: Mutex<HashMap<String, String>>,
}

/// The transport name in session keys (`discord:<channel>:<user>`).
const TRANSPORT: &str = "discord";

/// A turn's messages, and the store's id and nonce of the reply when it is kept until sent.
#[derive(Default)]
struct Turn {
    messages: Vec<layout::Message>,
    kept: Option<(i64, String)>,
}

fn locked(bot: &SharedBot) -> std::sync::MutexGuard<'_, Bot<SqliteStore>> {
    bot.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Handler {
    pub fn new(bot: SharedBot, cfg: &DiscordConfig, content_root: PathBuf) -> Self {
        Self {
            bot,
            guilds: cfg.guilds.iter().map(|g| GuildId::new(g.0)).collect(),
            admins: cfg.admins.iter().map(|u| UserId::new(u.0)).collect(),
            register_commands: cfg.register_commands,
            content_root,
            me: AtomicU64::new(0),
            registered: AtomicBool::new(false),
            resent: AtomicBool::new(false),
            turns: Mutex::new(HashMap::new()),
            last_turn: Mutex::new(HashMap::new()),
        }
    }

    fn allowed(&self, guild: Option<GuildId>) -> bool {
        guild.is_none_or(|g| self.guilds.is_empty() || self.guilds.contains(&g))
    }

    /// A message of the bot's own (not a dialogue reply), in the bot's language.
    fn say(&self, id: &str) -> String {
        let b = locked(&self.bot);
        b.content().locales.msg(b.lang(), id, &[])
    }

    async fn lock(&self, key: &str) -> OwnedMutexGuard<()> {
        let m = {
            let mut turns = self.turns.lock().unwrap_or_else(PoisonError::into_inner);
            if turns.len() > MAX_TRACKED {
                // Forget the locks nobody holds or waits for.
                turns.retain(|_, m| Arc::strong_count(m) > 1);
            }
            turns.entry(key.to_owned()).or_default().clone()
        };
        m.lock_owned().await
    }

    fn is_stale(&self, key: &str, turn: &str) -> bool {
        let last = self.last_turn.lock().unwrap_or_else(PoisonError::into_inner);
        last.get(key).is_some_and(|t| t != turn)
    }

    fn set_last(&self, key: &str, turn: &str) {
        let mut last = self.last_turn.lock().unwrap_or_else(PoisonError::into_inner);
        if last.len() > MAX_TRACKED && !last.contains_key(key) {
            // As after a restart: clicks on old buttons are taken as typed answers again.
            last.clear();
        }
        last.insert(key.to_owned(), turn.to_owned());
    }

    /// Runs one turn and lays the replies out for `channel`. `open`: the person asked to start or
    /// go on (an empty mention, `/orienter`): where they were if they have a conversation, else a
    /// welcome. The reply of a turn is kept in the store with the turn, until [`Self::delivered`].
    async fn turn(&self, inc: Incoming, open: bool, channel: ChannelId, reply_to: Option<MessageId>) -> Turn {
        let bot = self.bot.clone();
        let done = tokio::task::spawn_blocking(move || {
            let mut b = locked(&bot);
            let turn = inc.event_id.clone().unwrap_or_else(|| inc.now.to_string());
            if open && b.has_session(&inc)? {
                let replies = b.resume(&inc)?;
                return Ok(Turn { messages: lay_out(&b, &replies, &inc.user, &turn), kept: None });
            }
            let inc = if open { Incoming { text: "bonjour".into(), ..inc } } else { inc };
            let placeholder = b.content().locales.msg(b.lang(), "discord-choisir", &[]);
            let asker = Asker { owner: &inc.user, turn: &turn, placeholder: &placeholder };
            let pack = |blocks: &[Block]| send::Packed::new(channel, reply_to, layout::messages(blocks, &asker)).json();
            let Some(pending) = b.handle_durable(&inc, &pack)? else {
                return Ok(Turn::default());
            };
            let packed: send::Packed = serde_json::from_str(&pending.payload)?;
            Ok::<_, crate::store::StoreError>(Turn {
                messages: packed.messages,
                kept: Some((pending.id, packed.nonce)),
            })
        })
        .await;
        match done {
            Ok(Ok(t)) => t,
            Ok(Err(e)) => {
                error!(error = %e, "base des conversations");
                let b = locked(&self.bot);
                Turn { messages: lay_out(&b, &[Reply::say("erreur-interne")], "-", "-"), kept: None }
            }
            Err(e) => {
                error!(error = %e, "tour interrompu");
                Turn::default()
            }
        }
    }

    /// Forgets a turn's kept reply once sent (or given up).
    fn delivered(&self, turn: &Turn) {
        if let Some((id, _)) = &turn.kept {
            self.forget_kept(*id);
        }
    }

    fn forget_kept(&self, id: i64) {
        if let Err(e) = locked(&self.bot).delivered(id) {
            warn!(error = %e, "base des conversations : réponse envoyée non retirée de l'attente");
        }
    }

    /// At the first READY: the replies kept but not sent when the bot stopped, each in its
    /// conversation's turn, with the nonces they had.
    async fn resend_pending(&self, ctx: &Context) {
        let pending = match locked(&self.bot).pending(TRANSPORT) {
            Ok(p) => p,
            Err(e) => {
                error!(error = %e, "base des conversations : réponses en attente illisibles");
                return;
            }
        };
        if !pending.is_empty() {
            info!(nombre = pending.len(), "réponses non parties avant l'arrêt : envoi");
        }
        for p in pending {
            let _turn = self.lock(&p.key).await;
            match serde_json::from_str::<send::Packed>(&p.payload) {
                Ok(packed) => {
                    for i in 0..packed.messages.len() {
                        let channel = ChannelId::new(packed.channel.max(1));
                        if let Err(e) = channel.send_message(&ctx.http, packed.channel_message(i)).await {
                            warn!(error = %e, %channel, "réponse en attente non envoyée, abandonnée");
                            break;
                        }
                    }
                }
                Err(e) => warn!(error = %e, "réponse en attente illisible, abandonnée"),
            }
            self.forget_kept(p.id);
        }
    }

    async fn on_message(&self, ctx: &Context, msg: &Message) {
        // People's messages only: not bots (this one included), not joins, pins or calls.
        if msg.author.bot || !matches!(msg.kind, MessageType::Regular | MessageType::InlineReply) {
            return;
        }
        let me = UserId::new(self.me.load(Ordering::Relaxed).max(1));
        if msg.guild_id.is_some() && (!self.allowed(msg.guild_id) || !msg.mentions.iter().any(|u| u.id == me)) {
            return;
        }
        let text = strip_mention(&msg.content, me);
        if msg.guild_id.is_none()
            && self.admins.contains(&msg.author.id)
            && reload::admin_command(&text) == Some(reload::AdminCommand::Reload)
        {
            self.reload(ctx, msg.channel_id, &msg.author.id.to_string()).await;
            return;
        }
        let open = text.trim().is_empty();
        let inc = Incoming {
            transport: TRANSPORT.into(),
            user: msg.author.id.to_string(),
            conversation: msg.channel_id.to_string(),
            text,
            event_id: Some(msg.id.to_string()),
            now: now(),
            sent_at: Some(msg.timestamp.unix_timestamp()),
        };
        let key = inc.key();
        let _turn = self.lock(&key).await;
        let reply_to = msg.guild_id.map(|_| msg.id);
        let out = self.turn(inc, open, msg.channel_id, reply_to).await;
        if out.messages.is_empty() {
            return;
        }
        self.set_last(&key, &msg.id.to_string());
        // A kept reply goes with the nonce it was stored with: resent at the next start, it
        // is not posted twice.
        let mut packed = send::Packed::new(msg.channel_id, reply_to, out.messages.clone());
        if let Some((_, nonce)) = &out.kept {
            packed.nonce.clone_from(nonce);
        }
        for i in 0..packed.messages.len() {
            let b = packed.channel_message(i);
            if let Err(e) = msg.channel_id.send_message(&ctx.http, b).await {
                warn!(error = %e, channel = %msg.channel_id, "envoi d'un message");
                break;
            }
        }
        self.delivered(&out);
    }

    async fn on_command(&self, ctx: &Context, c: &CommandInteraction) {
        if !self.allowed(c.guild_id) {
            let text = self.say("discord-serveur-refuse");
            report(c.create_response(&ctx.http, CreateInteractionResponse::Message(send::ephemeral(&text))).await);
            return;
        }
        let text = match c.data.name.as_str() {
            "orienter" => String::new(),
            "question" => c
                .data
                .options
                .iter()
                .find(|o| o.name == "texte")
                .and_then(|o| o.value.as_str())
                .unwrap_or("")
                .to_owned(),
            other => {
                debug!(command = other, "commande inconnue");
                return;
            }
        };
        let open = text.trim().is_empty();
        let inc = incoming(c.user.id, c.channel_id, text, &c.id.to_string());
        let key = inc.key();
        let (_turn, deferred) = match tokio::time::timeout(ACK_WAIT, self.lock(&key)).await {
            Ok(g) => (g, false),
            Err(_) => {
                report(c.defer(&ctx.http).await);
                (self.lock(&key).await, true)
            }
        };
        let out = self.turn(inc, open, c.channel_id, None).await;
        let Some((first, rest)) = out.messages.split_first() else {
            return;
        };
        self.set_last(&key, &c.id.to_string());
        let sent = if deferred {
            c.edit_response(&ctx.http, send::edit(first)).await.map(|_| ())
        } else {
            c.create_response(&ctx.http, CreateInteractionResponse::Message(send::response(first))).await
        };
        if report(sent) {
            for m in rest {
                if !report(c.create_followup(&ctx.http, send::followup(m)).await) {
                    break;
                }
            }
        }
        self.delivered(&out);
    }

    async fn on_component(&self, ctx: &Context, c: &ComponentInteraction) {
        let Some(clicked) = layout::parse_custom_id(&c.data.custom_id) else {
            report(c.create_response(&ctx.http, CreateInteractionResponse::Acknowledge).await);
            return;
        };
        let notice = if !self.allowed(c.guild_id) {
            Some("discord-serveur-refuse")
        } else if clicked.owner != c.user.id.to_string() {
            Some("discord-bouton-autre")
        } else {
            None
        };
        if let Some(id) = notice {
            let text = self.say(id);
            report(c.create_response(&ctx.http, CreateInteractionResponse::Message(send::ephemeral(&text))).await);
            return;
        }
        let choice = match (&clicked.choice, &c.data.kind) {
            (Some(n), _) => Some(*n),
            (None, ComponentInteractionDataKind::StringSelect { values }) => {
                values.first().and_then(|v| v.parse::<usize>().ok())
            }
            _ => None,
        };
        let Some(n) = choice else {
            report(c.create_response(&ctx.http, CreateInteractionResponse::Acknowledge).await);
            return;
        };
        let inc = incoming(c.user.id, c.channel_id, n.to_string(), &c.id.to_string());
        let key = inc.key();
        let (_turn, deferred) = match tokio::time::timeout(ACK_WAIT, self.lock(&key)).await {
            Ok(g) => (g, false),
            Err(_) => {
                report(c.create_response(&ctx.http, CreateInteractionResponse::Acknowledge).await);
                (self.lock(&key).await, true)
            }
        };
        if self.is_stale(&key, &clicked.turn) {
            let text = self.say("discord-bouton-perime");
            let sent = if deferred {
                c.create_followup(&ctx.http, CreateInteractionResponseFollowup::new().content(text).ephemeral(true))
                    .await
                    .map(|_| ())
            } else {
                c.create_response(&ctx.http, CreateInteractionResponse::Message(send::ephemeral(&text))).await
            };
            report(sent);
            return;
        }
        let label = chosen_label(c, n);
        let out = self.turn(inc, false, c.channel_id, None).await;
        if out.messages.is_empty() {
            if !deferred {
                report(c.create_response(&ctx.http, CreateInteractionResponse::Acknowledge).await);
            }
            return;
        }
        self.set_last(&key, &c.id.to_string());
        // The question's message keeps its text; its choices give way to the one taken.
        let done = send::answered(&label);
        let sent = if deferred {
            c.edit_response(&ctx.http, EditInteractionResponse::new().components(done)).await.map(|_| ())
        } else {
            c.create_response(
                &ctx.http,
                CreateInteractionResponse::UpdateMessage(CreateInteractionResponseMessage::new().components(done)),
            )
            .await
        };
        if report(sent) {
            for m in &out.messages {
                if !report(c.create_followup(&ctx.http, send::followup(m)).await) {
                    break;
                }
            }
        }
        self.delivered(&out);
    }

    /// `!recharger` from an admin: the content is read again and replaces the current one only
    /// if it validates (see [`crate::adapters::reload`]).
    async fn reload(&self, ctx: &Context, channel: ChannelId, user: &str) {
        let root = self.content_root.clone();
        let bot = self.bot.clone();
        let owner = user.to_owned();
        let out = tokio::task::spawn_blocking(move || {
            let outcome = reload::try_reload(&bot, &root);
            let b = locked(&bot);
            lay_out(&b, &reload::outcome_replies(&outcome), &owner, "-")
        })
        .await
        .unwrap_or_default();
        for m in &out {
            if let Err(e) = channel.send_message(&ctx.http, send::message(m)).await {
                warn!(error = %e, "envoi d'un message");
                break;
            }
        }
    }

    fn commands(&self) -> Vec<CreateCommand> {
        vec![
            CreateCommand::new("orienter").description(short(&self.say("discord-commande-orienter"))),
            CreateCommand::new("question").description(short(&self.say("discord-commande-question"))).add_option(
                CreateCommandOption::new(CommandOptionType::String, "texte", short(&self.say("discord-option-texte")))
                    .required(true)
                    .max_length(QUESTION_MAX),
            ),
        ]
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        self.me.store(ready.user.id.get(), Ordering::Relaxed);
        if ctx.http.application_id().is_none() {
            ctx.http.set_application_id(ready.application.id);
        }
        info!(utilisateur = %ready.user.name, serveurs = ready.guilds.len(), "connecté à Discord");
        if !self.resent.swap(true, Ordering::SeqCst) {
            self.resend_pending(&ctx).await;
        }
        if self.register_commands && !self.registered.swap(true, Ordering::SeqCst) {
            match Command::set_global_commands(&ctx.http, self.commands()).await {
                Ok(c) => info!(n = c.len(), "commandes /orienter et /question enregistrées"),
                Err(e) => {
                    warn!(error = %e, "enregistrement des commandes");
                    self.registered.store(false, Ordering::SeqCst);
                }
            }
        }
    }

    async fn resume(&self, _ctx: Context, _: ResumedEvent) {
        info!("session Discord reprise");
    }

    async fn message(&self, ctx: Context, msg: Message) {
        self.on_message(&ctx, &msg).await;
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match &interaction {
            Interaction::Command(c) => self.on_command(&ctx, c).await,
            Interaction::Component(c) => self.on_component(&ctx, c).await,
            _ => {}
        }
    }
}

fn incoming(user: UserId, channel: ChannelId, text: String, event: &str) -> Incoming {
    Incoming {
        transport: TRANSPORT.into(),
        user: user.to_string(),
        conversation: channel.to_string(),
        text,
        event_id: Some(event.to_owned()),
        now: now(),
        sent_at: None,
    }
}

fn lay_out(b: &Bot<SqliteStore>, replies: &[Reply], user: &str, turn: &str) -> Vec<layout::Message> {
    let blocks = b.blocks(replies);
    let placeholder = b.content().locales.msg(b.lang(), "discord-choisir", &[]);
    layout::messages(&blocks, &Asker { owner: user, turn, placeholder: &placeholder })
}

/// Logs a failed call to Discord; whether it went through.
fn report<T>(r: serenity::Result<T>) -> bool {
    match r {
        Ok(_) => true,
        Err(e) => {
            warn!(error = %e, "appel à Discord");
            false
        }
    }
}

/// The label of the choice clicked, as shown on its button or menu option, with a check mark.
fn chosen_label(c: &ComponentInteraction, n: usize) -> String {
    let value = n.to_string();
    let found = c.message.components.iter().flat_map(|r| &r.components).find_map(|comp| match comp {
        ActionRowComponent::Button(b) => match &b.data {
            ButtonKind::NonLink { custom_id, .. } if *custom_id == c.data.custom_id => b.label.clone(),
            _ => None,
        },
        ActionRowComponent::SelectMenu(s) if s.custom_id.as_deref() == Some(c.data.custom_id.as_str()) => {
            s.options.iter().find(|o| o.value == value).map(|o| o.label.clone())
        }
        _ => None,
    });
    let label = format!("✓ {}", found.unwrap_or(value));
    short_to(&label, layout::limits::BUTTON_LABEL)
}

/// Command descriptions: at most 100 characters.
fn short(s: &str) -> String {
    short_to(s, 100)
}

fn short_to(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The text of a message without the mentions of the bot (`<@id>` or `<@!id>`).
fn strip_mention(text: &str, me: UserId) -> String {
    text.replace(&format!("<@{me}>"), " ").replace(&format!("<@!{me}>"), " ").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_of_the_bot_are_removed() {
        let me = UserId::new(42);
        assert_eq!(strip_mention("<@42> Carolles", me), "Carolles");
        assert_eq!(strip_mention("bonjour <@!42>", me), "bonjour");
        assert_eq!(strip_mention("<@43> x", me), "<@43> x");
    }
}
