//! `evarchive prune` with the real binary on an archive whose deliveries
//! arrived at chosen times (imported `dump` lines): what nothing has arrived
//! about since the cutoff goes — whole resources, older versions, their
//! deliveries and raw bodies — and everything else reads as before; the
//! counters, `verify`, the foreign keys and the bodies kept against others
//! stay whole; a dry run changes nothing and counts the same; a base body a
//! running serve still holds may be pruned without losing the next version.

use crate::common;

use std::path::{Path, PathBuf};

use common::cli::{evarchive, evarchive_with, stdout_of};
use common::history::{OLD, OLD_LATER, RECENT, count, dump_line, empty_archive, import};
use common::serving::ServeProcess;
use common::{TOKEN, TestServer, edited_sample, sample};
use rusqlite::Connection;
use serde_json::json;

fn conversion(id: i64, status: &str) -> Vec<u8> {
    edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(id);
        doc["status"] = json!(status);
        doc["transaction_id"] = json!(format!("tx{id}"));
    })
}

fn offer(id: i64, name: &str) -> Vec<u8> {
    edited_sample("offer_updated", |doc| {
        doc["network_offer_id"] = json!(id);
        doc["name"] = json!(name);
    })
}

/// An archive holding, by arrival:
/// - conversion 1: pending then approved, both old (goes whole);
/// - conversion 2: pending old, approved recently (its old version goes);
/// - conversion 3: old, redelivered recently with the same bytes (stays);
/// - offer 7: two old versions, the second kept against the first;
/// - offer 8: an old version, then a recent one;
/// - a partner and a traffic_optimized block, old.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = empty_archive();
    let lines = [
        dump_line("conversion_registered", OLD, &conversion(1, "pending")),
        dump_line(
            "conversion_registered",
            OLD_LATER,
            &conversion(1, "approved"),
        ),
        dump_line("conversion_registered", OLD, &conversion(2, "pending")),
        dump_line("conversion_registered", RECENT, &conversion(2, "approved")),
        dump_line("conversion_registered", OLD, &conversion(3, "approved")),
        dump_line("conversion_registered", RECENT, &conversion(3, "approved")),
        dump_line("offer_updated", OLD, &offer(7, "Seven")),
        dump_line("offer_updated", OLD_LATER, &offer(7, "Seven, renamed")),
        dump_line("offer_updated", OLD, &offer(8, "Eight")),
        dump_line("offer_updated", RECENT, &offer(8, "Eight, renamed")),
        dump_line("affiliate_created", OLD, &sample("affiliate_created")),
        dump_line("traffic_optimized", OLD, &sample("traffic_optimized")),
    ];
    import(&db, &lines);
    (dir, db)
}

fn conversions(db: &Path) -> String {
    stdout_of(
        db,
        &[
            "query",
            "conversions",
            "--versions",
            "--format",
            "csv",
            "--columns",
            "conversion_id,status",
        ],
    )
}

/// The archive is whole: integrity, references, counters, every body.
fn whole(db: &Path) {
    let conn = Connection::open(db).expect("open");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok");
    let dangling: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .expect("foreign keys");
    assert_eq!(dangling, 0, "no reference left dangling");
    let run = evarchive(db, &["verify"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.ends_with("0 problems\n"), "{}", run.stdout);
}

/// The figures of a summary line: "N versions (M resources whole), D
/// deliveries, B bodies".
fn figures(summary: &str) -> [u64; 4] {
    let number_before = |word: &str| -> u64 {
        let at = summary
            .find(word)
            .unwrap_or_else(|| panic!("{word}: {summary}"));
        summary[..at]
            .trim_end()
            .rsplit([' ', '('])
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a number before {word}: {summary}"))
    };
    [
        number_before(" versions"),
        number_before(" resources whole"),
        number_before(" deliveries"),
        number_before(" bodies"),
    ]
}

#[test]
fn what_nothing_arrived_about_since_the_cutoff_goes_and_the_rest_stays_whole() {
    let (_dir, db) = archive();
    // Newest version first.
    assert_eq!(
        conversions(&db),
        "conversion_id,status\n3,approved\n2,approved\n2,pending\n1,approved\n1,pending\n"
    );
    // Both offers' second versions are kept against their first.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM bodies WHERE reference_body_id IS NOT NULL"
        ),
        2
    );
    let before_dump = stdout_of(&db, &["dump"]);
    let versions_before = count(&db, "SELECT count(*) FROM versions");

    let dry = evarchive(
        &db,
        &[
            "prune",
            "--older-than",
            "90d",
            "--keep-current",
            "--dry-run",
        ],
    );
    assert_eq!(dry.code, Some(0), "{}", dry.stderr);
    assert!(dry.stdout.starts_with("would prune"), "{}", dry.stdout);
    assert_eq!(
        stdout_of(&db, &["dump"]),
        before_dump,
        "a dry run changes nothing"
    );

    let run = evarchive(&db, &["prune", "--older-than", "90d", "--keep-current"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.starts_with("pruned"), "{}", run.stdout);
    assert!(run.stdout.contains("gone for good"), "{}", run.stdout);
    let [versions, resources, deliveries, bodies] = figures(&run.stdout);
    let [dry_versions, dry_resources, dry_deliveries, dry_bodies] = figures(&dry.stdout);
    assert_eq!(
        (dry_versions, dry_resources, dry_deliveries),
        (versions, resources, deliveries),
        "{}\n{}",
        dry.stdout,
        run.stdout
    );
    assert!(dry_bodies <= bodies, "{}\n{}", dry.stdout, run.stdout);

    // Conversion 1 is gone; 2 keeps its recent version; 3 stays whole.
    assert_eq!(
        conversions(&db),
        "conversion_id,status\n3,approved\n2,approved\n"
    );
    // The blocked variables (old) are gone; the current versions of the
    // offers and the partner stay (--keep-current), older versions go.
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM versions WHERE resource_type = 'partner'"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM versions WHERE resource_type = 'blocked_variable'"
        ),
        0
    );
    let offers = stdout_of(
        &db,
        &[
            "query",
            "offers",
            "--versions",
            "--format",
            "csv",
            "--columns",
            "offer_id,name",
        ],
    );
    assert_eq!(
        offers,
        "offer_id,name\n8,\"Eight, renamed\"\n7,\"Seven, renamed\"\n"
    );
    // Old versions: conversion 1 (2), conversion 2's pending, offer 7's and
    // 8's first, three blocked variables.
    assert_eq!(versions, 8, "{}", run.stdout);
    assert_eq!(
        versions_before - count(&db, "SELECT count(*) FROM versions"),
        8
    );
    assert_eq!(resources, 4, "conversion 1 and three blocks");
    // Every old delivery but those that first brought a version that stays
    // (conversion 3's, offer 7's second, the partner's).
    assert_eq!(deliveries, 6, "{}", run.stdout);
    assert_eq!(count(&db, "SELECT count(*) FROM deliveries"), 6);
    // Their bodies but the offers' first versions', which their second
    // versions are kept against.
    assert_eq!(bodies, 4, "{}", run.stdout);
    // Offer 7's second version is kept against its first: that body stays,
    // though its version and delivery went, and the current one reads back.
    let shown = stdout_of(&db, &["show", "offer", "7"]);
    assert!(shown.contains("Seven, renamed"), "{shown}");
    whole(&db);
    // The counters say what is left.
    let stats = stdout_of(&db, &["stats", "--format", "csv"]);
    assert!(
        stats.contains(
            "\nconversions,2,2,3,1,0,2026-06-01T10:00:00.000+00:00,2026-10-20T10:00:00.000+00:00\n"
        ),
        "{stats}"
    );
}

#[test]
fn without_keep_current_old_offers_go_whole_and_a_second_run_finds_nothing() {
    let (_dir, db) = archive();
    let pages_before = count(&db, "PRAGMA page_count");
    let run = evarchive(&db, &["prune", "--older-than", "90d"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // A new archive vacuums incrementally: the freed pages left the file.
    assert_eq!(count(&db, "PRAGMA auto_vacuum"), 2);
    assert_eq!(count(&db, "PRAGMA freelist_count"), 0);
    assert!(
        count(&db, "PRAGMA page_count") < pages_before,
        "{}",
        run.stdout
    );
    let offers = stdout_of(
        &db,
        &[
            "query",
            "offers",
            "--versions",
            "--format",
            "csv",
            "--columns",
            "offer_id,name",
        ],
    );
    assert_eq!(offers, "offer_id,name\n8,\"Eight, renamed\"\n");
    assert_eq!(
        count(&db, "SELECT count(*) FROM versions WHERE resource_id = '7'"),
        0
    );
    whole(&db);
    let again = evarchive(&db, &["prune", "--older-than", "90d"]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    assert_eq!(figures(&again.stdout), [0, 0, 0, 0], "{}", again.stdout);
}

#[test]
fn what_names_the_types_and_bad_flags_are_exit_2() {
    let (_dir, db) = archive();
    let run = evarchive(
        &db,
        &["prune", "--older-than", "90d", "--what", "conversions"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        conversions(&db),
        "conversion_id,status\n3,approved\n2,approved\n"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM versions WHERE resource_type = 'partner'"
        ),
        1
    );
    whole(&db);
    for (args, words) in [
        (&["prune", "--older-than", "soon"][..], "--older-than"),
        (
            &["prune", "--older-than", "90d", "--what", "deliveries"],
            "cannot be pruned",
        ),
        (
            &["prune", "--older-than", "90d", "--what", "nonsense"],
            "nonsense",
        ),
        (&["prune"], "--older-than"),
    ] {
        let run = evarchive(&db, args);
        assert_eq!(run.code, Some(2), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
    }
}

/// serve keeps the last whole version of an offer to compress the next one
/// against; when prune has removed it meanwhile (and another body has taken
/// its id), the next version is kept as received instead, and reads back.
#[test]
fn a_base_pruned_under_a_running_serve_does_not_cost_the_next_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let mut serve = ServeProcess::start(&db, &[]);
    let post = |body: &[u8]| {
        let url = serve.url(&format!("/webhooks/offer_updated?token={TOKEN}"));
        ureq::post(&url).send_bytes(body).expect("200").status()
    };
    assert_eq!(post(&offer(7, "Seven")), 200);
    // Everything is old a year from now.
    let run = evarchive_with(
        &db,
        &["prune", "--older-than", "90d"],
        &[("EVARCHIVE_NOW", "2027-12-01T00:00:00Z")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        count(&db, "SELECT count(*) FROM bodies"),
        0,
        "{}",
        run.stdout
    );
    // Another body takes the pruned base's id (SQLite reuses the highest).
    let url = serve.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
    let reply = ureq::post(&url).send_bytes(&conversion(1, "approved"));
    assert_eq!(reply.expect("200").status(), 200);
    assert_eq!(count(&db, "SELECT max(body_id) FROM bodies"), 1);
    assert_eq!(post(&offer(7, "Seven, renamed")), 200);
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0));
    let shown = stdout_of(&db, &["show", "offer", "7"]);
    assert!(shown.contains("Seven, renamed"), "{shown}");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM bodies WHERE reference_body_id IS NOT NULL"
        ),
        0
    );
    whole(&db);
}

/// prune works in short transactions: a serve taking deliveries meanwhile
/// answers every one 200 and keeps it, while several thousand old
/// conversions go.
#[test]
fn prune_runs_while_serve_keeps_ingesting() {
    let (_dir, db) = empty_archive();
    let old: Vec<String> = (1..=5_000)
        .map(|id| dump_line("conversion_registered", OLD, &conversion(id, "approved")))
        .collect();
    import(&db, &old);

    let mut serve = ServeProcess::start(&db, &[]);
    let url = serve.url(&format!("/webhooks/conversion_registered?token={TOKEN}"));
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let poster = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let mut sent = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) || sent < 20 {
                let body = conversion(100_000 + sent, "pending");
                let status = ureq::post(&url).send_bytes(&body).map(|r| r.status());
                assert!(matches!(status, Ok(200)), "{status:?}");
                sent += 1;
            }
            sent
        })
    };
    let run = evarchive(&db, &["prune", "--older-than", "90d"]);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let sent = poster.join().expect("poster");
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        figures(&run.stdout)[..3],
        [5_000, 5_000, 5_000],
        "{}",
        run.stdout
    );
    serve.signal("TERM");
    assert_eq!(serve.wait(), Some(0));
    assert_eq!(count(&db, "SELECT count(*) FROM versions"), sent);
    whole(&db);
}

/// `serve --retain 90d` prunes in the background (here at once, rather than a
/// minute after start), keeping the offers' current versions.
#[test]
fn serve_retain_prunes_in_the_background() {
    let (_dir, db) = empty_archive();
    let days_ago = |days: i64| {
        jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_hours(24 * days))
            .expect("a time")
            .to_string()
    };
    import(
        &db,
        &[
            dump_line(
                "conversion_registered",
                &days_ago(200),
                &conversion(1, "pending"),
            ),
            dump_line(
                "conversion_registered",
                &days_ago(200),
                &conversion(2, "pending"),
            ),
            dump_line(
                "conversion_registered",
                &days_ago(10),
                &conversion(2, "approved"),
            ),
            dump_line("offer_updated", &days_ago(200), &offer(7, "Seven")),
            dump_line("offer_updated", &days_ago(199), &offer(7, "Seven, renamed")),
        ],
    );
    let server = TestServer::start_on(&db, |config| {
        config.retention = Some(evarchive::store::retention::RetentionRules {
            keep_for: std::time::Duration::from_secs(90 * 86_400),
            first_run_after: std::time::Duration::ZERO,
            every: std::time::Duration::from_secs(3_600),
        });
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while server.count("SELECT count(*) FROM versions") > 2 {
        assert!(std::time::Instant::now() < deadline, "retention never ran");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    server.stop();
    assert_eq!(
        stdout_of(
            &db,
            &[
                "query",
                "conversions",
                "--versions",
                "--until",
                "2100-01-01",
                "--format",
                "csv",
                "--columns",
                "conversion_id,status"
            ]
        ),
        "conversion_id,status\n2,approved\n"
    );
    let offers = stdout_of(
        &db,
        &[
            "query",
            "offers",
            "--versions",
            "--format",
            "csv",
            "--columns",
            "offer_id,name",
        ],
    );
    assert_eq!(offers, "offer_id,name\n7,\"Seven, renamed\"\n");
    whole(&db);
}
