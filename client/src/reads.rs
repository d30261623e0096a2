//! What the pages read from the engine's documents, kept under the repo's version of each
//! document and read again only when it moved. A page that shows every group re-renders each
//! time one of them types; reading all of them (and the workshop, on every render of every
//! page) each time kept the facilitator's browser busy with 50 groups (issue 27's profile:
//! automerge's reads at the top).

use samtal_shared::DocumentId;
use samtal_shared::doc::{self, GroupNotes, Workshop};
use samtal_shared::sync::ClientRepo;
use std::cell::RefCell;
use std::collections::HashMap;

#[derive(Default)]
pub struct Reads {
    groups: RefCell<HashMap<DocumentId, (u64, GroupNotes)>>,
    workshop: RefCell<Option<(DocumentId, u64, Workshop)>>,
}

impl Reads {
    pub fn group_notes(&self, repo: &ClientRepo, id: &DocumentId) -> Option<GroupNotes> {
        let version = repo.version(id)?;
        if let Some((v, notes)) = self.groups.borrow().get(id)
            && *v == version
        {
            return Some(notes.clone());
        }
        let notes = doc::read_group(repo.doc(id)?).ok()?;
        self.groups
            .borrow_mut()
            .insert(*id, (version, notes.clone()));
        Some(notes)
    }

    pub fn workshop(&self, repo: &ClientRepo, id: &DocumentId) -> Option<Workshop> {
        let version = repo.version(id)?;
        if let Some((at, v, w)) = self.workshop.borrow().as_ref()
            && (*at, *v) == (*id, version)
        {
            return Some(w.clone());
        }
        let w = doc::read_workshop(repo.doc(id)?).ok()?;
        *self.workshop.borrow_mut() = Some((*id, version, w.clone()));
        Some(w)
    }
}
