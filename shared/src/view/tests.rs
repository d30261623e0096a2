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

#[test]
fn a_round_s_view_holds_its_groups_and_every_answer_says_where_it_came_from() {
    use crate::doc::{WorkshopEdit, apply_workshop_edit, new_group_doc};
    use crate::rounds::{balanced, propose};
    let mut new = demo::fixture("w1").unwrap();
    let w1 = read_workshop(&new.workshop).unwrap();
    let groups = propose(&w1, 1, &[2, 2, 2], &balanced(6, 2), |j| {
        format!("Blandad {j}")
    })
    .into_round(&[]);
    apply_workshop_edit(&mut new.workshop, &WorkshopEdit::AddRound { groups }).unwrap();
    let w = read_workshop(&new.workshop).unwrap();
    let (q, r) = crate::doc::tests::question_for_all(&w);
    let mut notes = Vec::new();
    for g in &w.groups {
        let mut d = new_group_doc("w1", &g.id).unwrap();
        crate::doc::ensure_group_structure(&mut d, &w, g).unwrap();
        edit_text(&mut d, &r, &format!("svar från {}", g.name)).unwrap();
        notes.push(read_group(&d).unwrap());
    }
    let plenary = read_plenary(&new.plenary).unwrap();
    let answers = |round| {
        let v = plenary_view_in(&w, &notes, &plenary, round);
        assert_eq!(v.rounds, vec![1, 2]);
        assert_eq!(v.round, round.filter(|r| *r <= 2));
        v.questions
            .into_iter()
            .find(|v| v.id == q.id)
            .unwrap()
            .answers
    };
    let second = answers(Some(2));
    assert_eq!(second.len(), 2);
    for a in &second {
        assert_eq!(a.round, 2);
        assert_eq!(a.mix, w.areas, "its people came from every area");
        assert_eq!(a.text, format!("svar från {}", a.group_name));
    }
    let first = answers(Some(1));
    assert_eq!(first.len(), 3);
    assert!(
        first
            .iter()
            .all(|a| a.round == 1 && a.mix.is_empty() && !a.area.is_empty())
    );
    // All rounds: every group, round by round in the facilitator's order.
    let all = answers(None);
    assert_eq!(all.len(), 5);
    assert_eq!(
        all.iter().map(|a| a.round).collect::<Vec<_>>(),
        [1, 1, 1, 2, 2]
    );
    // A round that is not there shows every round.
    assert_eq!(answers(Some(7)).len(), 5);
    // The exports say it too.
    let l = crate::i18n::Lang::Sv.strings();
    let md = crate::export::markdown(
        &plenary_view_in(&w, &notes, &plenary, Some(2)),
        crate::i18n::Lang::Sv,
    );
    assert!(md.contains("**Omgång 2**"), "{md}");
    let origin = crate::export::provenance(l, &second[0]);
    assert!(origin.starts_with("Omgång 2 · blandad: "), "{origin}");
    assert!(
        md.contains(&format!("#### {} — {origin}", second[0].group_name)),
        "{md}"
    );
    // Round 2's mixed groups on the shared questions discuss no case: its view shows none,
    // round 1's and all rounds' every case.
    let cases = |r| plenary_view_in(&w, &notes, &plenary, r).cases.len();
    assert_eq!(cases(Some(2)), 0);
    assert_eq!(cases(Some(1)), w.cases.len());
    assert_eq!(cases(None), w.cases.len());
    // A day of one round reads as before: no round in the export, every case.
    let one = plenary_view(&w1, &notes, &plenary);
    assert_eq!(one.cases.len(), w1.cases.len());
    assert!(!crate::export::markdown(&one, crate::i18n::Lang::Sv).contains("Omgång"));
}
