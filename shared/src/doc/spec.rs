//! What a new workshop is made of (the admin API's and the create form's spec) and building
//! every document of it.

use super::date::{format_date, parse_date};
use super::group::{ensure_group_structure, group_doc_id, new_group_doc};
use super::plenary::{ensure_plenary_structure, new_plenary_doc};
use super::schema::header;
use super::workshop::{
    Case, Field, Group, Material, Question, insert_case, insert_field, insert_group,
    insert_question, read_workshop,
};
use super::{DEFAULT_ACCESS_DAYS, Invalid, MAX_ITEMS, MAX_TEXT, Phase, SchemaError};
use crate::ids::DocumentId;
use automerge::{AutoCommit, ObjType, transaction::Transactable};
use serde::{Deserialize, Serialize};

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

impl WorkshopSpec {
    /// Check the spec before anything is built from it.
    pub fn validate(&self) -> Result<(), SchemaError> {
        let bad = |why: Invalid| Err(SchemaError::Invalid(why));
        if self.title.trim().is_empty() {
            return bad(Invalid::EmptyTitle);
        }
        if parse_date(&self.date).is_none() {
            return bad(Invalid::BadDate);
        }
        if self.groups.is_empty() {
            return bad(Invalid::NoGroups);
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
            return bad(Invalid::TooManyItems);
        }
        let texts = std::iter::once(&self.title)
            .chain(self.questions.iter().map(|q| &q.text))
            .chain(self.cases.iter().map(|c| &c.body))
            .chain(self.groups.iter().map(|g| &g.name));
        if texts.into_iter().any(|t| t.len() > MAX_TEXT) {
            return bad(Invalid::TooLong);
        }
        if let Some(d) = self.access_days
            && !(0..=3650).contains(&d)
        {
            return bad(Invalid::AccessDays);
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
    let stamp = crate::stamp::Stamp { device: None, time };
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
        .ok_or(SchemaError::Invalid(Invalid::BadDate))?;

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
    crate::stamp::commit(&mut w, &stamp);
    let workshop = read_workshop(&w)?;

    let mut group_docs = Vec::with_capacity(groups.len());
    for g in &groups {
        let mut d = new_group_doc(workshop_id, &g.id)?;
        ensure_group_structure(&mut d, &workshop, g)?;
        crate::stamp::commit(&mut d, &stamp);
        group_docs.push((g.clone(), d));
    }
    let mut p = new_plenary_doc(workshop_id)?;
    ensure_plenary_structure(&mut p, &workshop)?;
    crate::stamp::commit(&mut p, &stamp);

    Ok(NewWorkshop {
        workshop_doc_id,
        workshop: w,
        plenary_doc_id,
        plenary: p,
        groups: group_docs,
    })
}
