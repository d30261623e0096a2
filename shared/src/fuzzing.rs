//! Hostile-input harnesses: one function per fuzz target, each taking raw bytes and panicking
//! only when one of Samtal's own invariants breaks. The cargo-fuzz targets in `fuzz/` call them,
//! and so do the corpus replay and the short proptest run in `shared/tests/fuzz.rs`, so the CI
//! run and the long fuzzing runs check exactly the same thing.
//!
//! Inputs are split into parts by [`frames`]: a 2-byte little-endian length before each part.

use crate::demo;
use crate::doc::{self, TextRef};
use crate::guard;
use crate::ids::{DocumentId, PeerId};
use crate::policy::WriteRules;
use crate::protocol::Message;
use crate::roles::Access;
use crate::sync::{DocHub, ServerConnection, ServerInbound, SyncError};
use crate::text;
use crate::view;
use automerge::sync::SyncDoc;
use automerge::{AutoCommit, ReadDoc, TextEncoding};
use std::sync::OnceLock;

/// The parts of a fuzz input: each is preceded by its length as 2 bytes, little-endian. A last
/// part that is shorter than its length takes what is there.
pub fn frames(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while data.len() >= 2 {
        let len = usize::from(u16::from_le_bytes([data[0], data[1]]));
        let rest = &data[2..];
        let take = len.min(rest.len());
        out.push(&rest[..take]);
        data = &rest[take..];
    }
    out
}

/// The inverse of [`frames`], for building seeds.
pub fn join_frames(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        let len = u16::try_from(p.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&p[..usize::from(len)]);
    }
    out
}

/// A workshop and one group document with structure, as the server holds them (built once).
struct Seed {
    workshop: Option<doc::Workshop>,
    group: Vec<u8>,
    group_id: DocumentId,
}

fn seed() -> &'static Seed {
    static SEED: OnceLock<Seed> = OnceLock::new();
    SEED.get_or_init(|| {
        let built = demo::fixture("fuzz");
        // The demo spec is valid; should that ever change, fuzzing a bare doc still works.
        match built {
            Ok(mut w) => {
                let workshop = doc::read_workshop(&w.workshop).ok();
                match (workshop, w.groups.first_mut()) {
                    (Some(workshop), Some((g, doc))) => Seed {
                        group_id: g.doc_id,
                        group: doc.save(),
                        workshop: Some(workshop),
                    },
                    _ => bare_seed(),
                }
            }
            Err(_) => bare_seed(),
        }
    })
}

fn bare_seed() -> Seed {
    let mut d = AutoCommit::new();
    Seed {
        workshop: None,
        group: d.save(),
        group_id: DocumentId::from_bytes([1; 16]),
    }
}

/// A fresh copy of the seeded group document.
pub fn seed_group_doc() -> AutoCommit {
    AutoCommit::load(&seed().group).unwrap_or_default()
}

/// The seeded group document's id.
pub fn seed_group_id() -> DocumentId {
    seed().group_id
}

/// Target `protocol`: decoding a frame never panics, and whatever decodes re-encodes to a
/// frame that decodes to the same message.
pub fn protocol(data: &[u8]) {
    if let Ok(m) = Message::decode(data) {
        let again = Message::decode(&m.encode());
        assert_eq!(again.as_ref(), Ok(&m), "re-encoding changed the message");
    }
}

/// A question box holding one question (the `server` target's append-only mode).
fn seed_questions_doc() -> AutoCommit {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    let bytes = BYTES.get_or_init(|| {
        let mut d = doc::new_questions_doc("fuzz").unwrap_or_default();
        let _ = doc::add_question(&mut d, "seed", "Vad gör vi när?", 1);
        d.save()
    });
    AutoCommit::load(bytes).unwrap_or_default()
}

/// Target `server`: the server's whole message path for one connection, sans-IO — the
/// connection state machine, access control and the document's sync hub — fed a sequence of
/// frames. The first byte picks the access the link has (a writer of a group document, a
/// reader, none, or an append-only link to a question box). Invariants: no panic; a read-only
/// peer never changes the document; an append-only peer never changes a question that is
/// there; no writer changes its header (the rules of `policy.rs`); every frame the server
/// sends decodes; the document still saves and loads.
pub fn server(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let access = match mode % 4 {
        0 => Access::Write,
        1 => Access::Read,
        2 => Access::None,
        _ => Access::Append,
    };
    let (seed, rules): (fn() -> AutoCommit, _) = if access == Access::Append {
        (seed_questions_doc, WriteRules::Append)
    } else {
        (seed_group_doc, WriteRules::Group)
    };
    let mut conn = ServerConnection::new(PeerId::new("server"));
    let mut hub = DocHub::new(seed());
    let before = hub.heads();
    let header: std::collections::HashMap<&str, Option<String>> =
        ["schema", "kind", "workshop_id", "group_id"]
            .into_iter()
            .map(|k| {
                let v = hub.doc().get(automerge::ROOT, k).ok().flatten();
                (k, v.map(|(v, _)| v.to_string()))
            })
            .collect();
    for frame in frames(rest) {
        let inbound = match conn.receive(frame) {
            Ok(i) => i,
            // The server sends an error and closes this connection only.
            Err(_) => break,
        };
        match inbound {
            ServerInbound::Reply(m) => {
                assert!(
                    Message::decode(&m.encode()).is_ok(),
                    "reply does not decode"
                );
            }
            ServerInbound::Doc { document_id, data } => {
                let Some(peer) = conn.remote().cloned() else {
                    panic!("a document message was accepted before join");
                };
                if access == Access::None {
                    // ws.rs refuses the document before the hub ever sees it.
                    break;
                }
                if !hub.is_attached(&peer) {
                    // As the server does: a group document's rules, or the append-only ones.
                    hub.attach_with_rules(peer.clone(), access, rules);
                }
                match hub.receive(&peer, &data) {
                    Ok(_) => {}
                    Err(SyncError::Crashed) => {
                        // As the server does: the document may be half-changed, so it goes
                        // back to what is stored.
                        hub.replace_doc(seed());
                        break;
                    }
                    Err(_) => break,
                }
                for (_, out) in hub.outgoing() {
                    if let Some(m) = conn.sync_message(document_id, out) {
                        assert!(
                            Message::decode(&m.encode()).is_ok(),
                            "sync frame does not decode"
                        );
                    }
                }
            }
            ServerInbound::Leave => break,
            ServerInbound::Ephemeral { .. } | ServerInbound::Ignore => {}
        }
    }
    if access < Access::Append {
        assert_eq!(hub.heads(), before, "a read-only link changed the document");
    }
    if access == Access::Append {
        let read = doc::read_questions(hub.doc()).unwrap_or_default();
        let seed = read.questions.iter().find(|q| q.id == "seed");
        assert_eq!(
            seed.map(|q| q.text.as_str()),
            Some("Vad gör vi när?"),
            "an append-only link changed a question"
        );
        assert!(
            read.agenda.is_empty() && read.set_aside.is_empty(),
            "an append-only link sorted"
        );
    }
    for key in ["schema", "kind", "workshop_id", "group_id"] {
        assert_eq!(
            hub.doc()
                .get(automerge::ROOT, key)
                .ok()
                .flatten()
                .map(|(v, _)| v.to_string()),
            header.get(key).cloned().flatten(),
            "a writer changed the header field {key}"
        );
    }
    let saved = hub.doc_mut().save();
    assert!(
        AutoCommit::load(&saved).is_ok(),
        "the document no longer loads after a session"
    );
    let _ = doc::read_group(hub.doc());
    let _ = doc::read_questions(hub.doc());
}

/// Target `load`: bytes from storage (or a peer) loaded as a document. Loading, reading it as
/// each kind of document, merging it into a real group document and computing the plenary view
/// never panic, and whatever loads saves and loads again with the same heads.
pub fn load(data: &[u8]) {
    let s = seed();
    if let Ok(mut d) = guard::load(data) {
        let _ = doc::kind_of(&d);
        let _ = doc::read_workshop(&d);
        let _ = doc::read_plenary(&d);
        if let (Ok(notes), Some(w)) = (doc::read_group(&d), &s.workshop) {
            let view = view::plenary_view(w, &[notes], &Default::default());
            let _ = view.questions.len();
        }
        let heads = d.get_heads();
        let again = AutoCommit::load(&d.save());
        assert!(
            again.is_ok_and(|mut a| a.get_heads() == heads),
            "a loaded document does not survive save and load"
        );
    }
    // The same bytes as an incremental chunk on top of a real group document.
    let mut group = seed_group_doc();
    if guard::load_incremental(&mut group, data).is_ok() {
        let _ = doc::read_group(&group);
        let saved = group.save();
        assert!(
            AutoCommit::load(&saved).is_ok(),
            "merged document no longer loads"
        );
    }
}

const ENCODINGS: [TextEncoding; 3] = [
    TextEncoding::Utf16CodeUnit,
    TextEncoding::UnicodeCodePoint,
    TextEncoding::Utf8CodeUnit,
];

/// Target `splice`: a textarea going from one value to another. Parts: old value, new value
/// (lossy UTF-8), a caret. The splice turns old into new as a plain string and in a real
/// Automerge text, and a caret after it stays inside the new text.
pub fn splice(data: &[u8]) {
    let parts = frames(data);
    let part = |i: usize| parts.get(i).copied().unwrap_or_default();
    let old = String::from_utf8_lossy(part(0)).into_owned();
    let new = String::from_utf8_lossy(part(1)).into_owned();
    let caret_bytes = part(2);
    let caret = caret_bytes
        .iter()
        .take(4)
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    let enc = ENCODINGS[usize::from(caret_bytes.first().copied().unwrap_or(0)) % ENCODINGS.len()];

    let width = |s: &str| match enc {
        TextEncoding::Utf8CodeUnit => s.len(),
        TextEncoding::Utf16CodeUnit => s.encode_utf16().count(),
        TextEncoding::UnicodeCodePoint | TextEncoding::GraphemeCluster => s.chars().count(),
    };
    match text::diff(&old, &new, enc) {
        None => assert_eq!(old, new, "no splice for different texts"),
        Some(sp) => {
            assert_eq!(
                sp.apply(&old, enc).as_deref(),
                Some(new.as_str()),
                "splice does not turn old into new"
            );
            let moved = sp.transform(caret % (width(&old) + 1), enc);
            assert!(moved <= width(&new), "caret moved past the end");
        }
    }

    // The same edit through the document, as the client makes it (UTF-16 in the browser,
    // code points natively).
    let field = TextRef::Answer {
        question_id: "q1".into(),
    };
    let mut doc = seed_group_doc();
    let Ok(obj) = doc::text_obj(&doc, &field) else {
        return;
    };
    if doc::edit_text(&mut doc, &field, &old).is_err() {
        assert!(old.len() > doc::MAX_NOTE, "edit refused for a valid text");
        return;
    }
    match doc::edit_text(&mut doc, &field, &new) {
        Ok(_) => assert_eq!(
            doc.text(&obj).ok().as_deref(),
            Some(new.as_str()),
            "the document text differs from the textarea"
        ),
        Err(_) => assert!(new.len() > doc::MAX_NOTE, "edit refused for a valid text"),
    }
}

/// A fuzz target: raw bytes in, a panic only on a broken invariant.
pub type Target = fn(&[u8]);

/// Every target by name, for the corpus replay.
pub const TARGETS: [(&str, Target); 4] = [
    ("protocol", protocol),
    ("server", server),
    ("load", load),
    ("splice", splice),
];

/// Valid inputs for each target, the start of the committed corpus (`cargo xtask fuzz-seeds`
/// writes them; the replay test runs them too).
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let doc = seed_group_id();
    let me = PeerId::new("fuzz-client");
    let server_id = PeerId::new("server");
    let join = Message::Join {
        sender_id: me.clone(),
        supported_protocol_versions: vec!["1".into()],
        metadata: None,
    }
    .encode();
    // A real first sync message from a client that has the document and made one edit.
    let mut client = seed_group_doc();
    let field = TextRef::Answer {
        question_id: "q1".into(),
    };
    let _ = doc::edit_text(&mut client, &field, "Hej från fuzz");
    let mut state = automerge::sync::State::new();
    let first = client
        .sync()
        .generate_sync_message(&mut state)
        .map(automerge::sync::Message::encode)
        .unwrap_or_default();
    let sync = |data: Vec<u8>| Message::Sync {
        document_id: doc,
        sender_id: me.clone(),
        target_id: server_id.clone(),
        data,
    };
    let request = Message::Request {
        document_id: doc,
        sender_id: me.clone(),
        target_id: server_id.clone(),
        data: first.clone(),
    }
    .encode();
    let ephemeral = Message::Ephemeral {
        document_id: doc,
        sender_id: me.clone(),
        target_id: server_id.clone(),
        count: 1,
        session_id: "s".into(),
        data: vec![1, 2, 3],
    }
    .encode();
    let leave = Message::Leave {
        sender_id: me.clone(),
    }
    .encode();
    match target {
        "protocol" => vec![
            join.clone(),
            request.clone(),
            sync(first.clone()).encode(),
            ephemeral,
            leave,
            Message::Error {
                message: "x".into(),
            }
            .encode(),
            Message::DocUnavailable {
                document_id: doc,
                sender_id: me.clone(),
                target_id: server_id.clone(),
            }
            .encode(),
        ],
        "server" => {
            let session = join_frames(&[&join, &request, &sync(first.clone()).encode()]);
            let mut out = Vec::new();
            for mode in 0..3u8 {
                let mut s = vec![mode];
                s.extend_from_slice(&session);
                out.push(s);
            }
            out
        }
        "load" => {
            let mut d = seed_group_doc();
            let base = d.get_heads();
            let _ = doc::edit_text(&mut d, &field, "Ändrad text");
            vec![d.save(), d.save_after(&base), seed().group.clone()]
        }
        "splice" => vec![
            join_frames(&[
                b"Hej v\xc3\xa4rld",
                b"Hej stora v\xc3\xa4rld",
                &[0, 0, 0, 4],
            ]),
            join_frames(&["👍🏽 ok".as_bytes(), "ok 👍🏽".as_bytes(), &[1, 0, 0, 2]]),
            join_frames(&[b"abc", b"", &[2]]),
        ],
        _ => Vec::new(),
    }
}
