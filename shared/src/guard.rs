//! automerge 0.12 can panic on crafted bytes instead of returning an error (found by fuzzing:
//! a truncated column inside a document chunk). Natively, every call that parses bytes from
//! outside — a peer's sync message, a stored document — goes through [`catch`], so such a
//! panic becomes an error for that one message or document. In the browser (built with
//! `panic = "abort"`) it is a plain call; the page's crash screen covers it there.

use automerge::AutoCommit;

/// Run `f`; `None` if it panicked. Whatever `f` was changing may be half-changed then.
#[cfg(not(target_arch = "wasm32"))]
pub fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Run `f` (panics abort in the browser).
#[cfg(target_arch = "wasm32")]
pub fn catch<T>(f: impl FnOnce() -> T) -> Option<T> {
    Some(f())
}

/// Why bytes could not be loaded as a document.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum LoadError {
    #[error("the document bytes are not valid: {0}")]
    Invalid(String),
    #[error("the document bytes could not be processed")]
    Crashed,
}

/// Load a whole document from bytes (storage, a saved copy).
pub fn load(bytes: &[u8]) -> Result<AutoCommit, LoadError> {
    catch(|| AutoCommit::load(bytes))
        .ok_or(LoadError::Crashed)?
        .map_err(|e| LoadError::Invalid(e.to_string()))
}

/// Merge saved bytes into `doc`. On [`LoadError::Crashed`] `doc` may be half-changed: drop it.
pub fn load_incremental(doc: &mut AutoCommit, bytes: &[u8]) -> Result<usize, LoadError> {
    catch(|| doc.load_incremental(bytes))
        .ok_or(LoadError::Crashed)?
        .map_err(|e| LoadError::Invalid(e.to_string()))
}
