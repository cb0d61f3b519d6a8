//! The space a prune frees: measured, and given back to the filesystem.

use std::time::Instant;

use rusqlite::Connection;

use super::Pass;
use crate::store::pace::{WORK_PER_TRANSACTION, WriteTimes};

/// Gives the free pages back to the filesystem, on an archive created with
/// incremental auto-vacuum, in transactions bounded by time: moving a page
/// costs what the pages around it hold, so the pages per transaction follow
/// the time the last transaction took (from 1,024, as many as before).
pub(super) fn give_back_pages(
    conn: &mut Connection,
    writes: &mut WriteTimes,
    progress: &mut impl FnMut(Pass, i64, i64) -> bool,
) -> rusqlite::Result<()> {
    let incremental: i64 = conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
    if incremental != 2 {
        return Ok(());
    }
    let free = |conn: &Connection| -> rusqlite::Result<i64> {
        conn.query_row("PRAGMA freelist_count", [], |r| r.get(0))
    };
    let total = free(conn)?;
    let mut pages: i64 = 1_024;
    loop {
        let left = free(conn)?;
        if !progress(Pass::Vacuum, total - left, total) || left == 0 {
            return Ok(());
        }
        let started = Instant::now();
        let paced = writes.begin(conn, true, "prune: giving pages back")?;
        {
            // Each step of the statement frees one page: run it to its end
            // (a single step, as execute_batch takes, freed one page a
            // transaction).
            let mut vacuum = paced
                .tx
                .prepare(&format!("PRAGMA incremental_vacuum({pages})"))?;
            let mut steps = vacuum.query([])?;
            while steps.next()?.is_some() {}
        }
        writes.commit(paced)?;
        let took = started.elapsed();
        if took < WORK_PER_TRANSACTION / 2 {
            pages = (pages * 2).min(8_192);
        } else if took > WORK_PER_TRANSACTION {
            pages = (pages / 2).max(8);
        }
        if free(conn)? >= left {
            // Nothing moved (another writer's pages?): leave the rest.
            return Ok(());
        }
    }
}

pub(super) fn bytes_in_use(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row(
        "SELECT (page_count - freelist_count) * page_size
         FROM pragma_page_count, pragma_freelist_count, pragma_page_size",
        [],
        |r| r.get::<_, i64>(0).map(|n| u64::try_from(n).unwrap_or(0)),
    )
}
