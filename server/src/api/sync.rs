//! The sync endpoint: the WebSocket upgrade (origin check, connection limits).

use super::extract::Path;
use super::*;
use crate::AppState;
use crate::error::AppError;
use crate::links::LinkTarget;
use crate::live::ConnectionSlot;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use samtal_shared::session::ErrorBody;
use std::sync::Arc;

/// Origin check: browsers always send `Origin` on WebSocket upgrades; it must be the public
/// URL's origin, or — only on a server bound to loopback — a loopback origin. The `Host`
/// header is never trusted for this (DNS rebinding makes it whatever the attacker's page
/// needs). Native clients send no `Origin`.
pub(super) fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if origin == crate::origin_of(&state.base_url) {
        return true;
    }
    state.bound_to_loopback && crate::is_loopback_url(origin)
}

/// The automerge-repo sync protocol over a WebSocket, for the documents the link may read.
#[utoipa::path(
    get, path = "/api/sync/{token}", tag = "sync",
    params(
        ("Upgrade" = String, Header, description = "`websocket`"),
        ("Connection" = String, Header, description = "`Upgrade`"),
        ("Sec-WebSocket-Version" = String, Header, description = "`13`"),
        ("Sec-WebSocket-Key" = String, Header, description = "16 random bytes, base64 (RFC 6455)."),
        LinkToken),
    responses(
        (status = 101, description = "Switched to the WebSocket: automerge-repo's protocol in CBOR frames."),
        (status = 400, description = "Not a WebSocket upgrade.", body = ErrorBody),
        (status = 403, description = "A page on another site (its Origin).", body = ErrorBody),
        (status = 404, description = "No such link.", body = ErrorBody),
        (status = 410, description = "The workshop closed.", body = ErrorBody),
        (status = 503, description = "Too many connections to this workshop.", body = ErrorBody),
    ),
)]
pub(super) async fn sync(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let ws = match ws {
        Ok(ws) => ws,
        Err(e) => return AppError::BadRequest(e.body_text()).into_response(),
    };
    if !origin_allowed(&state, &headers) {
        return AppError::BadOrigin.into_response();
    }
    let cap = match resolve(&state, &token).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let target = LinkTarget::of_role(&cap.role).key();
    let Some(slot) = ConnectionSlot::take(&state.live, &cap.workshop_id, target) else {
        return AppError::TooManyConnections.into_response();
    };
    // A rotation between the lookup and the registration would miss this connection: look
    // the token up once more now that rotations will find it.
    if let Err(e) = resolve(&state, &token).await {
        return e.into_response();
    }
    let info = match session_info(&state, cap.clone()).await {
        Ok(i) => i,
        Err(e) => return e.into_response(),
    };
    let max = state.settings.max_frame_bytes;
    // Let frames a little over the limit through so the handler can answer with a protocol
    // error naming the limit; far larger frames are cut off by the WebSocket layer itself.
    ws.max_message_size(max.saturating_add(max / 4))
        .max_frame_size(max.saturating_add(max / 4))
        // Sync frames are small; tungstenite's 128 KiB default buffers would make 10,000 idle
        // connections cost over a gigabyte. Larger frames still arrive, in more reads.
        .read_buffer_size(8 * 1024)
        .write_buffer_size(8 * 1024)
        .on_upgrade(move |socket| crate::ws::serve(socket, state, info, slot))
}
