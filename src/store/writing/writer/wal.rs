//! Keeps the WAL small under sustained ingest. SQLite starts the log over
//! only when a writer begins a transaction and finds every frame already
//! copied into the database. The background checkpointer copies most frames,
//! but while deliveries keep coming it never quite catches up with the
//! writer, and the log would grow for as long as the load lasts (1.1–1.75 GB
//! measured in 5 minutes of offers). So the writer itself, between batches,
//! once the log holds more than `CATCH_UP_AFTER_FRAMES`, copies the few
//! frames the checkpointer has not (no other writer can add any meanwhile):
//! the next batch then starts the log over. It waits for nobody: if the
//! checkpointer or a reader is in the way, it tries again after the next
//! batch.

use std::cell::Cell;
use std::os::raw::c_int;
use std::time::{Duration, Instant};

use rusqlite::Connection;
use rusqlite::hooks::Wal;

use super::stats::WriterStats;
use crate::store::lock_wait::poll_for_locks;

/// Frames (4 KiB pages) in the WAL past which the writer catches up: 32 MiB.
const CATCH_UP_AFTER_FRAMES: c_int = 8_192;
/// What SQLite truncates the WAL file to when the log starts over.
const WAL_FILE_LIMIT_BYTES: i64 = 64 * 1024 * 1024;

thread_local! {
    /// Frames in the WAL after the writer's last commit (SQLite's WAL hook).
    static FRAMES: Cell<c_int> = const { Cell::new(0) };
}

fn record_frames(_wal: &Wal, frames: c_int) -> rusqlite::Result<()> {
    FRAMES.with(|count| count.set(frames));
    Ok(())
}

/// Sets up the writer's connection; call on the writer thread.
pub fn watch(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row(
        &format!("PRAGMA journal_size_limit = {WAL_FILE_LIMIT_BYTES}"),
        [],
        |_| Ok(()),
    )?;
    conn.wal_hook(Some(record_frames));
    Ok(())
}

/// After a batch: copies what is left of a long WAL into the database.
pub fn catch_up(conn: &Connection, stats: &WriterStats) {
    if FRAMES.with(Cell::get) <= CATCH_UP_AFTER_FRAMES {
        return;
    }
    let started = Instant::now();
    if let Err(e) = conn.busy_timeout(Duration::ZERO) {
        tracing::warn!("cannot catch the WAL up: {e}");
        return;
    }
    let copied = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((
            row.get::<_, i64>(0)?,
            row.get::<_, i64>(1)?,
            row.get::<_, i64>(2)?,
        ))
    });
    if let Err(e) = poll_for_locks(conn) {
        tracing::error!("cannot restore the writer's busy timeout: {e}");
    }
    let caught_up = matches!(copied, Ok((0, frames, copied)) if frames == copied);
    stats.caught_up(started.elapsed(), caught_up);
    if caught_up {
        FRAMES.with(|count| count.set(0));
    }
}
