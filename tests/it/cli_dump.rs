//! `evarchive dump`: every delivery, in order of arrival, with its body
//! exactly as received — whatever its white space, key order or Unicode, and
//! however it was compressed — and the filters that narrow it.

use crate::common;

use common::cli::evarchive;
use common::{ALL_KINDS, TOKEN, TestServer, edited_sample, reply_of, sample};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// What was sent, in order: kind, method, and the body as archived (a GET's
/// query string without the token).
struct Sent {
    kind: &'static str,
    method: &'static str,
    body: Vec<u8>,
}

/// Bodies a careless JSON round trip would change.
fn awkward_bodies() -> Vec<(&'static str, Vec<u8>)> {
    let reordered = {
        // The sample's keys, last first.
        let doc: serde_json::Map<String, Value> =
            serde_json::from_slice(&sample("conversion_registered")).expect("sample");
        let mut text = String::from("{");
        for (i, (key, value)) in doc.iter().rev().enumerate() {
            let value = match key.as_str() {
                "conversion_id" => json!(7_000_001),
                _ => value.clone(),
            };
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!("{}:{}", json!(key), value));
        }
        text.push('}');
        text.into_bytes()
    };
    let spaced = String::from_utf8(edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(7_000_002);
    }))
    .expect("utf-8")
    .replace(',', " ,\r\n\t  ")
    .replace(':', " :  ");
    let unicode = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(7_000_003);
        doc["sub1"] = json!("Zürich — 東京 🚀 \u{2028} \u{0}");
        doc["sub2"] = json!("=cmd|' /C calc'!A0");
    });
    // Escapes kept as the sender wrote them, not decoded.
    let escaped = br#"{"conversion_id":"7000004","conversion_unix_timestamp":1764000000,"status":"approved","sub1":"caf\u00e9 \ud83d\ude80 \"quoted\" \/slash","payout":"1.50","revenue":"2.00000"}   "#.to_vec();
    vec![
        ("conversion_registered", reordered),
        ("conversion_registered", spaced.into_bytes()),
        ("conversion_registered", unicode),
        ("conversion_registered", escaped),
    ]
}

fn fill(server: &TestServer) -> Vec<Sent> {
    let mut sent = Vec::new();
    for kind in ALL_KINDS {
        let body = sample(kind);
        assert_eq!(server.post_kind(kind, &body).status, 200, "{kind}");
        sent.push(Sent {
            kind,
            method: "POST",
            body,
        });
    }
    for (kind, body) in awkward_bodies() {
        let reply = server.post_kind(kind, &body);
        assert_eq!(reply.status, 200, "{:?}", reply.json);
        sent.push(Sent {
            kind,
            method: "POST",
            body,
        });
    }
    let query = "conversion_id=7000005&conversion_unix_timestamp=1764000000&payout=0.25&sub1=a%26b%3Dc%20%C3%A9&offer_id=2";
    let url = server.url(&format!(
        "/webhooks/conversion_registered?{query}&token={TOKEN}"
    ));
    let reply = reply_of(ureq::get(&url).call().expect("GET delivery"));
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    sent.push(Sent {
        kind: "conversion_registered",
        method: "GET",
        body: query.as_bytes().to_vec(),
    });
    // A redelivery is a delivery of its own.
    let body = sample("offer_created");
    assert_eq!(server.post_kind("offer_created", &body).status, 200);
    sent.push(Sent {
        kind: "offer_created",
        method: "POST",
        body,
    });
    sent
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[test]
fn every_delivery_comes_out_with_its_exact_body_in_order_of_arrival() {
    let server = TestServer::start();
    let sent = fill(&server);
    server.stop_keeping_archive(|db| {
        let run = evarchive(db, &["dump"]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("dumped {} deliveries", sent.len())),
            "{}",
            run.stderr
        );
        let dumped = lines(&run.stdout);
        assert_eq!(dumped.len(), sent.len());
        let mut previous = 0;
        for (line, sent) in dumped.iter().zip(&sent) {
            let id = line["delivery_id"].as_i64().expect("delivery id");
            assert!(id > previous, "in order of arrival");
            previous = id;
            assert_eq!(line["kind"], sent.kind);
            assert_eq!(line["method"], sent.method);
            let body = line["body"].as_str().expect("body text");
            assert_eq!(body.as_bytes(), sent.body, "delivery {id}");
            assert_eq!(line["sha256"], hex::encode(Sha256::digest(&sent.body)));
            let received = line["received_at"].as_str().expect("time");
            assert!(received.parse::<jiff::Timestamp>().is_ok(), "{received}");
            assert_eq!(line["sender"], "127.0.0.1");
        }
        assert_eq!(dumped.last().expect("last")["outcome"], "duplicate");
        assert_eq!(dumped[0]["outcome"], "new");
        assert_eq!(dumped[0]["kind_source"], "declared");
        // The token never reaches the dump.
        assert!(!run.stdout.contains(TOKEN));
    });
}

#[test]
fn kinds_windows_and_a_file_narrow_and_direct_the_dump() {
    let server = TestServer::start();
    let sent = fill(&server);
    server.stop_keeping_archive(|db| {
        let conversions = evarchive(
            db,
            &["dump", "--kind", "conversion_registered,offer_created"],
        );
        assert_eq!(conversions.code, Some(0), "{}", conversions.stderr);
        let expected = sent
            .iter()
            .filter(|s| s.kind == "conversion_registered" || s.kind == "offer_created")
            .count();
        let dumped = lines(&conversions.stdout);
        assert_eq!(dumped.len(), expected);
        assert!(
            dumped
                .iter()
                .all(|l| l["kind"] == "conversion_registered" || l["kind"] == "offer_created")
        );

        for window in [&["--since", "2020-01-01"][..], &["--until", "2100-01-01"]] {
            let all = evarchive(db, &[&["dump"][..], window].concat());
            assert_eq!(lines(&all.stdout).len(), sent.len(), "{window:?}");
        }
        for window in [
            &["--until", "2020-01-01"][..],
            &["--since", "2099-01-01T00:00:00Z", "--until", "2100-01-01"],
            &["--month", "2020-02"],
        ] {
            let none = evarchive(db, &[&["dump"][..], window].concat());
            assert_eq!(none.code, Some(0), "{}", none.stderr);
            assert_eq!(none.stdout, "", "{window:?}");
            assert!(
                none.stderr.contains("dumped 0 deliveries"),
                "{}",
                none.stderr
            );
        }

        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("archive.ndjson");
        let to_file = evarchive(db, &["dump", "-o", file.to_str().expect("path")]);
        assert_eq!(to_file.code, Some(0), "{}", to_file.stderr);
        assert_eq!(to_file.stdout, "");
        let stdout = evarchive(db, &["dump"]).stdout;
        assert_eq!(std::fs::read_to_string(&file).expect("dump file"), stdout);
        assert!(!dir.path().join("archive.ndjson.partial").exists());
    });
}

#[test]
fn bad_dump_flags_say_what_is_accepted() {
    let server = TestServer::start();
    server.stop_keeping_archive(|db| {
        let unknown = evarchive(db, &["dump", "--kind", "offer_deleted"]);
        assert_eq!(unknown.code, Some(2));
        assert!(
            unknown.stderr.contains("conversion_registered"),
            "{}",
            unknown.stderr
        );
        let bad_time = evarchive(db, &["dump", "--since", "last tuesday"]);
        assert_eq!(bad_time.code, Some(2));
        assert!(bad_time.stderr.contains("--since"), "{}", bad_time.stderr);
    });
}
