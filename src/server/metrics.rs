//! `GET /metrics`: Prometheus' text format, behind the webhook token.
//!
//! Counters the HTTP side increments as requests are answered (deliveries by
//! kind and outcome, refusals by kind and reason, deliveries at another
//! kind's URL, unauthorised requests),
//! and, read at each scrape, what the store knows: the writer's queue, batch
//! sizes, commit latency and WAL catch-ups, the archive's, WAL's and free
//! disk's bytes, each kind's last delivery, and the stale-feed alarm.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use super::staleness::StaleWatch;
use crate::everflow::WebhookKind;
use crate::reconcile::ReconcileTally;
use crate::store::disk::DiskGuard;
use crate::store::identity::beside;
use crate::store::write_health::ArchiveHealth;
use crate::store::writer::stats::{
    BATCH_SIZE_BUCKETS, CATCH_UP_MS_BUCKETS, COMMIT_MS_BUCKETS, WriterSnapshot, WriterStats,
};

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    kind: &'static str,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RefusalLabels {
    kind: &'static str,
    reason: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MisrouteLabels {
    url_kind: &'static str,
    kind: &'static str,
}

/// The counters the HTTP side keeps, and the registry that encodes them
/// with what the store reports.
pub struct Metrics {
    registry: Registry,
    deliveries: Family<DeliveryLabels, Counter>,
    refusals: Family<RefusalLabels, Counter>,
    misrouted: Family<MisrouteLabels, Counter>,
    unauthorized: Counter,
}

/// A kind label for a refusal: the canonical kind, `none` where the URL named
/// none (detection), `unknown` for a name we do not know (any text a sender
/// puts in a URL must not become a label of its own).
pub fn kind_label(declared: Option<&str>) -> &'static str {
    match declared {
        None => "none",
        Some(name) => WebhookKind::from_name(name).map_or("unknown", WebhookKind::as_str),
    }
}

impl Metrics {
    pub fn new(store: StoreView) -> Metrics {
        let mut registry = Registry::with_prefix("evarchive");
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        let refusals = Family::<RefusalLabels, Counter>::default();
        let misrouted = Family::<MisrouteLabels, Counter>::default();
        let unauthorized = Counter::default();
        registry.register(
            "deliveries",
            "Deliveries stored, by webhook kind and outcome (new, version, restored, duplicate)",
            deliveries.clone(),
        );
        registry.register(
            "refusals",
            "Authenticated requests refused, by webhook kind and reason",
            refusals.clone(),
        );
        registry.register(
            "misrouted_deliveries",
            "Deliveries whose body was another resource than the kind of their URL, \
             archived as what they are, by the URL's kind and the body's",
            misrouted.clone(),
        );
        registry.register(
            "unauthorized_requests",
            "Requests refused for a missing or wrong token",
            unauthorized.clone(),
        );
        registry.register_collector(Box::new(store));
        Metrics {
            registry,
            deliveries,
            refusals,
            misrouted,
            unauthorized,
        }
    }

    pub fn stored(&self, kind: WebhookKind, outcome: &'static str) {
        self.deliveries
            .get_or_create(&DeliveryLabels {
                kind: kind.as_str(),
                outcome,
            })
            .inc();
    }

    pub fn refused(&self, kind: &'static str, reason: &'static str) {
        self.refusals
            .get_or_create(&RefusalLabels { kind, reason })
            .inc();
    }

    pub fn misrouted(&self, url_kind: WebhookKind, kind: WebhookKind) {
        self.misrouted
            .get_or_create(&MisrouteLabels {
                url_kind: url_kind.as_str(),
                kind: kind.as_str(),
            })
            .inc();
    }

    pub fn unauthorized(&self) {
        self.unauthorized.inc();
    }

    /// The exposition; reads the archive's counters, so call it off the
    /// async workers.
    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// What the store reports, read at each scrape.
#[derive(Debug)]
pub struct StoreView {
    pub db: PathBuf,
    pub writer: Arc<WriterStats>,
    pub health: Arc<ArchiveHealth>,
    pub reads: crate::store::Readers,
    pub stale_watch: StaleWatch,
    /// `--reconcile-every`: what the background runs found.
    pub reconcile: Option<Arc<ReconcileTally>>,
}

impl StoreView {
    /// Each kind's last arrival; none, and a warning, when the archive
    /// cannot be read (the scrape still answers: /healthz says why).
    fn last_arrivals(&self) -> HashMap<String, i64> {
        match self.reads.get().and_then(|reader| reader.last_arrivals()) {
            Ok(arrivals) => arrivals,
            Err(e) => {
                tracing::warn!("metrics: cannot read the last arrivals from the archive: {e}");
                HashMap::new()
            }
        }
    }
}

pub(super) fn gauge(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: f64,
) -> std::fmt::Result {
    let metric = ConstGauge::new(value);
    metric.encode(encoder.encode_descriptor(name, help, None, metric.metric_type())?)
}

/// Per-bucket counts with their upper bounds (the last bucket unbounded).
fn buckets(bounds: &[u64], counts: &[u64], scale: f64) -> Vec<(f64, u64)> {
    bounds
        .iter()
        .map(|bound| *bound as f64 * scale)
        .chain([f64::MAX])
        .zip(counts.iter().copied())
        .collect()
}

fn histogram(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    sum: f64,
    buckets: &[(f64, u64)],
) -> std::fmt::Result {
    let count = buckets.iter().map(|(_, count)| count).sum();
    encoder
        .encode_descriptor(name, help, None, MetricType::Histogram)?
        .encode_histogram::<prometheus_client::encoding::NoLabelSet>(sum, count, buckets, None)
}

impl Collector for StoreView {
    fn encode(&self, mut encoder: DescriptorEncoder) -> std::fmt::Result {
        let writer: WriterSnapshot = self.writer.snapshot();
        gauge(
            &mut encoder,
            "writer_queue_depth",
            "Deliveries waiting for the writer",
            writer.queued as f64,
        )?;
        // The sum of batch sizes is the number of jobs written.
        histogram(
            &mut encoder,
            "writer_batch_size",
            "Jobs (deliveries, refusals, probes) committed together",
            writer.jobs as f64,
            &buckets(&BATCH_SIZE_BUCKETS, &writer.batch_sizes, 1.0),
        )?;
        histogram(
            &mut encoder,
            "writer_commit_seconds",
            "Time to write and commit one batch",
            writer.commit_micros_total as f64 / 1e6,
            &buckets(&COMMIT_MS_BUCKETS, &writer.commit_ms, 1e-3),
        )?;
        histogram(
            &mut encoder,
            "writer_wal_catch_up_seconds",
            "Time the writer spent between batches copying a long WAL into the archive",
            writer.catch_up_micros_total as f64 / 1e6,
            &buckets(&CATCH_UP_MS_BUCKETS, &writer.catch_up_ms, 1e-3),
        )?;
        gauge(
            &mut encoder,
            "writer_failed_batches",
            "Batches whose commit failed since serve started",
            writer.failed_batches as f64,
        )?;
        let size = |path: PathBuf| std::fs::metadata(path).map_or(0, |m| m.len()) as f64;
        gauge(
            &mut encoder,
            "archive_bytes",
            "Size of the archive file",
            size(self.db.clone()),
        )?;
        gauge(
            &mut encoder,
            "wal_bytes",
            "Size of the archive's write-ahead log",
            size(beside(&self.db, "-wal")),
        )?;
        gauge(
            &mut encoder,
            "disk_free_bytes",
            "Free bytes on the archive's filesystem",
            DiskGuard::new(&self.db, 0)
                .free_bytes()
                .unwrap_or_else(|_| self.health.free_bytes()) as f64,
        )?;
        let last = self.last_arrivals();
        let mut family = encoder.encode_descriptor(
            "last_delivery_timestamp_seconds",
            "When the last delivery of each kind arrived (Unix time)",
            None,
            MetricType::Gauge,
        )?;
        for kind in WebhookKind::ALL {
            if let Some(millis) = last.get(kind.as_str()) {
                let labels = [("kind", kind.as_str())];
                ConstGauge::new(*millis as f64 / 1000.0).encode(family.encode_family(&labels)?)?;
            }
        }
        let stale = self.stale_watch.stale_now(&last);
        let mut family = encoder.encode_descriptor(
            "feed_stale",
            "1 while a kind watched by --stale-after has been quiet too long",
            None,
            MetricType::Gauge,
        )?;
        for rule in &self.stale_watch.rules {
            let labels = [("kind", rule.kind.as_str())];
            let is_stale = stale.iter().any(|feed| feed.kind == rule.kind);
            ConstGauge::new(i64::from(is_stale)).encode(family.encode_family(&labels)?)?;
        }
        if let Some(tally) = &self.reconcile {
            super::metrics_reconcile::encode(&mut encoder, tally)?;
        }
        Ok(())
    }
}
