//! A minimal sync server on the `samod` crate (the Rust automerge-repo), for side-by-side load
//! runs: what a Rust team would build instead of Samtal's server. Configured like the JS
//! reference server the generator also drives — filesystem storage, answers requests but never
//! announces documents — and given Samtal's transport settings, so that the table compares the
//! sync engines: TCP_NODELAY and 8 KiB WebSocket buffers.
//!
//! Durability, for the table: samod's filesystem storage writes without fsync, and a change is
//! answered whether or not its write has finished (Samtal commits to SQLite before it acks).
//!
//! usage: samod-bench-server <port> <data-dir>

use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::response::Response;
use axum::serve::ListenerExt;
use samod::storage::TokioFilesystemStorage;
use samod::{AcceptorHandle, Repo, ShareConfig};
use std::path::PathBuf;

/// The same buffer sizes as Samtal's sync endpoint (server/src/api/sync.rs).
const WS_BUFFER: usize = 8 * 1024;

async fn upgrade(State(acceptor): State<AcceptorHandle>, ws: WebSocketUpgrade) -> Response {
    ws.read_buffer_size(WS_BUFFER)
        .write_buffer_size(WS_BUFFER)
        .on_upgrade(move |socket| async move {
            // The connection runs inside the repo from here; a refused one (the repo stopping)
            // just closes.
            if let Err(e) = acceptor.accept_axum(socket, None) {
                eprintln!("connection refused: {e:?}");
            }
        })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(port), Some(dir)) = (args.next(), args.next()) else {
        return Err("usage: samod-bench-server <port> <data-dir>".into());
    };
    let port: u16 = port.parse()?;
    let repo = Repo::build_tokio()
        .with_storage(TokioFilesystemStorage::new(PathBuf::from(dir)))
        // Answer requests, never announce documents (the reference server's policy).
        .with_share_policy(ShareConfig::read_write().with_announce(false))
        .load()
        .await;
    let acceptor = repo.make_acceptor(samod::Url::parse(&format!("ws://127.0.0.1:{port}"))?)?;
    let app = Router::new()
        .route("/", axum::routing::any(upgrade))
        .with_state(acceptor);
    // TCP_NODELAY on every accepted connection, as Samtal's server sets it.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await?
        .tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                eprintln!("could not set TCP_NODELAY: {e}");
            }
        });
    println!("LISTENING");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    repo.stop().await;
    Ok(())
}
