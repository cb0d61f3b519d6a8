//! The SQL side of `report`: sums per group, and the current names of the
//! offers, partners and advertisers that head the groups.

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::datasets::Dataset;
use super::select::conditions;
use crate::error::Result;
use crate::report::{BUCKET_SECONDS, Dimension, KeyPart, Sums};
use crate::selection::{Selection, TimeBasis, What};

/// Sums per group of `dimensions` over the conversions or events `selection`
/// picks; day and hour parts are 15-minute bucket numbers (see `report`).
pub fn sum_groups(
    conn: &Connection,
    selection: &Selection,
    dimensions: &[Dimension],
) -> Result<Vec<(Vec<KeyPart>, Sums)>> {
    let dataset = Dataset::of(selection.what);
    let time = match selection.basis {
        TimeBasis::Fact => dataset.fact_time,
        TimeBasis::Received => dataset.received_time,
    };
    let (conditions, params) = conditions(dataset, selection, time)?;
    let bucket = format!("({} / {})", time.sql, BUCKET_SECONDS * time.per_second);
    let keys: Vec<String> = dimensions
        .iter()
        .map(|dimension| match dimension {
            Dimension::Day | Dimension::Hour => bucket.clone(),
            other => group_column(*other).to_owned(),
        })
        .collect();
    let key_list = if keys.is_empty() {
        String::new()
    } else {
        format!("{}, ", keys.join(", "))
    };
    let group_by = if keys.is_empty() {
        String::new()
    } else {
        format!(" GROUP BY {}", keys.join(", "))
    };
    let sql = format!(
        "SELECT {key_list}count(*), coalesce(sum(t.payout_micros), 0), coalesce(sum(t.revenue_micros), 0)
         FROM {from} WHERE {conditions}{group_by}",
        from = dataset.from,
    );
    let width = dimensions.len();
    let mut statement = conn.prepare(&sql)?;
    let groups = statement
        .query_map(params_from_iter(params.iter()), |row| {
            let key = (0..width)
                .map(|i| row.get_ref(i).map(key_part))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let sums = Sums {
                count: row.get(width)?,
                payout: row.get(width + 1)?,
                revenue: row.get(width + 2)?,
            };
            Ok((key, sums))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // An empty selection still yields one all-zero row without GROUP BY.
    Ok(groups
        .into_iter()
        .filter(|(_, sums)| sums.count > 0)
        .collect())
}

/// The name last seen with an id, for an offer, partner or advertiser group:
/// walks the time index back from the newest conversion (there is no index by
/// offer or partner, see schema.sql), which finds an active one at once.
pub fn latest_name(
    conn: &Connection,
    what: What,
    dimension: Dimension,
    id: &KeyPart,
) -> Result<Option<String>> {
    let (id_column, name_column) = match dimension {
        Dimension::Offer => ("offer_id", "offer_name"),
        Dimension::Affiliate => ("affiliate_id", "affiliate_name"),
        Dimension::Advertiser => ("advertiser_id", "advertiser_name"),
        _ => return Ok(None),
    };
    let id = match id {
        KeyPart::Null => return Ok(None),
        KeyPart::Integer(n) => SqlValue::Integer(*n),
        KeyPart::Text(t) => SqlValue::Text(t.clone()),
    };
    let sql = format!(
        "SELECT t.{name_column} FROM conversions AS t INDEXED BY conversions_by_time
         WHERE {base} AND t.{id_column} = ?1 AND t.{name_column} IS NOT NULL
         ORDER BY t.conversion_time DESC LIMIT 1",
        base = Dataset::of(what).base_filter,
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([id], |row| row.get(0))
        .optional()?)
}

fn group_column(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Offer => "t.offer_id",
        Dimension::Affiliate => "t.affiliate_id",
        Dimension::Advertiser => "t.advertiser_id",
        Dimension::Status => "t.status",
        Dimension::Country => "t.country",
        Dimension::Event => "t.event",
        Dimension::Sub(1) => "t.sub1",
        Dimension::Sub(2) => "t.sub2",
        Dimension::Sub(3) => "t.sub3",
        Dimension::Sub(4) => "t.sub4",
        Dimension::Sub(_) => "t.sub5",
        Dimension::Currency => "t.currency_id",
        Dimension::Day | Dimension::Hour => "NULL",
    }
}

fn key_part(value: ValueRef<'_>) -> KeyPart {
    match value {
        ValueRef::Integer(n) => KeyPart::Integer(n),
        ValueRef::Text(t) => KeyPart::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Real(f) => KeyPart::Text(f.to_string()),
        ValueRef::Null | ValueRef::Blob(_) => KeyPart::Null,
    }
}
