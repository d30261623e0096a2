//! [`AccountStore`] on Postgres.

use super::PostgresStorage;
use crate::auth::TokenHash;
use crate::storage::accounts::{
    Account, AccountStore, IDLE_ACCOUNTS, OwnedWorkshop, Owner, SessionRow,
};
use crate::storage::{NewOwnerRecord, StorageError};

/// The tables (a migration of `postgres.rs`).
pub(super) const MIGRATION: &str = "
CREATE TABLE accounts (
    subject TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    subject TEXT NOT NULL REFERENCES accounts(subject) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    may_create BOOLEAN NOT NULL,
    admin BOOLEAN NOT NULL
);
CREATE TABLE owners (
    workshop_id TEXT NOT NULL REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('subject', 'email')),
    value TEXT NOT NULL,
    PRIMARY KEY (workshop_id, kind, value)
);
CREATE INDEX owners_by_value ON owners(value);
CREATE TABLE facilitator_seals (
    workshop_id TEXT PRIMARY KEY REFERENCES workshops(workshop_id) ON DELETE CASCADE,
    sealed BYTEA NOT NULL
);
";

/// A new workshop's first owner and sealed facilitator token, inside its creating transaction.
pub(super) fn insert_owner(
    tx: &mut postgres::Transaction<'_>,
    workshop_id: &str,
    new: &NewOwnerRecord,
) -> Result<(), StorageError> {
    let (kind, value) = new.owner.columns();
    tx.execute(
        "INSERT INTO owners (workshop_id, kind, value) VALUES ($1, $2, $3)",
        &[&workshop_id, &kind, &value],
    )?;
    tx.execute(
        "INSERT INTO facilitator_seals (workshop_id, sealed) VALUES ($1, $2)",
        &[&workshop_id, &new.sealed_token],
    )?;
    Ok(())
}

impl AccountStore for PostgresStorage {
    fn upsert_account(&self, a: &Account) -> Result<(), StorageError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO accounts (subject, name, email) VALUES ($1, $2, $3)
                 ON CONFLICT (subject) DO UPDATE SET name = excluded.name, email = excluded.email",
                &[&a.subject, &a.name, &a.email],
            )?;
            Ok(())
        })
    }

    fn account(&self, subject: &str) -> Result<Option<Account>, StorageError> {
        self.read(|c| {
            Ok(c.query_opt(
                "SELECT subject, name, email FROM accounts WHERE subject = $1",
                &[&subject],
            )?
            .map(|r| Account {
                subject: r.get(0),
                name: r.get(1),
                email: r.get(2),
            }))
        })
    }

    fn create_session(&self, hash: &TokenHash, s: &SessionRow) -> Result<(), StorageError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO sessions (token_hash, subject, csrf, expires_at, may_create, admin)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &hash.as_slice(),
                    &s.subject,
                    &s.csrf,
                    &s.expires_at,
                    &s.may_create,
                    &s.admin,
                ],
            )?;
            Ok(())
        })
    }

    fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<SessionRow>, StorageError> {
        let row = self.read(|c| {
            Ok(c.query_opt(
                "SELECT subject, csrf, expires_at, may_create, admin FROM sessions WHERE token_hash = $1",
                &[&hash.as_slice()],
            )?
            .map(|r| SessionRow {
                subject: r.get(0),
                csrf: r.get(1),
                expires_at: r.get(2),
                may_create: r.get(3),
                admin: r.get(4),
            }))
        })?;
        match row {
            Some(s) if s.expires_at > now => Ok(Some(s)),
            Some(_) => {
                self.delete_session(hash)?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    fn delete_session(&self, hash: &TokenHash) -> Result<(), StorageError> {
        self.with(|c| {
            c.execute(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[&hash.as_slice()],
            )?;
            Ok(())
        })
    }

    fn add_owner(&self, workshop_id: &str, owner: &Owner) -> Result<(), StorageError> {
        let (kind, value) = owner.columns();
        self.with(|c| {
            c.execute(
                "INSERT INTO owners (workshop_id, kind, value) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[&workshop_id, &kind, &value],
            )?;
            Ok(())
        })
    }

    fn owners(&self, workshop_id: &str) -> Result<Vec<Owner>, StorageError> {
        let rows = self.read(|c| {
            Ok(c.query(
                "SELECT kind, value FROM owners WHERE workshop_id = $1",
                &[&workshop_id],
            )?)
        })?;
        let mut out = rows
            .into_iter()
            .map(|r| Owner::from_columns(r.get::<_, String>(0).as_str(), r.get(1)))
            .collect::<Result<Vec<_>, _>>()?;
        out.sort();
        Ok(out)
    }

    fn owned_workshops(
        &self,
        subject: &str,
        email: Option<&str>,
    ) -> Result<Vec<OwnedWorkshop>, StorageError> {
        let rows = self.read(|c| {
            Ok(c.query(
                "SELECT w.workshop_id, w.title, w.phase, w.access_until,
                        to_char(w.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
                 FROM workshops w
                 WHERE w.workshop_id IN (
                    SELECT workshop_id FROM owners
                    WHERE (kind = 'subject' AND value = $1) OR (kind = 'email' AND value = $2))
                 ORDER BY w.created_at DESC, w.workshop_id",
                &[&subject, &email],
            )?)
        })?;
        Ok(rows
            .into_iter()
            .map(|r| OwnedWorkshop {
                workshop_id: r.get(0),
                title: r.get(1),
                phase: r.get(2),
                access_until: r.get(3),
                created_at: r.get(4),
            })
            .collect())
    }

    fn set_facilitator_seal(&self, workshop_id: &str, sealed: &[u8]) -> Result<(), StorageError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO facilitator_seals (workshop_id, sealed) VALUES ($1, $2)
                 ON CONFLICT (workshop_id) DO UPDATE SET sealed = excluded.sealed",
                &[&workshop_id, &sealed],
            )?;
            Ok(())
        })
    }

    fn facilitator_seal(&self, workshop_id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.read(|c| {
            Ok(c.query_opt(
                "SELECT sealed FROM facilitator_seals WHERE workshop_id = $1",
                &[&workshop_id],
            )?
            .map(|r| r.get(0)))
        })
    }

    fn erase_account(&self, subject: &str) -> Result<bool, StorageError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            let email: Option<Option<String>> = tx
                .query_opt("SELECT email FROM accounts WHERE subject = $1", &[&subject])?
                .map(|r| r.get(0));
            tx.execute(
                "DELETE FROM owners WHERE kind = 'subject' AND value = $1",
                &[&subject],
            )?;
            if let Some(Some(email)) = &email {
                tx.execute(
                    "DELETE FROM owners WHERE kind = 'email' AND value = $1",
                    &[email],
                )?;
            }
            tx.execute("DELETE FROM sessions WHERE subject = $1", &[&subject])?;
            let gone = tx.execute("DELETE FROM accounts WHERE subject = $1", &[&subject])?;
            tx.commit()?;
            Ok(gone > 0)
        })
    }

    fn forget_idle_accounts(&self, now: i64) -> Result<usize, StorageError> {
        self.with(|c| {
            let mut tx = c.transaction()?;
            tx.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&now])?;
            let gone = tx.execute(IDLE_ACCOUNTS, &[])?;
            tx.commit()?;
            Ok(usize::try_from(gone).unwrap_or(usize::MAX))
        })
    }
}
