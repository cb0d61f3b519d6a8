//! A difference between the archive and Everflow, as a row the renderers of
//! `query` print (table, CSV, JSON, NDJSON).

use crate::rows::{Column, ColumnKind, Value};
use crate::store::read::CurrentConversion;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// In Everflow's report, not in the archive.
    Missing,
    /// In both, with a different status, payout, revenue or sale amount.
    Changed,
    /// Current in the archive, but not in Everflow's report of its window.
    UnknownToEverflow,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Missing => "missing",
            FindingKind::Changed => "changed",
            FindingKind::UnknownToEverflow => "unknown_to_everflow",
        }
    }
}

/// How an archived conversion was found for a report row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedBy {
    ConversionId,
    /// transaction_id + is_event + event: the two sides spell the
    /// conversion_id differently (an integer in the webhook docs, 32 hex
    /// characters in the report).
    TransactionId,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::ConversionId => "conversion_id",
            MatchedBy::TransactionId => "transaction_id",
        }
    }
}

/// The fields that can change after the webhook (API.md 2.4); for a change,
/// only those that differ are set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub status: Option<String>,
    pub payout: Option<i64>,
    pub revenue: Option<i64>,
    pub sale_amount: Option<i64>,
}

impl Figures {
    pub fn of(conversion: &CurrentConversion) -> Figures {
        Figures {
            status: conversion.status.clone(),
            payout: conversion.payout,
            revenue: conversion.revenue,
            sale_amount: conversion.sale_amount,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// Everflow's conversion_id, or the archive's for unknown_to_everflow.
    pub conversion_id: String,
    pub transaction_id: Option<String>,
    pub is_event: bool,
    pub event: Option<String>,
    pub conversion_time: Option<i64>,
    pub matched_by: Option<MatchedBy>,
    pub archived: Figures,
    pub everflow: Figures,
}

const FINDING_COLUMNS: [Column; 15] = [
    Column::new("finding", ColumnKind::Code),
    Column::new("conversion_id", ColumnKind::Id),
    Column::new("transaction_id", ColumnKind::Id).rank(3),
    Column::new("is_event", ColumnKind::Flag).rank(4),
    Column::new("event", ColumnKind::Text).rank(4),
    Column::new("conversion_time", ColumnKind::Time).label("time"),
    Column::new("matched_by", ColumnKind::Code).rank(5),
    Column::new("status_archived", ColumnKind::Code)
        .label("archived")
        .group("status"),
    Column::new("status_everflow", ColumnKind::Code)
        .label("everflow")
        .group("status"),
    Column::new("payout_archived", ColumnKind::Money)
        .label("archived")
        .group("payout"),
    Column::new("payout_everflow", ColumnKind::Money)
        .label("everflow")
        .group("payout"),
    Column::new("revenue_archived", ColumnKind::Money)
        .label("archived")
        .group("revenue")
        .rank(1),
    Column::new("revenue_everflow", ColumnKind::Money)
        .label("everflow")
        .group("revenue")
        .rank(1),
    Column::new("sale_amount_archived", ColumnKind::Money)
        .label("archived")
        .group("sale_amount")
        .rank(2),
    Column::new("sale_amount_everflow", ColumnKind::Money)
        .label("everflow")
        .group("sale_amount")
        .rank(2),
];

/// The columns of [`Finding::values`].
pub fn finding_columns() -> &'static [Column] {
    &FINDING_COLUMNS
}

fn text(value: &Option<String>) -> Value<'_> {
    value.as_deref().map_or(Value::Null, Value::Text)
}

impl Finding {
    pub fn values(&self) -> Vec<Value<'_>> {
        let number = |value: Option<i64>| value.map_or(Value::Null, Value::Integer);
        vec![
            Value::Text(self.kind.as_str()),
            Value::Text(&self.conversion_id),
            text(&self.transaction_id),
            Value::Integer(i64::from(self.is_event)),
            text(&self.event),
            number(self.conversion_time),
            self.matched_by
                .map_or(Value::Null, |m| Value::Text(m.as_str())),
            text(&self.archived.status),
            text(&self.everflow.status),
            number(self.archived.payout),
            number(self.everflow.payout),
            number(self.archived.revenue),
            number(self.everflow.revenue),
            number(self.archived.sale_amount),
            number(self.everflow.sale_amount),
        ]
    }
}
