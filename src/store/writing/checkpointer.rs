//! Moves committed pages from the WAL into the database file in the background,
//! and watches the disk while it is at it.
//!
//! SQLite would otherwise checkpoint inside a commit every ~1000 pages,
//! stalling every delivery of that batch behind a large write and an extra
//! fsync. Every pass also measures free space (deliveries wait below the
//! reserve, see `disk`), checks that the archive file is still the one
//! opened, and reports what it found to `ArchiveHealth`.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use crate::error::Result;
use crate::store::acknowledged::Acknowledged;
use crate::store::disk::DiskGuard;
use crate::store::identity::ArchiveFile;
use crate::store::open::{OpenMode, open_archive};
use crate::store::write_health::ArchiveHealth;

const INTERVAL: Duration = Duration::from_millis(100);
/// The longest a checkpoint waits for a lock (a passive one only waits for
/// the database file's lock, when the writer catches up).
const CHECKPOINT_WAIT: Duration = Duration::from_millis(20);

pub struct Checkpointer {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

/// What the checkpointer looks after besides the WAL.
pub struct Watch {
    pub file: ArchiveFile,
    pub disk: DiskGuard,
    pub health: Arc<ArchiveHealth>,
    /// What was acknowledged, noted beside the archive about once a second.
    pub acknowledged: Arc<Acknowledged>,
}

impl Checkpointer {
    pub fn spawn(path: &Path, watch: Watch) -> Result<Checkpointer> {
        let (conn, _) = open_archive(path, OpenMode::Existing)?;
        // A TRUNCATE checkpoint (to make room on a full disk) holds the
        // writer's lock while it waits for readers to leave old snapshots;
        // with the usual 5 s busy timeout an export or a report would stall
        // every delivery that long. It gives up after this instead and tries
        // again on a later pass.
        conn.busy_timeout(CHECKPOINT_WAIT)?;
        let (stop, stopped) = channel();
        let thread = std::thread::Builder::new()
            .name("archive-checkpointer".to_owned())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    pass(&conn, &watch);
                }
            })
            .map_err(|source| crate::error::Error::Io {
                context: "cannot start the checkpoint thread".to_owned(),
                source,
            })?;
        Ok(Checkpointer { stop, thread })
    }

    pub fn stop(self) {
        let _ = self.stop.send(());
        if self.thread.join().is_err() {
            tracing::error!("checkpoint thread panicked");
        }
    }
}

/// One pass: the disk, the file, then the WAL.
fn pass(conn: &Connection, watch: &Watch) {
    let free = watch.disk.free_bytes().unwrap_or(u64::MAX);
    let low = watch.disk.is_low(free);
    watch.health.record_disk(free, low);
    watch.health.record_file(watch.file.problem());
    let outcome = if low {
        // Deliveries are waiting: give the WAL's space back now.
        watch.disk.make_room(conn)
    } else {
        watch.disk.take_reserve();
        checkpoint(conn)
    };
    watch
        .health
        .record_checkpoint(outcome.map_err(|e| e.to_string()));
    watch.acknowledged.persist_if_due();
}

/// Copies what it can into the database without waiting for anyone. The
/// writer copies the rest between batches once the log is long, which lets
/// SQLite start the log over (see `writer::wal`).
fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    passive(conn).map(|_| ())
}

/// One passive pass: (frames in the WAL, frames copied into the database).
fn passive(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get(1)?, row.get(2)?))
    })
}
