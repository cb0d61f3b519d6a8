//! The archive's own logs: every delivery received, and the requests refused.

use super::{Dataset, FilterSql, col, millis};
use crate::rows::ColumnKind::{Code, Integer, Text, TimeMillis};
use crate::selection::FilterField;

/// A delivery's outcomes, in the words the HTTP answer uses.
pub const DELIVERY_OUTCOMES: &[&str] = &["new", "version", "restored", "duplicate"];

pub static DELIVERIES: Dataset = Dataset {
    from: "deliveries AS t JOIN bodies AS b ON b.body_id = t.body_id",
    base_filter: "1",
    // Every delivery is its own record; there are no versions to hide.
    current_filter: "1",
    fact_time: millis("t.received_at"),
    received_time: millis("t.received_at"),
    key: "t.delivery_id",
    time_source: None,
    columns: &[
        col("received_at", TimeMillis, "t.received_at").label("received"),
        col("delivery_id", Integer, "t.delivery_id"),
        col("kind", Code, "t.kind"),
        // A row archived by `reconcile --apply` came from Everflow's API
        // (method API), whatever named its kind.
        col(
            "kind_source",
            Code,
            "CASE WHEN t.method = 'API' THEN 'api' ELSE t.kind_source END",
        )
        .label("source"),
        col("outcome", Code, "t.outcome"),
        col("resource_ids", Text, "t.resource_ids"),
        col("method", Code, "t.method"),
        col("bytes", Integer, "coalesce(b.length, length(b.stored))"),
        col("sender", Text, "t.sender"),
        col("forwarded_for", Text, "t.forwarded_for"),
        // The kind the URL named when the body was another resource
        // (schema version 9): a webhook wired to the wrong URL. Last, so
        // that a script reading the columns by place reads them as before.
        col("url_kind", Code, "t.url_kind").label("url kind"),
    ],
    table_columns: &[
        ("received_at", 0),
        ("kind", 0),
        // Empty unless the URL was wrong, so narrow; next to the kind it
        // contradicts.
        ("url_kind", 1),
        ("outcome", 0),
        ("resource_ids", 1),
        ("kind_source", 4),
        ("method", 3),
        ("bytes", 2),
        ("sender", 5),
    ],
    filters: &[
        (FilterField::Status, FilterSql::Column("t.outcome")),
        (FilterField::Kind, FilterSql::Column("t.kind")),
        (
            FilterField::Misrouted,
            FilterSql::Condition("t.url_kind IS NOT NULL"),
        ),
    ],
    statuses: Some(DELIVERY_OUTCOMES),
};

pub static REFUSALS: Dataset = Dataset {
    from: "refusals AS t",
    base_filter: "1",
    current_filter: "1",
    fact_time: millis("t.received_at"),
    received_time: millis("t.received_at"),
    key: "t.refusal_id",
    time_source: None,
    columns: &[
        col("received_at", TimeMillis, "t.received_at").label("time"),
        col("refusal_id", Integer, "t.refusal_id"),
        col("kind", Code, "t.kind"),
        col("method", Code, "t.method"),
        col("http_status", Integer, "t.http_status").label("status"),
        col("reason", Code, "t.reason"),
        col("body_length", Integer, "t.body_length").label("size"),
        col("body_prefix", Text, "t.body_prefix").label("first bytes"),
        col("detail", Text, "t.detail"),
        col("sender", Text, "t.sender"),
    ],
    table_columns: &[
        ("received_at", 0),
        ("kind", 1),
        ("http_status", 0),
        ("reason", 0),
        // What was wrong, in words: the reason alone does not name the field.
        ("detail", 1),
        ("body_length", 2),
        ("body_prefix", 3),
    ],
    filters: &[
        (FilterField::Status, FilterSql::Column("t.http_status")),
        (FilterField::Kind, FilterSql::Column("t.kind")),
    ],
    statuses: None,
};
