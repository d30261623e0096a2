//! The server's side of one connection: the join/peer handshake and routing frames to
//! documents.

use super::ConnError;
use crate::ids::{DocumentId, IdCache, PeerId};
use crate::protocol::{Message, PROTOCOL_VERSION, PeerMetadata};

/// What the server should do with an incoming frame.
#[derive(Debug, PartialEq, Eq)]
pub enum ServerInbound {
    /// Send this reply (the `peer` message after `join`).
    Reply(Message),
    /// A `request` or `sync` for a document.
    Doc {
        document_id: DocumentId,
        data: Vec<u8>,
    },
    /// An ephemeral message to relay (not stored).
    Ephemeral { document_id: DocumentId },
    /// The client said goodbye.
    Leave,
    /// Nothing to do (e.g. unknown gossip messages).
    Ignore,
}

/// The server side of one connection.
pub struct ServerConnection {
    our_id: PeerId,
    remote: Option<PeerId>,
    ids: IdCache,
}

impl ServerConnection {
    pub fn new(our_id: PeerId) -> Self {
        Self {
            our_id,
            remote: None,
            ids: IdCache::default(),
        }
    }

    /// The client's peer id, once it has joined.
    pub fn remote(&self) -> Option<&PeerId> {
        self.remote.as_ref()
    }

    pub fn receive(&mut self, frame: &[u8]) -> Result<ServerInbound, ConnError> {
        let msg = Message::decode_with(frame, &mut self.ids)?;
        let Some(remote) = &self.remote else {
            return match msg {
                Message::Join {
                    sender_id,
                    supported_protocol_versions,
                    ..
                } => {
                    if !supported_protocol_versions
                        .iter()
                        .any(|v| v == PROTOCOL_VERSION)
                    {
                        return Err(ConnError::UnsupportedVersion(supported_protocol_versions));
                    }
                    self.remote = Some(sender_id.clone());
                    Ok(ServerInbound::Reply(Message::Peer {
                        sender_id: self.our_id.clone(),
                        target_id: sender_id,
                        selected_protocol_version: PROTOCOL_VERSION.into(),
                        metadata: Some(PeerMetadata {
                            storage_id: None,
                            is_ephemeral: false,
                        }),
                    }))
                }
                _ => Err(ConnError::NotJoined),
            };
        };
        let check = |sender: &PeerId| {
            if sender == remote {
                Ok(())
            } else {
                Err(ConnError::SpoofedSender {
                    got: sender.to_string(),
                })
            }
        };
        match msg {
            Message::Join { .. } => Err(ConnError::AlreadyJoined),
            Message::Request {
                document_id,
                sender_id,
                data,
                ..
            }
            | Message::Sync {
                document_id,
                sender_id,
                data,
                ..
            } => {
                check(&sender_id)?;
                Ok(ServerInbound::Doc { document_id, data })
            }
            Message::Ephemeral {
                document_id,
                sender_id,
                ..
            } => {
                check(&sender_id)?;
                Ok(ServerInbound::Ephemeral { document_id })
            }
            Message::Leave { sender_id } => {
                check(&sender_id)?;
                Ok(ServerInbound::Leave)
            }
            Message::DocUnavailable { .. } | Message::Unknown { .. } => Ok(ServerInbound::Ignore),
            Message::Error { message } => Err(ConnError::Remote(message)),
            Message::Peer { .. } => Err(ConnError::Unexpected("peer".into())),
        }
    }

    /// Encode a message for the connected client (its document ids' text cached).
    pub fn encode(&mut self, msg: &Message) -> Vec<u8> {
        msg.encode_with(&mut self.ids)
    }

    /// Wrap a sync message for the connected client.
    pub fn sync_message(&self, document_id: DocumentId, data: Vec<u8>) -> Option<Message> {
        Some(Message::Sync {
            document_id,
            sender_id: self.our_id.clone(),
            target_id: self.remote.clone()?,
            data,
        })
    }

    pub fn doc_unavailable(&self, document_id: DocumentId) -> Option<Message> {
        Some(Message::DocUnavailable {
            document_id,
            sender_id: self.our_id.clone(),
            target_id: self.remote.clone()?,
        })
    }
}
