//! Ingest while people read: `serve` under wrk on an archive of N
//! conversions, alone and with one `export` loop and four `report` loops
//! running against the same file (the "reading never blocks serve").

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use crate::args::Options;
use crate::loader::{Loader, prepared};
use crate::process::{Served, WrkResult, release_binary, scratch_dir, wrk};
use crate::stats::median;
use crate::traffic::ConversionFactory;

pub fn run(options: &Options) -> Result<(), String> {
    let rows = options.number("rows", 300_000);
    let seconds = options.number("seconds", 20);
    let runs = options.number("runs", 3);
    let conns = options.number("conns", 64);
    let base = scratch_dir("readers-base")?.join("archive.db");
    build(&base, rows)?;
    println!(
        "## ingest with readers: {rows} conversions over 30 days archived, {conns} connections, new ~1.7 KB conversions, {seconds} s per run, {runs} runs\n"
    );
    println!("| readers | accepted/s (median) | runs | p99 ms (median) | runs | reader passes |");
    println!("|---|---:|---|---:|---|---:|");
    for with_readers in [false, true] {
        let mut rates = Vec::new();
        let mut p99 = Vec::new();
        let mut passes = 0;
        for run in 0..runs {
            let dir = scratch_dir(&format!("readers-{with_readers}-{run}"))?;
            let db = dir.join("archive.db");
            std::fs::copy(&base, &db).map_err(|e| e.to_string())?;
            let served = Served::start(&dir, 18300 + run as u16)?;
            let readers = with_readers.then(|| Readers::start(&db));
            let result: Result<WrkResult, String> = wrk(&served.url, conns, seconds, "conversions");
            if let Some(readers) = readers {
                passes += readers.stop();
            }
            served.stop();
            let _ = std::fs::remove_dir_all(&dir);
            let result = result?;
            rates.push(result.accepted_per_second());
            p99.push(result.p99_ms);
        }
        let label = if with_readers {
            "1 export + 4 report loops"
        } else {
            "none"
        };
        let list = |values: &[f64]| {
            values
                .iter()
                .map(|v| format!("{v:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "| {label} | {:.0} | {} | {:.1} | {} | {passes} |",
            median(&rates),
            list(&rates),
            median(&p99),
            list(&p99),
        );
    }
    let _ = std::fs::remove_dir_all(base.parent().unwrap_or(Path::new("/nonexistent")));
    Ok(())
}

fn build(db: &Path, rows: u64) -> Result<(), String> {
    let started = Instant::now();
    let factory = ConversionFactory::new()?;
    let now = jiff::Timestamp::now().as_second();
    let span = 30 * 86_400;
    let mut loader = Loader::open(db, 4096, "")?;
    let intake = loader.intake();
    for n in 1..=rows {
        let time = now - span + (n as i64 * span / rows as i64);
        loader.submit(prepared(factory.body(n, time), time * 1000, &intake)?)?;
    }
    let stored = loader.finish()?;
    eprintln!(
        "bench: built {stored} conversions in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Reading commands run in loops against the archive until stopped.
struct Readers {
    stop: Arc<AtomicBool>,
    passes: Arc<AtomicU64>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Readers {
    fn start(db: &Path) -> Readers {
        let stop = Arc::new(AtomicBool::new(false));
        let passes = Arc::new(AtomicU64::new(0));
        let export: &[&str] = &["export", "conversions", "--since", "30d"];
        let report: &[&str] = &["report", "conversions", "--by", "offer", "--since", "30d"];
        let commands = [export, report, report, report, report];
        let threads = commands
            .into_iter()
            .map(|args| {
                let (stop, passes, db) = (Arc::clone(&stop), Arc::clone(&passes), db.to_owned());
                let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
                std::thread::spawn(move || {
                    let Ok(binary) = release_binary() else { return };
                    while !stop.load(Ordering::Relaxed) {
                        let ran = Command::new(&binary)
                            .arg("--db")
                            .arg(&db)
                            .args(&args)
                            .stdout(Stdio::null())
                            .stderr(Stdio::null())
                            .status();
                        if ran.is_ok_and(|status| status.success()) {
                            passes.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })
            })
            .collect();
        Readers {
            stop,
            passes,
            threads,
        }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        for thread in self.threads {
            let _ = thread.join();
        }
        self.passes.load(Ordering::Relaxed)
    }
}
