//! What an IT department monitors: `/healthz`, `/readyz` (storage writable), `/metrics` on a
//! listener of its own (names present, counters moving with a sync, never on the public
//! address), and JSON logs that a shipper can parse and that hold no token.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::settings::Settings;
use samtal_shared::doc::TextRef;
use samtal_tests::{FaultyStorage, NativeClient, TestServer, demo_spec, token_of};
use std::collections::HashMap;
use std::sync::Arc;

async fn get(url: String) -> String {
    tokio::task::spawn_blocking(move || {
        ureq::get(&url)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    })
    .await
    .unwrap()
}

/// The samples of a metrics page: `name{labels}` → value.
fn samples(page: &str) -> HashMap<String, f64> {
    page.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let (name, value) = l.rsplit_once(' ')?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_only_while_storage_takes_writes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let storage = Arc::new(FaultyStorage::open(&data).unwrap());
    let server = TestServer::start_on(Settings::for_tests(data), storage.clone())
        .await
        .unwrap();
    assert_eq!(server.request("GET", "/readyz", None).await.unwrap().0, 200);
    storage
        .failing
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let (status, body) = server.request("GET", "/readyz", None).await.unwrap();
    assert_eq!((status, body.as_str()), (503, "not ready: storage"));
    assert_eq!(
        server.request("GET", "/healthz", None).await.unwrap().0,
        200
    );
    storage
        .failing
        .store(false, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(server.request("GET", "/readyz", None).await.unwrap().0, 200);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_syncs_writes_and_connections_on_their_own_listener_only() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().join("data"));
    settings.metrics_bind = Some("127.0.0.1:0".parse().unwrap());
    let server = TestServer::start_with(settings).await.unwrap();
    let metrics = format!("http://{}/metrics", server.metrics.unwrap());
    let links = server.create_workshop(&demo_spec()).await.unwrap();

    let before = samples(&get(metrics.clone()).await);
    for name in [
        "samtal_sync_messages_total",
        "samtal_document_writes_total",
        "samtal_storage_errors_total",
        "samtal_open_documents",
        "samtal_connections{role=\"group\"}",
        "samtal_storage_commit_seconds_count",
    ] {
        assert!(before.contains_key(name), "{name} missing from {before:?}");
    }
    assert!(
        before
            .keys()
            .any(|k| k.starts_with("samtal_build_info{version=")),
        "{before:?}"
    );

    let mut room = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "room")
        .await
        .unwrap();
    let doc = room.group_doc().unwrap();
    let q1 = TextRef::Answer {
        question_id: "q1".into(),
    };
    room.edit(doc, &q1, "Vi börjar.").unwrap();
    room.sync().await.unwrap();
    let after = samples(&get(metrics.clone()).await);
    let moved = |name: &str| after[name] - before.get(name).copied().unwrap_or(0.0);
    assert!(moved("samtal_sync_messages_total") >= 2.0, "{after:?}");
    assert!(moved("samtal_document_writes_total") >= 1.0, "{after:?}");
    assert!(moved("samtal_storage_commit_seconds_count") >= 1.0);
    assert!(after["samtal_connections{role=\"group\"}"] >= 1.0);
    assert!(after["samtal_open_documents"] >= 1.0);

    // The public address has no metrics.
    let (_, public) = server.request("GET", "/metrics", None).await.unwrap();
    assert!(!public.contains("samtal_sync_messages"), "{public}");
    server.stop().await.unwrap();
}

#[test]
fn json_logs_parse_line_by_line_and_hold_no_token() {
    let dir = tempfile::tempdir().unwrap();
    let package =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../packages/barnkonventionen.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_samtal-server-under-test"))
        .args(["--log-format", "json", "create", "--package"])
        .arg(&package)
        .arg("--data")
        .arg(dir.path().join("data"))
        .env("RUST_LOG", "samtal_server=debug")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(
        lines.iter().any(|l| l.contains("workshop created")),
        "{stderr}"
    );
    for line in &lines {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
    }
    // Every token the command printed stays out of the log.
    for link in stdout.lines().filter_map(|l| l.split_once("http")) {
        let token = link.1.rsplit('/').next().unwrap();
        assert!(token.len() >= 16, "{token}");
        assert!(!stderr.contains(token), "a token in the log: {token}");
    }
}
