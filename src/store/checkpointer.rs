//! Moves committed pages from the WAL into the database file in the background.
//! SQLite would otherwise do this inside a commit every ~1000 pages, stalling
//! every delivery of that batch behind a large write and an extra fsync.

use std::path::Path;
use std::sync::mpsc::{RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

use super::open::{OpenMode, open_archive};
use crate::error::Result;

const INTERVAL: Duration = Duration::from_millis(500);

pub struct Checkpointer {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    pub fn spawn(path: &Path) -> Result<Checkpointer> {
        let (conn, _) = open_archive(path, OpenMode::MustExist)?;
        let (stop, stopped) = channel();
        let thread = std::thread::Builder::new()
            .name("archive-checkpointer".to_owned())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(INTERVAL) {
                    checkpoint(&conn);
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
            log::error!("checkpoint thread panicked");
        }
    }
}

/// WAL frames (pages) after which the log is made to start over: ~64 MiB.
const RESTART_AFTER_FRAMES: i64 = 16_384;

fn checkpoint(conn: &Connection) {
    // PASSIVE never waits for readers or the writer: it copies what it can.
    let frames = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        row.get::<_, i64>(1)
    });
    match frames {
        // Under steady writes a passive checkpoint never catches up with the
        // writer, and the WAL only starts over once it has: it would grow
        // without bound. RESTART holds the writer back for the few frames
        // left to copy (PASSIVE already copied the rest), so the next commit
        // writes the WAL from its start again.
        Ok(frames) if frames > RESTART_AFTER_FRAMES => {
            if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())) {
                log::warn!("background checkpoint (restart) failed: {e}");
            }
        }
        Ok(_) => {}
        Err(e) => log::warn!("background checkpoint failed: {e}"),
    }
}
