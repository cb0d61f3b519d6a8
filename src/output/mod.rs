//! Renderers: print rows as a table, CSV, TSV, JSON or NDJSON.
//!
//! Pure by design — they receive [`Column`]s and [`Value`]s through
//! [`RowSink`] and know nothing of SQLite or of the command line, so every
//! command that prints rows offers the same formats with the same spelling.
//!
//! [`Column`]: crate::rows::Column
//! [`Value`]: crate::rows::Value

mod cell;
mod delimited;
mod format;
mod json_rows;
mod money_text;
mod pretty_json;
mod pricing_terms;
mod spreadsheet_safety;
mod table;
mod table_draw;
mod table_fit;
mod table_text;
#[cfg(test)]
mod test_rows;

use std::io::Write;

use jiff::tz::TimeZone;

use crate::rows::{Column, RowSink, Value};

pub use format::Format;
pub use money_text::format_money;
pub use pretty_json::write_pretty_json;
pub use pricing_terms::format_terms;

/// Everything a renderer needs to know besides the rows.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    pub format: Format,
    /// Spreadsheet profile for CSV/TSV: UTF-8 BOM, CRLF, times without an
    /// offset, long digit ids kept as text, formula injection neutralised.
    /// Only CSV and TSV are opened by spreadsheets, so the other formats
    /// ignore it.
    pub excel: bool,
    /// The zone times are shown in.
    pub zone: TimeZone,
    /// Terminal width for [`Format::Table`]; `None` never truncates.
    pub max_width: Option<usize>,
}

/// Bytes gathered before each write to the destination: large, because an
/// export of millions of rows should cost few system calls.
const BUFFER_BYTES: usize = 64 * 1024;

/// A sink printing rows to `out` as `options` say.
pub fn sink<'w>(options: RenderOptions, out: Box<dyn Write + 'w>) -> Box<dyn RowSink + 'w> {
    let RenderOptions {
        format,
        excel,
        zone,
        max_width,
    } = options;
    match format {
        Format::Table => Box::new(table::TableSink::new(zone, max_width, out)),
        Format::Csv => Box::new(delimited::DelimitedSink::new(b',', excel, zone, out)),
        Format::Tsv => Box::new(delimited::DelimitedSink::new(b'\t', excel, zone, out)),
        Format::Json => Box::new(json_rows::JsonSink::new(
            json_rows::Layout::Array,
            zone,
            out,
        )),
        Format::Ndjson => Box::new(json_rows::JsonSink::new(
            json_rows::Layout::Lines,
            zone,
            out,
        )),
    }
}

/// Refuses a row that does not line up with the columns: printing it would
/// shift values under the wrong names.
fn check_row_width(columns: &[Column], values: &[Value<'_>]) -> std::io::Result<()> {
    if columns.len() == values.len() {
        Ok(())
    } else {
        Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "a row has {} values for {} columns",
                values.len(),
                columns.len()
            ),
        ))
    }
}
