//! The shape of a result row, shared by the readers that produce rows and the
//! renderers that print them (which know nothing of SQLite).

/// How a column's stored value is to be understood and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text, possibly chosen by a third party (sub ids, names, user agents).
    Text,
    /// A short code from a small set (a status, a currency, a country, a
    /// kind): text, but a table never shortens it.
    Code,
    /// An identifier: Everflow's numeric ids are stored as integers, other ids as
    /// text. Never summed; printed as-is.
    Id,
    /// A count or other plain integer.
    Integer,
    /// Integer micro-units of a currency; printed as an exact decimal with at
    /// least two places (2500000 → "2.50").
    Money,
    /// Integer micro-units of a percentage point (an offer's `rps 35%` is
    /// 35000000); printed as an exact decimal without trailing zeros ("35",
    /// "12.5").
    Percentage,
    /// An offer's payout or revenue as one cell for people: the stored value
    /// is a JSON array `[type, amount micros, percentage micros]` (each may be
    /// null), printed `cpa 12.50`, `rps 35%` or `cpa_cps 1.00 + 5%`.
    Terms,
    /// Unix seconds; printed in the chosen time zone.
    Time,
    /// Unix milliseconds (arrival times); printed in the chosen time zone.
    TimeMillis,
    /// 0/1; printed as false/true.
    Flag,
    /// JSON text (e.g. `query_parameters`); embedded as JSON in JSON output.
    Json,
}

/// One output column: its name (Everflow's field name where there is one),
/// its kind, and how a table shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
    pub table: TableHint,
}

/// How a terminal table shows a column; the other formats ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableHint {
    /// Header text when it is not the name (a time column's header also
    /// names the zone, e.g. `time (UTC)`).
    pub label: Option<&'static str>,
    /// A heading over a run of neighbouring columns (e.g. `approved` over
    /// its count, payout and revenue).
    pub group: Option<&'static str>,
    /// 0: always shown. When the terminal is too narrow, the column with the
    /// highest rank is left out first.
    pub rank: u8,
}

impl Column {
    pub const fn new(name: &'static str, kind: ColumnKind) -> Column {
        Column {
            name,
            kind,
            table: TableHint {
                label: None,
                group: None,
                rank: 0,
            },
        }
    }

    pub const fn label(mut self, label: &'static str) -> Column {
        self.table.label = Some(label);
        self
    }

    pub const fn group(mut self, group: &'static str) -> Column {
        self.table.group = Some(group);
        self
    }

    pub const fn rank(mut self, rank: u8) -> Column {
        self.table.rank = rank;
        self
    }

    /// The header a table prints before any zone is added.
    pub fn header(&self) -> &'static str {
        self.table.label.unwrap_or(self.name)
    }
}

/// A stored value, borrowed from the reader for the time it takes to print it,
/// so streaming millions of rows allocates nothing per cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Integer(i64),
    Real(f64),
    Text(&'a str),
    /// Bytes that may not be UTF-8 (the start of a refused body); printed
    /// as text with the invalid bytes replaced, never dropped.
    Bytes(&'a [u8]),
}

/// Receives rows one at a time; renderers implement it, readers drive it.
pub trait RowSink {
    /// Called once, before any row.
    fn begin(&mut self, columns: &[Column]) -> std::io::Result<()>;
    /// One row; `values` lines up with the columns given to `begin`.
    fn row(&mut self, values: &[Value<'_>]) -> std::io::Result<()>;
    /// Called once, after the last row: flush, print a table, close a JSON array.
    fn finish(&mut self) -> std::io::Result<()>;
    /// After `finish`: the columns a table left out to fit the terminal.
    fn hidden_columns(&self) -> Vec<&'static str> {
        Vec::new()
    }
}
