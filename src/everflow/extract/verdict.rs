//! `affiliate_signup_verdict`: a flat record of an employee approving or rejecting
//! a partner's sign-up.

use super::{object_fields, record, refuse_unexpanded_macros, required};
use crate::everflow::error::BodyError;
use crate::everflow::json::JsonValue;
use crate::everflow::kind::WebhookKind;
use crate::everflow::records::{ResourceRecord, SignupVerdictColumns, TypedColumns};

/// The identity is (partner, time, new status): a partner can be judged more than
/// once, and two verdicts in the same second differ by their status.
pub fn extract_verdict(
    kind: WebhookKind,
    doc: &JsonValue<'_>,
) -> Result<ResourceRecord, BodyError> {
    let fields = object_fields(kind, doc)?;
    refuse_unexpanded_macros(
        kind,
        &fields,
        &["network_affiliate_id", "timestamp", "new_status"],
    )?;
    let affiliate_id = required(
        kind,
        "network_affiliate_id",
        fields.id("network_affiliate_id"),
    )?;
    let verdict_time = required(kind, "timestamp", fields.unix_time("timestamp"))?;
    let new_status = required(kind, "new_status", fields.text("new_status"))?;
    let resource_id = format!("{affiliate_id}:{verdict_time}:{new_status}");
    let columns = SignupVerdictColumns {
        affiliate_id: Some(affiliate_id),
        affiliate_name: fields.text("network_affiliate_name"),
        new_status: Some(new_status),
        employee_id: fields.id("employee_id"),
        employee_full_name: fields.text("employee_full_name"),
        verdict_time: Some(verdict_time),
    };
    let typed = TypedColumns::SignupVerdict(columns);
    Ok(record(resource_id, Some(verdict_time), &fields, typed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::test_samples::{doc, sample};
    use serde_json::json;

    #[test]
    fn verdict_sample() {
        let kind = WebhookKind::AffiliateSignupVerdict;
        let record = extract_verdict(kind, &sample(kind)).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(record.resource_id, "11:1764000011:active");
        assert_eq!(record.fact_time, Some(1764000011));
        let expected = SignupVerdictColumns {
            affiliate_id: Some("11".into()),
            affiliate_name: Some("Lumen Affiliates".into()),
            new_status: Some("active".into()),
            employee_id: Some("7".into()),
            employee_full_name: Some("Jordan Reyes".into()),
            verdict_time: Some(1764000011),
        };
        assert_eq!(record.columns, TypedColumns::SignupVerdict(expected));
    }

    #[test]
    fn every_identity_part_is_required() {
        let complete = json!({"network_affiliate_id": "11", "timestamp": "1764000011", "new_status": "rejected"});
        let body = complete.to_string();
        let record = extract_verdict(WebhookKind::AffiliateSignupVerdict, &doc(&body))
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(record.resource_id, "11:1764000011:rejected");
        for (part, unset) in [
            ("network_affiliate_id", json!(0)),
            ("timestamp", json!(0)),
            ("new_status", json!("null_value")),
        ] {
            let mut edited = complete.clone();
            edited[part] = unset;
            let body = edited.to_string();
            let error =
                extract_verdict(WebhookKind::AffiliateSignupVerdict, &doc(&body)).expect_err(part);
            assert!(
                matches!(error, BodyError::MissingIdentity { field, .. } if field == part),
                "{part}: {error:?}"
            );
        }
    }
}
