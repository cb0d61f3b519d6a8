//! A large archive of conversions spread over the last N days, built through
//! the same prepare-and-store path `serve` uses (minus HTTP), in big batches.

use std::path::Path;
use std::sync::mpsc::sync_channel;
use std::time::Instant;

use crate::args::Options;
use crate::loader::{Loader, prepared};
use crate::traffic::ConversionFactory;

pub fn run(options: &Options) -> Result<(), String> {
    let db = options.text("db", "");
    if db.is_empty() {
        return Err("give --db PATH for the archive to build".into());
    }
    if Path::new(&db).exists() {
        return Err(format!("{db} exists; give a new path"));
    }
    let rows = options.number("rows", 10_000_000);
    let days = options.number("days", 90) as i64;
    let now = jiff::Timestamp::now().as_second();
    let start = now - days * 86_400;
    let span = (days * 86_400) as f64;

    let started = Instant::now();
    let mut loader = Loader::open(Path::new(&db), 4096, "")?;
    let intake = loader.intake();
    // One thread makes and prepares bodies (as HTTP workers would), the writer
    // thread stores them; the channel keeps the two cores busy.
    let (bodies, prepared_rx) = sync_channel(4096);
    let producer = std::thread::spawn(move || -> Result<(), String> {
        let factory = ConversionFactory::new()?;
        for n in 1..=rows {
            // Times grow with n, as arrivals do, with a little disorder.
            let time = start + (n as f64 / rows as f64 * span) as i64 - (n % 600) as i64;
            let time = time.min(now - 1);
            let delivery = prepared(factory.body(n, time), (time + 5) * 1000, &intake)?;
            if bodies.send(delivery).is_err() {
                break;
            }
        }
        Ok(())
    });

    let mut last_report = Instant::now();
    for delivery in prepared_rx {
        loader.submit(delivery)?;
        if last_report.elapsed().as_secs() >= 10 {
            eprintln!(
                "bench: {} stored, {:.0}/s",
                loader.stored(),
                loader.stored() as f64 / started.elapsed().as_secs_f64()
            );
            last_report = Instant::now();
        }
    }
    producer.join().map_err(|_| "producer panicked")??;
    let stored = loader.finish()?;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "built {db}: {stored} conversions over {days} days in {seconds:.0} s ({:.0}/s)",
        stored as f64 / seconds
    );
    Ok(())
}
