//! What a writer may change *inside* a document — the second half of the access rules, after
//! `roles.rs` decided that a link may write the document at all. The server checks every change
//! a peer sends against these rules before automerge applies anything, so a refused message
//! leaves nothing in memory or on disk.
//!
//! The rules, per document kind (the kind comes from the server's records, never from the
//! document's content):
//! - **Header**: `schema`, `kind`, `workshop_id`, `group_id`, `plenary_doc_id` and every other
//!   top-level key belong to the server. A writer may set only the workshop's `title`, `date`,
//!   `phase`, `access_until`, `organisation`, `facilitator`, `follow_up_date` (what the setup
//!   editor and the follow-up tab change), `timer` and `message` (the live day's countdown and
//!   message to all groups) and `vote` (the plenary's dot-vote), with valid values. In a group
//!   document a writer may set its devices' ballots (`ballot:<vote>:<voter>`, at most
//!   `MAX_DOTS` dots, at most `MAX_BALLOTS` per vote), nothing else at the top.
//! - **Structure the server created**: a group document's `answers` and `reflections` maps (and
//!   each case's map inside), the plenary's `summary` map and its `overall` Text (at the top,
//!   where no writer may put) hold the server's Text objects; writers splice inside those
//!   Texts but never put into or delete from the maps themselves.
//! - **Ids**: `id` and `doc_id` may only be set on an item created by the same change (a new
//!   question, group, highlight…); an existing item's id never changes.
//! - **The question box** (append-only): a group or catch-up link ([`WriteRules::Append`])
//!   may only add questions — each change at most one new `q:<id>` map at the top, under a
//!   key the document does not have yet, holding a `text` (1 to `MAX_QUESTION` bytes) and an
//!   `at` number put by the same change; nothing that exists can be changed or removed. The
//!   facilitator ([`WriteRules::Questions`]) adds questions the same way and may also set
//!   `agenda` and `set_aside` (question ids separated by spaces).

use crate::doc::{self, Phase};
use crate::guard::{self, Chunk};
use crate::ids::{DocumentId, is_item_id};
use crate::roles::DocKind;
use automerge::legacy::{Key, ObjectId, OpType};
use automerge::{AutoCommit, Change, ObjId, ObjType, ReadDoc, ScalarValue, Value};
use std::collections::{HashMap, HashSet};

/// Why a writer's change was refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    #[error("`{0}` at the top of the document belongs to the server and cannot be changed")]
    Header(String),
    #[error("`{key}` must be {expected}")]
    Value { key: String, expected: &'static str },
    #[error("the fields the server created cannot be replaced or removed; write inside them")]
    Structure,
    #[error("the id of an existing item cannot be changed")]
    Id,
    #[error("a change in the message could not be read: {0}")]
    Unreadable(String),
    #[error(
        "the question box only takes new questions: one per change, with a text of 1 to 2,000 bytes; nothing there can be changed or removed"
    )]
    AppendOnly,
}

/// Which rules apply: one set per document kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteRules {
    Workshop,
    Group,
    Plenary,
    /// The facilitator in the question box: add questions, sort them.
    Questions,
    /// A link that may only add to the question box (see [`crate::roles::Access::Append`]).
    Append,
}

/// What a top-level key a writer may set must hold.
#[derive(Clone, Copy)]
enum Expect {
    Title,
    Date,
    Phase,
    Timer,
    Message,
    Vote,
    Ballot,
    Name,
    DateOrEmpty,
    IdList,
    NewQuestion,
}

impl WriteRules {
    pub fn for_kind(kind: &DocKind) -> Self {
        match kind {
            DocKind::Workshop => Self::Workshop,
            DocKind::Group { .. } => Self::Group,
            DocKind::Plenary => Self::Plenary,
            DocKind::Questions => Self::Questions,
        }
    }

    /// Whether these rules only let a writer add questions and sort them (no Text, no ids).
    fn question_box(self) -> bool {
        matches!(self, Self::Questions | Self::Append)
    }

    fn root_key(self, key: &str) -> Option<Expect> {
        match (self, key) {
            (Self::Workshop, "title") => Some(Expect::Title),
            (Self::Workshop, "date" | "access_until") => Some(Expect::Date),
            (Self::Workshop, "phase") => Some(Expect::Phase),
            (Self::Workshop, "timer") => Some(Expect::Timer),
            (Self::Workshop, "message") => Some(Expect::Message),
            (Self::Workshop, "vote") => Some(Expect::Vote),
            (Self::Workshop, "organisation" | "facilitator") => Some(Expect::Name),
            (Self::Workshop, "follow_up_date") => Some(Expect::DateOrEmpty),
            (Self::Questions, "agenda" | "set_aside") => Some(Expect::IdList),
            (Self::Questions | Self::Append, k) if doc::is_question_key(k) => {
                Some(Expect::NewQuestion)
            }
            // A device's dots in the plenary's vote (see `doc/vote.rs`).
            (Self::Group, k) if doc::is_ballot_key(k) => Some(Expect::Ballot),
            _ => None,
        }
    }

    /// The server-made maps no writer may put into or delete from, as they are in `doc` now.
    fn protected(self, doc: &impl ReadDoc) -> Vec<ObjId> {
        let map_at = |parent: &ObjId, key: &str| match doc.get(parent, key) {
            Ok(Some((Value::Object(ObjType::Map), id))) => Some(id),
            _ => None,
        };
        let root = automerge::ROOT;
        match self {
            Self::Workshop | Self::Questions | Self::Append => Vec::new(),
            Self::Plenary => map_at(&root, "summary").into_iter().collect(),
            Self::Group => {
                let mut out: Vec<ObjId> = map_at(&root, "answers").into_iter().collect();
                if let Some(refl) = map_at(&root, "reflections") {
                    out.extend(doc.keys(&refl).filter_map(|k| map_at(&refl, &k)));
                    out.push(refl);
                }
                out
            }
        }
    }

    /// Check every change a peer's sync message carries (`chunks`: its change bytes) against
    /// the rules, with `doc` as the server holds it now. Changes the server has already are
    /// skipped (a whole-document chunk repeats them). Returns how many questions the message
    /// adds to a question box (for the per-link limit).
    pub fn check<'a>(
        self,
        doc: &mut AutoCommit,
        chunks: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<usize, PolicyError> {
        let protected: Vec<(u64, automerge::ActorId)> = self
            .protected(doc)
            .into_iter()
            .filter_map(|o| match o {
                ObjId::Id(counter, actor, _) => Some((counter, actor)),
                ObjId::Root => None,
            })
            .collect();
        let unreadable = |e: String| PolicyError::Unreadable(e);
        // The ballots the document holds, per vote: a change may add only so many more.
        let mut ballots: HashMap<String, HashSet<String>> = HashMap::new();
        if self == Self::Group {
            for key in doc.keys(&automerge::ROOT).filter(|k| doc::is_ballot_key(k)) {
                ballots.entry(vote_of(&key)).or_default().insert(key);
            }
        }
        // The questions there are, and those the message adds: a key is taken once.
        let mut questions: HashSet<String> = if self.question_box() {
            doc.keys(&automerge::ROOT)
                .filter(|k| doc::is_question_key(k))
                .collect()
        } else {
            HashSet::new()
        };
        let before = questions.len();
        for bytes in chunks {
            for chunk in guard::chunks(bytes) {
                let chunk: Chunk<'_> = chunk.map_err(|e| unreadable(e.to_string()))?;
                let changes = if chunk.kind == guard::DOCUMENT {
                    // A client that has much the server lacks may send its whole document:
                    // check the changes in it that are new here.
                    let mut whole =
                        guard::load(chunk.bytes).map_err(|e| unreadable(e.to_string()))?;
                    whole
                        .get_changes(&[])
                        .into_iter()
                        .filter(|c| doc.get_change_by_hash(&c.hash()).is_none())
                        .collect()
                } else {
                    let change = guard::catch(|| Change::try_from(chunk.bytes))
                        .ok_or_else(|| unreadable("the change could not be processed".into()))?
                        .map_err(|e| unreadable(e.to_string()))?;
                    vec![change]
                };
                for change in &changes {
                    if self.question_box() {
                        check_question_change(self, change, &mut questions)?;
                    } else {
                        self.check_change(change, &protected, &mut ballots)?;
                    }
                }
            }
        }
        Ok(questions.len() - before)
    }

    fn check_change(
        self,
        change: &Change,
        protected: &[(u64, automerge::ActorId)],
        ballots: &mut HashMap<String, HashSet<String>>,
    ) -> Result<(), PolicyError> {
        let expanded = guard::catch(|| change.decode())
            .ok_or_else(|| PolicyError::Unreadable("the change could not be processed".into()))?;
        let actor = &expanded.actor_id;
        let start = expanded.start_op.get();
        // Objects this change creates: their ids are the creating ops' ids.
        let created: HashSet<u64> = (start..)
            .zip(&expanded.operations)
            .filter(|(_, op)| matches!(op.action, OpType::Make(_)))
            .map(|(counter, _)| counter)
            .collect();
        for op in &expanded.operations {
            match &op.obj {
                ObjectId::Root => {
                    let key = match &op.key {
                        Key::Map(k) => k.as_str(),
                        Key::Seq(_) => return Err(PolicyError::Header("(a list position)".into())),
                    };
                    let expect = self
                        .root_key(key)
                        .ok_or_else(|| PolicyError::Header(key.to_owned()))?;
                    check_value(key, expect, &op.action)?;
                    if matches!(expect, Expect::Ballot) {
                        let voters = ballots.entry(vote_of(key)).or_default();
                        voters.insert(key.to_owned());
                        if voters.len() > doc::MAX_BALLOTS {
                            return Err(PolicyError::Value {
                                key: key.to_owned(),
                                expected: "one of at most 40 ballots per vote in a group's document",
                            });
                        }
                    }
                }
                ObjectId::Id(id) => {
                    if protected
                        .iter()
                        .any(|(c, a)| *c == id.counter() && a == id.actor())
                    {
                        return Err(PolicyError::Structure);
                    }
                    let Key::Map(key) = &op.key else { continue };
                    if key != "id" && key != "doc_id" {
                        continue;
                    }
                    if !(id.actor() == actor && created.contains(&id.counter())) {
                        return Err(PolicyError::Id);
                    }
                    // In the workshop, ids name groups, questions, cases and fields: they
                    // travel in links and database rows.
                    if self == Self::Workshop {
                        let ok = match &op.action {
                            OpType::Put(ScalarValue::Str(s)) if key == "id" => is_item_id(s),
                            OpType::Put(ScalarValue::Str(s)) => s.parse::<DocumentId>().is_ok(),
                            _ => false,
                        };
                        if !ok {
                            return Err(PolicyError::Value {
                                key: key.to_string(),
                                expected: if key == "id" {
                                    "1 to 64 letters, digits, _ or -"
                                } else {
                                    "a document id"
                                },
                            });
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

// The refusals' texts say the limits.
const _: () = assert!(doc::MAX_BALLOTS == 40);
const _: () = assert!(doc::MAX_NAME == 200);
const _: () = assert!(doc::MAX_QUESTION == 2_000 && doc::MAX_PICKED == 500);

/// A change to the question box: new questions (at most one from an append-only writer), and
/// from the facilitator the sorting lists. `questions`: the question keys the document and the
/// message's earlier changes hold.
fn check_question_change(
    rules: WriteRules,
    change: &Change,
    questions: &mut HashSet<String>,
) -> Result<(), PolicyError> {
    let expanded = guard::catch(|| change.decode())
        .ok_or_else(|| PolicyError::Unreadable("the change could not be processed".into()))?;
    let actor = &expanded.actor_id;
    // The question maps this change makes (by their op counter).
    let mut made: HashSet<u64> = HashSet::new();
    for (this, op) in (expanded.start_op.get()..).zip(&expanded.operations) {
        match (&op.obj, &op.key) {
            (ObjectId::Root, Key::Map(key)) => {
                let key = key.as_str();
                match rules.root_key(key) {
                    Some(Expect::NewQuestion) => {
                        // A new key, over nothing: never a second value for one that is there.
                        let fresh = matches!(op.action, OpType::Make(ObjType::Map))
                            && op.pred.is_empty()
                            && questions.insert(key.to_owned());
                        if !fresh || (rules == WriteRules::Append && !made.is_empty()) {
                            return Err(PolicyError::AppendOnly);
                        }
                        made.insert(this);
                    }
                    Some(expect @ Expect::IdList) => check_value(key, expect, &op.action)?,
                    _ if rules == WriteRules::Append => return Err(PolicyError::AppendOnly),
                    _ => return Err(PolicyError::Header(key.to_owned())),
                }
            }
            (ObjectId::Id(id), Key::Map(key))
                if id.actor() == actor && made.contains(&id.counter()) =>
            {
                let ok = match (key.as_str(), &op.action) {
                    ("text", OpType::Put(ScalarValue::Str(s))) => doc::question_ok(s).is_ok(),
                    ("at", OpType::Put(ScalarValue::Int(_))) => true,
                    _ => false,
                };
                if !ok {
                    return Err(PolicyError::AppendOnly);
                }
            }
            // Inside what is there (anyone's question): nobody, the facilitator included.
            _ => return Err(PolicyError::AppendOnly),
        }
    }
    Ok(())
}

/// The vote a ballot key is for (`ballot:<vote>:<voter>` → `<vote>`).
fn vote_of(key: &str) -> String {
    key.strip_prefix(doc::BALLOT_PREFIX)
        .and_then(|rest| rest.split_once(':'))
        .map(|(vote, _)| vote.to_owned())
        .unwrap_or_default()
}

fn check_value(key: &str, expect: Expect, action: &OpType) -> Result<(), PolicyError> {
    let bad = |expected| {
        Err(PolicyError::Value {
            key: key.to_owned(),
            expected,
        })
    };
    let OpType::Put(ScalarValue::Str(s)) = action else {
        return bad("a text value");
    };
    let ok = match expect {
        Expect::Title => !s.trim().is_empty() && s.len() <= doc::MAX_TEXT,
        Expect::Date => doc::parse_date(s).is_some(),
        Expect::Phase => Phase::parse(s).is_some(),
        Expect::Timer => doc::Timer::parse(s).is_some(),
        Expect::Message => s.len() <= doc::MAX_MESSAGE,
        Expect::Vote => s.is_empty() || doc::Vote::parse(s).is_some(),
        Expect::Ballot => doc::parse_ballot(s).is_some(),
        Expect::Name => s.len() <= doc::MAX_NAME,
        Expect::DateOrEmpty => s.is_empty() || doc::parse_date(s).is_some(),
        Expect::IdList => doc::id_list_ok(s),
        Expect::NewQuestion => false,
    };
    if ok {
        return Ok(());
    }
    bad(match expect {
        Expect::Title => "1 to 20,000 characters",
        Expect::Date => "a date written YYYY-MM-DD",
        Expect::Phase => "one of prep, groups, plenary, followup, closed",
        Expect::Timer => "empty, `running <ms>` or `paused <ms>`",
        Expect::Message => "at most 500 bytes",
        Expect::Vote => "empty, or a vote: JSON with an id, 1 to 10 dots and at most 60 items",
        Expect::Ballot => "at most 10 item ids, separated by spaces",
        Expect::Name => "at most 200 bytes",
        Expect::DateOrEmpty => "empty, or a date written YYYY-MM-DD",
        Expect::IdList => "at most 500 ids, separated by spaces",
        Expect::NewQuestion => "a new question",
    })
}
