//! `/metrics` for `serve --reconcile-every`: what the background runs found,
//! read from their tally at each scrape.

use std::sync::atomic::{AtomicU64, Ordering};

use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;

use super::metrics::gauge;
use crate::reconcile::ReconcileTally;

pub fn encode(encoder: &mut DescriptorEncoder, tally: &ReconcileTally) -> std::fmt::Result {
    let read = |value: &AtomicU64| value.load(Ordering::Relaxed);
    let counter = |encoder: &mut DescriptorEncoder, name, help, labelled: &[(&str, u64)]| {
        let mut family = encoder.encode_descriptor(name, help, None, MetricType::Counter)?;
        for (label, value) in labelled {
            let (key, value_label) = label.split_once('=').unwrap_or((label, ""));
            ConstCounter::new(*value).encode(family.encode_family(&[(key, value_label)])?)?;
        }
        Ok::<(), std::fmt::Error>(())
    };
    counter(
        encoder,
        "reconcile_runs",
        "Background reconcile runs (serve --reconcile-every), by outcome",
        &[
            ("outcome=finished", read(&tally.finished_runs)),
            ("outcome=failed", read(&tally.failed_runs)),
        ],
    )?;
    counter(
        encoder,
        "reconcile_findings",
        "Differences background reconcile runs found with Everflow's report, by finding",
        &[
            ("finding=missing", read(&tally.missing)),
            ("finding=changed", read(&tally.changed)),
            (
                "finding=unknown_to_everflow",
                read(&tally.unknown_to_everflow),
            ),
        ],
    )?;
    let archived = ConstCounter::new(read(&tally.archived));
    archived.encode(encoder.encode_descriptor(
        "reconcile_archived",
        "Report rows background reconcile runs archived (missing or changed)",
        None,
        archived.metric_type(),
    )?)?;
    gauge(
        encoder,
        "reconcile_last_success_timestamp_seconds",
        "When the last background reconcile run finished (Unix time; 0 before one did)",
        tally.last_success.load(Ordering::Relaxed) as f64,
    )
}
