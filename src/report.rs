//! `report`: conversions or events summed per group. The store aggregates in
//! SQL; this file decides the groups' labels (day and hour in the chosen zone),
//! merges, orders, and adds the totals.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::{Error, Result};

/// A dimension to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Offer,
    Affiliate,
    Advertiser,
    Day,
    Hour,
    Status,
    Country,
    Event,
    /// `sub1` … `sub5` (1-based).
    Sub(u8),
    Currency,
}

pub const DIMENSION_NAMES: &str = "offer, affiliate, advertiser, day, hour, status, country, event, sub1, sub2, sub3, sub4, sub5, currency";

impl Dimension {
    pub fn parse(name: &str) -> Result<Dimension> {
        let dimension = match name.trim().to_ascii_lowercase().as_str() {
            "offer" => Dimension::Offer,
            "affiliate" | "partner" => Dimension::Affiliate,
            "advertiser" => Dimension::Advertiser,
            "day" => Dimension::Day,
            "hour" => Dimension::Hour,
            "status" => Dimension::Status,
            "country" => Dimension::Country,
            "event" => Dimension::Event,
            "sub1" => Dimension::Sub(1),
            "sub2" => Dimension::Sub(2),
            "sub3" => Dimension::Sub(3),
            "sub4" => Dimension::Sub(4),
            "sub5" => Dimension::Sub(5),
            "currency" => Dimension::Currency,
            _ => {
                return Err(Error::InvalidArgument {
                    flag: "--by",
                    why: format!("'{name}' is not a dimension; use one of: {DIMENSION_NAMES}"),
                });
            }
        };
        Ok(dimension)
    }

    /// Whether the group is a time bucket, labelled in the chosen zone.
    pub fn is_time(self) -> bool {
        matches!(self, Dimension::Day | Dimension::Hour)
    }
}

/// One group's key part as the store returns it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyPart {
    Null,
    Integer(i64),
    Text(String),
}

/// Sums for one group. Money in micro-units, so totals are exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub count: i64,
    pub payout: i64,
    pub revenue: i64,
}

impl Sums {
    pub fn add(&mut self, other: Sums) {
        self.count += other.count;
        self.payout += other.payout;
        self.revenue += other.revenue;
    }

    pub fn profit(&self) -> i64 {
        self.revenue - self.payout
    }
}

/// Seconds per time bucket the store groups by. Every time zone's offset is a
/// multiple of 15 minutes, so a 15-minute bucket never straddles a local hour
/// or day, on DST days included; the buckets are then relabelled here.
pub const BUCKET_SECONDS: i64 = 900;

/// Relabels time buckets as local days or hours and merges the groups they
/// fall into. Each key has one part per dimension, a day or hour part being
/// the bucket number (Unix seconds / BUCKET_SECONDS).
pub fn label_time_buckets(
    groups: Vec<(Vec<KeyPart>, Sums)>,
    dimensions: &[Dimension],
    zone: &TimeZone,
) -> BTreeMap<Vec<KeyPart>, Sums> {
    let mut merged: BTreeMap<Vec<KeyPart>, Sums> = BTreeMap::new();
    for (key, sums) in groups {
        let labelled = dimensions
            .iter()
            .zip(key)
            .map(|(dimension, part)| match (dimension, part) {
                (Dimension::Day, KeyPart::Integer(bucket)) => {
                    KeyPart::Text(local_label(bucket, zone, "%Y-%m-%d"))
                }
                (Dimension::Hour, KeyPart::Integer(bucket)) => {
                    KeyPart::Text(local_label(bucket, zone, "%Y-%m-%d %H:00"))
                }
                (_, part) => part,
            })
            .collect();
        merged.entry(labelled).or_default().add(sums);
    }
    merged
}

fn local_label(bucket: i64, zone: &TimeZone, format: &str) -> String {
    Timestamp::from_second(bucket * BUCKET_SECONDS)
        .map(|t| {
            t.to_zoned_datetime(zone.clone())
                .strftime(format)
                .to_string()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(count: i64, payout: i64, revenue: i64) -> Sums {
        Sums {
            count,
            payout,
            revenue,
        }
    }

    #[test]
    fn buckets_merge_into_local_days_across_a_dst_change() {
        let zone = TimeZone::get("America/New_York").expect("zone");
        // 2026-11-01 is 25 hours long in New York: 04:00Z on 1 Nov to 05:00Z on 2 Nov.
        let at = |rfc: &str| {
            KeyPart::Integer(rfc.parse::<Timestamp>().expect("time").as_second() / BUCKET_SECONDS)
        };
        let groups = vec![
            (vec![at("2026-11-01T03:59:00Z")], sums(1, 1, 2)), // 31 Oct, 23:59 EDT
            (vec![at("2026-11-01T04:00:00Z")], sums(1, 10, 20)), // 1 Nov, 00:00 EDT
            (vec![at("2026-11-02T04:30:00Z")], sums(1, 100, 200)), // 1 Nov, 23:30 EST
            (vec![at("2026-11-02T05:00:00Z")], sums(1, 1000, 2000)), // 2 Nov, 00:00 EST
        ];
        let days = label_time_buckets(groups, &[Dimension::Day], &zone);
        let labelled: Vec<_> = days
            .into_iter()
            .map(|(key, s)| (key, s.count, s.payout))
            .collect();
        assert_eq!(
            labelled,
            vec![
                (vec![KeyPart::Text("2026-10-31".into())], 1, 1),
                (vec![KeyPart::Text("2026-11-01".into())], 2, 110),
                (vec![KeyPart::Text("2026-11-02".into())], 1, 1000),
            ]
        );
    }

    #[test]
    fn unknown_dimensions_list_the_accepted_ones() {
        let error = Dimension::parse("weekday").expect_err("not a dimension");
        assert!(error.to_string().contains(DIMENSION_NAMES));
        assert_eq!(error.exit_code(), 2);
        assert_eq!(Dimension::parse("SUB3").expect("sub3"), Dimension::Sub(3));
    }

    #[test]
    fn profit_is_exact() {
        let mut total = Sums::default();
        total.add(sums(1, 100_000, 300_000));
        total.add(sums(1, 200_000, 0));
        assert_eq!(total.profit(), 0);
        assert_eq!(total.payout, 300_000);
    }
}
