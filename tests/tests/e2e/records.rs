//! The Word and PDF records against a real server and SQLite file, read as a user's programs
//! would: the PDF's text through `pdftotext` (poppler-utils), the Word file's `word/document.xml`.
//! Every group's text under its own question, Swedish characters intact, injected markup
//! still text, empty fields left out, the follow-up's real status; the same roles as the
//! other exports.

// Helpers below are test code too: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use samtal_shared::doc::{self, ActionStatus, FollowUp, TextRef, WorkshopEdit};
use samtal_tests::{NativeClient, TestServer, demo_spec, token_of};
use std::io::Read;

/// What a group writes: Swedish letters, and what would be markup in Typst, Word's XML,
/// Markdown or HTML.
const HOSTILE: &str = "Åsa och Örjan tänker på barnets röst. #panic(\"typst\") ]]> <w:t>xml</w:t> \
                       *fet* $x$ [länk](javascript:x) \\ @ref";

fn answer(q: &str) -> TextRef {
    TextRef::Answer {
        question_id: q.into(),
    }
}

/// The demo day: group 1 answers question 1 (with `HOSTILE`), group 2 answers question 2,
/// group 3 writes one reflection; a summary for question 1 and of the day; three follow-ups,
/// one in each status; the organisation, the facilitator and the follow-up meeting's date.
async fn day(server: &TestServer) -> (String, String, String) {
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let texts = [
        ("q1", format!("Grupp ett skriver. {HOSTILE}")),
        ("q2", "Grupp två: vi frågar barnet först.".to_owned()),
    ];
    for (i, (q, text)) in texts.iter().enumerate() {
        let mut g = NativeClient::connect(server.addr, &token_of(&links.groups[i].link), "g")
            .await
            .unwrap();
        let d = g.group_doc().unwrap();
        g.edit(d, &answer(q), text).unwrap();
        g.sync().await.unwrap();
    }
    let mut g3 = NativeClient::connect(server.addr, &token_of(&links.groups[2].link), "g3")
        .await
        .unwrap();
    let d3 = g3.group_doc().unwrap();
    let w = doc::read_workshop(g3.repo.doc(&g3.info.workshop_doc).unwrap()).unwrap();
    let case = w.cases_for(&w.groups[2].area).next().unwrap().clone();
    let field = w.fields_for(&case)[0].clone();
    let refl = TextRef::Reflection {
        case_id: case.id.clone(),
        field_id: field.id.clone(),
    };
    g3.edit(d3, &refl, "Funktionsstöd ringer skolan.").unwrap();
    g3.sync().await.unwrap();
    let mut f = NativeClient::connect(server.addr, &token_of(&links.facilitator), "f")
        .await
        .unwrap();
    let pdoc = w.plenary_doc_id;
    f.edit(
        pdoc,
        &TextRef::Summary {
            question_id: "q1".into(),
        },
        "Vi tar med oss barnets röst.",
    )
    .unwrap();
    // Three actions, one in each status; the follow-up meeting moved one and commented on it.
    let actions = [
        (
            "f1",
            "Ta fram en checklista",
            ActionStatus::NotStarted,
            "",
            "",
        ),
        (
            "f2",
            "Boka uppföljningen",
            ActionStatus::InProgress,
            "Lokalen är inte klar",
            "2027-02-01",
        ),
        ("f3", "Skicka ut materialet", ActionStatus::Done, "", ""),
    ];
    for (id, text, status, comment, new_due) in actions {
        let action = FollowUp {
            id: id.into(),
            text: text.into(),
            owner: "Enhetschef".into(),
            due: "2027-01-15".into(),
            status,
            comment: comment.into(),
            new_due: new_due.into(),
        };
        f.add_action(pdoc, action).unwrap();
    }
    // Who ran the day, the follow-up meeting, and her summary of the whole day.
    f.edit(pdoc, &TextRef::Overall, "En dag om barnets röst.")
        .unwrap();
    let wdoc = f.info.workshop_doc;
    for edit in [
        WorkshopEdit::Organisation("Socialförvaltningen i Åby".into()),
        WorkshopEdit::Facilitator("Eva Ek".into()),
        WorkshopEdit::FollowUpDate("2027-01-20".into()),
    ] {
        f.change(wdoc, |d| doc::apply_workshop_edit(d, &edit))
            .unwrap();
    }
    f.sync().await.unwrap();
    // Two questions from a reader; the facilitator takes one up at the follow-up meeting.
    let qbox = doc::questions_doc_id(&links.workshop_id);
    let mut reader = NativeClient::connect(server.addr, &token_of(&links.catch_up), "reader")
        .await
        .unwrap();
    for (id, text) in [
        ("qa", "Vad gör vi när <b>ingen</b> svarar?"),
        ("qb", "En fråga som inte tas upp"),
    ] {
        reader
            .change(qbox, |d| doc::add_question(d, id, text, 1))
            .unwrap();
        reader.sync().await.unwrap();
    }
    f.sync().await.unwrap();
    f.change(qbox, |d| {
        doc::sort_questions(d, &doc::Sorting::ToAgenda("qa".into()))
    })
    .unwrap();
    f.sync().await.unwrap();
    (
        token_of(&links.facilitator),
        token_of(&links.catch_up),
        token_of(&links.groups[0].link),
    )
}

/// The PDF's text as `pdftotext` reads it (reading order, one line per line).
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("record.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (Debian's poppler-utils; .ci/run installs it)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Typst hyphenates; join what it broke at a line end to read the words whole.
    String::from_utf8(out.stdout)
        .unwrap()
        .replace("-\n", "")
        .replace("\u{ad}\n", "")
        .replace("\u{2010}\n", "")
}

/// The Word file's body text: the `w:t` runs of `word/document.xml`, unescaped, in order.
fn docx_text(docx: &[u8]) -> (String, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    let mut rest = xml.as_str();
    while let Some(start) = rest.find("<w:t") {
        let after = &rest[start..];
        // `<w:t>` or `<w:t …>` only: not `<w:tbl>`, `<w:tr>`, `<w:tc>`.
        if !matches!(after.as_bytes().get(4), Some(b'>' | b' ' | b'/')) {
            rest = &after[4..];
            continue;
        }
        let open_end = after.find('>').unwrap();
        if after[..open_end].ends_with('/') {
            rest = &after[open_end..];
            continue;
        }
        let body = &after[open_end + 1..];
        let close = body.find("</w:t>").unwrap();
        text.push_str(&body[..close]);
        text.push('\n');
        rest = &body[close..];
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    (xml, text)
}

/// `needle` is in `text` after `heading` and before `next` (the next heading).
fn under(text: &str, heading: &str, needle: &str, next: &str) {
    let h = text
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?} in:\n{text}"));
    let n = text[h..]
        .find(needle)
        .map(|i| i + h)
        .unwrap_or_else(|| panic!("no {needle:?} after {heading:?} in:\n{text}"));
    if let Some(x) = text[h + heading.len()..].find(next) {
        assert!(
            n < h + heading.len() + x,
            "{needle:?} is not under {heading:?}:\n{text}"
        );
    }
}

/// Every check on one record's text (both formats).
fn check_record(text: &str) {
    // Words may be broken across lines; compare with white space folded.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Barnkonventionen i praktiken"), "{flat}");
    under(
        &flat,
        "1. Vad tar ni med er",
        "Grupp ett skriver. Åsa och Örjan tänker på barnets röst.",
        "2. ",
    );
    under(
        &flat,
        "1. Vad tar ni med er",
        "Vi tar med oss barnets röst.",
        "2. ",
    );
    under(&flat, "2. ", "Grupp två: vi frågar barnet först.", "3. ");
    // Injected markup is text, character for character.
    for bit in [
        "#panic(\"typst\")",
        "]]>",
        "<w:t>xml</w:t>",
        "*fet*",
        "$x$",
        "[länk](javascript:x)",
        "@ref",
    ] {
        assert!(flat.contains(bit), "{bit:?} missing from:\n{flat}");
    }
    assert!(flat.contains("Funktionsstöd ringer skolan."), "{flat}");
    // Empty fields are one line, never an empty card.
    assert!(flat.contains("Ingen anteckning från:"), "{flat}");
    assert!(flat.contains("Inget skrivet under:"), "{flat}");
    assert!(!flat.contains("inget skrivet"), "{flat}");
    // The header says who ran the day and when the follow-up meeting is.
    for bit in [
        "Organisation",
        "Socialförvaltningen i Åby",
        "Samtalsledare",
        "Eva Ek",
        "Uppföljningsmöte",
        "2027-01-20",
    ] {
        assert!(
            flat.contains(bit),
            "{bit:?} missing from the header:\n{flat}"
        );
    }
    under(
        &flat,
        "Sammanfattning av dagen",
        "En dag om barnets röst.",
        "1. Vad tar ni med er",
    );
    // The follow-up table with each action's real status, its new date and the comment.
    under(
        &flat,
        "Åtgärd Vem När",
        "Ta fram en checklista",
        "Exporterat",
    );
    for cell in [
        "Åtgärd",
        "Vem",
        "När",
        "Status",
        "Kommentar",
        "Ej påbörjad",
        "Pågår",
        "Klar",
        "2027-01-15",
        "2027-02-01 (först 2027-01-15)",
        "Lokalen är inte klar",
    ] {
        assert!(flat.contains(cell), "{cell:?} missing from:\n{flat}");
    }
    assert!(!flat.contains("pågår"), "{flat}");
    // The follow-up meeting's agenda: the question she took up, as text; not the other.
    under(
        &flat,
        "Dagordning för uppföljningsmötet",
        "1. Vad gör vi när <b>ingen</b> svarar?",
        "Exporterat",
    );
    assert!(!flat.contains("inte tas upp"), "{flat}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pdf_and_the_word_file_hold_every_group_s_text_under_its_question_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let (fac, catch_up, group) = day(&server).await;

    let (status, kind, pdf) = server
        .get_bytes(&format!("/api/export/{fac}/plenary.pdf"))
        .await
        .unwrap();
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(kind, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(&pdf);
    check_record(&text);
    // The font is embedded (a reader without it shows the same letters).
    assert!(
        pdf.windows(9).any(|w| w == b"/FontFile"),
        "no embedded font"
    );

    let (status, kind, docx) = server
        .get_bytes(&format!("/api/export/{fac}/plenary.docx"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(kind.contains("wordprocessingml"), "{kind}");
    let (xml, text) = docx_text(&docx);
    check_record(&text);
    // To look at them: SAMTAL_RECORDS_OUT=folder keeps both files.
    if let Some(out) = std::env::var_os("SAMTAL_RECORDS_OUT") {
        let out = std::path::PathBuf::from(out);
        std::fs::write(out.join("record.pdf"), &pdf).unwrap();
        std::fs::write(out.join("record.docx"), &docx).unwrap();
    }
    // The markup a group typed is escaped XML, never elements of the document.
    assert!(xml.contains("&lt;w:t&gt;xml&lt;/w:t&gt;"), "{xml}");
    assert!(!xml.contains("<w:t>xml</w:t>"));

    // The Markdown and printable HTML exports carry the same statuses, dates and header.
    for file in ["plenary.md", "plenary.html"] {
        let (status, _, body) = server
            .get_bytes(&format!("/api/export/{fac}/{file}"))
            .await
            .unwrap();
        assert_eq!(status, 200, "{file}");
        let body = String::from_utf8(body).unwrap().replace('\\', "");
        for bit in [
            "Ej påbörjad",
            "Pågår",
            "Klar",
            "2027-02-01 (först 2027-01-15)",
            "Lokalen är inte klar",
            "Socialförvaltningen i Åby",
            "En dag om barnets röst.",
        ] {
            assert!(body.contains(bit), "{bit:?} missing from {file}:\n{body}");
        }
    }

    // English on request.
    let (_, _, en) = server
        .get_bytes(&format!("/api/export/{fac}/plenary.pdf?lang=en"))
        .await
        .unwrap();
    let en = pdf_text(&en);
    for bit in [
        "Follow-up",
        "Not started",
        "In progress",
        "Done",
        "(first 2027-01-15)",
    ] {
        assert!(en.contains(bit), "{bit:?} missing from:\n{en}");
    }

    // Same roles as the other exports: catch-up may read, a group link may not.
    let (status, _, _) = server
        .get_bytes(&format!("/api/export/{catch_up}/plenary.docx"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    for file in ["plenary.pdf", "plenary.docx"] {
        let (status, _, _) = server
            .get_bytes(&format!("/api/export/{group}/{file}"))
            .await
            .unwrap();
        assert_eq!(status, 403, "{file} for a group link");
    }
    server.stop().await.unwrap();
}

/// The QR sheets over HTTP: one A4 page per group and one for the catch-up link, every group's
/// own link under its name, no script and no facilitator link; for the facilitator only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qr_sheets_have_a_page_per_group_and_one_for_the_catch_up_link() {
    let dir = tempfile::tempdir().unwrap();
    let server = TestServer::start(&dir.path().join("data")).await.unwrap();
    let links = server.create_workshop(&demo_spec()).await.unwrap();
    let fac = token_of(&links.facilitator);
    let (status, kind, page) = server
        .get_bytes(&format!("/api/links/{fac}/qr-sheet.html"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert!(kind.starts_with("text/html"), "{kind}");
    let page = String::from_utf8(page).unwrap();
    let sheets: Vec<&str> = page.split("<section class=\"sheet\">").skip(1).collect();
    assert_eq!(sheets.len(), links.groups.len() + 1, "{page}");
    for (sheet, g) in sheets.iter().zip(&links.groups) {
        assert!(sheet.contains(&format!("<h1>{}</h1>", g.name)), "{sheet}");
        assert!(sheet.contains(&g.link), "{sheet}");
        assert!(sheet.contains("<img src=\"data:image/svg+xml;base64,"));
    }
    assert!(sheets[links.groups.len()].contains(&links.catch_up));
    assert!(
        !page.contains(&fac),
        "the facilitator's link is not for the rooms"
    );
    assert!(!page.contains("<script"));
    for role in [token_of(&links.groups[0].link), token_of(&links.catch_up)] {
        let (status, _, _) = server
            .get_bytes(&format!("/api/links/{role}/qr-sheet.html"))
            .await
            .unwrap();
        assert_eq!(status, 403);
    }
    server.stop().await.unwrap();
}
