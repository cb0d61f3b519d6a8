//! `evarchive reconcile` with the real binary against a stand-in for
//! Everflow's conversions report (tests/it/common/fake_everflow.rs, the
//! documented contract only): findings and their exit code 3, paging and
//! retries, --apply making query and report agree with Everflow, and the API
//! key kept out of every output and of the archive.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{Run, evarchive_watched, evarchive_with, proc_kib, stdout_of};
use common::fake_everflow::{FakeEverflow, Hostile, OUT_OF_REALM_KEY, Scripted};
use common::serving::ServeProcess;
use common::{TOKEN, TestServer, edited_sample, sample};
use evarchive::config::{ApiKey, ApiSettings, BackgroundPlan};
use serde_json::{Value, json};

const KEY: &str = "eflow-key-5f1e9a7c3b2d4e6f";
/// 2026-11-01T10:00:00Z and 2026-11-02T15:00:00Z: one in each day reconciled.
const DAY_ONE: i64 = 1_793_527_200;
const DAY_TWO: i64 = 1_793_631_600;
const WINDOW: [&str; 5] = [
    "reconcile",
    "--since",
    "2026-11-01",
    "--until",
    "2026-11-03",
];

/// A conversion (or, with an event name, a post-conversion event) as the
/// webhook carries it.
fn webhook(
    id: i64,
    transaction: &str,
    time: i64,
    status: &str,
    payout: f64,
    event: &str,
) -> Vec<u8> {
    let kind = if event.is_empty() {
        "conversion_registered"
    } else {
        "event_registered"
    };
    edited_sample(kind, |doc| {
        doc["conversion_id"] = json!(id);
        doc["transaction_id"] = json!(transaction);
        doc["conversion_unix_timestamp"] = json!(time);
        doc["status"] = json!(status);
        doc["payout"] = json!(payout);
        doc["revenue"] = json!(4.0);
        doc["sale_amount"] = json!(0);
        doc["is_event"] = json!(!event.is_empty());
        doc["event"] = json!(event);
    })
}

/// The same conversion as a report row (API.md 2.5): a string id, `Base`
/// for a base conversion, a country name, a numeric dma, and the
/// relationships' `network_id`.
fn report_row(webhook_body: &[u8], id: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let mut row: Value = serde_json::from_slice(webhook_body).expect("JSON");
    row["conversion_id"] = json!(id);
    if row["event"] == json!("") {
        row["event"] = json!("Base");
    }
    row["country"] = json!("United States");
    row["dma"] = json!(803);
    row["relationship"]["offer"]["network_id"] = json!(1);
    edit(&mut row);
    row
}

fn archive_with(bodies: &[&[u8]]) -> TestServer {
    let server = TestServer::start();
    for body in bodies {
        let event = serde_json::from_slice::<Value>(body).expect("JSON")["is_event"] == json!(true);
        let kind = if event {
            "event_registered"
        } else {
            "conversion_registered"
        };
        assert_eq!(server.post_kind(kind, body).status, 200);
    }
    server
}

fn reconcile(db: &Path, api: &FakeEverflow, extra: &[&str]) -> Run {
    run_against(db, api, &[&WINDOW[..], extra].concat())
}

fn run_against(db: &Path, api: &FakeEverflow, args: &[&str]) -> Run {
    let run = evarchive_with(
        db,
        args,
        &[
            ("EVARCHIVE_EVERFLOW_API_BASE", &api.base),
            ("EVARCHIVE_EVERFLOW_API_KEY", api.key()),
        ],
    );
    assert!(
        !run.stdout.contains(KEY) && !run.stderr.contains(KEY),
        "{run:?}"
    );
    run
}

fn findings(run: &Run) -> Vec<Value> {
    serde_json::from_str::<Vec<Value>>(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
}

#[test]
fn missing_changed_and_unknown_conversions_are_listed_and_exit_3() {
    let a = webhook(10000001, "tx-a", DAY_ONE, "approved", 2.5, "");
    let b = webhook(10000002, "tx-b", DAY_TWO, "approved", 2.5, "");
    let c = webhook(10000003, "tx-c", DAY_ONE + 60, "pending", 1.0, "");
    let d = webhook(10000004, "tx-d", DAY_TWO + 60, "approved", 3.0, "");
    let e = webhook(20000001, "tx-a", DAY_ONE + 120, "approved", 1.0, "upsell");
    let rows = vec![
        report_row(&a, "10000001", |_| {}),
        report_row(&b, "10000002", |row| {
            row["status"] = json!("rejected");
            row["payout"] = json!(0);
        }),
        report_row(&d, "10000004", |_| {}),
        // Everflow's 32-hex spelling of the event's id: matched by
        // transaction_id + is_event + event.
        report_row(&e, "9c0534c99eb34b57bda16f92b6d5d3d4", |_| {}),
    ];
    let api = FakeEverflow::start(KEY, rows, 2);
    let server = archive_with(&[&a, &b, &c, &e]);
    server.stop_keeping_archive(|db| {
        let run = reconcile(db, &api, &["--format", "json"]);
        assert_eq!(run.code, Some(3), "{run:?}");
        let listed: Vec<(String, String)> = findings(&run)
            .iter()
            .map(|f| (f["finding"].to_string(), f["conversion_id"].to_string()))
            .collect();
        let expected = [
            (r#""unknown_to_everflow""#, r#""10000003""#),
            (r#""changed""#, r#""10000002""#),
            (r#""missing""#, r#""10000004""#),
        ];
        assert_eq!(listed.len(), 3, "{run:?}");
        for (finding, id) in expected {
            assert!(
                listed.contains(&(finding.to_owned(), id.to_owned())),
                "{listed:?}"
            );
        }
        let changed = findings(&run)
            .into_iter()
            .find(|f| f["finding"] == "changed")
            .expect("changed");
        assert_eq!(changed["status_archived"], "approved");
        assert_eq!(changed["status_everflow"], "rejected");
        assert!(
            run.stdout
                .contains(r#""payout_archived":2.50,"payout_everflow":0.00"#),
            "{}",
            run.stdout
        );
        assert_eq!(
            changed["revenue_everflow"],
            Value::Null,
            "only what differs"
        );
        assert_eq!(changed["transaction_id"], "tx-b");
        assert!(
            run.stderr
                .contains("matched 2 by conversion_id, 1 by transaction_id"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("1 missing, 1 changed, 1 unknown to Everflow"),
            "{}",
            run.stderr
        );
        // The table names the same findings.
        let table = reconcile(db, &api, &[]);
        assert_eq!(table.code, Some(3));
        assert!(table.stdout.contains("unknown_to_everflow") && table.stdout.contains("missing"));
    });
}

#[test]
fn agreement_after_retries_exits_0_and_every_request_follows_the_contract() {
    let a = webhook(10000001, "tx-a", DAY_ONE, "approved", 2.5, "");
    let b = webhook(10000002, "tx-b", DAY_TWO, "pending", 2.5, "");
    let e = webhook(20000001, "tx-a", DAY_ONE + 120, "approved", 1.0, "upsell");
    let rows = vec![
        report_row(&a, "10000001", |_| {}),
        report_row(&b, "10000002", |_| {}),
        report_row(&e, "20000001", |_| {}),
    ];
    let api = FakeEverflow::start(KEY, rows, 1);
    api.script(&[
        Scripted {
            status: 429,
            retry_after: Some("1"),
        },
        Scripted {
            status: 429,
            retry_after: None,
        },
        Scripted {
            status: 500,
            retry_after: None,
        },
    ]);
    let server = archive_with(&[&a, &b, &e]);
    server.stop_keeping_archive(|db| {
        let run = reconcile(db, &api, &["--format", "csv"]);
        assert_eq!(run.code, Some(0), "{run:?}");
        assert_eq!(
            run.stdout.lines().count(),
            1,
            "only the header: {}",
            run.stdout
        );
        assert!(
            run.stderr.contains("Everflow 2, archive 2 (2 page(s)"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("Everflow 1, archive 1"),
            "{}",
            run.stderr
        );
    });
    let seen = api.seen();
    // Three scripted answers, then two pages of one row and one page.
    assert_eq!(seen.len(), 6, "{seen:?}");
    for request in &seen {
        assert_eq!(request.key.as_deref(), Some(KEY));
        assert!(
            request.target.contains("page_size=2000"),
            "{}",
            request.target
        );
        assert_eq!(request.body["timezone_id"], 67);
        assert_eq!(request.body["show_conversions"], true);
        assert_eq!(request.body["show_events"], true);
    }
    assert!(seen[4].target.contains("page=2"), "{}", seen[4].target);
    assert_eq!(seen[0].body["from"], "2026-10-31 23:59:00");
    assert_eq!(seen[5].body["to"], "2026-11-03 00:00:00");
}

#[test]
fn apply_archives_what_everflow_holds_so_query_and_report_agree() {
    let a = webhook(10000001, "tx-a", DAY_ONE, "approved", 2.5, "");
    let b = webhook(10000002, "tx-b", DAY_TWO, "approved", 2.5, "");
    let d = webhook(10000004, "tx-d", DAY_TWO + 60, "approved", 3.0, "");
    let rows = vec![
        report_row(&a, "10000001", |_| {}),
        report_row(&b, "10000002", |row| row["status"] = json!("rejected")),
        report_row(&d, "10000004", |_| {}),
    ];
    let api = FakeEverflow::start(KEY, rows, 2000);
    let server = archive_with(&[&a, &b]);
    server.stop_keeping_archive(|db| {
        let run = reconcile(db, &api, &["--apply"]);
        assert_eq!(run.code, Some(3), "{run:?}");
        assert!(
            run.stderr.contains("archived 2 report row(s)"),
            "{}",
            run.stderr
        );
        let again = reconcile(db, &api, &[]);
        assert_eq!(again.code, Some(0), "{again:?}");
        let applying_again = reconcile(db, &api, &["--apply"]);
        assert_eq!(applying_again.code, Some(0), "{applying_again:?}");

        let query = stdout_of(
            db,
            &[
                "query",
                "conversions",
                "--since",
                "2026-11-01",
                "--until",
                "2026-11-03",
                "--format",
                "csv",
                "--columns",
                "conversion_id,status,payout,country",
            ],
        );
        let mut lines: Vec<&str> = query.lines().collect();
        lines.sort_unstable();
        assert_eq!(
            lines,
            [
                "10000001,approved,2.50,US",
                "10000002,rejected,2.50,United States",
                "10000004,approved,3.00,United States",
                "conversion_id,status,payout,country",
            ]
        );
        let report = stdout_of(
            db,
            &[
                "report",
                "conversions",
                "--by",
                "offer",
                "--format",
                "csv",
                "--since",
                "2026-11-01",
                "--until",
                "2026-11-03",
                "--columns",
                "offer_id,approved_count,approved_payout,rejected_count",
            ],
        );
        assert!(report.contains("\n2,2,5.50,1"), "{report}");
        for file in ["", "-wal"] {
            let mut path = db.as_os_str().to_owned();
            path.push(file);
            if let Ok(bytes) = std::fs::read(&path) {
                assert!(
                    !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
                    "key in {path:?}"
                );
            }
        }
        let dump = stdout_of(db, &["dump"]);
        assert_eq!(dump.matches(r#""method":"API""#).count(), 2, "{dump}");
        // The log of deliveries shows where they came from.
        let sources = stdout_of(
            db,
            &[
                "query",
                "deliveries",
                "--until",
                "2100-01-01",
                "--format",
                "csv",
                "--columns",
                "method,kind_source",
            ],
        );
        assert_eq!(sources.matches("API,api").count(), 2, "{sources}");
        assert_eq!(sources.matches(",api").count(), 2, "{sources}");
        stdout_of(db, &["verify"]);
        // dump | import keeps them as they came.
        let dumped = db.with_file_name("dump.ndjson");
        std::fs::write(&dumped, &dump).expect("write the dump");
        let copy = db.with_file_name("copy.db");
        stdout_of(&copy, &["import", dumped.to_str().expect("path")]);
        assert_eq!(stdout_of(&copy, &["dump"]), dump);
    });
}

#[test]
fn a_refused_key_a_wrong_base_or_a_busy_api_exit_1_with_the_fix_and_no_key_exits_2() {
    let api = FakeEverflow::start("the-right-key", Vec::new(), 10);
    let server = archive_with(&[]);
    server.stop_keeping_archive(|db| {
        let key_file = db.with_file_name("key");
        std::fs::write(&key_file, format!("{KEY}\n")).expect("key file");
        let run = evarchive_with(
            db,
            &[
                &WINDOW[..],
                &["--api-key-file", key_file.to_str().expect("path")],
            ]
            .concat(),
            &[("EVARCHIVE_EVERFLOW_API_BASE", &api.base)],
        );
        assert_eq!(run.code, Some(1), "{run:?}");
        assert!(run.stderr.contains("HTTP 401"), "{}", run.stderr);
        assert!(run.stderr.contains("check the key"), "{}", run.stderr);
        assert!(!run.stderr.contains(KEY) && !run.stdout.contains(KEY));
        assert_eq!(api.seen()[0].key.as_deref(), Some(KEY));

        let wrong_base = format!("{}/wrong", api.base);
        let not_found = evarchive_with(
            db,
            &WINDOW,
            &[
                ("EVARCHIVE_EVERFLOW_API_BASE", &wrong_base),
                ("EVARCHIVE_EVERFLOW_API_KEY", "the-right-key"),
            ],
        );
        assert_eq!(not_found.code, Some(1), "{not_found:?}");
        assert!(
            not_found.stderr.contains("HTTP 404") && not_found.stderr.contains("--eu"),
            "{}",
            not_found.stderr
        );

        let out_of_realm = evarchive_with(
            db,
            &WINDOW,
            &[
                ("EVARCHIVE_EVERFLOW_API_BASE", &api.base),
                ("EVARCHIVE_EVERFLOW_API_KEY", OUT_OF_REALM_KEY),
            ],
        );
        assert_eq!(out_of_realm.code, Some(1), "{out_of_realm:?}");
        assert!(
            out_of_realm.stderr.contains("HTTP 403"),
            "{}",
            out_of_realm.stderr
        );
        assert!(
            out_of_realm.stderr.contains("network API key") && out_of_realm.stderr.contains("--eu")
        );
        assert!(!out_of_realm.stderr.contains(OUT_OF_REALM_KEY));

        // Busy for good: every attempt answered 429, then given up.
        api.script(&vec![
            Scripted {
                status: 429,
                retry_after: Some("0")
            };
            6
        ]);
        let busy = evarchive_with(
            db,
            &WINDOW,
            &[
                ("EVARCHIVE_EVERFLOW_API_BASE", &api.base),
                ("EVARCHIVE_EVERFLOW_API_KEY", "the-right-key"),
            ],
        );
        assert_eq!(busy.code, Some(1), "{busy:?}");
        assert!(
            busy.stderr
                .contains("did not answer after 6 attempts (last: HTTP 429)"),
            "{}",
            busy.stderr
        );

        let without = evarchive_with(db, &WINDOW, &[("EVARCHIVE_EVERFLOW_API_BASE", &api.base)]);
        assert_eq!(without.code, Some(2), "{without:?}");
        assert!(
            without
                .stderr
                .contains("no Everflow API key: set EVARCHIVE_EVERFLOW_API_KEY"),
            "{}",
            without.stderr
        );
        // No file was given: the message must not blame one.
        assert!(
            !without.stderr.contains("invalid --api-key-file"),
            "{}",
            without.stderr
        );
    });
}

#[test]
fn an_interrupted_run_resumes_from_the_first_day_it_had_not_finished() {
    let a = webhook(10000001, "tx-a", DAY_ONE, "approved", 2.5, "");
    let b = webhook(10000002, "tx-b", DAY_TWO, "approved", 2.5, "");
    let rows = vec![
        report_row(&a, "10000001", |_| {}),
        report_row(&b, "10000002", |row| row["status"] = json!("rejected")),
    ];
    let api = FakeEverflow::start(KEY, rows, 2000);
    // The second day's request (it starts a minute early) is refused.
    let second_day = "2026-11-01 23:59:00";
    api.refuse_from(Some(second_day));
    let server = archive_with(&[&a, &b]);
    server.stop_keeping_archive(|db| {
        let run = reconcile(db, &api, &[]);
        assert_eq!(run.code, Some(1), "{run:?}");
        assert!(run.stderr.contains("HTTP 400"), "{}", run.stderr);
        assert!(run.stderr.contains("365 days"), "{}", run.stderr);
        assert!(
            run.stderr.contains("Everflow said: Invalid date range"),
            "{}",
            run.stderr
        );
        let asked_before = api.seen().len();

        api.refuse_from(None);
        let resumed = run_against(db, &api, &["reconcile", "--resume", "--format", "ndjson"]);
        assert_eq!(resumed.code, Some(3), "{resumed:?}");
        let finding: Value = serde_json::from_str(resumed.stdout.trim()).expect("one finding");
        assert_eq!(finding["finding"], "changed");
        assert_eq!(finding["conversion_id"], "10000002");
        let asked = &api.seen()[asked_before..];
        assert_eq!(asked.len(), 1, "only the second day: {asked:?}");
        assert_eq!(asked[0].body["from"], second_day);

        let nothing_left = run_against(db, &api, &["reconcile", "--resume"]);
        assert_eq!(nothing_left.code, Some(2), "{nothing_left:?}");
        assert!(
            nothing_left.stderr.contains("nothing to resume"),
            "{}",
            nothing_left.stderr
        );
    });
}

#[test]
fn a_day_whose_rows_shift_while_paged_is_read_again_and_a_slow_page_is_awaited() {
    let a = webhook(10000001, "tx-a", DAY_ONE, "approved", 2.5, "");
    let late = webhook(10000005, "tx-e", DAY_ONE + 30, "approved", 1.0, "");
    let other = webhook(10000006, "tx-f", DAY_ONE + 90, "approved", 1.0, "");
    let rows = vec![
        report_row(&a, "10000001", |_| {}),
        report_row(&other, "10000006", |_| {}),
    ];
    let api = FakeEverflow::start(KEY, rows, 1);
    api.arriving(vec![report_row(&late, "10000005", |_| {})]);
    api.slow_second_page(std::time::Duration::from_millis(1500));
    let server = archive_with(&[&a, &other]);
    server.stop_keeping_archive(|db| {
        let run = reconcile(db, &api, &["--format", "csv"]);
        assert_eq!(run.code, Some(3), "{run:?}");
        assert!(
            run.stdout.contains("missing,10000005,tx-e"),
            "{}",
            run.stdout
        );
        assert!(
            run.stderr.contains("reading the window again"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("Everflow 3, archive 2 (3 page(s), total_count 3)"),
            "{}",
            run.stderr
        );
        // Three pages of the first day, the total moving after the first,
        // then three again; one of the second day.
        assert_eq!(api.seen().len(), 7);
    });

    // Rows that keep arriving: read twice, then said so.
    let rows = vec![
        report_row(&a, "10000001", |_| {}),
        report_row(&other, "10000006", |_| {}),
    ];
    let api = FakeEverflow::start(KEY, rows, 1);
    let arriving: Vec<Value> = (0..10)
        .map(|i| {
            let body = webhook(10000100 + i, "tx-n", DAY_ONE + 200 + i, "approved", 1.0, "");
            report_row(&body, &(10000100 + i).to_string(), |_| {})
        })
        .collect();
    api.arriving(arriving);
    let server = archive_with(&[&a, &other]);
    server.stop_keeping_archive(|db| {
        let run = reconcile(db, &api, &["--format", "csv"]);
        assert_eq!(run.code, Some(3), "{run:?}");
        assert!(
            run.stderr
                .contains("its total changed while it was read, twice"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("1 day(s) changed while they were read"),
            "{}",
            run.stderr
        );
    });
}

#[test]
fn apply_is_refused_while_serve_runs_and_reading_is_not() {
    let a = webhook(10000001, "tx-a", DAY_ONE, "approved", 2.5, "");
    let api = FakeEverflow::start(KEY, vec![report_row(&a, "10000001", |_| {})], 2000);
    let server = archive_with(&[]);
    let run = reconcile(&server.db, &api, &["--apply"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("another evarchive serve is running"),
        "{}",
        run.stderr
    );
    assert_eq!(server.count("SELECT count(*) FROM deliveries"), 0);
    let read_only = reconcile(&server.db, &api, &["--format", "csv"]);
    assert_eq!(read_only.code, Some(3), "{read_only:?}");
    assert!(
        read_only.stdout.contains("missing,10000001"),
        "{}",
        read_only.stdout
    );
}

#[test]
fn serve_reconcile_every_archives_in_the_background_and_counts_in_metrics() {
    // The background run looks back from the real clock.
    let hour_ago = jiff::Timestamp::now().as_second() - 3600;
    let a = webhook(10000001, "tx-a", hour_ago, "approved", 2.5, "");
    let d = webhook(10000004, "tx-d", hour_ago + 60, "approved", 3.0, "");
    let rows = vec![
        report_row(&a, "10000001", |row| row["status"] = json!("rejected")),
        report_row(&d, "10000004", |_| {}),
    ];
    let api = FakeEverflow::start(KEY, rows, 2000);
    let server = archive_with(&[&a]);
    server.stop_keeping_archive(|db| {
        let plan = BackgroundPlan {
            every: Duration::from_secs(3600),
            window: Duration::from_secs(3 * 24 * 3600),
            first_run_after: Duration::ZERO,
            api: ApiSettings {
                base: api.base.clone(),
                key: ApiKey::new(KEY).expect("a key"),
            },
        };
        let serving = TestServer::start_on(db, |config| config.reconcile = Some(plan));
        let deadline = Instant::now() + Duration::from_secs(30);
        let metrics = loop {
            let text = ureq::get(&serving.url("/metrics"))
                .set("Authorization", &format!("Bearer {TOKEN}"))
                .call()
                .expect("metrics")
                .into_string()
                .expect("text");
            if text.contains(r#"evarchive_reconcile_runs_total{outcome="finished"} 1"#) {
                break text;
            }
            assert!(Instant::now() < deadline, "no run finished: {text}");
            std::thread::sleep(Duration::from_millis(100));
        };
        for line in [
            r#"evarchive_reconcile_findings_total{finding="missing"} 1"#,
            r#"evarchive_reconcile_findings_total{finding="changed"} 1"#,
            r#"evarchive_reconcile_findings_total{finding="unknown_to_everflow"} 0"#,
            "evarchive_reconcile_archived_total 2",
        ] {
            assert!(metrics.contains(line), "{line} in {metrics}");
        }
        assert!(!metrics.contains(KEY));
        let current = "SELECT count(*) FROM conversions WHERE is_current = 1";
        assert_eq!(
            serving.count(&format!("{current} AND status = 'rejected'")),
            1
        );
        assert_eq!(
            serving.count(&format!("{current} AND conversion_id = '10000004'")),
            1
        );
        assert_eq!(
            serving.count("SELECT count(*) FROM deliveries WHERE method = 'API'"),
            2
        );
        serving.stop();
    });
}

#[test]
fn serve_reconcile_every_needs_a_key_and_durations() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let listen = ["--listen", "127.0.0.1:0"];
    let no_key = evarchive_with(
        &db,
        &[&["serve", "--reconcile-every", "1h"], &listen[..]].concat(),
        &[],
    );
    assert_eq!(no_key.code, Some(2), "{no_key:?}");
    assert!(
        no_key.stderr.contains("EVARCHIVE_EVERFLOW_API_KEY"),
        "{}",
        no_key.stderr
    );
    let key = [("EVARCHIVE_EVERFLOW_API_KEY", KEY)];
    let bad = evarchive_with(
        &db,
        &[
            &[
                "serve",
                "--reconcile-every",
                "1h",
                "--reconcile-window",
                "400d",
            ],
            &listen[..],
        ]
        .concat(),
        &key,
    );
    assert_eq!(bad.code, Some(2), "{bad:?}");
    assert!(bad.stderr.contains("--reconcile-window"), "{}", bad.stderr);
    assert!(!bad.stderr.contains(KEY));
    assert!(!db.exists(), "a refused command line leaves no archive");
}

/// A day holding more rows than one window may keep in memory is read as
/// shorter windows (halves of it, each under the limit): every row is still
/// compared once.
#[test]
fn a_day_too_full_to_hold_is_read_in_shorter_windows() {
    const ROWS: i64 = 10_050;
    let rows: Vec<Value> = (0..ROWS)
        .map(|n| {
            // Spread over the day, so that its halves split them.
            let body = webhook(
                30_000_000 + n,
                &format!("tx{n}"),
                DAY_ONE + n * 4,
                "approved",
                1.0,
                "",
            );
            report_row(&body, &format!("{}", 30_000_000 + n), |_| {})
        })
        .collect();
    let api = FakeEverflow::start(KEY, rows, 2_000);
    let server = archive_with(&[]);
    server.stop_keeping_archive(|db| {
        let run = run_against(
            db,
            &api,
            &[
                "reconcile",
                "--since",
                "2026-11-01",
                "--until",
                "2026-11-02",
                "--format",
                "csv",
            ],
        );
        assert_eq!(run.code, Some(3), "{}", run.stderr);
        let missing = run.stdout.lines().filter(|l| l.contains("missing")).count();
        assert_eq!(missing as i64, ROWS, "{}", run.stderr);
        // The day was read as more than one window, each within the limit.
        let bodies: Vec<Value> = api.seen().into_iter().map(|seen| seen.body).collect();
        let windows: std::collections::BTreeSet<String> = bodies
            .iter()
            .map(|body| format!("{} {}", body["from"], body["to"]))
            .collect();
        assert!(windows.len() > 1, "{windows:?}");
    });
}

/// `count` missing conversions of day one as the report's rows, the page
/// claiming `page_size` and `total_count`.
fn page_of(count: i64, page_size: i64, total_count: i64) -> String {
    let rows: Vec<Value> = (0..count)
        .map(|n| {
            let id = 40_000_000 + n;
            let body = webhook(id, &format!("tx{n}"), DAY_ONE + n, "approved", 1.0, "");
            report_row(&body, &id.to_string(), |_| {})
        })
        .collect();
    json!({
        "conversions": rows,
        "paging": {"page": 1, "page_size": page_size, "total_count": total_count},
    })
    .to_string()
}

fn deliveries_in(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .expect("archive")
        .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
        .expect("count")
}

/// An API that sends more rows than asked for, or than its own total, is
/// not trusted: exit 1 naming the problem, nothing archived.
#[test]
fn a_page_larger_than_asked_or_beyond_its_total_exits_1_and_applies_nothing() {
    let cases = [
        (
            page_of(2_001, 2_000, 2_001),
            "page 1 of the conversions report holds 2001 rows, more than the 2000 asked for",
        ),
        (
            page_of(5, 2_000, 3),
            "the conversions report sent 5 rows by page 1, more than its total_count of 3",
        ),
    ];
    for (page, problem) in cases {
        let api = FakeEverflow::start(KEY, vec![], 2_000);
        api.hostile(Hostile::Page(page));
        let server = archive_with(&[]);
        server.stop_keeping_archive(|db| {
            let run = reconcile(db, &api, &["--apply"]);
            assert_eq!(run.code, Some(1), "{problem}: {}", run.stderr);
            assert!(run.stderr.contains(problem), "{problem}: {}", run.stderr);
            assert!(run.stderr.contains("check --api-base"), "{}", run.stderr);
            assert_eq!(deliveries_in(db), 0, "{problem}");
        });
    }
}

/// At most what a page of 2,000 rows may take (16 MiB) is read, plus what
/// the kernel's socket buffers took in unread.
const READ_AT_MOST: u64 = 48 << 20;

/// A page announcing 2 GiB, or one that never ends, is refused after at
/// most a page's worth of bytes, quickly and in bounded memory.
#[test]
fn a_page_announcing_gigabytes_or_never_ending_exits_1_quickly_in_bounded_memory() {
    for content_length in [Some(2u64 << 30), None] {
        let api = FakeEverflow::start(KEY, vec![], 2_000);
        api.hostile(Hostile::Endless { content_length });
        let server = archive_with(&[]);
        server.stop_keeping_archive(|db| {
            let started = Instant::now();
            let (run, peak_kib) = evarchive_watched(
                db,
                &[&WINDOW[..], &["--apply"]].concat(),
                &[
                    ("EVARCHIVE_EVERFLOW_API_BASE", &api.base),
                    ("EVARCHIVE_EVERFLOW_API_KEY", api.key()),
                ],
            );
            let took = started.elapsed();
            let sent = api.hostile_bytes_sent();
            eprintln!("{content_length:?}: {sent} bytes sent, peak RSS {peak_kib} KiB, {took:?}");
            assert_eq!(run.code, Some(1), "{content_length:?}: {}", run.stderr);
            assert!(sent < READ_AT_MOST, "{content_length:?}: {sent} bytes sent");
            assert!(
                peak_kib < 100 * 1024,
                "{content_length:?}: peak RSS {peak_kib} KiB"
            );
            assert!(took < Duration::from_secs(30), "{took:?}");
            assert!(
                run.stderr
                    .contains("more than 2000 rows can take (15.7 MiB at most)"),
                "{}",
                run.stderr
            );
            assert_eq!(deliveries_in(db), 0);
        });
    }
}

/// serve's background runs against an API that never ends its page: each
/// run fails (logged, counted), nothing is archived from it, webhooks are
/// still answered, and serve stays within its memory promise (128 MB).
#[test]
fn serve_reconcile_every_against_an_endless_page_keeps_serving_within_128_mb() {
    let api = FakeEverflow::start(KEY, vec![], 2_000);
    api.hostile(Hostile::Endless {
        content_length: None,
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let serve = ServeProcess::start_with_env(
        &db,
        &["--reconcile-every", "2s"],
        &[
            ("EVARCHIVE_EVERFLOW_API_BASE", &api.base),
            ("EVARCHIVE_EVERFLOW_API_KEY", KEY),
        ],
    );
    let metrics = || {
        ureq::get(&serve.url("/metrics"))
            .set("Authorization", &format!("Bearer {TOKEN}"))
            .call()
            .expect("metrics")
            .into_string()
            .expect("text")
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    let failed_runs = |text: &str| {
        text.lines()
            .find_map(|line| {
                line.strip_prefix(r#"evarchive_reconcile_runs_total{outcome="failed"} "#)
            })
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    let mut answered = 0;
    let text = loop {
        let text = metrics();
        if failed_runs(&text) >= 3 {
            break text;
        }
        assert!(Instant::now() < deadline, "no run failed: {text}");
        let posted =
            ureq::post(&serve.url(&format!("/webhooks/conversion_registered?token={TOKEN}")))
                .send_bytes(&sample("conversion_registered"))
                .expect("a webhook is answered");
        assert_eq!(posted.status(), 200);
        answered += 1;
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        text.contains(r#"evarchive_reconcile_runs_total{outcome="finished"} 0"#),
        "{text}"
    );
    assert!(
        text.contains("evarchive_reconcile_archived_total 0"),
        "{text}"
    );
    let peak_kib = proc_kib(serve.child.id(), "VmHWM").expect("serve runs");
    eprintln!(
        "serve: peak RSS {peak_kib} KiB over {} failed runs, {} bytes sent",
        failed_runs(&text),
        api.hostile_bytes_sent()
    );
    assert!(
        peak_kib * 1024 <= 128_000_000,
        "serve's peak RSS {peak_kib} KiB"
    );
    assert!(
        serve
            .logged()
            .contains("more than 2000 rows can take (15.7 MiB at most)"),
        "{}",
        serve.logged()
    );
    let api_rows = rusqlite::Connection::open(&db)
        .expect("archive")
        .query_row(
            "SELECT count(*) FROM deliveries WHERE method = 'API'",
            [],
            |row| row.get::<_, i64>(0),
        )
        .expect("count");
    assert_eq!(api_rows, 0);
    assert!(answered > 0);
}

/// A day whose rows take more memory than one window may hold (4,000 rows
/// of 7.4 KB: 29.6 MB, over 24 MiB) is read in shorter windows too, though it
/// has fewer rows than the row limit: every row is still compared once.
#[test]
fn a_day_whose_rows_are_too_large_to_hold_is_read_in_shorter_windows() {
    const ROWS: i64 = 4_000;
    let padding = "x".repeat(6_000);
    let rows: Vec<Value> = (0..ROWS)
        .map(|n| {
            let id = 50_000_000 + n;
            let body = webhook(id, &format!("tx{n}"), DAY_ONE + n * 10, "approved", 1.0, "");
            report_row(&body, &id.to_string(), |row| row["sub1"] = json!(padding))
        })
        .collect();
    let api = FakeEverflow::start(KEY, rows, 2_000);
    let server = archive_with(&[]);
    server.stop_keeping_archive(|db| {
        let run = run_against(
            db,
            &api,
            &[
                "reconcile",
                "--since",
                "2026-11-01",
                "--until",
                "2026-11-02",
                "--format",
                "csv",
            ],
        );
        assert_eq!(run.code, Some(3), "{}", run.stderr);
        let missing = run.stdout.lines().filter(|l| l.contains("missing")).count();
        assert_eq!(missing as i64, ROWS, "{}", run.stderr);
        let windows: std::collections::BTreeSet<String> = api
            .seen()
            .into_iter()
            .map(|seen| format!("{} {}", seen.body["from"], seen.body["to"]))
            .collect();
        assert!(windows.len() > 1, "{windows:?}");
    });
}
