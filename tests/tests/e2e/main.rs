//! The end-to-end tests that run a server: one test binary, so the server (Typst included)
//! is linked once, not once per file. Each module is one concern; `cargo test --test e2e
//! <module>::` runs one of them. `logs.rs` (a process-wide log subscriber), `layout.rs` and
//! `fuzz.rs` (no server) stay binaries of their own.

mod api_contract;
mod authorization;
mod bad_input;
mod chaos;
mod facilitator;
mod faults;
mod history;
mod js_clients;
mod live_day;
mod operations;
mod operator;
mod packages;
mod question_box;
mod records;
mod rounds;
mod scale_out;
mod signin;
mod static_files;
mod storage_conformance;
mod sync;
mod trust;
