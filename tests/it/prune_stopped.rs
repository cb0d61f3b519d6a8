//! A prune can be stopped at any moment (killed, or serve stopping its
//! `--retain` run): after each of its transactions the counters `stats` and
//! `verify` read agree with the rows left, first and last arrival included.
//! (The soak's kill -9 of prune found them disagreeing: the arrival times
//! were settled in a transaction of their own, after the last deletion.)

use crate::common;

use std::path::Path;

use common::history::{OLD, OLD_LATER, RECENT, conversion, dump_line, empty_archive, import};
use evarchive::everflow::ResourceType;
use evarchive::store::prune::{Pass, PruneRules, prune};
use evarchive::store::{OpenMode, open_archive};
use rusqlite::Connection;

/// A kind, its deliveries, their first and last arrival.
type KindFigures = Vec<(String, i64, i64, i64)>;

/// Per kind: deliveries, first and last arrival, as the counters say and
/// as the deliveries say.
fn counters_and_rows(db: &Path) -> (KindFigures, KindFigures) {
    let conn = Connection::open(db).expect("open");
    let read = |sql: &str| -> KindFigures {
        conn.prepare(sql)
            .expect("prepare")
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    };
    (
        read(
            "SELECT kind, deliveries, first_received_at, last_received_at FROM counters
             WHERE deliveries > 0 ORDER BY kind",
        ),
        read(
            "SELECT kind, count(*), min(received_at), max(received_at) FROM deliveries
             GROUP BY kind ORDER BY kind",
        ),
    )
}

#[test]
fn after_every_transaction_of_a_prune_the_counters_agree_with_the_rows() {
    let (_dir, db) = empty_archive();
    let mut lines = Vec::new();
    for (n, received) in [OLD, OLD_LATER, RECENT].iter().enumerate() {
        for i in 0..200 {
            let id = format!("{}", n * 1_000 + i + 1);
            lines.push(dump_line(
                "conversion_registered",
                received,
                &conversion(&id, "approved"),
            ));
        }
    }
    import(&db, &lines);
    let cutoff = jiff::Timestamp::from_second(
        RECENT.parse::<jiff::Timestamp>().expect("time").as_second() - 86_400,
    )
    .expect("cutoff");
    let rules = PruneRules {
        cutoff_ms: cutoff.as_millisecond(),
        types: ResourceType::ALL.to_vec(),
        keep_current: false,
    };
    let (mut conn, _) = open_archive(&db, OpenMode::Existing).expect("archive");
    let mut checked = 0;
    let pruned = prune(&mut conn, &rules, false, |pass, _, _| {
        if pass == Pass::Deliveries {
            let (counters, rows) = counters_and_rows(&db);
            assert_eq!(counters, rows, "after a transaction of the deliveries pass");
            checked += 1;
        }
        true
    })
    .expect("prune");
    assert_eq!(pruned.deliveries, 400);
    assert!(checked > 0, "the deliveries pass was seen");
    let (counters, rows) = counters_and_rows(&db);
    assert_eq!(counters, rows);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, 200, "the recent ones stay");
}
