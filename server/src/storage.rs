//! Durable storage behind a trait: SQLite (embedded, the default) here, Postgres in `pg.rs`.
//!
//! Every method is blocking and called from `spawn_blocking`. A method that returns `Ok` has
//! committed its transaction; with `synchronous=FULL` in WAL mode SQLite has fsync'd it.

use crate::auth::TokenHash;
use rusqlite::{Connection, OptionalExtension, params};
use samtal_shared::DocumentId;
use samtal_shared::roles::{DocKind, Role};
use samtal_shared::session::TargetStatus;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database: {0}")]
    Postgres(String),
    #[error("could not create the data folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("storage lock poisoned")]
    Poisoned,
    /// The transaction this write shared with others' (group commit) failed.
    #[error("database: {0}")]
    Shared(String),
}

impl From<postgres::Error> for StorageError {
    fn from(e: postgres::Error) -> Self {
        StorageError::Postgres(e.to_string())
    }
}

/// What another server instance changed (several instances on one Postgres).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// It committed chunk `chunk` of `doc`.
    Doc { doc: DocumentId, chunk: u64 },
    /// Announcements may have been missed (the listening connection was lost): every open
    /// document should be read again.
    All,
    /// A link of a workshop was rotated: its connections must close.
    LinkRevoked { workshop_id: String, target: String },
    /// A workshop was erased: all its connections must close.
    Erased { workshop_id: String },
}

/// See [`Storage::listen`].
pub type OnChange = Box<dyn FnMut(Option<Changed>) -> bool + Send>;

/// A link's grant, as stored (by token hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capability {
    pub workshop_id: String,
    pub role: Role,
    /// Last day (`YYYY-MM-DD`) the link works, for catch-up links.
    pub expires_at: Option<String>,
}

/// A document's place in its workshop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRecord {
    pub doc_id: DocumentId,
    pub workshop_id: String,
    pub kind: DocKind,
}

/// Everything a new workshop writes, in one transaction.
pub struct NewWorkshopRecord {
    pub workshop_id: String,
    pub title: String,
    pub access_until: String,
    pub link_secret: Vec<u8>,
    pub docs: Vec<(DocRecord, Vec<u8>)>,
    pub capabilities: Vec<(TokenHash, Capability)>,
}

/// A workshop's row: what the server mirrors from the workshop document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopRow {
    pub title: String,
    pub phase: String,
    pub access_until: Option<String>,
    pub closed_at: Option<String>,
    /// The link secret, wrapped with the facilitator's token (see `links.rs`).
    pub link_secret: Option<Vec<u8>>,
}

/// The longest a workshop counts as open, from its creation, whatever its phase and
/// `access_until` say: retention's backstop, so every workshop is erased in the end.
pub const MAX_OPEN_DAYS: u32 = 365;

pub trait Storage: Send + Sync + 'static {
    fn create_workshop(&self, w: &NewWorkshopRecord) -> Result<(), StorageError>;
    fn workshop_count(&self) -> Result<usize, StorageError>;
    fn capability(&self, hash: &TokenHash) -> Result<Option<Capability>, StorageError>;
    fn workshop_docs(&self, workshop_id: &str) -> Result<Vec<DocRecord>, StorageError>;
    /// What a document is and which workshop it belongs to, from the server's own records
    /// (never from the document's content, which its writers can change).
    fn doc_record(&self, doc_id: &DocumentId) -> Result<Option<DocRecord>, StorageError>;
    /// All chunks of a document in order (snapshot first), ready for `Automerge::load`.
    fn load_doc(&self, doc_id: &DocumentId) -> Result<Option<Vec<u8>>, StorageError>;
    /// Append one incremental chunk; returns (number of chunks, total bytes) afterwards.
    fn append_chunk(&self, doc_id: &DocumentId, bytes: &[u8]) -> Result<(u64, u64), StorageError>;
    /// Replace all chunks of a document by one snapshot. The caller's snapshot holds every
    /// change it stored; where other instances may have appended meanwhile (Postgres), the
    /// storage merges their chunks into it, so compaction never drops a change.
    fn compact(&self, doc_id: &DocumentId, snapshot: &[u8]) -> Result<(), StorageError>;
    fn get_meta(&self, key: &str) -> Result<Option<String>, StorageError>;
    fn set_meta(&self, key: &str, value: &str) -> Result<(), StorageError>;
    fn workshop(&self, workshop_id: &str) -> Result<Option<WorkshopRow>, StorageError>;
    /// Mirror the workshop document's title, phase and access window; `today` becomes
    /// `closed_at` when the phase turns to closed.
    fn update_workshop_meta(
        &self,
        workshop_id: &str,
        title: &str,
        phase: &str,
        access_until: &str,
        today: &str,
    ) -> Result<(), StorageError>;
    fn set_link_secret(&self, workshop_id: &str, wrapped: &[u8]) -> Result<(), StorageError>;
    /// Add a document with its first snapshot unless it exists. Returns whether it was added.
    fn add_doc(&self, rec: &DocRecord, bytes: &[u8]) -> Result<bool, StorageError>;
    /// Store a capability unless it is there already.
    fn ensure_capability(&self, hash: &TokenHash, cap: &Capability) -> Result<(), StorageError>;
    /// The current generation of a link target (`facilitator`, `catch_up`, `group:ID`).
    fn link_generation(&self, workshop_id: &str, target: &str) -> Result<u64, StorageError>;
    /// Invalidate every token of a link target and move it to the next generation.
    fn rotate_link(&self, workshop_id: &str, target: &str) -> Result<u64, StorageError>;
    /// Replace the facilitator's token (and re-wrap the link secret with the new one).
    fn replace_facilitator(
        &self,
        workshop_id: &str,
        hash: &TokenHash,
        wrapped: &[u8],
    ) -> Result<(), StorageError>;
    /// Delete the workshop: every document, chunk and capability, in one transaction.
    /// Returns the deleted documents' ids.
    fn erase_workshop(&self, workshop_id: &str) -> Result<Vec<DocumentId>, StorageError>;
    /// Workshops closed (phase closed, or past `access_until`) before `cutoff` — and, as a
    /// backstop whatever the workshop says, every workshop created more than
    /// [`MAX_OPEN_DAYS`] before it.
    fn closed_before(&self, cutoff: &str) -> Result<Vec<String>, StorageError>;
    /// One chunk of a document by the id another instance announced (`None`: not there any
    /// more, e.g. compacted — read the whole document instead).
    fn load_chunk(
        &self,
        _doc_id: &DocumentId,
        _chunk: u64,
    ) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(None)
    }
    /// Call `on_change` (from another thread) with `Some` whenever another server instance
    /// commits a change, and with `None` now and then to ask whether anyone still listens;
    /// it returns false to stop. Storage that only one instance uses (SQLite) never calls it.
    fn listen(&self, _on_change: OnChange) -> Result<(), StorageError> {
        Ok(())
    }
    /// Whether other server instances share this storage (then [`Self::publish_live`] and
    /// [`Self::live_elsewhere`] matter).
    fn shared(&self) -> bool {
        false
    }
    /// Replace what this instance reports as connected (every workshop's link targets).
    fn publish_live(&self, _rows: &[TargetRow]) -> Result<(), StorageError> {
        Ok(())
    }
    /// What the other instances report for a workshop: connections of live instances, and
    /// the last sync per target.
    fn live_elsewhere(&self, _workshop_id: &str) -> Result<Vec<TargetStatus>, StorageError> {
        Ok(Vec::new())
    }
}

/// One instance's connections to one link target, for the facilitator's overview across
/// instances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub workshop_id: String,
    pub status: TargetStatus,
}

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
        "INSERT INTO chunks (doc_id, seq, kind, bytes)
         VALUES (?1, (SELECT coalesce(max(seq), -1) + 1 FROM chunks WHERE doc_id = ?1), 'incremental', ?2)",
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
    Ok(())
}

pub(crate) fn kind_columns(kind: &DocKind) -> (&'static str, Option<&str>) {
    match kind {
        DocKind::Workshop => ("workshop", None),
        DocKind::Plenary => ("plenary", None),
        DocKind::Group { group_id } => ("group", Some(group_id)),
    }
}

pub(crate) fn kind_from_columns(
    kind: &str,
    group_id: Option<String>,
) -> Result<DocKind, StorageError> {
    match (kind, group_id) {
        ("workshop", _) => Ok(DocKind::Workshop),
        ("plenary", _) => Ok(DocKind::Plenary),
        ("group", Some(group_id)) => Ok(DocKind::Group { group_id }),
        (k, _) => Err(StorageError::Corrupt(format!("unknown document kind {k}"))),
    }
}

pub(crate) fn role_columns(role: &Role) -> (&'static str, Option<&str>) {
    match role {
        Role::Group { group_id } => ("group", Some(group_id)),
        other => (other.name(), None),
    }
}

pub(crate) fn role_from_columns(
    role: &str,
    group_id: Option<String>,
) -> Result<Role, StorageError> {
    match (role, group_id) {
        ("facilitator", _) => Ok(Role::Facilitator),
        ("catch_up", _) => Ok(Role::CatchUp),
        ("group", Some(group_id)) => Ok(Role::Group { group_id }),
        (r, _) => Err(StorageError::Corrupt(format!("unknown role {r}"))),
    }
}

impl Storage for SqliteStorage {
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
                "INSERT INTO chunks (doc_id, seq, kind, bytes) VALUES (?1, 0, 'snapshot', ?2)",
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
            "INSERT INTO chunks (doc_id, seq, kind, bytes) VALUES (?1, 0, 'snapshot', ?2)",
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
                "INSERT INTO chunks (doc_id, seq, kind, bytes) VALUES (?1, 0, 'snapshot', ?2)",
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
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn open(name: &str, docs: u8) -> (SqliteStorage, Vec<DocumentId>, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("samtal-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let storage = SqliteStorage::open(&dir).unwrap();
        let ids: Vec<DocumentId> = (0..docs)
            .map(|i| DocumentId::from_bytes([i + 1; 16]))
            .collect();
        storage
            .create_workshop(&NewWorkshopRecord {
                workshop_id: "w".into(),
                title: "W".into(),
                access_until: "2026-12-31".into(),
                link_secret: vec![0; 32],
                docs: ids
                    .iter()
                    .map(|id| {
                        let rec = DocRecord {
                            doc_id: *id,
                            workshop_id: "w".into(),
                            kind: DocKind::Plenary,
                        };
                        (rec, vec![0])
                    })
                    .collect(),
                capabilities: vec![],
            })
            .unwrap();
        (storage, ids, dir)
    }

    /// Appends that wait for the connection together are committed together, each with its
    /// own count and size; one that fails (a document that does not exist) fails alone.
    #[test]
    fn waiting_appends_share_one_commit_and_fail_alone() {
        let (storage, ids, dir) = open("group-commit", 6);
        let missing = DocumentId::from_bytes([99; 16]);
        std::thread::scope(|s| {
            // Hold the connection so that every append queues up behind it.
            let conn = storage.conn().unwrap();
            let handles: Vec<_> = ids
                .iter()
                .chain([&missing])
                .enumerate()
                .map(|(i, id)| {
                    let storage = &storage;
                    s.spawn(move || storage.append_chunk(id, &vec![7; 10 + i]))
                })
                .collect();
            while storage.appends.lock().unwrap().len() < ids.len() + 1 {
                std::thread::yield_now();
            }
            let commits = || storage.append_commits.load(Ordering::Relaxed);
            let before = commits();
            drop(conn);
            let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            for (i, r) in results[..ids.len()].iter().enumerate() {
                // The first snapshot (1 byte) and this chunk.
                assert_eq!(r.as_ref().unwrap(), &(2, 1 + 10 + i as u64), "append {i}");
            }
            assert!(results[ids.len()].is_err(), "an append to no document");
            // All in one transaction (one fsync).
            assert!(storage.appends.lock().unwrap().is_empty());
            assert_eq!(commits() - before, 1);
        });
        for (i, id) in ids.iter().enumerate() {
            let bytes = storage.load_doc(id).unwrap().unwrap();
            assert_eq!(bytes.len(), 1 + 10 + i);
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    /// Many threads appending at once: every chunk is stored exactly once, in order.
    #[test]
    fn concurrent_appends_all_land() {
        let (storage, ids, dir) = open("concurrent-appends", 8);
        std::thread::scope(|s| {
            for id in &ids {
                let storage = &storage;
                s.spawn(move || {
                    for k in 0..25u8 {
                        let (n, _) = storage.append_chunk(id, &[k]).unwrap();
                        assert_eq!(n, u64::from(k) + 2);
                    }
                });
            }
        });
        for id in &ids {
            let mut want = vec![0u8];
            want.extend(0..25u8);
            assert_eq!(storage.load_doc(id).unwrap().unwrap(), want);
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
