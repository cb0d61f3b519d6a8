//! The archive file itself: deleted or replaced under a running server, it is
//! noticed (503, /healthz says why, an error is logged) instead of
//! acknowledging deliveries into a file no one can open; a vanished archive
//! is never silently replaced by a new, empty one at the next start; and an
//! archive that cannot be written stops `serve` at start.

use crate::common;

use std::time::{Duration, Instant};

use common::serving::{ServeProcess, serve_refusing};
use common::{TOKEN, reply_of, sample};

fn post(serve: &ServeProcess, kind: &str, body: &[u8]) -> common::Reply {
    let url = serve.url(&format!("/webhooks/{kind}?token={TOKEN}"));
    common::send(ureq::post(&url), body)
}

fn health(serve: &ServeProcess) -> common::Reply {
    match ureq::get(&serve.url("/healthz")).call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => reply_of(response),
        Err(e) => panic!("{e}"),
    }
}

/// Posts until the server notices (it checks before each commit), at most 3 s.
fn until_refused(serve: &ServeProcess) -> common::Reply {
    let started = Instant::now();
    let mut id = 9_000_000;
    loop {
        id += 1;
        let body = common::edited_sample("conversion_registered", |doc| {
            doc["conversion_id"] = serde_json::json!(id);
        });
        let reply = post(serve, "conversion_registered", &body);
        if reply.status != 200 || started.elapsed() > Duration::from_secs(3) {
            return reply;
        }
    }
}

#[test]
fn a_deleted_archive_is_noticed_and_never_silently_replaced() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let mut serve = ServeProcess::start(&db, &[]);
    assert_eq!(
        post(&serve, "offer_created", &sample("offer_created")).status,
        200
    );

    // `rm archive.db*`: the file, its WAL and shared memory.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let refused = until_refused(&serve);
    assert_eq!(refused.status, 503, "{:?}", refused.json);
    assert!(
        refused.json["message"]
            .as_str()
            .is_some_and(|m| m.contains("was deleted or moved")),
        "{:?}",
        refused.json
    );
    let health = health(&serve);
    assert_eq!(health.status, 503);
    assert!(
        health.json["reason"]
            .as_str()
            .is_some_and(|r| r.contains("was deleted or moved")),
        "{:?}",
        health.json
    );
    serve.signal("TERM");
    serve.wait();
    assert!(
        serve.logged().contains("ERROR") && serve.logged().contains("was deleted or moved"),
        "{}",
        serve.logged()
    );

    // The next start refuses to make a new, empty archive in its place.
    let (code, stderr) = serve_refusing(&db, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("there is no archive at"), "{stderr}");
    assert!(stderr.contains(".archive.db.created"), "{stderr}");
    assert!(!db.exists(), "nothing created");

    // Deleting the marker is how to start anew on purpose.
    std::fs::remove_file(dir.path().join(".archive.db.created")).expect("marker");
    let fresh = ServeProcess::start(&db, &[]);
    assert_eq!(
        post(&fresh, "offer_created", &sample("offer_created")).json["outcome"],
        "new"
    );
}

#[test]
fn a_replaced_archive_is_noticed() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let serve = ServeProcess::start(&db, &[]);
    assert_eq!(
        post(&serve, "offer_created", &sample("offer_created")).status,
        200
    );
    let other = dir.path().join("other.db");
    std::fs::copy(&db, &other).expect("copy");
    std::fs::rename(&other, &db).expect("replace");
    let refused = until_refused(&serve);
    assert_eq!(refused.status, 503, "{:?}", refused.json);
    assert!(
        refused.json["message"]
            .as_str()
            .is_some_and(|m| m.contains("was replaced by another file")),
        "{:?}",
        refused.json
    );
    assert_eq!(health(&serve).status, 503);
}

#[test]
fn an_archive_that_cannot_be_written_stops_serve_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let mut serve = ServeProcess::start(&db, &[]);
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0));
    let place = match common::places::read_only_copy(dir.path()) {
        Ok(place) => place,
        Err(why) => {
            eprintln!("skipped: no read-only place can be made here: {why}");
            return;
        }
    };
    let (code, stderr) = serve_refusing(&place.path().join("archive.db"), &[]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("cannot write to the archive"), "{stderr}");
}
