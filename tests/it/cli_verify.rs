//! `evarchive verify`: a sound archive passes (exit 0); each kind of damage
//! — a body's bytes, its recorded digest, a content hash, a counter — is
//! named (exit 1: restore), a typed value or a missing typed row beside an
//! intact body is an outdated extraction (exit 4: `reindex`, which fixes
//! it), and the file is left as it was.

use crate::common;

use std::path::{Path, PathBuf};

use common::cli::evarchive;
use common::fixture::filled_server;
use rusqlite::Connection;

/// A filled archive, stopped, copied to a directory of the test's own.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    filled_server().stop_keeping_archive(|source| {
        let conn = Connection::open(source).expect("open");
        conn.execute("VACUUM INTO ?1", [db.to_str().expect("path")])
            .expect("copy");
    });
    // A copy is made in rollback-journal mode; archives are kept in WAL mode.
    let copy = Connection::open(&db).expect("open the copy");
    copy.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .expect("WAL");
    (dir, db)
}

/// Runs `damage` on the archive outside evarchive, as a failing disk or a
/// stray hand with sqlite3 would.
fn damaged(db: &Path, damage: impl FnOnce(&Connection)) {
    let conn = Connection::open(db).expect("open");
    conn.execute_batch("PRAGMA foreign_keys = OFF")
        .expect("pragma");
    damage(&conn);
}

fn verify_fails_naming(db: &Path, words: &[&str]) {
    let before = std::fs::read(db).expect("read");
    let run = evarchive(db, &["verify"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    for words in words {
        assert!(run.stdout.contains(words), "{words}: {}", run.stdout);
    }
    assert!(run.stdout.ends_with(": 1 problem\n"), "{}", run.stdout);
    assert!(run.stderr.contains("problem(s)"), "{}", run.stderr);
    assert!(run.stderr.contains("from a backup"), "{}", run.stderr);
    assert!(
        !run.stdout.contains("outdated extraction"),
        "{}",
        run.stdout
    );
    assert_eq!(std::fs::read(db).expect("read"), before, "left as it was");
}

/// A typed row that is not what its intact body extracts to: verify names
/// it as an outdated extraction and `reindex` as the fix (not a restore),
/// and after `reindex` the archive passes.
fn verify_names_reindex_which_fixes_it(db: &Path, words: &[&str]) {
    let before = std::fs::read(db).expect("read");
    let run = evarchive(db, &["verify"]);
    assert_eq!(run.code, Some(4), "{}{}", run.stdout, run.stderr);
    for words in words {
        assert!(run.stdout.contains(words), "{words}: {}", run.stdout);
    }
    assert!(
        run.stdout
            .contains("(outdated extraction: run `evarchive reindex`)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with(": 1 problem\n"), "{}", run.stdout);
    assert!(
        run.stderr.contains("an outdated extraction, not damage")
            && run.stderr.contains("Run `evarchive reindex`"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("backup"), "{}", run.stderr);
    assert_eq!(std::fs::read(db).expect("read"), before, "left as it was");

    let reindexed = evarchive(db, &["reindex"]);
    assert_eq!(reindexed.code, Some(0), "{}", reindexed.stderr);
    assert!(
        reindexed.stderr.contains("1 typed rows rewritten"),
        "{}",
        reindexed.stderr
    );
    let run = evarchive(db, &["verify"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
}

#[test]
fn a_sound_archive_passes() {
    let (_dir, db) = archive();
    let run = evarchive(&db, &["verify"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let bodies = Connection::open(&db)
        .expect("open")
        .query_row("SELECT count(*) FROM bodies", [], |r| r.get::<_, i64>(0))
        .expect("count");
    assert!(
        run.stdout.contains(&format!("{bodies} bodies")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.ends_with("0 problems\n"), "{}", run.stdout);
}

#[test]
fn a_damaged_compressed_body_is_found() {
    let (_dir, db) = archive();
    let mut damaged_id = 0;
    damaged(&db, |conn| {
        let (id, mut stored): (i64, Vec<u8>) = conn
            .query_row(
                "SELECT body_id, stored FROM bodies WHERE codec = 1 AND body_id NOT IN \
                 (SELECT reference_body_id FROM bodies WHERE reference_body_id IS NOT NULL) \
                 ORDER BY body_id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("a compressed body");
        damaged_id = id;
        let middle = stored.len() / 2;
        stored[middle] ^= 0x55;
        conn.execute(
            "UPDATE bodies SET stored = ?1 WHERE body_id = ?2",
            rusqlite::params![stored, id],
        )
        .expect("damage");
    });
    // Without a frame checksum a flipped byte may decode to other bytes:
    // the digest is what catches it. Damage, not an outdated extraction,
    // whatever the bytes now extract to.
    let run = evarchive(&db, &["verify"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("from a backup"), "{}", run.stderr);
    assert!(
        !run.stdout.contains("outdated extraction"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("body {damaged_id} ")),
        "{}",
        run.stdout
    );
}

#[test]
fn a_damaged_reference_body_is_found_with_the_versions_kept_against_it() {
    let (_dir, db) = archive();
    let (base, dependent): (i64, i64) = Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT reference_body_id, body_id FROM bodies \
             WHERE reference_body_id IS NOT NULL ORDER BY body_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the filled archive keeps an offer edit against its base");
    damaged(&db, |conn| {
        conn.execute(
            "UPDATE bodies SET stored = zeroblob(length(stored)) WHERE body_id = ?1",
            [base],
        )
        .expect("damage");
    });
    let run = evarchive(&db, &["verify"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains(&format!("body {base} cannot be read back")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!(
            "body {dependent} cannot be read back: cannot read body {dependent} back: its reference body"
        )),
        "{}",
        run.stdout
    );
}

#[test]
fn a_recorded_digest_that_does_not_match_is_found() {
    let (_dir, db) = archive();
    damaged(&db, |conn| {
        conn.execute(
            "UPDATE bodies SET sha256 = zeroblob(32) WHERE body_id = 3",
            [],
        )
        .expect("damage");
    });
    verify_fails_naming(&db, &["body 3 reads back as bytes whose SHA-256"]);
}

#[test]
fn a_typed_value_that_differs_from_its_body_is_an_outdated_extraction() {
    let (_dir, db) = archive();
    damaged(&db, |conn| {
        conn.execute(
            "UPDATE conversions SET payout_micros = payout_micros + 10000
             WHERE conversion_id = '5002' AND is_current = 1",
            [],
        )
        .expect("damage");
    });
    verify_names_reindex_which_fixes_it(
        &db,
        &["conversions.payout_micros is 210000, its body says 200000"],
    );
}

#[test]
fn a_content_hash_that_differs_from_its_body_is_found() {
    let (_dir, db) = archive();
    damaged(&db, |conn| {
        conn.execute(
            "UPDATE versions SET content_sha256 = zeroblob(32)
             WHERE resource_type = 'offer' AND is_current = 1",
            [],
        )
        .expect("damage");
    });
    verify_fails_naming(&db, &["content hash"]);
}

#[test]
fn a_missing_typed_row_is_an_outdated_extraction() {
    let (_dir, db) = archive();
    damaged(&db, |conn| {
        conn.execute("DELETE FROM signup_verdicts", [])
            .expect("damage");
    });
    verify_names_reindex_which_fixes_it(&db, &["no row in signup_verdicts"]);
}

#[test]
fn a_counter_that_differs_from_the_rows_is_found() {
    let (_dir, db) = archive();
    damaged(&db, |conn| {
        conn.execute(
            "UPDATE counters SET redeliveries = redeliveries + 2 WHERE kind = 'offer_created'",
            [],
        )
        .expect("damage");
    });
    verify_fails_naming(
        &db,
        &["counter redeliveries of offer_created: 2 recorded, 0 counted"],
    );
}

/// A conversion's long tail is read from its body: when that body no longer
/// reads back, an export that asks for it stops and says how to find every
/// such body, rather than leave the columns empty; the typed columns still
/// read.
#[test]
fn an_export_of_a_column_kept_in_an_unreadable_body_says_so() {
    let (_dir, db) = archive();
    damaged(&db, |conn| {
        conn.execute(
            "UPDATE bodies SET stored = zeroblob(length(stored))
             WHERE body_id = (SELECT v.body_id FROM versions AS v
                              WHERE v.resource_type = 'conversion' LIMIT 1)",
            [],
        )
        .expect("damage");
    });
    let window = ["--versions", "--until", "2100-01-01", "--format", "csv"];
    let every_column: Vec<&str> = ["export", "conversions"]
        .into_iter()
        .chain(window)
        .collect();
    let run = evarchive(&db, &every_column);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    for words in ["no longer reads back", "evarchive verify", "--columns"] {
        assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
    }
    let typed: Vec<&str> = every_column
        .iter()
        .copied()
        .chain(["--columns", "conversion_id,status,payout"])
        .collect();
    let run = evarchive(&db, &typed);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.stdout.lines().count() > 1, "{}", run.stdout);
}
