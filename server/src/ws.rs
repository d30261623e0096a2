//! One WebSocket connection: frames in → shared protocol state machine → document actors;
//! actor output → frames out. Any protocol violation closes this connection only, with a
//! protocol `error` message and a close reason.

use crate::AppState;
use crate::hub::{CONNECTION_QUEUE, ConnHandle, DocCmd, Outbound};
use crate::live::ConnectionSlot;
use crate::workshops::blocking;
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, close_code};
use futures_util::{SinkExt, StreamExt};
use samtal_shared::DocumentId;
use samtal_shared::Message;
use samtal_shared::roles::{Access, DocKind};
use samtal_shared::session::SessionInfo;
use samtal_shared::sync::{ServerConnection, ServerInbound};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Notify, mpsc};

/// Why the connection ends.
enum End {
    /// Client left or the socket closed.
    Gone,
    /// Send a protocol error and close with this reason.
    Fail(u16, String),
}

pub async fn serve(
    socket: WebSocket,
    state: Arc<AppState>,
    info: SessionInfo,
    mut slot: ConnectionSlot,
) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Outbound>(CONNECTION_QUEUE);
    let handle = ConnHandle {
        tx,
        kill: Arc::new(Notify::new()),
    };
    let mut kinds: HashMap<DocumentId, DocKind> = info.docs.iter().cloned().collect();
    let mut conn = ServerConnection::new(state.server_peer.clone());
    let mut attached: HashMap<DocumentId, mpsc::Sender<DocCmd>> = HashMap::new();
    let mut shutdown = state.shutdown.clone();
    let max_frame = state.settings.max_frame_bytes;
    tracing::debug!(role = info.role.name(), workshop = %info.workshop_id, "sync connection opened");

    let end = loop {
        tokio::select! {
            frame = stream.next() => {
                let bytes = match frame {
                    Some(Ok(WsMessage::Binary(b))) => b,
                    Some(Ok(WsMessage::Text(_))) => break End::Fail(close_code::UNSUPPORTED, "text frames are not part of the protocol; send CBOR in binary frames".into()),
                    Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => continue,
                    Some(Ok(WsMessage::Close(_))) | None => break End::Gone,
                    Some(Err(e)) => break End::Fail(close_code::SIZE, format!("connection error: {e}")),
                };
                if bytes.len() > max_frame {
                    break End::Fail(close_code::SIZE, format!("frame of {} bytes is over the limit of {max_frame} bytes", bytes.len()));
                }
                match conn.receive(&bytes) {
                    Err(e) => break End::Fail(close_code::PROTOCOL, e.to_string()),
                    Ok(ServerInbound::Reply(m)) => {
                        if sink.send(WsMessage::Binary(m.encode().into())).await.is_err() {
                            break End::Gone;
                        }
                    }
                    Ok(ServerInbound::Doc { document_id, data }) => {
                        let Some(peer) = conn.remote().cloned() else { break End::Fail(close_code::PROTOCOL, "join first".into()) };
                        slot.touch();
                        let doc = match attached.get(&document_id) {
                            Some(d) => d.clone(),
                            None => {
                                if !kinds.contains_key(&document_id) {
                                    // A group added since this connection opened: look again.
                                    let id = info.workshop_id.clone();
                                    if let Ok(docs) = blocking(&state, move |s| s.workshop_docs(&id)).await {
                                        kinds = docs.into_iter().map(|d| (d.doc_id, d.kind)).collect();
                                    }
                                }
                                let Some(kind) = kinds.get(&document_id) else {
                                    break End::Fail(close_code::POLICY, format!("document {document_id} is not part of this link's workshop"));
                                };
                                let access = info.role.access(kind);
                                if access == Access::None {
                                    break End::Fail(close_code::POLICY, format!("this link may not open document {document_id}"));
                                }
                                let d = state.hub.handle(document_id);
                                if d.send(DocCmd::Attach { peer: peer.clone(), access, conn: handle.clone() }).await.is_err() {
                                    break End::Fail(close_code::ERROR, "the document is not available right now".into());
                                }
                                attached.insert(document_id, d.clone());
                                d
                            }
                        };
                        if doc.send(DocCmd::Receive { peer, data }).await.is_err() {
                            break End::Fail(close_code::ERROR, "the document is not available right now".into());
                        }
                    }
                    Ok(ServerInbound::Leave) => break End::Gone,
                    Ok(ServerInbound::Ephemeral { .. } | ServerInbound::Ignore) => {}
                }
            }
            out = rx.recv() => {
                match out {
                    Some(Outbound::Sync { doc, data }) => {
                        let Some(m) = conn.sync_message(doc, data) else { continue };
                        if sink.send(WsMessage::Binary(m.encode().into())).await.is_err() {
                            break End::Gone;
                        }
                    }
                    Some(Outbound::Fail { reason }) => break End::Fail(close_code::POLICY, reason),
                    None => break End::Gone,
                }
            }
            reason = slot.closed.recv() => {
                break End::Fail(close_code::POLICY, reason.unwrap_or_else(|| "closed by the server".into()));
            }
            () = handle.kill.notified() => {
                break End::Fail(close_code::AGAIN, "the connection fell too far behind; reconnect".into());
            }
            _ = shutdown.changed() => {
                break End::Fail(close_code::AWAY, "the server is restarting; reconnect in a moment".into());
            }
        }
    };

    if let Some(peer) = conn.remote().cloned() {
        for doc in attached.values() {
            let _ = doc.send(DocCmd::Detach { peer: peer.clone() }).await;
        }
    }
    if let End::Fail(code, reason) = end {
        tracing::info!(role = info.role.name(), %reason, "closing sync connection");
        let error = Message::Error {
            message: reason.clone(),
        };
        let _ = sink.send(WsMessage::Binary(error.encode().into())).await;
        // Close reasons are limited to 123 bytes.
        let mut short = reason;
        while short.len() > 120 {
            short.pop();
        }
        let _ = sink
            .send(WsMessage::Close(Some(CloseFrame {
                code,
                reason: short.into(),
            })))
            .await;
    }
    let _ = sink.close().await;
}
