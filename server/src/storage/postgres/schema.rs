//! The Postgres schema: its migrations, in order.

/// Migrations, in order; each runs once, in one transaction, under an advisory lock (several
/// instances may start at the same time). Never edit one that has shipped: add another.
pub(super) const MIGRATIONS: &[&str] = &[
    "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE workshops (
    workshop_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    phase TEXT NOT NULL DEFAULT 'groups',
    access_until TEXT,
    closed_at TEXT,
    link_secret BYTEA
);
CREATE TABLE link_targets (
    workshop_id TEXT NOT NULL REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    generation BIGINT NOT NULL,
    PRIMARY KEY (workshop_id, target)
);
CREATE TABLE capabilities (
    token_hash BYTEA PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    group_id TEXT,
    expires_at TEXT
);
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    workshop_id TEXT NOT NULL REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    group_id TEXT
);
CREATE INDEX documents_by_workshop ON documents(workshop_id);
CREATE TABLE chunks (
    id BIGSERIAL PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('snapshot', 'incremental')),
    bytes BYTEA NOT NULL
);
CREATE INDEX chunks_by_doc ON chunks(doc_id, id);
",
    "
CREATE TABLE live (
    instance TEXT NOT NULL,
    workshop_id TEXT NOT NULL,
    target TEXT NOT NULL,
    connections BIGINT NOT NULL,
    last_sync BIGINT,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, workshop_id, target)
);
",
    // When each chunk was written (unix seconds; the operator's `list`).
    "
ALTER TABLE chunks ADD COLUMN IF NOT EXISTS written_at BIGINT DEFAULT (extract(epoch FROM now())::bigint);
",
    // Facilitators who signed in, their sessions, and the workshops they own.
    super::accounts::MIGRATION,
];
