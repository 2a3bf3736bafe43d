//! Sending: a reply as `m.notice` events (bots answer with notices, so other bots do not answer
//! back) with an HTML body and a plain body, and an empty `m.mentions` so that no text of the
//! person's (an `@room` quoted back) can ping anybody.
//!
//! The driver keeps each reply until the homeserver accepted it and sends it again after a crash
//! or a failure: each notice's transaction id is the reply's key, a dash and its rank, so a notice
//! that did reach the homeserver is not stored twice. A very long reply is split over several
//! notices; the bot shows it is typing when a reply takes a while.

use std::time::Duration;

use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::relation::{InReplyTo, Reply};
use matrix_sdk::ruma::events::room::message::{Relation, RoomMessageEventContent};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedTransactionId};
use matrix_sdk::{Room, RoomState};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;

use super::{Matrix, failure};
use crate::driver::service::{Deliver, Failure};
use crate::driver::{Outgoing, RenderCx, Transport};
use crate::render::{Block, html};

/// Where a reply goes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Dest {
    pub(super) room: OwnedRoomId,
    pub(super) thread: Option<Thread>,
}

/// Where a reply goes besides the room's main timeline.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Thread {
    InThread {
        root: OwnedEventId,
        latest: OwnedEventId,
    },
    /// A reply to the message (group rooms, so that it is clear who is answered).
    Reply(OwnedEventId),
}

impl Transport for Matrix {
    const NAME: &'static str = "matrix";
    type Dest = Dest;
    /// Plain and HTML body of each notice: usually one, several when the reply is very long.
    type Body = Vec<(String, String)>;

    fn render(&self, blocks: &[Block], _: &RenderCx<'_>) -> Self::Body {
        html::notices(blocks)
    }

    fn lane(dest: &Dest) -> String {
        dest.room.to_string()
    }

    fn push_dest(dest: &Dest) -> Option<Dest> {
        Some(Dest { room: dest.room.clone(), thread: None })
    }
}

impl Deliver for Matrix {
    async fn deliver(&self, out: &Outgoing<Self>) -> Result<(), Failure> {
        let dest = &out.env.dest;
        let room = self.client.get_room(&dest.room).filter(|r| r.state() == RoomState::Joined);
        let room = room.ok_or_else(|| Failure::permanent(format!("salon {} quitté", dest.room)))?;
        let typing = typing(room.clone(), self.typing_delay);
        let mut sent = Ok(());
        for (i, (plain, html)) in out.env.body.iter().enumerate() {
            let txn = OwnedTransactionId::from(format!("{}-{i}", out.env.key));
            if let Err(e) = room.send(content(plain, html, dest.thread.as_ref())).with_transaction_id(txn).await {
                sent = Err(failure(&e));
                break;
            }
        }
        let _ = typing.send(());
        sent
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Notices (so that other bots do not answer) that can ping nobody; the split of a long
    /// reply is the core's (`render::html::notices`).
    #[test]
    fn replies_are_notices_that_ping_nobody() {
        let blocks: Vec<Block> = (0..40).map(|i| Block::Para(format!("@room {i} {}", "x".repeat(1000)))).collect();
        let out: Vec<_> = html::notices(&blocks).iter().map(|(p, h)| content(p, h, None)).collect();
        assert!(out.len() > 1);
        assert!(out.iter().all(
            |c| c.msgtype() == "m.notice" && c.mentions.as_ref().is_some_and(|m| m.user_ids.is_empty() && !m.room)
        ));
    }

    #[test]
    fn thread_replies_stay_in_the_thread() {
        let root: OwnedEventId = "$root:x".try_into().unwrap();
        let latest: OwnedEventId = "$latest:x".try_into().unwrap();
        let dest =
            Dest { room: "!r:x".try_into().unwrap(), thread: Some(Thread::InThread { root: root.clone(), latest }) };
        // As the store keeps it, and back.
        let dest: Dest = serde_json::from_str(&serde_json::to_string(&dest).unwrap()).unwrap();
        let parts = html::notices(&[Block::Para("ok".into())]);
        let out = content(&parts[0].0, &parts[0].1, dest.thread.as_ref());
        match &out.relates_to {
            Some(Relation::Thread(t)) => assert_eq!(t.event_id, root),
            other => panic!("{other:?}"),
        }
    }
}
