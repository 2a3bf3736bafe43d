//! The SQLite store: WAL mode, numbered migrations applied in a transaction, parameterised SQL.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::{
    Commit, Committed, Count, DemandeRow, DemandeStatut, GivenUp, Issue, NewDemande, Pending, Question, Store,
    StoreError, Subscription,
};
use crate::dialogue::Session;

/// Schema migrations, in order; `user_version` records how many were applied.
const MIGRATIONS: &[&str] = &[
    // 1: sessions and handled events.
    "CREATE TABLE sessions (
        key TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        data TEXT NOT NULL,
        updated INTEGER NOT NULL
     );
     CREATE INDEX sessions_user ON sessions(user);
     CREATE INDEX sessions_updated ON sessions(updated);
     CREATE TABLE handled_events (
        event_id TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        at INTEGER NOT NULL
     );
     CREATE INDEX handled_events_user ON handled_events(user);",
    // 2: replies kept until the transport delivered them.
    "CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        key TEXT NOT NULL,
        user TEXT NOT NULL,
        payload TEXT NOT NULL,
        created INTEGER NOT NULL
     );
     CREATE INDEX outbox_user ON outbox(user);
     CREATE INDEX outbox_created ON outbox(created);",
    // 3: the outbox as a queue of several consumers: destination kind (the key's first segment),
    // attempts, next attempt, status (`pending` or `failed`) and the last error.
    "ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
     UPDATE outbox SET kind = substr(key, 1, instr(key, ':') - 1);
     ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
     ALTER TABLE outbox ADD COLUMN next_at INTEGER NOT NULL DEFAULT 0;
     UPDATE outbox SET next_at = created;
     ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
     ALTER TABLE outbox ADD COLUMN last_error TEXT;
     CREATE INDEX outbox_kind ON outbox(kind, status);",
    // 4: demands forwarded to the single entry point, numbered per year (`DEM-2026-0042`); the
    // sequence has its own table so that purging old demands never hands a number out twice.
    "CREATE TABLE demandes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        reference TEXT NOT NULL UNIQUE,
        annee INTEGER NOT NULL,
        numero INTEGER NOT NULL,
        key TEXT NOT NULL,
        user TEXT NOT NULL,
        created INTEGER NOT NULL,
        commune TEXT,
        insee TEXT,
        themes TEXT NOT NULL,
        etape TEXT,
        data TEXT NOT NULL,
        statut TEXT NOT NULL,
        sent_at INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        UNIQUE (annee, numero)
     );
     CREATE INDEX demandes_user ON demandes(user);
     CREATE INDEX demandes_created ON demandes(created);
     CREATE TABLE demande_numeros (
        annee INTEGER PRIMARY KEY,
        dernier INTEGER NOT NULL
     );",
    // 5: anonymous counters by ISO week (no user, no text: see `crate::stats`); quick questions
    // without an answer (erased with their person and after the retention); subscriptions to
    // alerts; values the bot keeps about itself (the catalogue last announced).
    "CREATE TABLE stats (
        week TEXT NOT NULL,
        dim TEXT NOT NULL,
        value TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (week, dim, value)
     ) WITHOUT ROWID;
     CREATE TABLE unanswered (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        user TEXT NOT NULL,
        text TEXT NOT NULL,
        at INTEGER NOT NULL
     );
     CREATE INDEX unanswered_user ON unanswered(user);
     CREATE INDEX unanswered_at ON unanswered(at);
     CREATE TABLE subscriptions (
        key TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        data TEXT NOT NULL,
        last_alert INTEGER
     );
     CREATE INDEX subscriptions_user ON subscriptions(user);
     CREATE TABLE meta (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
     );",
];

/// How many migrations this build knows: a base with a higher `user_version` comes from a newer
/// aiguilleur.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

pub struct SqliteStore {
    conn: Connection,
    /// A shared lock on `<base>.lock`, held while the store is open: `aiguilleur restaure` takes it
    /// exclusively, so it never overwrites the base of a running bot (see [`crate::backup`]).
    _in_use: Option<std::fs::File>,
}

impl SqliteStore {
    /// Opens (or creates, owner-only) the database at `path`; `:memory:` keeps it in memory.
    ///
    /// # Errors
    /// When the file cannot be created or opened, or a migration fails.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let memory = path.as_os_str() == ":memory:";
        if !memory {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            create_owner_only(path)?;
        }
        // Taken before opening, so that a restore in progress finishes first.
        let in_use = if memory { None } else { Some(crate::backup::lock_shared(path)?) };
        let conn = if memory { Connection::open_in_memory()? } else { Connection::open(path)? };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        if !memory {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Erased data is overwritten, not left in free pages (RGPD "oublie-moi").
        conn.pragma_update(None, "secure_delete", "ON")?;
        let mut store = Self { conn, _in_use: in_use };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: usize = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i + 1)?;
            tx.commit()?;
        }
        Ok(())
    }
}

/// Creates the file owner-only if it is absent, and makes it owner-only.
///
/// An existing base is never opened here: closing any descriptor of a database file drops every
/// POSIX lock this process holds on it, including those of another connection in the middle of a
/// transaction (SQLite's "how to corrupt" §2.2; found by the backup test's concurrent writers).
#[cfg(unix)]
pub(crate) fn create_owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
pub(crate) fn create_owner_only(_: &Path) -> std::io::Result<()> {
    Ok(())
}

impl Store for SqliteStore {
    fn load(&mut self, key: &str) -> Result<Option<Session>, StoreError> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT data FROM sessions WHERE key = ?1")?
            .query_row(params![key], |r| r.get(0))
            .optional()?;
        json.map(|j| serde_json::from_str(&j).map_err(StoreError::from)).transpose()
    }

    fn sessions(&mut self) -> Result<Vec<Session>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT data FROM sessions ORDER BY key")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = vec![];
        for json in rows {
            if let Ok(s) = serde_json::from_str(&json?) {
                out.push(s);
            }
        }
        Ok(out)
    }

    fn commit(&mut self, c: &Commit<'_>) -> Result<Committed, StoreError> {
        let json = c.session.map(|(_, _, s)| serde_json::to_string(s)).transpose()?;
        let tx = self.conn.transaction()?;
        let mut done = Committed::default();
        if let Some(user) = c.forget {
            done.forgotten = tx.execute("DELETE FROM sessions WHERE user = ?1", params![user])?;
            tx.execute("DELETE FROM handled_events WHERE user = ?1", params![user])?;
            tx.execute("DELETE FROM outbox WHERE user = ?1", params![user])?;
            // Demands keep their reference, commune and themes (the préfecture's follow-up), not
            // the person: their words, name, role and contact are blanked. One not sent yet is
            // not sent (its email went with the outbox rows above).
            tx.execute(
                "UPDATE demandes SET user = '', key = '',
                    data = json_set(data, '$.description', '', '$.demandeur', '', '$.qualite', '', '$.contact', ''),
                    statut = CASE statut WHEN 'en-attente' THEN 'annulee' ELSE statut END
                 WHERE user = ?1",
                params![user],
            )?;
            tx.execute("DELETE FROM unanswered WHERE user = ?1", params![user])?;
            tx.execute("DELETE FROM subscriptions WHERE user = ?1", params![user])?;
        }
        if let (Some((key, user, session)), Some(json)) = (c.session, json) {
            tx.prepare_cached(
                "INSERT INTO sessions (key, user, data, updated) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(key) DO UPDATE SET data = excluded.data, updated = excluded.updated",
            )?
            .execute(params![key, user, json, session.updated])?;
        }
        if let Some((event, user)) = c.event {
            tx.prepare_cached("INSERT OR IGNORE INTO handled_events (event_id, user, at) VALUES (?1, ?2, ?3)")?
                .execute(params![event, user, c.at])?;
        }
        if let Some((key, user, payload)) = c.reply {
            tx.prepare_cached(
                "INSERT INTO outbox (kind, key, user, payload, created, next_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            )?
            .execute(params![super::kind_of(key), key, user, payload, c.at])?;
            done.reply = Some(tx.last_insert_rowid());
        }
        if let Some(d) = c.demand {
            insert_demande(&tx, d, c.at)?;
        }
        if !c.counts.is_empty() {
            let week = crate::stats::iso_week(c.at);
            let mut add = tx.prepare_cached(
                "INSERT INTO stats (week, dim, value, n) VALUES (?1, ?2, ?3, 1)
                 ON CONFLICT(week, dim, value) DO UPDATE SET n = n + 1",
            )?;
            for f in c.counts {
                add.execute(params![week, f.dim, f.value])?;
            }
        }
        if let Some((user, text)) = c.unanswered {
            tx.prepare_cached("INSERT INTO unanswered (user, text, at) VALUES (?1, ?2, ?3)")?
                .execute(params![user, text, c.at])?;
        }
        if let Some(key) = c.unsubscribe {
            tx.prepare_cached("DELETE FROM subscriptions WHERE key = ?1")?.execute(params![key])?;
        }
        if let Some(sub) = c.subscribe {
            tx.prepare_cached(
                "INSERT INTO subscriptions (key, user, data, last_alert) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(key) DO UPDATE SET user = excluded.user, data = excluded.data",
            )?
            .execute(params![sub.key, sub.user, serde_json::to_string(sub)?, sub.last_alert])?;
        }
        tx.commit()?;
        if c.forget.is_some() {
            // Old page images stay in the write-ahead log until a checkpoint: fold them in now.
            self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        }
        Ok(done)
    }

    fn is_handled(&mut self, event: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM handled_events WHERE event_id = ?1")?
            .query_row(params![event], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn pending(&mut self, kind: &str) -> Result<Vec<Pending>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, key, payload, attempts, next_at FROM outbox WHERE kind = ?1 AND status = 'pending' ORDER BY id",
        )?;
        let rows = stmt.query_map(params![kind], |r| {
            Ok(Pending { id: r.get(0)?, key: r.get(1)?, payload: r.get(2)?, attempts: r.get(3)?, next_at: r.get(4)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn delivered(&mut self, id: i64) -> Result<(), StoreError> {
        self.conn.prepare_cached("DELETE FROM outbox WHERE id = ?1")?.execute(params![id])?;
        Ok(())
    }

    fn retry_later(&mut self, id: i64, next_at: i64, error: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE outbox SET attempts = attempts + 1, next_at = ?2, last_error = ?3 WHERE id = ?1")?
            .execute(params![id, next_at, error])?;
        Ok(())
    }

    fn give_up(&mut self, id: i64, error: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE outbox SET attempts = attempts + 1, status = 'failed', last_error = ?2 WHERE id = ?1",
            )?
            .execute(params![id, error])?;
        Ok(())
    }

    fn given_up(&mut self, kind: &str) -> Result<Vec<GivenUp>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, key, payload, attempts, coalesce(last_error, '') FROM outbox
             WHERE kind = ?1 AND status = 'failed' ORDER BY id",
        )?;
        let rows = stmt.query_map(params![kind], |r| {
            Ok(GivenUp { id: r.get(0)?, key: r.get(1)?, payload: r.get(2)?, attempts: r.get(3)?, error: r.get(4)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn counts(&mut self, from: &str, to: &str) -> Result<Vec<Count>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT week, dim, value, n FROM stats WHERE week BETWEEN ?1 AND ?2 ORDER BY week, dim, value",
        )?;
        let rows = stmt.query_map(params![from, to], |r| {
            Ok(Count { week: r.get(0)?, dim: r.get(1)?, value: r.get(2)?, n: r.get(3)? })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn unanswered(&mut self) -> Result<Vec<Question>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT at, text FROM unanswered ORDER BY at, id")?;
        let rows = stmt.query_map([], |r| Ok(Question { at: r.get(0)?, text: r.get(1)? }))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn subscriptions(&mut self) -> Result<Vec<Subscription>, StoreError> {
        let mut stmt = self.conn.prepare_cached("SELECT data, last_alert FROM subscriptions ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?)))?;
        let mut out = vec![];
        for row in rows {
            let (json, last) = row?;
            let mut sub: Subscription = serde_json::from_str(&json)?;
            sub.last_alert = last;
            out.push(sub);
        }
        Ok(out)
    }

    fn alerted(&mut self, key: &str, at: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached("UPDATE subscriptions SET last_alert = ?2 WHERE key = ?1")?
            .execute(params![key, at])?;
        Ok(())
    }

    fn meta(&mut self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE name = ?1")?
            .query_row(params![name], |r| r.get(0))
            .optional()?)
    }

    fn set_meta(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "INSERT INTO meta (name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![name, value])?;
        Ok(())
    }

    fn prune_meta(&mut self, prefix: &str, keep: &[String]) -> Result<usize, StoreError> {
        let names: Vec<String> = self
            .conn
            .prepare_cached("SELECT name FROM meta")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut gone = 0;
        for name in names.iter().filter(|n| n.starts_with(prefix) && !keep.contains(n)) {
            gone += self.conn.prepare_cached("DELETE FROM meta WHERE name = ?1")?.execute(params![name])?;
        }
        Ok(gone)
    }

    fn purge_idle(&mut self, before: i64) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let n = tx.execute("DELETE FROM sessions WHERE updated < ?1", params![before])?;
        tx.execute("DELETE FROM outbox WHERE created < ?1", params![before])?;
        tx.execute("DELETE FROM demandes WHERE created < ?1", params![before])?;
        tx.execute("DELETE FROM unanswered WHERE at < ?1", params![before])?;
        tx.commit()?;
        Ok(n)
    }

    fn next_number(&mut self, annee: i32) -> Result<u32, StoreError> {
        let last: Option<u32> = self
            .conn
            .prepare_cached("SELECT dernier FROM demande_numeros WHERE annee = ?1")?
            .query_row(params![annee], |r| r.get(0))
            .optional()?;
        Ok(last.unwrap_or(0) + 1)
    }

    fn demande_issue(&mut self, id: i64, reference: &str, issue: Issue<'_>, at: i64) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        match issue {
            Issue::Envoyee => {
                tx.execute("DELETE FROM outbox WHERE id = ?1", params![id])?;
                tx.execute(
                    "UPDATE demandes SET statut = 'envoyee', sent_at = ?2, attempts = attempts + 1 WHERE reference = ?1",
                    params![reference, at],
                )?;
            }
            Issue::Reessai { next_at, error } => {
                tx.execute(
                    "UPDATE outbox SET attempts = attempts + 1, next_at = ?2, last_error = ?3 WHERE id = ?1",
                    params![id, next_at, error],
                )?;
                tx.execute(
                    "UPDATE demandes SET attempts = attempts + 1, last_error = ?2 WHERE reference = ?1",
                    params![reference, error],
                )?;
            }
            Issue::Echec { error } => {
                tx.execute(
                    "UPDATE outbox SET attempts = attempts + 1, status = 'failed', last_error = ?2 WHERE id = ?1",
                    params![id, error],
                )?;
                tx.execute(
                    "UPDATE demandes SET statut = 'echec', attempts = attempts + 1, last_error = ?2 WHERE reference = ?1",
                    params![reference, error],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn demandes(&mut self, since: i64) -> Result<Vec<DemandeRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT reference, created, commune, insee, themes, etape, statut, sent_at, attempts, last_error
             FROM demandes WHERE created >= ?1 ORDER BY annee, numero",
        )?;
        let rows = stmt.query_map(params![since], |r| {
            let themes: String = r.get(4)?;
            let statut: String = r.get(6)?;
            Ok(DemandeRow {
                reference: r.get(0)?,
                created: r.get(1)?,
                commune: r.get(2)?,
                insee: r.get(3)?,
                themes: themes.split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect(),
                etape: r.get(5)?,
                statut: DemandeStatut::parse(&statut).unwrap_or(DemandeStatut::EnAttente),
                sent_at: r.get(7)?,
                attempts: r.get(8)?,
                last_error: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn demande_data_mentions(&mut self, needle: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT reference FROM demandes WHERE instr(data, ?1) > 0 ORDER BY annee, numero")?;
        let rows = stmt.query_map(params![needle], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Stores a demand, moves its year's sequence on, and queues its email (if any), in the turn's
/// transaction. A reference already taken fails the whole transaction.
fn insert_demande(tx: &rusqlite::Transaction<'_>, d: &NewDemande, at: i64) -> Result<(), StoreError> {
    let statut = if d.email.is_some() { DemandeStatut::EnAttente } else { DemandeStatut::Manuelle };
    tx.prepare_cached(
        "INSERT INTO demandes (reference, annee, numero, key, user, created, commune, insee, themes, etape, data, statut)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        d.reference,
        d.annee,
        d.numero,
        d.key,
        d.user,
        at,
        d.commune,
        d.insee,
        d.themes.join(","),
        d.etape,
        d.data,
        statut.as_str()
    ])?;
    tx.prepare_cached(
        "INSERT INTO demande_numeros (annee, dernier) VALUES (?1, ?2)
         ON CONFLICT(annee) DO UPDATE SET dernier = max(dernier, excluded.dernier)",
    )?
    .execute(params![d.annee, d.numero])?;
    if let Some(email) = &d.email {
        let key = format!("email:{}", d.reference);
        tx.prepare_cached(
            "INSERT INTO outbox (kind, key, user, payload, created, next_at) VALUES ('email', ?1, ?2, ?3, ?4, ?4)",
        )?
        .execute(params![key, d.user, email, at])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_the_store_suite_in_memory() {
        super::super::suite::run(&mut SqliteStore::open(Path::new(":memory:")).unwrap());
    }

    #[test]
    fn passes_the_store_suite_on_disk_owner_only_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/aiguilleur.sqlite");
        super::super::suite::run(&mut SqliteStore::open(&path).unwrap());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let mut s = SqliteStore::open(&path).unwrap();
        let mut sess = Session::new("orientation", "fr", "v", 1);
        sess.node = Some("theme".into());
        s.save("k", "u", &sess, None).unwrap();
        drop(s);
        let mut s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.load("k").unwrap().unwrap().node.as_deref(), Some("theme"));
    }
}
