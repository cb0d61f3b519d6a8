//! How each WHAT maps onto the archive: its table, its times, its columns (with
//! Everflow's field names) and the columns its filters compare against.

mod accounts;
mod activity;
mod conversions;
mod logs;

use crate::rows::{Column, ColumnKind};
use std::borrow::Cow;

use crate::selection::{FilterField, Selection, What};

/// One selectable column: its output name and kind, and the SQL that reads it
/// from the dataset's table (aliased `t`), or, for a column the typed row
/// does not keep, that it is read from the version's body.
#[derive(Debug, Clone, Copy)]
pub struct DatasetColumn {
    pub column: Column,
    /// Its SQL expression, which only the store reads.
    pub(in crate::store) sql: &'static str,
    pub from_body: bool,
}

const fn col(name: &'static str, kind: ColumnKind, sql: &'static str) -> DatasetColumn {
    DatasetColumn {
        column: Column::new(name, kind),
        sql,
        from_body: false,
    }
}

/// A column read from the body by the extraction that made the typed row
/// (the body's extracted column of the same name).
const fn from_body(name: &'static str, kind: ColumnKind) -> DatasetColumn {
    DatasetColumn {
        column: Column::new(name, kind),
        sql: "NULL",
        from_body: true,
    }
}

/// Where a record's time comes from (schema version 7): `body`, or
/// `arrival` when its body carries no plausible time.
pub const TIME_SOURCE: DatasetColumn = col(
    "time_source",
    crate::rows::ColumnKind::Code,
    "coalesce(t.time_source, 'body')",
);

impl DatasetColumn {
    /// The header a table gives the column (a time column adds its zone).
    const fn label(mut self, label: &'static str) -> DatasetColumn {
        self.column = self.column.label(label);
        self
    }
}

/// How a filter compares: a column against the values, or a condition with
/// `{values}` where the list of values goes (for lookups through an index
/// of another table).
#[derive(Clone, Copy)]
pub enum FilterSql {
    Column(&'static str),
    Condition(&'static str),
    /// A column compared against the values, whose own index finds the rows
    /// and is named to SQLite (`INDEXED BY`): without statistics its planner
    /// prefers the time index and reads the whole window (a transaction id:
    /// 91 ms at 50,000 conversions), and a query that cannot use the named
    /// index fails instead of silently scanning.
    Indexed {
        column: &'static str,
        index: &'static str,
    },
}

pub struct Dataset {
    /// `FROM` clause; the main table is aliased `t`.
    pub(in crate::store) from: &'static str,
    /// Always applied (e.g. the kind that makes a conversion a conversion).
    pub(in crate::store) base_filter: &'static str,
    /// Applied unless `--versions`: the current version of each resource.
    pub(in crate::store) current_filter: &'static str,
    /// The fact's time, and the arrival time; each with its unit.
    pub(in crate::store) fact_time: TimeColumn,
    pub(in crate::store) received_time: TimeColumn,
    /// A unique integer, the tie-breaker of the newest-first order.
    pub(in crate::store) key: &'static str,
    /// The stored `time_source` (NULL, or 'arrival' when the fact time is
    /// the arrival); `None` for the logs, dated by arrival by nature.
    pub(in crate::store) time_source: Option<&'static str>,
    pub columns: &'static [DatasetColumn],
    /// The columns a terminal table shows unless `--columns` says otherwise,
    /// in order, each with its rank (0: always shown; the highest is left out
    /// first when the terminal is narrow).
    pub table_columns: &'static [(&'static str, u8)],
    filters: &'static [(FilterField, FilterSql)],
    /// The values `--status` can match, when they are a closed set.
    pub statuses: Option<&'static [&'static str]>,
}

#[derive(Clone, Copy)]
pub struct TimeColumn {
    pub(in crate::store) sql: &'static str,
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
            What::Deliveries => &logs::DELIVERIES,
            What::Refusals => &logs::REFUSALS,
        }
    }

    /// Whether `field` filters this dataset's records.
    pub fn has_filter(&self, field: FilterField) -> bool {
        self.filter_sql(field).is_some()
    }

    /// How a filter compares here, if it applies.
    pub(in crate::store) fn filter_sql(&self, field: FilterField) -> Option<FilterSql> {
        self.filters
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, sql)| *sql)
    }

    /// The FROM clause for `selection`: the dataset's, reading through the
    /// index of an indexed filter when one is given.
    pub fn from_for(&self, selection: &Selection) -> Cow<'static, str> {
        let index =
            selection
                .filters
                .any_of
                .iter()
                .find_map(|(field, _)| match self.filter_sql(*field) {
                    Some(FilterSql::Indexed { index, .. }) => Some(index),
                    _ => None,
                });
        match index {
            Some(index) => Cow::Owned(format!("{} INDEXED BY {index}", self.from)),
            None => Cow::Borrowed(self.from),
        }
    }

    /// The columns a table shows by default, with their ranks.
    pub fn table_default(&self) -> Vec<Column> {
        self.table_columns
            .iter()
            .filter_map(|(name, rank)| Some(self.column(name)?.column.rank(*rank)))
            .collect()
    }

    /// The columns csv, tsv, json and ndjson print unless `--columns` says
    /// otherwise: all but the one-cell summaries for people (an offer's
    /// `payout`, `cpa 12.50`), whose parts are columns of their own.
    pub fn file_default(&self) -> Vec<DatasetColumn> {
        self.columns
            .iter()
            .filter(|c| c.column.kind != ColumnKind::Terms)
            .copied()
            .collect()
    }

    pub fn column(&self, name: &str) -> Option<&DatasetColumn> {
        self.columns.iter().find(|c| c.column.name == name)
    }
}
