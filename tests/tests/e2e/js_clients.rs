//! Issue 3, tests 2 and 4: a stock automerge-repo client (Node) and a real headless browser.
//! They need `npm ci` in tests/js, the built client and chromium, so `cargo xtask test` runs
//! them explicitly (`--ignored`), with SAMTAL_JS and SAMTAL_DIST set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::settings::Settings;
use samtal_shared::doc::TextRef;
use samtal_tests::*;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

async fn node(args: &[&str], limit: Duration) -> String {
    let mut cmd = tokio::process::Command::new("node");
    cmd.args(args)
        .current_dir(js_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let out = tokio::time::timeout(limit, cmd.output())
        .await
        .expect("node script timed out")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "node {args:?} failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    stdout
}

fn q1() -> TextRef {
    TextRef::Answer {
        question_id: "q1".into(),
    }
}

/// A server with a temp data folder that also serves the built client.
async fn browser_server() -> (tempfile::TempDir, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().join("data"));
    settings.static_dir = Some(dist());
    (dir, TestServer::start_with(settings).await.unwrap())
}

/// Where screenshots go: `SAMTAL_SCREENSHOTS`, or the test's temp folder.
fn screenshots(dir: &tempfile::TempDir) -> String {
    std::env::var("SAMTAL_SCREENSHOTS")
        .unwrap_or_else(|_| dir.path().to_string_lossy().into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs tests/js/node_modules; run by `cargo xtask test`"]
async fn stock_automerge_repo_client_interoperates() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);
    let mut rust = NativeClient::connect(server.addr, &token, "rust")
        .await
        .unwrap();
    let doc = rust.group_doc().unwrap();

    // JS writes, Rust sees it.
    let out = node(
        &[
            "interop.mjs",
            &server.ws(&token),
            &doc.to_string(),
            "write",
            "Från node. ",
        ],
        Duration::from_secs(40),
    )
    .await;
    assert!(out.contains("WROTE"), "{out}");
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        rust.sync().await.unwrap();
        if rust.notes(doc).unwrap().text(&q1()) == Some("Från node. ") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "JS edit never arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Rust writes, JS sees it.
    rust.append(doc, &q1(), "Från Rust.").unwrap();
    rust.sync().await.unwrap();
    let out = node(
        &["interop.mjs", &server.ws(&token), &doc.to_string(), "read"],
        Duration::from_secs(40),
    )
    .await;
    assert!(out.contains("Från node. Från Rust."), "{out}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn browser_keeps_offline_notes_through_a_reload() {
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);
    let shots = screenshots(&dir);
    let out = node(
        &[
            "offline.mjs",
            &server.addr.port().to_string(),
            &token,
            &shots,
        ],
        Duration::from_secs(170),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    for line in out.lines().filter(|l| l.starts_with("measured: ")) {
        println!("{line}");
    }

    // The server's disk holds all three parts, typed online, offline, and offline after a reload,
    // and the two another browser added at the end.
    let reader = NativeClient::connect(server.addr, &token, "reader")
        .await
        .unwrap();
    let doc = reader.group_doc().unwrap();
    let text = reader
        .notes(doc)
        .unwrap()
        .text(&q1())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(text, "Del ett. Del två. Del tre. Fyra. Fem.");
    server.stop().await.unwrap();
    assert_eq!(
        stored_group_notes(&dir.path().join("data"), doc)
            .unwrap()
            .text(&q1()),
        Some("Del ett. Del två. Del tre. Fyra. Fem.")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn facilitator_creates_a_workshop_and_sees_the_plenary_in_the_browser() {
    let (dir, server) = browser_server().await;
    let shots = screenshots(&dir);
    let out = node(
        &["facilitator.mjs", &server.addr.port().to_string(), &shots],
        Duration::from_secs(170),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    let fac = out
        .lines()
        .find_map(|l| l.strip_prefix("FACILITATOR="))
        .expect("the script prints the facilitator token")
        .to_owned();

    // What the browser did is on the server: the plenary JSON and the Markdown export.
    let view: samtal_shared::view::PlenaryView = server
        .get_json(&format!("/api/plenary/{fac}"))
        .await
        .unwrap();
    assert_eq!(view.title, "Barnets rättigheter i vardagen");
    let q = &view.questions[0];
    assert_eq!(q.text, "Hur kommer barnets röst fram i era utredningar?");
    assert_eq!(
        view.materials[0].url, "javascript:alert(1)",
        "kept as text, never a link"
    );
    assert_eq!(q.summary, "Vi behöver fråga barnen oftare.");
    assert!(q.answers[0].highlighted);
    assert!(q.answers[0].text.starts_with("Barnets röst hörs i samtal."));
    assert_eq!(view.follow_up[0].text, "Ta upp på nästa APT");
    let (status, md) = server
        .request("GET", &format!("/api/export/{fac}/plenary.md"), None)
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(md.contains("Barnets röst hörs i samtal."), "{md}");
    assert!(md.contains("\\<img src=x"), "markup is escaped: {md}");
    assert!(
        md.contains("\\[x\\](javascript:") && !md.contains(" [x](javascript:"),
        "the link syntax is escaped: {md}"
    );
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn browser_client_survives_a_shared_conference_pc() {
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let group = token_of(&links.groups[0].link);
    let shots = screenshots(&dir);
    let out = node(
        &[
            "hardening.mjs",
            &server.addr.port().to_string(),
            &group,
            &token_of(&links.facilitator),
            &shots,
        ],
        Duration::from_secs(290),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    // The script checked the server after each step; check the disk once more.
    server.stop().await.unwrap();
    let doc = samtal_shared::doc::group_doc_id(&links.workshop_id, "g1");
    let notes = stored_group_notes(&dir.path().join("data"), doc).unwrap();
    let q1 = notes.text(&q1()).unwrap_or_default();
    assert!(
        q1.contains("Ett två tre fyra fem.") && q1.contains("Sex sju åtta nio tio."),
        "{q1}"
    );
    let q3 = notes
        .text(&TextRef::Answer {
            question_id: "q3".into(),
        })
        .unwrap_or_default();
    assert_eq!(q3.len(), "Osynkat.".len() + 500, "{q3}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn browser_keeps_typing_through_a_server_restart() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_tests(dir.path().join("data"));
    settings.static_dir = Some(dist());
    let mut server = Some(TestServer::start_with(settings.clone()).await.unwrap());
    let addr = server.as_ref().unwrap().addr;
    let links = server
        .as_ref()
        .unwrap()
        .create_workshop(&demo_spec())
        .await
        .unwrap();
    let token = token_of(&links.groups[0].link);
    let shots = screenshots(&dir);
    let mut child = tokio::process::Command::new("node")
        .args(["restart.mjs", &addr.port().to_string(), &token, &shots])
        .current_dir(js_dir())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node runs");
    let mut stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut log = String::new();
    let finished = tokio::time::timeout(Duration::from_secs(150), async {
        while let Some(line) = out.next_line().await.unwrap() {
            log.push_str(&line);
            log.push('\n');
            if line == "RESTART" {
                server.take().unwrap().stop().await.unwrap();
                // Same port, same data: what a deploy or a crash-restart looks like.
                let mut again = settings.clone();
                again.bind = addr;
                server = Some(TestServer::start_with(again).await.unwrap());
                stdin.write_all(b"UP\n").await.unwrap();
            }
        }
    })
    .await;
    assert!(finished.is_ok(), "timed out:\n{log}");
    assert!(child.wait().await.unwrap().success(), "{log}");
    assert!(log.contains("BROWSER-OK"), "{log}");
    server.take().unwrap().stop().await.unwrap();
    let doc = samtal_shared::doc::group_doc_id(&links.workshop_id, "g1");
    let notes = stored_group_notes(&dir.path().join("data"), doc).unwrap();
    assert_eq!(
        notes.text(&q1()),
        Some("Före. Under omstarten. Efter."),
        "on disk after the restart"
    );
}

/// Issue 10: a device label on the group's PC, "new since your last visit" on the catch-up
/// page, and a wiped field restored from the history by the facilitator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn facilitator_restores_a_wiped_field_from_the_history() {
    use samtal_shared::history::{self, History};
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let shots = screenshots(&dir);
    let out = node(
        &[
            "history.mjs",
            &server.addr.port().to_string(),
            &token_of(&links.groups[0].link),
            &token_of(&links.facilitator),
            &token_of(&links.catch_up),
            &shots,
        ],
        Duration::from_secs(170),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    server.stop().await.unwrap();

    // On disk: the restored text, the restore signed by the facilitator's device, and the
    // wipe still in the history (a restore adds a change, it removes none).
    let doc_id = samtal_shared::doc::group_doc_id(&links.workshop_id, "g1");
    let mut doc = stored_doc(&dir.path().join("data"), doc_id)
        .unwrap()
        .expect("the group document is stored");
    let text = "Barnets bästa först. Vi frågar barnet.";
    assert_eq!(
        samtal_shared::doc::read_text(&doc, &q1()).as_deref(),
        Some(text)
    );
    let doc = doc.document();
    let h = History::of(doc);
    let last = h.steps.last().unwrap();
    assert_eq!(last.device.as_deref(), Some("Samordnaren"));
    assert!(
        last.time > 1_700_000_000,
        "stamped with the time: {}",
        last.time
    );
    let by_room: Vec<usize> = (0..h.len())
        .filter(|&i| h.steps[i].device.as_deref() == Some("Konferensrum 3"))
        .collect();
    assert!(!by_room.is_empty(), "the group's changes carry its label");
    let wiped = by_room.iter().any(|&i| {
        i > 0
            && history::text_at(doc, &q1(), &h.steps[i].heads).is_empty()
            && !history::text_at(doc, &q1(), &h.steps[i - 1].heads).is_empty()
    });
    assert!(wiped, "the wipe is still in the history");
}

/// A measurement for BENCHMARKS.md, not a timing assertion: prints the cold-load time of a
/// group document with 5,000 keystrokes of history and the localStorage bytes of a full
/// workshop.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn measure_cold_load_and_local_storage() {
    let (_dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    // Group 1: 5,000 keystrokes in q1, one commit per 5 keys (what typing bursts give).
    let mut g1 = NativeClient::connect(server.addr, &token_of(&links.groups[0].link), "typist")
        .await
        .unwrap();
    let doc = g1.group_doc().unwrap();
    let mut text = String::new();
    for i in 0..5_000 {
        text.push(if i % 7 == 6 {
            ' '
        } else {
            (b'a' + (i % 26) as u8) as char
        });
        let d = g1.repo.doc_mut(&doc).unwrap();
        samtal_shared::doc::edit_text(d, &q1(), &text).unwrap();
        if i % 5 == 4 {
            d.commit();
        }
    }
    g1.sync().await.unwrap();
    // A full workshop: every group answers every question and case field (~600 characters of
    // varied words each, so compression does not flatter the number).
    let words = [
        "barnet",
        "familjen",
        "skolan",
        "vi",
        "behöver",
        "fråga",
        "oftare",
        "hur",
        "det",
        "känns",
        "utredningen",
        "beslutet",
        "samtalet",
        "föräldrarna",
        "tolk",
        "hemma",
        "boendet",
        "trygghet",
        "delaktighet",
        "uppföljning",
        "handläggaren",
        "vecka",
    ];
    let mut seed = 11u32;
    let mut prose = move || {
        let mut s = String::new();
        while s.len() < 600 {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            s.push_str(words[(seed >> 16) as usize % words.len()]);
            s.push(' ');
        }
        s
    };
    for g in &links.groups {
        let mut c = NativeClient::connect(server.addr, &token_of(&g.link), "full")
            .await
            .unwrap();
        let doc = c.group_doc().unwrap();
        let notes = c.notes(doc).unwrap();
        let mut fields: Vec<TextRef> = notes
            .answers
            .keys()
            .map(|q| TextRef::Answer {
                question_id: q.clone(),
            })
            .collect();
        for (case, fs) in &notes.reflections {
            fields.extend(fs.keys().map(|f| TextRef::Reflection {
                case_id: case.clone(),
                field_id: f.clone(),
            }));
        }
        for f in fields {
            if notes.text(&f).is_some_and(str::is_empty) {
                c.edit(doc, &f, &prose()).unwrap();
            }
        }
        c.sync().await.unwrap();
    }
    let out = node(
        &[
            "coldload.mjs",
            &server.addr.port().to_string(),
            &token_of(&links.groups[0].link),
            &token_of(&links.facilitator),
        ],
        Duration::from_secs(240),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    for line in out.lines().filter(|l| l.contains('=')) {
        println!("measured: {line}");
    }
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn every_view_passes_axe_and_works_by_keyboard() {
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    // Some notes, a lifted answer, so every view has content to check.
    let mut g = NativeClient::connect(server.addr, &token_of(&links.groups[1].link), "g2")
        .await
        .unwrap();
    let doc = g.group_doc().unwrap();
    g.edit(doc, &q1(), "Vi pratar med barnen direkt.").unwrap();
    g.change(doc, |d| samtal_shared::doc::set_highlight(d, &q1(), true))
        .unwrap();
    g.sync().await.unwrap();
    // A countdown and a message, so the group page, the controls and the presentation show them.
    let mut f = NativeClient::connect(server.addr, &token_of(&links.facilitator), "f")
        .await
        .unwrap();
    let wdoc = f.info.workshop_doc;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    f.change(wdoc, |d| {
        use samtal_shared::doc::{TimerEdit, WorkshopEdit, apply_workshop_edit};
        let start = TimerEdit::Start { minutes: 90 };
        apply_workshop_edit(d, &WorkshopEdit::Timer { edit: start, now })?;
        apply_workshop_edit(
            d,
            &WorkshopEdit::Message("Vi samlas i storgrupp klockan 14".into()),
        )?;
        // A vote on the lifted answer, so every view shows the ballot or the results.
        let vote = samtal_shared::doc::Vote {
            id: "v1".into(),
            title: "Vad tar ni med er från föreläsningen?".into(),
            dots: 3,
            items: vec![samtal_shared::doc::VoteItem {
                id: "g2".into(),
                group: "Vuxen".into(),
                text: "Vi pratar med barnen direkt.".into(),
            }],
            open: true,
            result: None,
        };
        apply_workshop_edit(d, &WorkshopEdit::Vote(Some(vote)))?;
        // A second round in mixed groups, so the round switcher and provenance are checked.
        let areas = ["Barn och unga", "Vuxen", "Funktionsstöd"]
            .map(String::from)
            .to_vec();
        let groups = (1..=3)
            .map(|i| samtal_shared::doc::RoundGroup {
                id: format!("r2-{i}"),
                name: format!("Blandad grupp {i}"),
                area: String::new(),
                mix: areas.clone(),
            })
            .collect();
        apply_workshop_edit(d, &WorkshopEdit::AddRound { groups })
    })
    .unwrap();
    // An action with a status and a comment, so the follow-up tab and the plenary show them.
    let pdoc = samtal_shared::doc::read_workshop(f.repo.doc(&wdoc).unwrap())
        .unwrap()
        .plenary_doc_id;
    let action = samtal_shared::doc::FollowUp {
        id: "f1".into(),
        text: "Ta fram en checklista".into(),
        owner: "Enhetschef".into(),
        due: "2027-01-15".into(),
        status: samtal_shared::doc::ActionStatus::InProgress,
        comment: "Väntar på lokalen".into(),
        new_due: "2027-02-01".into(),
    };
    f.add_action(pdoc, action).unwrap();
    // Questions for the follow-up meeting: one on the agenda, one new, one set aside, so the
    // sorter's every list is checked; the group's own page lists what it sent.
    let qbox = samtal_shared::doc::questions_doc_id(&links.workshop_id);
    f.change(qbox, |d| {
        use samtal_shared::doc::{Sorting, add_question, sort_questions};
        add_question(d, "qa", "Vad gör vi när en brukare inte vill ha hjälp?", 1)?;
        add_question(d, "qb", "Hur når vi anhöriga som inte svarar?", 2)?;
        add_question(d, "qc", "Kaffe?", 3)?;
        sort_questions(d, &Sorting::ToAgenda("qa".into()))?;
        sort_questions(d, &Sorting::SetAside("qc".into()))
    })
    .unwrap();
    f.sync().await.unwrap();
    g.change(doc, |d| {
        samtal_shared::doc::set_ballot(d, "v1", "a11y", &["g2".to_owned(), "g2".to_owned()])
    })
    .unwrap();
    g.sync().await.unwrap();
    let out = node(
        &[
            "a11y.mjs",
            &server.addr.port().to_string(),
            &token_of(&links.facilitator),
            &token_of(&links.groups[0].link),
            &token_of(&links.catch_up),
            &screenshots(&dir),
        ],
        Duration::from_secs(290),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn browsers_forget_an_erased_workshop() {
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let out = node(
        &[
            "erase.mjs",
            &server.addr.port().to_string(),
            &token_of(&links.groups[0].link),
            &token_of(&links.catch_up),
            &token_of(&links.facilitator),
            &screenshots(&dir),
        ],
        Duration::from_secs(130),
    )
    .await;
    assert!(out.contains("ERASE-OK"), "{out}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn a_trainer_starts_from_a_package_pastes_and_copies_in_the_browser() {
    let (dir, server) = browser_server().await;
    let shots = screenshots(&dir);
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../packages/barnkonventionen.json");
    let out = node(
        &[
            "packages.mjs",
            &server.addr.port().to_string(),
            &file.to_string_lossy(),
            &shots,
        ],
        Duration::from_secs(180),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    // How long the setup took, for the closing note (`--nocapture` shows it).
    for line in out.lines().filter(|l| l.starts_with("SETUP-")) {
        println!("{line}");
    }
    let token = |key: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("the script prints {key}"))
            .to_owned()
    };
    let (fac, copy) = (token("FACILITATOR="), token("COPY="));
    // What the browser did is on the server: the package's setup, the typed and pasted items.
    let package = |t: String| {
        let server = &server;
        async move {
            let (status, file) = server
                .request("GET", &format!("/api/export/{t}/package.json"), None)
                .await
                .unwrap();
            assert_eq!(status, 200, "{file}");
            samtal_shared::package::read_package(file.as_bytes()).unwrap()
        }
    };
    let original = package(fac.clone()).await;
    let texts: Vec<&str> = original.questions.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(
        texts[..3],
        samtal_shared::demo::package()
            .unwrap()
            .questions
            .iter()
            .map(|q| q.text.as_str())
            .collect::<Vec<_>>()[..]
    );
    assert!(texts.contains(&"Vad gör vi på måndag?"), "{texts:?}");
    assert!(texts.contains(&"Vem pratar med barnet?"), "{texts:?}");
    let ali = original
        .cases
        .iter()
        .find(|c| c.title == "Fallet Ali")
        .unwrap();
    assert_eq!(ali.area, "Vuxen");
    assert!(ali.body.contains("träffa sin mamma"), "{}", ali.body);
    // The copy has the same setup, its own date, and starts in preparation.
    assert_eq!(package(copy.clone()).await, original);
    let view: samtal_shared::view::PlenaryView = server
        .get_json(&format!("/api/plenary/{copy}"))
        .await
        .unwrap();
    assert_eq!(view.date, "2031-05-20");
    assert_eq!(view.phase, samtal_shared::doc::Phase::Prep);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn the_countdown_and_the_message_reach_a_group_page() {
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let out = node(
        &[
            "liveday.mjs",
            &server.addr.port().to_string(),
            &token_of(&links.facilitator),
            &token_of(&links.groups[0].link),
            &screenshots(&dir),
        ],
        Duration::from_secs(130),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    assert!(out.contains("HELD-BACK"), "{out}");
    // What the browsers did is on the server: the phase, the extended countdown, no message,
    // and the text written offline while the workshop closed, sent once it reopened.
    let (f, w) = on_the_server(&server, &links.facilitator).await;
    assert_eq!(w.phase, samtal_shared::doc::Phase::Followup);
    let gdoc = w.groups[0].doc_id;
    assert_eq!(
        f.notes(gdoc).unwrap().text(&q1()),
        Some("Vi börjar nu. Skrivet offline.")
    );
    let left = w.timer.left(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64,
    );
    assert!(
        left.is_some_and(|l| l > 4 * 60_000 && l <= 6 * 60_000),
        "{:?}",
        w.timer
    );
    assert_eq!(w.message, "");
    server.stop().await.unwrap();
}

/// What the server holds once a browser test is done: a fresh facilitator client, synced,
/// and the workshop document it read.
async fn on_the_server(
    server: &TestServer,
    facilitator_link: &str,
) -> (NativeClient, samtal_shared::doc::Workshop) {
    let mut f = NativeClient::connect(server.addr, &token_of(facilitator_link), "check")
        .await
        .unwrap();
    f.sync().await.unwrap();
    let id = f.info.workshop_doc;
    let w = samtal_shared::doc::read_workshop(f.repo.doc(&id).unwrap()).unwrap();
    (f, w)
}

/// A workshop like the demo's with `n` groups (areas in turn), every group's answer to every
/// question written, some short and some long (a real plenary's spread).
async fn workshop_with_answers(server: &TestServer, n: usize) -> String {
    let mut spec = demo_spec();
    let areas: Vec<String> = spec.setup.areas.clone();
    spec.setup.groups = (0..n)
        .map(|i| samtal_shared::doc::GroupSpec {
            name: format!("Grupp {}", i + 1),
            area: areas[i % areas.len()].clone(),
        })
        .collect();
    let links = server.create_workshop(&spec).await.unwrap();
    let sentence = "Vi pratade om hur barnets röst kommer fram i utredningen och om vad vi behöver ändra i våra rutiner. ";
    for (i, g) in links.groups.iter().enumerate() {
        let mut c = NativeClient::connect(server.addr, &token_of(&g.link), "rum")
            .await
            .unwrap();
        let doc = c.group_doc().unwrap();
        for q in ["q1", "q2", "q3"] {
            let answer = TextRef::Answer {
                question_id: q.into(),
            };
            // Group 2 writes at length (about 700 characters), the others one to three lines.
            let repeat = if i == 1 { 7 } else { i % 3 + 1 };
            let text = format!("{}: {}", g.name, sentence.repeat(repeat));
            c.edit(doc, &answer, text.trim_end()).unwrap();
        }
        // And two reflections on its area's case.
        let wdoc = c.info.workshop_doc;
        let w = samtal_shared::doc::read_workshop(c.repo.doc(&wdoc).unwrap()).unwrap();
        let area = &w.groups.iter().find(|x| x.doc_id == doc).unwrap().area;
        for case in w.cases.iter().filter(|k| &k.area == area) {
            for f in w.fields_for(case).iter().take(2) {
                let r = TextRef::Reflection {
                    case_id: case.id.clone(),
                    field_id: f.id.clone(),
                };
                let text = format!("{} om {}: {}", g.name, f.label, sentence.repeat(i % 2 + 1));
                c.edit(doc, &r, text.trim_end()).unwrap();
            }
        }
        c.sync().await.unwrap();
    }
    token_of(&links.facilitator)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn presentation_of_four_and_of_eight_groups_fits_the_screen() {
    let (dir, server) = browser_server().await;
    let four = workshop_with_answers(&server, 4).await;
    let eight = workshop_with_answers(&server, 8).await;
    let out = node(
        &[
            "present.mjs",
            &server.addr.port().to_string(),
            &four,
            &eight,
            &screenshots(&dir),
        ],
        Duration::from_secs(170),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    // (The slides walked and the smallest type used, for BENCHMARKS.md: `--nocapture`.)
    println!("{out}");
    // Every slide of both workshops at both sizes was walked by keyboard.
    assert!(out.contains("SLIDES 4 1920x1080"), "{out}");
    assert!(out.contains("SLIDES 8 1366x768"), "{out}");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn a_vote_by_keyboard_ranks_the_answers_and_the_top_one_becomes_an_action() {
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    // Two groups answered the first question; the first asks the plenary something.
    for (i, text) in [
        (0, "Fråga barnet först."),
        (1, "Läs journalen tillsammans."),
    ] {
        let mut g = NativeClient::connect(server.addr, &token_of(&links.groups[i].link), "g")
            .await
            .unwrap();
        let doc = g.group_doc().unwrap();
        g.edit(doc, &q1(), text).unwrap();
        if i == 0 {
            let asks = TextRef::Reflection {
                case_id: "c1".into(),
                field_id: "plenary_questions".into(),
            };
            g.edit(doc, &asks, "Vem pratar med skolan?").unwrap();
        }
        g.sync().await.unwrap();
    }
    let out = node(
        &[
            "vote.mjs",
            &server.addr.port().to_string(),
            &token_of(&links.facilitator),
            &token_of(&links.groups[2].link),
            &screenshots(&dir),
        ],
        Duration::from_secs(130),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    // On the server: the vote closed with its tally frozen, the ballot without a device label,
    // the top answer an action.
    let (mut f, w) = on_the_server(&server, &links.facilitator).await;
    let vote = w.vote.clone().expect("the vote is kept");
    assert!(!vote.open);
    let result = vote.result.clone().unwrap();
    assert_eq!(result[0], (w.groups[1].id.clone(), 2));
    assert_eq!(result[1], (w.groups[0].id.clone(), 1));
    let gdoc = w.groups[2].doc_id;
    let history = samtal_shared::history::History::of(f.repo.doc_mut(&gdoc).unwrap().document());
    assert!(
        history.steps.iter().all(|c| c.device.is_none()),
        "a ballot carries a device label"
    );
    let plenary = samtal_shared::doc::read_plenary(f.repo.doc(&w.plenary_doc_id).unwrap()).unwrap();
    assert_eq!(plenary.follow_up[0].text, "Läs journalen tillsammans.");
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn a_second_round_in_mixed_groups_from_the_facilitator_s_screen() {
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let mut g = NativeClient::connect(server.addr, &token_of(&links.groups[1].link), "g")
        .await
        .unwrap();
    let doc = g.group_doc().unwrap();
    g.edit(doc, &q1(), "Round one, by area.").unwrap();
    g.sync().await.unwrap();
    let out = node(
        &[
            "rounds.mjs",
            &server.addr.port().to_string(),
            &token_of(&links.facilitator),
            &screenshots(&dir),
        ],
        Duration::from_secs(130),
    )
    .await;
    assert!(out.contains("BROWSER-OK"), "{out}");
    // On the server: round 2's three mixed groups, as she named them, each drawn from every
    // area; round 1 untouched; the mixed group's note in its own document, in round 2's view.
    let (f, w) = on_the_server(&server, &links.facilitator).await;
    let second: Vec<_> = w.groups_in(2).collect();
    assert_eq!(second.len(), 3);
    assert_eq!(second[0].name, "Tvärgrupp Norr");
    assert!(second.iter().all(|g| g.mix == w.areas && g.area.is_empty()));
    assert_eq!(w.groups_in(1).count(), 3);
    let norr = second[0].doc_id;
    assert_eq!(
        f.notes(norr).unwrap().text(&q1()),
        Some("Vi blandade oss och lärde av varandra.")
    );
    let view: samtal_shared::view::PlenaryView = server
        .get_json(&format!(
            "/api/plenary/{}?round=2",
            token_of(&links.facilitator)
        ))
        .await
        .unwrap();
    let answers = &view.questions[0].answers;
    assert_eq!(answers.len(), 3);
    assert_eq!(answers[0].text, "Vi blandade oss och lärde av varandra.");
    assert_eq!(answers[0].round, 2);
    server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the built client (dist/), chromium and tests/js/node_modules; run by `cargo xtask test`"]
async fn the_follow_up_meeting_from_the_facilitator_s_screen_and_the_qr_sheets_print_a_page_each() {
    use samtal_shared::doc::{self, ActionStatus, FollowUp};
    let (dir, server) = browser_server().await;
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let fac = token_of(&links.facilitator);
    // Two actions agreed on the day.
    let mut f = NativeClient::connect(server.addr, &fac, "f").await.unwrap();
    let w = doc::read_workshop(f.repo.doc(&f.info.workshop_doc).unwrap()).unwrap();
    let pdoc = w.plenary_doc_id;
    for (id, text) in [("f1", "Ta fram en checklista"), ("f2", "Boka lokal")] {
        let action = FollowUp {
            id: id.into(),
            text: text.into(),
            owner: "Enhetschef".into(),
            due: "2027-01-15".into(),
            ..FollowUp::default()
        };
        f.add_action(pdoc, action).unwrap();
    }
    f.sync().await.unwrap();
    let meeting = doc::format_date(doc::parse_date(&w.date).unwrap() + 21);
    let out = node(
        &[
            "followup.mjs",
            &server.addr.port().to_string(),
            &fac,
            &meeting,
            &links.groups.len().to_string(),
            &token_of(&links.catch_up),
            &screenshots(&dir),
        ],
        Duration::from_secs(210),
    )
    .await;
    assert!(out.contains("FOLLOWUP-OK"), "{out}");
    // What the browser did is on the server: a fresh client reads it back.
    let mut check = NativeClient::connect(server.addr, &fac, "check")
        .await
        .unwrap();
    check.sync().await.unwrap();
    let w = doc::read_workshop(check.repo.doc(&check.info.workshop_doc).unwrap()).unwrap();
    assert_eq!(w.follow_up_date, meeting);
    assert_eq!(
        w.access_until,
        doc::format_date(doc::parse_date(&meeting).unwrap() + 7),
        "the catch-up link stays open a week after the meeting"
    );
    let p = doc::read_plenary(check.repo.doc(&pdoc).unwrap()).unwrap();
    let f1 = p.follow_up.iter().find(|a| a.id == "f1").unwrap();
    assert_eq!(f1.status, ActionStatus::InProgress);
    assert_eq!(f1.new_due, "2027-03-01");
    assert_eq!(f1.comment, "Väntar på lokalen");
    assert_eq!(f1.text, "Ta fram en checklista", "what was agreed is kept");
    let f2 = p.follow_up.iter().find(|a| a.id == "f2").unwrap();
    assert_eq!(f2.status, ActionStatus::Done);
    // The question written offline on the catch-up page, and her own item, on the agenda in
    // her order; the reader's question carries no device label.
    let qbox = doc::questions_doc_id(&links.workshop_id);
    let stored = stored_doc(&server.data, qbox).unwrap().unwrap();
    let b = doc::read_questions(&stored).unwrap();
    let agenda: Vec<&str> = b.on_agenda().iter().map(|q| q.text.as_str()).collect();
    assert_eq!(
        agenda,
        [
            "Genomgång av checklistan",
            "Vad gör vi när en brukare säger nej till all hjälp?"
        ]
    );
    let asked = b.on_agenda()[1].id.clone();
    let mut stored = stored;
    let change = stored
        .get_changes(&[])
        .into_iter()
        .find(|c| {
            c.decode()
                .operations
                .iter()
                .any(|op| matches!(&op.key, automerge::legacy::Key::Map(k) if k.as_str() == format!("q:{asked}")))
        })
        .unwrap();
    assert_eq!(change.message(), None, "the question names a device");
    server.stop().await.unwrap();
}
