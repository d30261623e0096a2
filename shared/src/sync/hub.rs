//! [`DocHub`]: one document and the sync state of every peer that shares it.

use super::SyncError;
use super::automerge_port::{
    Round, acknowledge, encoded_change, generate_message, receive_message,
};
use super::memo::{MemoKey, SharedReply, memo_key};
use super::recent::Recent;
use crate::guard;
use crate::ids::PeerId;
use crate::policy::WriteRules;
use crate::roles::Access;
use automerge::sync::{self, SyncDoc};
use automerge::{AutoCommit, ChangeHash};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Most hash probes a Bloom filter may ask for (automerge uses 7).
const MAX_BLOOM_PROBES: u64 = 64;

/// Refuse Bloom filters automerge 0.12 would panic on while answering (found by the `server`
/// fuzz target): one that claims entries but has no bits divides by zero, and an absurd probe
/// count allocates gigabytes. The wire format is three LEB128 numbers, then the bits.
fn check_blooms(msg: &sync::Message) -> Result<(), SyncError> {
    for have in &msg.have {
        let encoded = have.bloom.to_bytes();
        if encoded.is_empty() {
            continue; // an empty filter
        }
        let mut rest = encoded.as_slice();
        let (Some(_entries), Some(_bits_per_entry), Some(probes)) = (
            crate::guard::leb128(&mut rest),
            crate::guard::leb128(&mut rest),
            crate::guard::leb128(&mut rest),
        ) else {
            return Err(SyncError::Decode("malformed Bloom filter".into()));
        };
        if rest.is_empty() || probes > MAX_BLOOM_PROBES {
            return Err(SyncError::Decode(format!(
                "Bloom filter with {} bytes and {probes} probes is not allowed",
                rest.len()
            )));
        }
    }
    Ok(())
}

pub(super) struct PeerSync {
    pub(super) state: sync::State,
    access: Access,
    /// What this writer may change inside the document (`None`: anything, as between a client
    /// and its own server).
    rules: Option<WriteRules>,
}

/// One document and the sync state of every peer that shares it.
///
/// Generating a sync message costs automerge a walk over the document's change graph even when
/// the answer is "nothing to send", so [`Self::outgoing`] asks only for the peers that may need
/// one: those that sent something or attached since, and everyone after the document changed.
pub struct DocHub {
    pub(super) doc: AutoCommit,
    pub(super) peers: BTreeMap<PeerId, PeerSync>,
    /// Peers to ask at the next [`Self::outgoing`].
    dirty: BTreeSet<PeerId>,
    /// The heads when every peer was last asked.
    announced: Vec<ChangeHash>,
    /// Messages replayed from another peer's instead of generated (see [`memo_key`]).
    shared_replies: u64,
    /// Peers that sent changes since they were last answered: they get a message with our
    /// heads even where automerge sees nothing to say, or they would never learn that their
    /// change arrived (automerge stays silent when, in the same batch, the writer also
    /// acknowledged heads that already include its change).
    pub(super) answer: BTreeSet<PeerId>,
    /// Encoded changes, kept to send to the next peers that lack them.
    encoded: HashMap<ChangeHash, Vec<u8>>,
    /// The latest changes, to answer "what is new since these heads" without automerge's
    /// clock walks.
    recent: Recent,
}

impl DocHub {
    pub fn new(doc: AutoCommit) -> Self {
        Self {
            doc,
            peers: BTreeMap::new(),
            dirty: BTreeSet::new(),
            announced: Vec::new(),
            shared_replies: 0,
            answer: BTreeSet::new(),
            encoded: HashMap::new(),
            recent: Recent::default(),
        }
    }

    pub fn doc(&self) -> &AutoCommit {
        &self.doc
    }

    /// Local edits go through here; call [`Self::outgoing`] after committing (and persisting).
    pub fn doc_mut(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn into_doc(self) -> AutoCommit {
        self.doc
    }

    /// Start (or restart) a sync session with `peer`, which may change anything it may write.
    pub fn attach(&mut self, peer: PeerId, access: Access) {
        self.attach_peer(peer, access, None);
    }

    /// Start (or restart) a sync session with a peer whose changes must keep to `rules` (the
    /// server's side of every link): a message breaking them is refused whole.
    pub fn attach_with_rules(&mut self, peer: PeerId, access: Access, rules: WriteRules) {
        self.attach_peer(peer, access, Some(rules));
    }

    fn attach_peer(&mut self, peer: PeerId, access: Access, rules: Option<WriteRules>) {
        self.dirty.insert(peer.clone());
        self.peers.insert(
            peer,
            PeerSync {
                state: sync::State::new(),
                access,
                rules,
            },
        );
    }

    pub fn detach(&mut self, peer: &PeerId) {
        self.peers.remove(peer);
        self.dirty.remove(peer);
        self.answer.remove(peer);
    }

    pub fn is_attached(&self, peer: &PeerId) -> bool {
        self.peers.contains_key(peer)
    }

    pub fn peer_count(&self) -> usize {
        self.peers.len()
    }

    /// Forget what every peer has been sent, so the next [`Self::outgoing`] starts afresh
    /// (used after the in-memory document was replaced, e.g. reloaded from storage).
    pub fn reset_peers(&mut self) {
        for (id, p) in &mut self.peers {
            p.state = sync::State::new();
            self.dirty.insert(id.clone());
        }
    }

    pub fn replace_doc(&mut self, doc: AutoCommit) {
        self.doc = doc;
        self.recent = Recent::default();
        self.reset_peers();
    }

    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Apply a sync message from `peer`. Returns whether the document changed. Nothing is sent
    /// here: persist first, then call [`Self::outgoing`].
    pub fn receive(&mut self, peer: &PeerId, data: &[u8]) -> Result<bool, SyncError> {
        self.receive_frozen(peer, data, false)
    }

    /// [`Self::receive`], where `frozen` says the document takes no changes right now (a group
    /// document of a closed workshop): a message that carries some is refused whole with
    /// [`SyncError::Closed`]; one that only asks for what the peer lacks is answered as usual.
    pub fn receive_frozen(
        &mut self,
        peer: &PeerId,
        data: &[u8],
        frozen: bool,
    ) -> Result<bool, SyncError> {
        self.receive_within(peer, data, frozen, |_| Ok(()))
    }

    /// [`Self::receive_frozen`], where `allow` is asked before a message that adds questions
    /// to a question box is applied (with how many): its `Err` refuses the message whole with
    /// [`SyncError::Limit`].
    pub fn receive_within(
        &mut self,
        peer: &PeerId,
        data: &[u8],
        frozen: bool,
        allow: impl FnOnce(usize) -> Result<(), String>,
    ) -> Result<bool, SyncError> {
        let p = self.peers.get_mut(peer).ok_or(SyncError::NotAttached)?;
        let msg = guard::catch(|| sync::Message::decode(data))
            .ok_or(SyncError::Crashed)?
            .map_err(|e| SyncError::Decode(e.to_string()))?;
        check_blooms(&msg)?;
        for chunk in msg.changes.iter() {
            guard::check_incoming(chunk).map_err(|e| SyncError::Decode(e.to_string()))?;
        }
        // An append-only peer writes only under the append-only rules.
        let may_write = match p.access {
            Access::Write => true,
            Access::Append => p.rules == Some(WriteRules::Append),
            Access::None | Access::Read => false,
        };
        if !msg.changes.is_empty() && !may_write {
            return Err(SyncError::ReadOnly);
        }
        if !msg.changes.is_empty() && frozen {
            return Err(SyncError::Closed);
        }
        if let Some(rules) = p.rules
            && !msg.changes.is_empty()
        {
            let added = rules
                .check(&mut self.doc, msg.changes.iter())
                .map_err(SyncError::Forbidden)?;
            if added > 0 {
                allow(added).map_err(SyncError::Limit)?;
            }
        }
        self.dirty.insert(peer.clone());
        let before = self.doc.get_heads();
        if msg.changes.is_empty() && !before.is_empty() && msg.heads == before {
            acknowledge(&mut p.state, msg);
            return Ok(false);
        }
        if !msg.changes.is_empty() {
            self.answer.insert(peer.clone());
        }
        let doc = &mut self.doc;
        let state = &mut p.state;
        guard::catch(|| receive_message(doc, state, msg))
            .ok_or(SyncError::Crashed)?
            .map_err(|e| SyncError::Apply(e.to_string()))?;
        Ok(self.doc.get_heads() != before)
    }

    /// The changes since `heads`, byte for byte what automerge's `save_after` writes (what the
    /// server stores after a batch). From the window and the changes kept encoded for sending
    /// when the window can tell: automerge's own walks its change graph and encodes each change
    /// again, once more than the peers' messages do.
    pub fn save_after(&mut self, heads: &[ChangeHash]) -> Vec<u8> {
        self.recent.catch_up(&mut self.doc);
        let Some(since) = self.recent.since(heads) else {
            return self.doc.save_after(heads);
        };
        let mut out = Vec::new();
        for p in since {
            let hash = self.recent.hash_at(p);
            match encoded_change(&mut self.doc, &mut self.encoded, &hash) {
                Some(bytes) => out.extend_from_slice(bytes),
                None => return self.doc.save_after(heads),
            }
        }
        out
    }

    /// The next sync message for one peer, if any.
    pub fn generate(&mut self, peer: &PeerId) -> Option<Vec<u8>> {
        let p = self.peers.get_mut(peer)?;
        self.doc
            .sync()
            .generate_sync_message(&mut p.state)
            .map(sync::Message::encode)
    }

    /// The next sync message for every peer that needs one.
    pub fn outgoing(&mut self) -> Vec<(PeerId, Vec<u8>)> {
        self.outgoing_except(&[])
    }

    /// [`Self::outgoing`] for every peer but `skip` (the server forwards a batch to the other
    /// peers before it is on disk, and answers its writers only after).
    pub fn outgoing_except(&mut self, skip: &[PeerId]) -> Vec<(PeerId, Vec<u8>)> {
        let heads = self.doc.get_heads();
        let previous = std::mem::take(&mut self.announced);
        if heads != previous {
            self.dirty.extend(self.peers.keys().cloned());
        }
        self.announced = heads;
        self.recent.catch_up(&mut self.doc);
        let ask: Vec<PeerId> = self
            .dirty
            .iter()
            .filter(|id| !skip.contains(id))
            .cloned()
            .collect();
        let mut out = Vec::new();
        let mut memo: HashMap<MemoKey, Option<SharedReply>> = HashMap::new();
        let mut round = Round::default();
        for id in ask {
            self.dirty.remove(&id);
            let Some(p) = self.peers.get_mut(&id) else {
                continue;
            };
            if self.answer.remove(&id) {
                // Makes automerge answer (it compares these with the current heads).
                p.state.last_sent_heads.clear();
            }
            let key = memo_key(&p.state, &previous);
            match key.as_ref().and_then(|k| memo.get(k)) {
                Some(Some(shared)) => {
                    self.shared_replies += 1;
                    shared.apply_to(&mut p.state);
                    out.push((id, shared.message.clone()));
                    continue;
                }
                // automerge had nothing to send to a peer in this state.
                Some(None) => continue,
                None => {}
            }
            let sent_before = key.as_ref().map(|_| p.state.sent_hashes.clone());
            let message = match generate_message(
                &mut self.doc,
                &self.recent,
                &mut p.state,
                &mut round,
                &mut self.encoded,
            ) {
                Some(m) => m,
                None => self.doc.sync().generate_sync_message(&mut p.state),
            }
            .map(sync::Message::encode);
            if let (Some(k), Some(before)) = (key, sent_before) {
                let shared = message
                    .as_ref()
                    .map(|m| SharedReply::after(&p.state, &before, m));
                memo.insert(k, shared);
            }
            if let Some(m) = message {
                out.push((id, m));
            }
        }
        out
    }

    /// How many sync messages were replayed for a peer in the same state as another.
    pub fn shared_replies(&self) -> u64 {
        self.shared_replies
    }

    /// True when `peer` has told us heads that include every change we have.
    pub fn peer_has_everything(&mut self, peer: &PeerId) -> bool {
        let ours = self.doc.get_heads();
        let Some(p) = self.peers.get(peer) else {
            return false;
        };
        match &p.state.their_heads {
            Some(theirs) => ours.iter().all(|h| theirs.contains(h)),
            None => false,
        }
    }
}
