//! The plenary record a manager files (Word, PDF): the plenary view laid out once, as plain
//! blocks, in the reader's language. The server's writers (`server/src/records/`) only render
//! these blocks, so the Word file and the PDF say the same: a header (course, date, round),
//! per question the summary and every group's answer, per case each group's reflections, the
//! vote's result and the follow-up table. Fields no group wrote in are left out and named in
//! one line ("Ingen anteckning från: Vuxen, Funktionsstöd"). User text stays plain `String`s
//! here; each writer places it as text, never as markup.

use crate::export::{follow_up_table, meta, provenance, rounds_line};
use crate::i18n::{Lang, Strings};
use crate::view::{GroupText, PlenaryView};
use serde::Serialize;

/// One piece of the record, in reading order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A heading: 1 a part (Frågor, Fall, Uppföljning), 2 a question or case, 3 a field.
    Heading { level: u8, text: String },
    /// Paragraphs of running text (a case's description), blank lines kept as breaks.
    Text { paragraphs: Vec<String> },
    /// The facilitator's summary of a question.
    Summary {
        label: String,
        paragraphs: Vec<String>,
    },
    /// One group's text: its name, where it came from / whether it was lifted, the text.
    Answer {
        group: String,
        note: String,
        paragraphs: Vec<String>,
    },
    /// The groups that wrote nothing here, in one line.
    Silent { text: String },
    /// Links (material, a case's links): title and address, as text.
    Links { items: Vec<(String, String)> },
    /// A table with a header row (the vote's result, the follow-up); the `wide` columns hold
    /// running text and share the room the others leave.
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
        wide: Vec<usize>,
    },
}

/// The record: a title, the header lines, the blocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Record {
    /// `sv` or `en`: the document's language (hyphenation, Word's proofing language).
    pub lang: &'static str,
    pub title: String,
    /// (label, value) lines under the title.
    pub meta: Vec<(String, String)>,
    pub blocks: Vec<Block>,
    /// The last line ("Exporterat från Samtal").
    pub footer: String,
}

/// A vote's result for the record: its title and (group, text, dots), ranked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VoteResult {
    pub title: String,
    pub open: bool,
    pub ranked: Vec<(String, String, usize)>,
}

/// Text as paragraphs: split at blank lines, each keeping its own line breaks.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

fn answers(out: &mut Vec<Block>, v: &PlenaryView, l: &Strings, answers: &[GroupText]) {
    let several = v.rounds.len() > 1;
    let mut silent = Vec::new();
    for a in answers {
        if a.text.trim().is_empty() {
            silent.push(a.group_name.clone());
            continue;
        }
        let mut note = Vec::new();
        if several {
            note.push(provenance(l, a));
        }
        if a.highlighted {
            note.push(l.export_lifted.to_owned());
        }
        out.push(Block::Answer {
            group: a.group_name.clone(),
            note: note.join(" · "),
            paragraphs: paragraphs(&a.text),
        });
    }
    if !silent.is_empty() {
        out.push(Block::Silent {
            text: l.record_silent.replace("{names}", &silent.join(", ")),
        });
    }
}

/// The record of a plenary view (and of the vote, if there was one).
pub fn record(v: &PlenaryView, vote: Option<&VoteResult>, lang: Lang) -> Record {
    let l = lang.strings();
    let mut meta = meta(v, l);
    if let Some(r) = rounds_line(v, l) {
        meta.insert(1, (l.record_round.to_owned(), r));
    }
    let mut blocks = Vec::new();
    if !v.overall.trim().is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: l.record_overall.to_owned(),
        });
        blocks.push(Block::Summary {
            label: String::new(),
            paragraphs: paragraphs(&v.overall),
        });
    }
    if !v.materials.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: l.export_material.to_owned(),
        });
        blocks.push(links(&v.materials));
    }
    blocks.push(Block::Heading {
        level: 1,
        text: l.export_questions.to_owned(),
    });
    for (i, q) in v.questions.iter().enumerate() {
        blocks.push(Block::Heading {
            level: 2,
            text: format!("{}. {}", i + 1, q.text),
        });
        if !q.summary.trim().is_empty() {
            blocks.push(Block::Summary {
                label: l.export_summary.to_owned(),
                paragraphs: paragraphs(&q.summary),
            });
        }
        answers(&mut blocks, v, l, &q.answers);
    }
    if !v.cases.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: l.export_cases.to_owned(),
        });
    }
    for c in &v.cases {
        blocks.push(Block::Heading {
            level: 2,
            text: c.title.clone(),
        });
        let mut body = Vec::new();
        if !c.area.is_empty() {
            body.push(format!("{}: {}", l.export_area, c.area));
        }
        body.extend(paragraphs(&c.body));
        blocks.push(Block::Text { paragraphs: body });
        if !c.links.is_empty() {
            blocks.push(links(&c.links));
        }
        let written =
            |f: &&crate::view::FieldView| f.answers.iter().any(|a| !a.text.trim().is_empty());
        let (filled, empty): (Vec<_>, Vec<_>) = c.fields.iter().partition(written);
        if filled.is_empty() {
            // Nobody wrote about the case: one line naming its groups, no headings over nothing.
            let groups: Vec<String> = c
                .fields
                .first()
                .map(|f| f.answers.iter().map(|a| a.group_name.clone()).collect())
                .unwrap_or_default();
            if !groups.is_empty() {
                blocks.push(Block::Silent {
                    text: l.record_silent.replace("{names}", &groups.join(", ")),
                });
            }
            continue;
        }
        for f in filled {
            blocks.push(Block::Heading {
                level: 3,
                text: f.label.clone(),
            });
            answers(&mut blocks, v, l, &f.answers);
        }
        if !empty.is_empty() {
            let labels: Vec<&str> = empty.iter().map(|f| f.label.as_str()).collect();
            blocks.push(Block::Silent {
                text: l
                    .record_empty_fields
                    .replace("{fields}", &labels.join(", ")),
            });
        }
    }
    if let Some(vote) = vote.filter(|v| !v.ranked.is_empty()) {
        blocks.push(Block::Heading {
            level: 1,
            text: format!("{}: {}", l.vote_heading, vote.title),
        });
        if vote.open {
            blocks.push(Block::Silent {
                text: l.record_vote_open.to_owned(),
            });
        }
        blocks.push(Block::Table {
            head: vec![
                l.record_group.to_owned(),
                l.record_answer.to_owned(),
                l.record_dots.to_owned(),
            ],
            rows: vote
                .ranked
                .iter()
                .map(|(g, t, n)| vec![g.clone(), t.clone(), n.to_string()])
                .collect(),
            wide: vec![1],
        });
    }
    if let Some((head, rows)) = follow_up_table(v, l) {
        blocks.push(Block::Heading {
            level: 1,
            text: l.export_follow_up.to_owned(),
        });
        // What to do, and the follow-up meeting's comment where there is one, are running text.
        let wide = if head.len() > 4 { vec![0, 4] } else { vec![0] };
        blocks.push(Block::Table { head, rows, wide });
    }
    if !v.agenda.is_empty() {
        blocks.push(Block::Heading {
            level: 1,
            text: l.qbox_agenda.to_owned(),
        });
        blocks.push(Block::Text {
            paragraphs: v
                .agenda
                .iter()
                .enumerate()
                .map(|(i, q)| format!("{}. {}", i + 1, q.trim()))
                .collect(),
        });
    }
    Record {
        lang: lang.code(),
        title: v.title.clone(),
        meta,
        blocks,
        footer: l.export_generated.to_owned(),
    }
}

fn links(items: &[crate::doc::Material]) -> Block {
    Block::Links {
        items: items
            .iter()
            .map(|m| (m.title.clone(), m.url.trim().to_owned()))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
