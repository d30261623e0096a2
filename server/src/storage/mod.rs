//! Durable storage behind one trait, [`Storage`], with two backends side by side: [`sqlite`]
//! (embedded, the default) and [`postgres`] (several instances). One conformance suite
//! (`tests/tests/e2e/storage_conformance.rs`) runs the same checks on both.
//!
//! Every method is blocking and called from `spawn_blocking`. A method that returns `Ok` has
//! committed its transaction; with `synchronous=FULL` in WAL mode SQLite has fsync'd it.

pub mod accounts;
mod pg_tls;
pub mod postgres;
pub mod sqlite;

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

use crate::auth::TokenHash;
use samtal_shared::DocumentId;
use samtal_shared::roles::{DocKind, Role};
use samtal_shared::session::TargetStatus;

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

impl From<::postgres::Error> for StorageError {
    fn from(e: ::postgres::Error) -> Self {
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
    /// The signed-in facilitator who creates it (servers with sign-in), recorded in the same
    /// transaction: no workshop is left without the owner who made it.
    pub owner: Option<NewOwnerRecord>,
}

/// A workshop's first owner and its facilitator token, sealed with the server's key.
pub struct NewOwnerRecord {
    pub owner: accounts::Owner,
    pub sealed_token: Vec<u8>,
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

/// One workshop as the operator's `list` shows it: what it is and how big, never its notes or
/// its links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkshopSummary {
    pub workshop_id: String,
    pub title: String,
    pub phase: String,
    pub access_until: Option<String>,
    /// When it was created (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub created_at: String,
    pub documents: u64,
    /// Bytes its documents take in storage.
    pub bytes: u64,
    /// Unix seconds of the last write to any of its documents (`None`: none recorded).
    pub last_write: Option<i64>,
}

/// The longest a workshop counts as open, from its creation, whatever its phase and
/// `access_until` say: retention's backstop, so every workshop is erased in the end.
pub const MAX_OPEN_DAYS: u32 = 365;

pub trait Storage: accounts::AccountStore + Send + Sync + 'static {
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
    /// Every workshop, newest first (`samtal-server list`).
    fn list_workshops(&self) -> Result<Vec<WorkshopSummary>, StorageError>;
    /// Reachable, writable and intact (`samtal-server check`, `/readyz`): a write that is
    /// rolled back, and the database's own integrity check where it has a cheap one.
    fn check(&self) -> Result<(), StorageError>;
    /// A consistent copy of the whole database at `to`, also while the server writes
    /// (SQLite's online backup). `Ok(false)`: this storage makes no such copy (Postgres has
    /// `pg_dump`).
    fn backup(&self, _to: &std::path::Path) -> Result<bool, StorageError> {
        Ok(false)
    }
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

pub(crate) fn kind_columns(kind: &DocKind) -> (&'static str, Option<&str>) {
    match kind {
        DocKind::Workshop => ("workshop", None),
        DocKind::Plenary => ("plenary", None),
        DocKind::Questions => ("questions", None),
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
        ("questions", _) => Ok(DocKind::Questions),
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
