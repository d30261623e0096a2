//! Storage faults: while every write fails (as if fsync failed), the server acknowledges
//! nothing, tells the writer why, keeps serving readers, and recovers when storage works again
//! — with no corrupted document on disk.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::settings::Settings;
use samtal_shared::doc::{self, TextRef};
use samtal_tests::{FaultyStorage, NativeClient, TestServer, demo_spec, stored_doc, token_of};
use std::sync::Arc;
use std::sync::atomic::Ordering;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_writes_are_never_acknowledged_and_the_server_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let storage = Arc::new(FaultyStorage::open(&data).unwrap());
    let server = TestServer::start_on(Settings::for_tests(data.clone()), storage.clone())
        .await
        .unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);
    let q1 = TextRef::Answer {
        question_id: "q1".into(),
    };
    let mut writer = NativeClient::connect(server.addr, &token, "writer")
        .await
        .unwrap();
    let doc = writer.group_doc().unwrap();
    writer.edit(doc, &q1, "Sparat.").unwrap();
    writer.sync().await.unwrap();

    // The disk fails: the edit is refused with a reason and nothing is acknowledged.
    storage.failing.store(true, Ordering::SeqCst);
    writer.append(doc, &q1, " Inte sparat än.").unwrap();
    let err = writer.sync().await.unwrap_err().to_string();
    assert!(err.contains("not saved"), "{err}");
    assert!(
        !writer.repo.is_synced(&doc),
        "nothing may look acknowledged"
    );
    // Readers still get what is on disk, and only that.
    let reader = NativeClient::connect(server.addr, &token, "reader")
        .await
        .unwrap();
    assert_eq!(reader.notes(doc).unwrap().text(&q1), Some("Sparat."));
    let on_disk = stored_doc(&data, doc).unwrap().unwrap();
    assert_eq!(
        doc::read_group(&on_disk).unwrap().text(&q1),
        Some("Sparat.")
    );

    // Storage works again: the client's retry is saved and acknowledged.
    storage.failing.store(false, Ordering::SeqCst);
    writer.reconnect().await.unwrap();
    writer.sync().await.unwrap();
    assert!(writer.repo.is_synced(&doc));
    server.stop().await.unwrap();
    let on_disk = stored_doc(&data, doc).unwrap().unwrap();
    assert_eq!(
        doc::read_group(&on_disk).unwrap().text(&q1),
        Some("Sparat. Inte sparat än.")
    );
}
