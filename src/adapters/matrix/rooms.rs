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

use matrix_sdk::ruma::OwnedRoomId;
use matrix_sdk::{Room, RoomMemberships, RoomState};
use tracing::{debug, info, warn};

use super::send::Dest;
use super::{Matrix, Svc, failure};
use crate::driver::service::{Failure, Policy, retry};
use crate::driver::{Message, Transport as _, locked};

/// How long the bot keeps trying to join after an invite.
const JOIN_FOR: Duration = Duration::from_secs(120);

impl Svc {
    pub(super) fn on_invite(self: &Arc<Self>, room_id: OwnedRoomId) {
        if !locked(&self.transport().inviting).insert(room_id.clone()) {
            return;
        }
        let this = Arc::clone(self);
        self.tasks().spawn(async move {
            this.invite(&room_id).await;
            locked(&this.transport().inviting).remove(&room_id);
        });
    }

    async fn invite(self: &Arc<Self>, room_id: &OwnedRoomId) {
        let m = self.transport();
        let Some(room) = m.client.get_room(room_id) else {
            return;
        };
        if room.state() != RoomState::Invited {
            return;
        }
        let inviter = match room.invite_details().await {
            Ok(invite) => invite.inviter_id,
            Err(e) => {
                warn!(salon = %room_id, "invitation illisible ({e}) : refusée");
                leave(&room).await;
                return;
            }
        };
        if !m.access.allows(&inviter) {
            info!(salon = %room_id, de = %inviter, "invitation refusée : ni serveur ni utilisateur autorisé");
            leave(&room).await;
            return;
        }
        // Registered before joining: the sync showing the join may come before `join` returns.
        let (joined_tx, joined_rx) = tokio::sync::oneshot::channel();
        let joins = || locked(&m.joins);
        joins().insert(room_id.clone(), joined_tx);
        // The homeserver may answer 403/404 while it does not know the room yet: tried again too.
        let policy = Policy { max_delay: Duration::from_secs(30), total: Some(JOIN_FOR), times: None };
        let joined = retry(
            policy,
            || async {
                m.client.join_room_by_id(room_id).await.map_err(|e| match failure(&e) {
                    Failure::Permanent(reason) => Failure::Transient { reason, after: Some(Duration::from_secs(2)) },
                    f => f,
                })
            },
            |f, d| debug!(salon = %room_id, "rejoindre a échoué ({f}) : nouvel essai dans {d:?}"),
        )
        .await;
        let room = match joined {
            Ok(room) => room,
            Err(e) => {
                joins().remove(room_id);
                warn!(salon = %room_id, "impossible de rejoindre le salon : {e}");
                return;
            }
        };
        info!(salon = %room_id, de = %inviter, "invitation acceptée");
        // The welcome waits for the sync that shows the join: that sync marks the members'
        // devices for a key query, which matrix-sdk sends at the end of it. A welcome sent
        // earlier holds the SDK's key-claim lock while it waits for that query, which then cannot
        // go out: five seconds lost (the SDK's timeout), or a member's device missed.
        if tokio::time::timeout(Duration::from_secs(10), joined_rx).await.is_err() {
            joins().remove(room_id);
            debug!(salon = %room_id, "synchronisation du salon rejoint pas encore vue");
        }
        // The welcome waits for the encryption state, fetched from the server when unknown.
        let policy = Policy { max_delay: Duration::from_secs(8), total: None, times: Some(6) };
        let known = retry(
            policy,
            || async {
                match room.latest_encryption_state().await {
                    Ok(state) if !state.is_unknown() => Ok(()),
                    Ok(_) => Err(Failure::transient("état du chiffrement inconnu")),
                    Err(e) => Err(Failure::transient(e)),
                }
            },
            |f, _| debug!(salon = %room_id, "{f}"),
        )
        .await;
        if known.is_err() {
            warn!(salon = %room_id, "état du chiffrement toujours inconnu : pas d'accueil");
            return;
        }
        // A synthetic event id: a replayed invite never greets twice.
        let (dest, event) = (Dest { room: room_id.clone(), thread: None }, Some(format!("accueil:{room_id}")));
        self.submit(
            &Message::new(Matrix::NAME, inviter.as_str(), room_id.as_str(), String::new(), event, dest).opening(true),
        );
    }

    /// Leaves a room where nobody else is joined (the person left the conversation).
    pub(super) fn leave_if_alone(self: &Arc<Self>, room: &Room) {
        if room.state() != RoomState::Joined || room.joined_members_count() != 1 {
            return;
        }
        let this = Arc::clone(self);
        let room = room.clone();
        self.tasks().spawn(async move {
            // The summary may lag behind: ask the member list before leaving.
            let alone = match room.members(RoomMemberships::JOIN).await {
                Ok(members) => members.iter().all(|m| m.user_id() == this.transport().me),
                Err(_) => false,
            };
            if alone {
                info!(salon = %room.room_id(), "seul dans le salon : départ");
                leave(&room).await;
            }
        });
    }
}

async fn leave(room: &Room) {
    let policy = Policy { max_delay: Duration::from_secs(10), total: None, times: Some(4) };
    let left = retry(
        policy,
        || async { room.leave().await.map_err(|e| failure(&e)) },
        |f, _| debug!(salon = %room.room_id(), "quitter a échoué : {f}"),
    )
    .await;
    if let Err(e) = left {
        warn!(salon = %room.room_id(), "impossible de quitter le salon : {e}");
    }
}
