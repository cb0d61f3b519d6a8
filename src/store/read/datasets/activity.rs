//! One-off facts (sign-up verdicts, offer approvals, traffic blocks) and the
//! delivery log itself.

use super::{Dataset, col, millis, seconds};
use crate::rows::ColumnKind::{Flag, Id, Integer, Text, Time, TimeMillis};
use crate::selection::FilterField;

pub static VERDICTS: Dataset = Dataset {
    from: "signup_verdicts AS t",
    base_filter: "1",
    current_filter: "t.is_current = 1",
    fact_time: seconds("t.verdict_time"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    columns: &[
        col("timestamp", Time, "t.verdict_time"),
        col("network_affiliate_id", Id, "t.affiliate_id"),
        col("network_affiliate_name", Text, "t.affiliate_name"),
        col("new_status", Text, "t.new_status"),
        col("employee_id", Id, "t.employee_id"),
        col("employee_full_name", Text, "t.employee_full_name"),
        col("received_at", TimeMillis, "t.received_at"),
        col("is_current", Flag, "t.is_current"),
    ],
    table_columns: &[
        "timestamp",
        "network_affiliate_id",
        "network_affiliate_name",
        "new_status",
        "employee_full_name",
    ],
    filters: &[
        (FilterField::Affiliate, "t.affiliate_id"),
        (FilterField::Status, "t.new_status"),
    ],
};

pub static APPROVALS: Dataset = Dataset {
    from: "offer_approvals AS t",
    base_filter: "1",
    current_filter: "t.is_current = 1",
    fact_time: seconds("t.event_time"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    columns: &[
        col("event_time", Time, "t.event_time"),
        col("offer_id", Id, "t.offer_id"),
        col("offer_name", Text, "t.offer_name"),
        col("affiliate_id", Id, "t.affiliate_id"),
        col("affiliate_name", Text, "t.affiliate_name"),
        col("received_at", TimeMillis, "t.received_at"),
        col("is_current", Flag, "t.is_current"),
    ],
    table_columns: &[
        "event_time",
        "offer_id",
        "offer_name",
        "affiliate_id",
        "affiliate_name",
    ],
    filters: &[
        (FilterField::Offer, "t.offer_id"),
        (FilterField::Affiliate, "t.affiliate_id"),
    ],
};

pub static BLOCKED: Dataset = Dataset {
    from: "blocked_variables AS t",
    base_filter: "1",
    current_filter: "t.is_current = 1",
    fact_time: seconds("t.time_blocked"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    columns: &[
        col("time_blocked", Time, "t.time_blocked"),
        col("time_blocked_until", Time, "t.time_blocked_until"),
        col(
            "network_traffic_optimization_blocked_variable_id",
            Id,
            "t.blocked_variable_id",
        ),
        col("network_traffic_optimization_id", Id, "t.optimization_id"),
        col(
            "network_traffic_optimization_run_id",
            Id,
            "t.optimization_run_id",
        ),
        col("variable", Text, "t.variable"),
        col("value", Text, "t.value"),
        col("action", Text, "t.action"),
        col("manual_override", Flag, "t.manual_override"),
        col("offer_id", Id, "t.offer_id"),
        col("offer_name", Text, "t.offer_name"),
        col("affiliate_id", Id, "t.affiliate_id"),
        col("affiliate_name", Text, "t.affiliate_name"),
        col("cvr", Text, "t.cvr"),
        col("time_created", Time, "t.time_created"),
        col("received_at", TimeMillis, "t.received_at"),
        col("is_current", Flag, "t.is_current"),
    ],
    table_columns: &[
        "time_blocked",
        "offer_name",
        "affiliate_name",
        "variable",
        "value",
        "action",
        "time_blocked_until",
    ],
    filters: &[
        (FilterField::Offer, "t.offer_id"),
        (FilterField::Affiliate, "t.affiliate_id"),
    ],
};

pub static DELIVERIES: Dataset = Dataset {
    from: "deliveries AS t JOIN bodies AS b ON b.body_id = t.body_id",
    base_filter: "1",
    // Every delivery is its own record; there are no versions to hide.
    current_filter: "1",
    fact_time: millis("t.received_at"),
    received_time: millis("t.received_at"),
    key: "t.delivery_id",
    columns: &[
        col("received_at", TimeMillis, "t.received_at"),
        col("delivery_id", Integer, "t.delivery_id"),
        col("kind", Text, "t.kind"),
        col("kind_source", Text, "t.kind_source"),
        col("outcome", Text, "t.outcome"),
        col("resource_ids", Text, "t.resource_ids"),
        col("method", Text, "t.method"),
        col("bytes", Integer, "length(b.raw)"),
        col("sender", Text, "t.sender"),
        col("forwarded_for", Text, "t.forwarded_for"),
    ],
    table_columns: &[
        "received_at",
        "kind",
        "outcome",
        "resource_ids",
        "kind_source",
        "method",
        "bytes",
        "sender",
    ],
    filters: &[
        (FilterField::Status, "t.outcome"),
        (FilterField::Kind, "t.kind"),
    ],
};
