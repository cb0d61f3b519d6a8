//! Every record has a time (issue 16): a conversion, offer, advertiser,
//! partner, verdict, approval or traffic block whose body carries no
//! plausible time is dated by its arrival, so `query`, `report` and `export`
//! without a window list and count it, say on stderr how many they dated so,
//! and `show` and `--columns …,time_source` tell which.

use crate::common;

use std::path::Path;

use common::cli::{Run, evarchive_with};
use common::{TOKEN, TestServer, edited_sample, send};

/// A conversion's `conversion_unix_timestamp` as JSON text (`None`: left
/// out), and whether it is a plausible time.
const TIMES: [(Option<&str>, bool); 12] = [
    (Some("1764064001"), true),
    (Some("\"1764064002\""), true),
    (Some("1764064003"), true),
    (None, false),
    (Some("null"), false),
    (Some("0"), false),
    (Some("\"abc\""), false),
    (Some("9223372036854775808"), false),
    (Some("9007199254740993"), false),
    (Some("1e10"), false),
    (Some("1764064001000"), false),
    (Some("4102444800"), false),
];

/// The conversion `id` with a payout of 1.00 and `time` as its timestamp.
fn conversion(id: u64, time: Option<&str>) -> Vec<u8> {
    let body = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = id.into();
        doc["transaction_id"] = format!("t{id}").into();
        doc["payout"] = "1.00".into();
        let fields = doc.as_object_mut().expect("an object");
        match time {
            Some(_) => fields.insert("conversion_unix_timestamp".into(), "@TIME@".into()),
            None => fields.remove("conversion_unix_timestamp"),
        };
    });
    let text = String::from_utf8(body).expect("UTF-8");
    text.replace("\"@TIME@\"", time.unwrap_or_default())
        .into_bytes()
}

/// The reading commands, with "now" the real clock (the server dates by it).
fn run(db: &Path, args: &[&str]) -> Run {
    let now = jiff::Timestamp::now().to_string();
    let run = evarchive_with(db, args, &[("EVARCHIVE_NOW", &now)]);
    assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
    run
}

fn remove(doc: &mut serde_json::Value, fields: &[&str]) {
    let object = doc.as_object_mut().expect("an object");
    for field in fields {
        object.remove(*field);
    }
}

#[test]
fn conversions_without_a_plausible_time_are_listed_counted_and_marked() {
    let server = TestServer::start();
    for (n, (time, _)) in TIMES.iter().enumerate() {
        let reply = server.post_kind(
            "conversion_registered",
            &conversion(40_000_001 + n as u64, *time),
        );
        assert_eq!(reply.status, 200, "{time:?}: {:?}", reply.json);
        assert_eq!(reply.json["outcome"], "new", "{time:?}");
    }
    // A GET postback whose URL carries no timestamp macro.
    let get = send(
        ureq::get(&server.url(&format!(
            "/webhooks/conversion_registered?token={TOKEN}&conversion_id=40000099\
             &transaction_id=get1&payout=1.00&currency_id=USD&status=approved"
        ))),
        b"",
    );
    assert_eq!(get.status, 200, "{:?}", get.json);
    let total = TIMES.len() + 1;
    let by_arrival = TIMES.iter().filter(|(_, plausible)| !plausible).count() + 1;
    let note = format!(
        "evarchive: {by_arrival} of {total} rows are dated by their arrival: their bodies carry no plausible time (column time_source)"
    );

    server.stop_keeping_archive(|db| {
        let query = run(db, &["query", "conversions", "--format", "csv"]);
        assert_eq!(query.stdout.lines().count(), 1 + total, "{}", query.stdout);
        assert!(query.stderr.contains(&note), "{}", query.stderr);
        assert!(
            query
                .stderr
                .contains(&format!("evarchive: {total} conversions matched")),
            "{}",
            query.stderr
        );

        let export = run(
            db,
            &[
                "export",
                "conversions",
                "--columns",
                "conversion_id,payout,time_source",
            ],
        );
        assert!(export.stderr.contains(&note), "{}", export.stderr);
        let mut sources: Vec<&str> = export
            .stdout
            .lines()
            .skip(1)
            .map(|line| line.rsplit(',').next().expect("a column"))
            .collect();
        sources.sort_unstable();
        let mut expected = vec!["arrival"; by_arrival];
        expected.extend(vec!["body"; total - by_arrival]);
        assert_eq!(sources, expected, "{}", export.stdout);
        for (n, (time, plausible)) in TIMES.iter().enumerate() {
            let line = format!(
                "{},1.00,{}",
                40_000_001 + n,
                if *plausible { "body" } else { "arrival" }
            );
            assert!(export.stdout.contains(&line), "{time:?}: {}", export.stdout);
        }
        assert!(export.stdout.contains("40000099,1.00,arrival"));

        let report = run(
            db,
            &[
                "report",
                "conversions",
                "--by",
                "offer",
                "--format",
                "csv",
                "--columns",
                "offer_id,currency_id,approved_count,approved_payout",
            ],
        );
        assert!(report.stderr.contains(&note), "{}", report.stderr);
        let totals: Vec<&str> = report
            .stdout
            .lines()
            .filter(|line| line.starts_with("TOTAL"))
            .collect();
        assert_eq!(
            totals,
            [format!("TOTAL,USD,{total},{total}.00")],
            "{}",
            report.stdout
        );

        let shown = run(db, &["show", "conversion", "40000011"]);
        assert!(
            shown
                .stdout
                .contains("time source:    arrival (the body carries no plausible time)"),
            "{}",
            shown.stdout
        );
        let shown = run(db, &["show", "conversion", "40000001"]);
        assert!(
            shown.stdout.contains("fact time:      2025-11-25 09:46:41"),
            "{}",
            shown.stdout
        );
        assert!(shown.stdout.contains("time source:    body"));
    });
}

#[test]
fn every_family_without_a_plausible_time_is_dated_by_its_arrival() {
    let server = TestServer::start();
    let untimed = ["time_saved", "time_created"];
    let posts = [
        (
            "offer_created",
            edited_sample("offer_created", |doc| remove(doc, &untimed)),
        ),
        (
            "advertiser_created",
            edited_sample("advertiser_created", |doc| remove(doc, &untimed)),
        ),
        (
            "affiliate_created",
            edited_sample("affiliate_created", |doc| remove(doc, &untimed)),
        ),
        (
            "affiliate_signup_verdict",
            edited_sample("affiliate_signup_verdict", |doc| {
                doc["timestamp"] = 1_764_000_011_000_u64.into();
            }),
        ),
        (
            "affiliate_approved_for_offer",
            edited_sample("affiliate_approved_for_offer", |doc| {
                doc["event_time"] = 4_102_444_800_u64.into();
            }),
        ),
        (
            "traffic_optimized",
            edited_sample("traffic_optimized", |doc| {
                for entry in doc["blocked_variables"]
                    .as_array_mut()
                    .expect("a list")
                    .iter_mut()
                {
                    remove(entry, &["time_blocked"]);
                }
            }),
        ),
    ];
    for (kind, body) in &posts {
        let reply = server.post_kind(kind, body);
        assert_eq!(reply.status, 200, "{kind}: {:?}", reply.json);
    }
    server.stop_keeping_archive(|db| {
        for (what, rows) in [
            ("offers", 1),
            ("advertisers", 1),
            ("partners", 1),
            ("verdicts", 1),
            ("approvals", 1),
            ("blocked", 3),
        ] {
            let query = run(db, &["query", what, "--format", "csv"]);
            assert_eq!(
                query.stdout.lines().count(),
                1 + rows,
                "{what}: {}",
                query.stdout
            );
            let note = if rows == 1 {
                "evarchive: 1 of 1 rows is dated by its arrival: its body carries no plausible time (column time_source)".to_owned()
            } else {
                format!("evarchive: {rows} of {rows} rows are dated by their arrival")
            };
            assert!(query.stderr.contains(&note), "{what}: {}", query.stderr);
            let export = run(db, &["export", what, "--columns", "time_source"]);
            assert_eq!(
                export.stdout,
                format!("time_source\n{}", "arrival\n".repeat(rows)),
                "{what}"
            );
        }
    });
}
