//! The plenary view as JSON and its exports (facilitator, catch-up).

use super::extract::{Path, Query};
use super::*;
use crate::error::AppError;
use crate::records;
use crate::storage::DocRecord;
use crate::workshops::{self};
use crate::{AppState, blocking};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use samtal_shared::doc::{self};
use samtal_shared::export::{self, Lang};
use samtal_shared::package;
use samtal_shared::record;
use samtal_shared::roles::DocKind;
use samtal_shared::session::ErrorBody;
use samtal_shared::view::{self, PlenaryView};
use serde::Deserialize;
use std::sync::Arc;

/// The workshop's documents (from the server's records) and its workshop document, read.
async fn workshop_and_docs(
    state: &Arc<AppState>,
    workshop_id: &str,
) -> Result<(Vec<DocRecord>, doc::Workshop), AppError> {
    let id = workshop_id.to_owned();
    let docs = blocking(state, move |s| s.workshop_docs(&id)).await?;
    let workshop_doc = docs
        .iter()
        .find(|d| d.kind == DocKind::Workshop)
        .map(|d| d.doc_id)
        .ok_or(AppError::InvalidLink)?;
    let w = workshops::read_workshop_doc(state, workshop_doc).await?;
    Ok((docs, w))
}

/// A document of the workshop read as `T`; `None` when it cannot be opened or read (the
/// plenary and its records leave it out rather than fail).
async fn read_as<T: Send + 'static>(
    state: &Arc<AppState>,
    id: samtal_shared::DocumentId,
    read: fn(&automerge::AutoCommit) -> Result<T, doc::SchemaError>,
) -> Option<T> {
    state
        .hub
        .read(id, move |d| read(d).ok())
        .await
        .ok()
        .flatten()
}

/// Merge the workshop's documents into the plenary view (the same function the client uses).
pub(super) async fn plenary_view(
    state: &Arc<AppState>,
    workshop_id: &str,
    round: Option<u32>,
) -> Result<PlenaryView, AppError> {
    Ok(plenary_and_vote(state, workshop_id, round).await?.0)
}

/// The plenary view and the vote's result (ranked; frozen once closed), for the records.
async fn plenary_and_vote(
    state: &Arc<AppState>,
    workshop_id: &str,
    round: Option<u32>,
) -> Result<(PlenaryView, Option<record::VoteResult>), AppError> {
    // One lookup of the workshop's documents serves the workshop, groups and plenary.
    let (docs, w) = workshop_and_docs(state, workshop_id).await?;
    let mut groups = Vec::new();
    let mut notes = doc::PlenaryNotes::default();
    let mut questions = doc::QuestionBox::default();
    for d in docs {
        match d.kind {
            DocKind::Questions => {
                if let Some(b) = read_as(state, d.doc_id, doc::read_questions).await {
                    questions = b;
                }
            }
            DocKind::Group { .. } => {
                if let Some(g) = read_as(state, d.doc_id, doc::read_group).await {
                    groups.push(g);
                }
            }
            DocKind::Plenary if d.doc_id == w.plenary_doc_id => {
                if let Some(p) = read_as(state, d.doc_id, doc::read_plenary).await {
                    notes = p;
                }
            }
            _ => {}
        }
    }
    let vote = w.vote.as_ref().map(|v| record::VoteResult {
        title: v.title.clone(),
        open: v.open,
        ranked: v
            .tally(&groups)
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(i, n)| (i.group.clone(), i.text.clone(), n))
            .collect(),
    });
    let v = view::plenary_view_in(&w, &groups, &notes, round).with_agenda(&questions);
    Ok((v, vote))
}

/// Records are typeset one or two at a time: a link holder asking for many waits its turn
/// instead of taking every core.
static RENDERS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// A Word or PDF record, made off the async threads.
async fn render(
    f: fn(&record::Record) -> Result<Vec<u8>, crate::records::RecordError>,
    r: record::Record,
) -> Result<Vec<u8>, AppError> {
    let _turn = RENDERS.try_acquire().map_err(|_| AppError::Busy)?;
    tokio::task::spawn_blocking(move || f(&r))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

fn attachment(content_type: &str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\"; filename*=UTF-8''{name}"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `?round=2`: one round's groups; absent (or a round the workshop does not have): all.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RoundQuery {
    /// One round's groups; absent (or a round the workshop does not have): every round.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4_294_967_295_u64)]
    round: Option<u32>,
}

/// Every group's notes merged into the plenary view (facilitator and catch-up links).
#[utoipa::path(
    get, path = "/api/plenary/{token}", tag = "plenary",
    params(LinkToken, RoundQuery),
    responses(
        (status = 200, description = "The plenary view.", body = PlenaryView),
        (status = 400, description = "A query that does not parse.", body = ErrorBody),
        LinkRefused,
    ),
)]
pub(super) async fn plenary(
    State(state): State<Arc<AppState>>,
    Path(token): Path<String>,
    Query(q): Query<RoundQuery>,
) -> Result<Json<PlenaryView>, AppError> {
    let cap = resolve(&state, &token).await?;
    require(&cap, &["facilitator", "catch_up"])?;
    Ok(Json(plenary_view(&state, &cap.workshop_id, q.round).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ExportQuery {
    /// `sv` (the default) or `en`.
    lang: Option<String>,
    /// One round's groups; absent (or a round the workshop does not have): every round.
    #[param(value_type = Option<u64>, minimum = 0, maximum = 4_294_967_295_u64)]
    round: Option<u32>,
}

/// The plenary as a file (Markdown, HTML, Word, PDF; facilitator and catch-up links) or the
/// workshop's setup as a course package (facilitator link only).
#[utoipa::path(
    get, path = "/api/export/{token}/{file}", tag = "plenary",
    params(LinkToken,
        ("file" = ExportFile, Path, description = "Which file."),
        ExportQuery),
    responses(
        (status = 200, description = "The file, as an attachment (HTML: a page without scripts).", content(
            (Binary = "text/markdown"),
            (Binary = "text/html"),
            (Binary = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Binary = "application/pdf"),
            (samtal_shared::doc::Package = "application/json"),
        )),
        (status = 400, description = "A query that does not parse.", body = ErrorBody),
        (status = 403, description = "This link may not do this.", body = ErrorBody),
        (status = 404, description = "No such link or file.", body = ErrorBody),
        (status = 410, description = "The workshop closed.", body = ErrorBody),
        (status = 503, description = "Every turn to make records is taken; try again in a moment.", body = ErrorBody),
    ),
)]
pub(super) async fn export(
    State(state): State<Arc<AppState>>,
    Path((token, file)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let cap = resolve(&state, &token).await?;
    if file == "package.json" {
        require(&cap, &["facilitator"])?;
        return package(&state, &cap.workshop_id).await;
    }
    require(&cap, &["facilitator", "catch_up"])?;
    let lang = Lang::parse(q.lang.as_deref());
    let (view, vote) = plenary_and_vote(&state, &cap.workshop_id, q.round).await?;
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
        "plenary.docx" => attachment(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &format!("{name}.docx"),
            render(records::docx, record::record(&view, vote.as_ref(), lang)).await?,
        ),
        "plenary.pdf" => attachment(
            "application/pdf",
            &format!("{name}.pdf"),
            render(records::pdf, record::record(&view, vote.as_ref(), lang)).await?,
        ),
        _ => return Err(AppError::NotFound),
    };
    Ok(response)
}

/// The workshop's setup as a course package file (`docs/package-format.md`).
async fn package(state: &Arc<AppState>, workshop_id: &str) -> Result<Response, AppError> {
    let (_, w) = workshop_and_docs(state, workshop_id).await?;
    let name = file_stem(&w.title);
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/json; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.json\"; filename*=UTF-8''{name}.json"),
            ),
        ],
        package::to_json(&package::write_package(&w)),
    )
        .into_response())
}

/// A file name from a title: ASCII letters and digits, words joined by `-`
/// ("Barnkonventionen i praktiken" → `barnkonventionen-i-praktiken`).
pub(super) fn file_stem(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'å' | 'ä' | 'à' | 'á' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "kurspaket".to_owned()
    } else {
        out.to_owned()
    }
}

/// A file's bytes.
pub(super) struct Binary;

impl utoipa::PartialSchema for Binary {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::schema::SchemaFormat::KnownFormat(
                utoipa::openapi::schema::KnownFormat::Binary,
            )))
            .into()
    }
}

impl utoipa::ToSchema for Binary {}

/// The files `GET /api/export/{token}/{file}` makes.
pub(super) struct ExportFile;

impl utoipa::PartialSchema for ExportFile {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some([
                "plenary.md",
                "plenary.html",
                "plenary.docx",
                "plenary.pdf",
                "package.json",
            ]))
            .into()
    }
}

impl utoipa::ToSchema for ExportFile {}
