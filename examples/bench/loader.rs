//! Feeding prepared deliveries straight to the archive's single writer, the way
//! `serve` does after HTTP: the storage ceiling, and the bulk path that builds
//! a large archive exactly as `serve` would have.

use std::collections::VecDeque;
use std::path::Path;

use evarchive::ingest::{Arrival, prepare_delivery};
use evarchive::store::bodies::Dictionaries;
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
    pending: VecDeque<DeliveryReply>,
    pub stored: u64,
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
            archive,
            pending: VecDeque::new(),
            stored: 0,
        })
    }

    /// The dictionaries to prepare deliveries with.
    pub fn dictionaries(&self) -> Arc<Dictionaries> {
        self.archive.dictionaries()
    }

    pub fn submit(&mut self, delivery: IncomingDelivery) -> Result<(), String> {
        if self.pending.len() >= IN_FLIGHT {
            self.settle_one()?;
        }
        let reply = self
            .writer
            .submit_waiting(delivery)
            .map_err(|_| "the writer stopped".to_owned())?;
        self.pending.push_back(reply);
        Ok(())
    }

    fn settle_one(&mut self) -> Result<(), String> {
        if let Some(reply) = self.pending.pop_front() {
            reply
                .blocking_recv()
                .map_err(|e| e.to_string())?
                .map_err(|e| e.to_string())?;
            self.stored += 1;
        }
        Ok(())
    }

    /// Waits for every submitted delivery to be committed, then stops.
    pub fn finish(mut self) -> Result<u64, String> {
        while !self.pending.is_empty() {
            self.settle_one()?;
        }
        self.archive.stop();
        Ok(self.stored)
    }
}

/// A conversion body as `serve` would have prepared it on arrival
/// (compressed with the archive's dictionaries).
pub fn prepared(
    body: Vec<u8>,
    received_at: i64,
    dictionaries: &Dictionaries,
) -> Result<IncomingDelivery, String> {
    prepare_delivery(
        Some(evarchive::everflow::WebhookKind::ConversionRegistered),
        body.into(),
        None,
        Arrival {
            received_at,
            method: "POST",
            sender: Some("127.0.0.1".to_owned()),
            forwarded_for: None,
        },
        dictionaries,
    )
    .map_err(|e| e.to_string())
}
