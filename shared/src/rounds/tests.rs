//! The mixed round's proposal and the edit that starts it.

use super::*;
use crate::demo;
use crate::doc::{WorkshopEdit, apply_workshop_edit, read_workshop};

fn demo_workshop(groups: usize) -> (automerge::AutoCommit, Workshop) {
    let new = demo::fixture_with_groups("w1", groups).unwrap();
    let doc = new.workshop;
    let w = read_workshop(&doc).unwrap();
    (doc, w)
}

fn name(j: usize) -> String {
    format!("Blandad grupp {}", j + 1)
}

#[test]
fn balanced_sizes_differ_by_at_most_one_and_add_up() {
    assert_eq!(balanced(17, 3), vec![6, 6, 5]);
    assert_eq!(balanced(3, 5), vec![1, 1, 1, 0, 0]);
    assert!(balanced(10, 0).is_empty());
    for total in 0..40 {
        for count in 1..9 {
            let s = balanced(total, count);
            assert_eq!(s.iter().sum::<u32>(), total);
            assert!(s.iter().max().unwrap() - s.iter().min().unwrap() <= 1);
        }
    }
}

#[test]
fn every_mixed_group_draws_from_every_area_when_there_are_enough_people() {
    let (_, w) = demo_workshop(3);
    let people = [6, 6, 6];
    let p = propose(&w, 1, &people, &balanced(18, 3), name);
    assert_eq!(p.round, 2);
    assert_eq!(p.unplaced, 0);
    assert_eq!(p.groups.len(), 3);
    for g in &p.groups {
        assert_eq!(g.size, 6);
        assert_eq!(g.from.len(), 3, "{g:?}");
        assert!(g.from.iter().all(|(_, n)| *n == 2));
        assert_eq!(g.areas, w.areas, "in the workshop's area order");
    }
    let ids: Vec<&str> = p.groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["r2-1", "r2-2", "r2-3"]);
    assert_eq!(p.groups[1].name, "Blandad grupp 2");
}

#[test]
fn sizes_she_sets_are_kept_and_what_does_not_fit_is_counted() {
    let (_, w) = demo_workshop(3);
    let p = propose(&w, 1, &[5, 4, 3], &[8, 2], name);
    assert_eq!(p.groups.iter().map(|g| g.size).collect::<Vec<_>>(), [8, 2]);
    assert_eq!(p.unplaced, 2);
    // Each person is placed once: the counts per source never exceed its people.
    for (i, src) in w.groups_in(1).enumerate() {
        let placed: u32 = p
            .groups
            .iter()
            .flat_map(|g| &g.from)
            .filter(|(id, _)| *id == src.id)
            .map(|(_, n)| n)
            .sum();
        assert!(placed <= [5, 4, 3][i]);
    }
    // No people, no sources.
    let empty = propose(&w, 1, &[0, 0, 0], &[3, 3], name);
    assert!(
        empty
            .groups
            .iter()
            .all(|g| g.from.is_empty() && g.size == 0)
    );
}

#[test]
fn one_area_s_groups_are_spread_over_the_new_groups() {
    // Six groups: the demo's three areas, the extra ones in the first area.
    let (_, w) = demo_workshop(6);
    let people = vec![4; 6];
    let p = propose(&w, 1, &people, &balanced(24, 4), name);
    for g in &p.groups {
        assert_eq!(g.size, 6);
        assert_eq!(g.areas.len(), w.areas.len(), "{g:?}");
    }
}

#[test]
fn the_round_starts_with_its_own_groups_and_documents() {
    let (mut doc, w) = demo_workshop(3);
    let p = propose(&w, 1, &[6, 6, 6], &balanced(18, 3), name);
    let topics = vec![String::new(), w.areas[0].clone(), String::new()];
    let groups = p.into_round(&topics);
    apply_workshop_edit(&mut doc, &WorkshopEdit::AddRound { groups }).unwrap();
    let after = read_workshop(&doc).unwrap();
    assert_eq!(after.rounds(), vec![1, 2]);
    assert_eq!(after.latest_round(), 2);
    let new: Vec<_> = after.groups_in(2).collect();
    assert_eq!(new.len(), 3);
    assert_eq!(new[1].area, w.areas[0]);
    assert!(new.iter().all(|g| g.is_mixed() && g.mix == w.areas));
    let ids: std::collections::BTreeSet<_> = after.groups.iter().map(|g| g.doc_id).collect();
    assert_eq!(ids.len(), 6, "every group has its own document");
    // Round 1 is as it was.
    assert!(after.groups_in(1).eq(w.groups.iter()));
    // The same ids again are refused; so is an unknown area and a round without groups.
    let again = propose(&w, 1, &[1, 1, 1], &[3], name).into_round(&[]);
    let mut twice = again.clone();
    twice[0].id = new[0].id.clone();
    for (edit, _why) in [
        (WorkshopEdit::AddRound { groups: twice }, "taken id"),
        (WorkshopEdit::AddRound { groups: vec![] }, "no groups"),
        (
            WorkshopEdit::AddRound {
                groups: vec![RoundGroup {
                    area: "Inget sådant".into(),
                    ..again[0].clone()
                }],
            },
            "unknown area",
        ),
    ] {
        assert!(apply_workshop_edit(&mut doc, &edit).is_err(), "{_why}");
    }
    assert_eq!(read_workshop(&doc).unwrap(), after);
}

#[test]
fn a_proposal_for_round_three_numbers_its_ids_after_round_two() {
    let (mut doc, w) = demo_workshop(2);
    let groups = propose(&w, 1, &[2, 2], &[2, 2], name).into_round(&[]);
    apply_workshop_edit(&mut doc, &WorkshopEdit::AddRound { groups }).unwrap();
    let w2 = read_workshop(&doc).unwrap();
    let p = propose(&w2, 2, &[2, 2], &[4], name);
    assert_eq!(p.round, 3);
    assert_eq!(p.groups[0].from.len(), 2);
    assert_eq!(p.groups[0].id, "r3-1");
}

#[test]
fn a_round_drawn_from_mixed_groups_keeps_where_their_people_work() {
    let (mut doc, w) = demo_workshop(3);
    assert_eq!(default_source(&w), 1);
    let groups = propose(&w, 1, &[2, 2, 2], &[3, 3], name).into_round(&[]);
    apply_workshop_edit(&mut doc, &WorkshopEdit::AddRound { groups }).unwrap();
    let w2 = read_workshop(&doc).unwrap();
    // Round 2 is mixed: the next round is best drawn from round 1 again…
    assert_eq!(default_source(&w2), 1);
    // …and one drawn from round 2 still knows its people's areas (from the mix).
    let p = propose(&w2, 2, &[3, 3], &[6], name);
    assert_eq!(p.groups[0].areas, w.areas);
}
