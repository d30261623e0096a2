//! One actor task per open document. It owns the document and every peer's sync state,
//! batches what arrives, persists new changes (one transaction, fsync'd) and only then answers
//! the writers — so no writer ever sees heads that are not on disk. What to send and store is
//! decided by [`actor::DocActor`] (sans IO); the task here moves bytes and awaits storage.

mod actor;
#[cfg(test)]
mod tests;

pub use actor::Quota;
use actor::{DocActor, Input, Out, Step};

use crate::storage::{DocRecord, Storage};
use automerge::AutoCommit;
use samtal_shared::DocumentId;
use samtal_shared::PeerId;
use samtal_shared::doc::Workshop;
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

/// What a document's actor is sent: an [`Input`] whose server-side changes are answered on a
/// oneshot channel and whose peers' messages go to a [`ConnHandle`].
pub type DocCmd = Input<oneshot::Sender<bool>, ConnHandle>;

/// Send what a batch produced, in order: refusals, failures, sync messages (a connection whose
/// queue is full is dropped from the document: it reconnects and catches up), answers to
/// server-side changes. Returns the workshop document's new content, if it changed.
fn deliver(
    doc_id: DocumentId,
    actor: &mut DocActor<oneshot::Sender<bool>>,
    conns: &mut HashMap<PeerId, ConnHandle>,
    out: Out<oneshot::Sender<bool>>,
) -> Option<Workshop> {
    for (peer, reason) in out.refused {
        if let Some(c) = conns.remove(&peer) {
            c.send(Outbound::Refused { reason });
        }
    }
    for (peer, reason) in out.failed {
        if let Some(c) = conns.remove(&peer) {
            c.send(Outbound::Fail { reason });
        }
    }
    for (peer, data) in out.sync {
        let ok = conns
            .get(&peer)
            .is_some_and(|c| c.send(Outbound::Sync { doc: doc_id, data }));
        if !ok {
            actor.detach(&peer);
            conns.remove(&peer);
        }
    }
    for (done, ok) in out.done {
        let _ = done.send(ok);
    }
    out.workshop
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
            time: i64::try_from(crate::clock::now_secs()).unwrap_or(0),
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

    /// How many documents are open in memory (the metrics).
    pub fn open_documents(&self) -> usize {
        self.docs.lock().map_or(0, |d| d.len())
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
        let (record, doc, stored) = match loaded {
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
        let mut actor = DocActor::new(
            doc_id,
            doc,
            stored,
            &record.kind,
            record.workshop_id.clone(),
            self.max_doc_bytes,
        );
        let mut conns: HashMap<PeerId, ConnHandle> = HashMap::new();
        let mut batch = Vec::with_capacity(MAX_BATCH);
        let unreadable = loop {
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
                break false;
            }
            for cmd in &batch {
                match cmd {
                    DocCmd::Attach { peer, conn, .. } => {
                        conns.insert(peer.clone(), conn.clone());
                    }
                    DocCmd::Detach { peer } => {
                        conns.remove(peer);
                    }
                    _ => {}
                }
            }
            let out = match actor.take(batch.drain(..)) {
                Step::Done(out) => out,
                Step::Stop {
                    out,
                    reason,
                    forget,
                } => {
                    deliver(doc_id, &mut actor, &mut conns, out);
                    if forget {
                        self.forget(&doc_id);
                    }
                    for c in conns.values() {
                        c.send(Outbound::Fail {
                            reason: reason.clone(),
                        });
                    }
                    return;
                }
                Step::Persist { out, chunk } => {
                    deliver(doc_id, &mut actor, &mut conns, out);
                    match actor.persisted(self.append(doc_id, chunk).await) {
                        Ok(mut out) => {
                            if let Some(snapshot) = out.compact.take() {
                                actor.compacted(self.compact(doc_id, snapshot).await);
                            }
                            out
                        }
                        Err(reason) => match self.reload(doc_id, &mut actor, &reason).await {
                            Some(out) => out,
                            None => break true,
                        },
                    }
                }
                Step::Reload { out, reason } => {
                    deliver(doc_id, &mut actor, &mut conns, out);
                    match self.reload(doc_id, &mut actor, &reason).await {
                        Some(out) => out,
                        None => break true,
                    }
                }
            };
            if let Some(workshop) = deliver(doc_id, &mut actor, &mut conns, out) {
                let _ = self.workshop_changes.send(WorkshopChanged {
                    workshop_id: record.workshop_id.clone(),
                    workshop,
                });
            }
        };
        if unreadable {
            // Not even what is on disk could be read back: the peers reconnect to a fresh actor.
            for c in conns.values() {
                c.send(Outbound::Fail {
                    reason: "the server could not save; reconnect".into(),
                });
            }
        }
        self.forget(&doc_id);
    }

    /// Nothing of a batch was kept: back to what is on disk (`None`: not even that could be
    /// read; the actor stops).
    async fn reload(
        &self,
        doc_id: DocumentId,
        actor: &mut DocActor<oneshot::Sender<bool>>,
        reason: &str,
    ) -> Option<Out<oneshot::Sender<bool>>> {
        let loaded = self.load(doc_id).await;
        actor.reloaded(reason, loaded)
    }

    /// Append one chunk (fsync'd on return): the document's chunk count and bytes afterwards.
    async fn append(&self, doc_id: DocumentId, chunk: Vec<u8>) -> Result<(u64, u64), String> {
        let storage = Arc::clone(&self.storage);
        let started = std::time::Instant::now();
        let written = tokio::task::spawn_blocking(move || {
            storage
                .append_chunk(&doc_id, &chunk)
                .map_err(|e| e.to_string())
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
        crate::metrics::storage_write(started.elapsed().as_secs_f64(), written.is_ok());
        written
    }

    /// Replace the document's chunks with one snapshot: its size.
    async fn compact(&self, doc_id: DocumentId, snapshot: Vec<u8>) -> Result<u64, String> {
        let size = u64::try_from(snapshot.len()).unwrap_or(u64::MAX);
        let storage = Arc::clone(&self.storage);
        tokio::task::spawn_blocking(move || storage.compact(&doc_id, &snapshot))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        Ok(size)
    }
}
