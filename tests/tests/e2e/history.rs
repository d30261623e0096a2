//! History through a real server and SQLite file: device labels and times survive the server,
//! the facilitator reads who wrote what across an offline branch, the day's phases are marked,
//! what is new since a moment, and a restore reaches the group and the disk.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_shared::DocumentId;
use samtal_shared::doc::{self, Phase, TextRef, WorkshopEdit};
use samtal_shared::history::{self, History};
use samtal_shared::stamp::Stamp;
use samtal_tests::{NativeClient, TestServer, demo_spec, stored_doc, token_of};

fn q1() -> TextRef {
    TextRef::Answer {
        question_id: "q1".into(),
    }
}

fn stamp(device: &str, time: i64) -> Stamp {
    Stamp {
        device: Some(device.into()),
        time,
    }
}

fn now() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

/// Sync `c` until its copy of `doc` has `text` in the first answer (bounded).
async fn sync_until(c: &mut NativeClient, doc: DocumentId, text: &str) {
    for _ in 0..50 {
        c.sync().await.unwrap();
        if c.notes(doc).unwrap().text(&q1()) == Some(text) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!(
        "never saw {text:?}; has {:?}",
        c.notes(doc).unwrap().text(&q1())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_wrote_what_phases_news_and_restore_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = TestServer::start(&data).await.unwrap();
    let before = now();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let group = token_of(&links.groups[0].link);
    let t0 = now() + 100;

    let mut fac = NativeClient::connect(server.addr, &token_of(&links.facilitator), "fac")
        .await
        .unwrap();
    fac.stamp = stamp("Samordnaren", t0 + 40);
    let mut room = NativeClient::connect(server.addr, &group, "room")
        .await
        .unwrap();
    let mut laptop = NativeClient::connect(server.addr, &group, "laptop")
        .await
        .unwrap();
    let doc = room.group_doc().unwrap();

    // The conference PC writes; a laptop (offline) prepends concurrently; the PC adds more.
    room.stamp = stamp("Konferensrum 3", t0 + 10);
    room.edit(doc, &q1(), "Barnets bästa.").unwrap();
    room.sync().await.unwrap();
    sync_until(&mut laptop, doc, "Barnets bästa.").await;
    laptop.disconnect().await;
    laptop.stamp = stamp("Annas laptop", t0 + 20);
    laptop.edit(doc, &q1(), "Först: Barnets bästa.").unwrap();
    room.stamp = stamp("Konferensrum 3", t0 + 30);
    room.edit(doc, &q1(), "Barnets bästa. Hör barnet.").unwrap();
    room.sync().await.unwrap();
    // The facilitator looks now (the laptop's branch is not on the server yet) …
    sync_until(&mut fac, doc, "Barnets bästa. Hör barnet.").await;
    let seen = fac.heads(doc);
    // … and moves the workshop on to the plenary.
    let workshop = fac.info.workshop_doc;
    fac.change(workshop, |d| {
        doc::apply_workshop_edit(d, &WorkshopEdit::Phase(Phase::Plenary))
    })
    .unwrap();
    fac.sync().await.unwrap();
    laptop.reconnect().await.unwrap();
    laptop.sync().await.unwrap();
    let merged = "Först: Barnets bästa. Hör barnet.";
    sync_until(&mut fac, doc, merged).await;

    // Who wrote what, and when, as the facilitator's copy tells it.
    let d = fac.repo.doc_mut(&doc).unwrap().document();
    let h = History::of(d);
    let who: Vec<(String, Option<String>, i64)> = history::passages_at(d, &q1(), None, &h)
        .into_iter()
        .map(|p| {
            let s = &h.steps[p.step.unwrap()];
            (p.text, s.device.clone(), s.time)
        })
        .collect();
    let label = |s: &str| Some(s.to_owned());
    assert_eq!(
        who,
        vec![
            ("Först: ".into(), label("Annas laptop"), t0 + 20),
            ("Barnets bästa.".into(), label("Konferensrum 3"), t0 + 10),
            (" Hör barnet.".into(), label("Konferensrum 3"), t0 + 30),
        ]
    );
    // The document's first change is the server's, stamped when the workshop was created.
    let first = &h.steps[0];
    assert_eq!(first.device, None);
    assert!(
        (before..t0).contains(&first.time),
        "created at {}",
        first.time
    );
    // New since the facilitator looked: only the laptop's offline passage.
    let news = history::news_since(d, &q1(), &seen, &h, &h.new_since(&seen));
    assert_eq!(
        news.passages,
        vec![
            ("Först: ".to_owned(), true),
            ("Barnets bästa. Hör barnet.".to_owned(), false)
        ]
    );
    assert_eq!(news.removed, 0);
    // The day's phases, from the workshop document: preparation at creation, then the plenary.
    let w = fac.repo.doc_mut(&workshop).unwrap().document();
    let marks = history::phase_marks(w, &History::of(w));
    assert_eq!(marks.len(), 2, "{marks:?}");
    assert_eq!(marks[0].1, Phase::Prep);
    assert!((before..t0).contains(&marks[0].0));
    assert_eq!(marks[1], (t0 + 40, Phase::Plenary));

    // The shared PC (which has everything by now) wipes the field; the facilitator restores
    // the text from before.
    sync_until(&mut room, doc, merged).await;
    room.stamp = stamp("Konferensrum 3", t0 + 50);
    room.edit(doc, &q1(), "").unwrap();
    room.sync().await.unwrap();
    sync_until(&mut fac, doc, "").await;
    let d = fac.repo.doc_mut(&doc).unwrap().document();
    let h = History::of(d);
    let before_wipe = h.heads_at(Some(h.len() - 2)).to_vec();
    assert_eq!(history::text_at(d, &q1(), &before_wipe), merged);
    fac.stamp = stamp("Samordnaren", t0 + 60);
    fac.change(doc, |d| {
        history::restore(d, &q1(), &before_wipe).map(|_| ())
    })
    .unwrap();
    fac.sync().await.unwrap();
    sync_until(&mut room, doc, merged).await;
    server.stop().await.unwrap();

    // On disk: the restored text on top of a history that still holds the wipe.
    let mut stored = stored_doc(&data, doc).unwrap().unwrap();
    assert_eq!(doc::read_text(&stored, &q1()).as_deref(), Some(merged));
    let d = stored.document();
    let h = History::of(d);
    let times: Vec<(Option<&str>, i64)> = h
        .steps
        .iter()
        .skip(1)
        .map(|s| (s.device.as_deref(), s.time))
        .collect();
    assert_eq!(
        times,
        vec![
            (Some("Konferensrum 3"), t0 + 10),
            (Some("Annas laptop"), t0 + 20),
            (Some("Konferensrum 3"), t0 + 30),
            (Some("Konferensrum 3"), t0 + 50),
            (Some("Samordnaren"), t0 + 60),
        ]
    );
    assert_eq!(history::text_at(d, &q1(), &h.steps[4].heads), "");
}
