//! Signed-in facilitators (servers with sign-in): who a request's session cookie belongs to,
//! the CSRF check for what that cookie authorises, the session made at sign-in, and owners'
//! sealed facilitator tokens. Links stay the capability: an owner gets her workshop's
//! facilitator link back, never a second way in.

use crate::auth::{self, TokenHash};
use crate::error::AppError;
use crate::signin::cookies::{self, Which};
use crate::signin::seal::Purpose;
use crate::signin::{Identity, SignIn};
use crate::state::{AppState, blocking};
use crate::storage::accounts::{Account, Owner, SessionRow};
use axum::http::{HeaderMap, HeaderValue, header};
use samtal_shared::account::CSRF_HEADER;
use std::sync::Arc;

/// A request's signed-in facilitator.
pub struct SignedIn {
    pub hash: TokenHash,
    pub session: SessionRow,
    pub account: Account,
}

fn now() -> i64 {
    i64::try_from(crate::clock::now_secs()).unwrap_or(i64::MAX)
}

/// Sign-in, or 404 on a server without it.
pub fn signin(state: &AppState) -> Result<Arc<SignIn>, AppError> {
    state.signin.clone().ok_or(AppError::NotFound)
}

/// The session the request's cookie names, if it is one and still valid.
pub async fn current(
    state: &Arc<AppState>,
    headers: &HeaderMap,
) -> Result<Option<SignedIn>, AppError> {
    let Some(signin) = &state.signin else {
        return Ok(None);
    };
    let Some(token) = cookies::get(headers, Which::Session, signin.secure) else {
        return Ok(None);
    };
    if !auth::looks_like_token(&token) {
        return Ok(None);
    }
    let hash = auth::hash_token(&token);
    let now = now();
    blocking(state, move |s| {
        let Some(session) = s.session(&hash, now)? else {
            return Ok(None);
        };
        Ok(s.account(&session.subject)?.map(|account| SignedIn {
            hash,
            session,
            account,
        }))
    })
    .await
}

/// The signed-in facilitator, or 401.
pub async fn require(state: &Arc<AppState>, headers: &HeaderMap) -> Result<SignedIn, AppError> {
    current(state, headers).await?.ok_or(AppError::NotSignedIn)
}

/// What a cookie authorises must not be asked for by another site: the request repeats the
/// session's CSRF token in a header (which no cross-site form or simple request can set), and
/// a browser that says where the request came from must say this site.
pub fn check_csrf(headers: &HeaderMap, who: &SignedIn) -> Result<(), AppError> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && site != "same-origin"
    {
        return Err(AppError::BadOrigin);
    }
    let given = headers
        .get(CSRF_HEADER)
        .map(HeaderValue::as_bytes)
        .unwrap_or_default();
    if given.is_empty() || !auth::constant_time_eq(given, who.session.csrf.as_bytes()) {
        return Err(AppError::BadOrigin);
    }
    Ok(())
}

/// After a sign-in: store the account and a new session; the cookie that carries it.
pub async fn start_session(
    state: &Arc<AppState>,
    signin: &SignIn,
    who: Identity,
) -> Result<HeaderValue, AppError> {
    let random = |e: getrandom::Error| AppError::Internal(format!("randomness: {e}"));
    let (token, hash) = auth::new_token().map_err(random)?;
    let (csrf, _) = auth::new_token().map_err(random)?;
    let session = SessionRow {
        subject: who.subject.clone(),
        csrf,
        expires_at: now().saturating_add(signin.session_secs),
        may_create: signin.allowed.admits(&who),
        admin: signin.admins.admits(&who),
    };
    let account = Account {
        subject: who.subject,
        name: who.name,
        email: who.email,
    };
    tracing::info!(
        may_create = session.may_create,
        admin = session.admin,
        "signed in"
    );
    blocking(state, move |s| {
        s.upsert_account(&account)?;
        s.create_session(&hash, &session)
    })
    .await?;
    cookies::set(Which::Session, &token, signin.session_secs, signin.secure)
        .ok_or_else(|| AppError::Internal("cookie".into()))
}

/// Sign-out: the session stops working on every instance at once.
pub async fn end_session(state: &Arc<AppState>, who: &SignedIn) -> Result<(), AppError> {
    let hash = who.hash;
    blocking(state, move |s| s.delete_session(&hash)).await
}

/// A facilitator token sealed for the workshop's owners (bound to the workshop's id).
pub fn seal_token(signin: &SignIn, workshop_id: &str, token: &str) -> Result<Vec<u8>, AppError> {
    Ok(signin
        .key
        .seal(
            Purpose::FacilitatorToken,
            workshop_id.as_bytes(),
            token.as_bytes(),
        )
        .map_err(crate::signin::SignInError::from)?)
}

/// The facilitator link was replaced: owners get the new one from now on.
pub async fn reseal(
    state: &Arc<AppState>,
    workshop_id: &str,
    facilitator_token: &str,
) -> Result<(), AppError> {
    let Some(signin) = state.signin.clone() else {
        return Ok(());
    };
    let id = workshop_id.to_owned();
    if blocking(state, move |s| s.facilitator_seal(&id))
        .await?
        .is_none()
    {
        return Ok(());
    }
    let sealed = seal_token(&signin, workshop_id, facilitator_token)?;
    let id = workshop_id.to_owned();
    blocking(state, move |s| s.set_facilitator_seal(&id, &sealed)).await
}

/// Whether `who` owns the workshop (by account, or by her verified e-mail address).
pub async fn owns(
    state: &Arc<AppState>,
    who: &SignedIn,
    workshop_id: &str,
) -> Result<bool, AppError> {
    let (subject, email) = (who.account.subject.clone(), who.account.email.clone());
    let id = workshop_id.to_owned();
    blocking(state, move |s| {
        Ok(s.owners(&id)?.iter().any(|o| match o {
            Owner::Subject(x) => *x == subject,
            Owner::Email(e) => email.as_deref() == Some(e.as_str()),
        }))
    })
    .await
}

/// The facilitator token of a workshop `who` owns; 404 for any other (never saying whether it
/// exists).
pub async fn facilitator_token(
    state: &Arc<AppState>,
    who: &SignedIn,
    workshop_id: &str,
) -> Result<String, AppError> {
    if !owns(state, who, workshop_id).await? {
        return Err(AppError::NotFound);
    }
    let signin = signin(state)?;
    let id = workshop_id.to_owned();
    let sealed = blocking(state, move |s| s.facilitator_seal(&id))
        .await?
        .ok_or(AppError::NotFound)?;
    let token = signin
        .key
        .open(Purpose::FacilitatorToken, workshop_id.as_bytes(), &sealed)
        .and_then(|t| String::from_utf8(t).ok())
        .ok_or_else(|| {
            AppError::Internal(
                "an owner's facilitator link does not open with this server's key".into(),
            )
        })?;
    Ok(token)
}

/// After an erase: the accounts among its owners that own nothing any more are erased too
/// (their personal data goes with their last workshop).
pub async fn forget_lone_owners(state: &Arc<AppState>, owners: Vec<Owner>) -> Result<(), AppError> {
    let subjects: Vec<String> = owners
        .into_iter()
        .filter_map(|o| match o {
            Owner::Subject(s) => Some(s),
            Owner::Email(_) => None,
        })
        .collect();
    if subjects.is_empty() {
        return Ok(());
    }
    blocking(state, move |s| {
        for subject in subjects {
            let email = s.account(&subject)?.and_then(|a| a.email);
            if s.owned_workshops(&subject, email.as_deref())?.is_empty() {
                s.erase_account(&subject)?;
            }
        }
        Ok(())
    })
    .await
}

/// Forget the accounts that keep nothing here (no session left, no workshop): run by the
/// hourly retention task. Returns how many went.
pub async fn forget_idle(state: &Arc<AppState>) -> Result<usize, AppError> {
    let now = i64::try_from(crate::clock::now_secs()).unwrap_or(i64::MAX);
    blocking(state, move |s| s.forget_idle_accounts(now)).await
}

/// `Location` and `Set-Cookie` headers of a redirect.
pub fn redirect(
    to: &str,
    cookies: impl IntoIterator<Item = HeaderValue>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(to) {
        headers.insert(header::LOCATION, location);
    }
    for c in cookies {
        headers.append(header::SET_COOKIE, c);
    }
    (axum::http::StatusCode::SEE_OTHER, headers).into_response()
}
