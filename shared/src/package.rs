//! Course packages as files: the one reader and the one writer of the format
//! `docs/package-format.md` describes ([`crate::doc::Package`] is its data).
//!
//! Every refusal names the field it is about (`cases[2].area`), so a trainer who edited a
//! package by hand can find the mistake; nothing is built from a package that was refused.

#[cfg(test)]
mod tests;

use crate::doc::{
    CaseSpec, GroupSpec, Invalid, Material, PACKAGE_SCHEMA, Package, QuestionSpec, SchemaError,
    Workshop, WorkshopSpec, default_reflection_fields, url_ok,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The largest package (or create request) read, in bytes. The demo package is 3 KiB; a
/// package at every item and text limit would be far larger, but no real course is.
pub const MAX_PACKAGE_BYTES: usize = 2 * 1024 * 1024;

/// Why a package was refused.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    #[error("the package is larger than {MAX_PACKAGE_BYTES} bytes")]
    TooLarge,
    #[error("`schema` is missing: a package file names its format, \"{PACKAGE_SCHEMA}\"")]
    NoSchema,
    #[error("unknown schema {0}; this version reads \"{PACKAGE_SCHEMA}\"")]
    UnknownSchema(String),
    #[error("{path}: {message}")]
    Json { path: String, message: String },
    #[error("{path}: {why}")]
    Invalid { path: String, why: Invalid },
    #[error(transparent)]
    Schema(#[from] SchemaError),
}

impl PackageError {
    /// The field the refusal is about, if it is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            PackageError::NoSchema | PackageError::UnknownSchema(_) => Some("schema"),
            PackageError::Json { path, .. } | PackageError::Invalid { path, .. } => {
                Some(path.as_str()).filter(|p| !p.is_empty())
            }
            PackageError::TooLarge | PackageError::Schema(_) => None,
        }
    }

    /// The rule the package broke, if it parsed.
    pub fn invalid(&self) -> Option<Invalid> {
        match self {
            PackageError::Invalid { why, .. } => Some(*why),
            _ => None,
        }
    }
}

/// The first part of any package, whatever its version.
#[derive(Deserialize)]
struct Head {
    schema: Option<serde_json::Value>,
}

/// What a create request adds to a package.
#[derive(Deserialize)]
struct Dated {
    date: String,
    #[serde(default)]
    access_days: Option<i64>,
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, PackageError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let mut path = e.path().to_string();
        if path == "." || path == "?" {
            path.clear();
        }
        let message = e.into_inner().to_string();
        // serde names a missing field in its message; the path points at its object.
        if let Some(name) = message
            .strip_prefix("missing field `")
            .and_then(|m| m.split('`').next())
        {
            path = if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            };
        }
        PackageError::Json { path, message }
    })?;
    de.end().map_err(|e| PackageError::Json {
        path: String::new(),
        message: e.to_string(),
    })?;
    Ok(value)
}

/// Size and schema, before the body is read as this version's package.
fn head(bytes: &[u8], schema_required: bool) -> Result<(), PackageError> {
    if bytes.len() > MAX_PACKAGE_BYTES {
        return Err(PackageError::TooLarge);
    }
    match parse::<Head>(bytes)?.schema {
        None if schema_required => Err(PackageError::NoSchema),
        None => Ok(()),
        Some(serde_json::Value::String(s)) if s == PACKAGE_SCHEMA => Ok(()),
        Some(other) => Err(PackageError::UnknownSchema(other.to_string())),
    }
}

fn checked(package: &Package) -> Result<(), PackageError> {
    package
        .check()
        .map_err(|(path, why)| PackageError::Invalid { path, why })
}

/// Read a package file.
pub fn read_package(bytes: &[u8]) -> Result<Package, PackageError> {
    head(bytes, true)?;
    let package: Package = parse(bytes)?;
    checked(&package)?;
    Ok(package)
}

/// Read a create request: a package (its `schema` may be left out) with a `date` and
/// optionally `access_days`.
pub fn read_spec(bytes: &[u8]) -> Result<WorkshopSpec, PackageError> {
    head(bytes, false)?;
    let setup: Package = parse(bytes)?;
    let Dated { date, access_days } = parse(bytes)?;
    let spec = WorkshopSpec {
        setup,
        date,
        access_days,
    };
    spec.check()
        .map_err(|(path, why)| PackageError::Invalid { path, why })?;
    Ok(spec)
}

/// A package as its file: pretty JSON, the fields in the documented order.
pub fn to_json(package: &Package) -> String {
    // Serialising plain strings and lists cannot fail.
    serde_json::to_string_pretty(package).unwrap_or_default()
}

/// A material as a package holds it: an address that is no web link (the editor takes any
/// text, and shows it as text) is left out, the title kept.
fn web_link(m: &Material) -> Material {
    Material {
        title: m.title.clone(),
        url: if url_ok(&m.url) {
            m.url.clone()
        } else {
            String::new()
        },
    }
}

fn labels(fields: &[crate::doc::Field]) -> Vec<String> {
    fields.iter().map(|f| f.label.clone()).collect()
}

/// A workshop's setup as a package: no notes, no date, no links, no ids. Items still empty
/// in the editor (a question not yet typed) are left out; an area a group or case uses is
/// listed even if it was removed from the areas, so the package always reads back.
pub fn write_package(w: &Workshop) -> Package {
    let blank = |s: &str| s.trim().is_empty();
    let reflection_fields = if w.reflection_fields == default_reflection_fields() {
        Vec::new()
    } else {
        labels(&w.reflection_fields)
    };
    let mut package = Package {
        schema: PACKAGE_SCHEMA.to_owned(),
        title: w.title.clone(),
        materials: w
            .materials
            .iter()
            .filter(|m| !(blank(&m.title) && blank(&m.url)))
            .map(web_link)
            .collect(),
        areas: w.areas.iter().filter(|a| !blank(a)).cloned().collect(),
        questions: w
            .questions
            .iter()
            .filter(|q| !blank(&q.text))
            .map(|q| QuestionSpec {
                text: q.text.clone(),
                area: q.area.clone().filter(|a| !blank(a)),
                facilitator_note: q.note.clone().filter(|n| !blank(n)),
            })
            .collect(),
        reflection_fields,
        cases: w
            .cases
            .iter()
            .filter(|c| !blank(&c.area) && (!blank(&c.title) || !blank(&c.body)))
            .map(|c| CaseSpec {
                title: c.title.clone(),
                area: c.area.clone(),
                body: c.body.clone(),
                links: c
                    .links
                    .iter()
                    .filter(|l| !blank(&l.url))
                    .map(web_link)
                    .collect(),
                reflection_fields: labels(&c.fields),
            })
            .collect(),
        groups: w
            .groups
            .iter()
            // The day's first groups; later rounds are made on the day, from the people there.
            .filter(|g| g.round == 1 && !blank(&g.area))
            .map(|g| GroupSpec {
                name: g.name.clone(),
                area: g.area.clone(),
            })
            .collect(),
    };
    let unlisted = package.areas_used_unlisted();
    package.areas.extend(unlisted);
    package
}
