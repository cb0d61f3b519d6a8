//! `evarchive prune` and `serve --retain`: removing what nothing has arrived
//! about for a given time, while `serve` keeps writing.
//!
//! Three passes, each in write transactions that stop taking work after
//! 25 ms (see `pace`; serve's writer waits at most that long): versions
//! (with their typed rows and restorations), then the deliveries older than
//! the cutoff that no remaining version was first brought by, with the
//! bodies nothing needs any more (what the remaining versions need is noted
//! once between the two, see `kept`), then the freed pages. Counters follow
//! in the same transactions, so `stats` and `verify` agree with the rows.
//! Freed pages are given back to the filesystem on archives created with
//! incremental auto-vacuum (schema version 6 on); older archives reuse them.
//!
//! Foreign keys are not checked on this connection: SQLite would scan the
//! tables that refer to a deleted row (no index on most of those columns);
//! the passes keep the references whole themselves, and the tests check
//! `PRAGMA foreign_key_check` after a prune.

mod bodies;
mod counters;
mod deliveries;
mod kept;
mod rules;
mod space;

use rusqlite::{Connection, OptionalExtension, params};

use counters::CounterCuts;
use deliveries::prune_deliveries;
use kept::note_what_stays;
pub use rules::PruneRules;
use rules::{VersionRow, version_row};
use space::{bytes_in_use, give_back_pages};

use crate::error::Result;
use crate::everflow::{ResourceType, WebhookKind};
use crate::store::lock_wait::poll_patiently;
use crate::store::pace::{Paced, WriteTimes};
use crate::store::typed_rows::table_of;

/// Ids looked at per transaction.
const CHUNK: i64 = 2_000;

/// What a prune removed (or, dry, would remove).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Pruned {
    pub versions: u64,
    /// Resources of which no version is left.
    pub resources: u64,
    pub deliveries: u64,
    pub bodies: u64,
    /// The removed bodies' bytes as stored (compressed).
    pub body_bytes: u64,
    /// Bytes of the archive in use before and after (pages, not the file).
    pub bytes_in_use_before: u64,
    pub bytes_in_use_after: u64,
    /// The write transactions it took, and the longest.
    pub writes: WriteTimes,
}

/// Which pass a progress report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    Versions,
    Deliveries,
    Vacuum,
}

/// Prunes the archive `conn` opens by `rules`; `dry` only counts. `progress`
/// hears the pass, the ids done and the ids to do after each transaction,
/// and answers whether to go on (a stop leaves the archive whole, with less
/// pruned).
pub fn prune(
    conn: &mut Connection,
    rules: &PruneRules,
    dry: bool,
    mut progress: impl FnMut(Pass, i64, i64) -> bool,
) -> Result<Pruned> {
    conn.execute_batch("PRAGMA foreign_keys = OFF")?;
    poll_patiently(conn)?;
    crate::store::pace::prepare(conn)?;
    let mut pruned = Pruned {
        bytes_in_use_before: bytes_in_use(conn)?,
        ..Pruned::default()
    };
    let mut counters = CounterCuts::default();
    let mut going_on = true;
    let mut progress = |pass, done, total| {
        going_on = going_on && progress(pass, done, total);
        going_on
    };
    prune_versions(conn, rules, dry, &mut pruned, &mut counters, &mut progress)?;
    if progress(Pass::Deliveries, 0, 0) {
        let last_old = note_what_stays(conn, rules, dry)?;
        let deliveries = prune_deliveries(
            conn,
            rules,
            last_old,
            dry,
            &mut pruned,
            &mut counters,
            &mut progress,
        );
        kept::forget(conn)?;
        deliveries?;
    }
    if !dry {
        give_back_pages(conn, &mut pruned.writes, &mut progress)?;
    }
    pruned.bytes_in_use_after = bytes_in_use(conn)?;
    conn.execute_batch("PRAGMA foreign_keys = ON")?;
    Ok(pruned)
}

fn prune_versions(
    conn: &mut Connection,
    rules: &PruneRules,
    dry: bool,
    pruned: &mut Pruned,
    counters: &mut CounterCuts,
    progress: &mut impl FnMut(Pass, i64, i64) -> bool,
) -> Result<()> {
    let last: i64 = conn.query_row(
        "SELECT coalesce(max(version_id), 0) FROM versions",
        [],
        |r| r.get(0),
    )?;
    let mut from = 0;
    while from < last {
        let paced = pruned.writes.begin(conn, !dry, "prune: versions")?;
        from = versions_slice(&paced, rules, from, dry, pruned, counters)?;
        if !dry {
            counters.write(&paced.tx)?;
        }
        pruned.writes.commit(paced)?;
        if !progress(Pass::Versions, from.min(last), last) {
            break;
        }
    }
    Ok(())
}

/// Prunes old versions after `from` until the transaction has had its
/// share; returns the last version id looked at.
fn versions_slice(
    paced: &Paced<'_>,
    rules: &PruneRules,
    from: i64,
    dry: bool,
    pruned: &mut Pruned,
    counters: &mut CounterCuts,
) -> Result<i64> {
    let tx = &paced.tx;
    let to = from + CHUNK;
    let old: Vec<(VersionRow, String)> = tx
        .prepare_cached(
            "SELECT version_id, resource_id, kind, is_current, resource_type FROM versions
             WHERE version_id > ?1 AND version_id <= ?2 AND last_received_at < ?3
             ORDER BY version_id",
        )?
        .query_map(params![from, to, rules.cutoff_ms], |row| {
            let resource_type: String = row.get(4)?;
            let version = version_row(row, ResourceType::Conversion)?;
            Ok((version, resource_type))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (done, (mut version, resource_type)) in old.into_iter().enumerate() {
        if done > 0 && paced.spent() {
            return Ok(version.version_id - 1);
        }
        let Some(resource_type) = ResourceType::from_name(&resource_type) else {
            continue;
        };
        version.resource_type = resource_type;
        if !rules.covers(resource_type) || !rules.version_goes(tx, &version)? {
            continue;
        }
        pruned.versions += 1;
        if dry {
            pruned.resources += u64::from(version.is_current);
        } else if delete_version(tx, &version, counters)? {
            pruned.resources += 1;
        }
    }
    Ok(to)
}

/// Deletes a version, its typed row and restorations; whether it was the
/// last of its resource.
fn delete_version(
    conn: &Connection,
    version: &VersionRow,
    counters: &mut CounterCuts,
) -> rusqlite::Result<bool> {
    let first_of_resource = || -> rusqlite::Result<Option<(i64, String)>> {
        conn.prepare_cached(
            "SELECT version_id, kind FROM versions WHERE resource_type = ?1 AND resource_id = ?2
             ORDER BY version_id LIMIT 1",
        )?
        .query_row(
            params![version.resource_type.as_str(), version.resource_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
    };
    let was_first = first_of_resource()?.is_some_and(|(id, _)| id == version.version_id);
    let table = table_of(version.kind.family());
    conn.prepare_cached(&format!("DELETE FROM {table} WHERE version_id = ?1"))?
        .execute([version.version_id])?;
    conn.prepare_cached("DELETE FROM restorations WHERE version_id = ?1")?
        .execute([version.version_id])?;
    conn.prepare_cached("DELETE FROM versions WHERE version_id = ?1")?
        .execute([version.version_id])?;
    counters.cut(version.kind).versions += 1;
    if !was_first {
        return Ok(false);
    }
    // A resource counts under the kind of its first version: the next one's
    // now, or none.
    counters.cut(version.kind).resources += 1;
    match first_of_resource()? {
        Some((_, kind)) => {
            if let Some(kind) = WebhookKind::from_name(&kind) {
                counters.cut(kind).resources -= 1;
            }
            Ok(false)
        }
        None => Ok(true),
    }
}
