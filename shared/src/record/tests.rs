//! The record's blocks: what is in it, what is left out, in which order.

use super::*;
use crate::demo;
use crate::doc::{TextRef, edit_text, read_group, read_plenary, read_workshop};
use crate::view::plenary_view;

/// The demo day: the first group answers the first question (two paragraphs), the second
/// writes one reflection, a summary and two follow-ups (one done).
fn day() -> PlenaryView {
    let mut new = demo::fixture("w1").unwrap();
    let w = read_workshop(&new.workshop).unwrap();
    let (q, r) = crate::doc::tests::question_for_all(&w);
    edit_text(
        &mut new.groups[0].1,
        &r,
        "Första stycket.\nSamma stycke.\n\n\nAndra stycket <b>fet</b>.",
    )
    .unwrap();
    let case = w.cases_for(&new.groups[1].0.area).next().unwrap().clone();
    let field = w.fields_for(&case)[0].clone();
    let refl = TextRef::Reflection {
        case_id: case.id.clone(),
        field_id: field.id.clone(),
    };
    edit_text(&mut new.groups[1].1, &refl, "Vi ringer skolan.").unwrap();
    edit_text(
        &mut new.plenary,
        &TextRef::Summary {
            question_id: q.id.clone(),
        },
        "Vi tar med oss barnets röst.",
    )
    .unwrap();
    crate::doc::tests::add_follow_up(&mut new.plenary, "f1");
    let notes: Vec<_> = new
        .groups
        .iter()
        .map(|(_, d)| read_group(d).unwrap())
        .collect();
    let mut plenary = read_plenary(&new.plenary).unwrap();
    let mut done = plenary.follow_up[0].clone();
    done.id = "f2".into();
    done.text = "Klart redan".into();
    done.status = crate::doc::ActionStatus::Done;
    plenary.follow_up.push(done);
    plenary_view(&w, &notes, &plenary)
}

#[test]
fn every_written_answer_is_under_its_question_and_the_silent_groups_are_one_line() {
    let v = day();
    let r = record(&v, None, Lang::Sv);
    let q1 = format!("1. {}", v.questions[0].text);
    let at = r
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 2, text } if *text == q1))
        .unwrap();
    assert!(
        matches!(&r.blocks[at + 1], Block::Summary { paragraphs, .. } if paragraphs == &["Vi tar med oss barnets röst."])
    );
    let Block::Answer {
        group, paragraphs, ..
    } = &r.blocks[at + 2]
    else {
        panic!("{:?}", r.blocks[at + 2]);
    };
    assert_eq!(group, &v.questions[0].answers[0].group_name);
    // Blank lines part paragraphs; single line breaks stay; markup is just text.
    assert_eq!(
        paragraphs,
        &[
            "Första stycket.\nSamma stycke.",
            "Andra stycket <b>fet</b>."
        ]
    );
    let others: Vec<_> = v.questions[0].answers[1..]
        .iter()
        .map(|a| a.group_name.clone())
        .collect();
    assert_eq!(
        r.blocks[at + 3],
        Block::Silent {
            text: format!("Ingen anteckning från: {}", others.join(", "))
        }
    );
    // A question nobody answered is its heading and one line: no empty cards.
    let q2 = r
        .blocks
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 2, text } if text.starts_with("2. ")))
        .unwrap();
    assert!(matches!(r.blocks[q2 + 1], Block::Silent { .. }));
    assert!(
        !r.blocks
            .iter()
            .any(|b| matches!(b, Block::Answer { paragraphs, .. } if paragraphs.is_empty()))
    );
}

#[test]
fn a_field_nobody_wrote_in_is_one_line_and_the_follow_up_says_its_real_status() {
    let v = day();
    let r = record(&v, None, Lang::Sv);
    let headings: Vec<&str> = r
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level: 3, text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    // Only the reflection field someone wrote in has a heading; the case's other fields are
    // one line, and a case nobody wrote about is one line naming its groups.
    assert_eq!(headings.len(), 1, "{headings:?}");
    let lines: Vec<&str> = r
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Silent { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let written = v
        .cases
        .iter()
        .find(|c| c.fields[0].answers.iter().any(|a| !a.text.is_empty()))
        .unwrap();
    let others: Vec<&str> = written.fields[1..]
        .iter()
        .map(|f| f.label.as_str())
        .collect();
    assert!(
        lines.contains(&format!("Inget skrivet under: {}", others.join(", ")).as_str()),
        "{lines:?}"
    );
    let silent_cases = v
        .cases
        .iter()
        .filter(|c| {
            c.fields
                .iter()
                .all(|f| f.answers.iter().all(|a| a.text.is_empty()))
        })
        .count();
    assert!(silent_cases > 0);
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("Ingen anteckning från: "))
            .count(),
        // Each silent case's line, and the questions' lines.
        silent_cases + v.questions.len(),
        "{lines:?}"
    );
    assert!(r.blocks.iter().any(
        |b| matches!(b, Block::Answer { paragraphs, .. } if paragraphs == &["Vi ringer skolan."])
    ));
    let Some(Block::Table { head, rows, .. }) = r.blocks.last() else {
        panic!("the follow-up table is last: {:?}", r.blocks.last());
    };
    assert_eq!(head, &["Åtgärd", "Vem", "När", "Status"]);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][3], "Ej påbörjad");
    assert_eq!(rows[1][3], "Klar");
    assert!(!format!("{r:?}").contains("pågår"));
}

#[test]
fn the_vote_is_a_ranked_table_and_english_is_english() {
    let v = day();
    let vote = VoteResult {
        title: "Vad tar ni med er?".into(),
        open: false,
        ranked: vec![("Vuxen".into(), "Fråga barnet".into(), 4)],
    };
    let r = record(&v, Some(&vote), Lang::En);
    assert_eq!(r.lang, "en");
    assert!(r.blocks.iter().any(
        |b| matches!(b, Block::Heading { level: 1, text } if text == "Vote: Vad tar ni med er?")
    ));
    assert!(r.blocks.iter().any(|b| matches!(b, Block::Table { head, rows, .. } if head == &["Group", "Answer", "Dots"] && rows[0] == ["Vuxen", "Fråga barnet", "4"])));
    assert_eq!(r.meta[0].0, "Date");
    // A vote with nothing to rank is left out.
    let none = record(&v, Some(&VoteResult::default()), Lang::Sv);
    assert!(
        !none
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Heading { text, .. } if text.starts_with("Omröstning")))
    );
}

#[test]
fn paragraphs_split_at_blank_lines_only() {
    assert_eq!(paragraphs(""), Vec::<String>::new());
    assert_eq!(paragraphs("a\n \n\nb\nc  \n"), vec!["a", "b\nc"]);
}

#[test]
fn the_follow_up_meeting_s_agenda_closes_the_record_in_her_order() {
    let mut questions = crate::doc::new_questions_doc("w").unwrap();
    for (id, text) in [
        ("a", "Hur når vi anhöriga?"),
        ("b", "Vad gör vi när ingen svarar?"),
    ] {
        crate::doc::add_question(&mut questions, id, text, 1).unwrap();
    }
    for s in ["b", "a"] {
        crate::doc::sort_questions(&mut questions, &crate::doc::Sorting::ToAgenda(s.into()))
            .unwrap();
    }
    let read = crate::doc::read_questions(&questions).unwrap();
    let r = record(&day().with_agenda(&read), None, Lang::Sv);
    let n = r.blocks.len();
    assert_eq!(
        r.blocks[n - 2],
        Block::Heading {
            level: 1,
            text: "Dagordning för uppföljningsmötet".into()
        }
    );
    assert_eq!(
        r.blocks[n - 1],
        Block::Text {
            paragraphs: vec![
                "1. Vad gör vi när ingen svarar?".into(),
                "2. Hur når vi anhöriga?".into()
            ]
        }
    );
    // No agenda, no heading.
    let plain = record(&day(), None, Lang::Sv);
    assert!(
        !plain
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Heading { text, .. } if text.contains("Dagordning")))
    );
}
