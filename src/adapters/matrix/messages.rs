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
use matrix_sdk::ruma::events::room::message::{MessageType, Relation};
use matrix_sdk::ruma::events::{AnySyncMessageLikeEvent, AnySyncTimelineEvent, SyncMessageLikeEvent};
use matrix_sdk::ruma::serde::Raw;
use tracing::{debug, info};

use super::send::{Dest, Thread};
use super::{Matrix, Svc};
use crate::driver::service::{Failure, Policy, Submitted, retry};
use crate::driver::{Message, Transport as _, locked};
use crate::inbound;

/// How long an undecryptable event is retried before the person is asked to resend it.
const UTD_GRACE: Duration = Duration::from_secs(5);
/// At most one "undecryptable" notice per room in this time.
const UTD_NOTICE_EVERY: Duration = Duration::from_secs(60);

impl Svc {
    pub(super) fn on_timeline(self: &Arc<Self>, room: &Room, event: TimelineEvent) {
        if event.kind.sender().is_some_and(|s| s == self.transport().me) {
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
        let me = &self.transport().me;
        let MessageType::Text(text) = &m.content.msgtype else {
            return;
        };
        if m.sender == *me {
            return;
        }
        let thread = match &m.content.relates_to {
            Some(Relation::Replacement(_)) => return,
            Some(Relation::Thread(t)) => {
                Some(Thread::InThread { root: t.event_id.clone(), latest: m.event_id.clone() })
            }
            _ => None,
        };
        let mut body = inbound::strip_reply_fallback(&text.body, m.content.relates_to.is_some());
        let group = room.joined_members_count() > 2;
        if group {
            let names = &self.transport().names;
            if !m.content.mentions.as_ref().is_some_and(|x| x.user_ids.contains(me))
                && !inbound::names_bot(&body, names)
            {
                return;
            }
            body = inbound::strip_leading_mention(&body, names);
        }
        let thread = thread.or_else(|| group.then(|| Thread::Reply(m.event_id.clone())));
        let (dest, room_id) = (Dest { room: room.room_id().to_owned(), thread }, room.room_id().as_str());
        let msg = Message::new(Matrix::NAME, m.sender.as_str(), room_id, body, Some(m.event_id.to_string()), dest);
        if self.submit(&msg.private(!group).sent_at(i64::from(m.origin_server_ts.as_secs()))) == Submitted::Nothing {
            debug!(salon = %room.room_id(), evenement = %m.event_id, "déjà traité");
        }
    }

    fn undecryptable(self: &Arc<Self>, room: &Room, raw: Raw<OriginalSyncRoomEncryptedEvent>) {
        let this = Arc::clone(self);
        let room = room.clone();
        let retrying = self.transport().retrying.guard();
        self.tasks().spawn(async move {
            let _retrying = retrying;
            let policy = Policy { max_delay: Duration::from_millis(500), total: Some(UTD_GRACE), times: None };
            let decrypt = || async {
                match room.decrypt_event(&raw, None).await {
                    Ok(event) if !event.kind.is_utd() => Ok(event),
                    _ => Err(Failure::transient("toujours indéchiffrable")),
                }
            };
            if let Ok(event) = retry(policy, decrypt, |_, _| {}).await {
                debug!(salon = %room.room_id(), "message déchiffré après un nouvel essai");
                this.on_event(&room, event.kind.raw());
                return;
            }
            // In a group room the message may not even be for the bot: no notice there.
            if room.joined_members_count() > 2 {
                info!(salon = %room.room_id(), "message indéchiffrable dans un salon de groupe : ignoré");
                return;
            }
            {
                let mut last = locked(&this.transport().utd_notices);
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
            let key = format!("matrix:{}:{sender}", room.room_id());
            let dest = Dest { room: room.room_id().to_owned(), thread: None };
            if this.push(dest, &format!("indechiffrable:{id}"), &key, &sender, &notice) {
                info!(salon = %room.room_id(), "message indéchiffrable : demande de renvoi");
            }
        });
    }
}
