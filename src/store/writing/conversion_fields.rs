//! Every column a conversion or event yields, and which of them its typed row
//! keeps. Since schema version 5 the typed row holds only what readers
//! filter, group, sum or show by default (ids, times, status, money, names,
//! sub ids, country); the long tail (user agent, URL, IPs, device, adv1…10 …)
//! is read back from the stored body when asked for, through the same
//! extraction that produced the typed row. A conversion's user agent alone was
//! 122 of the typed row's 642 bytes; the body keeps it anyway.

use rusqlite::types::Value;

use crate::everflow::numbered::{ADV_NAMES as ADVS, SUB_NAMES as SUBS};
use crate::everflow::records::ConversionColumns;

/// The columns of `conversions` after its head (version_id, kind, is_current,
/// received_at), in table order. Everything else `fields` yields comes from
/// the body.
pub const STORED: &[&str] = &[
    "conversion_id",
    "conversion_time",
    "status",
    "transaction_id",
    "is_event",
    "event",
    "currency_id",
    "payout_micros",
    "revenue_micros",
    "sale_amount_micros",
    "offer_id",
    "offer_name",
    "advertiser_id",
    "advertiser_name",
    "affiliate_id",
    "affiliate_name",
    "country",
    "sub1",
    "sub2",
    "sub3",
    "sub4",
    "sub5",
    "sub6",
    "sub7",
    "sub8",
    "sub9",
    "sub10",
];

/// The columns the typed row keeps, by name, in [`STORED`]'s order: what the
/// writer inserts for every conversion, so nothing else is built for it.
pub fn stored_fields(c: &ConversionColumns) -> Vec<(&'static str, Value)> {
    let mut fields = vec![
        ("conversion_id", text(&c.conversion_id)),
        ("conversion_time", integer(c.conversion_time)),
        ("status", text(&c.status)),
        ("transaction_id", text(&c.transaction_id)),
        ("is_event", flag(c.is_event)),
        ("event", text(&c.event)),
        ("currency_id", text(&c.currency_id)),
        ("payout_micros", integer(c.payout)),
        ("revenue_micros", integer(c.revenue)),
        ("sale_amount_micros", integer(c.sale_amount)),
        ("offer_id", text(&c.offer_id)),
        ("offer_name", text(&c.offer_name)),
        ("advertiser_id", text(&c.advertiser_id)),
        ("advertiser_name", text(&c.advertiser_name)),
        ("affiliate_id", text(&c.affiliate_id)),
        ("affiliate_name", text(&c.affiliate_name)),
        ("country", text(&c.country)),
    ];
    fields.extend(SUBS.into_iter().zip(c.subs.iter().map(text)));
    fields
}

/// The values of [`STORED`], in its order.
pub fn stored_values(c: &ConversionColumns) -> impl Iterator<Item = Value> {
    stored_fields(c).into_iter().map(|(_, value)| value)
}

/// Every column of a conversion, by its name in the archive: the stored
/// ones, then those read from the body.
pub fn fields(c: &ConversionColumns) -> Vec<(&'static str, Value)> {
    let mut fields = stored_fields(c);
    fields.extend([
        ("click_time", integer(c.click_time)),
        ("is_view_through", flag(c.is_view_through)),
        ("payout_type", text(&c.payout_type)),
        ("revenue_type", text(&c.revenue_type)),
        ("coupon_code", text(&c.coupon_code)),
        ("order_id", text(&c.order_id)),
        ("source_id", text(&c.source_id)),
        ("region", text(&c.region)),
        ("city", text(&c.city)),
        ("dma", text(&c.dma)),
        ("session_user_ip", text(&c.session_user_ip)),
        ("conversion_user_ip", text(&c.conversion_user_ip)),
        ("platform", text(&c.platform)),
        ("device_type", text(&c.device_type)),
        ("browser", text(&c.browser)),
        ("http_user_agent", text(&c.http_user_agent)),
        ("isp", text(&c.isp)),
        ("url", text(&c.url)),
        ("referer", text(&c.referer)),
        ("notes", text(&c.notes)),
        ("error_code", text(&c.error_code)),
        ("error_message", text(&c.error_message)),
        ("offer_status", text(&c.offer_status)),
        ("query_parameters", text(&c.query_parameters)),
    ]);
    fields.extend(ADVS.into_iter().zip(c.advs.iter().map(text)));
    fields
}

/// The value of column `name` among `fields` (NULL for a name it lacks).
pub fn value_named(fields: &[(&'static str, Value)], name: &str) -> Value {
    fields
        .iter()
        .find(|(field, _)| *field == name)
        .map_or(Value::Null, |(_, value)| value.clone())
}

fn text(value: &Option<String>) -> Value {
    value.clone().map_or(Value::Null, Value::Text)
}

fn integer(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::Integer)
}

fn flag(value: Option<bool>) -> Value {
    value.map_or(Value::Null, |b| Value::Integer(i64::from(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_fields_are_the_table_s_columns_and_every_field_is_named_once() {
        let stored: Vec<_> = stored_fields(&ConversionColumns::default())
            .into_iter()
            .map(|(name, _)| name)
            .collect();
        assert_eq!(stored, STORED);
        let all = fields(&ConversionColumns::default());
        let mut names: Vec<_> = all.iter().map(|(name, _)| *name).collect();
        assert_eq!(names.len(), 61);
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a column named twice");
    }
}
