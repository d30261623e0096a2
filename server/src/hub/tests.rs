//! The document actor without tokio or a disk: the durability invariant step by step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::actor::{DocActor, Input, Out, Step};
use automerge::AutoCommit;
use automerge::transaction::Transactable;
use samtal_shared::doc::{self, TextRef};
use samtal_shared::roles::{Access, DocKind};
use samtal_shared::sync::DocHub;
use samtal_shared::{DocumentId, PeerId, demo};

const SERVER: &str = "server";

/// A client: its copy of the document, synced with the server's actor over `conn`.
struct Client {
    conn: PeerId,
    hub: DocHub,
}

impl Client {
    fn new(conn: &str) -> Self {
        let mut hub = DocHub::new(AutoCommit::new());
        hub.attach(PeerId::new(SERVER), Access::Write);
        Self {
            conn: PeerId::new(conn),
            hub,
        }
    }

    fn take(&mut self, out: &Out<u32>) {
        for (peer, data) in &out.sync {
            if *peer == self.conn {
                self.hub.receive(&PeerId::new(SERVER), data).unwrap();
            }
        }
    }

    fn messages(&mut self) -> Vec<Input<u32, ()>> {
        self.hub
            .outgoing()
            .into_iter()
            .map(|(_, data)| Input::Receive {
                peer: self.conn.clone(),
                data,
                frozen: false,
                quota: None,
            })
            .collect()
    }

    fn type_text(&mut self, text: &str) {
        let d = self.hub.doc_mut();
        let old = doc::read_text(d, &answer()).unwrap_or_default();
        doc::edit_text(d, &answer(), &format!("{old}{text}")).unwrap();
        d.commit();
    }

    fn in_step(&mut self) -> bool {
        self.hub.peer_has_everything(&PeerId::new(SERVER))
    }
}

fn answer() -> TextRef {
    TextRef::Answer {
        question_id: "q1".into(),
    }
}

/// A group document as storage has it, and an actor over it.
fn start(max_bytes: u64) -> (DocActor<u32>, Vec<u8>) {
    let mut new = demo::fixture("w").unwrap();
    let (group, mut d) = new.groups.remove(0);
    let bytes = d.save();
    let stored = u64::try_from(bytes.len()).unwrap();
    let actor = DocActor::new(
        DocumentId::from_bytes([9; 16]),
        AutoCommit::load(&bytes).unwrap(),
        stored,
        &DocKind::Group { group_id: group.id },
        "w".into(),
        max_bytes,
    );
    (actor, bytes)
}

/// Run a batch to its end with a disk that always succeeds; the messages go to the clients.
fn run(
    actor: &mut DocActor<u32>,
    clients: &mut [&mut Client],
    batch: Vec<Input<u32, ()>>,
) -> Out<u32> {
    let out = match actor.take(batch) {
        Step::Done(out) => out,
        Step::Persist { out, chunk } => {
            for c in clients.iter_mut() {
                c.take(&out);
            }
            actor
                .persisted(Ok((1, chunk.len() as u64 + 10_000)))
                .unwrap()
        }
        Step::Reload { .. } | Step::Stop { .. } => panic!("unexpected step"),
    };
    for c in clients.iter_mut() {
        c.take(&out);
    }
    out
}

/// Attach both clients and exchange messages until nobody has anything more to say.
fn settle(actor: &mut DocActor<u32>, a: &mut Client, b: &mut Client) {
    for _ in 0..20 {
        let mut batch = a.messages();
        batch.extend(b.messages());
        let out = run(actor, &mut [a, b], batch);
        if out.sync.is_empty() && a.in_step() && b.in_step() {
            return;
        }
    }
    panic!("the clients never settled");
}

fn attached() -> (DocActor<u32>, Vec<u8>, Client, Client) {
    let (mut actor, bytes) = start(u64::MAX);
    let (mut a, mut b) = (Client::new("connection-1"), Client::new("connection-2"));
    let attach = vec![
        Input::Attach {
            peer: a.conn.clone(),
            access: Access::Write,
            conn: (),
        },
        Input::Attach {
            peer: b.conn.clone(),
            access: Access::Write,
            conn: (),
        },
    ];
    run(&mut actor, &mut [&mut a, &mut b], attach);
    settle(&mut actor, &mut a, &mut b);
    (actor, bytes, a, b)
}

#[test]
fn a_writer_hears_of_its_change_only_once_it_is_on_disk() {
    let (mut actor, bytes, mut a, mut b) = attached();
    a.type_text("Hej");
    let Step::Persist { out, chunk } = actor.take(a.messages()) else {
        panic!("a change must be persisted");
    };
    assert!(
        out.sync.iter().all(|(p, _)| *p != a.conn),
        "nothing goes to the writer before the chunk is on disk"
    );
    assert!(
        out.sync.iter().any(|(p, _)| *p == b.conn),
        "the others get it at once"
    );
    // The chunk is exactly what the disk lacks: the stored bytes plus it hold the change.
    let mut on_disk = AutoCommit::load(&bytes).unwrap();
    on_disk.load_incremental(&chunk).unwrap();
    assert_eq!(on_disk.get_heads(), a.hub.doc_mut().get_heads());
    b.take(&out);
    assert!(
        !a.in_step(),
        "the writer does not know yet that the server has it"
    );
    let out = actor.persisted(Ok((2, 20_000))).unwrap();
    a.take(&out);
    assert!(
        a.in_step(),
        "after the write the writer learns that the server has it"
    );
}

#[test]
fn a_failed_write_is_never_acknowledged_and_the_writer_is_told() {
    let (mut actor, bytes, mut a, mut b) = attached();
    a.type_text("Borta");
    let Step::Persist { out, .. } = actor.take(a.messages()) else {
        panic!("a change must be persisted");
    };
    b.take(&out);
    let reason = actor.persisted(Err("disk full".into())).err().unwrap();
    let out = actor
        .reloaded(&reason, Ok((AutoCommit::load(&bytes).unwrap(), 1)))
        .unwrap();
    assert!(
        out.sync.iter().all(|(p, _)| *p != a.conn),
        "no heads for the writer"
    );
    assert_eq!(out.failed.len(), 1);
    assert_eq!(out.failed[0].0, a.conn);
    assert!(
        out.failed[0].1.contains("not saved: disk full"),
        "{}",
        out.failed[0].1
    );
    assert!(!a.in_step());
}

#[test]
fn server_changes_are_answered_after_the_write() {
    let (mut actor, _, mut a, mut b) = attached();
    let change = |d: &mut AutoCommit| {
        let obj = doc::text_obj(d, &answer()).unwrap();
        d.splice_text(&obj, 0, 0, "Från servern. ").unwrap();
        true
    };
    let apply = |done| Input::<u32, ()>::Apply {
        change: Box::new(change),
        time: 1_000,
        done,
    };
    let Step::Persist { out, .. } = actor.take(vec![apply(7)]) else {
        panic!("a change must be persisted");
    };
    assert!(out.done.is_empty(), "not answered before the write");
    let out = actor.persisted(Ok((2, 20_000))).unwrap();
    assert_eq!(out.done, [(7, true)]);
    a.take(&out);
    b.take(&out);
    // A failed write answers `false`.
    let Step::Persist { .. } = actor.take(vec![apply(8)]) else {
        panic!("a change must be persisted");
    };
    let reason = actor.persisted(Err("disk full".into())).err().unwrap();
    let (_, bytes) = start(u64::MAX);
    let out = actor
        .reloaded(&reason, Ok((AutoCommit::load(&bytes).unwrap(), 1)))
        .unwrap();
    assert_eq!(out.done, [(8, false)]);
}

#[test]
fn a_refused_message_changes_nothing_and_stores_nothing() {
    let (mut actor, _, mut a, _) = attached();
    // A group link may not set top-level keys.
    let d = a.hub.doc_mut();
    d.put(automerge::ROOT, "kind", "workshop").unwrap();
    d.commit();
    // The client may hold the change back for a round when the server's Bloom filter
    // gives a false positive for it; the sync protocol then sends it on the next round.
    for _ in 0..4 {
        let Step::Done(out) = actor.take(a.messages()) else {
            panic!("nothing to store");
        };
        if out.refused.is_empty() {
            a.take(&out);
            continue;
        }
        assert_eq!(out.refused.len(), 1);
        assert_eq!(out.refused[0].0, a.conn);
        assert!(out.sync.iter().all(|(p, _)| *p != a.conn));
        return;
    }
    panic!("the forbidden change never reached the server");
}

#[test]
fn a_document_past_its_limit_goes_back_to_what_is_on_disk() {
    let (mut actor, bytes) = start(0);
    let mut a = Client::new("connection-1");
    let attach = vec![Input::Attach {
        peer: a.conn.clone(),
        access: Access::Write,
        conn: (),
    }];
    run(&mut actor, &mut [&mut a], attach);
    for _ in 0..5 {
        let batch = a.messages();
        run(&mut actor, &mut [&mut a], batch);
    }
    a.type_text(&"x".repeat(1000));
    let Step::Reload { out, reason } = actor.take(a.messages()) else {
        panic!("over the limit: back to disk");
    };
    assert!(out.sync.is_empty(), "nothing forwarded");
    assert!(reason.contains("limit"), "{reason}");
    let out = actor
        .reloaded(&reason, Ok((AutoCommit::load(&bytes).unwrap(), 0)))
        .unwrap();
    assert_eq!(out.failed.len(), 1);
}
