//! Replies shared between peers in the same state: what [`super::DocHub::outgoing_except`]
//! generates once and replays.

use automerge::ChangeHash;
use automerge::sync;
use std::collections::BTreeSet;

/// Peers that are in step with the server (they acknowledged everything up to the heads the
/// server last announced, and need nothing particular) get the same next message. automerge
/// works it out per peer, walking the whole change graph each time; the hub works it out once
/// per kind of state and replays the result. This is exactly what automerge would do: its
/// answer depends only on the fields in the key, and on `sent_hashes` only for the changes to
/// send, which are all newer than the announced heads and so in no peer's `sent_hashes`.
///
/// Every field of `sync::State` is named here (no `..`): a field a new automerge adds breaks
/// the build until someone decides whether the reply depends on it.
pub(super) fn memo_key(state: &sync::State, announced: &[ChangeHash]) -> Option<MemoKey> {
    let sync::State {
        shared_heads,
        last_sent_heads,
        their_heads,
        their_need,
        their_have,
        // Only decides which changes go out, and those are newer than `announced`.
        sent_hashes: _,
        in_flight,
        have_responded,
        their_capabilities,
        read_only,
        peer_read_only,
        needs_reset,
    } = state;
    let in_step = their_need.as_ref().is_none_or(Vec::is_empty)
        && !needs_reset
        && their_have
            .as_ref()
            .is_some_and(|h| h.len() == 1 && h[0].last_sync == announced);
    in_step.then(|| MemoKey {
        their_heads: their_heads.clone(),
        their_have: their_have.clone(),
        shared_heads: shared_heads.clone(),
        last_sent_heads: last_sent_heads.clone(),
        in_flight: *in_flight,
        have_responded: *have_responded,
        their_capabilities: their_capabilities.clone(),
        read_only: *read_only,
        peer_read_only: *peer_read_only,
    })
}

/// The fields of a sync state that automerge's next message depends on (see [`memo_key`]).
#[derive(PartialEq, Eq, Hash)]
pub(super) struct MemoKey {
    their_heads: Option<Vec<ChangeHash>>,
    their_have: Option<Vec<sync::Have>>,
    shared_heads: Vec<ChangeHash>,
    last_sent_heads: Vec<ChangeHash>,
    in_flight: bool,
    have_responded: bool,
    their_capabilities: Option<Vec<sync::Capability>>,
    read_only: bool,
    peer_read_only: bool,
}

/// One generated message and what generating it changed in the sync state.
pub(super) struct SharedReply {
    pub(super) message: Vec<u8>,
    added: Vec<ChangeHash>,
    last_sent_heads: Vec<ChangeHash>,
    have_responded: bool,
    in_flight: bool,
}

impl SharedReply {
    pub(super) fn after(
        state: &sync::State,
        sent_before: &BTreeSet<ChangeHash>,
        message: &[u8],
    ) -> Self {
        Self {
            message: message.to_vec(),
            added: state.sent_hashes.difference(sent_before).copied().collect(),
            last_sent_heads: state.last_sent_heads.clone(),
            have_responded: state.have_responded,
            in_flight: state.in_flight,
        }
    }

    pub(super) fn apply_to(&self, state: &mut sync::State) {
        state.sent_hashes.extend(self.added.iter().copied());
        state.last_sent_heads.clone_from(&self.last_sent_heads);
        state.have_responded = self.have_responded;
        state.in_flight = self.in_flight;
    }
}
