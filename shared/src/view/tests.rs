//! The plenary view.

use super::*;
use crate::demo;
use crate::doc::{edit_text, read_group, read_plenary, read_workshop, set_highlight};

#[test]
fn view_puts_each_groups_answer_under_its_question_highlights_first() {
    let mut new = demo::fixture("w1").unwrap();
    let w = read_workshop(&new.workshop).unwrap();
    let (q, r) = crate::doc::tests::question_for_all(&w);
    for (g, doc) in &mut new.groups {
        edit_text(doc, &r, &format!("svar från {}", g.name)).unwrap();
    }
    // The last group lifts its answer: it comes first.
    let last = new.groups.len() - 1;
    set_highlight(&mut new.groups[last].1, &r, true).unwrap();
    edit_text(
        &mut new.plenary,
        &TextRef::Summary {
            question_id: q.id.clone(),
        },
        "Sammanfattning",
    )
    .unwrap();
    crate::doc::tests::add_follow_up(&mut new.plenary, "f1");
    let notes: Vec<GroupNotes> = new
        .groups
        .iter()
        .map(|(_, d)| read_group(d).unwrap())
        .collect();
    let plenary = read_plenary(&new.plenary).unwrap();
    let view = plenary_view(&w, &notes, &plenary);
    let qv = view.questions.iter().find(|v| v.id == q.id).unwrap();
    assert_eq!(qv.summary, "Sammanfattning");
    assert_eq!(qv.answers.len(), w.groups.len());
    assert!(qv.answers[0].highlighted);
    assert_eq!(qv.answers[0].group_id, new.groups[last].0.id);
    for a in &qv.answers {
        assert_eq!(a.text, format!("svar från {}", a.group_name));
    }
    assert_eq!(view.follow_up[0].owner, "Enhetschef");
    // Un-lifting removes the highlight.
    set_highlight(&mut new.groups[last].1, &r, false).unwrap();
    assert!(
        read_group(&new.groups[last].1)
            .unwrap()
            .highlights
            .is_empty()
    );
}

#[test]
fn cases_list_only_groups_of_the_case_area() {
    let mut new = demo::fixture("w1").unwrap();
    let w = read_workshop(&new.workshop).unwrap();
    let case = w.cases[0].clone();
    let field = w.reflection_fields[0].clone();
    let r = TextRef::Reflection {
        case_id: case.id.clone(),
        field_id: field.id.clone(),
    };
    for (g, doc) in &mut new.groups {
        // Only the case's area has the field; others refuse.
        let res = edit_text(doc, &r, "reflektion");
        assert_eq!(res.is_ok(), g.area == case.area, "{}", g.name);
    }
    let notes: Vec<GroupNotes> = new
        .groups
        .iter()
        .map(|(_, d)| read_group(d).unwrap())
        .collect();
    let view = plenary_view(&w, &notes, &PlenaryNotes::default());
    let cv = &view.cases[0];
    let fv = &cv.fields[0];
    assert!(fv.answers.iter().all(|a| a.text == "reflektion"));
    assert_eq!(
        fv.answers.len(),
        w.groups.iter().filter(|g| g.area == case.area).count()
    );
    assert_eq!(view.filled_count(), fv.answers.len());
}
