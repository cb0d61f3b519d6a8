//! `evarchive report conversions|events --by DIM…`: count, payout, revenue and
//! profit per group, and a total. Amounts in different currencies are never
//! added together: if the selection holds several, currency becomes a group.

use std::collections::BTreeMap;

use crate::cli::ReportArgs;
use crate::commands::reading::{self, announce_window};
use crate::error::{Error, Result};
use crate::output::Format;
use crate::report::{Dimension, KeyPart, Sums, label_time_buckets};
use crate::rows::{Column, ColumnKind, RowSink, Value};
use crate::selection::What;
use crate::store::read::{latest_name, open_reader, sum_groups};

pub fn run(db: &std::path::Path, args: ReportArgs) -> Result<()> {
    let what = What::parse(&args.what)?;
    if !matches!(what, What::Conversions | What::Events) {
        return Err(Error::InvalidArgument {
            flag: "WHAT",
            why: format!("reports sum conversions or events, not {}", what.name()),
        });
    }
    let format = reading::format(&args.format, &Format::ALL)?;
    let mut dimensions = Vec::new();
    for name in &args.by {
        let dimension = Dimension::parse(name)?;
        if dimensions.contains(&dimension) {
            return Err(Error::InvalidArgument {
                flag: "--by",
                why: format!("'{name}' is given twice"),
            });
        }
        dimensions.push(dimension);
    }
    let selection = reading::selection(what, args.filters, &args.window)?;
    let conn = open_reader(db)?;
    announce_window(&selection.window, selection.basis);

    // Currency always takes part in grouping; it is shown only when it
    // separates something (or was asked for).
    let asked_currency = dimensions.contains(&Dimension::Currency);
    let mut grouping = dimensions.clone();
    if !asked_currency {
        grouping.push(Dimension::Currency);
    }
    let groups = sum_groups(&conn, &selection, &grouping)?;
    let mut groups = label_time_buckets(groups, &grouping, &selection.window.zone);
    let currencies: Vec<KeyPart> = {
        let mut seen: Vec<KeyPart> = groups.keys().filter_map(|k| k.last().cloned()).collect();
        seen.sort();
        seen.dedup();
        seen
    };
    if !asked_currency {
        if currencies.len() > 1 {
            dimensions.push(Dimension::Currency);
            eprintln!(
                "evarchive: the selection holds {} currencies; grouping by currency too, so amounts in different currencies are never added together",
                currencies.len()
            );
        } else {
            groups = groups
                .into_iter()
                .map(|(mut key, sums)| {
                    key.pop();
                    (key, sums)
                })
                .collect();
        }
    }

    let columns = report_columns(&dimensions, what);
    let mut sink = reading::stdout_sink(format, args.excel, selection.window.zone.clone());
    sink.begin(&columns).map_err(Error::Output)?;
    let mut totals: BTreeMap<Option<KeyPart>, Sums> = BTreeMap::new();
    let currency_position = dimensions.iter().position(|d| *d == Dimension::Currency);
    for (key, sums) in &groups {
        let mut cells: Vec<OwnedCell> = Vec::with_capacity(columns.len());
        for (dimension, part) in dimensions.iter().zip(key) {
            cells.push(OwnedCell::from(part));
            if matches!(
                dimension,
                Dimension::Offer | Dimension::Affiliate | Dimension::Advertiser
            ) {
                cells.push(
                    latest_name(&conn, what, *dimension, part)?
                        .map_or(OwnedCell::Null, OwnedCell::Text),
                );
            }
        }
        push_sums(&mut cells, sums);
        write_row(sink.as_mut(), &cells)?;
        let currency = currency_position.and_then(|p| key.get(p).cloned());
        totals.entry(currency).or_default().add(*sums);
    }
    if totals.is_empty() {
        totals.insert(None, Sums::default());
    }
    for (currency, sums) in &totals {
        let mut cells: Vec<OwnedCell> = Vec::with_capacity(columns.len());
        for (index, dimension) in dimensions.iter().enumerate() {
            cells.push(if index == 0 {
                OwnedCell::Text("TOTAL".to_owned())
            } else if *dimension == Dimension::Currency {
                currency.as_ref().map_or(OwnedCell::Null, OwnedCell::from)
            } else {
                OwnedCell::Null
            });
            if matches!(
                dimension,
                Dimension::Offer | Dimension::Affiliate | Dimension::Advertiser
            ) {
                cells.push(OwnedCell::Null);
            }
        }
        push_sums(&mut cells, sums);
        write_row(sink.as_mut(), &cells)?;
    }
    sink.finish().map_err(Error::Output)?;
    eprintln!("evarchive: {} groups", groups.len());
    Ok(())
}

fn report_columns(dimensions: &[Dimension], what: What) -> Vec<Column> {
    use ColumnKind::{Id, Integer, Money, Text};
    let mut columns = Vec::new();
    for dimension in dimensions {
        match dimension {
            Dimension::Offer => {
                columns.push(Column::new("offer_id", Id));
                columns.push(Column::new("offer_name", Text));
            }
            Dimension::Affiliate => {
                columns.push(Column::new("affiliate_id", Id));
                columns.push(Column::new("affiliate_name", Text));
            }
            Dimension::Advertiser => {
                columns.push(Column::new("advertiser_id", Id));
                columns.push(Column::new("advertiser_name", Text));
            }
            Dimension::Day => columns.push(Column::new("day", Text)),
            Dimension::Hour => columns.push(Column::new("hour", Text)),
            Dimension::Status => columns.push(Column::new("status", Text)),
            Dimension::Country => columns.push(Column::new("country", Text)),
            Dimension::Event => columns.push(Column::new("event", Text)),
            Dimension::Sub(1) => columns.push(Column::new("sub1", Text)),
            Dimension::Sub(2) => columns.push(Column::new("sub2", Text)),
            Dimension::Sub(3) => columns.push(Column::new("sub3", Text)),
            Dimension::Sub(4) => columns.push(Column::new("sub4", Text)),
            Dimension::Sub(_) => columns.push(Column::new("sub5", Text)),
            Dimension::Currency => columns.push(Column::new("currency_id", Text)),
        }
    }
    let count = match what {
        What::Events => "events",
        _ => "conversions",
    };
    columns.push(Column::new(count, Integer));
    columns.push(Column::new("payout", Money));
    columns.push(Column::new("revenue", Money));
    columns.push(Column::new("profit", Money));
    columns
}

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

fn push_sums(cells: &mut Vec<OwnedCell>, sums: &Sums) {
    cells.push(OwnedCell::Integer(sums.count));
    cells.push(OwnedCell::Integer(sums.payout));
    cells.push(OwnedCell::Integer(sums.revenue));
    cells.push(OwnedCell::Integer(sums.profit()));
}

fn write_row(sink: &mut dyn RowSink, cells: &[OwnedCell]) -> Result<()> {
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
