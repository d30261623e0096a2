//! Seeded network simulation: a server and four clients over a lossy network that drops,
//! duplicates and reorders frames and partitions clients, while clients keep editing. Any
//! protocol error resets that connection (as the real server does). After healing (every
//! client reconnects over a clean network) all replicas must be identical.
//! `SIM_SEEDS=10000` runs more seeds; `SIM_SEED=n` replays one.

use super::*;

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % (n.max(1) as u64)) as usize
    }
}

struct Net {
    hub: DocHub,
    conns: Vec<ServerConnection>,
    clients: Vec<ClientRepo>,
    /// Per client: frames to the server, frames to the client.
    up: Vec<Vec<Vec<u8>>>,
    down: Vec<Vec<Vec<u8>>>,
    online: Vec<bool>,
    id: DocumentId,
    /// Connections reset because a fault broke the protocol.
    faults: usize,
    /// The clients' clock (ms): 10 per step, so held acknowledgements fall due.
    now: u64,
    /// Acknowledgements sent when due rather than at once.
    late_acks: usize,
}

impl Net {
    fn fault(&mut self, i: usize) {
        self.faults += 1;
        self.reset(i);
    }

    fn reset(&mut self, i: usize) {
        if let Some(peer) = self.conns[i].remote().cloned() {
            self.hub.detach(&peer);
        }
        self.conns[i] = ServerConnection::new(PeerId::new("server"));
        self.clients[i].disconnected();
        self.up[i].clear();
        self.down[i].clear();
    }

    fn connect(&mut self, i: usize) {
        self.reset(i);
        self.online[i] = true;
        self.up[i].push(self.clients[i].join_frame());
    }

    /// The server handles one frame from client `i`.
    fn deliver_up(&mut self, i: usize, frame: &[u8]) {
        match self.conns[i].receive(frame) {
            Ok(ServerInbound::Reply(m)) => self.down[i].push(m.encode()),
            Ok(ServerInbound::Doc { data, .. }) => {
                let Some(peer) = self.conns[i].remote().cloned() else {
                    return self.fault(i);
                };
                if !self.hub.is_attached(&peer) {
                    self.hub.attach(peer.clone(), Access::Write);
                }
                if self.hub.receive(&peer, &data).is_err() {
                    return self.fault(i);
                }
            }
            Ok(_) => {}
            Err(_) => return self.fault(i),
        }
        for (peer, data) in self.hub.outgoing() {
            if let Some(j) = (0..self.conns.len()).find(|&j| self.conns[j].remote() == Some(&peer))
                && let Some(m) = self.conns[j].sync_message(self.id, data)
            {
                self.down[j].push(m.encode());
            }
        }
    }

    fn deliver_down(&mut self, i: usize, frame: &[u8]) {
        if self.clients[i].receive(frame).is_err() {
            return self.fault(i);
        }
        let out = self.clients[i].outgoing_at(self.now);
        self.up[i].extend(out);
    }

    /// Clients send the acknowledgements that are due.
    fn send_due(&mut self) {
        for i in 0..self.clients.len() {
            if self.clients[i].ack_due().is_some_and(|due| due <= self.now) {
                let out = self.clients[i].outgoing_at(self.now);
                self.late_acks += out.len();
                self.up[i].extend(out);
            }
        }
    }

    fn text(&self, i: usize) -> String {
        let d = self.clients[i].doc(&self.id).unwrap();
        let n = doc::read_group(d).unwrap();
        format!("{:?}", n.answers)
    }
}

/// Returns how many connections a fault broke and how many acknowledgements were
/// held back and sent later.
fn run(seed: u64) -> (usize, usize) {
    let mut rng = Rng(seed.max(1));
    let n = 4;
    let id = DocumentId::from_bytes([7; 16]);
    let mut net = Net {
        hub: DocHub::new(group_doc()),
        conns: (0..n)
            .map(|_| ServerConnection::new(PeerId::new("server")))
            .collect(),
        clients: (0..n)
            .map(|i| {
                let mut c = ClientRepo::new(PeerId::new(format!("c{i}")));
                c.add_doc(id, AutoCommit::new());
                c
            })
            .collect(),
        up: vec![Vec::new(); n],
        down: vec![Vec::new(); n],
        online: vec![false; n],
        id,
        faults: 0,
        now: 0,
        late_acks: 0,
    };
    for i in 0..n {
        net.connect(i);
    }
    // Let everyone fetch the document over a clean network first.
    heal(&mut net);
    let words = ["barnet ", "hörs ", "inte ", "alltid ", "i ", "besluten "];
    for _ in 0..400 {
        net.now += 10;
        net.send_due();
        let i = rng.below(n);
        match rng.below(10) {
            // Edit (connected or not): insert a word or delete a little.
            0..=3 => {
                let r = answer(&format!("q{}", 1 + rng.below(3)));
                let doc = net.clients[i].doc_mut(&id).unwrap();
                let old: Vec<char> = doc::read_text(doc, &r).unwrap().chars().collect();
                let at = rng.below(old.len() + 1);
                let new: String = if rng.below(4) == 0 && !old.is_empty() {
                    let end = (at + 1 + rng.below(4)).min(old.len());
                    old[..at.min(end)].iter().chain(&old[end..]).collect()
                } else {
                    let w = words[rng.below(words.len())];
                    old[..at]
                        .iter()
                        .copied()
                        .chain(w.chars())
                        .chain(old[at..].iter().copied())
                        .collect()
                };
                doc::edit_text(doc, &r, &new).unwrap();
                doc.commit();
                if net.online[i] {
                    let out = net.clients[i].outgoing_at(net.now);
                    net.up[i].extend(out);
                }
            }
            // Deliver one frame, perhaps out of order, duplicated or dropped.
            4..=8 => {
                let up = rng.below(2) == 0;
                let q = if up { &mut net.up[i] } else { &mut net.down[i] };
                if q.is_empty() {
                    continue;
                }
                let at = if rng.below(4) == 0 {
                    rng.below(q.len())
                } else {
                    0
                };
                let frame = match rng.below(10) {
                    0 => continue, // leave it for later
                    1 => {
                        q.remove(at);
                        continue;
                    } // dropped
                    2 => q[at].clone(), // duplicated: delivered now and again later
                    _ => q.remove(at),
                };
                if up {
                    net.deliver_up(i, &frame)
                } else {
                    net.deliver_down(i, &frame)
                }
            }
            // Partition or reconnect.
            _ => {
                if net.online[i] {
                    net.reset(i);
                    net.online[i] = false;
                } else {
                    net.connect(i);
                }
            }
        }
    }
    heal(&mut net);
    let server = format!("{:?}", doc::read_group(net.hub.doc()).unwrap().answers);
    for i in 0..n {
        assert_eq!(
            net.text(i),
            server,
            "seed {seed}: client {i} differs from the server"
        );
        assert!(
            net.clients[i].is_synced(&id),
            "seed {seed}: client {i} not synced"
        );
    }
    (net.faults, net.late_acks)
}

/// Every client reconnects; frames flow in order with no faults until quiet.
fn heal(net: &mut Net) {
    for i in 0..net.clients.len() {
        net.connect(i);
    }
    for _ in 0..10_000 {
        let mut moved = false;
        for i in 0..net.clients.len() {
            if !net.up[i].is_empty() {
                let f = net.up[i].remove(0);
                net.deliver_up(i, &f);
                moved = true;
            }
            if !net.down[i].is_empty() {
                let f = net.down[i].remove(0);
                net.deliver_down(i, &f);
                moved = true;
            }
        }
        if !moved {
            // Quiet but for held acknowledgements: wait until they are due.
            match net.clients.iter().filter_map(ClientRepo::ack_due).max() {
                Some(due) => {
                    net.now = net.now.max(due);
                    net.send_due();
                }
                None => return,
            }
        }
    }
    panic!("the network never went quiet");
}

#[test]
fn replicas_converge_after_partitions_drops_duplicates_and_reordering() {
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<u64>().ok());
    if let Some(seed) = env("SIM_SEED") {
        run(seed);
        return;
    }
    let (faults, late_acks) = (1..=env("SIM_SEEDS").unwrap_or(100))
        .map(run)
        .fold((0, 0), |(f, a), (f1, a1)| (f + f1, a + a1));
    // The faults must really break connections, and acknowledgements must really be
    // held back, or this proves little.
    assert!(faults > 0, "no fault ever broke a connection");
    assert!(late_acks > 0, "no acknowledgement was ever held back");
    println!(
        "simulation: {faults} connections broken by faults, {late_acks} acknowledgements \
         sent late, all replicas converged"
    );
}
