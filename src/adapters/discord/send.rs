//! From [`crate::render::discord`] values to serenity's builders, and the replies as the store
//! keeps them until they are sent ([`Packed`]).

use serde::{Deserialize, Serialize};
use serenity::all::{
    ButtonStyle, ChannelId, CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed,
    CreateInteractionResponseFollowup, CreateInteractionResponseMessage, CreateMessage, CreateSelectMenu,
    CreateSelectMenuKind, CreateSelectMenuOption, EditInteractionResponse, MessageId, Nonce,
};

use crate::render::discord::{Embed, Message, Row};

/// A reply as the store keeps it until Discord has it: sent at the next start if the bot died
/// first. Each message carries a nonce that Discord enforces (`enforce_nonce`): a message that
/// did reach Discord before the crash is not posted twice.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Packed {
    pub channel: u64,
    /// The person's message, which the first message answers (server channels).
    pub reply_to: Option<u64>,
    /// The nonce of each message is this, a dash and its rank (Discord allows 25 characters).
    pub nonce: String,
    pub messages: Vec<Message>,
}

impl Packed {
    pub fn new(channel: ChannelId, reply_to: Option<MessageId>, messages: Vec<Message>) -> Self {
        Self { channel: channel.get(), reply_to: reply_to.map(MessageId::get), nonce: nonce(), messages }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The `i`-th message as a channel message, with its nonce and, first, its reference.
    pub fn channel_message(&self, i: usize) -> CreateMessage {
        let mut b = message(&self.messages[i]).nonce(Nonce::String(format!("{}-{i}", self.nonce))).enforce_nonce(true);
        if let (0, Some(id)) = (i, self.reply_to) {
            b = b.reference_message((ChannelId::new(self.channel), MessageId::new(id)));
        }
        b
    }
}

/// 16 hexadecimal digits, from the standard library's random hasher keys and the clock.
fn nonce() -> String {
    use std::hash::BuildHasher;
    let h = std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now());
    format!("{h:016x}")
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

pub fn rows(rows: &[Row]) -> Vec<CreateActionRow> {
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
pub fn answered(label: &str) -> Vec<CreateActionRow> {
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

pub fn message(m: &Message) -> CreateMessage {
    filled!(CreateMessage::new(), m)
}

pub fn response(m: &Message) -> CreateInteractionResponseMessage {
    filled!(CreateInteractionResponseMessage::new(), m)
}

pub fn followup(m: &Message) -> CreateInteractionResponseFollowup {
    filled!(CreateInteractionResponseFollowup::new(), m)
}

/// An edit always sets the content, so that an empty one clears the old.
pub fn edit(m: &Message) -> EditInteractionResponse {
    filled!(EditInteractionResponse::new().content(&m.content), m)
}

/// A short notice only the clicker or caller sees.
pub fn ephemeral(text: &str) -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new().content(text).ephemeral(true).allowed_mentions(no_mentions())
}
