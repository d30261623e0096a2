//! The server program, built inside the test package so the crash tests can start it as a
//! separate process (`CARGO_BIN_EXE_samtal-server-under-test`) and `kill -9` it.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    samtal_server::cli_main().await
}
