//! The built client (the app's files): from `SAMTAL_STATIC` when it is set, otherwise from the
//! binary itself — `dist/` is embedded when the server is built in release after the client
//! (`cargo xtask dist`, `cargo xtask serve`; debug builds read the repository's `dist/`) —,
//! otherwise a page that says how to build it. Never a silent empty site.
//!
//! Two app shells: `index.html`, every page, and `group/index.html`, the group page alone (a
//! quarter smaller), which a group link (`/g/…`) gets when it was built.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::path::PathBuf;

/// `dist/` as it was when the server was built (a release build holds the bytes; a debug
/// build reads the folder). `rust-embed`: embeds in release only, so test builds stay fast,
/// and `allow_missing` lets the server build before the client has been.
#[derive(rust_embed::RustEmbed)]
#[folder = "../dist/"]
#[allow_missing = true]
struct Embedded;

/// Where the app's files come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppFiles {
    /// `SAMTAL_STATIC`: a folder on disk.
    Folder(PathBuf),
    /// Built into this binary.
    Embedded,
    /// Neither: every page says how to build the app.
    Missing,
}

/// The group page's shell, under the app's files.
pub const GROUP_SHELL: &str = "group/index.html";

/// What was built in cannot be told from the folder when it is a debug build reading the
/// repository: the same test.
fn embedded_index() -> Option<rust_embed::EmbeddedFile> {
    Embedded::get("index.html")
}

impl AppFiles {
    /// The folder if one is set, else what is built in, else nothing.
    pub fn choose(folder: Option<&std::path::Path>) -> Self {
        match folder {
            Some(dir) => Self::Folder(dir.to_path_buf()),
            None if embedded_index().is_some() => Self::Embedded,
            None => Self::Missing,
        }
    }

    /// The app shells (`index.html`, then the group page's if built), for the
    /// Content-Security-Policy's script hashes: each has its own inline loader.
    pub fn shells_html(&self) -> Option<String> {
        let read = |name: &str| match self {
            Self::Folder(dir) => std::fs::read_to_string(dir.join(name)).ok(),
            Self::Embedded => {
                Embedded::get(name).and_then(|f| String::from_utf8(f.data.into_owned()).ok())
            }
            Self::Missing => None,
        };
        let index = read("index.html")?;
        Some(match read(GROUP_SHELL) {
            Some(group) => index + &group,
            None => index,
        })
    }

    /// For `samtal-server check` and the start-up log.
    pub fn describe(&self) -> String {
        match self {
            Self::Folder(dir) if dir.join("index.html").is_file() => {
                format!("the app from {}", dir.display())
            }
            Self::Folder(dir) => format!(
                "no app: {} has no index.html (build it with `cargo xtask build-client`, or point SAMTAL_STATIC at a built dist/)",
                dir.display()
            ),
            Self::Embedded => "the app built into this binary".to_owned(),
            Self::Missing => MISSING.to_owned(),
        }
    }

    pub fn present(&self) -> bool {
        match self {
            Self::Folder(dir) => dir.join("index.html").is_file(),
            Self::Embedded => true,
            Self::Missing => false,
        }
    }
}

/// What a server built without the app says, on every page and in the log.
pub const MISSING: &str = "this server was built without the app: build the client with `cargo xtask build-client`, then the server again (`cargo build --release -p samtal-server`), or `cargo xtask dist` for both; or set SAMTAL_STATIC to a built dist/ folder";

/// Whether the browser takes `coding` (`br`, `gzip`) by its Accept-Encoding.
fn accepts(headers: &HeaderMap, coding: &str) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let refused = parts.any(|p| p.replace(' ', "") == "q=0" || p == "q=0.0");
            name.eq_ignore_ascii_case(coding) && !refused
        })
}

/// One file of the embedded app: the smallest copy the browser accepts (`.br`, `.gz`, as
/// `cargo xtask build-client` writes them), with its type, an ETag and `Vary`; paths that are
/// no file get the app shell (the client routes `/f/…`, `/c/…`, `/`).
pub async fn embedded(uri: Uri, headers: HeaderMap) -> Response {
    let asked = uri.path().trim_start_matches('/');
    let path = if !asked.is_empty() && !asked.contains("..") && Embedded::get(asked).is_some() {
        asked
    } else {
        "index.html"
    };
    send_embedded(path, &headers)
}

/// A group link's page (`/g/…`): the group page's shell, or the whole app's where it was not
/// built.
pub async fn embedded_group(headers: HeaderMap) -> Response {
    let path = if Embedded::get(GROUP_SHELL).is_some() {
        GROUP_SHELL
    } else {
        "index.html"
    };
    send_embedded(path, &headers)
}

fn send_embedded(path: &str, headers: &HeaderMap) -> Response {
    let Some(file) = Embedded::get(path) else {
        return missing_page();
    };
    let mime = file.metadata.mimetype().to_owned();
    let (chosen, encoding) = ["br", "gzip"]
        .into_iter()
        .find_map(|coding| {
            let ext = if coding == "br" { "br" } else { "gz" };
            accepts(headers, coding)
                .then(|| Embedded::get(&format!("{path}.{ext}")))
                .flatten()
                .map(|f| (f, Some(coding)))
        })
        .unwrap_or((file, None));
    let etag = format!(
        "\"{}\"",
        chosen
            .metadata
            .sha256_hash()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(chosen.data.into_owned()))
    };
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&mime) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(coding) = encoding {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Every page of a server built without the app.
pub async fn missing() -> Response {
    missing_page()
}

fn missing_page() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("Samtal: {MISSING}.\n"),
    )
        .into_response()
}
