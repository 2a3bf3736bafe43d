//! From a timeline event to the bot: which messages it answers, with what text, and where.
//!
//! Text messages (`m.text`) only: notices are what bots send (answering them would let two bots
//! talk forever), edits would answer the same message twice. In a room of more than two members
//! the bot answers only when it is mentioned, and the mention is taken off the text. A message
//! in a thread is answered in that thread; in a group room the answer replies to the message.
//!
//! An event that cannot be decrypted is tried again for a few seconds (its key may come in the
//! next sync); then, in a direct conversation, the person is asked to send it again.

use std::sync::Arc;
use std::time::{Duration, Instant};

use matrix_sdk::Room;
use matrix_sdk::deserialized_responses::{TimelineEvent, TimelineEventKind};
use matrix_sdk::ruma::events::room::encrypted::OriginalSyncRoomEncryptedEvent;
use matrix_sdk::ruma::events::room::message::{MessageType, Relation, RoomMessageEventContent};
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent};
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::{OwnedEventId, OwnedUserId};
use tracing::{debug, info};

use super::Adapter;
use super::send::Thread;
use crate::adapters::reload;
use crate::store::Store as _;

/// How long an undecryptable event is retried before the person is asked to resend it.
const UTD_GRACE: Duration = Duration::from_secs(5);
/// At most one "undecryptable" notice per room in this time.
const UTD_NOTICE_EVERY: Duration = Duration::from_secs(60);

impl Adapter {
    pub(super) fn on_timeline(self: &Arc<Self>, room: &Room, event: TimelineEvent) {
        if event.kind.sender().is_some_and(|s| s == self.me) {
            return;
        }
        tracing::trace!(salon = %room.room_id(), evenement = ?event.event_id(), indechiffrable = event.kind.is_utd(), "événement");
        match event.kind {
            TimelineEventKind::UnableToDecrypt { event, .. } => self.undecryptable(room, event.cast_unchecked()),
            kind => self.on_event(room, kind.raw()),
        }
    }

    fn on_event(self: &Arc<Self>, room: &Room, raw: &Raw<AnySyncTimelineEvent>) {
        let Ok(AnySyncTimelineEvent::MessageLike(AnySyncMessageLikeEvent::RoomMessage(
            SyncMessageLikeEvent::Original(m),
        ))) = raw.deserialize()
        else {
            return;
        };
        let sent_at = i64::from(m.origin_server_ts.as_secs());
        self.on_message(room, m.event_id, &m.sender, m.content, sent_at);
    }

    fn on_message(
        self: &Arc<Self>,
        room: &Room,
        event_id: OwnedEventId,
        sender: &OwnedUserId,
        content: RoomMessageEventContent,
        sent_at: i64,
    ) {
        if *sender == self.me {
            return;
        }
        let MessageType::Text(text) = &content.msgtype else {
            return;
        };
        let thread = match &content.relates_to {
            Some(Relation::Replacement(_)) => return,
            Some(Relation::Thread(t)) => Some(Thread::InThread { root: t.event_id.clone(), latest: event_id.clone() }),
            _ => None,
        };
        let mut body = strip_reply_fallback(&text.body, content.relates_to.is_some());
        let group = room.joined_members_count() > 2;
        if group {
            let mentioned =
                content.mentions.as_ref().is_some_and(|m| m.user_ids.contains(&self.me)) || self.named_in(&body);
            if !mentioned {
                return;
            }
            body = strip_mention(&body, &self.names);
        }
        let thread = thread.or_else(|| group.then(|| Thread::Reply(event_id.clone())));
        if !group
            && self.access.admins.contains(sender)
            && reload::admin_command(&body) == Some(reload::AdminCommand::Reload)
        {
            self.reload(room, thread, event_id.to_string(), sender);
            return;
        }
        let incoming = self.incoming(room.room_id(), sender.as_str(), body, event_id.to_string(), Some(sent_at));
        if !self.turn(room, &incoming, thread) {
            debug!(salon = %room.room_id(), evenement = %event_id, "déjà traité");
        }
    }

    /// An admin's `!recharger`: the content is reloaded if it validates, and the admin is told.
    fn reload(self: &Arc<Self>, room: &Room, thread: Option<Thread>, event_id: String, admin: &OwnedUserId) {
        let this = Arc::clone(self);
        let room = room.clone();
        let admin = admin.to_string();
        self.tasks.spawn(async move {
            let (bot, root, id) = (Arc::clone(&this.bot), this.content_root.clone(), event_id.clone());
            let replies = tokio::task::spawn_blocking(move || {
                // A replayed command is not run (nor answered) twice; one killed before its
                // answer was recorded runs again, which does no harm.
                let done = bot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).store_mut().is_handled(&id);
                if done.unwrap_or(false) {
                    return None;
                }
                Some(reload::outcome_replies(&reload::try_reload(&bot, &root)))
            })
            .await
            .ok()
            .flatten();
            if let Some(replies) = replies {
                this.record(&room, &event_id, &admin, &replies, thread);
            }
        });
    }

    fn named_in(&self, body: &str) -> bool {
        let lower = body.to_lowercase();
        self.names.iter().any(|n| lower.contains(n.as_str()))
    }

    fn undecryptable(self: &Arc<Self>, room: &Room, raw: Raw<OriginalSyncRoomEncryptedEvent>) {
        let this = Arc::clone(self);
        let room = room.clone();
        let retrying = self.retrying.guard();
        self.tasks.spawn(async move {
            let _retrying = retrying;
            let started = Instant::now();
            while started.elapsed() < UTD_GRACE {
                tokio::time::sleep(Duration::from_millis(500)).await;
                if let Ok(event) = room.decrypt_event(&raw, None).await
                    && !event.kind.is_utd()
                {
                    debug!(salon = %room.room_id(), "message déchiffré après un nouvel essai");
                    this.on_event(&room, event.kind.raw());
                    return;
                }
            }
            // In a group room the message may not even be for the bot: no notice there.
            if room.joined_members_count() > 2 {
                info!(salon = %room.room_id(), "message indéchiffrable dans un salon de groupe : ignoré");
                return;
            }
            {
                let mut last = this.utd_notices.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let now = Instant::now();
                if last.get(room.room_id()).is_some_and(|t| now.duration_since(*t) < UTD_NOTICE_EVERY) {
                    return;
                }
                last.insert(room.room_id().to_owned(), now);
            }
            // One notice per undecryptable event, even when a sync is replayed after a restart.
            let id = raw.get_field::<String>("event_id").ok().flatten().unwrap_or_default();
            let sender = raw.get_field::<String>("sender").ok().flatten().unwrap_or_default();
            let notice = [crate::reply::Reply::say("message-indechiffrable")];
            if this.record(&room, &format!("indechiffrable:{id}"), &sender, &notice, None) {
                info!(salon = %room.room_id(), "message indéchiffrable : demande de renvoi");
            }
        });
    }
}

/// Drops the `> <@user> quoted` lines that older clients put before a reply.
fn strip_reply_fallback(body: &str, is_relation: bool) -> String {
    if !is_relation || !body.starts_with("> ") {
        return body.to_owned();
    }
    let rest: Vec<&str> = body.lines().skip_while(|l| l.starts_with('>')).collect();
    rest.join("\n").trim_start().to_owned()
}

/// Takes a leading mention off the text: `Aiguilleur : bonjour`, `@aiguilleur:x.fr, bonjour`.
fn strip_mention(body: &str, names: &[String]) -> String {
    let trimmed = body.trim_start();
    for name in names {
        for candidate in [name.clone(), format!("@{name}")] {
            let n = candidate.len();
            if trimmed.len() >= n && trimmed.is_char_boundary(n) && trimmed[..n].to_lowercase() == candidate {
                let rest = trimmed[n..].trim_start_matches(|c: char| c == ':' || c == ',' || c.is_whitespace());
                return rest.to_owned();
            }
        }
    }
    body.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mention_taken_off() {
        let names = vec!["@aiguilleur:agent.tchap.gouv.fr".to_owned(), "aiguilleur".to_owned()];
        assert_eq!(strip_mention("Aiguilleur : qui contacter à la DDTM ?", &names), "qui contacter à la DDTM ?");
        assert_eq!(strip_mention("@aiguilleur:agent.tchap.gouv.fr, bonjour", &names), "bonjour");
        assert_eq!(strip_mention("@aiguilleur bonjour", &names), "bonjour");
        assert_eq!(strip_mention("bonjour aiguilleur", &names), "bonjour aiguilleur");
        assert_eq!(strip_mention("Élu : bonjour", &names), "Élu : bonjour");
    }

    #[test]
    fn reply_fallback_dropped() {
        assert_eq!(strip_reply_fallback("> <@bot:x> Quelle commune ?\n\nGenêts", true), "Genêts");
        assert_eq!(strip_reply_fallback("> citation", false), "> citation");
    }
}
