//! What a turn's replies need from the day and the conversation, added after the engine ran.
//!
//! The engine knows neither the date of the day nor what the renderers must avoid; the bot calls
//! [`annotate`] with the turn's time and the session, which puts a [`Reply::Context`] first:
//! - with today's date, the renderers say when information is past its validity or older than
//!   the allowed age (`data/fraicheur.toml`), and ask to confirm it with the contact;
//! - with the département of a commune outside the Manche, they never send the person to the
//!   Manche's own contacts.

use crate::catalogue::freshness::Day;
use crate::dialogue::Session;
use crate::dialogue::model::Value;
use crate::reply::Reply;

/// The département of the person's commune when it is outside the Manche (read before a turn
/// too: « stop » or « recommencer » forget the commune, but their reply is still for that person).
#[must_use]
pub fn elsewhere(session: &Session) -> Option<String> {
    match session.slots.get("commune") {
        Some(Value::Ailleurs { departement, .. }) => Some(departement.clone()),
        _ => None,
    }
}

/// Puts the turn's context first in `replies` (see the module header). `before`: [`elsewhere`]
/// of the session as it was before the turn; `now`: the turn's Unix time.
pub fn annotate(session: &Session, before: Option<String>, replies: &mut Vec<Reply>, now: i64) {
    let elsewhere = elsewhere(session).or(before);
    // Only when something depends on it: plain sentences of a Manche conversation need nothing.
    let dated = replies.iter().any(|r| {
        matches!(r, Reply::Details { .. } | Reply::Dispositif { .. } | Reply::Card { .. } | Reply::Resultats { .. })
    });
    if replies.is_empty() || (elsewhere.is_none() && !dated) {
        return;
    }
    replies.insert(0, Reply::Context { elsewhere, today: Some(Day::from_unix(now)) });
}
