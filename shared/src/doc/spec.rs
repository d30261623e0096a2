//! What a new workshop is made of (the admin API's and the create form's spec) and building
//! every document of it.

use super::date::{format_date, parse_date};
use super::group::{ensure_group_structure, group_doc_id, new_group_doc};
use super::plenary::{ensure_plenary_structure, new_plenary_doc};
use super::schema::header;
use super::workshop::{
    Case, Field, Group, Material, Question, insert_case, insert_field, insert_group,
    insert_materials, insert_question, read_workshop,
};
use super::{DEFAULT_ACCESS_DAYS, Invalid, MAX_ITEMS, MAX_TEXT, Phase, SchemaError};
use crate::ids::DocumentId;
use automerge::{AutoCommit, ObjType, transaction::Transactable};
use serde::{Deserialize, Serialize};

/// The schema a course package names; [`Package::schema`] holds it.
pub const PACKAGE_SCHEMA: &str = "samtal-package/1";

fn package_schema() -> String {
    PACKAGE_SCHEMA.to_owned()
}

/// A course package: a workshop's setup without a date, notes or links — what a trainer
/// reuses from one training day to the next (`docs/package-format.md`). Read and written by
/// `crate::package`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Package {
    /// [`PACKAGE_SCHEMA`]. A create request may leave it out (the body the API took before
    /// packages existed); a package file must name it.
    #[serde(default = "package_schema")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^samtal-package/1$"))]
    pub schema: String,
    #[cfg_attr(feature = "openapi", schema(min_length = 1))]
    pub title: String,
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
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub groups: Vec<GroupSpec>,
}

/// What a facilitator (or the admin API) asks for when creating a workshop: a package and a
/// date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkshopSpec {
    #[serde(flatten)]
    pub setup: Package,
    /// ISO date, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(format = Date))]
    pub date: String,
    /// Days after `date` the catch-up link stays open.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 3650))]
    pub access_days: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionSpec {
    pub text: String,
    /// The area whose groups get the question; none means every group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// A tip for the facilitator, shown in her views only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator_note: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSpec {
    pub title: String,
    pub area: String,
    pub body: String,
    /// The case's own links, such as a filmed commentary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Material>,
    /// The case's own reflection fields; empty means the package's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reflection_fields: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// A link a package may hold: `http(s)://`, no spaces, not too long. Empty is allowed (a
/// material being typed in).
pub fn url_ok(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    url.is_empty()
        || (url.len() <= 2_000
            && rest.is_some_and(|r| !r.is_empty())
            && !url.chars().any(|c| c.is_whitespace() || c.is_control()))
}

impl Package {
    /// The areas listed, or (none listed) the ones the groups, cases and questions use.
    pub fn areas_or_used(&self) -> Vec<String> {
        if self.areas.is_empty() {
            self.areas_used_unlisted()
        } else {
            self.areas.clone()
        }
    }

    /// The areas the groups, cases and questions use that are not listed, in that order.
    pub fn areas_used_unlisted(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let used = self
            .groups
            .iter()
            .map(|g| &g.area)
            .chain(self.cases.iter().map(|c| &c.area))
            .chain(self.questions.iter().filter_map(|q| q.area.as_ref()));
        for a in used {
            if !a.trim().is_empty() && !out.contains(a) && !self.areas.contains(a) {
                out.push(a.clone());
            }
        }
        out
    }

    /// Check the setup, naming the first field that breaks a rule (`cases[2].area`).
    pub fn check(&self) -> Result<(), (String, Invalid)> {
        let at = |path: String, why: Invalid| Err((path, why));
        if self.title.trim().is_empty() {
            return at("title".into(), Invalid::EmptyTitle);
        }
        if self.groups.is_empty() {
            return at("groups".into(), Invalid::NoGroups);
        }
        let lists = [
            ("materials", self.materials.len()),
            ("areas", self.areas.len()),
            ("questions", self.questions.len()),
            ("reflection_fields", self.reflection_fields.len()),
            ("cases", self.cases.len()),
            ("groups", self.groups.len()),
        ];
        if let Some((name, _)) = lists.iter().find(|(_, n)| *n > MAX_ITEMS) {
            return at((*name).into(), Invalid::TooManyItems);
        }
        let mut texts: Vec<(String, &str)> = vec![("title".into(), &self.title)];
        let links = |base: String, items: &[Material]| -> Result<(), (String, Invalid)> {
            if items.len() > MAX_ITEMS {
                return Err((base, Invalid::TooManyItems));
            }
            for (i, m) in items.iter().enumerate() {
                if m.title.len() > MAX_TEXT {
                    return Err((format!("{base}[{i}].title"), Invalid::TooLong));
                }
                if !url_ok(&m.url) {
                    return Err((format!("{base}[{i}].url"), Invalid::BadUrl));
                }
            }
            Ok(())
        };
        links("materials".into(), &self.materials)?;
        // Without a list of areas (the create body before packages), the areas are the ones
        // used; with one, every area used must be on it (a typo is caught, not a new area).
        let known = |area: &str| self.areas.is_empty() || self.areas.iter().any(|a| a == area);
        for (i, a) in self.areas.iter().enumerate() {
            if a.trim().is_empty() {
                return at(format!("areas[{i}]"), Invalid::EmptyArea);
            }
            texts.push((format!("areas[{i}]"), a));
        }
        for (i, q) in self.questions.iter().enumerate() {
            texts.push((format!("questions[{i}].text"), &q.text));
            if let Some(note) = &q.facilitator_note {
                texts.push((format!("questions[{i}].facilitator_note"), note));
            }
            if let Some(area) = q.area.as_deref().filter(|a| !a.is_empty())
                && !known(area)
            {
                return at(format!("questions[{i}].area"), Invalid::NoSuchArea);
            }
        }
        for (i, f) in self.reflection_fields.iter().enumerate() {
            texts.push((format!("reflection_fields[{i}]"), f));
        }
        for (i, c) in self.cases.iter().enumerate() {
            if !known(&c.area) {
                return at(format!("cases[{i}].area"), Invalid::NoSuchArea);
            }
            texts.push((format!("cases[{i}].title"), &c.title));
            texts.push((format!("cases[{i}].body"), &c.body));
            links(format!("cases[{i}].links"), &c.links)?;
            if c.reflection_fields.len() > MAX_ITEMS {
                return at(
                    format!("cases[{i}].reflection_fields"),
                    Invalid::TooManyItems,
                );
            }
            for (j, f) in c.reflection_fields.iter().enumerate() {
                texts.push((format!("cases[{i}].reflection_fields[{j}]"), f));
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            if g.name.trim().is_empty() {
                return at(format!("groups[{i}].name"), Invalid::EmptyGroupName);
            }
            if !known(&g.area) {
                return at(format!("groups[{i}].area"), Invalid::NoSuchArea);
            }
            texts.push((format!("groups[{i}].name"), &g.name));
        }
        if let Some((path, _)) = texts.into_iter().find(|(_, t)| t.len() > MAX_TEXT) {
            return at(path, Invalid::TooLong);
        }
        Ok(())
    }
}

impl WorkshopSpec {
    /// Check the spec, naming the first field that breaks a rule.
    pub fn check(&self) -> Result<(), (String, Invalid)> {
        if parse_date(&self.date).is_none() {
            return Err(("date".into(), Invalid::BadDate));
        }
        if let Some(d) = self.access_days
            && !(0..=3650).contains(&d)
        {
            return Err(("access_days".into(), Invalid::AccessDays));
        }
        self.setup.check()
    }

    /// Check the spec before anything is built from it.
    pub fn validate(&self) -> Result<(), SchemaError> {
        self.check().map_err(|(_, why)| SchemaError::Invalid(why))
    }
}

/// Fields `f1`, `f2`, … with these labels.
fn numbered_fields(labels: &[String]) -> Vec<Field> {
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| Field {
            id: format!("f{}", i + 1),
            label: label.clone(),
        })
        .collect()
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
    let setup = &spec.setup;
    let fields: Vec<Field> = if setup.reflection_fields.is_empty() {
        default_reflection_fields()
    } else {
        numbered_fields(&setup.reflection_fields)
    };
    let questions: Vec<Question> = setup
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| Question {
            id: format!("q{}", i + 1),
            text: q.text.clone(),
            area: q.area.clone().filter(|a| !a.is_empty()),
            note: q.facilitator_note.clone().filter(|n| !n.is_empty()),
        })
        .collect();
    let cases: Vec<Case> = setup
        .cases
        .iter()
        .enumerate()
        .map(|(i, c)| Case {
            id: format!("c{}", i + 1),
            title: c.title.clone(),
            area: c.area.clone(),
            body: c.body.clone(),
            links: c.links.clone(),
            fields: numbered_fields(&c.reflection_fields),
        })
        .collect();
    let groups: Vec<Group> = setup
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
                round: 1,
                mix: Vec::new(),
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
    w.put(&root, "title", setup.title.as_str())?;
    w.put(&root, "date", spec.date.as_str())?;
    // A new workshop is being prepared: the facilitator opens the groups when the day begins.
    w.put(&root, "phase", Phase::Prep.as_str())?;
    w.put(&root, "access_until", access_until.as_str())?;
    insert_materials(&mut w, &root, "materials", &setup.materials)?;
    let areas = w.put_object(&root, "areas", ObjType::List)?;
    for (i, a) in setup.areas_or_used().iter().enumerate() {
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
