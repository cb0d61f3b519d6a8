//! Whole-process query timings on a large archive, warm and after dropping the
//! page cache, with hyperfine.

use std::path::Path;
use std::process::Command;

use crate::args::Options;
use crate::process::release_binary;

pub fn run(options: &Options) -> Result<(), String> {
    let db = options.text("db", "");
    if db.is_empty() || !Path::new(&db).exists() {
        return Err("give --db PATH of an archive (build one with `bench build-archive`)".into());
    }
    let runs = options.number("runs", 10);
    let cold_runs = options.number("cold-runs", 3);
    let offer = options.text("offer", "7");
    let conversion = options.text("conversion", "");
    let binary = release_binary()?;
    let evarchive = format!("{} --db {db}", binary.display());
    let conversion = if conversion.is_empty() {
        newest_conversion_id(&db)?
    } else {
        conversion
    };
    let commands = [
        ("newest 100", "query conversions".to_owned()),
        ("--since 1d", "query conversions --since 1d".to_owned()),
        (
            "--since 1h json",
            "query conversions --since 1h --format json".to_owned(),
        ),
        (
            "--offer --since 7d",
            format!("query conversions --offer {offer} --since 7d"),
        ),
        (
            "report by offer 30d",
            "report conversions --by offer --since 30d".to_owned(),
        ),
        (
            "report by day 90d",
            "report conversions --by day --since 90d".to_owned(),
        ),
        ("stats", "stats".to_owned()),
        ("show conversion", format!("show conversion {conversion}")),
    ];
    println!("## query: whole-process times on {db}\n");
    println!("| command | warm median ms | warm worst ms | cold median ms | cold worst ms |");
    println!("|---|---:|---:|---:|---:|");
    for (name, args) in commands {
        let command = format!("{evarchive} {args}");
        let warm = hyperfine(&command, runs, None)?;
        let cold = hyperfine(
            &command,
            cold_runs,
            Some("sh -c 'sync; echo 3 > /proc/sys/vm/drop_caches'"),
        )?;
        println!(
            "| `{name}`: `evarchive {args}` | {:.1} | {:.1} | {:.1} | {:.1} |",
            warm.0, warm.1, cold.0, cold.1
        );
    }
    Ok(())
}

/// (median, worst) in milliseconds.
fn hyperfine(command: &str, runs: u64, prepare: Option<&str>) -> Result<(f64, f64), String> {
    let json = std::env::temp_dir().join("evarchive-bench-hyperfine.json");
    let mut hyperfine = Command::new("hyperfine");
    hyperfine
        .args([
            "--runs",
            &runs.to_string(),
            "--style",
            "none",
            "-N",
            "--export-json",
        ])
        .arg(&json);
    match prepare {
        Some(prepare) => {
            hyperfine.args(["--prepare", prepare]);
        }
        None => {
            hyperfine.args(["--warmup", "3"]);
        }
    }
    let status = hyperfine
        .arg(command)
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run hyperfine ({e}); run `bench setup`"))?;
    if !status.success() {
        return Err(format!("hyperfine failed on {command}"));
    }
    let text = std::fs::read_to_string(&json).map_err(|e| e.to_string())?;
    let parsed: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let result = &parsed["results"][0];
    let seconds = |key: &str| result[key].as_f64().unwrap_or(f64::NAN) * 1000.0;
    Ok((seconds("median"), seconds("max")))
}

fn newest_conversion_id(db: &str) -> Result<String, String> {
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    conn.query_row(
        "SELECT conversion_id FROM conversions ORDER BY version_id DESC LIMIT 1",
        [],
        |row| row.get(0),
    )
    .map_err(|e| e.to_string())
}
