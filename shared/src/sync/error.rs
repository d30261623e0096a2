//! Why a sync message or a connection's frame was refused.

use crate::policy::PolicyError;
use crate::protocol::{PROTOCOL_VERSION, ProtocolError};

/// Why a sync message was refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SyncError {
    #[error("sync message could not be decoded: {0}")]
    Decode(String),
    #[error("this link may only read this document; the changes were refused")]
    ReadOnly,
    /// The workshop is closed: its group notes are final until the facilitator reopens it.
    /// The client keeps what it could not send and holds it back until then.
    #[error(
        "the workshop is closed: its notes can no longer be changed; the facilitator can reopen it"
    )]
    Closed,
    #[error("peer has no sync session for this document")]
    NotAttached,
    #[error("the changes were refused: {0}")]
    Forbidden(PolicyError),
    /// A limit on how much a link may add (questions an hour): the changes wait on the device.
    #[error("{0}")]
    Limit(String),
    #[error("changes could not be applied: {0}")]
    Apply(String),
    /// automerge panicked on the message: the document may be half-changed; reload it.
    #[error("this sync message could not be processed")]
    Crashed,
}

/// A connection-level protocol violation. The connection is closed with this text as reason.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ConnError {
    #[error("{0}")]
    Protocol(#[from] ProtocolError),
    #[error("the first message must be `join`")]
    NotJoined,
    #[error("`join` was sent twice")]
    AlreadyJoined,
    #[error(
        "no supported protocol version (this server speaks \"{PROTOCOL_VERSION}\", you offered {0:?})"
    )]
    UnsupportedVersion(Vec<String>),
    #[error("senderId `{got}` does not match the id given in `join`")]
    SpoofedSender { got: String },
    #[error("unexpected `{0}` message")]
    Unexpected(String),
    #[error("the other side reported an error: {0}")]
    Remote(String),
}
