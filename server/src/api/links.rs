//! The facilitator's links: show them, replace one, who is connected now.

use super::extract::{Json, Path, Query};
use super::*;
use crate::error::AppError;
use crate::links::LinkTarget;
use crate::live::{self};
use crate::workshops::{self, WorkshopLinks};
use crate::{AppState, blocking};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use samtal_shared::i18n::Lang;
use samtal_shared::qr_sheet::qr_sheets;
use samtal_shared::session::{ErrorBody, LiveStatus};
use serde::Deserialize;
use std::sync::Arc;

/// The workshop's links, derived again (facilitator link only).
#[utoipa::path(
    get, path = "/api/links/{token}", tag = "links",
    params(LinkToken),
    responses(
        (status = 200, description = "Every link of the workshop.", body = WorkshopLinks),
        LinkRefused,
    ),
)]
pub(super) async fn links(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<axum::Json<WorkshopLinks>, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    Ok(axum::Json(
        workshops::links_for(&state, &token, &cap.workshop_id).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SheetQuery {
    /// `sv` (the default) or `en`.
    lang: Option<String>,
}

/// The printable QR sheets (one A4 page per group, one for the catch-up link), for the
/// facilitator only: a page with no script, only the server's own QR images.
#[utoipa::path(
    get, path = "/api/links/{token}/qr-sheet.html", tag = "links",
    params(LinkToken, SheetQuery),
    responses(
        (status = 200, description = "The printable sheets.", content_type = "text/html", body = String),
        (status = 400, description = "A query that does not parse.", body = ErrorBody),
        LinkRefused,
    ),
)]
pub(super) async fn qr_sheet(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    Query(q): Query<SheetQuery>,
) -> Result<Response, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    let links = workshops::links_for(&state, &token, &cap.workshop_id).await?;
    let w = workshops::read_workshop(&state, &cap.workshop_id).await?;
    let page = qr_sheets(&links, &w.date, Lang::parse(q.lang.as_deref()));
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
            ),
        ],
        page,
    )
        .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub(super) struct RotateRequest {
    /// `facilitator`, `catch_up` or `group:ID`.
    #[schema(pattern = "^(facilitator|catch_up|group:[A-Za-z0-9_-]{1,64})$")]
    target: String,
}

/// Replace one link with a new one; the old one stops working at once and its connections
/// close (facilitator link only).
#[utoipa::path(
    post, path = "/api/links/{token}/rotate", tag = "links",
    params(LinkToken),
    request_body(content = RotateRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The links, the replaced one new.", body = WorkshopLinks),
        (status = 400, description = "Not JSON, an unknown link or no such group.", body = ErrorBody),
        LinkRefused,
    ),
)]
pub(super) async fn rotate(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    body: Result<Json<RotateRequest>, AppError>,
) -> Result<axum::Json<WorkshopLinks>, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    let Json(req) = body?;
    let target = LinkTarget::parse(&req.target)
        .ok_or_else(|| AppError::BadRequest("unknown link".into()))?;
    if let LinkTarget::Group(g) = &target {
        let w = workshops::read_workshop(&state, &cap.workshop_id).await?;
        if w.group(g).is_none() {
            return Err(AppError::BadRequest("no such group".into()));
        }
    }
    Ok(axum::Json(
        workshops::rotate(&state, &token, &cap.workshop_id, target).await?,
    ))
}

/// Who is connected now, per link, and when each link last synced (facilitator link only).
#[utoipa::path(
    get, path = "/api/status/{token}", tag = "links",
    params(LinkToken),
    responses(
        (status = 200, description = "The live overview.", body = LiveStatus),
        LinkRefused,
    ),
)]
pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<axum::Json<LiveStatus>, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    let now = crate::clock::now_secs();
    let mine = state.live.status(&cap.workshop_id);
    // Several instances: the others' connections count too.
    let id = cap.workshop_id.clone();
    let theirs = blocking(&state, move |s| s.live_elsewhere(&id)).await?;
    Ok(axum::Json(LiveStatus {
        now,
        targets: live::merge(mine, theirs),
    }))
}
