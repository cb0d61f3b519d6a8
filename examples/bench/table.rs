//! `bench table`: what drawing a terminal table costs, apart from reading
//! the archive: rows of a conversion query's columns (free text that must
//! shrink, right-aligned money) drawn at 120 columns into memory.

use std::time::Instant;

use evarchive::output::{Format, RenderOptions, sink};
use evarchive::rows::{Column, ColumnKind, Value};
use jiff::tz::TimeZone;

use crate::args::Options;
use crate::stats::{median, worst};

const COLUMNS: [Column; 8] = [
    Column::new("time", ColumnKind::Time),
    Column::new("conversion_id", ColumnKind::Id),
    Column::new("status", ColumnKind::Code),
    Column::new("payout", ColumnKind::Money),
    Column::new("revenue", ColumnKind::Money),
    Column::new("offer_name", ColumnKind::Text).rank(2),
    Column::new("affiliate_name", ColumnKind::Text).rank(2),
    Column::new("sub1", ColumnKind::Text).rank(3),
];

pub fn run(options: &Options) -> Result<(), String> {
    let runs = options.number("runs", 7).max(1);
    for rows in options.list("rows", "100,1000,10000") {
        let subs: Vec<String> = (0..rows).map(|row| format!("campaign-{row}")).collect();
        let mut times = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let bytes = draw(&subs)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(bytes);
        }
        println!(
            "table of {rows} rows at 120 columns: median {:.3} ms, worst {:.3} ms ({runs} runs)",
            median(&times),
            worst(&times, false)
        );
    }
    Ok(())
}

fn draw(subs: &[String]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let options = RenderOptions {
        format: Format::Table,
        excel: false,
        zone: TimeZone::UTC,
        max_width: Some(120),
    };
    {
        let mut table = sink(options, Box::new(&mut out));
        table.begin(&COLUMNS).map_err(|error| error.to_string())?;
        for (index, sub) in subs.iter().enumerate() {
            let id = 10_000_000 + i64::try_from(index).unwrap_or(0);
            let row = [
                Value::Integer(1_790_000_000 + id),
                Value::Integer(id),
                Value::Text("approved"),
                Value::Integer(12_500_000),
                Value::Integer(20_000_000),
                Value::Text("Spring Sale — Meal Kit Introductory Offer"),
                Value::Text("Orchid Partners Ltd"),
                Value::Text(sub),
            ];
            table.row(&row).map_err(|error| error.to_string())?;
        }
        table.finish().map_err(|error| error.to_string())?;
    }
    Ok(out)
}
