//! Work that may be asked for many times a second, done at most once per gap: the first time
//! at once, the rest folded into one run at the end of the gap.

use gloo_timers::callback::Timeout;

pub struct Pace {
    gap_ms: f64,
    last: f64,
    later: Option<Timeout>,
}

impl Pace {
    pub fn new(gap_ms: u32) -> Self {
        Self {
            gap_ms: f64::from(gap_ms),
            last: f64::NEG_INFINITY,
            later: None,
        }
    }

    /// True: run now (the last run was a gap ago). False: `then` runs at the end of the gap
    /// (scheduled by this call or an earlier one); it calls [`Self::ran`].
    pub fn now_or_later(&mut self, now: f64, then: impl FnOnce() + 'static) -> bool {
        if self.later.is_some() {
            return false;
        }
        let since = now - self.last;
        if since >= self.gap_ms {
            self.last = now;
            return true;
        }
        let wait = (self.gap_ms - since).clamp(0.0, self.gap_ms) as u32;
        self.later = Some(Timeout::new(wait, then));
        false
    }

    /// The run scheduled by [`Self::now_or_later`] is under way.
    pub fn ran(&mut self, now: f64) {
        self.later = None;
        self.last = now;
    }
}
