//! The local copy: one localStorage key per document (full save, base64) and one per link
//! (the cached session). A full storage is reported, never fatal: edits stay in memory.

use automerge::{AutoCommit, LoadOptions, TextEncoding};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use gloo_storage::{LocalStorage, Storage, errors::StorageError};
use samtal_shared::DocumentId;
use samtal_shared::session::SessionInfo;

/// Browser text positions are UTF-16 code units; documents use the same units.
pub const ENCODING: TextEncoding = TextEncoding::Utf16CodeUnit;

fn doc_key(id: &DocumentId) -> String {
    format!("samtal:doc:{id}")
}

fn session_key(token: &str) -> String {
    format!("samtal:session:{token}")
}

/// The saved document, or a fresh empty one (also when the saved bytes are unreadable).
pub fn load_doc(id: &DocumentId) -> AutoCommit {
    let loaded = LocalStorage::get::<String>(doc_key(id))
        .ok()
        .and_then(|b64| STANDARD.decode(b64).ok())
        .and_then(|bytes| {
            AutoCommit::load_with_options(&bytes, LoadOptions::new().text_encoding(ENCODING)).ok()
        });
    loaded.unwrap_or_else(|| AutoCommit::new_with_encoding(ENCODING))
}

/// Save a document. `false` when the browser refused (quota): the caller keeps it in memory.
pub fn save_doc(id: &DocumentId, doc: &mut AutoCommit) -> bool {
    let b64 = STANDARD.encode(doc.save());
    match LocalStorage::set(doc_key(id), b64) {
        Ok(()) => true,
        Err(
            StorageError::JsError(_) | StorageError::SerdeError(_) | StorageError::KeyNotFound(_),
        ) => false,
    }
}

pub fn load_session(token: &str) -> Option<SessionInfo> {
    LocalStorage::get(session_key(token)).ok()
}

pub fn save_session(token: &str, info: &SessionInfo) {
    let _ = LocalStorage::set(session_key(token), info);
}

/// Remove a workshop's documents and cached session from this computer.
pub fn forget(token: &str, docs: &[DocumentId]) {
    for id in docs {
        LocalStorage::delete(doc_key(id));
    }
    LocalStorage::delete(session_key(token));
}
