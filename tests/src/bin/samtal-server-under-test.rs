//! The server program, built inside the test package so the crash and operator tests can start
//! it as a separate process (`CARGO_BIN_EXE_samtal-server-under-test`) and `kill -9` it.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    samtal_server::cli_exit().await
}
