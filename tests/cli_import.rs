//! `evarchive import` with the real binary: `dump | import` into a new archive
//! reproduces every delivery, outcome and exact body; plain NDJSON bodies go
//! through serve's checks (refused lines listed, exit 1); it will not run
//! beside a serve on the same archive.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use assert_cmd::cargo::CommandCargoExt;
use common::cli::{evarchive, stdout_of};
use common::serving::ServeProcess;
use common::{TestServer, edited_sample};
use serde_json::json;

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
        stderr.contains(&format!("imported {lines} of {lines} lines")),
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
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    for words in [
        "line 5 refused:",
        "(invalid_json)",
        "line 7 refused:",
        "(missing_identity)",
        "imported 4 of 6 lines",
        "1 duplicate, 2 new, 1 version",
        "2 refused",
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
    assert_eq!(run.code, Some(1));
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
