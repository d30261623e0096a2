//! What one load run measured of one server, and how two runs compare.

use crate::target::Target;

/// One server's run.
pub struct Report {
    pub target: Target,
    pub edits: u64,
    pub arrivals: u64,
    pub errors: u64,
    /// Edit → other client, sorted.
    pub latencies_ms: Vec<f64>,
    pub cpu_ms_per_edit: f64,
    pub rss_mib: u64,
    pub peak_mib: u64,
    /// The resident memory that is the process's own (heap, stacks), not its executable.
    pub anon_mib: u64,
    pub connected: u64,
    /// Cores the server kept busy on average, and the load generator itself.
    pub server_cores: f64,
    pub generator_cores: f64,
}

/// The `p`th percentile of sorted values (nearest rank; NaN when there are none).
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * (sorted.len() - 1) as f64).round();
    sorted[(rank as usize).min(sorted.len() - 1)]
}

impl Report {
    /// Arrivals the edits made should have caused: every other client of the group.
    pub fn expected_arrivals(&self, clients: usize) -> u64 {
        self.edits * (clients.max(1) as u64 - 1)
    }

    /// The share of expected arrivals that arrived (1 when nothing was expected).
    pub fn delivered_share(&self, clients: usize) -> f64 {
        match self.expected_arrivals(clients) {
            0 => 1.0,
            n => self.arrivals as f64 / n as f64,
        }
    }

    /// Whether the latency percentiles describe the run: nearly every edit arrived and no
    /// client failed. (A saturated server that delivers a handful of edits has a "p99" of
    /// those few.)
    pub fn latency_comparable(&self, clients: usize) -> bool {
        self.errors == 0 && self.delivered_share(clients) >= 0.95
    }

    pub fn p(&self, p: f64) -> f64 {
        percentile(&self.latencies_ms, p)
    }
}

/// How far `base` (Samtal) is ahead of `other`: other / base for latency, CPU per edit and
/// memory, so that above 1 means Samtal is ahead.
pub fn ratio_line(clients: usize, base: &Report, other: &Report) -> String {
    let ratio = |a: f64, b: f64| b / a;
    let latency = if base.latency_comparable(clients) && other.latency_comparable(clients) {
        format!(
            "p50 {:.1}×, p99 {:.1}×",
            ratio(base.p(50.0), other.p(50.0)),
            ratio(base.p(99.0), other.p(99.0)),
        )
    } else {
        // Percentiles of the few edits that got through say nothing about the rest.
        format!(
            "latency not comparable (arrivals: {} {:.0} %, {} {:.0} % of expected; \
             failed clients: {} {}, {} {})",
            base.target,
            100.0 * base.delivered_share(clients),
            other.target,
            100.0 * other.delivered_share(clients),
            base.target,
            base.errors,
            other.target,
            other.errors,
        )
    };
    format!(
        "ratio ({} / {}): {latency}, CPU/edit {:.1}×, RSS {:.1}× (anonymous {:.1}×)",
        other.target,
        base.target,
        ratio(base.cpu_ms_per_edit, other.cpu_ms_per_edit),
        ratio(base.rss_mib as f64, other.rss_mib as f64),
        ratio(base.anon_mib as f64, other.anon_mib as f64),
    )
}
