//! The operators' page (`SAMTAL_OIDC_ADMINS`, signed in): every workshop — title, owners,
//! dates, phase, size, last activity, never notes or links — the retention settings, and
//! erasing a workshop.

use super::extract::Path;
use crate::AppState;
use crate::accounts::{self, SignedIn};
use crate::error::AppError;
use crate::state::blocking;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use samtal_shared::account::AdminOverview;
use samtal_shared::session::ErrorBody;
use std::sync::Arc;

/// A signed-in operator, or 401 / 403.
async fn operator(state: &Arc<AppState>, headers: &HeaderMap) -> Result<SignedIn, AppError> {
    let who = accounts::require(state, headers).await?;
    if !who.session.admin {
        return Err(AppError::NotOperator);
    }
    Ok(who)
}

/// Every workshop on this server and the retention settings.
#[utoipa::path(
    get, path = "/api/admin/workshops", tag = "sign-in",
    responses(
        (status = 200, description = "Newest first.", body = AdminOverview),
        (status = 401, description = "Not signed in (or no sign-in on this server).", body = ErrorBody),
        (status = 403, description = "Not an operator (SAMTAL_OIDC_ADMINS).", body = ErrorBody),
    ),
)]
pub(super) async fn workshops(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<axum::Json<AdminOverview>, AppError> {
    operator(&state, &headers).await?;
    let workshops = blocking(&state, crate::admin::overview).await?;
    Ok(axum::Json(AdminOverview {
        retention_days: state.settings.retention_days,
        max_workshops: state.settings.max_workshops,
        workshops,
    }))
}

/// Erase a workshop and everything in it (connected devices are told).
#[utoipa::path(
    delete, path = "/api/admin/workshops/{id}", tag = "sign-in",
    params(super::WorkshopId),
    responses(
        (status = 204, description = "Erased."),
        (status = 401, description = "Not signed in (or no sign-in on this server).", body = ErrorBody),
        (status = 403, description = "Not an operator, or no or a wrong x-samtal-csrf header.", body = ErrorBody),
        (status = 404, description = "No such workshop.", body = ErrorBody),
    ),
)]
pub(super) async fn erase(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    let who = operator(&state, &headers).await?;
    accounts::check_csrf(&headers, &who)?;
    let key = id.clone();
    if blocking(&state, move |s| s.workshop(&key)).await?.is_none() {
        return Err(AppError::NotFound);
    }
    crate::workshops::erase(&state, &id).await?;
    tracing::info!(workshop = %id, "erased by an operator");
    Ok(StatusCode::NO_CONTENT)
}
