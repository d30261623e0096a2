//! The automerge-repo WebSocket protocol, version "1": CBOR maps tagged by `type`.
//!
//! Spec: the README of automerge-repo's `packages/automerge-repo-network-websocket` (its CDDL).
//! Decoding goes through a generic CBOR value with a recursion limit, so hostile input (deep
//! nesting, wrong types, unknown fields) yields a [`ProtocolError`] naming what was wrong.

use crate::ids::{DocumentId, DocumentIdError, IdCache, PeerId};
use ciborium::Value;
use ciborium_ll::{Header, simple};

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
        self.encode_with(&mut IdCache::default())
    }

    /// [`Self::encode`], taking document ids' text from a connection's cache.
    pub fn encode_with(&self, ids: &mut IdCache) -> Vec<u8> {
        // Room for the keys, ids and headers, so the buffer is allocated once.
        let payload = match self {
            Message::Request { data, .. }
            | Message::Sync { data, .. }
            | Message::Ephemeral { data, .. } => data.len(),
            _ => 0,
        };
        let mut out = Frame::new(256 + payload);
        out.text_field("type", self.message_type());
        match self {
            Message::Join {
                sender_id,
                supported_protocol_versions,
                metadata,
            } => {
                out.text_field("senderId", sender_id.as_str());
                out.key("supportedProtocolVersions");
                out.head(Header::Array(Some(supported_protocol_versions.len())));
                for v in supported_protocol_versions {
                    out.text(v);
                }
                if let Some(m) = metadata {
                    out.metadata(m);
                }
            }
            Message::Peer {
                sender_id,
                target_id,
                selected_protocol_version,
                metadata,
            } => {
                out.text_field("senderId", sender_id.as_str());
                out.text_field("targetId", target_id.as_str());
                out.text_field("selectedProtocolVersion", selected_protocol_version);
                if let Some(m) = metadata {
                    out.metadata(m);
                }
            }
            Message::Error { message } => out.text_field("message", message),
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
                out.text_field("documentId", ids.text(*document_id));
                out.text_field("senderId", sender_id.as_str());
                out.text_field("targetId", target_id.as_str());
                out.bytes_field("data", data);
            }
            Message::DocUnavailable {
                document_id,
                sender_id,
                target_id,
            } => {
                out.text_field("documentId", ids.text(*document_id));
                out.text_field("senderId", sender_id.as_str());
                out.text_field("targetId", target_id.as_str());
            }
            Message::Ephemeral {
                document_id,
                sender_id,
                target_id,
                count,
                session_id,
                data,
            } => {
                out.text_field("documentId", ids.text(*document_id));
                out.text_field("senderId", sender_id.as_str());
                out.text_field("targetId", target_id.as_str());
                out.key("count");
                out.head(Header::Positive(*count));
                out.text_field("sessionId", session_id);
                out.bytes_field("data", data);
            }
            Message::Leave { sender_id } => out.text_field("senderId", sender_id.as_str()),
            Message::Unknown { .. } => {}
        }
        out.finish()
    }

    /// Decode one CBOR frame.
    pub fn decode(bytes: &[u8]) -> Result<Message, ProtocolError> {
        Self::decode_with(bytes, &mut IdCache::default())
    }

    /// [`Self::decode`], parsing document ids through a connection's cache.
    pub fn decode_with(bytes: &[u8], ids: &mut IdCache) -> Result<Message, ProtocolError> {
        match decode_doc_message(bytes, ids) {
            Some(msg) => Ok(msg),
            None => decode_value(bytes, ids),
        }
    }
}

/// The general decoder: any message, through a CBOR value tree with a recursion limit.
fn decode_value(bytes: &[u8], ids: &mut IdCache) -> Result<Message, ProtocolError> {
    let mut reader = bytes;
    let value: Value = ciborium::de::from_reader_with_recursion_limit(&mut reader, MAX_DEPTH)
        .map_err(|e| ProtocolError::Cbor(cbor_error(&e)))?;
    if !reader.is_empty() {
        return Err(ProtocolError::TrailingBytes);
    }
    let Value::Map(entries) = value else {
        return Err(ProtocolError::NotAMap);
    };
    let mut f = Fields(entries, ids);
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

fn cbor_error<T: std::fmt::Debug>(e: &ciborium::de::Error<T>) -> String {
    match e {
        ciborium::de::Error::Io(_) => "truncated frame".into(),
        ciborium::de::Error::Syntax(at) => format!("syntax error at byte {at}"),
        ciborium::de::Error::Semantic(_, msg) => msg.clone(),
        ciborium::de::Error::RecursionLimitExceeded => "nested too deeply".into(),
    }
}

/// A frame being written: CBOR items straight into the buffer, no value tree in between.
/// The top-level map's header is written last, from the keys actually written.
struct Frame {
    buf: Vec<u8>,
    fields: usize,
}

impl Frame {
    fn new(capacity: usize) -> Self {
        let mut buf = Vec::with_capacity(capacity);
        // The map header's place: one byte, as for every map of fewer than 24 fields.
        buf.push(0);
        Self { buf, fields: 0 }
    }

    fn finish(mut self) -> Vec<u8> {
        let mut header = Vec::with_capacity(1);
        // Writing into a Vec cannot fail.
        let _ = ciborium_ll::Encoder::from(&mut header).push(Header::Map(Some(self.fields)));
        self.buf.splice(..1, header);
        self.buf
    }

    fn head(&mut self, header: Header) {
        // Writing into a Vec cannot fail.
        let _ = ciborium_ll::Encoder::from(&mut self.buf).push(header);
    }

    fn text(&mut self, s: &str) {
        self.head(Header::Text(Some(s.len())));
        self.buf.extend_from_slice(s.as_bytes());
    }

    /// A key of the top-level map; its value follows.
    fn key(&mut self, key: &str) {
        self.fields += 1;
        self.text(key);
    }

    fn text_field(&mut self, key: &str, value: &str) {
        self.key(key);
        self.text(value);
    }

    fn bytes_field(&mut self, key: &str, value: &[u8]) {
        self.key(key);
        self.head(Header::Bytes(Some(value.len())));
        self.buf.extend_from_slice(value);
    }

    fn metadata(&mut self, m: &PeerMetadata) {
        self.key("metadata");
        self.head(Header::Map(Some(1 + usize::from(m.storage_id.is_some()))));
        if let Some(id) = &m.storage_id {
            self.text("storageId");
            self.text(id);
        }
        self.text("isEphemeral");
        self.head(Header::Simple(if m.is_ephemeral {
            simple::TRUE
        } else {
            simple::FALSE
        }));
    }
}

/// The frame nearly every message is (`sync` and `request`: four text fields and the bytes),
/// read straight off the wire. Anything else in it — other types or fields, indefinite
/// lengths, a key twice, trailing bytes — returns `None` and goes the general way through
/// [`Value`], which also names what is wrong. Accepts nothing the general way would not
/// decode to the same message (tested by `fast_path_agrees_with_the_general_decoder`).
fn decode_doc_message(bytes: &[u8], ids: &mut IdCache) -> Option<Message> {
    const KEYS: [&[u8]; 5] = [b"type", b"documentId", b"senderId", b"targetId", b"data"];
    let mut at = 0;
    let head = |at: &mut usize| -> Option<Header> {
        let mut dec = ciborium_ll::Decoder::from(bytes.get(*at..)?);
        let header = dec.pull().ok()?;
        *at += dec.offset();
        Some(header)
    };
    let take = |at: &mut usize, len: usize| -> Option<&[u8]> {
        let item = bytes.get(*at..at.checked_add(len)?)?;
        *at += len;
        Some(item)
    };
    if head(&mut at)? != Header::Map(Some(KEYS.len())) {
        return None;
    }
    let mut texts: [Option<&str>; 4] = [None; 4];
    let mut data: Option<Vec<u8>> = None;
    for _ in 0..KEYS.len() {
        let Header::Text(Some(len)) = head(&mut at)? else {
            return None;
        };
        let key = take(&mut at, len)?;
        let field = KEYS.iter().position(|k| *k == key)?;
        let mut header = head(&mut at)?;
        if field == 4 && header == Header::Tag(64) {
            // cbor-x may tag typed arrays (tag 64 = uint8 array).
            header = head(&mut at)?;
        }
        match (field, header) {
            (4, Header::Bytes(Some(len))) if data.is_none() => {
                data = Some(take(&mut at, len)?.to_vec());
            }
            (0..4, Header::Text(Some(len))) if texts[field].is_none() => {
                texts[field] = Some(std::str::from_utf8(take(&mut at, len)?).ok()?);
            }
            _ => return None,
        }
    }
    if at != bytes.len() {
        return None;
    }
    let [Some(ty), Some(doc), Some(sender), Some(target)] = texts else {
        return None;
    };
    let document_id = ids.parse(doc).ok()?;
    let (sender_id, target_id, data) = (PeerId::new(sender), PeerId::new(target), data?);
    match ty {
        "sync" => Some(Message::Sync {
            document_id,
            sender_id,
            target_id,
            data,
        }),
        "request" => Some(Message::Request {
            document_id,
            sender_id,
            target_id,
            data,
        }),
        _ => None,
    }
}

struct Fields<'a>(Vec<(Value, Value)>, &'a mut IdCache);

impl Fields<'_> {
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

    fn document_id(&mut self) -> Result<DocumentId, ProtocolError> {
        let text = self.text("documentId")?;
        Ok(self.1.parse(&text)?)
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
        let m = Fields(entries.clone(), &mut IdCache::default());
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
mod tests;
