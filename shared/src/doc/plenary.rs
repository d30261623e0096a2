//! The plenary document: the facilitator's summary per question and the follow-up actions.

use super::schema::{
    check_header, ensure_text, find_by_id, header, list_items, obj_at, str_at, text_map,
};
use super::workshop::Workshop;
use super::{Invalid, MAX_ITEMS, MAX_TEXT, SchemaError};
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An empty plenary document.
pub fn new_plenary_doc(workshop_id: &str) -> Result<AutoCommit, SchemaError> {
    let mut p = AutoCommit::new();
    let root = automerge::ROOT;
    header(&mut p, "plenary", workshop_id)?;
    p.put_object(&root, "summary", ObjType::Map)?;
    p.put_object(&root, "follow_up", ObjType::List)?;
    p.put_object(&root, "pinned", ObjType::List)?;
    Ok(p)
}

/// Give the plenary document a summary Text for every question. Server only.
pub fn ensure_plenary_structure(d: &mut AutoCommit, w: &Workshop) -> Result<bool, SchemaError> {
    check_header(d, "plenary")?;
    let summary = obj_at(d, &automerge::ROOT, "summary", ObjType::Map)?;
    let mut changed = false;
    for q in &w.questions {
        changed |= ensure_text(d, &summary, &q.id)?;
    }
    Ok(changed)
}

/// A follow-up action agreed in the plenary.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: String,
    pub text: String,
    pub owner: String,
    /// Free text, usually a date.
    pub due: String,
    pub done: bool,
}

/// A plenary document, read into plain data.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlenaryNotes {
    /// question id → curated summary
    pub summary: BTreeMap<String, String>,
    pub follow_up: Vec<FollowUp>,
}

/// Read a plenary document.
pub fn read_plenary(doc: &impl ReadDoc) -> Result<PlenaryNotes, SchemaError> {
    check_header(doc, "plenary")?;
    let root = automerge::ROOT;
    let summary = obj_at(doc, &root, "summary", ObjType::Map)?;
    let follow = obj_at(doc, &root, "follow_up", ObjType::List)?;
    let follow_up = list_items(doc, &follow)
        .iter()
        .filter_map(|o| {
            Some(FollowUp {
                id: str_at(doc, o, "id")?,
                text: str_at(doc, o, "text").unwrap_or_default(),
                owner: str_at(doc, o, "owner").unwrap_or_default(),
                due: str_at(doc, o, "due").unwrap_or_default(),
                done: matches!(
                    doc.get(o, "done").ok().flatten(),
                    Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(true))
                ),
            })
        })
        .collect();
    Ok(PlenaryNotes {
        summary: text_map(doc, &summary),
        follow_up,
    })
}

/// One change to the follow-up list (summaries are text fields: [`doc::edit_text`] with
/// [`TextRef::Summary`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlenaryEdit {
    AddFollowUp { id: String },
    FollowUp(FollowUp),
    RemoveFollowUp { id: String },
}

/// Apply one follow-up edit (not committed; the caller commits).
pub fn apply_plenary_edit(doc: &mut AutoCommit, edit: &PlenaryEdit) -> Result<(), SchemaError> {
    check_header(doc, "plenary")?;
    let list = obj_at(doc, &automerge::ROOT, "follow_up", ObjType::List)?;
    match edit {
        PlenaryEdit::AddFollowUp { id } => {
            if doc.length(&list) >= MAX_ITEMS {
                return Err(Invalid::TooManyItems.into());
            }
            let o = doc.insert_object(&list, doc.length(&list), ObjType::Map)?;
            doc.put(&o, "id", id.as_str())?;
            doc.put(&o, "text", "")?;
            doc.put(&o, "owner", "")?;
            doc.put(&o, "due", "")?;
            doc.put(&o, "done", false)?;
        }
        PlenaryEdit::FollowUp(f) => {
            if [&f.text, &f.owner, &f.due]
                .iter()
                .any(|t| t.len() > MAX_TEXT)
            {
                return Err(Invalid::TooLong.into());
            }
            let (_, o) = find_by_id(doc, &list, &f.id).ok_or(SchemaError::NoSuchText)?;
            doc.put(&o, "text", f.text.as_str())?;
            doc.put(&o, "owner", f.owner.as_str())?;
            doc.put(&o, "due", f.due.as_str())?;
            doc.put(&o, "done", f.done)?;
        }
        PlenaryEdit::RemoveFollowUp { id } => {
            if let Some((i, _)) = find_by_id(doc, &list, id) {
                doc.delete(&list, i)?;
            }
        }
    }
    Ok(())
}
