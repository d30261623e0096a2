//! The plenary document (the facilitator's summary and follow-up actions) and the plenary
//! view: one function that merges the workshop, every group's notes and the plenary document
//! into what the big screen, the catch-up page and the exports show.

use crate::docs::{
    self, GroupNotes, Material, Phase, SchemaError, TextRef, Workshop, check_header, list_items,
    obj_at, str_at, text_map,
};
use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, transaction::Transactable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A follow-up action agreed in the plenary.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: String,
    pub text: String,
    pub owner: String,
    /// Free text, usually a date.
    pub due: String,
    pub done: bool,
}

/// A plenary document, read into plain data.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlenaryNotes {
    /// question id → curated summary
    pub summary: BTreeMap<String, String>,
    pub follow_up: Vec<FollowUp>,
}

/// Read a plenary document.
pub fn read_plenary(doc: &impl ReadDoc) -> Result<PlenaryNotes, SchemaError> {
    check_header(doc, "plenary")?;
    let root = automerge::ROOT;
    let summary = obj_at(doc, &root, "summary", ObjType::Map)?;
    let follow = obj_at(doc, &root, "follow_up", ObjType::List)?;
    let follow_up = list_items(doc, &follow)
        .iter()
        .filter_map(|o| {
            Some(FollowUp {
                id: str_at(doc, o, "id")?,
                text: str_at(doc, o, "text").unwrap_or_default(),
                owner: str_at(doc, o, "owner").unwrap_or_default(),
                due: str_at(doc, o, "due").unwrap_or_default(),
                done: matches!(
                    doc.get(o, "done").ok().flatten(),
                    Some((Value::Scalar(s), _)) if matches!(s.as_ref(), ScalarValue::Boolean(true))
                ),
            })
        })
        .collect();
    Ok(PlenaryNotes {
        summary: text_map(doc, &summary),
        follow_up,
    })
}

/// One change to the follow-up list (summaries are text fields: [`docs::edit_text`] with
/// [`TextRef::Summary`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlenaryEdit {
    AddFollowUp { id: String },
    FollowUp(FollowUp),
    RemoveFollowUp { id: String },
}

/// Apply one follow-up edit (not committed; the caller commits).
pub fn apply_plenary_edit(doc: &mut AutoCommit, edit: &PlenaryEdit) -> Result<(), SchemaError> {
    check_header(doc, "plenary")?;
    let list = obj_at(doc, &automerge::ROOT, "follow_up", ObjType::List)?;
    match edit {
        PlenaryEdit::AddFollowUp { id } => {
            if doc.length(&list) >= docs::MAX_ITEMS {
                return Err(SchemaError::InvalidSpec(
                    "too many follow-up actions".into(),
                ));
            }
            let o = doc.insert_object(&list, doc.length(&list), ObjType::Map)?;
            doc.put(&o, "id", id.as_str())?;
            doc.put(&o, "text", "")?;
            doc.put(&o, "owner", "")?;
            doc.put(&o, "due", "")?;
            doc.put(&o, "done", false)?;
        }
        PlenaryEdit::FollowUp(f) => {
            if [&f.text, &f.owner, &f.due]
                .iter()
                .any(|t| t.len() > docs::MAX_TEXT)
            {
                return Err(SchemaError::InvalidSpec("a text is too long".into()));
            }
            let (_, o) = docs::find_by_id(doc, &list, &f.id).ok_or(SchemaError::NoSuchText)?;
            doc.put(&o, "text", f.text.as_str())?;
            doc.put(&o, "owner", f.owner.as_str())?;
            doc.put(&o, "due", f.due.as_str())?;
            doc.put(&o, "done", f.done)?;
        }
        PlenaryEdit::RemoveFollowUp { id } => {
            if let Some((i, _)) = docs::find_by_id(doc, &list, id) {
                doc.delete(&list, i)?;
            }
        }
    }
    Ok(())
}

/// One group's text for a question or case field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupText {
    pub group_id: String,
    pub group_name: String,
    pub text: String,
    /// The group lifted this to the plenary.
    pub highlighted: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct FieldView {
    pub field_id: String,
    pub label: String,
    /// Groups of the case's area; highlighted first.
    pub answers: Vec<GroupText>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub id: String,
    pub title: String,
    pub area: String,
    pub body: String,
    pub fields: Vec<FieldView>,
}

/// Everything the plenary shows, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlenaryView {
    pub title: String,
    pub date: String,
    pub phase: Phase,
    pub access_until: String,
    pub materials: Vec<Material>,
    pub questions: Vec<QuestionView>,
    pub cases: Vec<CaseView>,
    pub follow_up: Vec<FollowUp>,
}

impl PlenaryView {
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

/// Merge the workshop, the groups' notes (any order; unknown groups are ignored) and the
/// plenary document into the plenary view. The server serves it as JSON and exports it; the
/// client renders it live from its own copies — the same function on both sides.
pub fn plenary_view(w: &Workshop, groups: &[GroupNotes], plenary: &PlenaryNotes) -> PlenaryView {
    let notes_of = |gid: &str| groups.iter().find(|n| n.group_id == gid);
    let collect = |area: Option<&str>, r: &TextRef| -> Vec<GroupText> {
        let mut out: Vec<GroupText> = w
            .groups
            .iter()
            .filter(|g| area.is_none_or(|a| a == g.area))
            .map(|g| {
                let notes = notes_of(&g.id);
                GroupText {
                    group_id: g.id.clone(),
                    group_name: g.name.clone(),
                    text: notes.and_then(|n| n.text(r)).unwrap_or_default().to_owned(),
                    highlighted: notes.is_some_and(|n| n.is_highlighted(r)),
                }
            })
            .collect();
        // Stable: highlighted first, otherwise the workshop's group order.
        out.sort_by_key(|a| !a.highlighted);
        out
    };
    PlenaryView {
        title: w.title.clone(),
        date: w.date.clone(),
        phase: w.phase,
        access_until: w.access_until.clone(),
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
                fields: w
                    .reflection_fields
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
            .collect(),
        follow_up: plenary.follow_up.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::docs::tests::ids;
    use crate::docs::{build_workshop, edit_text, read_group, read_workshop, set_highlight};

    #[test]
    fn view_puts_each_groups_answer_under_its_question_highlights_first() {
        let mut new = build_workshop(&demo::spec("2026-11-24"), "w1", ids()).unwrap();
        let w = read_workshop(&new.workshop).unwrap();
        let q = w
            .questions
            .iter()
            .find(|q| q.area.is_none())
            .unwrap()
            .clone();
        let r = TextRef::Answer {
            question_id: q.id.clone(),
        };
        for (g, doc) in &mut new.groups {
            edit_text(doc, &r, &format!("svar från {}", g.name)).unwrap();
        }
        // The last group lifts its answer: it comes first.
        let last = new.groups.len() - 1;
        set_highlight(&mut new.groups[last].1, &r, true).unwrap();
        edit_text(
            &mut new.plenary,
            &TextRef::Summary {
                question_id: q.id.clone(),
            },
            "Sammanfattning",
        )
        .unwrap();
        apply_plenary_edit(
            &mut new.plenary,
            &PlenaryEdit::AddFollowUp { id: "f1".into() },
        )
        .unwrap();
        apply_plenary_edit(
            &mut new.plenary,
            &PlenaryEdit::FollowUp(FollowUp {
                id: "f1".into(),
                text: "Ta upp på APT".into(),
                owner: "Enhetschef".into(),
                due: "2026-12-15".into(),
                done: false,
            }),
        )
        .unwrap();
        let notes: Vec<GroupNotes> = new
            .groups
            .iter()
            .map(|(_, d)| read_group(d).unwrap())
            .collect();
        let plenary = read_plenary(&new.plenary).unwrap();
        let view = plenary_view(&w, &notes, &plenary);
        let qv = view.questions.iter().find(|v| v.id == q.id).unwrap();
        assert_eq!(qv.summary, "Sammanfattning");
        assert_eq!(qv.answers.len(), w.groups.len());
        assert!(qv.answers[0].highlighted);
        assert_eq!(qv.answers[0].group_id, new.groups[last].0.id);
        for a in &qv.answers {
            assert_eq!(a.text, format!("svar från {}", a.group_name));
        }
        assert_eq!(view.follow_up[0].owner, "Enhetschef");
        // Un-lifting removes the highlight.
        set_highlight(&mut new.groups[last].1, &r, false).unwrap();
        assert!(
            read_group(&new.groups[last].1)
                .unwrap()
                .highlights
                .is_empty()
        );
    }

    #[test]
    fn cases_list_only_groups_of_the_case_area() {
        let mut new = build_workshop(&demo::spec("2026-11-24"), "w1", ids()).unwrap();
        let w = read_workshop(&new.workshop).unwrap();
        let case = w.cases[0].clone();
        let field = w.reflection_fields[0].clone();
        let r = TextRef::Reflection {
            case_id: case.id.clone(),
            field_id: field.id.clone(),
        };
        for (g, doc) in &mut new.groups {
            // Only the case's area has the field; others refuse.
            let res = edit_text(doc, &r, "reflektion");
            assert_eq!(res.is_ok(), g.area == case.area, "{}", g.name);
        }
        let notes: Vec<GroupNotes> = new
            .groups
            .iter()
            .map(|(_, d)| read_group(d).unwrap())
            .collect();
        let view = plenary_view(&w, &notes, &PlenaryNotes::default());
        let cv = &view.cases[0];
        let fv = &cv.fields[0];
        assert!(fv.answers.iter().all(|a| a.text == "reflektion"));
        assert_eq!(
            fv.answers.len(),
            w.groups.iter().filter(|g| g.area == case.area).count()
        );
        assert_eq!(view.filled_count(), fv.answers.len());
    }
}
