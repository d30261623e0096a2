//! The three document kinds and their typed accessors. No other code reads or writes
//! document paths: the server and client call these functions.
//!
//! Layout (schema version [`SCHEMA_VERSION`]):
//! - workshop: `schema, kind="workshop", workshop_id, title, date, phase, access_until,
//!   materials[{title,url}], areas[], questions[{id,text,area?}], reflection_fields[{id,label}],
//!   cases[{id,title,area,body: Text}], groups[{id,name,area,doc_id}], plenary_doc_id`
//! - group: `schema, kind="group", workshop_id, group_id, answers{qid → Text},
//!   reflections{case_id → {field_id → Text}}, highlights[], present`
//! - plenary: `schema, kind="plenary", workshop_id, summary{qid → Text}, follow_up[], pinned[]`
//!
//! Invariant: every `Text` object is created by the server when the document is built, never by
//! a client. Two offline clients creating the same field would each make their own object and
//! one of them would lose its text on merge; splicing into a shared object always merges.

use crate::ids::DocumentId;
use crate::text::{self, Splice};
use automerge::{
    AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const SCHEMA_VERSION: u64 = 1;

/// Days a catch-up link stays open after the workshop date unless the spec says otherwise.
pub const DEFAULT_ACCESS_DAYS: i64 = 14;

/// Why a document does not have the expected shape.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("the document is not a {expected} document")]
    WrongKind { expected: &'static str },
    #[error("the document has schema version {found}, this version reads up to {SCHEMA_VERSION}")]
    UnsupportedSchema { found: u64 },
    #[error("field `{0}` is missing or has the wrong type")]
    Field(&'static str),
    #[error("no such text field")]
    NoSuchText,
    #[error("invalid workshop: {0}")]
    InvalidSpec(String),
    #[error(transparent)]
    Automerge(#[from] automerge::AutomergeError),
}

/// The workshop's phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Prep,
    Groups,
    Plenary,
    Followup,
    Closed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Prep => "prep",
            Phase::Groups => "groups",
            Phase::Plenary => "plenary",
            Phase::Followup => "followup",
            Phase::Closed => "closed",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "prep" => Phase::Prep,
            "groups" => Phase::Groups,
            "plenary" => Phase::Plenary,
            "followup" => Phase::Followup,
            "closed" => Phase::Closed,
            _ => return None,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Creating a workshop (server only).

/// What a facilitator (or the admin API) asks for when creating a workshop.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WorkshopSpec {
    pub title: String,
    /// ISO date, `YYYY-MM-DD`.
    pub date: String,
    #[serde(default)]
    pub materials: Vec<Material>,
    #[serde(default)]
    pub areas: Vec<String>,
    #[serde(default)]
    pub questions: Vec<QuestionSpec>,
    /// Labels of the reflection fields per case; empty means [`default_reflection_fields`].
    #[serde(default)]
    pub reflection_fields: Vec<String>,
    #[serde(default)]
    pub cases: Vec<CaseSpec>,
    pub groups: Vec<GroupSpec>,
    /// Days after `date` the catch-up link stays open.
    #[serde(default)]
    pub access_days: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Material {
    pub title: String,
    pub url: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionSpec {
    pub text: String,
    #[serde(default)]
    pub area: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSpec {
    pub title: String,
    pub area: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSpec {
    pub name: String,
    pub area: String,
}

/// The default reflection fields for a case (children's rights training).
pub fn default_reflection_fields() -> Vec<Field> {
    [
        ("best_interest", "Barnets bästa"),
        ("child_heard", "Hur kommer barnet till tals?"),
        ("conclusions", "Slutsatser"),
        ("plenary_questions", "Frågor till storgruppen"),
    ]
    .into_iter()
    .map(|(id, label)| Field {
        id: id.into(),
        label: label.into(),
    })
    .collect()
}

/// Limits on what one workshop spec may contain (bounds the documents' size).
pub const MAX_ITEMS: usize = 200;
pub const MAX_TEXT: usize = 20_000;

impl WorkshopSpec {
    /// Check the spec before anything is built from it.
    pub fn validate(&self) -> Result<(), SchemaError> {
        let bad = |m: &str| Err(SchemaError::InvalidSpec(m.to_owned()));
        if self.title.trim().is_empty() {
            return bad("title is empty");
        }
        if parse_date(&self.date).is_none() {
            return bad("date must be YYYY-MM-DD");
        }
        if self.groups.is_empty() {
            return bad("at least one group is needed");
        }
        let counts = [
            self.materials.len(),
            self.areas.len(),
            self.questions.len(),
            self.reflection_fields.len(),
            self.cases.len(),
            self.groups.len(),
        ];
        if counts.iter().any(|&n| n > MAX_ITEMS) {
            return bad("too many items");
        }
        let texts = std::iter::once(&self.title)
            .chain(self.questions.iter().map(|q| &q.text))
            .chain(self.cases.iter().map(|c| &c.body))
            .chain(self.groups.iter().map(|g| &g.name));
        if texts.into_iter().any(|t| t.len() > MAX_TEXT) {
            return bad("a text is too long");
        }
        if let Some(d) = self.access_days
            && !(0..=3650).contains(&d)
        {
            return bad("access_days must be between 0 and 3650");
        }
        Ok(())
    }
}

/// A new workshop's documents, ready to be stored.
pub struct NewWorkshop {
    pub workshop_doc_id: DocumentId,
    pub workshop: AutoCommit,
    pub plenary_doc_id: DocumentId,
    pub plenary: AutoCommit,
    /// (group, its document)
    pub groups: Vec<(Group, AutoCommit)>,
}

/// Build every document of a new workshop. `new_id` supplies fresh random document ids.
pub fn build_workshop(
    spec: &WorkshopSpec,
    workshop_id: &str,
    new_id: impl FnMut() -> DocumentId,
) -> Result<NewWorkshop, SchemaError> {
    build_workshop_at(spec, workshop_id, new_id, 0)
}

/// [`build_workshop`], its first changes stamped with `time` (seconds since the epoch), so
/// the history knows when the workshop (and its first phase) began.
pub fn build_workshop_at(
    spec: &WorkshopSpec,
    workshop_id: &str,
    mut new_id: impl FnMut() -> DocumentId,
    time: i64,
) -> Result<NewWorkshop, SchemaError> {
    let stamp = crate::history::Stamp { device: None, time };
    spec.validate()?;
    let fields: Vec<Field> = if spec.reflection_fields.is_empty() {
        default_reflection_fields()
    } else {
        spec.reflection_fields
            .iter()
            .enumerate()
            .map(|(i, label)| Field {
                id: format!("f{}", i + 1),
                label: label.clone(),
            })
            .collect()
    };
    let questions: Vec<Question> = spec
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| Question {
            id: format!("q{}", i + 1),
            text: q.text.clone(),
            area: q.area.clone().filter(|a| !a.is_empty()),
        })
        .collect();
    let cases: Vec<Case> = spec
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| Case {
            id: format!("c{}", i + 1),
            title: c.title.clone(),
            area: c.area.clone(),
            body: c.body.clone(),
        })
        .collect();
    let groups: Vec<Group> = spec
        .groups
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let id = format!("g{}", i + 1);
            Group {
                doc_id: group_doc_id(workshop_id, &id),
                id,
                name: g.name.clone(),
                area: g.area.clone(),
            }
        })
        .collect();
    let plenary_doc_id = new_id();
    let workshop_doc_id = new_id();
    let access_days = spec.access_days.unwrap_or(DEFAULT_ACCESS_DAYS);
    let access_until = parse_date(&spec.date)
        .map(|d| format_date(d + access_days))
        .ok_or_else(|| SchemaError::InvalidSpec("date".into()))?;

    let mut w = AutoCommit::new();
    let root = automerge::ROOT;
    header(&mut w, "workshop", workshop_id)?;
    w.put(&root, "title", spec.title.as_str())?;
    w.put(&root, "date", spec.date.as_str())?;
    w.put(&root, "phase", Phase::Groups.as_str())?;
    w.put(&root, "access_until", access_until.as_str())?;
    let materials = w.put_object(&root, "materials", ObjType::List)?;
    for (i, m) in spec.materials.iter().enumerate() {
        let o = w.insert_object(&materials, i, ObjType::Map)?;
        w.put(&o, "title", m.title.as_str())?;
        w.put(&o, "url", m.url.as_str())?;
    }
    let areas = w.put_object(&root, "areas", ObjType::List)?;
    for (i, a) in spec.areas.iter().enumerate() {
        w.insert(&areas, i, a.as_str())?;
    }
    let qs = w.put_object(&root, "questions", ObjType::List)?;
    for (i, q) in questions.iter().enumerate() {
        insert_question(&mut w, &qs, i, q)?;
    }
    let fs = w.put_object(&root, "reflection_fields", ObjType::List)?;
    for (i, f) in fields.iter().enumerate() {
        insert_field(&mut w, &fs, i, f)?;
    }
    let cs = w.put_object(&root, "cases", ObjType::List)?;
    for (i, c) in cases.iter().enumerate() {
        insert_case(&mut w, &cs, i, c)?;
    }
    let gs = w.put_object(&root, "groups", ObjType::List)?;
    for (i, g) in groups.iter().enumerate() {
        insert_group(&mut w, &gs, i, g)?;
    }
    w.put(&root, "plenary_doc_id", plenary_doc_id.to_string())?;
    crate::history::commit(&mut w, &stamp);
    let workshop = read_workshop(&w)?;

    let mut group_docs = Vec::with_capacity(groups.len());
    for g in &groups {
        let mut d = new_group_doc(workshop_id, &g.id)?;
        ensure_group_structure(&mut d, &workshop, g)?;
        crate::history::commit(&mut d, &stamp);
        group_docs.push((g.clone(), d));
    }
    let mut p = new_plenary_doc(workshop_id)?;
    ensure_plenary_structure(&mut p, &workshop)?;
    crate::history::commit(&mut p, &stamp);

    Ok(NewWorkshop {
        workshop_doc_id,
        workshop: w,
        plenary_doc_id,
        plenary: p,
        groups: group_docs,
    })
}

/// The document id of a group's notes: derived from the workshop and group ids, so a
/// facilitator can add a group offline and the server creates the same document later.
/// Knowing an id grants nothing; access goes by capability.
pub fn group_doc_id(workshop_id: &str, group_id: &str) -> DocumentId {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(b"samtal-group-doc-v1\0");
    h.update(workshop_id.as_bytes());
    h.update(b"\0");
    h.update(group_id.as_bytes());
    let digest = h.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    DocumentId::from_bytes(bytes)
}

fn insert_question(
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
    Ok(())
}

fn insert_field(w: &mut AutoCommit, list: &ObjId, at: usize, f: &Field) -> Result<(), SchemaError> {
    let o = w.insert_object(list, at, ObjType::Map)?;
    w.put(&o, "id", f.id.as_str())?;
    w.put(&o, "label", f.label.as_str())?;
    Ok(())
}

fn insert_case(w: &mut AutoCommit, list: &ObjId, at: usize, c: &Case) -> Result<(), SchemaError> {
    let o = w.insert_object(list, at, ObjType::Map)?;
    w.put(&o, "id", c.id.as_str())?;
    w.put(&o, "title", c.title.as_str())?;
    w.put(&o, "area", c.area.as_str())?;
    let body = w.put_object(&o, "body", ObjType::Text)?;
    w.splice_text(&body, 0, 0, &c.body)?;
    Ok(())
}

fn insert_group(w: &mut AutoCommit, list: &ObjId, at: usize, g: &Group) -> Result<(), SchemaError> {
    let o = w.insert_object(list, at, ObjType::Map)?;
    w.put(&o, "id", g.id.as_str())?;
    w.put(&o, "name", g.name.as_str())?;
    w.put(&o, "area", g.area.as_str())?;
    w.put(&o, "doc_id", g.doc_id.to_string())?;
    Ok(())
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

/// Create the Text object at `parent[key]` unless one is there. Returns whether it created one.
fn ensure_text(d: &mut AutoCommit, parent: &ObjId, key: &str) -> Result<bool, SchemaError> {
    if let Some((Value::Object(ObjType::Text), _)) = d.get(parent, key)? {
        return Ok(false);
    }
    d.put_object(parent, key, ObjType::Text)?;
    Ok(true)
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
        for f in &w.reflection_fields {
            changed |= ensure_text(d, &per_case, &f.id)?;
        }
    }
    Ok(changed)
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

fn header(d: &mut AutoCommit, kind: &str, workshop_id: &str) -> Result<(), SchemaError> {
    d.put(automerge::ROOT, "schema", ScalarValue::Uint(SCHEMA_VERSION))?;
    d.put(automerge::ROOT, "kind", kind)?;
    d.put(automerge::ROOT, "workshop_id", workshop_id)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading.

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub text: String,
    pub area: Option<String>,
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

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub title: String,
    pub area: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub area: String,
    pub doc_id: DocumentId,
}

/// A workshop document, read into plain data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workshop {
    pub workshop_id: String,
    pub title: String,
    pub date: String,
    pub phase: Phase,
    pub access_until: String,
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

    pub fn questions_for<'a>(&'a self, area: &'a str) -> impl Iterator<Item = &'a Question> {
        self.questions.iter().filter(move |q| q.applies_to(area))
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
            self.reflection_fields.iter().map(move |f| {
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
        materials: list_items(doc, &materials)
            .iter()
            .map(|o| {
                Ok(Material {
                    title: req_str(doc, o, "title")?,
                    url: req_str(doc, o, "url")?,
                })
            })
            .collect::<Result<_, SchemaError>>()?,
        areas: (0..doc.length(&areas))
            .filter_map(|i| match doc.get(&areas, i).ok()?? {
                (Value::Scalar(s), _) => s.as_str().map(str::to_owned),
                _ => None,
            })
            .collect(),
        questions: list_items(doc, &questions)
            .iter()
            .map(|o| {
                Ok(Question {
                    id: req_str(doc, o, "id")?,
                    text: req_str(doc, o, "text")?,
                    area: str_at(doc, o, "area"),
                })
            })
            .collect::<Result<_, SchemaError>>()?,
        reflection_fields: list_items(doc, &fields)
            .iter()
            .map(|o| {
                Ok(Field {
                    id: req_str(doc, o, "id")?,
                    label: req_str(doc, o, "label")?,
                })
            })
            .collect::<Result<_, SchemaError>>()?,
        cases: list_items(doc, &cases)
            .iter()
            .map(|o| {
                Ok(Case {
                    id: req_str(doc, o, "id")?,
                    title: req_str(doc, o, "title")?,
                    area: req_str(doc, o, "area")?,
                    body: req_str(doc, o, "body")?,
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
                })
            })
            .collect::<Result<_, SchemaError>>()?,
        plenary_doc_id: req_str(doc, &root, "plenary_doc_id")?
            .parse()
            .map_err(|_| SchemaError::Field("plenary_doc_id"))?,
    })
}

/// One text field: a group's answer or reflection, the plenary summary of a question, or a
/// case description in the workshop document.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TextRef {
    Answer { question_id: String },
    Reflection { case_id: String, field_id: String },
    Summary { question_id: String },
    CaseBody { case_id: String },
}

impl TextRef {
    /// A stable key, used for highlight sources: `a/q1`, `r/c1/best_interest`.
    pub fn key(&self) -> String {
        match self {
            TextRef::Answer { question_id } => format!("a/{question_id}"),
            TextRef::Reflection { case_id, field_id } => format!("r/{case_id}/{field_id}"),
            TextRef::Summary { question_id } => format!("s/{question_id}"),
            TextRef::CaseBody { case_id } => format!("b/{case_id}"),
        }
    }
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
}

impl GroupNotes {
    pub fn text(&self, r: &TextRef) -> Option<&str> {
        match r {
            TextRef::Answer { question_id } => self.answers.get(question_id),
            TextRef::Reflection { case_id, field_id } => {
                self.reflections.get(case_id)?.get(field_id)
            }
            TextRef::Summary { .. } | TextRef::CaseBody { .. } => None,
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

pub(crate) fn text_map(doc: &impl ReadDoc, obj: &ObjId) -> BTreeMap<String, String> {
    doc.keys(obj)
        .filter_map(|key| match doc.get(obj, key.as_str()).ok()?? {
            (Value::Object(ObjType::Text), id) => Some((key, doc.text(&id).ok()?)),
            _ => None,
        })
        .collect()
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
    Ok(GroupNotes {
        workshop_id: req_str(doc, &root, "workshop_id")?,
        group_id: req_str(doc, &root, "group_id")?,
        answers: text_map(doc, &answers),
        reflections,
        highlights,
    })
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
        return Err(SchemaError::InvalidSpec(format!(
            "a text may be at most {MAX_NOTE} bytes"
        )));
    }
    let obj = text_obj(doc, r)?;
    let old = doc.text(&obj)?;
    let Some(splice) = text::diff(&old, new_value, doc.text_encoding()) else {
        return Ok(None);
    };
    let delete = isize::try_from(splice.delete).map_err(|_| SchemaError::NoSuchText)?;
    doc.splice_text(&obj, splice.pos, delete, &splice.insert)?;
    Ok(Some(splice))
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
    let after = edit.apply(&now, enc).ok_or(SchemaError::NoSuchText)?;
    if after.len() > MAX_NOTE {
        return Err(SchemaError::InvalidSpec(format!(
            "a text may be at most {MAX_NOTE} bytes"
        )));
    }
    let delete = isize::try_from(edit.delete).map_err(|_| SchemaError::NoSuchText)?;
    doc.splice_text(&obj, edit.pos, delete, &edit.insert)?;
    Ok(Some(edit))
}

/// Longest text one field may hold (a generous page count of notes).
pub const MAX_NOTE: usize = 200_000;

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

// ---------------------------------------------------------------------------------------------
// Editing the workshop (facilitator, online or offline).

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

// ---------------------------------------------------------------------------------------------
// Dates (civil calendar, no time zones: workshop dates are plain days).

/// Days since 1970-01-01 for a `YYYY-MM-DD` string.
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(1970..=9999).contains(&y) {
        return None;
    }
    // Howard Hinnant's days_from_civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    (format_date(days) == s).then_some(days)
}

/// `YYYY-MM-DD` for days since 1970-01-01.
pub fn format_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::demo;

    /// Predictable document ids for tests.
    pub(crate) fn ids() -> impl FnMut() -> DocumentId {
        let mut n = 0u8;
        move || {
            n += 1;
            DocumentId::from_bytes([n; 16])
        }
    }

    #[test]
    fn dates_round_trip() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        let d = parse_date("2026-11-24").unwrap();
        assert_eq!(format_date(d + 14), "2026-12-08");
        assert_eq!(
            format_date(parse_date("2024-02-28").unwrap() + 1),
            "2024-02-29"
        );
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date("not a date"), None);
    }

    #[test]
    fn built_workshop_reads_back() {
        let spec = demo::spec("2026-11-24");
        let new = build_workshop(&spec, "w1", ids()).unwrap();
        let w = read_workshop(&new.workshop).unwrap();
        assert_eq!(w.title, spec.title);
        assert_eq!(w.groups.len(), spec.groups.len());
        assert_eq!(w.access_until, "2026-12-08");
        assert_eq!(w.plenary_doc_id, new.plenary_doc_id);
        assert_eq!(w.reflection_fields.len(), 4);
        for (g, doc) in &new.groups {
            let notes = read_group(doc).unwrap();
            assert_eq!(notes.group_id, g.id);
            // Every question for the group's area and every case field exists, empty.
            assert_eq!(notes.answers.len(), w.questions_for(&g.area).count());
            assert_eq!(notes.reflections.len(), w.cases_for(&g.area).count());
            assert!(notes.answers.values().all(String::is_empty));
        }
        assert!(read_group(&new.workshop).is_err(), "kind is checked");
    }

    #[test]
    fn edit_text_splices_into_the_existing_object() {
        let spec = demo::spec("2026-11-24");
        let mut new = build_workshop(&spec, "w1", ids()).unwrap();
        let doc = &mut new.groups[0].1;
        let r = TextRef::Answer {
            question_id: "q1".into(),
        };
        edit_text(doc, &r, "Hej").unwrap();
        let s = edit_text(doc, &r, "Hej då").unwrap().unwrap();
        assert_eq!((s.pos, s.delete, s.insert.as_str()), (3, 0, " då"));
        assert_eq!(read_group(doc).unwrap().text(&r), Some("Hej då"));
        let missing = TextRef::Answer {
            question_id: "nope".into(),
        };
        assert!(matches!(
            edit_text(doc, &missing, "x"),
            Err(SchemaError::NoSuchText)
        ));
    }

    /// Two devices type at once; each screen lags its document by the other's last edit (the
    /// state in which the browser test once lost and doubled text). Both edits survive, once.
    #[test]
    fn typing_on_a_stale_screen_neither_undoes_nor_doubles_remote_text() {
        let spec = demo::spec("2026-11-24");
        let mut new = build_workshop(&spec, "w1", ids()).unwrap();
        let r = TextRef::Answer {
            question_id: "q1".into(),
        };
        let base = "Från flik ett. Mitt.";
        let mut a = new.groups.remove(0).1;
        edit_text(&mut a, &r, base).unwrap();
        a.commit();
        let mut b = a.fork();
        for round in 0..5 {
            // B types at the start and A receives it, but A's screen still shows `seen`.
            let seen_a = read_group(&a)
                .unwrap()
                .text(&r)
                .unwrap_or_default()
                .to_owned();
            let seen_b = read_group(&b)
                .unwrap()
                .text(&r)
                .unwrap_or_default()
                .to_owned();
            type_into(&mut b, &r, &seen_b, &format!("{round}{seen_b}")).unwrap();
            b.commit();
            a.merge(&mut b).unwrap();
            type_into(&mut a, &r, &seen_a, &format!("{seen_a}{round}")).unwrap();
            a.commit();
            b.merge(&mut a).unwrap();
        }
        let got = read_group(&a)
            .unwrap()
            .text(&r)
            .unwrap_or_default()
            .to_owned();
        assert_eq!(Some(got.as_str()), read_group(&b).unwrap().text(&r));
        // (With the textarea's whole value set over the document, A's first edit would already
        // have removed B's "0".)
        assert_eq!(got, format!("43210{base}01234"));
    }

    #[test]
    fn setup_edits_then_server_structure_make_new_fields_writable() {
        let spec = demo::spec("2026-11-24");
        let mut new = build_workshop(&spec, "w1", ids()).unwrap();
        let w = &mut new.workshop;
        apply_workshop_edit(w, &WorkshopEdit::AddQuestion { id: "q-x".into() }).unwrap();
        apply_workshop_edit(
            w,
            &WorkshopEdit::Question {
                id: "q-x".into(),
                text: "Ny fråga".into(),
                area: None,
            },
        )
        .unwrap();
        apply_workshop_edit(
            w,
            &WorkshopEdit::AddGroup {
                id: "g-new".into(),
                name: "Extra".into(),
                area: "Vuxen".into(),
            },
        )
        .unwrap();
        apply_workshop_edit(w, &WorkshopEdit::Phase(Phase::Plenary)).unwrap();
        assert!(apply_workshop_edit(w, &WorkshopEdit::Date("igår".into())).is_err());
        assert!(apply_workshop_edit(w, &WorkshopEdit::Title(" ".into())).is_err());
        let read = read_workshop(w).unwrap();
        assert_eq!(read.phase, Phase::Plenary);
        let added = read.group("g-new").unwrap();
        assert_eq!(added.doc_id, group_doc_id("w1", "g-new"));
        assert!(read.questions.iter().any(|q| q.text == "Ny fråga"));

        // A group's document gets the new question's text only once the server ensures it.
        let (g, doc) = &mut new.groups[0];
        let r = TextRef::Answer {
            question_id: "q-x".into(),
        };
        assert!(edit_text(doc, &r, "svar").is_err());
        assert!(ensure_group_structure(doc, &read, g).unwrap());
        assert!(
            !ensure_group_structure(doc, &read, g).unwrap(),
            "idempotent"
        );
        edit_text(doc, &r, "svar").unwrap();
        assert!(ensure_plenary_structure(&mut new.plenary, &read).unwrap());

        // The case body is a text in the workshop document.
        let body = TextRef::CaseBody {
            case_id: read.cases[0].id.clone(),
        };
        edit_text(&mut new.workshop, &body, "Ny beskrivning").unwrap();
        assert_eq!(
            read_workshop(&new.workshop).unwrap().cases[0].body,
            "Ny beskrivning"
        );
    }

    /// 5,000 keystrokes typed at ~5 per second with a pause after each sentence, committed
    /// the way the browser client does (a burst ends after 300 ms idle or 1 s) versus once
    /// per keystroke. Prints the numbers reported in BENCHMARKS.md.
    #[test]
    fn typing_bursts_keep_history_small() {
        let r = TextRef::Answer {
            question_id: "q1".into(),
        };
        let fresh = || {
            let spec = demo::spec("2026-11-24");
            build_workshop(&spec, "w1", ids())
                .unwrap()
                .groups
                .remove(0)
                .1
        };
        let (mut bursts, mut per_key) = (fresh(), fresh());
        let base_changes = bursts.get_changes(&[]).len();
        // Varied words (a fixed pseudo-random sequence), a full stop every ten words.
        let words = [
            "barnet",
            "behöver",
            "få",
            "komma",
            "till",
            "tals",
            "i",
            "alla",
            "beslut",
            "som",
            "rör",
            "det",
            "vi",
            "frågar",
            "oftare",
            "föräldrarna",
            "skolan",
            "samtal",
            "hemma",
        ];
        let mut seed = 7u32;
        let mut keys = String::new();
        for n in 0.. {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            keys.push_str(words[(seed >> 16) as usize % words.len()]);
            keys.push_str(if n % 10 == 9 { ". " } else { " " });
            if keys.chars().count() >= 5_000 {
                break;
            }
        }
        let mut text = String::new();
        let (mut t, mut burst_start, mut last) = (0u64, None::<u64>, 0u64);
        let mut prev = ' ';
        for c in keys.chars().take(5_000) {
            // 200 ms between keys; 1.5 s pause after each sentence.
            t += if prev == '.' { 1_500 } else { 200 };
            prev = c;
            if let Some(start) = burst_start
                && (t - last >= 300 || t - start >= 1_000)
            {
                bursts.commit();
                burst_start = None;
            }
            text.push(c);
            edit_text(&mut bursts, &r, &text).unwrap();
            edit_text(&mut per_key, &r, &text).unwrap();
            per_key.commit();
            burst_start.get_or_insert(t);
            last = t;
        }
        bursts.commit();
        let changes = |d: &mut AutoCommit| {
            let all = d.get_changes(&[]);
            let bytes: usize = all[base_changes..]
                .iter()
                .map(|c| c.raw_bytes().len())
                .sum();
            (all.len() - base_changes, bytes)
        };
        let ((nb, cb), (nk, ck)) = (changes(&mut bursts), changes(&mut per_key));
        let (sb, sk) = (bursts.save().len(), per_key.save().len());
        println!(
            "5000 keystrokes, bursts: {nb} changes, {cb} bytes of changes, save() {sb} bytes; \
             per keystroke: {nk} changes, {ck} bytes of changes, save() {sk} bytes"
        );
        assert_eq!(nk, 5_000);
        assert!(nb * 4 <= nk, "bursts should cut changes at least 4x: {nb}");
        assert!(
            cb * 2 <= ck,
            "and the bytes of changes at least 2x: {cb} vs {ck}"
        );
        assert_eq!(read_group(&bursts).unwrap().text(&r), Some(text.as_str()));
    }

    #[test]
    fn invalid_specs_are_refused() {
        let mut spec = demo::spec("2026-11-24");
        spec.groups.clear();
        assert!(build_workshop(&spec, "w", ids()).is_err());
        let mut spec = demo::spec("2026-11-24");
        spec.date = "24/11/2026".into();
        assert!(spec.validate().is_err());
    }
}
