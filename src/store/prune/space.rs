//! The space a prune frees: measured, and given back to the filesystem.

use rusqlite::{Connection, TransactionBehavior};

use super::Pass;

/// Gives the free pages back to the filesystem, a few MiB per transaction,
/// on an archive created with incremental auto-vacuum.
pub(super) fn give_back_pages(
    conn: &mut Connection,
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
    loop {
        let left = free(conn)?;
        if !progress(Pass::Vacuum, total - left, total) || left == 0 {
            return Ok(());
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch("PRAGMA incremental_vacuum(1024)")?;
        tx.commit()?;
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
