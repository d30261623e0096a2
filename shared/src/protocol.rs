//! The automerge-repo WebSocket protocol, version "1": CBOR maps tagged by `type`.
//!
//! Spec: the README of automerge-repo's `packages/automerge-repo-network-websocket` (its CDDL).
//! Decoding goes through a generic CBOR value with a recursion limit, so hostile input (deep
//! nesting, wrong types, unknown fields) yields a [`ProtocolError`] naming what was wrong.

use crate::ids::{DocumentId, DocumentIdError, PeerId};
use ciborium::Value;

/// The only protocol version this implementation speaks.
pub const PROTOCOL_VERSION: &str = "1";

/// CBOR nesting deeper than this is refused (protocol messages are two levels deep).
const MAX_DEPTH: usize = 16;

/// Optional metadata a peer sends about itself in `join`/`peer`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PeerMetadata {
    pub storage_id: Option<String>,
    pub is_ephemeral: bool,
}

/// One protocol message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Client → server: first message on a connection.
    Join {
        sender_id: PeerId,
        supported_protocol_versions: Vec<String>,
        metadata: Option<PeerMetadata>,
    },
    /// Server → client: reply to `join`.
    Peer {
        sender_id: PeerId,
        target_id: PeerId,
        selected_protocol_version: String,
        metadata: Option<PeerMetadata>,
    },
    /// Either way: a fatal error; the connection closes after it.
    Error { message: String },
    /// "I want this document" (the sender has no copy yet), carrying a sync message.
    Request {
        document_id: DocumentId,
        sender_id: PeerId,
        target_id: PeerId,
        data: Vec<u8>,
    },
    /// A sync message for a document both sides know about.
    Sync {
        document_id: DocumentId,
        sender_id: PeerId,
        target_id: PeerId,
        data: Vec<u8>,
    },
    /// Reply to `request` when the document does not exist (or may not be shared).
    DocUnavailable {
        document_id: DocumentId,
        sender_id: PeerId,
        target_id: PeerId,
    },
    /// Presence-style messages that are relayed, never stored.
    Ephemeral {
        document_id: DocumentId,
        sender_id: PeerId,
        target_id: PeerId,
        count: u64,
        session_id: String,
        data: Vec<u8>,
    },
    /// The peer is going away.
    Leave { sender_id: PeerId },
    /// A message type this version does not know (e.g. remote-heads gossip); ignored.
    Unknown { message_type: String },
}

/// Why a frame could not be decoded.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ProtocolError {
    #[error("frame is not valid CBOR: {0}")]
    Cbor(String),
    #[error("frame is not a CBOR map")]
    NotAMap,
    #[error("field `{0}` is missing")]
    Missing(&'static str),
    #[error("field `{field}` must be {expected}")]
    WrongType {
        field: &'static str,
        expected: &'static str,
    },
    #[error("bad document id: {0}")]
    DocumentId(#[from] DocumentIdError),
    #[error("trailing bytes after the CBOR message")]
    TrailingBytes,
}

impl Message {
    /// The `type` string of this message on the wire.
    pub fn message_type(&self) -> &str {
        match self {
            Message::Join { .. } => "join",
            Message::Peer { .. } => "peer",
            Message::Error { .. } => "error",
            Message::Request { .. } => "request",
            Message::Sync { .. } => "sync",
            Message::DocUnavailable { .. } => "doc-unavailable",
            Message::Ephemeral { .. } => "ephemeral",
            Message::Leave { .. } => "leave",
            Message::Unknown { message_type } => message_type,
        }
    }

    /// Encode as one CBOR frame.
    pub fn encode(&self) -> Vec<u8> {
        let mut fields: Vec<(Value, Value)> = vec![("type", text(self.message_type()))]
            .into_iter()
            .map(|(k, v)| (text(k), v))
            .collect();
        let mut put = |k: &str, v: Value| fields.push((text(k), v));
        match self {
            Message::Join {
                sender_id,
                supported_protocol_versions,
                metadata,
            } => {
                put("senderId", text(sender_id.as_str()));
                put(
                    "supportedProtocolVersions",
                    Value::Array(
                        supported_protocol_versions
                            .iter()
                            .map(|v| text(v))
                            .collect(),
                    ),
                );
                if let Some(m) = metadata {
                    put("metadata", metadata_value(m));
                }
            }
            Message::Peer {
                sender_id,
                target_id,
                selected_protocol_version,
                metadata,
            } => {
                put("senderId", text(sender_id.as_str()));
                put("targetId", text(target_id.as_str()));
                put("selectedProtocolVersion", text(selected_protocol_version));
                if let Some(m) = metadata {
                    put("metadata", metadata_value(m));
                }
            }
            Message::Error { message } => put("message", text(message)),
            Message::Request {
                document_id,
                sender_id,
                target_id,
                data,
            }
            | Message::Sync {
                document_id,
                sender_id,
                target_id,
                data,
            } => {
                put("documentId", text(&document_id.to_string()));
                put("senderId", text(sender_id.as_str()));
                put("targetId", text(target_id.as_str()));
                put("data", Value::Bytes(data.clone()));
            }
            Message::DocUnavailable {
                document_id,
                sender_id,
                target_id,
            } => {
                put("documentId", text(&document_id.to_string()));
                put("senderId", text(sender_id.as_str()));
                put("targetId", text(target_id.as_str()));
            }
            Message::Ephemeral {
                document_id,
                sender_id,
                target_id,
                count,
                session_id,
                data,
            } => {
                put("documentId", text(&document_id.to_string()));
                put("senderId", text(sender_id.as_str()));
                put("targetId", text(target_id.as_str()));
                put("count", Value::Integer((*count).into()));
                put("sessionId", text(session_id));
                put("data", Value::Bytes(data.clone()));
            }
            Message::Leave { sender_id } => put("senderId", text(sender_id.as_str())),
            Message::Unknown { .. } => {}
        }
        let mut out = Vec::new();
        // Writing into a Vec cannot fail.
        let _ = ciborium::ser::into_writer(&Value::Map(fields), &mut out);
        out
    }

    /// Decode one CBOR frame.
    pub fn decode(bytes: &[u8]) -> Result<Message, ProtocolError> {
        let mut reader = bytes;
        let value: Value = ciborium::de::from_reader_with_recursion_limit(&mut reader, MAX_DEPTH)
            .map_err(|e| ProtocolError::Cbor(cbor_error(&e)))?;
        if !reader.is_empty() {
            return Err(ProtocolError::TrailingBytes);
        }
        let Value::Map(entries) = value else {
            return Err(ProtocolError::NotAMap);
        };
        let f = Fields(entries);
        let message_type = f.text("type")?;
        Ok(match message_type.as_str() {
            "join" => Message::Join {
                sender_id: f.peer("senderId")?,
                supported_protocol_versions: f.text_list("supportedProtocolVersions")?,
                metadata: f.metadata()?,
            },
            "peer" => Message::Peer {
                sender_id: f.peer("senderId")?,
                target_id: f.peer("targetId")?,
                selected_protocol_version: f.text("selectedProtocolVersion")?,
                metadata: f.metadata()?,
            },
            "error" => Message::Error {
                message: f.text("message")?,
            },
            "request" => Message::Request {
                document_id: f.document_id()?,
                sender_id: f.peer("senderId")?,
                target_id: f.peer("targetId")?,
                data: f.bytes("data")?,
            },
            "sync" => Message::Sync {
                document_id: f.document_id()?,
                sender_id: f.peer("senderId")?,
                target_id: f.peer("targetId")?,
                data: f.bytes("data")?,
            },
            "doc-unavailable" => Message::DocUnavailable {
                document_id: f.document_id()?,
                sender_id: f.peer("senderId")?,
                target_id: f.peer("targetId")?,
            },
            "ephemeral" => Message::Ephemeral {
                document_id: f.document_id()?,
                sender_id: f.peer("senderId")?,
                target_id: f.peer("targetId")?,
                count: f.uint("count")?,
                session_id: f.text("sessionId")?,
                data: f.bytes("data")?,
            },
            "leave" => Message::Leave {
                sender_id: f.peer("senderId")?,
            },
            _ => Message::Unknown { message_type },
        })
    }
}

fn cbor_error<T: std::fmt::Debug>(e: &ciborium::de::Error<T>) -> String {
    match e {
        ciborium::de::Error::Io(_) => "truncated frame".into(),
        ciborium::de::Error::Syntax(at) => format!("syntax error at byte {at}"),
        ciborium::de::Error::Semantic(_, msg) => msg.clone(),
        ciborium::de::Error::RecursionLimitExceeded => "nested too deeply".into(),
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn metadata_value(m: &PeerMetadata) -> Value {
    let mut fields = Vec::new();
    if let Some(id) = &m.storage_id {
        fields.push((text("storageId"), text(id)));
    }
    fields.push((text("isEphemeral"), Value::Bool(m.is_ephemeral)));
    Value::Map(fields)
}

struct Fields(Vec<(Value, Value)>);

impl Fields {
    fn get(&self, key: &'static str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| matches!(k, Value::Text(t) if t == key))
            .map(|(_, v)| v)
    }

    fn require(&self, key: &'static str) -> Result<&Value, ProtocolError> {
        self.get(key).ok_or(ProtocolError::Missing(key))
    }

    fn text(&self, key: &'static str) -> Result<String, ProtocolError> {
        match self.require(key)? {
            Value::Text(t) => Ok(t.clone()),
            _ => Err(ProtocolError::WrongType {
                field: key,
                expected: "a text string",
            }),
        }
    }

    fn peer(&self, key: &'static str) -> Result<PeerId, ProtocolError> {
        self.text(key).map(PeerId::new)
    }

    fn document_id(&self) -> Result<DocumentId, ProtocolError> {
        Ok(self.text("documentId")?.parse()?)
    }

    fn bytes(&self, key: &'static str) -> Result<Vec<u8>, ProtocolError> {
        match self.require(key)? {
            Value::Bytes(b) => Ok(b.clone()),
            // cbor-x may tag typed arrays (tag 64 = uint8 array).
            Value::Tag(64, inner) => match inner.as_ref() {
                Value::Bytes(b) => Ok(b.clone()),
                _ => Err(ProtocolError::WrongType {
                    field: key,
                    expected: "a byte string",
                }),
            },
            _ => Err(ProtocolError::WrongType {
                field: key,
                expected: "a byte string",
            }),
        }
    }

    fn uint(&self, key: &'static str) -> Result<u64, ProtocolError> {
        match self.require(key)? {
            Value::Integer(i) => u64::try_from(*i).map_err(|_| ProtocolError::WrongType {
                field: key,
                expected: "an unsigned integer",
            }),
            _ => Err(ProtocolError::WrongType {
                field: key,
                expected: "an unsigned integer",
            }),
        }
    }

    fn text_list(&self, key: &'static str) -> Result<Vec<String>, ProtocolError> {
        let wrong = ProtocolError::WrongType {
            field: key,
            expected: "an array of text strings",
        };
        match self.require(key)? {
            Value::Array(items) => items
                .iter()
                .map(|v| match v {
                    Value::Text(t) => Ok(t.clone()),
                    _ => Err(wrong.clone()),
                })
                .collect(),
            _ => Err(wrong),
        }
    }

    fn metadata(&self) -> Result<Option<PeerMetadata>, ProtocolError> {
        let Some(v) = self.get("metadata") else {
            return Ok(None);
        };
        let Value::Map(entries) = v else {
            return Err(ProtocolError::WrongType {
                field: "metadata",
                expected: "a map",
            });
        };
        let m = Fields(entries.clone());
        Ok(Some(PeerMetadata {
            storage_id: match m.get("storageId") {
                Some(Value::Text(t)) => Some(t.clone()),
                _ => None,
            },
            is_ephemeral: matches!(m.get("isEphemeral"), Some(Value::Bool(true))),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn doc() -> DocumentId {
        DocumentId::from_bytes([3; 16])
    }

    fn samples() -> Vec<Message> {
        let a = PeerId::new("client-a");
        let s = PeerId::new("server");
        vec![
            Message::Join {
                sender_id: a.clone(),
                supported_protocol_versions: vec!["1".into()],
                metadata: Some(PeerMetadata {
                    storage_id: Some("st".into()),
                    is_ephemeral: false,
                }),
            },
            Message::Join {
                sender_id: a.clone(),
                supported_protocol_versions: vec![],
                metadata: None,
            },
            Message::Peer {
                sender_id: s.clone(),
                target_id: a.clone(),
                selected_protocol_version: "1".into(),
                metadata: Some(PeerMetadata::default()),
            },
            Message::Error {
                message: "nej".into(),
            },
            Message::Request {
                document_id: doc(),
                sender_id: a.clone(),
                target_id: s.clone(),
                data: vec![0x42, 1, 2],
            },
            Message::Sync {
                document_id: doc(),
                sender_id: s.clone(),
                target_id: a.clone(),
                data: vec![],
            },
            Message::DocUnavailable {
                document_id: doc(),
                sender_id: s.clone(),
                target_id: a.clone(),
            },
            Message::Ephemeral {
                document_id: doc(),
                sender_id: a.clone(),
                target_id: s.clone(),
                count: 7,
                session_id: "sess".into(),
                data: vec![9; 3],
            },
            Message::Leave { sender_id: a },
        ]
    }

    #[test]
    fn every_message_kind_round_trips() {
        for m in samples() {
            assert_eq!(Message::decode(&m.encode()), Ok(m.clone()), "{m:?}");
        }
    }

    #[test]
    fn unknown_types_are_reported_not_rejected() {
        let mut bytes = Vec::new();
        let v = Value::Map(vec![(text("type"), text("remote-heads-changed"))]);
        ciborium::ser::into_writer(&v, &mut bytes).unwrap();
        assert_eq!(
            Message::decode(&bytes),
            Ok(Message::Unknown {
                message_type: "remote-heads-changed".into()
            })
        );
    }

    #[test]
    fn hostile_frames_give_named_errors() {
        assert!(matches!(
            Message::decode(b"\xff\x00garbage"),
            Err(ProtocolError::Cbor(_))
        ));
        let good = samples()[4].encode();
        assert!(matches!(
            Message::decode(&good[..good.len() - 2]),
            Err(ProtocolError::Cbor(_))
        ));
        // 1000 nested arrays.
        let nested = [vec![0x81u8; 1000], vec![0x00]].concat();
        assert_eq!(
            Message::decode(&nested),
            Err(ProtocolError::Cbor("nested too deeply".into()))
        );
        let mut no_doc = Vec::new();
        let v = Value::Map(vec![
            (text("type"), text("sync")),
            (text("documentId"), text("../../etc")),
        ]);
        ciborium::ser::into_writer(&v, &mut no_doc).unwrap();
        assert!(matches!(
            Message::decode(&no_doc),
            Err(ProtocolError::DocumentId(_))
        ));
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(
            Message::decode(&trailing),
            Err(ProtocolError::TrailingBytes)
        );
    }

    proptest! {
        #[test]
        fn decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = Message::decode(&bytes);
        }

        #[test]
        fn sync_round_trips(data in proptest::collection::vec(any::<u8>(), 0..256), id in any::<[u8; 16]>(), peer in "[a-z0-9-]{1,20}") {
            let m = Message::Sync {
                document_id: DocumentId::from_bytes(id),
                sender_id: PeerId::new(peer.clone()),
                target_id: PeerId::new("server"),
                data,
            };
            prop_assert_eq!(Message::decode(&m.encode()), Ok(m));
        }
    }
}
