//! The read queries behind `show` and `stats`.

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::everflow::ResourceType;

/// One version of a resource, with its body as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionRecord {
    pub version_id: i64,
    /// The event type that first carried this content.
    pub kind: String,
    pub resource_id: String,
    pub fact_time: Option<i64>,
    pub first_received_at: i64,
    pub last_received_at: i64,
    pub redeliveries: i64,
    pub is_current: bool,
    /// When this content became current again after another (Unix ms).
    pub restored_at: Vec<i64>,
    pub raw: Vec<u8>,
}

/// Every version of the resources of `resource_type` whose identity is `id`,
/// or, for composite identities (verdicts, approvals), starts with `id:`.
/// Ordered by resource, then fact time (versions without a time first), then
/// arrival.
pub fn versions_of(
    conn: &Connection,
    resource_type: ResourceType,
    id: &str,
) -> Result<Vec<VersionRecord>> {
    // Two index ranges: the identity itself, and the composite identities it
    // starts (`id:` up to, not including, `id;`). (As one OR, SQLite would
    // scan every version of the type.)
    let mut statement = conn.prepare_cached(
        "SELECT v.version_id, v.kind, v.resource_id, v.fact_time, v.first_received_at,
                v.last_received_at, v.redeliveries, v.is_current, b.raw
         FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
         WHERE v.resource_type = ?1 AND v.resource_id = ?2
         UNION ALL
         SELECT v.version_id, v.kind, v.resource_id, v.fact_time, v.first_received_at,
                v.last_received_at, v.redeliveries, v.is_current, b.raw
         FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
         WHERE v.resource_type = ?1 AND v.resource_id >= ?3 AND v.resource_id < ?4",
    )?;
    let mut restorations = conn.prepare_cached(
        "SELECT received_at FROM restorations WHERE version_id = ?1 ORDER BY received_at",
    )?;
    let (from, to) = (format!("{id}:"), format!("{id};"));
    let found = statement.query_map(params![resource_type.as_str(), id, from, to], |row| {
        Ok(VersionRecord {
            version_id: row.get(0)?,
            kind: row.get(1)?,
            resource_id: row.get(2)?,
            fact_time: row.get(3)?,
            first_received_at: row.get(4)?,
            last_received_at: row.get(5)?,
            redeliveries: row.get(6)?,
            is_current: row.get(7)?,
            restored_at: Vec::new(),
            raw: row.get(8)?,
        })
    })?;
    let mut versions = Vec::new();
    for version in found {
        let mut version = version?;
        version.restored_at = restorations
            .query_map([version.version_id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        versions.push(version);
    }
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

/// Figures for `stats`, per resource type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeStats {
    pub resource_type: ResourceType,
    /// Distinct resources (one current version each).
    pub resources: i64,
    pub versions: i64,
    /// Deliveries of the event types carrying this type.
    pub deliveries: i64,
    /// Those that changed nothing (outcome `duplicate`), so never more than
    /// `deliveries`, also when one delivery carries several resources.
    pub redeliveries: i64,
    pub refused: i64,
    pub first_received_at: Option<i64>,
    pub last_received_at: Option<i64>,
}

pub fn type_stats(conn: &Connection, resource_type: ResourceType) -> Result<TypeStats> {
    let (resources, versions) = conn
        .prepare_cached(
            "SELECT count(*) FILTER (WHERE is_current = 1), count(*)
             FROM versions WHERE resource_type = ?1",
        )?
        .query_row([resource_type.as_str()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut stats = TypeStats {
        resource_type,
        resources,
        versions,
        deliveries: 0,
        redeliveries: 0,
        refused: 0,
        first_received_at: None,
        last_received_at: None,
    };
    let mut deliveries = conn.prepare_cached(
        "SELECT count(*), count(*) FILTER (WHERE outcome = 'duplicate'),
                min(received_at), max(received_at)
         FROM deliveries WHERE kind = ?1",
    )?;
    let mut refused = conn.prepare_cached("SELECT count(*) FROM refusals WHERE kind = ?1")?;
    for kind in resource_type.kinds() {
        let (count, duplicates, first, last): (i64, i64, Option<i64>, Option<i64>) = deliveries
            .query_row([kind.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?;
        stats.deliveries += count;
        stats.redeliveries += duplicates;
        stats.first_received_at = min_known(stats.first_received_at, first);
        stats.last_received_at = stats.last_received_at.max(last);
        stats.refused += refused.query_row([kind.as_str()], |r| r.get::<_, i64>(0))?;
    }
    Ok(stats)
}

fn min_known(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
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
