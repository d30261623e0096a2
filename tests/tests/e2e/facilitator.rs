//! The facilitator's workflow against a real server and SQLite file: the merged plenary and
//! its exports, structure for questions and groups added later, rotated and expired links,
//! erase and retention. (The role matrix is `authorization.rs`.)

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::storage::{SqliteStorage, Storage};
use samtal_server::workshops::{self, WorkshopLinks};
use samtal_shared::doc::{self, Phase, TextRef, WorkshopEdit};
use samtal_shared::view::PlenaryView;
use samtal_shared::{DocumentId, doc::read_workshop};
use samtal_tests::{
    NativeClient, TestServer, demo_spec, eventually, raw_socket, stored_doc, token_of,
};
use std::time::Duration;

async fn setup() -> (tempfile::TempDir, TestServer, WorkshopLinks) {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    (dir, server, links)
}

fn answer(q: &str) -> TextRef {
    TextRef::Answer {
        question_id: q.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plenary_merges_every_group_including_one_offline_until_the_end() {
    let (_dir, server, links) = setup().await;
    let fac = token_of(&links.facilitator);
    let mut clients = Vec::new();
    for g in &links.groups {
        clients.push(
            NativeClient::connect(server.addr, &token_of(&g.link), &g.name)
                .await
                .unwrap(),
        );
    }
    // The third group loses the network before it writes anything.
    clients[2].disconnect().await;
    let q = "q2";
    for (c, g) in clients.iter_mut().zip(&links.groups) {
        let doc = c.group_doc().unwrap();
        c.edit(doc, &answer(q), &format!("Svar från {}.", g.name))
            .unwrap();
    }
    for c in &mut clients[..2] {
        c.sync().await.unwrap();
    }
    let view: PlenaryView = server
        .get_json(&format!("/api/plenary/{fac}"))
        .await
        .unwrap();
    let qv = view.questions.iter().find(|v| v.id == q).unwrap();
    assert_eq!(qv.answers.len(), 3);
    let text_of = |v: &PlenaryView, gid: &str| {
        v.questions
            .iter()
            .find(|v| v.id == q)
            .unwrap()
            .answers
            .iter()
            .find(|a| a.group_id == gid)
            .unwrap()
            .text
            .clone()
    };
    assert_eq!(text_of(&view, "g1"), "Svar från Barn och unga.");
    assert_eq!(
        text_of(&view, "g3"),
        "",
        "the offline group's notes are not on the server yet"
    );

    // The late, offline edit arrives when the group reconnects.
    clients[2].reconnect().await.unwrap();
    clients[2].sync().await.unwrap();
    let view: PlenaryView = server
        .get_json(&format!("/api/plenary/{fac}"))
        .await
        .unwrap();
    for g in &links.groups {
        assert_eq!(
            text_of(&view, &g.group_id),
            format!("Svar från {}.", g.name)
        );
    }
    // Other questions hold none of it.
    assert!(
        view.questions
            .iter()
            .filter(|v| v.id != q)
            .all(|v| v.answers.iter().all(|a| a.text.is_empty()))
    );

    // The Markdown export puts every group's text under the right question, for both roles.
    let catch_up = token_of(&links.catch_up);
    for token in [&fac, &catch_up] {
        let (status, md) = server
            .request("GET", &format!("/api/export/{token}/plenary.md"), None)
            .await
            .unwrap();
        assert_eq!(status, 200, "{md}");
        let heading = md.find(&format!("### 2. {}", qv.text)).unwrap();
        let next = md.find("### 3. ").unwrap();
        for g in &links.groups {
            let at = md.find(&format!("Svar från {}.", g.name)).unwrap();
            assert!(
                heading < at && at < next,
                "{} is not under question 2:\n{md}",
                g.name
            );
        }
        let (status, html) = server
            .request("GET", &format!("/api/export/{token}/plenary.html"), None)
            .await
            .unwrap();
        assert_eq!(status, 200);
        assert!(html.contains("Svar från Funktionsstöd."));
    }
    let (status, _) = server
        .request("GET", &format!("/api/export/{fac}/plenary.exe"), None)
        .await
        .unwrap();
    assert_eq!(status, 404);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn questions_and_groups_added_later_get_fields_and_links() {
    let (dir, server, links) = setup().await;
    let fac_token = token_of(&links.facilitator);
    let mut fac = NativeClient::connect(server.addr, &fac_token, "fac")
        .await
        .unwrap();
    let mut g1 = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "g1")
        .await
        .unwrap();
    let workshop_doc = fac.info.workshop_doc;
    fac.change(workshop_doc, |d| {
        doc::apply_workshop_edit(d, &WorkshopEdit::AddQuestion { id: "q-new".into() })?;
        doc::apply_workshop_edit(
            d,
            &WorkshopEdit::Question {
                id: "q-new".into(),
                text: "En fråga till".into(),
                area: None,
            },
        )?;
        // Elsa's case gets a reflection field of its own.
        let case_id = "c1".to_owned();
        for e in [
            WorkshopEdit::CaseOwnFields {
                case_id: case_id.clone(),
                own: true,
            },
            WorkshopEdit::AddCaseField {
                case_id: case_id.clone(),
                id: "f-egen".into(),
            },
            WorkshopEdit::CaseField {
                case_id,
                id: "f-egen".into(),
                label: "Vad säger Elsa själv?".into(),
            },
        ] {
            doc::apply_workshop_edit(d, &e)?;
        }
        doc::apply_workshop_edit(
            d,
            &WorkshopEdit::AddGroup {
                id: "g-new".into(),
                name: "Äldreomsorg".into(),
                area: "Äldreomsorg".into(),
            },
        )
    })
    .unwrap();
    fac.sync().await.unwrap();

    // The server creates the new question's text in the existing group's document.
    let doc = g1.group_doc().unwrap();
    let mut tries = 0;
    while g1.notes(doc).unwrap().text(&answer("q-new")).is_none() {
        tries += 1;
        assert!(tries < 200, "the server never created the field");
        tokio::time::sleep(Duration::from_millis(50)).await;
        g1.sync().await.unwrap();
    }
    g1.edit(doc, &answer("q-new"), "Svar på den nya frågan")
        .unwrap();
    g1.sync().await.unwrap();
    // And the text of the case's own field (the group's area has the case).
    let own = TextRef::Reflection {
        case_id: "c1".into(),
        field_id: "f-egen".into(),
    };
    let mut tries = 0;
    while g1.notes(doc).unwrap().text(&own).is_none() {
        tries += 1;
        assert!(tries < 200, "the server never created the case's own field");
        tokio::time::sleep(Duration::from_millis(50)).await;
        g1.sync().await.unwrap();
    }

    // …and a document for the new group, which the facilitator opens after a session refresh.
    let new_doc = doc::group_doc_id(&links.workshop_id, "g-new");
    let mut tries = 0;
    while fac.refresh_docs().await.unwrap() == 0 {
        tries += 1;
        assert!(tries < 200, "the new group's document never appeared");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    fac.sync().await.unwrap();
    assert!(fac.notes(new_doc).unwrap().answers.contains_key("q-new"));

    // Its link comes from the links endpoint and works.
    let all: WorkshopLinks = server
        .get_json(&format!("/api/links/{fac_token}"))
        .await
        .unwrap();
    assert_eq!(all.groups.len(), 4);
    assert!(
        all.groups
            .iter()
            .all(|g| g.qr.starts_with("data:image/svg+xml;base64,"))
    );
    // Old links are shown unchanged.
    assert_eq!(all.groups[0].link, links.groups[0].link);
    assert_eq!(all.catch_up, links.catch_up);
    let new_link = &all
        .groups
        .iter()
        .find(|g| g.group_id == "g-new")
        .unwrap()
        .link;
    let mut g_new = NativeClient::connect(server.addr, &token_of(new_link), "g-new")
        .await
        .unwrap();
    assert_eq!(g_new.group_doc().unwrap(), new_doc);
    g_new
        .edit(new_doc, &answer("q-new"), "Äldreomsorgens svar")
        .unwrap();
    g_new.sync().await.unwrap();

    // The plenary has a summary field for the new question.
    let w = read_workshop(fac.repo.doc(&workshop_doc).unwrap()).unwrap();
    let plenary = w.plenary_doc_id;
    let summary = TextRef::Summary {
        question_id: "q-new".into(),
    };
    let mut tries = 0;
    while fac
        .repo
        .doc(&plenary)
        .and_then(|d| doc::read_text(d, &summary))
        .is_none()
    {
        tries += 1;
        assert!(tries < 200, "no summary field");
        tokio::time::sleep(Duration::from_millis(50)).await;
        fac.sync().await.unwrap();
    }
    fac.change(plenary, |d| {
        doc::edit_text(d, &summary, "Sammanfattat").map(|_| ())
    })
    .unwrap();
    fac.sync().await.unwrap();
    let view: PlenaryView = server
        .get_json(&format!("/api/plenary/{fac_token}"))
        .await
        .unwrap();
    let qv = view.questions.iter().find(|q| q.id == "q-new").unwrap();
    assert_eq!(qv.summary, "Sammanfattat");
    assert_eq!(qv.answers.len(), 4);
    server.stop().await.unwrap();
    let stored = stored_doc(&dir.path().join("data"), new_doc)
        .unwrap()
        .unwrap();
    assert_eq!(
        doc::read_group(&stored).unwrap().text(&answer("q-new")),
        Some("Äldreomsorgens svar")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_and_expired_links_are_refused() {
    let (_dir, server, links) = setup().await;
    let fac = token_of(&links.facilitator);
    let old = token_of(&links.groups[0].link);
    let mut g1 = NativeClient::connect(server.addr, &old, "g1")
        .await
        .unwrap();
    let doc = g1.group_doc().unwrap();
    g1.edit(doc, &answer("q1"), "Före bytet").unwrap();
    g1.sync().await.unwrap();

    let rotated = server.rotate(&fac, "group:g1").await.unwrap();
    assert_ne!(rotated.groups[0].link, links.groups[0].link);
    assert_eq!(
        rotated.groups[1].link, links.groups[1].link,
        "other links stay"
    );
    // The open connection on the old link is closed with a reason…
    let reason = g1.closed_reason().await.unwrap();
    assert!(reason.contains("replaced"), "{reason}");
    // …and the old link is refused over HTTP and for sync.
    let (status, _) = server
        .request("GET", &format!("/api/session/{old}"), None)
        .await
        .unwrap();
    assert_eq!(status, 404);
    assert!(raw_socket(server.addr, &old).await.is_err());
    // The new link opens the same notes.
    let new = NativeClient::connect(server.addr, &token_of(&rotated.groups[0].link), "g1b")
        .await
        .unwrap();
    assert_eq!(
        new.notes(doc).unwrap().text(&answer("q1")),
        Some("Före bytet")
    );
    // The links endpoint keeps showing the new one.
    let again: WorkshopLinks = server.get_json(&format!("/api/links/{fac}")).await.unwrap();
    assert_eq!(again.groups[0].link, rotated.groups[0].link);

    // The facilitator's own link can be replaced too; the links survive it.
    let after = server.rotate(&fac, "facilitator").await.unwrap();
    let new_fac = token_of(&after.facilitator);
    assert_ne!(new_fac, fac);
    assert_eq!(after.groups[0].link, rotated.groups[0].link);
    let (status, _) = server
        .request("GET", &format!("/api/links/{fac}"), None)
        .await
        .unwrap();
    assert_eq!(status, 404);

    // Catch-up closes after access_until (set in the workshop document by the facilitator).
    let catch_up = token_of(&links.catch_up);
    assert!(
        NativeClient::connect(server.addr, &catch_up, "cu")
            .await
            .is_ok()
    );
    let mut f = NativeClient::connect(server.addr, &new_fac, "fac")
        .await
        .unwrap();
    let wdoc = f.info.workshop_doc;
    f.change(wdoc, |d| {
        // The window cannot end before the day: the day moves back first.
        doc::apply_workshop_edit(d, &WorkshopEdit::Date("2019-12-01".into()))?;
        doc::apply_workshop_edit(d, &WorkshopEdit::AccessUntil("2020-01-01".into()))
    })
    .unwrap();
    f.sync().await.unwrap();
    let path = format!("/api/session/{catch_up}");
    eventually("catch-up link closes", || async {
        server.request("GET", &path, None).await.unwrap().0 == 410
    })
    .await;
    let (status, body) = server
        .request("GET", &format!("/api/plenary/{catch_up}"), None)
        .await
        .unwrap();
    assert_eq!(status, 410);
    assert!(body.contains("closed"), "{body}");
    // The page can say which workshop closed, and since when.
    let e: samtal_shared::session::ErrorBody = serde_json::from_str(&body).unwrap();
    let closed = e.closed.expect("the closed workshop is named");
    assert_eq!(
        (closed.title.as_str(), closed.until.as_str()),
        (demo_spec().setup.title.as_str(), "2020-01-01")
    );
    assert!(
        raw_socket(server.addr, &catch_up).await.is_err(),
        "sync refused"
    );
    // Group links are not limited by the catch-up window.
    assert!(
        NativeClient::connect(server.addr, &token_of(&rotated.groups[1].link), "g2")
            .await
            .is_ok()
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erase_deletes_everything_and_tells_connected_clients() {
    let (dir, server, links) = setup().await;
    let fac = token_of(&links.facilitator);
    let keep = server.create_workshop(&demo_spec()).await.unwrap();
    let mut g1 = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "g1")
        .await
        .unwrap();
    let doc = g1.group_doc().unwrap();
    g1.edit(doc, &answer("q1"), "Känsliga anteckningar")
        .unwrap();
    g1.sync().await.unwrap();
    let all_docs: Vec<DocumentId> = NativeClient::connect(server.addr, &fac, "f")
        .await
        .unwrap()
        .info
        .docs
        .iter()
        .map(|(d, _)| *d)
        .collect();
    // The workshop, the plenary, three groups and the question box.
    assert_eq!(all_docs.len(), 6);

    let (status, body) = server
        .request("DELETE", &format!("/api/workshop/{fac}"), None)
        .await
        .unwrap();
    assert_eq!(status, 204, "{body}");
    let reason = g1.closed_reason().await.unwrap();
    assert!(reason.contains("erased"), "{reason}");
    for link in std::iter::once(&links.facilitator)
        .chain(std::iter::once(&links.catch_up))
        .chain(links.groups.iter().map(|g| &g.link))
    {
        let (status, _) = server
            .request("GET", &format!("/api/session/{}", token_of(link)), None)
            .await
            .unwrap();
        assert_eq!(status, 404, "{link}");
    }
    let storage = SqliteStorage::open(&dir.path().join("data")).unwrap();
    assert!(storage.workshop(&links.workshop_id).unwrap().is_none());
    assert!(
        storage
            .workshop_docs(&links.workshop_id)
            .unwrap()
            .is_empty()
    );
    for d in &all_docs {
        assert!(
            storage.load_doc(d).unwrap().is_none(),
            "chunks of {d} remain"
        );
    }
    // The other workshop is untouched.
    assert!(
        NativeClient::connect(server.addr, &token_of(&keep.groups[0].link), "k")
            .await
            .is_ok()
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_purges_workshops_closed_long_ago() {
    let (dir, server, closed) = setup().await;
    let open = server.create_workshop(&demo_spec()).await.unwrap();
    let mut f = NativeClient::connect(server.addr, &token_of(&closed.facilitator), "f")
        .await
        .unwrap();
    let wdoc = f.info.workshop_doc;
    f.change(wdoc, |d| {
        doc::apply_workshop_edit(d, &WorkshopEdit::Phase(Phase::Closed))
    })
    .unwrap();
    f.sync().await.unwrap();
    let storage = SqliteStorage::open(&dir.path().join("data")).unwrap();
    let id = closed.workshop_id.clone();
    eventually("closed_at recorded", || {
        let row = storage.workshop(&id).unwrap();
        async move { row.is_some_and(|r| r.closed_at.is_some()) }
    })
    .await;
    let today = samtal_server::clock::today();
    let day = |n: i64| doc::format_date(doc::parse_date(&today).unwrap() + n);
    // Within the 90 days nothing goes.
    assert_eq!(
        workshops::purge_expired(&server.state, &day(90))
            .await
            .unwrap(),
        0
    );
    // After them the closed workshop goes; the open one (catch-up until day 14) stays.
    assert_eq!(
        workshops::purge_expired(&server.state, &day(91))
            .await
            .unwrap(),
        1
    );
    assert!(storage.workshop(&closed.workshop_id).unwrap().is_none());
    assert!(storage.workshop(&open.workshop_id).unwrap().is_some());
    // 90 days after its catch-up window the open one goes too.
    assert_eq!(
        workshops::purge_expired(&server.state, &day(14 + 91))
            .await
            .unwrap(),
        1
    );
    assert!(storage.workshop(&open.workshop_id).unwrap().is_none());
    server.stop().await.unwrap();
}

/// A refused spec says which rule it broke as a code the client shows in the user's language
/// (no English text reaches a Swedish user); every other failure has a code too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_say_why_as_a_code() {
    use samtal_shared::doc::Invalid;
    use samtal_shared::i18n::Lang;
    use samtal_shared::session::{ErrorBody, ErrorCode};
    let (_dir, server, links) = setup().await;
    let cases = [
        (
            serde_json::json!({"title": "Dag", "date": "24/11/2026", "groups": [{"name": "A", "area": "A"}]}),
            Invalid::BadDate,
        ),
        (
            serde_json::json!({"title": " ", "date": "2026-11-24", "groups": [{"name": "A", "area": "A"}]}),
            Invalid::EmptyTitle,
        ),
        (
            serde_json::json!({"title": "Dag", "date": "2026-11-24", "groups": []}),
            Invalid::NoGroups,
        ),
    ];
    for (spec, why) in cases {
        let (status, body) = server
            .request("POST", "/api/workshops", Some(spec))
            .await
            .unwrap();
        assert_eq!(status, 400, "{body}");
        let body: ErrorBody = serde_json::from_str(&body).unwrap();
        assert_eq!((body.code, body.invalid), (ErrorCode::Invalid, Some(why)));
        let sv = Lang::Sv.strings().error(body.code, body.invalid);
        assert_ne!(sv, Lang::En.strings().error(body.code, body.invalid));
        assert!(
            !sv.contains(&why.to_string()),
            "the Swedish text is not the log text"
        );
    }
    // A link that does not exist: its own code.
    let (status, body) = server
        .request("GET", "/api/session/not-a-token", None)
        .await
        .unwrap();
    assert_eq!(status, 404);
    let body: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(body.code, ErrorCode::InvalidLink);
    drop(links);
    server.stop().await.unwrap();
}
