//! Exactness oracles: what the port, the recent window and the shared replies work out is
//! message for message and state for state what automerge does.

use super::*;

#[test]
fn shared_replies_are_exactly_what_automerge_sends() {
    let mut w = World::new(6, group_doc());
    for i in 0..6 {
        w.sync_client(i);
    }
    // Typing by one client after another while the others are in step (or not quite).
    for round in 0..4 {
        for i in 0..6 {
            w.sync_client(i);
        }
        let _ = w.hub.outgoing();
        let id = w.id;
        let doc = w.clients[round].doc_mut(&id).unwrap();
        doc::edit_text(doc, &answer("q1"), &format!("Runda {round}")).unwrap();
        doc.commit();
        let frames = w.clients[round].outgoing();
        for f in frames {
            w.deliver_to_server(round, &f);
        }
        // What automerge itself would send each peer now, from copies.
        let mut reference = w.hub.doc.clone();
        let expected: BTreeMap<PeerId, (Option<Vec<u8>>, sync::State)> = w
            .hub
            .peers
            .iter()
            .map(|(id, p)| {
                let mut state = p.state.clone();
                let m = reference
                    .sync()
                    .generate_sync_message(&mut state)
                    .map(sync::Message::encode);
                (id.clone(), (m, state))
            })
            .collect();
        let got: BTreeMap<PeerId, Vec<u8>> = w.hub.outgoing().into_iter().collect();
        for (id, (message, state)) in expected {
            assert_eq!(got.get(&id), message.as_ref(), "message for {id}");
            assert_eq!(w.hub.peers[&id].state, state, "state of {id}");
        }
    }
    // Four rounds with peers in step share at least four replies; a Bloom filter's false
    // positive (1 %; change hashes carry the time) can put one peer out of step for a round.
    assert!(
        w.hub.shared_replies() >= 3,
        "the in-step peers shared replies: {}",
        w.hub.shared_replies()
    );
}

#[test]
fn acknowledgements_match_automerge() {
    let mut w = World::new(4, group_doc());
    for i in 0..4 {
        w.sync_client(i);
    }
    let id = w.id;
    let mut fast = 0;
    for round in 0..3 {
        let doc = w.clients[round].doc_mut(&id).unwrap();
        doc::edit_text(doc, &answer("q1"), &format!("Kvittens {round}")).unwrap();
        doc.commit();
        for i in 0..4 {
            // Every frame this client sends is checked: through the hub and through
            // automerge itself on copies must give the same state and document.
            let mut to_server = if w.clients[i].is_connected() {
                w.clients[i].outgoing()
            } else {
                vec![w.clients[i].join_frame()]
            };
            for _ in 0..20 {
                let mut to_client = Vec::new();
                for f in to_server.drain(..) {
                    match w.conns[i].receive(&f).unwrap() {
                        ServerInbound::Reply(m) => to_client.push(m.encode()),
                        ServerInbound::Doc { data, .. } => {
                            let peer = w.conns[i].remote().unwrap().clone();
                            if !w.hub.is_attached(&peer) {
                                w.hub.attach(peer.clone(), Access::Write);
                            }
                            let mut state = w.hub.peers[&peer].state.clone();
                            let mut reference = w.hub.doc.clone();
                            let msg = sync::Message::decode(&data).unwrap();
                            let ack = msg.changes.is_empty()
                                && msg.heads == reference.get_heads()
                                && !msg.heads.is_empty();
                            fast += usize::from(ack);
                            reference
                                .sync()
                                .receive_sync_message(&mut state, msg)
                                .unwrap();
                            w.hub.receive(&peer, &data).unwrap();
                            assert_eq!(w.hub.peers[&peer].state, state);
                            assert_eq!(w.hub.doc.get_heads(), reference.get_heads());
                        }
                        other => panic!("unexpected {other:?}"),
                    }
                }
                if let Some(peer) = w.conns[i].remote().cloned()
                    && let Some(data) = w.hub.generate(&peer)
                {
                    to_client.push(w.conns[i].sync_message(id, data).unwrap().encode());
                }
                for f in to_client {
                    w.clients[i].receive(&f).unwrap();
                }
                to_server = w.clients[i].outgoing();
                if to_server.is_empty() {
                    break;
                }
            }
        }
    }
    assert!(fast >= 3, "acknowledgements took the short path: {fast}");
}

/// What one step of [`recent_changes_match_automerge`] does.
#[derive(Debug, Clone)]
enum DagStep {
    /// Replica commits a change.
    Commit(usize),
    /// Replica merges another's changes (a merge commit follows the next `Commit`).
    Merge(usize, usize),
    /// The hub's document takes a replica's changes.
    HubMerges(usize),
}

fn dag_step() -> impl Strategy<Value = DagStep> {
    prop_oneof![
        3 => (0..3usize).prop_map(DagStep::Commit),
        1 => (0..3usize, 0..3usize).prop_map(|(a, b)| DagStep::Merge(a, b)),
        2 => (0..3usize).prop_map(DagStep::HubMerges),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// On change graphs with concurrent branches and merges, whatever [`Recent::since`]
    /// answers is exactly automerge's `get_changes_meta` (the same changes in the same
    /// order, the same deps), for every heads the document ever had and for each head
    /// alone; and it does answer for heads inside its window.
    #[test]
    fn recent_changes_match_automerge(steps in proptest::collection::vec(dag_step(), 1..60)) {
        use automerge::transaction::Transactable;
        let mut hub = AutoCommit::new();
        hub.put(automerge::ROOT, "n", 0).unwrap();
        hub.commit();
        let mut replicas: Vec<AutoCommit> = (0..3).map(|_| hub.fork()).collect();
        let mut recent = Recent::default();
        let mut seen: Vec<Vec<ChangeHash>> = vec![hub.get_heads()];
        let mut answered_inside = 0;
        for (n, s) in steps.into_iter().enumerate() {
            match s {
                DagStep::Commit(i) => {
                    replicas[i].put(automerge::ROOT, "n", n as i64).unwrap();
                    replicas[i].commit();
                }
                DagStep::Merge(a, b) if a != b => {
                    let mut other = replicas[b].clone();
                    replicas[a].merge(&mut other).unwrap();
                }
                DagStep::Merge(..) => {}
                DagStep::HubMerges(i) => {
                    hub.merge(&mut replicas[i]).unwrap();
                    recent.catch_up(&mut hub);
                    seen.push(hub.get_heads());
                }
            }
            let mut asks: Vec<Vec<ChangeHash>> = seen.clone();
            asks.extend(seen.iter().flatten().map(|h| vec![*h]));
            let total = hub.get_changes(&[]).len();
            for heads in asks {
                let Some(got) = recent.since(&heads) else { continue };
                let want: Vec<(ChangeHash, Vec<ChangeHash>)> = hub
                    .get_changes_meta(&heads)
                    .into_iter()
                    .map(|m| (m.hash, m.deps))
                    .collect();
                let got_meta: Vec<(ChangeHash, Vec<ChangeHash>)> = got
                    .iter()
                    .map(|p| {
                        let e = &recent.entries[*p as usize];
                        (e.hash, e.deps.clone())
                    })
                    .collect();
                prop_assert_eq!(&got_meta, &want, "since {:?}", heads);
                // What a peer summarising `heads` lacks, by the window and by automerge's
                // walk: a Bloom filter with every other change since, so that changes it
                // seems to have depend on ones it lacks; and a need for each head.
                let bloom = sync::BloomFilter::from_hashes(want.iter().step_by(2).map(|(h, _)| h));
                let have = [sync::Have { last_sync: heads.clone(), bloom }];
                let need: Vec<ChangeHash> = seen.last().cloned().unwrap_or_default();
                prop_assert_eq!(
                    recent.to_send_from_window(&have, need.clone(), &got),
                    to_send_from_meta(&have, need, &want),
                    "to send since {:?}", heads
                );
                if got.len() < RECENT_CHANGES.min(total) {
                    answered_inside += 1;
                }
            }
        }
        // The window answers (a `since` that always said `None` would pass the above).
        if seen.len() > 2 {
            prop_assert!(answered_inside > 0);
        }
    }
}

/// What one step of [`receive_matches_automerge`] does.
#[derive(Debug, Clone)]
enum Step {
    /// Client types and commits.
    Edit(usize, String),
    /// Client generates its next message (queued to the hub).
    Send(usize),
    /// The hub takes the client's oldest queued message.
    HubTakes(usize),
    /// The hub generates for everyone who needs it (queued to the clients).
    HubSends,
    /// The client takes its oldest queued message from the hub.
    Takes(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize, "[a-zåäö ]{1,5}").prop_map(|(c, t)| Step::Edit(c, t)),
        (0..3usize).prop_map(Step::Send),
        (0..3usize).prop_map(Step::HubTakes),
        Just(Step::HubSends),
        (0..3usize).prop_map(Step::Takes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Every message the hub receives — writers', in-step and stale acknowledgements, a
    /// first sync from an empty replica, a read-only replica, in any interleaving the
    /// network allows (in order per direction) — leaves exactly the sync state and
    /// document automerge's own `receive_sync_message` leaves, on copies; and every
    /// message the hub sends is the one automerge's `generate_sync_message` would, with
    /// the same state after.
    #[test]
    fn receive_matches_automerge(steps in proptest::collection::vec(step(), 1..80)) {
        let mut hub = DocHub::new(group_doc());
        let peers: Vec<PeerId> = (0..3).map(|i| PeerId::new(format!("c{i}"))).collect();
        // Client 0 starts empty (a first visit); the others with the hub's document.
        let mut docs: Vec<AutoCommit> = vec![
            AutoCommit::new(),
            hub.doc_mut().fork(),
            hub.doc_mut().fork(),
        ];
        // Client 2 syncs read-only (it tells the hub so, and ignores changes): the hub must
        // skip sending it changes exactly as automerge does.
        let mut states: Vec<sync::State> =
            vec![sync::State::new(), sync::State::new(), sync::State::new_read_only()];
        let mut up: Vec<std::collections::VecDeque<Vec<u8>>> = vec![Default::default(); 3];
        let mut down: Vec<std::collections::VecDeque<Vec<u8>>> = vec![Default::default(); 3];
        for p in &peers {
            hub.attach(p.clone(), Access::Write);
        }
        // The hub's messages for everyone, checked against what automerge itself would send
        // each peer from a copy of its state (a peer the hub does not ask must be one that
        // automerge has nothing for).
        let send = |hub: &mut DocHub| -> Result<Vec<(PeerId, Vec<u8>)>, TestCaseError> {
            let mut reference = hub.doc.clone();
            let expected: Vec<(PeerId, Option<Vec<u8>>, sync::State)> = hub
                .peers
                .iter()
                .map(|(id, p)| {
                    let mut state = p.state.clone();
                    if hub.answer.contains(id) {
                        state.last_sent_heads.clear();
                    }
                    let m = reference
                        .sync()
                        .generate_sync_message(&mut state)
                        .map(sync::Message::encode);
                    (id.clone(), m, state)
                })
                .collect();
            let out = hub.outgoing();
            let got: BTreeMap<PeerId, Vec<u8>> = out.iter().cloned().collect();
            for (id, message, state) in expected {
                prop_assert_eq!(got.get(&id), message.as_ref(), "message for {}", id);
                prop_assert_eq!(&hub.peers[&id].state, &state, "state of {}", id);
            }
            Ok(out)
        };
        // Heads the hub had before each message it took (what the server stored last).
        let mut stored: Vec<Vec<ChangeHash>> = Vec::new();
        let mut take = |hub: &mut DocHub, i: usize, data: &[u8]| -> Result<(), TestCaseError> {
            let mut state = hub.peers[&peers[i]].state.clone();
            let mut reference = hub.doc.clone();
            reference
                .sync()
                .receive_sync_message(&mut state, sync::Message::decode(data).unwrap())
                .unwrap();
            stored.push(hub.doc.get_heads());
            hub.receive(&peers[i], data).unwrap();
            prop_assert_eq!(&hub.peers[&peers[i]].state, &state);
            prop_assert_eq!(hub.doc.get_heads(), reference.get_heads());
            // What the server would store since then: the same bytes as automerge's, also
            // from further back than the window.
            for heads in stored.iter().rev().take(6) {
                prop_assert_eq!(hub.save_after(heads), hub.doc.save_after(heads));
            }
            Ok(())
        };
        for s in steps {
            match s {
                Step::Edit(i, text) => {
                    if i < 2 && doc::edit_text(&mut docs[i], &answer("q1"), &text).is_ok() {
                        docs[i].commit();
                    }
                }
                Step::Send(i) => {
                    if let Some(m) = docs[i].sync().generate_sync_message(&mut states[i]) {
                        up[i].push_back(m.encode());
                    }
                }
                Step::HubTakes(i) => {
                    if let Some(data) = up[i].pop_front() {
                        take(&mut hub, i, &data)?;
                    }
                }
                Step::HubSends => {
                    for (to, m) in send(&mut hub)? {
                        let i = peers.iter().position(|p| *p == to).unwrap();
                        down[i].push_back(m);
                    }
                }
                Step::Takes(i) => {
                    if let Some(m) = down[i].pop_front() {
                        docs[i]
                            .sync()
                            .receive_sync_message(&mut states[i], sync::Message::decode(&m).unwrap())
                            .unwrap();
                    }
                }
            }
        }
        // Then the network delivers everything until quiet: all replicas converge.
        for _ in 0..30 {
            for (i, queue) in up.iter_mut().enumerate() {
                while let Some(data) = queue.pop_front() {
                    take(&mut hub, i, &data)?;
                }
            }
            for (to, m) in send(&mut hub)? {
                let i = peers.iter().position(|p| *p == to).unwrap();
                down[i].push_back(m);
            }
            let replicas = docs.iter_mut().zip(states.iter_mut());
            for ((doc, state), (inbox, outbox)) in replicas.zip(down.iter_mut().zip(up.iter_mut())) {
                while let Some(m) = inbox.pop_front() {
                    doc.sync()
                        .receive_sync_message(state, sync::Message::decode(&m).unwrap())
                        .unwrap();
                }
                if let Some(m) = doc.sync().generate_sync_message(state) {
                    outbox.push_back(m.encode());
                }
            }
        }
        let heads = hub.heads();
        for d in &mut docs[..2] {
            prop_assert_eq!(d.get_heads(), heads.clone());
        }
    }
}

/// The walk that replaces automerge's: on a long document it stops at the changes it looks
/// for, and it finds exactly the ones that are ancestors.
#[test]
fn remove_ancestors_is_exact_on_branches() {
    let mut doc = group_doc();
    for i in 0..200 {
        doc::edit_text(&mut doc, &answer("q1"), &"x".repeat(i % 7 + 1)).unwrap();
        doc.commit();
    }
    let base = doc.get_heads();
    let mut a = doc.fork();
    let mut b = doc.fork();
    let mut a_hashes = Vec::new();
    let mut b_hashes = Vec::new();
    for i in 0..5 {
        doc::edit_text(&mut a, &answer("q1"), &format!("a{i}")).unwrap();
        a_hashes.push(a.commit().unwrap());
        doc::edit_text(&mut b, &answer("q2"), &format!("b{i}")).unwrap();
        b_hashes.push(b.commit().unwrap());
    }
    doc.merge(&mut a).unwrap();
    doc.merge(&mut b).unwrap();
    // Sent: the last two of each branch and the old base; the peer has a's third change.
    let mut sent: BTreeSet<ChangeHash> = [a_hashes[3], a_hashes[4], b_hashes[3], b_hashes[4]]
        .into_iter()
        .chain(base.iter().copied())
        .collect();
    let mut expected = sent.clone();
    expected.remove(&base[0]);
    let mut reference = doc.clone();
    let mut automerge_state = sync::State::new();
    automerge_state.sent_hashes = sent.clone();
    let msg = sync::Message::decode(
        &sync::Message {
            heads: vec![a_hashes[2]],
            need: vec![],
            have: vec![],
            changes: sync::ChunkList::empty(),
            flags: None,
            version: sync::MessageVersion::V1,
        }
        .encode(),
    )
    .unwrap();
    reference
        .sync()
        .receive_sync_message(&mut automerge_state, msg)
        .unwrap();
    remove_ancestors(&mut doc, &mut sent, &[a_hashes[2]]);
    assert_eq!(
        sent, expected,
        "only the base is an ancestor of a's third change"
    );
    assert_eq!(sent, automerge_state.sent_hashes);
}
