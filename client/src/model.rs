//! What the pages show, worked out from the engine: the plenary view, each document's history
//! (cached until its heads move), what is new since the last visit.

use crate::engine::Engine;
use crate::store::{self};
use automerge::ChangeHash;
use samtal_shared::DocumentId;
use samtal_shared::doc::{self, GroupNotes, PlenaryNotes, TextRef, Workshop};
use samtal_shared::history::{self, FieldNews, History};
use samtal_shared::view::{self, PlenaryView};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

/// A document's history and the heads it was read at.
type Cached = (Vec<ChangeHash>, Rc<History>);

thread_local! {
    /// Each document's history, kept until its heads move (a render happens on every sync).
    static CACHE: RefCell<HashMap<DocumentId, Cached>> = RefCell::new(HashMap::new());
}

/// The history of one of the engine's documents (cached by heads).
pub fn history_of(e: &mut Engine, id: &DocumentId) -> Option<Rc<History>> {
    let doc = e.repo.committed(id)?;
    let heads = doc.get_heads();
    if let Some(h) = CACHE.with(|c| {
        c.borrow()
            .get(id)
            .filter(|(at, _)| *at == heads)
            .map(|(_, h)| Rc::clone(h))
    }) {
        return Some(h);
    }
    let h = Rc::new(History::of(doc));
    CACHE.with(|c| c.borrow_mut().insert(*id, (heads, Rc::clone(&h))));
    Some(h)
}

/// (group id, field key) → what changed in that field since the last visit.
pub type News = HashMap<(String, String), FieldNews>;

/// What the catch-up page knows about the last visit.
#[derive(Clone, PartialEq)]
pub enum LastVisit {
    /// No visit recorded on this computer.
    First,
    /// Per group document: the heads shown at the end of the last visit.
    Seen(HashMap<DocumentId, Vec<ChangeHash>>),
}

impl LastVisit {
    /// Read from this browser what the last visit saw (before this visit updates it).
    pub fn load(docs: &[DocumentId]) -> LastVisit {
        let seen: HashMap<DocumentId, Vec<ChangeHash>> = docs
            .iter()
            .filter_map(|id| store::seen_heads(id).map(|h| (*id, h)))
            .collect();
        if seen.is_empty() {
            LastVisit::First
        } else {
            LastVisit::Seen(seen)
        }
    }
}

/// The id of a card with news: where "Nytt sedan ditt senaste besök" links to.
pub fn news_anchor(group_id: &str, field_key: &str) -> String {
    format!("new-{group_id}-{}", field_key.replace('/', "-"))
}

/// Where a question starts on the plenary and catch-up pages (its table of contents and
/// "Nytt sedan …" link there).
pub fn question_anchor(question_id: &str) -> String {
    format!("question-{question_id}")
}

/// The ids of the day's summary and of the follow-up on those pages.
pub const OVERALL_ANCHOR: &str = "overall";
pub const FOLLOW_UP_ANCHOR: &str = "follow-up";

/// A group's news: how many fields changed, and the id of the first one's card.
#[derive(Clone, Debug, PartialEq)]
pub struct NewsCount {
    pub group: String,
    pub fields: usize,
    pub first: String,
}

/// Per group: the changed fields since the last visit. A group document this browser has
/// never seen counts as entirely new.
pub fn news(e: &mut Engine, w: &Workshop, last: &LastVisit) -> (News, Vec<NewsCount>) {
    let mut news = News::new();
    let mut counts = Vec::new();
    let LastVisit::Seen(seen) = last else {
        return (news, counts);
    };
    for g in &w.groups {
        let since = seen.get(&g.doc_id).cloned().unwrap_or_default();
        let Some(h) = history_of(e, &g.doc_id) else {
            continue;
        };
        let Some(doc) = e.repo.committed(&g.doc_id) else {
            continue;
        };
        let new = h.new_since(&since);
        let mut changed = 0;
        let mut first = None;
        for (r, _) in w.text_fields_for(&g.area) {
            let n = history::news_since(doc, &r, &since, &h, &new);
            if n.is_changed() {
                changed += 1;
                first.get_or_insert_with(|| r.key());
                news.insert((g.id.clone(), r.key()), n);
            }
        }
        if let Some(first) = first {
            counts.push(NewsCount {
                group: g.name.clone(),
                fields: changed,
                first: news_anchor(&g.id, &first),
            });
        }
    }
    counts.extend(plenary_news(e, w, seen));
    (news, counts)
}

/// The facilitator's part since the last visit: her summaries (of the day and of each
/// question) that changed, and the follow-up actions that are new or changed. Linked to the
/// first of them.
fn plenary_news(
    e: &mut Engine,
    w: &Workshop,
    seen: &HashMap<DocumentId, Vec<ChangeHash>>,
) -> Option<NewsCount> {
    let id = w.plenary_doc_id;
    let since = seen.get(&id).cloned().unwrap_or_default();
    let h = history_of(e, &id)?;
    let doc = e.repo.committed(&id)?;
    let new = h.new_since(&since);
    // Nothing written since (the usual render): no texts to compare, no old copy to build.
    if !new.contains(&true) {
        return None;
    }
    let texts = std::iter::once((TextRef::Overall, OVERALL_ANCHOR.to_owned())).chain(
        w.questions.iter().map(|q| {
            let r = TextRef::Summary {
                question_id: q.id.clone(),
            };
            (r, question_anchor(&q.id))
        }),
    );
    let mut fields = 0;
    let mut first = None;
    for (r, anchor) in texts {
        if history::news_since(doc, &r, &since, &h, &new).is_changed() {
            fields += 1;
            first.get_or_insert(anchor);
        }
    }
    let before = if since.is_empty() {
        PlenaryNotes::default()
    } else {
        doc.fork_at(&since)
            .ok()
            .and_then(|d| doc::read_plenary(&d).ok())
            .unwrap_or_default()
    };
    let now = doc::read_plenary(doc).ok()?;
    let actions = doc::changed_actions(&before, &now);
    if actions > 0 {
        fields += actions;
        first.get_or_insert_with(|| FOLLOW_UP_ANCHOR.to_owned());
    }
    Some(NewsCount {
        group: crate::i18n::strings().news_facilitator.to_owned(),
        fields,
        first: first?,
    })
}

/// Remember what this visit has shown, for the next one.
pub fn remember_seen(e: &mut Engine, w: &Workshop) {
    // Stopped (erased, or local data cleared): nothing more is written here.
    if e.is_stopped() {
        return;
    }
    let docs = w.groups.iter().map(|g| g.doc_id);
    for id in docs.chain(std::iter::once(w.plenary_doc_id)) {
        if let Some(d) = e.repo.committed(&id) {
            let heads = d.get_heads();
            if store::seen_heads(&id).as_deref() != Some(heads.as_slice()) {
                store::set_seen_heads(&id, &heads);
            }
        }
    }
}

/// Every group's notes this browser holds now.
pub fn group_notes(e: &Engine, w: &Workshop) -> Vec<GroupNotes> {
    w.groups
        .iter()
        .filter_map(|g| e.group_notes(&g.doc_id))
        .collect()
}

/// Which round the plenary, presentation and catch-up show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoundChoice {
    /// The latest round (the one under way); the only one on a day of one round.
    #[default]
    Latest,
    One(u32),
    /// Every round, side by side.
    All,
}

impl RoundChoice {
    /// The round for [`view::plenary_view_in`].
    pub fn round(self, w: &Workshop) -> Option<u32> {
        match self {
            RoundChoice::Latest => Some(w.latest_round()),
            RoundChoice::One(r) => Some(r),
            RoundChoice::All => None,
        }
    }
}

/// The workshop, the plenary view of the chosen round and every group's notes (the vote's
/// tally reads them), from what this browser holds now: each document read once.
pub fn compute_in(
    e: &Engine,
    choice: RoundChoice,
) -> Option<(Workshop, PlenaryView, Vec<GroupNotes>)> {
    let w = e.workshop()?;
    let groups = group_notes(e, &w);
    let notes = e
        .repo
        .doc(&w.plenary_doc_id)
        .and_then(|d| doc::read_plenary(d).ok())
        .unwrap_or_default();
    let questions = e
        .repo
        .doc(&doc::questions_doc_id(&w.workshop_id))
        .and_then(|d| doc::read_questions(d).ok())
        .unwrap_or_default();
    let view = view::plenary_view_in(&w, &groups, &notes, choice.round(&w)).with_agenda(&questions);
    Some((w, view, groups))
}
