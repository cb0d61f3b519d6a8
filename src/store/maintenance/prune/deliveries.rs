//! Prune's second pass: the old deliveries that first brought no version
//! that stays, and the bodies nothing needs after them, in transactions
//! bounded by time (see `pace`).

use rusqlite::{Connection, params};

use super::bodies::{count_unused_body, delete_unused_bodies};
use super::counters::CounterCuts;
use super::kept::{first_brought_what_stays, forget_restoring_delivery};
use super::rules::{DeliveryRow, PruneRules, delivery_row};
use super::{Pass, Pruned};
use crate::error::Result;
use crate::store::pace::Paced;

/// Delivery ids read per transaction at most.
const CHUNK: i64 = 2_000;

/// Prunes the deliveries up to `last_old` (the last old one when the
/// versions that stay were noted).
pub(super) fn prune_deliveries(
    conn: &mut Connection,
    rules: &PruneRules,
    last_old: i64,
    dry: bool,
    pruned: &mut Pruned,
    counters: &mut CounterCuts,
    progress: &mut impl FnMut(Pass, i64, i64) -> bool,
) -> Result<()> {
    let mut from = 0;
    // Bodies whose last delivery went, not yet looked at: carried over to
    // the next transaction when one runs out of time.
    let mut bodies: Vec<i64> = Vec::new();
    let mut going_on = true;
    while (going_on && from < last_old) || !bodies.is_empty() {
        let paced = pruned
            .writes
            .begin(conn, !dry, "prune: deliveries and bodies")?;
        if !dry {
            delete_unused_bodies(&paced.tx, &mut bodies, pruned, || paced.spent())?;
        }
        if going_on && from < last_old && !paced.spent() {
            from = deliveries_slice(
                &paced,
                rules,
                last_old,
                from,
                dry,
                pruned,
                counters,
                &mut bodies,
            )?;
            if !dry {
                delete_unused_bodies(&paced.tx, &mut bodies, pruned, || paced.spent())?;
                counters.write(&paced.tx)?;
            }
        }
        pruned.writes.commit(paced)?;
        going_on = going_on && progress(Pass::Deliveries, from, last_old);
    }
    Ok(())
}

/// Prunes old deliveries after `from` until the transaction has had its
/// share; returns the last delivery id looked at.
#[allow(clippy::too_many_arguments)]
fn deliveries_slice(
    paced: &Paced<'_>,
    rules: &PruneRules,
    last_old: i64,
    from: i64,
    dry: bool,
    pruned: &mut Pruned,
    counters: &mut CounterCuts,
    bodies: &mut Vec<i64>,
) -> Result<i64> {
    let tx = &paced.tx;
    let to = (from + CHUNK).min(last_old);
    let old: Vec<DeliveryRow> = tx
        .prepare_cached(
            "SELECT delivery_id, kind, outcome, body_id FROM deliveries
             WHERE delivery_id > ?1 AND delivery_id <= ?2 AND received_at < ?3
             ORDER BY delivery_id",
        )?
        .query_map(params![from, to, rules.cutoff_ms], delivery_row)?
        .filter_map(|row| row.transpose())
        .collect::<rusqlite::Result<_>>()?;
    for (done, delivery) in old.into_iter().enumerate() {
        if done > 0 && paced.spent() {
            return Ok(delivery.delivery_id - 1);
        }
        if !rules.covers(delivery.kind.resource_type())
            || first_brought_what_stays(tx, delivery.delivery_id)?
        {
            continue;
        }
        pruned.deliveries += 1;
        if dry {
            count_unused_body(
                tx,
                rules,
                last_old,
                delivery.body_id,
                delivery.delivery_id,
                pruned,
            )?;
            continue;
        }
        tx.prepare_cached("DELETE FROM deliveries WHERE delivery_id = ?1")?
            .execute([delivery.delivery_id])?;
        forget_restoring_delivery(tx, delivery.delivery_id)?;
        let cut = counters.cut(delivery.kind);
        cut.deliveries += 1;
        cut.redeliveries += i64::from(delivery.duplicate);
        bodies.push(delivery.body_id);
    }
    Ok(to)
}
