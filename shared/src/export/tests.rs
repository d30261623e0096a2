use super::*;
use crate::doc::FollowUp;
use crate::doc::{Material, Phase};
use crate::view::{FieldView, QuestionView};

const EVIL: &str = "<script>alert(1)</script> <img src=x onerror=alert(2)> [klick](javascript:alert(3)) **fet** \n# rubrik\n- lista\n1. ett";

fn view() -> PlenaryView {
    let a = |t: &str, h: bool| GroupText {
        group_id: "g1".into(),
        group_name: "<b>Grupp</b>".into(),
        text: t.into(),
        highlighted: h,
        round: 1,
        area: String::new(),
        mix: Vec::new(),
    };
    PlenaryView {
        round: None,
        rounds: vec![1],
        title: EVIL.into(),
        date: "2026-11-24".into(),
        phase: Phase::Plenary,
        access_until: "2026-12-08".into(),
        organisation: EVIL.into(),
        facilitator: EVIL.into(),
        follow_up_date: "2027-01-12".into(),
        overall: EVIL.into(),
        materials: vec![
            Material {
                title: EVIL.into(),
                url: "javascript:alert(4)".into(),
            },
            Material {
                title: "Film".into(),
                url: "https://example.org/a>b<script>".into(),
            },
        ],
        questions: vec![QuestionView {
            id: "q1".into(),
            text: EVIL.into(),
            area: None,
            summary: EVIL.into(),
            answers: vec![a(EVIL, true), a("", false)],
        }],
        cases: vec![crate::view::CaseView {
            id: "c1".into(),
            title: EVIL.into(),
            area: "Vuxen".into(),
            body: EVIL.into(),
            // A case's own links go through the same filter as the material.
            links: vec![Material {
                title: EVIL.into(),
                url: "javascript:alert(5)".into(),
            }],
            fields: vec![FieldView {
                field_id: "f".into(),
                label: EVIL.into(),
                answers: vec![a(EVIL, false)],
            }],
        }],
        follow_up: vec![FollowUp {
            id: "f1".into(),
            text: EVIL.into(),
            owner: EVIL.into(),
            due: EVIL.into(),
            status: crate::doc::ActionStatus::Done,
            comment: EVIL.into(),
            new_due: String::new(),
        }],
        agenda: vec![EVIL.into(), "Vad gör vi när\n# ingen svarar?".into()],
    }
}

/// Render Markdown the way a viewer would and collect what became markup.
fn rendered_markdown(md: &str) -> (String, Vec<String>) {
    use pulldown_cmark::{Event, Parser, Tag};
    let mut tags = Vec::new();
    for ev in Parser::new(md) {
        match ev {
            Event::Html(h) | Event::InlineHtml(h) => tags.push(format!("html:{h}")),
            Event::Start(Tag::Link { dest_url, .. }) => tags.push(format!("link:{dest_url}")),
            Event::Start(Tag::Image { .. }) => tags.push("image".into()),
            Event::Start(Tag::Strong) => tags.push("strong".into()),
            Event::Start(Tag::List(_)) => tags.push("list".into()),
            Event::Start(Tag::Heading { level, .. }) => tags.push(format!("h:{level}")),
            _ => {}
        }
    }
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, Parser::new(md));
    (html, tags)
}

#[test]
fn markdown_keeps_user_text_inert() {
    let md = markdown(&view(), Lang::Sv);
    let (html, tags) = rendered_markdown(&md);
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(tags.iter().all(|t| !t.starts_with("html:")), "{tags:?}");
    let links: Vec<_> = tags.iter().filter(|t| t.starts_with("link:")).collect();
    assert_eq!(
        links.len(),
        1,
        "only the https material is a link: {links:?}"
    );
    assert!(links[0].starts_with("link:https://example.org/a%3Eb%3Cscript%3E"));
    // User text never makes headings or lists: only our own structure does.
    let headings = tags.iter().filter(|t| t.starts_with("h:")).count();
    // title, overall, material, questions, q1, group x2, cases, case, group, follow-up, agenda
    assert_eq!(headings, 12, "{tags:?}");
    // The agenda is one numbered list of the questions, in order; a line break in a question
    // makes no heading.
    assert!(
        html.contains("<li>Vad gör vi när # ingen svarar?</li>"),
        "{html}"
    );
    // The words survive, escaped.
    assert!(html.contains("alert(1)"));
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn html_export_escapes_everything() {
    let page = html(&view(), Lang::En);
    assert_eq!(page.matches("<script").count(), 0);
    assert_eq!(page.matches("<img").count(), 0);
    assert!(!page.contains("href=\"javascript"));
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;b&gt;Grupp&lt;/b&gt;"));
    assert!(page.contains("@media print"));
    assert!(page.contains("lifted to the plenary"));
}

#[test]
fn md_escape_round_trips_plain_words() {
    assert_eq!(md_escape("Barnets bästa"), "Barnets bästa");
    assert_eq!(md_escape("rad ett\nrad två"), "rad ett  \nrad två");
    assert_eq!(md_escape("1. först"), "1\\. först");
    assert_eq!(html_escape("a&b\"'"), "a&amp;b&quot;&#39;");
    assert_eq!(safe_url(" JavaScript:alert(1)"), None);
    assert_eq!(safe_url("https://x.se").as_deref(), Some("https://x.se"));
    // A newline cannot end the autolink and start a `javascript:` link.
    let evil = "https://x.se\n[klicka](javascript:alert(1))";
    assert_eq!(
        safe_url(evil).as_deref(),
        Some("https://x.se%0A[klicka](javascript:alert(1))")
    );
}

#[test]
fn the_header_names_who_ran_the_day_and_the_follow_up_table_has_real_statuses() {
    let mut v = view();
    v.organisation = "Socialförvaltningen Åby".into();
    v.facilitator = "Eva Ek".into();
    v.overall = "Dagen gav mycket.".into();
    v.follow_up.push(FollowUp {
        id: "f2".into(),
        text: "Ringa skolan".into(),
        owner: "Ali".into(),
        due: "2027-01-01".into(),
        new_due: "2027-02-01".into(),
        ..FollowUp::default()
    });
    let l = Lang::Sv.strings();
    let lines = meta(&v, l);
    let labels: Vec<&str> = lines.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Datum",
            "Organisation",
            "Samtalsledare",
            "Uppföljningsmöte",
            "Öppen för efterhandstittare till"
        ]
    );
    let (head, rows) = follow_up_table(&v, l).unwrap();
    assert_eq!(head, ["Åtgärd", "Vem", "När", "Status", "Kommentar"]);
    assert_eq!(rows[0][3], "Klar");
    assert_eq!(rows[1][2], "2027-02-01 (först 2027-01-01)");
    assert_eq!(rows[1][3], "Ej påbörjad");
    let md = markdown(&v, Lang::Sv);
    assert!(md.contains("Organisation: Socialförvaltningen Åby"), "{md}");
    assert!(md.contains("## Sammanfattning av dagen\n\nDagen gav mycket."));
    assert!(
        md.contains("| Ringa skolan | Ali | 2027-02-01 (först 2027-01-01) | Ej påbörjad |  |"),
        "{md}"
    );
    let (_, tags) = rendered_markdown(&md);
    assert!(tags.iter().all(|t| !t.starts_with("html:")), "{tags:?}");
    let page = html(&v, Lang::Sv);
    assert!(page.contains("<td>Ej påbörjad</td>"));
    assert!(page.contains("<th>Kommentar</th>"));
    assert!(!page.contains("pågår)"));
    // Without a comment anywhere, no comment column; an unset organisation is no line.
    v.follow_up.iter_mut().for_each(|f| f.comment.clear());
    v.organisation.clear();
    assert_eq!(follow_up_table(&v, l).unwrap().0.len(), 4);
    assert!(!meta(&v, l).iter().any(|(k, _)| k == "Organisation"));
}
