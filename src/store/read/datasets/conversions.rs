//! Conversions and events: one table, one column set, told apart by kind.

use super::{Dataset, DatasetColumn, FilterSql, col, millis, seconds};
use crate::rows::ColumnKind::{Code, Flag, Id, Json, Money, Text, Time, TimeMillis};
use crate::selection::FilterField;

/// Conversions and events share one table and one column set.
const CONVERSION_COLUMNS: &[DatasetColumn] = &[
    col("conversion_id", Id, "t.conversion_id"),
    col("transaction_id", Text, "t.transaction_id"),
    col("status", Code, "t.status"),
    col("is_event", Flag, "t.is_event"),
    col("event", Text, "t.event"),
    col("conversion_time", Time, "t.conversion_time").label("time"),
    col("click_time", Time, "t.click_time"),
    col("received_at", TimeMillis, "t.received_at"),
    col("payout", Money, "t.payout_micros"),
    col("revenue", Money, "t.revenue_micros"),
    col("sale_amount", Money, "t.sale_amount_micros"),
    col("currency_id", Code, "t.currency_id").label("currency"),
    col("payout_type", Text, "t.payout_type"),
    col("revenue_type", Text, "t.revenue_type"),
    col("offer_id", Id, "t.offer_id"),
    col("offer_name", Text, "t.offer_name"),
    col("offer_status", Code, "t.offer_status"),
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
    col("adv1", Text, "t.adv1"),
    col("adv2", Text, "t.adv2"),
    col("adv3", Text, "t.adv3"),
    col("adv4", Text, "t.adv4"),
    col("adv5", Text, "t.adv5"),
    col("adv6", Text, "t.adv6"),
    col("adv7", Text, "t.adv7"),
    col("adv8", Text, "t.adv8"),
    col("adv9", Text, "t.adv9"),
    col("adv10", Text, "t.adv10"),
    col("source_id", Text, "t.source_id"),
    col("coupon_code", Text, "t.coupon_code"),
    col("order_id", Text, "t.order_id"),
    col("is_view_through", Flag, "t.is_view_through"),
    col("country", Code, "t.country"),
    col("region", Text, "t.region"),
    col("city", Text, "t.city"),
    col("dma", Text, "t.dma"),
    col("session_user_ip", Text, "t.session_user_ip"),
    col("conversion_user_ip", Text, "t.conversion_user_ip"),
    col("platform", Text, "t.platform"),
    col("device_type", Text, "t.device_type"),
    col("browser", Text, "t.browser"),
    col("http_user_agent", Text, "t.http_user_agent"),
    col("isp", Text, "t.isp"),
    col("url", Text, "t.url"),
    col("referer", Text, "t.referer"),
    col("notes", Text, "t.notes"),
    col("error_code", Text, "t.error_code"),
    col("error_message", Text, "t.error_message"),
    col("query_parameters", Json, "t.query_parameters"),
    col("is_current", Flag, "t.is_current"),
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
                FilterSql::Column("t.transaction_id"),
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
    base_filter: "t.kind = 'conversion_registered'",
    current_filter: "t.is_current = 1",
    fact_time: seconds("t.conversion_time"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
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
    base_filter: "t.kind = 'event_registered'",
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
