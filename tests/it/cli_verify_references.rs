//! `evarchive verify` reads every version, also one whose first delivery or
//! body row is gone (an archive `show` and `export` could not read passed
//! with 0 problems), and names each dangling reference by table, row and
//! parent (`PRAGMA foreign_key_check`).

use crate::common;

use common::cli::evarchive;
use common::history::{OLD, RECENT, conversion, dump_line, empty_archive, import, pretty};
use rusqlite::Connection;

#[test]
fn a_version_whose_delivery_and_body_are_gone_is_reported() {
    let (_dir, db) = empty_archive();
    let approved = conversion("7,8", "approved");
    import(
        &db,
        &[
            dump_line("conversion_registered", OLD, &approved),
            dump_line("conversion_registered", RECENT, &pretty(&approved)),
            dump_line(
                "conversion_registered",
                RECENT,
                &conversion("9", "approved"),
            ),
        ],
    );
    let clean = evarchive(&db, &["verify"]);
    assert_eq!(clean.code, Some(0), "{}{}", clean.stdout, clean.stderr);
    // What prune did to such a conversion before it was fixed: its first
    // delivery and the body only that delivery named, removed.
    let conn = Connection::open(&db).expect("open");
    conn.execute_batch("PRAGMA foreign_keys = OFF")
        .expect("as prune's connection");
    let (version_id, delivery_id, body_id): (i64, i64, i64) = conn
        .query_row(
            "SELECT version_id, first_delivery_id, body_id FROM versions WHERE resource_id = '7,8'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .expect("the version");
    conn.execute(
        "DELETE FROM deliveries WHERE delivery_id = ?1",
        [delivery_id],
    )
    .expect("delete delivery");
    conn.execute("DELETE FROM bodies WHERE body_id = ?1", [body_id])
        .expect("delete body");
    drop(conn);

    let run = evarchive(&db, &["verify"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    for expected in [
        format!("version {version_id}: its body {body_id} is missing"),
        format!("versions row {version_id} names a row of deliveries that is not there"),
        format!("versions row {version_id} names a row of bodies that is not there"),
    ] {
        assert!(
            run.stdout.contains(&expected),
            "{expected}:\n{}",
            run.stdout
        );
    }
    // The other conversion still reads back: no problem names its version.
    assert!(!run.stdout.contains("version 2"), "{}", run.stdout);
}

#[test]
fn show_says_a_body_is_missing_rather_than_print_an_empty_one() {
    let (_dir, db) = empty_archive();
    import(
        &db,
        &[dump_line(
            "conversion_registered",
            RECENT,
            &conversion("9", "approved"),
        )],
    );
    let conn = Connection::open(&db).expect("open");
    conn.execute_batch("PRAGMA foreign_keys = OFF")
        .expect("damage as a foreign-key-less writer could");
    let (version_id, body_id): (i64, i64) = conn
        .query_row(
            "SELECT version_id, body_id FROM versions WHERE resource_id = '9'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("the version");
    conn.execute("DELETE FROM bodies WHERE body_id = ?1", [body_id])
        .expect("delete body");
    drop(conn);

    let show = evarchive(&db, &["show", "conversion", "9"]);
    assert_eq!(show.code, Some(1), "{}{}", show.stdout, show.stderr);
    let said =
        format!("the body of version {version_id} no longer reads back (its row is missing)");
    assert!(show.stderr.contains(&said), "{}", show.stderr);
}
