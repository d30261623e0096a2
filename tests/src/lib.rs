//! Test support: start a real server on `127.0.0.1:0` with a temp SQLite folder, create
//! workshops over HTTP, and a native client that syncs over a real WebSocket using the same
//! `shared` sync core as the browser.

use anyhow::{Context, Result, anyhow, bail};
use automerge::AutoCommit;
use futures_util::{SinkExt, StreamExt};
use samtal_server::Server;
use samtal_server::settings::Settings;
use samtal_server::workshops::WorkshopLinks;
use samtal_shared::doc::{self, GroupNotes, TextRef, WorkshopSpec};
use samtal_shared::session::SessionInfo;
use samtal_shared::sync::ClientRepo;
use samtal_shared::{DocumentId, Message, PeerId};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub mod pg;

/// Every wait in these tests is bounded by this.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// A server running in this process on a loopback port.
pub struct TestServer {
    pub addr: SocketAddr,
    pub data: PathBuf,
    /// The server's state, for calling its background jobs directly (retention).
    pub state: std::sync::Arc<samtal_server::AppState>,
    /// The metrics listener's address (`SAMTAL_METRICS_BIND`), if it has one.
    pub metrics: Option<SocketAddr>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestServer {
    pub async fn start(data: &Path) -> Result<Self> {
        Self::start_with(Settings::for_tests(data.to_path_buf())).await
    }

    pub async fn start_with(settings: Settings) -> Result<Self> {
        let data = settings.data.clone();
        let server = Server::start(settings).await?;
        Self::spawned(server, data)
    }

    /// A server on the given storage (e.g. [`FaultyStorage`]).
    pub async fn start_on(
        settings: Settings,
        storage: std::sync::Arc<dyn samtal_server::storage::Storage>,
    ) -> Result<Self> {
        let data = settings.data.clone();
        let server = Server::start_with_storage(settings, storage).await?;
        Self::spawned(server, data)
    }

    fn spawned(server: Server, data: PathBuf) -> Result<Self> {
        let state = server.state();
        let metrics = server.metrics_addr();
        let (addr, stop, task) = server.spawn();
        Ok(Self {
            addr,
            data,
            state,
            metrics,
            stop: Some(stop),
            task: Some(task),
        })
    }

    pub fn http(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn ws(&self, token: &str) -> String {
        format!("ws://{}/api/sync/{token}", self.addr)
    }

    /// Graceful stop: waits until every connection is closed and the listener is gone.
    pub async fn stop(mut self) -> Result<()> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            tokio::time::timeout(TIMEOUT, t).await???;
        }
        Ok(())
    }

    /// One HTTP request; any status comes back as `(status, body)` (loopback only).
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        json: Option<serde_json::Value>,
    ) -> Result<(u16, String)> {
        self.request_as(method, path, json, None).await
    }

    /// Like [`Self::request`], with `Authorization: Bearer <bearer>` when given.
    pub async fn request_as(
        &self,
        method: &str,
        path: &str,
        json: Option<serde_json::Value>,
        bearer: Option<&str>,
    ) -> Result<(u16, String)> {
        let url = format!("{}{path}", self.http());
        let method = method.to_owned();
        let auth = bearer.map(|b| format!("Bearer {b}"));
        tokio::task::spawn_blocking(move || -> Result<(u16, String)> {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(TIMEOUT))
                .build()
                .into();
            let auth = auth.unwrap_or_default();
            let mut resp = match (method.as_str(), json) {
                ("GET", _) => agent.get(&url).header("authorization", &auth).call()?,
                ("DELETE", _) => agent.delete(&url).header("authorization", &auth).call()?,
                ("POST", Some(j)) => agent
                    .post(&url)
                    .header("authorization", &auth)
                    .send_json(j)?,
                (m, _) => bail!("unsupported method {m}"),
            };
            let status = resp.status().as_u16();
            Ok((status, resp.body_mut().read_to_string()?))
        })
        .await?
    }

    /// Replace a link as the facilitator (`target`: `group:ID`, `catch_up`, `facilitator`);
    /// the links afterwards.
    pub async fn rotate(&self, facilitator: &str, target: &str) -> Result<WorkshopLinks> {
        let path = format!("/api/links/{facilitator}/rotate");
        let body = serde_json::json!({ "target": target });
        let (status, text) = self.request("POST", &path, Some(body)).await?;
        if status != 200 {
            bail!("rotate {target}: {status} {text}");
        }
        Ok(serde_json::from_str(&text)?)
    }

    /// GET a JSON resource that must succeed.
    /// GET a file: status, content type, bytes.
    pub async fn get_bytes(&self, path: &str) -> Result<(u16, String, Vec<u8>)> {
        let url = format!("{}{path}", self.http());
        tokio::task::spawn_blocking(move || -> Result<(u16, String, Vec<u8>)> {
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(TIMEOUT))
                .build()
                .into();
            let mut resp = agent.get(&url).call()?;
            let status = resp.status().as_u16();
            let kind = resp
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            Ok((status, kind, resp.body_mut().read_to_vec()?))
        })
        .await?
    }

    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        let (status, body) = self.request("GET", path, None).await?;
        if status != 200 {
            bail!("GET {path}: {status} {body}");
        }
        Ok(serde_json::from_str(&body)?)
    }

    /// Create a workshop through the admin API.
    pub async fn create_workshop(&self, spec: &WorkshopSpec) -> Result<WorkshopLinks> {
        let url = format!("{}/api/workshops", self.http());
        let spec = spec.clone();
        tokio::task::spawn_blocking(move || -> Result<WorkshopLinks> {
            Ok(ureq::post(&url)
                .send_json(&spec)?
                .body_mut()
                .read_json::<WorkshopLinks>()?)
        })
        .await?
    }
}

/// The token at the end of a link.
pub fn token_of(link: &str) -> String {
    link.rsplit('/').next().unwrap_or_default().to_owned()
}

/// `tests/js` (`SAMTAL_JS`, or beside this crate): the node scripts and their npm packages.
pub fn js_dir() -> PathBuf {
    std::env::var_os("SAMTAL_JS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("js"))
}

/// The built client's folder (`SAMTAL_DIST`, or `dist/` at the repository root).
pub fn dist() -> PathBuf {
    let dist = std::env::var_os("SAMTAL_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../dist"));
    assert!(
        dist.join("index.html").exists(),
        "build the client first: {}",
        dist.display()
    );
    dist
}

/// The demo workshop dated today (so its catch-up window is open whenever the tests run).
pub fn demo_spec() -> WorkshopSpec {
    // The demo package is in the repository; its own test proves it reads.
    match samtal_shared::demo::spec(&samtal_server::clock::today()) {
        Ok(spec) => spec,
        Err(e) => panic!("packages/barnkonventionen.json: {e}"),
    }
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A native peer: the shared `ClientRepo` plus a WebSocket.
pub struct NativeClient {
    pub repo: ClientRepo,
    pub info: SessionInfo,
    /// How this client signs what it commits (no label, time 0 unless a test sets them).
    pub stamp: samtal_shared::stamp::Stamp,
    ws: Option<Ws>,
    addr: SocketAddr,
    token: String,
}

impl NativeClient {
    /// Look up the link, connect, and fetch every document it may read.
    pub async fn connect(addr: SocketAddr, token: &str, name: &str) -> Result<Self> {
        let url = format!("http://{addr}/api/session/{token}");
        let info: SessionInfo = tokio::task::spawn_blocking(move || -> Result<SessionInfo> {
            Ok(ureq::get(&url).call()?.body_mut().read_json()?)
        })
        .await??;
        let mut repo = ClientRepo::new(PeerId::new(format!("{name}-{}", std::process::id())));
        for (id, _) in &info.docs {
            repo.add_doc(*id, AutoCommit::new());
        }
        let mut c = Self {
            repo,
            info,
            stamp: samtal_shared::stamp::Stamp::default(),
            ws: None,
            addr,
            token: token.to_owned(),
        };
        c.reconnect().await?;
        c.sync().await?;
        Ok(c)
    }

    /// Drop the connection (the documents stay, like a browser going offline).
    pub async fn disconnect(&mut self) {
        if let Some(mut ws) = self.ws.take() {
            let _ = ws.close(None).await;
        }
        self.repo.disconnected();
    }

    /// Read frames (answering them) until `done` holds, bounded by [`TIMEOUT`].
    pub async fn wait_until(&mut self, done: impl Fn(&Self) -> bool) -> Result<()> {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        while !done(self) {
            if tokio::time::Instant::now() > deadline {
                bail!("condition not reached in time");
            }
            self.pump_one().await?;
            self.send_outgoing().await?;
        }
        Ok(())
    }

    /// Talk to another server from now on (another instance behind the same address).
    pub fn move_to(&mut self, addr: SocketAddr) {
        self.addr = addr;
    }

    /// Reconnect and sync until it works (the server, or its database, is coming back):
    /// at most `tries` times, half a second apart.
    pub async fn sync_through_outage(&mut self, tries: usize) -> Result<()> {
        let mut last = anyhow!("no attempt");
        for _ in 0..tries {
            match self.reconnect().await {
                Ok(()) => match self.sync().await {
                    Ok(()) => return Ok(()),
                    Err(e) => last = e,
                },
                Err(e) => last = e,
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(last.context("never synced"))
    }

    /// Open a new connection and complete the handshake.
    pub async fn reconnect(&mut self) -> Result<()> {
        self.disconnect().await;
        let url = format!("ws://{}/api/sync/{}", self.addr, self.token);
        let (mut ws, _) = tokio::time::timeout(TIMEOUT, tokio_tungstenite::connect_async(url))
            .await
            .context("connect timed out")??;
        ws.send(WsMessage::Binary(self.repo.join_frame().into()))
            .await?;
        self.ws = Some(ws);
        while !self.repo.is_connected() {
            self.pump_one().await?;
        }
        Ok(())
    }

    async fn send_outgoing(&mut self) -> Result<()> {
        let frames = self.repo.outgoing();
        let ws = self.ws.as_mut().ok_or_else(|| anyhow!("offline"))?;
        for f in frames {
            ws.send(WsMessage::Binary(f.into())).await?;
        }
        Ok(())
    }

    /// Receive one frame and answer it.
    async fn pump_one(&mut self) -> Result<()> {
        let ws = self.ws.as_mut().ok_or_else(|| anyhow!("offline"))?;
        let frame = tokio::time::timeout(TIMEOUT, ws.next())
            .await
            .context("no frame from the server in time")?
            .ok_or_else(|| anyhow!("connection closed"))??;
        match frame {
            WsMessage::Binary(b) => {
                self.repo
                    .receive(&b)
                    .map_err(|e| anyhow!("protocol: {e}"))?;
            }
            WsMessage::Close(c) => bail!("closed by server: {c:?}"),
            _ => {}
        }
        self.send_outgoing().await
    }

    /// Exchange messages until the server holds everything we have and we hold its heads.
    pub async fn sync(&mut self) -> Result<()> {
        self.send_outgoing().await?;
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            // (A document held back is one the server takes no changes to now.)
            if self.repo.synced_but_held_back() {
                // Drain what is already queued (e.g. the server's newer changes) briefly.
                match tokio::time::timeout(Duration::from_millis(150), self.pump_one()).await {
                    Err(_) => return Ok(()),
                    Ok(r) => r?,
                }
            } else {
                self.pump_one().await?;
            }
            if tokio::time::Instant::now() > deadline {
                bail!("not synced in time");
            }
        }
    }

    pub fn group_doc(&self) -> Result<DocumentId> {
        self.info
            .own_group_doc()
            .ok_or_else(|| anyhow!("not a group link"))
    }

    /// Set a text field of a group document (one commit, like one typing burst).
    pub fn edit(&mut self, doc: DocumentId, field: &TextRef, text: &str) -> Result<()> {
        let d = self
            .repo
            .doc_mut(&doc)
            .ok_or_else(|| anyhow!("no such doc"))?;
        doc::edit_text(d, field, text)?;
        samtal_shared::stamp::commit(d, &self.stamp);
        Ok(())
    }

    /// Append to a text field.
    pub fn append(&mut self, doc: DocumentId, field: &TextRef, more: &str) -> Result<()> {
        let current = self.notes(doc)?.text(field).unwrap_or_default().to_owned();
        self.edit(doc, field, &format!("{current}{more}"))
    }

    /// Any local change (setup edits, follow-ups, highlights), committed as one change.
    pub fn change(
        &mut self,
        doc: DocumentId,
        f: impl FnOnce(&mut AutoCommit) -> Result<(), doc::SchemaError>,
    ) -> Result<()> {
        let d = self
            .repo
            .doc_mut(&doc)
            .ok_or_else(|| anyhow!("no such doc"))?;
        f(d)?;
        samtal_shared::stamp::commit(d, &self.stamp);
        Ok(())
    }

    /// Add a follow-up action to the plenary document, written whole, as one change.
    pub fn add_action(&mut self, plenary: DocumentId, action: doc::FollowUp) -> Result<()> {
        self.change(plenary, |d| {
            let id = action.id.clone();
            doc::apply_plenary_edit(d, &doc::PlenaryEdit::AddFollowUp { id })?;
            doc::apply_plenary_edit(d, &doc::PlenaryEdit::FollowUp(action))
        })
    }

    /// Ask the server for this link's documents again and open the new ones (a facilitator
    /// after a group was added).
    pub async fn refresh_docs(&mut self) -> Result<usize> {
        let url = format!("http://{}/api/session/{}", self.addr, self.token);
        let info: SessionInfo = tokio::task::spawn_blocking(move || -> Result<SessionInfo> {
            Ok(ureq::get(&url).call()?.body_mut().read_json()?)
        })
        .await??;
        let mut added = 0;
        for (id, _) in &info.docs {
            if self.repo.doc(id).is_none() {
                self.repo.add_doc(*id, AutoCommit::new());
                added += 1;
            }
        }
        self.info = info;
        Ok(added)
    }

    /// Wait for the server to send an error or close this connection; returns the reason.
    pub async fn closed_reason(&mut self) -> Result<String> {
        let ws = self.ws.as_mut().ok_or_else(|| anyhow!("offline"))?;
        expect_error(ws).await
    }

    pub fn notes(&self, doc: DocumentId) -> Result<GroupNotes> {
        Ok(doc::read_group(
            self.repo.doc(&doc).ok_or_else(|| anyhow!("no such doc"))?,
        )?)
    }

    pub fn heads(&mut self, doc: DocumentId) -> Vec<automerge::ChangeHash> {
        self.repo
            .doc_mut(&doc)
            .map(|d| d.get_heads())
            .unwrap_or_default()
    }
}

/// Poll `check` every 50 ms until it holds, bounded by [`TIMEOUT`].
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The HTTP status of a sync upgrade with this token (101 when it opens).
pub async fn upgrade_status(addr: SocketAddr, token: &str) -> u16 {
    use tokio_tungstenite::tungstenite::Error;
    let url = format!("ws://{addr}/api/sync/{token}");
    match tokio::time::timeout(TIMEOUT, tokio_tungstenite::connect_async(url)).await {
        Ok(Ok((_, resp))) => resp.status().as_u16(),
        Ok(Err(Error::Http(resp))) => resp.status().as_u16(),
        _ => 0,
    }
}

/// A raw WebSocket for hostile-input tests.
pub async fn raw_socket(addr: SocketAddr, token: &str) -> Result<Ws> {
    let url = format!("ws://{addr}/api/sync/{token}");
    let (ws, _) = tokio::time::timeout(TIMEOUT, tokio_tungstenite::connect_async(url)).await??;
    Ok(ws)
}

/// Read until the server sends a protocol `error` (returned) or closes without one.
pub async fn expect_error(ws: &mut Ws) -> Result<String> {
    loop {
        let frame = tokio::time::timeout(TIMEOUT, ws.next())
            .await
            .context("no error in time")?;
        match frame {
            Some(Ok(WsMessage::Binary(b))) => {
                if let Ok(Message::Error { message }) = Message::decode(&b) {
                    return Ok(message);
                }
            }
            Some(Ok(WsMessage::Close(c))) => {
                return c
                    .map(|c| c.reason.to_string())
                    .ok_or_else(|| anyhow!("closed without a reason"));
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => bail!("socket error before an error message: {e}"),
            None => bail!("closed without an error message"),
        }
    }
}

/// Read any document straight from the SQLite file.
pub fn stored_doc(data: &Path, doc: DocumentId) -> Result<Option<AutoCommit>> {
    use samtal_server::storage::{SqliteStorage, Storage};
    let storage = SqliteStorage::open(data)?;
    storage
        .load_doc(&doc)?
        .map(|bytes| AutoCommit::load(&bytes).map_err(Into::into))
        .transpose()
}

/// Read a group document straight from the SQLite file (for after-restart checks).
pub fn stored_group_notes(data: &Path, doc: DocumentId) -> Result<GroupNotes> {
    use samtal_server::storage::{SqliteStorage, Storage};
    let storage = SqliteStorage::open(data)?;
    let bytes = storage
        .load_doc(&doc)?
        .ok_or_else(|| anyhow!("document not stored"))?;
    Ok(doc::read_group(&AutoCommit::load(&bytes)?)?)
}

/// SQLite with a switch: while `failing` is on, every write fails as if the disk (or fsync)
/// had failed. Reads keep working.
pub struct FaultyStorage {
    inner: samtal_server::storage::SqliteStorage,
    pub failing: std::sync::atomic::AtomicBool,
}

impl FaultyStorage {
    pub fn open(dir: &Path) -> Result<Self> {
        Ok(Self {
            inner: samtal_server::storage::SqliteStorage::open(dir)?,
            failing: std::sync::atomic::AtomicBool::new(false),
        })
    }

    fn fault(&self) -> Result<(), samtal_server::storage::StorageError> {
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(std::io::Error::other("injected fault: fsync failed").into());
        }
        Ok(())
    }
}

impl samtal_server::storage::Storage for FaultyStorage {
    fn list_workshops(
        &self,
    ) -> Result<Vec<samtal_server::storage::WorkshopSummary>, samtal_server::storage::StorageError>
    {
        self.inner.list_workshops()
    }
    fn check(&self) -> Result<(), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.check()
    }
    fn create_workshop(
        &self,
        w: &samtal_server::storage::NewWorkshopRecord,
    ) -> Result<(), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.create_workshop(w)
    }
    fn workshop_count(&self) -> Result<usize, samtal_server::storage::StorageError> {
        self.inner.workshop_count()
    }
    fn capability(
        &self,
        hash: &samtal_server::auth::TokenHash,
    ) -> Result<Option<samtal_server::storage::Capability>, samtal_server::storage::StorageError>
    {
        self.inner.capability(hash)
    }
    fn workshop_docs(
        &self,
        workshop_id: &str,
    ) -> Result<Vec<samtal_server::storage::DocRecord>, samtal_server::storage::StorageError> {
        self.inner.workshop_docs(workshop_id)
    }
    fn doc_record(
        &self,
        doc_id: &DocumentId,
    ) -> Result<Option<samtal_server::storage::DocRecord>, samtal_server::storage::StorageError>
    {
        self.inner.doc_record(doc_id)
    }
    fn load_doc(
        &self,
        doc_id: &DocumentId,
    ) -> Result<Option<Vec<u8>>, samtal_server::storage::StorageError> {
        self.inner.load_doc(doc_id)
    }
    fn append_chunk(
        &self,
        doc_id: &DocumentId,
        bytes: &[u8],
    ) -> Result<(u64, u64), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.append_chunk(doc_id, bytes)
    }
    fn compact(
        &self,
        doc_id: &DocumentId,
        snapshot: &[u8],
    ) -> Result<(), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.compact(doc_id, snapshot)
    }
    fn get_meta(&self, key: &str) -> Result<Option<String>, samtal_server::storage::StorageError> {
        self.inner.get_meta(key)
    }
    fn set_meta(&self, key: &str, value: &str) -> Result<(), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.set_meta(key, value)
    }
    fn workshop(
        &self,
        workshop_id: &str,
    ) -> Result<Option<samtal_server::storage::WorkshopRow>, samtal_server::storage::StorageError>
    {
        self.inner.workshop(workshop_id)
    }
    fn update_workshop_meta(
        &self,
        workshop_id: &str,
        title: &str,
        phase: &str,
        access_until: &str,
        today: &str,
    ) -> Result<(), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner
            .update_workshop_meta(workshop_id, title, phase, access_until, today)
    }
    fn set_link_secret(
        &self,
        workshop_id: &str,
        wrapped: &[u8],
    ) -> Result<(), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.set_link_secret(workshop_id, wrapped)
    }
    fn add_doc(
        &self,
        rec: &samtal_server::storage::DocRecord,
        bytes: &[u8],
    ) -> Result<bool, samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.add_doc(rec, bytes)
    }
    fn ensure_capability(
        &self,
        hash: &samtal_server::auth::TokenHash,
        cap: &samtal_server::storage::Capability,
    ) -> Result<(), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.ensure_capability(hash, cap)
    }
    fn link_generation(
        &self,
        workshop_id: &str,
        target: &str,
    ) -> Result<u64, samtal_server::storage::StorageError> {
        self.inner.link_generation(workshop_id, target)
    }
    fn rotate_link(
        &self,
        workshop_id: &str,
        target: &str,
    ) -> Result<u64, samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.rotate_link(workshop_id, target)
    }
    fn replace_facilitator(
        &self,
        workshop_id: &str,
        hash: &samtal_server::auth::TokenHash,
        wrapped: &[u8],
    ) -> Result<(), samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.replace_facilitator(workshop_id, hash, wrapped)
    }
    fn erase_workshop(
        &self,
        workshop_id: &str,
    ) -> Result<Vec<DocumentId>, samtal_server::storage::StorageError> {
        self.fault()?;
        self.inner.erase_workshop(workshop_id)
    }
    fn closed_before(
        &self,
        cutoff: &str,
    ) -> Result<Vec<String>, samtal_server::storage::StorageError> {
        self.inner.closed_before(cutoff)
    }
}

mod faulty_accounts;
