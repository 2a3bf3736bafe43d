//! Gateway events to driver messages.
//!
//! Interactions must be acknowledged within three seconds. A turn takes microseconds and its
//! reply is normally the acknowledgement (see `send`); when the conversation's lane is still busy
//! sending an earlier reply, a timer defers the interaction first, and the reply then edits the
//! deferral. The two take the interaction's [`Ack`] lock in turn, so only one of them answers it.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use serenity::all::{
    ActionRowComponent, ButtonKind, ChannelId, Command, CommandInteraction, CommandOptionType, ComponentInteraction,
    ComponentInteractionDataKind, Context, CreateCommand, CreateCommandOption, CreateInteractionResponse,
    CreateInteractionResponseMessage, EventHandler, GuildId, Interaction, InteractionId, Message, MessageType, Ready,
    ResumedEvent, UserId,
};
use serenity::builder::Builder as _;
use tracing::{debug, info, warn};

use super::send::{self, Ack, Dest, Via};
use super::{Discord, Svc};
use crate::dialogue::vocab::Groupe;
use crate::driver::service::Submitted;
use crate::driver::{Message as Turn, Transport as _, locked};
use crate::inbound;
use crate::render::discord::{self as layout};

/// How long an interaction waits for its reply before being deferred.
const ACK_WAIT: Duration = Duration::from_millis(1500);
/// The longest text `/question` accepts (Discord allows up to 6000).
const QUESTION_MAX: u16 = 1000;

/// serenity's event handler: every event goes to the service.
pub(super) struct Handler(pub(super) Arc<Svc>);

impl Discord {
    fn allowed(&self, guild: Option<GuildId>) -> bool {
        guild.is_none_or(|g| self.guilds.is_empty() || self.guilds.contains(&g))
    }
}

impl Svc {
    fn on_message(self: &Arc<Self>, msg: &Message) {
        // People's messages only: not bots (this one included), not joins, pins or calls.
        if msg.author.bot || !matches!(msg.kind, MessageType::Regular | MessageType::InlineReply) {
            return;
        }
        let d = self.transport();
        let me = UserId::new(d.me.load(Ordering::Relaxed).max(1));
        if msg.guild_id.is_some() && (!d.allowed(msg.guild_id) || !msg.mentions.iter().any(|u| u.id == me)) {
            return;
        }
        let text = inbound::strip_discord_mention(&msg.content, me.get());
        let open = text.trim().is_empty();
        let dest = Dest { channel: msg.channel_id.get(), reply_to: msg.guild_id.map(|_| msg.id.get()), via: None };
        let msg = turn(msg.author.id, msg.channel_id, text, msg.id.get(), dest, msg.guild_id)
            .opening(open)
            .sent_at(msg.timestamp.unix_timestamp());
        self.submit(&msg);
    }

    async fn on_command(self: &Arc<Self>, ctx: &Context, c: &CommandInteraction) {
        if !self.transport().allowed(c.guild_id) {
            let text = self.say("discord-serveur-refuse");
            report(c.create_response(&ctx.http, CreateInteractionResponse::Message(send::ephemeral(&text))).await);
            return;
        }
        let (content, name) = (self.driver().content(), crate::text::fold(&c.data.name));
        let text = if content.vocab.list(Groupe::DiscordOrienter).contains(&name) {
            String::new()
        } else if content.vocab.list(Groupe::DiscordQuestion).contains(&name) {
            // Its one option, whatever the option is called.
            c.data.options.first().and_then(|o| o.value.as_str()).unwrap_or("").to_owned()
        } else {
            debug!(command = %name, "commande inconnue");
            return;
        };
        let open = text.trim().is_empty();
        let via = Via::Command { id: c.id.get(), token: c.token.clone() };
        let dest = Dest { channel: c.channel_id.get(), reply_to: None, via: Some(via) };
        let msg = turn(c.user.id, c.channel_id, text, c.id.get(), dest, c.guild_id).opening(open);
        self.interaction(ctx, c.id, &c.token, &msg).await;
    }

    async fn on_component(self: &Arc<Self>, ctx: &Context, c: &ComponentInteraction) {
        let acknowledge = || c.create_response(&ctx.http, CreateInteractionResponse::Acknowledge);
        let Some(clicked) = layout::parse_custom_id(&c.data.custom_id) else {
            report(acknowledge().await);
            return;
        };
        let notice = if !self.transport().allowed(c.guild_id) {
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
            report(acknowledge().await);
            return;
        };
        let via = Via::Click { id: c.id.get(), token: c.token.clone(), label: chosen_label(c, n) };
        let dest = Dest { channel: c.channel_id.get(), reply_to: None, via: Some(via) };
        let msg = turn(c.user.id, c.channel_id, n.to_string(), c.id.get(), dest, c.guild_id).answering(&clicked.turn);
        self.interaction(ctx, c.id, &c.token, &msg).await;
    }

    /// Runs an interaction's turn; its reply answers it (see `send`), or edits the deferral this
    /// sends when the reply has not started within [`ACK_WAIT`].
    async fn interaction(self: &Arc<Self>, ctx: &Context, id: InteractionId, token: &str, msg: &Turn<Dest>) {
        let ack = Arc::new(tokio::sync::Mutex::new(Ack::Fresh));
        let acks = || locked(&self.transport().acks);
        acks().insert(id.get(), Arc::clone(&ack));
        let outcome = self.submit(msg);
        if outcome != Submitted::Queued {
            acks().remove(&id.get());
        }
        let click = msg.answering.is_some();
        match outcome {
            Submitted::Queued => {
                let (http, token) = (Arc::clone(&ctx.http), token.to_owned());
                tokio::spawn(async move {
                    tokio::time::sleep(ACK_WAIT).await;
                    let mut state = ack.lock().await;
                    if *state == Ack::Fresh {
                        let defer = if click {
                            CreateInteractionResponse::Acknowledge
                        } else {
                            CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new())
                        };
                        report(defer.execute(&http, (id, &token)).await);
                        *state = Ack::Deferred;
                    }
                });
            }
            Submitted::Stale => {
                let text = self.say("discord-bouton-perime");
                let notice = CreateInteractionResponse::Message(send::ephemeral(&text));
                report(notice.execute(&ctx.http, (id, token)).await);
            }
            Submitted::Nothing if click => {
                report(CreateInteractionResponse::Acknowledge.execute(&ctx.http, (id, token)).await)
            }
            Submitted::Nothing => {}
        }
    }

    /// `/orienter` and `/question`, named by the vocabulary (the first word of each group).
    fn commands(&self) -> Vec<CreateCommand> {
        let content = self.driver().content();
        let name = |g| content.vocab.first(g).unwrap_or_default().to_owned();
        // Discord wants option names in lower case, without spaces.
        let option = crate::text::fold(&self.say("discord-option-nom")).replace(' ', "-");
        vec![
            CreateCommand::new(name(Groupe::DiscordOrienter))
                .description(short(&self.say("discord-commande-orienter"))),
            CreateCommand::new(name(Groupe::DiscordQuestion))
                .description(short(&self.say("discord-commande-question")))
                .add_option(
                    CreateCommandOption::new(
                        CommandOptionType::String,
                        option.chars().take(32).collect::<String>(),
                        short(&self.say("discord-option-texte")),
                    )
                    .required(true)
                    .max_length(QUESTION_MAX),
                ),
        ]
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        let d = self.0.transport();
        d.me.store(ready.user.id.get(), Ordering::Relaxed);
        if ctx.http.application_id().is_none() {
            ctx.http.set_application_id(ready.application.id);
        }
        info!(utilisateur = %ready.user.name, serveurs = ready.guilds.len(), "connecté à Discord");
        if !d.resent.swap(true, Ordering::SeqCst) {
            self.0.resend_pending();
        }
        if d.register_commands && !d.registered.swap(true, Ordering::SeqCst) {
            match Command::set_global_commands(&ctx.http, self.0.commands()).await {
                Ok(c) => info!(n = c.len(), "commandes « / » enregistrées"),
                Err(e) => {
                    warn!(error = %e, "enregistrement des commandes");
                    d.registered.store(false, Ordering::SeqCst);
                }
            }
        }
    }

    async fn resume(&self, _ctx: Context, _: ResumedEvent) {
        info!("session Discord reprise");
    }

    async fn message(&self, _ctx: Context, msg: Message) {
        self.0.on_message(&msg);
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match &interaction {
            Interaction::Command(c) => self.0.on_command(&ctx, c).await,
            Interaction::Component(c) => self.0.on_component(&ctx, c).await,
            _ => {}
        }
    }
}

/// What `user` wrote in `channel` (event `event`), answered at `dest`.
fn turn(user: UserId, channel: ChannelId, text: String, event: u64, dest: Dest, guild: Option<GuildId>) -> Turn<Dest> {
    let (user, channel) = (user.to_string(), channel.to_string());
    Turn::new(Discord::NAME, &user, &channel, text, Some(event.to_string()), dest).private(guild.is_none())
}

/// Logs a failed call to Discord.
fn report<T>(r: serenity::Result<T>) {
    if let Err(e) = r {
        warn!(error = %e, "appel à Discord");
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
    layout::shorten(&label, layout::limits::BUTTON_LABEL)
}

/// Command descriptions: at most 100 characters.
fn short(s: &str) -> String {
    layout::shorten(s, 100)
}
