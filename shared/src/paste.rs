//! "Klistra in frågor och fall": text pasted from a trainer's Word or PDF document, read into a
//! proposal of questions and cases that the trainer confirms before anything is added.
//!
//! The rules, in the order they are tried on each block of lines (blocks are separated by
//! blank lines):
//! - numbered or bulleted lines are questions (`1.`, `1)`, `(1)`, `a)`, `•`, `-`, `*`, `–`,
//!   Word's `o` and Symbol-font bullets); a line without a marker right after one continues it
//!   (a question that wrapped);
//! - a block of one line ending in `?` is a question;
//! - a short line without a closing full stop is a heading: followed by text in the same block
//!   or by paragraphs, it is a case (the heading its title, the paragraphs its body); followed
//!   by a list or another heading, it only names a section and is left out;
//! - a paragraph right after a case's paragraphs belongs to that case (a document's title
//!   above its introduction reads as a case too: the trainer drops it when confirming);
//! - anything else (an introduction, a page number) is left out and listed as such, so the
//!   trainer sees what was not used.

use crate::doc::{
    MAX_ITEMS, MAX_TEXT, SchemaError, TextRef, WorkshopEdit, apply_workshop_edit, edit_text,
};
use automerge::AutoCommit;
use serde::{Deserialize, Serialize};

/// What a pasted text proposes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub questions: Vec<String>,
    pub cases: Vec<ProposedCase>,
    /// Lines that became neither (for the trainer to check).
    pub left_out: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProposedCase {
    pub title: String,
    pub body: String,
}

/// The longest line taken as a heading (a case's title).
const MAX_HEADING_CHARS: usize = 60;

/// Read a pasted text into questions and cases.
pub fn propose(text: &str) -> Proposal {
    let mut p = Proposal::default();
    let blocks = blocks(text);
    // The case whose body the next paragraphs extend, if the last block added to one.
    let mut open_case: Option<usize> = None;
    let mut i = 0;
    while i < blocks.len() {
        let block = &blocks[i];
        i += 1;
        if marker(&block[0]).is_some() {
            open_case = None;
            read_list(block, &mut p);
            continue;
        }
        if block.len() == 1 && block[0].ends_with('?') {
            open_case = None;
            p.questions.push(block[0].clone());
            continue;
        }
        if is_heading(&block[0]) && block.get(1).is_some_and(|l| marker(l).is_some()) {
            // "Diskussionsfrågor" right above its list.
            open_case = None;
            p.left_out.push(block[0].clone());
            read_list(&block[1..], &mut p);
            continue;
        }
        // A heading, unless the next line goes on with its sentence (a wrapped paragraph).
        if is_heading(&block[0]) && !wraps(block) {
            let mut body: Vec<String> = Vec::new();
            if block.len() > 1 {
                body.push(paragraph(&block[1..]));
            }
            // Paragraphs that follow (not a list, not another heading, not a question).
            while i < blocks.len() && is_paragraph(&blocks[i]) {
                body.push(paragraph(&blocks[i]));
                i += 1;
            }
            if body.is_empty() {
                // A section's name ("Diskussionsfrågor", "Fall"): nothing to add.
                open_case = None;
                p.left_out.push(block[0].clone());
            } else {
                p.cases.push(ProposedCase {
                    title: block[0].trim_end_matches(':').trim().to_owned(),
                    body: body.join("\n\n"),
                });
                open_case = Some(p.cases.len() - 1);
            }
            continue;
        }
        match open_case {
            Some(c) if is_paragraph(block) => {
                let case = &mut p.cases[c];
                case.body.push_str("\n\n");
                case.body.push_str(&paragraph(block));
            }
            _ => p.left_out.push(paragraph(block)),
        }
    }
    keep_within_limits(&mut p);
    p
}

/// Non-blank lines, trimmed, grouped by the blank lines between them. Windows and old Mac line
/// ends, no-break spaces and tabs (Word puts one after a list number) become plain ones.
fn blocks(text: &str) -> Vec<Vec<String>> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.split('\n') {
        let line: String = line
            .chars()
            .map(|c| match c {
                '\u{a0}' | '\t' | '\u{2007}' | '\u{202f}' => ' ',
                c => c,
            })
            .filter(|c| !c.is_control())
            .collect();
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The text after a list marker, if the line starts with one.
fn marker(line: &str) -> Option<&str> {
    const BULLETS: [char; 10] = ['•', '-', '*', '–', '—', '·', '▪', '◦', '●', '\u{f0b7}'];
    if let Some(first) = line.chars().next()
        && BULLETS.contains(&first)
    {
        let rest = line[first.len_utf8()..].trim_start();
        return (!rest.is_empty()).then_some(rest);
    }
    // Word's second-level bullet, a lone "o".
    if let Some(rest) = line.strip_prefix("o ") {
        return (!rest.trim().is_empty()).then(|| rest.trim_start());
    }
    // 1. 1) (1) 12. a) b.  — a number (or one letter) and its closing mark, then a space.
    let body = line.strip_prefix('(').unwrap_or(line);
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    let head = if digits > 0 && digits <= 3 {
        digits
    } else if body.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && body[1..].starts_with(')')
    {
        1
    } else {
        return None;
    };
    let rest = &body[head..];
    let rest = rest
        .strip_prefix(". ")
        .or_else(|| rest.strip_prefix(") "))
        .or_else(|| rest.strip_prefix(": "))?;
    let rest = rest.trim_start();
    (!rest.is_empty()).then_some(rest)
}

fn read_list(block: &[String], p: &mut Proposal) {
    for line in block {
        match marker(line) {
            Some(q) => p.questions.push(q.to_owned()),
            None => match p.questions.last_mut() {
                // A question that wrapped onto the next line.
                Some(q) => {
                    q.push(' ');
                    q.push_str(line);
                }
                None => p.left_out.push(line.clone()),
            },
        }
    }
}

/// A case's title, a section's name: short, not a sentence, not a list item.
fn is_heading(line: &str) -> bool {
    line.chars().count() <= MAX_HEADING_CHARS
        && !line.trim_end_matches(':').trim().is_empty()
        && marker(line).is_none()
        && !line.ends_with(['.', '?', '!', ',', ';'])
}

/// Running text: no list in it, not a lone question, not a heading that starts a case or a
/// section.
fn is_paragraph(block: &[String]) -> bool {
    block.iter().all(|l| marker(l).is_none())
        && !(block.len() == 1 && block[0].ends_with('?'))
        && (!is_heading(&block[0]) || wraps(block))
}

/// The block's second line goes on with the first one's sentence (a line broken by a PDF).
fn wraps(block: &[String]) -> bool {
    block
        .get(1)
        .and_then(|l| l.chars().next())
        .is_some_and(char::is_lowercase)
}

/// A paragraph's lines as one line (a PDF breaks lines where the page did).
fn paragraph(lines: &[String]) -> String {
    lines.join(" ")
}

/// What a workshop can hold: at most [`MAX_ITEMS`] of each, each text at most [`MAX_TEXT`]
/// bytes; the rest is left out (and listed).
fn keep_within_limits(p: &mut Proposal) {
    let cut = |s: &mut String| {
        if s.len() > MAX_TEXT {
            let mut end = MAX_TEXT;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.truncate(end);
        }
    };
    for q in p.questions.drain(MAX_ITEMS.min(p.questions.len())..) {
        p.left_out.push(q);
    }
    for c in p.cases.drain(MAX_ITEMS.min(p.cases.len())..) {
        p.left_out.push(c.title);
    }
    p.questions.iter_mut().for_each(cut);
    for c in &mut p.cases {
        cut(&mut c.title);
        cut(&mut c.body);
    }
}

#[cfg(test)]
mod tests;

/// Add what the trainer confirmed to a workshop document: the questions for every group, the
/// cases in `case_area`, after what is there. `new_id` gives each new item a random id (two
/// offline editors never collide). Not committed; the caller commits (one change for all).
pub fn add_to_workshop(
    doc: &mut AutoCommit,
    proposal: &Proposal,
    case_area: &str,
    mut new_id: impl FnMut() -> String,
) -> Result<(), SchemaError> {
    for text in &proposal.questions {
        let id = format!("q-{}", new_id());
        apply_workshop_edit(doc, &WorkshopEdit::AddQuestion { id: id.clone() })?;
        let text = text.clone();
        apply_workshop_edit(
            doc,
            &WorkshopEdit::Question {
                id,
                text,
                area: None,
            },
        )?;
    }
    for case in &proposal.cases {
        let id = format!("c-{}", new_id());
        let area = case_area.to_owned();
        apply_workshop_edit(
            doc,
            &WorkshopEdit::AddCase {
                id: id.clone(),
                area: area.clone(),
            },
        )?;
        let title = case.title.clone();
        apply_workshop_edit(
            doc,
            &WorkshopEdit::Case {
                id: id.clone(),
                title,
                area,
            },
        )?;
        edit_text(doc, &TextRef::CaseBody { case_id: id }, &case.body)?;
    }
    Ok(())
}
