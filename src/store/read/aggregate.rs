//! The SQL side of `report`: sums per group, and the current names of the
//! offers, partners and advertisers that head the groups.

use rusqlite::types::{Value as SqlValue, ValueRef};
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params_from_iter};

use super::datasets::Dataset;
use super::select::conditions;
use crate::error::Result;
use crate::everflow::numbered::numbered_name;
use crate::grouped_sums::{BUCKET_SECONDS, Dimension, KeyPart, Sums};
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
        .chain([
            "t.status".to_owned(),
            "t.payout_micros".to_owned(),
            "t.revenue_micros".to_owned(),
        ])
        .collect();
    // Grouped here rather than by SQL's GROUP BY: that sorts every row into a
    // temporary b-tree (5.5 s for 3.3M conversions, BENCHMARKS.md), while the
    // rows stream out of the covering time index in a fraction of that.
    let sql = format!(
        "SELECT {} FROM {} WHERE {conditions}",
        keys.join(", "),
        dataset.from_for(selection)
    );
    let width = dimensions.len();
    // foldhash: the default SipHash is built against hostile keys, which
    // these (our own archive's ids) are not, and costs a third of the loop.
    let mut groups: HashMap<Vec<u8>, Sums, foldhash::fast::RandomState> = HashMap::default();
    let mut key = Vec::with_capacity(64);
    let mut statement = conn.prepare(&sql)?;
    let mut rows = statement.query(params_from_iter(params.iter()))?;
    while let Some(row) = rows.next()? {
        key.clear();
        for i in 0..width {
            encode_key_part(&mut key, row.get_ref(i)?);
        }
        let status = match row.get_ref(width)? {
            ValueRef::Text(text) => std::str::from_utf8(text).ok(),
            _ => None,
        };
        let payout = row.get::<_, Option<i64>>(width + 1)?.unwrap_or(0);
        let revenue = row.get::<_, Option<i64>>(width + 2)?.unwrap_or(0);
        match groups.get_mut(key.as_slice()) {
            Some(group) => group.count(status, payout, revenue),
            None => {
                let mut sums = Sums::default();
                sums.count(status, payout, revenue);
                groups.insert(key.clone(), sums);
            }
        }
    }
    Ok(groups
        .into_iter()
        .map(|(key, sums)| (decode_key(&key, width), sums))
        .collect())
}

/// How many of the conversions or events `selection` picks are dated by
/// their arrival. Read through the partial index of those rows (few), not
/// the rows the report reads from its covering index.
pub fn count_dated_by_arrival(conn: &Connection, selection: &Selection) -> Result<u64> {
    let dataset = Dataset::of(selection.what);
    let Some(time_source) = dataset.time_source else {
        return Ok(0);
    };
    let time = match selection.basis {
        TimeBasis::Fact => dataset.fact_time,
        TimeBasis::Received => dataset.received_time,
    };
    let (conditions, params) = conditions(dataset, selection, time)?;
    let from = match selection.what {
        What::Conversions | What::Events => {
            "conversions AS t INDEXED BY conversions_dated_by_arrival"
        }
        _ => dataset.from,
    };
    let sql =
        format!("SELECT count(*) FROM {from} WHERE {conditions} AND {time_source} IS NOT NULL");
    let count: i64 = conn
        .prepare(&sql)?
        .query_row(params_from_iter(params.iter()), |row| row.get(0))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// A group key part as bytes: a tag, then the value (integers fixed-width,
/// text length-prefixed), so keys compare equal exactly when their parts do.
fn encode_key_part(key: &mut Vec<u8>, value: ValueRef<'_>) {
    match value {
        ValueRef::Null | ValueRef::Blob(_) => key.push(0),
        ValueRef::Integer(n) => {
            key.push(1);
            key.extend_from_slice(&n.to_le_bytes());
        }
        ValueRef::Real(f) => {
            key.push(2);
            key.extend_from_slice(&f.to_le_bytes());
        }
        ValueRef::Text(text) => {
            key.push(3);
            key.extend_from_slice(&(text.len() as u64).to_le_bytes());
            key.extend_from_slice(text);
        }
    }
}

fn decode_key(mut key: &[u8], width: usize) -> Vec<KeyPart> {
    let mut parts = Vec::with_capacity(width);
    let take8 = |bytes: &[u8]| -> [u8; 8] {
        let mut array = [0u8; 8];
        array.copy_from_slice(&bytes[..8]);
        array
    };
    while let Some((&tag, rest)) = key.split_first() {
        key = rest;
        match tag {
            1 => {
                parts.push(KeyPart::Integer(i64::from_le_bytes(take8(key))));
                key = &key[8..];
            }
            2 => {
                parts.push(KeyPart::Text(f64::from_le_bytes(take8(key)).to_string()));
                key = &key[8..];
            }
            3 => {
                let length = u64::from_le_bytes(take8(key)) as usize;
                let text = &key[8..8 + length];
                parts.push(KeyPart::Text(String::from_utf8_lossy(text).into_owned()));
                key = &key[8 + length..];
            }
            _ => parts.push(KeyPart::Null),
        }
    }
    parts
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
        Dimension::Sub(slot) => numbered_name(&crate::numbered!("t.", "sub"), slot),
        Dimension::Currency => "t.currency_id",
        Dimension::Day | Dimension::Hour => "NULL",
    }
}
