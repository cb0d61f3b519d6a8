//! Ingest beside maintenance: `serve` on an archive of N conversions (half of
//! them older than a year) and M large offers, with clients posting new
//! conversions, alone and while `prune --older-than 365d` or `reindex` runs
//! against the same file. Reports every delivery's answer (any not 200 is a
//! failure), the latencies, and the longest write transaction the
//! maintenance command held (as it reports it on stderr; a build that does
//! not report it shows "-"). Before `reindex`, a third of the conversions'
//! and every offer's typed row is made stale, for it to write.
//!
//! `EVARCHIVE_BENCH_BINARY` names another build to measure, serve and the
//! command alike (e.g. an older release's `target/release/evarchive`).

use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use evarchive::everflow::WebhookKind;

use crate::args::Options;
use crate::loader::{Loader, prepared, prepared_as};
use crate::process::{Served, TOKEN, release_binary, scratch_dir};
use crate::traffic::{ConversionFactory, Rng};

pub fn run(options: &Options) -> Result<(), String> {
    let rows = options.number("rows", 300_000);
    let offers = options.number("offers", 100);
    let offer_kib = options.number("offer-kib", 300);
    let seconds = options.number("seconds", 10);
    let clients = options.number("clients", 4);
    // `--base PATH` keeps the archive built (or reuses it) for another run.
    let kept = options.text("base", "");
    let base = if kept.is_empty() {
        scratch_dir("maintenance-base")?.join("archive.db")
    } else {
        kept.clone().into()
    };
    if !base.exists() {
        build(&base, rows, offers, offer_kib)?;
    }
    println!(
        "## ingest beside maintenance: {rows} conversions (half received over a year ago), {offers} offers of {offer_kib} KiB, {clients} clients posting new conversions\n"
    );
    println!(
        "| beside | deliveries | not 200 | p50 ms | p99 ms | max ms | command's time | longest write transaction |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let phases: [(&str, &[&str]); 3] = [
        ("nothing", &[]),
        (
            "prune --older-than 365d",
            &["prune", "--older-than", "365d"],
        ),
        ("reindex", &["reindex"]),
    ];
    for (run, (label, command)) in phases.into_iter().enumerate() {
        let dir = scratch_dir(&format!("maintenance-{run}"))?;
        let db = dir.join("archive.db");
        std::fs::copy(&base, &db).map_err(|e| e.to_string())?;
        if command.first() == Some(&"reindex") {
            // Typed rows as an older release left them, for reindex to write.
            rusqlite::Connection::open(&db)
                .and_then(|conn| {
                    conn.execute_batch(
                        "UPDATE conversions SET sub1 = NULL WHERE version_id % 3 = 0;
                         UPDATE offers SET name = NULL;",
                    )
                })
                .map_err(|e| e.to_string())?;
        }
        let served = Served::start(&dir, 18400 + run as u16)?;
        let posting = Posting::start(&served.url, clients, run as u64);
        std::thread::sleep(Duration::from_secs(1));
        let started = Instant::now();
        let said = if command.is_empty() {
            std::thread::sleep(Duration::from_secs(seconds));
            String::new()
        } else {
            maintain(&db, command)?
        };
        let took = started.elapsed();
        let latencies = posting.stop();
        served.stop();
        let _ = std::fs::remove_dir_all(&dir);
        let longest = said
            .split("the longest held the write lock ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .map_or_else(|| "-".to_owned(), |ms| format!("{ms} ms"));
        println!(
            "| {label} | {} | {} | {:.1} | {:.1} | {:.1} | {} | {longest} |",
            latencies.answers.len(),
            latencies.failed,
            latencies.quantile(0.5),
            latencies.quantile(0.99),
            latencies.quantile(1.0),
            if command.is_empty() {
                "-".to_owned()
            } else if said.starts_with("FAILED") {
                format!("failed after {:.1} s", took.as_secs_f64())
            } else {
                format!("{:.1} s", took.as_secs_f64())
            },
        );
    }
    if kept.is_empty() {
        let _ = std::fs::remove_dir_all(base.parent().unwrap_or(Path::new("/nonexistent")));
    }
    Ok(())
}

fn build(db: &Path, rows: u64, offers: u64, offer_kib: u64) -> Result<(), String> {
    let started = Instant::now();
    let factory = ConversionFactory::new()?;
    let now = jiff::Timestamp::now().as_second();
    let day = 86_400;
    let mut loader = Loader::open(db, 4096, "")?;
    let intake = loader.intake();
    for n in 1..=rows {
        // Half over the days 400 to 370 ago, half over the last 30.
        let start = if n % 2 == 0 {
            now - 400 * day
        } else {
            now - 30 * day
        };
        let time = start + (n as i64 * 30 * day / rows as i64);
        loader.submit(prepared(factory.body(n, time), time * 1000, &intake)?)?;
    }
    let template: serde_json::Value = serde_json::from_slice(
        &std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/samples/offer_updated.json"),
        )
        .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    for offer in 1..=offers {
        let mut doc = template.clone();
        doc["network_offer_id"] = serde_json::json!(offer);
        doc["html_description"] =
            serde_json::json!(Rng::new(offer).prose(offer_kib as usize * 1024));
        let body = serde_json::to_vec(&doc).map_err(|e| e.to_string())?;
        loader.submit(prepared_as(
            WebhookKind::OfferUpdated,
            body,
            now * 1000,
            &intake,
        )?)?;
    }
    let stored = loader.finish()?;
    eprintln!(
        "bench: built {stored} deliveries in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Runs a maintenance command to its end; what it printed.
fn maintain(db: &Path, command: &[&str]) -> Result<String, String> {
    let output = Command::new(release_binary()?)
        .arg("--db")
        .arg(db)
        .args(command)
        .output()
        .map_err(|e| e.to_string())?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("bench: {command:?}: {said}");
    // A command that fails (the old code's prune gave up: "database is
    // locked") is a result too: the table says so.
    if output.status.success() {
        Ok(said)
    } else {
        Ok(format!("FAILED {said}"))
    }
}

/// Clients posting new conversions back to back, each answer timed.
struct Posting {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<Vec<(u16, Duration)>>>,
}

struct Latencies {
    /// Milliseconds, sorted.
    answers: Vec<f64>,
    failed: usize,
}

impl Latencies {
    fn quantile(&self, q: f64) -> f64 {
        if self.answers.is_empty() {
            return f64::NAN;
        }
        let at = ((self.answers.len() - 1) as f64 * q).round() as usize;
        self.answers[at]
    }
}

impl Posting {
    fn start(base: &str, clients: u64, run: u64) -> Posting {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let stop = Arc::new(AtomicBool::new(false));
        let url = format!("{base}/webhooks/conversion_registered?token={TOKEN}");
        let threads = (0..clients)
            .map(|client| {
                let (stop, url) = (Arc::clone(&stop), url.clone());
                std::thread::spawn(move || {
                    let factory = ConversionFactory::new().ok();
                    let agent = ureq::AgentBuilder::new()
                        .timeout(Duration::from_secs(60))
                        .build();
                    let mut answers = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        let n = 1_000_000_000
                            + run * 100_000_000
                            + client * 10_000_000
                            + NEXT.fetch_add(1, Ordering::Relaxed);
                        let time = jiff::Timestamp::now().as_second();
                        let body = factory
                            .as_ref()
                            .map(|f| f.body(n, time))
                            .unwrap_or_default();
                        let sent = Instant::now();
                        let status = match agent.post(&url).send_bytes(&body) {
                            Ok(reply) => reply.status(),
                            Err(ureq::Error::Status(status, _)) => status,
                            Err(_) => 0,
                        };
                        answers.push((status, sent.elapsed()));
                    }
                    answers
                })
            })
            .collect();
        Posting { stop, threads }
    }

    fn stop(self) -> Latencies {
        self.stop.store(true, Ordering::Relaxed);
        let mut answers = Vec::new();
        let mut failed = 0;
        for thread in self.threads {
            for (status, took) in thread.join().unwrap_or_default() {
                failed += usize::from(status != 200);
                answers.push(took.as_secs_f64() * 1000.0);
            }
        }
        answers.sort_by(f64::total_cmp);
        Latencies { answers, failed }
    }
}
