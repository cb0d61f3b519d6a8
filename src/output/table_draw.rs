//! Drawing a fitted table with `tabled`, in the `psql` look: which columns
//! are shown and how wide each is were decided before (`table_fit`); this
//! only lays the cells out, cuts free text to its width with `…`, and
//! right-aligns numbers under a left-aligned header.
//!
//! Settings are applied to whole columns and single cells: tabled's
//! intersections of rows and columns cost 5× the drawing itself
//! (BENCHMARKS.md, "Tables").

use tabled::builder::Builder;
use tabled::settings::object::{Cell, Columns, Rows};
use tabled::settings::style::HorizontalLine;
use tabled::settings::themes::Theme;
use tabled::settings::{Alignment, Span, Style, Width};

/// One visible column as drawn.
pub(super) struct DrawnColumn {
    pub header: String,
    pub width: usize,
    pub right_aligned: bool,
}

/// A heading over a run of neighbouring columns (`None`: no heading), no
/// wider than the run.
pub(super) struct GroupRun {
    pub heading: Option<String>,
    pub columns: usize,
}

/// The table's text: the group headings (when any run has one), the header,
/// the rule, then `rows` (each already in the columns' order), every line
/// without the padding after its last cell.
pub(super) fn draw(columns: &[DrawnColumn], groups: &[GroupRun], rows: &[Vec<&str>]) -> String {
    let has_groups = groups.iter().any(|run| run.heading.is_some());
    let mut builder = Builder::default();
    if has_groups {
        builder.push_record(std::iter::repeat_n("", columns.len()));
    }
    let header_row = usize::from(has_groups);
    builder.push_record(columns.iter().map(|column| column.header.as_str()));
    for row in rows {
        builder.push_record(row.iter().copied());
    }
    let mut table = builder.build();

    let mut theme = Theme::from_style(Style::psql());
    theme.remove_horizontal_lines();
    theme.insert_horizontal_line(header_row + 1, HorizontalLine::new('-').intersection('+'));
    table.with(theme);

    for (index, column) in columns.iter().enumerate() {
        table.modify(
            Columns::one(index),
            Width::truncate(column.width).suffix("…"),
        );
        // The header holds the column at its width: a value widened to it
        // would lose its alignment.
        table.modify(Cell::new(header_row, index), Width::increase(column.width));
        if column.right_aligned {
            table.modify(Columns::one(index), Alignment::right());
            table.modify(Cell::new(header_row, index), Alignment::left());
        }
    }
    if has_groups {
        // Headings are set after the columns were cut to their widths: a
        // heading spans its run and was cut to the run's width.
        table.modify(Rows::first(), Alignment::left());
        let mut first = 0;
        for run in groups {
            if let Some(heading) = &run.heading {
                table.modify(Cell::new(0, first), heading.clone());
            }
            if run.columns > 1 {
                table.modify(Cell::new(0, first), Span::column(span(run.columns)));
            }
            first += run.columns;
        }
    }

    let mut text = String::new();
    for line in table.to_string().lines() {
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A run's column count as tabled's span (runs are never near `isize::MAX`).
fn span(columns: usize) -> isize {
    isize::try_from(columns).unwrap_or(isize::MAX)
}
