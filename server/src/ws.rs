//! One WebSocket connection: frames in → shared protocol state machine → document actors;
//! actor output → frames out. Any protocol violation closes this connection only, with a
//! protocol `error` message and a close reason.

use crate::AppState;
use crate::blocking;
use crate::hub::{CONNECTION_QUEUE, ConnHandle, DocCmd, Outbound, Quota};
use crate::live::{self, ConnectionSlot};
use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, close_code};
use futures_util::{SinkExt, StreamExt};
use samtal_shared::DocumentId;
use samtal_shared::Message;
use samtal_shared::PeerId;
use samtal_shared::doc::Phase;
use samtal_shared::roles::{Access, DocKind, Role};
use samtal_shared::session::SessionInfo;
use samtal_shared::sync::{ServerConnection, ServerInbound};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Notify, mpsc};

/// Messages one connection may send: `rate` a second on average, `burst` at once (a
/// facilitator opening 50 groups sends a few hundred in its first second).
struct Bucket {
    tokens: f64,
    rate: f64,
    burst: f64,
    last: Instant,
}

impl Bucket {
    fn new(rate: u32) -> Self {
        let rate = f64::from(rate.max(1));
        Self {
            tokens: rate * 5.0,
            rate,
            burst: rate * 5.0,
            last: Instant::now(),
        }
    }

    fn take(&mut self, now: Instant) -> bool {
        let refill = now.saturating_duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

type Sink = futures_util::stream::SplitSink<WebSocket, WsMessage>;

/// Send one frame; a client that does not read for `timeout` is dropped, so a stalled reader
/// holds neither this task nor more than its bounded queue.
async fn send(
    sink: &mut Sink,
    frame: WsMessage,
    timeout: Duration,
    kill: &Notify,
) -> Result<(), End> {
    tokio::select! {
        sent = tokio::time::timeout(timeout, sink.send(frame)) => match sent {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_) => Err(End::Stalled),
        },
        // Its queue overflowed while this send waited: the client is not reading.
        () = kill.notified() => Err(End::Stalled),
    }
}

/// Why the connection ends.
enum End {
    /// Client left or the socket closed.
    Gone,
    /// Send a protocol error and close with this reason.
    Fail(u16, String),
    /// The client stopped reading; nothing more can be sent.
    Stalled,
    /// What the client sent was refused: close like `Fail` (policy) and make its device wait
    /// before it may join again.
    Refused(String),
}

/// How a device refused a moment ago is told to wait.
pub const REFUSED_WAIT: &str = "this device's changes were refused a moment ago";

/// Whether the workshop's catch-up window (its `access_until`, mirrored in storage) is over.
async fn catch_up_ended(state: &Arc<AppState>, workshop_id: &str) -> bool {
    let id = workshop_id.to_owned();
    match blocking(state, move |s| s.workshop(&id)).await {
        Ok(Some(row)) => row
            .access_until
            .is_some_and(|until| crate::clock::today() > until),
        // Erased meanwhile: the erase closes the connection itself.
        Ok(None) => false,
        // Storage unreachable: keep the connection; the next tick asks again.
        Err(_) => false,
    }
}

/// The workshop's phase now (within [`crate::phases::FRESH`]). Storage unreachable: the last phase
/// seen, or "not closed" (a write then fails on storage anyway, or is kept as any other).
async fn phase_of(state: &Arc<AppState>, workshop_id: &str) -> Phase {
    let last = state.phases.seen(workshop_id);
    if let Some((phase, true)) = last {
        return phase;
    }
    let id = workshop_id.to_owned();
    match blocking(state, move |s| s.workshop(&id)).await {
        Ok(Some(row)) => {
            let phase = Phase::parse(&row.phase).unwrap_or(Phase::Groups);
            state.phases.set(workshop_id, phase);
            phase
        }
        _ => last.map_or(Phase::Groups, |(p, _)| p),
    }
}

/// The next connection's id (see `me` in [`serve`]).
static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// Why a connection is closed for what it sent, in one word (the metrics); `None` for a
/// goodbye, an idle connection, a restart or a slow reader.
fn refusal_reason(end: &End) -> Option<&'static str> {
    match end {
        End::Refused(_) => Some("rules"),
        End::Fail(code, _) => match *code {
            close_code::POLICY => Some("policy"),
            close_code::PROTOCOL => Some("protocol"),
            close_code::SIZE => Some("size"),
            close_code::UNSUPPORTED => Some("unsupported"),
            _ => None,
        },
        _ => None,
    }
}

pub async fn serve(
    socket: WebSocket,
    state: Arc<AppState>,
    info: SessionInfo,
    mut slot: ConnectionSlot,
) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Outbound>(CONNECTION_QUEUE);
    let handle = ConnHandle::new(tx);
    let mut kinds: HashMap<DocumentId, DocKind> = info.docs.iter().cloned().collect();
    let mut conn = ServerConnection::new(state.server_peer.clone());
    // Document actors know this connection by an id the server gives it, never by the peer id
    // the client chose (two connections may claim the same one).
    let me = PeerId::new(format!(
        "connection-{}",
        NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed)
    ));
    let mut attached: HashMap<DocumentId, mpsc::Sender<DocCmd>> = HashMap::new();
    let mut shutdown = state.shutdown.clone();
    let max_frame = state.settings.max_frame_bytes;
    let send_timeout = Duration::from_secs(state.settings.send_timeout_secs.max(1));
    let mut bucket = Bucket::new(state.settings.max_messages_per_second);
    tracing::debug!(role = info.role.name(), workshop = %info.workshop_id, "sync connection opened");
    let settings = &state.settings;
    let join_timeout = Duration::from_secs(settings.join_timeout_secs.max(1));
    let join_deadline = tokio::time::Instant::now() + join_timeout;
    let idle_timeout = Duration::from_secs(settings.idle_timeout_secs.max(1));
    let ping_every = Duration::from_secs(settings.ping_secs.max(1));
    let mut ping = tokio::time::interval_at(tokio::time::Instant::now() + ping_every, ping_every);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_heard = Instant::now();
    let catch_up = info.role == samtal_shared::roles::Role::CatchUp;

    let end = loop {
        let joined = conn.remote().is_some();
        tokio::select! {
            () = tokio::time::sleep_until(join_deadline), if !joined => {
                break End::Fail(close_code::POLICY, format!("no `join` within {} seconds of connecting", join_timeout.as_secs()));
            }
            _ = ping.tick() => {
                if last_heard.elapsed() >= idle_timeout {
                    break End::Fail(close_code::AWAY, format!("nothing heard from this connection for {} seconds", idle_timeout.as_secs()));
                }
                // A catch-up link's window can end (or be moved earlier) while it is open.
                if catch_up && catch_up_ended(&state, &info.workshop_id).await {
                    break End::Fail(close_code::POLICY, live::CATCH_UP_ENDED.into());
                }
                if let Err(end) = send(&mut sink, WsMessage::Ping(Default::default()), send_timeout, &handle.kill).await {
                    break end;
                }
            }
            frame = stream.next() => {
                last_heard = Instant::now();
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
                if !bucket.take(Instant::now()) {
                    break End::Fail(close_code::POLICY, format!("too many messages: at most {} a second; reconnect and send fewer", state.settings.max_messages_per_second));
                }
                match conn.receive(&bytes) {
                    Err(e) => break End::Fail(close_code::PROTOCOL, e.to_string()),
                    Ok(ServerInbound::Reply(m)) => {
                        // Just joined: a device refused a moment ago waits before it is served
                        // again (stock clients reconnect every second and resend the same).
                        if !joined
                            && let Some(peer) = conn.remote()
                            && let Some(wait) = state.live.refused_wait(&info.workshop_id, slot.target(), peer.as_str())
                        {
                            break End::Fail(close_code::POLICY, format!("{REFUSED_WAIT}; wait {wait} s before reconnecting"));
                        }
                        if let Err(end) = send(&mut sink, WsMessage::Binary(conn.encode(&m).into()), send_timeout, &handle.kill).await {
                            break end;
                        }
                    }
                    Ok(ServerInbound::Doc { document_id, data }) => {
                        if conn.remote().is_none() { break End::Fail(close_code::PROTOCOL, "join first".into()) }
                        crate::metrics::sync_message();
                        let peer = me.clone();
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
                                    break End::Refused(format!("document {document_id} is not part of this link's workshop"));
                                };
                                let access = info.role.access(kind);
                                if access == Access::None {
                                    break End::Refused(format!("this link may not open document {document_id}"));
                                }
                                let d = state.hub.handle(document_id);
                                if d.send(DocCmd::Attach { peer: peer.clone(), access, conn: handle.clone() }).await.is_err() {
                                    break End::Fail(close_code::ERROR, "the document is not available right now".into());
                                }
                                attached.insert(document_id, d.clone());
                                d
                            }
                        };
                        // What a link may write can depend on the phase (a group's own notes
                        // are read-only once the workshop is closed): asked only where it can.
                        let frozen = match kinds.get(&document_id) {
                            Some(kind) if info.role != Role::Facilitator && info.role.access(kind) == Access::Write => {
                                let phase = phase_of(&state, &info.workshop_id).await;
                                info.role.access_in(kind, phase) < Access::Write
                            }
                            _ => false,
                        };
                        // What an append-only link may still add (questions an hour, per link).
                        let quota = match kinds.get(&document_id) {
                            Some(kind) if info.role.access(kind) == Access::Append => {
                                let (live, workshop, target) = (Arc::clone(&state.live), info.workshop_id.clone(), slot.target().to_owned());
                                Some(Box::new(move |n| live.take_questions(&workshop, &target, n)) as Quota)
                            }
                            _ => None,
                        };
                        if doc.send(DocCmd::Receive { peer, data, frozen, quota }).await.is_err() {
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
                        handle.taken(data.len());
                        let Some(m) = conn.sync_message(doc, data) else { continue };
                        if let Err(end) = send(&mut sink, WsMessage::Binary(conn.encode(&m).into()), send_timeout, &handle.kill).await {
                            break end;
                        }
                    }
                    Some(Outbound::Fail { reason }) => break End::Fail(close_code::POLICY, reason),
                    Some(Outbound::Refused { reason }) => break End::Refused(reason),
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

    for doc in attached.values() {
        let _ = doc.send(DocCmd::Detach { peer: me.clone() }).await;
    }
    if let Some(reason) = refusal_reason(&end) {
        crate::metrics::refusal(reason);
    }
    let end = match end {
        End::Refused(reason) => {
            if let Some(peer) = conn.remote() {
                state
                    .live
                    .refused(&info.workshop_id, slot.target(), peer.as_str());
            }
            End::Fail(close_code::POLICY, reason)
        }
        other => other,
    };
    if let End::Stalled = end {
        tracing::info!(
            role = info.role.name(),
            "dropping a sync connection that stopped reading"
        );
        return;
    }
    // The reason is worth a short wait, not a long one: the client may be the one not reading.
    let goodbye_timeout = send_timeout.min(Duration::from_secs(2));
    if let End::Fail(code, reason) = end {
        tracing::info!(role = info.role.name(), %reason, "closing sync connection");
        let error = Message::Error {
            message: reason.clone(),
        };
        if send(
            &mut sink,
            WsMessage::Binary(error.encode().into()),
            goodbye_timeout,
            &handle.kill,
        )
        .await
        .is_err()
        {
            return;
        }
        // Close reasons are limited to 123 bytes.
        let mut short = reason;
        while short.len() > 120 {
            short.pop();
        }
        let close = WsMessage::Close(Some(CloseFrame {
            code,
            reason: short.into(),
        }));
        if send(&mut sink, close, goodbye_timeout, &handle.kill)
            .await
            .is_err()
        {
            return;
        }
        // The closing handshake: read (and drop) what the client still sends until it answers
        // our close, so the kernel does not reset the connection over unread data and swallow
        // the reason (a flooding client, for one). Bounded by the goodbye timeout.
        let _ = tokio::time::timeout(goodbye_timeout, async {
            while let Some(Ok(frame)) = stream.next().await {
                if matches!(frame, WsMessage::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
    let _ = tokio::time::timeout(goodbye_timeout, sink.close()).await;
}

#[cfg(test)]
mod tests;
