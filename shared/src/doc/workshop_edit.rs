//! The setup editor's changes to a workshop document (facilitator, online or offline).

use super::workshop::{insert_case, insert_field, insert_group, insert_question};
use super::*;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};

/// One change a facilitator makes in the setup editor. Item ids for new items come from the
/// caller (random, so two offline editors never collide).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkshopEdit {
    Title(String),
    Date(String),
    Phase(Phase),
    AccessUntil(String),
    AddMaterial,
    Material {
        index: usize,
        title: String,
        url: String,
    },
    RemoveMaterial {
        index: usize,
    },
    AddArea(String),
    RemoveArea {
        index: usize,
    },
    AddQuestion {
        id: String,
    },
    Question {
        id: String,
        text: String,
        area: Option<String>,
    },
    RemoveQuestion {
        id: String,
    },
    AddCase {
        id: String,
        area: String,
    },
    Case {
        id: String,
        title: String,
        area: String,
    },
    RemoveCase {
        id: String,
    },
    AddField {
        id: String,
    },
    Field {
        id: String,
        label: String,
    },
    RemoveField {
        id: String,
    },
    AddGroup {
        id: String,
        name: String,
        area: String,
    },
    Group {
        id: String,
        name: String,
        area: String,
    },
}

/// Apply one setup edit to a workshop document (not committed; the caller commits).
pub fn apply_workshop_edit(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    check_header(doc, "workshop")?;
    let bad = |m: &str| Err(SchemaError::InvalidSpec(m.to_owned()));
    let root = automerge::ROOT;
    let list = |doc: &AutoCommit, key: &'static str| obj_at(doc, &root, key, ObjType::List);
    let too_long = |texts: &[&str]| texts.iter().any(|t| t.len() > MAX_TEXT);
    let full = |doc: &AutoCommit, l: &ObjId| doc.length(l) >= MAX_ITEMS;
    if let WorkshopEdit::AddQuestion { id }
    | WorkshopEdit::AddCase { id, .. }
    | WorkshopEdit::AddField { id }
    | WorkshopEdit::AddGroup { id, .. } = edit
        && !crate::ids::is_item_id(id)
    {
        return bad("ids are 1 to 64 letters, digits, _ or -");
    }
    match edit {
        WorkshopEdit::Title(t) => {
            if t.trim().is_empty() || too_long(&[t]) {
                return bad("the title must be 1 to 20,000 characters");
            }
            doc.put(&root, "title", t.as_str())?;
        }
        WorkshopEdit::Date(d) | WorkshopEdit::AccessUntil(d) => {
            if parse_date(d).is_none() {
                return bad("dates are written YYYY-MM-DD");
            }
            let key = if matches!(edit, WorkshopEdit::Date(_)) {
                "date"
            } else {
                "access_until"
            };
            doc.put(&root, key, d.as_str())?;
        }
        WorkshopEdit::Phase(p) => doc.put(&root, "phase", p.as_str())?,
        WorkshopEdit::AddMaterial => {
            let l = list(doc, "materials")?;
            if full(doc, &l) {
                return bad("too many items");
            }
            let o = doc.insert_object(&l, doc.length(&l), ObjType::Map)?;
            doc.put(&o, "title", "")?;
            doc.put(&o, "url", "")?;
        }
        WorkshopEdit::Material { index, title, url } => {
            if too_long(&[title, url]) {
                return bad("a text is too long");
            }
            let l = list(doc, "materials")?;
            let Some(o) = list_items(doc, &l).get(*index).cloned() else {
                return bad("no such material");
            };
            doc.put(&o, "title", title.as_str())?;
            doc.put(&o, "url", url.as_str())?;
        }
        WorkshopEdit::RemoveMaterial { index } | WorkshopEdit::RemoveArea { index } => {
            let key = if matches!(edit, WorkshopEdit::RemoveArea { .. }) {
                "areas"
            } else {
                "materials"
            };
            let l = list(doc, key)?;
            if *index < doc.length(&l) {
                doc.delete(&l, *index)?;
            }
        }
        WorkshopEdit::AddArea(a) => {
            let l = list(doc, "areas")?;
            if a.trim().is_empty() || too_long(&[a]) || full(doc, &l) {
                return bad("an area needs a name");
            }
            doc.insert(&l, doc.length(&l), a.as_str())?;
        }
        WorkshopEdit::AddQuestion { id } => {
            let l = list(doc, "questions")?;
            if full(doc, &l) || find_by_id(doc, &l, id).is_some() {
                return bad("cannot add the question");
            }
            let q = Question {
                id: id.clone(),
                text: String::new(),
                area: None,
            };
            insert_question(doc, &l, doc.length(&l), &q)?;
        }
        WorkshopEdit::Question { id, text, area } => {
            if too_long(&[text]) {
                return bad("a text is too long");
            }
            let l = list(doc, "questions")?;
            let (_, o) = find_by_id(doc, &l, id).ok_or(SchemaError::NoSuchText)?;
            doc.put(&o, "text", text.as_str())?;
            match area.as_deref().filter(|a| !a.is_empty()) {
                Some(a) => doc.put(&o, "area", a)?,
                None => {
                    if doc.get(&o, "area")?.is_some() {
                        doc.delete(&o, "area")?;
                    }
                }
            }
        }
        WorkshopEdit::AddCase { id, area } => {
            let l = list(doc, "cases")?;
            if full(doc, &l) || find_by_id(doc, &l, id).is_some() {
                return bad("cannot add the case");
            }
            let c = Case {
                id: id.clone(),
                title: String::new(),
                area: area.clone(),
                body: String::new(),
            };
            insert_case(doc, &l, doc.length(&l), &c)?;
        }
        WorkshopEdit::Case { id, title, area } => {
            if too_long(&[title, area]) {
                return bad("a text is too long");
            }
            let l = list(doc, "cases")?;
            let (_, o) = find_by_id(doc, &l, id).ok_or(SchemaError::NoSuchText)?;
            doc.put(&o, "title", title.as_str())?;
            doc.put(&o, "area", area.as_str())?;
        }
        WorkshopEdit::AddField { id } => {
            let l = list(doc, "reflection_fields")?;
            if full(doc, &l) || find_by_id(doc, &l, id).is_some() {
                return bad("cannot add the field");
            }
            let f = Field {
                id: id.clone(),
                label: String::new(),
            };
            insert_field(doc, &l, doc.length(&l), &f)?;
        }
        WorkshopEdit::Field { id, label } => {
            if too_long(&[label]) {
                return bad("a text is too long");
            }
            let l = list(doc, "reflection_fields")?;
            let (_, o) = find_by_id(doc, &l, id).ok_or(SchemaError::NoSuchText)?;
            doc.put(&o, "label", label.as_str())?;
        }
        WorkshopEdit::RemoveQuestion { id }
        | WorkshopEdit::RemoveCase { id }
        | WorkshopEdit::RemoveField { id } => {
            let key = match edit {
                WorkshopEdit::RemoveQuestion { .. } => "questions",
                WorkshopEdit::RemoveCase { .. } => "cases",
                _ => "reflection_fields",
            };
            let l = list(doc, key)?;
            if let Some((i, _)) = find_by_id(doc, &l, id) {
                doc.delete(&l, i)?;
            }
        }
        WorkshopEdit::AddGroup { id, name, area } => {
            let l = list(doc, "groups")?;
            if name.trim().is_empty() || too_long(&[name, area]) {
                return bad("a group needs a name");
            }
            if full(doc, &l) || find_by_id(doc, &l, id).is_some() {
                return bad("cannot add the group");
            }
            let workshop_id = req_str(doc, &root, "workshop_id")?;
            let g = Group {
                doc_id: group_doc_id(&workshop_id, id),
                id: id.clone(),
                name: name.clone(),
                area: area.clone(),
            };
            insert_group(doc, &l, doc.length(&l), &g)?;
        }
        WorkshopEdit::Group { id, name, area } => {
            if name.trim().is_empty() || too_long(&[name, area]) {
                return bad("a group needs a name");
            }
            let l = list(doc, "groups")?;
            let (_, o) = find_by_id(doc, &l, id).ok_or(SchemaError::NoSuchText)?;
            doc.put(&o, "name", name.as_str())?;
            doc.put(&o, "area", area.as_str())?;
        }
    }
    Ok(())
}
