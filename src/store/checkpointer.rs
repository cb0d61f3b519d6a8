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

const INTERVAL: Duration = Duration::from_millis(100);

pub struct Checkpointer {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    pub fn spawn(path: &Path) -> Result<Checkpointer> {
        let (conn, _) = open_archive(path, OpenMode::Existing)?;
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
/// Frames a passive pass may leave behind before the restart is attempted.
const CAUGHT_UP_FRAMES: i64 = 512;

fn checkpoint(conn: &Connection) {
    // PASSIVE never waits for readers or the writer: it copies what it can.
    let Some((frames, copied)) = passive(conn) else {
        return;
    };
    if frames <= RESTART_AFTER_FRAMES {
        return;
    }
    // Under steady writes a passive checkpoint never fully catches up with
    // the writer, and the WAL only starts over once one has: it would grow
    // without bound. RESTART does catch up, but holds the writer back while
    // it copies and syncs, so first let passive passes shrink the backlog to
    // what arrives during one pass; the writer then waits only for that.
    let mut behind = frames - copied;
    for _ in 0..8 {
        if behind <= CAUGHT_UP_FRAMES {
            break;
        }
        match passive(conn) {
            Some((frames, copied)) => behind = frames - copied,
            None => return,
        }
    }
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())) {
        log::warn!("background checkpoint (restart) failed: {e}");
    }
}

/// One passive pass: (frames in the WAL, frames copied into the database).
fn passive(conn: &Connection) -> Option<(i64, i64)> {
    match conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |row| {
        Ok((row.get(1)?, row.get(2)?))
    }) {
        Ok(counts) => Some(counts),
        Err(e) => {
            log::warn!("background checkpoint failed: {e}");
            None
        }
    }
}
