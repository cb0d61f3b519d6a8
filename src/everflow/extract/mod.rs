//! Per-family extraction: from one parsed body to its resource records.

pub mod account;
mod approval;
mod blocked;
mod conversion;
mod offer;
mod offer_terms;
mod verdict;

use super::content_hash::object_sha256;
use super::error::BodyError;
use super::json::JsonValue;
use super::kind::{Family, WebhookKind};
use super::lenient::FieldReader;
use super::records::{ExtractedDelivery, ResourceRecord, TypedColumns, plausible_unix_time};

/// Extracts every resource a body of `kind` describes. All or nothing: a body whose
/// identity cannot be read yields an error, never a partial delivery.
pub fn extract(kind: WebhookKind, doc: &JsonValue<'_>) -> Result<ExtractedDelivery, BodyError> {
    let resources = match kind.family() {
        Family::Offer => vec![offer::extract_offer(kind, doc)?],
        Family::Advertiser | Family::Partner => vec![account::extract_account(kind, doc)?],
        Family::SignupVerdict => vec![verdict::extract_verdict(kind, doc)?],
        Family::OfferApproval => vec![approval::extract_approval(kind, doc)?],
        Family::Conversion => vec![conversion::extract_conversion(kind, doc)?],
        Family::BlockedVariable => blocked::extract_blocked_variables(kind, doc)?,
    };
    Ok(ExtractedDelivery { kind, resources })
}

/// Every family but `traffic_optimized` describes one resource as one JSON object.
fn object_fields<'a>(
    kind: WebhookKind,
    doc: &'a JsonValue<'_>,
) -> Result<FieldReader<'a>, BodyError> {
    match doc {
        JsonValue::Object(fields) => Ok(FieldReader::new(fields)),
        _ => Err(BodyError::UnexpectedShape {
            kind,
            expected: "a JSON object",
        }),
    }
}

/// A value as compact JSON with its keys sorted (numbers keep their text):
/// for structured values kept in one column.
fn compact_json(value: &JsonValue<'_>) -> String {
    let mut compact = Vec::new();
    super::json::write_canonical(value, &[], &mut compact);
    // Canonical text is built from UTF-8 pieces only.
    String::from_utf8_lossy(&compact).into_owned()
}

/// Refuses a body where any of `paths` (identities, amounts, times, statuses:
/// what the archive and its reports rely on) still holds an Everflow macro.
fn refuse_unexpanded_macros(
    kind: WebhookKind,
    fields: &FieldReader<'_>,
    paths: &[&'static str],
) -> Result<(), BodyError> {
    match fields.unexpanded_macro(paths) {
        Some((field, placeholder)) => Err(BodyError::UnexpandedMacro {
            kind,
            field: field.to_owned(),
            placeholder,
        }),
        None => Ok(()),
    }
}

/// Amounts a total would otherwise count as zero: a conversion whose payout
/// cannot be kept is refused (422) rather than archived without it.
fn refuse_unreadable_amounts(
    kind: WebhookKind,
    fields: &FieldReader<'_>,
    paths: &[&'static str],
) -> Result<(), BodyError> {
    match fields.unreadable_amount(paths) {
        Some((field, sent)) => Err(BodyError::UnreadableAmount {
            kind,
            field: field.to_owned(),
            sent: shortened(&sent),
        }),
        None => Ok(()),
    }
}

/// A value quoted in a message: a partner-controlled string may be long.
fn shortened(sent: &str) -> String {
    const SHOWN: usize = 40;
    match sent.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("\"{}…\"", &sent[..cut]),
        None => format!("\"{sent}\""),
    }
}

/// An identity part, which must be set for the delivery to be archived.
fn required<T>(kind: WebhookKind, field: &'static str, value: Option<T>) -> Result<T, BodyError> {
    value.ok_or(BodyError::MissingIdentity { kind, field })
}

/// The fact time of offers, advertisers and partners: their last save
/// (`time_saved`), else their creation. One resource arrives under several
/// event types (created, updated, signed up), so all of them date a version
/// the same way, and the newest save is the current state. A save time
/// that is not plausible gives way to the creation time.
fn versioned_fact_time(fields: &FieldReader<'_>) -> Option<i64> {
    plausible_unix_time(fields.unix_time("time_saved"))
        .or_else(|| plausible_unix_time(fields.unix_time("time_created")))
}

fn record(
    resource_id: String,
    fact_time: Option<i64>,
    content: &FieldReader<'_>,
    columns: TypedColumns,
) -> ResourceRecord {
    ResourceRecord {
        resource_id,
        // Identities keep the time as sent (a verdict's `timestamp`); only
        // a plausible one dates the fact.
        fact_time: plausible_unix_time(fact_time),
        content_sha256: object_sha256(content.as_object()),
        columns,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::document::{parse_document, query_pairs_document};
    use crate::everflow::records::ConversionColumns;
    use crate::everflow::test_samples::{doc, sample, sample_bytes};

    #[test]
    fn every_sample_extracts_with_its_own_kind() {
        for kind in WebhookKind::ALL {
            let delivery = extract(kind, &sample(kind)).unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(delivery.kind, kind);
            assert!(!delivery.resources.is_empty(), "{kind}");
        }
    }

    #[test]
    fn non_objects_are_the_wrong_shape() {
        for kind in WebhookKind::ALL {
            for body in [r#""text""#, "42", "null", "true"] {
                let error = extract(kind, &doc(body)).expect_err("not an object");
                assert_eq!(error.code(), "unexpected_shape", "{kind} {body}");
            }
        }
    }

    #[test]
    fn an_array_is_not_an_offer() {
        let error = extract(
            WebhookKind::OfferCreated,
            &doc(r#"[{"network_offer_id": 1}]"#),
        )
        .expect_err("array");
        assert!(
            matches!(
                error,
                BodyError::UnexpectedShape {
                    kind: WebhookKind::OfferCreated,
                    expected: "a JSON object"
                }
            ),
            "{error:?}"
        );
    }

    #[test]
    fn an_empty_object_lacks_every_identity() {
        // traffic_optimized needs its list first: see blocked.rs.
        for kind in WebhookKind::ALL
            .into_iter()
            .filter(|kind| kind.family() != Family::BlockedVariable)
        {
            let error = extract(kind, &doc("{}")).expect_err("no identity");
            assert_eq!(error.code(), "missing_identity", "{kind}: {error}");
        }
    }

    #[test]
    fn reformatted_samples_hash_equal_and_keep_their_identity() {
        for kind in WebhookKind::ALL {
            let body = sample_bytes(kind);
            let original = parse_document(&body).unwrap_or_else(|e| panic!("{e}"));
            // Compact text with keys sorted: other white space and another key order.
            let value: serde_json::Value =
                serde_json::from_slice(&body).unwrap_or_else(|e| panic!("{e}"));
            let compact = value.to_string();
            let reformatted = parse_document(compact.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
            let first = extract(kind, &original).unwrap_or_else(|e| panic!("{e}"));
            let second = extract(kind, &reformatted).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(first, second, "{kind}");
        }
    }

    #[test]
    fn only_a_plausible_time_dates_a_conversion() {
        // The arrival's bound is the store's (it knows the arrival).
        let cases = [
            ("1764064001", Some(1_764_064_001)),
            ("\"1764064001\"", Some(1_764_064_001)),
            ("1764064001.0", Some(1_764_064_001)),
            ("1764064001000", Some(1_764_064_001_000)),
            ("null", None),
            ("0", None),
            ("\"abc\"", None),
            ("946684799", None),
            ("9223372036854775808", None),
            ("9007199254740993", None),
        ];
        for (time, expected) in cases {
            let body = format!(r#"{{"conversion_id": "ab", "conversion_unix_timestamp": {time}}}"#);
            let delivery = extract(WebhookKind::ConversionRegistered, &doc(&body))
                .unwrap_or_else(|error| panic!("{time}: {error}"));
            assert_eq!(delivery.resources[0].fact_time, expected, "{time}");
        }
    }

    #[test]
    fn a_save_time_that_is_no_time_gives_way_to_the_creation_time() {
        let body = r#"{"network_offer_id": 1, "time_saved": 0, "time_created": 1764000000}"#;
        let delivery =
            extract(WebhookKind::OfferUpdated, &doc(body)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(delivery.resources[0].fact_time, Some(1_764_000_000));
        let body = r#"{"network_offer_id": 1, "time_saved": "x"}"#;
        let delivery =
            extract(WebhookKind::OfferUpdated, &doc(body)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(delivery.resources[0].fact_time, None);
    }

    #[test]
    fn get_query_pairs_go_through_the_same_extractor() {
        let pairs: Vec<(String, String)> = [
            ("conversion_id", "10000001"),
            ("conversion_unix_timestamp", "1764064001"),
            ("transaction_id", "d06f"),
            ("payout", "2.50"),
            ("is_event", "false"),
            ("network_affiliate_id", "15"),
        ]
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
        let text = query_pairs_document(&pairs);
        let delivery = extract(WebhookKind::ConversionRegistered, &doc(&text))
            .unwrap_or_else(|error| panic!("{error}"));
        let [record] = delivery.resources.as_slice() else {
            panic!("one conversion expected: {delivery:?}");
        };
        assert_eq!(record.resource_id, "10000001");
        assert_eq!(record.fact_time, Some(1764064001));
        let TypedColumns::Conversion(columns) = &record.columns else {
            panic!("not a conversion");
        };
        let expected = ConversionColumns {
            conversion_id: Some("10000001".into()),
            conversion_time: Some(1764064001),
            transaction_id: Some("d06f".into()),
            payout: Some(2_500_000),
            is_event: Some(false),
            affiliate_id: Some("15".into()),
            ..ConversionColumns::default()
        };
        assert_eq!(**columns, expected);
    }
}
