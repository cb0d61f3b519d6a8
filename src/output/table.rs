//! An aligned text table for people, in tabled's `psql` style — plain ASCII
//! and compact, as `psql` and `sqlite3 -box` users expect:
//!
//! ```text
//!  id | name  | payout
//! ----+-------+--------
//!  7  | Acme… |   2.50
//! ```
//!
//! Rows are held until `finish` (column widths depend on every row), so the
//! callers limit how many rows a table gets.

use std::io::{self, Write};

use jiff::tz::TimeZone;
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::peaker::Priority;
use tabled::settings::{Alignment, Style, Width};

use super::cell::{Cell, CellRenderer, TimeStyle};
use super::check_row_width;
use super::table_text::push_escaped;
use crate::rows::{Column, ColumnKind, RowSink, Value};

pub(super) struct TableSink<'w> {
    out: Box<dyn Write + 'w>,
    max_width: Option<usize>,
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    cells: CellRenderer,
}

impl<'w> TableSink<'w> {
    pub(super) fn new(
        zone: TimeZone,
        max_width: Option<usize>,
        out: Box<dyn Write + 'w>,
    ) -> TableSink<'w> {
        TableSink {
            out,
            max_width,
            columns: Vec::new(),
            rows: Vec::new(),
            cells: CellRenderer::new(zone, TimeStyle::Civil),
        }
    }

    fn render(&self) -> String {
        let mut builder = Builder::with_capacity(self.rows.len() + 1, self.columns.len());
        builder.push_record(self.columns.iter().map(|column| column.name));
        for row in &self.rows {
            builder.push_record(row);
        }
        let mut table = builder.build();
        table.with(Style::psql());
        for (index, column) in self.columns.iter().enumerate() {
            if matches!(column.kind, ColumnKind::Money | ColumnKind::Integer) {
                table.modify(Columns::one(index), Alignment::right());
            }
        }
        if let Some(width) = self.max_width {
            // The widest columns give way first: usually free text (user
            // agents, names), rarely the ids and amounts people look for.
            table.with(
                Width::truncate(width)
                    .suffix("…")
                    .priority(Priority::max(true)),
            );
        }
        table.to_string()
    }
}

impl RowSink for TableSink<'_> {
    fn begin(&mut self, columns: &[Column]) -> io::Result<()> {
        self.columns = columns.to_vec();
        Ok(())
    }

    fn row(&mut self, values: &[Value<'_>]) -> io::Result<()> {
        check_row_width(&self.columns, values)?;
        let mut row = Vec::with_capacity(values.len());
        for (column, &value) in self.columns.iter().zip(values) {
            let mut text = String::new();
            match self.cells.render(column.kind, value) {
                Cell::Null => {}
                Cell::Bool(flag) => text.push_str(if flag { "true" } else { "false" }),
                Cell::Number(cell) | Cell::Text(cell) | Cell::Stamp(cell) | Cell::Json(cell) => {
                    push_escaped(&mut text, cell)
                }
            }
            row.push(text);
        }
        self.rows.push(row);
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        if self.columns.is_empty() {
            return self.out.flush();
        }
        let table = self.render();
        let mut lines = String::with_capacity(table.len() + 16);
        for line in table.lines() {
            // psql pads the last column; trailing blanks are only noise.
            lines.push_str(line.trim_end());
            lines.push('\n');
        }
        self.out.write_all(lines.as_bytes())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use crate::output::Format;
    use crate::output::test_rows::{COLUMNS, render, render_fixture, rows};

    #[test]
    fn table_prints_the_fixture_exactly() {
        let expected = concat!(
            " id    | sub1        | payout | clicks | converted_at        | received_at         | is_fraud | params\n",
            "-------+-------------+--------+--------+---------------------+---------------------+----------+--------------------------------\n",
            " 1     | plain       |   2.50 |      3 | 2026-03-08 01:59:59 | 2026-03-08 01:59:59 | false    | {\"a\": 1.50, \"b\": [true, null]}\n",
            " ab-12 | a,\"b\"\\nü€😀 |  -1.25 |      0 | 2026-03-08 03:00:00 |                     | true     | not json\n",
            " 3     |             |   0.30 |        |                     |                     |          |\n",
        );
        assert_eq!(render_fixture(Format::Table), expected);
    }

    #[test]
    fn a_width_limit_truncates_the_widest_cells() {
        let expected = concat!(
            " id    | sub1  | payo… | clic… | conv… | rec… | is_… | par…\n",
            "-------+-------+-------+-------+-------+------+------+------\n",
            " 1     | plain |  2.50 |     3 | 2026… | 202… | fal… | {\"a…\n",
            " ab-12 | a,\"b… | -1.25 |     0 | 2026… |      | true | not…\n",
            " 3     |       |  0.30 |       |       |      |      |\n",
        );
        let printed = render(Format::Table, false, Some(60), &COLUMNS, &rows());
        assert_eq!(printed, expected);
        assert!(printed.lines().all(|line| line.chars().count() <= 60));
    }

    #[test]
    fn a_width_too_small_for_anything_does_not_panic() {
        for width in [0, 1, 5, 12] {
            render(Format::Table, false, Some(width), &COLUMNS, &rows());
        }
    }

    #[test]
    fn no_rows_prints_the_header_alone() {
        let expected = concat!(" id | sub1 | payout\n", "----+------+--------\n",);
        assert_eq!(
            render(Format::Table, false, None, &COLUMNS[..3], &[]),
            expected
        );
        assert_eq!(render(Format::Table, false, None, &[], &[]), "");
    }
}
