//! `evarchive report conversions|events --by DIM…`: per group and currency,
//! count, payout and revenue per status side by side (in a terminal too
//! narrow for that, one under the other: `narrow`), and profit from the
//! approved ones; then a total per currency. Amounts in different currencies
//! are never added together.

use std::collections::BTreeMap;

use crate::commands::read_output::{
    self, announce_window, note_dated_by_arrival, note_hidden_columns,
};
use crate::config::ReportConfig;
use crate::error::{Error, Result};
use crate::grouped_sums::{
    Dimension, KeyPart, OTHER_STATUS, REPORT_STATUSES, Sums, Tally, label_time_buckets,
    report_columns,
};
use crate::output::{self, Format, RenderOptions};
use crate::rows::{Column, RowSink, Value};
use crate::store::read::{GroupNames, Reader};

mod narrow;

/// How a table shows conversions that carried no currency.
const NO_CURRENCY_LABEL: &str = "(none)";

pub fn run(config: ReportConfig) -> Result<()> {
    let reader = Reader::open(&config.db)?;
    let selection = &config.selection;
    announce_window(&selection.window, selection.what, selection.basis);
    let dimensions = &config.dimensions;
    let groups = reader.sum_groups(selection, dimensions)?;
    let groups = label_time_buckets(groups, dimensions, &selection.window.zone)?;

    // Statuses outside Everflow's four are shown rather than left out of the sums.
    let mut slots = config.slots.clone();
    let others: i64 = groups
        .values()
        .map(|sums| sums.by_status[OTHER_STATUS].count)
        .sum();
    let other_asked = config
        .columns
        .iter()
        .flatten()
        .any(|name| name.starts_with("other_"));
    if others > 0 || other_asked {
        slots.push(OTHER_STATUS);
    }
    if others > 0 {
        eprintln!(
            "evarchive: {others} {} have a status other than {}; they are counted under other",
            selection.what.name(),
            REPORT_STATUSES.join(", ")
        );
    }
    let columns = report_columns(dimensions, &slots);
    let picked: Vec<usize> = match &config.columns {
        Some(names) => names
            .iter()
            .filter_map(|name| columns.iter().position(|c| c.name == name.trim()))
            .collect(),
        None => (0..columns.len()).collect(),
    };
    // Every report groups by currency (config adds it); without it there
    // would be nothing to warn about.
    let named = dimensions
        .iter()
        .position(|d| *d == Dimension::Currency)
        .map_or(0, |at| {
            let mut seen: Vec<&KeyPart> = groups.keys().map(|key| &key[at]).collect();
            seen.sort();
            seen.dedup();
            seen.iter().filter(|c| !matches!(c, KeyPart::Null)).count()
        });
    if named > 1 {
        eprintln!(
            "evarchive: amounts in {named} currencies; each has its own total, they are never added together"
        );
    }

    let printer = Printer {
        config: &config,
        columns: &columns,
        picked: &picked,
        slots: &slots,
    };
    let names = reader.group_names(selection.what, dimensions, groups.keys())?;
    let rows = printer.summed_rows(&names, &groups)?;
    // A terminal too narrow for the statuses side by side gets them one
    // under the other: leaving out money columns hid a pending payout.
    // Columns named with --columns are what the user chose to see.
    let width = match (config.format, &config.output, &config.columns) {
        (Format::Table, None, None) => read_output::table_width(),
        _ => None,
    };
    let layout = match width {
        Some(width) if !printer.fits(&rows, width)? => Layout::StatusRows,
        _ => Layout::SideBySide,
    };
    let (destination, mut sink) = read_output::output_sink(
        config.format,
        config.excel,
        selection.window.zone.clone(),
        config.output.as_deref(),
    )?;
    let written = match layout {
        Layout::SideBySide => printer.print(&rows, sink.as_mut()),
        Layout::StatusRows => narrow::print(dimensions, &slots, &rows, sink.as_mut()),
    };
    if destination.is_stdout() {
        note_hidden_columns(
            sink.as_ref(),
            "name the columns to print with --columns, or use --format csv",
        );
    }
    destination.settle(sink, written)?;
    let counted: i64 = groups
        .values()
        .flat_map(|sums| sums.by_status.iter().map(|tally| tally.count))
        .sum();
    note_dated_by_arrival(
        reader.count_dated_by_arrival(selection)?,
        u64::try_from(counted).unwrap_or(0),
    );
    let count = groups.len() as u64;
    eprintln!(
        "evarchive: {count} {}",
        read_output::counted(count, "group", "groups")
    );
    Ok(())
}

/// How a table lays out the statuses of a group.
enum Layout {
    /// One row per group, each status's count, payout and revenue side by side.
    SideBySide,
    /// One row per status of a group that has any (see `narrow`).
    StatusRows,
}

/// A group's key as cells (ids with their names looked up), and its sums;
/// each currency's total is one too, keyed `TOTAL`.
struct SummedRow {
    key: Vec<OwnedCell>,
    sums: Sums,
}

/// Turns groups into rows of the chosen columns.
struct Printer<'a> {
    config: &'a ReportConfig,
    columns: &'a [Column],
    picked: &'a [usize],
    slots: &'a [usize],
}

impl Printer<'_> {
    /// The groups, then a total per currency.
    fn summed_rows(
        &self,
        names: &GroupNames,
        groups: &BTreeMap<Vec<KeyPart>, Sums>,
    ) -> Result<Vec<SummedRow>> {
        let mut rows = Vec::with_capacity(groups.len() + 1);
        let mut totals: BTreeMap<KeyPart, Sums> = BTreeMap::new();
        for (key, sums) in groups {
            let mut cells: Vec<OwnedCell> = Vec::with_capacity(key.len() * 2);
            for (dimension, part) in self.config.dimensions.iter().zip(key) {
                cells.push(self.key_cell(*dimension, part));
                if dimension.is_named() {
                    let name = names.get(&(*dimension, part.clone()));
                    cells.push(name.map_or(OwnedCell::Null, |name| OwnedCell::Text(name.clone())));
                }
            }
            rows.push(SummedRow {
                key: cells,
                sums: *sums,
            });
            if let Some(currency) = self.currency_of(key) {
                totals.entry(currency.clone()).or_default().add(*sums);
            }
        }
        // The total row names itself in the first column that is not the
        // currency; a report by currency alone is its own total.
        let Some(label_at) = self
            .config
            .dimensions
            .iter()
            .position(|d| *d != Dimension::Currency)
        else {
            return Ok(rows);
        };
        if totals.is_empty() {
            totals.insert(KeyPart::Null, Sums::default());
        }
        for (currency, sums) in totals {
            let mut cells: Vec<OwnedCell> = Vec::new();
            for (index, dimension) in self.config.dimensions.iter().enumerate() {
                cells.push(match dimension {
                    _ if index == label_at => OwnedCell::Text("TOTAL".to_owned()),
                    Dimension::Currency => self.key_cell(*dimension, &currency),
                    _ => OwnedCell::Null,
                });
                if dimension.is_named() {
                    cells.push(OwnedCell::Null);
                }
            }
            rows.push(SummedRow { key: cells, sums });
        }
        Ok(rows)
    }

    /// Whether the statuses side by side fit `width` with nothing left out
    /// (names may shrink), tried on a table that prints nowhere.
    fn fits(&self, rows: &[SummedRow], width: usize) -> Result<bool> {
        let options = RenderOptions {
            format: Format::Table,
            excel: false,
            zone: self.config.selection.window.zone.clone(),
            max_width: Some(width),
        };
        let mut trial = output::sink(options, Box::new(std::io::sink()));
        self.print(rows, trial.as_mut())?;
        Ok(trial.hidden_columns().is_empty())
    }

    fn print(&self, rows: &[SummedRow], sink: &mut dyn RowSink) -> Result<()> {
        let header: Vec<Column> = self.picked.iter().map(|&i| self.columns[i]).collect();
        sink.begin(&header).map_err(Error::Output)?;
        for row in rows {
            let mut cells: Vec<&OwnedCell> = row.key.iter().collect();
            let sums = self.sum_cells(&row.sums)?;
            cells.extend(&sums);
            let picked: Vec<&OwnedCell> = self.picked.iter().map(|&i| cells[i]).collect();
            write(sink, &picked)?;
        }
        sink.finish().map_err(Error::Output)
    }

    fn currency_of<'k>(&self, key: &'k [KeyPart]) -> Option<&'k KeyPart> {
        let at = self
            .config
            .dimensions
            .iter()
            .position(|d| *d == Dimension::Currency)?;
        key.get(at)
    }

    /// A group's key as a cell; a missing currency is labelled in a table.
    fn key_cell(&self, dimension: Dimension, part: &KeyPart) -> OwnedCell {
        match (dimension, part) {
            (Dimension::Currency, KeyPart::Null) if self.config.format == Format::Table => {
                OwnedCell::Text(NO_CURRENCY_LABEL.to_owned())
            }
            _ => OwnedCell::from(part),
        }
    }

    fn sum_cells(&self, sums: &Sums) -> Result<Vec<OwnedCell>> {
        let mut cells = Vec::with_capacity(self.slots.len() * 3 + 1);
        for &slot in self.slots {
            cells.extend(tally_cells(sums.by_status[slot])?);
        }
        if self.slots.contains(&0) {
            cells.push(OwnedCell::Integer(printable(sums.profit(), "profit")?));
        }
        Ok(cells)
    }
}

/// One status's count, payout and revenue as cells.
fn tally_cells(tally: Tally) -> Result<[OwnedCell; 3]> {
    Ok([
        OwnedCell::Integer(tally.count),
        OwnedCell::Integer(printable(tally.payout, "payout")?),
        OwnedCell::Integer(printable(tally.revenue, "revenue")?),
    ])
}

fn write(sink: &mut dyn RowSink, cells: &[&OwnedCell]) -> Result<()> {
    let values: Vec<Value<'_>> = cells
        .iter()
        .map(|cell| match cell {
            OwnedCell::Null => Value::Null,
            OwnedCell::Integer(n) => Value::Integer(*n),
            OwnedCell::Text(t) => Value::Text(t),
        })
        .collect();
    sink.row(&values).map_err(Error::Output)
}

/// A sum of micro-units as a cell: summed in 128 bits, printed from 64.
fn printable(micros: i128, column: &'static str) -> Result<i64> {
    i64::try_from(micros).map_err(|_| Error::TotalTooLarge { column })
}

/// Offers, partners and advertisers are shown with their names.
/// A cell the report owns (names looked up, labels made) until it is printed.
enum OwnedCell {
    Null,
    Integer(i64),
    Text(String),
}

impl From<&KeyPart> for OwnedCell {
    fn from(part: &KeyPart) -> OwnedCell {
        match part {
            KeyPart::Null => OwnedCell::Null,
            KeyPart::Integer(n) => OwnedCell::Integer(*n),
            KeyPart::Text(t) => OwnedCell::Text(t.clone()),
        }
    }
}
