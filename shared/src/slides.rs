//! The presentation's slides, worked out from the plenary view: every question, then every
//! case, then the summary and the follow-up actions, so the whole plenary can be run from the
//! big screen. Groups keep the facilitator's order on every slide (a lifted answer is marked,
//! never moved), and a group that wrote nothing is named, not given an empty card.

use crate::doc::{FollowUp, GroupNotes, Workshop};
use crate::view::{GroupText, PlenaryView};

/// One group's card on a slide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Card {
    pub group_id: String,
    pub group_name: String,
    pub highlighted: bool,
    /// Its group's round (shown when the slides hold every round).
    pub round: u32,
    /// (label, text): one entry for a question's answer (no label), one per filled field for
    /// a case.
    pub parts: Vec<(Option<String>, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slide {
    Question {
        /// Its place among the questions (0-based).
        index: usize,
        text: String,
        summary: String,
        cards: Vec<Card>,
        /// Groups the question is for that wrote nothing yet.
        silent: Vec<String>,
    },
    Case {
        index: usize,
        title: String,
        cards: Vec<Card>,
        silent: Vec<String>,
    },
    /// The plenary's vote: (group, text, dots), most dots first.
    Vote {
        title: String,
        open: bool,
        results: Vec<(String, String, usize)>,
    },
    /// The day's overall summary and each question's summary (those written).
    Summary {
        overall: String,
        items: Vec<(String, String)>,
    },
    FollowUps {
        items: Vec<FollowUp>,
    },
}

impl Slide {
    /// The cards a slide spreads over the screen.
    pub fn cards(&self) -> &[Card] {
        match self {
            Slide::Question { cards, .. } | Slide::Case { cards, .. } => cards,
            Slide::Vote { .. } | Slide::Summary { .. } | Slide::FollowUps { .. } => &[],
        }
    }
}

/// Most cards one page of a slide shows (4 × 2 on a wide screen); more go to a next page.
pub const MAX_CARDS_PER_PAGE: usize = 8;

/// Columns and rows for `n` cards on a wide screen: as square as text reads well.
pub fn grid_for(n: usize) -> (usize, usize) {
    match n {
        0 | 1 => (1, 1),
        2 => (2, 1),
        3 => (3, 1),
        4 => (2, 2),
        5 | 6 => (3, 2),
        _ => (4, n.div_ceil(4)),
    }
}

/// How many pages `cards` take at `per_page` a page (at least one).
pub fn pages(cards: usize, per_page: usize) -> usize {
    cards.div_ceil(per_page.max(1)).max(1)
}

fn in_group_order(w: &Workshop, answers: &[GroupText]) -> Vec<GroupText> {
    let mut out = answers.to_vec();
    let place = |id: &str| {
        w.groups
            .iter()
            .position(|g| g.id == id)
            .unwrap_or(usize::MAX)
    };
    out.sort_by_key(|a| place(&a.group_id));
    out
}

/// Every slide of the plenary, in order (`groups`: every group's notes, for the vote's tally).
pub fn slides(w: &Workshop, view: &PlenaryView, groups: &[GroupNotes]) -> Vec<Slide> {
    let mut out = Vec::new();
    for (index, q) in view.questions.iter().enumerate() {
        let (mut cards, mut silent) = (Vec::new(), Vec::new());
        for a in in_group_order(w, &q.answers) {
            if a.text.trim().is_empty() {
                silent.push(a.group_name);
            } else {
                cards.push(Card {
                    round: a.round,
                    group_id: a.group_id,
                    group_name: a.group_name,
                    highlighted: a.highlighted,
                    parts: vec![(None, a.text)],
                });
            }
        }
        out.push(Slide::Question {
            index,
            text: q.text.clone(),
            summary: q.summary.clone(),
            cards,
            silent,
        });
    }
    for (index, c) in view.cases.iter().enumerate() {
        let groups = c
            .fields
            .first()
            .map(|f| in_group_order(w, &f.answers))
            .unwrap_or_default();
        let (mut cards, mut silent) = (Vec::new(), Vec::new());
        for g in groups {
            let mut highlighted = false;
            let parts: Vec<(Option<String>, String)> = c
                .fields
                .iter()
                .filter_map(|f| {
                    let a = f.answers.iter().find(|a| a.group_id == g.group_id)?;
                    highlighted |= a.highlighted;
                    (!a.text.trim().is_empty()).then(|| (Some(f.label.clone()), a.text.clone()))
                })
                .collect();
            if parts.is_empty() {
                silent.push(g.group_name);
            } else {
                cards.push(Card {
                    round: g.round,
                    group_id: g.group_id,
                    group_name: g.group_name,
                    highlighted,
                    parts,
                });
            }
        }
        out.push(Slide::Case {
            index,
            title: c.title.clone(),
            cards,
            silent,
        });
    }
    if let Some(v) = &w.vote {
        out.push(Slide::Vote {
            title: v.title.clone(),
            open: v.open,
            results: v
                .tally(groups)
                .into_iter()
                .map(|(i, n)| (i.group.clone(), i.text.clone(), n))
                .collect(),
        });
    }
    out.push(Slide::Summary {
        overall: view.overall.trim().to_owned(),
        items: view
            .questions
            .iter()
            .filter(|q| !q.summary.trim().is_empty())
            .map(|q| (q.text.clone(), q.summary.clone()))
            .collect(),
    });
    out.push(Slide::FollowUps {
        items: view
            .follow_up
            .iter()
            .filter(|f| !f.text.trim().is_empty())
            .cloned()
            .collect(),
    });
    out
}

#[cfg(test)]
mod tests;
