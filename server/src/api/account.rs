//! Sign-in and a signed-in facilitator's own resources (servers with `SAMTAL_OIDC_ISSUER`;
//! without it these answer 404, and `/api/me` says sign-in is off).

use super::extract::{Json, Path, Query};
use crate::AppState;
use crate::accounts::{self, SignedIn};
use crate::error::AppError;
use crate::signin::cookies::{self, Which};
use crate::signin::seal::Purpose;
use crate::signin::{Pending, SignInError};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use samtal_shared::account::{Me, MyAccount, MyWorkshop, NewOwner, Opened};
use samtal_shared::session::ErrorBody;
use std::sync::Arc;

/// How long a sign-in may take at the provider.
const PENDING_SECS: u64 = 600;
/// Where a signed-in facilitator lands.
const AFTER_SIGN_IN: &str = "/mina";

/// Start signing in: to the provider, with a sealed cookie holding state, nonce and the PKCE
/// verifier.
#[utoipa::path(
    get, path = "/auth/login", tag = "sign-in",
    responses(
        (status = 303, description = "To the identity provider."),
        (status = 404, description = "This server has no sign-in.", body = ErrorBody),
        (status = 502, description = "The identity provider could not be reached.", body = ErrorBody),
    ),
)]
pub(super) async fn login(State(state): State<Arc<AppState>>) -> Result<Response, AppError> {
    let signin = accounts::signin(&state)?;
    let now = crate::clock::now_secs();
    let s = Arc::clone(&signin);
    let (url, pending) = tokio::task::spawn_blocking(move || s.provider.begin(now))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let plain = serde_json::to_vec(&pending).map_err(|e| AppError::Internal(e.to_string()))?;
    let sealed = signin
        .key
        .seal(Purpose::PendingSignIn, b"", &plain)
        .map_err(SignInError::from)?;
    let cookie = cookies::set(
        Which::Pending,
        &URL_SAFE_NO_PAD.encode(sealed),
        PENDING_SECS as i64,
        signin.secure,
    );
    Ok(accounts::redirect(&url, cookie))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// The provider sends the browser back here: the state must be the one this browser's
/// pending sign-in holds, the code is exchanged (with the PKCE verifier) and the ID token
/// validated; then a session begins.
#[utoipa::path(
    get, path = "/auth/callback", tag = "sign-in",
    params(Callback),
    responses(
        (status = 303, description = "Signed in: to \"Mina workshops\", with the session cookie. A browser (`Accept: text/html`) whose sign-in was refused: to `/mina?fel=sign_in_failed`."),
        (status = 400, description = "No sign-in under way in this browser, a forged state, a refused code or ID token.", body = ErrorBody),
        (status = 404, description = "This server has no sign-in.", body = ErrorBody),
        (status = 502, description = "The identity provider could not be reached.", body = ErrorBody),
    ),
)]
pub(super) async fn callback(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(cb): Query<Callback>,
) -> Result<Response, AppError> {
    let signin = accounts::signin(&state)?;
    match finish_sign_in(&state, &signin, &headers, cb).await {
        // A browser that navigated here gets a page, not a JSON body: "Mina workshops" with
        // the reason in her language (the details are in the server's log).
        Err(AppError::SignIn(e)) if wants_page(&headers) => {
            tracing::info!(error = %e, "sign-in refused");
            Ok(accounts::redirect(
                SIGN_IN_FAILED,
                cookies::clear(Which::Pending, signin.secure),
            ))
        }
        other => other,
    }
}

/// Where a browser goes when its sign-in failed (the page reads `fel`, the error's code).
const SIGN_IN_FAILED: &str = "/mina?fel=sign_in_failed";

/// A top-level navigation (the provider's redirect) rather than a program calling the API.
fn wants_page(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

async fn finish_sign_in(
    state: &Arc<AppState>,
    signin: &Arc<crate::signin::SignIn>,
    headers: &HeaderMap,
    cb: Callback,
) -> Result<Response, AppError> {
    let refused = |why: &str| AppError::SignIn(SignInError::Refused(why.into()));
    let pending: Pending = cookies::get(headers, Which::Pending, signin.secure)
        .and_then(|c| URL_SAFE_NO_PAD.decode(c).ok())
        .and_then(|sealed| signin.key.open(Purpose::PendingSignIn, b"", &sealed))
        .and_then(|plain| serde_json::from_slice(&plain).ok())
        .ok_or_else(|| refused("no sign-in under way in this browser"))?;
    if crate::clock::now_secs().saturating_sub(pending.at) > PENDING_SECS {
        return Err(refused("the sign-in took too long"));
    }
    if let Some(error) = cb.error {
        return Err(refused(&format!("the provider answered {error}")));
    }
    let given = cb.state.unwrap_or_default();
    if !crate::auth::constant_time_eq(given.as_bytes(), pending.state.as_bytes()) {
        return Err(refused("the state does not match this browser's sign-in"));
    }
    let code = cb.code.ok_or_else(|| refused("no code"))?;
    let s = Arc::clone(signin);
    let who = tokio::task::spawn_blocking(move || s.provider.finish(&code, &pending))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))??;
    let session = accounts::start_session(state, signin, who).await?;
    Ok(accounts::redirect(
        AFTER_SIGN_IN,
        [Some(session), cookies::clear(Which::Pending, signin.secure)]
            .into_iter()
            .flatten(),
    ))
}

/// Sign out: the session is deleted on the server, the cookie cleared.
#[utoipa::path(
    post, path = "/auth/logout", tag = "sign-in",
    responses(
        (status = 204, description = "Signed out."),
        (status = 404, description = "This server has no sign-in.", body = ErrorBody),
        (status = 401, description = "Not signed in.", body = ErrorBody),
        (status = 403, description = "No or a wrong x-samtal-csrf header, or another site's request.", body = ErrorBody),
    ),
)]
pub(super) async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let signin = accounts::signin(&state)?;
    let who = accounts::require(&state, &headers).await?;
    accounts::check_csrf(&headers, &who)?;
    accounts::end_session(&state, &who).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Some(c) = cookies::clear(Which::Session, signin.secure) {
        resp.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    Ok(resp)
}

/// Whether this server has sign-in, and who is signed in.
#[utoipa::path(
    get, path = "/api/me", tag = "sign-in",
    responses((status = 200, description = "Sign-in and the account.", body = Me)),
)]
pub(super) async fn me(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<axum::Json<Me>, AppError> {
    let account = accounts::current(&state, &headers)
        .await?
        .map(|who| MyAccount {
            name: who.account.name,
            email: who.account.email,
            may_create: who.session.may_create,
            admin: who.session.admin,
            csrf: who.session.csrf,
        });
    Ok(axum::Json(Me {
        sign_in: state.signin.is_some(),
        account,
    }))
}

/// "Mina workshops": every workshop the signed-in facilitator owns.
#[utoipa::path(
    get, path = "/api/me/workshops", tag = "sign-in",
    responses(
        (status = 200, description = "Newest first.", body = Vec<MyWorkshop>),
        (status = 401, description = "Not signed in (or no sign-in on this server).", body = ErrorBody),
    ),
)]
pub(super) async fn my_workshops(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<axum::Json<Vec<MyWorkshop>>, AppError> {
    let who = accounts::require(&state, &headers).await?;
    let (subject, email) = (who.account.subject, who.account.email);
    let list = crate::state::blocking(&state, move |s| {
        s.owned_workshops(&subject, email.as_deref())?
            .into_iter()
            .map(|w| {
                Ok(MyWorkshop {
                    owners: crate::admin::owner_labels(s, &w.workshop_id)?,
                    workshop_id: w.workshop_id,
                    title: w.title,
                    phase: w.phase,
                    access_until: w.access_until,
                    created_at: w.created_at,
                })
            })
            .collect::<Result<Vec<_>, crate::storage::StorageError>>()
    })
    .await?;
    Ok(axum::Json(list))
}

/// Open a workshop she owns: its facilitator link, issued again.
#[utoipa::path(
    post, path = "/api/me/workshops/{id}/open", tag = "sign-in",
    params(super::WorkshopId),
    responses(
        (status = 200, description = "The facilitator link.", body = Opened),
        (status = 401, description = "Not signed in.", body = ErrorBody),
        (status = 403, description = "No or a wrong x-samtal-csrf header.", body = ErrorBody),
        (status = 404, description = "No such workshop of hers, or no sign-in on this server.", body = ErrorBody),
    ),
)]
pub(super) async fn open(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<axum::Json<Opened>, AppError> {
    let who = signed_in_for_change(&state, &headers).await?;
    let token = accounts::facilitator_token(&state, &who, &id).await?;
    tracing::info!(workshop = %id, "facilitator link issued to an owner");
    Ok(axum::Json(Opened {
        facilitator: format!("{}/f/{token}", state.base_url),
    }))
}

/// Give a co-facilitator the workshop too, by e-mail address (she finds it in her list once
/// she signs in with that verified address).
#[utoipa::path(
    post, path = "/api/me/workshops/{id}/owners", tag = "sign-in",
    params(super::WorkshopId),
    request_body(content = NewOwner, content_type = "application/json"),
    responses(
        (status = 204, description = "Added."),
        (status = 400, description = "Not an e-mail address.", body = ErrorBody),
        (status = 401, description = "Not signed in.", body = ErrorBody),
        (status = 403, description = "No or a wrong x-samtal-csrf header.", body = ErrorBody),
        (status = 404, description = "No such workshop of hers, or no sign-in on this server.", body = ErrorBody),
    ),
)]
pub(super) async fn add_owner(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(new): Json<NewOwner>,
) -> Result<StatusCode, AppError> {
    let who = signed_in_for_change(&state, &headers).await?;
    if !accounts::owns(&state, &who, &id).await? {
        return Err(AppError::NotFound);
    }
    let email = new.email.trim().to_ascii_lowercase();
    let plausible = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if !plausible {
        return Err(AppError::BadRequest("not an e-mail address".into()));
    }
    let owner = crate::storage::accounts::Owner::Email(email);
    crate::state::blocking(&state, move |s| s.add_owner(&id, &owner)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A signed-in facilitator whose request passes the CSRF check.
async fn signed_in_for_change(
    state: &Arc<AppState>,
    headers: &HeaderMap,
) -> Result<SignedIn, AppError> {
    let who = accounts::require(state, headers).await?;
    accounts::check_csrf(headers, &who)?;
    Ok(who)
}
