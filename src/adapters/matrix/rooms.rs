//! Invites and membership: who the bot joins, when it greets, when it leaves.
//!
//! An invite is accepted only from an allow-listed server or user; others are declined (the bot
//! leaves the invited room). Joins are retried, since a homeserver may not know the room yet
//! when the invite arrives (federation, workers). The welcome goes out only once the room's
//! encryption state is known from the server and the join has come back through the sync (so
//! that the members' devices are known): a welcome sent before that can go out unencrypted, or
//! with a room key some device never received.

use std::sync::Arc;
use std::time::Duration;

use matrix_sdk::RoomState;
use matrix_sdk::ruma::OwnedRoomId;
use matrix_sdk::{Room, RoomMemberships};
use tracing::{debug, info, warn};

use super::{Adapter, Backoff, Retry, classify};

/// How long the bot keeps trying to join after an invite.
const JOIN_FOR: Duration = Duration::from_secs(120);

impl Adapter {
    pub(super) fn on_invite(self: &Arc<Self>, room_id: OwnedRoomId) {
        if !self.inviting.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(room_id.clone()) {
            return;
        }
        let this = Arc::clone(self);
        self.tasks.spawn(async move {
            this.invite(&room_id).await;
            this.inviting.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&room_id);
        });
    }

    async fn invite(self: &Arc<Self>, room_id: &OwnedRoomId) {
        let Some(room) = self.client.get_room(room_id) else {
            return;
        };
        if room.state() != RoomState::Invited {
            return;
        }
        let inviter = match room.invite_details().await {
            Ok(invite) => invite.inviter_id,
            Err(e) => {
                warn!(salon = %room_id, "invitation illisible ({e}) : refusée");
                self.leave(&room).await;
                return;
            }
        };
        if !self.access.allows(&inviter) {
            info!(salon = %room_id, de = %inviter, "invitation refusée : ni serveur ni utilisateur autorisé");
            self.leave(&room).await;
            return;
        }
        // Registered before joining: the sync showing the join may come before `join` returns.
        let (joined_tx, joined_rx) = tokio::sync::oneshot::channel();
        self.joins.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(room_id.clone(), joined_tx);
        let Some(room) = self.join(&room).await else {
            self.joins.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(room_id);
            return;
        };
        info!(salon = %room_id, de = %inviter, "invitation acceptée");
        // The welcome waits for the sync that shows the join: that sync marks the members'
        // devices for a key query, which matrix-sdk sends at the end of it. A welcome sent
        // earlier holds the SDK's key-claim lock while it waits for that query, which then cannot
        // go out: five seconds lost (the SDK's timeout), or a member's device missed.
        if tokio::time::timeout(Duration::from_secs(10), joined_rx).await.is_err() {
            self.joins.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(room_id);
            debug!(salon = %room_id, "synchronisation du salon rejoint pas encore vue");
        }
        // The welcome waits for the encryption state, fetched from the server when unknown.
        let mut backoff = Backoff::new(Duration::from_secs(8));
        let mut known = false;
        for _ in 0..6 {
            match room.latest_encryption_state().await {
                Ok(state) if !state.is_unknown() => {
                    known = true;
                    break;
                }
                Ok(_) => {}
                Err(e) => debug!(salon = %room_id, "état du chiffrement inconnu : {e}"),
            }
            tokio::time::sleep(backoff.next_delay()).await;
        }
        if !known {
            warn!(salon = %room_id, "état du chiffrement toujours inconnu : pas d'accueil");
            return;
        }
        // A synthetic event id: a replayed invite never greets twice.
        let incoming = self.incoming(room_id, inviter.as_str(), String::new(), format!("accueil:{room_id}"), None);
        let greeted = {
            let mut bot = self.bot.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            bot.has_session(&incoming).unwrap_or(false)
        };
        if greeted {
            return;
        }
        self.turn(&room, &incoming, None);
    }

    /// Joins with retries; the joined room, or `None` when the invite cannot be accepted.
    async fn join(&self, room: &Room) -> Option<Room> {
        let mut backoff = Backoff::new(Duration::from_secs(30));
        let deadline = tokio::time::Instant::now() + JOIN_FOR;
        loop {
            match self.client.join_room_by_id(room.room_id()).await {
                Ok(joined) => return Some(joined),
                Err(e) => {
                    let wait = match classify(&e) {
                        Retry::After(d) => d,
                        Retry::Backoff => backoff.next_delay(),
                        // The homeserver may answer 403/404 while it does not know the room yet.
                        Retry::Never => backoff.next_delay().max(Duration::from_secs(2)),
                    };
                    if tokio::time::Instant::now() + wait > deadline {
                        warn!(salon = %room.room_id(), "impossible de rejoindre le salon : {e}");
                        return None;
                    }
                    debug!(salon = %room.room_id(), "rejoindre a échoué ({e}) : nouvel essai dans {wait:?}");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    async fn leave(&self, room: &Room) {
        let mut backoff = Backoff::new(Duration::from_secs(10));
        for _ in 0..5 {
            match room.leave().await {
                Ok(()) => return,
                Err(e) if classify(&e) == Retry::Never => {
                    warn!(salon = %room.room_id(), "impossible de quitter le salon : {e}");
                    return;
                }
                Err(e) => {
                    debug!(salon = %room.room_id(), "quitter a échoué : {e}");
                    tokio::time::sleep(backoff.next_delay()).await;
                }
            }
        }
    }

    /// Leaves a room where nobody else is joined (the person left the conversation).
    pub(super) fn leave_if_alone(self: &Arc<Self>, room: &Room) {
        if room.state() != RoomState::Joined || room.joined_members_count() != 1 {
            return;
        }
        let this = Arc::clone(self);
        let room = room.clone();
        self.tasks.spawn(async move {
            // The summary may lag behind: ask the member list before leaving.
            let alone = match room.members(RoomMemberships::JOIN).await {
                Ok(members) => members.iter().all(|m| m.user_id() == this.me),
                Err(_) => false,
            };
            if alone {
                info!(salon = %room.room_id(), "seul dans le salon : départ");
                this.leave(&room).await;
            }
        });
    }
}
