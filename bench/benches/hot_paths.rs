//! Hot paths, measured with criterion (`cargo bench -p samtal-bench`). Results and the machine
//! are in BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use automerge::{AutoCommit, ReadDoc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use samtal_bench::{answer, type_into, workshop};
use samtal_server::storage::{SqliteStorage, Storage};
use samtal_shared::doc;
use samtal_shared::doc::PlenaryNotes;
use samtal_shared::history::{self, History};
use samtal_shared::roles::DocKind;
use samtal_shared::view;
use std::hint::black_box;

const KEYSTROKES: usize = 5_000;
const BURST: usize = 5;

fn typed_group() -> (doc::Workshop, AutoCommit) {
    let (w, mut groups, _) = workshop(1);
    let mut g = groups.remove(0);
    type_into(&mut g, KEYSTROKES, BURST);
    (w, g)
}

fn remote_change(c: &mut Criterion) {
    let (_, mut doc) = typed_group();
    let mut other = doc.fork();
    let heads = other.get_heads();
    type_into(&mut other, 5, 5);
    let change = other
        .get_changes(&heads)
        .into_iter()
        .next()
        .unwrap()
        .clone();
    c.bench_function(
        "apply one remote change to a 5,000-keystroke group doc",
        |b| {
            b.iter_batched(
                || doc.fork(),
                |mut d| {
                    d.apply_changes([change.clone()]).unwrap();
                    black_box(d.get_heads());
                },
                BatchSize::LargeInput,
            );
        },
    );
    // The server's whole path for it: a sync message decoded and applied by the document hub.
    let mut hub = samtal_shared::sync::DocHub::new(doc.fork());
    let peer = samtal_shared::PeerId::new("p");
    hub.attach(peer.clone(), samtal_shared::roles::Access::Write);
    let mut state = automerge::sync::State::new();
    let msg = {
        use automerge::sync::SyncDoc;
        let mut client = other.fork();
        // One round so the client knows the server's heads, then the message with the change.
        let _ = client.sync().generate_sync_message(&mut state);
        let first = hub.generate(&peer).unwrap();
        client
            .sync()
            .receive_sync_message(
                &mut state,
                automerge::sync::Message::decode(&first).unwrap(),
            )
            .unwrap();
        client
            .sync()
            .generate_sync_message(&mut state)
            .unwrap()
            .encode()
    };
    let _ = doc.get_heads();
    c.bench_function(
        "server hub: receive a sync message with one typing burst",
        |b| {
            b.iter_batched(
                || {
                    let mut h = samtal_shared::sync::DocHub::new(hub.doc().clone());
                    h.attach(peer.clone(), samtal_shared::roles::Access::Write);
                    h
                },
                |mut h| black_box(h.receive(&peer, &msg).unwrap()),
                BatchSize::LargeInput,
            );
        },
    );
    // The same, with the write rules the server attaches every peer with (issue 21): what
    // checking each change before it is applied costs.
    c.bench_function(
        "server hub: receive a sync message with one typing burst, write rules checked",
        |b| {
            b.iter_batched(
                || {
                    let mut h = samtal_shared::sync::DocHub::new(hub.doc().clone());
                    h.attach_with_rules(
                        peer.clone(),
                        samtal_shared::roles::Access::Write,
                        samtal_shared::policy::WriteRules::Group,
                    );
                    h
                },
                |mut h| black_box(h.receive(&peer, &msg).unwrap()),
                BatchSize::LargeInput,
            );
        },
    );
}

/// The server's share of the edits in a busy group: 100 sync messages with one keystroke each
/// from 20 clients in turn, each received, the chunk to store worked out, and the messages for
/// the 19 others generated. Clients apply everything and acknowledge about once a second (every
/// 20th round, each its own), as with held acknowledgements at 20 edits a second. Every
/// iteration starts from the same document (a 500-keystroke answer) with all clients in step;
/// only the hub's work is timed.
fn hub_rounds(c: &mut Criterion) {
    use automerge::sync::{Message, State, SyncDoc};
    use samtal_shared::PeerId;
    use samtal_shared::roles::Access;
    use samtal_shared::sync::DocHub;
    const CLIENTS: usize = 20;
    const ROUNDS: usize = 100;
    let (_, mut groups, _) = workshop(1);
    let mut doc = groups.remove(0);
    type_into(&mut doc, 500, BURST);
    let peers: Vec<PeerId> = (0..CLIENTS).map(|i| PeerId::new(format!("c{i}"))).collect();
    let r = answer();
    // The clients take the hub's messages (not timed).
    let deliver = |out: Vec<(PeerId, Vec<u8>)>, clients: &mut [(AutoCommit, State)]| {
        for (to, m) in out {
            let i = peers.iter().position(|p| *p == to).unwrap();
            let (d, s) = &mut clients[i];
            d.sync()
                .receive_sync_message(s, Message::decode(&m).unwrap())
                .unwrap();
        }
    };
    let mut session = |timed: &mut std::time::Duration| {
        let mut hub = DocHub::new(doc.fork());
        let mut clients: Vec<(AutoCommit, State)> =
            (0..CLIENTS).map(|_| (doc.fork(), State::new())).collect();
        for p in &peers {
            hub.attach(p.clone(), Access::Write);
        }
        for _ in 0..4 {
            for (i, (d, s)) in clients.iter_mut().enumerate() {
                if let Some(m) = d.sync().generate_sync_message(s) {
                    hub.receive(&peers[i], &m.encode()).unwrap();
                }
            }
            deliver(hub.outgoing(), &mut clients);
        }
        let mut persisted = hub.heads();
        for round in 0..ROUNDS {
            let w = round % CLIENTS;
            let (d, s) = &mut clients[w];
            let obj = doc::text_obj(d, &r).unwrap();
            let len = d.length(&obj);
            automerge::transaction::Transactable::splice_text(d, &obj, len, 0, "x").unwrap();
            d.commit();
            let mut inbound = vec![(w, d.sync().generate_sync_message(s).unwrap().encode())];
            let acking = (round * 7) % CLIENTS;
            if acking != w {
                let (d, s) = &mut clients[acking];
                if let Some(m) = d.sync().generate_sync_message(s) {
                    inbound.push((acking, m.encode()));
                }
            }
            let start = std::time::Instant::now();
            for (i, m) in &inbound {
                hub.receive(&peers[*i], m).unwrap();
            }
            let chunk = hub.save_after(&persisted);
            persisted = hub.heads();
            let out = hub.outgoing();
            *timed += start.elapsed();
            black_box(chunk);
            deliver(out, &mut clients);
        }
    };
    let mut g = c.benchmark_group("server hub");
    g.sample_size(10);
    g.bench_function(
        "100 keystrokes from 20 clients in turn (receive, chunk to store, 19 messages each)",
        |b| {
            b.iter_custom(|iters| {
                let mut timed = std::time::Duration::ZERO;
                for _ in 0..iters {
                    session(&mut timed);
                }
                timed
            });
        },
    );
    g.finish();
}

fn plenary_view(c: &mut Criterion) {
    let (w, mut groups, plenary_doc) = workshop(50);
    for g in &mut groups {
        type_into(g, KEYSTROKES, BURST);
    }
    let plenary = doc::read_plenary(&plenary_doc).unwrap_or_else(|_| PlenaryNotes::default());
    c.bench_function("plenary view cold: 50 groups × 5,000 keystrokes", |b| {
        b.iter(|| {
            let notes: Vec<_> = groups.iter().map(|g| doc::read_group(g).unwrap()).collect();
            black_box(view::plenary_view(&w, &notes, &plenary))
        });
    });
    // After one group's edit only that group is read again (the client keeps the others).
    let mut notes: Vec<_> = groups.iter().map(|g| doc::read_group(g).unwrap()).collect();
    c.bench_function("plenary view after one group's edit (incremental)", |b| {
        b.iter(|| {
            type_into(&mut groups[7], 1, 1);
            notes[7] = doc::read_group(&groups[7]).unwrap();
            black_box(view::plenary_view(&w, &notes, &plenary))
        });
    });
}

/// A fresh SQLite file with one workshop holding these documents (id, first snapshot).
fn storage_with(
    docs: Vec<(samtal_shared::DocumentId, Vec<u8>)>,
) -> (tempfile::TempDir, SqliteStorage) {
    let dir = tempfile::tempdir().unwrap();
    let storage = SqliteStorage::open(dir.path()).unwrap();
    storage
        .create_workshop(&samtal_server::storage::NewWorkshopRecord {
            workshop_id: "bench".into(),
            title: "Bench".into(),
            access_until: "2026-12-31".into(),
            link_secret: vec![0; 32],
            docs: docs
                .into_iter()
                .map(|(doc_id, bytes)| {
                    let rec = samtal_server::storage::DocRecord {
                        doc_id,
                        workshop_id: "bench".into(),
                        kind: DocKind::Plenary,
                    };
                    (rec, bytes)
                })
                .collect(),
            capabilities: vec![],
            owner: None,
        })
        .unwrap();
    (dir, storage)
}

fn storage(c: &mut Criterion) {
    let (_, mut doc) = typed_group();
    let id = samtal_shared::DocumentId::from_bytes([3; 16]);
    let (_dir, storage) = storage_with(vec![(id, doc.save())]);
    c.bench_function("load a 5,000-keystroke group doc from SQLite", |b| {
        b.iter(|| {
            let bytes = storage.load_doc(&id).unwrap().unwrap();
            black_box(samtal_shared::guard::load(&bytes).unwrap())
        });
    });
    let mut live = doc.fork();
    c.bench_function(
        "save after a typing burst (5 keystrokes) and fsync it to SQLite",
        |b| {
            b.iter(|| {
                let heads = live.get_heads();
                type_into(&mut live, 5, 5);
                let chunk = live.save_after(&heads);
                black_box(storage.append_chunk(&id, &chunk).unwrap())
            });
        },
    );
    let text = doc::read_text(&live, &answer()).unwrap_or_default();
    assert!(text.len() >= KEYSTROKES);
    let _ = live.length(&automerge::ROOT);
    concurrent_appends(c);
}

/// Many documents persisting at once, as at 50 groups typing: 16 threads (one document each)
/// each append 10 chunks of 100 bytes; the time is per iteration of all 160 appends.
fn concurrent_appends(c: &mut Criterion) {
    const DOCS: u8 = 16;
    const EACH: usize = 10;
    let ids: Vec<samtal_shared::DocumentId> = (0..DOCS)
        .map(|i| samtal_shared::DocumentId::from_bytes([i + 10; 16]))
        .collect();
    let (_dir, storage) = storage_with(ids.iter().map(|id| (*id, vec![0; 100])).collect());
    let chunk = vec![7u8; 100];
    c.bench_function(
        "16 documents appending at once (16 threads × 10 chunks, fsync'd)",
        |b| {
            b.iter_batched(
                || {
                    for id in &ids {
                        storage.compact(id, &[0; 100]).unwrap();
                    }
                },
                |()| {
                    std::thread::scope(|s| {
                        for id in &ids {
                            let (storage, chunk) = (&storage, &chunk);
                            s.spawn(move || {
                                for _ in 0..EACH {
                                    black_box(storage.append_chunk(id, chunk).unwrap());
                                }
                            });
                        }
                    });
                },
                BatchSize::PerIteration,
            );
        },
    );
}

/// The history view of a 5,000-keystroke group document: reading its history, and scrubbing
/// to a moment (every field's text then, with who wrote each passage); the catch-up marks.
/// Once with typing bursts of 5 keystrokes (1,000 changes), once with a change per keystroke.
fn history_view(c: &mut Criterion) {
    for burst in [BURST, 1] {
        let (w, mut doc) = {
            let (w, mut groups, _) = workshop(1);
            let mut g = groups.remove(0);
            type_into(&mut g, KEYSTROKES, burst);
            (w, g)
        };
        let doc = doc.document();
        let fields = w.text_fields_for(&w.groups[0].area);
        let changes = History::of(doc).len();
        c.bench_function(
            &format!("history: read 5,000 keystrokes in {changes} changes"),
            |b| b.iter(|| black_box(History::of(doc).len())),
        );
        let h = History::of(doc);
        let mut at = 0usize;
        c.bench_function(
            &format!("history: scrub to a moment, every field ({changes} changes)"),
            |b| {
                b.iter(|| {
                    // A different moment each time, spread over the day.
                    at = (at + 7919) % h.len();
                    let heads = h.heads_at(Some(at));
                    let n: usize = fields
                        .iter()
                        .map(|(r, _)| history::passages_at(doc, r, Some(heads), &h).len())
                        .sum();
                    black_box(n)
                })
            },
        );
        let since = h.heads_at(Some(h.len() / 2)).to_vec();
        c.bench_function(
            &format!("catch-up: what is new since half-way ({changes} changes)"),
            |b| {
                b.iter(|| {
                    let new = h.new_since(&since);
                    let n = fields
                        .iter()
                        .filter(|(r, _)| history::news_since(doc, r, &since, &h, &new).is_changed())
                        .count();
                    black_box(n)
                })
            },
        );
    }
}

/// One sync frame as every edit sends it: CBOR map, base58check document id, ~100 bytes of change.
fn protocol_frame(c: &mut Criterion) {
    use samtal_shared::ids::{DocumentId, PeerId};
    use samtal_shared::protocol::Message;
    let msg = Message::Sync {
        document_id: DocumentId::from_bytes([7; 16]),
        sender_id: PeerId::new("7f3c2a9e-4b1d-4c55-9a0e-2f6b8d1c3e5a"),
        target_id: PeerId::new("server"),
        data: vec![0x42; 100],
    };
    let frame = msg.encode();
    c.bench_function("sync frame: decode, fresh id cache", |b| {
        b.iter(|| Message::decode(black_box(&frame)))
    });
    c.bench_function("sync frame: encode, fresh id cache", |b| {
        b.iter(|| black_box(&msg).encode())
    });
    // A connection keeps its document ids' text (IdCache): no base58check per frame.
    let mut ids = samtal_shared::ids::IdCache::default();
    c.bench_function("sync frame: decode", |b| {
        b.iter(|| Message::decode_with(black_box(&frame), &mut ids))
    });
    c.bench_function("sync frame: encode", |b| {
        b.iter(|| black_box(&msg).encode_with(&mut ids))
    });
    let id = DocumentId::from_bytes([7; 16]);
    let text = id.to_string();
    c.bench_function("document id: base58check encode", |b| {
        b.iter(|| black_box(&id).to_string())
    });
    c.bench_function("document id: base58check decode", |b| {
        b.iter(|| black_box(&text).parse::<DocumentId>())
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = remote_change, hub_rounds, plenary_view, storage, history_view, protocol_frame
}
criterion_main!(benches);
