//! Telling a delivery's kind from its body's shape: the fallback for the one URL
//! that does not name a kind (PAYLOADS.md, "Telling kinds apart by shape").

use super::KindSource;
use super::error::BodyError;
use super::extract::account::signup_block;
use super::json::{JsonObject, JsonValue};
use super::kind::WebhookKind;
use super::lenient::{self, FieldReader};

/// The id field of one `traffic_optimized` entry.
pub const BLOCKED_VARIABLE_ID_FIELD: &str = "network_traffic_optimization_blocked_variable_id";

/// The kind a body's shape implies, by PAYLOADS.md's rules in their order.
///
/// Created and updated bodies are identical, so offers, advertisers and partners
/// are detected as `*_updated`: updates are by far the more frequent delivery, and
/// each version is archived under its resource id and content hash either way, so
/// the guess loses nothing but the label. A sign-up block (`signup` or `sign_up`,
/// under `relationship` or at the top level) marks an advertiser or partner as
/// `*_signed_up`; offers have no sign-up.
pub fn detect_kind(doc: &JsonValue<'_>) -> Option<WebhookKind> {
    Marks::of(doc).kind(doc)
}

/// Which resources' identifying fields a body carries: each looked up once,
/// for detection and for deciding whether the shape is beyond doubt.
#[derive(Debug, Default)]
struct Marks {
    blocked_variables: bool,
    approval: bool,
    verdict: bool,
    conversion: bool,
    /// A conversion's `is_event`, when it says true or false.
    is_event: Option<bool>,
    offer: bool,
    advertiser: bool,
    affiliate: bool,
}

impl Marks {
    fn of(doc: &JsonValue<'_>) -> Marks {
        let blocked_variables = is_blocked_variable_list(doc);
        let Some(fields) = doc.as_object() else {
            return Marks {
                blocked_variables,
                ..Marks::default()
            };
        };
        let has_all = |keys: &[&str]| keys.iter().all(|key| is_present(fields, key));
        let conversion = has_all(&["conversion_id", "transaction_id"]);
        Marks {
            blocked_variables,
            approval: has_all(&["offer_id", "affiliate_id", "event_time"]),
            verdict: has_all(&["new_status", "employee_id"]),
            conversion,
            is_event: conversion
                .then(|| fields.value("is_event").as_ref().and_then(lenient::flag))
                .flatten(),
            offer: has_all(&["network_offer_id"]),
            advertiser: has_all(&["network_advertiser_id"]),
            affiliate: has_all(&["network_affiliate_id"]),
        }
    }

    /// The kind these marks imply, the first rule that applies winning.
    fn kind(&self, doc: &JsonValue<'_>) -> Option<WebhookKind> {
        let signed_up = || {
            doc.as_object()
                .is_some_and(|fields| signup_block(&FieldReader::new(fields)).is_some())
        };
        Some(if self.blocked_variables {
            WebhookKind::TrafficOptimized
        } else if self.approval {
            WebhookKind::AffiliateApprovedForOffer
        } else if self.verdict {
            WebhookKind::AffiliateSignupVerdict
        } else if self.conversion {
            match self.is_event {
                Some(true) => WebhookKind::EventRegistered,
                _ => WebhookKind::ConversionRegistered,
            }
        } else if self.offer {
            WebhookKind::OfferUpdated
        } else if self.advertiser {
            if signed_up() {
                WebhookKind::AdvertiserSignedUp
            } else {
                WebhookKind::AdvertiserUpdated
            }
        } else if self.affiliate {
            if signed_up() {
                WebhookKind::AffiliateSignedUp
            } else {
                WebhookKind::AffiliateUpdated
            }
        } else {
            return None;
        })
    }

    /// Whether exactly one family's marks are present (an offer carries its
    /// advertiser's id and a verdict its partner's, which do not count
    /// against them).
    fn single_family(&self) -> bool {
        let marks = [
            self.blocked_variables,
            self.approval,
            self.verdict,
            self.conversion,
            self.offer,
            self.advertiser && !self.offer,
            self.affiliate && !self.verdict,
        ];
        marks.iter().filter(|mark| **mark).count() == 1
    }
}

/// The kind a delivery is archived under and how it was learned; when the
/// URL named a kind of another resource than the body surely describes, the
/// URL's kind too (`url_kind`: the webhook is wired to the wrong URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedKind {
    pub kind: WebhookKind,
    pub source: KindSource,
    pub url_kind: Option<WebhookKind>,
}

/// The kind to extract with: the one the URL declared, else the detected one.
/// A body that is surely another resource than the URL's kind (an event posted
/// to the conversion URL) is archived as what it is, detected, and the URL's
/// kind kept beside it; created, updated and signed-up bodies of one resource
/// cannot be told apart, so within a resource the URL's kind stays.
pub fn resolve_kind(
    declared: Option<WebhookKind>,
    doc: &JsonValue<'_>,
) -> Result<ResolvedKind, BodyError> {
    let resolved = |kind, source, url_kind| ResolvedKind {
        kind,
        source,
        url_kind,
    };
    match declared {
        Some(url_kind) => Ok(match sure_kind(doc) {
            Some(kind) if kind.resource_type() != url_kind.resource_type() => {
                resolved(kind, KindSource::Detected, Some(url_kind))
            }
            _ => resolved(url_kind, KindSource::Declared, None),
        }),
        None => detect_kind(doc)
            .map(|kind| resolved(kind, KindSource::Detected, None))
            .ok_or(BodyError::Undetectable),
    }
}

/// The detected kind, only when the shape leaves no doubt about the resource:
/// the marks of exactly one family are present, and a conversion or event
/// says which it is with an `is_event` that is true or false (without one,
/// detection's "else a conversion" is a guess). What this returns may
/// overrule the URL, so a body that fits two shapes, or none, leaves the
/// URL's kind in place.
fn sure_kind(doc: &JsonValue<'_>) -> Option<WebhookKind> {
    let marks = Marks::of(doc);
    if !marks.single_family() || (marks.conversion && marks.is_event.is_none()) {
        return None;
    }
    marks.kind(doc)
}

/// `{"blocked_variables": [...]}` (the list may also come as an Everflow collection),
/// or a bare array holding blocked variables. One
/// entry with an id is enough to recognise the list; entries without one are
/// reported by the extractor, which refuses the whole delivery.
fn is_blocked_variable_list(doc: &JsonValue<'_>) -> bool {
    match doc {
        JsonValue::Object(fields) => fields
            .value("blocked_variables")
            .and_then(lenient::collection_items)
            .is_some(),
        JsonValue::Array(entries) => entries.iter().any(|entry| {
            JsonObject::parse(entry).is_some_and(|entry| entry.contains(BLOCKED_VARIABLE_ID_FIELD))
        }),
        _ => false,
    }
}

/// A field counts as present unless it is missing or `null`; unset markers such as
/// `0` still show which shape the body has.
fn is_present(fields: &JsonObject<'_>, key: &str) -> bool {
    fields.get(key).is_some_and(|value| value != "null")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::test_samples::{doc, sample};

    #[test]
    fn every_sample_is_detected_as_its_kind_or_the_documented_choice() {
        for kind in WebhookKind::ALL {
            let expected = match kind {
                WebhookKind::OfferCreated => WebhookKind::OfferUpdated,
                WebhookKind::AdvertiserCreated => WebhookKind::AdvertiserUpdated,
                WebhookKind::AffiliateCreated => WebhookKind::AffiliateUpdated,
                other => other,
            };
            assert_eq!(detect_kind(&sample(kind)), Some(expected), "{kind}");
        }
    }

    #[test]
    fn sign_up_blocks_are_found_in_every_spelling_and_place() {
        for body in [
            r#"{"network_affiliate_id": 1, "relationship": {"sign_up": {}}}"#,
            r#"{"network_affiliate_id": 1, "signup": {}}"#,
            r#"{"network_affiliate_id": 1, "sign_up": {}}"#,
        ] {
            assert_eq!(
                detect_kind(&doc(body)),
                Some(WebhookKind::AffiliateSignedUp)
            );
        }
        let null_block = r#"{"network_advertiser_id": 1, "relationship": {"signup": null}}"#;
        assert_eq!(
            detect_kind(&doc(null_block)),
            Some(WebhookKind::AdvertiserUpdated)
        );
    }

    #[test]
    fn bare_arrays_of_blocked_variables_are_traffic_optimized() {
        let bare = format!(r#"[{{"{BLOCKED_VARIABLE_ID_FIELD}": 100}}]"#);
        assert_eq!(
            detect_kind(&doc(&bare)),
            Some(WebhookKind::TrafficOptimized)
        );
        assert_eq!(detect_kind(&doc("[]")), None);
        assert_eq!(detect_kind(&doc(r#"[{"network_offer_id": 1}]"#)), None);
    }

    #[test]
    fn rules_apply_in_order() {
        // A verdict carries network_affiliate_id too; its own rule comes first.
        let verdict =
            doc(r#"{"network_affiliate_id": 11, "new_status": "active", "employee_id": 7}"#);
        assert_eq!(
            detect_kind(&verdict),
            Some(WebhookKind::AffiliateSignupVerdict)
        );
        // Offers carry their advertiser's id.
        let offer = doc(r#"{"network_offer_id": 1, "network_advertiser_id": 101}"#);
        assert_eq!(detect_kind(&offer), Some(WebhookKind::OfferUpdated));
        let event = doc(r#"{"conversion_id": "7", "transaction_id": "t", "is_event": "true"}"#);
        assert_eq!(detect_kind(&event), Some(WebhookKind::EventRegistered));
        let conversion = doc(r#"{"conversion_id": 7, "transaction_id": "t", "is_event": null}"#);
        assert_eq!(
            detect_kind(&conversion),
            Some(WebhookKind::ConversionRegistered)
        );
    }

    #[test]
    fn unknown_shapes_are_undetectable() {
        for body in [r#"{"hello": 1}"#, r#""text""#, "42", "null"] {
            assert_eq!(detect_kind(&doc(body)), None, "{body}");
            assert!(matches!(
                resolve_kind(None, &doc(body)),
                Err(BodyError::Undetectable)
            ));
        }
    }

    #[test]
    fn a_declared_kind_wins() {
        let body = doc(r#"{"hello": 1}"#);
        let resolved = resolve_kind(Some(WebhookKind::OfferCreated), &body).expect("declared");
        assert_eq!(
            resolved,
            ResolvedKind {
                kind: WebhookKind::OfferCreated,
                source: KindSource::Declared,
                url_kind: None
            }
        );
        let conversion = sample(WebhookKind::ConversionRegistered);
        let detected = resolve_kind(None, &conversion).expect("detected");
        assert_eq!(
            detected,
            ResolvedKind {
                kind: WebhookKind::ConversionRegistered,
                source: KindSource::Detected,
                url_kind: None
            }
        );
    }
}

#[cfg(test)]
#[path = "detect_url_tests.rs"]
mod url_tests;
