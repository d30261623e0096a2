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

#[test]
fn votes_are_made_of_what_was_written() {
    let mut new = demo::fixture("w1").unwrap();
    let w = read_workshop(&new.workshop).unwrap();
    let (q, r) = crate::doc::tests::question_for_all(&w);
    // One group answered; every case's group wrote its "questions for the plenary".
    edit_text(&mut new.groups[1].1, &r, "Läs journalen tillsammans").unwrap();
    for c in &w.cases {
        let (_, doc) = new
            .groups
            .iter_mut()
            .find(|(g, _)| g.area == c.area)
            .unwrap();
        let field = TextRef::Reflection {
            case_id: c.id.clone(),
            field_id: "plenary_questions".into(),
        };
        edit_text(doc, &field, &format!("Hur gör vi med {}?", c.title)).unwrap();
    }
    let notes: Vec<GroupNotes> = new
        .groups
        .iter()
        .map(|(_, d)| read_group(d).unwrap())
        .collect();
    let view = plenary_view(&w, &notes, &PlenaryNotes::default());

    let v = view.vote_on_question(&q.id, "v1").unwrap();
    assert_eq!(v.title, q.text);
    assert_eq!(v.items.len(), 1, "only the written answer");
    assert_eq!(v.items[0].id, new.groups[1].0.id);
    assert!(
        Vote::parse(&v.as_stored()).is_some(),
        "the write rules take it"
    );
    // Nothing written, nothing to vote on.
    let other = w.questions.iter().find(|x| x.id != q.id).unwrap();
    assert_eq!(view.vote_on_question(&other.id, "v2"), None);

    let fields = view.case_fields();
    assert_eq!(fields.len(), w.reflection_fields.len(), "each field once");
    let v = view.vote_on_field("plenary_questions", "v3").unwrap();
    assert_eq!(v.title, "Frågor till storgruppen");
    assert_eq!(v.items.len(), w.cases.len());
    assert!(v.items[0].group.contains(&w.cases[0].title));
    assert!(Vote::parse(&v.as_stored()).is_some());
    assert_eq!(view.vote_on_field("best_interest", "v4"), None);
}
