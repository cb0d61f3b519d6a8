//! `reconcile --apply`: report rows archived as webhook deliveries, through
//! the path `import` and `serve` take.

use bytes::Bytes;

use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::ingest::{Arrival, prepare_delivery};
use crate::reconcile::ReportRow;
use crate::server::generate_token;
use crate::store::bulk::BulkLoader;
use crate::store::{ArchiveOptions, TrainingRules, WriterLimits};

/// The `method` an archived report row is recorded with: the `deliveries`
/// table allows only `declared`/`detected` as kind sources, and the kind of
/// a report row is declared by its `is_event`; the method says where it came
/// from (webhooks arrive by POST or GET).
pub const API_METHOD: &str = "API";

/// The archive opened for writing as import opens it: refused while serve
/// runs on it.
pub fn open_loader(config: &ReconcileConfig) -> Result<BulkLoader> {
    let token_candidate = generate_token().map_err(|source| Error::Io {
        context: "cannot generate a token from the system random source".to_owned(),
        source,
    })?;
    BulkLoader::open(
        &config.db,
        ArchiveOptions {
            writer_limits: WriterLimits::default(),
            disk_reserve: 0,
            token: None,
            token_candidate,
            webhook_url_base: None,
            training: TrainingRules::default(),
            retention: None,
        },
    )
}

/// Archives report rows as webhook deliveries of their kind, their exact
/// JSON text the body, and waits for their commit; how many were stored.
pub fn apply<'r>(
    loader: &mut BulkLoader,
    rows: impl Iterator<Item = &'r ReportRow>,
    api_base: &str,
) -> Result<usize> {
    let compression = loader.compression();
    let mut applied = 0;
    for row in rows {
        let arrival = Arrival {
            received_at: jiff::Timestamp::now().as_millisecond(),
            method: API_METHOD,
            sender: Some(api_base.to_owned()),
            forwarded_for: None,
        };
        let raw = Bytes::from(row.raw.clone().into_bytes());
        match prepare_delivery(Some(row.kind), raw, None, arrival, &compression) {
            Ok(delivery) => {
                loader.submit(delivery, None)?;
                applied += 1;
            }
            Err(why) => eprintln!(
                "evarchive: conversion {} not archived: {why} ({})",
                row.conversion_id(),
                why.code()
            ),
        }
    }
    loader.settle()?;
    Ok(applied)
}
