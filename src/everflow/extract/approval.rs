//! `affiliate_approved_for_offer`: an envelope around the offer and the partner.

use serde_json::Value;

use super::{object_fields, record, required};
use crate::everflow::error::BodyError;
use crate::everflow::kind::WebhookKind;
use crate::everflow::records::{OfferApprovalColumns, ResourceRecord, TypedColumns};

/// The identity is (offer, partner, time): a partner can be approved for the same
/// offer again after being removed. The content hash leaves out the envelope's
/// `webhook_generation_time`, which changes on every retry.
pub fn extract_approval(kind: WebhookKind, doc: &Value) -> Result<ResourceRecord, BodyError> {
    let fields = object_fields(kind, doc)?;
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
    Ok(record(resource_id, Some(event_time), doc, typed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::test_samples::sample;
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
        let mut retry = first.clone();
        retry["webhook_generation_time"] = json!(1764009999);
        let hash = |doc: &Value| {
            extract_approval(KIND, doc)
                .unwrap_or_else(|error| panic!("{error}"))
                .content_sha256
        };
        assert_eq!(hash(&first), hash(&retry));
        let mut renamed = first.clone();
        renamed["offer"]["name"] = json!("VPN Annual 2");
        assert_ne!(hash(&first), hash(&renamed));
    }

    #[test]
    fn every_identity_part_is_required() {
        for part in ["offer_id", "affiliate_id", "event_time"] {
            let mut doc = json!({"offer_id": 2, "affiliate_id": 11, "event_time": 1764000211});
            doc[part] = json!("");
            let error = extract_approval(KIND, &doc).expect_err(part);
            assert!(
                matches!(error, BodyError::MissingIdentity { field, .. } if field == part),
                "{part}: {error:?}"
            );
        }
    }
}
