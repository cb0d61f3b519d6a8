//! What `serve` writes to its log: a line per delivery (kind, outcome,
//! status, latency, sender) as text or JSON, filtered by EVARCHIVE_LOG;
//! refused tokens counted and summarised, not logged one line each; never a
//! token or a body. Reading commands log nothing at info.

use crate::common;

use common::serving::ServeProcess;
use common::{TOKEN, sample};

#[test]
fn a_flood_of_wrong_tokens_is_one_summary_line_not_one_line_each() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut serve = ServeProcess::start(&dir.path().join("archive.db"), &[]);
    let url = serve.url("/webhooks/conversion_registered?token=wrong-token-0123456789");
    let body = sample("conversion_registered");
    let agent = ureq::AgentBuilder::new().build();
    for _ in 0..500 {
        match agent.post(&url).send_bytes(&body) {
            Err(ureq::Error::Status(401, _)) => {}
            other => panic!("expected 401, got {other:?}"),
        }
    }
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0));
    let logged = serve.logged();
    let summaries: Vec<&str> = logged
        .lines()
        .filter(|line| line.contains("missing or wrong token"))
        .collect();
    assert!(
        (1..=2).contains(&summaries.len()),
        "at most a summary per 10 s: {summaries:?}"
    );
    let counted: u64 = summaries
        .iter()
        .map(|line| {
            let after = line.split("refused ").nth(1).expect("a count");
            after
                .split(' ')
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .expect("a number")
        })
        .sum();
    assert_eq!(counted, 500, "{summaries:?}");
    assert!(
        summaries
            .iter()
            .all(|line| line.contains("from 127.0.0.1 (")),
        "{summaries:?}"
    );
    assert!(
        !logged.contains("wrong-token-0123456789"),
        "tokens are never logged"
    );
    assert!(!logged.contains(TOKEN), "tokens are never logged");
    assert!(logged.lines().count() < 40, "{logged}");
}

/// The transaction id of the conversion sample: in its body, never in the log.
const SAMPLE_TRANSACTION_ID: &str = "d06fced9009dc26cebe7b656b480bee9";

fn post(serve: &ServeProcess, kind: &str, body: &[u8]) -> u16 {
    let url = serve.url(&format!("/webhooks/{kind}?token={TOKEN}"));
    match ureq::post(&url).send_bytes(body) {
        Ok(reply) => reply.status(),
        Err(ureq::Error::Status(status, _)) => status,
        Err(e) => panic!("{e}"),
    }
}

/// A new conversion, its redelivery, and a body without an id.
fn three_deliveries(serve: &ServeProcess) {
    let body = sample("conversion_registered");
    assert_eq!(post(serve, "conversion_registered", &body), 200);
    assert_eq!(post(serve, "conversion_registered", &body), 200);
    assert_eq!(
        post(serve, "conversion_registered", br#"{"status":"x"}"#),
        422
    );
}

fn stopped(mut serve: ServeProcess) -> String {
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0));
    serve.logged()
}

#[test]
fn each_delivery_is_one_line_with_kind_outcome_status_latency_and_sender() {
    let dir = tempfile::tempdir().expect("temp dir");
    let serve = ServeProcess::start(&dir.path().join("archive.db"), &[]);
    three_deliveries(&serve);
    let logged = stopped(serve);
    let lines: Vec<&str> = logged
        .lines()
        .filter(|line| line.contains("delivery "))
        .collect();
    assert_eq!(lines.len(), 3, "{logged}");
    for (line, level, outcome, status) in [
        (lines[0], "INFO", "new", 200),
        (lines[1], "INFO", "duplicate", 200),
        (lines[2], "WARN", "refused", 422),
    ] {
        for field in [
            level.to_owned(),
            "kind=conversion_registered".to_owned(),
            format!("outcome={outcome}"),
            format!("status={status}"),
            "latency_ms=".to_owned(),
            "sender=127.0.0.1".to_owned(),
        ] {
            assert!(line.contains(&field), "{field}: {line}");
        }
    }
    assert!(lines[2].contains("reason="), "{}", lines[2]);
    assert!(!logged.contains(TOKEN), "tokens are never logged");
    assert!(
        !logged.contains(SAMPLE_TRANSACTION_ID),
        "bodies are never logged"
    );
}

#[test]
fn the_json_log_is_one_object_a_line_with_the_same_fields() {
    let dir = tempfile::tempdir().expect("temp dir");
    let serve = ServeProcess::start(&dir.path().join("archive.db"), &["--log-format", "json"]);
    three_deliveries(&serve);
    let logged = stopped(serve);
    let records: Vec<serde_json::Value> = logged
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    let archived: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["message"] == "delivery archived")
        .collect();
    assert_eq!(archived.len(), 2, "{logged}");
    assert_eq!(archived[0]["kind"], "conversion_registered");
    assert_eq!(archived[0]["outcome"], "new");
    assert_eq!(archived[0]["status"], 200);
    assert_eq!(archived[0]["sender"], "127.0.0.1");
    assert!(
        archived[0]["latency_ms"].as_f64().is_some(),
        "{}",
        archived[0]
    );
    assert_eq!(archived[1]["outcome"], "duplicate");
    let refused: Vec<&serde_json::Value> = records
        .iter()
        .filter(|r| r["outcome"] == "refused")
        .collect();
    assert_eq!(refused.len(), 1, "{logged}");
    assert_eq!(refused[0]["level"], "WARN");
    assert_eq!(refused[0]["status"], 422);
    // The start-up summary, as fields.
    let serving = records
        .iter()
        .find(|r| r["message"] == "serving")
        .unwrap_or_else(|| panic!("a start-up record: {logged}"));
    assert_eq!(
        serving["schema_version"],
        evarchive::store::open::SCHEMA_VERSION
    );
    assert_eq!(serving["tls"], false);
    assert!(
        serving["archive"]
            .as_str()
            .is_some_and(|a| a.ends_with("archive.db"))
    );
    assert!(!logged.contains(TOKEN), "tokens are never logged");
}

#[test]
fn evarchive_log_filters_what_is_logged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let serve = ServeProcess::start_with_env(
        &dir.path().join("archive.db"),
        &[],
        &[("EVARCHIVE_LOG", "warn")],
    );
    three_deliveries(&serve);
    let logged = stopped(serve);
    assert!(!logged.contains("delivery archived"), "{logged}");
    assert!(logged.contains("delivery refused"), "{logged}");
}

#[test]
fn reading_commands_log_nothing_at_info_and_a_bad_filter_is_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let serve = ServeProcess::start(&db, &[]);
    three_deliveries(&serve);
    stopped(serve);
    for args in [&["query", "conversions"][..], &["stats"], &["verify"]] {
        let unset = [("EVARCHIVE_LOG", ""), ("RUST_LOG", "")];
        let run = common::cli::evarchive_with(&db, args, &unset);
        assert_eq!(run.code, Some(0), "{args:?}: {}", run.stderr);
        assert!(
            !run.stderr.contains(" INFO ") && !run.stderr.contains(" DEBUG "),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = common::cli::evarchive_with(&db, &["stats"], &[("EVARCHIVE_LOG", "info,=[")]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("EVARCHIVE_LOG"), "{}", run.stderr);
}
