//! The plenary view: one function that merges the workshop, every group's notes and the plenary
//! document into what the big screen, the catch-up page and the exports show. The same for
//! server and client.

use crate::doc::{
    DEFAULT_DOTS, FollowUp, GroupNotes, MAX_VOTE_ITEMS, Material, Phase, PlenaryNotes, TextRef,
    Vote, VoteItem, Workshop,
};
use serde::{Deserialize, Serialize};

/// One group's text for a question or case field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupText {
    pub group_id: String,
    pub group_name: String,
    pub text: String,
    /// The group lifted this to the plenary.
    pub highlighted: bool,
    /// Provenance: the group's round, …
    #[serde(default = "one")]
    pub round: u32,
    /// … the area whose questions it had ("" for the questions every group gets) …
    #[serde(default)]
    pub area: String,
    /// … and, for a mixed group, the areas its people came from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mix: Vec<String>,
}

fn one() -> u32 {
    1
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionView {
    pub id: String,
    pub text: String,
    pub area: Option<String>,
    /// The facilitator's curated summary.
    pub summary: String,
    /// Every group the question is for; highlighted answers first, then workshop order.
    pub answers: Vec<GroupText>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldView {
    pub field_id: String,
    pub label: String,
    /// Groups of the case's area; highlighted first.
    pub answers: Vec<GroupText>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    pub id: String,
    pub title: String,
    pub area: String,
    pub body: String,
    /// The case's own links (a filmed commentary), for those who catch up too.
    #[serde(default)]
    pub links: Vec<Material>,
    pub fields: Vec<FieldView>,
}

/// Everything the plenary shows, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlenaryView {
    /// The round shown; `None` for every round together.
    #[serde(default)]
    pub round: Option<u32>,
    /// Every round the workshop has (`[1]` for a day of one round).
    #[serde(default)]
    pub rounds: Vec<u32>,
    pub title: String,
    pub date: String,
    pub phase: Phase,
    pub access_until: String,
    /// Who ran the day, for the record's header (empty when not given).
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub facilitator: String,
    /// The follow-up meeting's date (`YYYY-MM-DD`), empty when none is set.
    #[serde(default)]
    pub follow_up_date: String,
    /// The facilitator's summary of the whole day.
    #[serde(default)]
    pub overall: String,
    pub materials: Vec<Material>,
    pub questions: Vec<QuestionView>,
    pub cases: Vec<CaseView>,
    pub follow_up: Vec<FollowUp>,
    /// The questions the follow-up meeting takes up, in the facilitator's order (from the
    /// question box; set by whoever reads it, see [`PlenaryView::with_agenda`]).
    #[serde(default)]
    pub agenda: Vec<String>,
}

impl PlenaryView {
    /// The view with the follow-up meeting's agenda from the question box.
    pub fn with_agenda(mut self, questions: &crate::doc::QuestionBox) -> Self {
        self.agenda = questions
            .on_agenda()
            .into_iter()
            .map(|q| q.text.clone())
            .collect();
        self
    }

    /// A new vote (id `vote_id`) on a question's written answers, one item per group (its id
    /// the group's); `None` when no group has written.
    pub fn vote_on_question(&self, question_id: &str, vote_id: &str) -> Option<Vote> {
        let q = self.questions.iter().find(|q| q.id == question_id)?;
        let items = q
            .answers
            .iter()
            .filter(|a| !a.text.trim().is_empty())
            .map(|a| VoteItem {
                id: a.group_id.clone(),
                group: a.group_name.clone(),
                text: a.text.clone(),
            })
            .collect();
        new_vote(vote_id, &q.text, items)
    }

    /// A new vote on one reflection field across every case (the groups' "questions for the
    /// plenary", say): one item per group and case that wrote it, named "group · case".
    pub fn vote_on_field(&self, field_id: &str, vote_id: &str) -> Option<Vote> {
        let mut label = None;
        let mut items = Vec::new();
        for c in &self.cases {
            for f in c.fields.iter().filter(|f| f.field_id == field_id) {
                label.get_or_insert_with(|| f.label.clone());
                for a in f.answers.iter().filter(|a| !a.text.trim().is_empty()) {
                    items.push(VoteItem {
                        id: format!("i{}", items.len() + 1),
                        group: format!("{} · {}", a.group_name, c.title),
                        text: a.text.clone(),
                    });
                }
            }
        }
        items.truncate(MAX_VOTE_ITEMS);
        new_vote(vote_id, &label?, items)
    }

    /// The reflection fields the cases have, each once (id, label), in case order.
    pub fn case_fields(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for f in self.cases.iter().flat_map(|c| &c.fields) {
            if !out.iter().any(|(id, _)| *id == f.field_id) {
                out.push((f.field_id.clone(), f.label.clone()));
            }
        }
        out
    }

    /// Total number of group texts with content (for "nothing yet" states and tests).
    pub fn filled_count(&self) -> usize {
        let q = self.questions.iter().flat_map(|q| &q.answers);
        let c = self
            .cases
            .iter()
            .flat_map(|c| &c.fields)
            .flat_map(|f| &f.answers);
        q.chain(c).filter(|a| !a.text.trim().is_empty()).count()
    }
}

fn new_vote(id: &str, title: &str, items: Vec<VoteItem>) -> Option<Vote> {
    (!items.is_empty()).then(|| Vote {
        id: id.to_owned(),
        title: title.to_owned(),
        dots: DEFAULT_DOTS,
        items,
        open: true,
        result: None,
    })
}

/// Every round's notes together: see [`plenary_view_in`].
pub fn plenary_view(w: &Workshop, groups: &[GroupNotes], plenary: &PlenaryNotes) -> PlenaryView {
    plenary_view_in(w, groups, plenary, None)
}

/// Merge the workshop, the groups' notes (any order; unknown groups are ignored) and the
/// plenary document into the plenary view of one round (`None`: all of them, each answer
/// marked with its round). The server serves it as JSON and exports it; the client renders it
/// live from its own copies — the same function on both sides.
pub fn plenary_view_in(
    w: &Workshop,
    groups: &[GroupNotes],
    plenary: &PlenaryNotes,
    round: Option<u32>,
) -> PlenaryView {
    let notes_of = |gid: &str| groups.iter().find(|n| n.group_id == gid);
    let rounds = w.rounds();
    let round = round.filter(|r| rounds.contains(r));
    let several = rounds.len() > 1;
    let collect = |area: Option<&str>, r: &TextRef| -> Vec<GroupText> {
        let mut out: Vec<GroupText> = w
            .groups
            .iter()
            .filter(|g| round.is_none_or(|n| n == g.round))
            .filter(|g| area.is_none_or(|a| a == g.area))
            .map(|g| {
                let notes = notes_of(&g.id);
                GroupText {
                    group_id: g.id.clone(),
                    group_name: g.name.clone(),
                    text: notes.and_then(|n| n.text(r)).unwrap_or_default().to_owned(),
                    highlighted: notes.is_some_and(|n| n.is_highlighted(r)),
                    round: g.round,
                    area: g.area.clone(),
                    mix: g.mix.clone(),
                }
            })
            .collect();
        // Stable: highlighted first, otherwise the workshop's group order.
        out.sort_by_key(|a| !a.highlighted);
        out
    };
    PlenaryView {
        round,
        rounds,
        title: w.title.clone(),
        date: w.date.clone(),
        phase: w.phase,
        access_until: w.access_until.clone(),
        organisation: w.organisation.clone(),
        facilitator: w.facilitator.clone(),
        follow_up_date: w.follow_up_date.clone(),
        overall: plenary.overall.clone(),
        materials: w.materials.clone(),
        questions: w
            .questions
            .iter()
            .map(|q| QuestionView {
                id: q.id.clone(),
                text: q.text.clone(),
                area: q.area.clone(),
                summary: plenary.summary.get(&q.id).cloned().unwrap_or_default(),
                answers: collect(
                    q.area.as_deref(),
                    &TextRef::Answer {
                        question_id: q.id.clone(),
                    },
                ),
            })
            .collect(),
        cases: w
            .cases
            .iter()
            .map(|c| CaseView {
                id: c.id.clone(),
                title: c.title.clone(),
                area: c.area.clone(),
                body: c.body.clone(),
                links: c.links.clone(),
                fields: w
                    .fields_for(c)
                    .iter()
                    .map(|f| FieldView {
                        field_id: f.id.clone(),
                        label: f.label.clone(),
                        answers: collect(
                            Some(&c.area),
                            &TextRef::Reflection {
                                case_id: c.id.clone(),
                                field_id: f.id.clone(),
                            },
                        ),
                    })
                    .collect(),
            })
            // A round whose groups do not discuss a case (mixed groups on the shared
            // questions) shows no empty case; a day of one round keeps every case.
            .filter(|c: &CaseView| {
                round.is_none() || !several || c.fields.iter().any(|f| !f.answers.is_empty())
            })
            .collect(),
        follow_up: plenary.follow_up.clone(),
        agenda: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
