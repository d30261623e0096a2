//! Who is connected right now: per-workshop connection limits, the facilitator's live
//! overview (connections and last sync per group) and closing connections when their link is
//! rotated or their workshop erased.

use crate::clock::now_secs;
use crate::links::{CATCH_UP_KEY as CATCH_UP, FACILITATOR_KEY as FACILITATOR};
use crate::settings::Settings;
pub use samtal_shared::session::TargetStatus;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::mpsc;

struct Entry {
    workshop_id: String,
    /// The link target key (`facilitator`, `catch_up`, `group:ID`).
    target: String,
    close: mpsc::UnboundedSender<String>,
}

/// This instance's open sync connections and the limits they keep to.
pub struct Live {
    reg: Mutex<Registry>,
    limits: Limits,
}

/// The connection limits from the settings.
struct Limits {
    total: usize,
    per_workshop: usize,
    per_link: usize,
    catch_up: usize,
    facilitator: usize,
    /// Seconds a refused device first waits (0: never).
    refused_wait: u64,
    /// Questions one link may add to the question box in an hour.
    questions_per_hour: usize,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    /// Connections per workshop, the facilitator's not counted (she has her own quota).
    per_workshop: HashMap<String, usize>,
    /// Connections per (workshop, link target).
    per_link: HashMap<(String, String), usize>,
    /// All connections of this instance.
    total: usize,
    entries: HashMap<u64, Entry>,
    /// (workshop, target) → unix seconds of the last sync message received.
    last_sync: HashMap<(String, String), u64>,
    /// (workshop, target, peer id) → (refusals so far, unix seconds until it may join again).
    refused: HashMap<(String, String, String), (u32, u64)>,
    /// (workshop, target) → unix seconds of the questions its link added in the last hour.
    questions: HashMap<(String, String), VecDeque<u64>>,
}

/// Why a catch-up connection closes when its window ends.
pub const CATCH_UP_ENDED: &str = "the catch-up window of this workshop has ended";

/// Most devices remembered as refused (past that, the entries whose wait is long over go,
/// then all).
const MAX_REFUSED: usize = 10_000;
const HOUR: u64 = 3600;
/// The longest a refused device waits, in seconds.
const MAX_REFUSED_WAIT: u64 = 300;

impl Live {
    pub fn new(settings: &Settings) -> Self {
        Self {
            reg: Mutex::default(),
            limits: Limits {
                total: settings.max_connections,
                per_workshop: settings.max_connections_per_workshop,
                per_link: settings.max_connections_per_link,
                catch_up: settings.max_catch_up_connections,
                facilitator: settings.max_facilitator_connections,
                refused_wait: settings.refused_wait_secs,
                questions_per_hour: usize::try_from(settings.max_questions_per_hour)
                    .unwrap_or(usize::MAX),
            },
        }
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        match self.reg.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// A device (peer id) of this link sent something it may not: it waits
    /// `SAMTAL_REFUSED_WAIT_SECS` (2) before it may join again, twice as long after each further
    /// refusal, up to five minutes. Other devices on the same link are not held back.
    pub fn refused(&self, workshop_id: &str, target: &str, peer: &str) {
        let base = self.limits.refused_wait;
        if base == 0 {
            return;
        }
        let now = now_secs();
        let mut reg = self.lock();
        if reg.refused.len() >= MAX_REFUSED {
            reg.refused
                .retain(|_, (_, until)| *until + MAX_REFUSED_WAIT > now);
            if reg.refused.len() >= MAX_REFUSED {
                reg.refused.clear();
            }
        }
        let e = reg
            .refused
            .entry((workshop_id.to_owned(), target.to_owned(), peer.to_owned()))
            .or_insert((0, 0));
        e.1 = now
            + base
                .saturating_mul(1u64 << e.0.min(9))
                .min(MAX_REFUSED_WAIT);
        e.0 = e.0.saturating_add(1);
    }

    /// A message from this link adds `n` questions to the question box: taken if the link
    /// added fewer than `SAMTAL_MAX_QUESTIONS_PER_HOUR` (60) in the last hour with them, else
    /// why not (the device keeps them and sends them again later).
    pub fn take_questions(&self, workshop_id: &str, target: &str, n: usize) -> Result<(), String> {
        let now = now_secs();
        let limit = self.limits.questions_per_hour;
        let mut reg = self.lock();
        // Links whose last question is an hour old are forgotten (the map stays small).
        if reg.questions.len() >= MAX_REFUSED {
            reg.questions
                .retain(|_, times| times.back().is_some_and(|t| t + HOUR > now));
        }
        let times = reg
            .questions
            .entry((workshop_id.to_owned(), target.to_owned()))
            .or_default();
        while times.front().is_some_and(|t| t + HOUR <= now) {
            times.pop_front();
        }
        if times.len().saturating_add(n) > limit {
            return Err(format!(
                "this link has sent {} questions in the last hour; at most {limit} an hour are taken, the rest wait on the device",
                times.len()
            ));
        }
        times.extend(std::iter::repeat_n(now, n));
        Ok(())
    }

    /// Seconds this device still has to wait after a refusal, if any.
    pub fn refused_wait(&self, workshop_id: &str, target: &str, peer: &str) -> Option<u64> {
        let now = now_secs();
        let reg = self.lock();
        let (_, until) =
            reg.refused
                .get(&(workshop_id.to_owned(), target.to_owned(), peer.to_owned()))?;
        (*until > now).then(|| until - now)
    }

    /// Close every connection of a workshop whose target matches (all of them for `None`).
    pub fn close(&self, workshop_id: &str, target: Option<&str>, reason: &str) -> usize {
        let reg = self.lock();
        let mut n = 0;
        for e in reg.entries.values() {
            if e.workshop_id == workshop_id && target.is_none_or(|t| t == e.target) {
                let _ = e.close.send(reason.to_owned());
                n += 1;
            }
        }
        n
    }

    /// Forget an erased workshop's sync times.
    pub fn forget(&self, workshop_id: &str) {
        self.lock().last_sync.retain(|(w, _), _| w != workshop_id);
    }

    /// Open connections on this instance by the link's role (`facilitator`, `group`,
    /// `catch_up`), for the metrics.
    pub fn connections_by_role(&self) -> BTreeMap<&'static str, usize> {
        let mut out = BTreeMap::new();
        for e in self.lock().entries.values() {
            let role = match e.target.as_str() {
                FACILITATOR => "facilitator",
                CATCH_UP => "catch_up",
                _ => "group",
            };
            *out.entry(role).or_insert(0) += 1;
        }
        out
    }

    /// What this instance has, for every workshop (published for the other instances).
    pub fn snapshot(&self) -> Vec<crate::storage::TargetRow> {
        tally(&self.lock(), |_| true)
            .into_iter()
            .map(|((workshop_id, _), status)| crate::storage::TargetRow {
                workshop_id,
                status,
            })
            .collect()
    }

    /// Connections and last sync per link target of a workshop, on this instance (by target).
    pub fn status(&self, workshop_id: &str) -> Vec<TargetStatus> {
        tally(&self.lock(), |w| w == workshop_id)
            .into_values()
            .collect()
    }
}

/// A counted, registered connection; released on drop.
pub struct ConnectionSlot {
    live: Arc<Live>,
    id: u64,
    workshop_id: String,
    target: String,
    /// Receives a reason when the server closes this connection (rotation, erase).
    pub closed: mpsc::UnboundedReceiver<String>,
}

impl ConnectionSlot {
    /// Take a place, or `None` when a limit is reached: this instance's, the link's own (so
    /// one link cannot take every place of its workshop) or, except for the facilitator, who
    /// has places of her own, the workshop's.
    pub fn take(live: &Arc<Live>, workshop_id: &str, target: String) -> Option<Self> {
        let limits = &live.limits;
        let facilitator = target == FACILITATOR;
        let link_cap = if facilitator {
            limits.facilitator
        } else if target == CATCH_UP {
            limits.catch_up
        } else {
            limits.per_link
        };
        let mut reg = live.lock();
        let key = (workshop_id.to_owned(), target.clone());
        let in_workshop = reg.per_workshop.get(workshop_id).copied().unwrap_or(0);
        if reg.total >= limits.total
            || reg.per_link.get(&key).copied().unwrap_or(0) >= link_cap
            || (!facilitator && in_workshop >= limits.per_workshop)
        {
            return None;
        }
        reg.total += 1;
        *reg.per_link.entry(key).or_insert(0) += 1;
        if !facilitator {
            *reg.per_workshop.entry(workshop_id.to_owned()).or_insert(0) += 1;
        }
        reg.next_id += 1;
        let id = reg.next_id;
        let (tx, closed) = mpsc::unbounded_channel();
        reg.entries.insert(
            id,
            Entry {
                workshop_id: workshop_id.to_owned(),
                target: target.clone(),
                close: tx,
            },
        );
        Some(Self {
            live: Arc::clone(live),
            id,
            workshop_id: workshop_id.to_owned(),
            target,
            closed,
        })
    }

    /// The link target this connection counts against.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// Record that this link just synced.
    pub fn touch(&self) {
        self.live
            .lock()
            .last_sync
            .insert((self.workshop_id.clone(), self.target.clone()), now_secs());
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut reg = self.live.lock();
        reg.entries.remove(&self.id);
        reg.total = reg.total.saturating_sub(1);
        let key = (self.workshop_id.clone(), self.target.clone());
        if let Some(n) = reg.per_link.get_mut(&key) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                reg.per_link.remove(&key);
            }
        }
        if self.target != FACILITATOR
            && let Some(n) = reg.per_workshop.get_mut(&self.workshop_id)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                reg.per_workshop.remove(&self.workshop_id);
            }
        }
    }
}

fn blank(target: &str) -> TargetStatus {
    TargetStatus {
        target: target.to_owned(),
        connections: 0,
        last_sync: None,
    }
}

/// Connections and last sync per (workshop, link target), for the workshops `keep` accepts,
/// in one pass over the registry.
fn tally(reg: &Registry, keep: impl Fn(&str) -> bool) -> BTreeMap<(String, String), TargetStatus> {
    let mut out = BTreeMap::new();
    for e in reg.entries.values().filter(|e| keep(&e.workshop_id)) {
        out.entry((e.workshop_id.clone(), e.target.clone()))
            .or_insert_with(|| blank(&e.target))
            .connections += 1;
    }
    for ((w, target), t) in reg.last_sync.iter().filter(|((w, _), _)| keep(w)) {
        out.entry((w.clone(), target.clone()))
            .or_insert_with(|| blank(target))
            .last_sync = Some(*t);
    }
    out
}

/// Add what other instances report to this instance's view of a workshop.
pub fn merge(mine: Vec<TargetStatus>, theirs: Vec<TargetStatus>) -> Vec<TargetStatus> {
    let mut out: BTreeMap<String, TargetStatus> =
        mine.into_iter().map(|t| (t.target.clone(), t)).collect();
    for t in theirs {
        let e = out
            .entry(t.target.clone())
            .or_insert_with(|| blank(&t.target));
        e.connections += t.connections;
        e.last_sync = e.last_sync.max(t.last_sync);
    }
    out.into_values().collect()
}
