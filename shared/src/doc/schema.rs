//! Reading and writing document paths: the header every document starts with, typed reads
//! of a key, list items by id.

use super::{SCHEMA_VERSION, SchemaError};
use automerge::{
    AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable,
};
use std::collections::BTreeMap;

pub(super) fn header(d: &mut AutoCommit, kind: &str, workshop_id: &str) -> Result<(), SchemaError> {
    d.put(automerge::ROOT, "schema", ScalarValue::Uint(SCHEMA_VERSION))?;
    d.put(automerge::ROOT, "kind", kind)?;
    d.put(automerge::ROOT, "workshop_id", workshop_id)?;
    Ok(())
}

/// A document id every instance and client derives alike: SHA-256 of `tag`, a NUL, then the
/// parts separated by NULs, cut to 16 bytes.
pub(super) fn derived_doc_id(tag: &[u8], parts: &[&str]) -> crate::ids::DocumentId {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(tag);
    h.update(b"\0");
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h.update(b"\0");
        }
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    crate::ids::DocumentId::from_bytes(bytes)
}

/// Create the Text object at `parent[key]` unless one is there. Returns whether it created one.
pub(super) fn ensure_text(
    d: &mut AutoCommit,
    parent: &ObjId,
    key: &str,
) -> Result<bool, SchemaError> {
    if let Some((Value::Object(ObjType::Text), _)) = d.get(parent, key)? {
        return Ok(false);
    }
    d.put_object(parent, key, ObjType::Text)?;
    Ok(true)
}

/// Which kind a stored document says it is.
pub fn kind_of(doc: &impl ReadDoc) -> Option<String> {
    str_at(doc, &automerge::ROOT, "kind")
}

pub(crate) fn check_header(doc: &impl ReadDoc, expected: &'static str) -> Result<(), SchemaError> {
    if kind_of(doc).as_deref() != Some(expected) {
        return Err(SchemaError::WrongKind { expected });
    }
    match doc.get(automerge::ROOT, "schema")? {
        Some((Value::Scalar(s), _)) => match s.as_ref() {
            ScalarValue::Uint(v) if *v <= SCHEMA_VERSION => Ok(()),
            ScalarValue::Int(v) if *v >= 0 && (*v as u64) <= SCHEMA_VERSION => Ok(()),
            ScalarValue::Uint(v) => Err(SchemaError::UnsupportedSchema { found: *v }),
            _ => Err(SchemaError::Field("schema")),
        },
        _ => Err(SchemaError::Field("schema")),
    }
}

pub(crate) fn str_at(doc: &impl ReadDoc, obj: &ObjId, key: &str) -> Option<String> {
    match doc.get(obj, key).ok()?? {
        (Value::Scalar(s), _) => match s.as_ref() {
            ScalarValue::Str(t) => Some(t.to_string()),
            _ => None,
        },
        (Value::Object(ObjType::Text), id) => doc.text(&id).ok(),
        _ => None,
    }
}

pub(crate) fn req_str(
    doc: &impl ReadDoc,
    obj: &ObjId,
    key: &'static str,
) -> Result<String, SchemaError> {
    str_at(doc, obj, key).ok_or(SchemaError::Field(key))
}

pub(crate) fn obj_at(
    doc: &impl ReadDoc,
    obj: &ObjId,
    key: &'static str,
    ty: ObjType,
) -> Result<ObjId, SchemaError> {
    match doc.get(obj, key)? {
        Some((Value::Object(t), id)) if t == ty => Ok(id),
        _ => Err(SchemaError::Field(key)),
    }
}

pub(crate) fn list_items(doc: &impl ReadDoc, list: &ObjId) -> Vec<ObjId> {
    (0..doc.length(list))
        .filter_map(|i| match doc.get(list, i).ok()?? {
            (Value::Object(_), id) => Some(id),
            _ => None,
        })
        .collect()
}

pub(crate) fn text_map(doc: &impl ReadDoc, obj: &ObjId) -> BTreeMap<String, String> {
    doc.keys(obj)
        .filter_map(|key| match doc.get(obj, key.as_str()).ok()?? {
            (Value::Object(ObjType::Text), id) => Some((key, doc.text(&id).ok()?)),
            _ => None,
        })
        .collect()
}

/// The index and object of the list item whose `id` is `id`.
pub(crate) fn find_by_id(doc: &impl ReadDoc, list: &ObjId, id: &str) -> Option<(usize, ObjId)> {
    (0..doc.length(list)).find_map(|i| match doc.get(list, i).ok()?? {
        (Value::Object(ObjType::Map), o) if str_at(doc, &o, "id").as_deref() == Some(id) => {
            Some((i, o))
        }
        _ => None,
    })
}
