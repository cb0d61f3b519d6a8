//! `evarchive prune`: remove what nothing has arrived about for a given time
//! (see `store::prune`), safe while `serve` runs.

use std::io::IsTerminal;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::config::PruneConfig;
use crate::error::Result;
use crate::store::WriteTimes;
use crate::store::open::{OpenMode, open_archive};
use crate::store::prune::{Pass, Pruned, prune};

pub fn run(config: PruneConfig) -> Result<()> {
    let (mut conn, _) = open_archive(&config.db, OpenMode::Existing)?;
    let progress = if std::io::stderr().is_terminal() {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template("{spinner} {msg} [{wide_bar}] {percent}% ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    eprintln!(
        "evarchive: {} what nothing has arrived about since before {} ({} ago)",
        if config.dry_run {
            "counting, without removing anything,"
        } else {
            "removing"
        },
        cutoff_text(&config),
        config.older_than
    );
    let started = Instant::now();
    let pruned = prune(
        &mut conn,
        &config.rules,
        config.dry_run,
        |pass, done, total| {
            progress.set_message(match pass {
                Pass::Versions => "versions",
                Pass::Deliveries => "deliveries and bodies",
                Pass::Vacuum => "giving space back",
            });
            progress.set_length(u64::try_from(total).unwrap_or(0));
            progress.set_position(u64::try_from(done).unwrap_or(0));
            true
        },
    )?;
    progress.finish_and_clear();
    println!(
        "{}",
        summary(&config, &pruned, started.elapsed().as_secs_f64())
    );
    if !config.dry_run {
        eprintln!("evarchive: {}", held_lock(&pruned.writes));
    }
    Ok(())
}

/// The cutoff as an instant, to the second.
fn cutoff_text(config: &PruneConfig) -> String {
    jiff::Timestamp::from_millisecond(config.rules.cutoff_ms).map_or_else(
        |_| config.older_than.clone(),
        |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// What was (or would be) removed, and the space it gave.
pub fn summary(config: &PruneConfig, pruned: &Pruned, seconds: f64) -> String {
    let cutoff = cutoff_text(config);
    let removed = format!(
        "{} versions ({} resources whole), {} deliveries, {} bodies ({} as stored)",
        pruned.versions,
        pruned.resources,
        pruned.deliveries,
        pruned.bodies,
        mib(pruned.body_bytes),
    );
    if config.dry_run {
        return format!(
            "would prune what nothing has arrived about since {cutoff} ({}): {removed}; nothing was changed (dry run, {seconds:.1} s)",
            config.older_than
        );
    }
    format!(
        "pruned what nothing has arrived about since {cutoff} ({}): {removed}; archive in use {} → {} ({} freed) in {seconds:.1} s. Pruned raw bodies are gone for good",
        config.older_than,
        mib(pruned.bytes_in_use_before),
        mib(pruned.bytes_in_use_after),
        mib(pruned
            .bytes_in_use_before
            .saturating_sub(pruned.bytes_in_use_after)),
    )
}

/// How long maintenance held the write lock serve's writer waits for.
pub fn held_lock(writes: &WriteTimes) -> String {
    format!(
        "{} write transactions, the longest held the write lock {:.1} ms",
        writes.transactions,
        writes.longest.as_secs_f64() * 1000.0
    )
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
