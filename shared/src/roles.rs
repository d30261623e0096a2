//! Who may read and write which document. One table, used by the server to authorise every
//! protocol message and by the client to decide which fields are editable.

use crate::doc::Phase;
use serde::{Deserialize, Serialize};

/// The role a link (capability token) grants for one workshop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    Facilitator,
    Group { group_id: String },
    CatchUp,
}

/// What a document is, within its workshop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DocKind {
    Workshop,
    Group {
        group_id: String,
    },
    Plenary,
    /// The question box for the follow-up meeting (see `doc/questions.rs`).
    Questions,
}

/// How far a role may touch a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    None,
    Read,
    /// Read, and add new items only: nothing there can be changed or removed (the question
    /// box for the groups and catch-up readers; enforced by `WriteRules::Append`).
    Append,
    Write,
}

impl Role {
    /// The access rule table (see ARCHITECTURE.md, "Roles").
    pub fn access(&self, doc: &DocKind) -> Access {
        match (self, doc) {
            (Role::Facilitator, _) => Access::Write,
            // The one thing a catch-up link may write: a question for the follow-up.
            (Role::CatchUp | Role::Group { .. }, DocKind::Questions) => Access::Append,
            (Role::CatchUp, _) => Access::Read,
            (Role::Group { .. }, DocKind::Workshop | DocKind::Plenary) => Access::Read,
            (
                Role::Group { group_id },
                DocKind::Group {
                    group_id: doc_group,
                },
            ) => {
                if group_id == doc_group {
                    Access::Write
                } else {
                    Access::None
                }
            }
        }
    }

    /// [`Self::access`] while the workshop is in `phase`: once it is closed, a group's own
    /// document is read-only for its link (the notes are final until the facilitator reopens
    /// the workshop); everything else is as the table says.
    pub fn access_in(&self, doc: &DocKind, phase: Phase) -> Access {
        let access = self.access(doc);
        match (self, doc) {
            (Role::Group { .. }, DocKind::Group { .. }) if phase == Phase::Closed => {
                access.min(Access::Read)
            }
            _ => access,
        }
    }

    /// Short name for logs and the database (never the token).
    pub fn name(&self) -> &'static str {
        match self {
            Role::Facilitator => "facilitator",
            Role::Group { .. } => "group",
            Role::CatchUp => "catch_up",
        }
    }
}

#[cfg(test)]
mod tests;
