//! Issue 3, test 3: hostile input closes only the offending connection, with a reason, while a
//! well-behaved client keeps working.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::SinkExt;
use samtal_server::settings::Settings;
use samtal_shared::docs::TextRef;
use samtal_shared::sync::ClientRepo;
use samtal_shared::{Message, PeerId};
use samtal_tests::*;
use tokio_tungstenite::tungstenite::Message as WsMessage;

const FRAME_LIMIT: usize = 64 * 1024;

async fn joined(
    server: &TestServer,
    token: &str,
) -> tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>> {
    let mut ws = raw_socket(server.addr, token).await.unwrap();
    let join = ClientRepo::new(PeerId::new("hostile")).join_frame();
    ws.send(WsMessage::Binary(join.into())).await.unwrap();
    ws
}

fn request(document_id: samtal_shared::DocumentId) -> Message {
    Message::Request {
        document_id,
        sender_id: PeerId::new("hostile"),
        target_id: PeerId::new("server"),
        data: vec![],
    }
}

/// Join, ask for `doc`, and return the server's error.
async fn request_is_refused(
    server: &TestServer,
    token: &str,
    doc: samtal_shared::DocumentId,
) -> String {
    let mut ws = joined(server, token).await;
    ws.send(WsMessage::Binary(request(doc).encode().into()))
        .await
        .unwrap();
    expect_error(&mut ws).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_frames_close_only_their_connection() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().to_path_buf());
    settings.max_frame_bytes = FRAME_LIMIT;
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
    ws.send(WsMessage::Binary(vec![0xff, 0x00, 0x13, 0x37].into()))
        .await
        .unwrap();
    let reason = expect_error(&mut ws).await.unwrap();
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
    ws.send(WsMessage::Binary(sync[..sync.len() / 2].to_vec().into()))
        .await
        .unwrap();
    let reason = expect_error(&mut ws).await.unwrap();
    assert!(reason.contains("truncated"), "{reason}");

    // 3. A frame over the limit.
    let mut ws = joined(&server, &token).await;
    ws.send(WsMessage::Binary(vec![0u8; FRAME_LIMIT + 1].into()))
        .await
        .unwrap();
    let reason = expect_error(&mut ws).await.unwrap();
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
