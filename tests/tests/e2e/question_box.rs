//! The question box for the follow-up meeting against a real server and SQLite file: every
//! link adds questions (the catch-up link too, and after the workshop closed), each link at
//! most its hourly share, and the facilitator's sorting is kept. What may not be changed is
//! in the authorization matrix (`authorization.rs`).

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::settings::Settings;
use samtal_shared::DocumentId;
use samtal_shared::doc::{self, Phase, Sorting, WorkshopEdit};
use samtal_tests::{NativeClient, TestServer, demo_spec, eventually, stored_doc, token_of};
use std::path::Path;

fn stored_box(data: &Path, id: DocumentId) -> doc::QuestionBox {
    let stored = stored_doc(data, id).unwrap().unwrap();
    doc::read_questions(&stored).unwrap()
}

fn ask(c: &mut NativeClient, id: DocumentId, qid: &str, text: &str) {
    c.change(id, |d| doc::add_question(d, qid, text, 1))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_link_adds_questions_within_its_hourly_share_and_the_facilitator_sorts_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().join("data"));
    settings.max_questions_per_hour = 3;
    settings.refused_wait_secs = 0;
    let server = TestServer::start_with(settings).await.unwrap();
    let data = server.data.clone();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let qbox = doc::questions_doc_id(&links.workshop_id);

    // The catch-up link: three questions are taken, the fourth waits on the device.
    let mut reader = NativeClient::connect(server.addr, &token_of(&links.catch_up), "reader")
        .await
        .unwrap();
    assert!(reader.info.docs.iter().any(|(id, _)| *id == qbox));
    for i in 1..=3 {
        ask(
            &mut reader,
            qbox,
            &format!("c{i}"),
            &format!("Fråga {i} – å ä ö"),
        );
        reader.sync().await.unwrap();
    }
    ask(&mut reader, qbox, "c4", "En fråga för mycket");
    let e = reader.sync().await.unwrap_err().to_string();
    assert!(e.contains("at most 3 an hour"), "{e}");
    let stored = stored_box(&data, qbox);
    let ids: Vec<&str> = stored.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3"]);
    assert_eq!(stored.questions[0].text, "Fråga 1 – å ä ö");
    // Nothing is lost: the refused question is still on the device.
    let local = doc::read_questions(reader.repo.doc(&qbox).unwrap()).unwrap();
    assert!(local.questions.iter().any(|q| q.id == "c4"));

    // The share is per link: a group still adds, and the workshop closing does not stop it.
    let mut fac = NativeClient::connect(server.addr, &token_of(&links.facilitator), "fac")
        .await
        .unwrap();
    let wdoc = fac.info.workshop_doc;
    fac.change(wdoc, |d| {
        doc::apply_workshop_edit(d, &WorkshopEdit::Phase(Phase::Closed))
    })
    .unwrap();
    fac.sync().await.unwrap();
    let storage_dir = data.clone();
    eventually("the workshop is closed", || {
        let id = links.workshop_id.clone();
        let dir = storage_dir.clone();
        async move {
            use samtal_server::storage::{SqliteStorage, Storage};
            SqliteStorage::open(&dir)
                .unwrap()
                .workshop(&id)
                .unwrap()
                .is_some_and(|r| r.phase == "closed")
        }
    })
    .await;
    let mut group = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "room")
        .await
        .unwrap();
    ask(
        &mut group,
        qbox,
        "g1",
        "Vad gör vi när en brukare inte vill?",
    );
    group.sync().await.unwrap();
    assert_eq!(stored_box(&data, qbox).questions.len(), 4);

    // The facilitator sees them all, puts two on the agenda in her order, sets one aside.
    fac.sync().await.unwrap();
    fac.wait_until(|c| {
        c.repo
            .doc(&qbox)
            .and_then(|d| doc::read_questions(d).ok())
            .is_some_and(|b| b.questions.len() == 4)
    })
    .await
    .unwrap();
    for s in [
        Sorting::ToAgenda("c2".into()),
        Sorting::ToAgenda("g1".into()),
        Sorting::Move {
            id: "g1".into(),
            earlier: true,
        },
        Sorting::SetAside("c3".into()),
    ] {
        fac.change(qbox, |d| doc::sort_questions(d, &s)).unwrap();
    }
    fac.sync().await.unwrap();
    let stored = stored_box(&data, qbox);
    let agenda: Vec<&str> = stored.on_agenda().iter().map(|q| q.id.as_str()).collect();
    assert_eq!(agenda, ["g1", "c2"]);
    assert_eq!(stored.aside().len(), 1);
    assert_eq!(stored.unsorted().len(), 1);
    server.stop().await.unwrap();
}
