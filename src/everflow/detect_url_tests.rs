//! A URL's kind against the body's shape: overruled only where the shape is
//! sure of another resource.

use super::*;
use crate::everflow::test_samples::{doc, sample};

fn resolved(
    url: WebhookKind,
    body: &JsonValue<'_>,
) -> (WebhookKind, KindSource, Option<&'static str>) {
    let resolved = resolve_kind(Some(url), body).expect("resolved");
    (
        resolved.kind,
        resolved.source,
        resolved.url_kind.map(WebhookKind::as_str),
    )
}

#[test]
fn every_sample_on_its_own_url_keeps_its_kind() {
    for kind in WebhookKind::ALL {
        assert_eq!(
            resolved(kind, &sample(kind)),
            (kind, KindSource::Declared, None),
            "{kind}"
        );
    }
}

#[test]
fn a_sample_on_another_resource_s_url_is_archived_as_what_it_is() {
    for url in WebhookKind::ALL {
        for body in WebhookKind::ALL {
            let (kind, source, url_kind) = resolved(url, &sample(body));
            if url.resource_type() == body.resource_type() {
                // created / updated / signed up: the URL's word stands.
                assert_eq!((kind, source, url_kind), (url, KindSource::Declared, None));
                continue;
            }
            assert_eq!(
                kind.resource_type(),
                body.resource_type(),
                "{body} on {url}"
            );
            assert_eq!(source, KindSource::Detected, "{body} on {url}");
            assert_eq!(url_kind, Some(url.as_str()), "{body} on {url}");
        }
    }
}

#[test]
fn an_event_on_the_conversion_url_is_an_event() {
    let event = sample(WebhookKind::EventRegistered);
    assert_eq!(
        resolved(WebhookKind::ConversionRegistered, &event),
        (
            WebhookKind::EventRegistered,
            KindSource::Detected,
            Some("conversion_registered")
        )
    );
    // is_event as a GET postback spells it.
    let get = doc(r#"{"conversion_id": "7", "transaction_id": "t", "is_event": "1"}"#);
    assert_eq!(
        resolved(WebhookKind::ConversionRegistered, &get).0,
        WebhookKind::EventRegistered
    );
}

#[test]
fn a_body_detection_is_not_sure_of_keeps_the_url_s_kind() {
    for body in [
        // No is_event (or null): "else a conversion" is a guess.
        r#"{"conversion_id": 7, "transaction_id": "t"}"#,
        r#"{"conversion_id": 7, "transaction_id": "t", "is_event": null}"#,
        r#"{"conversion_id": 7, "transaction_id": "t", "is_event": "maybe"}"#,
        // Marks of two families.
        r#"{"conversion_id": 7, "transaction_id": "t", "is_event": false, "network_offer_id": 1}"#,
        r#"{"network_advertiser_id": 1, "network_affiliate_id": 2}"#,
        r#"{"offer_id": 1, "affiliate_id": 2, "event_time": 3, "new_status": "a", "employee_id": 4}"#,
        // None at all.
        r#"{"hello": 1}"#,
    ] {
        assert_eq!(
            resolved(WebhookKind::EventRegistered, &doc(body)),
            (WebhookKind::EventRegistered, KindSource::Declared, None),
            "{body}"
        );
    }
    // The shapes a family carries besides its own mark do not count.
    let verdict = doc(r#"{"network_affiliate_id": 11, "new_status": "active", "employee_id": 7}"#);
    assert_eq!(
        resolved(WebhookKind::AffiliateUpdated, &verdict).0,
        WebhookKind::AffiliateSignupVerdict
    );
    let offer = doc(r#"{"network_offer_id": 1, "network_advertiser_id": 101}"#);
    assert_eq!(
        resolved(WebhookKind::AdvertiserUpdated, &offer).0,
        WebhookKind::OfferUpdated
    );
}
