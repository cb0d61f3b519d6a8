//! Archives written by earlier releases (tests/fixtures/archive-vN.db, made by
//! make_fixture_archive.sh with the release's binary) open in this one: readers
//! say they need upgrading and leave them alone; `serve` upgrades them in one
//! transaction, after which every body, delivery and typed row reads back as
//! before, the counters match the archive, and the schema is the one a new
//! archive gets.

use crate::common;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use common::cli::{evarchive, stdout_of};
use common::{TestServer, edited_sample, sample};
use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use serde_json::json;

use evarchive::store::open::SCHEMA_VERSION;

/// The archives of earlier releases, by their schema version.
const FIXTURES: [(i64, &str); 7] = [
    (
        1,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v1.db"),
    ),
    (
        2,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v2.db"),
    ),
    (
        3,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v3.db"),
    ),
    (
        4,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v4.db"),
    ),
    (
        5,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v5.db"),
    ),
    (
        6,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v6.db"),
    ),
    (
        7,
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/archive-v7.db"),
    ),
];

/// Every body of an earlier release's archive as (body_id, sha256, bytes as
/// received), read as that release kept them: as received in `raw` before
/// version 3, zstd (with a dictionary of the archive's) in `stored` since.
/// Read with the zstd crate here, not with evarchive's own reading.
fn earlier_bodies(conn: &Connection) -> Vec<(i64, Vec<u8>, Vec<u8>)> {
    if count(conn, "PRAGMA user_version") < 3 {
        let mut statement = conn
            .prepare("SELECT body_id, sha256, raw FROM bodies ORDER BY body_id")
            .expect("prepare");
        return statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("bodies");
    }
    // Version 4 added bodies kept against another (raw-content dictionary).
    let reference = if count(conn, "PRAGMA user_version") >= 4 {
        "b.reference_body_id"
    } else {
        "NULL"
    };
    let mut statement = conn
        .prepare(&format!(
            "SELECT b.body_id, b.sha256, b.stored, b.codec, b.length, d.bytes, {reference}
             FROM bodies AS b LEFT JOIN dictionaries AS d USING (dictionary_id)
             ORDER BY b.body_id"
        ))
        .expect("prepare");
    let kept = statement
        .query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, Option<i64>>(4)?,
                r.get::<_, Option<Vec<u8>>>(5)?,
                r.get::<_, Option<i64>>(6)?,
            ))
        })
        .expect("query")
        .collect::<Result<Vec<_>, _>>()
        .expect("bodies");
    // A reference is never itself kept against another: read those first.
    let mut read: std::collections::HashMap<i64, Vec<u8>> = std::collections::HashMap::new();
    for pass in [false, true] {
        for (id, _, stored, codec, length, dictionary, reference) in &kept {
            if reference.is_some() != pass {
                continue;
            }
            let capacity = usize::try_from(length.unwrap_or(0)).expect("length");
            let bytes = match (codec, dictionary, reference) {
                (0, None, None) => stored.clone(),
                (1, None, None) => zstd::bulk::decompress(stored, capacity).expect("zstd"),
                (1, None, Some(base)) => zstd::bulk::Decompressor::with_dictionary(&read[base])
                    .expect("raw-content dictionary")
                    .decompress(stored, capacity)
                    .expect("zstd against the reference"),
                (2, Some(dictionary), None) => {
                    zstd::bulk::Decompressor::with_dictionary(dictionary)
                        .expect("dictionary")
                        .decompress(stored, capacity)
                        .expect("zstd with dictionary")
                }
                other => panic!("body {id}: codec, dictionary and reference {other:?}"),
            };
            read.insert(*id, bytes);
        }
    }
    kept.into_iter()
        .map(|(id, sha256, ..)| (id, sha256, read.remove(&id).expect("read")))
        .collect()
}

/// A copy of an earlier release's archive in a fresh directory, and a second
/// copy to compare against (opening the fixture itself would leave SQLite's
/// shared-memory file beside it).
struct Copy {
    _dir: tempfile::TempDir,
    db: PathBuf,
    original: PathBuf,
}

fn copy_of(fixture: &str) -> Copy {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let original = dir.path().join("original.db");
    std::fs::copy(fixture, &db).expect("copy the fixture");
    std::fs::copy(fixture, &original).expect("copy the fixture");
    Copy {
        _dir: dir,
        db,
        original,
    }
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
fn upgraded(fixture: &str) -> Copy {
    let copy = copy_of(fixture);
    TestServer::start_on(&copy.db, |_| {}).stop();
    copy
}

#[test]
fn readers_say_how_to_upgrade_and_leave_the_file_alone() {
    for (version, fixture) in FIXTURES {
        let copy = copy_of(fixture);
        let db = &copy.db;
        let before = std::fs::read(db).expect("read");
        for args in [
            &["query", "conversions"][..],
            &["stats"],
            &["show", "offer", "1"],
            &["dump"],
            &["verify"],
        ] {
            let run = evarchive(db, args);
            assert_eq!(run.code, Some(1), "v{version} {args:?}: {}", run.stderr);
            assert_eq!(run.stdout, "");
            let says = format!("schema version {version}");
            for words in [&says[..], "evarchive serve", "upgrade it in place"] {
                assert!(run.stderr.contains(words), "{words}: {}", run.stderr);
            }
        }
        assert_eq!(std::fs::read(db).expect("read"), before, "untouched");
    }
}

#[test]
fn bodies_deliveries_and_typed_rows_read_back_as_before() {
    for (version, fixture) in FIXTURES {
        let copy = upgraded(fixture);
        reads_back_as_before(&copy.original, &copy.db);
        verify_finds_nothing_wrong(&copy.db, version);
    }
}

fn verify_finds_nothing_wrong(db: &Path, version: i64) {
    let run = evarchive(db, &["verify"]);
    assert_eq!(
        run.code,
        Some(0),
        "v{version}: {}{}",
        run.stdout,
        run.stderr
    );
    assert!(
        run.stdout.contains("0 problems"),
        "v{version}: {}",
        run.stdout
    );
}

fn reads_back_as_before(original: &Path, db: &Path) {
    let (old, new) = (read_only(original), read_only(db));
    assert_eq!(count(&new, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(
        rows(&new, "PRAGMA integrity_check"),
        [[Value::Text("ok".into())]]
    );
    assert_eq!(
        count(&new, "SELECT count(*) FROM pragma_foreign_key_check"),
        0
    );

    // Bodies archived before stay as they were kept (as received before
    // version 3, so codec 0) and read back equal.
    let old_bodies = earlier_bodies(&old);
    assert_eq!(
        old_bodies.len() as i64,
        count(&new, "SELECT count(*) FROM bodies")
    );
    for (id, sha256, raw) in &old_bodies {
        let recorded: Vec<u8> = new
            .query_row("SELECT sha256 FROM bodies WHERE body_id = ?1", [id], |r| {
                r.get(0)
            })
            .expect("the body is still there");
        assert_eq!(&recorded, sha256, "body {id}'s digest");
        assert_eq!(&common::body_as_received(db, *id), raw, "body {id}");
    }
    if count(&old, "PRAGMA user_version") < 3 {
        assert_eq!(
            count(&new, "SELECT count(*) FROM bodies WHERE codec != 0"),
            0,
            "kept as received, not rewritten"
        );
    }
    let deliveries = "SELECT delivery_id, received_at, kind, kind_source, method, body_id,
                             resource_ids, sender, forwarded_for
                      FROM deliveries ORDER BY delivery_id";
    assert_eq!(rows(&old, deliveries), rows(&new, deliveries), "deliveries");
    let refusals = "SELECT * FROM refusals ORDER BY refusal_id";
    assert_eq!(rows(&old, refusals), rows(&new, refusals), "refusals");
    assert_eq!(count(&new, "SELECT count(*) FROM refusals"), 4);
    // Every setting kept but the notes serve rewrites at each start (and adds
    // when missing: the archive id), and the extraction version, which the
    // re-extraction at the upgrade raises (v7's archive recorded one).
    let settings = "SELECT name, value FROM settings
                    WHERE name NOT IN ('last_started_at', 'health_probe_at', 'webhook_url_base',
                                       'extraction_version')
                    ORDER BY name";
    let kept = rows(&new, settings);
    assert!(rows(&old, settings).iter().all(|row| kept.contains(row)));
    assert_eq!(
        count(
            &new,
            "SELECT count(*) FROM settings WHERE name = 'archive_id'"
        ),
        1
    );

    // Every typed row of every version that remains, but whether it is
    // current and its time (see times_are_kept_or_dated_by_their_arrival).
    for (table, columns) in [
        (
            "conversions",
            // The kind as the code version 5 keeps (a name before).
            "version_id, CASE kind WHEN 'conversion_registered' THEN 11
                                   WHEN 'event_registered' THEN 12 ELSE kind END,
             conversion_id, status, payout_micros, revenue_micros, offer_id, sub2",
        ),
        ("offers", "version_id, kind, offer_id, name, time_created"),
        (
            "accounts",
            "version_id, kind, role, account_id, name, has_signup, signup_country_code",
        ),
        ("signup_verdicts", "version_id, affiliate_id, new_status"),
        ("offer_approvals", "version_id, offer_id, affiliate_id"),
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

/// Whether a time in a typed row of an earlier release is one version 7
/// takes as the body's (src/store/writing/dating.rs): from 2000-01-01 to a day after
/// the arrival.
fn plausible(time: &Value, received_at: i64) -> bool {
    matches!(time, Value::Integer(t) if *t >= 946_684_800 && *t <= received_at / 1000 + 86_400)
}

/// Through the upgrade to version 7 a typed row keeps its time when it is
/// plausible, and is otherwise dated by its arrival and marked so; the
/// version's fact time keeps only a plausible time.
#[test]
fn times_are_kept_or_dated_by_their_arrival() {
    let mut dated_by_arrival = 0;
    for (version, fixture) in FIXTURES {
        if version >= 7 {
            // Dated when they arrived: the upgrade to 7 has nothing to do.
            continue;
        }
        let copy = upgraded(fixture);
        let (old, new) = (read_only(&copy.original), read_only(&copy.db));
        for (table, time) in [
            ("conversions", "conversion_time"),
            ("signup_verdicts", "verdict_time"),
            ("offer_approvals", "event_time"),
            ("blocked_variables", "time_blocked"),
            // No fixture has a plausible creation time beside an
            // implausible save time: the save time is the row's time.
            ("offers", "time_saved"),
            ("accounts", "time_saved"),
        ] {
            let before = rows(
                &old,
                &format!("SELECT version_id, {time}, received_at FROM {table} ORDER BY 1"),
            );
            let after = rows(
                &new,
                &format!(
                    "SELECT t.version_id, t.{time}, t.time_source, v.fact_time
                     FROM {table} AS t JOIN versions AS v USING (version_id) ORDER BY 1"
                ),
            );
            // Version 2 merged the versions one body made under two kinds.
            let remaining: Vec<&Value> = after.iter().map(|row| &row[0]).collect();
            let before: Vec<Vec<Value>> = before
                .into_iter()
                .filter(|row| remaining.contains(&&row[0]))
                .collect();
            assert_eq!(before.len(), after.len(), "v{version} {table}");
            for (old_row, new_row) in before.iter().zip(&after) {
                let Value::Integer(received_at) = old_row[2] else {
                    panic!("an arrival")
                };
                let expected = if plausible(&old_row[1], received_at) {
                    vec![
                        old_row[0].clone(),
                        old_row[1].clone(),
                        Value::Null,
                        old_row[1].clone(),
                    ]
                } else {
                    dated_by_arrival += 1;
                    vec![
                        old_row[0].clone(),
                        Value::Integer(received_at / 1000),
                        Value::Text("arrival".into()),
                        Value::Null,
                    ]
                };
                assert_eq!(new_row, &expected, "v{version} {table}: was {old_row:?}");
            }
        }
    }
    // archive-v6.db: seven conversions, an offer and a partner.
    assert_eq!(dated_by_arrival, 9);
}

/// Typed rows an earlier extraction made differently (simulated by editing
/// them: the fixtures' own bodies read the same under every release) are
/// made again from their bodies when `serve` upgrades the archive, which
/// records this release's extraction: `verify` then passes.
#[test]
fn an_earlier_extraction_is_made_again_by_the_upgrade() {
    for (version, fixture) in FIXTURES {
        let copy = copy_of(fixture);
        let edited = "SELECT version_id, payout_micros FROM conversions
                      WHERE conversion_id = '10000002'";
        let expected = rows(&read_only(&copy.db), edited);
        Connection::open(&copy.db)
            .expect("open")
            .execute_batch(
                "UPDATE conversions SET payout_micros = payout_micros + 1
                 WHERE conversion_id = '10000002';
                 -- Since version 7 the archive says which extraction made
                 -- its rows: an earlier one made these.
                 UPDATE settings SET value = '1' WHERE name = 'extraction_version';",
            )
            .expect("edit");
        TestServer::start_on(&copy.db, |_| {}).stop();
        assert_eq!(rows(&read_only(&copy.db), edited), expected, "v{version}");
        assert_eq!(
            count(
                &read_only(&copy.db),
                "SELECT CAST(value AS INTEGER) FROM settings WHERE name = 'extraction_version'"
            ),
            evarchive::store::extraction::EXTRACTION_VERSION
        );
        verify_finds_nothing_wrong(&copy.db, version);
    }
}

/// Version 8's payout columns, which its migration leaves blank (the amounts
/// are in the compressed bodies, which SQL cannot read): the re-extraction
/// `serve` runs after the upgrade fills them in for every offer version of
/// every earlier release's archive (all made from the samples' CPA 12.50 /
/// RPA 20.00 offer). An archive of version 7 records extraction 2, which
/// is older than this release's: blanked and marked so, the rows are filled
/// again by the next `serve` (so by the upgrade from version 7, for which
/// there is no fixture yet), and by `reindex`.
#[test]
fn offers_of_an_earlier_release_get_their_payouts_at_the_upgrade() {
    let terms = "SELECT payout_type, payout_micros, payout_percentage_micros,
                        revenue_type, revenue_micros, revenue_percentage_micros
                 FROM offers ORDER BY version_id";
    let sample_terms = vec![
        Value::Text("cpa".into()),
        Value::Integer(12_500_000),
        Value::Null,
        Value::Text("rpa".into()),
        Value::Integer(20_000_000),
        Value::Null,
    ];
    for (version, fixture) in FIXTURES {
        let copy = upgraded(fixture);
        let offers = count(&read_only(&copy.original), "SELECT count(*) FROM offers");
        assert!(offers > 0, "v{version}: the fixture holds offers");
        let filled = rows(&read_only(&copy.db), terms);
        assert_eq!(filled.len() as i64, offers, "v{version}");
        assert!(
            filled.iter().all(|row| row == &sample_terms),
            "v{version}: {filled:?}"
        );
        let listed = evarchive(
            &copy.db,
            &[
                "query",
                "offers",
                "--versions",
                "--format",
                "csv",
                "--columns",
                "offer_id,payout,revenue",
            ],
        );
        assert_eq!(listed.code, Some(0), "{}", listed.stderr);
        assert!(
            listed
                .stdout
                .lines()
                .skip(1)
                .all(|line| line.ends_with(",cpa 12.50,rpa 20.00")),
            "v{version}: {}",
            listed.stdout
        );
        // As version 7's release left its rows: blank, made by extraction 2.
        let as_version_7 = || {
            Connection::open(&copy.db)
                .expect("open")
                .execute_batch(
                    "UPDATE offers SET payout_type = NULL, payout_micros = NULL,
                                       revenue_type = NULL, revenue_micros = NULL;
                     UPDATE settings SET value = '2' WHERE name = 'extraction_version';",
                )
                .expect("blank the payouts");
        };
        as_version_7();
        TestServer::start_on(&copy.db, |_| {}).stop();
        assert_eq!(
            rows(&read_only(&copy.db), terms),
            filled,
            "v{version}: serve"
        );
        as_version_7();
        let reindexed = evarchive(&copy.db, &["reindex"]);
        assert_eq!(reindexed.code, Some(0), "{}", reindexed.stderr);
        assert_eq!(
            rows(&read_only(&copy.db), terms),
            filled,
            "v{version}: reindex"
        );
    }
}

/// The columns of a conversion that typed rows kept before version 5 and that
/// are read from the body since (the text ones, compared as text).
const LONG_TAIL: [&str; 31] = [
    "payout_type",
    "revenue_type",
    "coupon_code",
    "order_id",
    "source_id",
    "region",
    "city",
    "dma",
    "session_user_ip",
    "conversion_user_ip",
    "platform",
    "device_type",
    "browser",
    "http_user_agent",
    "isp",
    "url",
    "referer",
    "notes",
    "error_code",
    "error_message",
    "offer_status",
    "adv1",
    "adv2",
    "adv3",
    "adv4",
    "adv5",
    "adv6",
    "adv7",
    "adv8",
    "adv9",
    "adv10",
];

/// What version 4 kept in a conversion's typed row, `query` reads from its
/// body after the upgrade: every version of every conversion and event.
#[test]
fn the_columns_moved_out_of_the_typed_row_read_back_from_the_bodies() {
    let copy = upgraded(FIXTURES[3].1);
    let old = read_only(&copy.original);
    for (what, kind) in [
        ("conversions", "conversion_registered"),
        ("events", "event_registered"),
    ] {
        let sql = format!(
            "SELECT conversion_id, status, click_time, is_view_through, {}
             FROM conversions WHERE kind = '{kind}'",
            LONG_TAIL.join(", ")
        );
        let mut kept: Vec<Vec<serde_json::Value>> = rows(&old, &sql)
            .into_iter()
            .map(|row| row.into_iter().map(json_of).collect())
            .collect();
        let columns = format!(
            "conversion_id,status,click_time,is_view_through,{}",
            LONG_TAIL.join(",")
        );
        let run = evarchive(
            &copy.db,
            &[
                "query",
                what,
                "--versions",
                "--until",
                "2100-01-01",
                "--format",
                "json",
                "--columns",
                &columns,
            ],
        );
        assert_eq!(run.code, Some(0), "{what}: {}", run.stderr);
        let listed: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).expect("JSON");
        let mut read: Vec<Vec<serde_json::Value>> = listed
            .iter()
            .map(|object| {
                columns
                    .split(',')
                    .map(|name| match (name, &object[name]) {
                        // Times and flags are shown, not stored, forms.
                        ("click_time", serde_json::Value::String(time)) => {
                            json!(jiff::Timestamp::from_str(time).expect("a time").as_second())
                        }
                        ("is_view_through", serde_json::Value::Bool(flag)) => {
                            json!(i64::from(*flag))
                        }
                        (_, value) => value.clone(),
                    })
                    .collect()
            })
            .collect();
        let sort = |rows: &mut Vec<Vec<serde_json::Value>>| {
            rows.sort_by_key(|row| serde_json::to_string(row).expect("JSON"))
        };
        sort(&mut kept);
        sort(&mut read);
        assert!(!kept.is_empty(), "{what}: the fixture holds some");
        assert!(
            kept.iter().any(|row| row[4..].iter().any(|v| !v.is_null())),
            "{what}: the fixture fills some of the long tail"
        );
        assert_eq!(kept, read, "{what}");
    }
}

fn json_of(value: Value) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Integer(n) => json!(n),
        Value::Text(text) => json!(text),
        other => panic!("a typed column holds {other:?}"),
    }
}

/// The counters `stats` reads, but the arrival times (which a replay cannot
/// keep) and refusals (which it does not repeat).
const COUNTED: &str = "SELECT kind, deliveries, redeliveries, versions, resources
                       FROM counters WHERE deliveries > 0 ORDER BY kind";

#[test]
fn the_counters_match_those_of_the_same_deliveries_received_live() {
    for (version, fixture) in FIXTURES {
        let copy = upgraded(fixture);
        let replayed_dir = tempfile::tempdir().expect("temp dir");
        let replayed = replayed_dir.path().join("replayed.db");
        let server = TestServer::start_on(&replayed, |_| {});
        let old = read_only(&copy.original);
        let bodies: std::collections::HashMap<i64, Vec<u8>> = earlier_bodies(&old)
            .into_iter()
            .map(|(id, _, bytes)| (id, bytes))
            .collect();
        let deliveries = "SELECT kind, kind_source, method, body_id
                          FROM deliveries ORDER BY delivery_id";
        for row in rows(&old, deliveries) {
            let [
                Value::Text(kind),
                Value::Text(source),
                Value::Text(method),
                Value::Integer(body_id),
            ] = &row[..]
            else {
                panic!("a delivery row: {row:?}")
            };
            let body = &bodies[body_id];
            let reply = match (method.as_str(), source.as_str()) {
                ("GET", _) => {
                    let query = String::from_utf8(body.clone()).expect("a query string");
                    let url =
                        server.url(&format!("/webhooks/{kind}?{query}&token={}", common::TOKEN));
                    common::reply_of(ureq::get(&url).call().expect("GET delivery"))
                }
                (_, "detected") => server.post("/webhooks", body),
                _ => server.post_kind(kind, body),
            };
            assert_eq!(reply.status, 200, "v{version} {kind}: {:?}", reply.json);
        }
        server.stop();
        let counted = |db: &Path| rows(&read_only(db), COUNTED);
        assert_eq!(counted(&copy.db), counted(&replayed), "v{version}");
        // Each delivery's outcome is the one it gets today.
        let outcomes = |db: &Path| {
            rows(
                &read_only(db),
                "SELECT delivery_id, outcome FROM deliveries ORDER BY delivery_id",
            )
        };
        assert_eq!(outcomes(&copy.db), outcomes(&replayed), "v{version}");
        // Refusals are counted as far as the earlier release's log went.
        assert_eq!(
            count(&read_only(&copy.db), "SELECT sum(refused) FROM counters"),
            count(&old, "SELECT count(*) FROM refusals"),
        );
        // And `stats` reads them.
        let stats = evarchive(&copy.db, &["stats", "--format", "csv"]);
        assert_eq!(stats.code, Some(0), "{}", stats.stderr);
        assert!(stats.stdout.contains("conversion"), "{}", stats.stdout);
    }
}

#[test]
fn the_v1_archive_is_brought_to_the_new_rules() {
    let copy = upgraded(FIXTURES[0].1);
    let db = &copy.db;
    let new = read_only(db);
    // One partner body sent as affiliate_created and as affiliate_updated is one
    // version; the partner is one resource of three versions.
    assert_eq!(
        count(&read_only(&copy.original), "SELECT count(*) FROM versions"),
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
        db,
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
    let show = evarchive(db, &["show", "conversion", "10000001"]);
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
            .replace(" ,", ",")
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
    let fresh_dir = tempfile::tempdir().expect("temp dir");
    let fresh = fresh_dir.path().join("fresh.db");
    TestServer::start_on(&fresh, |_| {}).stop();
    let application_id = |db: &Path| count(&read_only(db), "PRAGMA application_id");
    for (version, fixture) in FIXTURES {
        let copy = upgraded(fixture);
        assert_eq!(schema(&copy.db), schema(&fresh), "v{version}");
        assert_eq!(application_id(&copy.db), application_id(&fresh));
    }
}

#[test]
fn an_upgraded_archive_keeps_taking_deliveries() {
    for (_, fixture) in FIXTURES {
        keeps_taking_deliveries(&copy_of(fixture).db);
    }
}

fn keeps_taking_deliveries(db: &Path) {
    let server = TestServer::start_on(db, |_| {});
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

/// The upgrade to version 9 leaves every delivery archived before with the
/// kind of its URL (url_kind empty: nothing is re-read), indexes the
/// conversions' transaction ids (those archived before included), and the
/// archive then records a body at another kind's URL as what it is.
#[test]
fn the_v7_archive_gets_url_kinds_and_an_index_of_transaction_ids() {
    let copy = upgraded(FIXTURES[6].1);
    let new = read_only(&copy.db);
    assert_eq!(
        count(
            &new,
            "SELECT count(*) FROM deliveries WHERE url_kind IS NOT NULL"
        ),
        0
    );
    let indexed = "SELECT count(*) FROM conversions INDEXED BY conversions_by_transaction
                   WHERE transaction_id = 'get1'";
    assert_eq!(count(&new, indexed), 1);
    let listed = stdout_of(
        &copy.db,
        &[
            "query",
            "conversions",
            "--transaction-id",
            "get1",
            "--format",
            "csv",
            "--columns",
            "conversion_id,transaction_id",
        ],
    );
    assert_eq!(listed, "conversion_id,transaction_id\n10000003,get1\n");
    // A URL's kind is only ever another than the delivery's.
    let same = Connection::open(&copy.db).expect("open").execute(
        "UPDATE deliveries SET url_kind = kind WHERE delivery_id = 1",
        [],
    );
    assert!(same.is_err(), "{same:?}");

    let server = TestServer::start_on(&copy.db, |_| {});
    let reply = server.post_kind("conversion_registered", &sample("event_registered"));
    assert_eq!(reply.status, 200, "{:?}", reply.json);
    assert_eq!(reply.json["kind"], "event_registered");
    assert_eq!(reply.json["url_kind"], "conversion_registered");
    assert_eq!(
        server.count("SELECT count(*) FROM deliveries WHERE url_kind = 'conversion_registered'"),
        1
    );
    server.stop();
}
