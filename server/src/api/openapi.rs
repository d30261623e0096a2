//! The HTTP API's contract: an OpenAPI document generated from the handlers' annotations and
//! the shared types' schemas. Served at `/api/openapi.json`, printed by `samtal-server
//! openapi`, committed as `docs/openapi.json` (a test fails when the two differ).

use super::{account, admin, links, plenary, sync, workshop};
use utoipa::openapi::Server;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Samtal",
        description = "Group notes for training days. A link's secret in the path is the only \
            key (capabilities: facilitator, group, catch-up); creating a workshop takes the \
            admin token, or (servers with sign-in) a signed-in facilitator's session cookie \
            with its `x-samtal-csrf` header. Every error is a JSON `ErrorBody`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2"),
    ),
    paths(
        workshop::create_workshop,
        workshop::session,
        workshop::erase,
        sync::sync,
        links::links,
        links::rotate,
        links::qr_sheet,
        links::status,
        plenary::plenary,
        plenary::export,
        super::healthz,
        super::ready,
        openapi_json,
        account::login,
        account::callback,
        account::logout,
        account::me,
        account::my_workshops,
        account::open,
        account::add_owner,
        admin::workshops,
        admin::erase,
    ),
    components(schemas(samtal_shared::session::ErrorBody, plenary::ExportFile)),
    modifiers(&AdminToken),
    tags(
        (name = "workshops", description = "Create and erase workshops."),
        (name = "links", description = "What a link opens; the facilitator's links and live overview."),
        (name = "sync", description = "The documents, synced."),
        (name = "plenary", description = "The merged plenary view and its records."),
        (name = "operations", description = "Health and this document."),
        (name = "sign-in", description = "Facilitators sign in (OpenID Connect; servers with SAMTAL_OIDC_ISSUER) and find their workshops again."),
    ),
)]
struct ApiDoc;

/// `Authorization: Bearer SAMTAL_ADMIN_TOKEN`.
struct AdminToken;

impl Modify for AdminToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("SAMTAL_ADMIN_TOKEN"))
                    .build(),
            ),
        );
        doc.servers = Some(vec![Server::new("/")]);
    }
}

/// The document, pretty-printed with a final newline (as committed).
pub fn document() -> String {
    let mut json = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    json.push('\n');
    json
}

/// This document.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document.", content_type = "application/json")),
)]
pub(super) async fn openapi_json() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        document(),
    )
}
