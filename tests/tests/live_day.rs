//! The live day against a real server and SQLite file: the countdown and the message reach
//! every room through the workshop document, and a room that was offline counts down to the
//! same moment and catches up with what changed meanwhile.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_shared::doc::{self, Timer, TimerEdit, WorkshopEdit};
use samtal_tests::{NativeClient, TestServer, demo_spec, token_of};

fn workshop_of(c: &mut NativeClient) -> doc::Workshop {
    let id = c.info.workshop_doc;
    doc::read_workshop(c.repo.doc_mut(&id).unwrap().document()).unwrap()
}

/// Sync `c` until its workshop document shows `done` (bounded).
async fn wait_for(c: &mut NativeClient, what: &str, done: impl Fn(&doc::Workshop) -> bool) {
    for _ in 0..200 {
        if done(&workshop_of(c)) {
            return;
        }
        c.sync().await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{what} never reached the room");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_countdown_survives_a_room_going_offline_and_coming_back() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let mut fac = NativeClient::connect(server.addr, &token_of(&links.facilitator), "fac")
        .await
        .unwrap();
    let mut room = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "rum")
        .await
        .unwrap();
    let wdoc = fac.info.workshop_doc;
    let now = 1_764_633_600_000;
    fac.change(wdoc, |d| {
        let start = TimerEdit::Start { minutes: 10 };
        doc::apply_workshop_edit(d, &WorkshopEdit::Timer { edit: start, now })?;
        doc::apply_workshop_edit(
            d,
            &WorkshopEdit::Message("Tio minuter kvar av gruppsamtalet".into()),
        )
    })
    .unwrap();
    fac.sync().await.unwrap();
    let deadline = now + 600_000;
    wait_for(&mut room, "the countdown", |w| {
        w.timer == Timer::Running { deadline }
    })
    .await;
    assert_eq!(
        workshop_of(&mut room).message,
        "Tio minuter kvar av gruppsamtalet"
    );

    // The room loses the network; its copy keeps the same deadline (it counts on by itself).
    room.disconnect().await;
    fac.change(wdoc, |d| {
        let more = TimerEdit::Extend { minutes: 5 };
        doc::apply_workshop_edit(
            d,
            &WorkshopEdit::Timer {
                edit: more,
                now: now + 60_000,
            },
        )?;
        doc::apply_workshop_edit(
            d,
            &WorkshopEdit::Message("Vi samlas i storgrupp om 5 minuter".into()),
        )
    })
    .unwrap();
    fac.sync().await.unwrap();
    assert_eq!(workshop_of(&mut room).timer, Timer::Running { deadline });

    // Back online, it has the extended deadline and the new message.
    room.reconnect().await.unwrap();
    let later = Timer::Running {
        deadline: deadline + 300_000,
    };
    wait_for(&mut room, "the extension", |w| w.timer == later).await;
    assert_eq!(
        workshop_of(&mut room).message,
        "Vi samlas i storgrupp om 5 minuter"
    );
    // And it is on the server's disk.
    server.stop().await.unwrap();
    let stored = samtal_tests::stored_doc(&dir.path().join("data"), wdoc)
        .unwrap()
        .unwrap();
    let w = doc::read_workshop(&stored).unwrap();
    assert_eq!(
        w.timer,
        Timer::Running {
            deadline: deadline + 300_000
        }
    );
}
