//! `report`: conversions or events summed per group. The store aggregates in
//! SQL; this file decides the groups' labels (day and hour in the chosen zone),
//! merges, orders, and adds the totals.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::error::{Error, Result};
use crate::everflow::numbered::{SUB_NAMES, numbered_name};
use crate::rows::{Column, ColumnKind};

/// A dimension to group by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Offer,
    Affiliate,
    Advertiser,
    Day,
    Hour,
    Status,
    Country,
    Event,
    /// `sub1` … `sub10` (1-based).
    Sub(u8),
    Currency,
}

impl Dimension {
    pub const ALL: [Dimension; 19] = [
        Dimension::Offer,
        Dimension::Affiliate,
        Dimension::Advertiser,
        Dimension::Day,
        Dimension::Hour,
        Dimension::Status,
        Dimension::Country,
        Dimension::Event,
        Dimension::Sub(1),
        Dimension::Sub(2),
        Dimension::Sub(3),
        Dimension::Sub(4),
        Dimension::Sub(5),
        Dimension::Sub(6),
        Dimension::Sub(7),
        Dimension::Sub(8),
        Dimension::Sub(9),
        Dimension::Sub(10),
        Dimension::Currency,
    ];

    /// Whether its groups are offers, partners or advertisers, which have a
    /// name beside their id.
    pub fn is_named(self) -> bool {
        matches!(
            self,
            Dimension::Offer | Dimension::Affiliate | Dimension::Advertiser
        )
    }

    /// The name `--by` takes, which is also the group's column name.
    pub fn name(self) -> &'static str {
        match self {
            Dimension::Offer => "offer",
            Dimension::Affiliate => "affiliate",
            Dimension::Advertiser => "advertiser",
            Dimension::Day => "day",
            Dimension::Hour => "hour",
            Dimension::Status => "status",
            Dimension::Country => "country",
            Dimension::Event => "event",
            Dimension::Sub(slot) => numbered_name(&SUB_NAMES, slot),
            Dimension::Currency => "currency",
        }
    }

    /// Whether the group is a time bucket, labelled in the chosen zone.
    pub fn is_time(self) -> bool {
        matches!(self, Dimension::Day | Dimension::Hour)
    }
}

impl clap::ValueEnum for Dimension {
    fn value_variants<'a>() -> &'a [Self] {
        &Dimension::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.name());
        Some(match self {
            Dimension::Affiliate => value.alias("partner"),
            _ => value,
        })
    }
}

/// One group's key part as the store returns it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyPart {
    Null,
    Integer(i64),
    Text(String),
}

/// The statuses a report shows side by side, in Everflow's words. A
/// conversion with any other status, or none, is counted as `other`, never
/// left out of the sums.
pub const REPORT_STATUSES: [&str; 4] = ["approved", "pending", "rejected", "invalid"];

/// Where a status is counted: its index in [`REPORT_STATUSES`], or
/// [`OTHER_STATUS`].
pub fn status_slot(status: Option<&str>) -> usize {
    status
        .and_then(|status| REPORT_STATUSES.iter().position(|known| *known == status))
        .unwrap_or(OTHER_STATUS)
}

/// The slot of statuses outside [`REPORT_STATUSES`].
pub const OTHER_STATUS: usize = REPORT_STATUSES.len();

/// The columns of each status slot (the last is `other`), and their ranks in
/// a narrow terminal: approved is always shown, pending before rejected and
/// invalid, counts before amounts.
const STATUS_COLUMNS: [([&str; 3], [u8; 3]); REPORT_STATUSES.len() + 1] = [
    (
        ["approved_count", "approved_payout", "approved_revenue"],
        [0, 0, 0],
    ),
    (
        ["pending_count", "pending_payout", "pending_revenue"],
        [1, 2, 5],
    ),
    (
        ["rejected_count", "rejected_payout", "rejected_revenue"],
        [3, 6, 8],
    ),
    (
        ["invalid_count", "invalid_payout", "invalid_revenue"],
        [3, 7, 9],
    ),
    (["other_count", "other_payout", "other_revenue"], [3, 7, 9]),
];

/// The name of a status slot, as its columns' group.
pub fn slot_name(slot: usize) -> &'static str {
    REPORT_STATUSES.get(slot).copied().unwrap_or("other")
}

/// A report's columns: each dimension (ids with their names), then count,
/// payout and revenue of each status slot shown, then profit if approved is
/// among them.
pub fn report_columns(dimensions: &[Dimension], slots: &[usize]) -> Vec<Column> {
    use ColumnKind::{Code, Id, Integer, Money, Text};
    let mut columns = Vec::new();
    for dimension in dimensions {
        match dimension {
            Dimension::Offer => {
                columns.push(Column::new("offer_id", Id));
                columns.push(Column::new("offer_name", Text).rank(4));
            }
            Dimension::Affiliate => {
                columns.push(Column::new("affiliate_id", Id));
                columns.push(Column::new("affiliate_name", Text).rank(4));
            }
            Dimension::Advertiser => {
                columns.push(Column::new("advertiser_id", Id));
                columns.push(Column::new("advertiser_name", Text).rank(4));
            }
            Dimension::Currency => columns.push(Column::new("currency_id", Code).label("currency")),
            Dimension::Event | Dimension::Sub(_) => {
                columns.push(Column::new(dimension.name(), Text).rank(1))
            }
            Dimension::Day | Dimension::Hour | Dimension::Status | Dimension::Country => {
                columns.push(Column::new(dimension.name(), Code))
            }
        }
    }
    for &slot in slots {
        let group = slot_name(slot);
        let (names, ranks) = STATUS_COLUMNS[slot];
        columns.push(
            Column::new(names[0], Integer)
                .label("count")
                .group(group)
                .rank(ranks[0]),
        );
        columns.push(
            Column::new(names[1], Money)
                .label("payout")
                .group(group)
                .rank(ranks[1]),
        );
        columns.push(
            Column::new(names[2], Money)
                .label("revenue")
                .group(group)
                .rank(ranks[2]),
        );
    }
    if slots.contains(&0) {
        columns.push(Column::new("profit", Money));
    }
    columns
}

/// Count, payout and revenue of one status. Money in micro-units, so totals
/// are exact; summed in 128 bits, so that no total wraps around silently
/// (a single amount may be ±9.2 trillion units: two of them overflow an
/// `i64`). A total too large to print is an error, never a wrong figure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub count: i64,
    pub payout: i128,
    pub revenue: i128,
}

impl Tally {
    pub fn add(&mut self, other: Tally) {
        self.count += other.count;
        self.payout += other.payout;
        self.revenue += other.revenue;
    }
}

/// Sums for one group: a tally per status slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub by_status: [Tally; REPORT_STATUSES.len() + 1],
}

impl Sums {
    /// One conversion of `status`.
    pub fn count(&mut self, status: Option<&str>, payout: i64, revenue: i64) {
        self.by_status[status_slot(status)].add(Tally {
            count: 1,
            payout: payout.into(),
            revenue: revenue.into(),
        });
    }

    pub fn add(&mut self, other: Sums) {
        for (mine, theirs) in self.by_status.iter_mut().zip(other.by_status) {
            mine.add(theirs);
        }
    }

    /// Revenue minus payout of the approved conversions: what the network
    /// keeps of what it is paid for. Pending ones may still be rejected.
    pub fn profit(&self) -> i128 {
        let approved = self.by_status[0];
        approved.revenue - approved.payout
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
) -> Result<BTreeMap<Vec<KeyPart>, Sums>> {
    let mut merged: BTreeMap<Vec<KeyPart>, Sums> = BTreeMap::new();
    for (key, sums) in groups {
        let labelled = dimensions
            .iter()
            .zip(key)
            .map(|(dimension, part)| match (dimension, part) {
                (Dimension::Day, KeyPart::Integer(bucket)) => {
                    local_label(bucket, zone, "%Y-%m-%d").map(KeyPart::Text)
                }
                (Dimension::Hour, KeyPart::Integer(bucket)) => {
                    local_label(bucket, zone, "%Y-%m-%d %H:00").map(KeyPart::Text)
                }
                (_, part) => Ok(part),
            })
            .collect::<Result<_>>()?;
        merged.entry(labelled).or_default().add(sums);
    }
    Ok(merged)
}

/// A bucket's local day or hour. A time no calendar can show is an error,
/// not a blank label: its money would be summed under a group named "".
fn local_label(bucket: i64, zone: &TimeZone, format: &str) -> Result<String> {
    let seconds = bucket.saturating_mul(BUCKET_SECONDS);
    let time = Timestamp::from_second(seconds).map_err(|_| Error::TimeOutOfRange { seconds })?;
    Ok(time
        .to_zoned_datetime(zone.clone())
        .strftime(format)
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sums(count: i64, payout: i64, revenue: i64) -> Sums {
        let mut sums = Sums::default();
        sums.by_status[0] = Tally {
            count,
            payout: payout.into(),
            revenue: revenue.into(),
        };
        sums
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
        let days = label_time_buckets(groups, &[Dimension::Day], &zone).expect("labels");
        let labelled: Vec<_> = days
            .into_iter()
            .map(|(key, s)| (key, s.by_status[0].count, s.by_status[0].payout))
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
    fn a_time_no_calendar_shows_is_an_error_not_a_blank_group() {
        let beyond = i64::MAX / BUCKET_SECONDS;
        let groups = vec![(vec![KeyPart::Integer(beyond)], sums(1, 1, 2))];
        let labelled = label_time_buckets(groups, &[Dimension::Day], &TimeZone::UTC);
        assert!(
            matches!(labelled, Err(Error::TimeOutOfRange { seconds }) if seconds > 0),
            "{labelled:?}"
        );
    }

    #[test]
    fn every_dimension_is_named_for_the_command_line() {
        use clap::ValueEnum;
        for dimension in Dimension::ALL {
            assert_eq!(
                Dimension::from_str(dimension.name(), true),
                Ok(dimension),
                "{dimension:?}"
            );
        }
        assert_eq!(Dimension::from_str("SUB10", true), Ok(Dimension::Sub(10)));
        assert_eq!(
            Dimension::from_str("partner", true),
            Ok(Dimension::Affiliate)
        );
        assert!(Dimension::from_str("weekday", true).is_err());
    }

    #[test]
    fn statuses_are_tallied_apart_and_profit_counts_approved_only() {
        let mut sums = Sums::default();
        sums.count(Some("approved"), 100_000, 300_000);
        sums.count(Some("approved"), 200_000, 0);
        sums.count(Some("rejected"), 5_000_000, 9_000_000);
        sums.count(Some("pending"), 1, 2);
        sums.count(None, 7, 7);
        sums.count(Some("paid"), 1, 1);
        assert_eq!(
            sums.by_status[0],
            Tally {
                count: 2,
                payout: 300_000,
                revenue: 300_000
            }
        );
        assert_eq!(sums.by_status[2].count, 1);
        assert_eq!(sums.by_status[OTHER_STATUS].count, 2);
        assert_eq!(sums.profit(), 0);
        let mut total = Sums::default();
        total.add(sums);
        total.add(sums);
        assert_eq!(total.by_status[1].payout, 2);
    }
}
