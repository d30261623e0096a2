//! The follow-up meeting in the documents: its date and the catch-up window, each action's
//! status, comment and new date (merged key by key), the day's overall summary, and the write
//! rules that let the facilitator's device write them, well formed only.

use super::*;
use crate::demo;
use crate::doc::{
    MAX_NAME, TextRef, WorkshopEdit, apply_workshop_edit, edit_text, format_date, parse_date,
    read_text, read_workshop,
};
use crate::policy::WriteRules;
use automerge::{AutoCommit, transaction::Transactable};

fn edit(d: &mut AutoCommit, e: WorkshopEdit) -> Result<(), SchemaError> {
    apply_workshop_edit(d, &e)
}

#[test]
fn the_follow_up_meeting_keeps_the_catch_up_link_open_a_week_after_it() {
    let mut d = demo::fixture("w").unwrap().workshop;
    let w = read_workshop(&d).unwrap();
    assert_eq!(w.follow_up_date, "", "no meeting until she sets one");
    let day = parse_date(&w.date).unwrap();
    // A meeting three weeks after the day: the link stays open a week after it.
    let meeting = format_date(day + 21);
    edit(&mut d, WorkshopEdit::FollowUpDate(meeting.clone())).unwrap();
    let w = read_workshop(&d).unwrap();
    assert_eq!(w.follow_up_date, meeting);
    assert_eq!(w.access_until, format_date(day + 28));
    // A window already longer is kept.
    let long = format_date(day + 60);
    edit(&mut d, WorkshopEdit::AccessUntil(long.clone())).unwrap();
    edit(&mut d, WorkshopEdit::FollowUpDate(format_date(day + 7))).unwrap();
    assert_eq!(read_workshop(&d).unwrap().access_until, long);
    // Before the day, or no date at all: refused, and nothing changes.
    let before = format_date(day - 1);
    let e = edit(&mut d, WorkshopEdit::FollowUpDate(before)).unwrap_err();
    assert!(
        matches!(e, SchemaError::Invalid(Invalid::FollowUpBeforeDate)),
        "{e}"
    );
    let e = edit(&mut d, WorkshopEdit::FollowUpDate("snart".into())).unwrap_err();
    assert!(matches!(e, SchemaError::Invalid(Invalid::BadDate)), "{e}");
    assert_eq!(
        read_workshop(&d).unwrap().follow_up_date,
        format_date(day + 7)
    );
    // Empty clears the meeting and leaves the window.
    edit(&mut d, WorkshopEdit::FollowUpDate(String::new())).unwrap();
    let w = read_workshop(&d).unwrap();
    assert_eq!((w.follow_up_date.as_str(), w.access_until), ("", long));
}

#[test]
fn who_ran_the_day_is_trimmed_and_bounded() {
    let mut d = demo::fixture("w").unwrap().workshop;
    edit(&mut d, WorkshopEdit::Organisation("  Åby kommun ".into())).unwrap();
    edit(&mut d, WorkshopEdit::Facilitator("Eva Ek".into())).unwrap();
    let w = read_workshop(&d).unwrap();
    assert_eq!(
        (w.organisation.as_str(), w.facilitator.as_str()),
        ("Åby kommun", "Eva Ek")
    );
    let long = "å".repeat(MAX_NAME);
    let e = edit(&mut d, WorkshopEdit::Organisation(long)).unwrap_err();
    assert!(matches!(e, SchemaError::Invalid(Invalid::TooLong)), "{e}");
    assert_eq!(read_workshop(&d).unwrap().organisation, "Åby kommun");
}

fn action(d: &mut AutoCommit, id: &str) -> FollowUp {
    crate::doc::tests::add_follow_up(d, id);
    read_plenary(d)
        .unwrap()
        .follow_up
        .into_iter()
        .find(|f| f.id == id)
        .unwrap()
}

#[test]
fn an_action_s_status_comment_and_new_date_read_back_and_two_people_keep_theirs() {
    let mut p = demo::fixture("w").unwrap().plenary;
    let f = action(&mut p, "a1");
    assert_eq!(f.status, ActionStatus::NotStarted);
    p.commit();
    // Two devices at the follow-up meeting, offline from each other: one moves the status
    // and the date, the other writes the comment.
    let mut other = p.fork();
    let moved = FollowUp {
        status: ActionStatus::InProgress,
        new_due: "2027-02-01".into(),
        ..f.clone()
    };
    apply_plenary_edit(&mut p, &PlenaryEdit::FollowUp(moved)).unwrap();
    let commented = FollowUp {
        comment: "Väntar på lokalen".into(),
        ..f.clone()
    };
    apply_plenary_edit(&mut other, &PlenaryEdit::FollowUp(commented)).unwrap();
    p.merge(&mut other).unwrap();
    let read = read_plenary(&p).unwrap().follow_up[0].clone();
    assert_eq!(read.status, ActionStatus::InProgress);
    assert_eq!(read.new_due, "2027-02-01");
    assert_eq!(read.due_now(), "2027-02-01");
    assert_eq!(read.comment, "Väntar på lokalen");
    // Done is done for readers from before statuses too.
    let done = FollowUp {
        status: ActionStatus::Done,
        ..read
    };
    apply_plenary_edit(&mut p, &PlenaryEdit::FollowUp(done)).unwrap();
    let list = obj_at(&p, &automerge::ROOT, "follow_up", ObjType::List).unwrap();
    let item = list_items(&p, &list)[0].clone();
    assert!(done_at(&p, &item));
    assert!(read_plenary(&p).unwrap().follow_up[0].is_done());
}

#[test]
fn an_action_from_before_statuses_reads_its_done_flag() {
    let mut p = demo::fixture("w").unwrap().plenary;
    action(&mut p, "a1");
    let list = obj_at(&p, &automerge::ROOT, "follow_up", ObjType::List).unwrap();
    let item = list_items(&p, &list)[0].clone();
    p.delete(&item, "status").unwrap();
    p.put(&item, "done", true).unwrap();
    assert_eq!(
        read_plenary(&p).unwrap().follow_up[0].status,
        ActionStatus::Done
    );
    p.put(&item, "status", "someday").unwrap();
    assert_eq!(
        read_plenary(&p).unwrap().follow_up[0].status,
        ActionStatus::Done,
        "an unknown status falls back to the flag"
    );
}

#[test]
fn the_overall_summary_is_a_text_the_server_made_and_the_facilitator_splices_into() {
    let mut p = demo::fixture("w").unwrap().plenary;
    assert_eq!(read_text(&p, &TextRef::Overall).as_deref(), Some(""));
    edit_text(&mut p, &TextRef::Overall, "En bra dag.").unwrap();
    assert_eq!(read_plenary(&p).unwrap().overall, "En bra dag.");
}

/// What the facilitator's device writes for the follow-up passes the server's write rules;
/// a malformed value or a new top-level Text does not.
#[test]
fn the_write_rules_take_the_follow_up_meeting_well_formed_only() {
    let fixture = demo::fixture("w").unwrap();
    let check = crate::doc::tests::rules_say;
    let w = &fixture.workshop;
    let day = read_workshop(w).unwrap().date;
    for e in [
        WorkshopEdit::Organisation("Åby kommun".into()),
        WorkshopEdit::Facilitator("Eva Ek".into()),
        WorkshopEdit::FollowUpDate(day.clone()),
        WorkshopEdit::FollowUpDate(String::new()),
    ] {
        let r = check(w, WriteRules::Workshop, &|d| {
            apply_workshop_edit(d, &e).unwrap()
        });
        assert!(r.is_ok(), "{e:?}: {r:?}");
    }
    for (key, value) in [
        ("follow_up_date", "snart".to_owned()),
        ("organisation", "x".repeat(MAX_NAME + 1)),
    ] {
        let r = check(w, WriteRules::Workshop, &|d| {
            d.put(automerge::ROOT, key, value.as_str()).unwrap();
        });
        assert!(r.is_err(), "{key}: {value}");
    }
    let p = &fixture.plenary;
    let r = check(p, WriteRules::Plenary, &|d| {
        let f = action(d, "a1");
        let f = FollowUp {
            status: ActionStatus::Done,
            comment: "Klart i januari".into(),
            new_due: "2027-01-31".into(),
            ..f
        };
        apply_plenary_edit(d, &PlenaryEdit::FollowUp(f)).unwrap();
        edit_text(d, &TextRef::Overall, "Dagen i korthet").unwrap();
    });
    assert!(r.is_ok(), "{r:?}");
    let r = check(p, WriteRules::Plenary, &|d| {
        d.put_object(automerge::ROOT, OVERALL, ObjType::Text)
            .unwrap();
    });
    assert!(
        r.is_err(),
        "a writer's own overall Text would split the field"
    );
}

#[test]
fn a_reader_is_told_of_new_and_changed_actions_only() {
    let mut p = demo::fixture("w").unwrap().plenary;
    let f = action(&mut p, "a1");
    action(&mut p, "a2");
    let before = read_plenary(&p).unwrap();
    assert_eq!(changed_actions(&before, &before), 0);
    assert_eq!(changed_actions(&PlenaryNotes::default(), &before), 2);
    let moved = FollowUp {
        status: ActionStatus::Done,
        ..f
    };
    apply_plenary_edit(&mut p, &PlenaryEdit::FollowUp(moved)).unwrap();
    // An action added but not written yet is not news.
    apply_plenary_edit(&mut p, &PlenaryEdit::AddFollowUp { id: "a3".into() }).unwrap();
    assert_eq!(changed_actions(&before, &read_plenary(&p).unwrap()), 1);
}

#[test]
fn one_part_of_an_action_is_written_alone_and_a_bad_status_is_refused() {
    let mut p = demo::fixture("w").unwrap().plenary;
    let drawn = action(&mut p, "a1");
    // Someone marks it done; a screen drawn before that sends only the comment typed on it.
    let done = FollowUp {
        status: ActionStatus::Done,
        ..drawn.clone()
    };
    apply_plenary_edit(&mut p, &PlenaryEdit::FollowUp(done)).unwrap();
    let comment = PlenaryEdit::Action {
        id: drawn.id.clone(),
        key: ActionKey::Comment,
        value: "Klart före jul".into(),
    };
    apply_plenary_edit(&mut p, &comment).unwrap();
    let read = read_plenary(&p).unwrap().follow_up[0].clone();
    assert_eq!(
        read.status,
        ActionStatus::Done,
        "the comment wrote nothing else"
    );
    assert_eq!(read.comment, "Klart före jul");
    let bad = PlenaryEdit::Action {
        id: drawn.id.clone(),
        key: ActionKey::Status,
        value: "kanske".into(),
    };
    assert!(apply_plenary_edit(&mut p, &bad).is_err());
    let back = PlenaryEdit::Action {
        id: drawn.id,
        key: ActionKey::Status,
        value: "in_progress".into(),
    };
    apply_plenary_edit(&mut p, &back).unwrap();
    let read = read_plenary(&p).unwrap().follow_up[0].clone();
    assert_eq!(read.status, ActionStatus::InProgress);
    let list = obj_at(&p, &automerge::ROOT, "follow_up", ObjType::List).unwrap();
    assert!(
        !done_at(&p, &list_items(&p, &list)[0]),
        "the old flag follows"
    );
}
