//! The presentation's slides.

use super::*;
use crate::demo;
use crate::doc::{TextRef, edit_text, read_group, read_plenary, read_workshop, set_highlight};
use crate::view::plenary_view;

#[test]
fn slides_keep_the_group_order_name_the_silent_and_end_with_summary_and_follow_ups() {
    let mut new = demo::fixture("w1").unwrap();
    let w = read_workshop(&new.workshop).unwrap();
    let (q, r) = crate::doc::tests::question_for_all(&w);
    // Every group but the first answers; the last one lifts its answer.
    for (g, doc) in new.groups.iter_mut().skip(1) {
        edit_text(doc, &r, &format!("svar från {}", g.name)).unwrap();
    }
    let last = new.groups.len() - 1;
    set_highlight(&mut new.groups[last].1, &r, true).unwrap();
    // One case gets a reflection from its group.
    let case = w.cases[0].clone();
    let field = w.fields_for(&case)[1].clone();
    let (gi, _) = w
        .groups
        .iter()
        .enumerate()
        .find(|(_, g)| g.area == case.area)
        .unwrap();
    let reflection = TextRef::Reflection {
        case_id: case.id.clone(),
        field_id: field.id.clone(),
    };
    edit_text(&mut new.groups[gi].1, &reflection, "Barnets bästa").unwrap();
    let summary = TextRef::Summary {
        question_id: q.id.clone(),
    };
    edit_text(&mut new.plenary, &summary, "Vi var överens").unwrap();
    edit_text(
        &mut new.plenary,
        &TextRef::Overall,
        " En dag om barnets röst\n",
    )
    .unwrap();
    crate::doc::tests::add_follow_up(&mut new.plenary, "f1");
    let notes: Vec<_> = new
        .groups
        .iter()
        .map(|(_, d)| read_group(d).unwrap())
        .collect();
    let view = plenary_view(&w, &notes, &read_plenary(&new.plenary).unwrap());
    let all = slides(&w, &view, &notes);
    assert_eq!(all.len(), w.questions.len() + w.cases.len() + 2);

    let qi = w.questions.iter().position(|x| x.id == q.id).unwrap();
    let Slide::Question {
        cards,
        silent,
        summary,
        ..
    } = &all[qi]
    else {
        panic!("question slide expected");
    };
    // The facilitator's order, the lifted answer marked where it stands (last), not first.
    let order: Vec<&str> = cards.iter().map(|c| c.group_id.as_str()).collect();
    let expected: Vec<&str> = w.groups.iter().skip(1).map(|g| g.id.as_str()).collect();
    assert_eq!(order, expected);
    assert!(cards.last().unwrap().highlighted);
    assert!(!cards[0].highlighted);
    assert_eq!(silent, &vec![w.groups[0].name.clone()]);
    assert_eq!(summary, "Vi var överens");

    let Slide::Case { cards, silent, .. } = &all[w.questions.len()] else {
        panic!("case slide expected");
    };
    assert_eq!(cards.len(), 1, "only the group that wrote has a card");
    assert_eq!(
        cards[0].parts,
        vec![(Some(field.label.clone()), "Barnets bästa".to_owned())]
    );
    assert!(silent.is_empty() || !silent.contains(&cards[0].group_name));

    assert_eq!(
        all[all.len() - 2],
        Slide::Summary {
            overall: "En dag om barnets röst".into(),
            items: vec![(q.text.clone(), "Vi var överens".into())]
        }
    );
    let Slide::FollowUps { items } = &all[all.len() - 1] else {
        panic!("follow-ups last");
    };
    assert_eq!(items[0].text, "Ta upp på APT");
}

#[test]
fn grids_and_pages() {
    assert_eq!(grid_for(1), (1, 1));
    assert_eq!(grid_for(4), (2, 2));
    assert_eq!(grid_for(6), (3, 2));
    assert_eq!(grid_for(8), (4, 2));
    for n in 1..=MAX_CARDS_PER_PAGE {
        let (c, r) = grid_for(n);
        assert!(c * r >= n, "{n} cards do not fit {c}×{r}");
    }
    assert_eq!(pages(0, 8), 1);
    assert_eq!(pages(8, 8), 1);
    assert_eq!(pages(9, 8), 2);
    assert_eq!(pages(3, 0), 3);
}
