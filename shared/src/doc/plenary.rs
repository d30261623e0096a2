//! The plenary document: the facilitator's summary per question and of the whole day, and the
//! follow-up actions with where they stand.

use super::schema::{
    check_header, ensure_text, find_by_id, header, list_items, obj_at, str_at, text_map,
};
use super::text_field::OVERALL;
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
    let mut changed = ensure_text(d, &automerge::ROOT, OVERALL)?;
    for q in &w.questions {
        changed |= ensure_text(d, &summary, &q.id)?;
    }
    Ok(changed)
}

/// Where a follow-up action stands; the follow-up meeting moves it along.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    #[default]
    NotStarted,
    InProgress,
    Done,
}

impl ActionStatus {
    pub const ALL: [ActionStatus; 3] = [Self::NotStarted, Self::InProgress, Self::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::InProgress => "in_progress",
            Self::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// A follow-up action agreed in the plenary.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    pub id: String,
    pub text: String,
    pub owner: String,
    /// Free text, usually a date.
    pub due: String,
    #[serde(default)]
    pub status: ActionStatus,
    /// What the follow-up meeting said about it.
    #[serde(default)]
    pub comment: String,
    /// A due date the follow-up meeting moved it to; empty while `due` holds.
    #[serde(default)]
    pub new_due: String,
}

impl FollowUp {
    pub fn is_done(&self) -> bool {
        self.status == ActionStatus::Done
    }

    /// When it is due now: the new date if the follow-up meeting set one.
    pub fn due_now(&self) -> &str {
        if self.new_due.trim().is_empty() {
            &self.due
        } else {
            &self.new_due
        }
    }
}

/// A plenary document, read into plain data.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlenaryNotes {
    /// question id → curated summary
    pub summary: BTreeMap<String, String>,
    /// The facilitator's summary of the whole day.
    #[serde(default)]
    pub overall: String,
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
                status: status_at(doc, o),
                comment: str_at(doc, o, "comment").unwrap_or_default(),
                new_due: str_at(doc, o, "new_due").unwrap_or_default(),
            })
        })
        .collect();
    let overall = match doc.get(&root, OVERALL).ok().flatten() {
        Some((Value::Object(ObjType::Text), id)) => doc.text(&id).unwrap_or_default(),
        _ => String::new(),
    };
    Ok(PlenaryNotes {
        summary: text_map(doc, &summary),
        overall,
        follow_up,
    })
}

/// How many of the actions written now are new or changed since `before` (what a catch-up
/// reader is told is new in the follow-up).
pub fn changed_actions(before: &PlenaryNotes, now: &PlenaryNotes) -> usize {
    now.follow_up
        .iter()
        .filter(|f| !f.text.trim().is_empty())
        .filter(|f| before.follow_up.iter().find(|b| b.id == f.id) != Some(*f))
        .count()
}

/// An action's status: `status` where a client wrote one; an action from before statuses has
/// only its `done` flag (done, or not started).
fn status_at(doc: &impl ReadDoc, o: &automerge::ObjId) -> ActionStatus {
    if let Some(s) = str_at(doc, o, "status").and_then(|s| ActionStatus::parse(&s)) {
        return s;
    }
    if done_at(doc, o) {
        ActionStatus::Done
    } else {
        ActionStatus::NotStarted
    }
}

fn done_at(doc: &impl ReadDoc, o: &automerge::ObjId) -> bool {
    matches!(
        doc.get(o, "done").ok().flatten(),
        Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(true))
    )
}

/// One part of a follow-up action, which one person may change while another changes
/// another part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKey {
    Text,
    Owner,
    Due,
    Status,
    Comment,
    NewDue,
}

impl ActionKey {
    pub const ALL: [ActionKey; 6] = [
        Self::Text,
        Self::Owner,
        Self::Due,
        Self::Status,
        Self::Comment,
        Self::NewDue,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Owner => "owner",
            Self::Due => "due",
            Self::Status => "status",
            Self::Comment => "comment",
            Self::NewDue => "new_due",
        }
    }

    /// This part of `f`.
    pub fn of(self, f: &FollowUp) -> &str {
        match self {
            Self::Text => &f.text,
            Self::Owner => &f.owner,
            Self::Due => &f.due,
            Self::Status => f.status.as_str(),
            Self::Comment => &f.comment,
            Self::NewDue => &f.new_due,
        }
    }
}

/// One change to the follow-up list (summaries are text fields: [`doc::edit_text`] with
/// [`TextRef::Summary`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlenaryEdit {
    AddFollowUp {
        id: String,
    },
    /// Every part of an action (those that differ from the document are written).
    FollowUp(FollowUp),
    /// One part of an action: what an editor sends, so that a screen drawn a moment before
    /// someone else's change never writes that part back.
    Action {
        id: String,
        key: ActionKey,
        value: String,
    },
    RemoveFollowUp {
        id: String,
    },
}

/// Write one part of an action, only if it changes (a status keeps the old `done` flag, which
/// readers from before statuses read, in step).
fn put_part(
    doc: &mut AutoCommit,
    o: &automerge::ObjId,
    key: ActionKey,
    value: &str,
) -> Result<(), SchemaError> {
    if value.len() > MAX_TEXT {
        return Err(Invalid::TooLong.into());
    }
    if key == ActionKey::Status {
        let done =
            ActionStatus::parse(value).ok_or(SchemaError::Field("status"))? == ActionStatus::Done;
        if done_at(doc, o) != done {
            doc.put(o, "done", done)?;
        }
    }
    if str_at(doc, o, key.as_str()).as_deref() != Some(value) {
        doc.put(o, key.as_str(), value)?;
    }
    Ok(())
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
            doc.put(&o, "status", ActionStatus::NotStarted.as_str())?;
            doc.put(&o, "done", false)?;
        }
        PlenaryEdit::FollowUp(f) => {
            if ActionKey::ALL.iter().any(|k| k.of(f).len() > MAX_TEXT) {
                return Err(Invalid::TooLong.into());
            }
            let (_, o) = find_by_id(doc, &list, &f.id).ok_or(SchemaError::NoSuchText)?;
            for key in ActionKey::ALL {
                put_part(doc, &o, key, key.of(f))?;
            }
        }
        PlenaryEdit::Action { id, key, value } => {
            let (_, o) = find_by_id(doc, &list, id).ok_or(SchemaError::NoSuchText)?;
            put_part(doc, &o, *key, value)?;
        }
        PlenaryEdit::RemoveFollowUp { id } => {
            if let Some((i, _)) = find_by_id(doc, &list, id) {
                doc.delete(&list, i)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
