//! The plenary record as files a public office can file: Word (`docx.rs`, through docx-rs)
//! and PDF (`pdf.rs`, typeset by Typst as a library). Both render `shared::record`'s blocks,
//! so they say the same; neither ever reads user text as markup (Word gets it as text runs,
//! Typst as strings from a JSON file the template reads).

mod docx;
mod pdf;

pub use docx::docx;
pub use pdf::pdf;

/// Why a record could not be made (a bug or a resource problem, never the user's text).
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("the Word file could not be packed: {0}")]
    Docx(#[from] zip::result::ZipError),
    #[error("the record could not be serialised: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the PDF could not be typeset: {0}")]
    Pdf(String),
}

#[cfg(test)]
mod tests;
