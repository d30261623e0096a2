//! The embedded default: one SQLite file in WAL mode, `synchronous=FULL`; group commit for
//! appends; compaction.

use super::*;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

mod accounts;

/// The embedded default: one SQLite file in WAL mode, `synchronous=FULL`.
pub struct SqliteStorage {
    conn: Mutex<Connection>,
    /// Appends waiting for the next commit (see [`SqliteStorage::append_chunk`]).
    appends: Mutex<Vec<Arc<Append>>>,
    /// Transactions that committed appends (each one fsync).
    append_commits: AtomicU64,
}

/// What an append returns: the document's chunk count and bytes afterwards.
type Appended = Result<(u64, u64), StorageError>;

/// One document's chunk waiting to be committed, and then the outcome.
struct Append {
    doc_id: String,
    bytes: Vec<u8>,
    done: Mutex<Option<Appended>>,
}

impl Append {
    fn finish(&self, outcome: Appended) {
        if let Ok(mut done) = self.done.lock() {
            *done = Some(outcome);
        }
    }

    fn outcome(&self) -> Option<Appended> {
        self.done.lock().ok().and_then(|mut d| d.take())
    }
}

/// Insert one chunk and return the document's chunk count and bytes afterwards.
fn insert_chunk(conn: &Connection, doc_id: &str, bytes: &[u8]) -> Appended {
    // The hot path (every batch of edits): statements prepared once per connection.
    conn.prepare_cached(
        "INSERT INTO chunks (doc_id, seq, kind, bytes, written_at)
         VALUES (?1, (SELECT coalesce(max(seq), -1) + 1 FROM chunks WHERE doc_id = ?1), 'incremental', ?2, CAST(strftime('%s', 'now') AS INTEGER))",
    )?
    .execute(params![doc_id, bytes])?;
    let (n, total): (i64, i64) = conn
        .prepare_cached(
            "SELECT count(*), coalesce(sum(length(bytes)), 0) FROM chunks WHERE doc_id = ?1",
        )?
        .query_row(params![doc_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((
        u64::try_from(n).unwrap_or(0),
        u64::try_from(total).unwrap_or(0),
    ))
}

/// Commit these appends in one transaction (one fsync). Each gets its own outcome: one that
/// fails (its document was erased meanwhile…) is rolled back to its savepoint alone.
/// `commits` counts the transactions committed.
fn commit_appends(conn: &mut Connection, batch: &[Arc<Append>], commits: &AtomicU64) {
    let outcome = (|| -> Result<Vec<Appended>, StorageError> {
        let mut tx = conn.transaction()?;
        let mut each = Vec::with_capacity(batch.len());
        if let [one] = batch {
            each.push(insert_chunk(&tx, &one.doc_id, &one.bytes));
        } else {
            for a in batch {
                let sp = tx.savepoint()?;
                match insert_chunk(&sp, &a.doc_id, &a.bytes) {
                    Ok(r) => {
                        sp.commit()?;
                        each.push(Ok(r));
                    }
                    // Dropping the savepoint rolls it back.
                    Err(e) => each.push(Err(e)),
                }
            }
        }
        if each.iter().any(Result::is_ok) {
            tx.commit()?;
            commits.fetch_add(1, Ordering::Relaxed);
        }
        Ok(each)
    })();
    match outcome {
        Ok(each) => {
            for (a, r) in batch.iter().zip(each) {
                a.finish(r);
            }
        }
        Err(e) => {
            let reason = e.to_string();
            for a in batch {
                a.finish(Err(StorageError::Shared(reason.clone())));
            }
        }
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workshops (
    workshop_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS link_targets (
    workshop_id TEXT NOT NULL REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    generation INTEGER NOT NULL,
    PRIMARY KEY (workshop_id, target)
);
CREATE TABLE IF NOT EXISTS capabilities (
    token_hash BLOB PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    group_id TEXT,
    expires_at TEXT
);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    group_id TEXT
);
CREATE INDEX IF NOT EXISTS documents_by_workshop ON documents(workshop_id);
CREATE TABLE IF NOT EXISTS chunks (
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'incremental')),
    bytes BLOB NOT NULL,
    written_at INTEGER,
    PRIMARY KEY (doc_id, seq)
);
";

/// The data folder (mode 0700 when this creates it) and the database file (created 0600;
/// SQLite gives its `-wal` and `-shm` files the database file's mode): nobody else on the
/// host reads the notes.
fn private_files(dir: &Path, file: &Path) -> Result<(), StorageError> {
    let mut folder = std::fs::DirBuilder::new();
    folder.recursive(true);
    let mut db = std::fs::OpenOptions::new();
    db.write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
        folder.mode(0o700);
        db.mode(0o600);
    }
    folder.create(dir)?;
    db.open(file)?;
    Ok(())
}

impl SqliteStorage {
    /// Open (or create) `dir/samtal.sqlite3`.
    pub fn open(dir: &Path) -> Result<Self, StorageError> {
        let file = dir.join("samtal.sqlite3");
        private_files(dir, &file)?;
        let conn = Connection::open(&file)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted content is overwritten, not just unlinked (an erased workshop's notes must
        // not stay readable in free pages).
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        conn.execute_batch(accounts::SCHEMA)?;
        migrate(&conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            appends: Mutex::new(Vec::new()),
            append_commits: AtomicU64::new(0),
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StorageError> {
        self.conn.lock().map_err(|_| StorageError::Poisoned)
    }
}

/// Columns added after the first release, added in place to older databases.
fn migrate(conn: &Connection) -> Result<(), StorageError> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('workshops')")?;
    let have: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<_, _>>()?;
    for (col, ty) in [
        ("phase", "TEXT NOT NULL DEFAULT 'groups'"),
        ("access_until", "TEXT"),
        ("closed_at", "TEXT"),
        ("link_secret", "BLOB"),
    ] {
        if !have.iter().any(|h| h == col) {
            conn.execute_batch(&format!("ALTER TABLE workshops ADD COLUMN {col} {ty}"))?;
        }
    }
    // When each chunk was written (unix seconds; the operator's `list`). Older chunks: NULL.
    let has_written_at: bool = conn
        .prepare("SELECT 1 FROM pragma_table_info('chunks') WHERE name = 'written_at'")?
        .exists([])?;
    if !has_written_at {
        conn.execute_batch("ALTER TABLE chunks ADD COLUMN written_at INTEGER")?;
    }
    Ok(())
}

impl Storage for SqliteStorage {
    fn list_workshops(&self) -> Result<Vec<WorkshopSummary>, StorageError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT w.workshop_id, w.title, w.phase, w.access_until, w.created_at,
                    (SELECT count(*) FROM documents d WHERE d.workshop_id = w.workshop_id),
                    (SELECT coalesce(sum(length(c.bytes)), 0) FROM chunks c
                       JOIN documents d ON c.doc_id = d.doc_id WHERE d.workshop_id = w.workshop_id),
                    (SELECT max(c.written_at) FROM chunks c
                       JOIN documents d ON c.doc_id = d.doc_id WHERE d.workshop_id = w.workshop_id)
             FROM workshops w ORDER BY w.created_at DESC, w.workshop_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(WorkshopSummary {
                workshop_id: r.get(0)?,
                title: r.get(1)?,
                phase: r.get(2)?,
                access_until: r.get(3)?,
                created_at: r.get(4)?,
                documents: u64::try_from(r.get::<_, i64>(5)?).unwrap_or(0),
                bytes: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                last_write: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn check(&self) -> Result<(), StorageError> {
        let mut conn = self.conn()?;
        let verdict: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if verdict != "ok" {
            return Err(StorageError::Corrupt(verdict));
        }
        // A write that is rolled back: the file and the folder take writes.
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('check', 'ok')
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [],
        )?;
        tx.rollback()?;
        Ok(())
    }

    fn backup(&self, to: &Path) -> Result<bool, StorageError> {
        // The copy holds the notes: created here, readable by the owner only, never over
        // another file.
        let mut file = std::fs::OpenOptions::new();
        file.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            file.mode(0o600);
        }
        file.open(to)?;
        let conn = self.conn()?;
        let mut copy = Connection::open(to)?;
        // The online backup API: a consistent copy, page by page, while others may write.
        let backup = rusqlite::backup::Backup::new(&conn, &mut copy)?;
        backup.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
        Ok(true)
    }

    fn create_workshop(&self, w: &NewWorkshopRecord) -> Result<(), StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO workshops (workshop_id, title, access_until, link_secret) VALUES (?1, ?2, ?3, ?4)",
            params![w.workshop_id, w.title, w.access_until, w.link_secret],
        )?;
        for (rec, bytes) in &w.docs {
            let (kind, group) = kind_columns(&rec.kind);
            tx.execute(
                "INSERT INTO documents (doc_id, workshop_id, kind, group_id) VALUES (?1, ?2, ?3, ?4)",
                params![rec.doc_id.to_string(), w.workshop_id, kind, group],
            )?;
            tx.execute(
                "INSERT INTO chunks (doc_id, seq, kind, bytes, written_at) VALUES (?1, 0, 'snapshot', ?2, CAST(strftime('%s', 'now') AS INTEGER))",
                params![rec.doc_id.to_string(), bytes],
            )?;
        }
        for (hash, cap) in &w.capabilities {
            let (role, group) = role_columns(&cap.role);
            tx.execute(
                "INSERT INTO capabilities (token_hash, workshop_id, role, group_id, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![hash.as_slice(), cap.workshop_id, role, group, cap.expires_at],
            )?;
        }
        if let Some(owner) = &w.owner {
            accounts::insert_owner(&tx, &w.workshop_id, owner)?;
        }
        tx.commit()?;
        Ok(())
    }

    fn workshop_count(&self) -> Result<usize, StorageError> {
        let n: i64 = self
            .conn()?
            .query_row("SELECT count(*) FROM workshops", [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn capability(&self, hash: &TokenHash) -> Result<Option<Capability>, StorageError> {
        let conn = self.conn()?;
        let row = conn
            .query_row(
                "SELECT c.workshop_id, c.role, c.group_id,
                        CASE WHEN c.role = 'catch_up' THEN coalesce(w.access_until, c.expires_at) END
                 FROM capabilities c JOIN workshops w ON w.workshop_id = c.workshop_id
                 WHERE c.token_hash = ?1",
                params![hash.as_slice()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((workshop_id, role, group_id, expires_at)) = row else {
            return Ok(None);
        };
        Ok(Some(Capability {
            workshop_id,
            role: role_from_columns(&role, group_id)?,
            expires_at,
        }))
    }

    fn workshop_docs(&self, workshop_id: &str) -> Result<Vec<DocRecord>, StorageError> {
        let conn = self.conn()?;
        let mut stmt =
            conn.prepare("SELECT doc_id, kind, group_id FROM documents WHERE workshop_id = ?1")?;
        let rows = stmt.query_map(params![workshop_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, kind, group) = row?;
            out.push(DocRecord {
                doc_id: id
                    .parse()
                    .map_err(|e| StorageError::Corrupt(format!("document id {id}: {e}")))?,
                workshop_id: workshop_id.to_owned(),
                kind: kind_from_columns(&kind, group)?,
            });
        }
        Ok(out)
    }

    fn doc_record(&self, doc_id: &DocumentId) -> Result<Option<DocRecord>, StorageError> {
        let conn = self.conn()?;
        let row = conn
            .query_row(
                "SELECT workshop_id, kind, group_id FROM documents WHERE doc_id = ?1",
                params![doc_id.to_string()],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(workshop_id, kind, group)| {
            Ok(DocRecord {
                doc_id: *doc_id,
                workshop_id,
                kind: kind_from_columns(&kind, group)?,
            })
        })
        .transpose()
    }

    fn load_doc(&self, doc_id: &DocumentId) -> Result<Option<Vec<u8>>, StorageError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare("SELECT bytes FROM chunks WHERE doc_id = ?1 ORDER BY seq")?;
        let mut rows = stmt.query(params![doc_id.to_string()])?;
        let mut out: Option<Vec<u8>> = None;
        while let Some(row) = rows.next()? {
            let bytes: Vec<u8> = row.get(0)?;
            out.get_or_insert_with(Vec::new).extend_from_slice(&bytes);
        }
        Ok(out)
    }

    /// Group commit: the append queues itself, then waits for the connection. Whoever gets the
    /// connection first commits every queued append in one transaction — one fsync for all the
    /// documents that were waiting — and the others find theirs done when their turn comes.
    /// Nobody returns before its chunk is committed (or has failed).
    fn append_chunk(&self, doc_id: &DocumentId, bytes: &[u8]) -> Result<(u64, u64), StorageError> {
        let mine = Arc::new(Append {
            doc_id: doc_id.to_string(),
            bytes: bytes.to_vec(),
            done: Mutex::new(None),
        });
        self.appends
            .lock()
            .map_err(|_| StorageError::Poisoned)?
            .push(Arc::clone(&mine));
        let mut conn = self.conn()?;
        if let Some(outcome) = mine.outcome() {
            return outcome; // committed with another's batch while we waited
        }
        let batch = std::mem::take(&mut *self.appends.lock().map_err(|_| StorageError::Poisoned)?);
        commit_appends(&mut conn, &batch, &self.append_commits);
        mine.outcome().unwrap_or_else(|| {
            Err(StorageError::Shared(
                "the write was not in the committed batch".into(),
            ))
        })
    }

    fn compact(&self, doc_id: &DocumentId, snapshot: &[u8]) -> Result<(), StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let id = doc_id.to_string();
        tx.execute("DELETE FROM chunks WHERE doc_id = ?1", params![id])?;
        tx.execute(
            "INSERT INTO chunks (doc_id, seq, kind, bytes, written_at) VALUES (?1, 0, 'snapshot', ?2, CAST(strftime('%s', 'now') AS INTEGER))",
            params![id, snapshot],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn get_meta(&self, key: &str) -> Result<Option<String>, StorageError> {
        Ok(self
            .conn()?
            .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.conn()?.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    fn workshop(&self, workshop_id: &str) -> Result<Option<WorkshopRow>, StorageError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT title, phase, access_until, closed_at, link_secret FROM workshops WHERE workshop_id = ?1",
                params![workshop_id],
                |r| {
                    Ok(WorkshopRow {
                        title: r.get(0)?,
                        phase: r.get(1)?,
                        access_until: r.get(2)?,
                        closed_at: r.get(3)?,
                        link_secret: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    fn update_workshop_meta(
        &self,
        workshop_id: &str,
        title: &str,
        phase: &str,
        access_until: &str,
        today: &str,
    ) -> Result<(), StorageError> {
        self.conn()?.execute(
            "UPDATE workshops SET title = ?2, phase = ?3, access_until = ?4,
                closed_at = CASE WHEN ?3 = 'closed' THEN coalesce(closed_at, ?5) END
             WHERE workshop_id = ?1",
            params![workshop_id, title, phase, access_until, today],
        )?;
        Ok(())
    }

    fn set_link_secret(&self, workshop_id: &str, wrapped: &[u8]) -> Result<(), StorageError> {
        self.conn()?.execute(
            "UPDATE workshops SET link_secret = ?2 WHERE workshop_id = ?1",
            params![workshop_id, wrapped],
        )?;
        Ok(())
    }

    fn add_doc(&self, rec: &DocRecord, bytes: &[u8]) -> Result<bool, StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let (kind, group) = kind_columns(&rec.kind);
        let added = tx.execute(
            "INSERT OR IGNORE INTO documents (doc_id, workshop_id, kind, group_id) VALUES (?1, ?2, ?3, ?4)",
            params![rec.doc_id.to_string(), rec.workshop_id, kind, group],
        )? == 1;
        if added {
            tx.execute(
                "INSERT INTO chunks (doc_id, seq, kind, bytes, written_at) VALUES (?1, 0, 'snapshot', ?2, CAST(strftime('%s', 'now') AS INTEGER))",
                params![rec.doc_id.to_string(), bytes],
            )?;
        }
        tx.commit()?;
        Ok(added)
    }

    fn ensure_capability(&self, hash: &TokenHash, cap: &Capability) -> Result<(), StorageError> {
        let (role, group) = role_columns(&cap.role);
        self.conn()?.execute(
            "INSERT OR IGNORE INTO capabilities (token_hash, workshop_id, role, group_id, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash.as_slice(), cap.workshop_id, role, group, cap.expires_at],
        )?;
        Ok(())
    }

    fn link_generation(&self, workshop_id: &str, target: &str) -> Result<u64, StorageError> {
        let g: Option<i64> = self
            .conn()?
            .query_row(
                "SELECT generation FROM link_targets WHERE workshop_id = ?1 AND target = ?2",
                params![workshop_id, target],
                |r| r.get(0),
            )
            .optional()?;
        Ok(g.and_then(|g| u64::try_from(g).ok()).unwrap_or(0))
    }

    fn rotate_link(&self, workshop_id: &str, target: &str) -> Result<u64, StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let (role, group) = match target.strip_prefix("group:") {
            Some(g) => ("group", Some(g)),
            None => (target, None),
        };
        tx.execute(
            "DELETE FROM capabilities WHERE workshop_id = ?1 AND role = ?2 AND group_id IS ?3",
            params![workshop_id, role, group],
        )?;
        tx.execute(
            "INSERT INTO link_targets (workshop_id, target, generation) VALUES (?1, ?2, 1)
             ON CONFLICT(workshop_id, target) DO UPDATE SET generation = generation + 1",
            params![workshop_id, target],
        )?;
        let g: i64 = tx.query_row(
            "SELECT generation FROM link_targets WHERE workshop_id = ?1 AND target = ?2",
            params![workshop_id, target],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(u64::try_from(g).unwrap_or(0))
    }

    fn replace_facilitator(
        &self,
        workshop_id: &str,
        hash: &TokenHash,
        wrapped: &[u8],
    ) -> Result<(), StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM capabilities WHERE workshop_id = ?1 AND role = 'facilitator'",
            params![workshop_id],
        )?;
        tx.execute(
            "INSERT INTO capabilities (token_hash, workshop_id, role) VALUES (?1, ?2, 'facilitator')",
            params![hash.as_slice(), workshop_id],
        )?;
        tx.execute(
            "UPDATE workshops SET link_secret = ?2 WHERE workshop_id = ?1",
            params![workshop_id, wrapped],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn erase_workshop(&self, workshop_id: &str) -> Result<Vec<DocumentId>, StorageError> {
        let docs = self.workshop_docs(workshop_id)?;
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM chunks WHERE doc_id IN (SELECT doc_id FROM documents WHERE workshop_id = ?1)",
            params![workshop_id],
        )?;
        for table in ["documents", "capabilities", "link_targets", "workshops"] {
            tx.execute(
                &format!("DELETE FROM {table} WHERE workshop_id = ?1"),
                params![workshop_id],
            )?;
        }
        tx.commit()?;
        // The deleted pages still sit in the write-ahead log until a checkpoint: copy them
        // back (zeroed, with secure_delete) and empty the log.
        let (busy, _, _): (i64, i64, i64) =
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if busy != 0 {
            tracing::warn!(
                "the write-ahead log could not be emptied after an erase; it will be at the next checkpoint"
            );
        }
        Ok(docs.into_iter().map(|d| d.doc_id).collect())
    }

    fn closed_before(&self, cutoff: &str) -> Result<Vec<String>, StorageError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT workshop_id FROM workshops
             WHERE (closed_at IS NOT NULL AND closed_at < ?1)
                OR (access_until IS NOT NULL AND access_until < ?1)
                OR date(created_at) < date(?1, ?2)",
        )?;
        let ids = stmt
            .query_map(params![cutoff, format!("-{MAX_OPEN_DAYS} days")], |r| {
                r.get::<_, String>(0)
            })?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }
}

#[cfg(test)]
mod tests;
