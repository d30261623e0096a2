//! HTTP routes: the router and its middleware (security headers, no-store, token-redacting
//! logs), and the handlers grouped by resource: [`workshop`], [`sync`], [`links`], [`plenary`].

mod account;
mod admin;
pub mod app_files;
mod extract;
mod links;
pub mod openapi;
mod plenary;
mod sync;
mod workshop;

use crate::auth;
use crate::clock::today;
use crate::error::AppError;
use crate::storage::Capability;
use crate::{AppState, blocking};
use axum::Router;
use axum::http::{HeaderValue, Request, header};
use axum::response::Response;
use axum::routing::{delete, get, post};
use links::{links, qr_sheet, rotate, status};
use plenary::{export, plenary};
use samtal_shared::roles::Access;
use samtal_shared::roles::DocKind;
use samtal_shared::session::{Closed, SessionInfo};
use std::sync::Arc;
use sync::sync;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::TraceLayer;
use workshop::{create_workshop, erase, session};

/// The app's files from a folder (`SAMTAL_STATIC`): `cargo xtask build-client` writes brotli
/// and gzip copies next to the built files; a browser gets the smallest one it accepts (the
/// wasm: about a third of its size).
fn folder(
    dir: &std::path::Path,
) -> SetResponseHeader<ServeDir<tower_http::services::ServeFile>, HeaderValue> {
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    SetResponseHeader::appending(
        ServeDir::new(dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(index),
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    )
}

/// One app shell from a folder, compressed as the browser accepts.
fn shell(page: std::path::PathBuf) -> SetResponseHeader<ServeFile, HeaderValue> {
    SetResponseHeader::appending(
        ServeFile::new(page).precompressed_br().precompressed_gzip(),
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    )
}

/// The app shell's Content-Security-Policy. Trunk's loader is an inline module script, so it is
/// allowed by its hash (computed from the built `index.html`), never by `'unsafe-inline'`.
pub fn content_security_policy(index_html: Option<&str>) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut hashes = String::new();
    let mut rest = index_html.unwrap_or_default();
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let (Some(open_end), Some(close)) = (after.find('>'), after.find("</script>")) else {
            break;
        };
        let body = &after[open_end + 1..close];
        if !body.trim().is_empty() && !after[..open_end].contains(" src=") {
            let digest = Sha256::digest(body.as_bytes());
            hashes.push_str(&format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            ));
        }
        rest = &after[close + "</script>".len()..];
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{hashes}; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

pub fn router(state: Arc<AppState>) -> Router {
    let files = app_files::AppFiles::choose(state.settings.static_dir.as_deref());
    let csp = content_security_policy(files.shells_html().as_deref());
    let csp = HeaderValue::from_str(&csp)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let app = Router::new()
        .route("/api/workshops", post(create_workshop))
        .route("/auth/login", get(account::login))
        .route("/auth/callback", get(account::callback))
        .route("/auth/logout", post(account::logout))
        .route("/api/me", get(account::me))
        .route("/api/me/workshops", get(account::my_workshops))
        .route("/api/me/workshops/{id}/open", post(account::open))
        .route("/api/me/workshops/{id}/owners", post(account::add_owner))
        .route("/api/admin/workshops", get(admin::workshops))
        .route("/api/admin/workshops/{id}", delete(admin::erase))
        .route("/api/session/{token}", get(session))
        .route("/api/sync/{token}", get(sync))
        .route("/api/links/{token}", get(links))
        .route("/api/links/{token}/rotate", post(rotate))
        .route("/api/links/{token}/qr-sheet.html", get(qr_sheet))
        .route("/api/status/{token}", get(status))
        .route("/api/plenary/{token}", get(plenary))
        .route("/api/export/{token}/{file}", get(export))
        .route("/api/workshop/{token}", delete(erase))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .route("/healthz", get(healthz))
        .route("/readyz", get(ready));
    let app = match files {
        app_files::AppFiles::Folder(dir) => {
            // A group link gets the group page alone where it was built.
            let group = dir.join(app_files::GROUP_SHELL);
            let app = if group.is_file() {
                app.route_service("/g/{token}", shell(group))
            } else {
                app
            };
            app.fallback_service(folder(&dir))
        }
        app_files::AppFiles::Embedded => app
            .route("/g/{token}", get(app_files::embedded_group))
            .fallback(app_files::embedded),
        app_files::AppFiles::Missing => {
            tracing::warn!("{}", app_files::MISSING);
            app.fallback(app_files::missing)
        }
    };
    app.layer(axum::middleware::from_fn(no_store))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                // Paths carry capability tokens: log only the route's first segments.
                tracing::info_span!("http", method = %req.method(), path = %redact(req.uri().path()))
            }),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // Responses with their own policy (the HTML export) keep it.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .with_state(state)
}

/// The process is up and answering.
#[utoipa::path(
    get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "`ok`", content_type = "text/plain", body = String)),
)]
async fn healthz() -> &'static str {
    "ok"
}

/// Ready to serve: the storage answers and takes writes (a rolled-back write; on Postgres the
/// connection is up). 503 with the reason otherwise, for a load balancer or an orchestrator.
#[utoipa::path(
    get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "`ready`", content_type = "text/plain", body = String),
        (status = 503, description = "`not ready: storage`", content_type = "text/plain", body = String),
    ),
)]
async fn ready(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
) -> (axum::http::StatusCode, String) {
    match blocking(&state, |s| s.check()).await {
        Ok(()) => (axum::http::StatusCode::OK, "ready".into()),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "not ready: storage".into(),
            )
        }
    }
}

/// `Cache-Control: no-store` on everything a link opens: the API's answers and the pages whose
/// address holds a token (no shared or disk cache keeps a workshop's notes or links).
async fn no_store(req: Request<axum::body::Body>, next: axum::middleware::Next) -> Response {
    let path = req.uri().path();
    let secret = ["/api/", "/f/", "/g/", "/c/"]
        .iter()
        .any(|p| path.starts_with(p));
    let mut resp = next.run(req).await;
    if secret {
        resp.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    resp
}

/// `/g/SECRET` → `/g/…`: tokens never reach the logs. By shape, not by route: every segment that
/// could be a token (or a mistyped one) goes, whatever route it is on.
pub fn redact(path: &str) -> String {
    path.split('/')
        .map(|seg| if is_route_word(seg) { seg } else { "…" })
        .collect::<Vec<_>>()
        .join("/")
}

/// A path segment that cannot be a token: empty, a route's own word (lowercase letters and
/// `-`), or a file name (tokens are base64url, which has no `.`).
fn is_route_word(seg: &str) -> bool {
    seg.contains('.') || seg.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
}

/// Look a token up; refuse unknown, malformed and expired links.
pub async fn resolve(state: &Arc<AppState>, token: &str) -> Result<Capability, AppError> {
    if !auth::looks_like_token(token) {
        return Err(AppError::InvalidLink);
    }
    let hash = auth::hash_token(token);
    let cap = blocking(state, move |s| s.capability(&hash))
        .await?
        .ok_or(AppError::InvalidLink)?;
    if let Some(until) = &cap.expires_at
        && today().as_str() > until.as_str()
    {
        // The page says which workshop closed (the link holder had it open before).
        let id = cap.workshop_id.clone();
        let title = blocking(state, move |s| s.workshop(&id))
            .await?
            .map(|w| w.title)
            .unwrap_or_default();
        return Err(AppError::Expired(Closed {
            title,
            until: until.clone(),
        }));
    }
    Ok(cap)
}

/// The path parameter of every operation on a link (for the API's document; never built).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct LinkToken {
    /// The link's secret (the last segment of its address).
    token: String,
}

/// What an operation on a link may answer besides its own (for the API's document; never
/// built): every such operation resolves the link and checks its role first.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
enum LinkRefused {
    /// This link may not do this.
    #[response(status = 403)]
    Forbidden(samtal_shared::session::ErrorBody),
    /// No such link (or it was replaced).
    #[response(status = 404)]
    NotFound(samtal_shared::session::ErrorBody),
    /// The workshop closed; the link stopped working.
    #[response(status = 410)]
    Closed(samtal_shared::session::ErrorBody),
}

/// Refuse a capability whose role is not one of `allowed`.
fn require(cap: &Capability, allowed: &[&str]) -> Result<(), AppError> {
    if allowed.contains(&cap.role.name()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The documents a capability may read.
pub async fn session_info(state: &Arc<AppState>, cap: Capability) -> Result<SessionInfo, AppError> {
    let workshop_id = cap.workshop_id.clone();
    let mut docs = blocking(state, move |s| s.workshop_docs(&workshop_id)).await?;
    crate::workshops::ensure_question_box(state, &cap.workshop_id, &mut docs).await?;
    let workshop_doc = docs
        .iter()
        .find(|d| d.kind == DocKind::Workshop)
        .map(|d| d.doc_id)
        .ok_or_else(|| AppError::Internal("workshop without workshop document".into()))?;
    Ok(SessionInfo {
        workshop_id: cap.workshop_id,
        workshop_doc,
        docs: docs
            .into_iter()
            .filter(|d| cap.role.access(&d.kind) >= Access::Read)
            .map(|d| (d.doc_id, d.kind))
            .collect(),
        expires_at: cap.expires_at,
        role: cap.role,
    })
}

/// The `{id}` path parameter of an owner's and an operator's workshop operations (for the
/// API's document; never built).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)]
struct WorkshopId {
    /// The workshop's id (from "Mina workshops" or the operators' list).
    id: String,
}

#[cfg(test)]
mod tests;
