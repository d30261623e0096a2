//! The countdown every room sees, and the facilitator's message to all groups: two values at
//! the top of the workshop document, so they sync (and keep counting offline) like the rest.
//!
//! The timer is one string, `""` (stopped), `"running <deadline>"` or `"paused <left>"`, in
//! milliseconds (the deadline since the Unix epoch, wall-clock time): a room that goes offline
//! keeps counting down to the same moment. One string, so one write changes it whole and
//! the write rules check it as a single value.

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

/// The longest countdown (and the most left on a paused one): a whole day.
pub const MAX_TIMER_MS: i64 = 24 * 60 * 60 * 1000;
/// The longest message to all groups, in bytes.
pub const MAX_MESSAGE: usize = 500;

/// The countdown's state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Timer {
    #[default]
    Stopped,
    /// Counting down to this moment (ms since the epoch).
    Running { deadline: i64 },
    /// Paused with this much left (ms).
    Paused { left: i64 },
}

impl Timer {
    /// Read the stored string; `None` for anything else (the write rules refuse it).
    pub fn parse(s: &str) -> Option<Timer> {
        if s.is_empty() {
            return Some(Timer::Stopped);
        }
        let (kind, n) = s.split_once(' ')?;
        // Digits only: no sign, no spaces, no `+`.
        if n.is_empty() || n.len() > 15 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i64 = n.parse().ok()?;
        match kind {
            "running" => Some(Timer::Running { deadline: n }),
            "paused" if n <= MAX_TIMER_MS => Some(Timer::Paused { left: n }),
            _ => None,
        }
    }

    /// The string stored.
    pub fn as_stored(&self) -> String {
        match self {
            Timer::Stopped => String::new(),
            Timer::Running { deadline } => format!("running {deadline}"),
            Timer::Paused { left } => format!("paused {left}"),
        }
    }

    /// Milliseconds left at `now` (never below zero); `None` when stopped.
    pub fn left(&self, now: i64) -> Option<i64> {
        match *self {
            Timer::Stopped => None,
            Timer::Running { deadline } => Some((deadline - now).max(0)),
            Timer::Paused { left } => Some(left.max(0)),
        }
    }

    /// The timer after the facilitator's `edit` at `now` (her device's clock).
    pub fn after(self, edit: TimerEdit, now: i64) -> Timer {
        let clamp = |ms: i64| ms.clamp(0, MAX_TIMER_MS);
        match (edit, self) {
            (TimerEdit::Start { minutes }, _) => Timer::Running {
                deadline: now + clamp(i64::from(minutes) * 60_000),
            },
            (TimerEdit::Pause, Timer::Running { deadline }) => Timer::Paused {
                left: clamp(deadline - now),
            },
            (TimerEdit::Resume, Timer::Paused { left }) => Timer::Running {
                deadline: now + left,
            },
            (TimerEdit::Extend { minutes }, Timer::Running { deadline }) => Timer::Running {
                // Extending a countdown that already ran out starts again from now.
                deadline: deadline.max(now) + clamp(i64::from(minutes) * 60_000),
            },
            (TimerEdit::Extend { minutes }, Timer::Paused { left }) => Timer::Paused {
                left: clamp(left + i64::from(minutes) * 60_000),
            },
            (TimerEdit::Stop, _) => Timer::Stopped,
            (_, unchanged) => unchanged,
        }
    }
}

/// The timer a workshop document holds: absent (a workshop from before the timer) or
/// unreadable reads as stopped.
pub(super) fn stored(doc: &impl automerge::ReadDoc) -> Timer {
    super::schema::str_at(doc, &automerge::ROOT, "timer")
        .and_then(|t| Timer::parse(&t))
        .unwrap_or_default()
}

/// What the facilitator does with the countdown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TimerEdit {
    Start { minutes: u32 },
    Pause,
    Resume,
    Extend { minutes: u32 },
    Stop,
}

/// `mm:ss` (or `h:mm:ss` from an hour up) for a number of milliseconds, rounded up to the
/// second, so "0:00" shows only when the time is really out.
pub fn clock(ms: i64) -> String {
    let s = (ms.max(0) + 999) / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}
