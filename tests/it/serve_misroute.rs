//! A body sent to another kind's URL (an event posted to the conversion URL)
//! is archived as what it is, on the real binary and port: answered with the
//! URL's kind beside its own, listed by `query deliveries --misrouted`,
//! counted in `/metrics`, warned about once per pair of kinds, kept through
//! `dump | import`, and never summed as a conversion.

use crate::common;

use common::cli::{evarchive, stdout_of};
use common::serving::ServeProcess;
use common::{TOKEN, TestServer, edited_sample, reply_of, sample};
use serde_json::json;

/// After every real arrival: the CLI's "now" is pinned before them.
const LATER: &str = "2100-01-01";

const MISROUTED_SERIES: &str = r#"evarchive_misrouted_deliveries_total{url_kind="conversion_registered",kind="event_registered"}"#;

fn post(serve: &ServeProcess, kind: &str, body: &[u8]) -> common::Reply {
    let url = serve.url(&format!("/webhooks/{kind}?token={TOKEN}"));
    common::send(ureq::post(&url), body)
}

/// The value of `series` in the exposition, if it is there.
fn metric(serve: &ServeProcess, series: &str) -> Option<f64> {
    let url = serve.url(&format!("/metrics?token={TOKEN}"));
    let text = ureq::get(&url)
        .call()
        .expect("metrics")
        .into_string()
        .expect("text");
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
}

/// The event sample again, as a new event of its own.
fn second_event() -> Vec<u8> {
    edited_sample("event_registered", |doc| {
        doc["conversion_id"] = json!(20000002);
    })
}

#[test]
fn an_event_at_the_conversion_url_is_archived_as_an_event_and_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let mut serve = ServeProcess::start(&db, &[]);

    let conversion = post(
        &serve,
        "conversion_registered",
        &sample("conversion_registered"),
    );
    assert_eq!(conversion.status, 200, "{:?}", conversion.json);
    assert_eq!(conversion.json["kind_source"], "declared");
    assert_eq!(
        conversion.json.get("url_kind"),
        None,
        "{:?}",
        conversion.json
    );
    assert_eq!(metric(&serve, MISROUTED_SERIES), None);

    let event = post(&serve, "conversion_registered", &sample("event_registered"));
    assert_eq!(event.status, 200, "{:?}", event.json);
    assert_eq!(event.json["kind"], "event_registered");
    assert_eq!(event.json["kind_source"], "detected");
    assert_eq!(event.json["url_kind"], "conversion_registered");
    assert_eq!(event.json["outcome"], "new");
    assert_eq!(event.json["resource_ids"], json!(["20000001"]));
    assert_eq!(metric(&serve, MISROUTED_SERIES), Some(1.0));

    let again = post(&serve, "conversion_registered", &second_event());
    assert_eq!(again.json["url_kind"], "conversion_registered");
    assert_eq!(metric(&serve, MISROUTED_SERIES), Some(2.0));

    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0));
    let log = serve.logged();
    let warnings: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("arrived at /webhooks/conversion_registered"))
        .collect();
    assert_eq!(warnings.len(), 1, "{log}");
    assert!(warnings[0].contains("WARN"), "{}", warnings[0]);
    assert!(
        warnings[0].contains("a body of kind event_registered"),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[0]
            .contains("point the Everflow webhook that sends it at /webhooks/event_registered"),
        "{}",
        warnings[0]
    );
    assert!(!log.contains(TOKEN), "the token is never logged");

    let misrouted = stdout_of(
        &db,
        &[
            "query",
            "deliveries",
            "--misrouted",
            "--until",
            LATER,
            "--format",
            "csv",
            "--columns",
            "delivery_id,kind,kind_source,url_kind,outcome",
        ],
    );
    assert_eq!(
        misrouted,
        "delivery_id,kind,kind_source,url_kind,outcome\n\
         3,event_registered,detected,conversion_registered,new\n\
         2,event_registered,detected,conversion_registered,new\n"
    );
    let every = stdout_of(
        &db,
        &[
            "query",
            "deliveries",
            "--until",
            LATER,
            "--format",
            "csv",
            "--columns",
            "kind,url_kind",
        ],
    );
    assert_eq!(
        every,
        "kind,url_kind\nevent_registered,conversion_registered\n\
         event_registered,conversion_registered\nconversion_registered,\n"
    );
    let table = stdout_of(
        &db,
        &["query", "deliveries", "--misrouted", "--until", LATER],
    );
    assert!(
        table.lines().next().unwrap_or("").contains("url kind"),
        "{table}"
    );

    let events = stdout_of(
        &db,
        &[
            "query",
            "events",
            "--since",
            "2025-11-01",
            "--format",
            "csv",
            "--columns",
            "conversion_id,payout",
        ],
    );
    assert_eq!(
        events,
        "conversion_id,payout\n20000002,1.25\n20000001,1.25\n"
    );
    let conversions = stdout_of(
        &db,
        &[
            "query",
            "conversions",
            "--since",
            "2025-11-01",
            "--format",
            "csv",
            "--columns",
            "conversion_id,payout",
        ],
    );
    assert_eq!(conversions, "conversion_id,payout\n10000001,2.50\n");
    // The conversion's payout alone: the events (rejected, 1.25 each) are
    // not in it.
    let report = stdout_of(
        &db,
        &[
            "report",
            "conversions",
            "--by",
            "currency",
            "--since",
            "2025-11-01",
            "--format",
            "csv",
            "--columns",
            "currency_id,approved_count,approved_payout,rejected_count,rejected_payout",
        ],
    );
    assert_eq!(
        report,
        "currency_id,approved_count,approved_payout,rejected_count,rejected_payout\n\
         USD,1,2.50,0,0.00\n"
    );

    // Another kind at a flag that applies to deliveries only is refused.
    let refused = evarchive(&db, &["query", "conversions", "--misrouted"]);
    assert_eq!(refused.code, Some(2), "{}", refused.stderr);
    assert!(refused.stderr.contains("--misrouted"), "{}", refused.stderr);
}

#[test]
fn dump_and_import_keep_the_url_kind() {
    let server = TestServer::start();
    assert_eq!(
        server
            .post_kind("conversion_registered", &sample("event_registered"))
            .json["url_kind"],
        "conversion_registered"
    );
    assert_eq!(
        server.post_kind("event_registered", &second_event()).status,
        200
    );
    // The GET postback of an event, at the conversion URL.
    let url = server.url(&format!(
        "/webhooks/conversion_registered?token={TOKEN}&conversion_id=20000003\
         &conversion_unix_timestamp=1764064100&transaction_id=get1&is_event=1&payout=0.50"
    ));
    let get = reply_of(ureq::get(&url).call().expect("GET delivery"));
    assert_eq!(get.json["kind"], "event_registered", "{:?}", get.json);
    assert_eq!(get.json["url_kind"], "conversion_registered");
    server.stop_keeping_archive(|db| {
        let dumped = stdout_of(db, &["dump"]);
        let lines: Vec<serde_json::Value> = dumped
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect();
        assert_eq!(lines[0]["url_kind"], "conversion_registered");
        assert_eq!(lines[1].get("url_kind"), None, "{}", lines[1]);
        assert_eq!(lines[2]["url_kind"], "conversion_registered");

        let copy_dir = tempfile::tempdir().expect("temp dir");
        let copy = copy_dir.path().join("copy.db");
        let file = copy_dir.path().join("dump.ndjson");
        std::fs::write(&file, &dumped).expect("write the dump");
        let import = evarchive(&copy, &["import", file.to_str().expect("a path")]);
        assert_eq!(import.code, Some(0), "{}", import.stderr);
        assert_eq!(stdout_of(&copy, &["dump"]), dumped);
        let columns = [
            "query",
            "deliveries",
            "--until",
            LATER,
            "--format",
            "csv",
            "--columns",
            "kind,kind_source,url_kind,method,outcome",
        ];
        let listed = stdout_of(db, &columns);
        assert_eq!(
            listed,
            "kind,kind_source,url_kind,method,outcome\n\
             event_registered,detected,conversion_registered,GET,new\n\
             event_registered,declared,,POST,new\n\
             event_registered,detected,conversion_registered,POST,new\n"
        );
        assert_eq!(stdout_of(&copy, &columns), listed);
    });
}
