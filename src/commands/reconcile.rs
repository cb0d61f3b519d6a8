//! `evarchive reconcile`: compares the archive with Everflow's conversions
//! report, day by day, printing one line per difference on stdout and a
//! summary per day on stderr; `--apply` archives what is missing or changed
//! through the path webhooks take. Exit 3 when anything differed.

use bytes::Bytes;

use crate::commands::reading::{self, note_hidden_columns};
use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::ingest::{Arrival, prepare_delivery};
use crate::reconcile::{
    FindingKind, ReportRow, ReportingClient, WindowRead, compare, day_windows, finding_columns,
    read_window,
};
use crate::server::generate_token;
use crate::store::bulk::BulkLoader;
use crate::store::read::{current_conversions, open_reader};
use crate::store::{ArchiveOptions, TrainingRules, WriterLimits};

/// The `method` an archived report row is recorded with: the `deliveries`
/// table allows only `declared`/`detected` as kind sources, and the kind of
/// a report row is declared by its `is_event`; the method says where it came
/// from (webhooks arrive by POST or GET).
pub const API_METHOD: &str = "API";

/// What the whole run found, for the last lines on stderr.
#[derive(Debug, Default)]
struct Totals {
    missing: usize,
    changed: usize,
    unknown: usize,
    matched_by_id: usize,
    matched_by_transaction: usize,
    applied: usize,
    not_applicable: usize,
    unstable_windows: usize,
}

pub fn run(config: ReconcileConfig) -> Result<()> {
    let reader = open_reader(&config.db)?;
    let mut loader = config.apply.then(|| open_loader(&config)).transpose()?;
    let mut client = ReportingClient::new(config.api.clone());
    let window = &config.window;
    eprintln!(
        "evarchive: reconciling {} with {}",
        window.describe(),
        config.api.base
    );
    let (destination, mut sink) =
        reading::output_sink(config.format, false, window.zone.clone(), None)?;
    sink.begin(finding_columns()).map_err(Error::Output)?;
    let mut totals = Totals::default();
    let since = window.since.unwrap_or(window.until);
    for day in day_windows(since, window.until) {
        let read = read_window(&mut client, &day)?;
        let archived = current_conversions(&reader, day.start.as_second(), day.end.as_second())?;
        let comparison = compare(&read.rows, &archived);
        for finding in &comparison.findings {
            sink.row(&finding.values()).map_err(Error::Output)?;
            match finding.kind {
                FindingKind::Missing => totals.missing += 1,
                FindingKind::Changed => totals.changed += 1,
                FindingKind::UnknownToEverflow => totals.unknown += 1,
            }
        }
        totals.matched_by_id += comparison.matched_by_id;
        totals.matched_by_transaction += comparison.matched_by_transaction;
        totals.not_applicable += comparison.not_applicable;
        if let Some(loader) = loader.as_mut() {
            let rows = comparison.to_apply.iter().map(|&i| &read.rows[i]);
            totals.applied += apply(loader, rows, &config.api.base)?;
        }
        if !read.stable {
            totals.unstable_windows += 1;
        }
        summarize_window(&day.describe(), &read, archived.len());
    }
    sink.finish().map_err(Error::Output)?;
    note_hidden_columns(sink.as_ref(), "use --format csv or json for every column");
    destination.settle(sink, Ok(()))?;
    if let Some(loader) = loader {
        loader.finish()?;
    }
    summarize(&totals, config.apply);
    let findings = totals.missing + totals.changed + totals.unknown;
    if findings > 0 {
        return Err(Error::DifferencesFound { findings });
    }
    Ok(())
}

/// The archive opened for writing as import opens it: refused while serve
/// runs on it.
fn open_loader(config: &ReconcileConfig) -> Result<BulkLoader> {
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
/// JSON text the body; how many were stored.
fn apply<'r>(
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

fn summarize_window(day: &str, read: &WindowRead, archived: usize) {
    let unstable = if read.stable {
        ""
    } else {
        "; its total changed while it was read, twice: run again later"
    };
    eprintln!(
        "evarchive: {day}: Everflow {}, archive {archived} ({} page(s), total_count {}){unstable}",
        read.rows.len(),
        read.pages,
        read.total_count,
    );
    if !read.unreadable.is_empty() {
        eprintln!(
            "evarchive: {day}: {} report row(s) could not be read as conversions (first: {})",
            read.unreadable.len(),
            read.unreadable[0]
        );
    }
}

fn summarize(totals: &Totals, apply: bool) {
    eprintln!(
        "evarchive: {} missing, {} changed, {} unknown to Everflow; matched {} by conversion_id, {} by transaction_id + event",
        totals.missing,
        totals.changed,
        totals.unknown,
        totals.matched_by_id,
        totals.matched_by_transaction
    );
    if apply {
        eprintln!(
            "evarchive: archived {} report row(s) from the API",
            totals.applied
        );
        if totals.not_applicable > 0 {
            eprintln!(
                "evarchive: {} changed conversion(s) matched only by transaction_id were not archived: Everflow spells their conversion_id differently, and archiving them would count them twice",
                totals.not_applicable
            );
        }
    }
    if totals.unstable_windows > 0 {
        eprintln!(
            "evarchive: {} day(s) changed while they were read; their findings may be incomplete",
            totals.unstable_windows
        );
    }
}
