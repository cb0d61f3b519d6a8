//! A bounded fuzzing pass over what strangers control: any bytes as a body
//! (for every kind, and for detection), bodies shaped like Everflow's with
//! hostile values, and any text as `--since`/`--until`/`--month`/`--tz`.
//! Nothing may panic; refusals must be errors, and what is accepted must
//! carry an identity. Cases are few enough for CI; raise PROPTEST_CASES
//! locally for a longer run.

use evarchive::everflow::WebhookKind;
use evarchive::everflow::{Arrival, read_delivery};
use evarchive::store::compression::Compression;
use evarchive::window::resolve_window;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn arrival() -> Arrival {
    Arrival {
        received_at: 1_764_064_001_000,
        method: "POST",
        sender: None,
        forwarded_for: None,
    }
}

/// Every way a body can be classified: each declared kind, and detection.
fn kinds() -> Vec<Option<WebhookKind>> {
    std::iter::once(None)
        .chain(WebhookKind::ALL.into_iter().map(Some))
        .collect()
}

/// Runs the whole ingest preparation; panics only if the code does.
fn prepare(body: &[u8]) {
    for kind in kinds() {
        let read = read_delivery(kind, body.to_vec().into(), None, arrival());
        if let Ok(delivery) = read {
            // Kept as the write door keeps it (no archive here: no base).
            let kept =
                Compression::default().keep(delivery.kind.resource_type(), None, &delivery.raw);
            assert!(!kept.bytes.is_empty() || delivery.raw.is_empty());
            assert!(!delivery.resources.is_empty(), "{kind:?}: no resource");
            assert!(
                delivery.resources.iter().all(|r| !r.resource_id.is_empty()),
                "{kind:?}: an empty identity"
            );
        }
    }
}

const KEYS: &[&str] = &[
    "conversion_id",
    "transaction_id",
    "conversion_unix_timestamp",
    "status",
    "payout",
    "revenue",
    "sale_amount",
    "currency_id",
    "is_event",
    "event",
    "sub1",
    "network_offer_id",
    "network_advertiser_id",
    "network_affiliate_id",
    "offer_id",
    "affiliate_id",
    "event_time",
    "new_status",
    "employee_id",
    "timestamp",
    "time_saved",
    "time_created",
    "relationship",
    "offer",
    "affiliate",
    "signup",
    "sign_up",
    "mailing_address",
    "promotional_information",
    "blocked_variables",
    "network_traffic_optimization_blocked_variable_id",
    "entries",
    "query_parameters",
    "webhook_generation_time",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![
            Just("{payout}".to_owned()),
            Just("null_value".to_owned()),
            Just(String::new()),
            Just("0".to_owned()),
            Just("1e400".to_owned()),
            Just("-0.000000001".to_owned()),
            Just("99999999999999999999999".to_owned()),
            Just("=HYPERLINK(\"x\")".to_owned()),
            ".{0,24}",
        ]
        .prop_map(Value::String),
    ]
}

fn document() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..8).prop_map(|pairs| {
                let object: Map<String, Value> = pairs
                    .into_iter()
                    .map(|(key, value)| (key.to_owned(), value))
                    .collect();
                Value::Object(object)
            }),
        ]
    })
}

/// 256 cases a property in CI; `PROPTEST_CASES=100000` for a long run.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_are_refused_or_archived_never_a_panic(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        prepare(&body);
    }

    #[test]
    fn bodies_shaped_like_everflows_never_panic(doc in document()) {
        prepare(doc.to_string().as_bytes());
        // The same under a top-level object, as every kind but one expects.
        let mut wrapped = Map::new();
        wrapped.insert("conversion_id".to_owned(), Value::from(7));
        wrapped.insert("relationship".to_owned(), doc);
        prepare(Value::Object(wrapped).to_string().as_bytes());
    }

    #[test]
    fn any_window_text_is_resolved_or_refused_never_a_panic(
        since in prop::option::of(prop_oneof![
            Just("1d".to_owned()), Just("now".to_owned()), Just("-3d".to_owned()),
            Just("99999999999w".to_owned()), Just("2026-02-30".to_owned()),
            Just("2026-11-01T25:00".to_owned()), Just("9999-12-31".to_owned()),
            ".{0,20}",
        ]),
        until in prop::option::of(".{0,20}"),
        month in prop::option::of(prop_oneof![Just("2026-11".to_owned()), Just("9999-12".to_owned()), ".{0,8}"]),
        zone in prop_oneof![Just("UTC".to_owned()), Just("America/New_York".to_owned()), ".{0,12}"],
    ) {
        let now = "2026-11-26T15:30:00Z".parse().expect("now");
        let month = month.filter(|_| since.is_none() && until.is_none());
        if let Ok(window) = resolve_window(since.as_deref(), until.as_deref(), month.as_deref(), &zone, now) {
            prop_assert!(window.since.is_none_or(|since| since < window.until));
            let _ = window.describe();
        }
    }
}
