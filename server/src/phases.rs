//! Each workshop's phase as this instance last saw it, for the one access rule that depends on
//! it (a closed workshop's group notes are read-only: `Role::access_in`). The connection asks
//! on every message a group link sends, so this answers from memory: set at once when this
//! instance saves a workshop change (`workshops::reconcile`), read again from storage by the
//! connection when older than [`FRESH`] (another instance may have saved the change).

use samtal_shared::doc::Phase;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How long a phase read from storage is trusted (what an instance that did not save the
/// change may lag behind).
pub const FRESH: Duration = Duration::from_secs(1);
/// Past this many workshops, the entries not asked for in a minute go.
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub struct Phases {
    seen: Mutex<HashMap<String, (Phase, Instant)>>,
}

impl Phases {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, (Phase, Instant)>> {
        // A panic elsewhere while holding the lock leaves a plain map: still usable.
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// This instance saved the workshop in `phase`.
    pub fn set(&self, workshop_id: &str, phase: Phase) {
        let mut seen = self.lock();
        if seen.len() >= MAX_ENTRIES {
            let now = Instant::now();
            seen.retain(|_, (_, at)| now.duration_since(*at) < Duration::from_secs(60));
        }
        seen.insert(workshop_id.to_owned(), (phase, Instant::now()));
    }

    /// The workshop was erased.
    pub fn forget(&self, workshop_id: &str) {
        self.lock().remove(workshop_id);
    }

    /// The phase last seen and whether it is younger than [`FRESH`] (the connection asks
    /// storage again when it is not: `ws::phase_of`).
    pub fn seen(&self, workshop_id: &str) -> Option<(Phase, bool)> {
        self.lock()
            .get(workshop_id)
            .map(|(p, at)| (*p, at.elapsed() < FRESH))
    }
}

#[cfg(test)]
mod tests;
