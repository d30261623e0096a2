//! Postgres storage, for several server instances on one database (`SAMTAL_DATABASE_URL=
//! postgres://…`), and the cross-instance fan-out: every chunk an instance commits is announced
//! with `NOTIFY` (delivered only after the commit, so no instance advertises heads before they
//! are durable), and every instance `LISTEN`s and merges what the others wrote into the
//! documents it has open.
//!
//! Blocking like the SQLite storage (called from `spawn_blocking`); one connection per instance
//! for queries, reconnected when it breaks (a Postgres restart fails the calls in flight, which
//! acknowledge nothing, and the next call reconnects), plus one for `LISTEN`.

use crate::auth::TokenHash;
use crate::storage::{
    Capability, Changed, DocRecord, MAX_OPEN_DAYS, NewWorkshopRecord, OnChange, Storage,
    StorageError, TargetRow, WorkshopRow, WorkshopSummary, kind_columns, kind_from_columns,
    role_columns, role_from_columns,
};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};
use samtal_shared::DocumentId;
use samtal_shared::session::TargetStatus;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

mod accounts;
mod schema;

use schema::MIGRATIONS;

/// The channel every instance announces on: payload `instance chunk doc_id chunk_id` (a
/// committed chunk), `instance rotate workshop target` (a revoked link) or `instance erase
/// workshop` (an erased workshop).
const CHANNEL: &str = "samtal";

/// Any number that identifies Samtal's migration lock among other users of the database.
const MIGRATION_LOCK: i64 = 0x5a4d_5441_4c00;

pub struct PostgresStorage {
    url: String,
    conn: Mutex<Option<Client>>,
    /// Tells this instance's own announcements apart from the others'.
    instance: String,
}

fn connect(url: &str) -> Result<Client, StorageError> {
    let (url, tls) = super::pg_tls::split(url)?;
    let mut config: postgres::Config = url
        .parse()
        .map_err(|e: postgres::Error| StorageError::Postgres(e.to_string()))?;
    config.connect_timeout(Duration::from_secs(5));
    config.application_name("samtal-server");
    match super::pg_tls::client_config(&tls)? {
        None => Ok(config.connect(NoTls)?),
        Some(rustls) => {
            config.ssl_mode(postgres::config::SslMode::Require);
            Ok(config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(rustls))?)
        }
    }
}

impl PostgresStorage {
    /// Connect and bring the schema up to date.
    pub fn open(url: &str) -> Result<Self, StorageError> {
        let mut client = connect(url)?;
        migrate(&mut client)?;
        let mut id = [0u8; 8];
        getrandom::fill(&mut id).map_err(|e| StorageError::Postgres(e.to_string()))?;
        Ok(Self {
            url: url.to_owned(),
            conn: Mutex::new(Some(client)),
            instance: id.iter().map(|b| format!("{b:02x}")).collect(),
        })
    }

    /// Run `f` on the connection, connecting first if there is none (or it broke). A call
    /// that fails on a broken connection is not repeated: a write may or may not have been
    /// committed, so it is reported as failed (nothing is acknowledged) and the next call
    /// reconnects.
    fn with<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        let mut guard: MutexGuard<'_, Option<Client>> =
            self.conn.lock().map_err(|_| StorageError::Poisoned)?;
        if guard.as_ref().is_none_or(Client::is_closed) {
            *guard = None;
            *guard = Some(connect(&self.url)?);
        }
        let Some(client) = guard.as_mut() else {
            return Err(StorageError::Postgres("no connection".into()));
        };
        let res = f(client);
        if client.is_closed() {
            // Broken mid-call (server restart): the next call starts afresh.
            *guard = None;
        }
        res
    }

    /// Tell the other instances, inside `tx`: Postgres delivers it when (and only if) `tx`
    /// commits.
    fn announce(&self, tx: &mut postgres::Transaction<'_>, what: &str) -> Result<(), StorageError> {
        let payload = format!("{} {what}", self.instance);
        tx.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])?;
        Ok(())
    }

    /// [`Self::with`] for reads, which are safe to repeat: one more try on a fresh connection
    /// when the first finds the old one broken (after a database restart the first call on
    /// each old connection fails).
    fn read<T>(
        &self,
        mut f: impl FnMut(&mut Client) -> Result<T, StorageError>,
    ) -> Result<T, StorageError> {
        match self.with(&mut f) {
            Err(StorageError::Postgres(_)) => self.with(f),
            other => other,
        }
    }
}

fn migrate(client: &mut Client) -> Result<(), StorageError> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )?;
    let done: i64 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            &[],
        )?
        .get(0);
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(i + 1).unwrap_or(i64::MAX);
        if version > done {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version) VALUES ($1)",
                &[&version],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

impl Storage for PostgresStorage {
    fn list_workshops(&self) -> Result<Vec<WorkshopSummary>, StorageError> {
        self.read(|c| {
            let rows = c.query(
                "SELECT w.workshop_id, w.title, w.phase, w.access_until,
                        to_char(w.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                        (SELECT count(*) FROM documents d WHERE d.workshop_id = w.workshop_id),
                        (SELECT coalesce(sum(octet_length(c.bytes)), 0)::bigint FROM chunks c
                           JOIN documents d ON c.doc_id = d.doc_id WHERE d.workshop_id = w.workshop_id),
                        (SELECT max(c.written_at) FROM chunks c
                           JOIN documents d ON c.doc_id = d.doc_id WHERE d.workshop_id = w.workshop_id)
                 FROM workshops w ORDER BY w.created_at DESC, w.workshop_id",
                &[],
            )?;
            Ok(rows
                .iter()
                .map(|r| WorkshopSummary {
                    workshop_id: r.get(0),
                    title: r.get(1),
                    phase: r.get(2),
                    access_until: r.get(3),
                    created_at: r.get(4),
                    documents: count(r.get(5)),
                    bytes: count(r.get(6)),
                    last_write: r.get(7),
                })
                .collect())
        })
    }

    fn check(&self) -> Result<(), StorageError> {
        self.with(|c| {
            // A write that is rolled back: connected, and the tables take writes.
            let mut tx = c.transaction()?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('check', 'ok')
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[],
            )?;
            tx.rollback()?;
            Ok(())
        })
    }

    fn create_workshop(&self, w: &NewWorkshopRecord) -> Result<(), StorageError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute(
                "INSERT INTO workshops (workshop_id, title, access_until, link_secret) VALUES ($1, $2, $3, $4)",
                &[&w.workshop_id, &w.title, &w.access_until, &w.link_secret],
            )?;
            for (rec, bytes) in &w.docs {
                let (kind, group) = kind_columns(&rec.kind);
                tx.execute(
                    "INSERT INTO documents (doc_id, workshop_id, kind, group_id) VALUES ($1, $2, $3, $4)",
                    &[&rec.doc_id.to_string(), &w.workshop_id, &kind, &group],
                )?;
                tx.execute(
                    "INSERT INTO chunks (doc_id, kind, bytes) VALUES ($1, 'snapshot', $2)",
                    &[&rec.doc_id.to_string(), bytes],
                )?;
            }
            for (hash, cap) in &w.capabilities {
                let (role, group) = role_columns(&cap.role);
                tx.execute(
                    "INSERT INTO capabilities (token_hash, workshop_id, role, group_id, expires_at) VALUES ($1, $2, $3, $4, $5)",
                    &[&hash.as_slice(), &cap.workshop_id, &role, &group, &cap.expires_at],
                )?;
            }
            if let Some(owner) = &w.owner {
                accounts::insert_owner(&mut tx, &w.workshop_id, owner)?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    fn workshop_count(&self) -> Result<usize, StorageError> {
        self.read(|c| {
            let n: i64 = c.query_one("SELECT count(*) FROM workshops", &[])?.get(0);
            Ok(usize::try_from(n).unwrap_or(0))
        })
    }

    fn capability(&self, hash: &TokenHash) -> Result<Option<Capability>, StorageError> {
        let row = self.read(|c| {
            Ok(c.query_opt(
                "SELECT c.workshop_id, c.role, c.group_id,
                        CASE WHEN c.role = 'catch_up' THEN coalesce(w.access_until, c.expires_at) END
                 FROM capabilities c JOIN workshops w ON w.workshop_id = c.workshop_id
                 WHERE c.token_hash = $1",
                &[&hash.as_slice()],
            )?)
        })?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Capability {
            workshop_id: row.get(0),
            role: role_from_columns(row.get::<_, String>(1).as_str(), row.get(2))?,
            expires_at: row.get(3),
        }))
    }

    fn workshop_docs(&self, workshop_id: &str) -> Result<Vec<DocRecord>, StorageError> {
        let rows = self.read(|c| {
            Ok(c.query(
                "SELECT doc_id, kind, group_id FROM documents WHERE workshop_id = $1",
                &[&workshop_id],
            )?)
        })?;
        rows.iter()
            .map(|r| {
                let id: String = r.get(0);
                Ok(DocRecord {
                    doc_id: id
                        .parse()
                        .map_err(|e| StorageError::Corrupt(format!("document id {id}: {e}")))?,
                    workshop_id: workshop_id.to_owned(),
                    kind: kind_from_columns(r.get::<_, String>(1).as_str(), r.get(2))?,
                })
            })
            .collect()
    }

    fn doc_record(&self, doc_id: &DocumentId) -> Result<Option<DocRecord>, StorageError> {
        let rows = self.read(|c| {
            Ok(c.query(
                "SELECT workshop_id, kind, group_id FROM documents WHERE doc_id = $1",
                &[&doc_id.to_string()],
            )?)
        })?;
        rows.first()
            .map(|r| {
                Ok(DocRecord {
                    doc_id: *doc_id,
                    workshop_id: r.get(0),
                    kind: kind_from_columns(r.get::<_, String>(1).as_str(), r.get(2))?,
                })
            })
            .transpose()
    }

    fn load_doc(&self, doc_id: &DocumentId) -> Result<Option<Vec<u8>>, StorageError> {
        let rows = self.read(|c| {
            Ok(c.query(
                "SELECT bytes FROM chunks WHERE doc_id = $1 ORDER BY id",
                &[&doc_id.to_string()],
            )?)
        })?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut out = Vec::new();
        for r in &rows {
            out.extend_from_slice(r.get::<_, &[u8]>(0));
        }
        Ok(Some(out))
    }

    fn load_chunk(&self, doc_id: &DocumentId, chunk: u64) -> Result<Option<Vec<u8>>, StorageError> {
        let id = i64::try_from(chunk).map_err(|_| StorageError::Corrupt("chunk id".into()))?;
        self.read(|c| {
            Ok(c.query_opt(
                "SELECT bytes FROM chunks WHERE doc_id = $1 AND id = $2",
                &[&doc_id.to_string(), &id],
            )?
            .map(|r| r.get::<_, Vec<u8>>(0)))
        })
    }

    fn append_chunk(&self, doc_id: &DocumentId, bytes: &[u8]) -> Result<(u64, u64), StorageError> {
        let id = doc_id.to_string();
        self.with(|c| {
            let mut tx = c.transaction()?;
            let chunk: i64 = tx
                .query_one(
                    "INSERT INTO chunks (doc_id, kind, bytes) VALUES ($1, 'incremental', $2) RETURNING id",
                    &[&id, &bytes],
                )?
                .get(0);
            let row = tx.query_one(
                "SELECT count(*), coalesce(sum(length(bytes)), 0)::BIGINT FROM chunks WHERE doc_id = $1",
                &[&id],
            )?;
            // Delivered to the other instances when (and only if) this commits.
            self.announce(&mut tx, &format!("chunk {id} {chunk}"))?;
            tx.commit()?;
            Ok((count(row.get(0)), count(row.get(1))))
        })
    }

    /// Another instance may have appended chunks since this instance saved its snapshot:
    /// they are merged into the snapshot under a row lock, so compaction never drops one.
    fn compact(&self, doc_id: &DocumentId, snapshot: &[u8]) -> Result<(), StorageError> {
        let id = doc_id.to_string();
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute(
                "SELECT 1 FROM documents WHERE doc_id = $1 FOR UPDATE",
                &[&id],
            )?;
            let rows = tx.query("SELECT bytes FROM chunks WHERE doc_id = $1 ORDER BY id", &[&id])?;
            let mut merged = samtal_shared::guard::load(snapshot)
                .map_err(|e| StorageError::Corrupt(e.to_string()))?;
            let mut stored = Vec::new();
            for r in &rows {
                stored.extend_from_slice(r.get::<_, &[u8]>(0));
            }
            samtal_shared::guard::load_incremental(&mut merged, &stored)
                .map_err(|e| StorageError::Corrupt(e.to_string()))?;
            let full = merged.save();
            tx.execute("DELETE FROM chunks WHERE doc_id = $1", &[&id])?;
            let chunk: i64 = tx
                .query_one(
                    "INSERT INTO chunks (doc_id, kind, bytes) VALUES ($1, 'snapshot', $2) RETURNING id",
                    &[&id, &full],
                )?
                .get(0);
            self.announce(&mut tx, &format!("chunk {id} {chunk}"))?;
            tx.commit()?;
            Ok(())
        })
    }

    fn get_meta(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.read(|c| {
            Ok(
                c.query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
                    .map(|r| r.get(0)),
            )
        })
    }

    fn set_meta(&self, key: &str, value: &str) -> Result<(), StorageError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO meta (key, value) VALUES ($1, $2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&key, &value],
            )?;
            Ok(())
        })
    }

    fn workshop(&self, workshop_id: &str) -> Result<Option<WorkshopRow>, StorageError> {
        self.read(|c| {
            Ok(c.query_opt(
                "SELECT title, phase, access_until, closed_at, link_secret FROM workshops WHERE workshop_id = $1",
                &[&workshop_id],
            )?
            .map(|r| WorkshopRow {
                title: r.get(0),
                phase: r.get(1),
                access_until: r.get(2),
                closed_at: r.get(3),
                link_secret: r.get(4),
            }))
        })
    }

    fn update_workshop_meta(
        &self,
        workshop_id: &str,
        title: &str,
        phase: &str,
        access_until: &str,
        today: &str,
    ) -> Result<(), StorageError> {
        self.with(|c| {
            c.execute(
                "UPDATE workshops SET title = $2, phase = $3, access_until = $4,
                    closed_at = CASE WHEN $3 = 'closed' THEN coalesce(closed_at, $5) END
                 WHERE workshop_id = $1",
                &[&workshop_id, &title, &phase, &access_until, &today],
            )?;
            Ok(())
        })
    }

    fn set_link_secret(&self, workshop_id: &str, wrapped: &[u8]) -> Result<(), StorageError> {
        self.with(|c| {
            c.execute(
                "UPDATE workshops SET link_secret = $2 WHERE workshop_id = $1",
                &[&workshop_id, &wrapped],
            )?;
            Ok(())
        })
    }

    fn add_doc(&self, rec: &DocRecord, bytes: &[u8]) -> Result<bool, StorageError> {
        let (kind, group) = kind_columns(&rec.kind);
        let id = rec.doc_id.to_string();
        self.with(|c| {
            let mut tx = c.transaction()?;
            let added = tx.execute(
                "INSERT INTO documents (doc_id, workshop_id, kind, group_id) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (doc_id) DO NOTHING",
                &[&id, &rec.workshop_id, &kind, &group],
            )? == 1;
            if added {
                tx.execute(
                    "INSERT INTO chunks (doc_id, kind, bytes) VALUES ($1, 'snapshot', $2)",
                    &[&id, &bytes],
                )?;
            }
            tx.commit()?;
            Ok(added)
        })
    }

    fn ensure_capability(&self, hash: &TokenHash, cap: &Capability) -> Result<(), StorageError> {
        let (role, group) = role_columns(&cap.role);
        self.with(|c| {
            c.execute(
                "INSERT INTO capabilities (token_hash, workshop_id, role, group_id, expires_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (token_hash) DO NOTHING",
                &[&hash.as_slice(), &cap.workshop_id, &role, &group, &cap.expires_at],
            )?;
            Ok(())
        })
    }

    fn link_generation(&self, workshop_id: &str, target: &str) -> Result<u64, StorageError> {
        self.read(|c| {
            Ok(c.query_opt(
                "SELECT generation FROM link_targets WHERE workshop_id = $1 AND target = $2",
                &[&workshop_id, &target],
            )?
            .map_or(0, |r| count(r.get(0))))
        })
    }

    fn rotate_link(&self, workshop_id: &str, target: &str) -> Result<u64, StorageError> {
        let (role, group) = match target.strip_prefix("group:") {
            Some(g) => ("group", Some(g)),
            None => (target, None),
        };
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute(
                "DELETE FROM capabilities WHERE workshop_id = $1 AND role = $2 AND group_id IS NOT DISTINCT FROM $3",
                &[&workshop_id, &role, &group],
            )?;
            let g: i64 = tx
                .query_one(
                    "INSERT INTO link_targets (workshop_id, target, generation) VALUES ($1, $2, 1)
                     ON CONFLICT (workshop_id, target) DO UPDATE SET generation = link_targets.generation + 1
                     RETURNING generation",
                    &[&workshop_id, &target],
                )?
                .get(0);
            self.announce(&mut tx, &format!("rotate {workshop_id} {target}"))?;
            tx.commit()?;
            Ok(count(g))
        })
    }

    fn replace_facilitator(
        &self,
        workshop_id: &str,
        hash: &TokenHash,
        wrapped: &[u8],
    ) -> Result<(), StorageError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute(
                "DELETE FROM capabilities WHERE workshop_id = $1 AND role = 'facilitator'",
                &[&workshop_id],
            )?;
            tx.execute(
                "INSERT INTO capabilities (token_hash, workshop_id, role) VALUES ($1, $2, 'facilitator')",
                &[&hash.as_slice(), &workshop_id],
            )?;
            tx.execute(
                "UPDATE workshops SET link_secret = $2 WHERE workshop_id = $1",
                &[&workshop_id, &wrapped],
            )?;
            self.announce(&mut tx, &format!("rotate {workshop_id} facilitator"))?;
            tx.commit()?;
            Ok(())
        })
    }

    fn erase_workshop(&self, workshop_id: &str) -> Result<Vec<DocumentId>, StorageError> {
        let docs = self.workshop_docs(workshop_id)?;
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute(
                "DELETE FROM chunks WHERE doc_id IN (SELECT doc_id FROM documents WHERE workshop_id = $1)",
                &[&workshop_id],
            )?;
            for table in ["documents", "capabilities", "link_targets", "workshops"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE workshop_id = $1"),
                    &[&workshop_id],
                )?;
            }
            self.announce(&mut tx, &format!("erase {workshop_id}"))?;
            tx.commit()?;
            Ok(())
        })?;
        // Deleted rows stay on disk as dead tuples until VACUUM reclaims them (their bytes
        // may stay in the files until the space is reused; see SECURITY.md).
        if let Err(e) = self.with(|c| {
            Ok(c.batch_execute("VACUUM chunks, documents, capabilities, link_targets, workshops")?)
        }) {
            tracing::warn!(error = %e, "VACUUM after an erase failed; autovacuum will reclaim the rows");
        }
        Ok(docs.into_iter().map(|d| d.doc_id).collect())
    }

    fn closed_before(&self, cutoff: &str) -> Result<Vec<String>, StorageError> {
        self.read(|c| {
            Ok(c.query(
                "SELECT workshop_id FROM workshops
                 WHERE (closed_at IS NOT NULL AND closed_at < $1)
                    OR (access_until IS NOT NULL AND access_until < $1)
                    OR created_at < $1::date - $2::integer",
                &[&cutoff, &i32::try_from(MAX_OPEN_DAYS).unwrap_or(i32::MAX)],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
        })
    }

    fn shared(&self) -> bool {
        true
    }

    fn publish_live(&self, rows: &[TargetRow]) -> Result<(), StorageError> {
        let workshops: Vec<&str> = rows.iter().map(|r| r.workshop_id.as_str()).collect();
        let targets: Vec<&str> = rows.iter().map(|r| r.status.target.as_str()).collect();
        let connections: Vec<i64> = rows
            .iter()
            .map(|r| i64::try_from(r.status.connections).unwrap_or(i64::MAX))
            .collect();
        let last: Vec<Option<i64>> = rows
            .iter()
            .map(|r| r.status.last_sync.and_then(|t| i64::try_from(t).ok()))
            .collect();
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute("DELETE FROM live WHERE instance = $1", &[&self.instance])?;
            tx.execute(
                "INSERT INTO live (instance, workshop_id, target, connections, last_sync)
                 SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[])",
                &[&self.instance, &workshops, &targets, &connections, &last],
            )?;
            // Instances that stopped reporting a while ago (killed) are forgotten.
            tx.execute(
                "DELETE FROM live WHERE updated_at < now() - interval '1 minute'",
                &[],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    fn live_elsewhere(&self, workshop_id: &str) -> Result<Vec<TargetStatus>, StorageError> {
        let rows = self.read(|c| {
            Ok(c.query(
                "SELECT target,
                        coalesce(sum(connections) FILTER (WHERE updated_at > now() - interval '10 seconds'), 0)::BIGINT,
                        max(last_sync)
                 FROM live WHERE workshop_id = $1 AND instance <> $2 GROUP BY target",
                &[&workshop_id, &self.instance],
            )?)
        })?;
        Ok(rows
            .iter()
            .map(|r| TargetStatus {
                target: r.get(0),
                connections: usize::try_from(r.get::<_, i64>(1)).unwrap_or(0),
                last_sync: r
                    .get::<_, Option<i64>>(2)
                    .and_then(|t| u64::try_from(t).ok()),
            })
            .collect())
    }

    /// A thread with its own connection `LISTEN`s for the other instances' chunks. When the
    /// connection breaks it reconnects (backing off) and reports [`Changed::All`]: whatever
    /// was announced meanwhile was missed.
    fn listen(&self, mut on_change: OnChange) -> Result<(), StorageError> {
        // Listening before this returns: nothing committed after the server starts is missed.
        let client = listening(&self.url)?;
        let url = self.url.clone();
        let me = self.instance.clone();
        std::thread::Builder::new()
            .name("samtal-pg-listen".into())
            .spawn(move || listen_loop(client, &url, &me, &mut on_change))
            .map_err(StorageError::Io)?;
        Ok(())
    }
}

impl Drop for PostgresStorage {
    /// `postgres::Client` closes its connection by blocking on its own runtime, which must
    /// not happen on an async worker (where the last reference to the storage usually goes).
    fn drop(&mut self) {
        let client = match self.conn.get_mut() {
            Ok(c) => c.take(),
            Err(p) => p.into_inner().take(),
        };
        if let Some(client) = client {
            let _ = std::thread::Builder::new()
                .name("samtal-pg-close".into())
                .spawn(move || drop(client));
        }
    }
}

fn listening(url: &str) -> Result<Client, StorageError> {
    let mut c = connect(url)?;
    c.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    Ok(c)
}

/// Until `on_change` says stop.
fn listen_loop(first: Client, url: &str, me: &str, on_change: &mut OnChange) {
    let mut backoff = Duration::from_millis(100);
    let mut ready = Some(first);
    let mut lost = false;
    loop {
        let mut client = match ready.take().map_or_else(|| listening(url), Ok) {
            Ok(c) => c,
            Err(e) => {
                if !on_change(None) {
                    return;
                }
                tracing::warn!(error = %e, "cannot listen for other instances' changes; retrying");
                std::thread::sleep(backoff);
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        // Whatever was announced while the connection was down is unknown: read all again.
        if std::mem::replace(&mut lost, false) && !on_change(Some(Changed::All)) {
            return;
        }
        backoff = Duration::from_millis(100);
        loop {
            // Wake up now and then to notice a connection that died without a word.
            let next = client
                .notifications()
                .timeout_iter(Duration::from_secs(5))
                .next();
            match next {
                Ok(Some(n)) => {
                    if let Some(changed) = parse(n.payload(), me)
                        && !on_change(Some(changed))
                    {
                        return;
                    }
                }
                Ok(None) => {
                    if !on_change(None) {
                        return;
                    }
                    if client.is_closed() || client.simple_query("SELECT 1").is_err() {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        lost = true;
        tracing::warn!("lost the connection that listens for other instances; reconnecting");
    }
}

/// A notification from another instance (`None`: ours, or not understood).
fn parse(payload: &str, me: &str) -> Option<Changed> {
    let mut parts = payload.split(' ');
    if parts.next()? == me {
        return None;
    }
    match (parts.next()?, parts.next()?, parts.next(), parts.next()) {
        ("chunk", doc, Some(chunk), None) => Some(Changed::Doc {
            doc: doc.parse().ok()?,
            chunk: chunk.parse().ok()?,
        }),
        ("rotate", workshop, Some(target), None) => Some(Changed::LinkRevoked {
            workshop_id: workshop.to_owned(),
            target: target.to_owned(),
        }),
        ("erase", workshop, None, None) => Some(Changed::Erased {
            workshop_id: workshop.to_owned(),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
