//! What the reading commands say on stderr reads as English and says what
//! they did: one record is "1 conversion", not "1 conversions"; deliveries
//! and refusals, which have no time of a fact, are said to be windowed by
//! the time they arrived.

use crate::common;

use common::cli::evarchive;
use common::{TestServer, sample};

#[test]
fn counts_of_one_are_singular_and_logs_are_windowed_by_arrival() {
    let server = TestServer::start();
    let reply = server.post_kind("conversion_registered", &sample("conversion_registered"));
    assert_eq!(reply.status, 200);
    let db = &server.db;

    let run = evarchive(db, &["query", "conversions", "--since", "2025-11-01"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.ends_with("evarchive: 1 conversion matched\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("(by the time of the fact)"),
        "{}",
        run.stderr
    );

    let run = evarchive(
        db,
        &[
            "report",
            "conversions",
            "--by",
            "offer",
            "--since",
            "2025-11-01",
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.ends_with("evarchive: 1 group\n"),
        "{}",
        run.stderr
    );

    for what in ["deliveries", "refusals"] {
        let run = evarchive(db, &["query", what, "--since", "2025-11-01"]);
        assert!(
            run.stderr.contains("(by the time received)"),
            "{what}: {}",
            run.stderr
        );
        assert!(
            !run.stderr.contains("time of the fact"),
            "{what}: {}",
            run.stderr
        );
    }
}

#[test]
fn serve_says_when_it_has_stopped() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let mut serve = common::serving::ServeProcess::start(&db, &[]);
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let last = "evarchive: stopped; everything answered 200 is committed\n";
    while !serve.logged().ends_with(last) {
        assert!(std::time::Instant::now() < deadline, "{}", serve.logged());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// `query refusals` shows what was wrong in words, not only its code: the
/// detail names the field (here an amount that cannot be kept).
#[test]
fn the_refusals_table_says_what_was_wrong() {
    let server = TestServer::start();
    let body = common::edited_sample("conversion_registered", |doc| {
        doc["payout"] = serde_json::json!("abc");
    });
    assert_eq!(server.post_kind("conversion_registered", &body).status, 422);
    let run = common::cli::evarchive_with(
        &server.db,
        &["query", "refusals", "--until", "2100-01-01"],
        &[("COLUMNS", "160")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let header = run.stdout.lines().next().unwrap_or_default();
    assert!(header.contains("detail"), "{}", run.stdout);
    assert!(
        run.stdout.contains("conversion_registered payout is"),
        "{}",
        run.stdout
    );
}
