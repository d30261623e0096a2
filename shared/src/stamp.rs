//! How a device signs what it commits: its label (if it chose one) as the change message, and
//! the time. Below both the documents and the history, which read it back.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ChangeHash};

/// The longest device label kept (longer ones are cut).
pub const MAX_LABEL_CHARS: usize = 40;

/// How a device signs what it commits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    /// The device's label, if one was chosen.
    pub device: Option<String>,
    /// Seconds since the Unix epoch (Automerge's convention for change times).
    pub time: i64,
}

/// A label as typed → the label kept: no control characters, trimmed, at most
/// [`MAX_LABEL_CHARS`]; `None` when nothing is left.
pub fn clean_label(s: &str) -> Option<String> {
    let kept: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_LABEL_CHARS)
        .collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// Commit what is pending in `doc` as one change signed with `stamp`. `None` if nothing was
/// pending.
pub fn commit(doc: &mut AutoCommit, stamp: &Stamp) -> Option<ChangeHash> {
    if doc.pending_ops() == 0 {
        return None;
    }
    let mut options = CommitOptions::default().with_time(stamp.time);
    if let Some(device) = &stamp.device {
        options = options.with_message(device.clone());
    }
    doc.commit_with(options)
}
