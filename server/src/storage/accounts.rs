//! Facilitators who signed in (OpenID Connect): their accounts, their sessions, and which
//! workshops they own. One trait, [`AccountStore`], implemented beside each backend
//! (`sqlite/accounts.rs`, `postgres/accounts.rs`) and checked by the same conformance suite.
//!
//! Personal data kept: the provider's subject id, a display name and an e-mail address — no
//! more (SECURITY.md, the privacy page). Sessions are stored by the SHA-256 of their cookie,
//! like link tokens, so the database never holds a usable cookie.

use super::StorageError;
use crate::auth::TokenHash;

/// A facilitator who signed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The provider's `sub`: stable, never reassigned.
    pub subject: String,
    pub name: String,
    /// Only an address the provider says is verified.
    pub email: Option<String>,
}

/// A signed-in browser, as stored (by the hash of its cookie).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub subject: String,
    /// What a state-changing request must repeat in its `x-samtal-csrf` header.
    pub csrf: String,
    /// Unix seconds after which the session is gone.
    pub expires_at: i64,
    /// What the provider's claims allowed at sign-in (`SAMTAL_OIDC_ALLOWED`, `_ADMINS`).
    pub may_create: bool,
    pub admin: bool,
}

/// Who owns a workshop: an account, or an e-mail address invited before that person signed in
/// (matched only against an address the provider verified).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Owner {
    Subject(String),
    Email(String),
}

impl Owner {
    pub(crate) fn columns(&self) -> (&'static str, &str) {
        match self {
            Owner::Subject(s) => ("subject", s),
            Owner::Email(e) => ("email", e),
        }
    }

    pub(crate) fn from_columns(kind: &str, value: String) -> Result<Self, StorageError> {
        match kind {
            "subject" => Ok(Owner::Subject(value)),
            "email" => Ok(Owner::Email(value)),
            k => Err(StorageError::Corrupt(format!("unknown owner kind {k}"))),
        }
    }
}

/// A workshop in its owner's list ("Mina workshops"): what it is, never its notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedWorkshop {
    pub workshop_id: String,
    pub title: String,
    pub phase: String,
    pub access_until: Option<String>,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
}

pub trait AccountStore {
    /// Add the account, or update its name and e-mail (they may change at the provider).
    fn upsert_account(&self, account: &Account) -> Result<(), StorageError>;
    fn account(&self, subject: &str) -> Result<Option<Account>, StorageError>;
    fn create_session(&self, hash: &TokenHash, session: &SessionRow) -> Result<(), StorageError>;
    /// The session, if it exists and has not expired at `now` (unix seconds); an expired one
    /// is deleted.
    fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<SessionRow>, StorageError>;
    /// Sign-out: the cookie stops working at once, on every instance.
    fn delete_session(&self, hash: &TokenHash) -> Result<(), StorageError>;
    /// Add an owner unless it is one already.
    fn add_owner(&self, workshop_id: &str, owner: &Owner) -> Result<(), StorageError>;
    /// A workshop's owners, sorted.
    fn owners(&self, workshop_id: &str) -> Result<Vec<Owner>, StorageError>;
    /// The workshops `subject` owns, or that were given to its verified `email`; newest first.
    fn owned_workshops(
        &self,
        subject: &str,
        email: Option<&str>,
    ) -> Result<Vec<OwnedWorkshop>, StorageError>;
    /// The facilitator's token of a workshop with owners, sealed with the server's key
    /// (`signin/seal.rs`): what lets an owner open it again from another computer.
    fn set_facilitator_seal(&self, workshop_id: &str, sealed: &[u8]) -> Result<(), StorageError>;
    fn facilitator_seal(&self, workshop_id: &str) -> Result<Option<Vec<u8>>, StorageError>;
    /// Erase an account: its sessions, its ownerships and the account itself. Returns whether
    /// there was one.
    fn erase_account(&self, subject: &str) -> Result<bool, StorageError>;
    /// Forget who signed in and keeps nothing here: sessions expired at `now` (unix seconds)
    /// go, then every account with no session left and no workshop — its own, or one given
    /// to its address. Returns how many accounts went.
    fn forget_idle_accounts(&self, now: i64) -> Result<usize, StorageError>;
}

/// The accounts [`AccountStore::forget_idle_accounts`] deletes once the expired sessions are
/// gone (the same SQL on both backends).
pub(crate) const IDLE_ACCOUNTS: &str = "
DELETE FROM accounts WHERE
    NOT EXISTS (SELECT 1 FROM sessions s WHERE s.subject = accounts.subject)
    AND NOT EXISTS (SELECT 1 FROM owners o WHERE
        (o.kind = 'subject' AND o.value = accounts.subject)
        OR (o.kind = 'email' AND o.value = accounts.email))";
