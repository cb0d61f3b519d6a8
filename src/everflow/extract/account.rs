//! Advertisers and partners (created / updated / signed up): the account object
//! plus `users` and `billing`, and for sign-ups a sign-up block.

use super::{
    compact_json, object_fields, record, refuse_unexpanded_macros, required, versioned_fact_time,
};
use crate::everflow::error::BodyError;
use crate::everflow::json::JsonValue;
use crate::everflow::kind::{Family, WebhookKind};
use crate::everflow::lenient::{self, FieldReader};
use crate::everflow::records::{AccountColumns, ResourceRecord, TypedColumns};

/// Where the sign-up block has been seen, in the order it is looked for: Everflow
/// spells it both `signup` and `sign_up`.
const SIGNUP_BLOCK_PATHS: [&str; 4] = [
    "relationship.signup",
    "relationship.sign_up",
    "signup",
    "sign_up",
];

/// Where a sign-up block keeps its mailing address and promotional information:
/// in the block itself, or (as Everflow's current docs show) under its own
/// `relationship`.
const SIGNUP_NESTED_PATHS: [&str; 2] = ["", "relationship."];

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
    refuse_unexpanded_macros(
        kind,
        &fields,
        &[
            "network_advertiser_id",
            "network_affiliate_id",
            "time_saved",
            "time_created",
            "account_status",
        ],
    )?;
    let account_id = required(kind, id_field, fields.id(id_field))?;
    let signup = signup_block(&fields);
    let signup_text = |path: &str| signup.as_ref().and_then(|block| block.text(path));
    let signup_nested_text = |path: &str| {
        SIGNUP_NESTED_PATHS
            .iter()
            .find_map(|prefix| signup_text(&format!("{prefix}{path}")))
    };
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
        signup_promotional_information: signup.as_ref().and_then(promotional_information),
        signup_country_code: signup_nested_text("mailing_address.country_code"),
    };
    let typed = match kind.family() {
        Family::Advertiser => TypedColumns::Advertiser(columns),
        _ => TypedColumns::Partner(columns),
    };
    let fact_time = versioned_fact_time(&fields);
    Ok(record(account_id, fact_time, &fields, typed))
}

/// A partner's promotional information: text, or (in Everflow's current docs)
/// a list of promotion methods, kept as compact JSON so nothing of it is lost.
fn promotional_information(block: &FieldReader<'_>) -> Option<String> {
    let value = SIGNUP_NESTED_PATHS
        .iter()
        .find_map(|prefix| block.get(&format!("{prefix}promotional_information")))?;
    match &value {
        JsonValue::Array(items) if items.is_empty() => None,
        JsonValue::Array(_) => Some(compact_json(&value)),
        JsonValue::Object(_) => match lenient::collection_items(value.clone()) {
            Some(items) if items.is_empty() => None,
            Some(items) => Some(compact_json(&JsonValue::Array(items))),
            None => Some(compact_json(&value)),
        },
        _ => lenient::text(&value),
    }
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
            // Every event type dates a version by its last save.
            (WebhookKind::AdvertiserCreated, Some(1764000101), "active"),
            (WebhookKind::AdvertiserUpdated, Some(1764005001), "active"),
            (WebhookKind::AdvertiserSignedUp, Some(1764000101), "pending"),
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
            (WebhookKind::AffiliateCreated, Some(1764000011)),
            (WebhookKind::AffiliateUpdated, Some(1764005001)),
            (WebhookKind::AffiliateSignedUp, Some(1764000011)),
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
    fn sign_up_details_under_the_blocks_own_relationship() {
        let body = doc(r#"{"network_affiliate_id": 11, "relationship": {"signup": {
            "website_url": "https://p.example",
            "relationship": {
                "mailing_address": {"country_code": "FR"},
                "promotional_information": [
                    {"promotional_method": "Email", "description": "Newsletter, 40k"},
                    {"promotional_method": "SEO", "description": ""}
                ]
            }}}}"#);
        let (_, columns) = account(WebhookKind::AffiliateSignedUp, &body);
        assert_eq!(columns.signup_country_code.as_deref(), Some("FR"));
        assert_eq!(
            columns.signup_promotional_information.as_deref(),
            Some(
                r#"[{"description":"Newsletter, 40k","promotional_method":"Email"},{"description":"","promotional_method":"SEO"}]"#
            )
        );
        for (information, expected) in [
            (r#"[]"#, None),
            (r#"{"total": 1, "entries": ["Blog"]}"#, Some(r#"["Blog"]"#)),
            (r#""""#, None),
            (r#""Blog""#, Some("Blog")),
        ] {
            let text = format!(
                r#"{{"network_affiliate_id": 11, "signup": {{"promotional_information": {information}}}}}"#
            );
            let (_, columns) = account(WebhookKind::AffiliateSignedUp, &doc(&text));
            assert_eq!(
                columns.signup_promotional_information.as_deref(),
                expected,
                "{information}"
            );
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
