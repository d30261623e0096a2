use super::*;
use crate::session::GroupLink;

const QR: &str = "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=";

fn links() -> WorkshopLinks {
    let group = |id: &str, name: &str, round: u32| GroupLink {
        group_id: id.into(),
        name: name.into(),
        area: "Barn".into(),
        link: format!("https://samtal.example/g/{id}"),
        qr: QR.into(),
        round,
    };
    WorkshopLinks {
        workshop_id: "w".into(),
        title: "Dagen <b>&</b>".into(),
        facilitator: "https://samtal.example/f/secret".into(),
        catch_up: "https://samtal.example/c/cu".into(),
        catch_up_qr: QR.into(),
        access_until: "2027-01-31".into(),
        groups: vec![
            group("g1", "Vuxen", 1),
            group("g2", "<script>alert(1)</script>", 1),
        ],
    }
}

#[test]
fn one_sheet_per_group_and_one_for_the_catch_up_link_never_the_facilitator_s() {
    let page = qr_sheets(&links(), "2026-12-10", Lang::Sv);
    assert_eq!(page.matches("<section class=\"sheet\">").count(), 3);
    assert_eq!(page.matches(&format!("<img src=\"{QR}\"")).count(), 3);
    for bit in [
        "<h1>Vuxen</h1>",
        "https://samtal.example/g/g1",
        "Efterhandslänk",
        "till och med 2027-01-31",
        "Skriv inga namn",
        "Dagen &lt;b&gt;&amp;&lt;/b&gt; · 2026-12-10",
    ] {
        assert!(page.contains(bit), "{bit:?} missing:\n{page}");
    }
    // Names are text; the facilitator's link is never printed for the rooms.
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<script>"));
    assert!(!page.contains("/f/secret"));
    // Each sheet is its own page when printed.
    assert!(page.contains("@page { size: A4;"));
    assert!(page.contains("break-after: page"));
}

#[test]
fn a_day_of_rounds_prints_the_newest_round_first_and_names_each_round() {
    let mut l = links();
    l.groups[1].round = 2;
    let page = qr_sheets(&l, "2026-12-10", Lang::En);
    let second = page.find("Round 2").unwrap();
    let first = page.find("Round 1").unwrap();
    assert!(second < first, "{page}");
    assert!(page.contains("Catch-up link"), "{page}");
}

#[test]
fn only_the_server_s_own_svg_data_urls_become_images() {
    let mut l = links();
    l.groups[0].qr = "javascript:alert(1)".into();
    l.groups[1].qr = "data:image/svg+xml;base64,\" onerror=\"x".into();
    let page = qr_sheets(&l, "2026-12-10", Lang::Sv);
    assert_eq!(page.matches("<img ").count(), 1, "{page}");
    assert!(!page.contains("javascript:"));
    assert!(!page.contains("onerror"));
}
