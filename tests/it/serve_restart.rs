//! The archive is a file: stop the server, start it again, everything is there
//! and dedup still works across the restart.

use crate::common;

use common::{ALL_KINDS, TestServer, sample};

#[test]
fn everything_survives_a_restart_on_the_same_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");

    let first = TestServer::start_on(&db, |_| {});
    for kind in ALL_KINDS {
        assert_eq!(first.post_kind(kind, &sample(kind)).status, 200, "{kind}");
    }
    first.stop();

    let second = TestServer::start_on(&db, |_| {});
    assert_eq!(second.count("SELECT count(*) FROM deliveries"), 13);
    assert_eq!(second.count("SELECT count(*) FROM versions"), 15);
    let reply = second.post_kind("conversion_registered", &sample("conversion_registered"));
    assert_eq!(reply.json["outcome"], "duplicate");
    assert_eq!(second.count("SELECT count(*) FROM conversions"), 2);
    second.stop();
}

#[test]
fn healthz_reports_a_writable_archive() {
    let server = TestServer::start();
    server.post_kind("offer_created", &sample("offer_created"));
    let reply = common::reply_of(ureq::get(&server.url("/healthz")).call().expect("200"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json["status"], "ok");
    assert_eq!(reply.json["writable"], true);
    assert_eq!(reply.json["deliveries"], 1);
}
