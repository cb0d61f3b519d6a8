//! The read queries behind `show` and `stats`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{Error, Result};
use crate::everflow::{ResourceType, WebhookKind};
use crate::store::bodies::Dictionaries;
use crate::store::kept_body::KeptBody;

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
    // scan every version of the type.) Bodies are not joined: a version
    // whose body row is gone is reported as such, not left out.
    let dictionaries = Dictionaries::load(conn)?;
    let mut statement = conn.prepare_cached(
        "SELECT v.version_id, v.kind, v.resource_id, v.fact_time, v.first_received_at,
                v.last_received_at, v.redeliveries, v.is_current, v.body_id
         FROM versions AS v
         WHERE v.resource_type = ?1 AND v.resource_id = ?2
         UNION ALL
         SELECT v.version_id, v.kind, v.resource_id, v.fact_time, v.first_received_at,
                v.last_received_at, v.redeliveries, v.is_current, v.body_id
         FROM versions AS v
         WHERE v.resource_type = ?1 AND v.resource_id >= ?3 AND v.resource_id < ?4",
    )?;
    let mut restorations = conn.prepare_cached(
        "SELECT received_at FROM restorations WHERE version_id = ?1 ORDER BY received_at",
    )?;
    let (from, to) = (format!("{id}:"), format!("{id};"));
    let found = statement.query_map(params![resource_type.as_str(), id, from, to], |row| {
        Ok((
            VersionRecord {
                version_id: row.get(0)?,
                kind: row.get(1)?,
                resource_id: row.get(2)?,
                fact_time: row.get(3)?,
                first_received_at: row.get(4)?,
                last_received_at: row.get(5)?,
                redeliveries: row.get(6)?,
                is_current: row.get(7)?,
                restored_at: Vec::new(),
                raw: Vec::new(),
            },
            row.get::<_, i64>(8)?,
        ))
    })?;
    let mut versions = Vec::new();
    for version in found {
        let (mut version, body_id) = version?;
        // A version always has its body (a foreign key): one missing is
        // damage to report, not an empty body to show.
        version.raw = body(conn, &dictionaries, body_id)?.ok_or_else(|| Error::BodyUnreadable {
            version_id: version.version_id,
            column: "body",
            why: "its row is missing",
        })?;
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

/// A body as received, read back from what is kept.
pub fn body(
    conn: &Connection,
    dictionaries: &Dictionaries,
    body_id: i64,
) -> Result<Option<Vec<u8>>> {
    KeptBody::find(conn, body_id)?
        .map(|kept| kept.read_back(conn, dictionaries))
        .transpose()
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

/// A type's figures, from the counters the writer keeps (a row per kind:
/// a dozen rows, whatever the archive's size).
pub fn type_stats(conn: &Connection, resource_type: ResourceType) -> Result<TypeStats> {
    let kinds: Vec<&str> = resource_type
        .kinds()
        .into_iter()
        .map(WebhookKind::as_str)
        .collect();
    let stats = conn
        .prepare_cached(
            "SELECT coalesce(sum(resources), 0), coalesce(sum(versions), 0),
                    coalesce(sum(deliveries), 0), coalesce(sum(redeliveries), 0),
                    coalesce(sum(refused), 0), min(first_received_at), max(last_received_at)
             FROM counters WHERE instr(?1, ',' || kind || ',') > 0",
        )?
        .query_row([format!(",{},", kinds.join(","))], |row| {
            Ok(TypeStats {
                resource_type,
                resources: row.get(0)?,
                versions: row.get(1)?,
                deliveries: row.get(2)?,
                redeliveries: row.get(3)?,
                refused: row.get(4)?,
                first_received_at: row.get(5)?,
                last_received_at: row.get(6)?,
            })
        })?;
    Ok(stats)
}

/// Refusals whose URL named no known kind, or that were sent to `/webhooks`.
pub fn refusals_without_kind(conn: &Connection) -> Result<i64> {
    Ok(conn
        .query_row("SELECT refused FROM counters WHERE kind = ''", [], |row| {
            row.get(0)
        })
        .optional()?
        .unwrap_or(0))
}

/// The highest delivery id: how many deliveries the archive has taken.
pub fn delivery_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(max(delivery_id), 0) FROM deliveries",
        [],
        |row| row.get(0),
    )?)
}

/// Each kind's last accepted delivery, Unix milliseconds (from the counters,
/// so a dozen rows whatever the archive's size).
pub fn last_arrivals(conn: &Connection) -> Result<std::collections::HashMap<String, i64>> {
    let mut statement = conn.prepare_cached(
        "SELECT kind, last_received_at FROM counters WHERE last_received_at IS NOT NULL",
    )?;
    let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
