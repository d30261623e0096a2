//! History from Automerge's own change log: who (which device) wrote which passage and when,
//! a field's text at any moment of the day, what is new since a moment, the day's phases, and
//! restoring a field to an earlier text as a new change.
//!
//! Attribution needs no personal data. A device may carry a label chosen on it ("Konferensrum
//! 3"); every change it commits carries that label as the change message, and the time. Both
//! live only in the workshop's documents, so erasing the workshop erases them.

use crate::doc::{self, Phase, SchemaError, TextRef};
use crate::stamp::clean_label;
use automerge::{ActorId, AutoCommit, Automerge, ChangeHash, ObjId, ReadDoc, ScalarValue, Value};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

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
    doc::text_obj(doc, r)
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
    let Ok(obj) = doc::text_obj(doc, r) else {
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
    let Ok(obj) = doc::text_obj(doc, r) else {
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
    Ok(doc::edit_text(doc, r, &old)?.is_some())
}

#[cfg(test)]
mod tests;
