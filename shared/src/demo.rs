//! The demo workshop `cargo xtask serve` creates on first start. Invented cases, no real people.

use crate::doc::{
    CaseSpec, GroupSpec, Material, NewWorkshop, QuestionSpec, SchemaError, WorkshopSpec,
    build_workshop,
};
use crate::ids::DocumentId;

pub const DEMO_TITLE: &str = "Barnkonventionen i praktiken";

/// The demo workshop, dated `date` (`YYYY-MM-DD`).
pub fn spec(date: &str) -> WorkshopSpec {
    WorkshopSpec {
        title: DEMO_TITLE.into(),
        date: date.into(),
        materials: vec![Material {
            title: "Föreläsning: Barnkonventionen som lag".into(),
            url: "https://www.barnombudsmannen.se/barnkonventionen/".into(),
        }],
        areas: vec![
            "Barn och unga".into(),
            "Vuxen".into(),
            "Funktionsstöd".into(),
        ],
        questions: vec![
            QuestionSpec {
                text: "Vad tar ni med er från föreläsningen?".into(),
                area: None,
            },
            QuestionSpec {
                text: "Hur tar vi reda på vad barnet själv tycker i våra ärenden?".into(),
                area: None,
            },
            QuestionSpec {
                text: "Vad kan vi göra annorlunda redan nästa vecka?".into(),
                area: None,
            },
        ],
        reflection_fields: vec![],
        cases: vec![
            CaseSpec {
                title: "Elsa, 9 år".into(),
                area: "Barn och unga".into(),
                body: "Skolan har gjort en orosanmälan. Elsa kommer ofta trött till skolan och \
                       säger att hon tar hand om sin lillebror på kvällarna. Föräldrarna tycker \
                       att allt fungerar bra."
                    .into(),
            },
            CaseSpec {
                title: "Familjen på Ekvägen".into(),
                area: "Vuxen".into(),
                body: "En pappa söker ekonomiskt bistånd. Under samtalet berättar han att hans \
                       två barn, 6 och 11 år, inte har kunnat delta i några fritidsaktiviteter \
                       på ett år."
                    .into(),
            },
            CaseSpec {
                title: "Omar, 15 år".into(),
                area: "Funktionsstöd".into(),
                body: "Omar har en intellektuell funktionsnedsättning och bor på korttidsboende \
                       varannan vecka. Han har sagt till personalen att han vill vara mer hemma, \
                       men föräldrarna behöver avlastningen."
                    .into(),
            },
        ],
        groups: vec![
            GroupSpec {
                name: "Barn och unga".into(),
                area: "Barn och unga".into(),
            },
            GroupSpec {
                name: "Vuxen".into(),
                area: "Vuxen".into(),
            },
            GroupSpec {
                name: "Funktionsstöd".into(),
                area: "Funktionsstöd".into(),
            },
        ],
        access_days: None,
    }
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
pub fn fixture(workshop_id: &str) -> Result<NewWorkshop, SchemaError> {
    fixture_with_groups(workshop_id, 3)
}

/// [`fixture`] with `groups` groups: the demo's three, then more like the first ("Grupp 4", …).
pub fn fixture_with_groups(workshop_id: &str, groups: usize) -> Result<NewWorkshop, SchemaError> {
    let mut spec = spec(FIXTURE_DATE);
    let template = spec.groups[0].clone();
    while spec.groups.len() < groups {
        let name = format!("Grupp {}", spec.groups.len() + 1);
        spec.groups.push(GroupSpec {
            name,
            ..template.clone()
        });
    }
    spec.groups.truncate(groups.max(1));
    build_workshop(&spec, workshop_id, counter_ids())
}
