//! The counters `stats` reads, recounted from the rows.

use rusqlite::Connection;

use super::{Problem, Scrub};
use crate::error::Result;

/// The counters as the rows count them: deliveries and redeliveries by the
/// kind they arrived as, versions by the kind that first carried them,
/// resources by the kind of their first version. (Refusals are counted as
/// they happen; the log of them is capped, so they cannot be recounted.)
const RECOUNT: &str = "
    WITH delivered AS (
        SELECT kind, count(*) AS deliveries,
               count(*) FILTER (WHERE outcome = 'duplicate') AS redeliveries,
               min(received_at) AS first_received_at, max(received_at) AS last_received_at
        FROM deliveries GROUP BY kind),
    versioned AS (SELECT kind, count(*) AS versions FROM versions GROUP BY kind),
    first_versions AS (
        SELECT kind, count(*) AS resources FROM versions AS v
        WHERE v.version_id = (SELECT min(w.version_id) FROM versions AS w
                              WHERE w.resource_type = v.resource_type
                                AND w.resource_id = v.resource_id)
        GROUP BY kind),
    kinds AS (SELECT kind FROM delivered UNION SELECT kind FROM counters WHERE deliveries > 0)
    SELECT k.kind,
           c.deliveries, coalesce(d.deliveries, 0),
           c.redeliveries, coalesce(d.redeliveries, 0),
           c.versions, coalesce(v.versions, 0),
           c.resources, coalesce(f.resources, 0),
           c.first_received_at, d.first_received_at,
           c.last_received_at, d.last_received_at
    FROM kinds AS k
    LEFT JOIN counters AS c ON c.kind = k.kind
    LEFT JOIN delivered AS d ON d.kind = k.kind
    LEFT JOIN versioned AS v ON v.kind = k.kind
    LEFT JOIN first_versions AS f ON f.kind = k.kind
    ORDER BY k.kind";

const COUNTERS: [&str; 6] = [
    "deliveries",
    "redeliveries",
    "versions",
    "resources",
    "first_received_at",
    "last_received_at",
];

pub(super) fn check_counters(conn: &Connection, scrub: &mut Scrub) -> Result<()> {
    let mut statement = conn.prepare(RECOUNT)?;
    let mut rows = statement.query([])?;
    while let Some(row) = rows.next()? {
        let kind: String = row.get(0)?;
        for (i, counter) in COUNTERS.into_iter().enumerate() {
            let recorded: Option<i64> = row.get(1 + 2 * i)?;
            let counted: Option<i64> = row.get(2 + 2 * i)?;
            if recorded != counted {
                scrub.problems.push(Problem::Counter {
                    kind: kind.clone(),
                    counter,
                    recorded,
                    counted,
                });
            }
        }
    }
    Ok(())
}
