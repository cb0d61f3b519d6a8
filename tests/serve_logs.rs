//! What `serve` writes to its log: refused tokens are counted and summarised,
//! not logged one line each, and the token never appears.

mod common;

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
