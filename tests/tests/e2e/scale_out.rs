//! Several server instances on one Postgres (a real, throwaway cluster: `initdb` + `pg_ctl` on a
//! loopback port): clients on different instances converge, a `kill -9`'d instance's clients
//! carry on at another one without losing anything, and the instances ride out a Postgres
//! restart. Needs Debian's `postgresql` package (`.ci/run` installs it), so `cargo xtask test`
//! runs these with `--ignored`.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_server::settings::Settings;
use samtal_shared::DocumentId;
use samtal_shared::doc::TextRef;
use samtal_shared::session::LiveStatus;
use samtal_tests::pg::PgCluster;
use samtal_tests::{NativeClient, TIMEOUT, TestServer, demo_spec, eventually, token_of};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SERVER: &str = env!("CARGO_BIN_EXE_samtal-server-under-test");

fn q1() -> TextRef {
    TextRef::Answer {
        question_id: "q1".into(),
    }
}

async fn instance(pg: &PgCluster, dir: &tempfile::TempDir, name: &str) -> TestServer {
    let mut s = Settings::for_tests(dir.path().join(name));
    s.database_url = Some(pg.url());
    TestServer::start_with(s).await.unwrap()
}

fn text(c: &NativeClient, doc: DocumentId) -> String {
    c.notes(doc)
        .unwrap()
        .text(&q1())
        .unwrap_or_default()
        .to_owned()
}

/// Sync `c` until its copy of the answer satisfies `ok` (bounded by [`TIMEOUT`]).
async fn sync_until(c: &mut NativeClient, doc: DocumentId, ok: impl Fn(&str) -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        c.sync().await.unwrap();
        if ok(&text(c, doc)) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "never converged: {:?}",
            text(c, doc)
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Two instances on a new cluster, a workshop created on A, and a client of group 1 on each.
struct Pair {
    pg: PgCluster,
    dir: tempfile::TempDir,
    a: TestServer,
    b: TestServer,
    token: String,
    on_a: NativeClient,
    on_b: NativeClient,
    doc: DocumentId,
}

async fn pair() -> Pair {
    let pg = PgCluster::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = instance(&pg, &dir, "a").await;
    let b = instance(&pg, &dir, "b").await;
    // Created on A, the links work on B: one database.
    let links = a.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);
    let on_a = NativeClient::connect(a.addr, &token, "on-a").await.unwrap();
    let on_b = NativeClient::connect(b.addr, &token, "on-b").await.unwrap();
    let doc = on_a.group_doc().unwrap();
    Pair {
        pg,
        dir,
        a,
        b,
        token,
        on_a,
        on_b,
        doc,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Postgres (apt-get install postgresql); run by `cargo xtask test`"]
async fn clients_on_two_instances_converge_and_a_third_reads_it_from_postgres() {
    let Pair {
        pg,
        dir,
        a,
        b,
        token,
        mut on_a,
        mut on_b,
        doc,
    } = pair().await;

    // A change accepted by A reaches B's client: A commits, NOTIFY, B reads the chunk and
    // sends it on. Timed from A's acknowledgement to the frame at B's client.
    let mut latencies = Vec::new();
    let mut expected = String::new();
    for i in 0..20 {
        let piece = format!("a{i} ");
        expected.push_str(&piece);
        on_a.append(doc, &q1(), &piece).unwrap();
        on_a.sync().await.unwrap(); // acknowledged: committed in Postgres
        let acked = Instant::now();
        let want = expected.clone();
        on_b.wait_until(|c| {
            c.notes(doc)
                .is_ok_and(|n| n.text(&q1()) == Some(want.as_str()))
        })
        .await
        .unwrap();
        latencies.push(acked.elapsed());
    }
    latencies.sort();
    println!(
        "cross-instance: acknowledged on A → arrived at a client of B, 20 edits: p50 {:?}, max {:?}",
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1]
    );

    // Both write at once; both end with both.
    on_a.append(doc, &q1(), "från A.").unwrap();
    on_b.edit(doc, &q1(), &format!("B: {expected}")).unwrap();
    on_a.sync().await.unwrap();
    on_b.sync().await.unwrap();
    let both = |t: &str| t.starts_with("B: ") && t.ends_with("från A.");
    sync_until(&mut on_a, doc, both).await;
    sync_until(&mut on_b, doc, both).await;
    assert_eq!(text(&on_a, doc), text(&on_b, doc));

    // A third instance, started now, reads it all from Postgres.
    let c = instance(&pg, &dir, "c").await;
    let reader = NativeClient::connect(c.addr, &token, "on-c").await.unwrap();
    assert_eq!(text(&reader, doc), text(&on_a, doc));
    for s in [a, b, c] {
        s.stop().await.unwrap();
    }
}

fn spawn_instance(addr: SocketAddr, pg: &PgCluster, dir: &std::path::Path) -> Child {
    Command::new(SERVER)
        .env("SAMTAL_BIND", addr.to_string())
        .env("SAMTAL_DATABASE_URL", pg.url())
        .env("SAMTAL_DATA", dir)
        .env("SAMTAL_STATIC", dir)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the server program starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Postgres (apt-get install postgresql); run by `cargo xtask test`"]
async fn a_killed_instances_clients_carry_on_at_another_and_lose_nothing() {
    let pg = PgCluster::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut a = spawn_instance(addr, &pg, dir.path());
    let deadline = Instant::now() + TIMEOUT;
    while tokio::net::TcpStream::connect(addr).await.is_err() {
        assert!(Instant::now() < deadline, "instance A did not come up");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let b = instance(&pg, &dir, "b").await;
    let links = b.create_workshop(&demo_spec()).await.unwrap();
    let token = token_of(&links.groups[0].link);
    let mut writer = NativeClient::connect(addr, &token, "writer").await.unwrap();
    let mut watcher = NativeClient::connect(b.addr, &token, "watcher")
        .await
        .unwrap();
    let doc = writer.group_doc().unwrap();

    // Acknowledged edits on A, then A dies mid-stream; two more are typed while it is gone.
    let mut expected = String::new();
    for i in 0..10 {
        let piece = format!("e{i};");
        expected.push_str(&piece);
        writer.append(doc, &q1(), &piece).unwrap();
        writer.sync().await.unwrap();
    }
    a.kill().unwrap();
    a.wait().unwrap();
    for i in 10..12 {
        let piece = format!("e{i};");
        expected.push_str(&piece);
        writer.append(doc, &q1(), &piece).unwrap();
    }
    // The client finds the other instance (a load balancer would do this) and syncs there.
    writer.move_to(b.addr);
    writer.sync_through_outage(10).await.unwrap();
    assert_eq!(text(&writer, doc), expected);
    let want = expected.clone();
    sync_until(&mut watcher, doc, |t| t == want).await;
    b.stop().await.unwrap();

    // Everything is in Postgres: a fresh instance serves it.
    let c = instance(&pg, &dir, "c").await;
    let reader = NativeClient::connect(c.addr, &token, "reader")
        .await
        .unwrap();
    assert_eq!(text(&reader, doc), expected);
    c.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Postgres (apt-get install postgresql); run by `cargo xtask test`"]
async fn instances_recover_when_postgres_restarts_mid_session() {
    let Pair {
        pg,
        a,
        b,
        mut on_a,
        mut on_b,
        doc,
        ..
    } = pair().await;
    on_a.edit(doc, &q1(), "Före.").unwrap();
    on_a.sync().await.unwrap();
    sync_until(&mut on_b, doc, |t| t == "Före.").await;

    // The database goes down hard and comes back; meanwhile A's client keeps typing.
    pg.restart().unwrap();
    on_a.append(doc, &q1(), " Under.").unwrap();
    // The first write may hit the broken connection (refused, not acknowledged); the client
    // reconnects and sends it again, and the instance reconnects to Postgres.
    if on_a.sync().await.is_err() {
        on_a.sync_through_outage(20).await.unwrap();
    }
    on_a.append(doc, &q1(), " Efter.").unwrap();
    on_a.sync().await.unwrap();
    // B's listener reconnected too and passes A's changes on.
    sync_until(&mut on_b, doc, |t| t == "Före. Under. Efter.").await;
    // And the other way round.
    on_b.append(doc, &q1(), " Från B.").unwrap();
    on_b.sync().await.unwrap();
    sync_until(&mut on_a, doc, |t| t == "Före. Under. Efter. Från B.").await;
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Postgres (apt-get install postgresql); run by `cargo xtask test`"]
async fn a_link_revoked_or_a_workshop_erased_on_one_instance_closes_connections_on_all() {
    let pg = PgCluster::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let a = instance(&pg, &dir, "a").await;
    let b = instance(&pg, &dir, "b").await;
    let links = a.create_workshop(&demo_spec()).await.unwrap();
    let fac = token_of(&links.facilitator);
    let g1 = token_of(&links.groups[0].link);
    let g2 = token_of(&links.groups[1].link);
    let mut on_b1 = NativeClient::connect(b.addr, &g1, "g1-on-b").await.unwrap();
    let mut on_b2 = NativeClient::connect(b.addr, &g2, "g2-on-b").await.unwrap();

    // The facilitator on A sees the groups connected to B ("Grupperna nu").
    let status_path = format!("/api/status/{fac}");
    eventually("A reports B's connections", || async {
        let status: LiveStatus = a.get_json(&status_path).await.unwrap();
        ["group:g1", "group:g2"].iter().all(|t| {
            status
                .targets
                .iter()
                .any(|s| s.target == *t && s.connections == 1 && s.last_sync.is_some())
        })
    })
    .await;

    // Rotated on A: the old link's connection on B closes with the reason; g2's stays.
    a.rotate(&fac, &format!("group:{}", links.groups[0].group_id))
        .await
        .unwrap();
    let reason = on_b1.closed_reason().await.unwrap();
    assert!(reason.contains("replaced"), "{reason}");
    on_b2.sync().await.unwrap();

    // Erased on A: everyone on B is told.
    let (status, _) = a
        .request("DELETE", &format!("/api/workshop/{fac}"), None)
        .await
        .unwrap();
    assert_eq!(status, 204);
    let reason = on_b2.closed_reason().await.unwrap();
    assert!(reason.contains("erased"), "{reason}");
    // …and B holds none of its documents in memory any more (not only after the idle time).
    eventually("B dropped the erased workshop's documents", || async {
        b.state.hub.open_docs() == 0
    })
    .await;
    a.stop().await.unwrap();
    b.stop().await.unwrap();
}
