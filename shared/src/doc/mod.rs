//! The four document kinds and their typed accessors. No other code reads or writes
//! document paths: the server and client call these functions.
//!
//! Layout (schema version [`SCHEMA_VERSION`]):
//! - workshop: `schema, kind="workshop", workshop_id, title, date, phase, access_until,
//!   timer? (see [`Timer`]), message?,
//!   materials[{title,url}], areas[], questions[{id,text,area?,note?}], reflection_fields[{id,label}],
//!   cases[{id,title,area,body: Text,links?[{title,url}],fields?[{id,label}]}], groups[{id,name,area,doc_id,round?,mix?[]}], plenary_doc_id`
//! - group: `schema, kind="group", workshop_id, group_id, answers{qid → Text},
//!   reflections{case_id → {field_id → Text}}, highlights[], present`
//! - plenary: `schema, kind="plenary", workshop_id, summary{qid → Text}, follow_up[], pinned[]`
//! - questions: `schema, kind="questions", workshop_id, q:<id>{text, at}…, agenda, set_aside`
//!   (the question box: see [`questions`])
//!
//! Invariant: every `Text` object is created by the server when the document is built, never by
//! a client. Two offline clients creating the same field would each make their own object and
//! one of them would lose its text on merge; splicing into a shared object always merges.
//!
//! One file per concern: [`schema`] (paths, headers), [`spec`] (what a new workshop is made of,
//! building its documents), [`workshop`], [`workshop_edit`] (the setup editor), [`group`],
//! [`plenary`], [`questions`], [`text_field`] (every Text field, however it is reached), [`date`].

mod date;
mod group;
mod plenary;
mod questions;
mod schema;
mod spec;
#[cfg(test)]
pub(crate) mod tests;
mod text_field;
mod timer;
mod vote;
mod workshop;
mod workshop_edit;

pub use date::{format_date, parse_date};
pub use group::{
    GroupNotes, ensure_group_structure, group_doc_id, new_group_doc, read_group, set_ballot,
    set_highlight,
};
pub use plenary::{
    ActionKey, ActionStatus, FollowUp, PlenaryEdit, PlenaryNotes, apply_plenary_edit,
    changed_actions, ensure_plenary_structure, new_plenary_doc, read_plenary,
};
pub use questions::{
    MAX_PICKED, MAX_QUESTION, QUESTION_PREFIX, QuestionBox, Sorting, Submitted, add_question,
    id_list_ok, is_question_key, new_questions_doc, question_ok, questions_doc_id, read_questions,
    sort_questions,
};
pub use schema::kind_of;
pub use spec::{
    CaseSpec, GroupSpec, NewWorkshop, PACKAGE_SCHEMA, Package, QuestionSpec, WorkshopSpec,
    build_workshop, build_workshop_at, default_reflection_fields, url_ok,
};
pub use text_field::{MAX_NOTE, TextRef, edit_text, read_text, text_obj, type_into};
pub use timer::{MAX_MESSAGE, MAX_TIMER_MS, Timer, TimerEdit, clock};
pub use vote::{
    BALLOT_PREFIX, DEFAULT_DOTS, MAX_BALLOTS, MAX_DOTS, MAX_VOTE_BYTES, MAX_VOTE_ITEMS, Vote,
    VoteItem, ballot_key, format_ballot, is_ballot_key, parse_ballot,
};
pub use workshop::{Case, Field, Group, MAX_ROUNDS, Material, Question, Workshop, read_workshop};
pub use workshop_edit::{Items, RoundGroup, WorkshopEdit, apply_workshop_edit};

use serde::{Deserialize, Serialize};

pub const SCHEMA_VERSION: u64 = 1;

/// Days a catch-up link stays open after the workshop date unless the spec says otherwise.
pub const DEFAULT_ACCESS_DAYS: i64 = 14;

/// Why a document does not have the expected shape.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("the document is not a {expected} document")]
    WrongKind { expected: &'static str },
    #[error("the document has schema version {found}, this version reads up to {SCHEMA_VERSION}")]
    UnsupportedSchema { found: u64 },
    #[error("field `{0}` is missing or has the wrong type")]
    Field(&'static str),
    #[error("no such text field")]
    NoSuchText,
    #[error("invalid workshop: {0}")]
    Invalid(#[from] Invalid),
    #[error(transparent)]
    Automerge(#[from] automerge::AutomergeError),
}

/// Why a spec or an edit was refused. The text here is for logs and the API; users read it in
/// their language through `i18n::Strings::invalid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    #[error("the title is empty")]
    EmptyTitle,
    #[error("dates are written YYYY-MM-DD")]
    BadDate,
    #[error("at least one group is needed")]
    NoGroups,
    #[error("too many items")]
    TooManyItems,
    #[error("a text is too long")]
    TooLong,
    #[error("access_days must be between 0 and 3650")]
    AccessDays,
    #[error("ids are 1 to 64 letters, digits, _ or -")]
    BadId,
    #[error("an item with this id is already there")]
    DuplicateId,
    #[error("no such item")]
    NoSuchItem,
    #[error("an area needs a name")]
    EmptyArea,
    #[error("a group needs a name")]
    EmptyGroupName,
    #[error("links start with https:// or http:// and have no spaces")]
    BadUrl,
    #[error("the area is not one of the workshop's areas")]
    NoSuchArea,
    #[error("the catch-up link cannot close before the workshop's date")]
    AccessBeforeDate,
    #[error("the follow-up meeting cannot be before the workshop's date")]
    FollowUpBeforeDate,
    #[error("a question needs some text")]
    EmptyQuestion,
}

/// The workshop's phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Prep,
    Groups,
    Plenary,
    Followup,
    Closed,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Prep => "prep",
            Phase::Groups => "groups",
            Phase::Plenary => "plenary",
            Phase::Followup => "followup",
            Phase::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "prep" => Phase::Prep,
            "groups" => Phase::Groups,
            "plenary" => Phase::Plenary,
            "followup" => Phase::Followup,
            "closed" => Phase::Closed,
            _ => return None,
        })
    }
}

/// Limits on what one workshop spec may contain (bounds the documents' size).
pub const MAX_ITEMS: usize = 200;
pub const MAX_TEXT: usize = 20_000;

/// Longest organisation or facilitator's name (bytes).
pub const MAX_NAME: usize = 200;
