//! Feeding prepared deliveries straight to the archive's single writer, the way
//! `serve` does after HTTP: the storage ceiling, and the bulk path that builds
//! a large archive exactly as `serve` would have.

use std::path::Path;

use evarchive::everflow::WebhookKind;
use evarchive::everflow::{Arrival, read_delivery};
use evarchive::store::bulk::BulkLoader;
use evarchive::store::{Archive, ArchiveOptions, Intake, Kept, TrainingRules, WriterLimits};

/// The library's bulk loader on an archive set up for measuring, with the
/// harness's `String` errors.
pub struct Loader(BulkLoader);

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
            webhook_url_base: None,
            retention: None,
            adopt_archive: false,
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
        BulkLoader::open(db, options)
            .map(Loader)
            .map_err(|e| e.to_string())
    }

    /// The archive's write door, to keep deliveries with on any thread (as
    /// serve's HTTP workers do).
    pub fn intake(&self) -> Intake {
        self.0.intake()
    }

    /// Deliveries committed so far.
    pub fn stored(&self) -> u64 {
        self.0.stored()
    }

    pub fn submit(&mut self, delivery: Kept) -> Result<(), String> {
        self.0
            .submit_kept(delivery)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    pub fn settle(&mut self) -> Result<(), String> {
        self.0.settle().map_err(|e| e.to_string())
    }

    /// Waits for every submitted delivery to be committed, then stops;
    /// how many were stored.
    pub fn finish(self) -> Result<u64, String> {
        let outcomes = self.0.finish().map_err(|e| e.to_string())?;
        Ok(outcomes.values().sum())
    }
}

/// A conversion body as `serve` would have prepared it on arrival
/// (compressed with the archive's dictionaries).
pub fn prepared(body: Vec<u8>, received_at: i64, intake: &Intake) -> Result<Kept, String> {
    prepared_as(WebhookKind::ConversionRegistered, body, received_at, intake)
}

/// A body of `kind` as `serve` would have prepared it on arrival.
pub fn prepared_as(
    kind: WebhookKind,
    body: Vec<u8>,
    received_at: i64,
    intake: &Intake,
) -> Result<Kept, String> {
    read_delivery(
        Some(kind),
        body.into(),
        None,
        Arrival {
            received_at,
            method: "POST",
            sender: Some("127.0.0.1".to_owned()),
            forwarded_for: None,
        },
    )
    .map(|delivery| intake.keep(delivery))
    .map_err(|e| e.to_string())
}
