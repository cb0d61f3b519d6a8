//! Every delivery with its body as received, in order of arrival: what
//! `evarchive dump` writes, the lossless way out of the archive.

use rusqlite::{Connection, params};

use crate::error::Result;
use crate::store::bodies::Dictionaries;
use crate::store::kept_body::{KEPT_BODY_COLUMNS, KeptBody};

/// One delivery and its body as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpedDelivery {
    pub delivery_id: i64,
    /// Unix milliseconds.
    pub received_at: i64,
    pub kind: String,
    pub kind_source: String,
    pub method: String,
    pub outcome: String,
    pub sender: Option<String>,
    pub forwarded_for: Option<String>,
    /// The kind the URL named when the body was another resource.
    pub url_kind: Option<String>,
    pub body_sha256: Vec<u8>,
    pub body: Vec<u8>,
}

/// Which deliveries: arrived in [since, until) (Unix milliseconds), of these
/// kinds (all when empty).
#[derive(Debug, Clone, Default)]
pub struct DumpFilter {
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub kinds: Vec<&'static str>,
}

/// Deliveries read per transaction: a dump of millions of deliveries never
/// holds one snapshot of the archive for long, so `serve`'s checkpoints keep
/// emptying the WAL meanwhile. Deliveries are never changed once written, so
/// reading them in slices gives the same result as reading them at once.
const SLICE: i64 = 1_000;

/// Calls `each` with every delivery `filter` selects, in order of arrival;
/// returns how many there were.
pub fn each_delivery(
    conn: &Connection,
    filter: &DumpFilter,
    mut each: impl FnMut(DumpedDelivery) -> Result<()>,
) -> Result<u64> {
    let dictionaries = Dictionaries::load(conn)?;
    let since = filter.since.unwrap_or(i64::MIN);
    let until = filter.until.unwrap_or(i64::MAX);
    let kinds = format!(",{},", filter.kinds.join(","));
    // Delivery ids grow with arrival, so the window bounds the ids to visit
    // (both found through the index on arrival time).
    let (first, last): (Option<i64>, Option<i64>) = conn.query_row(
        "SELECT (SELECT min(delivery_id) FROM deliveries WHERE received_at >= ?1),
                (SELECT max(delivery_id) FROM deliveries WHERE received_at < ?2)",
        params![since, until],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(0);
    };
    let mut slice = conn.prepare(&format!(
        "SELECT d.delivery_id, d.received_at, d.kind, d.kind_source, d.method, d.outcome,
                d.sender, d.forwarded_for, d.url_kind, b.sha256, {KEPT_BODY_COLUMNS}
         FROM deliveries AS d JOIN bodies AS b ON b.body_id = d.body_id
         WHERE d.delivery_id >= ?1 AND d.delivery_id <= ?2
           AND d.received_at >= ?3 AND d.received_at < ?4
           AND (?5 = ',,' OR instr(?5, ',' || d.kind || ',') > 0)
         ORDER BY d.delivery_id LIMIT ?6"
    ))?;
    let mut next = first;
    let mut written = 0;
    loop {
        let mut rows = Vec::new();
        {
            let found =
                slice.query_map(params![next, last, since, until, kinds, SLICE], |row| {
                    let delivery = DumpedDelivery {
                        delivery_id: row.get(0)?,
                        received_at: row.get(1)?,
                        kind: row.get(2)?,
                        kind_source: row.get(3)?,
                        method: row.get(4)?,
                        outcome: row.get(5)?,
                        sender: row.get(6)?,
                        forwarded_for: row.get(7)?,
                        url_kind: row.get(8)?,
                        body_sha256: row.get(9)?,
                        body: Vec::new(),
                    };
                    Ok((delivery, KeptBody::from_row(row, 10)?))
                })?;
            for row in found {
                rows.push(row?);
            }
        }
        let Some((last_read, _)) = rows.last() else {
            break;
        };
        next = last_read.delivery_id + 1;
        for (mut delivery, kept) in rows {
            delivery.body = kept.read_back(conn, &dictionaries)?;
            each(delivery)?;
            written += 1;
        }
    }
    Ok(written)
}
