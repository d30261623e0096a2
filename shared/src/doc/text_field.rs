//! Every Text field, however it is reached: a group's answer or reflection, the plenary
//! summary, a case description. Reading and splicing into one.

use super::schema::{find_by_id, obj_at};
use super::{Invalid, SchemaError};
use crate::text::{self, Splice};
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, transaction::Transactable};
use serde::{Deserialize, Serialize};

/// The key of the day's overall summary (a Text at the top of the plenary document).
pub(super) const OVERALL: &str = "overall";

/// One text field: a group's answer or reflection, the plenary summary of a question, or a
/// case description in the workshop document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TextRef {
    Answer {
        question_id: String,
    },
    Reflection {
        case_id: String,
        field_id: String,
    },
    Summary {
        question_id: String,
    },
    /// The facilitator's summary of the whole day (plenary document).
    Overall,
    CaseBody {
        case_id: String,
    },
}

impl TextRef {
    /// A stable key, used for highlight sources: `a/q1`, `r/c1/best_interest`.
    pub fn key(&self) -> String {
        match self {
            TextRef::Answer { question_id } => format!("a/{question_id}"),
            TextRef::Reflection { case_id, field_id } => format!("r/{case_id}/{field_id}"),
            TextRef::Summary { question_id } => format!("s/{question_id}"),
            TextRef::Overall => "o".to_owned(),
            TextRef::CaseBody { case_id } => format!("b/{case_id}"),
        }
    }
}

/// The Text object behind a field.
pub fn text_obj(doc: &impl ReadDoc, r: &TextRef) -> Result<ObjId, SchemaError> {
    let root = automerge::ROOT;
    let (parent, key) = match r {
        TextRef::Answer { question_id } => (
            obj_at(doc, &root, "answers", ObjType::Map)?,
            question_id.as_str(),
        ),
        TextRef::Summary { question_id } => (
            obj_at(doc, &root, "summary", ObjType::Map)?,
            question_id.as_str(),
        ),
        TextRef::Overall => (root, OVERALL),
        TextRef::Reflection { case_id, field_id } => {
            let refl = obj_at(doc, &root, "reflections", ObjType::Map)?;
            match doc.get(&refl, case_id.as_str())? {
                Some((Value::Object(ObjType::Map), id)) => (id, field_id.as_str()),
                _ => return Err(SchemaError::NoSuchText),
            }
        }
        TextRef::CaseBody { case_id } => {
            let cases = obj_at(doc, &root, "cases", ObjType::List)?;
            let (_, case) = find_by_id(doc, &cases, case_id).ok_or(SchemaError::NoSuchText)?;
            (case, "body")
        }
    };
    match doc.get(&parent, key)? {
        Some((Value::Object(ObjType::Text), id)) => Ok(id),
        _ => Err(SchemaError::NoSuchText),
    }
}

/// The current text of a field, if the document has it.
pub fn read_text(doc: &impl ReadDoc, r: &TextRef) -> Option<String> {
    doc.text(text_obj(doc, r).ok()?).ok()
}

/// Set a text field to `new_value` with one minimal splice. Returns the splice made (in the
/// document's text encoding), or `None` if nothing changed.
pub fn edit_text(
    doc: &mut AutoCommit,
    r: &TextRef,
    new_value: &str,
) -> Result<Option<Splice>, SchemaError> {
    if new_value.len() > MAX_NOTE {
        return Err(Invalid::TooLong.into());
    }
    let obj = text_obj(doc, r)?;
    let old = doc.text(&obj)?;
    let Some(splice) = text::diff(&old, new_value, doc.text_encoding()) else {
        return Ok(None);
    };
    splice_into(doc, &obj, &old, splice)
}

/// The user changed a textarea from `seen` to `typed`. The document may already hold remote
/// edits the screen has not shown (`seen` is older than the document): the user's edit is
/// moved over them instead of the textarea's whole value replacing the document's text, which
/// would undo those edits and, merged with the other device's typing, duplicate text.
/// Returns the splice applied to the document.
pub fn type_into(
    doc: &mut AutoCommit,
    r: &TextRef,
    seen: &str,
    typed: &str,
) -> Result<Option<Splice>, SchemaError> {
    let enc = doc.text_encoding();
    let Some(edit) = text::diff(seen, typed, enc) else {
        return Ok(None);
    };
    let obj = text_obj(doc, r)?;
    let now = doc.text(&obj)?;
    let edit = match text::diff(seen, &now, enc) {
        None => edit,
        Some(remote) => edit.rebase(&remote, enc),
    };
    splice_into(doc, &obj, &now, edit)
}

/// Apply `splice` to the Text `obj`, which holds `now`, unless the result would be longer than
/// [`MAX_NOTE`].
fn splice_into(
    doc: &mut AutoCommit,
    obj: &ObjId,
    now: &str,
    splice: Splice,
) -> Result<Option<Splice>, SchemaError> {
    let after = splice
        .apply(now, doc.text_encoding())
        .ok_or(SchemaError::NoSuchText)?;
    if after.len() > MAX_NOTE {
        return Err(Invalid::TooLong.into());
    }
    let delete = isize::try_from(splice.delete).map_err(|_| SchemaError::NoSuchText)?;
    doc.splice_text(obj, splice.pos, delete, &splice.insert)?;
    Ok(Some(splice))
}

/// Longest text one field may hold (a generous page count of notes).
pub const MAX_NOTE: usize = 200_000;
