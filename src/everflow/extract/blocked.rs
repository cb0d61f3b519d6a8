//! `traffic_optimized`: one delivery, one resource per blocked traffic variable.

use serde_json::Value;

use super::{record, required};
use crate::everflow::detect::BLOCKED_VARIABLE_ID_FIELD;
use crate::everflow::error::BodyError;
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
    doc: &Value,
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
fn blocked_variable_entries(doc: &Value) -> Option<&Vec<Value>> {
    match doc {
        Value::Array(entries) => Some(entries),
        Value::Object(fields) => lenient::collection_items(fields.get("blocked_variables")?),
        _ => None,
    }
}

fn extract_entry(kind: WebhookKind, entry: &Value) -> Result<ResourceRecord, BodyError> {
    if !entry.is_object() {
        return Err(BodyError::UnexpectedShape {
            kind,
            expected: ENTRY_SHAPE,
        });
    }
    let fields = FieldReader::new(entry);
    let blocked_id = required(
        kind,
        BLOCKED_VARIABLE_ID_FIELD,
        fields.id(BLOCKED_VARIABLE_ID_FIELD),
    )?;
    let columns = BlockedVariableColumns {
        blocked_variable_id: Some(blocked_id.clone()),
        optimization_id: fields.id("network_traffic_optimization_id"),
        optimization_run_id: fields.id("network_traffic_optimization_run_id"),
        variable: fields.text("variable"),
        value: fields.text("value"),
        offer_id: fields
            .id("network_offer_id")
            .or_else(|| fields.id("relationship.offer.network_offer_id")),
        offer_name: fields.text("relationship.offer.name"),
        affiliate_id: fields
            .id("network_affiliate_id")
            .or_else(|| fields.id("relationship.affiliate.network_affiliate_id")),
        affiliate_name: fields.text("relationship.affiliate.name"),
        action: fields.text("action"),
        manual_override: fields.flag("manual_override"),
        time_created: fields.unix_time("time_created"),
        time_blocked: fields.unix_time("time_blocked"),
        time_blocked_until: fields.unix_time("time_blocked_until"),
        cvr: fields.decimal_text("relationship.reporting.cvr"),
    };
    let fact_time = columns.time_blocked;
    let typed = TypedColumns::BlockedVariable(columns);
    Ok(record(blocked_id, fact_time, entry, typed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::content_hash::content_sha256;
    use crate::everflow::test_samples::sample;
    use serde_json::json;

    const KIND: WebhookKind = WebhookKind::TrafficOptimized;

    fn columns(record: &ResourceRecord) -> &BlockedVariableColumns {
        match &record.columns {
            TypedColumns::BlockedVariable(columns) => columns,
            other => panic!("not a blocked variable: {other:?}"),
        }
    }

    #[test]
    fn traffic_optimized_sample_yields_one_record_per_entry() {
        let doc = sample(KIND);
        let records =
            extract_blocked_variables(KIND, &doc).unwrap_or_else(|error| panic!("{error}"));
        let ids: Vec<&str> = records
            .iter()
            .map(|record| record.resource_id.as_str())
            .collect();
        assert_eq!(ids, ["100", "101", "102"]);
        assert_eq!(
            records[0].content_sha256,
            content_sha256(&doc["blocked_variables"][0])
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
        let doc = sample(KIND);
        let wrapped =
            extract_blocked_variables(KIND, &doc).unwrap_or_else(|error| panic!("{error}"));
        let bare = extract_blocked_variables(KIND, &doc["blocked_variables"])
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(wrapped, bare);
        let collection =
            json!({"blocked_variables": {"total": 3, "entries": doc["blocked_variables"]}});
        assert_eq!(
            extract_blocked_variables(KIND, &collection).ok(),
            Some(wrapped)
        );
    }

    #[test]
    fn one_entry_without_an_id_refuses_the_whole_delivery() {
        let doc = json!({"blocked_variables": [
            {BLOCKED_VARIABLE_ID_FIELD: 100, "time_blocked": 1},
            {"variable": "sub1"},
        ]});
        let error = extract_blocked_variables(KIND, &doc).expect_err("second entry has no id");
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
        for doc in [json!({"blocked_variables": []}), json!([])] {
            let error = extract_blocked_variables(KIND, &doc).expect_err("empty");
            assert_eq!(error.code(), "missing_identity");
        }
    }

    #[test]
    fn other_shapes_are_refused() {
        for doc in [
            json!({}),
            json!({"blocked_variables": "none"}),
            json!([1, 2]),
            json!("x"),
        ] {
            let error = extract_blocked_variables(KIND, &doc).expect_err("wrong shape");
            assert_eq!(error.code(), "unexpected_shape", "{doc}");
        }
    }
}
