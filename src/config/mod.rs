//! The configuration file (`aiguilleur.toml`) and secrets of the long-running transports: one
//! section per transport ([`matrix`], [`discord`]), each with the environment variables that
//! override it, resolved here so that the adapters only deal with their platform.
//!
//! Secrets (passwords, tokens) come from an environment variable or from a file readable by its
//! owner only; never from the command line, never logged.

#[cfg(feature = "discord")]
pub mod discord;
#[cfg(feature = "matrix")]
pub mod matrix;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::de::DeserializeOwned;

/// Reads a TOML configuration file (`None`: every field from its default or the environment).
///
/// # Errors
/// Unreadable file, or TOML that does not fit `T` (the message gives line and column).
pub fn read_toml<T: DeserializeOwned + Default>(path: Option<&Path>) -> anyhow::Result<T> {
    let Some(path) = path else { return Ok(T::default()) };
    let text = std::fs::read_to_string(path).with_context(|| format!("lecture de {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("configuration {}", path.display()))
}

/// A secret value: never shown by `Debug`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    #[must_use]
    pub fn new(value: String) -> Self {
        Self(value)
    }

    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A secret from `env_var`, else from `file` (which must be readable by its owner only).
///
/// # Errors
/// Neither given, the file unreadable, or readable by others.
pub fn read_secret(env_var: &str, file: Option<&Path>) -> anyhow::Result<Secret> {
    if let Ok(v) = std::env::var(env_var)
        && !v.is_empty()
    {
        return Ok(Secret(v));
    }
    let Some(file) = file else {
        bail!("secret absent : définissez la variable {env_var} ou un fichier lisible par son seul propriétaire")
    };
    read_owner_only(file)
}

/// The trimmed contents of a secret file, which must be readable by its owner only.
///
/// # Errors
/// The file unreadable, or readable by others.
pub fn read_owner_only(file: &Path) -> anyhow::Result<Secret> {
    check_owner_only(file)?;
    let text = std::fs::read_to_string(file).with_context(|| format!("lecture de {}", file.display()))?;
    Ok(Secret(text.trim().to_owned()))
}

/// Refuses a secret file that group or others can read.
///
/// # Errors
/// When the file cannot be inspected or is too open.
pub fn check_owner_only(file: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).with_context(|| format!("accès à {}", file.display()))?.permissions().mode();
        if mode & 0o077 != 0 {
            bail!(
                "{} est lisible par d'autres que son propriétaire (mode {:o}) : chmod 600",
                file.display(),
                mode & 0o777
            );
        }
    }
    Ok(())
}

/// Creates `dir` (and parents) readable by its owner only.
///
/// # Errors
/// When the directory cannot be created or its mode set.
pub fn owner_only_dir(dir: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("création de {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(dir.to_path_buf())
}

/// Writes `contents` to `file`, readable by its owner only, whole or not at all: written to a
/// temporary file beside it, then renamed over it, so that the bot killed mid-write never leaves
/// half a session, key or sync token (not synced to disk: the sync token is written at every
/// sync, and a power cut is not what this guards against).
///
/// # Errors
/// When the file cannot be written.
pub fn write_owner_only(file: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut tmp = file.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut opts = std::fs::OpenOptions::new();
    opts.create(true).write(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp).with_context(|| format!("écriture de {}", tmp.display()))?;
    f.write_all(contents).with_context(|| format!("écriture de {}", tmp.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600))?;
    }
    std::fs::rename(&tmp, file).with_context(|| format!("écriture de {}", file.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_files_must_be_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("secret");
        write_owner_only(&f, b"s3cret\n").unwrap();
        assert_eq!(read_secret("AIGUILLEUR_TEST_UNSET_VAR", Some(&f)).unwrap().expose(), "s3cret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(read_secret("AIGUILLEUR_TEST_UNSET_VAR", Some(&f)).is_err());
        }
        assert!(read_secret("AIGUILLEUR_TEST_UNSET_VAR", None).is_err());
    }
}
