//! Fixtures shared by the criterion benchmarks (documents with a realistic typing history), and
//! the load generator's parts: CPU sets ([`cpus`]), the servers it drives ([`target`]) and what
//! it reports ([`report`]).

pub mod cpus;
pub mod report;
pub mod target;

use automerge::{AutoCommit, ReadDoc};
use samtal_shared::doc::{self, TextRef, Workshop, WorkshopSpec};

/// A workshop of `groups` groups (demo questions and cases), its documents built.
pub fn workshop(groups: usize) -> (Workshop, Vec<AutoCommit>, AutoCommit) {
    let mut spec: WorkshopSpec = match samtal_shared::demo::spec("2026-11-24") {
        Ok(spec) => spec,
        Err(e) => panic!("the demo package does not read: {e}"),
    };
    let template = spec.setup.groups[0].clone();
    spec.setup.groups = (0..groups)
        .map(|i| doc::GroupSpec {
            name: format!("Grupp {}", i + 1),
            ..template.clone()
        })
        .collect();
    let built = doc::build_workshop(&spec, "bench", samtal_shared::demo::counter_ids());
    match built {
        Ok(w) => {
            let workshop = doc::read_workshop(&w.workshop).ok();
            let groups = w.groups.into_iter().map(|(_, d)| d).collect();
            match workshop {
                Some(ws) => (ws, groups, w.plenary),
                None => panic!("the demo workshop does not read back"),
            }
        }
        Err(e) => panic!("the demo workshop does not build: {e}"),
    }
}

/// The first question's answer field.
pub fn answer() -> TextRef {
    TextRef::Answer {
        question_id: "q1".into(),
    }
}

/// Type `keystrokes` characters into the first answer, committing every `burst` keystrokes
/// (the browser commits a burst after 300 ms idle or 1 s), with a new sentence every 60.
pub fn type_into(doc: &mut AutoCommit, keystrokes: usize, burst: usize) {
    let r = answer();
    let Ok(obj) = doc::text_obj(doc, &r) else {
        panic!("the group document has no answer field");
    };
    let words = b"barnet behover fa komma till tals i alla beslut som ror det ";
    for i in 0..keystrokes {
        let len = doc.length(&obj);
        let c = if i % 60 == 59 {
            ".".to_owned()
        } else {
            char::from(words[i % words.len()]).to_string()
        };
        if let Err(e) = automerge::transaction::Transactable::splice_text(doc, &obj, len, 0, &c) {
            panic!("typing failed: {e}");
        }
        if i % burst == burst - 1 {
            doc.commit();
        }
    }
    doc.commit();
}
