//! A WAL that grows until the disk is nearly full: deliveries wait (503
//! disk_full, /healthz says why) before the disk is full, nothing
//! acknowledged is lost, and once the WAL can be checkpointed the archive
//! recovers by itself, also across a restart. On a small tmpfs the test
//! mounts; skipped, with the reason, where mounting is not allowed.

use crate::common;

use std::time::{Duration, Instant};

use common::places::Mounted;
use common::serving::ServeProcess;
use common::{TOKEN, edited_sample, reply_of};
use rusqlite::{Connection, OpenFlags};
use serde_json::json;

fn health(serve: &ServeProcess) -> common::Reply {
    match ureq::get(&serve.url("/healthz")).call() {
        Ok(response) | Err(ureq::Error::Status(_, response)) => reply_of(response),
        Err(e) => panic!("{e}"),
    }
}

fn post_conversion(serve: &ServeProcess, id: i64) -> common::Reply {
    let body = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(id);
    });
    let url = serve.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
    common::send(ureq::post(&url), &body)
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_wal_that_fills_the_disk_is_given_back_and_nothing_is_lost() {
    let disk = match Mounted::tmpfs(40) {
        Ok(disk) => disk,
        Err(why) => {
            eprintln!("skipped: cannot mount a small filesystem here: {why}");
            return;
        }
    };
    let db = disk.path().join("archive.db");
    let mut serve = ServeProcess::start(&db, &["--disk-reserve", "4"]);

    // A reader that keeps its snapshot pins the WAL: it can only grow.
    let reader = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    reader.execute_batch("BEGIN").expect("begin");
    let _: i64 = reader
        .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
        .expect("a snapshot");

    let mut acknowledged = Vec::new();
    let mut next = 1;
    let refused = loop {
        let reply = post_conversion(&serve, next);
        match reply.status {
            200 => acknowledged.push(next),
            503 => break reply,
            other => panic!("{other}: {:?}", reply.json),
        }
        next += 1;
        assert!(next < 50_000, "never refused: the WAL did not grow");
    };
    assert_eq!(refused.json["error"], "disk_full", "{:?}", refused.json);
    assert_eq!(refused.retry_after.as_deref(), Some("30"));
    let unhealthy = health(&serve);
    assert_eq!(unhealthy.status, 503, "{:?}", unhealthy.json);
    assert!(
        unhealthy.json["reason"]
            .as_str()
            .is_some_and(|r| r.contains("the disk is nearly full")),
        "{:?}",
        unhealthy.json
    );

    // Deliveries paused; the reader lets go: the WAL is checkpointed and its
    // space comes back without anyone freeing disk space.
    drop(reader);
    wait_until("the archive recovers", Duration::from_secs(20), || {
        health(&serve).status == 200
    });
    let again = post_conversion(&serve, next);
    assert_eq!(again.status, 200, "{:?}", again.json);
    acknowledged.push(next);

    // And again after a restart on the same disk.
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0), "{}", serve.logged());
    let restarted = ServeProcess::start(&db, &["--disk-reserve", "4"]);
    assert_eq!(post_conversion(&restarted, next + 1).status, 200);
    acknowledged.push(next + 1);
    drop(restarted);

    let archive = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let stored: Vec<i64> = archive
        .prepare("SELECT CAST(resource_id AS INTEGER) FROM versions ORDER BY 1")
        .expect("sql")
        .query_map([], |row| row.get(0))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("ids");
    assert_eq!(stored, acknowledged, "every acknowledged delivery, once");
    let check: String = archive
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("check");
    assert_eq!(check, "ok");
    eprintln!(
        "{} deliveries acknowledged before the disk was nearly full",
        acknowledged.len() - 2
    );
}

#[test]
fn a_disk_already_below_the_reserve_is_said_at_start() {
    let dir = tempfile::tempdir().expect("dir");
    let stats = rustix::fs::statvfs(dir.path()).expect("statvfs");
    let free_mib = stats.f_bavail.saturating_mul(stats.f_frsize) / (1024 * 1024);
    // More than the disk has: no reserve file can be made, and the floor is
    // out of reach until space is freed.
    let reserve = (free_mib + 1024).to_string();
    let db = dir.path().join("archive.db");
    let serve = ServeProcess::start(&db, &["--disk-reserve", &reserve]);
    // /healthz says so from its first answer, and deliveries wait for room.
    let first = health(&serve);
    assert_eq!(first.status, 503, "{:?}", first.json);
    assert!(
        first.json["reason"]
            .as_str()
            .is_some_and(|r| r.contains("the disk is nearly full")),
        "{:?}",
        first.json
    );
    let refused = post_conversion(&serve, 1);
    assert_eq!(refused.json["error"], "disk_full", "{:?}", refused.json);
    wait_until("the warning", Duration::from_secs(5), || {
        serve.logged().contains("warning: only")
    });
    let logged = serve.logged();
    let warning = logged
        .lines()
        .find(|line| line.contains("warning: only"))
        .expect("warning line");
    assert!(
        warning.contains(&format!("less than --disk-reserve {reserve} MiB"))
            && warning.contains("every delivery is refused")
            && warning.contains("Free space on that disk, or start with a smaller --disk-reserve"),
        "{warning}"
    );
    assert!(
        !dir.path().join("archive.db-reserve").exists(),
        "no reserve file"
    );
}
