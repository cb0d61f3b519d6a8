//! `evarchive export`: what it writes reads back exactly (CSV, TSV, JSON,
//! NDJSON), the spreadsheet profile defuses formulas, `-o` writes whole files,
//! `export | head` exits quietly, and every WHAT exports its records.

use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use common::cli::{evarchive, stdout_of};
use common::fixture::{CONVERSIONS, FixtureConversion, NOW, filled_server};
use common::{ALL_KINDS, edited_sample};
use serde_json::json;

/// Every conversion column, in dataset order.
const CONVERSION_HEADER: &str = concat!(
    "conversion_id,transaction_id,status,is_event,event,conversion_time,click_time,",
    "received_at,payout,revenue,sale_amount,currency_id,payout_type,revenue_type,",
    "offer_id,offer_name,offer_status,advertiser_id,advertiser_name,affiliate_id,",
    "affiliate_name,sub1,sub2,sub3,sub4,sub5,sub6,sub7,sub8,sub9,sub10,",
    "adv1,adv2,adv3,adv4,adv5,adv6,adv7,adv8,adv9,adv10,source_id,coupon_code,",
    "order_id,is_view_through,country,region,city,dma,session_user_ip,",
    "conversion_user_ip,platform,device_type,browser,http_user_agent,isp,url,",
    "referer,notes,error_code,error_message,query_parameters,is_current,time_source",
);

const UTF8_BOM: char = '\u{feff}';

type Row = BTreeMap<String, String>;

/// The header and the rows of delimited text, each row by column name.
fn parse_delimited(text: &str, delimiter: u8) -> (Vec<String>, Vec<Row>) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("a header row")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|record| {
            let record = record.expect("a well-formed record");
            header
                .iter()
                .cloned()
                .zip(record.iter().map(str::to_owned))
                .collect()
        })
        .collect();
    (header, rows)
}

/// The current version of each fixture conversion, newest first (the export's order).
fn current_conversions() -> Vec<&'static FixtureConversion> {
    let mut current: Vec<&FixtureConversion> = Vec::new();
    for conversion in CONVERSIONS.iter().rev() {
        if !current.iter().any(|c| c.id == conversion.id) {
            current.push(conversion);
        }
    }
    current
}

/// Money as the exporter prints it: the sent decimal with at least two places.
fn money_text(sent: &str) -> String {
    match sent.split_once('.') {
        None => format!("{sent}.00"),
        Some((_, fraction)) if fraction.len() < 2 => format!("{sent}0"),
        Some(_) => sent.to_owned(),
    }
}

/// Each row holds exactly what the fixture sent, in newest-first order.
fn assert_rows_match_fixture(rows: &[Row]) {
    let expected = current_conversions();
    assert_eq!(rows.len(), expected.len());
    for (row, sent) in rows.iter().zip(expected) {
        let id = sent.id.to_string();
        let expected_fields = [
            ("conversion_id", id.as_str()),
            ("status", sent.status),
            ("payout", &money_text(sent.payout)),
            ("revenue", &money_text(sent.revenue)),
            ("sub1", sent.sub1),
            ("sub2", sent.sub2),
            ("sub3", sent.sub3),
            ("transaction_id", sent.transaction_id),
        ];
        for (column, value) in expected_fields {
            assert_eq!(row[column], value, "{column} of conversion {id}");
        }
    }
}

/// The record terminators found outside quoted fields, in order.
fn terminators_outside_quotes(text: &str) -> Vec<&'static str> {
    let bytes = text.as_bytes();
    let mut in_quotes = false;
    let mut found = Vec::new();
    for (index, &byte) in bytes.iter().enumerate() {
        match byte {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes && index > 0 && bytes[index - 1] == b'\r' => found.push("\r\n"),
            b'\n' if !in_quotes => found.push("\n"),
            b'\r' if !in_quotes && bytes.get(index + 1) != Some(&b'\n') => found.push("\r"),
            _ => {}
        }
    }
    found
}

fn row_of(rows: &[Row], id: i64) -> &Row {
    let id = id.to_string();
    rows.iter()
        .find(|row| row["conversion_id"] == id)
        .unwrap_or_else(|| panic!("conversion {id} exported"))
}

#[test]
fn csv_and_tsv_read_back_every_value_unchanged() {
    let server = filled_server();
    // CSV is the default.
    for (format, delimiter) in [(None, b','), (Some("tsv"), b'\t')] {
        let mut args = vec!["export", "conversions"];
        args.extend(format.map(|f| ["--format", f]).iter().flatten());
        let (header, rows) = parse_delimited(&stdout_of(&server.db, &args), delimiter);
        assert_eq!(header.join(","), CONVERSION_HEADER, "{format:?}");
        // Plain CSV/TSV is for programs: formula-like sub ids stay exactly as sent.
        assert_rows_match_fixture(&rows);
    }
}

#[test]
fn excel_profile_defuses_formulas_and_keeps_numbers_and_long_ids() {
    let server = filled_server();
    let printed = stdout_of(&server.db, &["export", "conversions", "--excel"]);
    let body = printed
        .strip_prefix(UTF8_BOM)
        .expect("starts with the UTF-8 BOM");
    assert_eq!(terminators_outside_quotes(body), vec!["\r\n"; 6]);
    let (header, rows) = parse_delimited(body, b',');
    assert_eq!(header.join(","), CONVERSION_HEADER);

    let defused = [
        (5001, "sub1", CONVERSIONS[0].sub1),
        (5002, "sub1", CONVERSIONS[1].sub1),
        (5003, "sub1", CONVERSIONS[2].sub1),
        (5003, "sub3", CONVERSIONS[2].sub3),
        (5004, "sub1", CONVERSIONS[3].sub1),
        (5004, "sub2", CONVERSIONS[3].sub2),
    ];
    for (id, column, sent) in defused {
        assert_eq!(
            row_of(&rows, id)[column],
            format!("'{sent}"),
            "{column} of {id}"
        );
    }
    // Harmless text, even with quotes and a newline, is left alone.
    assert_eq!(row_of(&rows, 5002)["sub2"], CONVERSIONS[1].sub2);
    // A negative amount is a number, not a formula.
    assert_eq!(row_of(&rows, 5003)["payout"], "-1.25");
    assert_eq!(
        row_of(&rows, 5004)["transaction_id"],
        "=\"1234567890123456\""
    );
}

#[test]
fn excel_keeps_number_and_date_lookalikes_as_the_text_they_are() {
    let server = filled_server();
    let lookalikes = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(6301);
        doc["conversion_unix_timestamp"] = json!(1_762_000_000);
        doc["sub1"] = json!("000123");
        doc["sub2"] = json!("12/03");
        doc["sub3"] = json!("1-2");
        doc["sub4"] = json!("1e5");
        doc["sub5"] = json!("42");
    });
    assert_eq!(
        server
            .post_kind("conversion_registered", &lookalikes)
            .status,
        200
    );
    let printed = stdout_of(
        &server.db,
        &[
            "export",
            "conversions",
            "--excel",
            "--conversion-id",
            "6301",
            "--columns",
            "conversion_id,sub1,sub2,sub3,sub4,sub5,payout",
        ],
    );
    assert_eq!(
        printed,
        concat!(
            "\u{feff}conversion_id,sub1,sub2,sub3,sub4,sub5,payout\r\n",
            "6301,\"=\"\"000123\"\"\",\"=\"\"12/03\"\"\",\"=\"\"1-2\"\"\",\"=\"\"1e5\"\"\",42,2.50\r\n",
        )
    );
    // Plain CSV gives programs the values unchanged.
    let plain = stdout_of(
        &server.db,
        &[
            "export",
            "conversions",
            "--conversion-id",
            "6301",
            "--columns",
            "sub1,sub2,sub3,sub4",
        ],
    );
    assert_eq!(plain, "sub1,sub2,sub3,sub4\n000123,12/03,1-2,1e5\n");
}

#[test]
fn excel_times_are_plain_date_times_in_the_zone() {
    let server = filled_server();
    let time_of_5002 = |extra: &[&str]| {
        let mut args = vec!["export", "conversions", "--excel"];
        args.extend_from_slice(extra);
        let printed = stdout_of(&server.db, &args);
        let body = printed.strip_prefix(UTF8_BOM).expect("BOM");
        let (_, rows) = parse_delimited(body, b',');
        row_of(&rows, 5002)["conversion_time"].clone()
    };
    assert_eq!(time_of_5002(&[]), "2026-11-01 04:00:00");
    assert_eq!(
        time_of_5002(&["--tz", "America/New_York"]),
        "2026-11-01 00:00:00"
    );
}

#[test]
fn output_file_is_written_whole_and_nothing_goes_to_stdout() {
    let server = filled_server();
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("conversions.csv");
    let run = evarchive(
        &server.db,
        &["export", "conversions", "-o", file.to_str().expect("path")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(run.stdout, "");
    let written = std::fs::read_to_string(&file).expect("the file is written");
    assert_eq!(written, stdout_of(&server.db, &["export", "conversions"]));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|entry| entry.expect("entry").file_name())
        .collect();
    assert_eq!(names, ["conversions.csv"], "no .partial left behind");
}

#[test]
fn json_and_ndjson_carry_money_as_exact_numbers() {
    let server = filled_server();
    let printed = stdout_of(&server.db, &["export", "conversions", "--format", "json"]);
    assert!(printed.contains(r#""payout":0.10"#), "{printed}");
    // Raw values keep each number's exact text (a `Value` would hold an f64).
    type RawRow<'a> = HashMap<String, &'a serde_json::value::RawValue>;
    let raw_rows: Vec<RawRow<'_>> = serde_json::from_str(&printed).expect("valid JSON");
    assert_eq!(raw_rows.len(), 5);
    for (row, sent) in raw_rows.iter().zip(current_conversions()) {
        let payout: serde_json::Value = serde_json::from_str(row["payout"].get()).expect("JSON");
        assert!(payout.is_number(), "{row:?}");
        assert_eq!(row["payout"].get(), money_text(sent.payout));
        let id: serde_json::Value = serde_json::from_str(row["conversion_id"].get()).expect("JSON");
        assert_eq!(id, json!(sent.id.to_string()));
    }
    let rows: serde_json::Value = serde_json::from_str(&printed).expect("valid JSON");
    let rows = rows.as_array().expect("an array");

    let lines = stdout_of(&server.db, &["export", "conversions", "--format", "ndjson"]);
    let objects: Vec<serde_json::Value> = lines
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON value per line"))
        .collect();
    assert_eq!(objects.len(), 5);
    assert!(objects.iter().all(serde_json::Value::is_object));
    assert_eq!(objects, *rows, "NDJSON holds the same objects as JSON");
}

/// Adds `count` conversions (ids from 100000) through the server, 4 clients at once.
fn add_conversions(server: &common::TestServer, count: i64) {
    std::thread::scope(|scope| {
        for client in 0..4 {
            scope.spawn(move || {
                for id in (100_000 + client..100_000 + count).step_by(4) {
                    let body = edited_sample("conversion_registered", |doc| {
                        doc["conversion_id"] = json!(id);
                    });
                    let reply = server.post_kind("conversion_registered", &body);
                    assert_eq!(reply.status, 200, "{id}: {:?}", reply.json);
                }
            });
        }
    });
}

#[test]
fn export_into_a_closed_pipe_exits_0_quietly() {
    let server = filled_server();
    // Far more than the pipe and the writer's buffer hold, so the export is
    // still writing when the reader goes away.
    add_conversions(&server, 1500);
    let mut child = Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(&server.db)
        .args(["export", "conversions"])
        .env("EVARCHIVE_NOW", NOW)
        .env_remove("EVARCHIVE_TZ")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("export starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped stdout"))
        .read_line(&mut first)
        .expect("one line");
    assert_eq!(first, format!("{CONVERSION_HEADER}\n"));
    // The reader is dropped above: like `| head -1`.
    let output = child.wait_with_output().expect("export ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    // No error, and no "exported N" either: the export really was cut short.
    assert_eq!(
        stderr,
        "evarchive: window the beginning → 2026-11-03T12:00:00+00:00 (now) UTC (by the time of the fact)\n"
    );
}

#[test]
fn every_what_exports_its_records() {
    let server = filled_server();
    // Every sample but conversions and events, six conversions, one event.
    let posts = ALL_KINDS.len() - 2 + CONVERSIONS.len() + 1;
    let expected = [
        ("conversions", 5),
        ("events", 1),
        ("offers", 1),
        ("advertisers", 1),
        ("partners", 1),
        ("affiliates", 1),
        ("verdicts", 1),
        ("approvals", 1),
        ("blocked", 3),
        ("deliveries", posts),
    ];
    for (what, rows) in expected {
        // Deliveries are dated by their arrival, on the real clock, which is
        // after the fixture's pinned "now".
        let printed = stdout_of(&server.db, &["export", what, "--until", "2100-01-01"]);
        assert_eq!(
            parse_delimited(&printed, b',').1.len(),
            rows,
            "export {what}"
        );
    }
}
