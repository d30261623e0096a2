//! What an operator sees of the server — every workshop with its owners, size and last
//! activity, never its notes or links — for the admin page (`api/admin.rs`) and
//! `samtal-server list`.

use crate::storage::accounts::Owner;
use crate::storage::{Storage, StorageError};
use samtal_shared::account::AdminWorkshop;

/// Every workshop, newest first, with its owners.
pub fn overview(s: &dyn Storage) -> Result<Vec<AdminWorkshop>, StorageError> {
    let mut out = Vec::new();
    for w in s.list_workshops()? {
        let owners = owner_labels(s, &w.workshop_id)?;
        out.push(AdminWorkshop {
            workshop_id: w.workshop_id,
            title: w.title,
            phase: w.phase,
            access_until: w.access_until,
            created_at: w.created_at,
            documents: w.documents,
            bytes: w.bytes,
            last_write: w.last_write,
            owners,
        });
    }
    Ok(out)
}

/// A workshop's owners as people read them: "Name <address>", or the address alone.
pub fn owner_labels(s: &dyn Storage, workshop_id: &str) -> Result<Vec<String>, StorageError> {
    s.owners(workshop_id)?
        .into_iter()
        .map(|o| owner_label(s, o))
        .collect()
}

fn owner_label(s: &dyn Storage, owner: Owner) -> Result<String, StorageError> {
    Ok(match owner {
        Owner::Email(e) => e,
        Owner::Subject(subject) => match s.account(&subject)? {
            Some(a) => match a.email {
                Some(e) => format!("{} <{e}>", a.name),
                None => a.name,
            },
            None => subject,
        },
    })
}
