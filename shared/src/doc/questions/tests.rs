use super::*;
use crate::doc::tests::rules_say;
use crate::policy::{PolicyError, WriteRules};
use automerge::transaction::Transactable;

fn fresh() -> AutoCommit {
    new_questions_doc("w1").unwrap()
}

fn with_question(id: &str, text: &str, at: i64) -> AutoCommit {
    let mut d = fresh();
    add_question(&mut d, id, text, at).unwrap();
    d.commit();
    d
}

#[test]
fn questions_added_offline_on_two_devices_both_arrive_in_the_order_written() {
    let mut base = fresh();
    let (mut a, mut b) = (base.fork(), base.fork());
    add_question(&mut a, "qa", "Vad gör vi när en brukare säger nej?", 200).unwrap();
    add_question(&mut b, "qb", "  Hur når vi anhöriga?  ", 100).unwrap();
    a.merge(&mut b).unwrap();
    let read = read_questions(&a).unwrap();
    let texts: Vec<&str> = read.questions.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "Hur når vi anhöriga?",
            "Vad gör vi när en brukare säger nej?"
        ]
    );
    assert_eq!(read.unsorted().len(), 2);
    assert!(read.on_agenda().is_empty());
}

#[test]
fn a_copy_that_never_synced_reads_and_another_kind_does_not() {
    let mut d = AutoCommit::new();
    add_question(&mut d, "q1", "Före första synken", 1).unwrap();
    assert_eq!(read_questions(&d).unwrap().questions.len(), 1);
    let plenary = crate::doc::new_plenary_doc("w1").unwrap();
    assert!(read_questions(&plenary).is_err());
}

#[test]
fn empty_long_and_repeated_questions_are_refused() {
    let mut d = with_question("q1", "Första", 1);
    assert!(matches!(
        add_question(&mut d, "q2", "   ", 1),
        Err(SchemaError::Invalid(Invalid::EmptyQuestion))
    ));
    assert!(matches!(
        add_question(&mut d, "q2", &"å".repeat(MAX_QUESTION), 1),
        Err(SchemaError::Invalid(Invalid::TooLong))
    ));
    assert!(matches!(
        add_question(&mut d, "q1", "Igen", 1),
        Err(SchemaError::Invalid(Invalid::DuplicateId))
    ));
    assert!(matches!(
        add_question(&mut d, "not an id", "Text", 1),
        Err(SchemaError::Invalid(Invalid::BadId))
    ));
}

#[test]
fn the_facilitator_sorts_and_nothing_is_ever_removed() {
    let mut d = fresh();
    for (i, id) in ["a", "b", "c"].iter().enumerate() {
        add_question(&mut d, id, &format!("Fråga {id}"), i as i64).unwrap();
    }
    let sort = |d: &mut AutoCommit, s: Sorting| sort_questions(d, &s).unwrap();
    sort(&mut d, Sorting::ToAgenda("c".into()));
    sort(&mut d, Sorting::ToAgenda("a".into()));
    sort(&mut d, Sorting::SetAside("b".into()));
    let ids = |v: Vec<&Submitted>| v.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
    let read = read_questions(&d).unwrap();
    assert_eq!(ids(read.on_agenda()), ["c", "a"]);
    assert_eq!(ids(read.aside()), ["b"]);
    assert!(read.unsorted().is_empty());
    sort(
        &mut d,
        Sorting::Move {
            id: "a".into(),
            earlier: true,
        },
    );
    // Already first: stays.
    sort(
        &mut d,
        Sorting::Move {
            id: "a".into(),
            earlier: true,
        },
    );
    sort(&mut d, Sorting::ToAgenda("b".into()));
    sort(&mut d, Sorting::Unsort("c".into()));
    let read = read_questions(&d).unwrap();
    assert_eq!(ids(read.on_agenda()), ["a", "b"]);
    assert!(read.aside().is_empty());
    assert_eq!(ids(read.unsorted()), ["c"]);
    assert_eq!(read.questions.len(), 3);
    assert!(sort_questions(&mut d, &Sorting::ToAgenda("zz".into())).is_err());
}

fn added(base: &AutoCommit, rules: WriteRules, f: &dyn Fn(&mut AutoCommit)) -> usize {
    rules_say(base, rules, f).unwrap_or_else(|e| panic!("{rules:?} refused: {e}"))
}

fn refused(base: &AutoCommit, rules: WriteRules, f: &dyn Fn(&mut AutoCommit)) -> PolicyError {
    match rules_say(base, rules, f) {
        Ok(n) => panic!("{rules:?} took a change adding {n} questions"),
        Err(e) => e,
    }
}

#[test]
fn an_append_only_link_adds_questions_one_per_change() {
    let base = with_question("q1", "Första", 1);
    for rules in [WriteRules::Append, WriteRules::Questions] {
        assert_eq!(
            added(&base, rules, &|d| add_question(d, "q2", "Andra", 2)
                .unwrap()),
            1
        );
    }
    // Two in one change: only the facilitator.
    let two = |d: &mut AutoCommit| {
        add_question(d, "q2", "Andra", 2).unwrap();
        add_question(d, "q3", "Tredje", 3).unwrap();
    };
    assert_eq!(
        refused(&base, WriteRules::Append, &two),
        PolicyError::AppendOnly
    );
    assert_eq!(added(&base, WriteRules::Questions, &two), 2);
    // Two changes in one message, one question each: both count (the append-only rules
    // would refuse them as one change, above).
    let two_changes = |d: &mut AutoCommit| {
        add_question(d, "q2", "Andra", 2).unwrap();
        d.commit();
        add_question(d, "q3", "Tredje", 3).unwrap();
    };
    assert_eq!(added(&base, WriteRules::Append, &two_changes), 2);
}

#[test]
fn an_append_only_link_changes_and_removes_nothing() {
    let base = with_question("q1", "Första", 1);
    let q1 = || match base.get(automerge::ROOT, "q:q1").unwrap() {
        Some((_, id)) => id,
        None => panic!("no q1"),
    };
    type Attempt<'a> = Box<dyn Fn(&mut AutoCommit) + 'a>;
    let attempts: Vec<(&str, Attempt<'_>)> = vec![
        (
            "edit another's text",
            Box::new(move |d| d.put(q1(), "text", "Ändrad").unwrap()),
        ),
        (
            "remove another's question",
            Box::new(|d| d.delete(automerge::ROOT, "q:q1").unwrap()),
        ),
        (
            "replace another's question",
            Box::new(|d| {
                let q = d.put_object(automerge::ROOT, "q:q1", ObjType::Map).unwrap();
                d.put(&q, "text", "Min i stället").unwrap();
            }),
        ),
        (
            "sort",
            Box::new(|d| d.put(automerge::ROOT, "agenda", "q1").unwrap()),
        ),
        (
            "a header key",
            Box::new(|d| d.put(automerge::ROOT, "workshop_id", "w2").unwrap()),
        ),
        (
            "anything else at the top",
            Box::new(|d| d.put(automerge::ROOT, "note", "x").unwrap()),
        ),
        (
            "a Text for a question",
            Box::new(|d| {
                let q = d.put_object(automerge::ROOT, "q:q9", ObjType::Map).unwrap();
                d.put_object(&q, "text", ObjType::Text).unwrap();
            }),
        ),
        (
            "another key in a question",
            Box::new(|d| {
                let q = d.put_object(automerge::ROOT, "q:q9", ObjType::Map).unwrap();
                d.put(&q, "text", "Fråga").unwrap();
                d.put(&q, "from", "Eva").unwrap();
            }),
        ),
        (
            "a question too long",
            Box::new(|d| {
                let q = d.put_object(automerge::ROOT, "q:q9", ObjType::Map).unwrap();
                d.put(&q, "text", "x".repeat(MAX_QUESTION + 1)).unwrap();
            }),
        ),
        (
            "an empty question",
            Box::new(|d| {
                let q = d.put_object(automerge::ROOT, "q:q9", ObjType::Map).unwrap();
                d.put(&q, "text", " ").unwrap();
            }),
        ),
        (
            "a question under a bad key",
            Box::new(|d| {
                d.put_object(automerge::ROOT, "q:not an id", ObjType::Map)
                    .unwrap();
            }),
        ),
    ];
    for (what, f) in &attempts {
        let e = rules_say(&base, WriteRules::Append, f.as_ref());
        assert!(e.is_err(), "{what}: {e:?}");
    }
}

#[test]
fn the_facilitator_sorts_with_well_formed_lists_and_cannot_rewrite_questions() {
    let base = with_question("q1", "Första", 1);
    assert_eq!(
        added(&base, WriteRules::Questions, &|d| {
            sort_questions(d, &Sorting::ToAgenda("q1".into())).unwrap();
        }),
        0
    );
    let e = refused(&base, WriteRules::Questions, &|d| {
        d.put(automerge::ROOT, "agenda", "q1 <script>").unwrap();
    });
    assert!(matches!(e, PolicyError::Value { .. }), "{e:?}");
    refused(&base, WriteRules::Questions, &|d| {
        d.delete(automerge::ROOT, "q:q1").unwrap();
    });
    refused(&base, WriteRules::Questions, &|d| {
        d.put(automerge::ROOT, "kind", "plenary").unwrap();
    });
}

#[test]
fn the_question_box_id_is_derived_and_differs_from_every_group_s() {
    assert_eq!(questions_doc_id("w1"), questions_doc_id("w1"));
    assert_ne!(questions_doc_id("w1"), questions_doc_id("w2"));
    assert_ne!(questions_doc_id("w1"), crate::doc::group_doc_id("w1", ""));
}

#[test]
fn derived_ids_keep_their_first_formula() {
    // Stored workshops hold documents under these ids: the formula never moves.
    use sha2::{Digest, Sha256};
    let old = |parts: &[&[u8]]| {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        let mut bytes = [0u8; 16];
        bytes.copy_from_slice(&h.finalize()[..16]);
        DocumentId::from_bytes(bytes)
    };
    assert_eq!(
        crate::doc::group_doc_id("w1", "g1"),
        old(&[b"samtal-group-doc-v1\0", b"w1", b"\0", b"g1"])
    );
    assert_eq!(
        questions_doc_id("w1"),
        old(&[b"samtal-questions-doc-v1\0", b"w1"])
    );
}
