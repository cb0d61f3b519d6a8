//! JSON (one array of objects) and NDJSON (one object per line), streamed:
//! each row is written as it arrives, so memory stays flat on any export.

use std::io::{self, BufWriter, Write};

use jiff::tz::TimeZone;
use serde::de::IgnoredAny;

use super::cell::{Cell, CellRenderer, TimeStyle};
use super::{BUFFER_BYTES, check_row_width};
use crate::everflow::json;
use crate::rows::{Column, RowSink, Value};

/// How the objects are put together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// `[` newline, one object per line separated by commas, `]`.
    Array,
    /// One object per line, nothing else.
    Lines,
}

pub(super) struct JsonSink<'w> {
    out: BufWriter<Box<dyn Write + 'w>>,
    layout: Layout,
    columns: Vec<Column>,
    /// `{"name":` for the first column, `,"name":` for the others: object
    /// keys keep the column order (serde_json's map would sort them).
    keys: Vec<Vec<u8>>,
    cells: CellRenderer,
    rows: u64,
}

impl<'w> JsonSink<'w> {
    pub(super) fn new(layout: Layout, zone: TimeZone, out: Box<dyn Write + 'w>) -> JsonSink<'w> {
        JsonSink {
            out: BufWriter::with_capacity(BUFFER_BYTES, out),
            layout,
            columns: Vec::new(),
            keys: Vec::new(),
            cells: CellRenderer::new(zone, TimeStyle::Rfc3339),
            rows: 0,
        }
    }
}

impl RowSink for JsonSink<'_> {
    fn begin(&mut self, columns: &[Column]) -> io::Result<()> {
        self.columns = columns.to_vec();
        self.keys.clear();
        for (index, column) in columns.iter().enumerate() {
            let mut key = vec![if index == 0 { b'{' } else { b',' }];
            serde_json::to_writer(&mut key, column.name)?;
            key.push(b':');
            self.keys.push(key);
        }
        if self.layout == Layout::Array {
            self.out.write_all(b"[")?;
        }
        Ok(())
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        check_row_width(&self.columns, values)?;
        match (self.layout, self.rows) {
            (Layout::Array, 0) => self.out.write_all(b"\n")?,
            (Layout::Array, _) => self.out.write_all(b",\n")?,
            (Layout::Lines, _) => {}
        }
        self.rows += 1;
        if values.is_empty() {
            self.out.write_all(b"{")?;
        }
        for ((column, key), &value) in self.columns.iter().zip(&self.keys).zip(values) {
            self.out.write_all(key)?;
            write_cell(&mut self.out, self.cells.render(column.kind, value))?;
        }
        self.out.write_all(b"}")?;
        if self.layout == Layout::Lines {
            self.out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.layout == Layout::Array {
            let close: &[u8] = if self.rows == 0 { b"]\n" } else { b"\n]\n" };
            self.out.write_all(close)?;
        }
        self.out.flush()
    }
}

fn write_cell(out: &mut impl Write, cell: Cell<'_>) -> io::Result<()> {
    match cell {
        Cell::Null => out.write_all(b"null"),
        Cell::Bool(true) => out.write_all(b"true"),
        Cell::Bool(false) => out.write_all(b"false"),
        // Money included: its exact decimal text, never through f64.
        Cell::Number(text) => out.write_all(text.as_bytes()),
        Cell::Text(text) | Cell::Stamp(text) => Ok(serde_json::to_writer(out, text)?),
        Cell::Json(text) => write_embedded_json(out, text),
    }
}

/// Embeds a `Json` column's document as JSON rather than as a string
/// holding JSON; text that does not parse is kept as a string.
fn write_embedded_json(out: &mut impl Write, text: &str) -> io::Result<()> {
    // Validating without building a tree keeps the usual case allocation-free.
    if serde_json::from_str::<IgnoredAny>(text).is_err() {
        return Ok(serde_json::to_writer(out, text)?);
    }
    if text.contains(['\n', '\r']) {
        // Pretty-printed: compact it, or it would break the one-row-per-line
        // layouts. The canonical form keeps numbers' exact text (`2.50`), which
        // a trip through serde_json's `Value` (binary floating point) would not.
        let document = json::parse(text)?;
        let mut compact = Vec::with_capacity(text.len());
        json::write_canonical(&document, &[], &mut compact);
        return out.write_all(&compact);
    }
    out.write_all(text.trim().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Format;
    use crate::output::test_rows::{COLUMNS, render, render_fixture};
    use crate::rows::ColumnKind;

    const FIRST: &str = concat!(
        r#"{"id":1,"sub1":"plain","payout":2.50,"clicks":3,"#,
        r#""converted_at":"2026-03-08T01:59:59-05:00","#,
        r#""received_at":"2026-03-08T01:59:59.123-05:00","#,
        r#""is_fraud":false,"params":{"a": 1.50, "b": [true, null]}}"#,
    );
    const SECOND: &str = concat!(
        r#"{"id":"ab-12","sub1":"a,\"b\"\nü€😀","payout":-1.25,"clicks":0,"#,
        r#""converted_at":"2026-03-08T03:00:00-04:00","received_at":null,"#,
        r#""is_fraud":true,"params":"not json"}"#,
    );
    const THIRD: &str = concat!(
        r#"{"id":3,"sub1":null,"payout":0.30,"clicks":null,"converted_at":null,"#,
        r#""received_at":null,"is_fraud":null,"params":null}"#,
    );

    #[test]
    fn json_prints_the_fixture_exactly() {
        let expected = format!("[\n{FIRST},\n{SECOND},\n{THIRD}\n]\n");
        assert_eq!(render_fixture(Format::Json), expected);
    }

    #[test]
    fn ndjson_prints_the_fixture_exactly() {
        let expected = format!("{FIRST}\n{SECOND}\n{THIRD}\n");
        assert_eq!(render_fixture(Format::Ndjson), expected);
    }

    #[test]
    fn no_rows_is_an_empty_array_or_nothing() {
        assert_eq!(render(Format::Json, false, None, &COLUMNS, &[]), "[]\n");
        assert_eq!(render(Format::Ndjson, false, None, &COLUMNS, &[]), "");
    }

    #[test]
    fn money_is_a_number_with_its_exact_text() {
        let printed = render_fixture(Format::Json);
        // Raw values: a number's exact text, not its f64.
        type Row<'a> = std::collections::HashMap<String, &'a serde_json::value::RawValue>;
        let rows: Vec<Row<'_>> = serde_json::from_str(&printed).expect("valid JSON");
        let payouts: Vec<&str> = rows.iter().map(|row| row["payout"].get()).collect();
        assert_eq!(payouts, ["2.50", "-1.25", "0.30"]);
        let payout: serde_json::Value = serde_json::from_str(payouts[0]).expect("valid JSON");
        assert!(payout.is_number());
        let params: serde_json::Value =
            serde_json::from_str(rows[0]["params"].get()).expect("valid JSON");
        assert_eq!(params["b"][0], serde_json::Value::Bool(true));
    }

    #[test]
    fn pretty_json_text_is_compacted_to_keep_one_row_per_line() {
        let columns = [Column::new("params", ColumnKind::Json)];
        let pretty = "{\n  \"utm\": \"x\",\n  \"n\": 2.50\n}";
        let rows = [vec![Value::Text(pretty)], vec![Value::Text(" [1] ")]];
        let printed = render(Format::Ndjson, false, None, &columns, &rows);
        assert_eq!(
            printed,
            "{\"params\":{\"n\":2.50,\"utm\":\"x\"}}\n{\"params\":[1]}\n"
        );
    }

    #[test]
    fn a_row_that_does_not_fit_the_columns_is_refused() {
        let zone = crate::output::test_rows::new_york();
        let mut sink = JsonSink::new(Layout::Lines, zone, Box::new(io::sink()));
        sink.begin(&COLUMNS).expect("begin");
        let error = sink
            .row(&[Value::Null])
            .expect_err("one value for eight columns");
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
    }
}
