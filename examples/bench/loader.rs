//! Feeding prepared deliveries straight to the archive's single writer, the way
//! `serve` does after HTTP: the storage ceiling, and the bulk path that builds
//! a large archive exactly as `serve` would have.

use std::collections::VecDeque;
use std::path::Path;

use evarchive::everflow::WebhookKind;
use evarchive::ingest::{Arrival, prepare_delivery};
use evarchive::store::compression::{BaseKey, Compression};
use evarchive::store::writer::DeliveryReply;
use evarchive::store::{
    Archive, ArchiveOptions, IncomingDelivery, TrainingRules, WriterHandle, WriterLimits,
};
use std::sync::Arc;

/// Replies awaited at most before submitting more.
const IN_FLIGHT: usize = 8192;

pub struct Loader {
    archive: Archive,
    writer: WriterHandle,
    compression: Arc<Compression>,
    pending: VecDeque<Pending>,
    pub stored: u64,
}

/// A delivery awaiting its commit, with what its body's base needs.
struct Pending {
    reply: DeliveryReply,
    base: Option<(BaseKey, Option<i64>, Vec<u8>)>,
}

impl Loader {
    /// `experiment`: SQL run on the archive before loading (e.g. to measure
    /// what an index costs by dropping it); empty in real measurements.
    pub fn open(db: &Path, max_batch: usize, experiment: &str) -> Result<Loader, String> {
        let options = ArchiveOptions {
            writer_limits: WriterLimits {
                max_batch,
                ..WriterLimits::default()
            },
            disk_reserve: 0,
            token: Some("bench-token-0123456789".to_owned()),
            token_candidate: String::new(),
            // Train as soon as there are enough bodies, as a long-running
            // serve would have by then.
            training: TrainingRules {
                every: std::time::Duration::from_secs(1),
                ..TrainingRules::default()
            },
        };
        if !experiment.is_empty() {
            Archive::open(db, options.clone())
                .map_err(|e| e.to_string())?
                .stop();
            rusqlite::Connection::open(db)
                .and_then(|conn| conn.execute_batch(experiment))
                .map_err(|e| e.to_string())?;
        }
        let archive = Archive::open(db, options).map_err(|e| e.to_string())?;
        Ok(Loader {
            writer: archive.writer(),
            compression: archive.compression(),
            archive,
            pending: VecDeque::new(),
            stored: 0,
        })
    }

    /// What to prepare deliveries with (on another thread, as serve's
    /// HTTP workers do).
    pub fn compression(&self) -> Arc<Compression> {
        Arc::clone(&self.compression)
    }

    /// Submits a prepared delivery; `raw` is its body as received, needed
    /// only for a body that may become its resource's base.
    pub fn submit(
        &mut self,
        delivery: IncomingDelivery,
        raw: Option<Vec<u8>>,
    ) -> Result<(), String> {
        if self.pending.len() >= IN_FLIGHT {
            self.settle_one()?;
        }
        let base = match (delivery.base_key.clone(), raw) {
            (Some(key), Some(raw)) => Some((key, delivery.body.reference_body_id, raw)),
            _ => None,
        };
        let reply = self
            .writer
            .submit_waiting(delivery)
            .map_err(|_| "the writer stopped".to_owned())?;
        self.pending.push_back(Pending { reply, base });
        Ok(())
    }

    /// Waits until everything submitted is committed (as serve's pace
    /// would have it before an edit of the same resource arrives).
    pub fn settle(&mut self) -> Result<(), String> {
        while !self.pending.is_empty() {
            self.settle_one()?;
        }
        Ok(())
    }

    fn settle_one(&mut self) -> Result<(), String> {
        if let Some(pending) = self.pending.pop_front() {
            let stored = pending
                .reply
                .blocking_recv()
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
            if let Some((key, reference, raw)) = pending.base
                && stored.new_versions > 0
            {
                self.compression
                    .committed(Some(&key), reference, stored.body_id, &raw);
            }
            self.stored += 1;
        }
        Ok(())
    }

    /// Waits for every submitted delivery to be committed, then stops.
    pub fn finish(mut self) -> Result<u64, String> {
        self.settle()?;
        self.archive.stop();
        Ok(self.stored)
    }
}

/// A conversion body as `serve` would have prepared it on arrival
/// (compressed with the archive's dictionaries).
pub fn prepared(
    body: Vec<u8>,
    received_at: i64,
    compression: &Compression,
) -> Result<IncomingDelivery, String> {
    prepared_as(
        WebhookKind::ConversionRegistered,
        body,
        received_at,
        compression,
    )
}

/// A body of `kind` as `serve` would have prepared it on arrival.
pub fn prepared_as(
    kind: WebhookKind,
    body: Vec<u8>,
    received_at: i64,
    compression: &Compression,
) -> Result<IncomingDelivery, String> {
    prepare_delivery(
        Some(kind),
        body.into(),
        None,
        Arrival {
            received_at,
            method: "POST",
            sender: Some("127.0.0.1".to_owned()),
            forwarded_for: None,
        },
        compression,
    )
    .map_err(|e| e.to_string())
}
