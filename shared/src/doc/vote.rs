//! Dot-voting in the plenary: the facilitator opens a vote on some of the day's texts (each
//! group's answer to a question); every device places up to `dots` dots on them and may move
//! them until she closes the vote; the tally ranks the texts.
//!
//! - **The vote** is one JSON string at the top of the workshop document (`vote`, empty for
//!   none): its items are copies of the texts, so a group page — which cannot read the other
//!   groups' notes — shows what it votes on. One value, checked whole by the write rules.
//! - **A ballot** is one string in the voting group's own document, at the top-level key
//!   `ballot:<vote id>:<voter>`: the item ids the device put its dots on, space-separated (an
//!   id twice is two dots). `voter` is a random id of the browser, never its label, and the
//!   change is committed without a label (see the client), so votes are anonymous.
//! - **The tally** is a pure function of the merged documents: a ballot counts its first
//!   `dots` entries only, on items of the vote. Two offline tabs of one browser write the same
//!   key, and Automerge keeps one of the two values on every replica: a device's dots never
//!   add up past `dots`. The server refuses a ballot over [`MAX_DOTS`] outright.

#[cfg(test)]
mod tests;

use super::group::GroupNotes;
use crate::ids::is_item_id;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most dots a vote may give each device (and the most entries a ballot may hold).
pub const MAX_DOTS: usize = 10;
/// The most items one vote may have.
pub const MAX_VOTE_ITEMS: usize = 60;
/// The most bytes the stored vote may take.
pub const MAX_VOTE_BYTES: usize = 64 * 1024;
/// The dots a new vote gives each device.
pub const DEFAULT_DOTS: usize = 3;
/// The most devices one group document votes with in one vote (a room's PC and the phones
/// with its link). The server refuses a ballot beyond it and the tally reads no more, so a
/// link holder inventing voters moves a result by at most this many ballots.
pub const MAX_BALLOTS: usize = 40;
/// Where a group document's ballots start.
pub const BALLOT_PREFIX: &str = "ballot:";

/// One thing to vote on: a copy of a group's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteItem {
    pub id: String,
    /// The group that wrote it (its name), for the screen.
    pub group: String,
    pub text: String,
}

/// A vote the facilitator opened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub id: String,
    /// What it is about (the question).
    pub title: String,
    pub dots: usize,
    pub items: Vec<VoteItem>,
    /// Devices may still place and move their dots.
    pub open: bool,
    /// The tally when she closed it (item id, dots), ranked: what the room saw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Vec<(String, usize)>>,
}

impl Vote {
    /// Read the stored string (`None` for none, or for anything malformed: the write rules
    /// refuse those).
    pub fn parse(s: &str) -> Option<Vote> {
        if s.is_empty() || s.len() > MAX_VOTE_BYTES {
            return None;
        }
        let v: Vote = serde_json::from_str(s).ok()?;
        v.is_valid().then_some(v)
    }

    fn is_valid(&self) -> bool {
        is_item_id(&self.id)
            && (1..=MAX_DOTS).contains(&self.dots)
            && self.items.len() <= MAX_VOTE_ITEMS
            && self.items.iter().all(|i| is_item_id(&i.id))
    }

    /// The string stored.
    pub fn as_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The live tally over these groups' ballots (or the one frozen at closing): every item,
    /// most dots first, ties in item order.
    pub fn tally(&self, groups: &[GroupNotes]) -> Vec<(&VoteItem, usize)> {
        let counts: BTreeMap<String, usize> = match &self.result {
            Some(frozen) => frozen.iter().cloned().collect(),
            None => live_counts(self, groups),
        };
        let mut out: Vec<(&VoteItem, usize)> = self
            .items
            .iter()
            .map(|i| (i, counts.get(&i.id).copied().unwrap_or(0)))
            .collect();
        out.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        out
    }

    /// Close the vote, freezing the tally.
    pub fn closed(&self, groups: &[GroupNotes]) -> Vote {
        let result = self
            .tally(groups)
            .into_iter()
            .map(|(i, n)| (i.id.clone(), n))
            .collect();
        Vote {
            open: false,
            result: Some(result),
            ..self.clone()
        }
    }
}

fn live_counts(v: &Vote, groups: &[GroupNotes]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for g in groups {
        // In key order, as every replica holds them: the same ones count everywhere.
        for dots in g.ballots_for(&v.id).into_iter().take(MAX_BALLOTS) {
            for item in dots.into_iter().take(v.dots) {
                if v.items.iter().any(|i| i.id == item) {
                    *counts.entry(item).or_insert(0) += 1;
                }
            }
        }
    }
    counts
}

/// The key of a device's ballot for a vote.
pub fn ballot_key(vote_id: &str, voter: &str) -> String {
    format!("{BALLOT_PREFIX}{vote_id}:{voter}")
}

/// Whether `key` names a ballot (`ballot:<id>:<id>`).
pub fn is_ballot_key(key: &str) -> bool {
    key.strip_prefix(BALLOT_PREFIX)
        .and_then(|rest| rest.split_once(':'))
        .is_some_and(|(vote, voter)| is_item_id(vote) && is_item_id(voter))
}

/// A ballot's dots (item ids, an id once per dot); `None` if malformed or over [`MAX_DOTS`].
pub fn parse_ballot(s: &str) -> Option<Vec<String>> {
    let dots: Vec<String> = s.split_whitespace().map(str::to_owned).collect();
    (dots.len() <= MAX_DOTS && dots.iter().all(|d| is_item_id(d))).then_some(dots)
}

/// The string stored for these dots.
pub fn format_ballot(dots: &[String]) -> String {
    dots.join(" ")
}

impl GroupNotes {
    /// Every ballot this group's devices cast in vote `vote_id` (malformed ones skipped).
    pub fn ballots_for(&self, vote_id: &str) -> Vec<Vec<String>> {
        let prefix = format!("{BALLOT_PREFIX}{vote_id}:");
        self.ballots
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(_, v)| parse_ballot(v))
            .collect()
    }
}
