//! `evarchive backup FILE` against a running server under load: the copy is
//! whole and consistent (verify passes), holds exactly the deliveries of one
//! moment with their exact bodies, and restored in place of the archive it
//! serves again.

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::cli::evarchive;
use common::{TestServer, edited_sample};
use serde_json::json;

/// Conversions with distinct ids, posted until `stop` is set.
fn keep_posting(server: &TestServer, stop: &AtomicBool, sent: &AtomicUsize) {
    let mut id = 50_000;
    while !stop.load(Ordering::Relaxed) {
        id += 1;
        let body = edited_sample("conversion_registered", |doc| {
            doc["conversion_id"] = json!(id);
            doc["transaction_id"] = json!(format!("backup-{id}"));
        });
        assert_eq!(server.post_kind("conversion_registered", &body).status, 200);
        sent.fetch_add(1, Ordering::Relaxed);
    }
}

fn dump_lines(db: &std::path::Path) -> Vec<String> {
    let run = evarchive(db, &["dump"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run.stdout.lines().map(str::to_owned).collect()
}

#[test]
fn a_backup_taken_under_load_restores_every_record_and_body_of_its_moment() {
    let server = Arc::new(TestServer::start());
    for kind in common::ALL_KINDS {
        assert_eq!(server.post_kind(kind, &common::sample(kind)).status, 200);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let posters: Vec<_> = (0..2)
        .map(|_| {
            let (server, stop, sent) = (Arc::clone(&server), Arc::clone(&stop), Arc::clone(&sent));
            std::thread::spawn(move || keep_posting(&server, &stop, &sent))
        })
        .collect();
    while sent.load(Ordering::Relaxed) < 200 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let backups = tempfile::tempdir().expect("temp dir");
    let backup = backups.path().join("nightly.db");
    let run = evarchive(&server.db, &["backup", backup.to_str().expect("path")]);
    // Deliveries acknowledged after the copy was complete, so surely not in it.
    let during = sent.load(Ordering::Relaxed);
    while sent.load(Ordering::Relaxed) < during + 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    stop.store(true, Ordering::Relaxed);
    for poster in posters {
        poster.join().expect("poster");
    }
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stderr.contains("backed up"), "{}", run.stderr);
    assert!(
        !backups.path().join("nightly.db.partial").exists(),
        "no partial file left"
    );

    // Whole and consistent: integrity, every body's digest, typed rows and
    // counters check out.
    let verified = evarchive(&backup, &["verify"]);
    assert_eq!(
        verified.code,
        Some(0),
        "{}{}",
        verified.stdout,
        verified.stderr
    );

    // Exactly the deliveries up to one moment, bodies byte for byte: the
    // backup's dump is a prefix of the archive's, and load went on after it.
    let server = Arc::into_inner(server).expect("posters done");
    let archive_dir = tempfile::tempdir().expect("temp dir");
    let kept = archive_dir.path().join("archive.db");
    server.stop_keeping_archive(|db| {
        std::fs::copy(db, &kept).expect("copy the stopped archive");
    });
    let (backed_up, live) = (dump_lines(&backup), dump_lines(&kept));
    assert!(backed_up.len() > 13 + 100, "{} deliveries", backed_up.len());
    assert!(
        live.len() >= backed_up.len() + 20,
        "load went on after the backup"
    );
    assert!(live.len() >= 13 + during);
    assert_eq!(backed_up[..], live[..backed_up.len()]);

    // Restored in place of a lost archive, it serves again.
    let restored_dir = tempfile::tempdir().expect("temp dir");
    let restored = restored_dir.path().join("archive.db");
    std::fs::copy(&backup, &restored).expect("restore");
    let server = TestServer::start_on(&restored, |_| {});
    let next = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(1);
    });
    assert_eq!(
        server.post_kind("conversion_registered", &next).json["outcome"],
        "new"
    );
    server.stop();
    assert_eq!(dump_lines(&restored).len(), backed_up.len() + 1);
}

#[test]
fn a_backup_over_the_archive_itself_is_refused() {
    let server = TestServer::start();
    assert_eq!(
        server
            .post_kind("offer_created", &common::sample("offer_created"))
            .status,
        200
    );
    let db = server.db.clone();
    let before = std::fs::metadata(&db).expect("archive").len();
    let run = evarchive(&db, &["backup", db.to_str().expect("path")]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("the archive itself"), "{}", run.stderr);
    assert_eq!(std::fs::metadata(&db).expect("archive").len(), before);
    server.stop();
}
