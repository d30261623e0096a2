//! What the server counts for the operator's monitoring, in Prometheus's text format on a
//! listener of its own (`SAMTAL_METRICS_BIND`), never on the public address. Counters live in
//! one process-wide registry; connections and open documents are read when scraped.

use crate::AppState;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;
use std::sync::{Arc, LazyLock};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RoleLabel {
    role: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabel {
    reason: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabel {
    version: String,
}

/// The server's metrics (see `docs/deploy.md` for what each means).
pub struct Metrics {
    registry: Registry,
    sync_messages: Counter,
    document_writes: Counter,
    refusals: Family<ReasonLabel, Counter>,
    storage_commit: Histogram,
    storage_errors: Counter,
    connections: Family<RoleLabel, Gauge>,
    open_documents: Gauge,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("samtal");
    let m = Metrics {
        registry: Registry::default(),
        sync_messages: Counter::default(),
        document_writes: Counter::default(),
        refusals: Family::default(),
        // 0.5 ms to ~4 s: an fsync on a good disk to a struggling network volume.
        storage_commit: Histogram::new(exponential_buckets(0.0005, 2.0, 14)),
        storage_errors: Counter::default(),
        connections: Family::default(),
        open_documents: Gauge::default(),
    };
    registry.register(
        "sync_messages",
        "Sync messages received from clients",
        m.sync_messages.clone(),
    );
    registry.register(
        "document_writes",
        "Batches of changes written to storage (each on disk before it is acknowledged)",
        m.document_writes.clone(),
    );
    registry.register(
        "refusals",
        "Connections closed for what they sent, by reason",
        m.refusals.clone(),
    );
    registry.register(
        "storage_commit_seconds",
        "Time to write one batch of changes to storage, fsync included",
        m.storage_commit.clone(),
    );
    registry.register(
        "storage_errors",
        "Writes to storage that failed (nothing was acknowledged)",
        m.storage_errors.clone(),
    );
    registry.register(
        "connections",
        "Open sync connections on this instance, by the link's role",
        m.connections.clone(),
    );
    registry.register(
        "open_documents",
        "Documents open in memory on this instance",
        m.open_documents.clone(),
    );
    registry.register(
        "build",
        "The running version",
        Info::new(VersionLabel {
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }),
    );
    Metrics { registry, ..m }
});

/// A sync message arrived.
pub fn sync_message() {
    METRICS.sync_messages.inc();
}

/// A batch of changes was written (`seconds` it took) or failed.
pub fn storage_write(seconds: f64, ok: bool) {
    if ok {
        METRICS.document_writes.inc();
        METRICS.storage_commit.observe(seconds);
    } else {
        METRICS.storage_errors.inc();
    }
}

/// A connection was closed for what it sent (`reason`: a short fixed word).
pub fn refusal(reason: &'static str) {
    METRICS
        .refusals
        .get_or_create(&ReasonLabel {
            reason: reason.to_owned(),
        })
        .inc();
}

/// The metrics now, in Prometheus's text format.
pub fn render(state: &Arc<AppState>) -> String {
    let m = &*METRICS;
    for role in ["facilitator", "group", "catch_up"] {
        m.connections
            .get_or_create(&RoleLabel {
                role: role.to_owned(),
            })
            .set(0);
    }
    for (role, n) in state.live.connections_by_role() {
        m.connections
            .get_or_create(&RoleLabel {
                role: role.to_owned(),
            })
            .set(i64::try_from(n).unwrap_or(i64::MAX));
    }
    m.open_documents
        .set(i64::try_from(state.hub.open_documents()).unwrap_or(i64::MAX));
    let mut out = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &m.registry) {
        tracing::warn!(error = %e, "metrics could not be encoded");
    }
    out
}

/// The metrics listener's app: `GET /metrics` only.
pub fn router(state: Arc<AppState>) -> axum::Router {
    use axum::http::header;
    axum::Router::new()
        .route(
            "/metrics",
            axum::routing::get(
                |axum::extract::State(state): axum::extract::State<Arc<AppState>>| async move {
                    (
                        [(
                            header::CONTENT_TYPE,
                            "application/openmetrics-text; version=1.0.0; charset=utf-8",
                        )],
                        render(&state),
                    )
                },
            ),
        )
        .with_state(state)
}
