//! An archive written by the first release (tests/fixtures/archive-v1.db, made
//! by make_v1_archive.sh with the v1 binary) opens in this one: readers say it
//! needs upgrading and leave it alone; `serve` upgrades it in one transaction,
//! after which every body, delivery and typed row reads back as before, and
//! the schema is the one a new archive gets.

mod common;

use std::path::{Path, PathBuf};

use common::cli::evarchive;
use common::{TestServer, edited_sample, sample};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use serde_json::json;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v1.db");

/// A copy of the v1 archive in a fresh directory (the fixture stays as it is).
fn v1_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    std::fs::copy(FIXTURE, &db).expect("copy the fixture");
    (dir, db)
}

fn read_only(db: &Path) -> Connection {
    Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY).expect("open")
}

/// Every row `sql` returns, as values.
fn rows(conn: &Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut statement = conn.prepare(sql).expect("prepare");
    let width = statement.column_count();
    statement
        .query_map([], |row| (0..width).map(|i| row.get(i)).collect())
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |row| row.get(0)).expect("count")
}

/// Upgrades a copy of the fixture by starting the real server on it.
fn upgraded() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = v1_copy();
    TestServer::start_on(&db, |_| {}).stop();
    (dir, db)
}

#[test]
fn readers_say_how_to_upgrade_and_leave_the_file_alone() {
    let (_dir, db) = v1_copy();
    let before = std::fs::read(&db).expect("read");
    for args in [
        &["query", "conversions"][..],
        &["stats"],
        &["show", "offer", "1"],
    ] {
        let run = evarchive(&db, args);
        assert_eq!(run.code, Some(1), "{args:?}: {}", run.stderr);
        assert_eq!(run.stdout, "");
        for words in ["schema version 1", "evarchive serve", "upgrade it in place"] {
            assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
        }
    }
    assert_eq!(std::fs::read(&db).expect("read"), before, "untouched");
}

#[test]
fn bodies_deliveries_and_typed_rows_read_back_as_before() {
    let (_dir, db) = upgraded();
    let (old, new) = (read_only(Path::new(FIXTURE)), read_only(&db));
    assert_eq!(count(&new, "PRAGMA user_version"), 2);
    assert_eq!(
        rows(&new, "PRAGMA integrity_check"),
        [[Value::Text("ok".into())]]
    );
    assert_eq!(
        count(&new, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );

    let bodies = "SELECT body_id, sha256, raw FROM bodies ORDER BY body_id";
    assert_eq!(rows(&old, bodies), rows(&new, bodies), "raw bodies");
    let deliveries = "SELECT delivery_id, received_at, kind, kind_source, method, body_id,
                             resource_ids, sender, forwarded_for
                      FROM deliveries ORDER BY delivery_id";
    assert_eq!(rows(&old, deliveries), rows(&new, deliveries), "deliveries");
    let refusals = "SELECT * FROM refusals ORDER BY refusal_id";
    assert_eq!(rows(&old, refusals), rows(&new, refusals), "refusals");
    assert_eq!(count(&new, "SELECT count(*) FROM refusals"), 4);
    // Every setting kept; serve adds its own notes (archive id, last start).
    let settings = "SELECT name, value FROM settings ORDER BY name";
    let kept = rows(&new, settings);
    assert!(rows(&old, settings).iter().all(|row| kept.contains(row)));
    assert_eq!(
        count(
            &new,
            "SELECT count(*) FROM settings WHERE name = 'archive_id'"
        ),
        1
    );

    // Every typed row of every version that remains, but whether it is current.
    for (table, columns) in [
        (
            "conversions",
            "version_id, kind, conversion_id, status, payout_micros, revenue_micros, offer_id, sub2",
        ),
        ("offers", "version_id, kind, offer_id, name, time_saved"),
        (
            "accounts",
            "version_id, kind, role, account_id, name, has_signup, signup_country_code",
        ),
        (
            "signup_verdicts",
            "version_id, affiliate_id, new_status, verdict_time",
        ),
        (
            "offer_approvals",
            "version_id, offer_id, affiliate_id, event_time",
        ),
        (
            "blocked_variables",
            "version_id, blocked_variable_id, variable, value",
        ),
    ] {
        let sql = format!("SELECT {columns} FROM {table} ORDER BY version_id");
        let kept: Vec<Vec<Value>> = rows(&old, &sql)
            .into_iter()
            .filter(|row| {
                let Value::Integer(id) = row[0] else {
                    panic!("version id")
                };
                count(
                    &new,
                    &format!("SELECT count(*) FROM versions WHERE version_id = {id}"),
                ) == 1
            })
            .collect();
        assert_eq!(kept, rows(&new, &sql), "{table}");
    }
}

#[test]
fn the_v1_archive_is_brought_to_the_new_rules() {
    let (_dir, db) = upgraded();
    let new = read_only(&db);
    // One partner body sent as affiliate_created and as affiliate_updated is one
    // version; the partner is one resource of three versions.
    assert_eq!(
        count(
            &read_only(Path::new(FIXTURE)),
            "SELECT count(*) FROM versions"
        ),
        21
    );
    assert_eq!(count(&new, "SELECT count(*) FROM versions"), 20);
    assert_eq!(
        rows(
            &new,
            "SELECT kind, redeliveries, is_current FROM versions
             WHERE resource_type = 'partner' ORDER BY version_id"
        ),
        [
            [
                Value::Text("affiliate_created".into()),
                Value::Integer(1),
                Value::Integer(0)
            ],
            [
                Value::Text("affiliate_signed_up".into()),
                Value::Integer(0),
                Value::Integer(0)
            ],
            [
                Value::Text("affiliate_updated".into()),
                Value::Integer(0),
                Value::Integer(1)
            ],
        ]
    );
    // One current version per resource.
    assert_eq!(
        count(
            &new,
            "SELECT count(*) FROM (SELECT resource_type, resource_id FROM versions
             GROUP BY 1, 2 HAVING sum(is_current) <> 1)"
        ),
        0
    );
    // approved → rejected → approved (same conversion time): approved again,
    // by the last delivery, which is now recorded as the restoration it was.
    let stats = evarchive(
        &db,
        &[
            "query",
            "conversions",
            "--format",
            "csv",
            "--columns",
            "conversion_id,status,payout",
            "--until",
            "2100-01-01",
        ],
    );
    assert_eq!(stats.code, Some(0), "{}", stats.stderr);
    assert_eq!(
        stats.stdout,
        "conversion_id,status,payout\n10000003,pending,0.75\n10000002,approved,1.10\n10000001,approved,2.50\n"
    );
    assert_eq!(
        rows(
            &new,
            "SELECT outcome FROM deliveries WHERE delivery_id IN
             (SELECT delivery_id FROM restorations)"
        ),
        [[Value::Text("restored".into())]]
    );
    let show = evarchive(&db, &["show", "conversion", "10000001"]);
    assert_eq!(show.code, Some(0), "{}", show.stderr);
    let states: Vec<&str> = show
        .stdout
        .lines()
        .skip(2)
        .take(3)
        .map(|l| &l[34..])
        .collect();
    assert_eq!(
        states,
        [
            "version 1  new content",
            "version 2  new content",
            "version 1  the same content again: current again  ← current",
        ]
    );
}

/// The archive's schema, each statement without comments, quotes or layout.
fn schema(db: &Path) -> Vec<(String, String, String)> {
    let conn = read_only(db);
    let normalise = |sql: String| {
        sql.lines()
            .map(|line| line.split("--").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join(" ")
            .replace('"', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .replace("( ", "(")
            .replace(" )", ")")
    };
    let mut statement = conn
        .prepare("SELECT type, name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")
        .expect("prepare");
    statement
        .query_map([], |row| {
            Ok((row.get(0)?, row.get(1)?, normalise(row.get(2)?)))
        })
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn an_upgraded_archive_has_the_schema_a_new_one_gets() {
    let (_dir, db) = upgraded();
    let fresh_dir = tempfile::tempdir().expect("temp dir");
    let fresh = fresh_dir.path().join("fresh.db");
    TestServer::start_on(&fresh, |_| {}).stop();
    assert_eq!(schema(&db), schema(&fresh));
    let application_id = |db: &Path| count(&read_only(db), "PRAGMA application_id");
    assert_eq!(application_id(&db), application_id(&fresh));
}

#[test]
fn an_upgraded_archive_keeps_taking_deliveries() {
    let (_dir, db) = v1_copy();
    let server = TestServer::start_on(&db, |_| {});
    // The same conversion, rejected once more and then approved again.
    let rejected = edited_sample("conversion_registered", |doc| {
        doc["status"] = json!("rejected");
    });
    assert_eq!(
        server.post_kind("conversion_registered", &rejected).json["outcome"],
        "restored"
    );
    let approved = sample("conversion_registered");
    assert_eq!(
        server.post_kind("conversion_registered", &approved).json["outcome"],
        "restored"
    );
    assert_eq!(
        server.post_kind("conversion_registered", &approved).json["outcome"],
        "duplicate"
    );
    // The partner, under a third event type, is still the same resource.
    let reply = server.post_kind("partner_created", &sample("affiliate_created"));
    assert_eq!(reply.json["outcome"], "duplicate");
    server.stop();
}
