//! Crash durability: the real server program runs as its own process on a temp SQLite file; a
//! client appends numbered edits and records each one the server acknowledged (its heads cover
//! it); the server is killed with SIGKILL at random moments and restarted; every acknowledged
//! edit must be there afterwards.
//!
//! `cargo test` runs 5 kills over 100 edits; `cargo xtask chaos` runs 50 kills over 1,000.
//! Knobs: `CHAOS_KILLS`, `CHAOS_EDITS`, `CHAOS_SEED` (printed, so a failing run can be replayed).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_shared::doc::TextRef;
use samtal_tests::{NativeClient, TIMEOUT, demo_spec, token_of};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const SERVER: &str = env!("CARGO_BIN_EXE_samtal-server-under-test");

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n.max(1)
    }
}

fn spawn_server(addr: SocketAddr, data: &Path) -> Child {
    Command::new(SERVER)
        .env("SAMTAL_BIND", addr.to_string())
        .env("SAMTAL_DATA", data)
        .env("SAMTAL_STATIC", data)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server program starts")
}

async fn wait_until_up(addr: SocketAddr) {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "server did not come up"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn markers(text: &str) -> BTreeSet<u64> {
    text.split(';')
        .filter_map(|m| m.strip_prefix('e')?.parse().ok())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_edits_survive_kill_9() {
    let kills = env_or("CHAOS_KILLS", 5);
    let edits = env_or("CHAOS_EDITS", 100).max(kills + 1);
    let seed = env_or(
        "CHAOS_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            | 1,
    );
    println!("chaos: seed {seed} (replay with CHAOS_SEED={seed})");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let child = Arc::new(Mutex::new(spawn_server(addr, &data)));
    wait_until_up(addr).await;

    let spec = demo_spec();
    let url = format!("http://{addr}/api/workshops");
    let links: samtal_server::workshops::WorkshopLinks = tokio::task::spawn_blocking(move || {
        ureq::post(&url)
            .send_json(&spec)
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap()
    })
    .await
    .unwrap();
    let token = token_of(&links.groups[0].link);
    let field = TextRef::Answer {
        question_id: "q1".into(),
    };
    let mut client = NativeClient::connect(addr, &token, "chaos").await.unwrap();
    let doc = client.group_doc().unwrap();

    // Kill points: distinct random edit numbers.
    let mut kill_at = BTreeSet::new();
    while (kill_at.len() as u64) < kills {
        kill_at.insert(1 + rng.below(edits - 1));
    }
    let mut acked_upto = 0u64;
    let mut restarts = 0u64;
    for n in 1..=edits {
        client.append(doc, &field, &format!("e{n};")).unwrap();
        if kill_at.contains(&n) {
            // SIGKILL a few milliseconds in: often while this edit is being applied, written
            // or acknowledged.
            let (child, delay) = (Arc::clone(&child), rng.below(15));
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(delay)).await;
                let _ = child.lock().unwrap().kill();
            });
        }
        let synced = client.sync().await.is_ok();
        if synced {
            // The server's heads cover every change we have: edits 1..=n are acknowledged.
            acked_upto = n;
        }
        let died = child.lock().unwrap().try_wait().unwrap().is_some();
        if !synced || died {
            let _ = child.lock().unwrap().kill();
            let _ = child.lock().unwrap().wait();
            *child.lock().unwrap() = spawn_server(addr, &data);
            restarts += 1;
            wait_until_up(addr).await;
            // What was acknowledged before the crash is on disk: a fresh reader sees it.
            let reader = NativeClient::connect(addr, &token, "reader").await.unwrap();
            let seen = markers(reader.notes(doc).unwrap().text(&field).unwrap_or_default());
            let lost: Vec<u64> = (1..=acked_upto).filter(|k| !seen.contains(k)).collect();
            assert!(
                lost.is_empty(),
                "seed {seed}: acknowledged edits lost after a kill: {lost:?}"
            );
            client.reconnect().await.unwrap();
            client.sync().await.unwrap();
            acked_upto = n;
        }
    }
    let _ = child.lock().unwrap().kill();
    let _ = child.lock().unwrap().wait();
    *child.lock().unwrap() = spawn_server(addr, &data);
    wait_until_up(addr).await;
    let reader = NativeClient::connect(addr, &token, "final").await.unwrap();
    let seen = markers(reader.notes(doc).unwrap().text(&field).unwrap_or_default());
    let _ = child.lock().unwrap().kill();
    let _ = child.lock().unwrap().wait();
    assert!(restarts >= kills, "seed {seed}: only {restarts} restarts");
    assert_eq!(
        seen,
        (1..=edits).collect::<BTreeSet<u64>>(),
        "seed {seed}: after the last restart every edit (all were acknowledged) is there"
    );
    println!(
        "chaos: {kills} kills (SIGKILL), {restarts} restarts, {edits} edits, 0 acknowledged edits lost"
    );
}
