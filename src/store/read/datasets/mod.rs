//! How each WHAT maps onto the archive: its table, its times, its columns (with
//! Everflow's field names) and the columns its filters compare against.

mod accounts;
mod activity;
mod conversions;

use crate::rows::{Column, ColumnKind};
use crate::selection::{FilterField, What};

/// One selectable column: its output name and kind, and the SQL that reads it
/// from the dataset's table (aliased `t`).
pub struct DatasetColumn {
    pub column: Column,
    pub sql: &'static str,
}

const fn col(name: &'static str, kind: ColumnKind, sql: &'static str) -> DatasetColumn {
    DatasetColumn {
        column: Column::new(name, kind),
        sql,
    }
}

pub struct Dataset {
    /// `FROM` clause; the main table is aliased `t`.
    pub from: &'static str,
    /// Always applied (e.g. the kind that makes a conversion a conversion).
    pub base_filter: &'static str,
    /// Applied unless `--versions`: the current version of each resource.
    pub current_filter: &'static str,
    /// The fact's time, and the arrival time; each with its unit.
    pub fact_time: TimeColumn,
    pub received_time: TimeColumn,
    /// A unique integer, the tie-breaker of the newest-first order.
    pub key: &'static str,
    pub columns: &'static [DatasetColumn],
    /// The columns a terminal table shows unless `--columns` says otherwise.
    pub table_columns: &'static [&'static str],
    filters: &'static [(FilterField, &'static str)],
}

#[derive(Clone, Copy)]
pub struct TimeColumn {
    pub sql: &'static str,
    /// Seconds per stored unit is 1, or milliseconds (1000 per second).
    pub per_second: i64,
}

const fn seconds(sql: &'static str) -> TimeColumn {
    TimeColumn { sql, per_second: 1 }
}

const fn millis(sql: &'static str) -> TimeColumn {
    TimeColumn {
        sql,
        per_second: 1000,
    }
}

impl Dataset {
    pub fn of(what: What) -> &'static Dataset {
        match what {
            What::Conversions => &conversions::CONVERSIONS,
            What::Events => &conversions::EVENTS,
            What::Offers => &accounts::OFFERS,
            What::Advertisers => &accounts::ADVERTISERS,
            What::Partners => &accounts::PARTNERS,
            What::Verdicts => &activity::VERDICTS,
            What::Approvals => &activity::APPROVALS,
            What::Blocked => &activity::BLOCKED,
            What::Deliveries => &activity::DELIVERIES,
        }
    }

    /// The SQL column a filter compares against, if the filter applies here.
    pub fn filter_column(&self, field: FilterField) -> Option<&'static str> {
        self.filters
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, sql)| *sql)
    }

    pub fn column(&self, name: &str) -> Option<&DatasetColumn> {
        self.columns.iter().find(|c| c.column.name == name)
    }
}
