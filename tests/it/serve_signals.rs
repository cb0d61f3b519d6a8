//! Stopping `serve`: SIGINT (Ctrl-C) and SIGTERM both let a delivery that is
//! still uploading finish, answer it 200 and commit it before exiting 0.

use crate::common;

use std::io::Write;

use common::sample;
use common::serving::{ServeProcess, read_response, start_upload};
use rusqlite::{Connection, OpenFlags};

fn drains_on(signal: &str) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let mut serve = ServeProcess::start(&db, &[]);
    let body = sample("offer_created");
    let mut upload = serve.connect();
    start_upload(&mut upload, "offer_created", &body, 100);
    std::thread::sleep(std::time::Duration::from_millis(200));

    serve.signal(signal);
    std::thread::sleep(std::time::Duration::from_millis(300));
    upload
        .write_all(&body[body.len() - 100..])
        .expect("the rest");
    let (status, response) = read_response(&mut upload);
    assert_eq!(status, 200, "{signal}: {response}");
    assert!(response.contains("\"outcome\":\"new\""), "{response}");

    assert_eq!(serve.wait(), Some(0), "{signal}: {}", serve.logged());
    let archive = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open");
    let stored: i64 = archive
        .query_row("SELECT count(*) FROM deliveries", [], |row| row.get(0))
        .expect("count");
    assert_eq!(stored, 1, "{signal}: the delivery was committed");
    assert!(
        serve
            .logged()
            .contains(&format!("SIG{signal}: finishing the requests under way")),
        "{}",
        serve.logged()
    );
}

#[test]
fn ctrl_c_lets_an_upload_under_way_finish_and_commits_it() {
    drains_on("INT");
}

#[test]
fn sigterm_lets_an_upload_under_way_finish_and_commits_it() {
    drains_on("TERM");
}
