//! Durable ingest through the real `evarchive serve` over HTTP/1.1 keep-alive.

use crate::args::Options;
use crate::process::{PeakSampler, Served, WrkResult, rss_kib, scratch_dir, wrk};
use crate::stats::{median, worst};

pub fn run(options: &Options) -> Result<(), String> {
    let connections = options.list("conns", "1,8,64,256");
    let seconds = options.number("seconds", 30);
    let runs = options.number("runs", 3);
    let mix = options.text("mix", "mixed");
    println!("## ingest: evarchive serve, mix={mix}, {seconds} s per run, {runs} runs per point\n");
    println!(
        "| connections | accepted/s (median) | worst | p50 ms | p99 ms | p99.9 ms | errors + non-200 | idle RSS MiB | peak RSS MiB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let mut wal_peak = 0u64;
    let mut wal_peaks = Vec::new();
    for &conns in &connections {
        let mut results: Vec<WrkResult> = Vec::new();
        let mut idle = Vec::new();
        let mut peaks = Vec::new();
        for run in 0..runs {
            let dir = scratch_dir(&format!("ingest-{conns}-{run}"))?;
            let served = Served::start(&dir, 18100 + run as u16)?;
            std::thread::sleep(std::time::Duration::from_millis(300));
            idle.push(rss_kib(served.pid).unwrap_or(0) as f64 / 1024.0);
            let rss = PeakSampler::rss(served.pid);
            let wal = PeakSampler::file_size(dir.join("archive.db-wal"));
            let result = wrk(&served.url, conns, seconds, &mix);
            peaks.push(rss.peak() as f64 / 1024.0);
            let wal = wal.peak();
            wal_peaks.push(wal as f64 / 1048576.0);
            wal_peak = wal_peak.max(wal);
            served.stop();
            let _ = std::fs::remove_dir_all(&dir);
            results.push(result?);
        }
        print_row(conns, &results, &idle, &peaks);
    }
    println!(
        "\nWAL file size, sampled every 100 ms: peak {:.1} MiB (median of the runs' peaks {:.1} MiB)",
        wal_peak as f64 / 1048576.0,
        median(&wal_peaks)
    );
    Ok(())
}

pub fn print_row(conns: u64, results: &[WrkResult], idle: &[f64], peaks: &[f64]) {
    let rates: Vec<f64> = results.iter().map(WrkResult::accepted_per_second).collect();
    let p50: Vec<f64> = results.iter().map(|r| r.p50_ms).collect();
    let p99: Vec<f64> = results.iter().map(|r| r.p99_ms).collect();
    let p999: Vec<f64> = results.iter().map(|r| r.p999_ms).collect();
    let failures: f64 = results.iter().map(|r| r.errors + r.non_200).sum();
    println!(
        "| {conns} | {:.0} | {:.0} | {:.2} | {:.2} (worst {:.2}) | {:.2} | {failures:.0} | {:.1} | {:.1} (worst {:.1}) |",
        median(&rates),
        worst(&rates, true),
        median(&p50),
        median(&p99),
        worst(&p99, false),
        median(&p999),
        median(idle),
        median(peaks),
        worst(peaks, false),
    );
}
