//! `aiguilleur sauvegarde` and `aiguilleur restaure`: copies of the conversation base made with
//! SQLite's online backup, while the bot runs.
//!
//! A backup is one consistent snapshot: the whole base is copied in a single step inside one read
//! transaction, so turns written meanwhile (WAL mode: writers are not blocked) are either wholly
//! in the copy or not at all. The copy is written beside its destination, checked
//! (`integrity_check`), made self-contained (rollback journal, no `-wal` file) and renamed into
//! place, readable by its owner only.
//!
//! A restore overwrites a base, so it must never run under a bot that uses it. Every
//! [`crate::store::SqliteStore`] holds a shared `flock` on `<base>.lock` while it is open; the
//! restore takes that lock exclusively, without waiting, and refuses when it cannot. The kernel
//! drops the lock when a process dies, so a crashed bot leaves no stale lock behind.
//!
//! Not covered here: the Matrix session and crypto store (files beside the base, see README).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::store::{SCHEMA_VERSION, create_owner_only};

/// What went wrong, said in French for the operator.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("la base {0} n'existe pas")]
    Missing(PathBuf),
    #[error(
        "la base {0} est utilisée par un bot ou un chat en marche (verrou {1}) : arrêtez-le d'abord \
         (par exemple systemctl stop aiguilleur-matrix), puis relancez la restauration"
    )]
    InUse(PathBuf, PathBuf),
    #[error("{0} n'est pas une base d'aiguilleur utilisable : {1}")]
    NotABase(PathBuf, String),
    #[error("la sauvegarde {0} vient d'une version plus récente d'aiguilleur (schéma {1}, celle-ci connaît {2})")]
    Newer(PathBuf, usize, usize),
    #[error("la sauvegarde et la base sont le même fichier ({0})")]
    SameFile(PathBuf),
    #[error("la base est restée occupée plus de {0} s : réessayez")]
    Busy(u64),
    #[error("SQLite : {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{1} : {0}")]
    Io(std::io::Error, PathBuf),
}

/// What a copy holds, for the operator's confirmation line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Conversations (sessions).
    pub sessions: i64,
    /// Events already answered.
    pub handled: i64,
    /// Replies kept until delivered.
    pub pending: i64,
    /// Size of the file, in bytes.
    pub bytes: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} conversation(s), {} message(s) traité(s), {} réponse(s) en attente, {} octets ; intégrité vérifiée",
            self.sessions, self.handled, self.pending, self.bytes
        )
    }
}

/// How long a step waits for a busy base before giving up.
const BUSY_LIMIT: Duration = Duration::from_secs(30);

/// The lock file beside a base: `matrix.sqlite` → `matrix.sqlite.lock`.
#[must_use]
pub fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    db.with_file_name(name)
}

/// Opens (or creates, empty) the lock file. Read-only is enough for `flock`, and the file holds
/// nothing: it is readable by all (inside the owner-only data directory), so that one created by
/// root for a restore does not lock the service's user out.
fn open_lock(db: &Path) -> std::io::Result<File> {
    let path = lock_path(db);
    match File::open(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        other => return other,
    }
    let mut opts = OpenOptions::new();
    opts.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o644);
    }
    opts.open(path)
}

/// The shared lock a store holds while it uses `db` (waits while a restore runs).
///
/// # Errors
/// When the lock file cannot be created.
pub fn lock_shared(db: &Path) -> std::io::Result<File> {
    let f = open_lock(db)?;
    f.lock_shared()?;
    Ok(f)
}

/// Copies the base `db` into `dest` while it may be in use.
///
/// # Errors
/// Missing base, unwritable destination, a base busy for too long, or a copy that fails its check.
pub fn sauvegarde(db: &Path, dest: &Path) -> Result<Summary, BackupError> {
    if !db.is_file() {
        return Err(BackupError::Missing(db.to_path_buf()));
    }
    if same_file(db, dest) {
        return Err(BackupError::SameFile(dest.to_path_buf()));
    }
    // Read-write without create: a WAL base needs its shared-memory file, and a missing base must
    // not be created empty.
    let src = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    src.busy_timeout(BUSY_LIMIT)?;
    let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let tmp =
        dir.join(format!(".{}.{}.tmp", dest.file_name().unwrap_or_default().to_string_lossy(), std::process::id()));
    let result = (|| {
        create_owner_only(&tmp).map_err(|e| BackupError::Io(e, tmp.clone()))?;
        let mut out = Connection::open(&tmp)?;
        copy(&src, &mut out)?;
        // One self-contained file: no -wal beside the copy.
        out.pragma_update(None, "journal_mode", "DELETE")?;
        let summary = check(&out, &tmp)?;
        drop(out);
        File::open(&tmp).and_then(|f| f.sync_all()).map_err(|e| BackupError::Io(e, tmp.clone()))?;
        std::fs::rename(&tmp, dest).map_err(|e| BackupError::Io(e, dest.to_path_buf()))?;
        Ok(summary)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Replaces the base `db` by the backup `src`, unless a bot or a chat has it open.
///
/// # Errors
/// The base in use, a backup that is not a valid aiguilleur base (or from a newer version), or
/// SQLite failing.
pub fn restaure(src: &Path, db: &Path) -> Result<Summary, BackupError> {
    if !src.is_file() {
        return Err(BackupError::Missing(src.to_path_buf()));
    }
    if same_file(src, db) {
        return Err(BackupError::SameFile(src.to_path_buf()));
    }
    let from = Connection::open_with_flags(src, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    check(&from, src)?;
    let version: usize = from.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(BackupError::Newer(src.to_path_buf(), version, SCHEMA_VERSION));
    }

    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| BackupError::Io(e, dir.to_path_buf()))?;
    }
    let lock = open_lock(db).map_err(|e| BackupError::Io(e, lock_path(db)))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Err(BackupError::InUse(db.to_path_buf(), lock_path(db))),
        Err(TryLockError::Error(e)) => return Err(BackupError::Io(e, lock_path(db))),
    }
    create_owner_only(db).map_err(|e| BackupError::Io(e, db.to_path_buf()))?;
    let mut to = Connection::open(db)?;
    to.busy_timeout(BUSY_LIMIT)?;
    copy(&from, &mut to)?;
    to.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let restored = check(&to, db)?;
    drop(to);
    drop(lock);
    Ok(restored)
}

/// The whole base in one step (one read transaction on `from`: a consistent snapshot).
fn copy(from: &Connection, to: &mut Connection) -> Result<(), BackupError> {
    let backup = Backup::new(from, to)?;
    let started = Instant::now();
    loop {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            // Busy or locked: a writer holds the lock for a moment; anything else is still "more".
            _ if started.elapsed() > BUSY_LIMIT => return Err(BackupError::Busy(BUSY_LIMIT.as_secs())),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
}

/// Integrity and contents of a base, refusing what is not an aiguilleur base.
fn check(conn: &Connection, path: &Path) -> Result<Summary, BackupError> {
    let not_a_base = |why: String| BackupError::NotABase(path.to_path_buf(), why);
    let integrity: String =
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| not_a_base(e.to_string()))?;
    if integrity != "ok" {
        return Err(not_a_base(format!("contrôle d'intégrité : {integrity}")));
    }
    let count = |table: &str| -> Result<i64, BackupError> {
        conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .map_err(|_| not_a_base(format!("table {table} absente")))
    };
    Ok(Summary {
        sessions: count("sessions")?,
        handled: count("handled_events")?,
        pending: count("outbox")?,
        bytes: std::fs::metadata(path).map_or(0, |m| m.len()),
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialogue::Session;
    use crate::store::{SqliteStore, Store};

    fn base(path: &Path, n: i64) {
        let mut s = SqliteStore::open(path).unwrap();
        for i in 0..n {
            let sess = Session::new("orientation", "fr", "v", i);
            s.save(&format!("console:t:u{i}"), &format!("u{i}"), &sess, Some(&format!("$e{i}"))).unwrap();
        }
    }

    #[test]
    fn backup_then_restore_owner_only_and_refused_while_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("a.sqlite");
        base(&db, 3);
        let copy = dir.path().join("copie.sqlite");
        let s = sauvegarde(&db, &copy).unwrap();
        assert_eq!((s.sessions, s.handled, s.pending), (3, 3, 0));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert!(!dir.path().join("copie.sqlite-wal").exists());

        let other = dir.path().join("b.sqlite");
        base(&other, 5);
        let open = SqliteStore::open(&other).unwrap();
        assert!(matches!(restaure(&copy, &other), Err(BackupError::InUse(..))));
        drop(open);
        assert_eq!(restaure(&copy, &other).unwrap().sessions, 3);
        assert!(SqliteStore::open(&other).unwrap().load("console:t:u2").unwrap().is_some());
        assert!(SqliteStore::open(&other).unwrap().load("console:t:u4").unwrap().is_none());
    }

    #[test]
    fn refuses_what_is_not_a_base() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk");
        std::fs::write(&junk, "pas une base").unwrap();
        let db = dir.path().join("a.sqlite");
        assert!(matches!(restaure(&junk, &db), Err(BackupError::NotABase(..))));
        let empty = dir.path().join("vide.sqlite");
        Connection::open(&empty).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
        assert!(matches!(restaure(&empty, &db), Err(BackupError::NotABase(..))));
        assert!(matches!(sauvegarde(&dir.path().join("absente"), &db), Err(BackupError::Missing(..))));
        base(&db, 1);
        assert!(matches!(sauvegarde(&db, &db), Err(BackupError::SameFile(..))));
    }
}
