//! One-off facts: sign-up verdicts, offer approvals, traffic blocks.

use super::{Dataset, FilterSql, TIME_SOURCE, col, millis, seconds};
use crate::rows::ColumnKind::{Code, Flag, Id, Text, Time, TimeMillis};
use crate::selection::FilterField;

pub static VERDICTS: Dataset = Dataset {
    from: "signup_verdicts AS t",
    base_filter: "1",
    current_filter: "t.is_current = 1",
    fact_time: seconds("t.verdict_time"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    time_source: Some("t.time_source"),
    columns: &[
        col("timestamp", Time, "t.verdict_time").label("time"),
        col("network_affiliate_id", Id, "t.affiliate_id"),
        col("network_affiliate_name", Text, "t.affiliate_name"),
        col("new_status", Code, "t.new_status"),
        col("employee_id", Id, "t.employee_id"),
        col("employee_full_name", Text, "t.employee_full_name"),
        col("received_at", TimeMillis, "t.received_at").label("received"),
        col("is_current", Flag, "t.is_current"),
        TIME_SOURCE,
    ],
    table_columns: &[
        ("timestamp", 0),
        ("network_affiliate_id", 0),
        ("network_affiliate_name", 1),
        ("new_status", 0),
        ("employee_full_name", 2),
    ],
    filters: &[
        (FilterField::Affiliate, FilterSql::Column("t.affiliate_id")),
        (FilterField::Status, FilterSql::Column("t.new_status")),
    ],
    statuses: None,
};

pub static APPROVALS: Dataset = Dataset {
    from: "offer_approvals AS t",
    base_filter: "1",
    current_filter: "t.is_current = 1",
    fact_time: seconds("t.event_time"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    time_source: Some("t.time_source"),
    columns: &[
        col("event_time", Time, "t.event_time").label("time"),
        col("offer_id", Id, "t.offer_id"),
        col("offer_name", Text, "t.offer_name"),
        col("affiliate_id", Id, "t.affiliate_id"),
        col("affiliate_name", Text, "t.affiliate_name"),
        col("received_at", TimeMillis, "t.received_at").label("received"),
        col("is_current", Flag, "t.is_current"),
        TIME_SOURCE,
    ],
    table_columns: &[
        ("event_time", 0),
        ("offer_id", 0),
        ("offer_name", 1),
        ("affiliate_id", 0),
        ("affiliate_name", 2),
    ],
    filters: &[
        (FilterField::Offer, FilterSql::Column("t.offer_id")),
        (FilterField::Affiliate, FilterSql::Column("t.affiliate_id")),
    ],
    statuses: None,
};

pub static BLOCKED: Dataset = Dataset {
    from: "blocked_variables AS t",
    base_filter: "1",
    current_filter: "t.is_current = 1",
    fact_time: seconds("t.time_blocked"),
    received_time: millis("t.received_at"),
    key: "t.version_id",
    time_source: Some("t.time_source"),
    columns: &[
        col("time_blocked", Time, "t.time_blocked").label("blocked"),
        col("time_blocked_until", Time, "t.time_blocked_until").label("until"),
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
        col("action", Code, "t.action"),
        col("manual_override", Flag, "t.manual_override"),
        col("offer_id", Id, "t.offer_id"),
        col("offer_name", Text, "t.offer_name"),
        col("affiliate_id", Id, "t.affiliate_id"),
        col("affiliate_name", Text, "t.affiliate_name"),
        col("cvr", Text, "t.cvr"),
        col("time_created", Time, "t.time_created"),
        col("received_at", TimeMillis, "t.received_at").label("received"),
        col("is_current", Flag, "t.is_current"),
        TIME_SOURCE,
    ],
    table_columns: &[
        ("time_blocked", 0),
        ("offer_name", 2),
        ("affiliate_name", 3),
        ("variable", 0),
        ("value", 1),
        ("action", 0),
        ("time_blocked_until", 4),
    ],
    filters: &[
        (FilterField::Offer, FilterSql::Column("t.offer_id")),
        (FilterField::Affiliate, FilterSql::Column("t.affiliate_id")),
    ],
    statuses: None,
};
