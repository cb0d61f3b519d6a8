//! `evarchive reindex`: every typed row made again from the stored body, by
//! this release's extraction, after an upgrade that extracts more. Raw bodies,
//! versions and deliveries are never touched; only typed rows that differ from
//! what this release writes are replaced. At the end the archive records
//! this release's extraction version (see `extraction`).
//!
//! Runs beside `serve`: bodies are read again and compared outside the
//! write lock (a slice of large bodies took seconds, and serve's writer gave
//! up waiting: "database is locked", issue 16); only the rows that differ are
//! written, in transactions that stop taking work after 25 ms (see `pace`),
//! each row checked again there against what serve may have changed since.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::Result;
use crate::store::bodies::Dictionaries;
use crate::store::extraction::EXTRACTION_VERSION;
use crate::store::lock_wait::poll_patiently;
use crate::store::pace::WriteTimes;
use crate::store::reread::{
    Reread, Rereader, Scratch, StoredVersion, archived_row, version_slice_sql,
};
use crate::store::settings;
use crate::store::typed_rows::{insert_typed_row, table_of};

/// Versions read per read transaction.
const SLICE: i64 = 500;

/// What a reindex did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Reindexed {
    pub versions: u64,
    /// Typed rows replaced (or written where one was missing).
    pub rewritten: u64,
    /// Versions whose body could not be read again: left as they are
    /// (`verify` names them).
    pub skipped: u64,
    /// The write transactions it took, and the longest.
    pub writes: WriteTimes,
}

/// Reindexes the archive `conn` opens; `progress` hears how many versions
/// were done and how many there are, once per slice.
pub fn reindex(conn: &mut Connection, mut progress: impl FnMut(u64, u64)) -> Result<Reindexed> {
    poll_patiently(conn)?;
    crate::store::pace::prepare(conn)?;
    let rereader = Rereader::new(Dictionaries::load(conn)?);
    let total: i64 = conn.query_row("SELECT count(*) FROM versions", [], |row| row.get(0))?;
    let total = u64::try_from(total).unwrap_or(0);
    progress(0, total);
    let scratch = Scratch::new()?;
    let mut done = Reindexed::default();
    let mut next = 0;
    loop {
        let Some((stale, last)) = read_slice(conn, &rereader, &scratch, next, &mut done)? else {
            // Every row is now this release's (those whose body cannot be
            // read are `verify`'s to report, as damage).
            settings::record_extraction_version(conn, EXTRACTION_VERSION)?;
            return Ok(done);
        };
        let mut stale = stale.into_iter().peekable();
        while stale.peek().is_some() {
            let paced = done.writes.begin(conn, true, "reindex")?;
            let mut first = true;
            while let Some(reread) = stale.next_if(|_| first || !paced.spent()) {
                first = false;
                if rewrite(&paced.tx, &scratch, reread)? {
                    done.rewritten += 1;
                }
            }
            done.writes.commit(paced)?;
        }
        next = last + 1;
        progress(done.versions, total);
    }
}

/// Reads the versions from `next` on again, in a read transaction; the
/// rereads whose typed row differs from the archived one, and the last
/// version id read (None once there are no more).
fn read_slice(
    conn: &mut Connection,
    rereader: &Rereader,
    scratch: &Scratch,
    next: i64,
    done: &mut Reindexed,
) -> Result<Option<(Vec<Reread>, i64)>> {
    let tx = conn.transaction()?;
    let versions: Vec<StoredVersion> = tx
        .prepare_cached(&version_slice_sql())?
        .query_map(params![next, SLICE], StoredVersion::from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let Some(last) = versions.last().map(|v| v.version_id) else {
        return Ok(None);
    };
    let mut stale = Vec::new();
    for version in &versions {
        done.versions += 1;
        let Ok(reread) = rereader.reread(&tx, version) else {
            done.skipped += 1;
            continue;
        };
        let table = table_of(reread.origin.kind.family());
        if scratch.expected(&reread)? != archived_row(&tx, table, version.version_id)? {
            stale.push(reread);
        }
    }
    tx.commit()?;
    Ok(Some((stale, last)))
}

/// Replaces the version's typed row if it is not the one this release
/// writes for its body, as the version is now (serve may have made it
/// current or not since it was read; prune may have removed it).
fn rewrite(conn: &Connection, scratch: &Scratch, mut reread: Reread) -> Result<bool> {
    let version_id = reread.origin.version_id;
    let Some(is_current) = conn
        .prepare_cached("SELECT is_current FROM versions WHERE version_id = ?1")?
        .query_row([version_id], |row| row.get(0))
        .optional()?
    else {
        return Ok(false);
    };
    reread.origin.is_current = is_current;
    let table = table_of(reread.origin.kind.family());
    if scratch.expected(&reread)? == archived_row(conn, table, version_id)? {
        return Ok(false);
    }
    conn.prepare_cached(&format!("DELETE FROM {table} WHERE version_id = ?1"))?
        .execute([version_id])?;
    insert_typed_row(conn, &reread.origin, &reread.resource)?;
    Ok(true)
}
