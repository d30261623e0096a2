//! `samtal-server`: parse settings, start logging, serve until Ctrl-C or SIGTERM.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    samtal_server::cli_main().await
}
