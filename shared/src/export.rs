//! Exports of the plenary view: Markdown and printable HTML. Every piece of user text goes
//! through [`md_escape`] or [`html_escape`]; nothing a group typed can become markup.

use crate::doc::FollowUp;
pub use crate::i18n::Lang;
use crate::i18n::Strings;
use crate::view::{GroupText, PlenaryView};

/// A Markdown table cell: escaped, on one line.
fn md_cell(text: &str) -> String {
    let one_line: Vec<&str> = text.lines().map(str::trim).collect();
    md_escape(&one_line.join(" "))
}

/// Escape text so Markdown renders it literally: inline markup, raw HTML, links and
/// line-start block markers are all backslash-escaped.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (n, line) in text.lines().enumerate() {
        if n > 0 {
            // A hard line break keeps the group's own line structure.
            out.push_str("  \n");
        }
        let trimmed = line.trim_start();
        out.push_str(&line[..line.len() - trimmed.len()].replace('\t', " "));
        let mut chars = trimmed.chars().peekable();
        let mut at_start = true;
        while let Some(c) = chars.next() {
            let block_marker = at_start && matches!(c, '#' | '-' | '+' | '=' | '>');
            let ordered = c.is_ascii_digit() && matches!(chars.peek(), Some('.' | ')'));
            if block_marker
                || matches!(
                    c,
                    '\\' | '`'
                        | '*'
                        | '_'
                        | '['
                        | ']'
                        | '<'
                        | '>'
                        | '|'
                        | '~'
                        | '&'
                        | '!'
                        | '{'
                        | '}'
                )
            {
                out.push('\\');
                out.push(c);
            } else if ordered && at_start {
                out.push(c);
                if let Some(p) = chars.next() {
                    out.push('\\');
                    out.push(p);
                }
            } else {
                out.push(c);
            }
            at_start = false;
        }
    }
    out
}

/// Escape text for HTML element content and attribute values.
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Only http(s) and mailto links become links; anything else (javascript:, data:) is text.
pub fn safe_url(url: &str) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:"))
    {
        return None;
    }
    // Control characters and white space (a newline would end a Markdown autolink and start
    // new markup), and the characters that delimit links, are percent-encoded.
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_control() || c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | '\\') {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// Where a group's text comes from: "Omgång 2 · blandad: Barn och unga, Vuxen" (round, and the
/// area whose questions it had or the areas its people came from).
pub fn provenance(l: &Strings, a: &GroupText) -> String {
    let area = if !a.mix.is_empty() {
        l.mixed_from.replace("{areas}", &a.mix.join(", "))
    } else if a.area.is_empty() {
        l.common_questions.to_owned()
    } else {
        a.area.clone()
    };
    format!("{} · {area}", round_name(l, a.round))
}

/// "Omgång 2".
pub fn round_name(l: &Strings, round: u32) -> String {
    l.round_n.replace("{n}", &round.to_string())
}

/// A day of several rounds says which round a text is from; a day of one does not.
fn origin(v: &PlenaryView, l: &Strings, a: &GroupText) -> Option<String> {
    (v.rounds.len() > 1).then(|| provenance(l, a))
}

/// Which rounds an export holds, for a day of several rounds.
pub fn rounds_line(v: &PlenaryView, l: &Strings) -> Option<String> {
    if v.rounds.len() < 2 {
        return None;
    }
    Some(match v.round {
        Some(r) => round_name(l, r),
        None => l.rounds_all.to_owned(),
    })
}

/// The header lines every export starts with, (label, value), empty ones left out: date,
/// organisation, facilitator, follow-up meeting, open until. (The round, on a day of several,
/// is [`rounds_line`].)
pub fn meta(v: &PlenaryView, l: &Strings) -> Vec<(String, String)> {
    let mut out = vec![(l.export_date.to_owned(), v.date.clone())];
    let mut given = |label: &str, value: &str| {
        if !value.trim().is_empty() {
            out.push((label.to_owned(), value.trim().to_owned()));
        }
    };
    given(l.record_organisation, &v.organisation);
    given(l.record_facilitator, &v.facilitator);
    given(l.record_follow_up_meeting, &v.follow_up_date);
    given(l.export_open_until, &v.access_until);
    out
}

/// When an action is due: its date, or the date the follow-up meeting moved it to with the
/// first one ("2027-03-01 (först 2027-02-01)").
pub fn due_cell(l: &Strings, f: &FollowUp) -> String {
    if f.new_due.trim().is_empty() || f.new_due == f.due {
        f.due.clone()
    } else if f.due.trim().is_empty() {
        f.new_due.clone()
    } else {
        l.record_moved
            .replace("{new}", &f.new_due)
            .replace("{old}", &f.due)
    }
}

/// The follow-up table of every export: a header row and one row per action with text (what,
/// who, when, status, and a comment column once any action has a comment); `None` when there
/// is no action.
pub fn follow_up_table(v: &PlenaryView, l: &Strings) -> Option<(Vec<String>, Vec<Vec<String>>)> {
    let actions: Vec<&FollowUp> = v
        .follow_up
        .iter()
        .filter(|f| !f.text.trim().is_empty())
        .collect();
    if actions.is_empty() {
        return None;
    }
    let comments = actions.iter().any(|f| !f.comment.trim().is_empty());
    let mut head = vec![
        l.record_action.to_owned(),
        l.export_owner.to_owned(),
        l.export_due.to_owned(),
        l.record_status.to_owned(),
    ];
    if comments {
        head.push(l.record_comment.to_owned());
    }
    let rows = actions
        .iter()
        .map(|f| {
            let mut row = vec![
                f.text.clone(),
                f.owner.clone(),
                due_cell(l, f),
                l.action_status(f.status).to_owned(),
            ];
            if comments {
                row.push(f.comment.clone());
            }
            row
        })
        .collect();
    Some((head, rows))
}

fn md_answers(out: &mut String, v: &PlenaryView, l: &Strings, answers: &[GroupText]) {
    for a in answers {
        let lifted = if a.highlighted {
            format!(" ({})", l.export_lifted)
        } else {
            String::new()
        };
        let from = origin(v, l, a)
            .map(|o| format!(" — {}", md_escape(&o)))
            .unwrap_or_default();
        out.push_str(&format!(
            "#### {}{from}{lifted}\n\n",
            md_escape(&a.group_name)
        ));
        if a.text.trim().is_empty() {
            out.push_str(&format!("{}\n\n", l.export_nothing));
        } else {
            out.push_str(&format!("{}\n\n", md_escape(&a.text)));
        }
    }
}

/// The plenary view as Markdown.
pub fn markdown(v: &PlenaryView, lang: Lang) -> String {
    let l = lang.strings();
    let mut out = format!("# {}\n\n", md_escape(&v.title));
    let lines: Vec<String> = meta(v, l)
        .iter()
        .map(|(k, value)| format!("{k}: {}", md_escape(value)))
        .collect();
    out.push_str(&format!("{}\n\n", lines.join("  \n")));
    if let Some(r) = rounds_line(v, l) {
        out.push_str(&format!("**{}**\n\n", md_escape(&r)));
    }
    if !v.overall.trim().is_empty() {
        out.push_str(&format!(
            "## {}\n\n{}\n\n",
            l.record_overall,
            md_escape(&v.overall)
        ));
    }
    if !v.materials.is_empty() {
        out.push_str(&format!("## {}\n\n", l.export_material));
        md_links(&mut out, &v.materials);
    }
    out.push_str(&format!("## {}\n\n", l.export_questions));
    for (i, q) in v.questions.iter().enumerate() {
        out.push_str(&format!("### {}. {}\n\n", i + 1, md_escape(&q.text)));
        if !q.summary.trim().is_empty() {
            out.push_str(&format!(
                "**{}:** {}\n\n",
                l.export_summary,
                md_escape(&q.summary)
            ));
        }
        out.push_str(&format!("{}:\n\n", l.export_groups_answers));
        md_answers(&mut out, v, l, &q.answers);
    }
    if !v.cases.is_empty() {
        out.push_str(&format!("## {}\n\n", l.export_cases));
        for c in &v.cases {
            out.push_str(&format!(
                "### {}\n\n{}: {}\n\n{}\n\n",
                md_escape(&c.title),
                l.export_area,
                md_escape(&c.area),
                md_escape(&c.body)
            ));
            md_links(&mut out, &c.links);
            for f in &c.fields {
                out.push_str(&format!("**{}**\n\n", md_escape(&f.label)));
                md_answers(&mut out, v, l, &f.answers);
            }
        }
    }
    if let Some((head, rows)) = follow_up_table(v, l) {
        out.push_str(&format!("## {}\n\n", l.export_follow_up));
        let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
        out.push_str(&row(head.iter().map(|h| md_cell(h)).collect()));
        out.push_str(&row(head.iter().map(|_| "---".to_owned()).collect()));
        for r in rows {
            out.push_str(&row(r.iter().map(|c| md_cell(c)).collect()));
        }
        out.push('\n');
    }
    if !v.agenda.is_empty() {
        out.push_str(&format!("## {}\n\n", l.qbox_agenda));
        for (i, q) in v.agenda.iter().enumerate() {
            // One item per line: its own line breaks become spaces.
            let line = q.split_whitespace().collect::<Vec<_>>().join(" ");
            out.push_str(&format!("{}. {}\n", i + 1, md_escape(&line)));
        }
        out.push('\n');
    }
    out.push_str(&format!("---\n{}\n", l.export_generated));
    out
}

const PRINT_CSS: &str = "
body { font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.45; color: #111; }
h1 { font-size: 1.8rem; } h2 { border-bottom: 2px solid #999; margin-top: 2rem; }
.answer { border-left: 4px solid #bbb; padding: .2rem .8rem; margin: .6rem 0; }
.answer.lifted { border-left-color: #0b4f8a; background: #eef4fa; }
.answer h4 { margin: .2rem 0; } .text { white-space: pre-wrap; margin: .2rem 0; }
.summary { background: #f4f4f4; padding: .5rem .8rem; white-space: pre-wrap; }
.muted { color: #555; } table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #999; padding: .3rem .5rem; text-align: left; vertical-align: top; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; } .no-print { display: none; }
  h2 { page-break-after: avoid; } .answer, tr { page-break-inside: avoid; }
  a { color: #000; } a[href]::after { content: \" (\" attr(href) \")\"; font-size: 9pt; }
}
";

fn html_answers(out: &mut String, v: &PlenaryView, l: &Strings, answers: &[GroupText]) {
    for a in answers {
        let (class, lifted) = if a.highlighted {
            (
                " lifted",
                format!(" <span class=\"muted\">({})</span>", l.export_lifted),
            )
        } else {
            ("", String::new())
        };
        let text = if a.text.trim().is_empty() {
            format!("<p class=\"muted\">{}</p>", l.export_nothing)
        } else {
            format!("<p class=\"text\">{}</p>", html_escape(&a.text))
        };
        let from = origin(v, l, a)
            .map(|o| format!(" <span class=\"muted\">— {}</span>", html_escape(&o)))
            .unwrap_or_default();
        out.push_str(&format!(
            "<div class=\"answer{class}\"><h4>{}{from}{lifted}</h4>{text}</div>\n",
            html_escape(&a.group_name)
        ));
    }
}

/// The plenary view as a standalone, printable HTML page (no scripts, inline styles only).
pub fn html(v: &PlenaryView, lang: Lang) -> String {
    let l = lang.strings();
    let code = lang.code();
    let mut out = format!(
        "<!doctype html>\n<html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{PRINT_CSS}</style></head><body>\n\
         <p class=\"no-print muted\">{}</p>\n",
        html_escape(&v.title),
        l.print_hint
    );
    let lines: Vec<String> = meta(v, l)
        .iter()
        .map(|(k, value)| format!("{k}: {}", html_escape(value)))
        .collect();
    out.push_str(&format!(
        "<h1>{}</h1>\n<p>{}</p>\n",
        html_escape(&v.title),
        lines.join("<br>")
    ));
    if let Some(r) = rounds_line(v, l) {
        out.push_str(&format!("<p><strong>{}</strong></p>\n", html_escape(&r)));
    }
    if !v.overall.trim().is_empty() {
        out.push_str(&format!(
            "<h2>{}</h2>\n<div class=\"summary\">{}</div>\n",
            l.record_overall,
            html_escape(&v.overall)
        ));
    }
    if !v.materials.is_empty() {
        out.push_str(&format!("<h2>{}</h2>\n", l.export_material));
        html_links(&mut out, &v.materials);
    }
    out.push_str(&format!("<h2>{}</h2>\n", l.export_questions));
    for (i, q) in v.questions.iter().enumerate() {
        out.push_str(&format!(
            "<section><h3>{}. {}</h3>\n",
            i + 1,
            html_escape(&q.text)
        ));
        if !q.summary.trim().is_empty() {
            out.push_str(&format!(
                "<p><strong>{}</strong></p><div class=\"summary\">{}</div>\n",
                l.export_summary,
                html_escape(&q.summary)
            ));
        }
        html_answers(&mut out, v, l, &q.answers);
        out.push_str("</section>\n");
    }
    if !v.cases.is_empty() {
        out.push_str(&format!("<h2>{}</h2>\n", l.export_cases));
        for c in &v.cases {
            out.push_str(&format!(
                "<section><h3>{}</h3><p class=\"muted\">{}: {}</p><p class=\"text\">{}</p>\n",
                html_escape(&c.title),
                l.export_area,
                html_escape(&c.area),
                html_escape(&c.body)
            ));
            html_links(&mut out, &c.links);
            for f in &c.fields {
                out.push_str(&format!("<h4>{}</h4>\n", html_escape(&f.label)));
                html_answers(&mut out, v, l, &f.answers);
            }
            out.push_str("</section>\n");
        }
    }
    if let Some((head, rows)) = follow_up_table(v, l) {
        let cells = |tag: &str, cells: &[String]| -> String {
            cells
                .iter()
                .map(|c| format!("<{tag}>{}</{tag}>", html_escape(c)))
                .collect()
        };
        out.push_str(&format!(
            "<h2>{}</h2>\n<table><tr>{}</tr>\n",
            l.export_follow_up,
            cells("th", &head)
        ));
        for r in &rows {
            out.push_str(&format!("<tr>{}</tr>\n", cells("td", r)));
        }
        out.push_str("</table>\n");
    }
    if !v.agenda.is_empty() {
        out.push_str(&format!("<h2>{}</h2>\n<ol>\n", l.qbox_agenda));
        for q in &v.agenda {
            out.push_str(&format!("<li class=\"text\">{}</li>\n", html_escape(q)));
        }
        out.push_str("</ol>\n");
    }
    out.push_str(&format!(
        "<p class=\"muted\">{}</p>\n</body></html>\n",
        l.export_generated
    ));
    out
}

#[cfg(test)]
mod tests;

/// Links as a Markdown list: http(s) links as autolinks, anything else as plain text.
fn md_links(out: &mut String, links: &[crate::doc::Material]) {
    if links.is_empty() {
        return;
    }
    for m in links {
        match safe_url(&m.url) {
            // Angle-bracket autolinks cannot carry markup; safe_url encoded `<`, `>` and every
            // space and control character.
            Some(url) => out.push_str(&format!("- {} <{url}>\n", md_escape(&m.title))),
            None => out.push_str(&format!(
                "- {} ({})\n",
                md_escape(&m.title),
                md_escape(&m.url)
            )),
        }
    }
    out.push('\n');
}

/// Links as an HTML list: http(s) links as links, anything else as plain text.
fn html_links(out: &mut String, links: &[crate::doc::Material]) {
    if links.is_empty() {
        return;
    }
    out.push_str("<ul>\n");
    for m in links {
        match safe_url(&m.url) {
            Some(url) => out.push_str(&format!(
                "<li><a href=\"{}\" rel=\"noopener noreferrer\">{}</a></li>\n",
                html_escape(&url),
                html_escape(&m.title)
            )),
            None => out.push_str(&format!(
                "<li>{} ({})</li>\n",
                html_escape(&m.title),
                html_escape(&m.url)
            )),
        }
    }
    out.push_str("</ul>\n");
}
