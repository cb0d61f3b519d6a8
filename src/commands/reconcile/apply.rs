//! `reconcile --apply`: report rows archived as webhook deliveries, through
//! the path `import` and `serve` take.

use crate::config::ReconcileConfig;
use crate::error::Result;
use crate::reconcile::{ReportRow, report_delivery};
use crate::store::bulk::BulkLoader;

/// The archive opened for writing as import opens it: refused while serve
/// runs on it.
pub fn open_loader(config: &ReconcileConfig) -> Result<BulkLoader> {
    crate::commands::import::open_loader(&config.db)
}

/// Archives report rows as webhook deliveries of their kind, their exact
/// JSON text the body, and waits for their commit; how many were stored.
pub fn apply<'r>(
    loader: &mut BulkLoader,
    rows: impl Iterator<Item = &'r ReportRow>,
    api_base: &str,
) -> Result<usize> {
    let mut applied = 0;
    for row in rows {
        match report_delivery(row, api_base) {
            Ok(delivery) => {
                loader.submit(delivery)?;
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
