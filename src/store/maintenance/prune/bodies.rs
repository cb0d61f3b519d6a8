//! The bodies a prune frees: deleted once nothing needs them (a real run),
//! or counted (a dry run). What needs a body is found by key, never by the
//! resource ids a delivery lists: a delivery naming it (`deliveries_by_body`),
//! a body kept against it (`bodies_by_reference`), a version that stays
//! (noted by `kept`).

use rusqlite::{Connection, OptionalExtension, params};

use super::Pruned;
use super::kept::{first_brought_what_stays, kept_by_a_version};
use super::rules::{PruneRules, delivery_row, is_reference};

/// Whether nothing left in the archive needs body `body_id`.
fn unused(conn: &Connection, body_id: i64) -> rusqlite::Result<bool> {
    let delivered = conn
        .prepare_cached("SELECT 1 FROM deliveries WHERE body_id = ?1 LIMIT 1")?
        .exists([body_id])?;
    Ok(!delivered && !is_reference(conn, body_id)? && !kept_by_a_version(conn, body_id)?)
}

/// Deletes the bodies of `left` nothing needs any more, and then the bodies
/// they were kept against when those are needed by nothing else either,
/// until `spent` says the transaction has had its share (the rest stay in
/// `left` for the next one).
pub(super) fn delete_unused_bodies(
    conn: &Connection,
    left: &mut Vec<i64>,
    pruned: &mut Pruned,
    spent: impl Fn() -> bool,
) -> rusqlite::Result<()> {
    while let Some(body_id) = left.pop() {
        if unused(conn, body_id)? {
            let found: Option<(i64, Option<i64>)> = conn
                .prepare_cached(
                    "SELECT length(stored), reference_body_id FROM bodies WHERE body_id = ?1",
                )?
                .query_row([body_id], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?;
            if let Some((bytes, reference)) = found {
                conn.prepare_cached("DELETE FROM bodies WHERE body_id = ?1")?
                    .execute([body_id])?;
                pruned.bodies += 1;
                pruned.body_bytes += u64::try_from(bytes).unwrap_or(0);
                left.extend(reference);
            }
        }
        if spent() {
            break;
        }
    }
    Ok(())
}

/// A dry run's count of body `body_id`, whose delivery `delivery_id` would
/// go: counted once, with its last delivery, when every delivery of it would
/// go, no version that stays keeps it and no body is kept against it (a base
/// freed only with the versions kept against it is not counted: a real run
/// may remove more).
pub(super) fn count_unused_body(
    conn: &Connection,
    rules: &PruneRules,
    last_old: i64,
    body_id: i64,
    delivery_id: i64,
    pruned: &mut Pruned,
) -> rusqlite::Result<()> {
    if is_reference(conn, body_id)? || kept_by_a_version(conn, body_id)? {
        return Ok(());
    }
    let deliveries: Vec<(i64, bool, bool)> = conn
        .prepare_cached(
            "SELECT delivery_id, kind, outcome, body_id, received_at < ?2
             FROM deliveries WHERE body_id = ?1",
        )?
        .query_map(params![body_id, rules.cutoff_ms], |row| {
            let covered = delivery_row(row)?
                .is_some_and(|delivery| rules.covers(delivery.kind.resource_type()));
            Ok((row.get(0)?, covered, row.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if deliveries.iter().any(|(id, ..)| *id > delivery_id) {
        return Ok(());
    }
    for (id, covered, old) in deliveries {
        if !covered || !old || id > last_old || first_brought_what_stays(conn, id)? {
            return Ok(());
        }
    }
    let bytes: i64 = conn
        .prepare_cached("SELECT length(stored) FROM bodies WHERE body_id = ?1")?
        .query_row([body_id], |row| row.get(0))?;
    pruned.bodies += 1;
    pruned.body_bytes += u64::try_from(bytes).unwrap_or(0);
    Ok(())
}
