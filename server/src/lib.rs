//! Samtal's server: HTTP API, WebSocket sync endpoint, static client, durable storage.

pub mod accounts;
pub mod admin;
pub mod api;
pub mod auth;
pub mod cli;
pub mod clock;
pub mod error;
pub mod hub;
pub mod links;
pub mod live;
pub mod metrics;
pub mod phases;
pub mod records;
pub mod settings;
pub mod signin;
pub mod state;
pub mod storage;
pub mod workshops;
pub mod ws;

use crate::hub::Hub;
use crate::settings::Settings;
pub use crate::state::{AppState, blocking, is_loopback_url, origin_of};
use crate::storage::{SqliteStorage, Storage};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::watch;

/// Several instances: publish this one's connections every few seconds, until shutdown.
async fn publish_live(state: Arc<AppState>) {
    if !state.storage.shared() {
        return;
    }
    let mut shutdown = state.shutdown.clone();
    loop {
        let rows = state.live.snapshot();
        let storage = Arc::clone(&state.storage);
        match tokio::task::spawn_blocking(move || storage.publish_live(&rows)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "could not publish live connections"),
            Err(e) => tracing::warn!(error = %e, "publish task failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(std::time::Duration::from_secs(2)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// The storage `SAMTAL_DATABASE_URL` names: Postgres, or SQLite (the default, in `SAMTAL_DATA`).
pub(crate) async fn open_storage(settings: &Settings) -> anyhow::Result<Arc<dyn Storage>> {
    let url = settings.database_url.clone().unwrap_or_default();
    Ok(
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Arc::new(
                tokio::task::spawn_blocking(move || storage::PostgresStorage::open(&url)).await??,
            )
        } else {
            let dir = match url.strip_prefix("sqlite://") {
                Some(dir) if !dir.is_empty() => std::path::PathBuf::from(dir),
                Some(_) => settings.data.clone(),
                None if url.is_empty() => settings.data.clone(),
                None => anyhow::bail!(
                    "SAMTAL_DATABASE_URL must start with sqlite:// or postgres:// (the value is not shown)"
                ),
            };
            Arc::new(tokio::task::spawn_blocking(move || SqliteStorage::open(&dir)).await??)
        },
    )
}

/// What another instance did, applied here: its changes reach this instance's clients, and
/// links it revoked (or workshops it erased) lose their connections here too.
fn changed_elsewhere(state: &Arc<AppState>, c: storage::Changed) {
    use storage::Changed;
    match c {
        Changed::LinkRevoked {
            workshop_id,
            target,
        } => {
            state
                .live
                .close(&workshop_id, Some(&target), workshops::ROTATED);
        }
        Changed::Erased { workshop_id } => {
            state.hub.close_workshop(&workshop_id, workshops::ERASED);
            state.live.close(&workshop_id, None, workshops::ERASED);
            state.live.forget(&workshop_id);
        }
        Changed::Doc { doc, chunk } => state.hub.changed_elsewhere(Some((doc, chunk))),
        Changed::All => state.hub.changed_elsewhere(None),
    }
}

/// A started server (bound, not yet serving until [`Server::run_until`] or [`Server::spawn`]).
pub struct Server {
    listener: tokio::net::TcpListener,
    /// `SAMTAL_METRICS_BIND`'s listener, if set.
    metrics_listener: Option<tokio::net::TcpListener>,
    state: Arc<AppState>,
    shutdown_tx: watch::Sender<bool>,
    demo_links: Option<String>,
}

impl Server {
    /// Open storage, bind the socket, create the demo workshop if asked.
    pub async fn start(settings: Settings) -> anyhow::Result<Self> {
        let storage = open_storage(&settings).await?;
        Self::start_with_storage(settings, storage).await
    }

    /// Start on the given storage (tests wrap SQLite to inject faults).
    pub async fn start_with_storage(
        settings: Settings,
        storage: Arc<dyn Storage>,
    ) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(settings.bind).await?;
        let addr = listener.local_addr()?;
        let metrics_listener = match settings.metrics_bind {
            Some(at) => Some(tokio::net::TcpListener::bind(at).await.map_err(|e| {
                anyhow::anyhow!("SAMTAL_METRICS_BIND {at}: cannot listen there: {e}")
            })?),
            None => None,
        };
        let base_url = match &settings.public_url {
            Some(u) => u.trim_end_matches('/').to_owned(),
            None if addr.ip().is_loopback() => format!("http://localhost:{}", addr.port()),
            None => format!("http://{addr}"),
        };
        let (shutdown_tx, shutdown) = watch::channel(false);
        let mut peer = [0u8; 8];
        getrandom::fill(&mut peer).map_err(|e| anyhow::anyhow!("randomness: {e}"))?;
        let (hub, workshop_changes) = Hub::new(
            Arc::clone(&storage),
            settings.max_doc_bytes,
            std::time::Duration::from_secs(settings.idle_doc_secs),
        );
        let bound_to_loopback = addr.ip().is_loopback();
        let local_only = bound_to_loopback && is_loopback_url(&base_url);
        if settings.admin_token.is_some() {
            tracing::info!(
                "workshops are created with SAMTAL_ADMIN_TOKEN (POST /api/workshops, Authorization: Bearer)"
            );
        } else if local_only {
            tracing::info!(
                "no SAMTAL_ADMIN_TOKEN: workshops can be created only from this computer, directly (not through a proxy)"
            );
        } else {
            tracing::warn!(
                "no SAMTAL_ADMIN_TOKEN on a server reachable from outside: nobody can create workshops over HTTP; set SAMTAL_ADMIN_TOKEN"
            );
        }
        let signin = signin::SignIn::from_settings(&settings, &base_url)?.map(Arc::new);
        if signin.is_some() {
            tracing::info!(
                "facilitators sign in with {} ({base_url}/auth/login)",
                settings.oidc_issuer.as_deref().unwrap_or_default()
            );
        }
        let state = Arc::new(AppState {
            signin,
            bound_to_loopback,
            local_only,
            hub: Arc::new(hub),
            storage,
            base_url,
            server_peer: samtal_shared::PeerId::new(format!(
                "samtal-server-{}",
                peer.iter().map(|b| format!("{b:02x}")).collect::<String>()
            )),
            live: Arc::new(live::Live::new(&settings)),
            phases: phases::Phases::default(),
            shutdown,
            settings,
        });
        tokio::spawn(workshops::reconcile(Arc::clone(&state), workshop_changes));
        // Several instances on one Postgres: pass on what the others commit.
        let (changed_tx, mut changed_rx) = tokio::sync::mpsc::unbounded_channel();
        let storage = Arc::clone(&state.storage);
        tokio::task::spawn_blocking(move || {
            storage.listen(Box::new(move |c| match c {
                Some(c) => changed_tx.send(c).is_ok(),
                None => !changed_tx.is_closed(),
            }))
        })
        .await??;
        let st = Arc::clone(&state);
        let mut stop = state.shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    c = changed_rx.recv() => match c {
                        Some(c) => changed_elsewhere(&st, c),
                        None => break,
                    },
                    _ = stop.changed() => break,
                }
            }
        });
        tokio::spawn(workshops::retention(Arc::clone(&state)));
        tokio::spawn(publish_live(Arc::clone(&state)));
        let demo_links = if state.settings.demo {
            Some(workshops::ensure_demo(&state).await?)
        } else {
            None
        };
        Ok(Self {
            listener,
            metrics_listener,
            state,
            shutdown_tx,
            demo_links,
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Where the metrics listener is, if there is one.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|l| l.local_addr().ok())
    }

    pub fn base_url(&self) -> &str {
        &self.state.base_url
    }

    pub fn state(&self) -> Arc<AppState> {
        Arc::clone(&self.state)
    }

    pub fn demo_links(&self) -> Option<&str> {
        self.demo_links.as_deref()
    }

    /// Serve until `signal` completes, then close every connection and return.
    pub async fn run_until(
        self,
        signal: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let app = api::router(Arc::clone(&self.state));
        let tx = self.shutdown_tx;
        if let Some(listener) = self.metrics_listener {
            let app = metrics::router(Arc::clone(&self.state));
            let mut stop = self.state.shutdown.clone();
            tokio::spawn(async move {
                let served = axum::serve(listener, app)
                    .with_graceful_shutdown(async move {
                        let _ = stop.changed().await;
                    })
                    .await;
                if let Err(e) = served {
                    tracing::warn!(error = %e, "the metrics listener stopped");
                }
            });
        }
        let header_timeout =
            std::time::Duration::from_secs(self.state.settings.header_read_timeout_secs.max(1));
        let mut http = hyper::server::conn::http1::Builder::new();
        // A client must send a request's whole head within the timeout (also the next one on
        // a kept-alive connection), or the connection closes: trickled headers hold nothing.
        http.timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(header_timeout)
            .keep_alive(true);
        let mut connections = tokio::task::JoinSet::new();
        let (stop_conns, _) = watch::channel(false);
        let mut signal = std::pin::pin!(signal);
        loop {
            let (tcp, peer) = tokio::select! {
                () = &mut signal => break,
                accepted = self.listener.accept() => match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors and the like: wait a moment, go on.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            while connections.try_join_next().is_some() {}
            // HTTP connections (WebSockets leave this set once upgraded and count against the
            // sync limits): past the server's limit a new one is closed at once.
            if connections.len() >= self.state.settings.max_connections {
                tracing::warn!(
                    limit = self.state.settings.max_connections,
                    "too many HTTP connections; closing a new one"
                );
                drop(tcp);
                continue;
            }
            // Sync frames are small and latency-bound: send them now, not after Nagle's
            // delay (which, against a delayed ACK, adds ~40 ms to an edit's trip).
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!(error = %e, "could not set TCP_NODELAY");
            }
            let router = app.clone();
            let service = hyper::service::service_fn(
                move |mut req: hyper::Request<hyper::body::Incoming>| {
                    req.extensions_mut()
                        .insert(axum::extract::ConnectInfo(peer));
                    let mut router = router.clone();
                    async move { tower_service::Service::call(&mut router, req).await }
                },
            );
            let conn = http
                .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                .with_upgrades();
            let mut stop = stop_conns.subscribe();
            connections.spawn(async move {
                let mut conn = std::pin::pin!(conn);
                tokio::select! {
                    res = conn.as_mut() => {
                        if let Err(e) = res {
                            tracing::debug!(error = %e, "connection ended");
                        }
                        return;
                    }
                    _ = stop.changed() => conn.as_mut().graceful_shutdown(),
                }
                let _ = conn.await;
            });
        }
        // Shutting down: WebSockets close with "going away", requests under way finish.
        let _ = tx.send(true);
        let _ = stop_conns.send(true);
        let drained = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            while connections.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("connections still open after 10 s; closing them");
        }
        Ok(())
    }

    /// Serve in the background (tests). Dropping the returned sender shuts the server down.
    pub fn spawn(
        self,
    ) -> (
        SocketAddr,
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<anyhow::Result<()>>,
    ) {
        let addr = self
            .listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(self.run_until(async move {
            let _ = stop_rx.await;
        }));
        (addr, stop_tx, task)
    }
}

/// The `samtal-server` binary: parse the command line and settings, start logging, run the
/// command (`serve` until Ctrl-C or SIGTERM). (A function so the crash tests can run the same
/// program as a separate process.)
pub async fn cli_main() -> anyhow::Result<()> {
    use clap::Parser;
    let cli = cli::Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "samtal_server=info,tower_http=info".into());
    // Logs go to standard error: standard output is the commands' (links, tables).
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.settings.log_format {
        settings::LogFormat::Text => logs.init(),
        settings::LogFormat::Json => logs.json().flatten_event(true).init(),
    }
    cli::run(cli, shutdown_signal()).await
}

/// [`cli_main`] as a program's exit: an error as one line on standard error, and code 1.
pub async fn cli_exit() -> std::process::ExitCode {
    match cli_main().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("samtal-server: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
