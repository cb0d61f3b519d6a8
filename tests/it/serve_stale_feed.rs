//! `serve --stale-after`: the real binary's /healthz turns `degraded` (still
//! 200) with the reason once conversions stop arriving, and `ok` again when
//! one arrives; other kinds are watched with KIND=DURATION.

use crate::common;

use std::time::{Duration, Instant};

use common::serving::ServeProcess;
use serde_json::Value;

fn health(server: &ServeProcess) -> (u16, Value) {
    let reply = match ureq::get(&server.url("/healthz")).call() {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(e) => panic!("{e}"),
    };
    let status = reply.status();
    let text = reply.into_string().expect("a body");
    (status, serde_json::from_str(&text).expect("JSON"))
}

/// Polls /healthz until `status` says `want` (at most 10 s).
fn health_becomes(server: &ServeProcess, want: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (code, body) = health(server);
        if body["status"] == want {
            assert_eq!(code, 200, "{body}");
            return body;
        }
        assert!(Instant::now() < deadline, "never {want}: {body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn post(server: &ServeProcess, kind: &str) {
    let url = server.url(&format!("/webhooks/{kind}?token={}", common::TOKEN));
    let response = ureq::post(&url)
        .send_bytes(&common::sample(kind))
        .expect("accepted");
    assert_eq!(response.status(), 200);
}

#[test]
fn healthz_is_degraded_while_conversions_are_quiet_and_ok_once_one_arrives() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = ServeProcess::start(
        &dir.path().join("archive.db"),
        &["--stale-after", "2s,offer_updated=1h"],
    );
    // Quiet time counts from the start: not degraded at once.
    let (code, body) = health(&server);
    assert_eq!((code, body["status"].as_str()), (200, Some("ok")), "{body}");

    let degraded = health_becomes(&server, "degraded");
    assert_eq!(degraded["writable"], true);
    let reason = degraded["reason"].as_str().expect("a reason");
    assert!(
        reason.contains("no conversion_registered delivery for more than 2s"),
        "{reason}"
    );
    assert_eq!(
        degraded["stale"].as_array().expect("list").len(),
        1,
        "{degraded}"
    );
    assert_eq!(degraded["stale"][0]["last_received_at"], Value::Null);

    post(&server, "conversion_registered");
    health_becomes(&server, "ok");

    // Quiet again: the reason now names the last arrival.
    let degraded = health_becomes(&server, "degraded");
    let last = degraded["stale"][0]["last_received_at"]
        .as_str()
        .expect("the last arrival");
    assert!(
        degraded["reason"]
            .as_str()
            .expect("reason")
            .contains(&format!("the last arrived at {last}")),
        "{degraded}"
    );
}

#[test]
fn a_stale_after_that_is_not_a_duration_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = common::cli::evarchive(
        &dir.path().join("archive.db"),
        &["serve", "--stale-after", "offer=soon"],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("--stale-after"), "{}", run.stderr);
    assert!(!dir.path().join("archive.db").exists());
}
