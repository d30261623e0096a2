//! The sans-IO sync engine: bytes in, bytes out. Used by the server (one [`DocHub`] per document,
//! one [`ServerConnection`] per WebSocket) and by every client ([`ClientRepo`]).
//!
//! Durability is the caller's job and is made easy by the split between [`DocHub::receive`]
//! (applies changes, sends nothing) and [`DocHub::outgoing`] (generates messages that advertise
//! our heads): persist between the two and no peer ever sees heads that are not on disk.

//!
//! Layout: [`automerge_port`] is the copy of automerge's message generation and receipt (pinned
//! to one upstream version), [`recent`] and [`memo`] what makes it cheap for many peers, [`hub`]
//! the document with its peers, [`server_conn`] and [`client_repo`] the two ends of a
//! connection.

mod automerge_port;
mod client_repo;
mod error;
mod hub;
mod memo;
mod recent;
mod server_conn;
#[cfg(test)]
mod tests;

pub use automerge_port::PORTED_FROM;
pub use client_repo::{ACK_DELAY_MS, ClientEvents, ClientRepo};
pub use error::{ConnError, SyncError};
pub use hub::DocHub;
pub use server_conn::{ServerConnection, ServerInbound};
