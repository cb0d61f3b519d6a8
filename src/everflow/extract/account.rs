//! Advertisers and partners (created / updated / signed up): the account object
//! plus `users` and `billing`, and for sign-ups a sign-up block.

use super::{object_fields, record, required, versioned_fact_time};
use crate::everflow::error::BodyError;
use crate::everflow::json::JsonValue;
use crate::everflow::kind::{Family, WebhookKind};
use crate::everflow::lenient::FieldReader;
use crate::everflow::records::{AccountColumns, ResourceRecord, TypedColumns};

/// Where the sign-up block has been seen, in the order it is looked for: Everflow
/// spells it both `signup` and `sign_up`.
const SIGNUP_BLOCK_PATHS: [&str; 4] = [
    "relationship.signup",
    "relationship.sign_up",
    "signup",
    "sign_up",
];

/// The body's sign-up block, if it has one (a `null` block counts as none).
pub fn signup_block<'a>(fields: &FieldReader<'a>) -> Option<FieldReader<'a>> {
    SIGNUP_BLOCK_PATHS
        .iter()
        .find_map(|path| fields.object(path))
}

pub fn extract_account(
    kind: WebhookKind,
    doc: &JsonValue<'_>,
) -> Result<ResourceRecord, BodyError> {
    let fields = object_fields(kind, doc)?;
    let id_field = match kind.family() {
        Family::Advertiser => "network_advertiser_id",
        _ => "network_affiliate_id",
    };
    let account_id = required(kind, id_field, fields.id(id_field))?;
    let signup = signup_block(&fields);
    let signup_text = |path: &str| signup.as_ref().and_then(|block| block.text(path));
    // Advertiser and partner sign-up fields differ; each is simply absent from the
    // other's block, so both are read the same way.
    let columns = AccountColumns {
        account_id: Some(account_id.clone()),
        name: fields.text("name"),
        status: fields.text("account_status"),
        currency_id: fields.text("default_currency_id"),
        time_created: fields.unix_time("time_created"),
        time_saved: fields.unix_time("time_saved"),
        has_signup: signup.is_some(),
        signup_website_url: signup_text("website_url"),
        signup_company_description: signup_text("company_description"),
        signup_referral_code: signup_text("referral_code"),
        signup_advertise_method: signup_text("advertise_method"),
        signup_heard_about_us: signup_text("heard_about_us"),
        signup_legal_type: signup_text("legal_type"),
        signup_promotional_information: signup_text("promotional_information"),
        signup_country_code: signup_text("mailing_address.country_code"),
    };
    let typed = match kind.family() {
        Family::Advertiser => TypedColumns::Advertiser(columns),
        _ => TypedColumns::Partner(columns),
    };
    let fact_time = versioned_fact_time(kind, &fields);
    Ok(record(account_id, fact_time, &fields, typed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::test_samples::{doc, sample};

    fn account(kind: WebhookKind, doc: &JsonValue<'_>) -> (ResourceRecord, AccountColumns) {
        let record = extract_account(kind, doc).unwrap_or_else(|error| panic!("{error}"));
        let columns = match (&record.columns, kind.family()) {
            (TypedColumns::Advertiser(columns), Family::Advertiser)
            | (TypedColumns::Partner(columns), Family::Partner) => columns.clone(),
            other => panic!("wrong columns for {kind}: {other:?}"),
        };
        (record, columns)
    }

    #[test]
    fn advertiser_samples() {
        let cases = [
            (WebhookKind::AdvertiserCreated, Some(1764000000), "active"),
            (WebhookKind::AdvertiserUpdated, Some(1764005001), "active"),
            (WebhookKind::AdvertiserSignedUp, Some(1764000000), "pending"),
        ];
        for (kind, fact_time, status) in cases {
            let (record, columns) = account(kind, &sample(kind));
            assert_eq!(record.resource_id, "101", "{kind}");
            assert_eq!(record.fact_time, fact_time, "{kind}");
            assert_eq!(columns.account_id.as_deref(), Some("101"));
            assert_eq!(columns.name.as_deref(), Some("FitBox Ltd"));
            assert_eq!(columns.status.as_deref(), Some(status));
            assert_eq!(columns.currency_id.as_deref(), Some("USD"));
            assert_eq!(columns.time_created, Some(1764000000));
            let signed_up = kind == WebhookKind::AdvertiserSignedUp;
            assert_eq!(columns.has_signup, signed_up, "{kind}");
        }
        let (_, signed_up) = account(
            WebhookKind::AdvertiserSignedUp,
            &sample(WebhookKind::AdvertiserSignedUp),
        );
        assert_eq!(
            signed_up.signup_company_description.as_deref(),
            Some("Regional energy retailer")
        );
        assert_eq!(
            signed_up.signup_website_url.as_deref(),
            Some("https://advertiser.example.com")
        );
    }

    #[test]
    fn partner_samples() {
        let cases = [
            (WebhookKind::AffiliateCreated, Some(1764000000)),
            (WebhookKind::AffiliateUpdated, Some(1764005001)),
            (WebhookKind::AffiliateSignedUp, Some(1764000000)),
        ];
        for (kind, fact_time) in cases {
            let (record, columns) = account(kind, &sample(kind));
            assert_eq!(record.resource_id, "11", "{kind}");
            assert_eq!(record.fact_time, fact_time, "{kind}");
            assert_eq!(columns.name.as_deref(), Some("Lumen Affiliates"));
            assert_eq!(columns.has_signup, kind == WebhookKind::AffiliateSignedUp);
        }
        let (_, signed_up) = account(
            WebhookKind::AffiliateSignedUp,
            &sample(WebhookKind::AffiliateSignedUp),
        );
        let expected = AccountColumns {
            account_id: Some("11".into()),
            name: Some("Lumen Affiliates".into()),
            status: Some("pending".into()),
            currency_id: Some("USD".into()),
            time_created: Some(1764000000),
            time_saved: Some(1764000011),
            has_signup: true,
            signup_website_url: Some("https://partner.example.net".into()),
            signup_company_description: None,
            signup_referral_code: None,
            signup_advertise_method: Some("email".into()),
            signup_heard_about_us: Some("search".into()),
            signup_legal_type: Some("company".into()),
            signup_promotional_information: Some("Newsletter, 40k subscribers".into()),
            signup_country_code: Some("CA".into()),
        };
        assert_eq!(signed_up, expected);
    }

    #[test]
    fn sign_up_spelling_and_top_level_block() {
        for body in [
            r#"{"network_affiliate_id": "11", "relationship": {"sign_up": {"mailing_address": {"country_code": "DE"}}}}"#,
            r#"{"network_affiliate_id": 11, "sign_up": {"mailing_address": {"country_code": "DE"}}}"#,
            r#"{"network_affiliate_id": 11, "signup": {"mailing_address": {"country_code": "DE"}}}"#,
        ] {
            let (record, columns) = account(WebhookKind::AffiliateSignedUp, &doc(body));
            assert_eq!(record.resource_id, "11");
            assert!(columns.has_signup);
            assert_eq!(columns.signup_country_code.as_deref(), Some("DE"));
        }
    }

    #[test]
    fn missing_account_ids_name_the_right_field() {
        let body = doc(r#"{"network_affiliate_id": 11}"#);
        let error = extract_account(WebhookKind::AdvertiserUpdated, &body).expect_err("no id");
        assert!(matches!(
            error,
            BodyError::MissingIdentity {
                kind: WebhookKind::AdvertiserUpdated,
                field: "network_advertiser_id"
            }
        ));
        let body = doc(r#"{"network_affiliate_id": "null_value"}"#);
        let error = extract_account(WebhookKind::AffiliateCreated, &body).expect_err("no id");
        assert!(matches!(
            error,
            BodyError::MissingIdentity {
                field: "network_affiliate_id",
                ..
            }
        ));
    }
}
