//! The printable QR sheets: one A4 page per group (its name, its QR code, its link and two
//! lines on what to do) and one for the catch-up link. Plain HTML with a print stylesheet and
//! no script; every name is escaped, and only the server's own SVG data URLs become images.

use crate::export::{html_escape, round_name};
use crate::i18n::{Lang, Strings, fill};
use crate::session::WorkshopLinks;

/// One sheet: the heading, a line under it, the link, its QR code, two instructions.
struct Sheet<'a> {
    heading: &'a str,
    sub: String,
    link: &'a str,
    qr: &'a str,
    steps: [String; 2],
}

const SHEET_CSS: &str = "
@page { size: A4; margin: 18mm; }
body { font-family: system-ui, sans-serif; color: #111; margin: 0; }
.sheet { break-after: page; page-break-after: always; text-align: center; padding-top: 8mm; }
.sheet:last-child { break-after: auto; page-break-after: auto; }
h1 { font-size: 30pt; margin: 0 0 3mm; } .sub { font-size: 14pt; color: #444; margin: 0 0 8mm; }
img { width: 120mm; height: 120mm; } .link { font: 13pt monospace; word-break: break-all; margin: 6mm 0; }
ol { text-align: left; font-size: 16pt; line-height: 1.4; max-width: 150mm; margin: 6mm auto 0; }
@media screen { .sheet { border-bottom: 2px dashed #999; padding-bottom: 10mm; margin-bottom: 10mm; } }
@media print { .no-print { display: none; } }
.no-print { text-align: center; color: #444; }
";

/// Only an SVG data URL in base64 (what the server's `qr_data_url` makes) is shown as an
/// image; anything else is left out.
fn safe_qr(url: &str) -> Option<&str> {
    let data = url.strip_prefix("data:image/svg+xml;base64,")?;
    data.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        .then_some(url)
}

fn sheet_html(out: &mut String, s: &Sheet<'_>) {
    out.push_str(&format!(
        "<section class=\"sheet\"><h1>{}</h1><p class=\"sub\">{}</p>",
        html_escape(s.heading),
        html_escape(&s.sub)
    ));
    if let Some(qr) = safe_qr(s.qr) {
        out.push_str(&format!("<img src=\"{qr}\" alt=\"\">"));
    }
    out.push_str(&format!(
        "<p class=\"link\">{}</p><ol><li>{}</li><li>{}</li></ol></section>\n",
        html_escape(s.link),
        html_escape(&s.steps[0]),
        html_escape(&s.steps[1])
    ));
}

/// The sheets of a workshop: every group (newest round first, the facilitator's order within
/// it), then the catch-up link.
pub fn qr_sheets(links: &WorkshopLinks, date: &str, lang: Lang) -> String {
    let l: &Strings = lang.strings();
    let several = links.groups.iter().any(|g| g.round != 1);
    let mut groups: Vec<_> = links.groups.iter().collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.round));
    let mut sheets: Vec<Sheet<'_>> = groups
        .into_iter()
        .map(|g| {
            let mut sub = format!("{} · {date}", links.title);
            if several {
                sub = format!("{} · {sub}", round_name(l, g.round));
            }
            Sheet {
                heading: &g.name,
                sub,
                link: &g.link,
                qr: &g.qr,
                steps: [l.qr_group_step1.to_owned(), l.qr_group_step2.to_owned()],
            }
        })
        .collect();
    sheets.push(Sheet {
        heading: l.catch_up_link,
        sub: format!("{} · {date}", links.title),
        link: &links.catch_up,
        qr: &links.catch_up_qr,
        steps: [
            l.qr_catch_up_step1.to_owned(),
            fill(l.qr_catch_up_step2, &[("date", &links.access_until)]),
        ],
    });
    let mut out = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <title>{}</title><style>{SHEET_CSS}</style></head><body>\n\
         <p class=\"no-print\">{}</p>\n",
        lang.code(),
        html_escape(&fill(l.qr_sheet_title, &[("title", &links.title)])),
        l.print_hint
    );
    for s in &sheets {
        sheet_html(&mut out, s);
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests;
