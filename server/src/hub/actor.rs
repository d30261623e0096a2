//! The document actor's logic, sans IO (as samod's actors): it takes a batch of commands and
//! says what to send and what to store as plain data ([`Step`]); the task in `hub/mod.rs`
//! only moves bytes and awaits storage, then reports back ([`DocActor::persisted`],
//! [`DocActor::reloaded`]).
//!
//! The durability invariant lives here and is unit-tested without tokio or a disk: a writer
//! hears nothing that advertises its change before [`DocActor::persisted`] said the chunk
//! holding it is on disk; the other peers may get the batch earlier (a copy on their side only
//! adds redundancy).

use automerge::{AutoCommit, ChangeHash};
use samtal_shared::doc::{self, Workshop};
use samtal_shared::policy::WriteRules;
use samtal_shared::roles::{Access, DocKind};
use samtal_shared::stamp::{self, Stamp};
use samtal_shared::sync::{DocHub, SyncError};
use samtal_shared::{DocumentId, PeerId};
use std::sync::Arc;

/// Fold incremental chunks into one snapshot after this many.
pub const COMPACT_AFTER: u64 = 64;

/// One command for a document: `A` is what the caller of a server-side change waits on, `C`
/// the connection a peer's messages go to (the IO side keeps it; the actor only names peers).
pub enum Input<A, C> {
    Attach {
        peer: PeerId,
        access: Access,
        conn: C,
    },
    Receive {
        peer: PeerId,
        data: Vec<u8>,
        /// The document takes no changes from this peer now (a group's own notes once its
        /// workshop is closed: the connection knows the phase, see `ws.rs`).
        frozen: bool,
        /// How many questions the peer's link may still add (an append-only peer: see
        /// `Live::take_questions`); `None`: no such limit.
        quota: Option<Quota>,
    },
    Detach {
        peer: PeerId,
    },
    /// A change made by the server itself (structure for new questions, groups…), committed
    /// with `time` and no device label; `done` is answered with whether it was persisted (true
    /// also when nothing needed to change).
    Apply {
        change: Box<dyn FnOnce(&mut AutoCommit) -> bool + Send>,
        time: i64,
        done: A,
    },
    /// Read the document.
    Read(Box<dyn FnOnce(&AutoCommit) + Send>),
    /// The document was erased: tell every peer and stop.
    Close {
        reason: String,
    },
    /// A workshop was erased (on another instance): if this document is one of it, stop.
    CloseWorkshop {
        workshop_id: Arc<str>,
        reason: Arc<str>,
    },
    /// Another instance committed these bytes (`whole`: the whole stored document). They are
    /// durable already: merged after the batch, never written again from here.
    Merge {
        bytes: Vec<u8>,
        whole: bool,
    },
}

/// Asked with how many questions a message adds: `Err` says why the link may not add them now.
pub type Quota = Box<dyn FnOnce(usize) -> Result<(), String> + Send>;

/// What one batch asks of the IO side.
pub enum Step<A> {
    /// Send these (to the peers named), append `chunk` to storage, then call
    /// [`DocActor::persisted`].
    Persist { out: Out<A>, chunk: Vec<u8> },
    /// The batch cannot be kept (a message crashed automerge, or the document would outgrow
    /// its limit): send `out`, load the document from storage and call
    /// [`DocActor::reloaded`] with `reason`.
    Reload { out: Out<A>, reason: String },
    /// Send these; nothing to store.
    Done(Out<A>),
    /// Tell every peer `reason` and stop; `forget`: take the document off the open list (a
    /// workshop erased elsewhere; an erase here has done that already).
    Stop {
        out: Out<A>,
        reason: String,
        forget: bool,
    },
}

/// Messages and answers, in the order they are to be sent.
pub struct Out<A> {
    /// Sync messages.
    pub sync: Vec<(PeerId, Vec<u8>)>,
    /// Peers whose message broke a rule: told why, dropped (their device waits a moment).
    pub refused: Vec<(PeerId, String)>,
    /// Peers to tell why and drop (their changes were not saved).
    pub failed: Vec<(PeerId, String)>,
    /// Answers to server-side changes: persisted or not.
    pub done: Vec<(A, bool)>,
    /// The workshop document changed on disk: its content now.
    pub workshop: Option<Workshop>,
    /// Many chunks: store this snapshot in their place, then call [`DocActor::compacted`].
    pub compact: Option<Vec<u8>>,
}

impl<A> Default for Out<A> {
    fn default() -> Self {
        Self {
            sync: Vec::new(),
            refused: Vec::new(),
            failed: Vec::new(),
            done: Vec::new(),
            workshop: None,
            compact: None,
        }
    }
}

/// What a batch left to finish once storage has answered.
struct Pending<A> {
    writers: Vec<PeerId>,
    applied: Vec<A>,
    merges: Vec<(Vec<u8>, bool)>,
    heads: Vec<ChangeHash>,
}

/// One open document: its peers' sync states, what is on disk, the rules writers keep to.
pub struct DocActor<A> {
    doc_id: DocumentId,
    hub: DocHub,
    is_workshop: bool,
    workshop_id: String,
    rules: WriteRules,
    /// The heads of what is on disk.
    persisted: Vec<ChangeHash>,
    /// Bytes the document takes in storage.
    stored: u64,
    max_bytes: u64,
    pending: Option<Pending<A>>,
}

impl<A> DocActor<A> {
    /// A document loaded from storage (`stored` bytes there), of the kind and workshop its
    /// record names: what it is comes from the server's records, its content is the writers'.
    pub fn new(
        doc_id: DocumentId,
        doc: AutoCommit,
        stored: u64,
        kind: &DocKind,
        workshop_id: String,
        max_bytes: u64,
    ) -> Self {
        let mut hub = DocHub::new(doc);
        let persisted = hub.heads();
        Self {
            doc_id,
            hub,
            is_workshop: *kind == DocKind::Workshop,
            workshop_id,
            rules: WriteRules::for_kind(kind),
            persisted,
            stored,
            max_bytes,
            pending: None,
        }
    }

    /// A peer dropped by the IO side (its queue overflowed).
    pub fn detach(&mut self, peer: &PeerId) {
        self.hub.detach(peer);
    }

    /// Take one batch of commands.
    pub fn take<C>(&mut self, batch: impl IntoIterator<Item = Input<A, C>>) -> Step<A> {
        debug_assert!(
            self.pending.is_none(),
            "take before the last batch was finished"
        );
        let mut out = Out::default();
        let mut writers: Vec<PeerId> = Vec::new();
        let mut merges = Vec::new();
        let mut applied = Vec::new();
        let mut panicked = false;
        for cmd in batch {
            match cmd {
                Input::Apply { change, time, done } => {
                    if change(self.hub.doc_mut()) {
                        stamp::commit(self.hub.doc_mut(), &Stamp { device: None, time });
                    }
                    applied.push(done);
                }
                Input::Read(f) => f(self.hub.doc()),
                Input::Merge { bytes, whole } => merges.push((bytes, whole)),
                Input::Close { reason } => {
                    return Step::Stop {
                        out,
                        reason,
                        forget: false,
                    };
                }
                Input::CloseWorkshop {
                    workshop_id,
                    reason,
                } => {
                    if *workshop_id == *self.workshop_id {
                        return Step::Stop {
                            out,
                            reason: reason.to_string(),
                            forget: true,
                        };
                    }
                }
                Input::Attach { peer, access, .. } => {
                    // An append-only peer keeps to the append-only rules, whatever the kind.
                    let rules = if access == Access::Append {
                        WriteRules::Append
                    } else {
                        self.rules
                    };
                    self.hub.attach_with_rules(peer, access, rules);
                }
                Input::Detach { peer } => self.hub.detach(&peer),
                Input::Receive {
                    peer,
                    data,
                    frozen,
                    quota,
                } => {
                    let allow = |n| quota.map_or(Ok(()), |q| q(n));
                    match self.hub.receive_within(&peer, &data, frozen, allow) {
                        Ok(true) => writers.push(peer),
                        Ok(false) => {}
                        Err(SyncError::Closed) => {
                            // Not a broken rule: the device wrote before it learnt of the close.
                            // It is told and dropped without a wait, keeps its text, and holds it
                            // back until the facilitator reopens.
                            self.hub.detach(&peer);
                            out.failed.push((peer, SyncError::Closed.to_string()));
                        }
                        Err(e) => {
                            panicked |= e == SyncError::Crashed;
                            tracing::info!(doc = %self.doc_id, error = %e, "sync message refused");
                            self.hub.detach(&peer);
                            out.refused.push((peer, e.to_string()));
                        }
                    }
                }
            }
        }
        let heads = self.hub.heads();
        let pending = Pending {
            writers,
            applied,
            merges,
            heads,
        };
        if panicked {
            // The in-memory document may be half-changed: never save it; go back to what is
            // on disk, as after a failed write.
            self.pending = Some(pending);
            return Step::Reload {
                out,
                reason: "a sync message could not be processed".into(),
            };
        }
        if pending.heads == self.persisted {
            return Step::Done(self.finish(pending, out));
        }
        let chunk = self.hub.save_after(&self.persisted);
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        if self.stored.saturating_add(len) > self.max_bytes {
            self.pending = Some(pending);
            return Step::Reload {
                out,
                reason: format!(
                    "the document would be larger than the server's limit of {} bytes",
                    self.max_bytes
                ),
            };
        }
        // The other peers get the batch now, before the fsync; its writers are answered once
        // it is on disk, so "synced" on a writer's screen still means "on the server's disk".
        out.sync = self.hub.outgoing_except(&pending.writers);
        self.pending = Some(pending);
        Step::Persist { out, chunk }
    }

    /// Storage answered the append: `Ok((chunks, bytes))` the document's chunk count and size
    /// afterwards, or why it failed (then reload and call [`Self::reloaded`]).
    pub fn persisted(&mut self, result: Result<(u64, u64), String>) -> Result<Out<A>, String> {
        let Some(pending) = self.pending.take() else {
            return Ok(Out::default());
        };
        match result {
            Ok((chunks, total)) => {
                self.stored = total;
                self.persisted.clone_from(&pending.heads);
                let mut out = Out::default();
                if self.is_workshop {
                    match doc::read_workshop(self.hub.doc()) {
                        Ok(w) => out.workshop = Some(w),
                        Err(e) => {
                            tracing::warn!(doc = %self.doc_id, error = %e, "workshop document unreadable");
                        }
                    }
                }
                if chunks > COMPACT_AFTER {
                    out.compact = Some(self.hub.doc_mut().save());
                }
                Ok(self.finish(pending, out))
            }
            Err(reason) => {
                self.pending = Some(pending);
                Err(reason)
            }
        }
    }

    /// After a failed or refused batch: the document as storage has it (or why it could not
    /// be read: then every peer must be told and the actor stops, `None`). The batch's writers
    /// are told their changes were not saved; their clients keep the edits and retry.
    pub fn reloaded(
        &mut self,
        reason: &str,
        loaded: Result<(AutoCommit, u64), String>,
    ) -> Option<Out<A>> {
        let mut pending = self.pending.take()?;
        tracing::error!(doc = %self.doc_id, error = %reason, "changes not saved");
        let (doc, size) = match loaded {
            Ok(loaded) => loaded,
            Err(e) => {
                tracing::error!(doc = %self.doc_id, error = %e, "reload failed");
                return None;
            }
        };
        self.hub.replace_doc(doc);
        self.stored = size;
        let mut out = Out::default();
        for w in pending.writers.drain(..) {
            self.hub.detach(&w);
            out.failed
                .push((w, format!("your changes were not saved: {reason}")));
        }
        self.persisted = self.hub.heads();
        out.done = pending.applied.drain(..).map(|a| (a, false)).collect();
        Some(self.finish(pending, out))
    }

    /// Storage replaced the chunks with the snapshot (`Ok(bytes)`), or kept them.
    pub fn compacted(&mut self, result: Result<u64, String>) {
        match result {
            Ok(size) => self.stored = size,
            // The incremental chunks are still there: nothing lost, compaction retried later.
            Err(e) => tracing::warn!(doc = %self.doc_id, error = %e, "compaction failed"),
        }
    }

    /// The end of every batch: answer the server-side changes, merge what other instances
    /// stored, and send every peer what it needs now.
    fn finish(&mut self, pending: Pending<A>, mut out: Out<A>) -> Out<A> {
        out.done
            .extend(pending.applied.into_iter().map(|a| (a, true)));
        if !pending.merges.is_empty() {
            for (bytes, whole) in pending.merges {
                match samtal_shared::guard::load_incremental(self.hub.doc_mut(), &bytes) {
                    Ok(_) => {
                        let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                        self.stored = if whole {
                            len
                        } else {
                            self.stored.saturating_add(len)
                        };
                    }
                    Err(e) => {
                        tracing::warn!(doc = %self.doc_id, error = %e, "another instance's change unreadable");
                    }
                }
            }
            self.persisted = self.hub.heads();
        }
        out.sync.extend(self.hub.outgoing());
        out
    }
}
