//! Course packages against a real server and SQLite file: a workshop's setup downloaded as a
//! package and created again (the same setup, no notes, new links), and every refusal of a
//! bad package naming its field while creating nothing.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::storage::{SqliteStorage, Storage};
use samtal_server::workshops::WorkshopLinks;
use samtal_shared::doc::{self, Phase, TextRef, WorkshopEdit};
use samtal_shared::package::{self, MAX_PACKAGE_BYTES};
use samtal_shared::session::{ErrorBody, ErrorCode};
use samtal_shared::view::PlenaryView;
use samtal_tests::{NativeClient, TestServer, demo_spec, token_of};
use serde_json::{Value, json};

async fn package_of(server: &TestServer, facilitator: &str) -> (u16, String) {
    let path = format!("/api/export/{facilitator}/package.json");
    server.request("GET", &path, None).await.unwrap()
}

fn every_token(links: &WorkshopLinks) -> Vec<String> {
    std::iter::once(&links.facilitator)
        .chain(std::iter::once(&links.catch_up))
        .chain(links.groups.iter().map(|g| &g.link))
        .map(|l| token_of(l))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downloaded_package_makes_the_same_setup_with_no_notes_and_new_links() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let old = server.create_workshop(&demo_spec()).await.unwrap();
    let fac = token_of(&old.facilitator);

    // The day happens: a group writes, the facilitator adds a question of her own.
    let mut group = NativeClient::connect(server.addr, &token_of(&old.groups[0].link), "g")
        .await
        .unwrap();
    let gdoc = group.group_doc().unwrap();
    let answer = TextRef::Answer {
        question_id: "q1".into(),
    };
    group
        .edit(gdoc, &answer, "Barnets röst måste höras.")
        .unwrap();
    group.sync().await.unwrap();
    let mut f = NativeClient::connect(server.addr, &fac, "f").await.unwrap();
    let wdoc = f.info.workshop_doc;
    f.change(wdoc, |d| {
        let id = "q-egen".to_owned();
        doc::apply_workshop_edit(d, &WorkshopEdit::AddQuestion { id: id.clone() })?;
        let text = "Vad behöver ni från chefen?".to_owned();
        doc::apply_workshop_edit(
            d,
            &WorkshopEdit::Question {
                id,
                text,
                area: None,
            },
        )
    })
    .unwrap();
    f.sync().await.unwrap();

    let (status, file) = package_of(&server, &fac).await;
    assert_eq!(status, 200, "{file}");
    let exported = package::read_package(file.as_bytes()).unwrap();
    assert_eq!(exported.title, demo_spec().setup.title);
    assert!(
        exported
            .questions
            .iter()
            .any(|q| q.text == "Vad behöver ni från chefen?")
    );
    assert!(!file.contains("Barnets röst"), "a package carries no notes");
    for t in every_token(&old) {
        assert!(!file.contains(&t), "a package carries no links");
    }

    // Created again from the file, as the start page and "Skapa kopia" do.
    let mut body: Value = serde_json::from_str(&file).unwrap();
    body["date"] = "2027-03-15".into();
    let (status, text) = server
        .request("POST", "/api/workshops", Some(body))
        .await
        .unwrap();
    assert_eq!(status, 201, "{text}");
    let new: WorkshopLinks = serde_json::from_str(&text).unwrap();
    let (old_tokens, new_tokens) = (every_token(&old), every_token(&new));
    assert!(
        new_tokens.iter().all(|t| !old_tokens.contains(t)),
        "new links"
    );
    assert_ne!(new.workshop_id, old.workshop_id);

    let new_fac = token_of(&new.facilitator);
    let (_, again) = package_of(&server, &new_fac).await;
    assert_eq!(
        package::read_package(again.as_bytes()).unwrap(),
        exported,
        "the same setup"
    );
    let view: PlenaryView = server
        .get_json(&format!("/api/plenary/{new_fac}"))
        .await
        .unwrap();
    assert_eq!(view.filled_count(), 0, "no notes come along");
    assert_eq!(
        (view.date.as_str(), view.phase),
        ("2027-03-15", Phase::Prep)
    );
    // The old workshop keeps its notes.
    let view: PlenaryView = server
        .get_json(&format!("/api/plenary/{fac}"))
        .await
        .unwrap();
    assert_eq!(view.filled_count(), 1);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_facilitator_downloads_the_package() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    for (link, status) in [
        (&links.groups[0].link, 403),
        (&links.catch_up, 403),
        (&links.facilitator, 200),
    ] {
        assert_eq!(
            package_of(&server, &token_of(link)).await.0,
            status,
            "{link}"
        );
    }
    let (status, _) = package_of(&server, "not-a-token").await;
    assert_eq!(status, 404);
    server.stop().await.unwrap();
}

fn demo_body() -> Value {
    let mut v: Value = serde_json::from_str(samtal_shared::demo::DEMO_PACKAGE).unwrap();
    v["date"] = "2027-01-20".into();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_package_is_refused_naming_the_field_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let server = TestServer::start(&data).await.unwrap();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = demo_body();
        f(&mut v);
        v
    };
    let cases: Vec<(Value, u16, Option<&str>, ErrorCode)> = vec![
        (
            with(&|v| v["schema"] = "samtal-package/9".into()),
            400,
            Some("schema"),
            ErrorCode::BadRequest,
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("title");
            }),
            400,
            Some("title"),
            ErrorCode::BadRequest,
        ),
        (
            with(&|v| {
                v["cases"][1].as_object_mut().unwrap().remove("body");
            }),
            400,
            Some("cases[1].body"),
            ErrorCode::BadRequest,
        ),
        (
            with(&|v| v["cases"][0]["area"] = "Ekonomi".into()),
            400,
            Some("cases[0].area"),
            ErrorCode::Invalid,
        ),
        (
            with(&|v| v["date"] = "2027-13-40".into()),
            400,
            Some("date"),
            ErrorCode::Invalid,
        ),
        (
            with(&|v| {
                v.as_object_mut().unwrap().remove("date");
            }),
            400,
            Some("date"),
            ErrorCode::BadRequest,
        ),
        (
            with(&|v| v["materials"][0]["url"] = "javascript:alert(1)".into()),
            400,
            Some("materials[0].url"),
            ErrorCode::Invalid,
        ),
        (
            with(&|v| v["groups"] = json!([])),
            400,
            Some("groups"),
            ErrorCode::Invalid,
        ),
        (
            with(&|v| v["access_days"] = 99_999.into()),
            400,
            Some("access_days"),
            ErrorCode::Invalid,
        ),
        (
            with(&|v| v["cases"][0]["body"] = "x".repeat(MAX_PACKAGE_BYTES + 1).into()),
            413,
            None,
            ErrorCode::BadRequest,
        ),
    ];
    for (body, status, field, code) in cases {
        let (got, text) = server
            .request("POST", "/api/workshops", Some(body))
            .await
            .unwrap();
        assert_eq!(got, status, "{text}");
        let e: ErrorBody = serde_json::from_str(&text).unwrap();
        assert_eq!((e.field.as_deref(), e.code), (field, code), "{text}");
        assert!(!e.error.is_empty());
    }
    // A good package sent as a form or plain text (what another site's page could send without
    // asking) is refused too.
    let url = format!("{}/api/workshops", server.http());
    let body = demo_body().to_string();
    let status = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        agent
            .post(&url)
            .header("content-type", "text/plain")
            .send(body.as_str())
            .map(|r| r.status().as_u16())
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(status, 400);
    // The good one is accepted; only it was created.
    let (status, text) = server
        .request("POST", "/api/workshops", Some(demo_body()))
        .await
        .unwrap();
    assert_eq!(status, 201, "{text}");
    server.stop().await.unwrap();
    assert_eq!(
        SqliteStorage::open(&data)
            .unwrap()
            .workshop_count()
            .unwrap(),
        1
    );
}
