//! What a link opens: returned by `GET /api/session/{token}` and cached by the client so the
//! workshop reopens offline.

use crate::ids::DocumentId;
use crate::roles::{DocKind, Role};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub role: Role,
    pub workshop_id: String,
    pub workshop_doc: DocumentId,
    /// Every document this link may read, with its kind.
    pub docs: Vec<(DocumentId, DocKind)>,
    /// Last day the link works (catch-up links).
    pub expires_at: Option<String>,
}

impl SessionInfo {
    /// The group document of a group link.
    pub fn own_group_doc(&self) -> Option<DocumentId> {
        let Role::Group { group_id } = &self.role else {
            return None;
        };
        self.docs.iter().find_map(|(id, kind)| match kind {
            DocKind::Group { group_id: g } if g == group_id => Some(*id),
            _ => None,
        })
    }
}
