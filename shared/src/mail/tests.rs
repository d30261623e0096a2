use super::*;
use crate::demo;
use crate::doc::read_workshop;
use crate::i18n::Lang;

fn workshop() -> Workshop {
    let mut w = read_workshop(&demo::fixture("w").unwrap().workshop).unwrap();
    w.title = "Barnkonventionen & {link}".into();
    w
}

#[test]
fn the_group_leader_s_mail_says_what_the_issue_asks_for_in_both_languages() {
    let mut w = workshop();
    let link = "https://samtal.example/g/abc";
    let m = group_leader(Lang::Sv.strings(), &w, "Vuxen", link);
    assert_eq!(
        m.subject,
        format!(
            "Gruppens anteckningar {}: Barnkonventionen & {{link}} (Vuxen)",
            w.date
        )
    );
    for bit in [
        "«Barnkonventionen & {link}»",
        "gruppledare för Vuxen",
        "Tid och plats",
        link,
        "En person skriver på rummets skärm",
        "Skriv inga namn",
        "Samtalsledaren läser anteckningarna",
        "kolleger som inte kunde vara med",
        "Om länken inte öppnas",
    ] {
        assert!(m.body.contains(bit), "{bit:?} missing:\n{}", m.body);
    }
    // The title's "{link}" stays text: the link appears once, where it belongs.
    assert_eq!(m.body.matches(link).count(), 1, "{}", m.body);
    w.facilitator = "Eva Ek".into();
    let m = group_leader(Lang::En.strings(), &w, "Adults", link);
    assert!(
        m.body.contains("The facilitator, Eva Ek, reads the notes"),
        "{}",
        m.body
    );
    assert!(m.body.contains("Write no names"), "{}", m.body);
}

#[test]
fn the_catch_up_mail_says_until_when_and_the_follow_up_meeting_once_set() {
    let mut w = workshop();
    let link = "https://samtal.example/c/xyz";
    let m = catch_up(Lang::Sv.strings(), &w, link);
    assert!(m.body.contains(link));
    assert!(m.body.contains(&format!("till och med {}", w.access_until)));
    assert!(!m.body.contains("Uppföljningsmötet är"), "{}", m.body);
    assert!(
        m.body
            .contains("inget du gör på sidan ändrar anteckningarna")
    );
    w.follow_up_date = "2027-01-20".into();
    let m = catch_up(Lang::Sv.strings(), &w, link);
    assert!(
        m.body.contains("Uppföljningsmötet är den 2027-01-20."),
        "{}",
        m.body
    );
}

#[test]
fn mailto_encodes_every_reserved_character_so_no_text_adds_a_header() {
    let m = Mail {
        subject: "Å & ö?x=1".into(),
        body: "rad ett\nrad två&cc=evil@example.org#x %".into(),
    };
    let url = m.mailto();
    assert_eq!(
        url,
        "mailto:?subject=%C3%85%20%26%20%C3%B6%3Fx%3D1\
         &body=rad%20ett%0D%0Arad%20tv%C3%A5%26cc%3Devil%40example.org%23x%20%25"
    );
    // Exactly the two fields we set.
    assert_eq!(url.matches('&').count(), 1);
    assert_eq!(url.matches('=').count(), 2);
}
