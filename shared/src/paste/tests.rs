use super::*;
use proptest::prelude::*;

#[test]
fn a_numbered_list_from_word() {
    let text = "1.\tVad tar ni med er från föreläsningen?\r\n2.\tHur tar vi reda på vad barnet själv tycker i våra ärenden?\r\n3.\tVad kan vi göra annorlunda redan nästa vecka?\r\n";
    let p = propose(text);
    assert_eq!(
        p.questions,
        [
            "Vad tar ni med er från föreläsningen?",
            "Hur tar vi reda på vad barnet själv tycker i våra ärenden?",
            "Vad kan vi göra annorlunda redan nästa vecka?",
        ]
    );
    assert!(p.cases.is_empty() && p.left_out.is_empty(), "{p:?}");
}

#[test]
fn word_bullets_and_a_wrapped_question() {
    // Word pastes "•" or the Symbol font's private-use bullet, a tab, and a no-break space.
    let text = "•\tVilka rättigheter har barnet\u{a0}i ert arbete?\n\u{f0b7}\tNär hörde ni senast ett barn\nberätta själv?\no\tOch vad hände sedan?\n- Vem frågar ni?";
    let p = propose(text);
    assert_eq!(
        p.questions,
        [
            "Vilka rättigheter har barnet i ert arbete?",
            "När hörde ni senast ett barn berätta själv?",
            "Och vad hände sedan?",
            "Vem frågar ni?",
        ]
    );
}

#[test]
fn a_whole_course_document() {
    let text = "\
Barnkonventionen i praktiken

Den här dagen handlar om hur barnkonventionen blir lag i socialtjänstens vardag. Läs fallen
innan ni träffas.

Diskussionsfrågor
1) Vad tar ni med er från föreläsningen?
2) Hur tar vi reda på vad barnet själv tycker
i våra ärenden?

Fall 1: Elsa, 9 år

Skolan har gjort en orosanmälan. Elsa kommer ofta trött till skolan och säger att hon tar
hand om sin lillebror på kvällarna.

Föräldrarna tycker att allt fungerar bra.

Familjen på Ekvägen
En pappa söker ekonomiskt bistånd. Hans två barn har inte kunnat delta i några
fritidsaktiviteter på ett år.

Sida 2
";
    let p = propose(text);
    assert_eq!(
        p.questions,
        [
            "Vad tar ni med er från föreläsningen?",
            "Hur tar vi reda på vad barnet själv tycker i våra ärenden?",
        ]
    );
    // The document's title above its introduction reads as a case; the trainer drops it when
    // confirming.
    assert_eq!(p.cases.len(), 3, "{p:#?}");
    assert_eq!(p.cases[0].title, "Barnkonventionen i praktiken");
    assert!(p.cases[0].body.starts_with("Den här dagen"));
    let p = Proposal {
        cases: p.cases[1..].to_vec(),
        ..p
    };
    assert_eq!(p.cases[0].title, "Fall 1: Elsa, 9 år");
    assert_eq!(
        p.cases[0].body,
        "Skolan har gjort en orosanmälan. Elsa kommer ofta trött till skolan och säger att hon \
         tar hand om sin lillebror på kvällarna.\n\nFöräldrarna tycker att allt fungerar bra."
    );
    assert_eq!(p.cases[1].title, "Familjen på Ekvägen");
    assert!(p.cases[1].body.starts_with("En pappa söker"));
    // The section name and the page number are not used, and the trainer is shown them.
    assert_eq!(p.left_out, ["Diskussionsfrågor", "Sida 2"]);
}

#[test]
fn questions_as_plain_lines_and_a_wrapped_paragraph_is_no_case() {
    let text = "Vad tar ni med er?\n\nHur gör vi nästa vecka?\n\nSkolan har gjort en orosanmälan och Elsa\nkommer ofta trött till skolan.";
    let p = propose(text);
    assert_eq!(
        p.questions,
        ["Vad tar ni med er?", "Hur gör vi nästa vecka?"]
    );
    assert!(
        p.cases.is_empty(),
        "a paragraph that wrapped is not a heading: {p:?}"
    );
    assert_eq!(p.left_out.len(), 1);
}

/// Found by the proptest: a lone ":" above a paragraph made a case without a title.
#[test]
fn a_lone_colon_is_no_heading() {
    let p = propose(":\n\nSkolan har gjort en orosanmälan.");
    assert!(p.cases.is_empty(), "{p:?}");
    assert_eq!(p.left_out.len(), 2);
}

#[test]
fn nothing_in_nothing_out() {
    assert_eq!(propose(""), Proposal::default());
    assert_eq!(propose(" \n\t\r\n \u{a0}"), Proposal::default());
}

#[test]
fn a_workshop_takes_at_most_its_limit() {
    let text: String = (1..=250)
        .map(|i| format!("{i}. Fråga nummer {i}?\n"))
        .collect();
    let p = propose(&text);
    assert_eq!(p.questions.len(), MAX_ITEMS);
    assert_eq!(p.left_out.len(), 50);
}

proptest! {
    /// Whatever is pasted: no panic, nothing empty proposed, and nothing invented — every
    /// question and case title is words of the text, in order.
    #[test]
    fn proposals_come_from_the_text(text in "(\\PC{0,20}(\n|\r\n|\t|1\\. |• |\\?|\n\n)){0,20}") {
        let p = propose(&text);
        let words: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for q in &p.questions {
            prop_assert!(!q.trim().is_empty());
            for w in q.split_whitespace() {
                prop_assert!(words.contains(w), "{w:?} not in the text");
            }
        }
        for c in &p.cases {
            prop_assert!(!c.title.is_empty() && !c.body.is_empty());
        }
    }
}

#[test]
fn what_the_trainer_confirms_is_added_after_what_is_there() {
    let text = "1. Vad betyder barnets bästa för er?\n2. Hur vet ni vad barnet vill?\n\nFallet Ali\nAli är 12 år och bor i ett familjehem.\n";
    let p = propose(text);
    let mut new = crate::demo::fixture("w").unwrap();
    let mut n = 0;
    add_to_workshop(&mut new.workshop, &p, "Vuxen", || {
        n += 1;
        format!("x{n}")
    })
    .unwrap();
    let w = crate::doc::read_workshop(&new.workshop).unwrap();
    let texts: Vec<&str> = w.questions.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(texts.len(), 5);
    assert_eq!(
        texts[3..],
        [
            "Vad betyder barnets bästa för er?",
            "Hur vet ni vad barnet vill?"
        ]
    );
    let ali = w.cases.last().unwrap();
    assert_eq!(
        (ali.title.as_str(), ali.area.as_str()),
        ("Fallet Ali", "Vuxen")
    );
    assert_eq!(ali.body, "Ali är 12 år och bor i ett familjehem.");
}
