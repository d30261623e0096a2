//! The load generator: many headless native clients (the shared sync core, real WebSockets on
//! loopback) editing group documents, against the Samtal server and — in the same run — the
//! automerge-repo reference sync server in Node. Reports edit → other-client latency
//! (p50/p95/p99/max), the server's CPU time per edit (from /proc), its memory, and errors.
//!
//! Run it through `cargo xtask load …` (which builds the release server first).

use anyhow::{Context, Result, bail};
use automerge::transaction::CommitOptions;
use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjType, ReadDoc, Value};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use samtal_bench::cpus::{self, CpuList};
use samtal_shared::doc::{GroupSpec, PACKAGE_SCHEMA, Package, QuestionSpec, WorkshopSpec};
use samtal_shared::protocol::Message;
use samtal_shared::session::SessionInfo;
use samtal_shared::sync::ClientRepo;
use samtal_shared::{DocumentId, PeerId};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message as WsMessage;

#[derive(Parser, Debug, Clone)]
#[command(about = "Samtal load generator")]
struct Args {
    /// Which servers to drive: samtal, js or both (side by side, same clients).
    #[arg(long, default_value = "both")]
    target: String,
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

/// A server process under load.
struct Spawned {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Spawned {
    fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let l = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(l.local_addr()?.port())
}

async fn wait_for_port(port: u16) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        if Instant::now() > deadline {
            bail!("server on port {port} did not start");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

/// Start a server on a free loopback port with a fresh data folder (`command` gets both), on
/// `cpus` when given.
async fn spawn(
    cpus: Option<&CpuList>,
    command: impl FnOnce(u16, &std::path::Path) -> Command,
) -> Result<Spawned> {
    let dir = tempfile::tempdir()?;
    let port = free_port()?;
    let mut command = command(port, dir.path());
    // Owned by `Spawned` as soon as it runs: should moving this thread back fail, dropping it
    // stops the server instead of leaving it behind.
    let s = cpus::with_cpus(cpus, || {
        command.stdout(Stdio::null()).spawn().map(|child| Spawned {
            child,
            port,
            _dir: dir,
        })
    })
    .context("moving to the server's CPUs")?
    .context("starting the server")?;
    wait_for_port(port).await?;
    Ok(s)
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
                bail!("the reference server never answered a join: {failed:?}")
            }
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// CPU seconds (user + system) a process has used so far.
fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.rsplit(')').next().unwrap_or_default();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the whole line; USER_HZ is 100 on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// (resident, peak resident) memory in MiB.
fn memory_mib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            .map_or(0, |kib| kib / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Where one group's clients connect and what they open.
#[derive(Clone)]
struct GroupTarget {
    /// The group's number in the workshop (from 0).
    index: usize,
    url: String,
    doc: DocumentId,
    /// For the reference server: the document the first client brings.
    initial: Option<Vec<u8>>,
}

fn http_json<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<serde_json::Value>,
) -> Result<T> {
    let mut resp = match (method, body) {
        ("POST", Some(b)) => ureq::post(url).send_json(b)?,
        _ => ureq::get(url).call()?,
    };
    Ok(resp.body_mut().read_json()?)
}

/// The links a browser opens: the facilitator's and the catch-up tokens.
struct PageLinks {
    facilitator: String,
    catch_up: String,
}

fn token(link: &str) -> String {
    link.rsplit('/').next().unwrap_or_default().to_owned()
}

/// One workshop with `groups` groups; each group's link and document, and the page links.
async fn samtal_groups(port: u16, groups: usize) -> Result<(Vec<GroupTarget>, PageLinks)> {
    let spec = WorkshopSpec {
        setup: Package {
            schema: PACKAGE_SCHEMA.into(),
            title: "Last".into(),
            materials: vec![],
            areas: vec!["A".into()],
            questions: vec![QuestionSpec {
                text: "Vad tar ni med er?".into(),
                ..QuestionSpec::default()
            }],
            reflection_fields: vec![],
            cases: vec![],
            groups: (1..=groups)
                .map(|i| GroupSpec {
                    name: format!("Grupp {i}"),
                    area: "A".into(),
                })
                .collect(),
        },
        date: samtal_server::clock::today(),
        access_days: None,
    };
    let base = format!("http://127.0.0.1:{port}");
    let links: serde_json::Value = tokio::task::spawn_blocking({
        let url = format!("{base}/api/workshops");
        move || http_json("POST", &url, Some(serde_json::to_value(spec)?))
    })
    .await??;
    let mut out = Vec::new();
    for (index, g) in links["groups"]
        .as_array()
        .context("no groups")?
        .iter()
        .enumerate()
    {
        let token = token(g["link"].as_str().context("no link")?);
        let url = format!("{base}/api/session/{token}");
        let info: SessionInfo =
            tokio::task::spawn_blocking(move || http_json("GET", &url, None)).await??;
        out.push(GroupTarget {
            index,
            url: format!("ws://127.0.0.1:{port}/api/sync/{token}"),
            doc: info.own_group_doc().context("not a group link")?,
            initial: None,
        });
    }
    let page = |key: &str| links[key].as_str().map(token).context("no page link");
    let pages = PageLinks {
        facilitator: page("facilitator")?,
        catch_up: page("catch_up")?,
    };
    Ok((out, pages))
}

/// New documents for the reference server, shaped like a group document's answer field.
fn js_groups(port: u16, groups: usize) -> Result<Vec<GroupTarget>> {
    let mut out = Vec::new();
    for i in 0..groups {
        let mut d = AutoCommit::new();
        let answers = d.put_object(automerge::ROOT, "answers", ObjType::Map)?;
        d.put_object(&answers, "q1", ObjType::Text)?;
        let mut id = [0u8; 16];
        id[..8].copy_from_slice(&(i as u64 + 1).to_le_bytes());
        id[8..].copy_from_slice(&u64::from(std::process::id()).to_le_bytes());
        out.push(GroupTarget {
            index: i,
            url: format!("ws://127.0.0.1:{port}"),
            doc: DocumentId::from_bytes(id),
            initial: Some(d.save()),
        });
    }
    Ok(out)
}

fn answer_text(d: &AutoCommit) -> Option<automerge::ObjId> {
    let (_, answers) = d.get(automerge::ROOT, "answers").ok()??;
    match d.get(&answers, "q1").ok()?? {
        (Value::Object(ObjType::Text), id) => Some(id),
        _ => None,
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

struct Report {
    target: &'static str,
    edits: u64,
    arrivals: u64,
    errors: u64,
    latencies_ms: Vec<f64>,
    cpu_ms_per_edit: f64,
    rss_mib: u64,
    peak_mib: u64,
    connected: u64,
    /// Cores the server kept busy on average, and the load generator itself.
    server_cores: f64,
    generator_cores: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round();
    sorted[(rank as usize).min(sorted.len() - 1)]
}

async fn run(args: &Args, target: &'static str) -> Result<Report> {
    let server = match target {
        "samtal" => spawn_samtal(args).await?,
        _ => spawn_js(args).await?,
    };
    // More Samtal instances on the same database: client `ci` of a group talks to instance
    // `ci % instances`.
    let mut others = Vec::new();
    if target == "samtal" {
        for _ in 1..args.instances {
            others.push(spawn_samtal(args).await?);
        }
    }
    let ports: Vec<u16> = std::iter::once(server.port)
        .chain(others.iter().map(|o| o.port))
        .collect();
    let (groups, pages) = match target {
        "samtal" => {
            let (groups, pages) = samtal_groups(server.port, args.groups).await?;
            (groups, Some(pages))
        }
        _ => (js_groups(server.port, args.groups)?, None),
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
                // The reference server learns each document from its group's first client.
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
    let (rss_mib, peak_mib) = pids
        .iter()
        .map(|p| memory_mib(*p))
        .fold((0, 0), |(r, p), (r2, p2)| (r + r2, p + p2));
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
        connected,
        server_cores: cpu / measured_s,
        generator_cores: own_cpu / measured_s,
    })
}

/// Arrivals the edits made should have caused (every other client of the group).
fn expected_arrivals(args: &Args, r: &Report) -> u64 {
    r.edits * (args.clients.max(1) as u64 - 1)
}

/// The share of expected arrivals that arrived (1 when nothing was expected).
fn delivered_share(args: &Args, r: &Report) -> f64 {
    match expected_arrivals(args, r) {
        0 => 1.0,
        n => r.arrivals as f64 / n as f64,
    }
}

/// Whether a run's latency percentiles describe it: nearly every edit arrived and no client
/// failed. (A saturated server that delivers a handful of edits has a "p99" of those few.)
fn latency_comparable(args: &Args, r: &Report) -> bool {
    r.errors == 0 && delivered_share(args, r) >= 0.95
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
        "{:<7} {scenario}: connected {}, edits {}, arrivals {} (expected {}), latency ms p50 {:.2} p95 {:.2} p99 {:.2} max {:.2}, server CPU {:.3} ms/edit ({:.2} cores; generator {:.2} cores), RSS {} MiB (peak {}), errors {}",
        r.target,
        r.connected,
        r.edits,
        r.arrivals,
        expected_arrivals(args, r),
        percentile(l, 50.0),
        percentile(l, 95.0),
        percentile(l, 99.0),
        l.last().copied().unwrap_or(f64::NAN),
        r.cpu_ms_per_edit,
        r.server_cores,
        r.generator_cores,
        r.rss_mib,
        r.peak_mib,
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
    let targets: &[&'static str] = match args.target.as_str() {
        "samtal" => &["samtal"],
        "js" => &["js"],
        "both" => &["samtal", "js"],
        other => bail!("unknown target {other}: samtal, js or both"),
    };
    if args.browser.is_some() && args.target != "samtal" {
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
    let mut reports = Vec::new();
    for t in targets {
        let r = run(&args, t).await?;
        print(&args, &r);
        reports.push(r);
    }
    if let [s, j] = reports.as_slice() {
        let ratio = |a: f64, b: f64| b / a;
        let latency = if latency_comparable(&args, s) && latency_comparable(&args, j) {
            format!(
                "p50 {:.1}×, p99 {:.1}×",
                ratio(
                    percentile(&s.latencies_ms, 50.0),
                    percentile(&j.latencies_ms, 50.0)
                ),
                ratio(
                    percentile(&s.latencies_ms, 99.0),
                    percentile(&j.latencies_ms, 99.0)
                ),
            )
        } else {
            // Percentiles of the few edits that got through say nothing about the rest.
            format!(
                "latency not comparable (arrivals: samtal {:.0} %, js {:.0} % of expected; \
                 failed clients: samtal {}, js {})",
                100.0 * delivered_share(&args, s),
                100.0 * delivered_share(&args, j),
                s.errors,
                j.errors,
            )
        };
        println!(
            "ratio (js / samtal): {latency}, CPU/edit {:.1}×, RSS {:.1}×",
            ratio(s.cpu_ms_per_edit, j.cpu_ms_per_edit),
            ratio(s.rss_mib as f64, j.rss_mib as f64),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(edits: u64, arrivals: u64, errors: u64) -> Report {
        Report {
            target: "js",
            edits,
            arrivals,
            errors,
            latencies_ms: vec![1.0, 2.0],
            cpu_ms_per_edit: 1.0,
            rss_mib: 1,
            peak_mib: 1,
            connected: 5,
            server_cores: 0.1,
            generator_cores: 0.1,
        }
    }

    #[test]
    fn latency_is_compared_only_when_the_edits_arrived() {
        let args = Args::parse_from(["samtal-load", "--clients", "5"]);
        // 100 edits, 4 receivers each.
        assert_eq!(expected_arrivals(&args, &report(100, 0, 0)), 400);
        assert!(latency_comparable(&args, &report(100, 400, 0)));
        assert!(latency_comparable(&args, &report(100, 390, 0)));
        // A saturated server that delivered a handful.
        assert!(!latency_comparable(&args, &report(100, 1, 0)));
        // Clients that failed.
        assert!(!latency_comparable(&args, &report(100, 400, 3)));
        // Idle connections: nothing expected, nothing to compare against.
        assert!((delivered_share(&args, &report(0, 0, 0)) - 1.0).abs() < f64::EPSILON);
    }
}
