//! The shape of a result row, shared by the readers that produce rows and the
//! renderers that print them (which know nothing of SQLite).

/// How a column's stored value is to be understood and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Free text, possibly chosen by a third party (sub ids, names, user agents).
    Text,
    /// An identifier: Everflow's numeric ids are stored as integers, other ids as
    /// text. Never summed; printed as-is.
    Id,
    /// A count or other plain integer.
    Integer,
    /// Integer micro-units of a currency; printed as an exact decimal with at
    /// least two places (2500000 → "2.50").
    Money,
    /// Unix seconds; printed in the chosen time zone.
    Time,
    /// Unix milliseconds (arrival times); printed in the chosen time zone.
    TimeMillis,
    /// 0/1; printed as false/true.
    Flag,
    /// JSON text (e.g. `query_parameters`); embedded as JSON in JSON output.
    Json,
}

/// One output column: its name (Everflow's field name where there is one) and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColumnKind,
}

impl Column {
    pub const fn new(name: &'static str, kind: ColumnKind) -> Column {
        Column { name, kind }
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
}

/// Receives rows one at a time; renderers implement it, readers drive it.
pub trait RowSink {
    /// Called once, before any row.
    fn begin(&mut self, columns: &[Column]) -> std::io::Result<()>;
    /// One row; `values` lines up with the columns given to `begin`.
    fn row(&mut self, values: &[Value<'_>]) -> std::io::Result<()>;
    /// Called once, after the last row: flush, print a table, close a JSON array.
    fn finish(&mut self) -> std::io::Result<()>;
}
