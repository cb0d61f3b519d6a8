//! Every column a conversion or event yields, and which of them its typed row
//! keeps. Since schema version 5 the typed row holds only what readers
//! filter, group, sum or show by default (ids, times, status, money, names,
//! sub ids, country); the long tail (user agent, URL, IPs, device, adv1…10 …)
//! is read back from the stored body when asked for, through the same
//! extraction that produced the typed row. A conversion's user agent alone was
//! 122 of the typed row's 642 bytes; the body keeps it anyway.

use rusqlite::types::Value;

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

/// Every column of a conversion, by its name in the archive.
pub fn fields(c: &ConversionColumns) -> Vec<(&'static str, Value)> {
    const SUBS: [&str; 10] = [
        "sub1", "sub2", "sub3", "sub4", "sub5", "sub6", "sub7", "sub8", "sub9", "sub10",
    ];
    const ADVS: [&str; 10] = [
        "adv1", "adv2", "adv3", "adv4", "adv5", "adv6", "adv7", "adv8", "adv9", "adv10",
    ];
    let mut fields = vec![
        ("conversion_id", text(&c.conversion_id)),
        ("conversion_time", integer(c.conversion_time)),
        ("click_time", integer(c.click_time)),
        ("status", text(&c.status)),
        ("transaction_id", text(&c.transaction_id)),
        ("is_event", flag(c.is_event)),
        ("event", text(&c.event)),
        ("is_view_through", flag(c.is_view_through)),
        ("currency_id", text(&c.currency_id)),
        ("payout_micros", integer(c.payout)),
        ("revenue_micros", integer(c.revenue)),
        ("payout_type", text(&c.payout_type)),
        ("revenue_type", text(&c.revenue_type)),
        ("sale_amount_micros", integer(c.sale_amount)),
        ("coupon_code", text(&c.coupon_code)),
        ("order_id", text(&c.order_id)),
        ("source_id", text(&c.source_id)),
        ("country", text(&c.country)),
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
        ("offer_id", text(&c.offer_id)),
        ("offer_name", text(&c.offer_name)),
        ("offer_status", text(&c.offer_status)),
        ("advertiser_id", text(&c.advertiser_id)),
        ("advertiser_name", text(&c.advertiser_name)),
        ("affiliate_id", text(&c.affiliate_id)),
        ("affiliate_name", text(&c.affiliate_name)),
        ("query_parameters", text(&c.query_parameters)),
    ];
    fields.extend(SUBS.into_iter().zip(c.subs.iter().map(text)));
    fields.extend(ADVS.into_iter().zip(c.advs.iter().map(text)));
    fields
}

/// The values of [`STORED`], in its order.
pub fn stored_values(c: &ConversionColumns) -> Vec<Value> {
    let all = fields(c);
    STORED.iter().map(|name| value_named(&all, name)).collect()
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
    fn every_stored_column_is_a_field_and_every_field_is_named_once() {
        let all = fields(&ConversionColumns::default());
        let mut names: Vec<_> = all.iter().map(|(name, _)| *name).collect();
        for stored in STORED {
            assert!(names.contains(stored), "{stored}");
        }
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "a column named twice");
    }
}
