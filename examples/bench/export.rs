//! Export throughput against `sqlite3 -csv` selecting the same columns from the
//! same file, run alternately; and export memory against row count.

use std::path::Path;
use std::process::Command;

use crate::args::Options;
use crate::process::release_binary;
use crate::stats::{median, worst};

/// The columns a conversion's typed row keeps (schema version 5), as
/// `evarchive export --columns` names them and as plain SQL. The rest of
/// `export`'s columns are read from the bodies, which `sqlite3` cannot do.
const TYPED_COLUMNS: &str = "conversion_id,transaction_id,status,is_event,event,conversion_time,received_at,payout,revenue,sale_amount,currency_id,offer_id,offer_name,advertiser_id,advertiser_name,affiliate_id,affiliate_name,country,sub1,sub2,sub3,sub4,sub5,sub6,sub7,sub8,sub9,sub10,is_current";
const TYPED_SQL: &str = "conversion_id, transaction_id, status, is_event, event, conversion_time, received_at, payout_micros, revenue_micros, sale_amount_micros, currency_id, offer_id, offer_name, advertiser_id, advertiser_name, affiliate_id, affiliate_name, country, sub1, sub2, sub3, sub4, sub5, sub6, sub7, sub8, sub9, sub10, is_current";

struct Measured {
    seconds: f64,
    peak_mib: f64,
    bytes: u64,
}

pub fn run(options: &Options) -> Result<(), String> {
    let db = options.text("db", "");
    if db.is_empty() || !Path::new(&db).exists() {
        return Err("give --db PATH of an archive (build one with `bench build-archive`)".into());
    }
    let runs_wanted = options.number("runs", 3);
    let days = options.number("days", 30);
    let now = jiff::Timestamp::now().as_second();
    let since = now - days as i64 * 86_400;
    let since_text = jiff::Timestamp::from_second(since)
        .map_err(|e| e.to_string())?
        .to_string();
    let out = std::env::temp_dir().join("evarchive-bench-export.csv");
    let binary = release_binary()?;
    let every_column = format!(
        "{} --db {db} export conversions --since {since_text} -o {}",
        binary.display(),
        out.display()
    );
    let typed = format!(
        "{} --db {db} export conversions --since {since_text} --columns {TYPED_COLUMNS} -o {}",
        binary.display(),
        out.display()
    );
    let theirs = format!(
        "sqlite3 -csv {db} \"SELECT {TYPED_SQL} FROM conversions WHERE kind = 11 AND is_current = 1 AND conversion_time >= {since} ORDER BY conversion_time DESC\" > {}",
        out.display()
    );
    let rows = count_rows(&db, since)?;
    println!("## export: {rows} conversions (--since {days}d) from {db}, alternating\n");
    let exporters = [
        (
            "evarchive export, every column (long tail from the bodies)",
            every_column,
        ),
        ("evarchive export --columns (the typed row's)", typed),
        ("sqlite3 -csv, the typed row's columns", theirs),
    ];
    let mut runs: Vec<Vec<Measured>> = exporters.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs_wanted {
        for ((_, command), measured) in exporters.iter().zip(runs.iter_mut()) {
            measured.push(timed(command, &out)?);
        }
    }
    println!("| exporter | rows/s (median) | worst | MB/s (median) | peak RSS MiB |");
    println!("|---|---:|---:|---:|---:|");
    for ((name, _), runs) in exporters.iter().zip(&runs) {
        let rates: Vec<f64> = runs.iter().map(|m| rows as f64 / m.seconds).collect();
        let mbs: Vec<f64> = runs
            .iter()
            .map(|m| m.bytes as f64 / 1e6 / m.seconds)
            .collect();
        let peak: Vec<f64> = runs.iter().map(|m| m.peak_mib).collect();
        println!(
            "| {name} | {:.0} | {:.0} | {:.1} | {:.1} |",
            median(&rates),
            worst(&rates, true),
            median(&mbs),
            worst(&peak, false)
        );
    }
    let seconds = |runs: &[Measured]| median(&runs.iter().map(|m| m.seconds).collect::<Vec<_>>());
    println!(
        "\nevarchive / sqlite3 throughput, same columns: {:.2}x\n",
        seconds(&runs[2]) / seconds(&runs[1])
    );

    println!("### export memory against row count\n");
    println!("| window | rows | peak RSS MiB |");
    println!("|---|---:|---:|");
    for window_days in [1u64, 7, 30, 90] {
        let since = now - window_days as i64 * 86_400;
        let since_text = jiff::Timestamp::from_second(since)
            .map_err(|e| e.to_string())?
            .to_string();
        let command = format!(
            "{} --db {db} export conversions --since {since_text} -o {}",
            binary.display(),
            out.display()
        );
        let measured = timed(&command, &out)?;
        println!(
            "| {window_days}d | {} | {:.1} |",
            count_rows(&db, since)?,
            measured.peak_mib
        );
    }
    let _ = std::fs::remove_file(&out);
    Ok(())
}

/// Runs `command` under GNU time; elapsed seconds, peak RSS, output size.
fn timed(command: &str, out: &Path) -> Result<Measured, String> {
    let report = std::env::temp_dir().join("evarchive-bench-time.txt");
    let status = Command::new("/usr/bin/time")
        .args(["-f", "%e %M", "-o"])
        .arg(&report)
        .args(["sh", "-c", command])
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run /usr/bin/time ({e}); run `bench setup`"))?;
    if !status.success() {
        return Err(format!("failed: {command}"));
    }
    let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
    let mut fields = text.split_whitespace();
    let seconds: f64 = fields
        .next()
        .and_then(|f| f.parse().ok())
        .unwrap_or(f64::NAN);
    let kib: f64 = fields
        .next()
        .and_then(|f| f.parse().ok())
        .unwrap_or(f64::NAN);
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(Measured {
        seconds,
        peak_mib: kib / 1024.0,
        bytes,
    })
}

fn count_rows(db: &str, since: i64) -> Result<i64, String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    conn.query_row(
        "SELECT count(*) FROM conversions
         WHERE kind = 11 AND is_current = 1 AND conversion_time >= ?1",
        [since],
        |row| row.get(0),
    )
    .map_err(|e| e.to_string())
}
