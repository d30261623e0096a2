//! [`AccountStore`] on SQLite.

use super::SqliteStorage;
use crate::auth::TokenHash;
use crate::storage::accounts::{
    Account, AccountStore, IDLE_ACCOUNTS, OwnedWorkshop, Owner, SessionRow,
};
use crate::storage::{NewOwnerRecord, StorageError};
use rusqlite::{OptionalExtension, params};

/// The tables, created with the rest of the schema (`CREATE … IF NOT EXISTS`, so older
/// databases get them on their next start).
pub(super) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS accounts (
    subject TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    created_at TEXT NOT NULL DEFAULT (datetime('now'))
);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash BLOB PRIMARY KEY,
    subject TEXT NOT NULL REFERENCES accounts(subject) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    may_create INTEGER NOT NULL,
    admin INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS owners (
    workshop_id TEXT NOT NULL REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('subject', 'email')),
    value TEXT NOT NULL,
    PRIMARY KEY (workshop_id, kind, value)
);
CREATE INDEX IF NOT EXISTS owners_by_value ON owners(value);
CREATE TABLE IF NOT EXISTS facilitator_seals (
    workshop_id TEXT PRIMARY KEY REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    sealed BLOB NOT NULL
);
";

/// A new workshop's first owner and sealed facilitator token, inside its creating transaction.
pub(super) fn insert_owner(
    tx: &rusqlite::Transaction<'_>,
    workshop_id: &str,
    new: &NewOwnerRecord,
) -> Result<(), StorageError> {
    let (kind, value) = new.owner.columns();
    tx.execute(
        "INSERT INTO owners (workshop_id, kind, value) VALUES (?1, ?2, ?3)",
        params![workshop_id, kind, value],
    )?;
    tx.execute(
        "INSERT INTO facilitator_seals (workshop_id, sealed) VALUES (?1, ?2)",
        params![workshop_id, new.sealed_token],
    )?;
    Ok(())
}

impl AccountStore for SqliteStorage {
    fn upsert_account(&self, a: &Account) -> Result<(), StorageError> {
        self.conn()?.execute(
            "INSERT INTO accounts (subject, name, email) VALUES (?1, ?2, ?3)
             ON CONFLICT (subject) DO UPDATE SET name = excluded.name, email = excluded.email",
            params![a.subject, a.name, a.email],
        )?;
        Ok(())
    }

    fn account(&self, subject: &str) -> Result<Option<Account>, StorageError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT subject, name, email FROM accounts WHERE subject = ?1",
                params![subject],
                |r| {
                    Ok(Account {
                        subject: r.get(0)?,
                        name: r.get(1)?,
                        email: r.get(2)?,
                    })
                },
            )
            .optional()?)
    }

    fn create_session(&self, hash: &TokenHash, s: &SessionRow) -> Result<(), StorageError> {
        self.conn()?.execute(
            "INSERT INTO sessions (token_hash, subject, csrf, expires_at, may_create, admin)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                &hash[..],
                s.subject,
                s.csrf,
                s.expires_at,
                s.may_create,
                s.admin
            ],
        )?;
        Ok(())
    }

    fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<SessionRow>, StorageError> {
        let conn = self.conn()?;
        let row = conn
            .query_row(
                "SELECT subject, csrf, expires_at, may_create, admin FROM sessions WHERE token_hash = ?1",
                params![&hash[..]],
                |r| {
                    Ok(SessionRow {
                        subject: r.get(0)?,
                        csrf: r.get(1)?,
                        expires_at: r.get(2)?,
                        may_create: r.get(3)?,
                        admin: r.get(4)?,
                    })
                },
            )
            .optional()?;
        match row {
            Some(s) if s.expires_at > now => Ok(Some(s)),
            Some(_) => {
                conn.execute(
                    "DELETE FROM sessions WHERE token_hash = ?1",
                    params![&hash[..]],
                )?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    fn delete_session(&self, hash: &TokenHash) -> Result<(), StorageError> {
        self.conn()?.execute(
            "DELETE FROM sessions WHERE token_hash = ?1",
            params![&hash[..]],
        )?;
        Ok(())
    }

    fn add_owner(&self, workshop_id: &str, owner: &Owner) -> Result<(), StorageError> {
        let (kind, value) = owner.columns();
        self.conn()?.execute(
            "INSERT INTO owners (workshop_id, kind, value) VALUES (?1, ?2, ?3)
             ON CONFLICT DO NOTHING",
            params![workshop_id, kind, value],
        )?;
        Ok(())
    }

    fn owners(&self, workshop_id: &str) -> Result<Vec<Owner>, StorageError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT kind, value FROM owners WHERE workshop_id = ?1 ORDER BY kind DESC, value",
        )?;
        let rows = stmt.query_map(params![workshop_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, value) = row?;
            out.push(Owner::from_columns(&kind, value)?);
        }
        out.sort();
        Ok(out)
    }

    fn owned_workshops(
        &self,
        subject: &str,
        email: Option<&str>,
    ) -> Result<Vec<OwnedWorkshop>, StorageError> {
        let conn = self.conn()?;
        let mut stmt = conn.prepare(
            "SELECT w.workshop_id, w.title, w.phase, w.access_until, w.created_at
             FROM workshops w
             WHERE w.workshop_id IN (
                SELECT workshop_id FROM owners
                WHERE (kind = 'subject' AND value = ?1) OR (kind = 'email' AND value = ?2))
             ORDER BY w.created_at DESC, w.workshop_id",
        )?;
        let rows = stmt.query_map(params![subject, email], |r| {
            Ok(OwnedWorkshop {
                workshop_id: r.get(0)?,
                title: r.get(1)?,
                phase: r.get(2)?,
                access_until: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn set_facilitator_seal(&self, workshop_id: &str, sealed: &[u8]) -> Result<(), StorageError> {
        self.conn()?.execute(
            "INSERT INTO facilitator_seals (workshop_id, sealed) VALUES (?1, ?2)
             ON CONFLICT (workshop_id) DO UPDATE SET sealed = excluded.sealed",
            params![workshop_id, sealed],
        )?;
        Ok(())
    }

    fn facilitator_seal(&self, workshop_id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self
            .conn()?
            .query_row(
                "SELECT sealed FROM facilitator_seals WHERE workshop_id = ?1",
                params![workshop_id],
                |r| r.get(0),
            )
            .optional()?)
    }

    fn erase_account(&self, subject: &str) -> Result<bool, StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let email: Option<Option<String>> = tx
            .query_row(
                "SELECT email FROM accounts WHERE subject = ?1",
                params![subject],
                |r| r.get(0),
            )
            .optional()?;
        tx.execute(
            "DELETE FROM owners WHERE kind = 'subject' AND value = ?1",
            params![subject],
        )?;
        if let Some(Some(email)) = &email {
            tx.execute(
                "DELETE FROM owners WHERE kind = 'email' AND value = ?1",
                params![email],
            )?;
        }
        tx.execute("DELETE FROM sessions WHERE subject = ?1", params![subject])?;
        let gone = tx.execute("DELETE FROM accounts WHERE subject = ?1", params![subject])?;
        tx.commit()?;
        Ok(gone > 0)
    }

    fn forget_idle_accounts(&self, now: i64) -> Result<usize, StorageError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", params![now])?;
        let gone = tx.execute(IDLE_ACCOUNTS, [])?;
        tx.commit()?;
        Ok(gone)
    }
}
