//! The demo workshop `cargo xtask serve` creates on first start. Invented cases, no real people.

use crate::doc::{GroupSpec, NewWorkshop, Package, WorkshopSpec, build_workshop};
use crate::ids::DocumentId;
use crate::package::{PackageError, read_package};

pub const DEMO_TITLE: &str = "Barnkonventionen i praktiken";

/// The demo course as a package file: an example of the format, in the repository.
pub const DEMO_PACKAGE: &str = include_str!("../../packages/barnkonventionen.json");

/// The demo course package.
pub fn package() -> Result<Package, PackageError> {
    read_package(DEMO_PACKAGE.as_bytes())
}

/// The demo workshop, dated `date` (`YYYY-MM-DD`).
pub fn spec(date: &str) -> Result<WorkshopSpec, PackageError> {
    Ok(WorkshopSpec {
        setup: package()?,
        date: date.into(),
        access_days: None,
    })
}

/// The date of the fixture workshop.
pub const FIXTURE_DATE: &str = "2026-11-24";

/// Document ids 1, 2, 3, … (the counter in every byte, wrapping after 255): the same ids on
/// every run.
pub fn counter_ids() -> impl FnMut() -> DocumentId {
    let mut n = 0u8;
    move || {
        n = n.wrapping_add(1);
        DocumentId::from_bytes([n; 16])
    }
}

/// The demo workshop dated [`FIXTURE_DATE`], every document built, with [`counter_ids`]: what
/// the tests, the fuzz harnesses and the benchmarks start from.
pub fn fixture(workshop_id: &str) -> Result<NewWorkshop, PackageError> {
    fixture_with_groups(workshop_id, 3)
}

/// [`fixture`] with `groups` groups: the demo's three, then more like the first ("Grupp 4", …).
pub fn fixture_with_groups(workshop_id: &str, groups: usize) -> Result<NewWorkshop, PackageError> {
    let mut spec = spec(FIXTURE_DATE)?;
    let list = &mut spec.setup.groups;
    if let Some(template) = list.first().cloned() {
        while list.len() < groups {
            let name = format!("Grupp {}", list.len() + 1);
            list.push(GroupSpec {
                name,
                ..template.clone()
            });
        }
    }
    list.truncate(groups.max(1));
    Ok(build_workshop(&spec, workshop_id, counter_ids())?)
}
