//! One actor task per open document. It owns the document and every peer's sync state,
//! batches what arrives, persists new changes (one transaction, fsync'd) and only then sends
//! sync messages — so no peer ever sees heads that are not on disk.

use crate::storage::{DocRecord, Storage};
use automerge::AutoCommit;
use samtal_shared::DocumentId;
use samtal_shared::PeerId;
use samtal_shared::doc::{self, Workshop};
use samtal_shared::policy::WriteRules;
use samtal_shared::roles::{Access, DocKind};
use samtal_shared::stamp;
use samtal_shared::sync::{DocHub, SyncError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc, oneshot};

/// Queue depth of one connection's outbound messages; a client that stops reading is dropped.
pub const CONNECTION_QUEUE: usize = 1024;
/// Bytes of sync data queued for one connection before it is dropped (with the count above,
/// this bounds what a client that stops reading can make the server hold).
pub const CONNECTION_QUEUE_BYTES: usize = 8 * 1024 * 1024;
/// Commands queued for one document before senders wait.
const DOC_QUEUE: usize = 1024;
/// Most commands handled before one persist.
const MAX_BATCH: usize = 512;
/// Fold incremental chunks into one snapshot after this many.
const COMPACT_AFTER: u64 = 64;

/// What a document actor sends to a connection.
#[derive(Debug)]
pub enum Outbound {
    Sync {
        doc: DocumentId,
        data: Vec<u8>,
    },
    /// Send a protocol error with this reason and close the connection.
    Fail {
        reason: String,
    },
    /// The connection's sync message was refused (a rule or its role forbids it): like
    /// `Fail`, and its device waits before it may join again.
    Refused {
        reason: String,
    },
}

/// A connection as seen by document actors.
#[derive(Clone)]
pub struct ConnHandle {
    pub tx: mpsc::Sender<Outbound>,
    /// Notified when the connection must close because its queue overflowed.
    pub kill: Arc<Notify>,
    /// Bytes of sync data in `tx` (the connection subtracts what it takes out).
    pub queued: Arc<AtomicUsize>,
}

impl ConnHandle {
    pub fn new(tx: mpsc::Sender<Outbound>) -> Self {
        Self {
            tx,
            kill: Arc::new(Notify::new()),
            queued: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn send(&self, msg: Outbound) -> bool {
        let bytes = match &msg {
            Outbound::Sync { data, .. } => data.len(),
            Outbound::Fail { .. } | Outbound::Refused { .. } => 0,
        };
        let before = self.queued.fetch_add(bytes, Ordering::Relaxed);
        if before.saturating_add(bytes) > CONNECTION_QUEUE_BYTES || self.tx.try_send(msg).is_err() {
            self.queued.fetch_sub(bytes, Ordering::Relaxed);
            self.kill.notify_one();
            return false;
        }
        true
    }

    /// The connection took a message of this many bytes out of the queue.
    pub fn taken(&self, bytes: usize) {
        self.queued.fetch_sub(bytes, Ordering::Relaxed);
    }
}

pub enum DocCmd {
    Attach {
        peer: PeerId,
        access: Access,
        conn: ConnHandle,
    },
    Receive {
        peer: PeerId,
        data: Vec<u8>,
    },
    Detach {
        peer: PeerId,
    },
    /// A change made by the server itself (structure for new questions, groups…). `done`
    /// gets whether it was persisted (true also when nothing needed to change).
    Apply {
        change: Box<dyn FnOnce(&mut AutoCommit) -> bool + Send>,
        done: oneshot::Sender<bool>,
    },
    /// Read the document (the closure sends its result on its own channel).
    Read(Box<dyn FnOnce(&AutoCommit) + Send>),
    /// The document was erased: tell every peer and stop.
    Close {
        reason: String,
    },
    /// A workshop was erased (on another instance): if this document is one of its, tell
    /// every peer and stop.
    CloseWorkshop {
        workshop_id: Arc<str>,
        reason: Arc<str>,
    },
    /// Another server instance committed these chunks (or, `whole`, this is the whole stored
    /// document): merge them and pass them on. They are durable already.
    Merge {
        bytes: Vec<u8>,
        whole: bool,
    },
}

/// Queue sync messages for their connections; a connection whose queue is full is dropped
/// from the document (it reconnects and catches up).
fn deliver(
    doc_id: DocumentId,
    hub: &mut DocHub,
    conns: &mut HashMap<PeerId, ConnHandle>,
    messages: Vec<(PeerId, Vec<u8>)>,
) {
    for (peer, data) in messages {
        let ok = conns
            .get(&peer)
            .is_some_and(|c| c.send(Outbound::Sync { doc: doc_id, data }));
        if !ok {
            hub.detach(&peer);
            conns.remove(&peer);
        }
    }
}

/// A workshop document changed on disk (the reconciler mirrors it and creates structure).
#[derive(Debug, Clone)]
pub struct WorkshopChanged {
    /// The workshop the document belongs to, from storage's records.
    pub workshop_id: String,
    /// The document's content as it is now.
    pub workshop: Workshop,
}

/// All open documents.
pub struct Hub {
    storage: Arc<dyn Storage>,
    docs: Mutex<HashMap<DocumentId, mpsc::Sender<DocCmd>>>,
    max_doc_bytes: u64,
    /// How long a document nobody has open stays in memory.
    idle: Duration,
    workshop_changes: mpsc::UnboundedSender<WorkshopChanged>,
}

/// The hub could not answer (document missing, failed to load, or erased meanwhile).
#[derive(Debug, thiserror::Error)]
#[error("the document is not available")]
pub struct Unavailable;

impl Hub {
    /// The hub and the stream of workshop-document changes it reports.
    pub fn new(
        storage: Arc<dyn Storage>,
        max_doc_bytes: usize,
        idle: Duration,
    ) -> (Self, mpsc::UnboundedReceiver<WorkshopChanged>) {
        let (workshop_changes, rx) = mpsc::unbounded_channel();
        let hub = Self {
            storage,
            docs: Mutex::new(HashMap::new()),
            max_doc_bytes: u64::try_from(max_doc_bytes).unwrap_or(u64::MAX),
            idle,
            workshop_changes,
        };
        (hub, rx)
    }

    /// Read a document through its actor.
    pub async fn read<T: Send + 'static>(
        self: &Arc<Self>,
        doc: DocumentId,
        f: impl FnOnce(&AutoCommit) -> T + Send + 'static,
    ) -> Result<T, Unavailable> {
        let (tx, rx) = oneshot::channel();
        let cmd = DocCmd::Read(Box::new(move |d| {
            let _ = tx.send(f(d));
        }));
        self.handle(doc).send(cmd).await.map_err(|_| Unavailable)?;
        rx.await.map_err(|_| Unavailable)
    }

    /// Make a server-side change to a document; returns once it is on disk.
    pub async fn apply(
        self: &Arc<Self>,
        doc: DocumentId,
        change: impl FnOnce(&mut AutoCommit) -> bool + Send + 'static,
    ) -> Result<bool, Unavailable> {
        let (done, rx) = oneshot::channel();
        let cmd = DocCmd::Apply {
            change: Box::new(change),
            done,
        };
        self.handle(doc).send(cmd).await.map_err(|_| Unavailable)?;
        rx.await.map_err(|_| Unavailable)
    }

    /// Stop a document's actor (if running), telling its peers why.
    pub async fn close(&self, doc: DocumentId, reason: &str) {
        let tx = self.open().remove(&doc);
        if let Some(tx) = tx {
            let _ = tx
                .send(DocCmd::Close {
                    reason: reason.to_owned(),
                })
                .await;
        }
    }

    /// The actor for a document, started (and loading) if it is not running.
    pub fn handle(self: &Arc<Self>, doc: DocumentId) -> mpsc::Sender<DocCmd> {
        let mut docs = self.open();
        if let Some(tx) = docs.get(&doc)
            && !tx.is_closed()
        {
            return tx.clone();
        }
        let (tx, rx) = mpsc::channel(DOC_QUEUE);
        docs.insert(doc, tx.clone());
        let hub = Arc::clone(self);
        tokio::spawn(async move { hub.run(doc, rx).await });
        tx
    }

    /// A workshop was erased elsewhere: every open document of it leaves memory now (their
    /// peers are told why). Storage no longer knows which documents were its, so each actor
    /// checks its own record.
    pub fn close_workshop(&self, workshop_id: &str, reason: &str) {
        let (workshop_id, reason): (Arc<str>, Arc<str>) = (workshop_id.into(), reason.into());
        let open: Vec<mpsc::Sender<DocCmd>> = self.open().values().cloned().collect();
        for tx in open {
            // A full queue: that actor is busy; the command waits in a task of its own.
            let cmd = DocCmd::CloseWorkshop {
                workshop_id: Arc::clone(&workshop_id),
                reason: Arc::clone(&reason),
            };
            if let Err(mpsc::error::TrySendError::Full(cmd)) = tx.try_send(cmd) {
                tokio::spawn(async move {
                    let _ = tx.send(cmd).await;
                });
            }
        }
    }

    /// Another instance committed a change (several instances on one Postgres): the document
    /// — if open here — reads chunk `chunk`, or, with `None` for all open documents, the
    /// whole stored document, and passes it on to its peers.
    pub fn changed_elsewhere(&self, changed: Option<(DocumentId, u64)>) {
        let open: Vec<(DocumentId, Option<u64>, mpsc::Sender<DocCmd>)> = {
            let docs = self.open();
            match changed {
                Some((doc, chunk)) => docs
                    .get(&doc)
                    .map(|tx| vec![(doc, Some(chunk), tx.clone())])
                    .unwrap_or_default(),
                None => docs
                    .iter()
                    .map(|(doc, tx)| (*doc, None, tx.clone()))
                    .collect(),
            }
        };
        for (doc, chunk, tx) in open {
            let storage = Arc::clone(&self.storage);
            tokio::task::spawn_blocking(move || {
                let read = match chunk.map(|c| storage.load_chunk(&doc, c)) {
                    Some(Ok(Some(bytes))) => Ok(Some((bytes, false))),
                    // Not there any more (compacted), or a full re-read was asked for.
                    Some(Ok(None)) | None => storage.load_doc(&doc).map(|b| b.map(|b| (b, true))),
                    Some(Err(e)) => Err(e),
                };
                match read {
                    Ok(Some((bytes, whole))) => {
                        let _ = tx.blocking_send(DocCmd::Merge { bytes, whole });
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::warn!(doc = %doc, error = %e, "could not read another instance's change");
                    }
                }
            });
        }
    }

    /// Documents held in memory now.
    pub fn open_docs(&self) -> usize {
        self.open().len()
    }

    fn forget(&self, doc: &DocumentId) {
        self.open().remove(doc);
    }

    /// The open documents' actors. A panic while the lock was held leaves the map itself
    /// intact (each change to it is one map operation), so a poisoned lock is used as is.
    fn open(&self) -> std::sync::MutexGuard<'_, HashMap<DocumentId, mpsc::Sender<DocCmd>>> {
        self.docs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The document and the bytes it takes in storage.
    async fn load(&self, doc: DocumentId) -> Result<(AutoCommit, u64), String> {
        let storage = Arc::clone(&self.storage);
        let bytes = tokio::task::spawn_blocking(move || storage.load_doc(&doc))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "document not found in storage".to_owned())?;
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        Ok((
            samtal_shared::guard::load(&bytes).map_err(|e| e.to_string())?,
            size,
        ))
    }

    /// What the document is, from storage's records.
    async fn record(&self, doc: DocumentId) -> Result<DocRecord, String> {
        let storage = Arc::clone(&self.storage);
        tokio::task::spawn_blocking(move || storage.doc_record(&doc))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?
            .ok_or_else(|| "document not found in storage".to_owned())
    }

    async fn run(self: Arc<Self>, doc_id: DocumentId, mut rx: mpsc::Receiver<DocCmd>) {
        let loaded = match self.record(doc_id).await {
            Ok(record) => self
                .load(doc_id)
                .await
                .map(|(doc, size)| (record, doc, size)),
            Err(e) => Err(e),
        };
        let (record, doc, mut stored) = match loaded {
            Ok(loaded) => loaded,
            Err(e) => {
                tracing::error!(doc = %doc_id, error = %e, "could not load document");
                self.forget(&doc_id);
                rx.close();
                while let Some(cmd) = rx.recv().await {
                    if let DocCmd::Attach { conn, .. } = cmd {
                        conn.send(Outbound::Fail {
                            reason: "the document could not be loaded on the server".into(),
                        });
                    }
                }
                return;
            }
        };
        // What the document is comes from the server's records: its content is the writers'.
        let is_workshop = record.kind == DocKind::Workshop;
        let rules = WriteRules::for_kind(&record.kind);
        let mut hub = DocHub::new(doc);
        let mut conns: HashMap<PeerId, ConnHandle> = HashMap::new();
        let mut persisted = hub.heads();
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let mut closing: Option<String> = None;
        loop {
            if closing.is_some() {
                break;
            }
            let received = if conns.is_empty() {
                // Nobody has the document open: after a quiet while, free its memory. It is all
                // on disk; the next command starts a fresh actor that loads it again.
                match tokio::time::timeout(self.idle, rx.recv_many(&mut batch, MAX_BATCH)).await {
                    Ok(n) => n,
                    Err(_) => {
                        self.forget(&doc_id);
                        rx.close();
                        // Whatever slipped in meanwhile goes to the next actor, in order.
                        while let Some(cmd) = rx.recv().await {
                            let _ = self.handle(doc_id).send(cmd).await;
                        }
                        tracing::debug!(doc = %doc_id, "idle document unloaded");
                        return;
                    }
                }
            } else {
                rx.recv_many(&mut batch, MAX_BATCH).await
            };
            if received == 0 {
                break;
            }
            let mut writers: Vec<PeerId> = Vec::new();
            let mut merges: Vec<(Vec<u8>, bool)> = Vec::new();
            let mut panicked = false;
            let mut applied: Vec<oneshot::Sender<bool>> = Vec::new();
            for cmd in batch.drain(..) {
                match cmd {
                    DocCmd::Apply { change, done } => {
                        if change(hub.doc_mut()) {
                            // The server's own changes (structure) carry the time, no label.
                            let stamp = stamp::Stamp {
                                device: None,
                                time: i64::try_from(crate::clock::now_secs()).unwrap_or(0),
                            };
                            stamp::commit(hub.doc_mut(), &stamp);
                        }
                        applied.push(done);
                    }
                    DocCmd::Read(f) => f(hub.doc()),
                    DocCmd::Merge { bytes, whole } => merges.push((bytes, whole)),
                    DocCmd::Close { reason } => {
                        closing = Some(reason);
                        break;
                    }
                    DocCmd::CloseWorkshop {
                        workshop_id,
                        reason,
                    } => {
                        if *workshop_id == *record.workshop_id {
                            self.forget(&doc_id);
                            closing = Some(reason.to_string());
                            break;
                        }
                    }
                    DocCmd::Attach { peer, access, conn } => {
                        hub.attach_with_rules(peer.clone(), access, rules);
                        conns.insert(peer, conn);
                    }
                    DocCmd::Detach { peer } => {
                        hub.detach(&peer);
                        conns.remove(&peer);
                    }
                    DocCmd::Receive { peer, data } => match hub.receive(&peer, &data) {
                        Ok(true) => writers.push(peer),
                        Ok(false) => {}
                        Err(e) => {
                            if e == SyncError::Crashed {
                                panicked = true;
                            }
                            tracing::info!(doc = %doc_id, error = %e, "sync message refused");
                            if let Some(c) = conns.remove(&peer) {
                                c.send(Outbound::Refused {
                                    reason: e.to_string(),
                                });
                            }
                            hub.detach(&peer);
                        }
                    },
                }
            }
            if closing.is_some() {
                break;
            }
            let heads = hub.heads();
            if panicked || heads != persisted {
                // After a panic the in-memory document may be half-changed: never save it; go
                // back to what is on disk, as after a failed write.
                let outcome = if panicked {
                    Err("a sync message could not be processed".to_owned())
                } else {
                    let chunk = hub.save_after(&persisted);
                    match self.fits(stored, &chunk) {
                        Err(reason) => Err(reason),
                        Ok(()) => {
                            // The other peers get the batch now, before the fsync: a copy on
                            // their side only adds redundancy (a batch the server refuses,
                            // like one over the size limit, never gets this far). Its writers
                            // are answered once it is on disk, so "synced" on a writer's
                            // screen still means "on the server's disk".
                            let messages = hub.outgoing_except(&writers);
                            deliver(doc_id, &mut hub, &mut conns, messages);
                            self.persist(doc_id, chunk, &mut hub, &mut stored).await
                        }
                    }
                };
                match outcome {
                    Ok(()) => {
                        persisted = heads;
                        if is_workshop {
                            match doc::read_workshop(hub.doc()) {
                                Ok(workshop) => {
                                    let _ = self.workshop_changes.send(WorkshopChanged {
                                        workshop_id: record.workshop_id.clone(),
                                        workshop,
                                    });
                                }
                                Err(e) => {
                                    tracing::warn!(doc = %doc_id, error = %e, "workshop document unreadable");
                                }
                            }
                        }
                        for done in applied.drain(..) {
                            let _ = done.send(true);
                        }
                    }
                    Err(reason) => {
                        // Nothing of this batch was acknowledged: go back to what is on disk
                        // and tell the writers; their clients keep the edits and retry.
                        tracing::error!(doc = %doc_id, error = %reason, "changes not saved");
                        match self.load(doc_id).await {
                            Ok((doc, size)) => {
                                hub.replace_doc(doc);
                                stored = size;
                            }
                            Err(e) => {
                                tracing::error!(doc = %doc_id, error = %e, "reload failed");
                                for c in conns.values() {
                                    c.send(Outbound::Fail {
                                        reason: "the server could not save; reconnect".into(),
                                    });
                                }
                                break;
                            }
                        }
                        for w in writers.drain(..) {
                            hub.detach(&w);
                            if let Some(c) = conns.remove(&w) {
                                c.send(Outbound::Fail {
                                    reason: format!("your changes were not saved: {reason}"),
                                });
                            }
                        }
                        persisted = hub.heads();
                        for done in applied.drain(..) {
                            let _ = done.send(false);
                        }
                    }
                }
            }
            for done in applied.drain(..) {
                let _ = done.send(true);
            }
            // Other instances' changes, merged after this batch is on disk: they are in
            // storage already, so they count as persisted (never written again from here).
            if !merges.is_empty() {
                for (bytes, whole) in merges.drain(..) {
                    match samtal_shared::guard::load_incremental(hub.doc_mut(), &bytes) {
                        Ok(_) => {
                            let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
                            stored = if whole {
                                len
                            } else {
                                stored.saturating_add(len)
                            };
                        }
                        Err(e) => {
                            tracing::warn!(doc = %doc_id, error = %e, "another instance's change unreadable");
                        }
                    }
                }
                persisted = hub.heads();
            }
            let messages = hub.outgoing();
            deliver(doc_id, &mut hub, &mut conns, messages);
        }
        if let Some(reason) = closing {
            for c in conns.values() {
                c.send(Outbound::Fail {
                    reason: reason.clone(),
                });
            }
        } else {
            self.forget(&doc_id);
        }
    }

    /// Refuse a chunk that would take the document past the size limit.
    fn fits(&self, stored: u64, chunk: &[u8]) -> Result<(), String> {
        let max = self.max_doc_bytes;
        let len = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        if stored.saturating_add(len) > max {
            return Err(format!(
                "the document would be larger than the server's limit of {max} bytes"
            ));
        }
        Ok(())
    }

    /// Write one chunk (fsync'd on return) and compact when there are many.
    async fn persist(
        &self,
        doc_id: DocumentId,
        chunk: Vec<u8>,
        hub: &mut DocHub,
        stored: &mut u64,
    ) -> Result<(), String> {
        let storage = Arc::clone(&self.storage);
        let (chunks, total) = tokio::task::spawn_blocking(move || {
            storage
                .append_chunk(&doc_id, &chunk)
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())??;
        *stored = total;
        if chunks > COMPACT_AFTER {
            let snapshot = hub.doc_mut().save();
            let size = u64::try_from(snapshot.len()).unwrap_or(u64::MAX);
            let storage = Arc::clone(&self.storage);
            let res = tokio::task::spawn_blocking(move || storage.compact(&doc_id, &snapshot))
                .await
                .map_err(|e| e.to_string())?;
            match res {
                Ok(()) => *stored = size,
                // The incremental chunks are still there: nothing lost, compaction retried later.
                Err(e) => tracing::warn!(doc = %doc_id, error = %e, "compaction failed"),
            }
        }
        Ok(())
    }
}
