//! `samtal-server`: serve (the default), or one of the operator's commands (`--help`).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    samtal_server::cli_exit().await
}
