//! The read queries behind `show` and `stats`.

use rusqlite::{Connection, params};

use crate::error::Result;

/// One version of a resource, with its body as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub kind: String,
    pub resource_id: String,
    pub fact_time: Option<i64>,
    pub first_received_at: i64,
    pub last_received_at: i64,
    pub redeliveries: i64,
    pub is_current: bool,
    pub raw: Vec<u8>,
}

/// Every version of the resources of `kinds` whose identity is `id`, or, for
/// composite identities (verdicts, approvals), starts with `id:`. Oldest fact first.
pub fn versions_of(conn: &Connection, kinds: &[&str], id: &str) -> Result<Vec<VersionRecord>> {
    // Two index ranges per kind: the identity itself, and the composite
    // identities it starts (`id:` up to, not including, `id;`).
    // (As one OR, SQLite would scan every version of the kind.)
    let mut statement = conn.prepare_cached(
        "SELECT v.kind, v.resource_id, v.fact_time, v.first_received_at, v.last_received_at,
                v.redeliveries, v.is_current, b.raw
         FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
         WHERE v.kind = ?1 AND v.resource_id = ?2
         UNION ALL
         SELECT v.kind, v.resource_id, v.fact_time, v.first_received_at, v.last_received_at,
                v.redeliveries, v.is_current, b.raw
         FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
         WHERE v.kind = ?1 AND v.resource_id >= ?3 AND v.resource_id < ?4",
    )?;
    let (from, to) = (format!("{id}:"), format!("{id};"));
    let mut versions = Vec::new();
    for kind in kinds {
        let found = statement.query_map(params![kind, id, from, to], |row| {
            Ok(VersionRecord {
                kind: row.get(0)?,
                resource_id: row.get(1)?,
                fact_time: row.get(2)?,
                first_received_at: row.get(3)?,
                last_received_at: row.get(4)?,
                redeliveries: row.get(5)?,
                is_current: row.get(6)?,
                raw: row.get(7)?,
            })
        })?;
        for version in found {
            versions.push(version?);
        }
    }
    // Oldest fact first within each resource; versions without a time first.
    versions.sort_by(|a, b| {
        (
            &a.resource_id,
            a.fact_time.is_some(),
            a.fact_time,
            a.first_received_at,
        )
            .cmp(&(
                &b.resource_id,
                b.fact_time.is_some(),
                b.fact_time,
                b.first_received_at,
            ))
    });
    Ok(versions)
}

/// Per-kind figures for `stats`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindStats {
    pub kind: String,
    pub resources: i64,
    pub versions: i64,
    pub redeliveries: i64,
    pub deliveries: i64,
    pub refused: i64,
    pub first_received_at: Option<i64>,
    pub last_received_at: Option<i64>,
}

pub fn kind_stats(conn: &Connection, kinds: &[&str]) -> Result<Vec<KindStats>> {
    let mut versions = conn.prepare(
        "SELECT count(*) FILTER (WHERE is_current = 1), count(*),
                coalesce(sum(redeliveries), 0)
         FROM versions WHERE kind = ?1",
    )?;
    let mut deliveries = conn.prepare(
        "SELECT count(*), min(received_at), max(received_at) FROM deliveries WHERE kind = ?1",
    )?;
    let mut refused = conn.prepare("SELECT count(*) FROM refusals WHERE kind = ?1")?;
    kinds
        .iter()
        .map(|kind| {
            let (resources, version_count, redeliveries) =
                versions.query_row([kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            let (delivery_count, first, last) =
                deliveries.query_row([kind], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(KindStats {
                kind: (*kind).to_owned(),
                resources,
                versions: version_count,
                redeliveries,
                deliveries: delivery_count,
                refused: refused.query_row([kind], |r| r.get(0))?,
                first_received_at: first,
                last_received_at: last,
            })
        })
        .collect()
}

/// Refusals whose URL named no known kind, or that were sent to `/webhooks`.
pub fn refusals_without_kind(conn: &Connection, known: &[&str]) -> Result<i64> {
    let placeholders = (1..=known.len())
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql =
        format!("SELECT count(*) FROM refusals WHERE kind IS NULL OR kind NOT IN ({placeholders})");
    let params: Vec<&dyn rusqlite::ToSql> =
        known.iter().map(|k| k as &dyn rusqlite::ToSql).collect();
    Ok(conn.query_row(&sql, params.as_slice(), |row| row.get(0))?)
}
