//! Conversions and events: one table, one column set, told apart by kind.

use super::{Dataset, DatasetColumn, FilterSql, TIME_SOURCE, col, from_body, millis, seconds};
use crate::rows::ColumnKind::{Code, Flag, Id, Json, Money, Text, Time, TimeMillis};
use crate::selection::FilterField;

/// Conversions and events share one table and one column set; the long tail
/// is read from the body (schema version 5: the typed row keeps what readers
/// filter, group, sum or show by default).
const CONVERSION_COLUMNS: &[DatasetColumn] = &[
    col("conversion_id", Id, "t.conversion_id"),
    // An id (32 hex characters from Everflow): a table never cuts it.
    col("transaction_id", Id, "t.transaction_id"),
    col("status", Code, "t.status"),
    col("is_event", Flag, "t.is_event"),
    col("event", Text, "t.event"),
    col("conversion_time", Time, "t.conversion_time").label("time"),
    from_body("click_time", Time),
    col("received_at", TimeMillis, "t.received_at"),
    col("payout", Money, "t.payout_micros"),
    col("revenue", Money, "t.revenue_micros"),
    col("sale_amount", Money, "t.sale_amount_micros"),
    col("currency_id", Code, "t.currency_id").label("currency"),
    from_body("payout_type", Text),
    from_body("revenue_type", Text),
    col("offer_id", Id, "t.offer_id"),
    col("offer_name", Text, "t.offer_name"),
    from_body("offer_status", Code),
    col("advertiser_id", Id, "t.advertiser_id"),
    col("advertiser_name", Text, "t.advertiser_name"),
    col("affiliate_id", Id, "t.affiliate_id"),
    col("affiliate_name", Text, "t.affiliate_name"),
    col("sub1", Text, "t.sub1"),
    col("sub2", Text, "t.sub2"),
    col("sub3", Text, "t.sub3"),
    col("sub4", Text, "t.sub4"),
    col("sub5", Text, "t.sub5"),
    col("sub6", Text, "t.sub6"),
    col("sub7", Text, "t.sub7"),
    col("sub8", Text, "t.sub8"),
    col("sub9", Text, "t.sub9"),
    col("sub10", Text, "t.sub10"),
    from_body("adv1", Text),
    from_body("adv2", Text),
    from_body("adv3", Text),
    from_body("adv4", Text),
    from_body("adv5", Text),
    from_body("adv6", Text),
    from_body("adv7", Text),
    from_body("adv8", Text),
    from_body("adv9", Text),
    from_body("adv10", Text),
    from_body("source_id", Text),
    from_body("coupon_code", Text),
    from_body("order_id", Text),
    from_body("is_view_through", Flag),
    col("country", Code, "t.country"),
    from_body("region", Text),
    from_body("city", Text),
    from_body("dma", Text),
    from_body("session_user_ip", Text),
    from_body("conversion_user_ip", Text),
    from_body("platform", Text),
    from_body("device_type", Text),
    from_body("browser", Text),
    from_body("http_user_agent", Text),
    from_body("isp", Text),
    from_body("url", Text),
    from_body("referer", Text),
    from_body("notes", Text),
    from_body("error_code", Text),
    from_body("error_message", Text),
    from_body("query_parameters", Json),
    col("is_current", Flag, "t.is_current"),
    TIME_SOURCE,
];

/// The filters of conversions and events but the id lookup, which goes
/// through each one's own resource type.
macro_rules! conversion_filters {
    ($resource_type:literal) => {
        &[
            (
                FilterField::ConversionId,
                FilterSql::Condition(concat!(
                    "t.version_id IN (SELECT version_id FROM versions WHERE resource_type = '",
                    $resource_type,
                    "' AND resource_id IN ({values}))"
                )),
            ),
            (FilterField::Offer, FilterSql::Column("t.offer_id")),
            (FilterField::Affiliate, FilterSql::Column("t.affiliate_id")),
            (
                FilterField::Advertiser,
                FilterSql::Column("t.advertiser_id"),
            ),
            (FilterField::Status, FilterSql::Column("t.status")),
            (
                FilterField::TransactionId,
                FilterSql::Indexed {
                    column: "t.transaction_id",
                    index: "conversions_by_transaction",
                },
            ),
            (FilterField::Event, FilterSql::Column("t.event")),
            (FilterField::Country, FilterSql::Column("t.country")),
            (FilterField::Currency, FilterSql::Column("t.currency_id")),
            (FilterField::Sub(1), FilterSql::Column("t.sub1")),
            (FilterField::Sub(2), FilterSql::Column("t.sub2")),
            (FilterField::Sub(3), FilterSql::Column("t.sub3")),
            (FilterField::Sub(4), FilterSql::Column("t.sub4")),
            (FilterField::Sub(5), FilterSql::Column("t.sub5")),
            (FilterField::Sub(6), FilterSql::Column("t.sub6")),
            (FilterField::Sub(7), FilterSql::Column("t.sub7")),
            (FilterField::Sub(8), FilterSql::Column("t.sub8")),
            (FilterField::Sub(9), FilterSql::Column("t.sub9")),
            (FilterField::Sub(10), FilterSql::Column("t.sub10")),
        ]
    };
}

/// Everflow's conversion statuses.
pub const CONVERSION_STATUSES: &[&str] = &["approved", "pending", "rejected", "invalid"];

pub static CONVERSIONS: Dataset = Dataset {
    from: "conversions AS t",
    base_filter: "t.kind = 11",
    current_filter: "t.is_current = 1",
    fact_time: seconds("t.conversion_time"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    time_source: Some("t.time_source"),
    columns: CONVERSION_COLUMNS,
    // Ids, times, statuses and money are never left out; names give way
    // before them, sub ids and countries first.
    table_columns: &[
        ("conversion_time", 0),
        ("conversion_id", 0),
        ("status", 0),
        ("payout", 0),
        ("revenue", 0),
        ("currency_id", 1),
        ("offer_name", 2),
        ("affiliate_name", 3),
        ("country", 4),
        ("sub1", 5),
    ],
    filters: conversion_filters!("conversion"),
    statuses: Some(CONVERSION_STATUSES),
};

pub static EVENTS: Dataset = Dataset {
    base_filter: "t.kind = 12",
    table_columns: &[
        ("conversion_time", 0),
        ("conversion_id", 0),
        ("event", 1),
        ("status", 0),
        ("payout", 0),
        ("revenue", 0),
        ("currency_id", 1),
        ("offer_name", 2),
        ("affiliate_name", 3),
    ],
    filters: conversion_filters!("event"),
    ..CONVERSIONS
};
