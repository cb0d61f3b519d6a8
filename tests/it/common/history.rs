//! Archives with a chosen history: `dump` lines with the arrival times a test
//! picks, loaded by `evarchive import` (serve stopped).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use rusqlite::Connection;
use serde_json::json;

use super::{TestServer, edited_sample};

/// Long before the tests' pinned now (2026-11-03): pruned at 90 days.
pub const OLD: &str = "2026-06-01T10:00:00Z";
pub const OLD_LATER: &str = "2026-06-02T10:00:00Z";
/// Within 90 days of it: kept.
pub const RECENT: &str = "2026-10-20T10:00:00Z";

/// One `dump` line of a POST delivery.
pub fn dump_line(kind: &str, received_at: &str, body: &[u8]) -> String {
    json!({
        "kind": kind,
        "kind_source": "declared",
        "received_at": received_at,
        "method": "POST",
        "body": String::from_utf8(body.to_vec()).expect("UTF-8 body"),
    })
    .to_string()
}

/// A conversion (id as text, as Everflow sends it) with a status.
pub fn conversion(id: &str, status: &str) -> Vec<u8> {
    edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(id);
        doc["status"] = json!(status);
        doc["transaction_id"] = json!(format!("tx{id}"));
    })
}

/// The same JSON document in other bytes (pretty-printed): the same content
/// to evarchive, a body of its own.
pub fn pretty(body: &[u8]) -> Vec<u8> {
    let doc: serde_json::Value = serde_json::from_slice(body).expect("JSON");
    serde_json::to_vec_pretty(&doc).expect("serialise")
}

/// An offer with a name and the time Everflow says it was saved.
pub fn offer(id: i64, name: &str, time_saved: i64) -> Vec<u8> {
    edited_sample("offer_updated", |doc| {
        doc["network_offer_id"] = json!(id);
        doc["name"] = json!(name);
        doc["time_saved"] = json!(time_saved);
    })
}

/// A new, empty archive (made by serve) in a directory of its own.
pub fn empty_archive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    TestServer::start_on(&db, |_| {}).stop();
    (dir, db)
}

/// `evarchive import` of dump lines (serve stopped).
pub fn import(db: &Path, lines: &[String]) {
    let mut child = Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(db)
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("import runs");
    let mut stdin = child.stdin.take().expect("stdin");
    for line in lines {
        stdin.write_all(line.as_bytes()).expect("write");
        stdin.write_all(b"\n").expect("write");
    }
    drop(stdin);
    let output = child.wait_with_output().expect("import ends");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn count(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .expect("open")
        .query_row(sql, [], |r| r.get(0))
        .expect(sql)
}

/// `PRAGMA foreign_key_check`, one "table rowid → parent" line per
/// dangling reference.
pub fn dangling(db: &Path) -> Vec<String> {
    let conn = Connection::open(db).expect("open");
    let mut statement = conn
        .prepare("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
        .expect("foreign keys");
    statement
        .query_map([], |row| {
            Ok(format!(
                "{} {} -> {}",
                row.get::<_, String>(0)?,
                row.get::<_, Option<i64>>(1)?.unwrap_or(0),
                row.get::<_, String>(2)?
            ))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
}
