//! The archive in place at start, through the real binary: another archive
//! copied over the one the marker names is refused until adopted on purpose
//! (`--adopt-archive`); a backup of the same archive restored in place
//! starts, and serve says which deliveries it lacks and how to get them back
//! (the log, and `/healthz` degraded).

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::evarchive;
use common::serving::{ServeProcess, serve_refusing};
use common::{TOKEN, edited_sample, reply_of, sample};
use serde_json::json;

fn post(serve: &ServeProcess, kind: &str, body: &[u8]) -> common::Reply {
    let url = serve.url(&format!("/webhooks/{kind}?token={TOKEN}"));
    common::send(ureq::post(&url), body)
}

fn conversion(serve: &ServeProcess, id: i64) -> common::Reply {
    let body = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(id);
    });
    let reply = post(serve, "conversion_registered", &body);
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    reply
}

fn health(serve: &ServeProcess) -> common::Reply {
    match ureq::get(&serve.url("/healthz")).call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => reply_of(response),
        Err(e) => panic!("{e}"),
    }
}

fn stop(mut serve: ServeProcess) {
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0), "{}", serve.logged());
}

/// The archive's files as a stopped serve leaves them, `from` in place of `to`.
fn copy_archive(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).expect("copy");
}

fn deliveries(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .expect("open")
        .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
        .expect("count")
}

#[test]
fn another_archive_copied_into_place_is_refused_until_adopted() {
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let (a, b) = (
        dir_a.path().join("archive.db"),
        dir_b.path().join("archive.db"),
    );
    let serve = ServeProcess::start(&a, &[]);
    conversion(&serve, 1);
    conversion(&serve, 2);
    stop(serve);
    let serve = ServeProcess::start(&b, &[]);
    assert_eq!(
        post(&serve, "offer_created", &sample("offer_created")).status,
        200
    );
    stop(serve);

    // B copied over A; A's marker stays beside it.
    copy_archive(&b, &a);
    let before = std::fs::read(&a).expect("read");
    let (code, stderr) = serve_refusing(&a, &[]);
    assert_eq!(code, Some(1), "{stderr}");
    for words in [
        "is not the archive kept there",
        ".archive.db.created names archive",
        "Another archive was copied or moved into place",
        "evarchive serve --adopt-archive",
    ] {
        assert!(stderr.contains(words), "{words}: {stderr}");
    }
    assert_eq!(std::fs::read(&a).expect("read"), before, "left untouched");

    // Adopting it on purpose: served, and A's note of what it acknowledged
    // (two deliveries, more than B has) is not held against it.
    let adopted = ServeProcess::start(&a, &["--adopt-archive"]);
    let reply = health(&adopted);
    assert_eq!(reply.json["status"], "ok", "{:?}", reply.json);
    conversion(&adopted, 3);
    stop(adopted);
    // From now on the marker names it: no flag needed.
    let again = ServeProcess::start(&a, &[]);
    assert_eq!(health(&again).json["status"], "ok");
    assert!(!again.logged().contains("older than"), "{}", again.logged());
    stop(again);
    assert_eq!(deliveries(&a), 2);
}

#[test]
fn a_backup_restored_in_place_says_what_it_lacks_and_keeps_working() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("archive.db");
    let backup = dir.path().join("backup.db");
    let serve = ServeProcess::start(&db, &[]);
    for id in 1..=3 {
        conversion(&serve, id);
    }
    let run = evarchive(&db, &["backup", backup.to_str().expect("path")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for id in 4..=6 {
        conversion(&serve, id);
    }
    stop(serve);
    let (newest_kept, missing_until): (i64, i64) = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT (SELECT received_at FROM deliveries WHERE delivery_id = 3),
                    (SELECT received_at FROM deliveries WHERE delivery_id = 6)",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("times");

    // Restored as the README says: the backup in place, no WAL.
    copy_archive(&backup, &db);
    let serve = ServeProcess::start(&db, &[]);
    let started = Instant::now();
    let line = loop {
        if let Some(line) = serve
            .logged()
            .lines()
            .find(|line| line.contains("older than what was acknowledged"))
        {
            break line.to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{}",
            serve.logged()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let time = |millis: i64| {
        jiff::Timestamp::from_millisecond(millis)
            .expect("time")
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    };
    let since = newest_kept - 3_600_000;
    let since = time(since - since.rem_euclid(60_000));
    for words in [
        "WARN".to_owned(),
        format!(
            "its newest delivery is id 3, which arrived at {}",
            time(newest_kept)
        ),
        format!(
            "acknowledged deliveries up to id 6, which arrived at {}",
            time(missing_until)
        ),
        format!(
            "`evarchive --db {} reconcile --apply --since {since}`",
            db.display()
        ),
    ] {
        assert!(line.contains(&words), "{words}: {line}");
    }
    let reply = health(&serve);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["status"], "degraded", "{:?}", reply.json);
    let restored = &reply.json["restored_from_backup"];
    assert_eq!(restored["missing_since"], json!(time(newest_kept)));
    assert_eq!(restored["missing_until"], json!(time(missing_until)));
    assert_eq!(restored["archive_delivery_id"], 3);
    assert_eq!(restored["acknowledged_delivery_id"], 6);
    assert!(
        restored["reconcile"]
            .as_str()
            .is_some_and(|c| c.ends_with(&format!("reconcile --apply --since {since}"))),
        "{restored}"
    );

    // It keeps working: the ids after 3 are given again (which is why it
    // had to be said), and the gap is said once, by the start that found it.
    let next = conversion(&serve, 7);
    assert_eq!(next.json["outcome"], "new");
    assert_eq!(next.json["delivery_id"], 4);
    stop(serve);
    let again = ServeProcess::start(&db, &[]);
    assert_eq!(health(&again).json["status"], "ok");
    assert_eq!(conversion(&again, 8).json["delivery_id"], 5);
    stop(again);
    assert_eq!(deliveries(&db), 5);
    let verified = evarchive(&db, &["verify"]);
    assert_eq!(
        verified.code,
        Some(0),
        "{}{}",
        verified.stdout,
        verified.stderr
    );
}
