//! What a link opens: returned by `GET /api/session/{token}` and cached by the client so the
//! workshop reopens offline.

use crate::ids::DocumentId;
use crate::roles::{DocKind, Role};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A workshop's links. Tokens exist only here: the server keeps their hashes (and derives
/// group and catch-up tokens again when the facilitator asks; see the server's `links.rs`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkshopLinks {
    pub workshop_id: String,
    pub title: String,
    pub facilitator: String,
    pub catch_up: String,
    /// SVG QR code of the catch-up link, as a data URL.
    pub catch_up_qr: String,
    pub access_until: String,
    pub groups: Vec<GroupLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupLink {
    pub group_id: String,
    pub name: String,
    pub area: String,
    pub link: String,
    /// SVG QR code of the link, as a data URL.
    pub qr: String,
    /// The group's round (see `rounds.rs`).
    #[serde(default = "first_round")]
    pub round: u32,
}

fn first_round() -> u32 {
    1
}

impl WorkshopLinks {
    /// Human-readable list for the terminal.
    pub fn render(&self) -> String {
        let mut out = format!(
            "Workshop «{}»\n  Facilitator: {}\n  I efterhand (catch-up): {}\n",
            self.title, self.facilitator, self.catch_up
        );
        for g in &self.groups {
            out.push_str(&format!("  Grupp {}: {}\n", g.name, g.link));
        }
        out
    }
}

/// The facilitator's live overview: who is connected, when each link last synced.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveStatus {
    /// The server's clock (unix seconds), so "last synced" ignores the client's clock.
    pub now: u64,
    pub targets: Vec<TargetStatus>,
}

/// One link target's live state.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetStatus {
    /// `facilitator`, `catch_up` or `group:ID`.
    pub target: String,
    pub connections: usize,
    /// Unix seconds of the last sync message from this link since the server started.
    pub last_sync: Option<u64>,
}

/// The reason the server gives when it closes connections to an erased workshop; a client
/// that reads it deletes its copies of that workshop and stops reconnecting.
pub const ERASED_REASON: &str = "this workshop was erased by its facilitator";

/// What the server answers when a request fails: `error` in English for logs and scripts,
/// `code` (and `invalid`, for a refused spec) for the client to say in the user's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid: Option<crate::doc::Invalid>,
    /// The field of a refused package or create request (`cases[2].area`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The workshop a link that stopped working belonged to, so the page can say which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<Closed>,
}

/// A workshop whose link stopped working: its name and the last day the link worked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closed {
    pub title: String,
    pub until: String,
}

/// The kinds of failed request (one per `AppError` variant in the server).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidLink,
    Expired,
    Forbidden,
    NotFound,
    NotAdmin,
    AdminClosed,
    BadOrigin,
    TooManyConnections,
    TooManyWorkshops,
    BadRequest,
    Invalid,
    Server,
    /// No session: sign in first (servers with sign-in).
    NotSignedIn,
    /// A signed-in account that `SAMTAL_OIDC_ALLOWED` does not let create workshops.
    MayNotCreate,
    /// A signed-in account that is not one of the server's operators (`SAMTAL_OIDC_ADMINS`).
    NotOperator,
    /// The identity provider's answer did not check out, or it could not be reached.
    SignInFailed,
}
