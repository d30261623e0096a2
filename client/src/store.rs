//! The local copy: one localStorage key per document (full save, base64) and one per link
//! (the cached session). A full storage is reported, never fatal: edits stay in memory.
//! Several tabs on one computer share these keys: a save first merges what another tab wrote
//! (Automerge merges, nothing is overwritten), and tabs merge each other's saves as they come.

use automerge::{AutoCommit, ChangeHash, LoadOptions, TextEncoding};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use gloo_storage::{LocalStorage, Storage, errors::StorageError};
use samtal_shared::DocumentId;
use samtal_shared::session::SessionInfo;
use samtal_shared::stamp;
use std::cell::RefCell;
use std::collections::HashMap;

/// Browser text positions are UTF-16 code units; documents use the same units.
pub const ENCODING: TextEncoding = TextEncoding::Utf16CodeUnit;

const PREFIX: &str = "samtal:";
const DOC_PREFIX: &str = "samtal:doc:";

thread_local! {
    /// What this tab last wrote or read per document key (a hash), to skip needless merges.
    static SEEN: RefCell<HashMap<DocumentId, u64>> = RefCell::new(HashMap::new());
}

fn hash(s: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    s.hash(&mut h);
    h.finish()
}

fn doc_key(id: &DocumentId) -> String {
    format!("{DOC_PREFIX}{id}")
}

/// The document a localStorage key belongs to, if it is one of ours.
pub fn doc_of_key(key: &str) -> Option<DocumentId> {
    key.strip_prefix(DOC_PREFIX)?.parse().ok()
}

fn session_key(token: &str) -> String {
    format!("{PREFIX}session:{token}")
}

/// Saved bytes → document. `None` for anything unreadable (truncated, foreign, wrong format).
pub fn decode(b64: &str) -> Option<AutoCommit> {
    let bytes = STANDARD.decode(b64.trim()).ok()?;
    AutoCommit::load_with_options(&bytes, LoadOptions::new().text_encoding(ENCODING)).ok()
}

/// The saved document, or a fresh empty one. The flag is true when something was stored
/// under the key but could not be read (it is ignored; the server has the notes).
pub fn load_doc(id: &DocumentId) -> (AutoCommit, bool) {
    let Ok(b64) = LocalStorage::get::<String>(doc_key(id)) else {
        // Missing, or not even a JSON string: only the latter is "corrupt".
        let raw = web_sys::window()
            .and_then(|w| w.local_storage().ok().flatten())
            .and_then(|s| s.get_item(&doc_key(id)).ok().flatten());
        return (AutoCommit::new_with_encoding(ENCODING), raw.is_some());
    };
    match decode(&b64) {
        Some(doc) => {
            SEEN.with(|s| s.borrow_mut().insert(*id, hash(&b64)));
            (doc, false)
        }
        None => (AutoCommit::new_with_encoding(ENCODING), true),
    }
}

/// Merge another tab's save of this document into `doc` (if it has changes we lack).
/// Returns whether `doc` changed.
pub fn merge_stored(id: &DocumentId, doc: &mut AutoCommit, b64: &str) -> bool {
    let h = hash(b64);
    if SEEN.with(|s| s.borrow().get(id) == Some(&h)) {
        return false;
    }
    SEEN.with(|s| s.borrow_mut().insert(*id, h));
    let Ok(bytes) = STANDARD.decode(b64.trim()) else {
        return false;
    };
    let before = doc.get_heads();
    // A save is a complete document; loading it incrementally applies only what we lack.
    if doc.load_incremental(&bytes).is_err() {
        return false;
    }
    doc.get_heads() != before
}

/// Save a document, first merging whatever another tab saved under the same key.
/// Returns (saved, merged): `saved` is false when the browser refused (quota) — the caller
/// keeps the document in memory; `merged` is true when another tab's changes came in.
pub fn save_doc(id: &DocumentId, doc: &mut AutoCommit) -> (bool, bool) {
    let merged = LocalStorage::get::<String>(doc_key(id))
        .ok()
        .is_some_and(|stored| merge_stored(id, doc, &stored));
    let b64 = STANDARD.encode(doc.save());
    let h = hash(&b64);
    match LocalStorage::set(doc_key(id), b64) {
        Ok(()) => {
            SEEN.with(|s| s.borrow_mut().insert(*id, h));
            (true, merged)
        }
        Err(
            StorageError::JsError(_) | StorageError::SerdeError(_) | StorageError::KeyNotFound(_),
        ) => (false, merged),
    }
}

const DEVICE_KEY: &str = "samtal:device";
const DEVICE_ASKED_KEY: &str = "samtal:device-asked";

/// This device's label ("Konferensrum 3"), if one was chosen here. It signs this device's
/// changes; it is stored nowhere else but in those changes.
pub fn device_label() -> Option<String> {
    LocalStorage::get::<String>(DEVICE_KEY)
        .ok()
        .and_then(|l| stamp::clean_label(&l))
}

/// Choose (or, with `None`, forget) this device's label. Either way it has been asked.
pub fn set_device_label(label: Option<&str>) {
    match label.and_then(stamp::clean_label) {
        Some(l) => {
            let _ = LocalStorage::set(DEVICE_KEY, l);
        }
        None => LocalStorage::delete(DEVICE_KEY),
    }
    let _ = LocalStorage::set(DEVICE_ASKED_KEY, true);
}

/// Whether this device was already asked for a label (answered or skipped).
pub fn device_asked() -> bool {
    LocalStorage::get::<bool>(DEVICE_ASKED_KEY).unwrap_or(false)
}

/// A random hex id (new items, peer ids, the voter id). Not a secret.
pub fn random_id() -> String {
    let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    format!("{a:08x}{b:08x}")
}

const VOTER_KEY: &str = "samtal:voter";

/// This browser's voter id in dot-votes: random, shared by its tabs (so two tabs place one
/// device's dots), never its label. `None` if it cannot be kept (then nobody can vote here).
pub fn voter_id() -> Option<String> {
    if let Ok(id) = LocalStorage::get::<String>(VOTER_KEY) {
        return Some(id);
    }
    let id = random_id();
    LocalStorage::set(VOTER_KEY, &id).ok()?;
    Some(id)
}

/// The questions this browser sent to a workshop's question box (their ids, kept here only:
/// the questions themselves carry no name).
fn asked_key(workshop_id: &str) -> String {
    format!("samtal:asked:{workshop_id}")
}

pub fn asked(workshop_id: &str) -> Vec<String> {
    LocalStorage::get::<Vec<String>>(asked_key(workshop_id)).unwrap_or_default()
}

pub fn remember_asked(workshop_id: &str, id: &str) {
    let mut ids = asked(workshop_id);
    ids.push(id.to_owned());
    let _ = LocalStorage::set(asked_key(workshop_id), &ids);
}

const TEXT_SIZE_KEY: &str = "samtal:text-size";
/// The text sizes A−/A+ step through, in percent of the page's own (100).
pub const TEXT_SIZES: [u32; 7] = [80, 90, 100, 115, 130, 150, 175];

/// This computer's text size, in percent (a room's PC keeps its own).
pub fn text_size() -> u32 {
    LocalStorage::get::<u32>(TEXT_SIZE_KEY)
        .ok()
        .filter(|p| TEXT_SIZES.contains(p))
        .unwrap_or(100)
}

/// Remember the text size and apply it to the page now.
pub fn set_text_size(percent: u32) {
    let _ = LocalStorage::set(TEXT_SIZE_KEY, percent);
    apply_text_size();
}

/// Scale the page's type by this computer's text size (the style sheet reads `--zoom`).
pub fn apply_text_size() {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let zoom = f64::from(text_size()) / 100.0;
        let _ = root.style().set_property("--zoom", &zoom.to_string());
    }
}

fn seen_key(id: &DocumentId) -> String {
    format!("{PREFIX}seen:{id}")
}

/// The heads of `id` that this browser last showed ("your last visit"); `None` on a first visit.
pub fn seen_heads(id: &DocumentId) -> Option<Vec<ChangeHash>> {
    let hex: Vec<String> = LocalStorage::get(seen_key(id)).ok()?;
    Some(hex.iter().filter_map(|h| h.parse().ok()).collect())
}

pub fn set_seen_heads(id: &DocumentId, heads: &[ChangeHash]) {
    let hex: Vec<String> = heads.iter().map(ToString::to_string).collect();
    let _ = LocalStorage::set(seen_key(id), hex);
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
        LocalStorage::delete(seen_key(id));
    }
    LocalStorage::delete(session_key(token));
}

/// Remove everything Samtal keeps on this computer (the language choice stays).
pub fn clear_all() {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return;
    };
    let len = storage.length().unwrap_or(0);
    let keys: Vec<String> = (0..len)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(PREFIX) && k != crate::i18n::LANG_KEY)
        .collect();
    for k in keys {
        let _ = storage.remove_item(&k);
    }
    SEEN.with(|s| s.borrow_mut().clear());
}

const MINE_KEY: &str = "samtal:mine";
/// The most workshops the start page lists.
const MAX_MINE: usize = 50;

/// A workshop this browser opened as facilitator, for the start page.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MyWorkshop {
    pub token: String,
    pub title: String,
    pub date: String,
    pub phase: samtal_shared::doc::Phase,
}

/// The workshops this browser opened as facilitator, the latest first.
pub fn my_workshops() -> Vec<MyWorkshop> {
    LocalStorage::get(MINE_KEY).unwrap_or_default()
}

/// Remember (or update) a workshop opened as facilitator; it moves to the top.
pub fn remember_workshop(w: MyWorkshop) {
    let mut all = my_workshops();
    if all.first() == Some(&w) {
        return;
    }
    all.retain(|m| m.token != w.token);
    all.insert(0, w);
    all.truncate(MAX_MINE);
    let _ = LocalStorage::set(MINE_KEY, all);
}

/// Take a workshop off the start page's list (the workshop itself stays on the server).
pub fn forget_workshop(token: &str) {
    let mut all = my_workshops();
    all.retain(|m| m.token != token);
    let _ = LocalStorage::set(MINE_KEY, all);
}

fn new_key(token: &str) -> String {
    format!("{PREFIX}new:{token}")
}

/// This browser just created the workshop of `token`: its page shows the link first.
pub fn mark_new(token: &str) {
    let _ = LocalStorage::set(new_key(token), true);
}

/// Whether the workshop of `token` was just created here and its link not yet saved.
pub fn is_new(token: &str) -> bool {
    LocalStorage::get::<bool>(new_key(token)).unwrap_or(false)
}

/// The facilitator saved her link.
pub fn link_saved(token: &str) {
    LocalStorage::delete(new_key(token));
}
