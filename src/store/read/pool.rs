//! The pool of read connections. Only the writer thread writes; readers are
//! `query_only` so a bug on the read side cannot change the archive.

use std::path::Path;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::OpenFlags;

use crate::error::Result;
use crate::store::open::apply_connection_pragmas;

pub type ReadPool = r2d2::Pool<SqliteConnectionManager>;

pub fn read_pool(path: &Path, max_size: u32) -> Result<ReadPool> {
    let manager = SqliteConnectionManager::file(path)
        .with_flags(OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .with_init(|conn| {
            apply_connection_pragmas(conn)?;
            conn.execute_batch("PRAGMA query_only = ON;")
        });
    Ok(r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(0))
        // r2d2 keeps retrying a connection that fails (an archive file that
        // was deleted) for 30 s by default: a health check must answer sooner.
        .connection_timeout(std::time::Duration::from_secs(2))
        .build(manager)?)
}
