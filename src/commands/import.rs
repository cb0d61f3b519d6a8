//! `evarchive import FILE|-`: deliveries from a file, through the exact path
//! `serve` takes after HTTP (the same validation, deduplication and
//! versions). Two kinds of line:
//!
//! - `evarchive dump` lines (`{"kind":…,"received_at":…,"method":…,"body":…}`):
//!   each delivery again with its arrival time, method, sender and exact body,
//!   so `dump | import` into a new archive reproduces it;
//! - with `--kind KIND`, one Everflow body a line (NDJSON), received now.
//!
//! A line that cannot be archived is refused as `serve` would refuse it:
//! counted, listed on stderr with its line number and reason, and the rest
//! goes on (exit 1 at the end if any was refused).

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::time::Instant;

use bytes::Bytes;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Deserialize;

use crate::config::ImportConfig;
use crate::error::{Error, Result};
use crate::everflow::WebhookKind;
use crate::ingest::{Arrival, prepare_delivery, query_document};
use crate::server::generate_token;
use crate::store::bulk::BulkLoader;
use crate::store::{ArchiveOptions, TrainingRules, WriterLimits};

/// Refused lines listed one by one; past this, only counted.
const LISTED_REFUSALS: usize = 100;

/// What a `dump` line carries that import needs.
#[derive(Debug, Deserialize)]
struct DumpLine {
    kind: String,
    kind_source: Option<String>,
    received_at: String,
    method: String,
    sender: Option<String>,
    forwarded_for: Option<String>,
    body: String,
}

/// The archive opened for loading without serve (refused while serve runs
/// on it): import's, and `reconcile --apply`'s.
pub(crate) fn open_loader(db: &std::path::Path) -> Result<BulkLoader> {
    let token_candidate = generate_token().map_err(|source| Error::Io {
        context: "cannot generate a token from the system random source".to_owned(),
        source,
    })?;
    BulkLoader::open(
        db,
        ArchiveOptions {
            writer_limits: WriterLimits::default(),
            disk_reserve: 0,
            token: None,
            token_candidate,
            webhook_url_base: None,
            training: TrainingRules::default(),
            retention: None,
            adopt_archive: false,
        },
    )
}

pub fn run(config: ImportConfig) -> Result<()> {
    let (input, size): (Box<dyn Read>, Option<u64>) = match &config.file {
        None => (Box::new(std::io::stdin().lock()), None),
        Some(path) => {
            let file = File::open(path).map_err(|source| Error::Io {
                context: format!("cannot open {}", path.display()),
                source,
            })?;
            let size = file.metadata().ok().map(|m| m.len());
            (Box::new(file), size)
        }
    };
    let mut loader = open_loader(&config.db)?;
    let compression = loader.compression();
    let progress = progress_bar(size);
    let started = Instant::now();
    let mut refused = 0usize;
    let mut lines = 0usize;
    for (index, line) in BufReader::new(input).lines().enumerate() {
        let number = index + 1;
        let line = line.map_err(|source| Error::Io {
            context: format!("cannot read line {number}"),
            source,
        })?;
        progress.inc(line.len() as u64 + 1);
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        let prepared = delivery_of(&line, config.kind).and_then(|(declared, raw, arrival)| {
            let is_get = arrival.method == "GET";
            let document = is_get.then(|| query_document(&String::from_utf8_lossy(&raw)));
            prepare_delivery(
                declared,
                raw.clone(),
                document.as_ref().map(String::as_bytes),
                arrival,
                &compression,
            )
            .map(|delivery| (delivery, raw))
            .map_err(|e| format!("{} ({})", e, e.code()))
        });
        match prepared {
            Ok((delivery, raw)) => {
                // Only a body that may become its resource's base is kept
                // past its commit (offers, advertisers, partners).
                let base = delivery.base_key.is_some().then(|| raw.to_vec());
                let may_be_base = base.is_some();
                loader.submit(delivery, base)?;
                // Committed before the next line is compressed, so that the
                // next version of the same offer is kept against it as
                // serve would keep it (offers, advertisers and partners are
                // few; conversions stay pipelined).
                if may_be_base {
                    loader.settle()?;
                }
            }
            Err(why) => {
                refused += 1;
                if refused <= LISTED_REFUSALS {
                    progress.suspend(|| eprintln!("evarchive: line {number} refused: {why}"));
                }
            }
        }
    }
    progress.finish_and_clear();
    let outcomes = loader.finish()?;
    let stored: u64 = outcomes.values().sum();
    let by_outcome: Vec<String> = outcomes
        .iter()
        .map(|(outcome, count)| format!("{count} {outcome}"))
        .collect();
    eprintln!(
        "evarchive: imported {stored} of {lines} lines into {} in {:.1} s ({}); {refused} refused",
        config.db.display(),
        started.elapsed().as_secs_f64(),
        if by_outcome.is_empty() {
            "none stored".to_owned()
        } else {
            by_outcome.join(", ")
        },
    );
    if refused > 0 {
        return Err(Error::ImportRefused { refused });
    }
    Ok(())
}

/// The delivery a line holds: a plain body of `kind` received now, or a
/// `dump` line as it was received.
fn delivery_of(
    line: &str,
    kind: Option<WebhookKind>,
) -> std::result::Result<(Option<WebhookKind>, Bytes, Arrival), String> {
    if let Some(kind) = kind {
        let arrival = Arrival {
            received_at: jiff::Timestamp::now().as_millisecond(),
            method: "POST",
            sender: None,
            forwarded_for: None,
        };
        return Ok((Some(kind), Bytes::copy_from_slice(line.as_bytes()), arrival));
    }
    let dumped: DumpLine = serde_json::from_str(line).map_err(|e| {
        format!("not an `evarchive dump` line ({e}); for one Everflow body a line, give --kind")
    })?;
    let kind = WebhookKind::from_name(&dumped.kind)
        .ok_or_else(|| format!("names no webhook kind ('{}')", dumped.kind))?;
    let received_at = dumped
        .received_at
        .parse::<jiff::Timestamp>()
        .map_err(|e| format!("received_at '{}': {e}", dumped.received_at))?
        .as_millisecond();
    let method = match dumped.method.as_str() {
        "GET" => "GET",
        "POST" => "POST",
        // A report row `reconcile --apply` archived.
        "API" => crate::reconcile::API_METHOD,
        other => return Err(format!("method '{other}' (GET, POST or API)")),
    };
    // A detected kind is detected again, as it was.
    let declared = (dumped.kind_source.as_deref() != Some("detected")).then_some(kind);
    let arrival = Arrival {
        received_at,
        method,
        sender: dumped.sender,
        forwarded_for: dumped.forwarded_for,
    };
    Ok((declared, Bytes::from(dumped.body.into_bytes()), arrival))
}

/// A bar on a terminal (by bytes of a file, a spinner for a pipe); nothing
/// otherwise.
fn progress_bar(size: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match size {
        Some(size) => ProgressBar::new(size).with_style(
            ProgressStyle::with_template(
                "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        ),
        None => ProgressBar::new_spinner().with_style(
            ProgressStyle::with_template("{spinner} importing {bytes} {bytes_per_sec}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        ),
    }
}
