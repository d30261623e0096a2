//! What a signed-in facilitator's browser asks the server (servers with sign-in): who she
//! is, her workshops, and a workshop's facilitator link again.

use serde::{Deserialize, Serialize};

/// `GET /api/me`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// This server has sign-in (`SAMTAL_OIDC_ISSUER`).
    pub sign_in: bool,
    /// `None`: not signed in.
    pub account: Option<MyAccount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyAccount {
    pub name: String,
    pub email: Option<String>,
    /// May create workshops (`SAMTAL_OIDC_ALLOWED`).
    pub may_create: bool,
    /// An operator (`SAMTAL_OIDC_ADMINS`).
    pub admin: bool,
    /// Send this in the `x-samtal-csrf` header of every request that changes something.
    pub csrf: String,
}

/// One workshop in "Mina workshops".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyWorkshop {
    pub workshop_id: String,
    pub title: String,
    pub phase: String,
    pub access_until: Option<String>,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// Everyone who owns it: "Name <address>", or an address given before its owner signed in.
    pub owners: Vec<String>,
}

/// `POST /api/me/workshops/{id}/open`: the facilitator link, issued again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Opened {
    pub facilitator: String,
}

/// `POST /api/me/workshops/{id}/owners`: a co-facilitator by e-mail address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewOwner {
    pub email: String,
}

/// The header that repeats the session's CSRF token.
pub const CSRF_HEADER: &str = "x-samtal-csrf";

/// `GET /api/admin/workshops`: what an operator (`SAMTAL_OIDC_ADMINS`) sees — every workshop
/// and the retention settings; never notes or links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminOverview {
    /// Days after a workshop closes before it is erased (`SAMTAL_RETENTION_DAYS`).
    pub retention_days: u32,
    /// Workshops this server holds at most (`SAMTAL_MAX_WORKSHOPS`).
    pub max_workshops: usize,
    /// Newest first.
    pub workshops: Vec<AdminWorkshop>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminWorkshop {
    pub workshop_id: String,
    pub title: String,
    pub phase: String,
    pub access_until: Option<String>,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    pub documents: u64,
    /// Bytes its documents take in storage.
    pub bytes: u64,
    /// Unix seconds of the last write to any of its documents.
    pub last_write: Option<i64>,
    /// Who owns it: "Name <address>" for an account, the address for an invitation.
    pub owners: Vec<String>,
}
