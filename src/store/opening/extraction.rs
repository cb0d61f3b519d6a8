//! Which extraction made an archive's typed rows, and bringing them to this
//! release's. The raw body is the archive's record; typed rows are what this
//! release's extraction reads from it. When the extraction changes (a field
//! read from another place, a rule such as version 7's dating), rows written
//! by an earlier one no longer match their bodies: `serve` re-extracts them
//! when it opens such an archive, and records the version, so that `verify`
//! afterwards finds the rows and the bodies in agreement.

use std::time::Instant;

use rusqlite::Connection;

use crate::error::Result;
use crate::store::open::ArchiveState;
use crate::store::reindex::reindex;
use crate::store::settings;

/// This release's extraction. Bump it with every change to what
/// `src/everflow/extract` or `src/store/writing/typed_rows.rs` write for a body.
///
/// 1: every release before it (unrecorded); 2: every record dated (schema
/// version 7), a sign-up's country from `sign_up.relationship`, an event
/// `"Base"` read as the base conversion; 3: an offer's payout and revenue
/// (schema version 8, whose migration leaves them to this re-extraction).
pub const EXTRACTION_VERSION: i64 = 3;

/// How the archive's extraction compares with this release's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtractionAge {
    Current,
    /// Made by an earlier extraction (the version, 1 when unrecorded).
    Older(i64),
    /// Made by a later release's extraction: left as it is.
    Newer(i64),
}

pub fn extraction_age(conn: &Connection) -> Result<ExtractionAge> {
    let recorded = settings::extraction_version(conn)?.unwrap_or(1);
    Ok(match recorded.cmp(&EXTRACTION_VERSION) {
        std::cmp::Ordering::Equal => ExtractionAge::Current,
        std::cmp::Ordering::Less => ExtractionAge::Older(recorded),
        std::cmp::Ordering::Greater => ExtractionAge::Newer(recorded),
    })
}

/// Makes the typed rows of the archive `serve` just opened this release's
/// own: records the version in a new archive, re-extracts an older one.
/// Runs before `serve` listens, in short transactions (see `reindex`); a
/// start interrupted midway re-extracts again at the next start, since the
/// version is recorded only at the end.
pub fn bring_up_to_date(conn: &mut Connection, state: ArchiveState) -> Result<()> {
    if state == ArchiveState::Created {
        settings::record_extraction_version(conn, EXTRACTION_VERSION)?;
        return Ok(());
    }
    let ExtractionAge::Older(recorded) = extraction_age(conn)? else {
        return Ok(());
    };
    tracing::info!(
        "re-extracting the typed rows from the stored bodies: they were made by extraction {recorded}, this release's is {EXTRACTION_VERSION}"
    );
    let started = Instant::now();
    let mut last_report = Instant::now();
    let done = reindex(conn, |n, total| {
        if last_report.elapsed().as_secs() >= 10 {
            last_report = Instant::now();
            tracing::info!("re-extracting: {n} of {total} versions");
        }
    })?;
    tracing::info!(
        "re-extracted {} versions in {:.1} s: {} typed rows rewritten, {} whose body could not be read left as they were",
        done.versions,
        started.elapsed().as_secs_f64(),
        done.rewritten,
        done.skipped
    );
    Ok(())
}
