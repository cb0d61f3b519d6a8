//! Exit codes and messages of the reading commands: 1 when the archive is
//! missing, foreign or too new (and the file is left alone), 2 for a command
//! line that is not accepted, with the accepted forms named. Never data on stdout.

use crate::common;

use std::path::Path;

use common::TestServer;
use common::cli::{Run, evarchive};

/// Each reading command, in a form that would succeed on a good archive.
const READERS: [&[&str]; 5] = [
    &["query", "conversions"],
    &["export", "conversions"],
    &["report", "conversions", "--by", "day"],
    &["show", "offer", "1"],
    &["stats"],
];

/// The run failed with `code`, printed nothing on stdout and said each of `said`.
fn assert_refused(run: &Run, code: i32, said: &[&str]) {
    assert_eq!(run.code, Some(code), "{}", run.stderr);
    assert_eq!(run.stdout, "", "no data on a failure");
    for words in said {
        assert!(
            run.stderr.contains(words),
            "{words:?} missing from: {}",
            run.stderr
        );
    }
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn a_missing_archive_exits_1_says_how_to_create_one_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("x.db");
    let path = db.to_str().expect("path");
    for args in READERS {
        let run = evarchive(&db, args);
        assert_refused(
            &run,
            1,
            &[
                &format!("no archive at {path}"),
                "`evarchive serve`",
                "--db",
            ],
        );
        assert_eq!(
            names_in(dir.path()),
            Vec::<String>::new(),
            "{args:?} created a file"
        );
    }
    let run = evarchive(Path::new("/nonexistent/x.db"), &["query", "conversions"]);
    assert_refused(&run, 1, &["/nonexistent/x.db", "evarchive serve", "--db"]);
    assert!(!Path::new("/nonexistent").exists());
}

/// Every reader refuses `file` with exit 1 saying `said`, leaving it byte for byte as it was.
fn assert_left_untouched(file: &Path, said: &[&str]) {
    let before = std::fs::read(file).expect("read the file");
    let dir = file.parent().expect("a directory");
    let names = names_in(dir);
    for args in READERS {
        assert_refused(&evarchive(file, args), 1, said);
        assert_eq!(std::fs::read(file).expect("read again"), before, "{args:?}");
        assert_eq!(names_in(dir), names, "{args:?} left files behind");
    }
}

#[test]
fn a_text_file_is_not_an_archive_and_is_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("notes.db");
    std::fs::write(&file, "these are my notes, not a database\n").expect("write");
    assert_left_untouched(
        &file,
        &["is not an evarchive archive", "not an SQLite database"],
    );
}

#[test]
fn another_applications_sqlite_database_is_left_untouched() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&file).expect("create");
    conn.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('Ada');")
        .expect("fill");
    drop(conn);
    assert_left_untouched(
        &file,
        &["is not an evarchive archive", "another application"],
    );
}

#[test]
fn an_archive_from_a_newer_release_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    TestServer::start_on(&db, |_| {}).stop();
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch("PRAGMA user_version = 99;")
        .expect("bump");
    drop(conn);
    let path = db.to_str().expect("path");
    let said = [path, "schema version 99", "newer", "Upgrade evarchive"];
    assert_left_untouched(&db, &said);
}

#[test]

fn an_empty_file_is_not_turned_into_an_archive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("empty.db");
    std::fs::write(&file, "").expect("create");
    assert_left_untouched(&file, &[]);
}

#[test]
fn a_command_line_that_is_not_accepted_exits_2_naming_the_accepted_forms() {
    let server = TestServer::start();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["query", "conversions", "--since", "banana"],
            &[
                "invalid --since",
                "'banana'",
                "30m, 36h, 1d, 2w",
                "today, yesterday",
            ],
        ),
        (
            &["export", "conversions", "--until", "soon"],
            &["invalid --until", "30m, 36h, 1d, 2w"],
        ),
        (
            &[
                "query",
                "conversions",
                "--since",
                "today",
                "--until",
                "yesterday",
            ],
            &["invalid --since/--until", "the window is empty"],
        ),
        (
            &["query", "conversions", "--tz", "Mars/Base"],
            &["invalid --tz", "'Mars/Base'", "IANA", "America/New_York"],
        ),
        (
            &["show", "offer", "1", "--tz", "Mars/Base"],
            &["invalid --tz", "IANA"],
        ),
        (
            &["query", "widgets"],
            &[
                "'widgets'",
                "conversions, events, offers, advertisers, partners, verdicts, approvals, blocked, deliveries, refusals",
            ],
        ),
        (
            &["export", "widgets"],
            &["'widgets'", "conversions, events"],
        ),
        (
            &["report", "conversions", "--by", "weekday"],
            &[
                "'weekday'",
                "--by",
                "offer, affiliate, advertiser, day, hour, status, country, event, sub1, sub2, sub3, sub4, sub5, sub6, sub7, sub8, sub9, sub10, currency",
            ],
        ),
        (
            &["report", "conversions", "--by", "day", "--by", "day"],
            &["invalid --by", "twice"],
        ),
        (
            &["report", "offers", "--by", "day"],
            &["'offers'", "possible values: conversions, events"],
        ),
        (
            &["query", "conversions", "--format", "xml"],
            &["'xml'", "--format", "table, csv, tsv, json, ndjson"],
        ),
        (
            &["export", "conversions", "--format", "table"],
            &["invalid --format", "csv, tsv, json or ndjson"],
        ),
        (&["stats", "--format", "xml"], &["'xml'", "--format"]),
        (
            &["query", "conversions", "--columns", "conversion_id,nope"],
            &[
                "invalid --columns",
                "'nope'",
                "conversion_id, transaction_id, status",
                "is_current",
            ],
        ),
        (
            &["export", "conversions", "--excel", "--format", "json"],
            &["invalid --excel", "csv or tsv"],
        ),
        (
            &["query", "deliveries", "--kind", "widgets"],
            &["'widgets'", "--kind", "conversion_registered"],
        ),
        (
            &["show", "deliveries", "1"],
            &["evarchive query deliveries"],
        ),
        (
            &["query", "conversions", "--status", "approved,approve"],
            &[
                "invalid --status",
                "'approve'",
                "approved, pending, rejected, invalid",
            ],
        ),
        (
            &["query", "deliveries", "--status", "dup"],
            &["'dup'", "new, version, restored, duplicate"],
        ),
        (
            &["report", "conversions", "--by", "offer", "--versions"],
            &["invalid --versions", "current version"],
        ),
        (
            &["query", "conversions", "--month", "2026-13"],
            &["invalid --month", "'2026-13'", "2026-11"],
        ),
        (
            &[
                "query",
                "conversions",
                "--month",
                "2026-11",
                "--since",
                "1d",
            ],
            &["--month", "--since", "cannot be used with"],
        ),
        (
            &["query", "conversions", "--since", "2099-01-01"],
            &["invalid --since/--until", "the window is empty", "(now)"],
        ),
        (
            &[
                "report",
                "conversions",
                "--by",
                "day",
                "--excel",
                "--format",
                "json",
            ],
            &["invalid --excel", "csv or tsv"],
        ),
        (
            &["report", "conversions", "--by", "day", "--columns", "nope"],
            &["invalid --columns", "'nope'", "approved_count"],
        ),
        (
            &["query", "offers", "--conversion-id", "1"],
            &["invalid --conversion-id", "offers have no such field"],
        ),
        // clap's own refusals use the same code.
        (&["query", "conversions", "--bogus"], &["--bogus"]),
        (&["report", "conversions"], &["--by"]),
    ];
    for &(args, said) in cases {
        let run = evarchive(&server.db, args);
        assert_refused(&run, 2, said);
    }
}
