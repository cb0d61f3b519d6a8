//! `verify` and `reindex` on a traffic_optimized delivery of 20,000 blocked
//! variables (4 MB, one body shared by 20,000 versions) through the real
//! binary: the body is read once for all its versions, so both finish in
//! seconds (read again per version, 2,000 entries took 14.6 s and 45,000 did
//! not finish in 11 minutes).

use crate::common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use common::history::{OLD, count, dump_line, empty_archive, import};
use serde_json::json;

const ENTRIES: i64 = 20_000;
/// Far above what the linear code takes (seconds, debug build), far below
/// what the quadratic code did (hours for this many entries).
const DEADLINE: Duration = Duration::from_secs(120);

fn blocks(entries: i64) -> Vec<u8> {
    let entries: Vec<serde_json::Value> = (1..=entries)
        .map(|id| {
            json!({
                "network_traffic_optimization_blocked_variable_id": id,
                "network_traffic_optimization_id": 41,
                "network_offer_id": 2,
                "network_affiliate_id": 11,
                "variable": "source_id",
                "value": format!("placement_{id}"),
                "action": "block",
                "time_blocked": 1_764_000_001 + id,
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "blocked_variables": entries })).expect("JSON")
}

/// Runs the binary; its stdout and stderr, or a failure past the deadline.
fn run_within_deadline(db: &Path, args: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let started = Instant::now();
    let mut child = Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(std::fs::File::create(&out).expect("stdout file"))
        .stderr(std::fs::File::create(&err).expect("stderr file"))
        .spawn()
        .expect("runs");
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > DEADLINE {
            child.kill().expect("kill");
            child.wait().expect("reaped");
            panic!("{args:?} did not finish in {DEADLINE:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let read = |path| std::fs::read_to_string(path).expect("output");
    let (stdout, stderr) = (read(&out), read(&err));
    assert!(status.success(), "{args:?}: {stdout}{stderr}");
    eprintln!("{args:?}: {:.1} s", started.elapsed().as_secs_f64());
    (stdout, stderr)
}

#[test]
fn verify_and_reindex_read_a_large_traffic_optimized_body_once() {
    let (_dir, db) = empty_archive();
    import(
        &db,
        &[dump_line("traffic_optimized", OLD, &blocks(ENTRIES))],
    );
    assert_eq!(count(&db, "SELECT count(*) FROM versions"), ENTRIES);

    let (stdout, _) = run_within_deadline(&db, &["verify"]);
    assert!(stdout.ends_with(" 0 problems\n"), "{stdout}");
    assert!(stdout.contains(&format!("{ENTRIES} versions")), "{stdout}");

    // Typed rows as an older release would have left them: reindex makes
    // every one again from the body.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute("UPDATE blocked_variables SET value = NULL", [])
        .expect("older rows");
    drop(conn);
    let (_, stderr) = run_within_deadline(&db, &["reindex"]);
    assert!(
        stderr.contains(&format!("{ENTRIES} typed rows rewritten")),
        "{stderr}"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM blocked_variables WHERE value = 'placement_' || blocked_variable_id"
        ),
        ENTRIES
    );
    let (stdout, _) = run_within_deadline(&db, &["verify"]);
    assert!(stdout.ends_with(" 0 problems\n"), "{stdout}");
}
