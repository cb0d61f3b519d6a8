//! `offer_created` / `offer_updated`: the offer object (Find Offer By ID plus
//! `relationship.targeting`).

use super::offer_terms::offer_terms;
use super::{object_fields, record, refuse_unexpanded_macros, required, versioned_fact_time};
use crate::everflow::error::BodyError;
use crate::everflow::json::JsonValue;
use crate::everflow::kind::WebhookKind;
use crate::everflow::records::{OfferColumns, ResourceRecord, TypedColumns};

pub fn extract_offer(kind: WebhookKind, doc: &JsonValue<'_>) -> Result<ResourceRecord, BodyError> {
    let fields = object_fields(kind, doc)?;
    refuse_unexpanded_macros(
        kind,
        &fields,
        &[
            "network_offer_id",
            "time_saved",
            "time_created",
            "offer_status",
        ],
    )?;
    let offer_id = required(kind, "network_offer_id", fields.id("network_offer_id"))?;
    let (payout, revenue) = offer_terms(&fields);
    let columns = OfferColumns {
        offer_id: Some(offer_id.clone()),
        name: fields.text("name"),
        status: fields.text("offer_status"),
        currency_id: fields.text("currency_id"),
        advertiser_id: fields.id("network_advertiser_id"),
        time_created: fields.unix_time("time_created"),
        time_saved: fields.unix_time("time_saved"),
        payout,
        revenue,
    };
    let fact_time = versioned_fact_time(&fields);
    Ok(record(
        offer_id,
        fact_time,
        &fields,
        TypedColumns::Offer(columns),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::content_hash::content_sha256;
    use crate::everflow::records::PricingTerms;
    use crate::everflow::test_samples::{doc, sample};

    fn only_offer(kind: WebhookKind, doc: &JsonValue<'_>) -> (ResourceRecord, OfferColumns) {
        let record = extract_offer(kind, doc).unwrap_or_else(|error| panic!("{error}"));
        let TypedColumns::Offer(columns) = record.columns.clone() else {
            panic!("not an offer: {record:?}");
        };
        (record, columns)
    }

    #[test]
    fn offer_created_sample() {
        let doc = sample(WebhookKind::OfferCreated);
        let (record, columns) = only_offer(WebhookKind::OfferCreated, &doc);
        assert_eq!(record.resource_id, "1");
        // Dated by its last save, like an update of the same offer would be.
        assert_eq!(record.fact_time, Some(1764000001));
        assert_eq!(record.content_sha256, content_sha256(&doc));
        assert_eq!(
            columns,
            OfferColumns {
                offer_id: Some("1".into()),
                name: Some("Keto Trial CA".into()),
                status: Some("active".into()),
                currency_id: Some("USD".into()),
                advertiser_id: Some("101".into()),
                time_created: Some(1764000000),
                time_saved: Some(1764000001),
                payout: PricingTerms {
                    model: Some("cpa".into()),
                    amount: Some(12_500_000),
                    percentage: None,
                },
                revenue: PricingTerms {
                    model: Some("rpa".into()),
                    amount: Some(20_000_000),
                    percentage: None,
                },
            }
        );
    }

    #[test]
    fn offer_updated_sample_is_dated_by_its_save() {
        let doc = sample(WebhookKind::OfferUpdated);
        let (record, columns) = only_offer(WebhookKind::OfferUpdated, &doc);
        assert_eq!(record.resource_id, "1");
        assert_eq!(record.fact_time, Some(1764005001));
        assert_eq!(columns.time_saved, Some(1764005001));
        let created = sample(WebhookKind::OfferCreated);
        assert_ne!(
            record.content_sha256,
            content_sha256(&created),
            "a new version"
        );
    }

    #[test]
    fn string_ids_and_unset_markers() {
        let body = doc(r#"{
                "network_offer_id": "7",
                "network_advertiser_id": "null_value",
                "name": "",
                "offer_status": "null_value",
                "time_saved": "1764000009"
            }"#);
        let (record, columns) = only_offer(WebhookKind::OfferUpdated, &body);
        assert_eq!(record.resource_id, "7");
        assert_eq!(record.fact_time, Some(1764000009));
        assert_eq!(columns.advertiser_id, None);
        assert_eq!(columns.name, None);
        assert_eq!(columns.status, None);
    }

    #[test]
    fn unset_offer_id_is_a_missing_identity() {
        for id in ["0", r#""""#, r#""null_value""#, "null"] {
            let body = format!(r#"{{"network_offer_id": {id}, "name": "x"}}"#);
            let error = extract_offer(WebhookKind::OfferCreated, &doc(&body)).expect_err("no id");
            assert_eq!(
                error.to_string().split(" (").next(),
                Some("offer_created body has no usable network_offer_id"),
            );
        }
    }
}
