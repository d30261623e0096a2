//! `samtal-server`: serve (the default), or one of the operator's commands (`--help`).

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match samtal_server::cli_main().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("samtal-server: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
