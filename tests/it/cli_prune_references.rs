//! `evarchive prune` keeps every reference whole on histories where what a
//! delivery brought is not what its list of resource ids seems to say, or
//! where a version stays although its first delivery is old: an id with a
//! comma, a version that is no longer current but was delivered again since
//! the cutoff, a traffic_optimized delivery some of whose blocks stay. After
//! it, no foreign key dangles and every version that stays reads back
//! (`show`, `export`, `verify`).

use crate::common;

use std::path::Path;

use common::cli::{evarchive, stdout_of};
use common::history::{
    OLD, OLD_LATER, RECENT, conversion, count, dangling, dump_line, empty_archive, import, offer,
    pretty,
};
use serde_json::json;

/// The archive is whole and `verify` says so.
fn whole(db: &Path) {
    assert_eq!(dangling(db), Vec::<String>::new(), "no reference dangles");
    let run = evarchive(db, &["verify"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.ends_with("0 problems\n"), "{}", run.stdout);
}

fn blocks(ids: &[i64]) -> Vec<u8> {
    let entries: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            json!({
                "network_traffic_optimization_blocked_variable_id": id,
                "network_traffic_optimization_id": 41,
                "variable": "source_id",
                "value": format!("placement_{id}"),
                "action": "block",
                "time_blocked": 1_764_000_001,
            })
        })
        .collect();
    serde_json::to_vec(&json!({ "blocked_variables": entries })).expect("JSON")
}

#[test]
fn a_conversion_whose_id_holds_a_comma_keeps_its_delivery_and_body() {
    let (_dir, db) = empty_archive();
    // Arrived long ago, and again since the cutoff in other bytes: the
    // version stays, its first delivery and body with it.
    let approved = conversion("7,8", "approved");
    import(
        &db,
        &[
            dump_line("conversion_registered", OLD, &approved),
            dump_line("conversion_registered", RECENT, &pretty(&approved)),
        ],
    );
    let before = stdout_of(&db, &["show", "conversion", "7,8"]);
    let run = evarchive(&db, &["prune", "--older-than", "90d"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(count(&db, "SELECT count(*) FROM versions"), 1);
    assert_eq!(stdout_of(&db, &["show", "conversion", "7,8"]), before);
    let exported = stdout_of(
        &db,
        &[
            "export",
            "conversions",
            "--since",
            "2000-01-01",
            "--format",
            "csv",
            "--columns",
            "conversion_id,status",
        ],
    );
    assert_eq!(exported, "conversion_id,status\n\"7,8\",approved\n");
    whole(&db);
}

#[test]
fn a_version_delivered_again_or_restored_since_the_cutoff_keeps_its_first_delivery() {
    let (_dir, db) = empty_archive();
    let first = offer(7, "Seven", 1_700_000_000);
    let second = offer(7, "Seven, renamed", 1_700_000_100);
    import(
        &db,
        &[
            dump_line("offer_updated", OLD, &first),
            dump_line("offer_updated", OLD_LATER, &second),
            // Everflow sends the older state again: a redelivery of a
            // version that stays not current, arrived since the cutoff.
            dump_line("offer_updated", RECENT, &first),
            // A conversion whose first state is restored since the cutoff
            // (in other bytes): its version is current again, first
            // delivered long ago; the state it replaced goes.
            dump_line("conversion_registered", OLD, &conversion("5", "pending")),
            dump_line(
                "conversion_registered",
                OLD_LATER,
                &conversion("5", "approved"),
            ),
            dump_line(
                "conversion_registered",
                RECENT,
                &pretty(&conversion("5", "pending")),
            ),
        ],
    );
    for keep_current in [false, true] {
        let mut args = vec!["prune", "--older-than", "90d"];
        if keep_current {
            args.push("--keep-current");
        }
        let run = evarchive(&db, &args);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        whole(&db);
    }
    assert_eq!(count(&db, "SELECT count(*) FROM versions"), 3);
    assert_eq!(count(&db, "SELECT count(*) FROM restorations"), 1);
    let shown = stdout_of(&db, &["show", "offer", "7"]);
    assert!(shown.contains("Seven, renamed"), "{shown}");
}

#[test]
fn a_traffic_optimized_delivery_some_of_whose_blocks_stay_keeps_what_they_need() {
    let (_dir, db) = empty_archive();
    import(
        &db,
        &[
            dump_line("traffic_optimized", OLD, &blocks(&[100, 101, 102])),
            // Block 101 again, with a new one, since the cutoff.
            dump_line("traffic_optimized", RECENT, &blocks(&[101, 103])),
        ],
    );
    let run = evarchive(&db, &["prune", "--older-than", "90d"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM versions WHERE resource_type = 'blocked_variable'"
        ),
        2,
        "101 and 103 stay"
    );
    whole(&db);
}
