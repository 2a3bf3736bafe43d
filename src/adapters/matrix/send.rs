//! Sending: one outbox per room, so that replies leave in the order of the messages.
//!
//! A reply is an `m.notice` (bots answer with notices, so other bots do not answer back) with an
//! HTML body and a plain body, and an empty `m.mentions` so that no text of the person's (an
//! `@room` quoted back) can ping anybody.
//!
//! Replies are durable: the bot keeps each one in its store ([`Packed`], in the same transaction
//! as the turn that made it) and drops it only once the homeserver accepted it. A reply still
//! kept at start (the bot was killed before it went out) is sent then, before anything new. Its
//! transaction ids are kept with it, so a reply that did reach the homeserver before the crash
//! is not stored twice; a failed send is retried with the same ids, and `M_LIMIT_EXCEEDED`
//! waits the time it says.

use std::sync::Arc;
use std::time::Duration;

use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::relation::{InReplyTo, Reply};
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedTransactionId, RoomId, TransactionId};
use matrix_sdk::{Room, RoomState};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

use super::{Adapter, Backoff, Retry, TRANSPORT, TaskGuard, classify};
use crate::render::{Block, html, plain};
use crate::store::Pending;

/// How long a reply keeps being retried before it is given up (and logged).
const SEND_FOR: Duration = Duration::from_secs(300);
/// Above this (HTML plus plain, in bytes) a reply is split over several messages; Matrix events
/// are limited to 64 KiB in all.
const MAX_BODY: usize = 24_000;

/// Where a reply goes besides the room's main timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) enum Thread {
    InThread {
        root: OwnedEventId,
        latest: OwnedEventId,
    },
    /// A reply to the message (group rooms, so that it is clear who is answered).
    Reply(OwnedEventId),
}

/// A reply as the store keeps it until the homeserver has it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Packed {
    room: OwnedRoomId,
    thread: Option<Thread>,
    /// The transaction id of each notice is this, a dash and its rank.
    txn: String,
    /// Plain and HTML body of each notice: usually one, several when the reply is very long.
    parts: Vec<(String, String)>,
}

impl Packed {
    pub(super) fn new(room: &RoomId, thread: Option<Thread>, blocks: &[Block]) -> Self {
        Self { room: room.to_owned(), thread, txn: TransactionId::new().to_string(), parts: parts(blocks) }
    }

    /// The JSON the store keeps.
    pub(super) fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

pub(super) struct Outgoing {
    /// The store's id for it; `None` for a reply not kept (the store failed).
    id: Option<i64>,
    packed: Packed,
    queued: std::time::Instant,
    _guard: TaskGuard,
}

impl Outgoing {
    /// A reply the store does not keep.
    pub(super) fn transient(packed: Packed, guard: TaskGuard) -> Self {
        Self { id: None, packed, queued: std::time::Instant::now(), _guard: guard }
    }
}

impl Adapter {
    /// Sends a reply the store keeps; one it cannot read is dropped from the store.
    pub(super) fn send_pending(self: &Arc<Self>, pending: Pending) {
        let packed = match serde_json::from_str::<Packed>(&pending.payload) {
            Ok(p) => p,
            Err(e) => {
                warn!("réponse en attente illisible ({e}) : abandonnée");
                self.delivered(pending.id);
                return;
            }
        };
        let Some(room) = self.client.get_room(&packed.room).filter(|r| r.state() == RoomState::Joined) else {
            info!(salon = %packed.room, "réponse en attente pour un salon quitté : abandonnée");
            self.delivered(pending.id);
            return;
        };
        let out =
            Outgoing { id: Some(pending.id), packed, queued: std::time::Instant::now(), _guard: self.tasks.guard() };
        self.enqueue(&room, out);
    }

    /// At start: the replies kept but not sent when the bot stopped, in their order.
    pub(super) fn resend_pending(self: &Arc<Self>) {
        let pending = self.bot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pending(TRANSPORT);
        match pending {
            Ok(list) => {
                if !list.is_empty() {
                    info!(nombre = list.len(), "réponses non parties avant l'arrêt : envoi");
                }
                for p in list {
                    self.send_pending(p);
                }
            }
            Err(e) => tracing::error!("base de conversations : réponses en attente illisibles : {e}"),
        }
    }

    fn delivered(&self, id: i64) {
        if let Err(e) = self.bot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).delivered(id) {
            warn!("base de conversations : réponse envoyée non retirée de l'attente ({e}) ; elle sera renvoyée");
        }
    }

    /// Queues a reply in the room's outbox (started on first use).
    pub(super) fn enqueue(self: &Arc<Self>, room: &Room, out: Outgoing) {
        let mut boxes = self.outboxes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let out = match boxes.get(room.room_id()) {
            Some(tx) => match tx.send(out) {
                Ok(()) => return,
                Err(mpsc::error::SendError(out)) => out,
            },
            None => out,
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let _ = tx.send(out);
        boxes.insert(room.room_id().to_owned(), tx);
        tokio::spawn(outbox(Arc::clone(self), room.clone(), rx));
    }
}

async fn outbox(adapter: Arc<Adapter>, room: Room, mut rx: mpsc::UnboundedReceiver<Outgoing>) {
    while let Some(out) = rx.recv().await {
        let typing = typing(room.clone(), adapter.typing_delay);
        let mut sent = true;
        for (i, (plain, html)) in out.packed.parts.iter().enumerate() {
            let content = content(plain, html, out.packed.thread.as_ref());
            let txn = OwnedTransactionId::from(format!("{}-{i}", out.packed.txn));
            if let Err(e) = send(&room, content, txn).await {
                warn!(salon = %room.room_id(), "réponse non envoyée, abandonnée : {e}");
                sent = false;
                break;
            }
        }
        let _ = typing.send(());
        // Sent, or refused for good (the room left, say): no use keeping it either way.
        if let Some(id) = out.id {
            adapter.delivered(id);
        }
        if sent {
            debug!(salon = %room.room_id(), "réponse envoyée en {:?}", out.queued.elapsed());
        }
    }
}

/// Shows the bot typing if the reply is not out after `delay`, until it is.
fn typing(room: Room, delay: Duration) -> oneshot::Sender<()> {
    let (done, mut sent) = oneshot::channel::<()>();
    tokio::spawn(async move {
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            _ = &mut sent => return,
        }
        if room.typing_notice(true).await.is_err() {
            return;
        }
        let _ = sent.await;
        let _ = room.typing_notice(false).await;
    });
    done
}

async fn send(room: &Room, content: RoomMessageEventContent, txn: OwnedTransactionId) -> Result<(), matrix_sdk::Error> {
    let mut backoff = Backoff::new(Duration::from_secs(30));
    let deadline = tokio::time::Instant::now() + SEND_FOR;
    loop {
        match room.send(content.clone()).with_transaction_id(txn.clone()).await {
            Ok(_) => return Ok(()),
            Err(e) => {
                let wait = match classify(&e) {
                    Retry::After(d) => d,
                    Retry::Backoff => backoff.next_delay(),
                    Retry::Never => return Err(e),
                };
                if tokio::time::Instant::now() + wait > deadline {
                    return Err(e);
                }
                debug!(salon = %room.room_id(), "envoi à refaire dans {wait:?} : {e}");
                tokio::time::sleep(wait).await;
            }
        }
    }
}

/// The plain and HTML bodies of the notices carrying `blocks`: usually one, several when the
/// reply is very long.
fn parts(blocks: &[Block]) -> Vec<(String, String)> {
    let mut groups: Vec<&[Block]> = vec![];
    let mut start = 0;
    let mut size = 0;
    for (i, b) in blocks.iter().enumerate() {
        let s = block_size(b);
        if i > start && size + s > MAX_BODY {
            groups.push(&blocks[start..i]);
            start = i;
            size = 0;
        }
        size += s;
    }
    if start < blocks.len() {
        groups.push(&blocks[start..]);
    }
    groups.into_iter().map(|g| (plain::plain(g), html::html(g))).collect()
}

fn content(plain: &str, html: &str, thread: Option<&Thread>) -> RoomMessageEventContent {
    let mut content = RoomMessageEventContent::notice_html(plain, html);
    content.mentions = Some(Mentions::new());
    content.relates_to = thread.map(|t| match t {
        Thread::InThread { root, latest } => {
            Relation::Thread(matrix_sdk::ruma::events::relation::Thread::plain(root.clone(), latest.clone()))
        }
        Thread::Reply(id) => Relation::Reply(Reply::new(InReplyTo::new(id.clone()))),
    });
    content
}

/// A generous estimate of a block's HTML plus plain size.
fn block_size(b: &Block) -> usize {
    let text = match b {
        Block::Para(t) => t.len(),
        Block::Question { text, choices } => text.len() + choices.iter().map(|(_, l, _)| l.len() + 16).sum::<usize>(),
        Block::Item { title, lines, .. } => title.len() + lines.len() * 200,
        Block::Card(c) => c.title.len() + c.lines.len() * 200,
    };
    text * 3 + 64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_replies_are_split_in_order() {
        let blocks: Vec<Block> = (0..40).map(|i| Block::Para(format!("{i} {}", "x".repeat(1000)))).collect();
        let out: Vec<_> = parts(&blocks).iter().map(|(p, h)| content(p, h, None)).collect();
        assert!(out.len() > 1);
        let all: String = out.iter().map(|c| c.body().to_owned()).collect::<Vec<_>>().join("\n\n");
        assert_eq!(all, plain::plain(&blocks));
        assert!(out.iter().all(
            |c| c.msgtype() == "m.notice" && c.mentions.as_ref().is_some_and(|m| m.user_ids.is_empty() && !m.room)
        ));
    }

    #[test]
    fn thread_replies_stay_in_the_thread() {
        let root: OwnedEventId = "$root:x".try_into().unwrap();
        let latest: OwnedEventId = "$latest:x".try_into().unwrap();
        let packed = Packed::new(
            "!r:x".try_into().unwrap(),
            Some(Thread::InThread { root: root.clone(), latest }),
            &[Block::Para("ok".into())],
        );
        // As the store keeps it, and back.
        let packed: Packed = serde_json::from_str(&packed.json()).unwrap();
        let out = content(&packed.parts[0].0, &packed.parts[0].1, packed.thread.as_ref());
        match &out.relates_to {
            Some(Relation::Thread(t)) => assert_eq!(t.event_id, root),
            other => panic!("{other:?}"),
        }
    }
}
