//! From [`crate::render::discord`] values to serenity's builders, and the delivery of a reply.
//!
//! A reply's messages are channel messages, each with a nonce that Discord enforces
//! (`enforce_nonce`): the reply's key, a dash and the message's rank. A message that did reach
//! Discord before a crash or a failed answer is then not posted twice when the driver sends the
//! reply again. Only the first message of a slash command's reply is the interaction's response
//! (or the edit of its deferral, an edit being harmless to repeat); a click's response is the
//! update of the question (its choices give way to the one taken), and the reply follows as
//! channel messages: follow-ups carry no nonce, and one sent again after a crash was posted twice.

use serde::{Deserialize, Serialize};
use serenity::all::{
    ButtonStyle, ChannelId, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, CreateSelectMenu, CreateSelectMenuKind,
    CreateSelectMenuOption, EditInteractionResponse, Http, InteractionId, MessageId, Nonce,
};
use serenity::builder::Builder as _;
use tracing::debug;

use super::Discord;
use crate::driver::locked;
use crate::driver::service::{Deliver, Failure};
use crate::driver::{Outgoing, RenderCx, Transport};
use crate::render::Block;
use crate::render::discord::{self as layout, Asker, Embed, Message, Row};

/// Where a reply goes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dest {
    pub(super) channel: u64,
    /// The person's message, which the first message answers (server channels).
    pub(super) reply_to: Option<u64>,
    /// The interaction the reply answers, if any.
    pub(super) via: Option<Via>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Via {
    /// A slash command: the first message is its response.
    Command { id: u64, token: String },
    /// A click: its response shows the choice taken (`label`).
    Click { id: u64, token: String, label: String },
}

impl Via {
    fn id(&self) -> u64 {
        match self {
            Self::Command { id, .. } | Self::Click { id, .. } => *id,
        }
    }
}

/// Where an interaction's acknowledgement stands; held while it is being made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ack {
    Fresh,
    Deferred,
    Done,
}

impl Transport for Discord {
    const NAME: &'static str = "discord";
    type Dest = Dest;
    type Body = Vec<Message>;

    fn render(&self, blocks: &[Block], cx: &RenderCx<'_>) -> Vec<Message> {
        let placeholder = cx.content.locales.msg(cx.lang, "discord-choisir", &[]);
        layout::messages(blocks, &Asker { owner: cx.user, turn: cx.turn, placeholder: &placeholder })
    }

    fn lane(dest: &Dest) -> String {
        dest.channel.to_string()
    }

    fn push_dest(dest: &Dest) -> Option<Dest> {
        Some(Dest { channel: dest.channel, reply_to: None, via: None })
    }
}

impl Deliver for Discord {
    async fn deliver(&self, out: &Outgoing<Self>) -> Result<(), Failure> {
        let http = self.http.get().ok_or_else(|| Failure::transient("client Discord pas encore prêt"))?;
        let result = self.send(http, out).await;
        if let Some(via) = out.env.dest.via.as_ref().filter(|_| !matches!(result, Err(Failure::Transient { .. }))) {
            locked(&self.acks).remove(&via.id());
        }
        result
    }
}

impl Discord {
    async fn send(&self, http: &Http, out: &Outgoing<Self>) -> Result<(), Failure> {
        let (dest, body) = (&out.env.dest, &out.env.body);
        let ack = dest.via.as_ref().and_then(|v| locked(&self.acks).get(&v.id()).cloned());
        // Held while the interaction is answered, so that its timer does not defer it meanwhile.
        let mut held = match ack {
            Some(a) => Some(a.lock_owned().await),
            None => None,
        };
        // Without an acknowledgement in memory (a reply sent again after a restart), the
        // interaction is not answered again: a command's response is edited, a click's not touched.
        let state = held.as_deref().copied().unwrap_or(Ack::Deferred);
        let from = match &dest.via {
            Some(Via::Command { id, token }) if !body.is_empty() => {
                let answered = if state == Ack::Fresh {
                    let first = CreateInteractionResponse::Message(response(&body[0]));
                    first.execute(http, (InteractionId::new(*id), token)).await
                } else {
                    edit(&body[0]).execute(http, token).await.map(|_| ())
                };
                match answered.map_err(|e| failure(&e)) {
                    Ok(()) => 1,
                    Err(f @ Failure::Transient { .. }) => {
                        // It may have arrived: the next try edits it rather than answer again.
                        if let Some(h) = held.as_mut() {
                            **h = Ack::Deferred;
                        }
                        return Err(f);
                    }
                    Err(f) => {
                        debug!("réponse à la commande impossible ({f}) : message ordinaire");
                        0
                    }
                }
            }
            Some(Via::Click { id, token, label }) if held.is_some() => {
                let shown = match state {
                    Ack::Fresh => {
                        let update = CreateInteractionResponseMessage::new().components(answered(label));
                        let update = CreateInteractionResponse::UpdateMessage(update);
                        update.execute(http, (InteractionId::new(*id), token)).await
                    }
                    Ack::Deferred => {
                        let edit = EditInteractionResponse::new().components(answered(label));
                        edit.execute(http, token).await.map(|_| ())
                    }
                    Ack::Done => Ok(()),
                };
                // Only the question's display: not worth holding the reply for.
                if let Err(e) = shown {
                    debug!("choix non affiché sur la question : {e}");
                }
                0
            }
            _ => 0,
        };
        if let Some(h) = held.as_mut() {
            **h = Ack::Done;
        }
        drop(held);
        for (i, m) in body.iter().enumerate().skip(from) {
            let mut b = message(m).nonce(Nonce::String(format!("{}-{i}", out.env.key))).enforce_nonce(true);
            if let (0, Some(id)) = (i, dest.reply_to) {
                b = b.reference_message((ChannelId::new(dest.channel), MessageId::new(id)));
            }
            ChannelId::new(dest.channel.max(1)).send_message(http, b).await.map_err(|e| failure(&e))?;
        }
        Ok(())
    }
}

/// What a failed call means for the driver ([`Failure::from_http`]).
fn failure(e: &serenity::Error) -> Failure {
    let (status, network) = match e {
        serenity::Error::Http(h) => {
            (h.status_code().map(|s| s.as_u16()), matches!(h, serenity::http::HttpError::Request(_)))
        }
        _ => (None, false),
    };
    Failure::from_http(status, network, None, e)
}

/// Nobody is ever pinged: not `@everyone`, not a role, not even the person answered.
pub fn no_mentions() -> CreateAllowedMentions {
    CreateAllowedMentions::new().replied_user(false)
}

fn embed(e: &Embed) -> CreateEmbed {
    let mut b = CreateEmbed::new().colour(0x0000_55a4_u32);
    if let Some(t) = &e.title {
        b = b.title(t);
        if let Some(u) = &e.url {
            b = b.url(u);
        }
    }
    if !e.description.is_empty() {
        b = b.description(&e.description);
    }
    for f in &e.fields {
        b = b.field(&f.name, &f.value, false);
    }
    b
}

fn rows(rows: &[Row]) -> Vec<CreateActionRow> {
    rows.iter()
        .map(|r| match r {
            Row::Buttons(bs) => CreateActionRow::Buttons(
                bs.iter()
                    .map(|b| CreateButton::new(&b.custom_id).label(&b.label).style(ButtonStyle::Secondary))
                    .collect(),
            ),
            Row::Select(s) => CreateActionRow::SelectMenu(
                CreateSelectMenu::new(
                    &s.custom_id,
                    CreateSelectMenuKind::String {
                        options: s.options.iter().map(|o| CreateSelectMenuOption::new(&o.label, &o.value)).collect(),
                    },
                )
                .placeholder(&s.placeholder),
            ),
        })
        .collect()
}

/// The one disabled button that replaces a question's choices once answered.
fn answered(label: &str) -> Vec<CreateActionRow> {
    vec![CreateActionRow::Buttons(vec![
        CreateButton::new("aig:fait").label(label).style(ButtonStyle::Success).disabled(true),
    ])]
}

/// Fills one of serenity's message builders, which share these methods but no trait: no
/// mentions, then the content, embeds and components the message has.
macro_rules! filled {
    ($builder:expr, $m:expr) => {{
        let m: &Message = $m;
        let mut b = $builder.allowed_mentions(no_mentions());
        if !m.content.is_empty() {
            b = b.content(&m.content);
        }
        if !m.embeds.is_empty() {
            b = b.embeds(m.embeds.iter().map(embed).collect());
        }
        if !m.components.is_empty() {
            b = b.components(rows(&m.components));
        }
        b
    }};
}

fn message(m: &Message) -> CreateMessage {
    filled!(CreateMessage::new(), m)
}

fn response(m: &Message) -> CreateInteractionResponseMessage {
    filled!(CreateInteractionResponseMessage::new(), m)
}

/// An edit always sets the content, so that an empty one clears the old.
fn edit(m: &Message) -> EditInteractionResponse {
    filled!(EditInteractionResponse::new().content(&m.content), m)
}

/// A short notice only the clicker or caller sees.
pub fn ephemeral(text: &str) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new().content(text).ephemeral(true).allowed_mentions(no_mentions())
}
