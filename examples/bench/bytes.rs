//! Bytes on disk per delivery: an archive of realistic conversions, and one of
//! ~30 KB offers with many versions each, built through the path `serve` uses
//! after HTTP (bodies compressed on the preparing thread, dictionaries trained
//! as in `serve`), then measured page by page with `sqlite3`'s dbstat.

use std::path::Path;
use std::process::Command;

use evarchive::everflow::WebhookKind;

use crate::args::Options;
use crate::loader::{Loader, prepared_as};
use crate::process::scratch_dir;
use crate::stats::median;
use crate::traffic::{ConversionFactory, OfferFactory};

pub fn run(options: &Options) -> Result<(), String> {
    let rows = options.number("rows", 60_000);
    let offers = options.number("offers", 1_000);
    let versions = options.number("versions", 10);
    let runs = options.number("runs", 1);
    let now = jiff::Timestamp::now().as_second();

    let conversions = ConversionFactory::new()?;
    let entropy = Entropy::of((1..=2_000).map(|n| conversions.body(n, now)));
    println!(
        "generator, conversions: {:.0} B raw, {:.0} B with plain zstd -3 (no dictionary), median of 2,000 bodies",
        entropy.raw, entropy.zstd
    );
    let mut per_conversion = Vec::new();
    for run in 0..runs {
        let bytes = build(&format!("bytes-conversions-{run}"), rows, None, |n| {
            let time = now - ((rows - n) * 30) as i64;
            (
                WebhookKind::ConversionRegistered,
                conversions.body(run * rows + n, time),
                time,
            )
        })?;
        per_conversion.push(bytes as f64 / rows as f64);
    }
    println!(
        "bytes on disk per conversion ({rows} conversions, all tables and indexes): median {:.0} B over {runs} runs ({:.2}x the raw body)\n",
        median(&per_conversion),
        median(&per_conversion) / entropy.raw
    );

    let offer_bodies = OfferFactory::new()?;
    let entropy = Entropy::of((1..=200).map(|n| offer_bodies.body(n, n % 3, now)));
    println!(
        "generator, offers: {:.0} B raw, {:.0} B with plain zstd -3, median of 200 bodies",
        entropy.raw, entropy.zstd
    );
    let total = offers * versions;
    let mut per_version = Vec::new();
    for run in 0..runs {
        let bytes = build(&format!("bytes-offers-{run}"), total, Some(offers), |n| {
            // Every offer's first version, then every offer's second, …
            let (offer, version) = ((n - 1) % offers + 1, (n - 1) / offers);
            let time = now - (total - n) as i64 * 60;
            (
                WebhookKind::OfferUpdated,
                offer_bodies.body(offer, version, time),
                time,
            )
        })?;
        per_version.push(bytes as f64 / total as f64);
    }
    println!(
        "bytes on disk per offer version ({offers} offers x {versions} versions): median {:.0} B over {runs} runs ({:.3}x the raw body)",
        median(&per_version),
        median(&per_version) / entropy.raw
    );
    Ok(())
}

/// Builds an archive of `count` deliveries made by `make(n)`, prints where
/// its pages went, and returns its size in bytes (pages in use). With
/// `rounds`, everything is committed after every that many deliveries, as
/// the minutes between two edits of an offer would have it.
fn build(
    name: &str,
    count: u64,
    rounds: Option<u64>,
    make: impl Fn(u64) -> (WebhookKind, Vec<u8>, i64),
) -> Result<u64, String> {
    let dir = scratch_dir(name)?;
    let db = dir.join("archive.db");
    let mut loader = Loader::open(&db, 512, "")?;
    let intake = loader.intake();
    for n in 1..=count {
        let (kind, body, time) = make(n);
        loader.submit(prepared_as(kind, body, (time + 5) * 1000, &intake)?)?;
        if rounds.is_some_and(|round| n % round == 0) {
            loader.settle()?;
        }
        // Give the trainer its chance, as serve's pace would.
        if n % 20_000 == 0 {
            std::thread::sleep(std::time::Duration::from_millis(1_500));
        }
    }
    loader.finish()?;
    let bytes = pages_in_use(&db)?;
    println!("{name}: {bytes} bytes in use; by table and index:");
    print_dbstat(&db, count)?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(bytes)
}

fn sqlite3(db: &Path, sql: &str) -> Result<String, String> {
    let output = Command::new("sqlite3")
        .arg(db)
        .arg(sql)
        .output()
        .map_err(|e| format!("sqlite3 (bench setup installs it): {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

fn pages_in_use(db: &Path) -> Result<u64, String> {
    let text = sqlite3(
        db,
        "SELECT (page_count - freelist_count) * page_size FROM pragma_page_count, pragma_freelist_count, pragma_page_size",
    )?;
    text.trim().parse().map_err(|e| format!("{e}: {text}"))
}

fn print_dbstat(db: &Path, count: u64) -> Result<(), String> {
    let text = sqlite3(
        db,
        "SELECT name, sum(pgsize), sum(payload), count(*) FROM dbstat GROUP BY name ORDER BY 2 DESC",
    )?;
    println!("| table or index | bytes per delivery | payload per delivery | pages |");
    println!("|---|---:|---:|---:|");
    for line in text.lines() {
        let fields: Vec<&str> = line.split('|').collect();
        if let [name, size, payload, pages] = fields[..] {
            let per = |v: &str| v.parse::<f64>().unwrap_or(0.0) / count as f64;
            if per(size) >= 0.5 {
                println!(
                    "| {name} | {:.1} | {:.1} | {pages} |",
                    per(size),
                    per(payload)
                );
            }
        }
    }
    Ok(())
}

/// How compressible a generator's bodies are.
struct Entropy {
    raw: f64,
    zstd: f64,
}

impl Entropy {
    fn of(bodies: impl Iterator<Item = Vec<u8>>) -> Entropy {
        let (mut raw, mut zstd) = (Vec::new(), Vec::new());
        for body in bodies {
            raw.push(body.len() as f64);
            zstd.push(zstd::bulk::compress(&body, 3).map_or(0, |c| c.len()) as f64);
        }
        Entropy {
            raw: median(&raw),
            zstd: median(&zstd),
        }
    }
}
