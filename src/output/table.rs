//! An aligned text table for people, in the `psql` look (plain ASCII, compact),
//! fitted to the terminal without ever cutting an id, a time or an amount:
//!
//! ```text
//!  time (UTC)          | conversion_id | payout | offer_name
//! ---------------------+---------------+--------+-----------
//!  2026-11-02 12:05:00 | 5005          |   1.00 | VPN Annu…
//! ```
//!
//! When the natural width is too much, free-text columns (names, user
//! agents) shrink first, down to a few characters; if that is still too
//! wide, the columns with the highest [`TableHint::rank`] are left out and
//! [`RowSink::hidden_columns`] names them. Columns of rank 0 are always shown,
//! and only free text is ever shortened.
//!
//! Rows are held until `finish` (column widths depend on every row), so the
//! callers limit how many rows a table gets. Which columns stay and how wide
//! each is, is decided here and in `table_fit`; `table_draw` has tabled lay
//! them out.
//!
//! [`TableHint::rank`]: crate::rows::TableHint

use std::io::{self, Write};

use jiff::tz::TimeZone;
use unicode_width::UnicodeWidthStr;

use super::cell::{Cell, CellRenderer, TimeStyle};
use super::check_row_width;
use super::table_draw::{DrawnColumn, GroupRun, draw};
use super::table_fit::{Fitted, fit, truncate};
use super::table_text::push_escaped;
use crate::rows::{Column, ColumnKind, RowSink, Value};

pub(super) struct TableSink<'w> {
    out: Box<dyn Write + 'w>,
    max_width: Option<usize>,
    zone_name: String,
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    cells: CellRenderer,
    hidden: Vec<&'static str>,
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
            zone_name: zone.iana_name().unwrap_or("local").to_owned(),
            columns: Vec::new(),
            rows: Vec::new(),
            cells: CellRenderer::new(zone, TimeStyle::Civil),
            hidden: Vec::new(),
        }
    }

    /// The header a column gets: times name their zone once, here, so that
    /// every cell can be a plain date and time.
    fn header(&self, column: &Column) -> String {
        match column.kind {
            ColumnKind::Time | ColumnKind::TimeMillis => {
                format!("{} ({})", column.header(), self.zone_name)
            }
            _ => column.header().to_owned(),
        }
    }

    fn render(&mut self) -> String {
        let headers: Vec<String> = self.columns.iter().map(|c| self.header(c)).collect();
        let natural: Vec<usize> = headers
            .iter()
            .enumerate()
            .map(|(index, header)| {
                self.rows
                    .iter()
                    .map(|row| row[index].width())
                    .fold(header.width(), usize::max)
            })
            .collect();
        let Fitted { visible, widths } = fit(&self.columns, &natural, self.max_width);
        self.hidden = (0..self.columns.len())
            .filter(|index| !visible.contains(index))
            .map(|index| self.columns[index].name)
            .collect();

        let drawn: Vec<DrawnColumn> = visible
            .iter()
            .zip(&widths)
            .map(|(&index, &width)| DrawnColumn {
                header: headers[index].clone(),
                width,
                right_aligned: matches!(
                    self.columns[index].kind,
                    ColumnKind::Money | ColumnKind::Percentage | ColumnKind::Integer
                ),
            })
            .collect();
        let rows: Vec<Vec<&str>> = self
            .rows
            .iter()
            .map(|row| visible.iter().map(|&index| row[index].as_str()).collect())
            .collect();
        draw(&drawn, &self.group_runs(&visible, &widths), &rows)
    }

    /// Runs of neighbouring columns of one group, each heading cut to the
    /// run's width (a heading never widens its columns).
    fn group_runs(&self, visible: &[usize], widths: &[usize]) -> Vec<GroupRun> {
        let mut runs: Vec<(Option<&str>, usize, usize)> = Vec::new();
        for (&index, &width) in visible.iter().zip(widths) {
            let group = self.columns[index].table.group;
            match runs.last_mut() {
                Some((last, columns, run_width)) if *last == group => {
                    *columns += 1;
                    *run_width += width + 3;
                }
                _ => runs.push((group, 1, width)),
            }
        }
        runs.into_iter()
            .map(|(group, columns, width)| GroupRun {
                heading: group.map(|heading| truncate(heading, width)),
                columns,
            })
            .collect()
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
        self.out.write_all(table.as_bytes())?;
        self.out.flush()
    }

    fn hidden_columns(&self) -> Vec<&'static str> {
        self.hidden.clone()
    }
}

#[cfg(test)]
mod tests {
    use crate::output::Format;
    use crate::output::test_rows::{COLUMNS, render, render_fixture, rows};
    use crate::rows::{Column, ColumnKind, Value};

    #[test]
    fn table_prints_the_fixture_exactly() {
        let expected = concat!(
            " id    | sub1        | payout | clicks | converted_at (America/New_York) | received_at (America/New_York) | is_fraud | params\n",
            "-------+-------------+--------+--------+---------------------------------+--------------------------------+----------+--------------------------------\n",
            " 1     | plain       |   2.50 |      3 | 2026-03-08 01:59:59             | 2026-03-08 01:59:59            | false    | {\"a\": 1.50, \"b\": [true, null]}\n",
            " ab-12 | a,\"b\"\\nü€😀 |  -1.25 |      0 | 2026-03-08 03:00:00             |                                | true     | not json\n",
            " 3     |             |   0.30 |        |                                 |                                |          |\n",
        );
        assert_eq!(render_fixture(Format::Table), expected);
    }

    /// Ids, amounts and times keep their width; free text shrinks, then the
    /// highest-ranked columns go.
    fn ranked() -> Vec<Column> {
        vec![
            Column::new("time", ColumnKind::Time).label("time"),
            Column::new("conversion_id", ColumnKind::Id),
            Column::new("payout", ColumnKind::Money),
            Column::new("offer_name", ColumnKind::Text).rank(2),
            Column::new("sub1", ColumnKind::Text).rank(3),
        ]
    }

    fn ranked_rows() -> Vec<Vec<Value<'static>>> {
        vec![
            vec![
                Value::Integer(1_772_953_199),
                Value::Text("0a1b2c3d4e5f60718293"),
                Value::Integer(-1_250_000),
                Value::Text("Spring Sale — Meal Kit Introductory Offer"),
                Value::Text("partner-campaign-0001"),
            ],
            vec![
                Value::Integer(1_772_953_200),
                Value::Integer(5005),
                Value::Integer(1_000_000_000),
                Value::Text("VPN"),
                Value::Null,
            ],
        ]
    }

    fn at(width: usize) -> (String, Vec<&'static str>) {
        crate::output::test_rows::render_table(&ranked(), &ranked_rows(), width)
    }

    #[test]
    fn a_wide_terminal_shows_everything_whole() {
        let (table, hidden) = at(200);
        assert_eq!(
            table,
            concat!(
                " time (America/New_York) | conversion_id        | payout  | offer_name                                | sub1\n",
                "-------------------------+----------------------+---------+-------------------------------------------+-----------------------\n",
                " 2026-03-08 01:59:59     | 0a1b2c3d4e5f60718293 |   -1.25 | Spring Sale — Meal Kit Introductory Offer | partner-campaign-0001\n",
                " 2026-03-08 03:00:00     | 5005                 | 1000.00 | VPN                                       |\n",
            )
        );
        assert!(hidden.is_empty());
    }

    #[test]
    fn names_shrink_before_anything_is_left_out() {
        let (table, hidden) = at(120);
        assert_eq!(
            table,
            concat!(
                " time (America/New_York) | conversion_id        | payout  | offer_name                          | sub1\n",
                "-------------------------+----------------------+---------+-------------------------------------+-----------------------\n",
                " 2026-03-08 01:59:59     | 0a1b2c3d4e5f60718293 |   -1.25 | Spring Sale — Meal Kit Introductor… | partner-campaign-0001\n",
                " 2026-03-08 03:00:00     | 5005                 | 1000.00 | VPN                                 |\n",
            )
        );
        assert!(table.lines().all(|line| line.chars().count() <= 120));
        assert!(hidden.is_empty());
    }

    #[test]
    fn a_narrow_terminal_leaves_out_the_highest_ranks_and_says_so() {
        let (table, hidden) = at(80);
        assert_eq!(
            table,
            concat!(
                " time (America/New_York) | conversion_id        | payout  | offer_name\n",
                "-------------------------+----------------------+---------+---------------------\n",
                " 2026-03-08 01:59:59     | 0a1b2c3d4e5f60718293 |   -1.25 | Spring Sale — Meal…\n",
                " 2026-03-08 03:00:00     | 5005                 | 1000.00 | VPN\n",
            )
        );
        assert!(table.lines().all(|line| line.chars().count() <= 80));
        assert_eq!(hidden, vec!["sub1"]);
    }

    #[test]
    fn what_must_be_shown_is_shown_whole_even_past_the_edge() {
        let (table, hidden) = at(40);
        assert_eq!(
            table,
            concat!(
                " time (America/New_York) | conversion_id        | payout\n",
                "-------------------------+----------------------+---------\n",
                " 2026-03-08 01:59:59     | 0a1b2c3d4e5f60718293 |   -1.25\n",
                " 2026-03-08 03:00:00     | 5005                 | 1000.00\n",
            )
        );
        assert_eq!(hidden, vec!["offer_name", "sub1"]);
    }

    #[test]
    fn groups_head_their_columns() {
        let columns = [
            Column::new("offer_id", ColumnKind::Id),
            Column::new("approved_count", ColumnKind::Integer)
                .label("count")
                .group("approved"),
            Column::new("approved_payout", ColumnKind::Money)
                .label("payout")
                .group("approved"),
            Column::new("profit", ColumnKind::Money),
        ];
        let rows = vec![vec![
            Value::Integer(2),
            Value::Integer(3),
            Value::Integer(2_500_000),
            Value::Integer(1_000_000),
        ]];
        let (table, _) = crate::output::test_rows::render_table(&columns, &rows, 200);
        assert_eq!(
            table,
            concat!(
                "          | approved       |\n",
                " offer_id | count | payout | profit\n",
                "----------+-------+--------+--------\n",
                " 2        |     3 |   2.50 |   1.00\n",
            )
        );
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
