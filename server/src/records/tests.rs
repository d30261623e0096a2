//! The writers on a record with hostile text: both produce their format, and the text stays
//! text (Word's XML escaped; Typst never evaluates a string).

use super::*;
use samtal_shared::record::{Block, Record};

fn hostile() -> Record {
    let nasty = "#panic(\"x\") ]]> <w:t>x</w:t> $ \\ [ ] { } @r *b* _i_ = h";
    Record {
        lang: "sv",
        title: format!("Titel {nasty}"),
        meta: vec![("Datum".into(), "2026-12-02".into())],
        blocks: vec![
            Block::Heading {
                level: 1,
                text: nasty.into(),
            },
            Block::Answer {
                group: "Grupp <1>".into(),
                note: nasty.into(),
                paragraphs: vec![format!("Rad ett\n{nasty}"), "Stycke två: åäö é".into()],
            },
            Block::Silent {
                text: "Ingen anteckning från: Vuxen".into(),
            },
            Block::Links {
                items: vec![("Film".into(), "javascript:alert(1)".into())],
            },
            Block::Table {
                head: vec!["Åtgärd".into(), "Status".into()],
                rows: vec![vec![nasty.into(), "Klar".into()]],
                wide: vec![0],
            },
        ],
        footer: "Exporterat från Samtal".into(),
    }
}

#[test]
fn a_word_file_keeps_markup_as_escaped_text() {
    let bytes = docx(&hostile()).unwrap();
    assert!(bytes.starts_with(b"PK"), "a .docx is a zip file");
    // The body is deflated inside the zip; the writer's XML escaping is what keeps `<w:t>`
    // text (the integration test reads the unpacked XML).
    assert!(bytes.len() > 1000);
}

#[test]
fn a_pdf_is_typeset_whatever_the_text_holds() {
    let bytes = pdf(&hostile()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // A second record in the same process works the same (nothing left over from the first).
    let again = pdf(&Record {
        title: "Andra".into(),
        ..hostile()
    })
    .unwrap();
    assert!(again.starts_with(b"%PDF-"));
}
