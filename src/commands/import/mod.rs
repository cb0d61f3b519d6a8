//! `evarchive import FILE|-`: deliveries from a file, through the exact path
//! `serve` takes after HTTP (the same validation, deduplication and
//! versions). Two kinds of line:
//!
//! - `evarchive dump` lines (`{"kind":…,"received_at":…,"method":…,"body":…}`):
//!   each delivery again with its arrival time, method, sender and exact body,
//!   so `dump | import` into a new archive reproduces it;
//! - with `--kind KIND`, one Everflow body a line (NDJSON), received now.
//!
//! A line that cannot be archived is refused as `serve` would refuse it (or
//! because it is not UTF-8, longer than `--max-body` allows, or its body does
//! not match its SHA-256): counted, listed on stderr with its line number and
//! reason, and the rest goes on. The summary says what was committed, what
//! was refused and where to go on from (exit 4 when lines were refused, 1
//! when the run stopped).

mod commits;
mod line;
mod lines;
mod progress;
mod summary;

use std::fs::File;
use std::io::{BufReader, Read};

use crate::config::ImportConfig;
use crate::error::{Error, Result};
use crate::everflow::{BodyError, ReadDelivery, query_document, read_delivery};
use crate::server::generate_token;
use crate::store::bulk::BulkLoader;
use crate::store::{ArchiveOptions, TrainingRules, WriterLimits};

use commits::Commits;
use line::{Refusal, delivery_of};
use lines::{BoundedLines, Line};
use progress::progress_bar;
use summary::{Ending, Stop, Tally};

/// Refused lines listed one by one; past this, only counted.
const LISTED_REFUSALS: u64 = 100;
/// What a dump line holds besides its body (times, kind, sender…).
const DUMP_LINE_FIELDS: usize = 64 * 1024;

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
    let progress = progress_bar(size);
    let mut lines = BoundedLines::new(
        BufReader::with_capacity(256 * 1024, input),
        line_limit(&config),
    );
    let mut tally = Tally::default();
    let mut commits = Commits::default();
    let mut stopped = None;
    loop {
        let number = tally.lines + 1;
        let line = match lines.next_line() {
            Ok(Some(line)) => line,
            Ok(None) => break,
            Err(source) => {
                let context = format!("cannot read line {number}");
                stopped = Some((number, Error::Io { context, source }));
                break;
            }
        };
        tally.lines = number;
        let outcome = match line {
            Line::TooLong { length } => {
                progress.inc(length + 1);
                Err(Refusal::new(
                    "line_too_long",
                    format!(
                        "{length} bytes, longer than a line holding a body of --max-body {} (EVARCHIVE_MAX_BODY) can be; not read",
                        config.max_body
                    ),
                ))
            }
            Line::Bytes(bytes) => {
                progress.inc(bytes.len() as u64 + 1);
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    tally.blank += 1;
                    continue;
                }
                tally.note_first_line(bytes);
                read(bytes, &config)
            }
        };
        match outcome {
            Ok(delivery) => {
                if let Err(e) = commits.submit(&mut loader, number, delivery) {
                    stopped = Some((number, e));
                    break;
                }
            }
            Err(refusal) => {
                tally.refuse(number, refusal.reason);
                if tally.refused() <= LISTED_REFUSALS {
                    progress.suspend(|| {
                        eprintln!(
                            "evarchive: line {number} refused: {} ({})",
                            refusal.detail, refusal.reason
                        );
                    });
                }
            }
        }
    }
    progress.finish_and_clear();
    // What was submitted is committed before the summary speaks of it.
    let settled = commits.settle(&mut loader);
    let stop = match (&stopped, &settled) {
        (Some((line, _)), Ok(())) => Some(Stop {
            line: *line,
            resume_from: *line,
        }),
        (Some((line, _)), Err(_)) => Some(Stop {
            line: *line,
            resume_from: commits.resume_from(),
        }),
        (None, Err(_)) => Some(Stop {
            line: tally.lines,
            resume_from: commits.resume_from(),
        }),
        (None, Ok(())) => None,
    };
    let finished = match settled {
        Ok(()) => loader.finish(),
        Err(e) => Err(e),
    };
    let outcomes = match &finished {
        Ok(outcomes) => outcomes.clone(),
        Err(_) => commits.outcomes.clone(),
    };
    let ending = Ending {
        db: &config.db,
        file: config.file.as_deref(),
        kind: config.kind.map(|kind| kind.as_str()),
        outcomes: &outcomes,
        stop,
    };
    for line in tally.summary(&ending) {
        eprintln!("{line}");
    }
    if let Some((_, error)) = stopped {
        return Err(error);
    }
    finished?;
    match tally.refused() {
        0 => Ok(()),
        refused => Err(Error::ImportRefused { refused }),
    }
}

/// The longest line read: a body of `--max-body` with --kind; a dump line
/// holds its body as JSON text or hex, at most twice its bytes (a body serve
/// accepts has no control character but \t, \n and \r), and its fields.
fn line_limit(config: &ImportConfig) -> usize {
    match config.kind {
        Some(_) => config.max_body,
        None => config
            .max_body
            .saturating_mul(2)
            .saturating_add(DUMP_LINE_FIELDS),
    }
}

/// A line's delivery read as serve would read it, or why not.
fn read(bytes: &[u8], config: &ImportConfig) -> std::result::Result<ReadDelivery, Refusal> {
    let given = delivery_of(bytes, config.kind, config.max_body)?;
    let is_get = given.arrival.method == "GET";
    let document = is_get.then(|| query_document(&String::from_utf8_lossy(&given.raw)));
    read_delivery(
        given.declared,
        given.raw,
        document.as_ref().map(String::as_bytes),
        given.arrival,
    )
    .map_err(|e: BodyError| Refusal::new(e.code(), e.to_string()))
}
