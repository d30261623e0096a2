//! History: steps, text at a moment, passages, news, phases, restore; and signing changes.

use super::*;
use crate::demo;
use crate::doc::{WorkshopEdit, build_workshop, edit_text, read_text};
use crate::stamp::{MAX_LABEL_CHARS, Stamp, clean_label, commit};
use automerge::ActorId;

fn answer() -> TextRef {
    TextRef::Answer {
        question_id: "q1".into(),
    }
}

/// A group document with its structure, and a stamp helper.
fn group_doc() -> AutoCommit {
    let spec = demo::spec("2026-11-24").unwrap();
    let mut new = build_workshop(&spec, "w1", demo::counter_ids()).unwrap();
    new.groups.remove(0).1
}

fn type_as(doc: &mut AutoCommit, text: &str, device: &str, time: i64) -> ChangeHash {
    edit_text(doc, &answer(), text).unwrap();
    commit(
        doc,
        &Stamp {
            device: Some(device.into()),
            time,
        },
    )
    .unwrap()
}

fn fork(doc: &mut AutoCommit) -> AutoCommit {
    doc.fork().with_actor(ActorId::random())
}

#[test]
fn labels_are_cleaned() {
    assert_eq!(
        clean_label("  Konferensrum 3 "),
        Some("Konferensrum 3".into())
    );
    assert_eq!(clean_label("a\u{7}b\nc"), Some("abc".into()));
    assert_eq!(clean_label("   "), None);
    assert_eq!(
        clean_label(&"x".repeat(100)).unwrap().chars().count(),
        MAX_LABEL_CHARS
    );
}

#[test]
fn commit_signs_and_skips_empty() {
    let mut doc = group_doc();
    assert_eq!(commit(&mut doc, &Stamp::default()), None, "nothing pending");
    let hash = type_as(&mut doc, "Hej", "Rum 3", 1_000);
    let change = doc.get_change_by_hash(&hash).unwrap();
    assert_eq!(change.message(), Some("Rum 3"));
    assert_eq!(change.timestamp(), 1_000);
}

/// Two devices write concurrently (one of them offline), then merge: text at every step,
/// who wrote which passage, and what is new since a state seen by someone in between.
#[test]
fn text_at_heads_blame_and_news_across_concurrent_branches() {
    let mut a = group_doc();
    let base = type_as(&mut a, "Barnets bästa.", "Rum 3", 100);
    let mut b = fork(&mut a);
    // Concurrently: A appends, B (offline) prepends.
    type_as(&mut a, "Barnets bästa. Hör barnet.", "Rum 3", 200);
    type_as(&mut b, "Först: Barnets bästa.", "Annas laptop", 150);
    let seen = a.get_heads(); // someone saw A's branch only
    a.merge(&mut b).unwrap();
    let merged = read_text(&a, &answer()).unwrap();
    assert_eq!(merged, "Först: Barnets bästa. Hör barnet.");
    type_as(&mut a, "Först: Barnets bästa. Hör barnet!", "Rum 3", 300);

    let doc = a.document();
    let h = History::of(doc);
    // Causal order, earliest time first: B's change (150) before A's second (200).
    let times: Vec<i64> = h
        .steps
        .iter()
        .map(|s| s.time)
        .filter(|t| *t >= 100)
        .collect();
    assert_eq!(times, vec![100, 150, 200, 300]);
    let step_of_hash = |hash: ChangeHash| h.steps.iter().position(|s| s.hash == hash).unwrap();
    let base_step = step_of_hash(base);
    // Every prefix is a real state: the text at each step.
    let texts: Vec<String> = (base_step..h.len())
        .map(|i| text_at(doc, &answer(), h.heads_at(Some(i))))
        .collect();
    assert_eq!(
        texts,
        vec![
            "Barnets bästa.",
            "Först: Barnets bästa.",
            "Först: Barnets bästa. Hör barnet.",
            "Först: Barnets bästa. Hör barnet!",
        ]
    );
    assert_eq!(text_at(doc, &answer(), h.heads_at(None)), "");

    // Who wrote what, now.
    let who: Vec<(String, Option<String>, i64)> = passages_at(doc, &answer(), None, &h)
        .into_iter()
        .map(|p| {
            let s = &h.steps[p.step.unwrap()];
            (p.text, s.device.clone(), s.time)
        })
        .collect();
    let name = |s: &str| Some(s.to_owned());
    assert_eq!(
        who,
        vec![
            ("Först: ".into(), name("Annas laptop"), 150),
            ("Barnets bästa.".into(), name("Rum 3"), 100),
            (" Hör barnet".into(), name("Rum 3"), 200),
            ("!".into(), name("Rum 3"), 300),
        ]
    );
    // And as it was at step 1 (B's prepend only).
    let then = passages_at(doc, &answer(), Some(h.heads_at(Some(base_step + 1))), &h);
    assert_eq!(
        then.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
        vec!["Först: ", "Barnets bästa."]
    );

    // New since `seen` (A's branch): B's concurrent prefix and the last edit; "." removed.
    let new = h.new_since(&seen);
    let news = news_since(doc, &answer(), &seen, &h, &new);
    assert_eq!(
        news.passages,
        vec![
            ("Först: ".into(), true),
            ("Barnets bästa. Hör barnet".into(), false),
            ("!".into(), true),
        ]
    );
    assert_eq!(news.removed, 1, "the full stop replaced by '!'");
    assert!(news.is_changed());
    // Nothing is new since now; everything since an unknown state.
    let heads = h.heads_at(Some(h.len() - 1)).to_vec();
    let none = news_since(doc, &answer(), &heads, &h, &h.new_since(&heads));
    assert!(!none.is_changed());
    let unknown = [ChangeHash([7; 32])];
    let all = news_since(doc, &answer(), &unknown, &h, &h.new_since(&unknown));
    assert!(all.passages.iter().all(|(_, new)| *new));
    assert_eq!(all.removed, 0);
}

#[test]
fn restore_is_a_new_change_and_keeps_history() {
    let mut doc = group_doc();
    type_as(&mut doc, "Viktiga anteckningar", "Rum 3", 100);
    let before_wipe = doc.get_heads();
    type_as(&mut doc, "", "Rum 3", 200);
    assert!(restore(&mut doc, &answer(), &before_wipe).unwrap());
    commit(
        &mut doc,
        &Stamp {
            device: Some("Samordnare".into()),
            time: 300,
        },
    );
    assert_eq!(read_text(&doc, &answer()).unwrap(), "Viktiga anteckningar");
    let h = History::of(doc.document());
    let last = h.steps.last().unwrap();
    assert_eq!(
        (last.device.as_deref(), last.time),
        (Some("Samordnare"), 300)
    );
    // The wiped state is still in the history.
    assert!(
        h.steps
            .iter()
            .any(|s| s.time == 200 && text_at(doc.document(), &answer(), &s.heads).is_empty())
    );
    // Restoring to the current text changes nothing.
    let now = doc.get_heads();
    assert!(!restore(&mut doc, &answer(), &now).unwrap());
}

#[test]
fn phases_are_marked_when_they_change() {
    let spec = demo::spec("2026-11-24").unwrap();
    let mut new = build_workshop(&spec, "w1", demo::counter_ids()).unwrap();
    let w = &mut new.workshop;
    let at = |w: &mut AutoCommit, edit: WorkshopEdit, time: i64| {
        doc::apply_workshop_edit(w, &edit).unwrap();
        commit(w, &Stamp { device: None, time });
    };
    // Setting the phase it already has (a new workshop's, Prep) marks nothing.
    at(w, WorkshopEdit::Phase(Phase::Prep), 500);
    at(w, WorkshopEdit::Phase(Phase::Groups), 1_000);
    at(w, WorkshopEdit::Title("Ny titel".into()), 1_500);
    at(w, WorkshopEdit::Phase(Phase::Plenary), 2_000);
    let h = History::of(w.document());
    let marks = phase_marks(w.document(), &h);
    let tail: Vec<(i64, Phase)> = marks.iter().copied().filter(|(t, _)| *t > 0).collect();
    assert_eq!(tail, vec![(1_000, Phase::Groups), (2_000, Phase::Plenary)]);
    // A new workshop starts in preparation.
    assert_eq!(marks.first().map(|m| m.1), Some(Phase::Prep));
    assert_eq!(h.steps[h.step_at_time(1_500)].time, 1_500);
    assert_eq!(h.step_at_time(9_999), h.len());
}
