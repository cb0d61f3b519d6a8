//! `conversion_registered` / `event_registered`: a flat conversion plus
//! `relationship.{offer, advertiser, affiliate, query_parameters}`.

use super::{object_fields, record, required};
use crate::everflow::error::BodyError;
use crate::everflow::json::{JsonValue, write_canonical};
use crate::everflow::kind::WebhookKind;
use crate::everflow::lenient::FieldReader;
use crate::everflow::money::NULL_VALUE;
use crate::everflow::records::{ConversionColumns, ResourceRecord, TypedColumns};

const SUB_FIELDS: [&str; 10] = [
    "sub1", "sub2", "sub3", "sub4", "sub5", "sub6", "sub7", "sub8", "sub9", "sub10",
];
const ADV_FIELDS: [&str; 10] = [
    "adv1", "adv2", "adv3", "adv4", "adv5", "adv6", "adv7", "adv8", "adv9", "adv10",
];

pub fn extract_conversion(
    kind: WebhookKind,
    doc: &JsonValue<'_>,
) -> Result<ResourceRecord, BodyError> {
    let fields = object_fields(kind, doc)?;
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
    let related = |name: &str| relationship.as_ref().and_then(|r| r.object(name));
    let (offer, advertiser, affiliate) = (
        related("offer"),
        related("advertiser"),
        related("affiliate"),
    );
    let related_text = |related: &Option<FieldReader<'_>>, name: &str| related.as_ref()?.text(name);
    ConversionColumns {
        conversion_id: Some(conversion_id),
        conversion_time: fields.unix_time("conversion_unix_timestamp"),
        click_time: fields.unix_time("click_unix_timestamp"),
        status: text("status"),
        transaction_id: text("transaction_id"),
        is_event: fields.flag("is_event"),
        event: text("event"),
        is_view_through: fields.flag("is_view_through"),
        currency_id: text("currency_id"),
        payout: fields.money("payout"),
        revenue: fields.money("revenue"),
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
        offer_id: related_id(fields, &offer, "network_offer_id"),
        offer_name: related_text(&offer, "name"),
        offer_status: related_text(&offer, "offer_status"),
        advertiser_id: related_id(fields, &advertiser, "network_advertiser_id"),
        advertiser_name: related_text(&advertiser, "name"),
        affiliate_id: related_id(fields, &affiliate, "network_affiliate_id"),
        affiliate_name: related_text(&affiliate, "name"),
        query_parameters: relationship.as_ref().and_then(query_parameters),
    }
}

/// Offer, advertiser and partner ids live only under `relationship` in POST bodies;
/// a GET delivery's query string is flat, so the top-level name is the fallback.
fn related_id(
    fields: &FieldReader<'_>,
    related: &Option<FieldReader<'_>>,
    id_field: &str,
) -> Option<String> {
    related
        .as_ref()
        .and_then(|related| related.id(id_field))
        .or_else(|| fields.id(id_field))
}

/// Compact JSON (keys sorted); an empty object says nothing, so it is stored as unset.
fn query_parameters(relationship: &FieldReader<'_>) -> Option<String> {
    let parameters = match relationship.get("query_parameters")? {
        JsonValue::Null => return None,
        JsonValue::Object(parameters) if parameters.is_empty() => return None,
        JsonValue::String(text) if text.is_empty() || text == NULL_VALUE => return None,
        parameters => parameters,
    };
    let mut compact = Vec::new();
    write_canonical(&parameters, &[], &mut compact);
    // Canonical text is built from UTF-8 pieces.
    String::from_utf8(compact).ok()
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
    fn flat_get_deliveries_fall_back_to_top_level_ids() {
        let body = doc(r#"{"conversion_id": "9", "network_offer_id": "4", "is_event": "1"}"#);
        let (_, columns) = columns_of(WebhookKind::EventRegistered, &body);
        assert_eq!(columns.offer_id.as_deref(), Some("4"));
        assert_eq!(columns.is_event, Some(true));
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
