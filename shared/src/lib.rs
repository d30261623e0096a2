//! Samtal's shared core, compiled both natively (server, tests) and to wasm32 (client).
//!
//! Everything here is sans-IO: plain data, pure functions and state machines. The server and
//! the browser client only move bytes in and out and call into this crate, so there is exactly
//! one implementation of the sync protocol, the document layout and the access rules.

pub mod account;
pub mod demo;
pub mod doc;
pub mod export;
pub mod fuzzing;
pub mod guard;
pub mod history;
pub mod i18n;
pub mod ids;
pub mod mail;
pub mod package;
pub mod paste;
pub mod policy;
pub mod protocol;
pub mod qr_sheet;
pub mod record;
pub mod roles;
pub mod rounds;
pub mod session;
pub mod slides;
pub mod stamp;
pub mod sync;
pub mod text;
pub mod view;

pub use ids::{DocumentId, PeerId};
pub use protocol::Message;
