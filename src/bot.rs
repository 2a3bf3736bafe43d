//! The bot: loads a session, runs a turn of the dialogue, saves the session. Transport-free.
//!
//! Adapters build an [`Incoming`] from their platform's event and render the replies. The bot
//! owns the store and the current content; a reload swaps the content only when it validated.

use std::sync::Arc;

use crate::content::Content;
use crate::dialogue::{self, Session};
use crate::reply::Reply;
use crate::store::{Store, StoreError};

/// Messages longer than this are answered with a short notice and not processed.
pub const MAX_MESSAGE_BYTES: usize = 4000;

/// A message from a person, as every adapter delivers it.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Transport name: `console`, `matrix`, `discord`.
    pub transport: String,
    /// The person (Matrix user id, Discord user id, OS user).
    pub user: String,
    /// Where they talk (room, channel, terminal).
    pub conversation: String,
    pub text: String,
    /// The platform's event id, to never answer twice.
    pub event_id: Option<String>,
    /// Seconds since the Unix epoch.
    pub now: i64,
}

impl Incoming {
    #[must_use]
    pub fn key(&self) -> String {
        format!("{}:{}:{}", self.transport, self.conversation, self.user)
    }
}

pub struct Bot<S: Store> {
    content: Arc<Content>,
    store: S,
    lang: String,
}

impl<S: Store> Bot<S> {
    pub fn new(content: Arc<Content>, store: S, lang: &str) -> Self {
        Self { content, store, lang: lang.to_owned() }
    }

    #[must_use]
    pub fn content(&self) -> &Arc<Content> {
        &self.content
    }

    /// Replaces the content (already validated by the caller).
    pub fn set_content(&mut self, content: Arc<Content>) {
        self.content = content;
    }

    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    fn session(&mut self, msg: &Incoming) -> Result<(Session, Vec<Reply>), StoreError> {
        let key = msg.key();
        Ok(match self.store.load(&key)? {
            Some(mut s) => {
                let notes = dialogue::upgrade(&self.content, &mut s);
                (s, notes)
            }
            None => (Session::new(crate::content::MAIN_DIALOGUE, &self.lang, &self.content.version, msg.now), vec![]),
        })
    }

    /// Handles one message: the replies to send. An event already handled gets no reply.
    ///
    /// # Errors
    /// When the store fails; the adapter then says so in a generic message and logs the detail.
    pub fn handle(&mut self, msg: &Incoming) -> Result<Vec<Reply>, StoreError> {
        if let Some(e) = &msg.event_id
            && self.store.is_handled(e)?
        {
            return Ok(vec![]);
        }
        let (mut session, mut replies) = self.session(msg)?;
        if msg.text.len() > MAX_MESSAGE_BYTES {
            replies.push(Reply::say("message-trop-long"));
            session.updated = msg.now;
        } else if replies.is_empty() {
            replies = dialogue::step(&self.content, &mut session, &msg.text, msg.now);
        }
        self.store.save(&msg.key(), &msg.user, &session, msg.event_id.as_deref())?;
        Ok(replies)
    }

    /// What to show someone who comes back (a restarted terminal): where they were.
    ///
    /// # Errors
    /// When the store fails.
    pub fn resume(&mut self, msg: &Incoming) -> Result<Vec<Reply>, StoreError> {
        let (mut session, mut replies) = self.session(msg)?;
        if replies.is_empty() {
            replies = dialogue::reprompt(&self.content, &mut session, msg.now);
        }
        self.store.save(&msg.key(), &msg.user, &session, None)?;
        Ok(replies)
    }

    /// Whether a session exists for this person here.
    ///
    /// # Errors
    /// When the store fails.
    pub fn has_session(&mut self, msg: &Incoming) -> Result<bool, StoreError> {
        Ok(self.store.load(&msg.key())?.is_some_and(|s| s.greeted))
    }

    /// Replies as plain text, in the session's language.
    #[must_use]
    pub fn plain(&self, replies: &[Reply]) -> String {
        crate::render::plain::plain(&crate::render::blocks(&self.content, &self.lang, replies))
    }

    #[must_use]
    pub fn lang(&self) -> &str {
        &self.lang
    }
}
