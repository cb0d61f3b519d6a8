//! `query` and `report` on a small fixed archive: exact table, CSV and JSON
//! output, windows at midnight and across a DST change, exact money totals.

mod common;

use common::cli::{evarchive, stdout_of};
use common::fixture::filled_server;

#[test]
fn the_default_table_shows_current_conversions_newest_first() {
    let server = filled_server();
    let run = evarchive(&server.db, &["query", "conversions"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            " conversion_time     | conversion_id | status   | offer_name     | affiliate_name  | payout | revenue | currency_id | country | sub1\n",
            "---------------------+---------------+----------+----------------+-----------------+--------+---------+-------------+---------+---------------------------------------\n",
            " 2026-11-02 12:05:00 | 5005          | approved | VPN Annual     | Orchid Partners |   1.00 |    2.00 | USD         | US      |\n",
            " 2026-11-02 05:00:00 | 5004          | rejected | Meal Kit Intro | Bluefin Traffic |   3.00 |    5.00 | EUR         | DE      | \\tTAB\n",
            " 2026-11-02 04:30:00 | 5003          | pending  | Meal Kit Intro | Orchid Partners |  -1.25 |    0.00 | USD         | US      | @SUM(A1:A9)\n",
            " 2026-11-01 04:00:00 | 5002          | approved | VPN Annual     | Bluefin Traffic |   0.20 |    0.50 | USD         | GB      | +1-555-0100\n",
            " 2026-11-01 03:30:00 | 5001          | approved | VPN Annual     | Orchid Partners |   0.10 |    0.30 | USD         | US      | =HYPERLINK(\"http://evil.example\",\"x\")\n",
        )
    );
    assert!(run.stderr.contains("window all time"), "{}", run.stderr);
    assert!(
        run.stderr.contains("5 conversions matched"),
        "{}",
        run.stderr
    );
}

#[test]
fn versions_lists_every_version_and_marks_the_current_one() {
    let server = filled_server();
    let table = stdout_of(
        &server.db,
        &[
            "query",
            "conversions",
            "--versions",
            "--columns",
            "conversion_id,status,payout,is_current",
        ],
    );
    assert_eq!(
        table,
        concat!(
            " conversion_id | status   | payout | is_current\n",
            "---------------+----------+--------+------------\n",
            " 5005          | approved |   1.00 | true\n",
            " 5005          | pending  |   1.00 | false\n",
            " 5004          | rejected |   3.00 | true\n",
            " 5003          | pending  |  -1.25 | true\n",
            " 5002          | approved |   0.20 | true\n",
            " 5001          | approved |   0.10 | true\n",
        )
    );
}

#[test]
fn csv_output_is_rfc4180_with_times_in_the_chosen_zone() {
    let server = filled_server();
    let csv = stdout_of(
        &server.db,
        &[
            "query",
            "conversions",
            "--format",
            "csv",
            "--tz",
            "America/New_York",
            "--columns",
            "conversion_id,conversion_time,payout,sub1,sub2",
        ],
    );
    assert_eq!(
        csv,
        concat!(
            "conversion_id,conversion_time,payout,sub1,sub2\n",
            "5005,2026-11-02T07:05:00-05:00,1.00,,\n",
            "5004,2026-11-02T00:00:00-05:00,3.00,\tTAB,\"\rCR\"\n",
            "5003,2026-11-01T23:30:00-05:00,-1.25,@SUM(A1:A9),\n",
            "5002,2026-11-01T00:00:00-04:00,0.20,+1-555-0100,\"ad,\"\"quoted\"\"\nsecond line, ünïcødé ✓\"\n",
            "5001,2026-10-31T23:30:00-04:00,0.10,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",\n",
        )
    );
}

#[test]
fn json_uses_everflow_names_exact_money_and_rfc3339_times() {
    let server = filled_server();
    let run = evarchive(
        &server.db,
        &[
            "query",
            "conversions",
            "--format",
            "json",
            "--limit",
            "2",
            "--columns",
            "conversion_id,conversion_time,payout,revenue,offer_id,affiliate_name,is_current",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            "[\n",
            "{\"conversion_id\":\"5005\",\"conversion_time\":\"2026-11-02T12:05:00+00:00\",\"payout\":1.00,\"revenue\":2.00,\"offer_id\":2,\"affiliate_name\":\"Orchid Partners\",\"is_current\":true},\n",
            "{\"conversion_id\":\"5004\",\"conversion_time\":\"2026-11-02T05:00:00+00:00\",\"payout\":3.00,\"revenue\":5.00,\"offer_id\":3,\"affiliate_name\":\"Bluefin Traffic\",\"is_current\":true}\n",
            "]\n",
        )
    );
    assert!(
        run.stderr
            .contains("more than 2 conversions matched; showing the newest 2"),
        "{}",
        run.stderr
    );
}

/// Conversion ids a query prints, newest first.
fn ids(db: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "query",
        "conversions",
        "--format",
        "csv",
        "--columns",
        "conversion_id",
    ];
    args.extend_from_slice(extra);
    stdout_of(db, &args)
        .lines()
        .skip(1)
        .map(str::to_owned)
        .collect()
}

#[test]
fn calendar_days_start_at_midnight_in_the_zone_and_the_dst_day_has_25_hours() {
    let server = filled_server();
    let db = &server.db;
    // 1 Nov 2026 in New York runs from 04:00Z to 05:00Z the next day.
    assert_eq!(
        ids(
            db,
            &[
                "--since",
                "2026-11-01",
                "--until",
                "2026-11-02",
                "--tz",
                "America/New_York"
            ]
        ),
        ["5003", "5002"]
    );
    assert_eq!(
        ids(db, &["--since", "2026-11-01", "--until", "2026-11-02"]),
        ["5002", "5001"]
    );
    // "yesterday" and "today" relative to the pinned now (2026-11-03T12:00Z = 07:00 EST).
    assert_eq!(
        ids(
            db,
            &[
                "--since",
                "yesterday",
                "--until",
                "today",
                "--tz",
                "America/New_York"
            ]
        ),
        ["5005", "5004"]
    );
    // Durations count back from now; the window includes its start.
    assert_eq!(ids(db, &["--since", "1d"]), ["5005"]);
    assert_eq!(ids(db, &["--since", "23h"]), Vec::<String>::new());
    assert_eq!(ids(db, &["--since", "2026-11-02T12:05:00Z"]), ["5005"]);
    assert_eq!(ids(db, &["--until", "2026-11-01T04:00:00Z"]), ["5001"]);
    let run = evarchive(
        db,
        &[
            "query",
            "conversions",
            "--since",
            "2026-11-01",
            "--until",
            "2026-11-02",
            "--tz",
            "America/New_York",
        ],
    );
    assert!(
        run.stderr.contains(
            "2026-11-01T04:00:00+00:00 → 2026-11-02T05:00:00+00:00 UTC = 2026-11-01T00:00:00-04:00 → 2026-11-02T00:00:00-05:00 America/New_York"
        ),
        "the resolved window is printed in UTC and in the zone: {}",
        run.stderr
    );
}

#[test]
fn report_by_day_buckets_in_the_zone_and_never_adds_currencies_together() {
    let server = filled_server();
    let run = evarchive(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "day",
            "--tz",
            "America/New_York",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            " day        | currency_id | conversions | payout | revenue | profit\n",
            "------------+-------------+-------------+--------+---------+--------\n",
            " 2026-10-31 | USD         |           1 |   0.10 |    0.30 |   0.20\n",
            " 2026-11-01 | USD         |           2 |  -1.05 |    0.50 |   1.55\n",
            " 2026-11-02 | EUR         |           1 |   3.00 |    5.00 |   2.00\n",
            " 2026-11-02 | USD         |           1 |   1.00 |    2.00 |   1.00\n",
            " TOTAL      | EUR         |           1 |   3.00 |    5.00 |   2.00\n",
            " TOTAL      | USD         |           4 |   0.05 |    2.80 |   2.75\n",
        )
    );
    assert!(
        run.stderr.contains("grouping by currency too"),
        "{}",
        run.stderr
    );

    // The same conversions in UTC days.
    let utc = stdout_of(
        &server.db,
        &["report", "conversions", "--by", "day", "--format", "csv"],
    );
    assert_eq!(
        utc,
        concat!(
            "day,currency_id,conversions,payout,revenue,profit\n",
            "2026-11-01,USD,2,0.30,0.80,0.50\n",
            "2026-11-02,EUR,1,3.00,5.00,2.00\n",
            "2026-11-02,USD,2,-0.25,2.00,2.25\n",
            "TOTAL,EUR,1,3.00,5.00,2.00\n",
            "TOTAL,USD,4,0.05,2.80,2.75\n",
        )
    );
}

#[test]
fn report_totals_are_exact_to_the_cent() {
    let server = filled_server();
    // 0.10 + 0.20 is 0.30, not 0.30000000000000004.
    let json = stdout_of(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "offer",
            "--by",
            "status",
            "--format",
            "json",
            "--until",
            "2026-11-01T05:00:00Z",
        ],
    );
    assert_eq!(
        json,
        concat!(
            "[\n",
            "{\"offer_id\":2,\"offer_name\":\"VPN Annual\",\"status\":\"approved\",\"conversions\":2,\"payout\":0.30,\"revenue\":0.80,\"profit\":0.50},\n",
            "{\"offer_id\":\"TOTAL\",\"offer_name\":null,\"status\":null,\"conversions\":2,\"payout\":0.30,\"revenue\":0.80,\"profit\":0.50}\n",
            "]\n",
        )
    );
    let by_offer = stdout_of(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "offer",
            "--currency",
            "usd",
        ],
    );
    assert_eq!(
        by_offer,
        concat!(
            " offer_id | offer_name     | conversions | payout | revenue | profit\n",
            "----------+----------------+-------------+--------+---------+--------\n",
            " 2        | VPN Annual     |           3 |   1.30 |    2.80 |   1.50\n",
            " 3        | Meal Kit Intro |           1 |  -1.25 |    0.00 |   1.25\n",
            " TOTAL    |                |           4 |   0.05 |    2.80 |   2.75\n",
        )
    );
}

#[test]
fn report_events_counts_events() {
    let server = filled_server();
    let csv = stdout_of(
        &server.db,
        &[
            "report",
            "events",
            "--by",
            "event",
            "--by",
            "affiliate",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        csv,
        concat!(
            "event,affiliate_id,affiliate_name,events,payout,revenue,profit\n",
            "upsell,15,Orchid Partners,1,0.05,0.10,0.05\n",
            "TOTAL,,,1,0.05,0.10,0.05\n",
        )
    );
}
