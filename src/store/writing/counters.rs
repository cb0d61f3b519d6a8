//! Running totals per webhook kind (`counters`), kept by the writer in the
//! same transaction as what they count, so `stats` reads a dozen rows instead
//! of scanning the archive.

use std::collections::HashMap;

use rusqlite::{Connection, params};

use crate::everflow::WebhookKind;
use crate::store::incoming::{DeliveryOutcome, StoredDelivery};

/// What one batch adds, per kind.
#[derive(Debug, Default)]
pub struct CounterDeltas {
    by_kind: HashMap<&'static str, Delta>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Delta {
    deliveries: i64,
    redeliveries: i64,
    versions: i64,
    resources: i64,
    refused: i64,
    first_received_at: Option<i64>,
    last_received_at: Option<i64>,
}

/// Where refusals naming no known kind are counted.
const NO_KNOWN_KIND: &str = "";

impl CounterDeltas {
    pub fn delivery(&mut self, kind: WebhookKind, received_at: i64, stored: &StoredDelivery) {
        let delta = self.by_kind.entry(kind.as_str()).or_default();
        delta.deliveries += 1;
        delta.redeliveries += i64::from(stored.outcome == DeliveryOutcome::Duplicate);
        delta.versions += i64::from(stored.new_versions);
        delta.resources += i64::from(stored.new_resources);
        delta.first_received_at = Some(
            delta
                .first_received_at
                .map_or(received_at, |t| t.min(received_at)),
        );
        delta.last_received_at = Some(
            delta
                .last_received_at
                .map_or(received_at, |t| t.max(received_at)),
        );
    }

    /// A refusal under the kind its URL named (known kinds by their
    /// canonical name, anything else under '').
    pub fn refusal(&mut self, kind: Option<&str>) {
        let key = kind
            .and_then(WebhookKind::from_name)
            .map_or(NO_KNOWN_KIND, WebhookKind::as_str);
        self.by_kind.entry(key).or_default().refused += 1;
    }

    /// Adds the deltas to the stored counters.
    pub fn write(&self, conn: &Connection) -> rusqlite::Result<()> {
        let mut upsert = conn.prepare_cached(
            "INSERT INTO counters (kind, deliveries, redeliveries, versions, resources, refused,
                                   first_received_at, last_received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (kind) DO UPDATE SET
                deliveries = deliveries + excluded.deliveries,
                redeliveries = redeliveries + excluded.redeliveries,
                versions = versions + excluded.versions,
                resources = resources + excluded.resources,
                refused = refused + excluded.refused,
                first_received_at = coalesce(min(first_received_at, excluded.first_received_at),
                                             first_received_at, excluded.first_received_at),
                last_received_at = coalesce(max(last_received_at, excluded.last_received_at),
                                            last_received_at, excluded.last_received_at)",
        )?;
        for (kind, d) in &self.by_kind {
            upsert.execute(params![
                kind,
                d.deliveries,
                d.redeliveries,
                d.versions,
                d.resources,
                d.refused,
                d.first_received_at,
                d.last_received_at
            ])?;
        }
        Ok(())
    }
}
