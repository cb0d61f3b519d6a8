//! `evarchive reconcile`: compares the archive with Everflow's conversions
//! report, day by day, printing one line per difference on stdout and a
//! line per day on stderr; `--apply` archives what is missing or changed
//! through the path webhooks take. Exit 3 when anything differed.
//!
//! After each day the archive notes how far the run got (a setting), so
//! that `--resume` continues an interrupted run from the next day.

mod apply;
mod summary;

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;

use crate::commands::read_output::{self, note_hidden_columns};
use crate::config::ReconcileConfig;
use crate::error::{Error, Result};
use crate::reconcile::{ReportingClient, compare, day_windows, finding_columns, read_bounded};
use crate::store::read::Reader;
use crate::store::reconcile_note::ReconcileNote;
use crate::store::settings::ReconcileProgress;

use summary::{Totals, day_line};

pub fn run(config: ReconcileConfig) -> Result<()> {
    let note = ReconcileNote::open(&config.db)?;
    let reader = Reader::open(&config.db)?;
    let (since, until, done_until) = span(&note, &config)?;
    if !config.resume {
        // A new run replaces the note of an unfinished one.
        note.clear()?;
    }
    let mut loader = config
        .apply
        .then(|| apply::open_loader(&config))
        .transpose()?;
    let mut client = ReportingClient::new(config.api.clone());
    let days: Vec<_> = day_windows(since, until)
        .into_iter()
        .filter(|day| day.end.as_second() > done_until)
        .collect();
    eprintln!(
        "evarchive: reconciling {} → {} with {} ({} day(s))",
        since,
        until,
        config.api.base,
        days.len()
    );
    let (destination, mut sink) =
        read_output::output_sink(config.format, false, config.window.zone.clone(), None)?;
    sink.begin(finding_columns()).map_err(Error::Output)?;
    let progress = progress_bar(days.len() as u64);
    let mut totals = Totals::default();
    for day in &days {
        // A day too full to hold at once comes in shorter windows.
        read_bounded(&mut client, day, &mut |window, read| {
            let archived =
                reader.current_conversions(window.start.as_second(), window.end.as_second())?;
            let comparison = compare(&read.rows, &archived);
            for finding in &comparison.findings {
                sink.row(&finding.values()).map_err(Error::Output)?;
            }
            totals.add(&comparison, &read);
            if let Some(loader) = loader.as_mut() {
                let rows = comparison.to_apply.iter().map(|&i| &read.rows[i]);
                totals.applied += apply::apply(loader, rows, &config.api.base)?;
            }
            progress.suspend(|| {
                eprintln!("{}", day_line(&window.describe(), &read, archived.len()));
            });
            Ok(())
        })?;
        note.record(ReconcileProgress {
            since: since.as_second(),
            until: until.as_second(),
            done_until: day.end.as_second(),
        })?;
        progress.inc(1);
    }
    progress.finish_and_clear();
    note.clear()?;
    sink.finish().map_err(Error::Output)?;
    note_hidden_columns(sink.as_ref(), "use --format csv or json for every column");
    destination.settle(sink, Ok(()))?;
    if let Some(loader) = loader {
        loader.finish()?;
    }
    totals.print(config.apply);
    match totals.findings() {
        0 => Ok(()),
        findings => Err(Error::DifferencesFound { findings }),
    }
}

/// The window to reconcile and the end of what is already done: the
/// command line's, or with --resume the unfinished run's.
fn span(note: &ReconcileNote, config: &ReconcileConfig) -> Result<(Timestamp, Timestamp, i64)> {
    let window = &config.window;
    if !config.resume {
        let since = window.since.unwrap_or(window.until);
        return Ok((since, window.until, i64::MIN));
    }
    let progress = note.read()?.ok_or_else(|| Error::InvalidArgument {
        flag: "--resume",
        why: "the last reconcile run finished (or none ran): there is nothing to resume; give --since instead".to_owned(),
    })?;
    let instant = |seconds| {
        Timestamp::from_second(seconds).map_err(|e| Error::InvalidArgument {
            flag: "--resume",
            why: format!(
                "the archive's note of the last run is not readable ({e}); give --since instead"
            ),
        })
    };
    Ok((
        instant(progress.since)?,
        instant(progress.until)?,
        progress.done_until,
    ))
}

/// Days done out of the days to do, on a terminal only.
fn progress_bar(days: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    ProgressBar::new(days).with_style(
        ProgressStyle::with_template(
            "{spinner} reconciling [{wide_bar}] {pos}/{len} days ETA {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    )
}
