//! The facilitator's links: show them, replace one, who is connected now.

use super::*;
use crate::error::AppError;
use crate::links::LinkTarget;
use crate::live::{self};
use crate::workshops::{self, WorkshopLinks};
use crate::{AppState, blocking};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use samtal_shared::i18n::Lang;
use samtal_shared::qr_sheet::qr_sheets;
use samtal_shared::session::LiveStatus;
use serde::Deserialize;
use std::sync::Arc;

pub(super) async fn links(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<WorkshopLinks>, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    Ok(Json(
        workshops::links_for(&state, &token, &cap.workshop_id).await?,
    ))
}

#[derive(Deserialize)]
pub(super) struct SheetQuery {
    lang: Option<String>,
}

/// The printable QR sheets (one A4 page per group, one for the catch-up link), for the
/// facilitator only: a page with no script, only the server's own QR images.
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

#[derive(Deserialize)]
pub(super) struct RotateRequest {
    /// `facilitator`, `catch_up` or `group:ID`.
    target: String,
}

pub(super) async fn rotate(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    body: Result<Json<RotateRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<WorkshopLinks>, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    let Json(req) = body.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let target = LinkTarget::parse(&req.target)
        .ok_or_else(|| AppError::BadRequest("unknown link".into()))?;
    if let LinkTarget::Group(g) = &target {
        let w = workshops::read_workshop(&state, &cap.workshop_id).await?;
        if w.group(g).is_none() {
            return Err(AppError::BadRequest("no such group".into()));
        }
    }
    Ok(Json(
        workshops::rotate(&state, &token, &cap.workshop_id, target).await?,
    ))
}

pub(super) async fn status(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<LiveStatus>, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    let now = crate::clock::now_secs();
    let mine = state.live.status(&cap.workshop_id);
    // Several instances: the others' connections count too.
    let id = cap.workshop_id.clone();
    let theirs = blocking(&state, move |s| s.live_elsewhere(&id)).await?;
    Ok(Json(LiveStatus {
        now,
        targets: live::merge(mine, theirs),
    }))
}
