//! The bot's account and device: first login, then the same device at every start.
//!
//! Files in the owner-only Matrix directory (`<data dir>/matrix/`):
//! - `session.json`: homeserver URL, user id, device id and access token (owner-only);
//! - `device-id`: the device id chosen before the first login, so that a crash between the login
//!   and the writing of `session.json` logs in again as the same device;
//! - `store/`: matrix-sdk's SQLite state and crypto stores (the device's keys);
//! - `recovery-key`: the key of the secret storage holding the cross-signing keys and the room
//!   key backup (owner-only), to rebuild the bot's identity on a new machine.
//!
//! It never logs in again against an existing store: that would create a second device with the
//! first one's keys (matrix-sdk refuses it), and people would see an unverified newcomer.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use matrix_sdk::Client;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::RequestConfig;
use matrix_sdk::encryption::recovery::RecoveryState;
use matrix_sdk::encryption::{BackupDownloadStrategy, EncryptionSettings};
use matrix_sdk::ruma::api::client::uiaa::{EmailUserIdentifier, MatrixUserIdentifier, UserIdentifier};
use matrix_sdk::ruma::{DeviceId, OwnedDeviceId};
use matrix_sdk::store::RoomLoadSettings;
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use crate::config::matrix::{Login, Settings};
use crate::config::{check_owner_only, owner_only_dir, write_owner_only};

/// What `session.json` holds.
#[derive(Serialize, Deserialize)]
struct SavedSession {
    /// The homeserver URL found at the first login (discovery is not redone).
    homeserver: String,
    #[serde(flatten)]
    session: MatrixSession,
}

/// Paths inside the Matrix directory.
pub struct Files {
    pub dir: PathBuf,
}

impl Files {
    fn session(&self) -> PathBuf {
        self.dir.join("session.json")
    }
    fn device_id(&self) -> PathBuf {
        self.dir.join("device-id")
    }
    fn store(&self) -> PathBuf {
        self.dir.join("store")
    }
    fn recovery_key(&self) -> PathBuf {
        self.dir.join("recovery-key")
    }
    pub fn sync_token(&self) -> PathBuf {
        self.dir.join("sync-token")
    }
}

/// A logged-in client and whether this start created the device.
pub struct Connected {
    pub client: Client,
    pub files: Files,
    pub first_login: bool,
}

/// Sets matrix-sdk's own sync token to the bot's (`sync-token`), before the session is restored
/// (which loads it).
///
/// matrix-sdk drops a sync response whose `next_batch` is the token it stored last ("the same
/// response twice"). When the bot is killed after matrix-sdk stored a response but before the bot
/// recorded its messages, the bot syncs again from its own, older token; the server answers with
/// that same `next_batch`, and matrix-sdk would drop the very messages to read again (found by the
/// SIGKILL campaign, `tests/it/matrix_crash.rs`).
async fn align_sync_token(client: &Client, files: &Files) -> anyhow::Result<()> {
    use matrix_sdk::store::{StateStoreDataKey, StateStoreDataValue};
    let ours = super::sync::read_token(&files.sync_token());
    let store = client.state_store();
    match ours {
        Some(token) => store.set_kv_data(StateStoreDataKey::SyncToken, StateStoreDataValue::SyncToken(token)).await,
        None => store.remove_kv_data(StateStoreDataKey::SyncToken).await,
    }
    .context("jeton de synchronisation du magasin Matrix")
}

/// Restores the saved session, or logs in for the first time.
///
/// # Errors
/// Unreadable files, a homeserver that cannot be reached or found, a refused login.
pub async fn connect(settings: &Settings) -> anyhow::Result<Connected> {
    let files = Files { dir: owner_only_dir(&settings.matrix_dir())? };
    let passphrase = settings.store_passphrase()?;
    let passphrase = passphrase.as_ref().map(crate::config::Secret::expose);
    if files.session().exists() {
        check_owner_only(&files.session())?;
        let text = std::fs::read_to_string(files.session())
            .with_context(|| format!("lecture de {}", files.session().display()))?;
        let saved: SavedSession = serde_json::from_str(&text)
            .with_context(|| format!("session illisible : {}", files.session().display()))?;
        if let Login::User(u) = &settings.login
            && u.starts_with('@')
            && *u != saved.session.meta.user_id.as_str()
        {
            bail!(
                "la session enregistrée dans {} est celle de {}, pas de {u} : changez de dossier de données",
                files.dir.display(),
                saved.session.meta.user_id
            );
        }
        let client = builder(&files.store(), passphrase)
            .homeserver_url(&saved.homeserver)
            .build()
            .await
            .context("ouverture du client Matrix")?;
        align_sync_token(&client, &files).await?;
        client
            .matrix_auth()
            .restore_session(saved.session, RoomLoadSettings::default())
            .await
            .context("restauration de la session Matrix")?;
        return Ok(Connected { client, files, first_login: false });
    }

    // First login. A store without a chosen device id comes from a start that failed before
    // logging in: it holds nothing worth keeping, and would not match the new device.
    let device_id: OwnedDeviceId = if files.device_id().exists() {
        std::fs::read_to_string(files.device_id())?.trim().into()
    } else {
        if files.store().exists() {
            std::fs::remove_dir_all(files.store())
                .with_context(|| format!("suppression de {}", files.store().display()))?;
        }
        let id = DeviceId::new();
        write_owner_only(&files.device_id(), id.as_str().as_bytes())?;
        id
    };
    let password = settings.password()?;
    let mut b = builder(&files.store(), passphrase);
    b = match (&settings.homeserver, &settings.login) {
        (Some(h), _) => b.server_name_or_homeserver_url(h),
        (None, Login::User(u)) => {
            let user = matrix_sdk::ruma::UserId::parse(u.as_str())?;
            b.server_name(user.server_name())
        }
        (None, Login::Email(_)) => bail!("serveur Matrix absent"),
    };
    let client = b.build().await.context("connexion au serveur Matrix")?;
    let identifier = match &settings.login {
        Login::User(u) => UserIdentifier::Matrix(MatrixUserIdentifier::new(u.clone())),
        Login::Email(e) => UserIdentifier::Email(EmailUserIdentifier::new(e.clone())),
    };
    client
        .matrix_auth()
        .login_identifier(identifier, password.expose())
        .device_id(device_id.as_str())
        .initial_device_display_name(&settings.device_name)
        .send()
        .await
        .context("connexion refusée par le serveur Matrix (identifiant ou mot de passe)")?;
    let session = client.matrix_auth().session().context("session absente après la connexion")?;
    let saved = SavedSession { homeserver: client.homeserver().to_string(), session };
    write_owner_only(&files.session(), serde_json::to_string_pretty(&saved)?.as_bytes())?;
    Ok(Connected { client, files, first_login: true })
}

fn builder(store: &Path, passphrase: Option<&str>) -> matrix_sdk::ClientBuilder {
    Client::builder()
        .sqlite_store(store, passphrase)
        .with_encryption_settings(EncryptionSettings {
            // Bootstrapped with the login password, so that people see a verified bot.
            auto_enable_cross_signing: true,
            backup_download_strategy: BackupDownloadStrategy::AfterDecryptionFailure,
            // The backup is created with the recovery key, see `secure`.
            auto_enable_backups: false,
        })
        // Network failures are retried a few times by the SDK; the sync loop and the sender add
        // their own, longer backoff on top.
        .request_config(RequestConfig::new().retry_limit(3).timeout(Duration::from_secs(30)))
}

/// Checks cross-signing and, the first time, enables recovery (secret storage and key backup)
/// and saves the recovery key owner-only. Failures here are logged, never fatal: the bot still
/// answers, only less verified.
pub async fn secure(connected: &Connected) {
    let encryption = connected.client.encryption();
    encryption.wait_for_e2ee_initialization_tasks().await;
    match encryption.cross_signing_status().await {
        Some(s) if s.is_complete() => info!("signature croisée en place"),
        other => warn!(?other, "signature croisée incomplète : le bot apparaîtra non vérifié"),
    }
    let key_file = connected.files.recovery_key();
    let recovery = encryption.recovery();
    match recovery.state() {
        RecoveryState::Enabled | RecoveryState::Incomplete if key_file.exists() => {}
        RecoveryState::Disabled | RecoveryState::Unknown if !key_file.exists() => match recovery.enable().await {
            Ok(key) => match write_owner_only(&key_file, key.as_bytes()) {
                Ok(()) => info!(fichier = %key_file.display(), "clé de récupération enregistrée"),
                Err(e) => warn!("clé de récupération non enregistrée : {e:#}"),
            },
            Err(e) => warn!("récupération (sauvegarde des clés) non activée : {e}"),
        },
        state => {
            if !key_file.exists() {
                warn!(?state, "récupération déjà configurée sur le compte, mais sans clé dans le dossier de données");
            }
        }
    }
}
