//! HTTP routes: the admin API, the session lookup, the sync upgrade and the static client.

use crate::auth;
use crate::clock::today;
use crate::error::AppError;
use crate::links::LinkTarget;
use crate::live::{self, ConnectionSlot};
use crate::storage::Capability;
use crate::workshops::{self, WorkshopLinks};
use crate::{AppState, blocking};
use axum::extract::Query;
use axum::extract::{ConnectInfo, Path, State, WebSocketUpgrade};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use samtal_shared::doc::{self, WorkshopSpec};
use samtal_shared::export::{self, Lang};
use samtal_shared::roles::Access;
use samtal_shared::roles::DocKind;
use samtal_shared::session::LiveStatus;
use samtal_shared::session::SessionInfo;
use samtal_shared::view::{self, PlenaryView};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::TraceLayer;

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
    let dir = state.settings.static_dir.clone();
    let csp = content_security_policy(
        std::fs::read_to_string(dir.join("index.html"))
            .ok()
            .as_deref(),
    );
    let csp = HeaderValue::from_str(&csp)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    // `cargo xtask build-client` writes brotli and gzip copies next to the built files; a
    // browser gets the smallest one it accepts (the wasm: about a third of its size).
    let index = ServeFile::new(dir.join("index.html"))
        .precompressed_br()
        .precompressed_gzip();
    let statics = SetResponseHeader::appending(
        ServeDir::new(&dir)
            .precompressed_br()
            .precompressed_gzip()
            .fallback(index),
        header::VARY,
        HeaderValue::from_static("accept-encoding"),
    );
    Router::new()
        .route("/api/workshops", post(create_workshop))
        .route("/api/session/{token}", get(session))
        .route("/api/sync/{token}", get(sync))
        .route("/api/links/{token}", get(links))
        .route("/api/links/{token}/rotate", post(rotate))
        .route("/api/status/{token}", get(status))
        .route("/api/plenary/{token}", get(plenary))
        .route("/api/export/{token}/{file}", get(export))
        .route("/api/workshop/{token}", delete(erase))
        .route("/healthz", get(|| async { "ok" }))
        .fallback_service(statics)
        .layer(axum::middleware::from_fn(no_store))
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
        return Err(AppError::Expired(until.clone()));
    }
    Ok(cap)
}

async fn create_workshop(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Json<WorkshopSpec>, axum::extract::rejection::JsonRejection>,
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
    let Json(spec) = body.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let links = workshops::create(&state, spec).await?;
    Ok((StatusCode::CREATED, Json(links)))
}

async fn session(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<SessionInfo>, AppError> {
    let cap = resolve(&state, &token).await?;
    Ok(Json(session_info(&state, cap).await?))
}

/// The documents a capability may read.
pub async fn session_info(state: &Arc<AppState>, cap: Capability) -> Result<SessionInfo, AppError> {
    let workshop_id = cap.workshop_id.clone();
    let docs = blocking(state, move |s| s.workshop_docs(&workshop_id)).await?;
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

/// Origin check: browsers always send `Origin` on WebSocket upgrades; it must be the public
/// URL's origin, or — only on a server bound to loopback — a loopback origin. The `Host`
/// header is never trusted for this (DNS rebinding makes it whatever the attacker's page
/// needs). Native clients send no `Origin`.
fn origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    if origin == crate::origin_of(&state.base_url) {
        return true;
    }
    state.bound_to_loopback && crate::is_loopback_url(origin)
}

async fn sync(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
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

/// Refuse a capability whose role is not one of `allowed`.
fn require(cap: &Capability, allowed: &[&str]) -> Result<(), AppError> {
    if allowed.contains(&cap.role.name()) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

async fn links(
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
struct RotateRequest {
    /// `facilitator`, `catch_up` or `group:ID`.
    target: String,
}

async fn rotate(
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

async fn status(
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

/// Merge the workshop's documents into the plenary view (the same function the client uses).
async fn plenary_view(state: &Arc<AppState>, workshop_id: &str) -> Result<PlenaryView, AppError> {
    // One lookup of the workshop's documents serves the workshop, groups and plenary.
    let id = workshop_id.to_owned();
    let docs = blocking(state, move |s| s.workshop_docs(&id)).await?;
    let workshop_doc = docs
        .iter()
        .find(|d| d.kind == DocKind::Workshop)
        .map(|d| d.doc_id)
        .ok_or(AppError::InvalidLink)?;
    let w = workshops::read_workshop_doc(state, workshop_doc).await?;
    let mut groups = Vec::new();
    let mut notes = doc::PlenaryNotes::default();
    for d in docs {
        match d.kind {
            DocKind::Group { .. } => {
                if let Ok(Ok(g)) = state
                    .hub
                    .read(d.doc_id, |doc| {
                        doc::read_group(doc).map_err(|e| e.to_string())
                    })
                    .await
                {
                    groups.push(g);
                }
            }
            DocKind::Plenary if d.doc_id == w.plenary_doc_id => {
                if let Ok(Ok(p)) = state
                    .hub
                    .read(d.doc_id, |doc| {
                        doc::read_plenary(doc).map_err(|e| e.to_string())
                    })
                    .await
                {
                    notes = p;
                }
            }
            _ => {}
        }
    }
    Ok(view::plenary_view(&w, &groups, &notes))
}

async fn plenary(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<Json<PlenaryView>, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator", "catch_up"])?;
    Ok(Json(plenary_view(&state, &cap.workshop_id).await?))
}

#[derive(Deserialize)]
struct ExportQuery {
    lang: Option<String>,
}

async fn export(
    State(state): State<Arc<AppState>>,
    Path((token, file)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator", "catch_up"])?;
    let lang = Lang::parse(q.lang.as_deref());
    let view = plenary_view(&state, &cap.workshop_id).await?;
    // The date is the workshop's (validated where it enters; older documents may hold
    // anything): only digits and dashes reach the header.
    let date: String = view
        .date
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .take(10)
        .collect();
    let name = format!("samtal-{date}");
    let response = match file.as_str() {
        "plenary.md" => (
            [
                (header::CONTENT_TYPE, "text/markdown; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    // RFC 6266: a plain ASCII name and the same as `filename*`.
                    format!("attachment; filename=\"{name}.md\"; filename*=UTF-8''{name}.md"),
                ),
            ],
            export::markdown(&view, lang),
        )
            .into_response(),
        "plenary.html" => (
            [
                (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                // The page has no scripts; forbid them outright so escaped text stays text.
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'".to_owned(),
                ),
            ],
            export::html(&view, lang),
        )
            .into_response(),
        _ => return Err(AppError::NotFound),
    };
    Ok(response)
}

async fn erase(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
) -> Result<StatusCode, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator"])?;
    workshops::erase(&state, &cap.workshop_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests;
