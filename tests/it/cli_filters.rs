//! Which records the reading commands select: every filter flag, versions,
//! arrival-time windows, deliveries by outcome and kind, `show` and `stats`.

use crate::common;

use std::path::Path;

use common::cli::{evarchive, stdout_of};
use common::fixture::{CONVERSIONS, conversion_body, filled_server};
use common::{ALL_KINDS, edited_sample};
use serde_json::json;

/// The conversion ids `query ARGS…` prints (ARGS starts with WHAT), newest first.
fn ids(db: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    all.extend_from_slice(&[
        "--format",
        "csv",
        "--columns",
        "conversion_id",
        "--limit",
        "0",
    ]);
    let printed = stdout_of(db, &all);
    let mut lines = printed.lines();
    assert_eq!(lines.next(), Some("conversion_id"), "{args:?}");
    lines.map(str::to_owned).collect()
}

/// Deliveries arrive by the real clock, after the pinned "now" of the
/// fixture; windows over arrivals end here instead.
const AFTER_EVERY_ARRIVAL: &str = "2100-01-01";

/// The data lines of `query deliveries ARGS… --format csv --columns kind,outcome,resource_ids`.
fn deliveries(db: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["query", "deliveries", "--format", "csv", "--limit", "0"];
    all.extend_from_slice(&["--until", AFTER_EVERY_ARRIVAL]);
    all.extend_from_slice(&["--columns", "kind,outcome,resource_ids"]);
    all.extend_from_slice(args);
    let printed = stdout_of(db, &all);
    printed.lines().skip(1).map(str::to_owned).collect()
}

const ALL: [&str; 5] = ["5005", "5004", "5003", "5002", "5001"];

#[test]
fn each_conversion_filter_selects_exactly_its_conversions() {
    let server = filled_server();
    let sub3 = format!("--sub3={}", CONVERSIONS[2].sub3);
    let cases: &[(&[&str], &[&str])] = &[
        (&[], &ALL),
        (&["--offer", "2"], &["5005", "5002", "5001"]),
        (&["--offer", "3"], &["5004", "5003"]),
        (&["--affiliate", "13"], &["5004", "5002"]),
        (&["--partner", "15"], &["5005", "5003", "5001"]),
        (&["--advertiser", "102"], &ALL),
        (&["--advertiser", "101"], &[]),
        (&["--status", "approved"], &["5005", "5002", "5001"]),
        (&["--status", "PENDING"], &["5003"]),
        (&["--status", "rejected"], &["5004"]),
        (&["--country", "US"], &["5005", "5003", "5001"]),
        (&["--country", "gb"], &["5002"]),
        (&["--currency", "EUR"], &["5004"]),
        (&["--currency", "usd"], &["5005", "5003", "5002", "5001"]),
        (&["--sub1", CONVERSIONS[0].sub1], &["5001"]),
        (&["--sub1", CONVERSIONS[1].sub1], &["5002"]),
        (&["--sub1", CONVERSIONS[2].sub1], &["5003"]),
        (&["--sub2", CONVERSIONS[1].sub2], &["5002"]),
        (&[sub3.as_str()], &["5003"]),
        (&["--sub1", "nobody"], &[]),
        (&["--event", "upsell"], &[]),
        (
            &["--offer", "2", "--status", "approved", "--country", "US"],
            &["5005", "5001"],
        ),
        (&["--offer", "3", "--currency", "USD"], &["5003"]),
        // The old version of 5005 was pending; only --versions sees it.
        (&["--status", "pending", "--versions"], &["5005", "5003"]),
        // Several values: any of them matches.
        (
            &["--status", "approved,pending"],
            &["5005", "5003", "5002", "5001"],
        ),
        (
            &["--status", "pending", "--status", "rejected"],
            &["5004", "5003"],
        ),
        (&["--offer", "3,99"], &["5004", "5003"]),
        (&["--country", "gb,de"], &["5004", "5002"]),
        (
            &["--sub1", CONVERSIONS[0].sub1, "--sub1", CONVERSIONS[2].sub1],
            &["5003", "5001"],
        ),
        (&["--conversion-id", "5003"], &["5003"]),
        (&["--conversion-id", "5001,5004,123"], &["5004", "5001"]),
        (
            &["--conversion-id", "5005", "--versions"],
            &["5005", "5005"],
        ),
        (&["--transaction-id", "1234567890123456"], &["5004"]),
        (&["--transaction-id", "t5001,t5002"], &["5002", "5001"]),
        (&["--sub10", "x"], &[]),
    ];
    for &(args, expected) in cases {
        let mut all = vec!["conversions"];
        all.extend_from_slice(args);
        assert_eq!(ids(&server.db, &all), expected, "{args:?}");
    }
}

#[test]
fn late_sub_id_slots_filter_too() {
    let server = filled_server();
    let late = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(6101);
        doc["conversion_unix_timestamp"] = json!(1_762_000_000);
        doc["sub6"] = json!("six");
        doc["sub10"] = json!("ten, with a comma");
    });
    assert_eq!(server.post_kind("conversion_registered", &late).status, 200);
    assert_eq!(ids(&server.db, &["conversions", "--sub6", "six"]), ["6101"]);
    assert_eq!(
        ids(&server.db, &["conversions", "--sub10", "ten, with a comma"]),
        ["6101"]
    );
}

#[test]
fn without_until_the_window_ends_now_and_leaves_out_future_facts() {
    let server = filled_server();
    // A conversion dated after the pinned "now" (2026-11-03T12:00:00Z).
    let future = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(6201);
        doc["conversion_unix_timestamp"] = json!(1_793_800_000); // 2026-11-04
    });
    assert_eq!(
        server.post_kind("conversion_registered", &future).status,
        200
    );
    assert_eq!(ids(&server.db, &["conversions", "--since", "7d"]), ALL);
    assert_eq!(ids(&server.db, &["conversions"]), ALL);
    assert_eq!(
        ids(&server.db, &["conversions", "--until", "2026-11-05"])[0],
        "6201"
    );
    // An empty window, however it comes about, is one message and exit 2.
    for args in [
        &["query", "conversions", "--since", "2026-11-04"][..],
        &[
            "query",
            "conversions",
            "--since",
            "2026-11-02",
            "--until",
            "2026-11-01",
        ],
        &["export", "conversions", "--since", "now"],
    ] {
        let run = evarchive(&server.db, args);
        assert_eq!(run.code, Some(2), "{args:?}");
        assert!(
            run.stderr
                .contains("invalid --since/--until: the window is empty: it would start at "),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn a_month_selects_its_days_for_query_and_export() {
    let server = filled_server();
    assert_eq!(
        ids(
            &server.db,
            &[
                "conversions",
                "--month",
                "2026-11",
                "--tz",
                "America/New_York"
            ]
        ),
        ["5005", "5004", "5003", "5002"]
    );
    let exported = stdout_of(
        &server.db,
        &[
            "export",
            "conversions",
            "--month",
            "2026-10",
            "--tz",
            "America/New_York",
            "--columns",
            "conversion_id",
        ],
    );
    assert_eq!(exported, "conversion_id\n5001\n");
}

#[test]
fn event_filters_select_events() {
    let server = filled_server();
    let cases: [(&[&str], &[&str]); 4] = [
        (&["--event", "upsell"], &["9001"]),
        (&["--event", "install"], &[]),
        (&["--affiliate", "15"], &["9001"]),
        (&["--affiliate", "13"], &[]),
    ];
    for (args, expected) in cases {
        let mut all = vec!["events"];
        all.extend_from_slice(args);
        assert_eq!(ids(&server.db, &all), expected, "{args:?}");
    }
}

#[test]
fn filters_that_do_not_apply_are_refused() {
    let server = filled_server();
    let cases = [
        ("offers", "--event", "x"),
        ("verdicts", "--country", "US"),
        ("deliveries", "--offer", "1"),
        ("advertisers", "--affiliate", "11"),
        ("partners", "--advertiser", "101"),
        ("approvals", "--status", "new"),
        ("blocked", "--currency", "USD"),
        ("offers", "--sub1", "x"),
        ("conversions", "--kind", "conversion_registered"),
    ];
    for (what, flag, value) in cases {
        let run = evarchive(&server.db, &["query", what, flag, value]);
        assert_eq!(run.code, Some(2), "{what} {flag}: {}", run.stderr);
        assert_eq!(run.stdout, "");
        let message = format!("invalid {flag}: {what} have no such field to filter on");
        assert!(run.stderr.contains(&message), "{}", run.stderr);
    }
}

#[test]
fn versions_shows_every_version() {
    let server = filled_server();
    assert_eq!(ids(&server.db, &["conversions"]), ALL);
    let every = ids(&server.db, &["conversions", "--versions"]);
    assert_eq!(every, ["5005", "5005", "5004", "5003", "5002", "5001"]);
}

#[test]
fn by_received_selects_by_arrival_time_not_fact_time() {
    let server = filled_server();
    // Arrival times are the real clock's, whatever EVARCHIVE_NOW says, so a
    // window over them must name its end.
    let received = |since: &str, until: &str| {
        let args = [
            "conversions",
            "--by-received",
            "--since",
            since,
            "--until",
            until,
        ];
        ids(&server.db, &args)
    };
    assert_eq!(received("2020-01-01", AFTER_EVERY_ARRIVAL), ALL);
    assert_eq!(received("2019-01-01", "2020-01-01"), Vec::<String>::new());

    // A boundary between two arrivals: the next whole second of the real clock.
    let boundary = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 1)
        .expect("a valid instant");
    while jiff::Timestamp::now() < boundary {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let late = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(6001)
    });
    assert_eq!(server.post_kind("conversion_registered", &late).status, 200);
    let boundary = boundary.to_string();
    assert_eq!(received(&boundary, AFTER_EVERY_ARRIVAL), ["6001"]);
    assert_eq!(received("2020-01-01", &boundary), ALL);
}

#[test]
fn deliveries_filter_by_outcome_and_kind() {
    let server = filled_server();
    let again = server.post_kind("conversion_registered", &conversion_body(&CONVERSIONS[0]));
    assert_eq!(again.json["outcome"], "duplicate", "{:?}", again.json);
    let db = &server.db;
    assert_eq!(
        deliveries(db, &["--status", "duplicate"]),
        ["conversion_registered,duplicate,5001"]
    );
    assert_eq!(
        deliveries(
            db,
            &["--status", "version", "--kind", "conversion_registered"]
        ),
        ["conversion_registered,version,5005"]
    );
    // Several outcomes and kinds at once; partner_… names affiliate_….
    assert_eq!(
        deliveries(
            db,
            &[
                "--status",
                "version,duplicate",
                "--kind",
                "partner_updated,offer_updated"
            ]
        ),
        ["affiliate_updated,version,11", "offer_updated,version,1"]
    );
    // Every fixture post was new but the second 5005 and the later event
    // types of the offer, the advertiser and the partner.
    let new = deliveries(db, &["--status", "NEW"]);
    assert_eq!(
        new.len(),
        ALL_KINDS.len() - 2 + CONVERSIONS.len() + 1 - 1 - 5
    );
    assert!(new.iter().all(|line| line.contains(",new,")), "{new:?}");
    let conversions = deliveries(db, &["--kind", "conversion_registered"]);
    let expected = [
        "conversion_registered,duplicate,5001",
        "conversion_registered,version,5005",
        "conversion_registered,new,5005",
        "conversion_registered,new,5004",
        "conversion_registered,new,5003",
        "conversion_registered,new,5002",
        "conversion_registered,new,5001",
    ];
    assert_eq!(conversions, expected);
    let events = deliveries(db, &["--kind", "event_registered", "--status", "new"]);
    assert_eq!(events, ["event_registered,new,9001"]);
}

#[test]
fn partners_and_affiliates_are_the_same_records() {
    let server = filled_server();
    let partners = stdout_of(&server.db, &["query", "partners", "--format", "csv"]);
    let affiliates = stdout_of(&server.db, &["query", "affiliates", "--format", "csv"]);
    assert_eq!(partners, affiliates);
    let ids: Vec<&str> = partners
        .lines()
        .skip(1)
        .map(|l| &l[..l.find(',').expect("csv")])
        .collect();
    assert_eq!(ids, ["11"]);
}

/// `show` output: the resource's header and its states, then each version as
/// (header, the detail lines — five, and an offer's payout and revenue —,
/// body as JSON).
type Shown = (Vec<String>, Vec<(String, Vec<String>, serde_json::Value)>);

fn shown(printed: &str) -> Shown {
    let mut blocks = printed.split("\n\n");
    let states = blocks
        .next()
        .expect("a first block")
        .lines()
        .map(str::to_owned)
        .collect();
    let versions = blocks
        .map(|block| {
            let lines: Vec<&str> = block.lines().collect();
            let body_start = lines
                .iter()
                .position(|line| line.starts_with('{'))
                .unwrap_or(lines.len());
            let body = lines[body_start..].join("\n");
            assert!(
                body.starts_with("{\n  \""),
                "pretty JSON after the header: {block}"
            );
            let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
            let details = lines[1..body_start]
                .iter()
                .map(|l| (*l).to_owned())
                .collect();
            (lines[0].to_owned(), details, json)
        })
        .collect();
    (states, versions)
}

/// A states line without its arrival time (the real clock's).
fn state(line: &str) -> &str {
    // "  2026-12-02 10:00:00.123 +00:00  version 1  new content"
    line.get(34..).unwrap_or(line)
}

#[test]
fn show_offer_prints_each_version_and_marks_the_current_one() {
    let server = filled_server();
    let (states, versions) = shown(&stdout_of(&server.db, &["show", "offer", "1"]));
    assert_eq!(states[0], "── offer 1 · 2 versions · 2 deliveries");
    assert_eq!(states[1], "states, as they arrived (UTC):");
    let states: Vec<&str> = states[2..].iter().map(|line| state(line)).collect();
    assert_eq!(
        states,
        [
            "version 1  new content",
            "version 2  new content  ← current"
        ]
    );
    assert_eq!(versions.len(), 2);
    // Both event types date the offer by its last save.
    let expected = [
        (
            "── version 1 of 2 · offer_created",
            "2025-11-24 16:00:01.000 +00:00",
            1_764_000_001,
        ),
        (
            "── version 2 of 2 (current) · offer_updated",
            "2025-11-24 17:23:21.000 +00:00",
            1_764_005_001,
        ),
    ];
    for ((header, details, body), (want_header, fact, saved)) in versions.iter().zip(expected) {
        assert_eq!(header, want_header);
        assert_eq!(details[0], format!("fact time:      {fact}"));
        assert_eq!(details[1], "time source:    body");
        assert_eq!(details[4], "redeliveries:   0");
        assert_eq!(
            details[5..],
            ["payout:         cpa 12.50", "revenue:        rpa 20.00"]
        );
        assert_eq!(body["network_offer_id"], json!(1));
        assert_eq!(body["time_saved"], json!(saved));
    }
}

#[test]
fn show_prints_decimal_numbers_as_sent() {
    let server = filled_server();
    let printed = stdout_of(&server.db, &["show", "offer", "1"]);
    // The sample's "payout_amount": 12.5, in the body's pretty form.
    assert!(printed.contains("\"payout_amount\": 12.5,"), "{printed}");
    assert!(!printed.contains("$serde_json"), "{printed}");
}

#[test]
fn show_conversion_prints_both_versions() {
    let server = filled_server();
    let (states, versions) = shown(&stdout_of(&server.db, &["show", "conversion", "5005"]));
    assert_eq!(states[0], "── conversion 5005 · 2 versions · 2 deliveries");
    let headers: Vec<&str> = versions.iter().map(|(h, _, _)| h.as_str()).collect();
    assert_eq!(
        headers,
        [
            "── version 1 of 2 · conversion_registered",
            "── version 2 of 2 (current) · conversion_registered",
        ]
    );
    let statuses: Vec<&serde_json::Value> = versions.iter().map(|(_, _, b)| &b["status"]).collect();
    assert_eq!(statuses, [&json!("pending"), &json!("approved")]);
}

#[test]
fn show_of_an_unknown_id_exits_1_naming_it() {
    let server = filled_server();
    let run = evarchive(&server.db, &["show", "offer", "999"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "evarchive: no offers with id 999 in the archive; list them with `evarchive query offers`\n"
    );
}

#[test]
fn stats_counts_each_resource_once_per_type() {
    let server = filled_server();
    let printed = stdout_of(&server.db, &["stats", "--format", "csv"]);
    let mut lines = printed.lines();
    let header =
        "type,resources,versions,deliveries,redeliveries,refused,first_received,last_received";
    assert_eq!(lines.next(), Some(header));
    // The offer, the advertiser and the partner each came as several event
    // types: one resource, one version per distinct content.
    let expected = [
        "conversions,5,6,6,0,0",
        "events,1,1,1,0,0",
        "offers,1,2,2,0,0",
        "advertisers,1,3,3,0,0",
        "partners,1,3,3,0,0",
        "verdicts,1,1,1,0,0",
        "approvals,1,1,1,0,0",
        "blocked,3,3,1,0,0",
        "TOTAL,14,20,18,0,0",
    ];
    let mut found = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        assert!(
            fields.len() == 8 && fields[6..].iter().all(|t| !t.is_empty()),
            "{line}"
        );
        found.push(fields[..6].join(","));
    }
    assert_eq!(found, expected);
}

#[test]
fn stats_never_count_more_redeliveries_than_deliveries() {
    let server = filled_server();
    // The three blocks again: one delivery, a redelivery of three resources.
    let blocks = common::sample("traffic_optimized");
    assert_eq!(
        server.post_kind("traffic_optimized", &blocks).json["outcome"],
        "duplicate"
    );
    let printed = stdout_of(&server.db, &["stats", "--format", "csv"]);
    let blocked = printed
        .lines()
        .find(|line| line.starts_with("blocked,"))
        .expect("a blocked row");
    assert!(blocked.starts_with("blocked,3,3,2,1,0,"), "{blocked}");
}

#[test]
fn query_refusals_lists_the_refusal_log() {
    let server = filled_server();
    let bad = [
        ("conversion_registered", &b"{\"conversion_id\": "[..]),
        ("conversion_registered", b"conversion_id=1&payout=2"),
        ("offer_updated", b"{\"network_offer_id\": \"{offer_id}\"}"),
    ];
    for (kind, body) in bad {
        assert!(server.post_kind(kind, body).status >= 400);
    }
    let args = [
        "query",
        "refusals",
        "--until",
        AFTER_EVERY_ARRIVAL,
        "--format",
        "csv",
        "--columns",
        "kind,http_status,reason,body_length,body_prefix",
    ];
    assert_eq!(
        stdout_of(&server.db, &args),
        concat!(
            "kind,http_status,reason,body_length,body_prefix\n",
            "offer_updated,422,unexpanded_macro,34,\"{\"\"network_offer_id\"\": \"\"{offer_id}\"\"}\"\n",
            "conversion_registered,415,form_encoded_body,24,conversion_id=1&payout=2\n",
            "conversion_registered,400,invalid_json,18,\"{\"\"conversion_id\"\": \"\n",
        )
    );
    let narrowed = [
        &args[..],
        &["--status", "415,422", "--kind", "offer_updated"],
    ]
    .concat();
    assert_eq!(
        stdout_of(&server.db, &narrowed).lines().count(),
        2,
        "header and the one offer_updated refusal"
    );
    let table = stdout_of(
        &server.db,
        &["query", "refusals", "--until", AFTER_EVERY_ARRIVAL],
    );
    let header = table.lines().next().expect("header");
    assert!(
        header.starts_with(" time (UTC)")
            && header.contains("| reason")
            && header.contains("| first bytes"),
        "{header}"
    );
}

#[test]
fn show_lists_the_states_a_conversion_went_through_in_order_of_arrival() {
    let server = filled_server();
    let body = |status: &str| {
        edited_sample("conversion_registered", |doc| {
            doc["conversion_id"] = json!(6401);
            doc["status"] = json!(status);
        })
    };
    for status in ["approved", "rejected", "approved", "approved"] {
        assert_eq!(
            server
                .post_kind("conversion_registered", &body(status))
                .status,
            200
        );
    }
    let (states, versions) = shown(&stdout_of(&server.db, &["show", "conversion", "6401"]));
    assert_eq!(states[0], "── conversion 6401 · 2 versions · 4 deliveries");
    let states: Vec<&str> = states[2..].iter().map(|line| state(line)).collect();
    assert_eq!(
        states,
        [
            "version 1  new content",
            "version 2  new content",
            "version 1  the same content again: current again  ← current",
        ]
    );
    assert_eq!(
        versions[0].0,
        "── version 1 of 2 (current) · conversion_registered"
    );
    assert_eq!(versions[0].1[4], "redeliveries:   1");
    assert_eq!(versions[0].2["status"], json!("approved"));
    assert_eq!(versions[1].2["status"], json!("rejected"));
}

#[test]
fn sign_up_details_are_read_where_everflows_current_docs_put_them() {
    let server = filled_server();
    let signed_up = edited_sample("affiliate_signed_up", |doc| {
        doc["network_affiliate_id"] = json!(77);
        let block = doc["relationship"]["signup"]
            .as_object_mut()
            .expect("sign-up block");
        let address = block.remove("mailing_address").expect("address");
        block.remove("promotional_information");
        block.insert(
            "relationship".to_owned(),
            json!({
                "mailing_address": address,
                "promotional_information": [{"promotional_method": "Email", "description": "40k"}]
            }),
        );
    });
    assert_eq!(
        server.post_kind("affiliate_signed_up", &signed_up).status,
        200
    );
    let printed = stdout_of(
        &server.db,
        &[
            "query",
            "partners",
            "--partner",
            "77",
            "--format",
            "csv",
            "--columns",
            "affiliate_id,signed_up,country_code,promotional_information",
        ],
    );
    assert_eq!(
        printed,
        concat!(
            "affiliate_id,signed_up,country_code,promotional_information\n",
            "77,true,CA,\"[{\"\"description\"\":\"\"40k\"\",\"\"promotional_method\"\":\"\"Email\"\"}]\"\n",
        )
    );
}

/// `show --diff` prints each later version as what changed from the one
/// before it, field by field, instead of a second whole body.
#[test]
fn show_diff_names_each_changed_field_old_and_new() {
    let (_dir, db) = common::history::empty_archive();
    common::history::import(
        &db,
        &[
            common::history::dump_line(
                "offer_updated",
                common::history::OLD,
                &common::history::offer(7, "Seven", 1_764_005_001),
            ),
            common::history::dump_line(
                "offer_updated",
                common::history::RECENT,
                &common::history::offer(7, "Seven, renamed", 1_764_005_101),
            ),
        ],
    );
    let shown = stdout_of(&db, &["show", "offer", "7", "--diff"]);
    let second = shown
        .split("── version 2 of 2")
        .nth(1)
        .expect("a second version");
    assert!(
        second.ends_with(concat!(
            "changes from version 1 (2 fields):\n",
            "  name: \"Seven\" → \"Seven, renamed\"\n",
            "  time_saved: 1764005001 → 1764005101\n",
        )),
        "{second}"
    );
    // The first version is shown whole, as without --diff.
    let plain = stdout_of(&db, &["show", "offer", "7"]);
    let first_of = |text: &str| text.split("── version 2 of 2").next().map(str::to_owned);
    assert_eq!(first_of(&shown), first_of(&plain));
}
