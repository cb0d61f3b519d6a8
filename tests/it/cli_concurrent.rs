//! Reading an archive while `serve` writes to it: every read succeeds (no
//! "database is locked"), sees a consistent, growing archive, and the final
//! export holds every delivery the server acknowledged.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::mpsc;

use common::cli::{evarchive, stdout_of};
use common::fixture::filled_server;
use common::{TestServer, edited_sample};
use serde_json::json;

/// Conversions the fixture holds before the writer starts.
const FIXTURE_CONVERSIONS: usize = 5;
/// Conversions the writer adds, with ids from `FIRST_NEW_ID`.
const NEW_CONVERSIONS: i64 = 500;
const FIRST_NEW_ID: i64 = 700_000;

/// Posts one new conversion; retries while the server says it is busy (503),
/// as Everflow would. Returns the id once the server answered 200.
fn post_conversion(server: &TestServer, id: i64) -> i64 {
    let body = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(id);
        doc["relationship"]["offer"]["network_offer_id"] = json!(2);
    });
    for _ in 0..50 {
        let reply = server.post_kind("conversion_registered", &body);
        match reply.status {
            200 => return id,
            503 => std::thread::sleep(std::time::Duration::from_millis(100)),
            status => panic!("conversion {id}: {status} {:?}", reply.json),
        }
    }
    panic!("conversion {id}: still busy after 50 tries");
}

/// The conversion ids `query` lists; insists on exit 0.
fn listed_ids(db: &Path) -> Vec<String> {
    let args = [
        "query",
        "conversions",
        "--format",
        "csv",
        "--columns",
        "conversion_id",
        "--limit",
        "0",
    ];
    let run = evarchive(db, &args);
    assert_eq!(run.code, Some(0), "query while writing: {}", run.stderr);
    let mut lines = run.stdout.lines();
    assert_eq!(lines.next(), Some("conversion_id"));
    lines.map(str::to_owned).collect()
}

/// The number of conversions `report --by offer` counts, over the status
/// counts of its TOTAL rows.
fn reported_count(db: &Path) -> usize {
    let run = evarchive(
        db,
        &["report", "conversions", "--by", "offer", "--format", "csv"],
    );
    assert_eq!(run.code, Some(0), "report while writing: {}", run.stderr);
    let mut reader = csv::Reader::from_reader(run.stdout.as_bytes());
    let count_columns: Vec<usize> = reader
        .headers()
        .expect("header")
        .iter()
        .enumerate()
        .filter(|(_, name)| name.ends_with("_count"))
        .map(|(index, _)| index)
        .collect();
    assert_eq!(count_columns.len(), 4, "a count per status");
    reader
        .records()
        .map(|record| record.expect("a CSV record"))
        .filter(|record| &record[0] == "TOTAL")
        .flat_map(|record| {
            count_columns
                .iter()
                .map(|&i| record[i].parse::<usize>().expect("a count"))
                .collect::<Vec<_>>()
        })
        .sum()
}

#[test]
fn reads_while_the_server_writes_succeed_and_see_a_growing_archive() {
    let server = filled_server();
    let db = server.db.clone();
    let (under_way, writer_under_way) = mpsc::channel();
    let (listed, reported, acknowledged) = std::thread::scope(|scope| {
        let writer = scope.spawn(|| {
            let mut acknowledged = Vec::new();
            for id in FIRST_NEW_ID..FIRST_NEW_ID + NEW_CONVERSIONS {
                acknowledged.push(post_conversion(&server, id));
                if id == FIRST_NEW_ID + NEW_CONVERSIONS / 10 {
                    under_way.send(()).expect("reader waiting");
                }
            }
            acknowledged
        });
        // Start reading once the writer is well under way.
        writer_under_way.recv().expect("writer under way");
        let mut listed = Vec::new();
        let mut reported = Vec::new();
        for _ in 0..10 {
            let ids = listed_ids(&db);
            let distinct: BTreeSet<&String> = ids.iter().collect();
            assert_eq!(distinct.len(), ids.len(), "no conversion listed twice");
            listed.push(ids.len());
            reported.push(reported_count(&db));
        }
        let acknowledged = writer.join().expect("writer thread");
        (listed, reported, acknowledged)
    });
    eprintln!("listed while writing: {listed:?}; reported: {reported:?}");

    let most = FIXTURE_CONVERSIONS + NEW_CONVERSIONS as usize;
    for counts in [&listed, &reported] {
        assert!(
            counts.windows(2).all(|w| w[0] <= w[1]),
            "{counts:?} never shrinks"
        );
        assert!(
            counts[0] > FIXTURE_CONVERSIONS,
            "{counts:?}: read after the writer started"
        );
        assert!(counts.iter().all(|&n| n <= most), "{counts:?}");
    }

    let final_export = stdout_of(
        &db,
        &["export", "conversions", "--columns", "conversion_id"],
    );
    let exported: BTreeSet<&str> = final_export.lines().skip(1).collect();
    assert_eq!(
        final_export.lines().count() - 1,
        most,
        "one row per conversion"
    );
    assert_eq!(exported.len(), most, "no conversion twice");
    assert_eq!(acknowledged.len(), NEW_CONVERSIONS as usize);
    for id in acknowledged {
        assert!(
            exported.contains(id.to_string().as_str()),
            "acknowledged {id} missing"
        );
    }
}
