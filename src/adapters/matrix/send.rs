//! Sending: one outbox per room, so that replies leave in the order of the messages.
//!
//! A reply is an `m.notice` (bots answer with notices, so other bots do not answer back) with an
//! HTML body and a plain body, and an empty `m.mentions` so that no text of the person's (an
//! `@room` quoted back) can ping anybody. A failed send is retried with the same transaction id,
//! so the homeserver never stores it twice; `M_LIMIT_EXCEEDED` waits the time it says.

use std::sync::Arc;
use std::time::Duration;

use matrix_sdk::Room;
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::relation::{InReplyTo, Reply};
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent};
use matrix_sdk::ruma::{OwnedEventId, TransactionId};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, warn};

use super::{Adapter, Backoff, Retry, TaskGuard, classify};
use crate::render::{Block, html, plain};

/// How long a reply keeps being retried before it is given up (and logged).
const SEND_FOR: Duration = Duration::from_secs(300);
/// Above this (HTML plus plain, in bytes) a reply is split over several messages; Matrix events
/// are limited to 64 KiB in all.
const MAX_BODY: usize = 24_000;

/// Where a reply goes besides the room's main timeline.
#[derive(Debug, Clone)]
pub(super) enum Thread {
    InThread {
        root: OwnedEventId,
        latest: OwnedEventId,
    },
    /// A reply to the message (group rooms, so that it is clear who is answered).
    Reply(OwnedEventId),
}

pub(super) struct Outgoing {
    blocks: Vec<Block>,
    thread: Option<Thread>,
    queued: std::time::Instant,
    _guard: TaskGuard,
}

impl Outgoing {
    pub(super) fn new(blocks: Vec<Block>, thread: Option<Thread>, guard: TaskGuard) -> Self {
        Self { blocks, thread, queued: std::time::Instant::now(), _guard: guard }
    }
}

impl Adapter {
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
        for content in contents(&out.blocks, out.thread.as_ref()) {
            if let Err(e) = send(&room, content).await {
                warn!(salon = %room.room_id(), "réponse non envoyée : {e}");
                break;
            }
        }
        let _ = typing.send(());
        debug!(salon = %room.room_id(), "réponse envoyée en {:?}", out.queued.elapsed());
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

async fn send(room: &Room, content: RoomMessageEventContent) -> Result<(), matrix_sdk::Error> {
    let txn = TransactionId::new();
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

/// The notices carrying `blocks`: usually one, several when the reply is very long.
fn contents(blocks: &[Block], thread: Option<&Thread>) -> Vec<RoomMessageEventContent> {
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
    groups
        .into_iter()
        .map(|g| {
            let mut content = RoomMessageEventContent::notice_html(plain::plain(g), html::html(g));
            content.mentions = Some(Mentions::new());
            content.relates_to = thread.map(|t| match t {
                Thread::InThread { root, latest } => {
                    Relation::Thread(matrix_sdk::ruma::events::relation::Thread::plain(root.clone(), latest.clone()))
                }
                Thread::Reply(id) => Relation::Reply(Reply::new(InReplyTo::new(id.clone()))),
            });
            content
        })
        .collect()
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
        let out = contents(&blocks, None);
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
        let out = contents(&[Block::Para("ok".into())], Some(&Thread::InThread { root: root.clone(), latest }));
        match &out[0].relates_to {
            Some(Relation::Thread(t)) => assert_eq!(t.event_id, root),
            other => panic!("{other:?}"),
        }
    }
}
