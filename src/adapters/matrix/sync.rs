//! The sync loop: `sync_once` in our own loop.
//!
//! matrix-sdk's loops (`sync`, `sync_with_callback`, `sync_stream`) sleep one second whenever the
//! previous long-poll returned within a second, which is always the case in a live conversation
//! (the person's message, then the bot's own echo): a bot on them answers up to a second late.
//! Here the next long-poll starts at once, and we pause only after an error.
//!
//! The sync token is ours (`sync-token` in the Matrix directory) and is written only after every
//! message of the response went through the bot, which records each event id with its session:
//! after a crash the bot syncs again from the last token it finished, and the store says which
//! events were already answered. While an undecryptable event is being tried again, the token is
//! not saved either, so that a crash meanwhile does not skip it. (matrix-sdk keeps a token of its
//! own, which `login` sets back to ours at start: see `align_sync_token`.) Without a token (first start), the first sync only looks: old
//! history is not answered, pending invites are.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::filter::{FilterDefinition, RoomEventFilter, RoomFilter};
use matrix_sdk::ruma::api::client::sync::sync_events::v3::Filter;
use matrix_sdk::ruma::events::AnySyncTimelineEvent;
use matrix_sdk::ruma::serde::Raw;
use matrix_sdk::ruma::uint;
use matrix_sdk::sync::SyncResponse;
use tracing::{debug, info, warn};

use super::{Svc, failure};
use crate::driver::locked;
use crate::driver::service::{Failure, Policy, Stop};

/// How long the homeserver holds a sync request when nothing happens.
const LONG_POLL: Duration = Duration::from_secs(30);
/// How long a sync under way may finish after a stop request (processing takes milliseconds;
/// past this the request is only waiting on the network and is dropped).
const STOP_GRACE: Duration = Duration::from_secs(1);

pub(super) async fn run(svc: Arc<Svc>, token_file: PathBuf, mut stop: Stop) -> anyhow::Result<()> {
    let mut token = read_token(&token_file);
    let mut first = token.is_none();
    let backoff = || Policy::delays(Duration::from_secs(30));
    let mut delays = backoff();
    let mut started = false;
    loop {
        if stop.is_set() {
            return Ok(());
        }
        let mut settings = SyncSettings::new().filter(filter());
        settings = match &token {
            Some(t) => settings.token(t.clone()).timeout(if started { LONG_POLL } else { Duration::ZERO }),
            None => settings.timeout(Duration::ZERO),
        };
        let sync = svc.transport().client.sync_once(settings);
        tokio::pin!(sync);
        let result = tokio::select! {
            r = &mut sync => r,
            () = stop.wait() => match tokio::time::timeout(STOP_GRACE, &mut sync).await {
                Ok(r) => r,
                Err(_) => return Ok(()),
            },
        };
        match result {
            Ok(response) => {
                delays = backoff();
                let next = response.next_batch.clone();
                svc.dispatch(response, first);
                if svc.transport().retrying.busy() {
                    debug!("messages indéchiffrables en cours d'essai : jeton de synchronisation retenu");
                } else {
                    save_token(&token_file, &next);
                    tracing::trace!(jeton = %next, "jeton de synchronisation enregistré");
                }
                token = Some(next);
                if !started {
                    started = true;
                    first = false;
                    svc.after_first_sync();
                    info!("synchronisé, à l'écoute");
                }
            }
            Err(e) => {
                let failure = failure(&e);
                if is_auth_error(&e) {
                    bail!(
                        "le serveur refuse la session du bot ({e}) : reconnectez-le en déplaçant session.json et store/ \
                         du dossier de données (un nouvel appareil sera créé)"
                    );
                }
                if !failure.is_transient() && token.is_some() && !started {
                    // A token the server does not accept (a damaged file): start afresh, reading
                    // the history without answering it.
                    warn!("jeton de synchronisation refusé ({e}) : nouvelle synchronisation complète");
                    (token, first) = (None, true);
                    continue;
                }
                let next = delays.next().unwrap_or(Duration::from_secs(30));
                let wait = match failure {
                    Failure::Transient { after: Some(d), .. } => d,
                    _ => next,
                };
                warn!("synchronisation impossible ({e}) : nouvel essai dans {wait:?}");
                if stop.sleep(wait).await {
                    return Ok(());
                }
            }
        }
    }
}

pub(super) fn is_auth_error(e: &matrix_sdk::Error) -> bool {
    use matrix_sdk::ruma::api::error::ErrorKind;
    matches!(
        e.client_api_error_kind(),
        Some(ErrorKind::UnknownToken(_) | ErrorKind::MissingToken | ErrorKind::UserDeactivated)
    )
}

/// Lazy-loaded members, no presence, no typing or receipts of others; a long enough timeline
/// that the messages of a short outage all come in one response.
fn filter() -> Filter {
    let mut room = RoomFilter::with_lazy_loading();
    room.ephemeral = RoomEventFilter::ignore_all();
    room.timeline.limit = Some(uint!(50));
    let mut def = FilterDefinition::empty();
    def.room = room;
    def.presence = matrix_sdk::ruma::api::client::filter::Filter::ignore_all();
    Filter::FilterDefinition(def)
}

pub(super) fn read_token(file: &Path) -> Option<String> {
    std::fs::read_to_string(file).ok().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Whole or not at all ([`crate::config::write_owner_only`]).
fn save_token(file: &Path, token: &str) {
    if let Err(e) = crate::config::write_owner_only(file, token.as_bytes()) {
        warn!("jeton de synchronisation non enregistré : {e:#}");
    }
}

impl Svc {
    /// Hands each part of a sync response to its handler. `look_only`: the first sync of a new
    /// device, whose timeline is old history.
    fn dispatch(self: &Arc<Self>, response: SyncResponse, look_only: bool) {
        for room_id in response.rooms.invited.keys() {
            self.on_invite(room_id.clone());
        }
        for (room_id, update) in response.rooms.joined {
            let me = self.transport().me.as_str();
            let Some(room) = self.transport().client.get_room(&room_id) else {
                continue;
            };
            // A room just joined starts with a limited timeline; elsewhere a gap means messages
            // that will not be read (a long outage in a busy room).
            let own_join = |raw: &Raw<AnySyncTimelineEvent>| {
                raw.get_field::<String>("type").ok().flatten().as_deref() == Some("m.room.member")
                    && raw.get_field::<String>("state_key").ok().flatten().as_deref() == Some(me)
                    && raw
                        .get_field::<serde_json::Value>("content")
                        .ok()
                        .flatten()
                        .is_some_and(|c| c["membership"] == "join")
            };
            let state = match &update.state {
                matrix_sdk::sync::State::Before(s) | matrix_sdk::sync::State::After(s) => s,
            };
            let just_joined = update.timeline.events.iter().any(|e| own_join(e.kind.raw()))
                || state.iter().any(|e| own_join(e.cast_ref_unchecked()));
            if update.timeline.limited && !look_only && !just_joined {
                warn!(salon = %room_id, "synchronisation tronquée : des messages plus anciens ne seront pas lus");
            }
            if just_joined && let Some(tx) = locked(&self.transport().joins).remove(&room_id) {
                let _ = tx.send(());
            }
            let mut members_changed =
                state.iter().any(|e| e.get_field::<String>("type").ok().flatten().as_deref() == Some("m.room.member"));
            if tracing::enabled!(tracing::Level::TRACE) {
                let ids: Vec<String> =
                    update.timeline.events.iter().filter_map(|e| e.event_id().map(|i| i.to_string())).collect();
                tracing::trace!(salon = %room_id, evenements = ?ids, limite = update.timeline.limited, "chronologie reçue");
            }
            for event in update.timeline.events {
                if event.kind.event_type().as_deref() == Some("m.room.member") {
                    members_changed = true;
                }
                if !look_only {
                    self.on_timeline(&room, event);
                }
            }
            if members_changed {
                self.leave_if_alone(&room);
            }
        }
        for room_id in response.rooms.left.keys() {
            debug!(salon = %room_id, "salon quitté");
        }
    }

    /// Once per start: invites still pending, rooms left empty while the bot was away.
    fn after_first_sync(self: &Arc<Self>) {
        for room in self.transport().client.invited_rooms() {
            self.on_invite(room.room_id().to_owned());
        }
        for room in self.transport().client.joined_rooms() {
            self.leave_if_alone(&room);
        }
    }
}
