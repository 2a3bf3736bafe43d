//! Matrix and Tchap: end-to-end encrypted rooms, driven by matrix-sdk 0.18.
//!
//! Transport only: a text message becomes a driver [`Message`], a reply leaves as `m.notice`
//! events with an HTML and a plain body. What every transport shares (the durable reply, one lane
//! per room, retries, admin commands, start and stop) is the driver's ([`crate::driver`]). The
//! pieces:
//! - [`login`]: first login or restored session (same device every start), cross-signing and
//!   recovery key;
//! - [`sync`]: our own `sync_once` loop (no one-second pause between long-polls), with backoff,
//!   `M_LIMIT_EXCEEDED` honoured, and a sync token saved only once the events it covers are
//!   recorded as handled;
//! - [`rooms`]: invites (allow-list, join with retries, welcome once encryption and members are
//!   known), leaving rooms where the bot is alone;
//! - [`messages`]: from a timeline event to the driver (mentions in group rooms, threads,
//!   undecryptable events);
//! - [`send`]: a reply as notices, typing notice, transaction ids from the reply's key.
//!
//! Nothing here decides what the bot says: that is the dialogue's job.

mod login;
mod messages;
mod rooms;
mod send;
mod sync;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use matrix_sdk::Client;
use matrix_sdk::ruma::{OwnedRoomId, OwnedUserId};
use tokio::sync::oneshot;
use tracing::{info, warn};

use crate::config::matrix::{Access, FileConfig, Settings};
use crate::driver::Common;
use crate::driver::service::{self, Failure, Service, Setup, Tasks};

/// The Matrix transport: the client and what the adapter remembers between events.
pub struct Matrix {
    client: Client,
    me: OwnedUserId,
    /// Lower-case ways to name the bot in a group room: user id, localpart, display name.
    names: Vec<String>,
    access: Access,
    typing_delay: Duration,
    /// Invites being handled, so that a repeated sync does not start a second join.
    inviting: Mutex<HashSet<OwnedRoomId>>,
    /// When each room last got an "undecryptable" notice (at most one a minute).
    utd_notices: Mutex<HashMap<OwnedRoomId, Instant>>,
    /// Undecryptable events being tried again: while there are any, the sync token is not saved,
    /// so that a restart reads them again.
    retrying: Tasks,
    /// Rooms just joined, waiting for the sync that shows the join (see `rooms::invite`).
    joins: Mutex<HashMap<OwnedRoomId, oneshot::Sender<()>>>,
}

type Svc = Service<Matrix>;

/// Runs the bot on Matrix until SIGTERM or SIGINT.
///
/// # Errors
/// Configuration, login, or a homeserver that refuses the bot's token.
pub async fn run(common: Common, config: Option<PathBuf>) -> anyhow::Result<()> {
    let file: FileConfig = crate::config::read_toml(config.as_deref())?;
    let settings = Settings::resolve(file.matrix, &|k| std::env::var(k).ok(), common.db.clone())?;
    crate::config::owner_only_dir(&settings.data_dir)?;
    let connected = login::connect(&settings).await?;
    let client = connected.client.clone();
    let me = client.user_id().context("identifiant du bot inconnu après connexion")?.to_owned();
    info!(
        utilisateur = %me,
        appareil = %client.device_id().map(ToString::to_string).unwrap_or_default(),
        premiere_connexion = connected.first_login,
        "connecté à Matrix"
    );
    login::secure(&connected).await;
    let display_name = own_display_name(&client, settings.display_name.as_deref()).await;

    let mut access = settings.access.clone();
    if settings.own_server_only {
        info!(serveur = %me.server_name(), "aucune liste de serveurs : seules les invitations de ce serveur sont acceptées");
        access.servers.push(me.server_name().as_str().to_ascii_lowercase());
    }
    let names = crate::inbound::bot_names([me.as_str(), me.localpart()].into_iter().chain(display_name.as_deref()));

    let setup = Setup { db: settings.db.clone(), admins: access.admins.iter().map(ToString::to_string).collect() };
    let matrix = Matrix {
        client,
        me,
        names,
        access,
        typing_delay: settings.typing_delay,
        inviting: Mutex::default(),
        utd_notices: Mutex::default(),
        retrying: Tasks::default(),
        joins: Mutex::default(),
    };
    let token_file = connected.files.sync_token();
    service::serve(&common, setup, Arc::new(matrix), |svc, stop| async move {
        svc.resend_pending();
        sync::run(svc, token_file, stop).await
    })
    .await
}

/// The account's display name, set first when the configuration names one.
async fn own_display_name(client: &Client, wanted: Option<&str>) -> Option<String> {
    let current = client.account().get_display_name().await.ok().flatten();
    match wanted {
        Some(w) if current.as_deref() != Some(w) => match client.account().set_display_name(Some(w)).await {
            Ok(()) => Some(w.to_owned()),
            Err(e) => {
                warn!("nom affiché non modifié : {e}");
                current
            }
        },
        _ => current,
    }
}

/// What a failed request means for the driver ([`Failure::from_http`]), waiting what the server
/// asks when it says `M_LIMIT_EXCEEDED`.
pub(crate) fn failure(e: &matrix_sdk::Error) -> Failure {
    use matrix_sdk::ruma::api::error::{ErrorKind, RetryAfter};
    let after = match e.client_api_error_kind() {
        Some(ErrorKind::LimitExceeded(data)) => match &data.retry_after {
            Some(RetryAfter::Delay(d)) => Some(*d),
            Some(RetryAfter::DateTime(t)) => Some(t.duration_since(std::time::SystemTime::now()).unwrap_or_default()),
            None => None,
        },
        _ => None,
    };
    let status = e.as_client_api_error().map(|c| c.status_code.as_u16());
    Failure::from_http(status, matches!(e, matrix_sdk::Error::Http(_)), after, e)
}

#[cfg(test)]
mod tests {
    use matrix_sdk::HttpError;
    use matrix_sdk::ruma::api::client::uiaa::UiaaResponse;
    use matrix_sdk::ruma::api::error::{
        Error as ApiError, ErrorBody, ErrorKind, FromHttpResponseError, LimitExceededErrorData, RetryAfter,
        StandardErrorBody, UnknownTokenErrorData,
    };
    use matrix_sdk::ruma::exports::http::StatusCode;

    use super::*;

    fn server_error(status: u16, kind: ErrorKind) -> matrix_sdk::Error {
        let body = ErrorBody::Standard(StandardErrorBody::new(kind, "x".into()));
        let api = ApiError::new(StatusCode::from_u16(status).unwrap(), body);
        let http = HttpError::Api(Box::new(FromHttpResponseError::Server(UiaaResponse::MatrixError(api))));
        matrix_sdk::Error::Http(Box::new(http))
    }

    /// The statuses are the driver's policy (tested there); here, what matrix-sdk's errors carry.
    #[test]
    fn rate_limits_wait_what_the_server_says_and_a_refused_token_stops() {
        let mut data = LimitExceededErrorData::new();
        data.retry_after = Some(RetryAfter::Delay(Duration::from_millis(1500)));
        let e = server_error(429, ErrorKind::LimitExceeded(data));
        assert!(matches!(failure(&e), Failure::Transient { after: Some(d), .. } if d == Duration::from_millis(1500)));
        let e = server_error(429, ErrorKind::LimitExceeded(LimitExceededErrorData::new()));
        assert!(matches!(failure(&e), Failure::Transient { after: None, .. }));
        assert!(failure(&server_error(502, ErrorKind::Unknown)).is_transient());
        let token = server_error(401, ErrorKind::UnknownToken(UnknownTokenErrorData::new()));
        assert!(!failure(&token).is_transient());
        assert!(sync::is_auth_error(&token));
    }
}
