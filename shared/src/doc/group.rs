//! A group's document: its id, its structure (made by the server), reading it, highlights.

use super::SchemaError;
use super::schema::{
    check_header, derived_doc_id, ensure_text, header, list_items, obj_at, req_str, str_at,
    text_map,
};
use super::text_field::TextRef;
use super::workshop::{Group, Workshop};
use crate::ids::DocumentId;
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The document id of a group's notes: derived from the workshop and group ids, so a
/// facilitator can add a group offline and the server creates the same document later.
/// Knowing an id grants nothing; access goes by capability.
pub fn group_doc_id(workshop_id: &str, group_id: &str) -> DocumentId {
    derived_doc_id(b"samtal-group-doc-v1", &[workshop_id, group_id])
}

/// An empty group document (the server fills it with [`ensure_group_structure`]).
pub fn new_group_doc(workshop_id: &str, group_id: &str) -> Result<AutoCommit, SchemaError> {
    let mut d = AutoCommit::new();
    let root = automerge::ROOT;
    header(&mut d, "group", workshop_id)?;
    d.put(&root, "group_id", group_id)?;
    d.put_object(&root, "answers", ObjType::Map)?;
    d.put_object(&root, "reflections", ObjType::Map)?;
    d.put_object(&root, "highlights", ObjType::List)?;
    d.put(&root, "present", ScalarValue::Uint(0))?;
    Ok(d)
}

/// Give a group document a Text for every question and case field the workshop now has for
/// the group's area. Server only (see the module invariant). Returns whether anything changed.
pub fn ensure_group_structure(
    d: &mut AutoCommit,
    w: &Workshop,
    g: &Group,
) -> Result<bool, SchemaError> {
    check_header(d, "group")?;
    let root = automerge::ROOT;
    let answers = obj_at(d, &root, "answers", ObjType::Map)?;
    let refl = obj_at(d, &root, "reflections", ObjType::Map)?;
    let mut changed = false;
    for q in w.questions_for(&g.area) {
        changed |= ensure_text(d, &answers, &q.id)?;
    }
    for c in w.cases_for(&g.area) {
        let per_case = match d.get(&refl, c.id.as_str())? {
            Some((Value::Object(ObjType::Map), id)) => id,
            _ => {
                changed = true;
                d.put_object(&refl, c.id.as_str(), ObjType::Map)?
            }
        };
        for f in w.fields_for(c) {
            changed |= ensure_text(d, &per_case, &f.id)?;
        }
    }
    Ok(changed)
}

/// A group document, read into plain data.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct GroupNotes {
    pub workshop_id: String,
    pub group_id: String,
    pub answers: BTreeMap<String, String>,
    /// case id → field id → text
    pub reflections: BTreeMap<String, BTreeMap<String, String>>,
    /// Keys ([`TextRef::key`]) of the fields the group lifted to the plenary.
    pub highlights: BTreeSet<String>,
    /// Its devices' ballots: `ballot:<vote>:<voter>` → the dots (see `vote.rs`).
    #[serde(default)]
    pub ballots: BTreeMap<String, String>,
}

impl GroupNotes {
    pub fn text(&self, r: &TextRef) -> Option<&str> {
        match r {
            TextRef::Answer { question_id } => self.answers.get(question_id),
            TextRef::Reflection { case_id, field_id } => {
                self.reflections.get(case_id)?.get(field_id)
            }
            TextRef::Summary { .. } | TextRef::Overall | TextRef::CaseBody { .. } => None,
        }
        .map(String::as_str)
    }

    pub fn is_highlighted(&self, r: &TextRef) -> bool {
        self.highlights.contains(&r.key())
    }

    /// How many answers and reflection fields have text.
    pub fn filled(&self) -> (usize, usize) {
        let answers = self
            .answers
            .values()
            .filter(|t| !t.trim().is_empty())
            .count();
        let cases = self
            .reflections
            .values()
            .filter(|f| f.values().any(|t| !t.trim().is_empty()))
            .count();
        (answers, cases)
    }
}

/// Read a group document.
pub fn read_group(doc: &impl ReadDoc) -> Result<GroupNotes, SchemaError> {
    check_header(doc, "group")?;
    let root = automerge::ROOT;
    let answers = obj_at(doc, &root, "answers", ObjType::Map)?;
    let refl = obj_at(doc, &root, "reflections", ObjType::Map)?;
    let reflections = doc
        .keys(&refl)
        .filter_map(|key| match doc.get(&refl, key.as_str()).ok()?? {
            (Value::Object(ObjType::Map), id) => Some((key, text_map(doc, &id))),
            _ => None,
        })
        .collect();
    let highlights = match doc.get(&root, "highlights")? {
        Some((Value::Object(ObjType::List), list)) => list_items(doc, &list)
            .iter()
            .filter_map(|o| str_at(doc, o, "source"))
            .collect(),
        _ => BTreeSet::new(),
    };
    let ballots = doc
        .keys(&root)
        .filter(|k| super::is_ballot_key(k))
        .filter_map(|k| str_at(doc, &root, &k).map(|v| (k, v)))
        .collect();
    Ok(GroupNotes {
        workshop_id: req_str(doc, &root, "workshop_id")?,
        group_id: req_str(doc, &root, "group_id")?,
        answers: text_map(doc, &answers),
        reflections,
        highlights,
        ballots,
    })
}

/// Put this device's dots for a vote (all of them at once: one value, so two tabs of one
/// browser can never add up past the vote's dots). More than [`super::MAX_DOTS`] is refused.
pub fn set_ballot(
    doc: &mut AutoCommit,
    vote_id: &str,
    voter: &str,
    dots: &[String],
) -> Result<(), SchemaError> {
    check_header(doc, "group")?;
    let key = super::ballot_key(vote_id, voter);
    let value = super::format_ballot(dots);
    if !super::is_ballot_key(&key) || super::parse_ballot(&value).is_none() {
        return Err(SchemaError::Field("ballot"));
    }
    doc.put(&automerge::ROOT, key.as_str(), value.as_str())?;
    Ok(())
}

/// Mark (or unmark) a group field as "lift to plenary".
pub fn set_highlight(doc: &mut AutoCommit, r: &TextRef, on: bool) -> Result<(), SchemaError> {
    check_header(doc, "group")?;
    let list = obj_at(doc, &automerge::ROOT, "highlights", ObjType::List)?;
    let key = r.key();
    let existing: Vec<usize> = (0..doc.length(&list))
        .filter(|&i| match doc.get(&list, i) {
            Ok(Some((Value::Object(ObjType::Map), o))) => {
                str_at(doc, &o, "source").as_deref() == Some(key.as_str())
            }
            _ => false,
        })
        .collect();
    if on && existing.is_empty() {
        let at = doc.length(&list);
        let o = doc.insert_object(&list, at, ObjType::Map)?;
        doc.put(&o, "id", key.as_str())?;
        doc.put(&o, "source", key.as_str())?;
    } else if !on {
        for i in existing.into_iter().rev() {
            doc.delete(&list, i)?;
        }
    }
    Ok(())
}
