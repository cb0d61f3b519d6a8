//! `evarchive backup FILE`: a consistent copy of the archive, safe while
//! `serve` runs (see `store::backup`).

use std::path::Path;
use std::time::Instant;

use crate::error::Result;
use crate::store::backup::back_up;
use crate::store::open::{OpenMode, open_archive};

pub fn run(db: &Path, target: &Path) -> Result<()> {
    let (conn, _) = open_archive(db, OpenMode::Existing)?;
    let started = Instant::now();
    let bytes = back_up(&conn, db, target)?;
    eprintln!(
        "evarchive: backed up {} to {} ({:.1} MiB) in {:.1} s; to restore it, stop serve and copy it over the archive (see the README)",
        db.display(),
        target.display(),
        bytes as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
