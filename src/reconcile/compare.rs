//! Matching one window of Everflow's report with the archive's current
//! versions: by conversion_id, else (the two sides spelling the id
//! differently) by transaction_id + is_event + event.

use std::collections::{HashMap, HashSet};

use super::finding::{Figures, Finding, FindingKind, MatchedBy};
use super::report_row::ReportRow;
use crate::everflow::WebhookKind;
use crate::store::read::CurrentConversion;

#[derive(Debug, Default)]
pub struct Comparison {
    pub findings: Vec<Finding>,
    /// Rows to archive under `--apply`: missing ones, and changed ones
    /// matched by conversion_id (so that they become the new current
    /// version of the same conversion).
    pub to_apply: Vec<usize>,
    /// Changed rows matched by transaction_id: archiving them would make a
    /// second conversion under Everflow's spelling of the id.
    pub not_applicable: usize,
    pub matched_by_id: usize,
    pub matched_by_transaction: usize,
}

/// The fallback key; a base conversion's event (`""` or `"Base"`) is none.
type TransactionKey<'a> = (&'a str, bool, &'a str);

fn transaction_key<'a>(
    transaction_id: Option<&'a str>,
    is_event: bool,
    event: Option<&'a str>,
) -> Option<TransactionKey<'a>> {
    let event = if is_event { event.unwrap_or("") } else { "" };
    Some((transaction_id?, is_event, event))
}

pub fn compare(rows: &[ReportRow], archived: &[CurrentConversion]) -> Comparison {
    let by_id: HashMap<&str, usize> = archived
        .iter()
        .enumerate()
        .map(|(i, c)| (c.conversion_id.as_str(), i))
        .collect();
    let reported_ids: HashSet<&str> = rows.iter().map(ReportRow::conversion_id).collect();
    // Only archived conversions no report row names by id may match by
    // transaction.
    let mut by_transaction: HashMap<TransactionKey<'_>, Vec<usize>> = HashMap::new();
    for (i, c) in archived.iter().enumerate() {
        if reported_ids.contains(c.conversion_id.as_str()) {
            continue;
        }
        if let Some(key) =
            transaction_key(c.transaction_id.as_deref(), c.is_event, c.event.as_deref())
        {
            by_transaction.entry(key).or_default().push(i);
        }
    }
    let mut matched = vec![false; archived.len()];
    let mut comparison = Comparison::default();
    for (index, row) in rows.iter().enumerate() {
        let columns = &row.columns;
        let is_event = row.kind == WebhookKind::EventRegistered;
        let found = match by_id.get(row.conversion_id()) {
            Some(&i) => Some((i, MatchedBy::ConversionId)),
            None => transaction_key(
                columns.transaction_id.as_deref(),
                is_event,
                columns.event.as_deref(),
            )
            .and_then(|key| by_transaction.get_mut(&key)?.pop())
            .map(|i| (i, MatchedBy::TransactionId)),
        };
        let everflow = Figures {
            status: columns.status.clone(),
            payout: columns.payout,
            revenue: columns.revenue,
            sale_amount: columns.sale_amount,
        };
        let finding = |kind, matched_by, archived, everflow| Finding {
            kind,
            conversion_id: row.conversion_id().to_owned(),
            transaction_id: columns.transaction_id.clone(),
            is_event,
            event: columns.event.clone(),
            conversion_time: columns.conversion_time,
            matched_by,
            archived,
            everflow,
        };
        let Some((i, matched_by)) = found else {
            comparison.findings.push(finding(
                FindingKind::Missing,
                None,
                Figures::default(),
                everflow,
            ));
            comparison.to_apply.push(index);
            continue;
        };
        matched[i] = true;
        match matched_by {
            MatchedBy::ConversionId => comparison.matched_by_id += 1,
            MatchedBy::TransactionId => comparison.matched_by_transaction += 1,
        }
        if let Some((before, after)) = differences(&Figures::of(&archived[i]), &everflow) {
            comparison.findings.push(finding(
                FindingKind::Changed,
                Some(matched_by),
                before,
                after,
            ));
            match matched_by {
                MatchedBy::ConversionId => comparison.to_apply.push(index),
                MatchedBy::TransactionId => comparison.not_applicable += 1,
            }
        }
    }
    for (c, _) in archived
        .iter()
        .zip(&matched)
        .filter(|(_, matched)| !**matched)
    {
        comparison.findings.push(Finding {
            kind: FindingKind::UnknownToEverflow,
            conversion_id: c.conversion_id.clone(),
            transaction_id: c.transaction_id.clone(),
            is_event: c.is_event,
            event: c.event.clone(),
            conversion_time: c.conversion_time,
            matched_by: None,
            archived: Figures::of(c),
            everflow: Figures::default(),
        });
    }
    comparison
}

/// The fields that differ, old and new; none when all agree. A field the
/// report leaves out is not a difference; an amount the archive lacks is 0.
fn differences(archived: &Figures, everflow: &Figures) -> Option<(Figures, Figures)> {
    let mut before = Figures::default();
    let mut after = Figures::default();
    if let Some(status) = &everflow.status
        && archived.status.as_ref() != Some(status)
    {
        before.status = archived.status.clone();
        after.status = Some(status.clone());
    }
    let amounts = [
        (
            archived.payout,
            everflow.payout,
            &mut before.payout,
            &mut after.payout,
        ),
        (
            archived.revenue,
            everflow.revenue,
            &mut before.revenue,
            &mut after.revenue,
        ),
        (
            archived.sale_amount,
            everflow.sale_amount,
            &mut before.sale_amount,
            &mut after.sale_amount,
        ),
    ];
    for (old, new, before, after) in amounts {
        if let Some(new) = new
            && old.unwrap_or(0) != new
        {
            *before = old;
            *after = Some(new);
        }
    }
    (before != Figures::default() || after != Figures::default()).then_some((before, after))
}

#[cfg(test)]
#[path = "compare_tests.rs"]
mod tests;
