//! `conversion_registered` / `event_registered`: a flat conversion plus
//! `relationship.{offer, advertiser, affiliate, query_parameters}`.

use super::{
    compact_json, object_fields, record, refuse_unexpanded_macros, refuse_unreadable_amounts,
    required,
};
use crate::everflow::decimal::NULL_VALUE;
use crate::everflow::error::BodyError;
use crate::everflow::json::JsonValue;
use crate::everflow::kind::WebhookKind;
use crate::everflow::lenient::FieldReader;
use crate::everflow::records::{ConversionColumns, ResourceRecord, TypedColumns};

use crate::everflow::numbered::{ADV_NAMES as ADV_FIELDS, SUB_NAMES as SUB_FIELDS};

/// Where each related id, name and the currency are read, in order: the
/// webhook body's own place (PAYLOADS.md), then the flat names a GET postback
/// may use for it (its query string has no `relationship`).
pub const OFFER_ID: &[&str] = &[
    "relationship.offer.network_offer_id",
    "network_offer_id",
    "offer_id",
];
pub const OFFER_NAME: &[&str] = &["relationship.offer.name", "offer_name"];
pub const ADVERTISER_ID: &[&str] = &[
    "relationship.advertiser.network_advertiser_id",
    "network_advertiser_id",
    "advertiser_id",
];
pub const ADVERTISER_NAME: &[&str] = &["relationship.advertiser.name", "advertiser_name"];
pub const AFFILIATE_ID: &[&str] = &[
    "relationship.affiliate.network_affiliate_id",
    "network_affiliate_id",
    "affiliate_id",
    "partner_id",
];
pub const AFFILIATE_NAME: &[&str] = &[
    "relationship.affiliate.name",
    "affiliate_name",
    "partner_name",
];
pub const CURRENCY: &[&str] = &["currency_id", "currency"];
pub const PAYOUT: &[&str] = &["payout", "payout_amount"];
pub const REVENUE: &[&str] = &["revenue", "revenue_amount"];
pub const EVENT: &[&str] = &["event", "event_name"];

/// What reports and identities rely on: an unfilled macro in any of these
/// is a misconfigured URL, not a conversion.
const MUST_BE_DATA: &[&str] = &[
    "conversion_id",
    "transaction_id",
    "conversion_unix_timestamp",
    "status",
    "payout",
    "payout_amount",
    "revenue",
    "revenue_amount",
    "sale_amount",
    "currency_id",
    "currency",
    "relationship.offer.network_offer_id",
    "network_offer_id",
    "offer_id",
    "relationship.affiliate.network_affiliate_id",
    "network_affiliate_id",
    "affiliate_id",
    "partner_id",
    "relationship.advertiser.network_advertiser_id",
    "network_advertiser_id",
    "advertiser_id",
];

/// Every field an amount is read from.
const AMOUNTS: &[&str] = &[
    "payout",
    "payout_amount",
    "revenue",
    "revenue_amount",
    "sale_amount",
];

pub fn extract_conversion(
    kind: WebhookKind,
    doc: &JsonValue<'_>,
) -> Result<ResourceRecord, BodyError> {
    let fields = object_fields(kind, doc)?;
    refuse_unexpanded_macros(kind, &fields, MUST_BE_DATA)?;
    refuse_unreadable_amounts(kind, &fields, AMOUNTS)?;
    // An integer in the webhook docs, a 32-hex string in the reporting API.
    let conversion_id = required(kind, "conversion_id", fields.id("conversion_id"))?;
    let columns = conversion_columns(&fields, conversion_id.clone());
    let fact_time = columns.conversion_time;
    let typed = TypedColumns::Conversion(Box::new(columns));
    Ok(record(conversion_id, fact_time, &fields, typed))
}

fn conversion_columns(fields: &FieldReader<'_>, conversion_id: String) -> ConversionColumns {
    let text = |path: &str| fields.text(path);
    let relationship = fields.object("relationship");
    ConversionColumns {
        conversion_id: Some(conversion_id),
        conversion_time: fields.unix_time("conversion_unix_timestamp"),
        click_time: fields.unix_time("click_unix_timestamp"),
        status: text("status"),
        transaction_id: text("transaction_id"),
        is_event: fields.flag("is_event"),
        event: event_name(fields),
        is_view_through: fields.flag("is_view_through"),
        currency_id: fields.first_text(CURRENCY),
        payout: fields.first_money(PAYOUT),
        revenue: fields.first_money(REVENUE),
        payout_type: text("payout_type"),
        revenue_type: text("revenue_type"),
        sale_amount: fields.money("sale_amount"),
        coupon_code: text("coupon_code"),
        order_id: text("order_id"),
        subs: SUB_FIELDS.map(text),
        advs: ADV_FIELDS.map(text),
        source_id: text("source_id"),
        country: text("country"),
        region: text("region"),
        city: text("city"),
        dma: text("dma"),
        session_user_ip: text("session_user_ip"),
        conversion_user_ip: text("conversion_user_ip"),
        platform: text("platform"),
        device_type: text("device_type"),
        browser: text("browser"),
        http_user_agent: text("http_user_agent"),
        isp: text("isp"),
        url: text("url"),
        referer: text("referer"),
        notes: text("notes"),
        // `0` is Everflow's "no error", so the code is read like an id.
        error_code: fields.id("error_code"),
        error_message: text("error_message"),
        offer_id: fields.first_id(OFFER_ID),
        offer_name: fields.first_text(OFFER_NAME),
        offer_status: text("relationship.offer.offer_status"),
        advertiser_id: fields.first_id(ADVERTISER_ID),
        advertiser_name: fields.first_text(ADVERTISER_NAME),
        affiliate_id: fields.first_id(AFFILIATE_ID),
        affiliate_name: fields.first_text(AFFILIATE_NAME),
        query_parameters: relationship.as_ref().and_then(query_parameters),
    }
}

/// The event's name; none for a base conversion, which the webhook sends as
/// `""` and the reporting API as `"Base"` (API.md 2.5), so both read alike.
fn event_name(fields: &FieldReader<'_>) -> Option<String> {
    let event = fields.first_text(EVENT)?;
    let base_conversion = fields.flag("is_event") != Some(true) && event == "Base";
    (!base_conversion).then_some(event)
}

/// Compact JSON (keys sorted); an empty object says nothing, so it is stored as unset.
fn query_parameters(relationship: &FieldReader<'_>) -> Option<String> {
    let parameters = match relationship.get("query_parameters")? {
        JsonValue::Null => return None,
        JsonValue::Object(parameters) if parameters.is_empty() => return None,
        JsonValue::String(text) if text.is_empty() || text == NULL_VALUE => return None,
        parameters => parameters,
    };
    Some(compact_json(&parameters))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::test_samples::{doc, sample};

    fn columns_of(kind: WebhookKind, doc: &JsonValue<'_>) -> (ResourceRecord, ConversionColumns) {
        let record = extract_conversion(kind, doc).unwrap_or_else(|error| panic!("{error}"));
        let TypedColumns::Conversion(columns) = &record.columns else {
            panic!("not a conversion: {record:?}");
        };
        let columns = (**columns).clone();
        (record, columns)
    }

    #[test]
    fn conversion_sample() {
        let kind = WebhookKind::ConversionRegistered;
        let (record, columns) = columns_of(kind, &sample(kind));
        assert_eq!(record.resource_id, "10000001");
        assert_eq!(record.fact_time, Some(1764064001));
        assert_eq!(columns.conversion_id.as_deref(), Some("10000001"));
        assert_eq!(columns.click_time, Some(1764058805));
        assert_eq!(columns.status.as_deref(), Some("approved"));
        assert_eq!(
            columns.transaction_id.as_deref(),
            Some("d06fced9009dc26cebe7b656b480bee9")
        );
        assert_eq!(columns.is_event, Some(false));
        assert_eq!(columns.event, None);
        assert_eq!(columns.payout, Some(2_500_000));
        assert_eq!(columns.revenue, Some(4_000_000));
        assert_eq!(columns.sale_amount, Some(0));
        assert_eq!(columns.subs[0], None);
        assert_eq!(columns.subs[1].as_deref(), Some("ad77"));
        assert_eq!(columns.subs[9], None);
        assert_eq!(columns.dma.as_deref(), Some("803"));
        assert_eq!(columns.city.as_deref(), Some("Los Angeles"));
        assert_eq!(columns.error_code, None);
        assert_eq!(columns.offer_id.as_deref(), Some("2"));
        assert_eq!(columns.offer_name.as_deref(), Some("VPN Annual"));
        assert_eq!(columns.offer_status.as_deref(), Some("active"));
        assert_eq!(columns.advertiser_id.as_deref(), Some("102"));
        assert_eq!(columns.advertiser_name.as_deref(), Some("ShieldNet"));
        assert_eq!(columns.affiliate_id.as_deref(), Some("15"));
        assert_eq!(columns.affiliate_name.as_deref(), Some("Orchid Partners"));
        assert_eq!(columns.query_parameters, None);
    }

    #[test]
    fn event_sample() {
        let kind = WebhookKind::EventRegistered;
        let (record, columns) = columns_of(kind, &sample(kind));
        assert_eq!(record.resource_id, "20000001");
        assert_eq!(record.fact_time, Some(1764041601));
        assert_eq!(columns.is_event, Some(true));
        assert_eq!(columns.event.as_deref(), Some("upsell"));
        assert_eq!(columns.payout, Some(1_250_000));
        assert_eq!(columns.revenue, Some(2_000_000));
        assert_eq!(columns.sale_amount, Some(79_510_000));
        assert_eq!(columns.order_id.as_deref(), Some("ORD-20000001"));
        assert_eq!(columns.source_id.as_deref(), Some("src-12"));
        assert_eq!(columns.affiliate_id.as_deref(), Some("13"));
        assert_eq!(
            columns.query_parameters.as_deref(),
            Some(r#"{"utm_source":"partner"}"#)
        );
    }

    #[test]
    fn reporting_api_quirks() {
        let hex_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
        let body = doc(r#"{
                "conversion_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
                "conversion_unix_timestamp": "1764064001",
                "payout": "2.50",
                "revenue": "-1.25",
                "dma": 803,
                "is_event": null,
                "sub7": "late-slot",
                "adv10": "=cmd|' /C calc'!A0",
                "coupon_code": "null_value",
                "relationship": {
                    "offer": {"network_offer_id": "2", "name": "VPN Annual"},
                    "affiliate": {"network_affiliate_id": "null_value"},
                    "query_parameters": {"b": "2", "a": "1"}
                }
            }"#);
        let (record, columns) = columns_of(WebhookKind::ConversionRegistered, &body);
        assert_eq!(record.resource_id, hex_id);
        assert_eq!(record.fact_time, Some(1764064001));
        assert_eq!(columns.payout, Some(2_500_000));
        assert_eq!(columns.revenue, Some(-1_250_000));
        assert_eq!(columns.dma.as_deref(), Some("803"));
        assert_eq!(columns.is_event, None);
        assert_eq!(columns.subs[6].as_deref(), Some("late-slot"));
        assert_eq!(columns.advs[9].as_deref(), Some("=cmd|' /C calc'!A0"));
        assert_eq!(columns.coupon_code, None);
        assert_eq!(columns.offer_id.as_deref(), Some("2"));
        assert_eq!(columns.affiliate_id, None);
        assert_eq!(
            columns.query_parameters.as_deref(),
            Some(r#"{"a":"1","b":"2"}"#)
        );
    }

    #[test]
    fn a_report_rows_base_event_reads_as_no_event() {
        let base = doc(r#"{"conversion_id": "ab", "is_event": false, "event": "Base"}"#);
        let (_, columns) = columns_of(WebhookKind::ConversionRegistered, &base);
        assert_eq!(columns.event, None);
        let named = doc(r#"{"conversion_id": "ab", "is_event": true, "event": "Base"}"#);
        let (_, columns) = columns_of(WebhookKind::EventRegistered, &named);
        assert_eq!(columns.event.as_deref(), Some("Base"));
    }

    #[test]
    fn flat_get_deliveries_fall_back_to_top_level_ids() {
        let body = doc(r#"{"conversion_id": "9", "network_offer_id": "4", "is_event": "1"}"#);
        let (_, columns) = columns_of(WebhookKind::EventRegistered, &body);
        assert_eq!(columns.offer_id.as_deref(), Some("4"));
        assert_eq!(columns.is_event, Some(true));
    }

    #[test]
    fn postback_names_fill_the_related_columns() {
        let body = doc(r#"{
            "conversion_id": "9", "offer_id": "4", "offer_name": "VPN", "affiliate_id": "15",
            "affiliate_name": "Orchid", "advertiser_id": "102", "advertiser_name": "ShieldNet",
            "currency": "EUR", "payout_amount": "2.50", "revenue_amount": "4", "event_name": "upsell"
        }"#);
        let (_, columns) = columns_of(WebhookKind::ConversionRegistered, &body);
        let expected = ConversionColumns {
            conversion_id: Some("9".into()),
            offer_id: Some("4".into()),
            offer_name: Some("VPN".into()),
            affiliate_id: Some("15".into()),
            affiliate_name: Some("Orchid".into()),
            advertiser_id: Some("102".into()),
            advertiser_name: Some("ShieldNet".into()),
            currency_id: Some("EUR".into()),
            payout: Some(2_500_000),
            revenue: Some(4_000_000),
            event: Some("upsell".into()),
            ..ConversionColumns::default()
        };
        assert_eq!(columns, expected);
        // The webhook body's own places win over the flat names.
        let both = doc(
            r#"{"conversion_id": "9", "offer_id": "4", "partner_id": "7",
            "relationship": {"offer": {"network_offer_id": 2}}}"#,
        );
        let (_, columns) = columns_of(WebhookKind::ConversionRegistered, &both);
        assert_eq!(columns.offer_id.as_deref(), Some("2"));
        assert_eq!(columns.affiliate_id.as_deref(), Some("7"));
    }

    #[test]
    fn unexpanded_macros_are_refused_naming_the_field() {
        let cases = [
            (r#"{"conversion_id": "{conversion_id}"}"#, "conversion_id"),
            (r#"{"conversion_id": "9", "payout": "{payout}"}"#, "payout"),
            (
                r#"{"conversion_id": "9", "payout_amount": " {payout_amount} "}"#,
                "payout_amount",
            ),
            (
                r#"{"conversion_id": "9", "relationship": {"offer": {"network_offer_id": "{offer_id}"}}}"#,
                "relationship.offer.network_offer_id",
            ),
        ];
        for (body, field) in cases {
            let error =
                extract_conversion(WebhookKind::ConversionRegistered, &doc(body)).expect_err(body);
            assert_eq!(error.code(), "unexpanded_macro", "{body}");
            assert!(
                matches!(&error, BodyError::UnexpandedMacro { field: f, .. } if f == field),
                "{error:?}"
            );
        }
        // A sub id may legitimately hold braces; only what the archive relies on is checked.
        let body = doc(r#"{"conversion_id": "9", "sub1": "{sub1}"}"#);
        let (_, columns) = columns_of(WebhookKind::ConversionRegistered, &body);
        assert_eq!(columns.subs[0].as_deref(), Some("{sub1}"));
    }

    #[test]
    fn unset_conversion_id_is_a_missing_identity() {
        for id in ["0", r#""null_value""#, r#"" ""#] {
            let body = format!(r#"{{"conversion_id": {id}, "transaction_id": "t"}}"#);
            let error = extract_conversion(WebhookKind::ConversionRegistered, &doc(&body))
                .expect_err("no id");
            assert!(matches!(
                error,
                BodyError::MissingIdentity {
                    field: "conversion_id",
                    ..
                }
            ));
        }
    }
}
