//! The workshop resource: create one (admin), what a link opens (the session), erase one.

use super::extract::Path;
use super::*;
use crate::AppState;
use crate::auth;
use crate::error::AppError;
use crate::storage::accounts::Owner;
use crate::workshops::{self, WorkshopLinks};
use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use samtal_shared::package;
use samtal_shared::session::{ErrorBody, SessionInfo};
use std::net::SocketAddr;
use std::sync::Arc;

/// Create a workshop from a course package and a date; answers with its links. Needs a
/// signed-in facilitator whom `SAMTAL_OIDC_ALLOWED` lets create (her session cookie and the
/// `x-samtal-csrf` header; she then owns the workshop), the admin token, or (a server without
/// one, bound to loopback) a request made on the server's own computer.
#[utoipa::path(
    post, path = "/api/workshops", tag = "workshops",
    request_body(content = samtal_shared::doc::WorkshopSpec, content_type = "application/json",
        description = "A course package (docs/package-format.md) with the day's date."),
    responses(
        (status = 201, description = "Created; the links (the only time the server sends them unasked).", body = WorkshopLinks),
        (status = 400, description = "Not JSON, or not a package.", body = ErrorBody),
        (status = 401, description = "No or a wrong admin token (or none configured and the request is not local).", body = ErrorBody),
        (status = 403, description = "Signed in, but the account may not create workshops, or no or a wrong x-samtal-csrf header.", body = ErrorBody),
        (status = 413, description = "The package is too large.", body = ErrorBody),
        (status = 503, description = "The server holds its maximum number of workshops.", body = ErrorBody),
    ),
    security((), ("admin_token" = [])),
)]
pub(super) async fn create_workshop(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<WorkshopLinks>), AppError> {
    // A signed-in facilitator (servers with sign-in) creates with her session: the cookie
    // with its CSRF header, and her account allowed to. Otherwise the admin token, or a
    // request made on this computer.
    let owner = crate::accounts::current(&state, &headers).await?;
    match &owner {
        Some(who) => {
            crate::accounts::check_csrf(&headers, who)?;
            if !who.session.may_create {
                return Err(AppError::MayNotCreate);
            }
        }
        None => admin_or_local(&state, peer, &headers)?,
    }
    // JSON only: a browser sends `application/json` across sites only after a CORS preflight
    // this server never answers, so another site's page cannot create workshops here.
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(AppError::BadRequest(
            "send the workshop as JSON (content-type: application/json)".into(),
        ));
    }
    let body = body.map_err(|e| match e {
        axum::extract::rejection::BytesRejection::FailedToBufferBody(_) => {
            AppError::Package(package::PackageError::TooLarge)
        }
        e => AppError::BadRequest(e.body_text()),
    })?;
    let spec = package::read_spec(&body)?;
    let owner = owner.map(|who| Owner::Subject(who.account.subject));
    let links = workshops::create(&state, spec, owner).await?;
    Ok((StatusCode::CREATED, Json(links)))
}

/// The admin token, or (a server without one, bound to loopback) a request made on the
/// server's own computer.
fn admin_or_local(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> Result<(), AppError> {
    match &state.settings.admin_token {
        Some(expected) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "));
            if !given.is_some_and(|g| auth::constant_time_eq(g.as_bytes(), expected.as_bytes())) {
                return Err(AppError::NotAdmin);
            }
        }
        // No token: only a server nobody reaches from outside, and only a request made on
        // this computer — not one a reverse proxy on this computer passes on.
        None => {
            let proxied = ["forwarded", "x-forwarded-for", "via"]
                .iter()
                .any(|h| headers.contains_key(*h));
            if !state.local_only || !peer.ip().is_loopback() || proxied {
                return Err(AppError::AdminClosed);
            }
        }
    }
    Ok(())
}

/// What a link opens: its role, its workshop and the documents it may read.
#[utoipa::path(
    get, path = "/api/session/{token}", tag = "links",
    params(LinkToken),
    responses(
        (status = 200, description = "The link's session.", body = SessionInfo),
        (status = 404, description = "No such link (or it was replaced).", body = ErrorBody),
        (status = 410, description = "The workshop closed; the link stopped working.", body = ErrorBody),
    ),
)]
pub(super) async fn session(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<SessionInfo>, AppError> {
    let cap = resolve(&state, &token).await?;
    Ok(Json(session_info(&state, cap).await?))
}

/// Erase the workshop, every document and link (facilitator link only).
#[utoipa::path(
    delete, path = "/api/workshop/{token}", tag = "workshops",
    params(LinkToken),
    responses(
        (status = 204, description = "Erased; connected devices are told and drop their copies."),
        LinkRefused,
    ),
)]
pub(super) async fn erase(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<StatusCode, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    workshops::erase(&state, &cap.workshop_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
