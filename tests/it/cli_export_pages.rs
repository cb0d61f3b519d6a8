//! An export longer than one read page (5,000 rows) with many rows sharing a
//! time, including across page boundaries: every row exactly once, newest
//! first, whether or not a window bounds the time.

use crate::common;

use common::TestServer;
use common::cli::stdout_of;
use rusqlite::{Connection, params};

const ROWS: i64 = 12_001;
/// 2026-10-01T00:00:00Z, before the tests' pinned now.
const FIRST_TIME: i64 = 1_790_812_800;

#[test]
fn every_row_once_across_pages_with_shared_times() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    TestServer::start_on(&db, |_| {}).stop();
    {
        let mut conn = Connection::open(&db).expect("open");
        // Typed rows alone, without the versions and bodies behind them:
        // only their paging is under test.
        conn.execute_batch("PRAGMA foreign_keys = OFF")
            .expect("pragma");
        let tx = conn.transaction().expect("transaction");
        let mut insert = tx
            .prepare(
                "INSERT INTO conversions (version_id, kind, is_current, received_at,
                                          conversion_id, conversion_time, status)
                 VALUES (?1, 11, 1, ?2, ?3, ?4, 'approved')",
            )
            .expect("prepare");
        for n in 1..=ROWS {
            // Seven conversions a second: every page ends among equal times.
            let time = FIRST_TIME + n / 7;
            insert
                .execute(params![n, time * 1000, n.to_string(), time])
                .expect("insert");
        }
        drop(insert);
        tx.commit().expect("commit");
    }
    let expected: Vec<String> = (1..=ROWS).rev().map(|n| n.to_string()).collect();
    for window in [&[][..], &["--since", "2026-09-01"], &["--month", "2026-10"]] {
        let args: Vec<&str> = [
            "export",
            "conversions",
            "--format",
            "csv",
            "--columns",
            "conversion_id",
        ]
        .into_iter()
        .chain(window.iter().copied())
        .collect();
        let exported = stdout_of(&db, &args);
        let ids: Vec<String> = exported.lines().skip(1).map(str::to_owned).collect();
        assert_eq!(ids.len(), expected.len(), "{window:?}");
        assert!(
            ids == expected,
            "{window:?}: not every row once, newest first"
        );
    }
}

/// Columns read from the bodies, over many rows: every row gets its own
/// values, in order.
#[test]
fn columns_read_from_bodies_stay_with_their_rows_across_batches() {
    const CONVERSIONS: i64 = 1_300;
    let server = TestServer::start();
    for n in 1..=CONVERSIONS {
        let body = common::edited_sample("conversion_registered", |doc| {
            doc["conversion_id"] = serde_json::json!(n);
            doc["conversion_unix_timestamp"] = serde_json::json!(FIRST_TIME + n);
            doc["http_user_agent"] = serde_json::json!(format!("agent of {n}"));
        });
        assert_eq!(server.post_kind("conversion_registered", &body).status, 200);
    }
    server.stop_keeping_archive(|db| {
        let exported = stdout_of(
            db,
            &[
                "export",
                "conversions",
                "--format",
                "csv",
                "--columns",
                "conversion_id,http_user_agent",
            ],
        );
        let expected: Vec<String> = (1..=CONVERSIONS)
            .rev()
            .map(|n| format!("{n},agent of {n}"))
            .collect();
        let rows: Vec<&str> = exported.lines().skip(1).collect();
        assert_eq!(rows, expected);
    });
}
