//! The live day against a real server and SQLite file: the countdown and the message reach
//! every room through the workshop document, and a room that was offline counts down to the
//! same moment and catches up with what changed meanwhile.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::storage::{SqliteStorage, Storage};
use samtal_shared::doc::{self, Phase, TextRef, Timer, TimerEdit, WorkshopEdit};
use samtal_shared::sync::SyncError;
use samtal_tests::{NativeClient, TestServer, demo_spec, eventually, stored_group_notes, token_of};

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

/// A server on a fresh SQLite folder with the demo workshop, and the facilitator connected.
struct Day {
    _dir: tempfile::TempDir,
    data: std::path::PathBuf,
    server: TestServer,
    links: samtal_server::workshops::WorkshopLinks,
    fac: NativeClient,
}

async fn day() -> Day {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = TestServer::start(&data).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let fac = NativeClient::connect(server.addr, &token_of(&links.facilitator), "fac")
        .await
        .unwrap();
    Day {
        _dir: dir,
        data,
        server,
        links,
        fac,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_countdown_survives_a_room_going_offline_and_coming_back() {
    let Day {
        _dir,
        data,
        server,
        links,
        mut fac,
    } = day().await;
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
    let stored = samtal_tests::stored_doc(&data, wdoc).unwrap().unwrap();
    let w = doc::read_workshop(&stored).unwrap();
    assert_eq!(
        w.timer,
        Timer::Running {
            deadline: deadline + 300_000
        }
    );
}

/// Set the phase from the facilitator's client and wait until the server has taken it in (its
/// record says so; the connections know it from then on).
async fn set_phase(
    fac: &mut NativeClient,
    storage: &SqliteStorage,
    workshop_id: &str,
    phase: Phase,
) {
    let wdoc = fac.info.workshop_doc;
    fac.change(wdoc, |d| {
        doc::apply_workshop_edit(d, &WorkshopEdit::Phase(phase))
    })
    .unwrap();
    fac.sync().await.unwrap();
    eventually("the phase recorded", || {
        let row = storage.workshop(workshop_id).unwrap();
        async move { row.is_some_and(|r| r.phase == phase.as_str()) }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_workshop_refuses_group_writes_and_the_room_keeps_its_text_until_it_reopens() {
    let Day {
        _dir,
        data,
        server,
        links,
        mut fac,
    } = day().await;
    let storage = SqliteStorage::open(&data).unwrap();
    let mut room = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "rum")
        .await
        .unwrap();
    let gdoc = room.group_doc().unwrap();
    let q1 = TextRef::Answer {
        question_id: "q1".into(),
    };
    room.edit(gdoc, &q1, "Före stängningen.").unwrap();
    room.sync().await.unwrap();

    // The room goes offline and goes on writing; meanwhile the facilitator closes the day.
    room.disconnect().await;
    room.append(gdoc, &q1, " Efter stängningen.").unwrap();
    set_phase(&mut fac, &storage, &links.workshop_id, Phase::Closed).await;

    // Back online, its change is refused with the reason the client recognises …
    room.reconnect().await.unwrap();
    let refused = room.sync().await.unwrap_err().to_string();
    assert!(
        refused.contains(&SyncError::Closed.to_string()),
        "refused for another reason: {refused}"
    );
    // … nothing of it reached the server's disk, and the room still has its text.
    let on_disk = || stored_group_notes(&data, gdoc).unwrap();
    assert_eq!(on_disk().text(&q1), Some("Före stängningen."));
    assert_eq!(
        room.notes(gdoc).unwrap().text(&q1),
        Some("Före stängningen. Efter stängningen.")
    );
    // The refusal cost no wait: the room reconnects at once and reads what it may read.
    room.repo.hold_back(gdoc);
    room.reconnect().await.unwrap();
    room.sync().await.unwrap();
    assert_eq!(workshop_of(&mut room).phase, Phase::Closed);
    assert_eq!(
        fac.notes(gdoc).unwrap().text(&q1),
        Some("Före stängningen.")
    );

    // She reopens: the room sends what it held back, and it is on disk.
    set_phase(&mut fac, &storage, &links.workshop_id, Phase::Followup).await;
    room.sync().await.unwrap();
    assert!(room.repo.release(&gdoc));
    room.sync().await.unwrap();
    assert_eq!(
        on_disk().text(&q1),
        Some("Före stängningen. Efter stängningen.")
    );
    server.stop().await.unwrap();
}

fn vote_on_q1(w: &doc::Workshop) -> doc::Vote {
    doc::Vote {
        id: "v1".into(),
        title: "Vad tar ni med er?".into(),
        dots: 3,
        items: w
            .groups
            .iter()
            .map(|g| doc::VoteItem {
                id: g.id.clone(),
                group: g.name.clone(),
                text: format!("Svar från {}", g.name),
            })
            .collect(),
        open: true,
        result: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_never_places_more_dots_than_the_vote_gives_even_from_two_offline_tabs() {
    let Day {
        _dir,
        data,
        server,
        links,
        mut fac,
    } = day().await;
    let wdoc = fac.info.workshop_doc;
    let w = workshop_of(&mut fac);
    let vote = vote_on_q1(&w);
    fac.change(wdoc, |d| {
        doc::apply_workshop_edit(d, &WorkshopEdit::Vote(Some(vote.clone())))
    })
    .unwrap();
    fac.sync().await.unwrap();

    // Two tabs of one browser (one voter id) in the same room, both offline, each places its
    // three dots; then both come back.
    let link = token_of(&links.groups[0].link);
    let mut tab1 = NativeClient::connect(server.addr, &link, "tab1")
        .await
        .unwrap();
    let mut tab2 = NativeClient::connect(server.addr, &link, "tab2")
        .await
        .unwrap();
    wait_for(&mut tab1, "the vote", |w| w.vote.is_some()).await;
    wait_for(&mut tab2, "the vote", |w| w.vote.is_some()).await;
    let gdoc = tab1.group_doc().unwrap();
    tab1.disconnect().await;
    tab2.disconnect().await;
    let dots = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let (a, b) = (&vote.items[0].id, &vote.items[1].id);
    tab1.change(gdoc, |d| {
        doc::set_ballot(d, "v1", "browser1", &dots(&format!("{a} {a} {a}")))
    })
    .unwrap();
    tab2.change(gdoc, |d| {
        doc::set_ballot(d, "v1", "browser1", &dots(&format!("{b} {b} {b}")))
    })
    .unwrap();
    // Another device in the room votes once.
    let mut phone = NativeClient::connect(server.addr, &link, "phone")
        .await
        .unwrap();
    phone
        .change(gdoc, |d| doc::set_ballot(d, "v1", "phone1", &dots(b)))
        .unwrap();
    phone.sync().await.unwrap();
    tab1.reconnect().await.unwrap();
    tab1.sync().await.unwrap();
    tab2.reconnect().await.unwrap();
    tab2.sync().await.unwrap();
    tab1.sync().await.unwrap();

    // On the server's disk, and so on every replica: the browser's three dots and the phone's one.
    server.stop().await.unwrap();
    let notes = stored_group_notes(&data, gdoc).unwrap();
    let total: usize = vote
        .tally(std::slice::from_ref(&notes))
        .iter()
        .map(|(_, n)| n)
        .sum();
    assert_eq!(total, 4, "{:?}", notes.ballots);
    assert_eq!(notes.ballots.len(), 2);
    assert_eq!(tab1.notes(gdoc).unwrap().ballots, notes.ballots);
    assert_eq!(tab2.notes(gdoc).unwrap().ballots, notes.ballots);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_refuses_a_ballot_or_a_vote_that_plainly_exceeds_the_limit() {
    let Day {
        _dir,
        data,
        server,
        links,
        mut fac,
    } = day().await;
    let link = token_of(&links.groups[0].link);
    let mut room = NativeClient::connect(server.addr, &link, "rum")
        .await
        .unwrap();
    let gdoc = room.group_doc().unwrap();
    let many = ["a"; doc::MAX_DOTS + 1].join(" ");
    room.change(gdoc, |d| {
        use automerge::transaction::Transactable;
        d.put(&automerge::ROOT, "ballot:v1:browser1", many.as_str())?;
        Ok(())
    })
    .unwrap();
    let refused = room.sync().await.unwrap_err().to_string();
    assert!(refused.contains("ballot"), "{refused}");
    let stored = stored_group_notes(&data, gdoc).unwrap();
    assert!(stored.ballots.is_empty());
    // Nor may the facilitator store a vote that is not one (its dots over the limit).
    let wdoc = fac.info.workshop_doc;
    let mut vote = vote_on_q1(&workshop_of(&mut fac));
    vote.dots = doc::MAX_DOTS + 1;
    let stored_vote = serde_json::to_string(&vote).unwrap();
    fac.change(wdoc, |d| {
        use automerge::transaction::Transactable;
        d.put(&automerge::ROOT, "vote", stored_vote.as_str())?;
        Ok(())
    })
    .unwrap();
    let refused = fac.sync().await.unwrap_err().to_string();
    assert!(refused.contains("`vote` must be"), "{refused}");
    server.stop().await.unwrap();
    let stored = samtal_tests::stored_doc(&data, wdoc).unwrap().unwrap();
    assert_eq!(doc::read_workshop(&stored).unwrap().vote, None);
}

#[tokio::test]
async fn a_link_holder_inventing_voters_moves_a_vote_by_at_most_the_ballot_cap() {
    let Day {
        _dir,
        data,
        server,
        links,
        fac: _fac,
    } = day().await;
    let link = token_of(&links.groups[0].link);
    let mut room = NativeClient::connect(server.addr, &link, "rum")
        .await
        .unwrap();
    let gdoc = room.group_doc().unwrap();
    // As many invented voters as a group may have, in one change: taken.
    room.change(gdoc, |d| {
        use automerge::transaction::Transactable;
        for i in 0..doc::MAX_BALLOTS {
            d.put(&automerge::ROOT, format!("ballot:v1:fake{i}"), "g1 g1 g1")?;
        }
        Ok(())
    })
    .unwrap();
    room.sync().await.unwrap();
    // One more for the same vote: refused whole, nothing of it stored.
    room.change(gdoc, |d| {
        use automerge::transaction::Transactable;
        d.put(&automerge::ROOT, "ballot:v1:onemore", "g1")?;
        d.put(&automerge::ROOT, "ballot:v2:other", "g1")?;
        Ok(())
    })
    .unwrap();
    let refused = room.sync().await.unwrap_err().to_string();
    assert!(refused.contains("at most 40 ballots"), "{refused}");
    let stored = stored_group_notes(&data, gdoc).unwrap();
    assert_eq!(stored.ballots.len(), doc::MAX_BALLOTS);
    assert!(!stored.ballots.contains_key("ballot:v1:onemore"));
    // Another vote has its own count.
    let mut again = NativeClient::connect(server.addr, &link, "rum2")
        .await
        .unwrap();
    again
        .change(gdoc, |d| {
            use automerge::transaction::Transactable;
            d.put(&automerge::ROOT, "ballot:v2:room", "g1")?;
            Ok(())
        })
        .unwrap();
    again.sync().await.unwrap();
    server.stop().await.unwrap();
    let stored = stored_group_notes(&data, gdoc).unwrap();
    assert_eq!(stored.ballots.len(), doc::MAX_BALLOTS + 1);
}
