//! The demo workshop `cargo xtask serve` creates on first start. Invented cases, no real people.

use crate::doc::{CaseSpec, GroupSpec, Material, QuestionSpec, WorkshopSpec};

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
