//! `evarchive reindex` with the real binary, while the server keeps storing
//! deliveries: typed rows that are not what this release extracts from their
//! bodies (as after an upgrade that extracts more) are written again, the
//! bodies are untouched, and every delivery acknowledged meanwhile is kept.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::cli::{evarchive, stdout_of};
use common::edited_sample;
use common::fixture::filled_server;
use rusqlite::Connection;
use serde_json::json;

#[test]
fn reindex_rewrites_the_typed_rows_that_differ_while_serve_runs() {
    let server = Arc::new(filled_server());
    let db = server.db.clone();
    let before = conversions_before_the_load(&db);
    let offers_before = stdout_of(
        &db,
        &["export", "offers", "--versions", "--format", "ndjson"],
    );
    let bodies_before = stdout_of(&db, &["dump"]);
    // As an earlier release might have left them: a column it did not
    // extract, and a typed row it did not write.
    {
        let conn = Connection::open(&db).expect("open");
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .expect("timeout");
        let emptied = conn
            .execute(
                "UPDATE conversions SET sub1 = NULL, payout_micros = NULL",
                [],
            )
            .expect("empty a column");
        assert!(emptied >= 5, "{emptied}");
        conn.execute(
            "DELETE FROM offers WHERE version_id = (SELECT min(version_id) FROM offers)",
            [],
        )
        .expect("drop a typed row");
        // Typed rows beside intact bodies: an outdated extraction (exit 4).
        let damaged = evarchive(&db, &["verify"]);
        assert_eq!(damaged.code, Some(4), "{}", damaged.stdout);
    }

    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let poster = {
        let (server, stop, sent) = (Arc::clone(&server), Arc::clone(&stop), Arc::clone(&sent));
        std::thread::spawn(move || {
            let mut id = 70_000;
            while !stop.load(Ordering::Relaxed) {
                id += 1;
                let body = edited_sample("conversion_registered", |doc| {
                    doc["conversion_id"] = json!(id);
                });
                assert_eq!(server.post_kind("conversion_registered", &body).status, 200);
                sent.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let run = evarchive(&db, &["reindex"]);
    stop.store(true, Ordering::Relaxed);
    poster.join().expect("poster");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("typed rows rewritten"),
        "{}",
        run.stderr
    );
    let rewritten: u64 = run
        .stderr
        .split(" s: ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count: {}", run.stderr));
    assert!(rewritten >= 6, "{}", run.stderr);

    let server = Arc::into_inner(server).expect("poster done");
    let sent = sent.load(Ordering::Relaxed);
    server.stop_keeping_archive(|db| {
        let verified = evarchive(db, &["verify"]);
        assert_eq!(verified.code, Some(0), "{}", verified.stdout);
        // The conversions sent meanwhile are all there.
        let conn = Connection::open(db).expect("open");
        let kept: i64 = conn
            .query_row(
                "SELECT count(*) FROM versions WHERE kind = 'conversion_registered' \
                 AND CAST(resource_id AS INTEGER) > 70000",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(kept as usize, sent);
        // What was there before reads as it did, bodies untouched.
        assert_eq!(conversions_before_the_load(db), before);
        assert_eq!(
            stdout_of(
                db,
                &["export", "offers", "--versions", "--format", "ndjson"]
            ),
            offers_before
        );
        assert!(stdout_of(db, &["dump"]).starts_with(&bodies_before));
    });
}

/// Every version of the conversions and events that were there before the
/// load (ids up to 70,000), one JSON object each, sorted.
fn conversions_before_the_load(db: &std::path::Path) -> Vec<String> {
    let mut rows: Vec<String> = ["conversions", "events"]
        .into_iter()
        .flat_map(|what| {
            stdout_of(db, &["export", what, "--versions", "--format", "ndjson"])
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|line| {
            let row: serde_json::Value = serde_json::from_str(line).expect("JSON");
            let id = match &row["conversion_id"] {
                serde_json::Value::Number(n) => n.as_u64(),
                serde_json::Value::String(s) => s.parse().ok(),
                _ => None,
            };
            id.is_none_or(|id| id <= 70_000)
        })
        .collect();
    rows.sort();
    rows
}
