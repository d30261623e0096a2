//! Issue 3, test 3: hostile input closes only the offending connection, with a reason, while a
//! well-behaved client keeps working.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::{SinkExt, StreamExt};
use samtal_server::settings::Settings;
use samtal_shared::doc::TextRef;
use samtal_shared::sync::ClientRepo;
use samtal_shared::{Message, PeerId};
use samtal_tests::*;
use tokio_tungstenite::tungstenite::Message as WsMessage;

const FRAME_LIMIT: usize = 64 * 1024;

async fn joined(server: &TestServer, token: &str) -> Ws {
    let mut ws = raw_socket(server.addr, token).await.unwrap();
    let join = ClientRepo::new(PeerId::new("hostile")).join_frame();
    ws.send(WsMessage::Binary(join.into())).await.unwrap();
    ws
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Send one frame and return the error the server answers with.
async fn refused(ws: &mut Ws, frame: Vec<u8>) -> String {
    ws.send(WsMessage::Binary(frame.into())).await.unwrap();
    expect_error(ws).await.unwrap()
}

/// A well-formed first sync message (from a peer with an empty document).
fn first_sync() -> Vec<u8> {
    automerge::sync::SyncDoc::generate_sync_message(
        &automerge::Automerge::new(),
        &mut automerge::sync::State::new(),
    )
    .unwrap()
    .encode()
}

fn request(document_id: samtal_shared::DocumentId) -> Message {
    Message::Request {
        document_id,
        sender_id: PeerId::new("hostile"),
        target_id: PeerId::new("server"),
        data: first_sync(),
    }
}

/// Join, ask for `doc`, and return the server's error.
async fn request_is_refused(
    server: &TestServer,
    token: &str,
    doc: samtal_shared::DocumentId,
) -> String {
    let mut ws = joined(server, token).await;
    refused(&mut ws, request(doc).encode()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_frames_close_only_their_connection() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().to_path_buf());
    settings.max_frame_bytes = FRAME_LIMIT;
    // One hostile peer id probes one thing after another here: no wait between refusals
    // (the wait itself: `trust::a_refused_device_waits_before_it_may_join_again`).
    settings.refused_wait_secs = 0;
    let server = TestServer::start_with(settings).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let other = server.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);
    let field = TextRef::Answer {
        question_id: "q1".into(),
    };

    // The well-behaved client, connected throughout.
    let mut good = NativeClient::connect(server.addr, &token, "good")
        .await
        .unwrap();
    let doc = good.group_doc().unwrap();

    // 1. Garbage bytes.
    let mut ws = raw_socket(server.addr, &token).await.unwrap();
    let reason = refused(&mut ws, vec![0xff, 0x00, 0x13, 0x37]).await;
    assert!(reason.contains("CBOR"), "{reason}");

    // 2. A truncated CBOR frame.
    let mut ws = joined(&server, &token).await;
    let sync = Message::Sync {
        document_id: doc,
        sender_id: PeerId::new("hostile"),
        target_id: PeerId::new("server"),
        data: vec![0x42; 40],
    }
    .encode();
    let reason = refused(&mut ws, sync[..sync.len() / 2].to_vec()).await;
    assert!(reason.contains("truncated"), "{reason}");

    // 3. A frame over the limit.
    let mut ws = joined(&server, &token).await;
    let reason = refused(&mut ws, vec![0u8; FRAME_LIMIT + 1]).await;
    assert!(reason.contains("over the limit"), "{reason}");

    // 4. A request for another workshop's document.
    let other_client = NativeClient::connect(server.addr, &token_of(&other.groups[0].link), "o")
        .await
        .unwrap();
    let foreign = other_client.group_doc().unwrap();
    let reason = request_is_refused(&server, &token, foreign).await;
    assert!(
        reason.contains("not part of this link's workshop"),
        "{reason}"
    );

    // 5. Another group's document in the same workshop.
    let sibling = other_client.info.docs.len(); // keep the other client alive
    assert!(sibling > 0);
    let g2 = NativeClient::connect(server.addr, &token_of(&links.groups[1].link), "g2")
        .await
        .unwrap();
    let reason = request_is_refused(&server, &token, g2.group_doc().unwrap()).await;
    assert!(reason.contains("may not open"), "{reason}");

    // 6. Not joining first, and an unknown protocol version.
    let mut ws = raw_socket(server.addr, &token).await.unwrap();
    ws.send(WsMessage::Binary(request(doc).encode().into()))
        .await
        .unwrap();
    assert!(expect_error(&mut ws).await.unwrap().contains("join"));
    let mut ws = raw_socket(server.addr, &token).await.unwrap();
    let join = Message::Join {
        sender_id: PeerId::new("x"),
        supported_protocol_versions: vec!["99".into()],
        metadata: None,
    };
    ws.send(WsMessage::Binary(join.encode().into()))
        .await
        .unwrap();
    assert!(
        expect_error(&mut ws)
            .await
            .unwrap()
            .contains("protocol version")
    );

    // 7. A wrong token never upgrades.
    let err = raw_socket(server.addr, "AAAAAAAAAAAAAAAAAAAAAA")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");
    let err = raw_socket(server.addr, "not-a-token").await.unwrap_err();
    assert!(err.to_string().contains("404"), "{err}");

    // The good client was never disturbed.
    good.edit(doc, &field, "Fortfarande här").unwrap();
    good.sync().await.unwrap();
    assert!(good.repo.is_synced(&doc));
    assert_eq!(
        stored_group_notes(dir.path(), doc).unwrap().text(&field),
        Some("Fortfarande här")
    );
    server.stop().await.unwrap();
}

/// Connections of one link target, from the facilitator's status endpoint.
async fn connections(server: &TestServer, fac: &str, target: &str) -> usize {
    let status: samtal_shared::session::LiveStatus = server
        .get_json(&format!("/api/status/{fac}"))
        .await
        .unwrap();
    status
        .targets
        .iter()
        .find(|t| t.target == target)
        .map_or(0, |t| t.connections)
}

/// Text that does not compress: every edit really costs its size on the wire and on disk.
fn noise(seed: u64, len: usize) -> String {
    let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            char::from(b'a' + u8::try_from((x >> 33) % 26).unwrap())
        })
        .collect()
}

/// One change carrying `len` bytes as a single value (cheap in memory, large on the wire;
/// text typed character by character costs far more memory per byte).
fn blob(
    d: &mut automerge::AutoCommit,
    seed: u64,
    len: usize,
) -> Result<(), samtal_shared::doc::SchemaError> {
    use automerge::ReadDoc;
    use automerge::transaction::Transactable;
    // A new highlight item: the one place a group writes outside its Text fields.
    let Some((_, list)) = d.get(automerge::ROOT, "highlights")? else {
        return Err(samtal_shared::doc::SchemaError::Field("highlights"));
    };
    let item = d.insert_object(&list, d.length(&list), automerge::ObjType::Map)?;
    d.put(&item, "source", noise(seed, len))?;
    Ok(())
}

/// Resident memory of this process (server and clients share it), in MiB.
fn rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().to_path_buf());
    settings.max_doc_bytes = 512 * 1024;
    settings.max_messages_per_second = 50;
    settings.refused_wait_secs = 0;
    let server = TestServer::start_with(settings).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);
    let field = TextRef::Answer {
        question_id: "q1".into(),
    };
    let mut good = NativeClient::connect(server.addr, &token, "good")
        .await
        .unwrap();
    let doc = good.group_doc().unwrap();

    // Deeply nested CBOR (100,000 levels of arrays).
    let mut ws = joined(&server, &token).await;
    let mut deep = vec![0x81u8; 100_000];
    deep.push(0x00);
    let reason = refused(&mut ws, deep).await;
    assert!(reason.contains("nested too deeply"), "{reason}");

    // A document id with path characters (same length as a real one, so the CBOR is valid).
    let mut frame = request(doc).encode();
    let id = doc.to_string();
    let evil: String = "../../../../etc/passwd/../../../../"
        .chars()
        .take(id.len())
        .collect();
    let at = frame
        .windows(id.len())
        .position(|w| w == id.as_bytes())
        .unwrap();
    frame[at..at + id.len()].copy_from_slice(evil.as_bytes());
    let mut ws = joined(&server, &token).await;
    let reason = refused(&mut ws, frame).await;
    assert!(reason.contains("bad document id"), "{reason}");

    // A `sync` (not `request`) for a document this connection never asked for: its own group
    // document is answered (automerge-repo peers do this), another workshop's is refused.
    let mut ws = joined(&server, &token).await;
    let sync_for = |d| Message::Sync {
        document_id: d,
        sender_id: PeerId::new("hostile"),
        target_id: PeerId::new("server"),
        data: first_sync(),
    };
    ws.send(WsMessage::Binary(sync_for(doc).encode().into()))
        .await
        .unwrap();
    let answered = loop {
        match tokio::time::timeout(TIMEOUT, ws.next()).await.unwrap() {
            Some(Ok(WsMessage::Binary(b))) => match Message::decode(&b).unwrap() {
                Message::Sync { document_id, .. } => break document_id,
                Message::Peer { .. } => {}
                other => panic!("unexpected {other:?}"),
            },
            other => panic!("no answer: {other:?}"),
        }
    };
    assert_eq!(answered, doc);
    let foreign = samtal_shared::DocumentId::from_bytes([9; 16]);
    let reason = refused(&mut ws, sync_for(foreign).encode()).await;
    assert!(reason.contains("not part of"), "{reason}");

    // A flood from one connection: more than 5 s worth of its message budget at once.
    let mut ws = joined(&server, &token).await;
    let ephemeral = Message::Ephemeral {
        document_id: doc,
        sender_id: PeerId::new("hostile"),
        target_id: PeerId::new("server"),
        count: 1,
        session_id: "s".into(),
        data: vec![0; 8],
    }
    .encode();
    for _ in 0..1_000 {
        if ws
            .send(WsMessage::Binary(ephemeral.clone().into()))
            .await
            .is_err()
        {
            break;
        }
    }
    let reason = expect_error(&mut ws).await.unwrap();
    assert!(reason.contains("too many messages"), "{reason}");

    // A document that would grow past the server's size limit: refused, nothing lost.
    good.edit(doc, &field, "Det här får inte försvinna")
        .unwrap();
    good.sync().await.unwrap();
    let mut big = NativeClient::connect(server.addr, &token, "big")
        .await
        .unwrap();
    let mut refused = None;
    for i in 0..10 {
        big.change(doc, |d| blob(d, i, 150_000)).unwrap();
        if let Err(e) = big.sync().await {
            refused = Some(e.to_string());
            break;
        }
    }
    let refused = refused.expect("the size limit was never reached");
    assert!(
        refused.contains("larger than the server's limit"),
        "{refused}"
    );
    assert_eq!(
        stored_group_notes(dir.path(), doc).unwrap().text(&field),
        Some("Det här får inte försvinna"),
        "the stored document still reads"
    );

    // Every time, only the offending connection closed.
    let mut again = NativeClient::connect(server.addr, &token, "again")
        .await
        .unwrap();
    assert_eq!(
        again.notes(doc).unwrap().text(&field),
        Some("Det här får inte försvinna")
    );
    again.edit(doc, &field, "Fortfarande här").unwrap();
    again.sync().await.unwrap();
    good.sync().await.unwrap();
    assert_eq!(
        good.notes(doc).unwrap().text(&field),
        Some("Fortfarande här")
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_is_dropped_and_others_carry_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().to_path_buf());
    // Long enough that the bounded queue, not the send timeout, is what drops the client.
    settings.send_timeout_secs = 120;
    let server = TestServer::start_with(settings).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let fac = token_of(&links.facilitator);
    let token = token_of(&links.groups[0].link);
    let field = TextRef::Answer {
        question_id: "q1".into(),
    };
    let mut writer = NativeClient::connect(server.addr, &token, "writer")
        .await
        .unwrap();
    let doc = writer.group_doc().unwrap();
    let mut reader = NativeClient::connect(server.addr, &token, "reader")
        .await
        .unwrap();

    // The stalled client: a tiny receive buffer, joins, asks for the group doc, never reads.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let stream = socket.connect(server.addr).await.unwrap();
    let (mut stalled, _) = tokio_tungstenite::client_async(server.ws(&token), stream)
        .await
        .unwrap();
    stalled
        .send(WsMessage::Binary(
            ClientRepo::new(PeerId::new("hostile")).join_frame().into(),
        ))
        .await
        .unwrap();
    stalled
        .send(WsMessage::Binary(request(doc).encode().into()))
        .await
        .unwrap();

    eventually("three connections on group 1", || async {
        connections(&server, &fac, "group:g1").await == 3
    })
    .await;
    let rss_before = rss_mib();

    // The writer sends large, incompressible changes until the stalled client is dropped.
    let mut edits = 0;
    while connections(&server, &fac, "group:g1").await == 3 {
        assert!(edits < 400, "the stalled client was never dropped");
        edits += 1;
        writer.change(doc, |d| blob(d, edits, 100_000)).unwrap();
        writer.sync().await.unwrap();
    }
    let rss_after = rss_mib();
    println!(
        "stalled client dropped after {edits} edits of 100 kB; RSS {rss_before} → {rss_after} MiB"
    );
    // The reader kept up the whole time and has the latest change.
    reader.sync().await.unwrap();
    let heads = writer.heads(doc);
    assert_eq!(reader.heads(doc), heads);
    writer.edit(doc, &field, "Efteråt").unwrap();
    writer.sync().await.unwrap();
    reader.sync().await.unwrap();
    assert_eq!(reader.notes(doc).unwrap().text(&field), Some("Efteråt"));
    drop(stalled);
    server.stop().await.unwrap();
}
