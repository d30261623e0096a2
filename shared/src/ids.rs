//! Identifiers: automerge-repo document ids (16 bytes, bs58check) and peer ids.

use std::fmt;
use std::str::FromStr;

/// A document id: 16 random bytes, written as bs58check like automerge-repo does
/// (`automerge:<id>` URLs use the same string).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId([u8; 16]);

/// Why a string is not a valid document id.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum DocumentIdError {
    #[error("document id is not valid bs58check: {0}")]
    Encoding(String),
    #[error("document id must be 16 bytes, got {0}")]
    Length(usize),
}

impl DocumentId {
    pub const fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    pub const fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The `automerge:` URL that automerge-repo clients pass to `repo.find`.
    pub fn automerge_url(&self) -> String {
        format!("automerge:{self}")
    }
}

impl fmt::Display for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&bs58::encode(self.0).with_check().into_string())
    }
}

impl fmt::Debug for DocumentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocumentId({self})")
    }
}

impl FromStr for DocumentId {
    type Err = DocumentIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.strip_prefix("automerge:").unwrap_or(s);
        // 16 bytes + 4 check bytes never need more than 28 base58 digits; refuse long input early.
        if s.len() > 40 {
            return Err(DocumentIdError::Encoding("too long".into()));
        }
        let bytes = bs58::decode(s)
            .with_check(None)
            .into_vec()
            .map_err(|e| DocumentIdError::Encoding(e.to_string()))?;
        let arr: [u8; 16] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| DocumentIdError::Length(bytes.len()))?;
        Ok(Self(arr))
    }
}

/// Document ids a connection has seen, with their text. Writing or checking base58check hashes
/// twice, and a connection sends and receives the same few ids on every message; the cache
/// keeps the last [`IdCache::CAPACITY`] (most recent first).
#[derive(Debug, Default, Clone)]
pub struct IdCache {
    entries: Vec<(DocumentId, String)>,
}

impl IdCache {
    /// Enough for the documents one screen syncs (workshop, group, plenary) and then some.
    pub const CAPACITY: usize = 8;

    /// The text of `id`.
    pub fn text(&mut self, id: DocumentId) -> &str {
        match self.entries.iter().position(|(i, _)| *i == id) {
            Some(at) => self.entries[..=at].rotate_right(1),
            None => self.remember(id, id.to_string()),
        }
        &self.entries[0].1
    }

    /// Parse a document id (as [`DocumentId::from_str`]).
    pub fn parse(&mut self, s: &str) -> Result<DocumentId, DocumentIdError> {
        if let Some(at) = self.entries.iter().position(|(_, t)| t == s) {
            self.entries[..=at].rotate_right(1);
            return Ok(self.entries[0].0);
        }
        let id: DocumentId = s.parse()?;
        // Base58check text is one-to-one with the bytes, so `s` is the id's text (unless it is
        // an `automerge:` URL, which is parsed each time).
        if !s.starts_with("automerge:") {
            self.remember(id, s.to_owned());
        }
        Ok(id)
    }

    /// Put a new entry first, dropping the least recently used one when full.
    fn remember(&mut self, id: DocumentId, text: String) {
        self.entries.truncate(Self::CAPACITY - 1);
        self.entries.insert(0, (id, text));
    }
}

impl serde::Serialize for DocumentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// In the API's contract a document id is its text: base58check, as automerge-repo writes it.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for DocumentId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some("An Automerge document id (base58check)."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for DocumentId {}

impl<'de> serde::Deserialize<'de> for DocumentId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A peer id as sent in `senderId`/`targetId`. Opaque text chosen by each peer.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct PeerId(String);

impl PeerId {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether `s` may be an item id (a group, question, case or field): 1 to 64 of
/// `A-Z a-z 0-9 _ -`. Ids travel in link targets, database rows and `NOTIFY` payloads, so
/// nothing else is accepted where they enter.
pub fn is_item_id(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests;
