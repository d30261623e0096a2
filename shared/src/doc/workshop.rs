//! The workshop document: its items and reading it.

use super::schema::{check_header, list_items, obj_at, req_str, str_at};
use super::text_field::TextRef;
use super::{Phase, SchemaError};
use crate::ids::DocumentId;
use automerge::{
    AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable,
};
use serde::{Deserialize, Serialize};

/// A film, a text or a page to read before or during the day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Material {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub area: Option<String>,
    /// The trainer's tip for the facilitator (from a course package). It travels in the
    /// workshop document like the question itself: a tip, not a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Question {
    /// A question without an area is for every group.
    pub fn applies_to(&self, area: &str) -> bool {
        self.area.as_deref().is_none_or(|a| a == area)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub id: String,
    pub label: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub title: String,
    pub area: String,
    pub body: String,
    /// The case's own links, such as a filmed commentary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Material>,
    /// The case's own reflection fields; empty means the workshop's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// Which questions and cases the group gets: an area's, or "" for the questions every
    /// group gets (a mixed group's usual choice).
    pub area: String,
    pub doc_id: DocumentId,
    /// The round the group belongs to (1 for the day's first groups; see `rounds.rs`).
    #[serde(default = "first_round")]
    pub round: u32,
    /// A mixed group's people come from these areas (its provenance); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mix: Vec<String>,
}

fn first_round() -> u32 {
    1
}

/// Rounds a workshop may have (each a new set of groups with their own documents and links).
pub const MAX_ROUNDS: u32 = 9;

impl Group {
    /// A group whose people come from several areas.
    pub fn is_mixed(&self) -> bool {
        !self.mix.is_empty()
    }
}

/// A workshop document, read into plain data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workshop {
    pub workshop_id: String,
    pub title: String,
    pub date: String,
    pub phase: Phase,
    pub access_until: String,
    /// The organisation running the day and the facilitator's name, for the records' header;
    /// empty where she gave none.
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub facilitator: String,
    /// The follow-up meeting's date (`YYYY-MM-DD`), empty until she sets one.
    #[serde(default)]
    pub follow_up_date: String,
    /// The countdown every room sees.
    #[serde(default)]
    pub timer: super::Timer,
    /// The facilitator's message to all groups; empty for none.
    #[serde(default)]
    pub message: String,
    /// The vote she opened (or closed) in the plenary, if any.
    #[serde(default)]
    pub vote: Option<super::Vote>,
    pub materials: Vec<Material>,
    pub areas: Vec<String>,
    pub questions: Vec<Question>,
    pub reflection_fields: Vec<Field>,
    pub cases: Vec<Case>,
    pub groups: Vec<Group>,
    pub plenary_doc_id: DocumentId,
}

impl Workshop {
    pub fn group(&self, group_id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == group_id)
    }

    /// The rounds the workshop has, in order (always at least round 1).
    pub fn rounds(&self) -> Vec<u32> {
        let mut out: Vec<u32> = self.groups.iter().map(|g| g.round).collect();
        out.push(1);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The latest round: the one the plenary opens on.
    pub fn latest_round(&self) -> u32 {
        self.groups.iter().map(|g| g.round).max().unwrap_or(1)
    }

    /// The groups of one round, in the facilitator's order.
    pub fn groups_in(&self, round: u32) -> impl Iterator<Item = &Group> {
        self.groups.iter().filter(move |g| g.round == round)
    }

    pub fn questions_for<'a>(&'a self, area: &'a str) -> impl Iterator<Item = &'a Question> {
        self.questions.iter().filter(move |q| q.applies_to(area))
    }

    /// The reflection fields of one case: its own, or else the workshop's.
    pub fn fields_for<'a>(&'a self, case: &'a Case) -> &'a [Field] {
        if case.fields.is_empty() {
            &self.reflection_fields
        } else {
            &case.fields
        }
    }

    pub fn cases_for<'a>(&'a self, area: &'a str) -> impl Iterator<Item = &'a Case> {
        self.cases.iter().filter(move |c| c.area == area)
    }

    /// Every text field of a group in this area, in the order the group sees them, with a
    /// heading: the answers (by question), then each case's reflection fields.
    pub fn text_fields_for(&self, area: &str) -> Vec<(TextRef, String)> {
        let answers = self.questions_for(area).enumerate().map(|(i, q)| {
            let r = TextRef::Answer {
                question_id: q.id.clone(),
            };
            (r, format!("{}. {}", i + 1, q.text))
        });
        let reflections = self.cases_for(area).flat_map(|c| {
            self.fields_for(c).iter().map(move |f| {
                let r = TextRef::Reflection {
                    case_id: c.id.clone(),
                    field_id: f.id.clone(),
                };
                (r, format!("{} – {}", c.title, f.label))
            })
        });
        answers.chain(reflections).collect()
    }
}

/// Read a workshop document.
pub fn read_workshop(doc: &impl ReadDoc) -> Result<Workshop, SchemaError> {
    check_header(doc, "workshop")?;
    let root = automerge::ROOT;
    let materials = obj_at(doc, &root, "materials", ObjType::List)?;
    let areas = obj_at(doc, &root, "areas", ObjType::List)?;
    let questions = obj_at(doc, &root, "questions", ObjType::List)?;
    let fields = obj_at(doc, &root, "reflection_fields", ObjType::List)?;
    let cases = obj_at(doc, &root, "cases", ObjType::List)?;
    let groups = obj_at(doc, &root, "groups", ObjType::List)?;
    Ok(Workshop {
        workshop_id: req_str(doc, &root, "workshop_id")?,
        title: req_str(doc, &root, "title")?,
        date: req_str(doc, &root, "date")?,
        phase: Phase::parse(&req_str(doc, &root, "phase")?).ok_or(SchemaError::Field("phase"))?,
        access_until: req_str(doc, &root, "access_until")?,
        organisation: str_at(doc, &root, "organisation").unwrap_or_default(),
        facilitator: str_at(doc, &root, "facilitator").unwrap_or_default(),
        follow_up_date: str_at(doc, &root, "follow_up_date").unwrap_or_default(),
        timer: super::timer::stored(doc),
        message: str_at(doc, &root, "message").unwrap_or_default(),
        vote: str_at(doc, &root, "vote").and_then(|s| super::Vote::parse(&s)),
        materials: read_materials(doc, &materials)?,
        areas: read_strings(doc, &areas),
        questions: list_items(doc, &questions)
            .iter()
            .map(|o| {
                Ok(Question {
                    id: req_str(doc, o, "id")?,
                    text: req_str(doc, o, "text")?,
                    area: str_at(doc, o, "area"),
                    note: str_at(doc, o, "note"),
                })
            })
            .collect::<Result<_, SchemaError>>()?,
        reflection_fields: read_fields(doc, &fields)?,
        cases: list_items(doc, &cases)
            .iter()
            .map(|o| {
                Ok(Case {
                    id: req_str(doc, o, "id")?,
                    title: req_str(doc, o, "title")?,
                    area: req_str(doc, o, "area")?,
                    body: req_str(doc, o, "body")?,
                    links: match optional_list(doc, o, "links") {
                        Some(l) => read_materials(doc, &l)?,
                        None => Vec::new(),
                    },
                    fields: match optional_list(doc, o, "fields") {
                        Some(l) => read_fields(doc, &l)?,
                        None => Vec::new(),
                    },
                })
            })
            .collect::<Result<_, SchemaError>>()?,
        groups: list_items(doc, &groups)
            .iter()
            .map(|o| {
                Ok(Group {
                    id: req_str(doc, o, "id")?,
                    name: req_str(doc, o, "name")?,
                    area: req_str(doc, o, "area")?,
                    doc_id: req_str(doc, o, "doc_id")?
                        .parse()
                        .map_err(|_| SchemaError::Field("doc_id"))?,
                    round: round_at(doc, o),
                    mix: optional_list(doc, o, "mix")
                        .map(|l| read_strings(doc, &l))
                        .unwrap_or_default(),
                })
            })
            .collect::<Result<_, SchemaError>>()?,
        plenary_doc_id: req_str(doc, &root, "plenary_doc_id")?
            .parse()
            .map_err(|_| SchemaError::Field("plenary_doc_id"))?,
    })
}

/// The strings of a list (anything else in it is skipped).
fn read_strings(doc: &impl ReadDoc, list: &ObjId) -> Vec<String> {
    (0..doc.length(list))
        .filter_map(|i| match doc.get(list, i).ok()?? {
            (Value::Scalar(s), _) => s.as_str().map(str::to_owned),
            _ => None,
        })
        .collect()
}

/// A group's round: absent (groups from before rounds) or out of range reads as round 1.
fn round_at(doc: &impl ReadDoc, obj: &ObjId) -> u32 {
    let n = match doc.get(obj, "round") {
        Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
            ScalarValue::Uint(n) => u32::try_from(*n).ok(),
            ScalarValue::Int(n) => u32::try_from(*n).ok(),
            _ => None,
        },
        _ => None,
    };
    n.filter(|n| (1..=MAX_ROUNDS).contains(n)).unwrap_or(1)
}

/// A list a newer setup may have added to an item (absent in older documents).
fn optional_list(doc: &impl ReadDoc, obj: &ObjId, key: &'static str) -> Option<ObjId> {
    match doc.get(obj, key) {
        Ok(Some((Value::Object(ObjType::List), id))) => Some(id),
        _ => None,
    }
}

fn read_materials(doc: &impl ReadDoc, list: &ObjId) -> Result<Vec<Material>, SchemaError> {
    list_items(doc, list)
        .iter()
        .map(|o| {
            Ok(Material {
                title: req_str(doc, o, "title")?,
                url: req_str(doc, o, "url")?,
            })
        })
        .collect()
}

fn read_fields(doc: &impl ReadDoc, list: &ObjId) -> Result<Vec<Field>, SchemaError> {
    list_items(doc, list)
        .iter()
        .map(|o| {
            Ok(Field {
                id: req_str(doc, o, "id")?,
                label: req_str(doc, o, "label")?,
            })
        })
        .collect()
}

pub(super) fn insert_materials(
    w: &mut AutoCommit,
    obj: &ObjId,
    key: &'static str,
    items: &[Material],
) -> Result<(), SchemaError> {
    let list = w.put_object(obj, key, ObjType::List)?;
    for (i, m) in items.iter().enumerate() {
        let o = w.insert_object(&list, i, ObjType::Map)?;
        w.put(&o, "title", m.title.as_str())?;
        w.put(&o, "url", m.url.as_str())?;
    }
    Ok(())
}

pub(super) fn insert_question(
    w: &mut AutoCommit,
    list: &ObjId,
    at: usize,
    q: &Question,
) -> Result<(), SchemaError> {
    let o = w.insert_object(list, at, ObjType::Map)?;
    w.put(&o, "id", q.id.as_str())?;
    w.put(&o, "text", q.text.as_str())?;
    if let Some(area) = &q.area {
        w.put(&o, "area", area.as_str())?;
    }
    if let Some(note) = &q.note {
        w.put(&o, "note", note.as_str())?;
    }
    Ok(())
}

pub(super) fn insert_field(
    w: &mut AutoCommit,
    list: &ObjId,
    at: usize,
    f: &Field,
) -> Result<(), SchemaError> {
    let o = w.insert_object(list, at, ObjType::Map)?;
    w.put(&o, "id", f.id.as_str())?;
    w.put(&o, "label", f.label.as_str())?;
    Ok(())
}

pub(super) fn insert_case(
    w: &mut AutoCommit,
    list: &ObjId,
    at: usize,
    c: &Case,
) -> Result<(), SchemaError> {
    let o = w.insert_object(list, at, ObjType::Map)?;
    w.put(&o, "id", c.id.as_str())?;
    w.put(&o, "title", c.title.as_str())?;
    w.put(&o, "area", c.area.as_str())?;
    let body = w.put_object(&o, "body", ObjType::Text)?;
    w.splice_text(&body, 0, 0, &c.body)?;
    // Made with the case, even empty: two editors adding a case's first link offline then
    // add to the same list.
    insert_materials(w, &o, "links", &c.links)?;
    // Empty means the workshop's fields; made with the case all the same, for the same reason.
    let fs = w.put_object(&o, "fields", ObjType::List)?;
    for (i, f) in c.fields.iter().enumerate() {
        insert_field(w, &fs, i, f)?;
    }
    Ok(())
}

pub(super) fn insert_group(
    w: &mut AutoCommit,
    list: &ObjId,
    at: usize,
    g: &Group,
) -> Result<(), SchemaError> {
    let o = w.insert_object(list, at, ObjType::Map)?;
    w.put(&o, "id", g.id.as_str())?;
    w.put(&o, "name", g.name.as_str())?;
    w.put(&o, "area", g.area.as_str())?;
    w.put(&o, "doc_id", g.doc_id.to_string())?;
    if g.round != 1 {
        w.put(&o, "round", ScalarValue::Uint(u64::from(g.round)))?;
    }
    if !g.mix.is_empty() {
        let l = w.put_object(&o, "mix", ObjType::List)?;
        for (i, a) in g.mix.iter().enumerate() {
            w.insert(&l, i, a.as_str())?;
        }
    }
    Ok(())
}
