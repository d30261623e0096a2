//! The document's latest changes, to answer "what is new since these heads" without
//! automerge's clock walks.

use automerge::sync;
use automerge::{AutoCommit, ChangeHash};
use std::collections::HashMap;

/// Changes [`Recent`] keeps at least (it keeps up to twice as many before dropping the older
/// half). A peer that acknowledges once a second in a group typing 20 changes a second is 20
/// changes behind; older summaries go to automerge.
/// (Tests use a small window, so that they cross its edge.)
pub(super) const RECENT_CHANGES: usize = if cfg!(test) { 3 } else { 64 };

/// The document's latest changes in automerge's order, with their dependencies, to answer
/// "which changes are not ancestors of these heads" for heads among them — what the sync
/// protocol asks for every peer (the Bloom filter of changes since the shared heads, the
/// changes a peer's summary lacks). automerge works it out from vector clocks over the whole
/// change graph (`get_changes_meta`), allocating each change's metadata; peers that do not
/// acknowledge every message at once (see [`ACK_DELAY_MS`]) are each in their own state, so
/// the hub would ask it once per peer per round.
///
/// Exact, not a guess. The window starts with the heads the document had before its first
/// change (`base`), so every change older than the window is an ancestor of one of them.
/// Positions follow automerge's order, in which a change comes after its dependencies, so the
/// walk back from the given heads goes to ever smaller positions, and it stops as soon as
/// everything below the next position is known to be an ancestor: when the document's heads
/// as they were at that position are all among the changes still to visit. For heads that are
/// one change behind on a straight history that is one step. Heads older than the window
/// (or unknown) get `None`: the caller asks automerge. Checked against automerge in
/// `recent_changes_match_automerge`.
#[derive(Default)]
pub(super) struct Recent {
    /// The window: first the `base` heads (no deps recorded), then every later change.
    pub(super) entries: Vec<RecentChange>,
    /// How many entries at the start are `base` heads.
    base: usize,
    /// The document's heads after the last entry.
    heads: Vec<ChangeHash>,
    /// Position of each entry.
    index: HashMap<ChangeHash, u32>,
}

pub(super) struct RecentChange {
    pub(super) hash: ChangeHash,
    pub(super) deps: Vec<ChangeHash>,
    /// Positions of the deps that are in the window.
    dep_pos: Vec<u32>,
    /// Positions of the document's heads right after this change joined it.
    heads_then: Vec<u32>,
}

impl Recent {
    /// Take in the changes the document gained since the last call.
    pub(super) fn catch_up(&mut self, doc: &mut AutoCommit) {
        let heads = doc.get_heads();
        if heads == self.heads {
            return;
        }
        if !self.heads.iter().all(|h| has_change(doc, h)) {
            // Another document (replaced, e.g. reloaded from storage): start over.
            *self = Self::default();
        }
        if self.entries.is_empty() {
            // Start the window at the current heads (nothing before them to look back on).
            self.start(&heads, Vec::new());
            self.heads = heads;
            return;
        }
        for meta in doc.get_changes_meta(&self.heads) {
            self.push(meta.hash, meta.deps);
        }
        self.heads = heads;
        if self.entries.len() - self.base > 2 * RECENT_CHANGES {
            self.forget_oldest();
        }
    }

    /// An empty window over `base`, then `changes` (with their deps) after it.
    pub(super) fn start(
        &mut self,
        base: &[ChangeHash],
        changes: Vec<(ChangeHash, Vec<ChangeHash>)>,
    ) {
        self.entries.clear();
        self.index.clear();
        let all: Vec<u32> = (0..u32::try_from(base.len()).unwrap_or(u32::MAX)).collect();
        for h in base {
            self.index.insert(*h, self.len());
            self.entries.push(RecentChange {
                hash: *h,
                deps: Vec::new(),
                dep_pos: Vec::new(),
                heads_then: all.clone(),
            });
        }
        self.base = base.len();
        for (hash, deps) in changes {
            self.push(hash, deps);
        }
    }

    pub(super) fn len(&self) -> u32 {
        u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
    }

    pub(super) fn push(&mut self, hash: ChangeHash, deps: Vec<ChangeHash>) {
        let dep_pos: Vec<u32> = deps
            .iter()
            .filter_map(|d| self.index.get(d).copied())
            .collect();
        let mut heads_then: Vec<u32> = self
            .entries
            .last()
            .map(|e| e.heads_then.clone())
            .unwrap_or_default();
        heads_then.retain(|p| !dep_pos.contains(p));
        heads_then.push(self.len());
        self.index.insert(hash, self.len());
        self.entries.push(RecentChange {
            hash,
            deps,
            dep_pos,
            heads_then,
        });
    }

    /// Keep the latest [`RECENT_CHANGES`]; the heads after the dropped ones become `base`.
    pub(super) fn forget_oldest(&mut self) {
        let keep = self.entries.len() - RECENT_CHANGES;
        let base: Vec<ChangeHash> = self.entries[keep - 1]
            .heads_then
            .iter()
            .map(|p| self.entries[*p as usize].hash)
            .collect();
        let rest: Vec<(ChangeHash, Vec<ChangeHash>)> = self
            .entries
            .drain(keep..)
            .map(|e| (e.hash, e.deps))
            .collect();
        self.start(&base, rest);
    }

    /// Whether the document has this change (asking automerge only for one not in the window:
    /// its answer allocates the change's metadata).
    pub(super) fn has(&self, doc: &mut AutoCommit, hash: &ChangeHash) -> bool {
        self.index.contains_key(hash) || has_change(doc, hash)
    }

    /// Positions (ascending, so in automerge's order) of the changes that are not ancestors of
    /// (or among) `heads`; `None` when the window cannot tell.
    pub(super) fn since(&self, heads: &[ChangeHash]) -> Option<Vec<u32>> {
        if heads.is_empty() || self.entries.is_empty() {
            return None;
        }
        let mut to_visit = std::collections::BinaryHeap::new();
        let mut queued = vec![false; self.entries.len()];
        for h in heads {
            // Older than the window, or unknown: automerge knows.
            let p = *self.index.get(h)?;
            if !std::mem::replace(&mut queued[p as usize], true) {
                to_visit.push(p);
            }
        }
        // Everything at positions up to `known` is an ancestor of `heads`.
        let mut known: Option<u32> = None;
        while let Some(p) = to_visit.pop() {
            for d in &self.entries[p as usize].dep_pos {
                if !std::mem::replace(&mut queued[*d as usize], true) {
                    to_visit.push(*d);
                }
            }
            if let Some(&next) = to_visit.peek()
                && self.entries[next as usize]
                    .heads_then
                    .iter()
                    .all(|h| queued[*h as usize])
            {
                known = Some(next);
                break;
            }
        }
        // Without that, every `base` head must have been reached.
        if known.is_none() && !queued[..self.base].iter().all(|q| *q) {
            return None;
        }
        let from = known.map_or(self.base, |k| k as usize + 1).max(self.base);
        Some(
            (from..self.entries.len())
                .filter(|p| !queued[*p])
                .filter_map(|p| u32::try_from(p).ok())
                .collect(),
        )
    }

    pub(super) fn hash_at(&self, pos: u32) -> ChangeHash {
        self.entries[pos as usize].hash
    }

    /// [`hashes_to_send`] for a summary whose changes since are in the window: the changes
    /// since that the Bloom filters lack, their dependents among them (a forward pass: a
    /// change comes after its deps), and what was asked for.
    pub(super) fn to_send_from_window(
        &self,
        have: &[sync::Have],
        need: Vec<ChangeHash>,
        since: &[u32],
    ) -> Vec<ChangeHash> {
        let mut send = vec![false; self.entries.len()];
        for &p in since {
            let e = &self.entries[p as usize];
            send[p as usize] = e.dep_pos.iter().any(|d| send[*d as usize])
                || have.iter().all(|h| !h.bloom.contains_hash(&e.hash));
        }
        let sent = |h: &ChangeHash| self.index.get(h).is_some_and(|p| send[*p as usize]);
        let mut out: Vec<ChangeHash> = need.into_iter().filter(|h| !sent(h)).collect();
        out.extend(
            since
                .iter()
                .filter(|p| send[**p as usize])
                .map(|p| self.hash_at(*p)),
        );
        out
    }
}

/// Whether the document has this change (automerge allocates its metadata to say).
pub(super) fn has_change(doc: &mut AutoCommit, hash: &ChangeHash) -> bool {
    doc.get_change_meta_by_hash(hash).is_some()
}
