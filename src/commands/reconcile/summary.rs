//! What reconcile says on stderr: a line per day, and the totals.

use crate::reconcile::{Comparison, FindingKind, WindowRead};

/// What the whole run found.
#[derive(Debug, Default)]
pub struct Totals {
    pub missing: usize,
    pub changed: usize,
    pub unknown: usize,
    pub matched_by_id: usize,
    pub matched_by_transaction: usize,
    pub applied: usize,
    pub not_applicable: usize,
    pub unstable_days: usize,
}

impl Totals {
    pub fn add(&mut self, comparison: &Comparison, read: &WindowRead) {
        for finding in &comparison.findings {
            match finding.kind {
                FindingKind::Missing => self.missing += 1,
                FindingKind::Changed => self.changed += 1,
                FindingKind::UnknownToEverflow => self.unknown += 1,
            }
        }
        self.matched_by_id += comparison.matched_by_id;
        self.matched_by_transaction += comparison.matched_by_transaction;
        self.not_applicable += comparison.not_applicable;
        if !read.stable {
            self.unstable_days += 1;
        }
    }

    pub fn findings(&self) -> usize {
        self.missing + self.changed + self.unknown
    }

    pub fn print(&self, apply: bool) {
        eprintln!(
            "evarchive: {} missing, {} changed, {} unknown to Everflow; matched {} by conversion_id, {} by transaction_id + event",
            self.missing,
            self.changed,
            self.unknown,
            self.matched_by_id,
            self.matched_by_transaction
        );
        if apply {
            eprintln!(
                "evarchive: archived {} report row(s) from the API",
                self.applied
            );
            if self.not_applicable > 0 {
                eprintln!(
                    "evarchive: {} changed conversion(s) matched only by transaction_id were not archived: Everflow spells their conversion_id differently, and archiving them would count them twice",
                    self.not_applicable
                );
            }
        }
        if self.unstable_days > 0 {
            eprintln!(
                "evarchive: {} day(s) changed while they were read; their findings may be incomplete, run again later",
                self.unstable_days
            );
        }
    }
}

/// One day: Everflow's count against the archive's.
pub fn day_line(day: &str, read: &WindowRead, archived: usize) -> String {
    let unstable = if read.stable {
        ""
    } else {
        "; its total changed while it was read, twice"
    };
    let mut line = format!(
        "evarchive: {day}: Everflow {}, archive {archived} ({} page(s), total_count {}){unstable}",
        read.rows.len(),
        read.pages,
        read.total_count,
    );
    if let Some(first) = read.unreadable.first() {
        line.push_str(&format!(
            "\nevarchive: {day}: {} report row(s) could not be read as conversions (first: {first})",
            read.unreadable.len()
        ));
    }
    line
}
