//! A delivery's body row: the existing one for bytes already archived, or a
//! new one, kept against its reference only while that reference is still
//! the body it was compressed against.

use rusqlite::{Connection, OptionalExtension, params};

use crate::store::bodies::Codec;
use crate::store::incoming::IncomingDelivery;

/// The body's row, shared by every delivery of the same bytes. The same bytes
/// can only come again for the same resource (a redelivery), so they are
/// looked for through the resource's versions: a unique index over every
/// body's hash would be a random-order index as large as the archive is long.
pub(in crate::store) fn body_id_for(
    conn: &Connection,
    delivery: &IncomingDelivery,
) -> rusqlite::Result<(i64, Option<i64>)> {
    if let Some(first) = delivery.resources.first() {
        let existing = conn
            .prepare_cached(
                "SELECT b.body_id FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
                 WHERE v.resource_type = ?1 AND v.resource_id = ?2 AND b.sha256 = ?3
                 LIMIT 1",
            )?
            .query_row(
                params![
                    delivery.kind.resource_type().as_str(),
                    first.resource_id,
                    &delivery.body_sha256[..]
                ],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(body_id) = existing {
            return Ok((body_id, delivery.body.reference_body_id));
        }
    }
    insert_body(conn, delivery)
}

/// Inserts the delivery's body; its id, and the body it is kept against.
/// A body compressed against a reference that `prune` has since removed is
/// kept as received instead: never a body that cannot be read back.
pub(in crate::store) fn insert_body(
    conn: &Connection,
    delivery: &IncomingDelivery,
) -> rusqlite::Result<(i64, Option<i64>)> {
    let body = &delivery.body;
    // By id and digest: a pruned body's id may since have been given to
    // another body (SQLite reuses the highest rowid).
    let reference_gone = match (body.reference_body_id, body.reference_sha256) {
        (Some(reference), Some(sha256)) => conn
            .prepare_cached("SELECT 1 FROM bodies WHERE body_id = ?1 AND sha256 = ?2")?
            .query_row(params![reference, &sha256[..]], |_| Ok(()))
            .optional()?
            .is_none(),
        (Some(_), None) => true,
        (None, _) => false,
    };
    let mut insert = conn.prepare_cached(
        "INSERT INTO bodies (sha256, stored, codec, dictionary_id, length, reference_body_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    match (&delivery.whole_if_reference_gone, reference_gone) {
        (Some(raw), true) => {
            insert.execute(params![
                &delivery.body_sha256[..],
                &raw[..],
                Codec::AsReceived as i64,
                None::<i64>,
                raw.len() as i64,
                None::<i64>,
            ])?;
            Ok((conn.last_insert_rowid(), None))
        }
        _ => {
            insert.execute(params![
                &delivery.body_sha256[..],
                &body.bytes[..],
                body.codec as i64,
                body.dictionary_id,
                body.length as i64,
                body.reference_body_id,
            ])?;
            Ok((conn.last_insert_rowid(), body.reference_body_id))
        }
    }
}
