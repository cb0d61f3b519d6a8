//! `evarchive reindex`: typed rows made again from the stored bodies (see
//! `store::reindex`), safe while `serve` runs.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::prune::held_lock;
use crate::error::Result;
use crate::store::open::{OpenMode, open_archive};
use crate::store::reindex::reindex;

pub fn run(db: &Path) -> Result<()> {
    let (mut conn, _) = open_archive(db, OpenMode::Existing)?;
    let progress = if std::io::stderr().is_terminal() {
        ProgressBar::new(0).with_style(
            ProgressStyle::with_template(
                "{spinner} reindexing [{wide_bar}] {pos}/{len} versions ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    let started = Instant::now();
    let done = reindex(&mut conn, |n, total| {
        progress.set_length(total);
        progress.set_position(n);
    })?;
    progress.finish_and_clear();
    eprintln!(
        "evarchive: reindexed {} versions in {:.1} s: {} typed rows rewritten, {} whose body could not be read again left as they were{}; {}",
        done.versions,
        started.elapsed().as_secs_f64(),
        done.rewritten,
        done.skipped,
        if done.skipped > 0 {
            " (`evarchive verify` names them)"
        } else {
            ""
        },
        held_lock(&done.writes)
    );
    Ok(())
}
