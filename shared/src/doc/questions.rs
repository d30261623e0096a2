//! The question box: questions and challenges for the follow-up meeting, sent by the groups
//! and by those catching up; the facilitator picks and orders the ones the meeting takes up.
//!
//! Layout: `schema, kind="questions", workshop_id, q:<id> → {text, at}, agenda, set_aside`.
//! Each question is a map of its own under a top-level key nobody else uses, so two devices
//! adding offline never touch the same object, and an append-only writer (see `policy.rs`)
//! adds one without touching anything that is there. `agenda` and `set_aside` are the
//! facilitator's: question ids separated by spaces, in her order. Nothing is ever removed:
//! a question she does not take up is set aside, and can be brought back.

use super::schema::{derived_doc_id, header, kind_of, str_at};
use super::{Invalid, SchemaError};
use crate::ids::{DocumentId, is_item_id};
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};

/// The key prefix of a question (`q:<id>`).
pub const QUESTION_PREFIX: &str = "q:";
/// Longest question, in bytes (a paragraph or two).
pub const MAX_QUESTION: usize = 2_000;
/// Most ids in the agenda or the set-aside list.
pub const MAX_PICKED: usize = 500;

const KIND: &str = "questions";

/// The question box's document id: derived from the workshop's, like a group's, so every
/// instance and every client knows it without asking.
pub fn questions_doc_id(workshop_id: &str) -> DocumentId {
    derived_doc_id(b"samtal-questions-doc-v1", &[workshop_id])
}

/// An empty question box (made by the server when the workshop is).
pub fn new_questions_doc(workshop_id: &str) -> Result<AutoCommit, SchemaError> {
    let mut d = AutoCommit::new();
    header(&mut d, KIND, workshop_id)?;
    Ok(d)
}

/// Whether a top-level key names a question.
pub fn is_question_key(key: &str) -> bool {
    key.strip_prefix(QUESTION_PREFIX).is_some_and(is_item_id)
}

/// Whether `text` may be sent as a question: something besides spaces, at most
/// [`MAX_QUESTION`] bytes.
pub fn question_ok(text: &str) -> Result<(), Invalid> {
    if text.trim().is_empty() {
        return Err(Invalid::EmptyQuestion);
    }
    if text.len() > MAX_QUESTION {
        return Err(Invalid::TooLong);
    }
    Ok(())
}

/// One question as sent: never changed afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub id: String,
    pub text: String,
    /// When it was written, unix seconds, as the sending device's clock said (for the order
    /// only).
    pub at: i64,
}

/// The question box as read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QuestionBox {
    /// Every question, oldest first.
    pub questions: Vec<Submitted>,
    /// The ids the follow-up meeting takes up, in the facilitator's order.
    pub agenda: Vec<String>,
    /// The ids she set aside.
    pub set_aside: Vec<String>,
}

impl QuestionBox {
    fn get(&self, id: &str) -> Option<&Submitted> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The agenda's questions, in order.
    pub fn on_agenda(&self) -> Vec<&Submitted> {
        self.agenda.iter().filter_map(|id| self.get(id)).collect()
    }

    /// The questions set aside, in the order they came.
    pub fn aside(&self) -> Vec<&Submitted> {
        self.questions
            .iter()
            .filter(|q| self.set_aside.contains(&q.id) && !self.agenda.contains(&q.id))
            .collect()
    }

    /// The questions not yet sorted, in the order they came.
    pub fn unsorted(&self) -> Vec<&Submitted> {
        self.questions
            .iter()
            .filter(|q| !self.agenda.contains(&q.id) && !self.set_aside.contains(&q.id))
            .collect()
    }
}

/// Ids in a stored list: valid ones, each once, at most [`MAX_PICKED`].
fn ids_in(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for id in s.split(' ').filter(|id| is_item_id(id)) {
        if out.len() < MAX_PICKED && !out.iter().any(|o| o == id) {
            out.push(id.to_owned());
        }
    }
    out
}

/// Whether a stored list of ids is well formed (what the write rules accept).
pub fn id_list_ok(s: &str) -> bool {
    s.is_empty() || {
        let ids: Vec<&str> = s.split(' ').collect();
        ids.len() <= MAX_PICKED && ids.iter().all(|id| is_item_id(id))
    }
}

/// Read the question box. A copy made on a device before it first synced has no header yet
/// (its questions are waiting to be sent): read as it is.
pub fn read_questions(doc: &impl ReadDoc) -> Result<QuestionBox, SchemaError> {
    let root = automerge::ROOT;
    if let Some(kind) = kind_of(doc)
        && kind != KIND
    {
        return Err(SchemaError::WrongKind { expected: KIND });
    }
    let mut questions: Vec<Submitted> = doc
        .keys(&root)
        .filter(|k| is_question_key(k))
        .filter_map(|key| {
            let (Value::Object(ObjType::Map), obj) = doc.get(&root, key.as_str()).ok()?? else {
                return None;
            };
            let text = str_at(doc, &obj, "text")?;
            let at = match doc.get(&obj, "at").ok()?? {
                (Value::Scalar(s), _) => match s.as_ref() {
                    ScalarValue::Int(v) => *v,
                    _ => 0,
                },
                _ => 0,
            };
            Some(Submitted {
                id: key[QUESTION_PREFIX.len()..].to_owned(),
                text,
                at,
            })
        })
        .collect();
    questions.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));
    let list = |key| ids_in(&str_at(doc, &root, key).unwrap_or_default());
    Ok(QuestionBox {
        questions,
        agenda: list("agenda"),
        set_aside: list("set_aside"),
    })
}

/// Add a question (`id` a fresh item id, `at` unix seconds). Every writer may; nothing else
/// in the document changes.
pub fn add_question(d: &mut AutoCommit, id: &str, text: &str, at: i64) -> Result<(), SchemaError> {
    if !is_item_id(id) {
        return Err(Invalid::BadId.into());
    }
    question_ok(text)?;
    let key = format!("{QUESTION_PREFIX}{id}");
    if d.get(automerge::ROOT, key.as_str())?.is_some() {
        return Err(Invalid::DuplicateId.into());
    }
    let q = d.put_object(automerge::ROOT, key.as_str(), ObjType::Map)?;
    d.put(&q, "text", text.trim())?;
    d.put(&q, "at", ScalarValue::Int(at))?;
    Ok(())
}

/// How the facilitator sorts the box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sorting {
    /// Put a question on the agenda (last), out of the set-aside list.
    ToAgenda(String),
    /// Move an agenda question one place earlier (`true`) or later.
    Move { id: String, earlier: bool },
    /// Take a question off the agenda and set it aside.
    SetAside(String),
    /// Back to the unsorted questions.
    Unsort(String),
}

/// Sort the box (the facilitator's link only: the write rules refuse `agenda` and
/// `set_aside` from anyone else).
pub fn sort_questions(d: &mut AutoCommit, sorting: &Sorting) -> Result<(), SchemaError> {
    let b = read_questions(d)?;
    let (mut agenda, mut aside) = (b.agenda, b.set_aside);
    let known = |id: &str| b.questions.iter().any(|q| q.id == id);
    let id = match sorting {
        Sorting::ToAgenda(id) | Sorting::SetAside(id) | Sorting::Unsort(id) => id,
        Sorting::Move { id, .. } => id,
    };
    if !known(id) {
        return Err(Invalid::NoSuchItem.into());
    }
    agenda.retain(|a| a != id || matches!(sorting, Sorting::Move { .. }));
    aside.retain(|a| a != id);
    match sorting {
        Sorting::ToAgenda(_) => agenda.push(id.clone()),
        Sorting::SetAside(_) => aside.push(id.clone()),
        Sorting::Unsort(_) => {}
        Sorting::Move { earlier, .. } => {
            let Some(i) = agenda.iter().position(|a| a == id) else {
                return Err(Invalid::NoSuchItem.into());
            };
            let j = if *earlier {
                i.checked_sub(1)
            } else {
                (i + 1 < agenda.len()).then_some(i + 1)
            };
            if let Some(j) = j {
                agenda.swap(i, j);
            }
        }
    }
    if agenda.len() > MAX_PICKED || aside.len() > MAX_PICKED {
        return Err(Invalid::TooManyItems.into());
    }
    d.put(automerge::ROOT, "agenda", agenda.join(" "))?;
    d.put(automerge::ROOT, "set_aside", aside.join(" "))?;
    Ok(())
}

#[cfg(test)]
mod tests;
