//! A port of automerge's sync message receipt and generation, kept apart from our own code.
//!
//! Upstream: the `automerge` crate **0.12.0** (git `37545d0d72b50f52084a2eca2cadf2eb1a5a512a`,
//! `rust/automerge/src/sync.rs`: `receive_sync_message` with `advance_heads`,
//! `generate_sync_message` with `get_hashes_to_send` and `Message::reset`). What is copied
//! follows upstream step for step; what differs is ours and marked: [`remove_ancestors`] (a
//! bounded walk instead of automerge's whole-history one), the [`Recent`] window and the
//! per-[`Round`] sharing (instead of automerge's clock walks per peer), changes kept encoded.
//! Oracles in `sync/tests/oracle.rs` compare every message and sync state with automerge's.
//!
//! Upgrading automerge: see ARCHITECTURE.md ("Upgrading automerge"). The workspace pins
//! `automerge = "=0.12.0"`; the test `the_port_matches_the_locked_automerge` fails when
//! `Cargo.lock` names another version than [`PORTED_FROM`].

use super::recent::{Recent, has_change};
use automerge::sync;
use automerge::{AutoCommit, ChangeHash};
use std::collections::{BTreeSet, HashMap};

/// The upstream automerge version this file was ported from.
pub const PORTED_FROM: &str = "0.12.0";

/// A pure acknowledgement: the peer has exactly our heads and sends no changes. This does to
/// the sync state what automerge's `receive_sync_message` does with such a message, without its
/// walk over the whole change history (every hash we ever sent this peer is an ancestor of our
/// heads, so `sent_hashes` empties). Tested against automerge in
/// `acknowledgements_match_automerge`.
pub(super) fn acknowledge(state: &mut sync::State, msg: sync::Message) {
    state.in_flight = false;
    take_flags(state, msg.flags);
    state.sent_hashes.clear();
    state.last_sent_heads.clone_from(&msg.heads);
    state.shared_heads.clone_from(&msg.heads);
    state.their_have = Some(msg.have);
    state.their_heads = Some(msg.heads);
    state.their_need = Some(msg.need);
}

/// What a message's flags tell about the peer, as automerge's `receive_sync_message` reads
/// them: its capabilities, a reset of what we sent it, whether it syncs read-only.
fn take_flags(state: &mut sync::State, flags: Option<sync::MessageFlags>) {
    let Some(flags) = flags else { return };
    let mut caps = vec![sync::Capability::MessageV2];
    if flags.contains(sync::MessageFlags::SUPPORTS_SYNC_RESET) {
        caps.push(sync::Capability::SyncReset);
    }
    state.their_capabilities = Some(caps);
    if flags.contains(sync::MessageFlags::SYNC_RESET) {
        state.sent_hashes.clear();
    }
    state.peer_read_only = flags.contains(sync::MessageFlags::READ_ONLY);
}

/// automerge's `receive_sync_message`, step for step (automerge 0.12, `sync.rs`), except how
/// it drops from `sent_hashes` what the peer's heads show it has: automerge walks the peer's
/// whole history for that on every message; [`remove_ancestors`] stops below the changes it
/// looks for. Tested message for message against automerge in `receive_matches_automerge`.
pub(super) fn receive_message(
    doc: &mut AutoCommit,
    state: &mut sync::State,
    msg: sync::Message,
) -> Result<(), automerge::AutomergeError> {
    state.in_flight = false;
    let before = doc.get_heads();
    let sync::Message {
        heads,
        need,
        have,
        changes,
        flags,
        ..
    } = msg;
    take_flags(state, flags);
    if !changes.is_empty() && !state.read_only {
        let mut joined = Vec::with_capacity(changes.iter().map(<[u8]>::len).sum());
        for chunk in changes.iter() {
            joined.extend_from_slice(chunk);
        }
        doc.load_incremental(&joined)?;
        let after = doc.get_heads();
        // automerge's `advance_heads`: our new heads, and the shared heads we still have.
        let mut advanced: Vec<ChangeHash> = after
            .iter()
            .filter(|h| !before.contains(h) || state.shared_heads.contains(h))
            .copied()
            .collect();
        advanced.sort();
        state.shared_heads = advanced;
    }
    remove_ancestors(doc, &mut state.sent_hashes, &heads);
    if changes.is_empty() && heads == before {
        state.last_sent_heads.clone_from(&heads);
    }
    let known: Vec<ChangeHash> = heads
        .iter()
        .filter(|h| has_change(doc, h))
        .copied()
        .collect();
    if known.len() == heads.len() {
        state.shared_heads.clone_from(&heads);
        if heads.is_empty() {
            state.last_sent_heads = Vec::new();
            state.sent_hashes = BTreeSet::new();
        }
    } else {
        state.shared_heads.extend(known);
        state.shared_heads.sort();
        state.shared_heads.dedup();
    }
    state.their_have = Some(have);
    state.their_heads = Some(heads);
    state.their_need = Some(need);
    Ok(())
}

/// Remove from `sent` every change that is an ancestor of (or one of) `heads`. A change's
/// descendants all have a max op at least as large as its own (their ops come after it), so
/// the walk back from `heads` stops at changes older than the oldest one still looked for:
/// it covers what happened since that change was sent, not the whole history.
pub(super) fn remove_ancestors(
    doc: &mut AutoCommit,
    sent: &mut BTreeSet<ChangeHash>,
    heads: &[ChangeHash],
) {
    let mut looking: Vec<(ChangeHash, u64)> = sent
        .iter()
        .filter_map(|h| doc.get_change_meta_by_hash(h).map(|m| (*h, m.max_op)))
        .collect();
    let mut stack: Vec<ChangeHash> = heads.to_vec();
    let mut visited: BTreeSet<ChangeHash> = BTreeSet::new();
    while let Some(floor) = looking.iter().map(|(_, op)| *op).min() {
        let Some(hash) = stack.pop() else { break };
        if !visited.insert(hash) {
            continue;
        }
        let Some(meta) = doc.get_change_meta_by_hash(&hash) else {
            continue; // not ours: automerge skips heads it does not know
        };
        if sent.remove(&hash) {
            looking.retain(|(h, _)| *h != hash);
        }
        if meta.max_op >= floor {
            stack.extend(meta.deps);
        }
    }
}

/// What automerge's `generate_sync_message` works out again for every peer, kept for one round
/// of [`DocHub::outgoing_except`]: peers in similar states share the Bloom filter of the same
/// shared heads and the changes the same summary lacks.
#[derive(Default)]
pub(super) struct Round {
    blooms: HashMap<Vec<ChangeHash>, sync::BloomFilter>,
    to_send: HashMap<(Vec<sync::Have>, Vec<ChangeHash>), Vec<ChangeHash>>,
}

/// Most encoded changes kept for sending to more peers (the recent ones are what peers lack).
const CHANGE_CACHE: usize = 4096;

/// automerge's `get_hashes_to_send`: the changes a peer with this summary lacks, in the
/// document's order, plus what it asked for. `None` when the [`Recent`] window cannot tell
/// and `ask_automerge` is false (the caller shares automerge's answers per round).
pub(super) fn hashes_to_send(
    doc: &mut AutoCommit,
    recent: &Recent,
    have: &[sync::Have],
    need: &[ChangeHash],
    ask_automerge: bool,
) -> Option<Vec<ChangeHash>> {
    let need: Vec<ChangeHash> = need
        .iter()
        .filter(|h| recent.has(doc, h))
        .copied()
        .collect();
    if have.is_empty() {
        return Some(need);
    }
    let last_sync: Vec<ChangeHash> = have
        .iter()
        .flat_map(|h| h.last_sync.iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    match recent.since(&last_sync) {
        Some(since) => Some(recent.to_send_from_window(have, need, &since)),
        None if ask_automerge => {
            let since: Vec<(ChangeHash, Vec<ChangeHash>)> = doc
                .get_changes_meta(&last_sync)
                .into_iter()
                .map(|m| (m.hash, m.deps))
                .collect();
            Some(to_send_from_meta(have, need, &since))
        }
        None => None,
    }
}

/// automerge's `get_hashes_to_send` after its clock walk: of the changes `since` the summary
/// (with their deps, in automerge's order), those the Bloom filters lack and every change
/// that depends on one of them; what was asked for first.
pub(super) fn to_send_from_meta(
    have: &[sync::Have],
    need: Vec<ChangeHash>,
    since: &[(ChangeHash, Vec<ChangeHash>)],
) -> Vec<ChangeHash> {
    let mut dependents: HashMap<ChangeHash, Vec<ChangeHash>> = HashMap::new();
    let mut send: std::collections::HashSet<ChangeHash> = std::collections::HashSet::new();
    for (hash, deps) in since {
        for dep in deps {
            dependents.entry(*dep).or_default().push(*hash);
        }
        if have.iter().all(|h| !h.bloom.contains_hash(hash)) {
            send.insert(*hash);
        }
    }
    let mut stack: Vec<ChangeHash> = send.iter().copied().collect();
    while let Some(hash) = stack.pop() {
        for dep in dependents.get(&hash).into_iter().flatten() {
            if send.insert(*dep) {
                stack.push(*dep);
            }
        }
    }
    let mut out: Vec<ChangeHash> = need.into_iter().filter(|h| !send.contains(h)).collect();
    out.extend(since.iter().map(|(h, _)| *h).filter(|h| send.contains(h)));
    out
}

/// A change's bytes, encoded by automerge once and then kept in `encoded` (for the next peers,
/// and for storage).
pub(super) fn encoded_change<'a>(
    doc: &mut AutoCommit,
    encoded: &'a mut HashMap<ChangeHash, Vec<u8>>,
    hash: &ChangeHash,
) -> Option<&'a [u8]> {
    if !encoded.contains_key(hash) {
        let bytes = doc.get_change_by_hash(hash)?.raw_bytes().to_vec();
        if encoded.len() >= CHANGE_CACHE {
            encoded.clear();
        }
        encoded.insert(*hash, bytes);
    }
    encoded.get(hash).map(Vec::as_slice)
}

/// automerge's `generate_sync_message`, step for step (automerge 0.12, `sync.rs`), with what
/// peers share computed once per [`Round`] and encoded changes kept in `encoded`. `None`: a
/// case left to automerge (changes waiting for dependencies, or sending the whole document),
/// decided before anything in `state` changes. Tested message for message against automerge
/// in `receive_matches_automerge`.
pub(super) fn generate_message(
    doc: &mut AutoCommit,
    recent: &Recent,
    state: &mut sync::State,
    round: &mut Round,
    encoded: &mut HashMap<ChangeHash, Vec<u8>>,
) -> Option<Option<sync::Message>> {
    let our_heads = doc.get_heads();
    // A peer that has told us it has exactly our heads, summarised as of our heads, needs
    // nothing, and has been sent them: automerge works out an empty message and sends nothing.
    // The common case (an acknowledgement arriving on its own), answered without its walks.
    if !our_heads.is_empty()
        && state.have_responded
        && state.last_sent_heads == our_heads
        && state.their_heads.as_ref() == Some(&our_heads)
        && state.their_need.as_ref().is_some_and(Vec::is_empty)
        && state
            .their_have
            .as_ref()
            .is_some_and(|h| h.len() == 1 && h[0].last_sync == our_heads)
    {
        return Some(None);
    }
    if !doc.get_missing_deps(&[]).is_empty() {
        return None;
    }
    let mut our_need: Vec<ChangeHash> = if state.read_only {
        Vec::new()
    } else {
        let theirs: Vec<ChangeHash> = state.their_heads.iter().flatten().copied().collect();
        theirs.into_iter().filter(|h| !recent.has(doc, h)).collect()
    };
    our_need.sort();
    our_need.dedup();
    let their_heads = state.their_heads.as_deref().unwrap_or_default();
    let our_have = if our_need.iter().all(|h| their_heads.contains(h)) {
        let bloom = match round.blooms.get(&state.shared_heads) {
            Some(b) => b.clone(),
            None => {
                let hashes: Vec<ChangeHash> = match recent.since(&state.shared_heads) {
                    Some(since) => since.into_iter().map(|p| recent.hash_at(p)).collect(),
                    None => doc
                        .get_changes_meta(&state.shared_heads)
                        .into_iter()
                        .map(|m| m.hash)
                        .collect(),
                };
                let b = sync::BloomFilter::from_hashes(hashes.iter());
                round.blooms.insert(state.shared_heads.clone(), b.clone());
                b
            }
        };
        vec![sync::Have {
            last_sync: state.shared_heads.clone(),
            bloom,
        }]
    } else {
        Vec::new()
    };
    let mut flags = sync::MessageFlags::new();
    flags.set(sync::MessageFlags::SUPPORTS_SYNC_RESET);
    if let Some(first) = state.their_have.as_ref().and_then(|h| h.first())
        && !first.last_sync.iter().all(|h| recent.has(doc, h))
    {
        // automerge's `Message::reset`.
        return Some(Some(sync::Message {
            heads: our_heads,
            need: Vec::new(),
            have: vec![sync::Have::default()],
            changes: sync::ChunkList::empty(),
            flags: Some(flags),
            version: sync::MessageVersion::V1,
        }));
    }
    let caps = state.their_capabilities.as_deref().unwrap_or_default();
    let v2 = caps.contains(&sync::Capability::MessageV2);
    let mut hashes = Vec::new();
    if !state.is_peer_read_only()
        && let (Some(have), Some(need)) = (&state.their_have, &state.their_need)
    {
        if state.their_heads.as_deref() == Some(&[]) && v2 {
            return None; // the whole document
        }
        // From the window when it can tell (cheap); otherwise automerge's answer, shared by
        // the peers with the same summary this round.
        let all = match hashes_to_send(doc, recent, have, need, false) {
            Some(all) => all,
            None => {
                let key = (have.clone(), need.clone());
                match round.to_send.get(&key) {
                    Some(all) => all.clone(),
                    None => {
                        let all = hashes_to_send(doc, recent, have, need, true).unwrap_or_default();
                        round.to_send.insert(key, all.clone());
                        all
                    }
                }
            }
        };
        hashes = all
            .into_iter()
            .filter(|h| !state.sent_hashes.contains(h))
            .collect();
        let count =
            usize::try_from(automerge::ReadDoc::stats(doc).num_changes).unwrap_or(usize::MAX);
        if hashes.len() > count / 3 && v2 {
            return None; // more than a third of the document: automerge sends all of it
        }
    }
    let mut changes = Vec::with_capacity(hashes.len());
    for h in &hashes {
        changes.push(encoded_change(doc, encoded, h)?.to_vec());
    }
    let (changes, version) = if v2 {
        let joined: Vec<u8> = changes.concat();
        let chunks = if joined.is_empty() {
            Vec::new()
        } else {
            vec![joined]
        };
        (chunks, sync::MessageVersion::V2)
    } else {
        (changes, sync::MessageVersion::V1)
    };
    let heads_unchanged = state.last_sent_heads == our_heads;
    let heads_equal = state.their_heads.as_ref() == Some(&our_heads);
    if heads_unchanged && state.have_responded {
        if (heads_equal || state.read_only) && hashes.is_empty() {
            return Some(None);
        }
        if state.in_flight {
            return Some(None);
        }
    }
    state.have_responded = true;
    state.last_sent_heads.clone_from(&our_heads);
    state.sent_hashes.extend(hashes.iter().copied());
    if state.read_only {
        flags.set(sync::MessageFlags::READ_ONLY);
    }
    let heads = if state.needs_reset {
        state.needs_reset = false;
        if caps.contains(&sync::Capability::SyncReset) {
            flags.set(sync::MessageFlags::SYNC_RESET);
            our_heads
        } else {
            Vec::new()
        }
    } else {
        our_heads
    };
    state.in_flight = true;
    Some(Some(sync::Message {
        heads,
        need: our_need,
        have: our_have,
        changes: sync::ChunkList::from(changes),
        flags: Some(flags),
        version,
    }))
}
