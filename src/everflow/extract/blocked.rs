//! `traffic_optimized`: one delivery, one resource per blocked traffic variable.

use super::{record, refuse_unexpanded_macros, required};
use crate::everflow::detect::BLOCKED_VARIABLE_ID_FIELD;
use crate::everflow::error::BodyError;
use crate::everflow::json::{JsonObject, JsonValue};
use crate::everflow::kind::WebhookKind;
use crate::everflow::lenient::{self, FieldReader};
use crate::everflow::records::{BlockedVariableColumns, ResourceRecord, TypedColumns};

const LIST_SHAPE: &str = "{\"blocked_variables\": [...]} or a bare array of blocked variables";
const ENTRY_SHAPE: &str = "a list of blocked variables that are each a JSON object";

/// Every entry becomes a record with its own content hash, so that an entry that
/// reappears in a later delivery is recognised as a duplicate. An entry without an
/// id refuses the whole delivery: archiving the rest would hide that it was
/// incomplete.
pub fn extract_blocked_variables(
    kind: WebhookKind,
    doc: &JsonValue<'_>,
) -> Result<Vec<ResourceRecord>, BodyError> {
    let entries = blocked_variable_entries(doc).ok_or(BodyError::UnexpectedShape {
        kind,
        expected: LIST_SHAPE,
    })?;
    if entries.is_empty() {
        return Err(BodyError::MissingIdentity {
            kind,
            field: BLOCKED_VARIABLE_ID_FIELD,
        });
    }
    entries
        .iter()
        .map(|entry| extract_entry(kind, entry))
        .collect()
}

/// The entries, whether wrapped (`blocked_variables` as an array or as an Everflow
/// collection) or sent as a bare array.
fn blocked_variable_entries<'a>(doc: &JsonValue<'a>) -> Option<Vec<&'a str>> {
    match doc {
        JsonValue::Array(entries) => Some(entries.clone()),
        JsonValue::Object(fields) => lenient::collection_items(fields.value("blocked_variables")?),
        _ => None,
    }
}

/// One entry, from its raw text.
fn extract_entry(kind: WebhookKind, entry: &str) -> Result<ResourceRecord, BodyError> {
    let entry = JsonObject::parse(entry).ok_or(BodyError::UnexpectedShape {
        kind,
        expected: ENTRY_SHAPE,
    })?;
    let fields = FieldReader::new(&entry);
    refuse_unexpanded_macros(kind, &fields, &[BLOCKED_VARIABLE_ID_FIELD, "time_blocked"])?;
    let blocked_id = required(
        kind,
        BLOCKED_VARIABLE_ID_FIELD,
        fields.id(BLOCKED_VARIABLE_ID_FIELD),
    )?;
    let relationship = fields.object("relationship");
    let related = |name: &str| relationship.as_ref().and_then(|r| r.object(name));
    let (offer, affiliate) = (related("offer"), related("affiliate"));
    let columns = BlockedVariableColumns {
        blocked_variable_id: Some(blocked_id.clone()),
        optimization_id: fields.id("network_traffic_optimization_id"),
        optimization_run_id: fields.id("network_traffic_optimization_run_id"),
        variable: fields.text("variable"),
        value: fields.text("value"),
        offer_id: fields
            .id("network_offer_id")
            .or_else(|| offer.as_ref()?.id("network_offer_id")),
        offer_name: offer.as_ref().and_then(|offer| offer.text("name")),
        affiliate_id: fields
            .id("network_affiliate_id")
            .or_else(|| affiliate.as_ref()?.id("network_affiliate_id")),
        affiliate_name: affiliate
            .as_ref()
            .and_then(|affiliate| affiliate.text("name")),
        action: fields.text("action"),
        manual_override: fields.flag("manual_override"),
        time_created: fields.unix_time("time_created"),
        time_blocked: fields.unix_time("time_blocked"),
        time_blocked_until: fields.unix_time("time_blocked_until"),
        cvr: related("reporting").and_then(|reporting| reporting.decimal_text("cvr")),
    };
    let fact_time = columns.time_blocked;
    let typed = TypedColumns::BlockedVariable(columns);
    Ok(record(blocked_id, fact_time, &fields, typed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::content_hash::content_sha256;
    use crate::everflow::test_samples::{doc, sample, sample_value};
    use serde_json::json;

    /// The raw text of the sample's `blocked_variables` array.
    fn sample_entries() -> &'static str {
        let JsonValue::Object(fields) = sample(KIND) else {
            panic!("the sample is an object");
        };
        fields.get("blocked_variables").expect("a list")
    }

    const KIND: WebhookKind = WebhookKind::TrafficOptimized;

    fn columns(record: &ResourceRecord) -> &BlockedVariableColumns {
        match &record.columns {
            TypedColumns::BlockedVariable(columns) => columns,
            other => panic!("not a blocked variable: {other:?}"),
        }
    }

    #[test]
    fn traffic_optimized_sample_yields_one_record_per_entry() {
        let records = extract_blocked_variables(KIND, &sample(KIND))
            .unwrap_or_else(|error| panic!("{error}"));
        let ids: Vec<&str> = records
            .iter()
            .map(|record| record.resource_id.as_str())
            .collect();
        assert_eq!(ids, ["100", "101", "102"]);
        let JsonValue::Array(entries) = doc(sample_entries()) else {
            panic!("an array");
        };
        assert_eq!(
            records[0].content_sha256,
            content_sha256(&JsonValue::decode(entries[0]))
        );
        assert_ne!(records[0].content_sha256, records[1].content_sha256);
        let expected = BlockedVariableColumns {
            blocked_variable_id: Some("100".into()),
            optimization_id: Some("41".into()),
            optimization_run_id: Some("1".into()),
            variable: Some("source_id".into()),
            value: Some("placement_1_0".into()),
            offer_id: Some("2".into()),
            offer_name: Some("VPN Annual".into()),
            affiliate_id: Some("11".into()),
            affiliate_name: Some("Lumen Affiliates".into()),
            action: Some("block".into()),
            manual_override: Some(false),
            time_created: Some(1764000001),
            time_blocked: Some(1764000001),
            time_blocked_until: Some(1764086401),
            cvr: Some("0.0163".into()),
        };
        assert_eq!(columns(&records[0]), &expected);
        assert_eq!(records[0].fact_time, Some(1764000001));
        assert_eq!(
            columns(&records[1]).offer_name.as_deref(),
            Some("Meal Kit Intro")
        );
        assert_eq!(columns(&records[2]).cvr.as_deref(), Some("0.0128"));
    }

    #[test]
    fn a_bare_array_reads_like_the_wrapped_list() {
        let wrapped = extract_blocked_variables(KIND, &sample(KIND))
            .unwrap_or_else(|error| panic!("{error}"));
        let bare = extract_blocked_variables(KIND, &doc(sample_entries()))
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(wrapped, bare);
        let entries = &sample_value(KIND)["blocked_variables"];
        let collection = json!({"blocked_variables": {"total": 3, "entries": entries}}).to_string();
        assert_eq!(
            extract_blocked_variables(KIND, &doc(&collection)).ok(),
            Some(wrapped)
        );
    }

    #[test]
    fn one_entry_without_an_id_refuses_the_whole_delivery() {
        let body = json!({"blocked_variables": [
            {BLOCKED_VARIABLE_ID_FIELD: 100, "time_blocked": 1},
            {"variable": "sub1"},
        ]})
        .to_string();
        let error =
            extract_blocked_variables(KIND, &doc(&body)).expect_err("second entry has no id");
        assert!(matches!(
            error,
            BodyError::MissingIdentity {
                field: BLOCKED_VARIABLE_ID_FIELD,
                ..
            }
        ));
    }

    #[test]
    fn an_empty_list_has_no_identity() {
        for body in [r#"{"blocked_variables": []}"#, "[]"] {
            let error = extract_blocked_variables(KIND, &doc(body)).expect_err("empty");
            assert_eq!(error.code(), "missing_identity");
        }
    }

    #[test]
    fn other_shapes_are_refused() {
        for body in ["{}", r#"{"blocked_variables": "none"}"#, "[1, 2]", r#""x""#] {
            let error = extract_blocked_variables(KIND, &doc(body)).expect_err("wrong shape");
            assert_eq!(error.code(), "unexpected_shape", "{body}");
        }
    }
}
