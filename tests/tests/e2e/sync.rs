//! Issue 3, test 1: two native clients, one offline, against a real server with a real SQLite
//! file; then a restart on the same file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_shared::doc::TextRef;
use samtal_tests::*;

fn answer(q: &str) -> TextRef {
    TextRef::Answer {
        question_id: q.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_edits_merge_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);

    let mut a = NativeClient::connect(server.addr, &token, "a")
        .await
        .unwrap();
    let mut b = NativeClient::connect(server.addr, &token, "b")
        .await
        .unwrap();
    let doc = a.group_doc().unwrap();
    let reflection = TextRef::Reflection {
        case_id: "c1".into(),
        field_id: "best_interest".into(),
    };

    a.edit(doc, &answer("q1"), "A: barnets röst först.")
        .unwrap();
    a.sync().await.unwrap();

    // B goes offline and keeps typing, A keeps typing online.
    b.disconnect().await;
    b.edit(doc, &answer("q2"), "B offline: fråga barnet direkt.")
        .unwrap();
    b.edit(doc, &reflection, "B offline: Elsa behöver vila.")
        .unwrap();
    a.append(doc, &answer("q1"), " A igen.").unwrap();
    a.sync().await.unwrap();

    // B comes back.
    b.reconnect().await.unwrap();
    b.sync().await.unwrap();
    a.sync().await.unwrap();

    assert_eq!(a.heads(doc), b.heads(doc), "both replicas converge");
    let notes = a.notes(doc).unwrap();
    assert_eq!(notes, b.notes(doc).unwrap());
    assert_eq!(
        notes.text(&answer("q1")),
        Some("A: barnets röst först. A igen.")
    );
    assert_eq!(
        notes.text(&answer("q2")),
        Some("B offline: fråga barnet direkt.")
    );
    assert_eq!(
        notes.text(&reflection),
        Some("B offline: Elsa behöver vila.")
    );

    // Restart on the same SQLite file: a fresh client reads everything back.
    server.stop().await.unwrap();
    assert_eq!(stored_group_notes(dir.path(), doc).unwrap(), notes);
    let server = TestServer::start(dir.path()).await.unwrap();
    let c = NativeClient::connect(server.addr, &token, "c")
        .await
        .unwrap();
    assert_eq!(c.notes(doc).unwrap(), notes);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_edits_are_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let mut a = NativeClient::connect(server.addr, &token_of(&links.groups[1].link), "a")
        .await
        .unwrap();
    let doc = a.group_doc().unwrap();
    for i in 0..20 {
        a.append(doc, &answer("q3"), &format!("{i} ")).unwrap();
        a.sync().await.unwrap();
        // "Synced" means the server's heads cover ours — and then it is in the file.
        assert!(a.repo.is_synced(&doc));
        let stored = stored_group_notes(dir.path(), doc).unwrap();
        assert_eq!(
            stored.text(&answer("q3")),
            a.notes(doc).unwrap().text(&answer("q3"))
        );
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_link_sees_only_its_workshop_and_reads_the_workshop_doc() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let c = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "g")
        .await
        .unwrap();
    let w = samtal_shared::doc::read_workshop(c.repo.doc(&c.info.workshop_doc).unwrap()).unwrap();
    assert_eq!(w.title, samtal_shared::demo::DEMO_TITLE);
    // Own group doc, workshop, plenary and the question box; never the other groups' documents.
    assert_eq!(c.info.docs.len(), 4);
    let own = c.info.own_group_doc().unwrap();
    assert!(c.info.docs.iter().all(|(id, kind)| match kind {
        samtal_shared::roles::DocKind::Group { .. } => *id == own,
        _ => true,
    }));
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_documents_leave_memory_and_come_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.idle_doc_secs = 1;
    let server = TestServer::start_with(settings).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);
    let mut a = NativeClient::connect(server.addr, &token, "a")
        .await
        .unwrap();
    let doc = a.group_doc().unwrap();
    a.edit(doc, &answer("q1"), "Sparat innan alla gick.")
        .unwrap();
    a.sync().await.unwrap();
    let open = server.state.hub.open_docs();
    assert!(
        open >= 3,
        "workshop, plenary and group documents open: {open}"
    );
    a.disconnect().await;
    eventually("idle documents unloaded", || async {
        server.state.hub.open_docs() == 0
    })
    .await;
    // Back again: loaded from disk with everything in it.
    let mut b = NativeClient::connect(server.addr, &token, "b")
        .await
        .unwrap();
    assert_eq!(
        b.notes(doc).unwrap().text(&answer("q1")),
        Some("Sparat innan alla gick.")
    );
    b.edit(doc, &answer("q2"), "Och mer.").unwrap();
    b.sync().await.unwrap();
    assert!(server.state.hub.open_docs() >= 1);
    server.stop().await.unwrap();
}
