//! Tokens never reach the logs: run a real server with debug logging captured, use every kind
//! of link (session, sync, links, rotate, plenary, export, a wrong token), and search the log
//! for each token.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_tests::{NativeClient, TestServer, demo_spec, token_of};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_appears_in_the_logs() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_env_filter("samtal_server=debug,tower_http=debug")
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let fac = token_of(&links.facilitator);
    let group = token_of(&links.groups[0].link);
    let catch_up = token_of(&links.catch_up);
    let mut tokens = vec![fac.clone(), group.clone(), catch_up.clone()];

    let mut g = NativeClient::connect(server.addr, &group, "g")
        .await
        .unwrap();
    let doc = g.group_doc().unwrap();
    g.edit(
        doc,
        &samtal_shared::doc::TextRef::Answer {
            question_id: "q1".into(),
        },
        "x",
    )
    .unwrap();
    g.sync().await.unwrap();
    for path in [
        format!("/api/session/{catch_up}"),
        format!("/api/links/{fac}"),
        format!("/api/status/{fac}"),
        format!("/api/plenary/{catch_up}"),
        format!("/api/export/{fac}/plenary.md"),
        format!("/g/{group}"),
        "/api/session/AAAAAAAAAAAAAAAAAAAAAA".into(),
    ] {
        server.request("GET", &path, None).await.unwrap();
    }
    let (status, body) = server
        .request(
            "POST",
            &format!("/api/links/{fac}/rotate"),
            Some(serde_json::json!({ "target": "group:g1" })),
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    let rotated: samtal_server::workshops::WorkshopLinks = serde_json::from_str(&body).unwrap();
    tokens.push(token_of(&rotated.groups[0].link));
    // The old group link is refused and its connection closed: also logged.
    let _ = g.closed_reason().await;
    server.stop().await.unwrap();

    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("/api/session/…") && text.contains("/api/links/…"),
        "requests were logged (redacted):\n{text}"
    );
    for t in &tokens {
        assert!(
            !text.contains(t.as_str()),
            "token {t} is in the log:\n{text}"
        );
    }
}
