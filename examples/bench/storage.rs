//! (b) The storage ceiling: deliveries prepared in advance, written straight
//! into SQLite by the single group-committing writer, durable as in `serve`.

use std::time::Instant;

use crate::args::Options;
use crate::loader::{Loader, prepared};
use crate::process::scratch_dir;
use crate::stats::{median, worst};
use crate::traffic::ConversionFactory;

pub fn run(options: &Options) -> Result<(), String> {
    let rows = options.number("rows", 300_000);
    let runs = options.number("runs", 3);
    let factory = ConversionFactory::new()?;
    let now = jiff::Timestamp::now().as_second();
    let mut rates = Vec::new();
    for run in 0..runs {
        let dir = scratch_dir(&format!("storage-{run}"))?;
        let mut loader = Loader::open(&dir.join("archive.db"), 512, &options.text("sql", ""))?;
        let intake = loader.intake();
        let deliveries = (1..=rows)
            .map(|n| {
                prepared(
                    factory.body(run * rows + n, now - (rows - n) as i64),
                    now * 1000,
                    &intake,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let started = Instant::now();
        for delivery in deliveries {
            loader.submit(delivery)?;
        }
        let stored = loader.finish()?;
        rates.push(stored as f64 / started.elapsed().as_secs_f64());
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "(b) storage ceiling: {rows} new ~1.7 KB conversions per run, writer batches of up to 512, synchronous=FULL: median {:.0}/s, worst {:.0}/s over {runs} runs",
        median(&rates),
        worst(&rates, true)
    );
    Ok(())
}
