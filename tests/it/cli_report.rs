//! `report` on the fixed archive: count, payout and revenue per status side by
//! side, profit from approved conversions only, one total per currency, exact
//! sums; the same in CSV for a spreadsheet or a file. Fitted to a terminal:
//! `cli_report_narrow.rs`.

use crate::common;

use common::TOKEN;
use common::cli::{evarchive, stdout_of};
use common::fixture::filled_server;
use common::{edited_sample, reply_of};
use serde_json::json;

#[test]
fn statuses_sit_side_by_side_and_profit_counts_approved_only() {
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
    // 5003 is pending at -1.25 and 5004 rejected at 3.00 EUR: neither is in
    // the profit, and the euros are never added to the dollars.
    assert_eq!(
        run.stdout,
        concat!(
            "                       | approved                 | pending                  | rejected                 | invalid                  |\n",
            " day        | currency | count | payout | revenue | count | payout | revenue | count | payout | revenue | count | payout | revenue | profit\n",
            "------------+----------+-------+--------+---------+-------+--------+---------+-------+--------+---------+-------+--------+---------+--------\n",
            " 2026-10-31 | USD      |     1 |   0.10 |    0.30 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |   0.20\n",
            " 2026-11-01 | USD      |     1 |   0.20 |    0.50 |     1 |  -1.25 |    0.00 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |   0.30\n",
            " 2026-11-02 | EUR      |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |     1 |   3.00 |    5.00 |     0 |   0.00 |    0.00 |   0.00\n",
            " 2026-11-02 | USD      |     1 |   1.00 |    2.00 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |   1.00\n",
            " TOTAL      | EUR      |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |     1 |   3.00 |    5.00 |     0 |   0.00 |    0.00 |   0.00\n",
            " TOTAL      | USD      |     3 |   1.30 |    2.80 |     1 |  -1.25 |    0.00 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |   1.50\n",
        )
    );
    assert!(
        run.stderr
            .contains("amounts in 2 currencies; each has its own total"),
        "{}",
        run.stderr
    );
}

#[test]
fn csv_reports_name_every_column_and_use_utc_days_by_default() {
    let server = filled_server();
    let csv = stdout_of(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "day",
            "--format",
            "csv",
            "--status",
            "approved,pending",
        ],
    );
    assert_eq!(
        csv,
        concat!(
            "day,currency_id,approved_count,approved_payout,approved_revenue,pending_count,pending_payout,pending_revenue,profit\n",
            "2026-11-01,USD,2,0.30,0.80,0,0.00,0.00,0.50\n",
            "2026-11-02,USD,1,1.00,2.00,1,-1.25,0.00,1.00\n",
            "TOTAL,USD,3,1.30,2.80,1,-1.25,0.00,1.50\n",
        )
    );
    // Without approved among the statuses there is no profit to show.
    let rejected = stdout_of(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "offer",
            "--status",
            "rejected",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        rejected,
        concat!(
            "offer_id,offer_name,currency_id,rejected_count,rejected_payout,rejected_revenue\n",
            "3,Meal Kit Intro,EUR,1,3.00,5.00\n",
            "TOTAL,,EUR,1,3.00,5.00\n",
        )
    );
}

#[test]
fn totals_are_exact_to_the_cent() {
    let server = filled_server();
    // 0.10 + 0.20 is 0.30, not 0.30000000000000004.
    let json = stdout_of(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "offer",
            "--format",
            "json",
            "--until",
            "2026-11-01T05:00:00Z",
            "--columns",
            "offer_id,currency_id,approved_count,approved_payout,approved_revenue,profit",
        ],
    );
    assert_eq!(
        json,
        concat!(
            "[\n",
            "{\"offer_id\":2,\"currency_id\":\"USD\",\"approved_count\":2,\"approved_payout\":0.30,\"approved_revenue\":0.80,\"profit\":0.50},\n",
            "{\"offer_id\":\"TOTAL\",\"currency_id\":\"USD\",\"approved_count\":2,\"approved_payout\":0.30,\"approved_revenue\":0.80,\"profit\":0.50}\n",
            "]\n",
        )
    );
}

#[test]
fn a_conversion_without_a_currency_is_labelled_not_a_second_currency() {
    let server = filled_server();
    // A GET postback that names no currency.
    let url = server.url(&format!(
        "/webhooks/conversion_registered?token={TOKEN}&conversion_id=7001&conversion_unix_timestamp=1762000000&status=approved&payout=1.50&revenue=2.00&offer_id=2&currency_id=USD"
    ));
    assert_eq!(reply_of(ureq::get(&url).call().expect("GET")).status, 200);
    let url = server.url(&format!(
        "/webhooks/conversion_registered?token={TOKEN}&conversion_id=7002&conversion_unix_timestamp=1762000000&status=approved&payout=0.25&offer_id=2"
    ));
    assert_eq!(reply_of(ureq::get(&url).call().expect("GET")).status, 200);
    let run = evarchive(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "offer",
            "--offer",
            "2",
            "--status",
            "approved",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            "                                  | approved                 |\n",
            " offer_id | offer_name | currency | count | payout | revenue | profit\n",
            "----------+------------+----------+-------+--------+---------+--------\n",
            " 2        | VPN Annual | (none)   |     1 |   0.25 |    0.00 |  -0.25\n",
            " 2        | VPN Annual | USD      |     4 |   2.80 |    4.80 |   2.00\n",
            " TOTAL    |            | (none)   |     1 |   0.25 |    0.00 |  -0.25\n",
            " TOTAL    |            | USD      |     4 |   2.80 |    4.80 |   2.00\n",
        )
    );
    assert!(!run.stderr.contains("currencies"), "{}", run.stderr);
    // Programs get the missing currency as missing.
    let csv = stdout_of(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "currency",
            "--status",
            "approved",
            "--format",
            "csv",
            "--offer",
            "2",
        ],
    );
    assert_eq!(
        csv,
        concat!(
            "currency_id,approved_count,approved_payout,approved_revenue,profit\n",
            ",1,0.25,0.00,-0.25\n",
            "USD,4,2.80,4.80,2.00\n",
        )
    );
}

#[test]
fn statuses_outside_everflows_four_are_counted_as_other() {
    let server = filled_server();
    let odd = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(7100);
        doc["conversion_unix_timestamp"] = json!(1_762_000_000);
        doc["status"] = json!("paid");
        doc["payout"] = json!("9.99");
    });
    assert_eq!(server.post_kind("conversion_registered", &odd).status, 200);
    let run = evarchive(
        &server.db,
        &[
            "report",
            "conversions",
            "--by",
            "currency",
            "--format",
            "csv",
            "--currency",
            "usd",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            "currency_id,approved_count,approved_payout,approved_revenue,pending_count,pending_payout,pending_revenue,rejected_count,rejected_payout,rejected_revenue,invalid_count,invalid_payout,invalid_revenue,other_count,other_payout,other_revenue,profit\n",
            "USD,3,1.30,2.80,1,-1.25,0.00,0,0.00,0.00,0,0.00,0.00,1,9.99,4.00,1.50\n",
        )
    );
    assert!(
        run.stderr.contains(
            "1 conversions have a status other than approved, pending, rejected, invalid; they are counted under other"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn excel_and_csv_are_honoured_alike_and_a_file_is_never_half_written() {
    let server = filled_server();
    let args = [
        "report",
        "conversions",
        "--by",
        "offer",
        "--status",
        "approved",
    ];
    let excel = stdout_of(&server.db, &[&args[..], &["--excel"]].concat());
    let excel_csv = stdout_of(
        &server.db,
        &[&args[..], &["--excel", "--format", "csv"]].concat(),
    );
    assert_eq!(excel, excel_csv);
    assert_eq!(
        excel,
        concat!(
            "\u{feff}offer_id,offer_name,currency_id,approved_count,approved_payout,approved_revenue,profit\r\n",
            "2,VPN Annual,USD,3,1.30,2.80,1.50\r\n",
            "TOTAL,,USD,3,1.30,2.80,1.50\r\n",
        )
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("report.csv");
    let path = file.to_str().expect("path");
    let run = evarchive(&server.db, &[&args[..], &["-o", path]].concat());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "", "the report went to the file");
    let written = std::fs::read_to_string(&file).expect("the report file");
    assert_eq!(
        written,
        stdout_of(&server.db, &[&args[..], &["--format", "csv"]].concat())
    );
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.csv"], "no partial file left behind");
}

#[test]
fn a_month_is_its_calendar_days_in_the_zone() {
    let server = filled_server();
    let report = |month: &str, zone: &str| {
        stdout_of(
            &server.db,
            &[
                "report",
                "conversions",
                "--by",
                "currency",
                "--month",
                month,
                "--tz",
                zone,
                "--format",
                "csv",
                "--columns",
                "currency_id,approved_count,pending_count,rejected_count",
            ],
        )
    };
    // 5001 (03:30 UTC on 1 Nov) is still October in New York.
    assert_eq!(
        report("2026-11", "UTC"),
        "currency_id,approved_count,pending_count,rejected_count\nEUR,0,0,1\nUSD,3,1,0\n"
    );
    assert_eq!(
        report("2026-11", "America/New_York"),
        "currency_id,approved_count,pending_count,rejected_count\nEUR,0,0,1\nUSD,2,1,0\n"
    );
    assert_eq!(
        report("2026-10", "America/New_York"),
        "currency_id,approved_count,pending_count,rejected_count\nUSD,1,0,0\n"
    );
}

#[test]
fn events_report_by_event_and_partner() {
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
    // The fixture's event is rejected: counted, but no profit.
    assert_eq!(
        csv,
        concat!(
            "event,affiliate_id,affiliate_name,currency_id,approved_count,approved_payout,approved_revenue,pending_count,pending_payout,pending_revenue,rejected_count,rejected_payout,rejected_revenue,invalid_count,invalid_payout,invalid_revenue,profit\n",
            "upsell,15,Orchid Partners,USD,0,0.00,0.00,0,0.00,0.00,1,0.05,0.10,0,0.00,0.00,0.00\n",
            "TOTAL,,,USD,0,0.00,0.00,0,0.00,0.00,1,0.05,0.10,0,0.00,0.00,0.00\n",
        )
    );
}
