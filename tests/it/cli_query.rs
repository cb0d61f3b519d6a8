//! `query` and `report` on a small fixed archive: exact table, CSV and JSON
//! output, windows at midnight and across a DST change, exact money totals.

use crate::common;

use common::cli::{evarchive, evarchive_with, stdout_of};
use common::fixture::filled_server;

#[test]
fn the_default_table_shows_current_conversions_newest_first() {
    let server = filled_server();
    let run = evarchive(&server.db, &["query", "conversions"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            " time (UTC)          | conversion_id | status   | payout | revenue | currency | offer_name     | affiliate_name  | country | sub1\n",
            "---------------------+---------------+----------+--------+---------+----------+----------------+-----------------+---------+---------------------------------------\n",
            " 2026-11-02 12:05:00 | 5005          | approved |   1.00 |    2.00 | USD      | VPN Annual     | Orchid Partners | US      |\n",
            " 2026-11-02 05:00:00 | 5004          | rejected |   3.00 |    5.00 | EUR      | Meal Kit Intro | Bluefin Traffic | DE      | \\tTAB\n",
            " 2026-11-02 04:30:00 | 5003          | pending  |  -1.25 |    0.00 | USD      | Meal Kit Intro | Orchid Partners | US      | @SUM(A1:A9)\n",
            " 2026-11-01 04:00:00 | 5002          | approved |   0.20 |    0.50 | USD      | VPN Annual     | Bluefin Traffic | GB      | +1-555-0100\n",
            " 2026-11-01 03:30:00 | 5001          | approved |   0.10 |    0.30 | USD      | VPN Annual     | Orchid Partners | US      | =HYPERLINK(\"http://evil.example\",\"x\")\n",
        )
    );
    assert!(
        run.stderr
            .contains("window the beginning → 2026-11-03T12:00:00+00:00 (now) UTC"),
        "{}",
        run.stderr
    );
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

/// `query conversions` in a terminal `width` columns wide: (table, stderr).
fn table_at(db: &std::path::Path, width: &str) -> (String, String) {
    let run = evarchive_with(db, &["query", "conversions"], &[("COLUMNS", width)]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    (run.stdout, run.stderr)
}

#[test]
fn a_wide_terminal_shows_the_whole_table() {
    let server = filled_server();
    let (wide, stderr) = table_at(&server.db, "200");
    assert_eq!(wide, stdout_of(&server.db, &["query", "conversions"]));
    assert!(!stderr.contains("not shown"), "{stderr}");
}

#[test]
fn at_120_columns_names_shrink_and_sub_ids_give_way() {
    let server = filled_server();
    let (table, stderr) = table_at(&server.db, "120");
    assert_eq!(
        table,
        concat!(
            " time (UTC)          | conversion_id | status   | payout | revenue | currency | offer_name    | affiliate_na… | country\n",
            "---------------------+---------------+----------+--------+---------+----------+---------------+---------------+---------\n",
            " 2026-11-02 12:05:00 | 5005          | approved |   1.00 |    2.00 | USD      | VPN Annual    | Orchid Partn… | US\n",
            " 2026-11-02 05:00:00 | 5004          | rejected |   3.00 |    5.00 | EUR      | Meal Kit Int… | Bluefin Traf… | DE\n",
            " 2026-11-02 04:30:00 | 5003          | pending  |  -1.25 |    0.00 | USD      | Meal Kit Int… | Orchid Partn… | US\n",
            " 2026-11-01 04:00:00 | 5002          | approved |   0.20 |    0.50 | USD      | VPN Annual    | Bluefin Traf… | GB\n",
            " 2026-11-01 03:30:00 | 5001          | approved |   0.10 |    0.30 | USD      | VPN Annual    | Orchid Partn… | US\n",
        )
    );
    assert!(table.lines().all(|line| line.chars().count() <= 120));
    assert!(
        stderr.contains("evarchive: not shown at this terminal width: sub1;"),
        "{stderr}"
    );
}

#[test]
fn at_80_columns_ids_times_statuses_and_money_stay_whole() {
    let server = filled_server();
    let (table, stderr) = table_at(&server.db, "80");
    assert_eq!(
        table,
        concat!(
            " time (UTC)          | conversion_id | status   | payout | revenue | currency\n",
            "---------------------+---------------+----------+--------+---------+----------\n",
            " 2026-11-02 12:05:00 | 5005          | approved |   1.00 |    2.00 | USD\n",
            " 2026-11-02 05:00:00 | 5004          | rejected |   3.00 |    5.00 | EUR\n",
            " 2026-11-02 04:30:00 | 5003          | pending  |  -1.25 |    0.00 | USD\n",
            " 2026-11-01 04:00:00 | 5002          | approved |   0.20 |    0.50 | USD\n",
            " 2026-11-01 03:30:00 | 5001          | approved |   0.10 |    0.30 | USD\n",
        )
    );
    assert!(table.lines().all(|line| line.chars().count() <= 80));
    assert!(
        stderr.contains(
            "evarchive: not shown at this terminal width: offer_name, affiliate_name, country, sub1; name the columns to print with --columns, or use --format csv"
        ),
        "{stderr}"
    );
}

/// Columns named with `--columns` fit 80 columns the same way: ids and money
/// are never cut; what does not fit is left out from the right and named.
#[test]
fn named_columns_fit_80_columns_without_cutting_ids() {
    let server = common::TestServer::start();
    for id in [7001, 7002] {
        let body = common::edited_sample("conversion_registered", |doc| {
            doc["conversion_id"] = serde_json::json!(id);
            doc["sub1"] = serde_json::json!("a-sub-id-longer-than-nine-characters");
            doc["sub2"] = serde_json::json!("x".repeat(30));
        });
        assert_eq!(server.post_kind("conversion_registered", &body).status, 200);
    }
    let run = common::cli::evarchive_with(
        &server.db,
        &[
            "query",
            "conversions",
            "--since",
            "2025-11-01",
            "--columns",
            "conversion_id,transaction_id,status,payout,affiliate_name,sub1,sub2",
        ],
        &[("COLUMNS", "80")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            " conversion_id | transaction_id                   | status   | payout\n",
            "---------------+----------------------------------+----------+--------\n",
            " 7002          | d06fced9009dc26cebe7b656b480bee9 | approved |   2.50\n",
            " 7001          | d06fced9009dc26cebe7b656b480bee9 | approved |   2.50\n",
        )
    );
    assert!(
        run.stderr
            .contains("evarchive: not shown at this terminal width: affiliate_name, sub1, sub2;"),
        "{}",
        run.stderr
    );
}
