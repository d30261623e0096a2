//! The authorization matrix (issue 6): every role × every HTTP endpoint, and every role that
//! can open a sync connection × every protocol message kind and document. Each table cell is
//! the expected answer; a real server on 127.0.0.1:0 and a real SQLite file answer it, and
//! writes that are refused are checked to be absent from the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use automerge::sync::SyncDoc;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
use futures_util::{SinkExt, StreamExt};
use samtal_server::settings::Settings;
use samtal_server::workshops::WorkshopLinks;
use samtal_shared::doc::{self, SchemaError, WorkshopEdit, apply_workshop_edit, read_workshop};
use samtal_shared::doc::{PlenaryEdit, apply_plenary_edit, read_plenary};
use samtal_shared::sync::ClientRepo;
use samtal_shared::{DocumentId, Message, PeerId};
use samtal_tests::*;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message as WsMessage;

/// A token-shaped admin secret: the admin must not get in anywhere with it but creation.
const ADMIN: &str = "AdminAdminAdminAdmin00";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Admin,
    Facilitator,
    Group,
    CatchUp,
    ExpiredCatchUp,
    Rotated,
    NoLink,
}

const ROLES: [Role; 7] = [
    Role::Admin,
    Role::Facilitator,
    Role::Group,
    Role::CatchUp,
    Role::ExpiredCatchUp,
    Role::Rotated,
    Role::NoLink,
];

#[derive(Clone, Copy, Debug)]
enum Endpoint {
    Create,
    Session,
    SyncUpgrade,
    Links,
    Rotate,
    Status,
    Plenary,
    ExportMd,
    ExportHtml,
    QrSheet,
    Erase,
}

/// Expected HTTP status per role, in [`ROLES`] order:
/// admin, facilitator, group, catch-up, expired catch-up, rotated, none.
const HTTP: [(Endpoint, [u16; 7]); 11] = [
    (Endpoint::Create, [201, 401, 401, 401, 401, 401, 401]),
    (Endpoint::Session, [404, 200, 200, 200, 410, 404, 404]),
    (Endpoint::SyncUpgrade, [404, 101, 101, 101, 410, 404, 404]),
    (Endpoint::Links, [404, 200, 403, 403, 410, 404, 404]),
    (Endpoint::Rotate, [404, 200, 403, 403, 410, 404, 404]),
    (Endpoint::Status, [404, 200, 403, 403, 410, 404, 404]),
    (Endpoint::Plenary, [404, 200, 403, 200, 410, 404, 404]),
    (Endpoint::ExportMd, [404, 200, 403, 200, 410, 404, 404]),
    (Endpoint::ExportHtml, [404, 200, 403, 200, 410, 404, 404]),
    (Endpoint::QrSheet, [404, 200, 403, 403, 410, 404, 404]),
    // Last: the facilitator's erase ends the workshop.
    (Endpoint::Erase, [404, 204, 403, 403, 410, 404, 404]),
];

/// The documents a protocol message can name.
#[derive(Clone, Copy, Debug)]
enum Doc {
    Workshop,
    Plenary,
    /// Group 1's document (the group link's own).
    Group1,
    /// Group 2's document.
    Group2,
    /// The question box (append-only for group and catch-up links).
    Questions,
    /// A document of another workshop.
    Foreign,
    /// An id no workshop has.
    Unknown,
}

/// What a protocol message kind is, and which document it names.
#[derive(Clone, Copy, Debug)]
enum Kind {
    /// `request` carrying a sync message without changes.
    Request(Doc),
    /// `sync` carrying a change (a write).
    Write(Doc),
    /// A change to what is in the question box already (a question someone else sent).
    Touch(Touch),
    Ephemeral,
    Leave,
    JoinTwice,
    Peer,
    Error,
    DocUnavailable,
    UnknownType,
    SpoofedSender,
}

/// What a change does to the question box besides adding a question.
#[derive(Clone, Copy, Debug)]
enum Touch {
    /// Rewrite another's question.
    Edit,
    /// Remove another's question.
    Remove,
    /// Set the agenda (the facilitator's sorting).
    Sort,
}

/// The expected answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// The server answers with the document / accepts and stores the change.
    Ok,
    /// Nothing happens; the connection keeps working.
    Ignored,
    /// The connection closes without an error (the client said goodbye).
    Closed,
    /// An error message containing this text, then the connection closes.
    Refused(&'static str),
}

const READ_ONLY: Answer = Answer::Refused("may only read");
const NO_ACCESS: Answer = Answer::Refused("may not open");
const FOREIGN: Answer = Answer::Refused("not part of this link's workshop");
const APPEND_ONLY: Answer = Answer::Refused("only takes new questions");

/// Expected answer per sync-capable role: facilitator, group (group 1), catch-up.
const PROTOCOL: [(Kind, [Answer; 3]); 25] = {
    use Answer::*;
    use Doc::*;
    [
        (Kind::Request(Workshop), [Ok, Ok, Ok]),
        (Kind::Request(Plenary), [Ok, Ok, Ok]),
        (Kind::Request(Group1), [Ok, Ok, Ok]),
        (Kind::Request(Group2), [Ok, NO_ACCESS, Ok]),
        (Kind::Request(Questions), [Ok, Ok, Ok]),
        (Kind::Request(Foreign), [FOREIGN, FOREIGN, FOREIGN]),
        (Kind::Request(Unknown), [FOREIGN, FOREIGN, FOREIGN]),
        (Kind::Write(Workshop), [Ok, READ_ONLY, READ_ONLY]),
        (Kind::Write(Plenary), [Ok, READ_ONLY, READ_ONLY]),
        (Kind::Write(Group1), [Ok, Ok, READ_ONLY]),
        (Kind::Write(Group2), [Ok, NO_ACCESS, READ_ONLY]),
        // The one thing a catch-up link may write: a new question.
        (Kind::Write(Questions), [Ok, Ok, Ok]),
        (
            Kind::Touch(Touch::Edit),
            [APPEND_ONLY, APPEND_ONLY, APPEND_ONLY],
        ),
        (
            Kind::Touch(Touch::Remove),
            [APPEND_ONLY, APPEND_ONLY, APPEND_ONLY],
        ),
        (Kind::Touch(Touch::Sort), [Ok, APPEND_ONLY, APPEND_ONLY]),
        (Kind::Write(Foreign), [FOREIGN, FOREIGN, FOREIGN]),
        (Kind::Write(Unknown), [FOREIGN, FOREIGN, FOREIGN]),
        (Kind::Ephemeral, [Ignored, Ignored, Ignored]),
        (Kind::Leave, [Closed, Closed, Closed]),
        (
            Kind::JoinTwice,
            [
                Refused("sent twice"),
                Refused("sent twice"),
                Refused("sent twice"),
            ],
        ),
        (
            Kind::Peer,
            [
                Refused("unexpected `peer`"),
                Refused("unexpected `peer`"),
                Refused("unexpected `peer`"),
            ],
        ),
        (
            Kind::Error,
            [
                Refused("reported an error"),
                Refused("reported an error"),
                Refused("reported an error"),
            ],
        ),
        (Kind::DocUnavailable, [Ignored, Ignored, Ignored]),
        (Kind::UnknownType, [Ignored, Ignored, Ignored]),
        (
            Kind::SpoofedSender,
            [
                Refused("does not match"),
                Refused("does not match"),
                Refused("does not match"),
            ],
        ),
    ]
};

struct World {
    server: TestServer,
    links: WorkshopLinks,
    /// Group 1's link before it was replaced.
    rotated: String,
    expired_catch_up: String,
    docs: Docs,
}

#[derive(Clone, Copy)]
struct Docs {
    workshop: DocumentId,
    plenary: DocumentId,
    group1: DocumentId,
    group2: DocumentId,
    questions: DocumentId,
    foreign: DocumentId,
}

impl World {
    fn token(&self, role: Role) -> String {
        match role {
            Role::Admin => ADMIN.into(),
            Role::Facilitator => token_of(&self.links.facilitator),
            Role::Group => token_of(&self.links.groups[0].link),
            Role::CatchUp => token_of(&self.links.catch_up),
            Role::ExpiredCatchUp => self.expired_catch_up.clone(),
            Role::Rotated => self.rotated.clone(),
            Role::NoLink => "BBBBBBBBBBBBBBBBBBBBBB".into(),
        }
    }

    fn doc(&self, d: Doc) -> DocumentId {
        match d {
            Doc::Workshop => self.docs.workshop,
            Doc::Plenary => self.docs.plenary,
            Doc::Group1 => self.docs.group1,
            Doc::Group2 => self.docs.group2,
            Doc::Questions => self.docs.questions,
            Doc::Foreign => self.docs.foreign,
            Doc::Unknown => DocumentId::from_bytes([7; 16]),
        }
    }
}

async fn create(server: &TestServer) -> WorkshopLinks {
    let (status, body) = server
        .request_as(
            "POST",
            "/api/workshops",
            Some(serde_json::to_value(demo_spec()).unwrap()),
            Some(ADMIN),
        )
        .await
        .unwrap();
    assert_eq!(status, 201, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The question in the box when the matrix starts.
const SEED: &str = "seed";
const SEED_TEXT: &str = "Vad gör vi när ingen svarar?";

/// Two workshops: the one under test (group 1's first link replaced) and another whose
/// catch-up window has ended.
async fn world(data: &std::path::Path) -> World {
    let mut settings = Settings::for_tests(data.to_path_buf());
    settings.admin_token = Some(ADMIN.into());
    let server = TestServer::start_with(settings).await.unwrap();

    let first = create(&server).await;
    let fac = token_of(&first.facilitator);
    let rotated = token_of(&first.groups[0].link);
    let links = server.rotate(&fac, "group:g1").await.unwrap();

    let other = create(&server).await;
    let mut f = NativeClient::connect(server.addr, &token_of(&other.facilitator), "f2")
        .await
        .unwrap();
    let foreign = f.info.workshop_doc;
    f.change(foreign, |d| {
        // The window cannot end before the day: the day moves back first.
        apply_workshop_edit(d, &WorkshopEdit::Date("2019-12-01".into()))?;
        apply_workshop_edit(d, &WorkshopEdit::AccessUntil("2020-01-01".into()))
    })
    .unwrap();
    f.sync().await.unwrap();
    let expired_catch_up = token_of(&other.catch_up);
    let path = format!("/api/session/{expired_catch_up}");
    eventually("the other workshop's catch-up closes", || async {
        server.request("GET", &path, None).await.unwrap().0 == 410
    })
    .await;

    let mut probe = NativeClient::connect(server.addr, &token_of(&links.facilitator), "probe")
        .await
        .unwrap();
    let workshop = probe.info.workshop_doc;
    let w = read_workshop(probe.repo.doc(&workshop).unwrap()).unwrap();
    // A question in the box for the others to try to change.
    let questions = doc::questions_doc_id(&w.workshop_id);
    probe
        .change(questions, |d| doc::add_question(d, SEED, SEED_TEXT, 1))
        .unwrap();
    probe.sync().await.unwrap();
    let docs = Docs {
        workshop,
        plenary: w.plenary_doc_id,
        group1: w.group("g1").unwrap().doc_id,
        group2: w.group("g2").unwrap().doc_id,
        questions,
        foreign,
    };
    World {
        server,
        links,
        rotated,
        expired_catch_up,
        docs,
    }
}

async fn http_status(w: &World, endpoint: Endpoint, token: &str) -> u16 {
    let s = &w.server;
    let call = |method: &'static str, path: String, body: Option<serde_json::Value>| async move {
        s.request(method, &path, body).await.unwrap().0
    };
    match endpoint {
        Endpoint::Create => {
            s.request_as(
                "POST",
                "/api/workshops",
                Some(serde_json::to_value(demo_spec()).unwrap()),
                Some(token),
            )
            .await
            .unwrap()
            .0
        }
        Endpoint::Session => call("GET", format!("/api/session/{token}"), None).await,
        Endpoint::SyncUpgrade => upgrade_status(s.addr, token).await,
        Endpoint::Links => call("GET", format!("/api/links/{token}"), None).await,
        Endpoint::Rotate => {
            call(
                "POST",
                format!("/api/links/{token}/rotate"),
                Some(json!({ "target": "group:g3" })),
            )
            .await
        }
        Endpoint::Status => call("GET", format!("/api/status/{token}"), None).await,
        Endpoint::Plenary => call("GET", format!("/api/plenary/{token}"), None).await,
        Endpoint::ExportMd => call("GET", format!("/api/export/{token}/plenary.md"), None).await,
        Endpoint::ExportHtml => {
            call("GET", format!("/api/export/{token}/plenary.html"), None).await
        }
        Endpoint::QrSheet => call("GET", format!("/api/links/{token}/qr-sheet.html"), None).await,
        Endpoint::Erase => call("DELETE", format!("/api/workshop/{token}"), None).await,
    }
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Open a sync connection and join as `me`.
async fn joined(w: &World, token: &str, me: &PeerId) -> Ws {
    let mut ws = raw_socket(w.server.addr, token).await.unwrap();
    ws.send(WsMessage::Binary(
        ClientRepo::new(me.clone()).join_frame().into(),
    ))
    .await
    .unwrap();
    match next_message(&mut ws).await {
        Some(Message::Peer { .. }) => ws,
        other => panic!("no `peer` reply to join: {other:?}"),
    }
}

/// The next protocol message, or `None` when the connection closes.
async fn next_message(ws: &mut Ws) -> Option<Message> {
    loop {
        let frame = tokio::time::timeout(TIMEOUT, ws.next()).await.ok()??;
        match frame {
            Ok(WsMessage::Binary(b)) => return Message::decode(&b).ok(),
            Ok(WsMessage::Close(_)) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// A sync message for `doc` from a peer that has the given document.
fn sync_data(doc: &mut AutoCommit) -> Vec<u8> {
    doc.sync()
        .generate_sync_message(&mut automerge::sync::State::new())
        .map(automerge::sync::Message::encode)
        .unwrap()
}

/// A write each document kind's rules allow (`samtal_shared::policy`), marked with `key`: the
/// workshop's title, a follow-up in the plenary, a highlight item in a group; a root key in a
/// document the link does not know (refused before any rule is read).
fn probe_write(d: &mut AutoCommit, key: &str) -> Result<(), SchemaError> {
    match doc::kind_of(d).as_deref() {
        Some("workshop") => apply_workshop_edit(d, &WorkshopEdit::Title(key.into())),
        Some("plenary") => apply_plenary_edit(d, &PlenaryEdit::AddFollowUp { id: key.into() }),
        Some("questions") => doc::add_question(d, key, "En fråga till uppföljningen", 1),
        Some("group") => {
            let Some((_, list)) = d.get(ROOT, "highlights")? else {
                return Err(SchemaError::Field("highlights"));
            };
            let item = d.insert_object(&list, d.length(&list), ObjType::Map)?;
            d.put(&item, "id", key)?;
            Ok(())
        }
        _ => {
            d.put(ROOT, key, 1)?;
            Ok(())
        }
    }
}

/// Whether a stored document holds [`probe_write`]'s mark.
fn has_probe(d: &AutoCommit, key: &str) -> bool {
    match doc::kind_of(d).as_deref() {
        Some("workshop") => read_workshop(d).is_ok_and(|w| w.title == key),
        Some("plenary") => read_plenary(d).is_ok_and(|p| p.follow_up.iter().any(|f| f.id == key)),
        Some("questions") => {
            doc::read_questions(d).is_ok_and(|b| b.questions.iter().any(|q| q.id == key))
        }
        Some("group") => d.get(ROOT, "highlights").ok().flatten().is_some_and(|(_, list)| {
            (0..d.length(&list)).any(|i| {
                d.get(&list, i).ok().flatten().is_some_and(|(_, item)| {
                    matches!(d.get(&item, "id"), Ok(Some((automerge::Value::Scalar(s), _))) if s.as_str() == Some(key))
                })
            })
        }),
        _ => d.get(ROOT, key).ok().flatten().is_some(),
    }
}

/// What the server does after one frame: answers `doc` (after `ping`), ignores it, closes
/// quietly, or sends an error.
async fn after(ws: &mut Ws, me: &PeerId, ping: DocumentId) -> Answer {
    // A request for a readable document shows whether the connection still works.
    let request = Message::Request {
        document_id: ping,
        sender_id: me.clone(),
        target_id: PeerId::new("server"),
        data: sync_data(&mut AutoCommit::new()),
    };
    let _ = ws.send(WsMessage::Binary(request.encode().into())).await;
    loop {
        match next_message(ws).await {
            Some(Message::Sync { document_id, .. }) if document_id == ping => {
                return Answer::Ignored;
            }
            Some(Message::Error { message }) => return refused(message),
            Some(_) => {}
            None => return Answer::Closed,
        }
    }
}

/// Refusals compare by the expected text, so keep the message (leaked: test-only, bounded).
fn refused(message: String) -> Answer {
    Answer::Refused(Box::leak(message.into_boxed_str()))
}

fn matches(expected: Answer, got: Answer) -> bool {
    match (expected, got) {
        (Answer::Refused(want), Answer::Refused(text)) => text.contains(want),
        (a, b) => a == b,
    }
}

/// Send one message kind as `role` and report what the server did.
async fn protocol_answer(w: &World, role: Role, kind: Kind, n: usize) -> Answer {
    let token = w.token(role);
    let me = PeerId::new(format!("probe-{n}"));
    let server = PeerId::new("server");
    let readable = w.doc(Doc::Workshop);
    match kind {
        Kind::Request(d) => {
            let mut ws = joined(w, &token, &me).await;
            let doc = w.doc(d);
            let request = Message::Request {
                document_id: doc,
                sender_id: me.clone(),
                target_id: server,
                data: sync_data(&mut AutoCommit::new()),
            };
            ws.send(WsMessage::Binary(request.encode().into()))
                .await
                .unwrap();
            loop {
                match next_message(&mut ws).await {
                    Some(Message::Sync {
                        document_id, data, ..
                    }) if document_id == doc => {
                        // The answer carries the document (a sync message with its heads).
                        let m = automerge::sync::Message::decode(&data).unwrap();
                        assert!(!m.heads.is_empty(), "{role:?} got an empty answer");
                        return Answer::Ok;
                    }
                    Some(Message::Error { message }) => return refused(message),
                    Some(_) => {}
                    None => return Answer::Closed,
                }
            }
        }
        Kind::Write(d) => {
            let doc = w.doc(d);
            let mut c = NativeClient::connect(w.server.addr, &token, &format!("writer-{n}"))
                .await
                .unwrap();
            if c.repo.doc(&doc).is_none() {
                c.repo.add_doc(doc, AutoCommit::new());
            }
            let key = format!("probe-{n}");
            c.change(doc, |d| probe_write(d, &key)).unwrap();
            let answer = match c.sync().await {
                Ok(()) => Answer::Ok,
                Err(e) => {
                    let text = e.to_string();
                    refused(text)
                }
            };
            // Whatever the answer, the SQLite file agrees with it.
            let stored = stored_doc(&w.server.data, doc).unwrap();
            let has_it = stored.is_some_and(|s| has_probe(&s, &key));
            assert_eq!(
                has_it,
                answer == Answer::Ok,
                "{role:?} {kind:?}: stored = {has_it}, answer = {answer:?}"
            );
            answer
        }
        Kind::Touch(touch) => {
            let doc = w.doc(Doc::Questions);
            let mut c = NativeClient::connect(w.server.addr, &token, &format!("toucher-{n}"))
                .await
                .unwrap();
            let key = format!("probe-{n}");
            c.change(doc, |d| {
                let q = match d.get(ROOT, "q:seed")? {
                    Some((_, q)) => q,
                    None => return Err(SchemaError::Field("q:seed")),
                };
                match touch {
                    Touch::Edit => d.put(&q, "text", key.as_str())?,
                    Touch::Remove => d.delete(ROOT, "q:seed")?,
                    Touch::Sort => d.put(ROOT, "agenda", key.as_str())?,
                }
                Ok(())
            })
            .unwrap();
            let answer = match c.sync().await {
                Ok(()) => Answer::Ok,
                Err(e) => refused(e.to_string()),
            };
            // The file agrees: the seed question is as it was unless the change was taken.
            let stored = stored_doc(&w.server.data, doc).unwrap().unwrap();
            let b = doc::read_questions(&stored).unwrap();
            let seed = b.questions.iter().find(|q| q.id == SEED);
            let changed = match touch {
                Touch::Edit => seed.is_none_or(|q| q.text != SEED_TEXT),
                Touch::Remove => seed.is_none(),
                Touch::Sort => b.agenda.contains(&key),
            };
            assert_eq!(
                changed,
                answer == Answer::Ok,
                "{role:?} {kind:?}: changed = {changed}, answer = {answer:?}"
            );
            answer
        }
        Kind::Ephemeral => {
            let mut ws = joined(w, &token, &me).await;
            let m = Message::Ephemeral {
                document_id: readable,
                sender_id: me.clone(),
                target_id: server,
                count: 1,
                session_id: "s".into(),
                data: vec![1],
            };
            ws.send(WsMessage::Binary(m.encode().into())).await.unwrap();
            after(&mut ws, &me, readable).await
        }
        Kind::Leave => {
            let mut ws = joined(w, &token, &me).await;
            let m = Message::Leave {
                sender_id: me.clone(),
            };
            ws.send(WsMessage::Binary(m.encode().into())).await.unwrap();
            after(&mut ws, &me, readable).await
        }
        Kind::JoinTwice => {
            let mut ws = joined(w, &token, &me).await;
            let join = ClientRepo::new(me.clone()).join_frame();
            ws.send(WsMessage::Binary(join.into())).await.unwrap();
            after(&mut ws, &me, readable).await
        }
        Kind::Peer => {
            let mut ws = joined(w, &token, &me).await;
            let m = Message::Peer {
                sender_id: me.clone(),
                target_id: server,
                selected_protocol_version: "1".into(),
                metadata: None,
            };
            ws.send(WsMessage::Binary(m.encode().into())).await.unwrap();
            after(&mut ws, &me, readable).await
        }
        Kind::Error => {
            let mut ws = joined(w, &token, &me).await;
            let m = Message::Error {
                message: "hej".into(),
            };
            ws.send(WsMessage::Binary(m.encode().into())).await.unwrap();
            after(&mut ws, &me, readable).await
        }
        Kind::DocUnavailable => {
            let mut ws = joined(w, &token, &me).await;
            let m = Message::DocUnavailable {
                document_id: w.doc(Doc::Group2),
                sender_id: me.clone(),
                target_id: server,
            };
            ws.send(WsMessage::Binary(m.encode().into())).await.unwrap();
            after(&mut ws, &me, readable).await
        }
        Kind::UnknownType => {
            let mut ws = joined(w, &token, &me).await;
            let m = Message::Unknown {
                message_type: "remote-heads-changed".into(),
            };
            ws.send(WsMessage::Binary(m.encode().into())).await.unwrap();
            after(&mut ws, &me, readable).await
        }
        Kind::SpoofedSender => {
            let mut ws = joined(w, &token, &me).await;
            let m = Message::Request {
                document_id: readable,
                sender_id: PeerId::new("someone-else"),
                target_id: server,
                data: sync_data(&mut AutoCommit::new()),
            };
            ws.send(WsMessage::Binary(m.encode().into())).await.unwrap();
            after(&mut ws, &me, readable).await
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_against_every_message_kind() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path()).await;
    let roles = [Role::Facilitator, Role::Group, Role::CatchUp];
    let mut failures = Vec::new();
    let mut cells = 0;
    for (i, (kind, expected)) in PROTOCOL.iter().enumerate() {
        for (j, role) in roles.iter().enumerate() {
            let got = protocol_answer(&w, *role, *kind, i * 10 + j).await;
            cells += 1;
            if !matches(expected[j], got) {
                failures.push(format!(
                    "{role:?} × {kind:?}: expected {:?}, got {got:?}",
                    expected[j]
                ));
            }
        }
    }
    // Roles that cannot open a connection at all never reach a message.
    for role in [
        Role::Admin,
        Role::ExpiredCatchUp,
        Role::Rotated,
        Role::NoLink,
    ] {
        let status = upgrade_status(w.server.addr, &w.token(role)).await;
        cells += 1;
        if status == 101 {
            failures.push(format!("{role:?} opened a sync connection"));
        }
    }
    println!("protocol matrix: {cells} cells");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The writes that were allowed are in the file; nothing else was changed (checked per cell).
    tokio::time::sleep(Duration::from_millis(10)).await;
    w.server.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_against_every_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let w = world(dir.path()).await;
    let mut failures = Vec::new();
    let mut cells = 0;
    for (endpoint, expected) in HTTP {
        // The facilitator last: its erase must be the very last cell.
        for i in [0, 2, 3, 4, 5, 6, 1] {
            let role = &ROLES[i];
            let got = http_status(&w, endpoint, &w.token(*role)).await;
            cells += 1;
            if got != expected[i] {
                failures.push(format!(
                    "{role:?} × {endpoint:?}: expected {}, got {got}",
                    expected[i]
                ));
            }
        }
    }
    // No token at all, where a token is a path segment: the route does not match.
    let (status, _) = w
        .server
        .request("GET", "/api/session/", None)
        .await
        .unwrap();
    assert_eq!(status, 404);
    println!("HTTP matrix: {cells} cells");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    w.server.stop().await.unwrap();
}
