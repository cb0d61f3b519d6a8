//! The archive's current conversions and events in a span of conversion
//! times, with what `reconcile` compares against Everflow's report.

use rusqlite::{Connection, params};

use crate::error::Result;

/// What the archive holds now about one conversion or event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CurrentConversion {
    pub conversion_id: String,
    pub transaction_id: Option<String>,
    pub is_event: bool,
    pub event: Option<String>,
    /// Unix seconds.
    pub conversion_time: Option<i64>,
    pub status: Option<String>,
    /// Micro-units.
    pub payout: Option<i64>,
    pub revenue: Option<i64>,
    pub sale_amount: Option<i64>,
}

/// Current versions with a conversion time in `[start, end)` (unix seconds).
pub fn current_conversions(
    conn: &Connection,
    start: i64,
    end: i64,
) -> Result<Vec<CurrentConversion>> {
    let mut statement = conn.prepare_cached(
        "SELECT CAST(conversion_id AS TEXT), CAST(transaction_id AS TEXT), kind = 12, event,
                conversion_time, status, payout_micros, revenue_micros, sale_amount_micros
         FROM conversions
         WHERE kind IN (11, 12) AND conversion_time >= ?1 AND conversion_time < ?2
           AND is_current = 1
         ORDER BY conversion_time, conversion_id",
    )?;
    let rows = statement.query_map(params![start, end], |row| {
        Ok(CurrentConversion {
            conversion_id: row.get::<_, Option<String>>(0)?.unwrap_or_default(),
            transaction_id: row.get(1)?,
            is_event: row.get(2)?,
            event: row.get(3)?,
            conversion_time: row.get(4)?,
            status: row.get(5)?,
            payout: row.get(6)?,
            revenue: row.get(7)?,
            sale_amount: row.get(8)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
