//! How a connection waits for the write lock another connection holds.
//!
//! SQLite's own busy timeout sleeps ever longer between tries (1, 2, 5 … up
//! to 100 ms). Behind maintenance that commits a short transaction and at
//! once begins the next (`prune`, `reindex`, `serve --retain`), a writer
//! sleeping 100 ms almost never wakes in the gap: serve's writer waited out
//! its 5 s and failed its batch ("database is locked", issue 16). Polling
//! every millisecond finds a gap of a few milliseconds, which maintenance
//! leaves after each commit (see `pace`).

use std::time::Duration;

use rusqlite::Connection;

use crate::store::open::BUSY_TIMEOUT;

const POLL: Duration = Duration::from_millis(1);

/// Tries before giving up: about `BUSY_TIMEOUT`, a millisecond apart.
const TRIES: i32 = BUSY_TIMEOUT.as_millis() as i32;

/// Maintenance gives way to serve's writer, which may hold the lock again
/// and again under load: it waits a minute rather than fail.
const MAINTENANCE_TRIES: i32 = 60_000;

/// Every connection: polls for a lock every millisecond, for up to
/// `BUSY_TIMEOUT`.
pub fn poll_for_locks(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_handler(Some(poll))
}

/// `prune`, `reindex` and `serve --retain`: polls for up to a minute.
pub fn poll_patiently(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_handler(Some(poll_patient))
}

fn poll(tries: i32) -> bool {
    wait(tries, TRIES)
}

fn poll_patient(tries: i32) -> bool {
    wait(tries, MAINTENANCE_TRIES)
}

fn wait(tries: i32, limit: i32) -> bool {
    if tries >= limit {
        return false;
    }
    std::thread::sleep(POLL);
    true
}
