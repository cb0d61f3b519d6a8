//! `evarchive import` with the real binary: `dump | import` into a new archive
//! reproduces every delivery, outcome and exact body; plain NDJSON bodies go
//! through serve's checks (refused lines listed, exit 1); it will not run
//! beside a serve on the same archive.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use common::cli::{evarchive, evarchive_watched, stdout_of};
use common::serving::ServeProcess;
use common::{TestServer, edited_sample};
use serde_json::json;
use sha2::{Digest, Sha256};

/// The archive the v3 release wrote (every kind, versions, a late older
/// version, redeliveries, a returning status, GET, a detected kind),
/// upgraded by this release, in a directory of its own.
fn rich_archive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v3.db"),
        &db,
    )
    .expect("copy the fixture");
    TestServer::start_on(&db, |_| {}).stop();
    (dir, db)
}

fn import_stdin(db: &Path, args: &[&str], input: &[u8]) -> (Option<i32>, String) {
    let mut child = Command::cargo_bin("evarchive")
        .expect("binary")
        .arg("--db")
        .arg(db)
        .arg("import")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("import starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    let output = child.wait_with_output().expect("import ends");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn dump_then_import_into_a_new_archive_reproduces_every_delivery_and_body() {
    let (_dir, original) = rich_archive();
    let dumped = stdout_of(&original, &["dump"]);
    let fresh_dir = tempfile::tempdir().expect("temp dir");
    let fresh = fresh_dir.path().join("copy.db");
    let (code, stderr) = import_stdin(&fresh, &["-"], dumped.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let lines = dumped.lines().count();
    assert!(
        stderr.contains(&format!(
            "read {lines} line(s) (0 blank), committed {lines} deliveries"
        )) && stderr.contains("refused 0 line(s)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("duplicate") && stderr.contains("restored"),
        "{stderr}"
    );

    // Every delivery again: ids, arrival times, kinds, methods, outcomes,
    // senders, digests and bodies byte for byte.
    assert_eq!(stdout_of(&fresh, &["dump"]), dumped);
    // And what is read from them.
    for what in [
        "conversions",
        "events",
        "offers",
        "partners",
        "advertisers",
        "verdicts",
        "approvals",
        "blocked",
    ] {
        for versions in [&[][..], &["--versions"]] {
            let args: Vec<&str> = ["query", what, "--format", "json"]
                .into_iter()
                .chain(versions.iter().copied())
                .collect();
            assert_eq!(
                stdout_of(&fresh, &args),
                stdout_of(&original, &args),
                "{args:?}"
            );
        }
    }
    let stats = |db: &Path| {
        let csv = stdout_of(db, &["stats", "--format", "csv"]);
        // Refusals were not deliveries, so they are not in a dump.
        csv.lines()
            .map(|line| line.split(',').take(5).collect::<Vec<_>>().join(","))
            .collect::<Vec<_>>()
    };
    assert_eq!(stats(&fresh), stats(&original));
    let verified = evarchive(&fresh, &["verify"]);
    assert_eq!(verified.code, Some(0), "{}", verified.stdout);
}

#[test]
fn plain_bodies_with_a_kind_go_through_serves_checks() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let conversion = |id: u64, status: &str| {
        let body = edited_sample("conversion_registered", |doc| {
            doc["conversion_id"] = json!(id);
            doc["status"] = json!(status);
        });
        String::from_utf8(body).expect("UTF-8")
    };
    let input = [
        conversion(1, "approved"),
        conversion(2, "approved"),
        conversion(1, "approved"),
        String::new(),
        "{\"conversion_id\": ".to_owned(),
        conversion(2, "rejected"),
        "{\"transaction_id\": \"no id\"}".to_owned(),
    ]
    .join("\n");
    let file = dir.path().join("bodies.ndjson");
    std::fs::write(&file, &input).expect("write");
    let run = evarchive(
        &db,
        &[
            "import",
            file.to_str().expect("path"),
            "--kind",
            "conversion_registered",
        ],
    );
    assert_eq!(run.code, Some(4), "{}", run.stderr);
    for words in [
        "line 5 refused:",
        "(invalid_json)",
        "line 7 refused:",
        "(missing_identity)",
        "read 7 line(s) (1 blank), committed 4 deliveries (2 new, 1 version, 1 duplicate), refused 2 line(s)",
        "refused as invalid_json: 1 line(s): 5",
        "refused as missing_identity: 1 line(s): 7",
    ] {
        assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
    }
    let current = stdout_of(
        &db,
        &[
            "query",
            "conversions",
            "--format",
            "csv",
            "--columns",
            "conversion_id,status",
        ],
    );
    let mut rows: Vec<&str> = current.lines().skip(1).collect();
    rows.sort_unstable();
    assert_eq!(rows, ["1,approved", "2,rejected"]);

    // Without --kind a plain body is not a dump line, and says what to do.
    let run = evarchive(&db, &["import", file.to_str().expect("path")]);
    assert_eq!(run.code, Some(4));
    assert!(run.stderr.contains("give --kind"), "{}", run.stderr);
}

#[test]
fn import_will_not_run_beside_serve_on_the_same_archive() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let server = ServeProcess::start(&db, &[]);
    let (code, stderr) = import_stdin(&db, &["-", "--kind", "offer_created"], b"{}\n");
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains(&format!(
            "another evarchive serve is running on {}",
            db.display()
        )) && stderr.contains(&format!("process {}", server.child.id())),
        "{stderr}"
    );
}

/// An archive of `count` conversions (imported as bodies) and its dump.
fn dumped_archive(dir: &Path, count: u64) -> (PathBuf, String) {
    let db = dir.join("source.db");
    let bodies: Vec<String> = (1..=count)
        .map(|id| {
            let body = edited_sample("conversion_registered", |doc| {
                doc["conversion_id"] = json!(id);
                doc["transaction_id"] = json!(format!("tx{id}"));
            });
            String::from_utf8(body).expect("UTF-8")
        })
        .collect();
    let file = dir.join("bodies.ndjson");
    std::fs::write(&file, bodies.join("\n")).expect("write");
    let path = file.to_str().expect("path");
    stdout_of(&db, &["import", path, "--kind", "conversion_registered"]);
    let dump = stdout_of(&db, &["dump"]);
    (db, dump)
}

fn deliveries_in(db: &Path) -> i64 {
    rusqlite::Connection::open(db)
        .expect("archive")
        .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
        .expect("count")
}

/// A line that is not UTF-8 in the middle of a dump is refused by its
/// number; every other line is committed and the summary says exactly so
/// (before: the import stopped there, with half the lines before it
/// committed and no summary).
#[test]
fn an_invalid_utf8_line_is_refused_by_number_and_every_other_line_committed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (source, dump) = dumped_archive(dir.path(), 2_000);
    let lines: Vec<&[u8]> = dump.lines().map(str::as_bytes).collect();
    let broken: &[u8] = b"{\"kind\":\"co\xffnversion_registered\"}";
    let mut input = Vec::new();
    for line in lines[..1_000]
        .iter()
        .chain([&broken])
        .chain(&lines[1_000..])
    {
        input.extend_from_slice(line);
        input.push(b'\n');
    }
    let file = dir.path().join("dump.ndjson");
    std::fs::write(&file, &input).expect("write");
    let copy = dir.path().join("copy.db");
    let run = evarchive(&copy, &["import", file.to_str().expect("path")]);
    assert_eq!(run.code, Some(4), "{}", run.stderr);
    let expected = format!(
        "evarchive: line 1001 refused: not UTF-8 (at byte 11): a dump line is JSON text (not_utf8)
evarchive: import into {}: read 2001 line(s) (0 blank), committed 2000 deliveries (2000 new), refused 1 line(s)
evarchive: refused as not_utf8: 1 line(s): 1001
evarchive: every other line is committed; fix the refused lines and import only them (importing the same lines again would record their deliveries a second time, as duplicates)
evarchive: 1 line(s) were refused and not imported (listed above); every other line was committed
",
        copy.display()
    );
    assert_eq!(run.stderr, expected);
    assert_eq!(deliveries_in(&copy), 2_000);
    assert_eq!(stdout_of(&copy, &["dump"]), stdout_of(&source, &["dump"]));
}

/// A dump line whose body is not the one its sha256 was taken of is not
/// archived (before: it was, under a digest of its own).
#[test]
fn a_dump_line_whose_body_does_not_match_its_sha256_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, dump) = dumped_archive(dir.path(), 2);
    let mut lines: Vec<String> = dump.lines().map(str::to_owned).collect();
    let mut edited: serde_json::Value = serde_json::from_str(&lines[1]).expect("JSON");
    let body = edited["body"]
        .as_str()
        .expect("body")
        .replace("approved", "rejected");
    edited["body"] = json!(body);
    lines[1] = edited.to_string();
    let copy = dir.path().join("copy.db");
    let (code, stderr) = import_stdin(&copy, &["-"], lines.join("\n").as_bytes());
    assert_eq!(code, Some(4), "{stderr}");
    let actual = hex::encode(Sha256::digest(body.as_bytes()));
    let said = edited["sha256"].as_str().expect("sha256");
    assert!(
        stderr.contains(&format!(
            "line 2 refused: its body's SHA-256 is {actual}, the line says {said}: the body changed after it was dumped (sha256_mismatch)"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("committed 1 deliveries (1 new), refused 1 line(s)"),
        "{stderr}"
    );
    assert_eq!(deliveries_in(&copy), 1);
}

/// What dump writes as `body_hex` (a body that is not UTF-8: a GET query
/// string with a raw Latin-1 byte) is imported, and dumped again the same
/// (before: refused, "missing field `body`").
#[test]
fn a_body_hex_line_round_trips_through_import_and_dump() {
    let query: &[u8] = b"conversion_id=77&transaction_id=tx77&status=approved&sub1=caf\xe9";
    let line = json!({
        "delivery_id": 1,
        "kind": "conversion_registered",
        // As dump writes it (jiff's shortest form).
        "received_at": "2026-11-01T10:00:00.25Z",
        "method": "GET",
        "kind_source": "declared",
        "outcome": "new",
        "sender": "203.0.113.9",
        "forwarded_for": null,
        "sha256": hex::encode(Sha256::digest(query)),
        "body_hex": hex::encode(query),
    })
    .to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("first.db");
    let (code, stderr) = import_stdin(&first, &["-"], format!("{line}\n").as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    let dumped = stdout_of(&first, &["dump"]);
    let as_json = |text: &str| serde_json::from_str::<serde_json::Value>(text).expect("JSON");
    assert_eq!(as_json(&dumped), as_json(&line));
    let second = dir.path().join("second.db");
    let (code, stderr) = import_stdin(&second, &["-"], dumped.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout_of(&second, &["dump"]), dumped);
    let verified = evarchive(&second, &["verify"]);
    assert_eq!(verified.code, Some(0), "{}", verified.stdout);
}

/// A 50 MiB line is refused without being held (its length named), a dump
/// line whose body is larger than --max-body is refused, and the lines
/// around them are committed, in bounded memory (before: the 50 MiB body
/// was archived, at several times its size in memory).
#[test]
fn lines_beyond_the_largest_body_are_refused_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let body = |id: u64, padding: usize| {
        let body = edited_sample("conversion_registered", |doc| {
            doc["conversion_id"] = json!(id);
            doc["sub5"] = json!("x".repeat(padding));
        });
        String::from_utf8(body).expect("UTF-8")
    };
    let huge = body(2, 50 << 20);
    let file = dir.path().join("bodies.ndjson");
    std::fs::write(&file, [body(1, 0), huge, body(3, 0)].join("\n")).expect("write");
    let db = dir.path().join("archive.db");
    let args = [
        "import",
        file.to_str().expect("path"),
        "--kind",
        "conversion_registered",
    ];
    let (run, peak_kib) = evarchive_watched(&db, &args, &[]);
    eprintln!("a 50 MiB line: peak RSS {peak_kib} KiB");
    assert_eq!(run.code, Some(4), "{}", run.stderr);
    assert!(peak_kib < 64 * 1024, "peak RSS {peak_kib} KiB");
    assert!(
        run.stderr.contains(&format!(
            "line 2 refused: {} bytes, longer than a line holding a body of --max-body 10485760 (EVARCHIVE_MAX_BODY) can be; not read (line_too_long)",
            body(2, 50 << 20).len()
        )),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("committed 2 deliveries (2 new), refused 1 line(s)"),
        "{}",
        run.stderr
    );

    // A dump line within the line limit whose body is over --max-body.
    let large = body(4, 12 << 20);
    let line = json!({
        "kind": "conversion_registered",
        "received_at": "2026-11-01T10:00:00Z",
        "method": "POST",
        "sha256": hex::encode(Sha256::digest(large.as_bytes())),
        "body": large,
    })
    .to_string();
    let (code, stderr) = import_stdin(&db, &["-"], line.as_bytes());
    assert_eq!(code, Some(4), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "line 1 refused: a body of {} bytes, more than --max-body 10485760 (EVARCHIVE_MAX_BODY) allows (body_too_large)",
            large.len()
        )),
        "{stderr}"
    );
    assert_eq!(deliveries_in(&db), 2);
}

/// A pretty-printed document given to `--kind` is refused line by line, and
/// the summary says what the input looks like and how to make it one body
/// a line; a file of compact bodies with a broken line gets no such hint.
#[test]
fn a_pretty_printed_file_is_named_with_the_way_to_make_it_one_body_a_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    TestServer::start_on(&db, |_| {}).stop();
    let hint = "the input looks like one pretty-printed JSON document, not one body a line";
    let sample = edited_sample("conversion_registered", |_| {});
    let doc: serde_json::Value = serde_json::from_slice(&sample).expect("JSON");
    let pretty = serde_json::to_string_pretty(&doc).expect("pretty");
    let array = serde_json::to_string_pretty(&json!([doc.clone(), doc])).expect("pretty");
    for input in [pretty, array] {
        let (code, stderr) = import_stdin(
            &db,
            &["-", "--kind", "conversion_registered"],
            input.as_bytes(),
        );
        assert_eq!(code, Some(4), "{stderr}");
        assert!(stderr.contains(hint), "{stderr}");
        assert!(stderr.contains("jq -c . FILE"), "{stderr}");
    }
    let compact = format!(
        "{}\n{{\"conversion_id\": \n",
        String::from_utf8(sample).expect("UTF-8")
    );
    let (code, stderr) = import_stdin(
        &db,
        &["-", "--kind", "conversion_registered"],
        compact.as_bytes(),
    );
    assert_eq!(code, Some(4), "{stderr}");
    assert!(!stderr.contains(hint), "{stderr}");
}
