//! The bodies a prune frees: deleted once nothing needs them (a real run),
//! or counted (a dry run).

use rusqlite::{Connection, OptionalExtension, params};

use super::Pruned;
use super::rules::{DeliveryRow, PruneRules, body_unused, delivery_row, is_reference};
use crate::everflow::ResourceType;

/// Deletes the bodies nothing needs any more, and then the bodies they were
/// kept against, when those are needed by nothing else either.
pub(super) fn delete_unused_bodies(
    conn: &Connection,
    mut candidates: Vec<(i64, ResourceType, String)>,
    pruned: &mut Pruned,
) -> rusqlite::Result<()> {
    candidates.sort_by_key(|(body_id, ..)| *body_id);
    candidates.dedup_by_key(|(body_id, ..)| *body_id);
    while let Some((body_id, resource_type, resource_ids)) = candidates.pop() {
        if !body_unused(conn, body_id, resource_type, &resource_ids)? {
            continue;
        }
        let Some((bytes, reference)): Option<(i64, Option<i64>)> = conn
            .prepare_cached(
                "SELECT length(stored), reference_body_id FROM bodies WHERE body_id = ?1",
            )?
            .query_row([body_id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?
        else {
            continue;
        };
        conn.prepare_cached("DELETE FROM bodies WHERE body_id = ?1")?
            .execute([body_id])?;
        pruned.bodies += 1;
        pruned.body_bytes += u64::try_from(bytes).unwrap_or(0);
        if let Some(reference) = reference {
            candidates.push((reference, resource_type, resource_ids));
        }
    }
    Ok(())
}

/// A dry run's count of the bodies that would go: those every delivery of
/// which goes and that no body is kept against (a base freed only with the
/// versions kept against it is not counted: a real run may remove more).
pub(super) fn count_unused_bodies(
    conn: &Connection,
    rules: &PruneRules,
    chunk_end: i64,
    mut candidates: Vec<(i64, ResourceType, String)>,
    pruned: &mut Pruned,
) -> rusqlite::Result<()> {
    candidates.sort_by_key(|(body_id, ..)| *body_id);
    candidates.dedup_by_key(|(body_id, ..)| *body_id);
    'bodies: for (body_id, _, _) in candidates {
        if is_reference(conn, body_id)? {
            continue;
        }
        // Every delivery of the body must be old, and go.
        let deliveries: Vec<(Option<DeliveryRow>, bool)> = conn
            .prepare_cached(
                "SELECT delivery_id, kind, outcome, body_id, resource_ids, received_at < ?2
                 FROM deliveries WHERE body_id = ?1",
            )?
            .query_map(params![body_id, rules.cutoff_ms], |row| {
                Ok((delivery_row(row)?, row.get(5)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        // Counted once: in the chunk of its last delivery.
        let after_chunk = deliveries
            .iter()
            .any(|(delivery, _)| delivery.as_ref().is_some_and(|d| d.delivery_id > chunk_end));
        if after_chunk || deliveries.iter().any(|(_, old)| !old) {
            continue;
        }
        for delivery in deliveries
            .iter()
            .filter_map(|(delivery, _)| delivery.as_ref())
        {
            if !rules.delivery_goes(conn, delivery)? {
                continue 'bodies;
            }
        }
        let bytes: i64 = conn
            .prepare_cached("SELECT length(stored) FROM bodies WHERE body_id = ?1")?
            .query_row([body_id], |row| row.get(0))?;
        pruned.bodies += 1;
        pruned.body_bytes += u64::try_from(bytes).unwrap_or(0);
    }
    Ok(())
}
