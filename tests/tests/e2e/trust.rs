//! Issue 21: nothing a link holder sends can change what a document is, which workshop it
//! belongs to, or what another link may do. A real server on 127.0.0.1:0, a real SQLite file,
//! clients over real WebSockets; every refusal is checked against the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use futures_util::SinkExt;
use samtal_server::storage::{SqliteStorage, Storage, WorkshopRow};
use samtal_server::workshops::{self, WorkshopLinks};
use samtal_shared::doc::{self, Phase, SchemaError, WorkshopEdit, apply_workshop_edit};
use samtal_shared::sync::ClientRepo;
use samtal_shared::{DocumentId, Message, PeerId};
use samtal_tests::*;
use std::path::Path;
use tokio_tungstenite::tungstenite::Message as WsMessage;

fn row(data: &Path, workshop_id: &str) -> Option<WorkshopRow> {
    SqliteStorage::open(data)
        .unwrap()
        .workshop(workshop_id)
        .unwrap()
}

/// Every stored document of a workshop, as bytes.
fn stored_bytes(data: &Path, workshop_id: &str) -> Vec<(DocumentId, Vec<u8>)> {
    let s = SqliteStorage::open(data).unwrap();
    let mut out: Vec<_> = s
        .workshop_docs(workshop_id)
        .unwrap()
        .into_iter()
        .map(|d| (d.doc_id, s.load_doc(&d.doc_id).unwrap().unwrap_or_default()))
        .collect();
    out.sort_by_key(|(id, _)| id.to_string());
    out
}

fn str_of(d: &AutoCommit, key: &str) -> Option<String> {
    match d.get(ROOT, key).unwrap() {
        Some((Value::Scalar(s), _)) => s.as_str().map(str::to_owned),
        _ => None,
    }
}

/// The first answer Text of a group document (splicing into it is what typing does).
fn answer_text(d: &AutoCommit) -> automerge::ObjId {
    let (_, answers) = d.get(ROOT, "answers").unwrap().unwrap();
    let key = d.keys(&answers).next().unwrap();
    d.get(&answers, &key).unwrap().unwrap().1
}

/// A change a test makes to a document.
type Edit<'a> = Box<dyn FnOnce(&mut AutoCommit) -> Result<(), SchemaError> + Send + 'a>;

async fn two_workshops(server: &TestServer) -> (WorkshopLinks, WorkshopLinks) {
    let a = server.create_workshop(&demo_spec()).await.unwrap();
    let b = server.create_workshop(&demo_spec()).await.unwrap();
    (a, b)
}

/// One change from a fresh connection of `token` to `doc`; the server's answer.
async fn try_change(
    server: &TestServer,
    token: &str,
    name: &str,
    doc: DocumentId,
    f: impl FnOnce(&mut AutoCommit) -> Result<(), SchemaError>,
) -> Result<(), String> {
    let mut c = NativeClient::connect(server.addr, token, name)
        .await
        .unwrap();
    c.change(doc, f).unwrap();
    c.sync().await.map_err(|e| e.to_string())
}

#[tokio::test]
async fn a_group_link_cannot_change_its_documents_header() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (a, b) = two_workshops(&server).await;
    let group = token_of(&a.groups[0].link);
    let c = NativeClient::connect(server.addr, &group, "reader")
        .await
        .unwrap();
    let doc = c.group_doc().unwrap();
    let before = stored_doc(&server.data, doc).unwrap().unwrap();
    let fields: [(&str, ScalarValue); 8] = [
        ("schema", ScalarValue::Uint(2)),
        ("kind", "workshop".into()),
        ("workshop_id", b.workshop_id.as_str().into()),
        ("group_id", a.groups[1].group_id.as_str().into()),
        ("present", ScalarValue::Uint(7)),
        ("phase", "closed".into()),
        ("access_until", "2000-01-01".into()),
        ("answers", "gone".into()),
    ];
    for (i, (key, value)) in fields.into_iter().enumerate() {
        let answer = try_change(&server, &group, &format!("h{i}"), doc, |d| {
            d.put(ROOT, key, value)?;
            Ok(())
        })
        .await;
        let err = answer.expect_err(key);
        assert!(err.contains("belongs to the server"), "{key}: {err}");
        // Deleting a header field is refused the same way.
        let answer = try_change(&server, &group, &format!("d{i}"), doc, |d| {
            d.delete(ROOT, key)?;
            Ok(())
        })
        .await;
        assert!(answer.is_err() || key == "phase" || key == "access_until");
    }
    let mut after = stored_doc(&server.data, doc).unwrap().unwrap();
    assert_eq!(
        after.get_heads(),
        before.clone().get_heads(),
        "nothing stored"
    );
    assert_eq!(str_of(&after, "kind").as_deref(), Some("group"));
    assert_eq!(str_of(&after, "workshop_id"), Some(a.workshop_id.clone()));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn a_group_link_cannot_take_over_another_workshop() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (a, b) = two_workshops(&server).await;
    let b_before = row(&server.data, &b.workshop_id).unwrap();
    let group = token_of(&a.groups[0].link);
    let doc = NativeClient::connect(server.addr, &group, "probe")
        .await
        .unwrap()
        .group_doc()
        .unwrap();
    // The reviewer's attack, in one change.
    let answer = try_change(&server, &group, "attacker", doc, |d| {
        d.put(ROOT, "kind", "workshop")?;
        d.put(ROOT, "workshop_id", b.workshop_id.as_str())?;
        d.put(ROOT, "phase", "closed")?;
        d.put(ROOT, "access_until", "2000-01-01")?;
        Ok(())
    })
    .await;
    assert!(answer.unwrap_err().contains("belongs to the server"));
    let purged = workshops::purge_expired(&server.state, &samtal_server::clock::today())
        .await
        .unwrap();
    assert_eq!(purged, 0);
    assert_eq!(row(&server.data, &b.workshop_id).unwrap(), b_before);
    let (status, _) = server
        .request(
            "GET",
            &format!("/api/session/{}", token_of(&b.catch_up)),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 200, "B's catch-up link still works");
    server.stop().await.unwrap();
}

/// Documents written before these rules (or by a bug) may already carry a false header: the
/// server still goes by its own records. Written straight into the SQLite file here.
#[tokio::test]
async fn kind_and_workshop_come_from_the_servers_records() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (a, b) = two_workshops(&server).await;
    let fac = token_of(&a.facilitator);
    let group = token_of(&a.groups[0].link);
    let info = NativeClient::connect(server.addr, &group, "probe")
        .await
        .unwrap()
        .info;
    server.stop().await.unwrap();
    let b_before = row(dir.path(), &b.workshop_id).unwrap();

    let storage = SqliteStorage::open(dir.path()).unwrap();
    let forge = |doc: DocumentId, kind: &str| {
        let mut d = AutoCommit::load(&storage.load_doc(&doc).unwrap().unwrap()).unwrap();
        let heads = d.get_heads();
        d.put(ROOT, "kind", kind).unwrap();
        d.put(ROOT, "workshop_id", b.workshop_id.as_str()).unwrap();
        d.put(ROOT, "phase", "closed").unwrap();
        d.put(ROOT, "access_until", "2000-01-01").unwrap();
        storage.append_chunk(&doc, &d.save_after(&heads)).unwrap();
    };
    // A's group document claims to be B's workshop document; A's workshop document names B.
    forge(info.own_group_doc().unwrap(), "workshop");
    forge(info.workshop_doc, "workshop");
    drop(storage);

    let server = TestServer::start(dir.path()).await.unwrap();
    let mut g = NativeClient::connect(server.addr, &group, "typist")
        .await
        .unwrap();
    let doc = g.group_doc().unwrap();
    g.change(doc, |d| {
        let text = answer_text(d);
        d.splice_text(&text, 0, 0, "ordinary typing")?;
        Ok(())
    })
    .unwrap();
    g.sync().await.unwrap();
    let mut f = NativeClient::connect(server.addr, &fac, "facilitator")
        .await
        .unwrap();
    f.change(f.info.workshop_doc, |d| {
        d.put(ROOT, "title", "A new title")?;
        Ok(())
    })
    .unwrap();
    f.sync().await.unwrap();
    // Give the reconciler its moment, then check B was not touched.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(row(&server.data, &b.workshop_id).unwrap(), b_before);
    let (status, _) = server
        .request(
            "GET",
            &format!("/api/session/{}", token_of(&b.catch_up)),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 200);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn the_facilitator_changes_only_what_the_setup_editor_can() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (a, b) = two_workshops(&server).await;
    let fac = token_of(&a.facilitator);
    let c = NativeClient::connect(server.addr, &fac, "fac")
        .await
        .unwrap();
    let (wdoc, plenary) = (
        c.info.workshop_doc,
        c.info
            .docs
            .iter()
            .find(|(_, k)| *k == samtal_shared::roles::DocKind::Plenary)
            .unwrap()
            .0,
    );
    let group_doc = a.groups[0].group_id.clone();
    let group_doc = doc::group_doc_id(&a.workshop_id, &group_doc);
    let before = stored_bytes(&server.data, &a.workshop_id);
    let refused: Vec<(&str, DocumentId, Edit<'_>, &str)> = vec![
        (
            "workshop_id",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "workshop_id", "x")?;
                Ok(())
            }),
            "belongs to the server",
        ),
        (
            "plenary_doc_id",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "plenary_doc_id", "x")?;
                Ok(())
            }),
            "belongs to the server",
        ),
        (
            "kind",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "kind", "group")?;
                Ok(())
            }),
            "belongs to the server",
        ),
        (
            "groups",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.delete(ROOT, "groups")?;
                Ok(())
            }),
            "belongs to the server",
        ),
        (
            "phase",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "phase", "bogus")?;
                Ok(())
            }),
            "must be one of",
        ),
        (
            "access_until",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "access_until", "2000-1-1")?;
                Ok(())
            }),
            "YYYY-MM-DD",
        ),
        (
            "date",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "date", 5)?;
                Ok(())
            }),
            "must be",
        ),
        (
            "title",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "title", " ")?;
                Ok(())
            }),
            "must be",
        ),
        (
            "timer",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "timer", "running tomorrow")?;
                Ok(())
            }),
            "must be",
        ),
        (
            "message",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                d.put(ROOT, "message", "x".repeat(501))?;
                Ok(())
            }),
            "must be",
        ),
        (
            "group doc_id",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                let (_, groups) = d.get(ROOT, "groups")?.unwrap();
                let (_, first) = d.get(&groups, 0)?.unwrap();
                d.put(&first, "doc_id", b.workshop_id.as_str())?;
                Ok(())
            }),
            "id of an existing item",
        ),
        (
            "group id",
            wdoc,
            Box::new(|d: &mut AutoCommit| {
                let (_, groups) = d.get(ROOT, "groups")?.unwrap();
                let (_, first) = d.get(&groups, 0)?.unwrap();
                d.put(&first, "id", "g9")?;
                Ok(())
            }),
            "id of an existing item",
        ),
        (
            "an answer field",
            group_doc,
            Box::new(|d: &mut AutoCommit| {
                let (_, answers) = d.get(ROOT, "answers")?.unwrap();
                let key = d.keys(&answers).next().unwrap();
                d.put(&answers, &key, "not a Text any more")?;
                Ok(())
            }),
            "fields the server created",
        ),
        (
            "a new answer field",
            group_doc,
            Box::new(|d: &mut AutoCommit| {
                let (_, answers) = d.get(ROOT, "answers")?.unwrap();
                d.put_object(&answers, "q-new", ObjType::Text)?;
                Ok(())
            }),
            "fields the server created",
        ),
        (
            "a summary field",
            plenary,
            Box::new(|d: &mut AutoCommit| {
                let (_, summary) = d.get(ROOT, "summary")?.unwrap();
                let key = d.keys(&summary).next().unwrap();
                d.delete(&summary, &key)?;
                Ok(())
            }),
            "fields the server created",
        ),
    ];
    for (i, (what, doc, f, why)) in refused.into_iter().enumerate() {
        let err = try_change(&server, &fac, &format!("f{i}"), doc, f)
            .await
            .expect_err(what);
        assert!(err.contains(why), "{what}: {err}");
    }
    assert_eq!(
        stored_bytes(&server.data, &a.workshop_id),
        before,
        "nothing refused was stored"
    );
    // What the setup editor does still goes through.
    try_change(&server, &fac, "ok", wdoc, |d| {
        apply_workshop_edit(d, &WorkshopEdit::Phase(Phase::Plenary))?;
        apply_workshop_edit(d, &WorkshopEdit::AccessUntil("2031-02-03".into()))?;
        apply_workshop_edit(
            d,
            &WorkshopEdit::AddGroup {
                id: "g-new".into(),
                name: "Ny grupp".into(),
                area: "Skola".into(),
            },
        )?;
        apply_workshop_edit(d, &WorkshopEdit::AddQuestion { id: "q-new".into() })
    })
    .await
    .unwrap();
    eventually("the row mirrors the new phase", || async {
        row(&server.data, &a.workshop_id).is_some_and(|r| r.phase == "plenary")
    })
    .await;
    server.stop().await.unwrap();
}

/// automerge clients may send a whole document instead of changes (when they have much the
/// server lacks): the changes inside are checked all the same.
#[tokio::test]
async fn a_whole_document_chunk_cannot_smuggle_a_header_change() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (a, b) = two_workshops(&server).await;
    let group = token_of(&a.groups[0].link);
    let c = NativeClient::connect(server.addr, &group, "g")
        .await
        .unwrap();
    let doc = c.group_doc().unwrap();
    let mut d = c.repo.doc(&doc).unwrap().clone();
    let before = stored_doc(&server.data, doc).unwrap().unwrap().get_heads();
    d.put(ROOT, "workshop_id", b.workshop_id.as_str()).unwrap();
    d.commit();
    let message = automerge::sync::Message {
        heads: d.get_heads(),
        need: Vec::new(),
        have: Vec::new(),
        changes: vec![d.save()].into(),
        flags: None,
        version: automerge::sync::MessageVersion::V2,
    };
    let me = PeerId::new("whole-doc");
    let mut ws = raw_socket(server.addr, &group).await.unwrap();
    ws.send(WsMessage::Binary(
        ClientRepo::new(me.clone()).join_frame().into(),
    ))
    .await
    .unwrap();
    let sync = Message::Sync {
        document_id: doc,
        sender_id: me,
        target_id: PeerId::new("server"),
        data: message.encode(),
    };
    ws.send(WsMessage::Binary(sync.encode().into()))
        .await
        .unwrap();
    let reason = expect_error(&mut ws).await.unwrap();
    assert!(reason.contains("belongs to the server"), "{reason}");
    let mut after = stored_doc(&server.data, doc).unwrap().unwrap();
    assert_eq!(after.get_heads(), before);
    server.stop().await.unwrap();
}

/// Medium 1: access belongs to the connection, not to the peer id the client chose.
#[tokio::test]
async fn a_catch_up_link_gains_nothing_by_taking_the_facilitators_peer_id() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (a, _) = two_workshops(&server).await;
    let doc = doc::group_doc_id(&a.workshop_id, &a.groups[0].group_id);
    // Same name, same process: the same peer id on both connections; the catch-up joins first.
    let mut catch_up = NativeClient::connect(server.addr, &token_of(&a.catch_up), "victim-peer")
        .await
        .unwrap();
    let mut fac = NativeClient::connect(server.addr, &token_of(&a.facilitator), "victim-peer")
        .await
        .unwrap();
    assert_eq!(catch_up.repo.peer_id(), fac.repo.peer_id());
    catch_up
        .change(doc, |d| {
            let text = answer_text(d);
            d.splice_text(&text, 0, 0, "written through a catch-up link")?;
            Ok(())
        })
        .unwrap();
    let err = catch_up.sync().await.unwrap_err().to_string();
    assert!(err.contains("may only read"), "{err}");
    let stored = stored_doc(&server.data, doc).unwrap().unwrap();
    let text = stored.text(answer_text(&stored)).unwrap();
    assert!(!text.contains("catch-up"), "{text}");
    // The facilitator's connection is untouched and still writes.
    fac.change(doc, |d| {
        let text = answer_text(d);
        d.splice_text(&text, 0, 0, "facilitator")?;
        Ok(())
    })
    .unwrap();
    fac.sync().await.unwrap();
    let stored = stored_doc(&server.data, doc).unwrap().unwrap();
    assert!(
        stored
            .text(answer_text(&stored))
            .unwrap()
            .contains("facilitator")
    );
    server.stop().await.unwrap();
}

/// A small deterministic generator (the seed is printed, `TRUST_SEED` replays one).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % u64::try_from(n).unwrap()).unwrap()
    }
}

/// Random changes from a group link — to any key at any level, with values taken from the
/// other workshop — never alter the other workshop's documents or rows, nor the group's own
/// workshop row, and never change the group document's header.
#[tokio::test]
async fn random_changes_from_a_group_link_never_reach_beyond_its_own_fields() {
    let seed = std::env::var("TRUST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5a17a1_u64);
    println!("TRUST_SEED={seed}");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (a, b) = two_workshops(&server).await;
    let group = token_of(&a.groups[0].link);
    let (a_row, b_row) = (
        row(&server.data, &a.workshop_id).unwrap(),
        row(&server.data, &b.workshop_id).unwrap(),
    );
    let b_docs = stored_bytes(&server.data, &b.workshop_id);
    let keys = [
        "schema",
        "kind",
        "workshop_id",
        "group_id",
        "phase",
        "access_until",
        "title",
        "answers",
        "reflections",
        "highlights",
        "present",
        "plenary_doc_id",
        "id",
        "doc_id",
        "q1",
        "extra",
    ];
    let values = [
        b.workshop_id.clone(),
        "workshop".to_owned(),
        "closed".to_owned(),
        "2000-01-01".to_owned(),
        a.groups[1].group_id.clone(),
        "x".to_owned(),
    ];
    let (mut accepted, mut refused) = (0, 0);
    let mut c = NativeClient::connect(server.addr, &group, "fuzz-0")
        .await
        .unwrap();
    let doc = c.group_doc().unwrap();
    for round in 0..40 {
        let key = keys[rng.below(keys.len())];
        let value = values[rng.below(values.len())].clone();
        let how = rng.below(6);
        let pick = rng.below(3);
        c.change(doc, |d| {
            // Where: the root, a server-made map, or an item / Text below them.
            let (_, answers) = d.get(ROOT, "answers")?.unwrap();
            let (_, highlights) = d.get(ROOT, "highlights")?.unwrap();
            let target = match pick {
                0 => ROOT,
                1 => answers.clone(),
                _ => highlights.clone(),
            };
            match (how, d.object_type(&target)?) {
                (0, ObjType::Map) => d.put(&target, key, value.as_str())?,
                (1, ObjType::Map) if d.get(&target, key)?.is_some() => d.delete(&target, key)?,
                (2, _) => {
                    let text = answer_text(d);
                    d.splice_text(&text, 0, 0, &value)?;
                }
                (3, _) => {
                    let item = d.insert_object(&highlights, 0, ObjType::Map)?;
                    d.put(&item, key, value.as_str())?;
                }
                (4, _) if d.length(&highlights) > 0 => {
                    let (_, item) = d.get(&highlights, 0)?.unwrap();
                    d.put(&item, key, value.as_str())?;
                }
                (_, ObjType::Map) => {
                    d.put_object(&target, key, ObjType::Text)?;
                }
                _ => d.put(&answers, key, value.as_str())?,
            }
            Ok(())
        })
        .unwrap();
        match c.sync().await {
            Ok(()) => accepted += 1,
            Err(_) => {
                refused += 1;
                c = NativeClient::connect(server.addr, &group, &format!("fuzz-after-{round}"))
                    .await
                    .unwrap();
            }
        }
    }
    println!("accepted {accepted}, refused {refused}");
    assert!(
        accepted > 0 && refused > 0,
        "both kinds of change were tried"
    );
    assert_eq!(stored_bytes(&server.data, &b.workshop_id), b_docs);
    assert_eq!(row(&server.data, &b.workshop_id).unwrap(), b_row);
    assert_eq!(row(&server.data, &a.workshop_id).unwrap(), a_row);
    let stored = stored_doc(&server.data, doc).unwrap().unwrap();
    assert_eq!(str_of(&stored, "kind").as_deref(), Some("group"));
    assert_eq!(str_of(&stored, "workshop_id"), Some(a.workshop_id.clone()));
    assert_eq!(
        str_of(&stored, "group_id"),
        Some(a.groups[0].group_id.clone())
    );
    doc::read_group(&stored).unwrap();
    server.stop().await.unwrap();
}

/// Medium 4: after an erase nothing of the workshop stays readable in the data folder — not
/// in the database's free pages, not in the write-ahead log.
#[tokio::test]
async fn an_erased_workshop_leaves_nothing_in_the_data_folder() {
    const MARKER: &str = "Erasemarker-7f3a9c-känsligt";
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (a, _b) = two_workshops(&server).await;
    let mut g = NativeClient::connect(server.addr, &token_of(&a.groups[0].link), "writer")
        .await
        .unwrap();
    let doc = g.group_doc().unwrap();
    for i in 0..5 {
        g.change(doc, |d| {
            let text = answer_text(d);
            d.splice_text(&text, 0, 0, &format!("{MARKER} {i} "))?;
            Ok(())
        })
        .unwrap();
        g.sync().await.unwrap();
    }
    let files_holding = |needle: &[u8]| -> Vec<String> {
        std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| {
                let path = e.unwrap().path();
                let bytes = std::fs::read(&path).ok()?;
                bytes
                    .windows(needle.len())
                    .any(|w| w == needle)
                    .then(|| path.display().to_string())
            })
            .collect()
    };
    assert!(
        !files_holding(MARKER.as_bytes()).is_empty(),
        "the marker is stored before the erase (else this test proves nothing)"
    );
    let (status, _) = server
        .request(
            "DELETE",
            &format!("/api/workshop/{}", token_of(&a.facilitator)),
            None,
        )
        .await
        .unwrap();
    assert_eq!(status, 204);
    g.disconnect().await;
    server.stop().await.unwrap();
    assert_eq!(files_holding(MARKER.as_bytes()), Vec::<String>::new());
}

/// A raw HTTP/1.1 request with exactly these headers; the status and the response's head.
async fn raw_http(addr: std::net::SocketAddr, head: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{head}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(TIMEOUT, async {
        let mut buf = [0u8; 4096];
        while let Ok(n) = s.read(&mut buf).await {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
            if out.windows(4).any(|w| w == b"\r\n\r\n") && head.starts_with("GET /api/sync") {
                break;
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn create_head(proxy_header: Option<&str>) -> String {
    let mut head =
        "POST /api/workshops HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json"
            .to_owned();
    if let Some(h) = proxy_header {
        head.push_str("\r\n");
        head.push_str(h);
    }
    head
}

/// Medium 2: without `SAMTAL_ADMIN_TOKEN` only a server bound to *and* published on loopback
/// creates workshops, and only for requests no proxy passed on.
#[tokio::test]
async fn without_an_admin_token_only_a_local_server_creates_workshops() {
    let spec = serde_json::to_string(&demo_spec()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let (status, _) = raw_http(server.addr, &create_head(None), &spec).await;
    assert_eq!(status, 201, "a direct local request");
    for proxied in [
        "X-Forwarded-For: 203.0.113.7",
        "Forwarded: for=203.0.113.7",
        "Via: 1.1 caddy",
    ] {
        let (status, text) = raw_http(server.addr, &create_head(Some(proxied)), &spec).await;
        assert_eq!(status, 401, "{proxied}");
        assert!(text.contains("SAMTAL_ADMIN_TOKEN"), "{text}");
    }
    server.stop().await.unwrap();

    // Published on a public URL (behind a proxy on this computer): refused even directly.
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.public_url = Some("https://samtal.example.org".into());
    let server = TestServer::start_with(settings).await.unwrap();
    let (status, text) = raw_http(server.addr, &create_head(None), &spec).await;
    assert_eq!(status, 401, "{text}");
    assert!(text.contains("SAMTAL_ADMIN_TOKEN"), "{text}");
    server.stop().await.unwrap();
}

fn upgrade_head(token: &str, host: &str, origin: &str) -> String {
    format!(
        "GET /api/sync/{token} HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="
    )
}

/// Low: the WebSocket Origin must be the public URL's (or loopback on a loopback server) —
/// an Origin equal to the Host header, as DNS rebinding makes it, is refused.
#[tokio::test]
async fn the_websocket_origin_is_checked_against_the_public_url_not_the_host_header() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.public_url = Some("https://samtal.example.org".into());
    settings.admin_token = Some("AdminAdminAdminAdmin00".into());
    let server = TestServer::start_with(settings).await.unwrap();
    let (status, text) = raw_http(
        server.addr,
        "POST /api/workshops HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer AdminAdminAdminAdmin00",
        &serde_json::to_string(&demo_spec()).unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{text}");
    let body = &text[text.find("\r\n\r\n").unwrap() + 4..];
    let json = &body[body.find('{').unwrap()..=body.rfind('}').unwrap()];
    let links: WorkshopLinks = serde_json::from_str(json).unwrap();
    let group = token_of(&links.groups[0].link);
    let cases = [
        ("evil.example:8080", "http://evil.example:8080", 403),
        ("samtal.example.org", "https://evil.example", 403),
        ("samtal.example.org", "https://samtal.example.org", 101),
        // The server is bound to loopback: its own loopback origins are fine.
        ("localhost", "http://localhost:8080", 101),
        ("127.0.0.1", "http://127.0.0.1:8080", 101),
    ];
    for (host, origin, want) in cases {
        let (status, text) = raw_http(server.addr, &upgrade_head(&group, host, origin), "").await;
        assert_eq!(status, want, "{origin}: {text}");
    }
    server.stop().await.unwrap();
}

/// Low: answers that carry a workshop's notes or links are never cached.
#[tokio::test]
async fn api_answers_and_link_pages_are_not_cached() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let a = server.create_workshop(&demo_spec()).await.unwrap();
    let session = format!("/api/session/{}", token_of(&a.groups[0].link));
    for (path, no_store) in [
        (session.as_str(), true),
        ("/api/session/nothing-here", true),
        ("/g/sometoken", true),
        ("/f/sometoken", true),
        ("/c/sometoken", true),
        ("/healthz", false),
    ] {
        let (_, text) = raw_http(
            server.addr,
            &format!("GET {path} HTTP/1.1\r\nHost: localhost"),
            "",
        )
        .await;
        let head = text[..text.find("\r\n\r\n").unwrap_or(text.len())].to_ascii_lowercase();
        assert_eq!(
            head.contains("cache-control: no-store"),
            no_store,
            "{path}: {head}"
        );
    }
    server.stop().await.unwrap();
}

/// Medium 3: per-link quotas — the catch-up link has its own cap, the facilitator places of her
/// own, so idle sockets on one link cannot lock the workshop out.
#[tokio::test]
async fn one_link_cannot_lock_a_workshop_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.max_catch_up_connections = 3;
    settings.max_connections_per_link = 2;
    settings.max_connections_per_workshop = 5;
    let server = TestServer::start_with(settings).await.unwrap();
    let a = server.create_workshop(&demo_spec()).await.unwrap();
    let (catch_up, g1, g2, fac) = (
        token_of(&a.catch_up),
        token_of(&a.groups[0].link),
        token_of(&a.groups[1].link),
        token_of(&a.facilitator),
    );
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(raw_socket(server.addr, &catch_up).await.unwrap());
    }
    assert_eq!(
        upgrade_status(server.addr, &catch_up).await,
        503,
        "catch-up cap"
    );
    for _ in 0..2 {
        open.push(raw_socket(server.addr, &g1).await.unwrap());
    }
    assert_eq!(
        upgrade_status(server.addr, &g1).await,
        503,
        "a group link's cap"
    );
    // The workshop's five places are taken: another group waits, the facilitator does not.
    assert_eq!(upgrade_status(server.addr, &g2).await, 503, "workshop cap");
    let mut f = raw_socket(server.addr, &fac).await.unwrap();
    f.send(WsMessage::Binary(
        ClientRepo::new(PeerId::new("fac")).join_frame().into(),
    ))
    .await
    .unwrap();
    drop(open);
    server.stop().await.unwrap();
}

/// Medium 3: a socket that never joins is closed after the join timeout; one from which
/// nothing arrives (no pong either) after the idle timeout.
#[tokio::test]
async fn silent_sockets_are_closed() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.join_timeout_secs = 1;
    settings.ping_secs = 1;
    settings.idle_timeout_secs = 2;
    let server = TestServer::start_with(settings).await.unwrap();
    let a = server.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&a.catch_up);
    let mut never_joins = raw_socket(server.addr, &token).await.unwrap();
    let reason = expect_error(&mut never_joins).await.unwrap();
    assert!(reason.contains("no `join`"), "{reason}");

    let mut silent = raw_socket(server.addr, &token).await.unwrap();
    silent
        .send(WsMessage::Binary(
            ClientRepo::new(PeerId::new("silent")).join_frame().into(),
        ))
        .await
        .unwrap();
    // Not reading means not answering the server's pings.
    tokio::time::sleep(std::time::Duration::from_millis(3500)).await;
    let reason = expect_error(&mut silent).await.unwrap();
    assert!(reason.contains("nothing heard"), "{reason}");

    // A client that answers pings (the native client reads, tungstenite answers) stays.
    let mut alive = NativeClient::connect(server.addr, &token, "alive")
        .await
        .unwrap();
    let start = std::time::Instant::now();
    let still = alive
        .wait_until(|_| start.elapsed() > std::time::Duration::from_secs(4))
        .await;
    // Pings arrive each second (frames the client answers); a close would be an error here.
    still.unwrap();
    alive.sync().await.unwrap();
    server.stop().await.unwrap();
}

/// Low: an open catch-up connection closes when the window is moved into the past, and when
/// it ends while the connection is open.
#[tokio::test]
async fn catch_up_connections_close_when_the_window_ends() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.ping_secs = 1;
    let server = TestServer::start_with(settings).await.unwrap();
    let (a, b) = two_workshops(&server).await;
    // Moved into the past by the facilitator.
    let mut c = NativeClient::connect(server.addr, &token_of(&a.catch_up), "late")
        .await
        .unwrap();
    let mut f = NativeClient::connect(server.addr, &token_of(&a.facilitator), "fac")
        .await
        .unwrap();
    f.change(f.info.workshop_doc, |d| {
        // The window cannot end before the day: the day moves back first.
        apply_workshop_edit(d, &WorkshopEdit::Date("2000-12-01".into()))?;
        apply_workshop_edit(d, &WorkshopEdit::AccessUntil("2001-01-01".into()))
    })
    .unwrap();
    f.sync().await.unwrap();
    let reason = c.closed_reason().await.unwrap();
    assert!(reason.contains("catch-up window"), "{reason}");
    // Ending while open (here: the stored date changed under the server, as midnight would).
    let mut c = NativeClient::connect(server.addr, &token_of(&b.catch_up), "late2")
        .await
        .unwrap();
    end_window_in_storage(&server.data, &b.workshop_id);
    let reason = c.closed_reason().await.unwrap();
    assert!(reason.contains("catch-up window"), "{reason}");
    server.stop().await.unwrap();
}

/// Set a workshop's mirrored `access_until` to a past day straight in the SQLite file.
fn end_window_in_storage(data: &Path, workshop_id: &str) {
    let s = SqliteStorage::open(data).unwrap();
    let r = s.workshop(workshop_id).unwrap().unwrap();
    s.update_workshop_meta(workshop_id, &r.title, &r.phase, "2001-01-01", "2026-01-01")
        .unwrap();
}

/// Low: the data folder, the database (and its log) and the demo's links are the server's
/// alone on the host.
#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let mut settings = samtal_server::settings::Settings::for_tests(data.clone());
    settings.demo = true;
    let server = TestServer::start_with(settings).await.unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    for f in ["samtal.sqlite3", "samtal.sqlite3-wal", "demo-links.txt"] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    server.stop().await.unwrap();
}

/// Low: a material URL cannot inject markup into the Markdown export, and the file name is
/// built from a validated date (RFC 6266 `filename*` too).
#[tokio::test]
async fn exports_carry_no_injected_links_and_a_clean_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let a = server.create_workshop(&demo_spec()).await.unwrap();
    let fac = token_of(&a.facilitator);
    let mut f = NativeClient::connect(server.addr, &fac, "fac")
        .await
        .unwrap();
    f.change(f.info.workshop_doc, |d| {
        apply_workshop_edit(d, &WorkshopEdit::AddMaterial)?;
        apply_workshop_edit(
            d,
            &WorkshopEdit::Material {
                index: 0,
                title: "Film".into(),
                url: "https://x.se/film\n[Klicka här](javascript:alert(1))".into(),
            },
        )
    })
    .unwrap();
    f.sync().await.unwrap();
    let (status, text) = raw_http(
        server.addr,
        &format!("GET /api/export/{fac}/plenary.md HTTP/1.1\r\nHost: localhost"),
        "",
    )
    .await;
    assert_eq!(status, 200);
    // The whole URL stays inside one autolink, its newline encoded: no second link.
    let with_script: Vec<&str> = text.lines().filter(|l| l.contains("javascript")).collect();
    assert_eq!(
        with_script,
        ["- Film <https://x.se/film%0A[Klicka%20här](javascript:alert(1))>"],
        "{text}"
    );
    let disposition = text
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
        .unwrap()
        .to_owned();
    let date = demo_spec().date;
    assert_eq!(
        disposition,
        format!(
            "content-disposition: attachment; filename=\"samtal-{date}.md\"; filename*=UTF-8''samtal-{date}.md"
        )
    );
    server.stop().await.unwrap();
}

/// Low: ids are `[A-Za-z0-9_-]{1,64}` wherever they enter — a setup change over sync and a
/// rotation request alike.
#[tokio::test]
async fn ids_are_validated_where_they_enter() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let a = server.create_workshop(&demo_spec()).await.unwrap();
    let fac = token_of(&a.facilitator);
    let wdoc = NativeClient::connect(server.addr, &fac, "fac")
        .await
        .unwrap()
        .info
        .workshop_doc;
    let long = "g".repeat(65);
    for (i, bad) in ["a group", long.as_str(), "grupp/1", ""]
        .into_iter()
        .enumerate()
    {
        // The shared editor refuses it…
        let mut local = stored_doc(&server.data, wdoc).unwrap().unwrap();
        let edit = WorkshopEdit::AddGroup {
            id: bad.into(),
            name: "Ny".into(),
            area: "Skola".into(),
        };
        assert!(apply_workshop_edit(&mut local, &edit).is_err(), "{bad:?}");
        // …and a hand-made change with it is refused by the server.
        let err = try_change(&server, &fac, &format!("r{i}"), wdoc, |d| {
            let (_, groups) = d.get(ROOT, "groups")?.unwrap();
            let item = d.insert_object(&groups, 0, ObjType::Map)?;
            d.put(&item, "id", bad)?;
            d.put(&item, "name", "Ny")?;
            Ok(())
        })
        .await
        .unwrap_err();
        assert!(err.contains("letters, digits"), "{bad:?}: {err}");
    }
    let (status, _) = server
        .request(
            "POST",
            &format!("/api/links/{fac}/rotate"),
            Some(serde_json::json!({ "target": "group:a group" })),
        )
        .await
        .unwrap();
    assert_eq!(status, 400);
    server.stop().await.unwrap();
}

/// Medium 3: request headers trickled slowly do not hold a connection open.
#[tokio::test]
async fn trickled_headers_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.header_read_timeout_secs = 1;
    let server = TestServer::start_with(settings).await.unwrap();
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
        .await
        .unwrap();
    let start = std::time::Instant::now();
    let mut closed = false;
    // Trickle a header line every 200 ms for up to 6 s; the server must hang up first.
    while start.elapsed() < std::time::Duration::from_secs(6) {
        if s.write_all(b"X-Slow: 1\r\n").await.is_err() {
            closed = true;
            break;
        }
        let mut buf = [0u8; 512];
        match tokio::time::timeout(std::time::Duration::from_millis(200), s.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => {
                closed = true;
                break;
            }
            // The server's answer to a timed-out head (408), then the close.
            Ok(Ok(_)) => {}
            Err(_) => {}
        }
    }
    assert!(
        closed,
        "the connection was still open after 6 s of trickled headers"
    );
    assert!(start.elapsed() < std::time::Duration::from_secs(4));
    // A normal request on a fresh connection is answered.
    let (status, _) = raw_http(server.addr, "GET /healthz HTTP/1.1\r\nHost: localhost", "").await;
    assert_eq!(status, 200);
    server.stop().await.unwrap();
}

/// Low: a device whose changes were refused is not served again at once (stock clients
/// reconnect every second and resend the same); other devices of the link are not held back.
#[tokio::test]
async fn a_refused_device_waits_before_it_may_join_again() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(dir.path()).await.unwrap();
    let a = server.create_workshop(&demo_spec()).await.unwrap();
    let group = token_of(&a.groups[0].link);
    let doc = doc::group_doc_id(&a.workshop_id, &a.groups[0].group_id);
    let err = try_change(&server, &group, "stubborn", doc, |d| {
        d.put(ROOT, "kind", "workshop")?;
        Ok(())
    })
    .await
    .unwrap_err();
    assert!(err.contains("belongs to the server"), "{err}");
    let again = NativeClient::connect(server.addr, &group, "stubborn").await;
    let err = again.err().expect("served again at once").to_string();
    assert!(err.contains("refused a moment ago"), "{err}");
    NativeClient::connect(server.addr, &group, "another-device")
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    NativeClient::connect(server.addr, &group, "stubborn")
        .await
        .unwrap();
    server.stop().await.unwrap();
}

/// Medium 3: a kept-alive HTTP connection that sends no next request is closed too.
#[tokio::test]
async fn idle_kept_alive_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.header_read_timeout_secs = 1;
    let server = TestServer::start_with(settings).await.unwrap();
    let mut s = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let start = std::time::Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    let closed = loop {
        match tokio::time::timeout(std::time::Duration::from_secs(6), s.read(&mut buf)).await {
            Ok(Ok(0) | Err(_)) => break true,
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
            Err(_) => break false,
        }
    };
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
    assert!(closed, "an idle kept-alive connection stayed open");
    assert!(start.elapsed() < std::time::Duration::from_secs(4));
    server.stop().await.unwrap();
}

/// Medium 3: the server's connection cap holds for plain HTTP connections too.
#[tokio::test]
async fn the_server_takes_no_more_connections_than_its_limit() {
    use tokio::io::AsyncReadExt;
    let dir = tempfile::tempdir().unwrap();
    let mut settings = samtal_server::settings::Settings::for_tests(dir.path().to_path_buf());
    settings.max_connections = 2;
    let server = TestServer::start_with(settings).await.unwrap();
    // Two connections that have not sent their request yet hold both places.
    let held = [
        tokio::net::TcpStream::connect(server.addr).await.unwrap(),
        tokio::net::TcpStream::connect(server.addr).await.unwrap(),
    ];
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut third = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), third.read(&mut buf))
        .await
        .expect("the third connection was neither served nor closed");
    assert!(matches!(n, Ok(0) | Err(_)), "closed at once");
    drop(held);
    // Places free again: served.
    eventually("a request is served once the places are free", || async {
        raw_http(server.addr, "GET /healthz HTTP/1.1\r\nHost: localhost", "")
            .await
            .0
            == 200
    })
    .await;
    server.stop().await.unwrap();
}
