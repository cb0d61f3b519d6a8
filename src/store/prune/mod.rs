//! `evarchive prune` and `serve --retain`: removing what nothing has arrived
//! about for a given time, while `serve` keeps writing.
//!
//! Three passes, each in short write transactions over a bounded range of
//! ids (milliseconds each, so serve's writer waits at most that long):
//! versions (with their typed rows and restorations), then the deliveries
//! older than the cutoff that no remaining version was first brought by,
//! then the bodies nothing needs any more. Counters follow in the same
//! transactions, so `stats` and `verify` agree with the rows. Freed pages are
//! given back to the filesystem on archives created with incremental
//! auto-vacuum (schema version 6 on); older archives reuse them.
//!
//! Foreign keys are not checked on this connection: SQLite would scan the
//! tables that refer to a deleted row (no index on most of those columns);
//! the passes keep the references whole themselves, and the tests check
//! `PRAGMA foreign_key_check` after a prune.

mod bodies;
mod counters;
mod rules;
mod space;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use bodies::{count_unused_bodies, delete_unused_bodies};
use counters::CounterCuts;
pub use rules::PruneRules;
use rules::{DeliveryRow, VersionRow, delivery_row, version_row};
use space::{bytes_in_use, give_back_pages};

use super::typed_rows::table_of;
use crate::error::Result;
use crate::everflow::{ResourceType, WebhookKind};

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
    prune_deliveries(conn, rules, dry, &mut pruned, &mut counters, &mut progress)?;
    if !dry {
        give_back_pages(conn, &mut progress)?;
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
        let tx = conn.transaction_with_behavior(if dry {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        })?;
        let old: Vec<(VersionRow, String)> = tx
            .prepare_cached(
                "SELECT version_id, resource_id, kind, is_current, resource_type FROM versions
                 WHERE version_id > ?1 AND version_id <= ?2 AND last_received_at < ?3",
            )?
            .query_map(params![from, from + CHUNK, rules.cutoff_ms], |row| {
                let resource_type: String = row.get(4)?;
                let version = version_row(row, ResourceType::Conversion)?;
                Ok((version, resource_type))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (mut version, resource_type) in old {
            let Some(resource_type) = ResourceType::from_name(&resource_type) else {
                continue;
            };
            version.resource_type = resource_type;
            if !rules.covers(resource_type) || !rules.version_goes(&tx, &version)? {
                continue;
            }
            pruned.versions += 1;
            if dry {
                pruned.resources += u64::from(version.is_current);
            } else if delete_version(&tx, &version, counters)? {
                pruned.resources += 1;
            }
        }
        if !dry {
            counters.write(&tx)?;
        }
        tx.commit()?;
        from += CHUNK;
        if !progress(Pass::Versions, from.min(last), last) {
            break;
        }
    }
    Ok(())
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

fn prune_deliveries(
    conn: &mut Connection,
    rules: &PruneRules,
    dry: bool,
    pruned: &mut Pruned,
    counters: &mut CounterCuts,
    progress: &mut impl FnMut(Pass, i64, i64) -> bool,
) -> Result<()> {
    // Delivery ids grow with arrival under serve (not under import, which
    // keeps the times of its lines): the old ones are at most this one.
    let last: i64 = conn.query_row(
        "SELECT coalesce(max(delivery_id), 0) FROM deliveries WHERE received_at < ?1",
        [rules.cutoff_ms],
        |r| r.get(0),
    )?;
    let mut from = 0;
    while from < last {
        let to = (from + CHUNK).min(last);
        let tx = conn.transaction_with_behavior(if dry {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        })?;
        let old: Vec<DeliveryRow> = tx
            .prepare_cached(
                "SELECT delivery_id, kind, outcome, body_id, resource_ids FROM deliveries
                 WHERE delivery_id > ?1 AND delivery_id <= ?2 AND received_at < ?3",
            )?
            .query_map(params![from, to, rules.cutoff_ms], delivery_row)?
            .filter_map(|row| row.transpose())
            .collect::<rusqlite::Result<_>>()?;
        let mut freed_bodies: Vec<(i64, ResourceType, String)> = Vec::new();
        for delivery in old {
            let resource_type = delivery.kind.resource_type();
            if !rules.covers(resource_type) || !rules.delivery_goes(&tx, &delivery)? {
                continue;
            }
            pruned.deliveries += 1;
            if !dry {
                tx.prepare_cached("DELETE FROM deliveries WHERE delivery_id = ?1")?
                    .execute([delivery.delivery_id])?;
                let cut = counters.cut(delivery.kind);
                cut.deliveries += 1;
                cut.redeliveries += i64::from(delivery.duplicate);
            }
            freed_bodies.push((delivery.body_id, resource_type, delivery.resource_ids));
        }
        if dry {
            count_unused_bodies(&tx, rules, to, freed_bodies, pruned)?;
        } else {
            // Restorations name the delivery that restored; a version that
            // stays keeps its restoration without it.
            tx.prepare_cached(
                "UPDATE restorations SET delivery_id = NULL
                 WHERE delivery_id > ?1 AND delivery_id <= ?2
                   AND delivery_id NOT IN (SELECT delivery_id FROM deliveries
                                           WHERE delivery_id > ?1 AND delivery_id <= ?2)",
            )?
            .execute(params![from, to])?;
            delete_unused_bodies(&tx, freed_bodies, pruned)?;
            counters.write(&tx)?;
        }
        tx.commit()?;
        from = to;
        if !progress(Pass::Deliveries, from, last) {
            break;
        }
    }
    if !dry {
        counters.settle_times(conn)?;
    }
    Ok(())
}
