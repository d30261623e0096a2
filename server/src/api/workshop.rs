//! The workshop resource: create one (admin), what a link opens (the session), erase one.

use super::*;
use crate::AppState;
use crate::auth;
use crate::error::AppError;
use crate::workshops::{self, WorkshopLinks};
use axum::Json;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use samtal_shared::package;
use samtal_shared::session::SessionInfo;
use std::net::SocketAddr;
use std::sync::Arc;

pub(super) async fn create_workshop(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<WorkshopLinks>), AppError> {
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
    let links = workshops::create(&state, spec).await?;
    Ok((StatusCode::CREATED, Json(links)))
}

pub(super) async fn session(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<SessionInfo>, AppError> {
    let cap = resolve(&state, &token).await?;
    Ok(Json(session_info(&state, cap).await?))
}

pub(super) async fn erase(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<StatusCode, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    workshops::erase(&state, &cap.workshop_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
