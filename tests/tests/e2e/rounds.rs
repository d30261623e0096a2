//! A second round in mixed groups against a real server and SQLite file: the facilitator starts
//! it with one change to the workshop document; the server makes each new group its document
//! and link; a new group's notes reach the plenary view and the exports with their provenance
//! (round, group, the areas its people came from), per round and all rounds together.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::workshops::WorkshopLinks;
use samtal_shared::doc::{self, TextRef, WorkshopEdit};
use samtal_shared::rounds::{balanced, propose};
use samtal_shared::view::PlenaryView;
use samtal_tests::{NativeClient, TestServer, demo_spec, stored_group_notes, token_of};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mixed_round_gets_its_own_documents_and_links_and_its_notes_keep_their_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = TestServer::start(&data).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let fac_token = token_of(&links.facilitator);
    let mut fac = NativeClient::connect(server.addr, &fac_token, "fac")
        .await
        .unwrap();
    let wdoc = fac.info.workshop_doc;
    let q = TextRef::Answer {
        question_id: "q1".into(),
    };

    // Round 1: the first group writes.
    let mut first = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "r1")
        .await
        .unwrap();
    let first_doc = first.group_doc().unwrap();
    first
        .edit(first_doc, &q, "Omgång ett: fråga barnet")
        .unwrap();
    first.sync().await.unwrap();

    // She starts round 2: two mixed groups drawn from round 1's three.
    let w = doc::read_workshop(fac.repo.doc_mut(&wdoc).unwrap().document()).unwrap();
    let proposal = propose(&w, 1, &[4, 4, 4], &balanced(12, 2), |j| {
        format!("Blandad grupp {}", j + 1)
    });
    assert!(proposal.groups.iter().all(|g| g.areas == w.areas));
    let groups = proposal.into_round(&[]);
    fac.change(wdoc, |d| {
        doc::apply_workshop_edit(d, &WorkshopEdit::AddRound { groups })
    })
    .unwrap();
    fac.sync().await.unwrap();

    // The server makes their documents and links (the reconciler runs after the save).
    let mut all: Option<WorkshopLinks> = None;
    for _ in 0..200 {
        let l: WorkshopLinks = server
            .get_json(&format!("/api/links/{fac_token}"))
            .await
            .unwrap();
        if l.groups.len() == 5 {
            all = Some(l);
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let all = all.expect("the new round's links never appeared");
    let second: Vec<_> = all.groups.iter().filter(|g| g.round == 2).collect();
    assert_eq!(second.len(), 2);
    assert!(all.groups.iter().filter(|g| g.round == 1).count() == 3);
    // Round 1's links are unchanged; the new ones are their own.
    assert_eq!(all.groups[0].link, links.groups[0].link);
    assert!(
        second
            .iter()
            .all(|g| links.groups.iter().all(|o| o.link != g.link))
    );

    // A round-2 group opens its link: its own document, with the questions for every group.
    let mut mixed = NativeClient::connect(server.addr, &token_of(&second[0].link), "r2")
        .await
        .unwrap();
    let mixed_doc = mixed.group_doc().unwrap();
    assert_ne!(mixed_doc, first_doc);
    mixed.sync().await.unwrap();
    let notes = mixed.notes(mixed_doc).unwrap();
    assert!(notes.answers.contains_key("q1"), "{notes:?}");
    assert!(
        notes.reflections.is_empty(),
        "a mixed group gets no area's case"
    );
    mixed
        .edit(mixed_doc, &q, "Omgång två: tillsammans")
        .unwrap();
    mixed.sync().await.unwrap();
    assert_eq!(
        stored_group_notes(&data, mixed_doc).unwrap().answers["q1"],
        "Omgång två: tillsammans"
    );
    // The round-2 link cannot touch round 1's notes.
    assert!(mixed.repo.doc_mut(&first_doc).is_none());

    // The plenary per round, and all rounds together, as JSON.
    let view = |round: &str| {
        let path = format!("/api/plenary/{fac_token}{round}");
        let server = &server;
        async move { server.get_json::<PlenaryView>(&path).await.unwrap() }
    };
    let answers_to_q1 = |v: &PlenaryView| {
        v.questions
            .iter()
            .find(|x| x.id == "q1")
            .unwrap()
            .answers
            .clone()
    };
    let r2 = view("?round=2").await;
    assert_eq!(r2.round, Some(2));
    assert_eq!(r2.rounds, vec![1, 2]);
    let a = answers_to_q1(&r2);
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].text, "Omgång två: tillsammans");
    assert_eq!((a[0].round, a[0].mix.clone()), (2, w.areas.clone()));
    assert_eq!(a[0].group_name, "Blandad grupp 1");
    let r1 = view("?round=1").await;
    let a = answers_to_q1(&r1);
    assert_eq!(a.len(), 3);
    assert_eq!(a[0].text, "Omgång ett: fråga barnet");
    assert_eq!(
        (a[0].round, a[0].area.as_str()),
        (1, w.groups[0].area.as_str())
    );
    let both = view("").await;
    assert_eq!(both.round, None);
    assert_eq!(answers_to_q1(&both).len(), 5);

    // The exports carry it: round, group, areas.
    let (status, md) = server
        .request(
            "GET",
            &format!("/api/export/{fac_token}/plenary.md?round=2"),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(md.contains("**Omgång 2**"), "{md}");
    let origin = format!("Omgång 2 · blandad: {}", w.areas.join(", "));
    assert!(
        md.contains(&format!("#### Blandad grupp 1 — {origin}")),
        "{md}"
    );
    assert!(md.contains("Omgång två: tillsammans"));
    assert!(
        !md.contains("Omgång ett: fråga barnet"),
        "round 1 is not in round 2's export"
    );
    let (_, html) = server
        .request(
            "GET",
            &format!("/api/export/{fac_token}/plenary.html?lang=en"),
            None,
        )
        .await
        .unwrap();
    assert!(html.contains("All rounds"), "{html}");
    assert!(html.contains("Round 1 · "), "{html}");
    assert!(html.contains(&format!("Round 2 · mixed: {}", w.areas.join(", "))));
    // A round that is not a number is refused, not guessed.
    let (status, _) = server
        .request("GET", &format!("/api/plenary/{fac_token}?round=x"), None)
        .await
        .unwrap();
    assert_eq!(status, 400);
    server.stop().await.unwrap();
}
