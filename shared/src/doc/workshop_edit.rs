//! The setup editor's changes to a workshop document (facilitator, online or offline).

use super::date::{format_date, parse_date};
use super::group::group_doc_id;
use super::schema::{check_header, find_by_id, list_items, obj_at, req_str};
use super::workshop::{
    Case, Field, Group, Question, insert_case, insert_field, insert_group, insert_question,
};
use super::{DEFAULT_ACCESS_DAYS, Invalid, MAX_ITEMS, MAX_NAME, MAX_TEXT, Phase, SchemaError};
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, transaction::Transactable};
use serde::{Deserialize, Serialize};

/// One change a facilitator makes in the setup editor. Item ids for new items come from the
/// caller (random, so two offline editors never collide).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WorkshopEdit {
    Title(String),
    /// The countdown, changed at `now` (ms since the epoch, the facilitator's clock).
    Timer {
        edit: super::TimerEdit,
        now: i64,
    },
    /// The message every group page shows; empty clears it.
    Message(String),
    /// Open, update, close (with its tally frozen) or remove (`None`) the plenary's vote.
    Vote(Option<super::Vote>),
    Date(String),
    Phase(Phase),
    AccessUntil(String),
    /// Who runs the day, for the records' header; empty clears.
    Organisation(String),
    Facilitator(String),
    /// The follow-up meeting's date; empty clears. The catch-up link then stays open until a
    /// week after it at least.
    FollowUpDate(String),
    AddMaterial,
    Material {
        index: usize,
        title: String,
        url: String,
    },
    RemoveMaterial {
        index: usize,
    },
    AddArea(String),
    RemoveArea {
        index: usize,
    },
    AddQuestion {
        id: String,
    },
    Question {
        id: String,
        text: String,
        area: Option<String>,
    },
    RemoveQuestion {
        id: String,
    },
    /// The facilitator's tip for a question; empty removes it.
    QuestionNote {
        id: String,
        note: String,
    },
    AddCase {
        id: String,
        area: String,
    },
    Case {
        id: String,
        title: String,
        area: String,
    },
    RemoveCase {
        id: String,
    },
    /// A link of a case's own (a filmed commentary), added empty.
    AddCaseLink {
        case_id: String,
    },
    CaseLink {
        case_id: String,
        index: usize,
        title: String,
        url: String,
    },
    RemoveCaseLink {
        case_id: String,
        index: usize,
    },
    /// Give a case reflection fields of its own (starting as a copy of the workshop's, with
    /// the same ids, so notes already written stay with their field), or go back to the
    /// workshop's (`own: false`; notes in the case's own fields stay in the history).
    CaseOwnFields {
        case_id: String,
        own: bool,
    },
    AddCaseField {
        case_id: String,
        id: String,
    },
    CaseField {
        case_id: String,
        id: String,
        label: String,
    },
    RemoveCaseField {
        case_id: String,
        id: String,
    },
    AddField {
        id: String,
    },
    Field {
        id: String,
        label: String,
    },
    RemoveField {
        id: String,
    },
    AddGroup {
        id: String,
        name: String,
        area: String,
    },
    Group {
        id: String,
        name: String,
        area: String,
    },
    /// A new round: these groups, each with its own document and link, in the round after
    /// the latest one.
    AddRound {
        groups: Vec<RoundGroup>,
    },
    /// One step up or down in its list.
    Move {
        items: Items,
        id: String,
        up: bool,
    },
}

/// A group of a new round (see `rounds.rs` for the proposal she starts from).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundGroup {
    pub id: String,
    pub name: String,
    /// Its questions and cases: an area's, or "" for the questions every group gets.
    pub area: String,
    /// The areas its people come from.
    pub mix: Vec<String>,
}

/// The setup's lists whose order the facilitator chooses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Items {
    Questions,
    Cases,
    Groups,
}

/// Apply one setup edit to a workshop document (not committed; the caller commits).
pub fn apply_workshop_edit(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    check_header(doc, "workshop")?;
    if let WorkshopEdit::AddQuestion { id }
    | WorkshopEdit::AddCase { id, .. }
    | WorkshopEdit::AddField { id }
    | WorkshopEdit::AddGroup { id, .. }
    | WorkshopEdit::AddCaseField { id, .. } = edit
        && !crate::ids::is_item_id(id)
    {
        return Err(Invalid::BadId.into());
    }
    use WorkshopEdit as E;
    match edit {
        E::Title(_)
        | E::Date(_)
        | E::Phase(_)
        | E::AccessUntil(_)
        | E::Organisation(_)
        | E::Facilitator(_)
        | E::FollowUpDate(_) => day(doc, edit),
        E::Timer { edit, now } => {
            let next = super::timer::stored(doc).after(*edit, *now).as_stored();
            doc.put(&automerge::ROOT, "timer", next.as_str())?;
            Ok(())
        }
        E::Message(m) => {
            if m.len() > super::MAX_MESSAGE {
                return Err(Invalid::TooLong.into());
            }
            doc.put(&automerge::ROOT, "message", m.trim())?;
            Ok(())
        }
        E::Vote(v) => {
            let stored = v.as_ref().map(super::Vote::as_stored).unwrap_or_default();
            if v.is_some() && super::Vote::parse(&stored).is_none() {
                return Err(Invalid::TooLong.into());
            }
            doc.put(&automerge::ROOT, "vote", stored.as_str())?;
            Ok(())
        }
        E::AddMaterial | E::Material { .. } | E::RemoveMaterial { .. } => material(doc, edit),
        E::AddArea(_) | E::RemoveArea { .. } => area(doc, edit),
        E::AddQuestion { .. }
        | E::Question { .. }
        | E::RemoveQuestion { .. }
        | E::QuestionNote { .. } => question(doc, edit),
        E::AddCase { .. } | E::Case { .. } | E::RemoveCase { .. } => case(doc, edit),
        E::AddCaseLink { .. } | E::CaseLink { .. } | E::RemoveCaseLink { .. } => {
            case_link(doc, edit)
        }
        E::CaseOwnFields { .. }
        | E::AddCaseField { .. }
        | E::CaseField { .. }
        | E::RemoveCaseField { .. } => case_field(doc, edit),
        E::AddField { .. } | E::Field { .. } | E::RemoveField { .. } => field(doc, edit),
        E::AddGroup { .. } | E::Group { .. } => group(doc, edit),
        E::AddRound { groups } => add_round(doc, groups),
        E::Move { items, id, up } => move_item(doc, *items, id, *up),
    }
}

fn too_long(texts: &[&str]) -> bool {
    texts.iter().any(|t| t.len() > MAX_TEXT)
}

fn list(doc: &AutoCommit, key: &'static str) -> Result<ObjId, SchemaError> {
    obj_at(doc, &automerge::ROOT, key, ObjType::List)
}

/// A list that may take one more item with this id: not full, the id not taken.
fn room_for(doc: &AutoCommit, key: &'static str, id: &str) -> Result<ObjId, SchemaError> {
    let l = list(doc, key)?;
    if doc.length(&l) >= MAX_ITEMS {
        return Err(Invalid::TooManyItems.into());
    }
    if find_by_id(doc, &l, id).is_some() {
        return Err(Invalid::DuplicateId.into());
    }
    Ok(l)
}

/// The list item with this id.
fn item(doc: &AutoCommit, key: &'static str, id: &str) -> Result<ObjId, SchemaError> {
    let l = list(doc, key)?;
    Ok(find_by_id(doc, &l, id).ok_or(SchemaError::NoSuchText)?.1)
}

/// Delete the list item with this id, if it is still there (another editor may have).
fn remove(doc: &mut AutoCommit, key: &'static str, id: &str) -> Result<(), SchemaError> {
    let l = list(doc, key)?;
    if let Some((i, _)) = find_by_id(doc, &l, id) {
        doc.delete(&l, i)?;
    }
    Ok(())
}

/// Days the catch-up link stays open after the follow-up meeting, at least.
pub const FOLLOW_UP_ACCESS_DAYS: i64 = 7;

/// Title, date, phase, how long the catch-up link stays open, who runs it, the follow-up.
fn day(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    let root = automerge::ROOT;
    match edit {
        WorkshopEdit::Title(t) => {
            if t.trim().is_empty() {
                return Err(Invalid::EmptyTitle.into());
            }
            if too_long(&[t]) {
                return Err(Invalid::TooLong.into());
            }
            doc.put(&root, "title", t.as_str())?;
        }
        WorkshopEdit::Date(d) => {
            let day = parse_date(d).ok_or(Invalid::BadDate)?;
            doc.put(&root, "date", d.as_str())?;
            // The catch-up window never ends before the day: moved along with the date, it
            // keeps its default length.
            let until = req_str(doc, &root, "access_until")?;
            if parse_date(&until).is_none_or(|u| u < day) {
                let until = format_date(day + DEFAULT_ACCESS_DAYS);
                doc.put(&root, "access_until", until.as_str())?;
            }
        }
        WorkshopEdit::AccessUntil(d) => {
            let until = parse_date(d).ok_or(Invalid::BadDate)?;
            let day = parse_date(&req_str(doc, &root, "date")?);
            if day.is_some_and(|day| until < day) {
                return Err(Invalid::AccessBeforeDate.into());
            }
            doc.put(&root, "access_until", d.as_str())?;
        }
        WorkshopEdit::Phase(p) => doc.put(&root, "phase", p.as_str())?,
        WorkshopEdit::Organisation(name) | WorkshopEdit::Facilitator(name) => {
            if name.len() > MAX_NAME {
                return Err(Invalid::TooLong.into());
            }
            let key = if matches!(edit, WorkshopEdit::Organisation(_)) {
                "organisation"
            } else {
                "facilitator"
            };
            doc.put(&root, key, name.trim())?;
        }
        WorkshopEdit::FollowUpDate(d) if d.is_empty() => doc.put(&root, "follow_up_date", "")?,
        WorkshopEdit::FollowUpDate(d) => {
            let meeting = parse_date(d).ok_or(Invalid::BadDate)?;
            if parse_date(&req_str(doc, &root, "date")?).is_some_and(|day| meeting < day) {
                return Err(Invalid::FollowUpBeforeDate.into());
            }
            doc.put(&root, "follow_up_date", d.as_str())?;
            // Those who were away catch up before the meeting and may still look afterwards.
            let until = req_str(doc, &root, "access_until")?;
            let after = meeting + FOLLOW_UP_ACCESS_DAYS;
            if parse_date(&until).is_none_or(|u| u < after) {
                doc.put(&root, "access_until", format_date(after).as_str())?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn material(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    let l = list(doc, "materials")?;
    match edit {
        WorkshopEdit::AddMaterial => {
            if doc.length(&l) >= MAX_ITEMS {
                return Err(Invalid::TooManyItems.into());
            }
            let o = doc.insert_object(&l, doc.length(&l), ObjType::Map)?;
            doc.put(&o, "title", "")?;
            doc.put(&o, "url", "")?;
        }
        WorkshopEdit::Material { index, title, url } => {
            if too_long(&[title, url]) {
                return Err(Invalid::TooLong.into());
            }
            let Some(o) = list_items(doc, &l).get(*index).cloned() else {
                return Err(Invalid::NoSuchItem.into());
            };
            doc.put(&o, "title", title.as_str())?;
            doc.put(&o, "url", url.as_str())?;
        }
        WorkshopEdit::RemoveMaterial { index } if *index < doc.length(&l) => {
            doc.delete(&l, *index)?;
        }
        _ => {}
    }
    Ok(())
}

fn area(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    let l = list(doc, "areas")?;
    match edit {
        WorkshopEdit::AddArea(a) => {
            if a.trim().is_empty() {
                return Err(Invalid::EmptyArea.into());
            }
            if too_long(&[a]) {
                return Err(Invalid::TooLong.into());
            }
            if doc.length(&l) >= MAX_ITEMS {
                return Err(Invalid::TooManyItems.into());
            }
            doc.insert(&l, doc.length(&l), a.as_str())?;
        }
        WorkshopEdit::RemoveArea { index } if *index < doc.length(&l) => {
            doc.delete(&l, *index)?;
        }
        _ => {}
    }
    Ok(())
}

fn question(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    match edit {
        WorkshopEdit::AddQuestion { id } => {
            let l = room_for(doc, "questions", id)?;
            let q = Question {
                id: id.clone(),
                ..Question::default()
            };
            insert_question(doc, &l, doc.length(&l), &q)?;
        }
        WorkshopEdit::Question { id, text, area } => {
            if too_long(&[text]) {
                return Err(Invalid::TooLong.into());
            }
            let o = item(doc, "questions", id)?;
            doc.put(&o, "text", text.as_str())?;
            match area.as_deref().filter(|a| !a.is_empty()) {
                Some(a) => doc.put(&o, "area", a)?,
                None => {
                    if doc.get(&o, "area")?.is_some() {
                        doc.delete(&o, "area")?;
                    }
                }
            }
        }
        WorkshopEdit::RemoveQuestion { id } => remove(doc, "questions", id)?,
        WorkshopEdit::QuestionNote { id, note } => {
            if too_long(&[note]) {
                return Err(Invalid::TooLong.into());
            }
            let o = item(doc, "questions", id)?;
            if note.trim().is_empty() {
                if doc.get(&o, "note")?.is_some() {
                    doc.delete(&o, "note")?;
                }
            } else {
                doc.put(&o, "note", note.as_str())?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn case(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    match edit {
        WorkshopEdit::AddCase { id, area } => {
            let l = room_for(doc, "cases", id)?;
            let c = Case {
                id: id.clone(),
                area: area.clone(),
                ..Case::default()
            };
            insert_case(doc, &l, doc.length(&l), &c)?;
        }
        WorkshopEdit::Case { id, title, area } => {
            if too_long(&[title, area]) {
                return Err(Invalid::TooLong.into());
            }
            let o = item(doc, "cases", id)?;
            doc.put(&o, "title", title.as_str())?;
            doc.put(&o, "area", area.as_str())?;
        }
        WorkshopEdit::RemoveCase { id } => remove(doc, "cases", id)?,
        _ => {}
    }
    Ok(())
}

/// The reflection fields every case has.
fn field(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    match edit {
        WorkshopEdit::AddField { id } => {
            let l = room_for(doc, "reflection_fields", id)?;
            let f = Field {
                id: id.clone(),
                label: String::new(),
            };
            insert_field(doc, &l, doc.length(&l), &f)?;
        }
        WorkshopEdit::Field { id, label } => {
            if too_long(&[label]) {
                return Err(Invalid::TooLong.into());
            }
            let o = item(doc, "reflection_fields", id)?;
            doc.put(&o, "label", label.as_str())?;
        }
        WorkshopEdit::RemoveField { id } => remove(doc, "reflection_fields", id)?,
        _ => {}
    }
    Ok(())
}

fn group(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    let (WorkshopEdit::AddGroup { id, name, area } | WorkshopEdit::Group { id, name, area }) = edit
    else {
        return Ok(());
    };
    if name.trim().is_empty() {
        return Err(Invalid::EmptyGroupName.into());
    }
    if too_long(&[name, area]) {
        return Err(Invalid::TooLong.into());
    }
    if matches!(edit, WorkshopEdit::AddGroup { .. }) {
        let l = room_for(doc, "groups", id)?;
        let workshop_id = req_str(doc, &automerge::ROOT, "workshop_id")?;
        let g = Group {
            doc_id: group_doc_id(&workshop_id, id),
            id: id.clone(),
            name: name.clone(),
            area: area.clone(),
            round: 1,
            mix: Vec::new(),
        };
        insert_group(doc, &l, doc.length(&l), &g)?;
    } else {
        let o = item(doc, "groups", id)?;
        doc.put(&o, "name", name.as_str())?;
        doc.put(&o, "area", area.as_str())?;
    }
    Ok(())
}

fn add_round(doc: &mut AutoCommit, groups: &[RoundGroup]) -> Result<(), SchemaError> {
    let w = super::workshop::read_workshop(doc)?;
    let round = w.latest_round() + 1;
    if round > super::workshop::MAX_ROUNDS {
        return Err(Invalid::TooManyItems.into());
    }
    if groups.is_empty() {
        return Err(Invalid::NoGroups.into());
    }
    if w.groups.len() + groups.len() > MAX_ITEMS {
        return Err(Invalid::TooManyItems.into());
    }
    for (i, g) in groups.iter().enumerate() {
        if !crate::ids::is_item_id(&g.id) {
            return Err(Invalid::BadId.into());
        }
        if w.group(&g.id).is_some() || groups[..i].iter().any(|o| o.id == g.id) {
            return Err(Invalid::DuplicateId.into());
        }
        if g.name.trim().is_empty() {
            return Err(Invalid::EmptyGroupName.into());
        }
        if !g.area.is_empty() && !w.areas.contains(&g.area) {
            return Err(Invalid::NoSuchArea.into());
        }
        if g.mix.len() > MAX_ITEMS
            || too_long(&[&g.name])
            || g.mix.iter().any(|a| a.len() > MAX_TEXT)
        {
            return Err(Invalid::TooLong.into());
        }
    }
    let l = list(doc, "groups")?;
    for g in groups {
        let group = Group {
            doc_id: group_doc_id(&w.workshop_id, &g.id),
            id: g.id.clone(),
            name: g.name.trim().to_owned(),
            area: g.area.clone(),
            round,
            mix: g.mix.clone(),
        };
        insert_group(doc, &l, doc.length(&l), &group)?;
    }
    Ok(())
}

/// Move an item one step: it is taken out and put back one place up or down, with all it
/// holds (a case's body, links and fields are written anew, its id and a group's document
/// stay). At either end of its list nothing happens.
fn move_item(doc: &mut AutoCommit, items: Items, id: &str, up: bool) -> Result<(), SchemaError> {
    let w = super::workshop::read_workshop(doc)?;
    let key = match items {
        Items::Questions => "questions",
        Items::Cases => "cases",
        Items::Groups => "groups",
    };
    let l = list(doc, key)?;
    let Some((from, _)) = find_by_id(doc, &l, id) else {
        return Err(Invalid::NoSuchItem.into());
    };
    let Some(to) = (if up {
        from.checked_sub(1)
    } else {
        Some(from + 1)
    })
    .filter(|&to| to < doc.length(&l)) else {
        return Ok(());
    };
    match items {
        Items::Questions => {
            let q = w
                .questions
                .iter()
                .find(|q| q.id == id)
                .ok_or(Invalid::NoSuchItem)?;
            doc.delete(&l, from)?;
            insert_question(doc, &l, to, q)?;
        }
        Items::Cases => {
            let c = w
                .cases
                .iter()
                .find(|c| c.id == id)
                .ok_or(Invalid::NoSuchItem)?;
            doc.delete(&l, from)?;
            insert_case(doc, &l, to, c)?;
        }
        Items::Groups => {
            let g = w
                .groups
                .iter()
                .find(|g| g.id == id)
                .ok_or(Invalid::NoSuchItem)?;
            doc.delete(&l, from)?;
            insert_group(doc, &l, to, g)?;
        }
    }
    Ok(())
}

/// A case's own links. The list is made with the case; a case from before it had one gets it
/// with its first link.
fn case_link(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    let (WorkshopEdit::AddCaseLink { case_id }
    | WorkshopEdit::CaseLink { case_id, .. }
    | WorkshopEdit::RemoveCaseLink { case_id, .. }) = edit
    else {
        return Ok(());
    };
    let case = item(doc, "cases", case_id)?;
    let links = case_list(doc, &case, "links")?;
    match edit {
        WorkshopEdit::AddCaseLink { .. } => {
            if doc.length(&links) >= MAX_ITEMS {
                return Err(Invalid::TooManyItems.into());
            }
            let o = doc.insert_object(&links, doc.length(&links), ObjType::Map)?;
            doc.put(&o, "title", "")?;
            doc.put(&o, "url", "")?;
        }
        WorkshopEdit::CaseLink {
            index, title, url, ..
        } => {
            if too_long(&[title, url]) {
                return Err(Invalid::TooLong.into());
            }
            let Some(o) = list_items(doc, &links).get(*index).cloned() else {
                return Err(Invalid::NoSuchItem.into());
            };
            doc.put(&o, "title", title.as_str())?;
            doc.put(&o, "url", url.as_str())?;
        }
        WorkshopEdit::RemoveCaseLink { index, .. } if *index < doc.length(&links) => {
            doc.delete(&links, *index)?;
        }
        _ => {}
    }
    Ok(())
}

/// A case's own list (`links`, `fields`), made with the case; a case from before the list
/// existed gets it here.
fn case_list(doc: &mut AutoCommit, case: &ObjId, key: &'static str) -> Result<ObjId, SchemaError> {
    match doc.get(case, key)? {
        Some((automerge::Value::Object(ObjType::List), id)) => Ok(id),
        _ => Ok(doc.put_object(case, key, ObjType::List)?),
    }
}

/// A case's own reflection fields.
fn case_field(doc: &mut AutoCommit, edit: &WorkshopEdit) -> Result<(), SchemaError> {
    let (WorkshopEdit::CaseOwnFields { case_id, .. }
    | WorkshopEdit::AddCaseField { case_id, .. }
    | WorkshopEdit::CaseField { case_id, .. }
    | WorkshopEdit::RemoveCaseField { case_id, .. }) = edit
    else {
        return Ok(());
    };
    let case = item(doc, "cases", case_id)?;
    let fields = case_list(doc, &case, "fields")?;
    match edit {
        WorkshopEdit::CaseOwnFields { own, .. } => {
            let has_own = doc.length(&fields) > 0;
            if *own && !has_own {
                let workshop_fields = super::workshop::read_workshop(doc)?.reflection_fields;
                for (i, f) in workshop_fields.iter().enumerate() {
                    insert_field(doc, &fields, i, f)?;
                }
            } else if !*own {
                for i in (0..doc.length(&fields)).rev() {
                    doc.delete(&fields, i)?;
                }
            }
        }
        WorkshopEdit::AddCaseField { id, .. } => {
            if doc.length(&fields) >= MAX_ITEMS {
                return Err(Invalid::TooManyItems.into());
            }
            if find_by_id(doc, &fields, id).is_some() {
                return Err(Invalid::DuplicateId.into());
            }
            let f = Field {
                id: id.clone(),
                label: String::new(),
            };
            insert_field(doc, &fields, doc.length(&fields), &f)?;
        }
        WorkshopEdit::CaseField { id, label, .. } => {
            if too_long(&[label]) {
                return Err(Invalid::TooLong.into());
            }
            let (_, o) = find_by_id(doc, &fields, id).ok_or(Invalid::NoSuchItem)?;
            doc.put(&o, "label", label.as_str())?;
        }
        WorkshopEdit::RemoveCaseField { id, .. } => {
            if let Some((i, _)) = find_by_id(doc, &fields, id) {
                doc.delete(&fields, i)?;
            }
        }
        _ => {}
    }
    Ok(())
}
