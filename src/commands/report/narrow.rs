//! The report in a terminal too narrow for the statuses side by side: each
//! group's statuses one under the other (status, count, payout, revenue, and
//! the profit on the approved row), so every status's money is shown where
//! the side-by-side table would leave columns of money out. A group's key is
//! printed on its first row only, so the groups stand apart.

use super::{OwnedCell, SummedRow, printable, tally_cells, write};
use crate::error::{Error, Result};
use crate::grouped_sums::{Dimension, report_columns, slot_name};
use crate::rows::{Column, ColumnKind, RowSink};

/// Prints `rows` with one row per status of `slots` that has any
/// conversions (an empty total shows the first status's zeros).
pub(super) fn print(
    dimensions: &[Dimension],
    slots: &[usize],
    rows: &[SummedRow],
    sink: &mut dyn RowSink,
) -> Result<()> {
    sink.begin(&columns(dimensions, slots))
        .map_err(Error::Output)?;
    let with_profit = slots.contains(&0);
    let blank = OwnedCell::Null;
    for row in rows {
        let mut shown: Vec<usize> = slots
            .iter()
            .copied()
            .filter(|&slot| row.sums.by_status[slot].count > 0)
            .collect();
        if shown.is_empty() {
            shown.extend(slots.first());
        }
        for (line, slot) in shown.into_iter().enumerate() {
            let mut cells: Vec<&OwnedCell> = if line == 0 {
                row.key.iter().collect()
            } else {
                vec![&blank; row.key.len()]
            };
            let status = OwnedCell::Text(slot_name(slot).to_owned());
            let tally = tally_cells(row.sums.by_status[slot])?;
            // Profit is the approved conversions' revenue − payout.
            let profit = match slot {
                0 => OwnedCell::Integer(printable(row.sums.profit(), "profit")?),
                _ => OwnedCell::Null,
            };
            cells.push(&status);
            cells.extend(&tally);
            if with_profit {
                cells.push(&profit);
            }
            write(sink, &cells)?;
        }
    }
    sink.finish().map_err(Error::Output)
}

/// The group's columns, then the status and its sums. Should even this be
/// too wide, keys and money stay whole (the table then runs past the edge):
/// free text shrinks, and only the names of offers, partners and advertisers
/// may be left out (and are named on stderr).
fn columns(dimensions: &[Dimension], slots: &[usize]) -> Vec<Column> {
    use ColumnKind::{Code, Integer, Money};
    let mut columns: Vec<Column> = report_columns(dimensions, &[])
        .into_iter()
        .map(|column| {
            if column.name.ends_with("_name") {
                column
            } else {
                column.rank(0)
            }
        })
        .collect();
    columns.extend([
        Column::new("status", Code),
        Column::new("count", Integer),
        Column::new("payout", Money),
        Column::new("revenue", Money),
    ]);
    if slots.contains(&0) {
        columns.push(Column::new("profit", Money));
    }
    columns
}
