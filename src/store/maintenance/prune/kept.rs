//! What the versions that stay need, noted once before the deliveries pass:
//! the old deliveries that first brought them, the bodies they keep, and the
//! restorations that name an old delivery.
//!
//! Nothing indexes versions by `first_delivery_id` or `body_id`, and a
//! delivery's list of resource ids cannot be split back into ids (an id may
//! hold a comma: splitting it lost a current version's delivery and body,
//! issue 16). So the versions are read once, into temporary tables the
//! passes look up by key. The scan writes only the temporary database: it
//! takes no lock serve's writer waits for.
//!
//! Only versions whose first delivery is old (or missing) are noted: a
//! version first brought after the last old delivery keeps that delivery,
//! which prune never considers, and its body through it. A version serve
//! adds after the scan comes with a delivery of its own naming its body.

use rusqlite::{Connection, params};

use super::rules::{PruneRules, version_row};
use crate::everflow::ResourceType;

/// Notes what the versions that stay need; returns the last old delivery's
/// id (the deliveries pass goes no further). A dry run has removed no
/// version yet: it notes only those the versions pass would keep.
pub(super) fn note_what_stays(
    conn: &mut Connection,
    rules: &PruneRules,
    dry: bool,
) -> rusqlite::Result<i64> {
    // On disk rather than in memory: the tables grow with what stays.
    conn.execute_batch(
        "PRAGMA temp_store = FILE;
         DROP TABLE IF EXISTS temp.prune_first_deliveries;
         DROP TABLE IF EXISTS temp.prune_kept_bodies;
         DROP TABLE IF EXISTS temp.prune_restorations;
         CREATE TEMP TABLE prune_first_deliveries (delivery_id INTEGER PRIMARY KEY);
         CREATE TEMP TABLE prune_kept_bodies (body_id INTEGER PRIMARY KEY);
         CREATE TEMP TABLE prune_restorations (restoration INTEGER NOT NULL,
                                               delivery_id INTEGER NOT NULL);",
    )?;
    let tx = conn.transaction()?;
    // Delivery ids grow with arrival under serve (not under import, which
    // keeps the times of its lines): the old ones are at most this one.
    let last: i64 = tx.query_row(
        "SELECT coalesce(max(delivery_id), 0) FROM deliveries WHERE received_at < ?1",
        [rules.cutoff_ms],
        |r| r.get(0),
    )?;
    {
        let mut versions = tx.prepare(
            "SELECT v.version_id, v.resource_id, v.kind, v.is_current, v.resource_type,
                    v.last_received_at, v.first_delivery_id, v.body_id
             FROM versions AS v
             WHERE v.first_delivery_id <= ?1
                OR NOT EXISTS (SELECT 1 FROM deliveries AS d
                               WHERE d.delivery_id = v.first_delivery_id)",
        )?;
        let mut first = tx.prepare("INSERT OR IGNORE INTO prune_first_deliveries VALUES (?1)")?;
        let mut body = tx.prepare("INSERT OR IGNORE INTO prune_kept_bodies VALUES (?1)")?;
        let mut rows = versions.query([last])?;
        while let Some(row) = rows.next()? {
            let resource_type: String = row.get(4)?;
            let Some(resource_type) = ResourceType::from_name(&resource_type) else {
                continue;
            };
            if !rules.covers(resource_type) {
                continue;
            }
            if dry {
                let last_received_at: i64 = row.get(5)?;
                let mut version = version_row(row, resource_type)?;
                version.resource_type = resource_type;
                if last_received_at < rules.cutoff_ms && rules.version_goes(&tx, &version)? {
                    continue;
                }
            }
            first.execute([row.get::<_, i64>(6)?])?;
            body.execute([row.get::<_, i64>(7)?])?;
        }
    }
    // Restorations name the delivery that restored; nothing indexes them by
    // it. Those by a delivery serve adds later are never old.
    tx.execute(
        "INSERT INTO prune_restorations
         SELECT rowid, delivery_id FROM main.restorations WHERE delivery_id <= ?1",
        params![last],
    )?;
    tx.execute_batch(
        "CREATE INDEX temp.prune_restorations_by_delivery ON prune_restorations (delivery_id);",
    )?;
    tx.commit()?;
    Ok(last)
}

/// Whether an old delivery first brought a version that stays.
pub(super) fn first_brought_what_stays(
    conn: &Connection,
    delivery_id: i64,
) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM prune_first_deliveries WHERE delivery_id = ?1")?
        .exists([delivery_id])
}

/// Whether a version that stays keeps body `body_id` (one whose first
/// delivery is old or missing; the others keep it through that delivery).
pub(super) fn kept_by_a_version(conn: &Connection, body_id: i64) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM prune_kept_bodies WHERE body_id = ?1")?
        .exists([body_id])
}

/// Restorations by a pruned delivery keep their version, without it.
pub(super) fn forget_restoring_delivery(
    conn: &Connection,
    delivery_id: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE main.restorations SET delivery_id = NULL
         WHERE rowid IN (SELECT restoration FROM prune_restorations WHERE delivery_id = ?1)
           AND delivery_id = ?1",
    )?
    .execute([delivery_id])?;
    Ok(())
}

/// Drops the tables the passes used.
pub(super) fn forget(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.prune_first_deliveries;
         DROP TABLE IF EXISTS temp.prune_kept_bodies;
         DROP TABLE IF EXISTS temp.prune_restorations;",
    )
}
