//! `evarchive reindex`: every typed row made again from the stored body, by
//! this release's extraction, after an upgrade that extracts more. Raw bodies,
//! versions and deliveries are never touched; only typed rows that differ from
//! what this release writes are replaced. At the end the archive records
//! this release's extraction version (see `extraction`).
//!
//! Runs beside `serve`: each slice is one short write transaction (a few
//! hundred versions, milliseconds), so serve's writer waits at most that long
//! for the lock between its own batches.

use rusqlite::{Connection, TransactionBehavior, params};

use super::bodies::Dictionaries;
use super::extraction::EXTRACTION_VERSION;
use super::reread::{Scratch, StoredVersion, archived_row, reread_version, version_slice_sql};
use super::settings;
use super::typed_rows::{insert_typed_row, table_of};
use crate::error::Result;

/// Versions per write transaction.
const SLICE: i64 = 200;

/// What a reindex did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reindexed {
    pub versions: u64,
    /// Typed rows replaced (or written where one was missing).
    pub rewritten: u64,
    /// Versions whose body could not be read again: left as they are
    /// (`verify` names them).
    pub skipped: u64,
}

/// Reindexes the archive `conn` opens; `progress` hears how many versions
/// were done and how many there are, once per slice.
pub fn reindex(conn: &mut Connection, mut progress: impl FnMut(u64, u64)) -> Result<Reindexed> {
    let dictionaries = Dictionaries::load(conn)?;
    let total: i64 = conn.query_row("SELECT count(*) FROM versions", [], |row| row.get(0))?;
    let total = u64::try_from(total).unwrap_or(0);
    progress(0, total);
    let scratch = Scratch::new()?;
    let mut done = Reindexed::default();
    let mut next = 0;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let versions: Vec<StoredVersion> = tx
            .prepare_cached(&version_slice_sql())?
            .query_map(params![next, SLICE], StoredVersion::from_row)?
            .collect::<rusqlite::Result<_>>()?;
        let Some(last) = versions.last().map(|v| v.version_id) else {
            // Every row is now this release's (those whose body cannot be
            // read are `verify`'s to report, as damage).
            settings::record_extraction_version(&tx, EXTRACTION_VERSION)?;
            tx.commit()?;
            return Ok(done);
        };
        for version in &versions {
            done.versions += 1;
            match rewrite(&tx, &dictionaries, &scratch, version)? {
                Rewrite::Replaced => done.rewritten += 1,
                Rewrite::Unreadable => done.skipped += 1,
                Rewrite::AsWritten => {}
            }
        }
        tx.commit()?;
        next = last + 1;
        progress(done.versions, total);
    }
}

enum Rewrite {
    Replaced,
    AsWritten,
    Unreadable,
}

/// Replaces the version's typed row if it is not the one this release
/// writes for its body.
fn rewrite(
    conn: &Connection,
    dictionaries: &Dictionaries,
    scratch: &Scratch,
    version: &StoredVersion,
) -> Result<Rewrite> {
    let Ok(reread) = reread_version(conn, dictionaries, version) else {
        return Ok(Rewrite::Unreadable);
    };
    let table = table_of(reread.origin.kind.family());
    let expected = scratch.expected(&reread)?;
    if expected == archived_row(conn, table, version.version_id)? {
        return Ok(Rewrite::AsWritten);
    }
    conn.prepare_cached(&format!("DELETE FROM {table} WHERE version_id = ?1"))?
        .execute([version.version_id])?;
    insert_typed_row(conn, &reread.origin, &reread.resource)?;
    Ok(Rewrite::Replaced)
}
