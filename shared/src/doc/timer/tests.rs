use super::*;
use crate::demo;
use crate::doc::{WorkshopEdit, apply_workshop_edit, read_workshop};
use crate::policy::WriteRules;
use automerge::{AutoCommit, transaction::Transactable};

const NOW: i64 = 1_764_633_600_000; // 2025-12-02 00:00 UTC

#[test]
fn the_stored_string_reads_back_and_nothing_else_reads() {
    for t in [
        Timer::Stopped,
        Timer::Running { deadline: NOW },
        Timer::Paused { left: 300_000 },
    ] {
        assert_eq!(Timer::parse(&t.as_stored()), Some(t));
    }
    for bad in [
        "running",
        "running ",
        "running -5",
        "running +5",
        "running 1 2",
        "paused 99999999999",
        "stopped 1",
        "RUNNING 5",
        " running 5",
        "running 1234567890123456",
    ] {
        assert_eq!(Timer::parse(bad), None, "{bad}");
    }
}

#[test]
fn start_pause_resume_extend_stop() {
    let t = Timer::Stopped.after(TimerEdit::Start { minutes: 10 }, NOW);
    assert_eq!(t.left(NOW + 60_000), Some(540_000));
    let t = t.after(TimerEdit::Pause, NOW + 60_000);
    assert_eq!(t, Timer::Paused { left: 540_000 });
    assert_eq!(
        t.left(NOW + 999_999),
        Some(540_000),
        "a paused timer does not count"
    );
    let t = t.after(TimerEdit::Extend { minutes: 5 }, NOW + 100_000);
    assert_eq!(t, Timer::Paused { left: 840_000 });
    let t = t.after(TimerEdit::Resume, NOW + 120_000);
    assert_eq!(
        t,
        Timer::Running {
            deadline: NOW + 960_000
        }
    );
    // Past the deadline it shows zero, and +5 counts from now, not from the old deadline.
    assert_eq!(t.left(NOW + 2_000_000), Some(0));
    let t = t.after(TimerEdit::Extend { minutes: 5 }, NOW + 2_000_000);
    assert_eq!(t.left(NOW + 2_000_000), Some(300_000));
    assert_eq!(t.after(TimerEdit::Stop, NOW).left(NOW), None);
    // Pausing what is not running, resuming what is not paused: nothing happens.
    assert_eq!(Timer::Stopped.after(TimerEdit::Pause, NOW), Timer::Stopped);
    assert_eq!(t.after(TimerEdit::Resume, NOW), t);
    // A day at most.
    let long = Timer::Stopped.after(TimerEdit::Start { minutes: u32::MAX }, NOW);
    assert_eq!(long.left(NOW), Some(MAX_TIMER_MS));
}

#[test]
fn the_clock_rounds_up_to_the_second() {
    assert_eq!(clock(0), "0:00");
    assert_eq!(clock(1), "0:01");
    assert_eq!(clock(119_001), "2:00");
    assert_eq!(clock(600_000), "10:00");
    assert_eq!(clock(3_723_000), "1:02:03");
    assert_eq!(clock(-5), "0:00");
}

#[test]
fn the_timer_and_message_live_in_the_workshop_document() {
    let mut new = demo::fixture("w").unwrap();
    let d = &mut new.workshop;
    assert_eq!(
        read_workshop(d).unwrap().timer,
        Timer::Stopped,
        "absent reads as stopped"
    );
    let edits = [
        WorkshopEdit::Timer {
            edit: TimerEdit::Start { minutes: 15 },
            now: NOW,
        },
        WorkshopEdit::Message("  Vi samlas i storgrupp om 5 minuter ".into()),
    ];
    for e in &edits {
        apply_workshop_edit(d, e).unwrap();
    }
    let w = read_workshop(d).unwrap();
    assert_eq!(
        w.timer,
        Timer::Running {
            deadline: NOW + 900_000
        }
    );
    assert_eq!(w.message, "Vi samlas i storgrupp om 5 minuter");
    let long = WorkshopEdit::Message("x".repeat(MAX_MESSAGE + 1));
    assert!(apply_workshop_edit(d, &long).is_err());
}

/// The facilitator's device writes these like any setup edit; the server's write rules take
/// them only well formed.
#[test]
fn the_write_rules_take_a_well_formed_timer_and_message_only() {
    let base = demo::fixture("w").unwrap().workshop;
    let check =
        |f: &dyn Fn(&mut AutoCommit)| crate::doc::tests::rules_say(&base, WriteRules::Workshop, f);
    let now = NOW;
    assert!(
        check(&|d| {
            let e = WorkshopEdit::Timer {
                edit: TimerEdit::Start { minutes: 5 },
                now,
            };
            apply_workshop_edit(d, &e).unwrap();
        })
        .is_ok()
    );
    assert!(
        check(&|d| apply_workshop_edit(d, &WorkshopEdit::Message("Paus".into())).unwrap()).is_ok()
    );
    assert!(
        check(&|d| {
            d.put(automerge::ROOT, "timer", "running soon").unwrap();
        })
        .is_err()
    );
    assert!(
        check(&|d| {
            d.put(automerge::ROOT, "timer", 5).unwrap();
        })
        .is_err()
    );
    assert!(
        check(&|d| {
            d.put(automerge::ROOT, "message", "x".repeat(MAX_MESSAGE + 1))
                .unwrap();
        })
        .is_err()
    );
}
