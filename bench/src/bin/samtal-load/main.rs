//! The load generator: many headless native clients (the shared sync core, real WebSockets on
//! loopback) editing group documents, against the Samtal server and — in the same run — the
//! automerge-repo reference sync server in Node and a server on `samod`, the Rust automerge-repo
//! (`bench/samod-server`). Reports edit → other-client latency
//! (p50/p95/p99/max), the server's CPU time per edit (from /proc), its memory, and errors.
//!
//! Run it through `cargo xtask load …` (which builds the release server first).

use anyhow::{Context, Result, bail};
use automerge::transaction::CommitOptions;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ReadDoc};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
mod groups;
mod process;

use groups::{GroupTarget, answer_text, repo_groups, samtal_groups};
use process::{Spawned, cpu_seconds, memory_mib, spawn};
use samtal_bench::cpus::{self, CpuList};
use samtal_bench::report::{Report, ratio_line};
use samtal_bench::target::{Target, Targets};
use samtal_shared::PeerId;
use samtal_shared::protocol::Message;
use samtal_shared::sync::ClientRepo;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[derive(Parser, Debug, Clone)]
#[command(about = "Samtal load generator")]
struct Args {
    /// Which servers to drive, one after the other with the same clients: samtal, js, samod, a
    /// comma-separated list, both (samtal and js) or all.
    #[arg(long, default_value = "all", value_parser = Target::parse_list)]
    target: Targets,
    /// Groups (one document each).
    #[arg(long, default_value_t = 1)]
    groups: usize,
    /// Clients per group.
    #[arg(long, default_value_t = 5)]
    clients: usize,
    /// Edits per second per client.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// Seconds measured (after the warm-up).
    #[arg(long, default_value_t = 20)]
    duration: u64,
    /// Seconds of editing before measuring.
    #[arg(long, default_value_t = 3)]
    warmup: u64,
    /// Open this many idle connections instead (join, fetch the document, stay connected).
    #[arg(long)]
    idle: Option<usize>,
    /// The release `samtal-server` binary.
    #[arg(long, default_value = "target/release/samtal-server")]
    server_bin: PathBuf,
    /// The release samod server (`cargo xtask load` builds it).
    #[arg(long, default_value = "target/samod-server/release/samod-bench-server")]
    samod_bin: PathBuf,
    /// `tests/js` with its node_modules (for the reference server).
    #[arg(long, default_value = "tests/js")]
    js: PathBuf,
    /// Run Samtal on this database instead of a fresh SQLite (`postgres://…`: several
    /// instances can share it).
    #[arg(long)]
    database_url: Option<String>,
    /// Samtal instances (all on `--database-url`); a group's clients are spread over them, so
    /// most arrivals cross from one instance to another.
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// How long clients hold back a pure acknowledgement (ms; 0: answer every message at once,
    /// as before 2026-11-25). The default is what the browser client does.
    #[arg(long, default_value_t = samtal_shared::sync::ACK_DELAY_MS)]
    ack_delay_ms: u64,
    /// Characters the first client of each group types into the answer field (one change)
    /// before the warm-up, so that edits land in a long-lived document (a 5,000-keystroke
    /// answer is what a group writes in a session).
    #[arg(long, default_value_t = 0)]
    prefill: usize,
    /// Run the servers under test on these CPUs only (`0`, `0-1`, `0,2`): the goals are stated
    /// for a 2-core server, and the generator then never competes with it for a core.
    #[arg(long)]
    server_cpus: Option<CpuList>,
    /// Run the generator on these CPUs only (the rest of a larger machine: `2-15`).
    #[arg(long)]
    generator_cpus: Option<CpuList>,
    /// Browser benchmark (samtal only): while the groups type, run this script of `--js`
    /// (`bench-facilitator.mjs`) against the facilitator's and catch-up pages; the load runs
    /// until it ends. Each burst then ends with a stamp the page can time.
    #[arg(long)]
    browser: Option<PathBuf>,
    /// Seconds each page is measured by the browser script.
    #[arg(long, default_value_t = 20)]
    window: u64,
    /// The built client the server serves to the browser (`cargo xtask build-client`).
    #[arg(long, default_value = "dist")]
    static_dir: PathBuf,
}

/// Wall-clock milliseconds, as a browser's `Date.now()` on this machine reads them.
fn unix_ms() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
}

/// Nanoseconds since the generator started: every client shares this clock, so a timestamp
/// written into a document by one client is a send time for all the others.
fn now_ns(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_nanos()).unwrap_or(u64::MAX)
}

async fn spawn_samtal(args: &Args) -> Result<Spawned> {
    spawn(args.server_cpus.as_ref(), |port, dir| {
        let mut c = Command::new(&args.server_bin);
        c.args(["--bind", &format!("127.0.0.1:{port}")])
            .arg("--data")
            .arg(dir)
            .env("SAMTAL_MAX_CONNECTIONS_PER_WORKSHOP", "100000")
            .env("SAMTAL_MAX_CONNECTIONS_PER_LINK", "100000")
            .env("SAMTAL_MAX_CONNECTIONS", "100000")
            .env("RUST_LOG", "warn");
        if let Some(url) = &args.database_url {
            c.env("SAMTAL_DATABASE_URL", url);
        }
        if args.browser.is_some() {
            c.arg("--static-dir").arg(&args.static_dir);
        }
        c
    })
    .await
}

async fn spawn_js(args: &Args) -> Result<Spawned> {
    let server = spawn(args.server_cpus.as_ref(), |port, dir| {
        let mut c = Command::new("node");
        c.current_dir(&args.js)
            .arg("sync-server.mjs")
            .arg(port.to_string())
            .arg(dir);
        c
    })
    .await?;
    answering_joins(server).await
}

async fn spawn_samod(args: &Args) -> Result<Spawned> {
    if !args.samod_bin.exists() {
        bail!(
            "no samod server at {} (`cargo xtask load` builds it)",
            args.samod_bin.display()
        );
    }
    let server = spawn(args.server_cpus.as_ref(), |port, dir| {
        let mut c = Command::new(&args.samod_bin);
        c.arg(port.to_string()).arg(dir);
        c
    })
    .await?;
    answering_joins(server).await
}

/// An automerge-repo server once it answers a join.
async fn answering_joins(server: Spawned) -> Result<Spawned> {
    // Its port opens before automerge-repo answers on it: a join that early is reset (seen
    // with Node on one core, `--server-cpus 0`, in about one run of three). Samtal's clients
    // start only after HTTP calls the server has answered.
    let url = format!("ws://127.0.0.1:{}", server.port);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let mut probe = ClientRepo::new(PeerId::new("ready-probe".to_owned()));
        match tokio::time::timeout(Duration::from_secs(5), connect(&url, &mut probe)).await {
            Ok(Ok(_)) => return Ok(server),
            failed if Instant::now() > deadline => {
                bail!("the server never answered a join: {failed:?}")
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

#[derive(Default)]
struct Counters {
    edits: AtomicU64,
    arrivals: AtomicU64,
    errors: AtomicU64,
    ready: AtomicU64,
}

struct Shared {
    epoch: Instant,
    /// Samples count only after this (ns since epoch).
    measure_from: AtomicU64,
    ack_delay_ms: u64,
    prefill: usize,
    /// Edits per second per client.
    rate: f64,
    /// Each edit types a few characters ending in `⟦g<group>:<unix ms>⟧` (for a browser to
    /// time) instead of one `x`.
    stamped: bool,
    counters: Counters,
    samples: mpsc::UnboundedSender<u64>,
}

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(url: &str, repo: &mut ClientRepo) -> Result<Ws> {
    // TCP_NODELAY on the client side too, as browsers do for WebSockets.
    // 8 KiB buffers, as the server has: tungstenite's default 128 KiB read buffer is zeroed
    // again on every read (a few per cent of the generator's CPU).
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .read_buffer_size(8 * 1024)
        .write_buffer_size(8 * 1024);
    let (mut ws, _) = tokio_tungstenite::connect_async_with_config(url, Some(config), true).await?;
    ws.send(WsMessage::Binary(repo.join_frame().into())).await?;
    while !repo.is_connected() {
        match ws.next().await {
            Some(Ok(WsMessage::Binary(b))) => {
                repo.receive(&b)?;
            }
            Some(Ok(_)) => {}
            other => bail!("no reply to join: {other:?}"),
        }
    }
    Ok(ws)
}

/// How an edit's change message starts: `load:<client>:<send time in ns>`. The time travels
/// with the change (until 2026-11-29 each edit also wrote it into a root key of the document,
/// whose overwritten values automerge keeps: the root map grew by one op per edit, which made
/// every later edit dearer to apply, for the server and every client).
const STAMP: &str = "load:";

/// The (client, send time) of every edit carried in one server frame.
fn send_times(frame: &[u8]) -> Vec<(String, u64)> {
    let data = match Message::decode(frame) {
        Ok(Message::Sync { data, .. } | Message::Request { data, .. }) => data,
        _ => return Vec::new(),
    };
    let Ok(msg) = automerge::sync::Message::decode(&data) else {
        return Vec::new();
    };
    // (One byte string can hold several changes: the JS server sends them so.)
    msg.changes
        .iter()
        .flat_map(samtal_shared::guard::chunks)
        .filter_map(|chunk| automerge::Change::try_from(chunk.ok()?.bytes).ok())
        .filter_map(|change| {
            let (who, sent) = change.message()?.strip_prefix(STAMP)?.rsplit_once(':')?;
            Some((who.to_owned(), sent.parse().ok()?))
        })
        .collect()
}

/// One client: fetch the group document, then edit at the shared rate and time every other client's
/// edit as it arrives. `edit` is false for idle connections.
async fn client(
    name: String,
    phase: f64,
    target: GroupTarget,
    shared: Arc<Shared>,
    edit: bool,
    first: bool,
    mut stop: watch::Receiver<bool>,
) -> Result<()> {
    let mut repo = ClientRepo::new(PeerId::new(name.clone()));
    repo.set_ack_delay_ms(shared.ack_delay_ms);
    let now_ms = |shared: &Shared| now_ns(shared.epoch) / 1_000_000;
    let doc = match &target.initial {
        Some(bytes) => AutoCommit::load(bytes)?,
        None => AutoCommit::new(),
    };
    let mut ws = connect(&target.url, &mut repo).await?;
    repo.add_doc(target.doc, doc);
    for f in repo.outgoing() {
        ws.send(WsMessage::Binary(f.into())).await?;
    }
    // Until the document (with its answer field) is here.
    while repo.doc(&target.doc).and_then(answer_text).is_none() {
        match tokio::time::timeout(Duration::from_secs(60), ws.next()).await {
            Ok(Some(Ok(WsMessage::Binary(b)))) => {
                repo.receive(&b)?;
                for f in repo.outgoing() {
                    ws.send(WsMessage::Binary(f.into())).await?;
                }
            }
            Ok(Some(Ok(_))) => {}
            other => bail!("document never arrived: {other:?}"),
        }
    }
    if first && edit && shared.prefill > 0 {
        let Some(d) = repo.doc_mut(&target.doc) else {
            bail!("document gone")
        };
        let Some(text) = answer_text(d) else {
            bail!("no answer field")
        };
        if shared.stamped {
            // A history as the browser makes it: a change per burst of five keystrokes.
            samtal_bench::type_into(d, shared.prefill, 5);
        } else {
            let filler: String = "barnets bästa "
                .chars()
                .cycle()
                .take(shared.prefill)
                .collect();
            d.splice_text(&text, 0, 0, &filler)?;
            d.commit();
        }
        for f in repo.outgoing() {
            ws.send(WsMessage::Binary(f.into())).await?;
        }
    }
    shared.counters.ready.fetch_add(1, Ordering::Relaxed);
    // The latest send time seen from each other client (a client's changes arrive in order).
    let mut last_seen: std::collections::HashMap<String, u64> = Default::default();
    let period = Duration::from_secs_f64(1.0 / shared.rate.max(0.001));
    // Spread clients over the period so edits do not all land at once.
    let offset = period.mul_f64(phase);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let ack_due = repo
            .ack_due()
            .map(|ms| tokio::time::Instant::from_std(shared.epoch + Duration::from_millis(ms)));
        tokio::select! {
            () = tokio::time::sleep_until(ack_due.unwrap_or_else(tokio::time::Instant::now)), if ack_due.is_some() => {
                for f in repo.outgoing_at(now_ms(&shared)) {
                    ws.send(WsMessage::Binary(f.into())).await?;
                }
            }
            frame = ws.next() => {
                let bytes = match frame {
                    Some(Ok(WsMessage::Binary(b))) => b,
                    Some(Ok(WsMessage::Close(c))) => bail!("closed by the server: {c:?}"),
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => bail!("socket: {e}"),
                    None => bail!("socket closed"),
                };
                // Read the send times before the repo takes the frame: they travel in the
                // changes themselves, so nothing in the document grows to measure them.
                let stamps = send_times(&bytes);
                let events = repo.receive(&bytes)?;
                if events.changed.contains(&target.doc) {
                    let now = now_ns(shared.epoch);
                    let measure_from = shared.measure_from.load(Ordering::Relaxed);
                    for (who, sent) in stamps {
                        if who == name || last_seen.get(&who).is_some_and(|&seen| seen >= sent) {
                            continue;
                        }
                        last_seen.insert(who, sent);
                        if sent >= measure_from {
                            shared.counters.arrivals.fetch_add(1, Ordering::Relaxed);
                            let _ = shared.samples.send(now.saturating_sub(sent));
                        }
                    }
                }
                for f in repo.outgoing_at(now_ms(&shared)) {
                    ws.send(WsMessage::Binary(f.into())).await?;
                }
            }
            _ = tick.tick(), if edit => {
                let Some(d) = repo.doc_mut(&target.doc) else { bail!("document gone") };
                let Some(text) = answer_text(d) else { bail!("no answer field") };
                let len = d.length(&text);
                let typed = if shared.stamped {
                    format!(" ord ⟦g{}:{}⟧", target.index, unix_ms())
                } else {
                    "x".to_owned()
                };
                d.splice_text(&text, len, 0, &typed)?;
                let sent = now_ns(shared.epoch);
                d.commit_with(CommitOptions::default().with_message(format!("{STAMP}{name}:{sent}")));
                if sent >= shared.measure_from.load(Ordering::Relaxed) {
                    shared.counters.edits.fetch_add(1, Ordering::Relaxed);
                }
                for f in repo.outgoing_at(now_ms(&shared)) {
                    ws.send(WsMessage::Binary(f.into())).await?;
                }
            }
            _ = stop.changed() => {
                let _ = ws.close(None).await;
                return Ok(());
            }
        }
    }
}

async fn run(args: &Args, target: Target) -> Result<Report> {
    let server = match target {
        Target::Samtal => spawn_samtal(args).await?,
        Target::Js => spawn_js(args).await?,
        Target::Samod => spawn_samod(args).await?,
    };
    // More Samtal instances on the same database: client `ci` of a group talks to instance
    // `ci % instances`.
    let mut others = Vec::new();
    if target == Target::Samtal {
        for _ in 1..args.instances {
            others.push(spawn_samtal(args).await?);
        }
    }
    let ports: Vec<u16> = std::iter::once(server.port)
        .chain(others.iter().map(|o| o.port))
        .collect();
    let (groups, pages) = match target {
        Target::Samtal => {
            let (groups, pages) = samtal_groups(server.port, args.groups).await?;
            (groups, Some(pages))
        }
        Target::Js | Target::Samod => (repo_groups(server.port, args.groups)?, None),
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let shared = Arc::new(Shared {
        epoch: Instant::now(),
        measure_from: AtomicU64::new(u64::MAX),
        ack_delay_ms: args.ack_delay_ms,
        prefill: args.prefill,
        rate: args.rate,
        stamped: args.browser.is_some(),
        counters: Counters::default(),
        samples: tx,
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let idle = args.idle.is_some();
    let clients_per_group = match args.idle {
        Some(n) => n.div_ceil(groups.len().max(1)),
        None => args.clients,
    };
    let mut tasks = tokio::task::JoinSet::new();
    for (gi, g) in groups.iter().enumerate() {
        for ci in 0..clients_per_group {
            let name = format!("g{gi}c{ci}-{target}");
            let (mut g, shared, stop) = (g.clone(), Arc::clone(&shared), stop_rx.clone());
            let port = ports[ci % ports.len()];
            if port != server.port {
                g.url = g
                    .url
                    .replacen(&format!(":{}/", server.port), &format!(":{port}/"), 1);
            }
            let first = ci == 0;
            // Where in the edit period this client types: spread evenly over all clients (the
            // golden ratio's multiples fill [0, 1) evenly for any count), as people do not type
            // in step. (Until 2026-11-25 this came from the name's length, which put most
            // clients of a run in the same instant: bursts of simultaneous edits.)
            let phase = ((gi * clients_per_group + ci) as f64 * 0.618_033_988_749_895).fract();
            tasks.spawn(async move {
                // An automerge-repo server learns each document from its group's first client.
                if !first && g.initial.is_some() {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                let g = if first {
                    g
                } else {
                    GroupTarget { initial: None, ..g }
                };
                client(name, phase, g, shared, !idle, first, stop).await
            });
            if idle && (gi * clients_per_group + ci) % 200 == 199 {
                // Do not open thousands of connections in the same millisecond.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
    let total = u64::try_from(groups.len() * clients_per_group).unwrap_or(u64::MAX);
    let deadline = Instant::now() + Duration::from_secs(120);
    while shared.counters.ready.load(Ordering::Relaxed)
        + shared.counters.errors.load(Ordering::Relaxed)
        < total
    {
        if Instant::now() > deadline || tasks.is_empty() {
            break;
        }
        // Count failures as they happen (the first few are shown).
        while let Some(done) = tasks.try_join_next() {
            if !matches!(done, Ok(Ok(()))) {
                let n = shared.counters.errors.fetch_add(1, Ordering::Relaxed);
                if let Ok(Err(e)) = &done
                    && n < 5
                {
                    eprintln!("{target}: client failed: {e:#}");
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let connected = shared.counters.ready.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(args.warmup)).await;
    shared
        .measure_from
        .store(now_ns(shared.epoch), Ordering::Relaxed);
    let pids: Vec<u32> = std::iter::once(server.pid())
        .chain(others.iter().map(Spawned::pid))
        .collect();
    let cpu_all = || pids.iter().map(|p| cpu_seconds(*p)).sum::<f64>();
    let cpu_start = cpu_all();
    let own_start = cpu_seconds(std::process::id());
    let measuring = Instant::now();
    match (&args.browser, &pages) {
        (Some(script), Some(pages)) => {
            let base = format!("http://127.0.0.1:{}", server.port);
            let window = args.window.to_string();
            let status = tokio::process::Command::new("node")
                .current_dir(&args.js)
                .arg(script)
                .args([&base, &pages.facilitator, &pages.catch_up, &window])
                .kill_on_drop(true)
                .status()
                .await?;
            if !status.success() {
                eprintln!("{target}: the browser script failed ({status})");
                shared.counters.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
        _ => tokio::time::sleep(Duration::from_secs(args.duration)).await,
    }
    let measured_s = measuring.elapsed().as_secs_f64().max(1.0);
    let cpu = cpu_all() - cpu_start;
    let own_cpu = cpu_seconds(std::process::id()) - own_start;
    // Edits stop counting now; give the last ones a moment to arrive.
    shared.measure_from.store(u64::MAX, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (rss_mib, peak_mib, anon_mib) = pids
        .iter()
        .map(|p| memory_mib(*p))
        .fold((0, 0, 0), |(r, p, a), (r2, p2, a2)| {
            (r + r2, p + p2, a + a2)
        });
    let _ = stop_tx.send(true);
    // Clients still setting up (a server that never answered) are given up after a while.
    let grace = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut failures = 0u64;
    loop {
        match tokio::time::timeout_at(grace, tasks.join_next()).await {
            Ok(Some(Ok(Ok(())))) => {}
            Ok(Some(done)) => {
                if let Ok(Err(e)) = &done
                    && failures < 5
                {
                    eprintln!("{target}: client failed: {e:#}");
                }
                failures += 1;
            }
            Ok(None) => break,
            Err(_) => {
                failures += tasks.len() as u64;
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
                break;
            }
        }
    }
    shared
        .counters
        .errors
        .fetch_add(failures, Ordering::Relaxed);
    let shared = Arc::into_inner(shared).context("clients still hold the counters")?;
    drop(shared.samples);
    let mut latencies_ms = Vec::new();
    while let Some(ns) = rx.recv().await {
        latencies_ms.push(ns as f64 / 1e6);
    }
    latencies_ms.sort_by(f64::total_cmp);
    let edits = shared.counters.edits.load(Ordering::Relaxed);
    Ok(Report {
        target,
        edits,
        arrivals: shared.counters.arrivals.load(Ordering::Relaxed),
        errors: shared.counters.errors.load(Ordering::Relaxed),
        latencies_ms,
        cpu_ms_per_edit: if edits == 0 {
            f64::NAN
        } else {
            cpu * 1000.0 / edits as f64
        },
        rss_mib,
        peak_mib,
        anon_mib,
        connected,
        server_cores: cpu / measured_s,
        generator_cores: own_cpu / measured_s,
    })
}

fn print(args: &Args, r: &Report) {
    let l = &r.latencies_ms;
    let scenario = match args.idle {
        Some(n) => format!("{n} idle connections"),
        None if args.browser.is_some() => format!(
            "{} groups typing a burst a second while the browser measured",
            args.groups
        ),
        None => format!(
            "{} groups × {} clients, {}/s each, {} s",
            args.groups, args.clients, args.rate, args.duration
        ),
    };
    println!(
        "{:<7} {scenario}: connected {}, edits {}, arrivals {} (expected {}), latency ms p50 {:.2} p95 {:.2} p99 {:.2} max {:.2}, server CPU {:.3} ms/edit ({:.2} cores; generator {:.2} cores), RSS {} MiB (peak {}, anonymous {}), errors {}",
        r.target,
        r.connected,
        r.edits,
        r.arrivals,
        r.expected_arrivals(args.clients),
        r.p(50.0),
        r.p(95.0),
        r.p(99.0),
        l.last().copied().unwrap_or(f64::NAN),
        r.cpu_ms_per_edit,
        r.server_cores,
        r.generator_cores,
        r.rss_mib,
        r.peak_mib,
        r.anon_mib,
        r.errors,
    );
}

fn raise_open_files() {
    // Each connection is a descriptor on both ends; the servers inherit this limit.
    if let Ok((_, hard)) = rlimit::Resource::NOFILE.get() {
        let _ = rlimit::Resource::NOFILE.set(hard, hard);
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    raise_open_files();
    // Before the runtime exists, so that all of its worker threads start on these CPUs.
    if let Some(cpus) = &args.generator_cpus {
        cpus::pin_this_thread(cpus).context("moving to the generator's CPUs")?;
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run_all(args))
}

async fn run_all(args: Args) -> Result<()> {
    if args.browser.is_some() && args.target.0 != [Target::Samtal] {
        bail!("--browser measures Samtal's pages: use it with --target samtal");
    }
    if args.instances > 1 && args.database_url.is_none() {
        bail!("several instances need a shared database: --database-url postgres://…");
    }
    if args.server_cpus.is_some() || args.generator_cpus.is_some() {
        let show = |c: &Option<CpuList>| c.as_ref().map_or("any".to_owned(), |c| c.to_string());
        println!(
            "CPUs: servers on {}, generator on {}",
            show(&args.server_cpus),
            show(&args.generator_cpus)
        );
    }
    if args.instances > 1 {
        println!(
            "samtal: {} instances on one database; a group's clients alternate between them, \
             CPU and RSS are summed over the instances",
            args.instances
        );
    }
    for t in &args.target.0 {
        println!("{t:<7} durability: {}", t.durability());
    }
    let mut reports = Vec::new();
    for t in &args.target.0 {
        let r = run(&args, *t).await?;
        print(&args, &r);
        reports.push(r);
    }
    if let [base, others @ ..] = reports.as_slice()
        && base.target == Target::Samtal
    {
        for other in others {
            println!("{}", ratio_line(args.clients, base, other));
        }
    }
    Ok(())
}
