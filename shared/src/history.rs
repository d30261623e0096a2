//! History from Automerge's own change log: who (which device) wrote which passage and when,
//! a field's text at any moment of the day, what is new since a moment, the day's phases, and
//! restoring a field to an earlier text as a new change.
//!
//! Attribution needs no personal data. A device may carry a label chosen on it ("Konferensrum
//! 3"); every change it commits carries that label as the change message, and the time. Both
//! live only in the workshop's documents, so erasing the workshop erases them.

use crate::docs::{self, Phase, SchemaError, TextRef};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, AutoCommit, Automerge, ChangeHash, ObjId, ReadDoc, ScalarValue, Value};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

/// The longest device label kept (longer ones are cut).
pub const MAX_LABEL_CHARS: usize = 40;

/// How a device signs what it commits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stamp {
    /// The device's label, if one was chosen.
    pub device: Option<String>,
    /// Seconds since the Unix epoch (Automerge's convention for change times).
    pub time: i64,
}

/// A label as typed → the label kept: no control characters, trimmed, at most
/// [`MAX_LABEL_CHARS`]; `None` when nothing is left.
pub fn clean_label(s: &str) -> Option<String> {
    let kept: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_LABEL_CHARS)
        .collect();
    let kept = kept.trim();
    (!kept.is_empty()).then(|| kept.to_owned())
}

/// Commit what is pending in `doc` as one change signed with `stamp`. `None` if nothing was
/// pending.
pub fn commit(doc: &mut AutoCommit, stamp: &Stamp) -> Option<ChangeHash> {
    if doc.pending_ops() == 0 {
        return None;
    }
    let mut options = CommitOptions::default().with_time(stamp.time);
    if let Some(device) = &stamp.device {
        options = options.with_message(device.clone());
    }
    doc.commit_with(options)
}

/// One change, as a step of the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub hash: ChangeHash,
    /// Seconds since the epoch; 0 when the writer did not say (older or foreign clients).
    pub time: i64,
    /// The label of the device that wrote it, if it had one.
    pub device: Option<String>,
    /// The document's heads right after this step: the document "as it was then".
    pub heads: Vec<ChangeHash>,
}

/// A document's changes in an order that respects causality and, within that, time: a prefix
/// of the steps is always a state the document really could have been in.
#[derive(Clone, Debug, Default)]
pub struct History {
    pub steps: Vec<Step>,
    /// Each step's dependencies, as step indices.
    deps: Vec<Vec<usize>>,
    /// Per actor: (first op, last op, step) of its changes, sorted by first op.
    ops: HashMap<ActorId, Vec<(u64, u64, usize)>>,
    /// Change hash → its step.
    position: HashMap<ChangeHash, usize>,
}

impl History {
    /// Read the history of `doc`. Linear in the number of changes (plus a heap).
    pub fn of(doc: &Automerge) -> History {
        let metas = doc.get_changes_meta(&[]);
        let index: HashMap<ChangeHash, usize> =
            metas.iter().enumerate().map(|(i, m)| (m.hash, i)).collect();
        let mut waiting = vec![0usize; metas.len()];
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); metas.len()];
        for (i, m) in metas.iter().enumerate() {
            for d in &m.deps {
                if let Some(&j) = index.get(d) {
                    waiting[i] += 1;
                    children[j].push(i);
                }
            }
        }
        // Kahn's algorithm, earliest time first (then automerge's own order).
        let mut ready: BinaryHeap<Reverse<(i64, usize)>> = waiting
            .iter()
            .enumerate()
            .filter(|(_, w)| **w == 0)
            .map(|(i, _)| Reverse((metas[i].timestamp, i)))
            .collect();
        let mut order = Vec::with_capacity(metas.len());
        while let Some(Reverse((_, i))) = ready.pop() {
            order.push(i);
            for &c in &children[i] {
                waiting[c] -= 1;
                if waiting[c] == 0 {
                    ready.push(Reverse((metas[c].timestamp, c)));
                }
            }
        }
        let mut position = vec![0usize; metas.len()];
        for (pos, &i) in order.iter().enumerate() {
            position[i] = pos;
        }
        let mut heads: HashSet<ChangeHash> = HashSet::new();
        let mut steps = Vec::with_capacity(order.len());
        let mut deps = Vec::with_capacity(order.len());
        let mut ops: HashMap<ActorId, Vec<(u64, u64, usize)>> = HashMap::new();
        for (pos, &i) in order.iter().enumerate() {
            let m = &metas[i];
            for d in &m.deps {
                heads.remove(d);
            }
            heads.insert(m.hash);
            let mut now: Vec<ChangeHash> = heads.iter().copied().collect();
            now.sort_unstable();
            steps.push(Step {
                hash: m.hash,
                time: m.timestamp,
                device: m.message.as_deref().and_then(clean_label),
                heads: now,
            });
            deps.push(
                m.deps
                    .iter()
                    .filter_map(|d| index.get(d).map(|&j| position[j]))
                    .collect(),
            );
            if m.max_op >= m.start_op {
                ops.entry(m.actor.as_ref().clone())
                    .or_default()
                    .push((m.start_op, m.max_op, pos));
            }
        }
        for v in ops.values_mut() {
            v.sort_unstable();
        }
        let position = steps.iter().enumerate().map(|(i, s)| (s.hash, i)).collect();
        History {
            steps,
            deps,
            ops,
            position,
        }
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The step whose change made the operation `id`.
    pub fn step_of(&self, id: &automerge::ObjId) -> Option<usize> {
        let automerge::ObjId::Id(counter, actor, _) = id else {
            return None;
        };
        let runs = self.ops.get(actor)?;
        let at = runs.partition_point(|(start, _, _)| *start <= *counter);
        let (start, end, step) = *runs.get(at.checked_sub(1)?)?;
        (start..=end).contains(counter).then_some(step)
    }

    /// Which steps are new relative to a state given by its heads: every step that is not
    /// one of those heads or their ancestors. Heads this document does not know are ignored.
    pub fn new_since(&self, heads: &[ChangeHash]) -> Vec<bool> {
        let mut new = vec![true; self.steps.len()];
        let mut stack: Vec<usize> = heads
            .iter()
            .filter_map(|h| self.position.get(h).copied())
            .collect();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut new[i], false) {
                stack.extend(self.deps[i].iter().copied().filter(|&d| new[d]));
            }
        }
        new
    }

    /// The first step at or after `time` (or `len()` if none): where a moment of the day
    /// falls on this document's slider.
    pub fn step_at_time(&self, time: i64) -> usize {
        self.steps
            .iter()
            .position(|s| s.time >= time)
            .unwrap_or(self.steps.len())
    }

    /// The heads of the state after `step` (`None`: before the first change).
    pub fn heads_at(&self, step: Option<usize>) -> &[ChangeHash] {
        step.and_then(|s| self.steps.get(s))
            .map_or(&[], |s| s.heads.as_slice())
    }
}

/// A run of text written in one step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Passage {
    pub text: String,
    /// The step (index into [`History::steps`]) that wrote it, if known.
    pub step: Option<usize>,
}

/// A field's text as it was at `heads` (the empty text if it did not exist yet).
pub fn text_at(doc: &Automerge, r: &TextRef, heads: &[ChangeHash]) -> String {
    docs::text_obj(doc, r)
        .ok()
        .and_then(|obj| doc.text_at(&obj, heads).ok())
        .unwrap_or_default()
}

/// Every character of `obj` at `heads` (now, if `None`) with the step that wrote it.
fn chars(
    doc: &Automerge,
    obj: &ObjId,
    heads: Option<&[ChangeHash]>,
    h: &History,
) -> Vec<(String, Option<usize>)> {
    let items: Box<dyn Iterator<Item = _>> = match heads {
        Some(heads) => Box::new(doc.list_range_at(obj, .., heads)),
        None => Box::new(doc.list_range(obj, ..)),
    };
    items
        .map(|item| {
            let text = match &item.value {
                automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) => s.to_string(),
                _ => String::new(),
            };
            (text, h.step_of(&item.id()))
        })
        .collect()
}

/// Join characters into passages by a key (consecutive equal keys form one passage).
fn runs<K: PartialEq + Copy>(chars: impl IntoIterator<Item = (String, K)>) -> Vec<(String, K)> {
    let mut out: Vec<(String, K)> = Vec::new();
    for (s, k) in chars {
        match out.last_mut() {
            Some((text, key)) if *key == k => text.push_str(&s),
            _ => out.push((s, k)),
        }
    }
    out
}

/// A field's text at `heads` as passages, each with the step that wrote it: "who wrote this,
/// and when".
pub fn passages_at(
    doc: &Automerge,
    r: &TextRef,
    heads: Option<&[ChangeHash]>,
    h: &History,
) -> Vec<Passage> {
    let Ok(obj) = docs::text_obj(doc, r) else {
        return Vec::new();
    };
    runs(chars(doc, &obj, heads, h))
        .into_iter()
        .map(|(text, step)| Passage { text, step })
        .collect()
}

/// What changed in a field since an earlier state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldNews {
    /// The text now, as (passage, written after the earlier state).
    pub passages: Vec<(String, bool)>,
    /// Characters that were there in the earlier state and are gone now.
    pub removed: usize,
}

impl FieldNews {
    pub fn is_changed(&self) -> bool {
        self.removed > 0 || self.passages.iter().any(|(_, new)| *new)
    }
}

/// A field now, with the passages written after `since` marked. `new` is
/// [`History::new_since`] for the same heads.
pub fn news_since(
    doc: &Automerge,
    r: &TextRef,
    since: &[ChangeHash],
    h: &History,
    new: &[bool],
) -> FieldNews {
    let Ok(obj) = docs::text_obj(doc, r) else {
        return FieldNews::default();
    };
    let marked: Vec<(String, bool)> = chars(doc, &obj, None, h)
        .into_iter()
        .map(|(s, step)| {
            let fresh = step.is_some_and(|i| new.get(i).copied().unwrap_or(false));
            (s, fresh)
        })
        .collect();
    let kept: usize = marked
        .iter()
        .filter(|(_, fresh)| !fresh)
        .map(|(s, _)| s.chars().count())
        .sum();
    let known: Vec<ChangeHash> = since
        .iter()
        .copied()
        .filter(|s| h.position.contains_key(s))
        .collect();
    let before = if known.is_empty() {
        0
    } else {
        doc.text_at(&obj, &known)
            .map(|t| t.chars().count())
            .unwrap_or(0)
    };
    FieldNews {
        passages: runs(marked),
        removed: before.saturating_sub(kept),
    }
}

/// When the workshop's phase changed, from the workshop document and its history:
/// (time, phase).
pub fn phase_marks(workshop: &Automerge, h: &History) -> Vec<(i64, Phase)> {
    let mut marks: Vec<(i64, Phase)> = Vec::new();
    for step in &h.steps {
        let phase = match workshop.get_at(automerge::ROOT, "phase", &step.heads) {
            Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
                ScalarValue::Str(t) => Phase::parse(t),
                _ => None,
            },
            _ => None,
        };
        if let Some(p) = phase
            && marks.last().map(|(_, last)| *last) != Some(p)
        {
            marks.push((step.time, p));
        }
    }
    marks
}

/// Set a field back to its text at `heads`, as one new change on top of everything (nothing
/// in the history is lost). Returns whether anything changed.
pub fn restore(
    doc: &mut AutoCommit,
    r: &TextRef,
    heads: &[ChangeHash],
) -> Result<bool, SchemaError> {
    let old = text_at(doc.document(), r, heads);
    Ok(docs::edit_text(doc, r, &old)?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::docs::{WorkshopEdit, build_workshop, edit_text, read_text, tests::ids};

    fn answer() -> TextRef {
        TextRef::Answer {
            question_id: "q1".into(),
        }
    }

    /// A group document with its structure, and a stamp helper.
    fn group_doc() -> AutoCommit {
        let spec = demo::spec("2026-11-24");
        let mut new = build_workshop(&spec, "w1", ids()).unwrap();
        new.groups.remove(0).1
    }

    fn type_as(doc: &mut AutoCommit, text: &str, device: &str, time: i64) -> ChangeHash {
        edit_text(doc, &answer(), text).unwrap();
        commit(
            doc,
            &Stamp {
                device: Some(device.into()),
                time,
            },
        )
        .unwrap()
    }

    fn fork(doc: &mut AutoCommit) -> AutoCommit {
        doc.fork().with_actor(ActorId::random())
    }

    #[test]
    fn labels_are_cleaned() {
        assert_eq!(
            clean_label("  Konferensrum 3 "),
            Some("Konferensrum 3".into())
        );
        assert_eq!(clean_label("a\u{7}b\nc"), Some("abc".into()));
        assert_eq!(clean_label("   "), None);
        assert_eq!(
            clean_label(&"x".repeat(100)).unwrap().chars().count(),
            MAX_LABEL_CHARS
        );
    }

    #[test]
    fn commit_signs_and_skips_empty() {
        let mut doc = group_doc();
        assert_eq!(commit(&mut doc, &Stamp::default()), None, "nothing pending");
        let hash = type_as(&mut doc, "Hej", "Rum 3", 1_000);
        let change = doc.get_change_by_hash(&hash).unwrap();
        assert_eq!(change.message(), Some("Rum 3"));
        assert_eq!(change.timestamp(), 1_000);
    }

    /// Two devices write concurrently (one of them offline), then merge: text at every step,
    /// who wrote which passage, and what is new since a state seen by someone in between.
    #[test]
    fn text_at_heads_blame_and_news_across_concurrent_branches() {
        let mut a = group_doc();
        let base = type_as(&mut a, "Barnets bästa.", "Rum 3", 100);
        let mut b = fork(&mut a);
        // Concurrently: A appends, B (offline) prepends.
        type_as(&mut a, "Barnets bästa. Hör barnet.", "Rum 3", 200);
        type_as(&mut b, "Först: Barnets bästa.", "Annas laptop", 150);
        let seen = a.get_heads(); // someone saw A's branch only
        a.merge(&mut b).unwrap();
        let merged = read_text(&a, &answer()).unwrap();
        assert_eq!(merged, "Först: Barnets bästa. Hör barnet.");
        type_as(&mut a, "Först: Barnets bästa. Hör barnet!", "Rum 3", 300);

        let doc = a.document();
        let h = History::of(doc);
        // Causal order, earliest time first: B's change (150) before A's second (200).
        let times: Vec<i64> = h
            .steps
            .iter()
            .map(|s| s.time)
            .filter(|t| *t >= 100)
            .collect();
        assert_eq!(times, vec![100, 150, 200, 300]);
        let step_of_hash = |hash: ChangeHash| h.steps.iter().position(|s| s.hash == hash).unwrap();
        let base_step = step_of_hash(base);
        // Every prefix is a real state: the text at each step.
        let texts: Vec<String> = (base_step..h.len())
            .map(|i| text_at(doc, &answer(), h.heads_at(Some(i))))
            .collect();
        assert_eq!(
            texts,
            vec![
                "Barnets bästa.",
                "Först: Barnets bästa.",
                "Först: Barnets bästa. Hör barnet.",
                "Först: Barnets bästa. Hör barnet!",
            ]
        );
        assert_eq!(text_at(doc, &answer(), h.heads_at(None)), "");

        // Who wrote what, now.
        let who: Vec<(String, Option<String>, i64)> = passages_at(doc, &answer(), None, &h)
            .into_iter()
            .map(|p| {
                let s = &h.steps[p.step.unwrap()];
                (p.text, s.device.clone(), s.time)
            })
            .collect();
        let name = |s: &str| Some(s.to_owned());
        assert_eq!(
            who,
            vec![
                ("Först: ".into(), name("Annas laptop"), 150),
                ("Barnets bästa.".into(), name("Rum 3"), 100),
                (" Hör barnet".into(), name("Rum 3"), 200),
                ("!".into(), name("Rum 3"), 300),
            ]
        );
        // And as it was at step 1 (B's prepend only).
        let then = passages_at(doc, &answer(), Some(h.heads_at(Some(base_step + 1))), &h);
        assert_eq!(
            then.iter().map(|p| p.text.as_str()).collect::<Vec<_>>(),
            vec!["Först: ", "Barnets bästa."]
        );

        // New since `seen` (A's branch): B's concurrent prefix and the last edit; "." removed.
        let new = h.new_since(&seen);
        let news = news_since(doc, &answer(), &seen, &h, &new);
        assert_eq!(
            news.passages,
            vec![
                ("Först: ".into(), true),
                ("Barnets bästa. Hör barnet".into(), false),
                ("!".into(), true),
            ]
        );
        assert_eq!(news.removed, 1, "the full stop replaced by '!'");
        assert!(news.is_changed());
        // Nothing is new since now; everything since an unknown state.
        let heads = h.heads_at(Some(h.len() - 1)).to_vec();
        let none = news_since(doc, &answer(), &heads, &h, &h.new_since(&heads));
        assert!(!none.is_changed());
        let unknown = [ChangeHash([7; 32])];
        let all = news_since(doc, &answer(), &unknown, &h, &h.new_since(&unknown));
        assert!(all.passages.iter().all(|(_, new)| *new));
        assert_eq!(all.removed, 0);
    }

    #[test]
    fn restore_is_a_new_change_and_keeps_history() {
        let mut doc = group_doc();
        type_as(&mut doc, "Viktiga anteckningar", "Rum 3", 100);
        let before_wipe = doc.get_heads();
        type_as(&mut doc, "", "Rum 3", 200);
        assert!(restore(&mut doc, &answer(), &before_wipe).unwrap());
        commit(
            &mut doc,
            &Stamp {
                device: Some("Samordnare".into()),
                time: 300,
            },
        );
        assert_eq!(read_text(&doc, &answer()).unwrap(), "Viktiga anteckningar");
        let h = History::of(doc.document());
        let last = h.steps.last().unwrap();
        assert_eq!(
            (last.device.as_deref(), last.time),
            (Some("Samordnare"), 300)
        );
        // The wiped state is still in the history.
        assert!(
            h.steps
                .iter()
                .any(|s| s.time == 200 && text_at(doc.document(), &answer(), &s.heads).is_empty())
        );
        // Restoring to the current text changes nothing.
        let now = doc.get_heads();
        assert!(!restore(&mut doc, &answer(), &now).unwrap());
    }

    #[test]
    fn phases_are_marked_when_they_change() {
        let spec = demo::spec("2026-11-24");
        let mut new = build_workshop(&spec, "w1", ids()).unwrap();
        let w = &mut new.workshop;
        let at = |w: &mut AutoCommit, edit: WorkshopEdit, time: i64| {
            docs::apply_workshop_edit(w, &edit).unwrap();
            commit(w, &Stamp { device: None, time });
        };
        at(w, WorkshopEdit::Phase(Phase::Prep), 500);
        at(w, WorkshopEdit::Phase(Phase::Groups), 1_000);
        at(w, WorkshopEdit::Title("Ny titel".into()), 1_500);
        at(w, WorkshopEdit::Phase(Phase::Plenary), 2_000);
        let h = History::of(w.document());
        let marks = phase_marks(w.document(), &h);
        let tail: Vec<(i64, Phase)> = marks.iter().copied().filter(|(t, _)| *t > 0).collect();
        assert_eq!(
            tail,
            vec![
                (500, Phase::Prep),
                (1_000, Phase::Groups),
                (2_000, Phase::Plenary)
            ]
        );
        // A new workshop starts in the groups phase.
        assert_eq!(marks.first().map(|m| m.1), Some(Phase::Groups));
        assert_eq!(h.steps[h.step_at_time(1_500)].time, 1_500);
        assert_eq!(h.step_at_time(9_999), h.len());
    }
}
