//! `affiliate_approved_for_offer`: an envelope around the offer and the partner.

use super::{object_fields, record, refuse_unexpanded_macros, required};
use crate::everflow::error::BodyError;
use crate::everflow::json::JsonValue;
use crate::everflow::kind::WebhookKind;
use crate::everflow::records::{OfferApprovalColumns, ResourceRecord, TypedColumns};

/// The identity is (offer, partner, time): a partner can be approved for the same
/// offer again after being removed. The content hash leaves out the envelope's
/// `webhook_generation_time`, which changes on every retry.
pub fn extract_approval(
    kind: WebhookKind,
    doc: &JsonValue<'_>,
) -> Result<ResourceRecord, BodyError> {
    let fields = object_fields(kind, doc)?;
    refuse_unexpanded_macros(kind, &fields, &["offer_id", "affiliate_id", "event_time"])?;
    let offer_id = required(kind, "offer_id", fields.id("offer_id"))?;
    let affiliate_id = required(kind, "affiliate_id", fields.id("affiliate_id"))?;
    let event_time = required(kind, "event_time", fields.unix_time("event_time"))?;
    let resource_id = format!("{offer_id}:{affiliate_id}:{event_time}");
    let columns = OfferApprovalColumns {
        offer_id: Some(offer_id),
        affiliate_id: Some(affiliate_id),
        event_time: Some(event_time),
        offer_name: fields.text("offer.name"),
        affiliate_name: fields.text("affiliate.name"),
    };
    let typed = TypedColumns::OfferApproval(columns);
    Ok(record(resource_id, Some(event_time), &fields, typed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::test_samples::{doc, sample, sample_value};
    use serde_json::json;

    const KIND: WebhookKind = WebhookKind::AffiliateApprovedForOffer;

    #[test]
    fn approval_sample() {
        let record =
            extract_approval(KIND, &sample(KIND)).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(record.resource_id, "2:11:1764000211");
        assert_eq!(record.fact_time, Some(1764000211));
        let expected = OfferApprovalColumns {
            offer_id: Some("2".into()),
            affiliate_id: Some("11".into()),
            event_time: Some(1764000211),
            offer_name: Some("VPN Annual".into()),
            affiliate_name: Some("Lumen Affiliates".into()),
        };
        assert_eq!(record.columns, TypedColumns::OfferApproval(expected));
    }

    #[test]
    fn a_retry_with_a_new_generation_time_hashes_equal() {
        let first = sample(KIND);
        let mut retry = sample_value(KIND);
        retry["webhook_generation_time"] = json!(1764009999);
        let hash = |body: &JsonValue<'_>| {
            extract_approval(KIND, body)
                .unwrap_or_else(|error| panic!("{error}"))
                .content_sha256
        };
        assert_eq!(hash(&first), hash(&doc(&retry.to_string())));
        let mut renamed = sample_value(KIND);
        renamed["offer"]["name"] = json!("VPN Annual 2");
        assert_ne!(hash(&first), hash(&doc(&renamed.to_string())));
    }

    #[test]
    fn every_identity_part_is_required() {
        for part in ["offer_id", "affiliate_id", "event_time"] {
            let mut edited = json!({"offer_id": 2, "affiliate_id": 11, "event_time": 1764000211});
            edited[part] = json!("");
            let body = edited.to_string();
            let error = extract_approval(KIND, &doc(&body)).expect_err(part);
            assert!(
                matches!(error, BodyError::MissingIdentity { field, .. } if field == part),
                "{part}: {error:?}"
            );
        }
    }
}
