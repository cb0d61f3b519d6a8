//! When the writer cannot keep up, senders get 503 + Retry-After at once —
//! never a hang, never "database is locked" — and every 200 is in the archive.

use crate::common;

use std::time::{Duration, Instant};

use common::{TestServer, edited_sample};
use serde_json::json;

#[test]
fn a_full_queue_answers_503_with_retry_after_and_loses_no_accepted_delivery() {
    let server = TestServer::start_with(|config| config.writer_limits.queue_capacity = 2);
    // Another process holds the write lock, so the writer stalls and its queue fills.
    let blocker = rusqlite::Connection::open(&server.db).expect("open");
    blocker.execute_batch("BEGIN IMMEDIATE").expect("lock");

    let replies: Vec<(u16, Option<String>, Duration)> = std::thread::scope(|scope| {
        let senders: Vec<_> = (0..24)
            .map(|i| {
                let server = &server;
                scope.spawn(move || {
                    let body = edited_sample("conversion_registered", |doc| {
                        doc["conversion_id"] = json!(1000 + i);
                    });
                    let started = Instant::now();
                    let reply = server.post_kind("conversion_registered", &body);
                    (reply.status, reply.retry_after, started.elapsed())
                })
            })
            .collect();
        // Let every sender reach the server, then release the lock.
        std::thread::sleep(Duration::from_millis(800));
        blocker.execute_batch("ROLLBACK").expect("unlock");
        senders
            .into_iter()
            .map(|s| s.join().expect("sender"))
            .collect()
    });

    let busy: Vec<_> = replies
        .iter()
        .filter(|(status, ..)| *status == 503)
        .collect();
    let accepted = replies.iter().filter(|(status, ..)| *status == 200).count();
    assert_eq!(busy.len() + accepted, replies.len(), "{replies:?}");
    assert!(
        !busy.is_empty(),
        "a queue of 2 cannot hold 24 senders: {replies:?}"
    );
    for (_, retry_after, elapsed) in &busy {
        assert_eq!(retry_after.as_deref(), Some("1"));
        assert!(
            *elapsed < Duration::from_millis(700),
            "503 must be immediate: {elapsed:?}"
        );
    }
    assert!(accepted > 0);
    assert_eq!(
        server.count("SELECT count(*) FROM conversions"),
        accepted as i64,
        "every 200 is archived, no 503 is"
    );
}
