//! The document kinds: built, read, edited, validated.

use super::*;
use crate::demo;
use automerge::AutoCommit;

#[test]
fn dates_round_trip() {
    assert_eq!(parse_date("1970-01-01"), Some(0));
    let d = parse_date("2026-11-24").unwrap();
    assert_eq!(format_date(d + 14), "2026-12-08");
    assert_eq!(
        format_date(parse_date("2024-02-28").unwrap() + 1),
        "2024-02-29"
    );
    assert_eq!(parse_date("2026-02-30"), None);
    assert_eq!(parse_date("not a date"), None);
}

#[test]
fn built_workshop_reads_back() {
    let spec = demo::spec("2026-11-24").unwrap();
    let new = build_workshop(&spec, "w1", demo::counter_ids()).unwrap();
    let w = read_workshop(&new.workshop).unwrap();
    assert_eq!(w.title, spec.setup.title);
    assert_eq!(w.groups.len(), spec.setup.groups.len());
    assert_eq!(w.access_until, "2026-12-08");
    assert_eq!(w.plenary_doc_id, new.plenary_doc_id);
    assert_eq!(w.reflection_fields.len(), 4);
    for (g, doc) in &new.groups {
        let notes = read_group(doc).unwrap();
        assert_eq!(notes.group_id, g.id);
        // Every question for the group's area and every case field exists, empty.
        assert_eq!(notes.answers.len(), w.questions_for(&g.area).count());
        assert_eq!(notes.reflections.len(), w.cases_for(&g.area).count());
        assert!(notes.answers.values().all(String::is_empty));
    }
    assert!(read_group(&new.workshop).is_err(), "kind is checked");
}

#[test]
fn edit_text_splices_into_the_existing_object() {
    let spec = demo::spec("2026-11-24").unwrap();
    let mut new = build_workshop(&spec, "w1", demo::counter_ids()).unwrap();
    let doc = &mut new.groups[0].1;
    let r = TextRef::Answer {
        question_id: "q1".into(),
    };
    edit_text(doc, &r, "Hej").unwrap();
    let s = edit_text(doc, &r, "Hej då").unwrap().unwrap();
    assert_eq!((s.pos, s.delete, s.insert.as_str()), (3, 0, " då"));
    assert_eq!(read_group(doc).unwrap().text(&r), Some("Hej då"));
    let missing = TextRef::Answer {
        question_id: "nope".into(),
    };
    assert!(matches!(
        edit_text(doc, &missing, "x"),
        Err(SchemaError::NoSuchText)
    ));
}

/// Two devices type at once; each screen lags its document by the other's last edit (the
/// state in which the browser test once lost and doubled text). Both edits survive, once.
#[test]
fn typing_on_a_stale_screen_neither_undoes_nor_doubles_remote_text() {
    let spec = demo::spec("2026-11-24").unwrap();
    let mut new = build_workshop(&spec, "w1", demo::counter_ids()).unwrap();
    let r = TextRef::Answer {
        question_id: "q1".into(),
    };
    let base = "Från flik ett. Mitt.";
    let mut a = new.groups.remove(0).1;
    edit_text(&mut a, &r, base).unwrap();
    a.commit();
    let mut b = a.fork();
    for round in 0..5 {
        // B types at the start and A receives it, but A's screen still shows `seen`.
        let seen_a = read_group(&a)
            .unwrap()
            .text(&r)
            .unwrap_or_default()
            .to_owned();
        let seen_b = read_group(&b)
            .unwrap()
            .text(&r)
            .unwrap_or_default()
            .to_owned();
        type_into(&mut b, &r, &seen_b, &format!("{round}{seen_b}")).unwrap();
        b.commit();
        a.merge(&mut b).unwrap();
        type_into(&mut a, &r, &seen_a, &format!("{seen_a}{round}")).unwrap();
        a.commit();
        b.merge(&mut a).unwrap();
    }
    let got = read_group(&a)
        .unwrap()
        .text(&r)
        .unwrap_or_default()
        .to_owned();
    assert_eq!(Some(got.as_str()), read_group(&b).unwrap().text(&r));
    // (With the textarea's whole value set over the document, A's first edit would already
    // have removed B's "0".)
    assert_eq!(got, format!("43210{base}01234"));
}

#[test]
fn setup_edits_then_server_structure_make_new_fields_writable() {
    let spec = demo::spec("2026-11-24").unwrap();
    let mut new = build_workshop(&spec, "w1", demo::counter_ids()).unwrap();
    let w = &mut new.workshop;
    apply_workshop_edit(w, &WorkshopEdit::AddQuestion { id: "q-x".into() }).unwrap();
    apply_workshop_edit(
        w,
        &WorkshopEdit::Question {
            id: "q-x".into(),
            text: "Ny fråga".into(),
            area: None,
        },
    )
    .unwrap();
    apply_workshop_edit(
        w,
        &WorkshopEdit::AddGroup {
            id: "g-new".into(),
            name: "Extra".into(),
            area: "Vuxen".into(),
        },
    )
    .unwrap();
    apply_workshop_edit(w, &WorkshopEdit::Phase(Phase::Plenary)).unwrap();
    assert!(apply_workshop_edit(w, &WorkshopEdit::Date("igår".into())).is_err());
    assert!(apply_workshop_edit(w, &WorkshopEdit::Title(" ".into())).is_err());
    let read = read_workshop(w).unwrap();
    assert_eq!(read.phase, Phase::Plenary);
    let added = read.group("g-new").unwrap();
    assert_eq!(added.doc_id, group_doc_id("w1", "g-new"));
    assert!(read.questions.iter().any(|q| q.text == "Ny fråga"));

    // A group's document gets the new question's text only once the server ensures it.
    let (g, doc) = &mut new.groups[0];
    let r = TextRef::Answer {
        question_id: "q-x".into(),
    };
    assert!(edit_text(doc, &r, "svar").is_err());
    assert!(ensure_group_structure(doc, &read, g).unwrap());
    assert!(
        !ensure_group_structure(doc, &read, g).unwrap(),
        "idempotent"
    );
    edit_text(doc, &r, "svar").unwrap();
    assert!(ensure_plenary_structure(&mut new.plenary, &read).unwrap());

    // The case body is a text in the workshop document.
    let body = TextRef::CaseBody {
        case_id: read.cases[0].id.clone(),
    };
    edit_text(&mut new.workshop, &body, "Ny beskrivning").unwrap();
    assert_eq!(
        read_workshop(&new.workshop).unwrap().cases[0].body,
        "Ny beskrivning"
    );
}

/// 5,000 keystrokes typed at ~5 per second with a pause after each sentence, committed
/// the way the browser client does (a burst ends after 300 ms idle or 1 s) versus once
/// per keystroke. Prints the numbers reported in BENCHMARKS.md.
#[test]
fn typing_bursts_keep_history_small() {
    let r = TextRef::Answer {
        question_id: "q1".into(),
    };
    let fresh = || {
        let spec = demo::spec("2026-11-24").unwrap();
        build_workshop(&spec, "w1", demo::counter_ids())
            .unwrap()
            .groups
            .remove(0)
            .1
    };
    let (mut bursts, mut per_key) = (fresh(), fresh());
    let base_changes = bursts.get_changes(&[]).len();
    // Varied words (a fixed pseudo-random sequence), a full stop every ten words.
    let words = [
        "barnet",
        "behöver",
        "få",
        "komma",
        "till",
        "tals",
        "i",
        "alla",
        "beslut",
        "som",
        "rör",
        "det",
        "vi",
        "frågar",
        "oftare",
        "föräldrarna",
        "skolan",
        "samtal",
        "hemma",
    ];
    let mut seed = 7u32;
    let mut keys = String::new();
    for n in 0.. {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        keys.push_str(words[(seed >> 16) as usize % words.len()]);
        keys.push_str(if n % 10 == 9 { ". " } else { " " });
        if keys.chars().count() >= 5_000 {
            break;
        }
    }
    let mut text = String::new();
    let (mut t, mut burst_start, mut last) = (0u64, None::<u64>, 0u64);
    let mut prev = ' ';
    for c in keys.chars().take(5_000) {
        // 200 ms between keys; 1.5 s pause after each sentence.
        t += if prev == '.' { 1_500 } else { 200 };
        prev = c;
        if let Some(start) = burst_start
            && (t - last >= 300 || t - start >= 1_000)
        {
            bursts.commit();
            burst_start = None;
        }
        text.push(c);
        edit_text(&mut bursts, &r, &text).unwrap();
        edit_text(&mut per_key, &r, &text).unwrap();
        per_key.commit();
        burst_start.get_or_insert(t);
        last = t;
    }
    bursts.commit();
    let changes = |d: &mut AutoCommit| {
        let all = d.get_changes(&[]);
        let bytes: usize = all[base_changes..]
            .iter()
            .map(|c| c.raw_bytes().len())
            .sum();
        (all.len() - base_changes, bytes)
    };
    let ((nb, cb), (nk, ck)) = (changes(&mut bursts), changes(&mut per_key));
    let (sb, sk) = (bursts.save().len(), per_key.save().len());
    println!(
        "5000 keystrokes, bursts: {nb} changes, {cb} bytes of changes, save() {sb} bytes; \
         per keystroke: {nk} changes, {ck} bytes of changes, save() {sk} bytes"
    );
    assert_eq!(nk, 5_000);
    assert!(nb * 4 <= nk, "bursts should cut changes at least 4x: {nb}");
    assert!(
        cb * 2 <= ck,
        "and the bytes of changes at least 2x: {cb} vs {ck}"
    );
    assert_eq!(read_group(&bursts).unwrap().text(&r), Some(text.as_str()));
}

#[test]
fn invalid_specs_are_refused() {
    let mut spec = demo::spec("2026-11-24").unwrap();
    spec.setup.groups.clear();
    assert!(build_workshop(&spec, "w", demo::counter_ids()).is_err());
    let mut spec = demo::spec("2026-11-24").unwrap();
    spec.date = "24/11/2026".into();
    assert!(spec.validate().is_err());
}

#[test]
fn the_catch_up_window_never_ends_before_the_day() {
    let spec = demo::spec("2026-11-24").unwrap();
    let mut new = build_workshop(&spec, "w", demo::counter_ids()).unwrap();
    let w = &mut new.workshop;
    assert_eq!(
        read_workshop(w).unwrap().phase,
        Phase::Prep,
        "a new workshop is prepared first"
    );
    assert_eq!(read_workshop(w).unwrap().access_until, "2026-12-08");
    let e = apply_workshop_edit(w, &WorkshopEdit::AccessUntil("2026-11-23".into())).unwrap_err();
    assert!(
        matches!(e, SchemaError::Invalid(Invalid::AccessBeforeDate)),
        "{e}"
    );
    apply_workshop_edit(w, &WorkshopEdit::AccessUntil("2026-11-24".into())).unwrap();
    // Moving the day past the window moves the window along, at its default length.
    apply_workshop_edit(w, &WorkshopEdit::Date("2027-01-10".into())).unwrap();
    let read = read_workshop(w).unwrap();
    assert_eq!(
        (read.date.as_str(), read.access_until.as_str()),
        ("2027-01-10", "2027-01-24")
    );
    // Moving it earlier keeps the window as it is.
    apply_workshop_edit(w, &WorkshopEdit::Date("2027-01-02".into())).unwrap();
    assert_eq!(read_workshop(w).unwrap().access_until, "2027-01-24");
}

#[test]
fn items_move_one_step_with_all_they_hold() {
    let mut new = demo::fixture("w").unwrap();
    let d = &mut new.workshop;
    let ids = |d: &AutoCommit, items: Items| -> Vec<String> {
        let w = read_workshop(d).unwrap();
        match items {
            Items::Questions => w.questions.iter().map(|q| q.id.clone()).collect(),
            Items::Cases => w.cases.iter().map(|c| c.id.clone()).collect(),
            Items::Groups => w.groups.iter().map(|g| g.id.clone()).collect(),
        }
    };
    let before = read_workshop(d).unwrap();
    for items in [Items::Questions, Items::Cases, Items::Groups] {
        let id = ids(d, items)[0].clone();
        apply_workshop_edit(
            d,
            &WorkshopEdit::Move {
                items,
                id: id.clone(),
                up: true,
            },
        )
        .unwrap();
        assert_eq!(ids(d, items)[0], id, "the first stays first");
        apply_workshop_edit(
            d,
            &WorkshopEdit::Move {
                items,
                id: id.clone(),
                up: false,
            },
        )
        .unwrap();
        assert_eq!(ids(d, items)[1], id);
    }
    let after = read_workshop(d).unwrap();
    let moved = after
        .cases
        .iter()
        .find(|c| c.id == before.cases[0].id)
        .unwrap();
    assert_eq!(moved, &before.cases[0], "body and links come along");
    assert_eq!(
        after.groups[1], before.groups[0],
        "the group keeps its document"
    );
    let gone = WorkshopEdit::Move {
        items: Items::Cases,
        id: "nope".into(),
        up: true,
    };
    assert!(apply_workshop_edit(d, &gone).is_err());
}

#[test]
fn a_question_s_tip_and_a_case_s_links_are_edited_in_the_setup() {
    let mut new = demo::fixture("w").unwrap();
    let d = &mut new.workshop;
    let edits = [
        WorkshopEdit::QuestionNote {
            id: "q3".into(),
            note: "Avsluta med detta.".into(),
        },
        WorkshopEdit::QuestionNote {
            id: "q1".into(),
            note: " ".into(),
        },
        WorkshopEdit::AddCaseLink {
            case_id: "c2".into(),
        },
        WorkshopEdit::CaseLink {
            case_id: "c2".into(),
            index: 0,
            title: "Film".into(),
            url: "https://example.org/film".into(),
        },
        WorkshopEdit::RemoveCaseLink {
            case_id: "c1".into(),
            index: 0,
        },
    ];
    for e in &edits {
        apply_workshop_edit(d, e).unwrap();
    }
    let w = read_workshop(d).unwrap();
    assert_eq!(w.questions[2].note.as_deref(), Some("Avsluta med detta."));
    assert_eq!(w.questions[0].note, None, "an empty tip is no tip");
    assert_eq!(
        w.cases[1].links,
        [Material {
            title: "Film".into(),
            url: "https://example.org/film".into()
        }]
    );
    assert!(w.cases[0].links.is_empty());
    let no_case = WorkshopEdit::AddCaseLink {
        case_id: "c9".into(),
    };
    assert!(apply_workshop_edit(d, &no_case).is_err());
    let no_link = WorkshopEdit::CaseLink {
        case_id: "c3".into(),
        index: 4,
        title: String::new(),
        url: String::new(),
    };
    assert!(apply_workshop_edit(d, &no_link).is_err());
}

#[test]
fn a_case_gets_reflection_fields_of_its_own_and_gives_them_back() {
    let mut new = demo::fixture("w").unwrap();
    let d = &mut new.workshop;
    let case_id = || "c2".to_owned();
    let labels = |d: &AutoCommit| -> Vec<String> {
        let w = read_workshop(d).unwrap();
        w.fields_for(&w.cases[1])
            .iter()
            .map(|f| f.label.clone())
            .collect()
    };
    let workshop_labels = labels(d);
    apply_workshop_edit(
        d,
        &WorkshopEdit::CaseOwnFields {
            case_id: case_id(),
            own: true,
        },
    )
    .unwrap();
    let w = read_workshop(d).unwrap();
    assert_eq!(
        w.cases[1].fields, w.reflection_fields,
        "a copy, ids and all: notes stay put"
    );
    for e in [
        WorkshopEdit::AddCaseField {
            case_id: case_id(),
            id: "f-eko".into(),
        },
        WorkshopEdit::CaseField {
            case_id: case_id(),
            id: "f-eko".into(),
            label: "Ekonomin".into(),
        },
        WorkshopEdit::RemoveCaseField {
            case_id: case_id(),
            id: "conclusions".into(),
        },
        // Asking twice changes nothing.
        WorkshopEdit::CaseOwnFields {
            case_id: case_id(),
            own: true,
        },
    ] {
        apply_workshop_edit(d, &e).unwrap();
    }
    let own = labels(d);
    assert_eq!(own.len(), workshop_labels.len());
    assert_eq!(own.last().map(String::as_str), Some("Ekonomin"));
    assert!(!own.contains(&"Slutsatser".to_owned()));
    assert_eq!(
        read_workshop(d).unwrap().cases[0].fields,
        [],
        "the other cases keep the workshop's"
    );
    let taken = WorkshopEdit::AddCaseField {
        case_id: case_id(),
        id: "f-eko".into(),
    };
    assert!(apply_workshop_edit(d, &taken).is_err());
    apply_workshop_edit(
        d,
        &WorkshopEdit::CaseOwnFields {
            case_id: case_id(),
            own: false,
        },
    )
    .unwrap();
    assert_eq!(labels(d), workshop_labels);
}

/// Add the follow-up action "Ta upp på APT" (owner, due date) to a plenary document: what the
/// views of the plenary are tested with.
pub(crate) fn add_follow_up(plenary: &mut AutoCommit, id: &str) {
    apply_plenary_edit(plenary, &PlenaryEdit::AddFollowUp { id: id.into() }).unwrap();
    apply_plenary_edit(
        plenary,
        &PlenaryEdit::FollowUp(FollowUp {
            id: id.into(),
            text: "Ta upp på APT".into(),
            owner: "Enhetschef".into(),
            due: "2026-12-15".into(),
            ..FollowUp::default()
        }),
    )
    .unwrap();
}

/// The first question every group answers, and its answer field.
pub(crate) fn question_for_all(w: &Workshop) -> (Question, TextRef) {
    let q = w
        .questions
        .iter()
        .find(|q| q.area.is_none())
        .unwrap()
        .clone();
    let r = TextRef::Answer {
        question_id: q.id.clone(),
    };
    (q, r)
}

/// What the server's write rules say of the change `f` makes to a copy of `base` (the
/// changes as a peer would send them).
pub(crate) fn rules_say(
    base: &AutoCommit,
    rules: crate::policy::WriteRules,
    f: &dyn Fn(&mut AutoCommit),
) -> Result<usize, crate::policy::PolicyError> {
    let heads = base.clone().get_heads();
    let mut server = base.clone();
    let mut client = base.clone();
    f(&mut client);
    client.commit();
    let changes: Vec<Vec<u8>> = client
        .get_changes(&heads)
        .iter()
        .map(|c| c.raw_bytes().to_vec())
        .collect();
    rules.check(&mut server, changes.iter().map(Vec::as_slice))
}
