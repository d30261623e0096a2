//! [`FaultyStorage`]'s accounts: writes fail while `failing` is on, reads go through.

use crate::FaultyStorage;
use samtal_server::auth::TokenHash;
use samtal_server::storage::StorageError;
use samtal_server::storage::accounts::{Account, AccountStore, OwnedWorkshop, Owner, SessionRow};

impl AccountStore for FaultyStorage {
    fn upsert_account(&self, account: &Account) -> Result<(), StorageError> {
        self.fault()?;
        self.inner.upsert_account(account)
    }
    fn account(&self, subject: &str) -> Result<Option<Account>, StorageError> {
        self.inner.account(subject)
    }
    fn create_session(&self, hash: &TokenHash, session: &SessionRow) -> Result<(), StorageError> {
        self.fault()?;
        self.inner.create_session(hash, session)
    }
    fn session(&self, hash: &TokenHash, now: i64) -> Result<Option<SessionRow>, StorageError> {
        self.inner.session(hash, now)
    }
    fn delete_session(&self, hash: &TokenHash) -> Result<(), StorageError> {
        self.fault()?;
        self.inner.delete_session(hash)
    }
    fn add_owner(&self, workshop_id: &str, owner: &Owner) -> Result<(), StorageError> {
        self.fault()?;
        self.inner.add_owner(workshop_id, owner)
    }
    fn owners(&self, workshop_id: &str) -> Result<Vec<Owner>, StorageError> {
        self.inner.owners(workshop_id)
    }
    fn owned_workshops(
        &self,
        subject: &str,
        email: Option<&str>,
    ) -> Result<Vec<OwnedWorkshop>, StorageError> {
        self.inner.owned_workshops(subject, email)
    }
    fn set_facilitator_seal(&self, workshop_id: &str, sealed: &[u8]) -> Result<(), StorageError> {
        self.fault()?;
        self.inner.set_facilitator_seal(workshop_id, sealed)
    }
    fn facilitator_seal(&self, workshop_id: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.inner.facilitator_seal(workshop_id)
    }
    fn erase_account(&self, subject: &str) -> Result<bool, StorageError> {
        self.fault()?;
        self.inner.erase_account(subject)
    }
    fn forget_idle_accounts(&self, now: i64) -> Result<usize, StorageError> {
        self.fault()?;
        self.inner.forget_idle_accounts(now)
    }
}
