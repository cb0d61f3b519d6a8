//! `GET /metrics` on the real binary: token-protected, Prometheus text that
//! parses, and every family counts what was sent.

use crate::common;

use std::collections::HashMap;

use common::serving::ServeProcess;
use common::{TOKEN, edited_sample, sample};
use serde_json::json;

/// `name{labels}` → value, from the exposition's sample lines.
fn parse(text: &str) -> HashMap<String, f64> {
    let mut samples = HashMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let (series, value) = line
            .rsplit_once(' ')
            .unwrap_or_else(|| panic!("a sample line: {line}"));
        let value: f64 = value.parse().unwrap_or_else(|_| panic!("a number: {line}"));
        assert!(
            series
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic()),
            "a metric name: {line}"
        );
        samples.insert(series.to_owned(), value);
    }
    samples
}

fn status_of(result: Result<ureq::Response, ureq::Error>) -> u16 {
    match result {
        Ok(response) => response.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn metrics_count_deliveries_refusals_and_the_writer_behind_the_token() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServeProcess::start(&dir.path().join("archive.db"), &["--stale-after", "1h"]);
    let post = |path: &str, token: &str, body: &[u8]| {
        status_of(ureq::post(&server.url(&format!("{path}?token={token}"))).send_bytes(body))
    };
    let conversion = sample("conversion_registered");
    let rejected = edited_sample("conversion_registered", |doc| {
        doc["status"] = json!("rejected");
    });
    assert_eq!(
        post("/webhooks/conversion_registered", TOKEN, &conversion),
        200
    );
    assert_eq!(
        post("/webhooks/conversion_registered", TOKEN, &conversion),
        200
    );
    assert_eq!(
        post("/webhooks/conversion_registered", TOKEN, &rejected),
        200
    );
    assert_eq!(
        post("/webhooks/offer_created", TOKEN, &sample("offer_created")),
        200
    );
    assert_eq!(
        post("/webhooks/conversion_registered", TOKEN, b"{nope"),
        400
    );
    assert_eq!(post("/webhooks/no_such_kind", TOKEN, &conversion), 404);
    assert_eq!(
        post(
            "/webhooks/conversion_registered",
            "wrong-token-0000",
            &conversion
        ),
        401
    );

    // Without the token: 401, like a webhook.
    assert_eq!(status_of(ureq::get(&server.url("/metrics")).call()), 401);
    let response = ureq::get(&server.url("/metrics"))
        .set("Authorization", &format!("Bearer {TOKEN}"))
        .call()
        .expect("metrics");
    assert!(
        response.content_type().contains("openmetrics-text"),
        "{}",
        response.content_type()
    );
    let text = response.into_string().expect("text");
    assert!(text.ends_with("# EOF\n"), "{text}");
    assert!(!text.contains(TOKEN), "the token is never in the metrics");
    let samples = parse(&text);
    let value = |series: &str| {
        *samples
            .get(series)
            .unwrap_or_else(|| panic!("{series} missing from:\n{text}"))
    };

    for (outcome, count) in [("new", 1.0), ("duplicate", 1.0), ("version", 1.0)] {
        assert_eq!(
            value(&format!(
                "evarchive_deliveries_total{{kind=\"conversion_registered\",outcome=\"{outcome}\"}}"
            )),
            count,
            "{outcome}"
        );
    }
    assert_eq!(
        value("evarchive_deliveries_total{kind=\"offer_created\",outcome=\"new\"}"),
        1.0
    );
    assert_eq!(
        value("evarchive_refusals_total{kind=\"conversion_registered\",reason=\"invalid_json\"}"),
        1.0
    );
    assert_eq!(
        value("evarchive_refusals_total{kind=\"unknown\",reason=\"unknown_kind\"}"),
        1.0
    );
    assert_eq!(value("evarchive_unauthorized_requests_total"), 2.0);

    // The writer committed the deliveries and the logged refusals.
    let batches = value("evarchive_writer_batch_size_count");
    assert!(batches >= 5.0, "{batches} batches");
    assert_eq!(
        value("evarchive_writer_batch_size_bucket{le=\"+Inf\"}"),
        batches
    );
    assert_eq!(value("evarchive_writer_commit_seconds_count"), batches);
    assert!(value("evarchive_writer_commit_seconds_sum") > 0.0);
    assert_eq!(value("evarchive_writer_queue_depth"), 0.0);
    assert!(value("evarchive_archive_bytes") > 4096.0);
    assert!(value("evarchive_disk_free_bytes") > 0.0);
    assert!(samples.contains_key("evarchive_wal_bytes"));

    let now = jiff::Timestamp::now().as_second() as f64;
    let last = value("evarchive_last_delivery_timestamp_seconds{kind=\"conversion_registered\"}");
    assert!((now - 60.0..=now + 1.0).contains(&last), "{last} vs {now}");
    assert!(
        !samples.contains_key("evarchive_last_delivery_timestamp_seconds{kind=\"offer_updated\"}")
    );
    assert_eq!(
        value("evarchive_feed_stale{kind=\"conversion_registered\"}"),
        0.0
    );
}
