//! [`ClientRepo`]: a client's documents and its one connection to the server.

use super::{ConnError, DocHub};
use crate::ids::{DocumentId, IdCache, PeerId};
use crate::protocol::{Message, PROTOCOL_VERSION, PeerMetadata};
use crate::roles::Access;
use automerge::AutoCommit;
use automerge::sync;
use std::collections::{BTreeMap, BTreeSet};

/// What a client learned from a frame.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ClientEvents {
    /// The handshake completed (send [`ClientRepo::outgoing`] now).
    pub connected: bool,
    /// Documents whose content changed (persist them, then re-render).
    pub changed: Vec<DocumentId>,
    /// Documents the server does not have or will not share.
    pub unavailable: Vec<DocumentId>,
}

/// A client's documents and its one connection to the server. Used by the browser client,
/// the native test client and the load generator.
pub struct ClientRepo {
    our_id: PeerId,
    server: Option<PeerId>,
    docs: BTreeMap<DocumentId, DocHub>,
    ids: IdCache,
    /// Acknowledgements held back by [`Self::outgoing_at`], per document.
    held: BTreeMap<DocumentId, HeldAck>,
    ack_delay_ms: u64,
    /// Documents whose changes the server refuses now (a closed workshop's notes): nothing
    /// is sent for them until [`Self::release`]; what they hold stays here.
    held_back: BTreeSet<DocumentId>,
    /// Each document's version (see [`Self::version`]), and the next one to give out.
    versions: BTreeMap<DocumentId, u64>,
    next_version: u64,
}

/// How long [`ClientRepo::outgoing_at`] holds back a message that only acknowledges what the
/// server sent. In a busy group a client receives an edit every few tens of milliseconds and
/// would answer each one; held, one acknowledgement covers all that arrived meanwhile, and one
/// the client's own edit carries anyway replaces it. Nothing waits on it: the server already
/// has every change the client has, and a client that lacks something says so at once.
pub const ACK_DELAY_MS: u64 = 1_000;

/// An acknowledgement frame waiting to be sent, and when it is due.
struct HeldAck {
    frame: Vec<u8>,
    due: u64,
}

impl ClientRepo {
    pub fn new(our_id: PeerId) -> Self {
        Self {
            our_id,
            server: None,
            docs: BTreeMap::new(),
            ids: IdCache::default(),
            held: BTreeMap::new(),
            ack_delay_ms: ACK_DELAY_MS,
            held_back: BTreeSet::new(),
            versions: BTreeMap::new(),
            next_version: 0,
        }
    }

    /// How long [`Self::outgoing_at`] holds back pure acknowledgements (0: never).
    pub fn set_ack_delay_ms(&mut self, ms: u64) {
        self.ack_delay_ms = ms;
    }

    pub fn peer_id(&self) -> &PeerId {
        &self.our_id
    }

    pub fn is_connected(&self) -> bool {
        self.server.is_some()
    }

    /// Add a document: empty (to fetch) or loaded from local storage.
    pub fn add_doc(&mut self, id: DocumentId, doc: AutoCommit) {
        let mut hub = DocHub::new(doc);
        if let Some(server) = &self.server {
            hub.attach(server.clone(), Access::Write);
        }
        self.docs.insert(id, hub);
        self.bump(id);
    }

    pub fn doc(&self, id: &DocumentId) -> Option<&AutoCommit> {
        self.docs.get(id).map(DocHub::doc)
    }

    /// The document to change; its [`Self::version`] moves on (whatever the caller does).
    pub fn doc_mut(&mut self, id: &DocumentId) -> Option<&mut AutoCommit> {
        if self.docs.contains_key(id) {
            self.bump(*id);
        }
        self.docs.get_mut(id).map(DocHub::doc_mut)
    }

    /// The document with any open transaction committed, for what reads `&Automerge`
    /// (history, heads, an old copy). It shows what [`Self::doc`] shows, so its
    /// [`Self::version`] stays.
    pub fn committed(&mut self, id: &DocumentId) -> Option<&automerge::Automerge> {
        self.docs.get_mut(id).map(|hub| hub.doc_mut().document())
    }

    /// A number that changes whenever the document's content may have changed (a change
    /// received, any [`Self::doc_mut`], the document added again) and is never given out
    /// twice by this repo: what a reader read from the document under one version is what
    /// it would read again, so it may keep it (the facilitator's pages read 50 group
    /// documents on every render, and one changed).
    pub fn version(&self, id: &DocumentId) -> Option<u64> {
        self.versions.get(id).copied()
    }

    fn bump(&mut self, id: DocumentId) {
        self.next_version += 1;
        self.versions.insert(id, self.next_version);
    }

    pub fn doc_ids(&self) -> impl Iterator<Item = &DocumentId> {
        self.docs.keys()
    }

    /// The documents with typing not yet committed (only these need a commit: touching the
    /// others through [`Self::doc_mut`] would move their versions for nothing).
    pub fn typed_into(&self) -> Vec<DocumentId> {
        self.docs
            .iter()
            .filter(|(_, hub)| automerge::transaction::Transactable::pending_ops(hub.doc()) > 0)
            .map(|(id, _)| *id)
            .collect()
    }

    /// Send nothing for this document until [`Self::release`] (the server said it takes no
    /// changes to it now). Its content stays, and so does what the server has not got.
    pub fn hold_back(&mut self, id: DocumentId) {
        self.held.remove(&id);
        self.held_back.insert(id);
    }

    /// Sync this document again, from the start (everything it has is offered anew). True if
    /// it was held back.
    pub fn release(&mut self, id: &DocumentId) -> bool {
        if !self.held_back.remove(id) {
            return false;
        }
        if let (Some(server), Some(hub)) = (&self.server, self.docs.get_mut(id)) {
            hub.detach(server);
            hub.attach(server.clone(), Access::Write);
        }
        true
    }

    pub fn is_held_back(&self, id: &DocumentId) -> bool {
        self.held_back.contains(id)
    }

    /// The first frame to send on a fresh connection.
    pub fn join_frame(&self) -> Vec<u8> {
        Message::Join {
            sender_id: self.our_id.clone(),
            supported_protocol_versions: vec![PROTOCOL_VERSION.into()],
            metadata: Some(PeerMetadata {
                storage_id: None,
                is_ephemeral: false,
            }),
        }
        .encode()
    }

    /// The connection dropped: sync sessions start over on the next connection.
    pub fn disconnected(&mut self) {
        self.held.clear();
        if let Some(server) = self.server.take() {
            for hub in self.docs.values_mut() {
                hub.detach(&server);
            }
        }
    }

    /// Handle one frame from the server.
    pub fn receive(&mut self, frame: &[u8]) -> Result<ClientEvents, ConnError> {
        let mut events = ClientEvents::default();
        match Message::decode_with(frame, &mut self.ids)? {
            Message::Peer {
                sender_id,
                selected_protocol_version,
                ..
            } => {
                if selected_protocol_version != PROTOCOL_VERSION {
                    return Err(ConnError::UnsupportedVersion(vec![
                        selected_protocol_version,
                    ]));
                }
                for hub in self.docs.values_mut() {
                    hub.attach(sender_id.clone(), Access::Write);
                }
                self.server = Some(sender_id);
                events.connected = true;
            }
            Message::Sync {
                document_id, data, ..
            }
            | Message::Request {
                document_id, data, ..
            } => {
                let server = self.server.clone().ok_or(ConnError::NotJoined)?;
                if let Some(hub) = self.docs.get_mut(&document_id) {
                    let changed = hub
                        .receive(&server, &data)
                        .map_err(|e| ConnError::Remote(e.to_string()))?;
                    if changed {
                        events.changed.push(document_id);
                        self.bump(document_id);
                    }
                }
            }
            Message::DocUnavailable { document_id, .. } => events.unavailable.push(document_id),
            Message::Error { message } => return Err(ConnError::Remote(message)),
            Message::Join { .. } => return Err(ConnError::Unexpected("join".into())),
            Message::Ephemeral { .. } | Message::Leave { .. } | Message::Unknown { .. } => {}
        }
        Ok(events)
    }

    /// Frames to send now (after local changes are committed and saved locally), including
    /// any acknowledgement [`Self::outgoing_at`] held back.
    pub fn outgoing(&mut self) -> Vec<Vec<u8>> {
        self.frames(None)
    }

    /// Like [`Self::outgoing`], but a message that only acknowledges what the server sent is
    /// held back for [`ACK_DELAY_MS`] (a newer message for the document replaces it), and the
    /// held ones that are due by `now_ms` are sent. Call it again at [`Self::ack_due`]. Any
    /// clock counting milliseconds will do, as long as it is the same one each time.
    pub fn outgoing_at(&mut self, now_ms: u64) -> Vec<Vec<u8>> {
        self.frames(Some(now_ms))
    }

    /// When the earliest held acknowledgement is due (on the clock given to
    /// [`Self::outgoing_at`]).
    pub fn ack_due(&self) -> Option<u64> {
        self.held.values().map(|h| h.due).min()
    }

    fn frames(&mut self, now_ms: Option<u64>) -> Vec<Vec<u8>> {
        let Some(server) = self.server.clone() else {
            return Vec::new();
        };
        let hold_until = now_ms
            .filter(|_| self.ack_delay_ms > 0)
            .map(|now| now.saturating_add(self.ack_delay_ms));
        let mut frames = Vec::new();
        for (id, hub) in &mut self.docs {
            if self.held_back.contains(id) {
                continue;
            }
            if automerge::transaction::Transactable::pending_ops(hub.doc()) > 0 {
                // Typing under way: generating a message would commit it, unsigned. It goes
                // once the editor commits it (signed), at the next call.
                continue;
            }
            let have_doc = !hub.heads().is_empty();
            for (_, data) in hub.outgoing() {
                let hold =
                    hold_until.filter(|_| have_doc && only_acknowledges(hub, &server, &data));
                let (document_id, sender_id, target_id) =
                    (*id, self.our_id.clone(), server.clone());
                let msg = if have_doc {
                    Message::Sync {
                        document_id,
                        sender_id,
                        target_id,
                        data,
                    }
                } else {
                    Message::Request {
                        document_id,
                        sender_id,
                        target_id,
                        data,
                    }
                };
                let frame = msg.encode_with(&mut self.ids);
                match hold {
                    Some(due) => {
                        // A newer acknowledgement replaces the held one; the first one's time
                        // stays, so a steady stream of edits is still acknowledged regularly.
                        let held = self.held.entry(*id).or_insert(HeldAck {
                            frame: Vec::new(),
                            due,
                        });
                        held.frame = frame;
                    }
                    None => {
                        // Says everything the held acknowledgement would have said.
                        self.held.remove(id);
                        frames.push(frame);
                    }
                }
            }
        }
        let due: Vec<DocumentId> = self
            .held
            .iter()
            // (Due later than a whole delay away: the clock went back; send it now.)
            .filter(|(_, h)| {
                now_ms
                    .is_none_or(|now| h.due <= now || h.due > now.saturating_add(self.ack_delay_ms))
            })
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            if let Some(h) = self.held.remove(&id) {
                frames.push(h.frame);
            }
        }
        frames
    }

    /// True when the server has confirmed it holds every change of this document (and so, by
    /// the server's durability invariant, has it on disk).
    pub fn is_synced(&mut self, id: &DocumentId) -> bool {
        let Some(server) = self.server.clone() else {
            return false;
        };
        // (Typing not yet committed is not on the server; and reading the heads would commit it.)
        self.docs.get_mut(id).is_some_and(|hub| {
            automerge::transaction::Transactable::pending_ops(hub.doc()) == 0
                && hub.peer_has_everything(&server)
        })
    }

    /// True when every document is synced.
    pub fn all_synced(&mut self) -> bool {
        let ids: Vec<DocumentId> = self.docs.keys().copied().collect();
        ids.iter().all(|id| self.is_synced(id))
    }

    /// True when every document not held back is synced.
    pub fn synced_but_held_back(&mut self) -> bool {
        let ids: Vec<DocumentId> = self
            .docs
            .keys()
            .filter(|id| !self.held_back.contains(id))
            .copied()
            .collect();
        ids.iter().all(|id| self.is_synced(id))
    }
}

/// True when a client's sync message for the server says nothing the server is waiting for:
/// no changes, no request for any, and the server has already told us heads that include all of
/// ours (so the message only tells it what we have received).
fn only_acknowledges(hub: &mut DocHub, server: &PeerId, data: &[u8]) -> bool {
    hub.peer_has_everything(server)
        && sync::Message::decode(data).is_ok_and(|m| m.changes.is_empty() && m.need.is_empty())
}
