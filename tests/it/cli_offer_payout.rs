//! An offer's payout and revenue (schema version 8), read from its default
//! `relationship.payout_revenue` entry, through the real binary: `query
//! offers` (and `--versions`) shows them as `cpa 12.50` / `rps 35%`, csv and
//! json get the parts as plain decimals, an amount the type does not use is
//! blank (never 0), and `show offer` prints them per version.

use crate::common;

use std::path::{Path, PathBuf};

use common::cli::{evarchive_with, stdout_of};
use common::edited_sample;
use common::history::{RECENT, dump_line, empty_archive, import};
use serde_json::{Value, json};

/// An offer from the sample with `edit` applied to its default entry (or,
/// with `None`, without any `payout_revenue`), saved at `time_saved`.
fn offer(id: i64, name: &str, time_saved: i64, entry: Option<Value>) -> Vec<u8> {
    edited_sample("offer_updated", |doc| {
        doc["network_offer_id"] = json!(id);
        doc["name"] = json!(name);
        doc["time_saved"] = json!(time_saved);
        let relationship = doc["relationship"].as_object_mut().expect("relationship");
        match entry {
            Some(Value::Object(changes)) => {
                let base = &mut relationship["payout_revenue"]["entries"][0];
                for (field, value) in changes {
                    base[field] = value;
                }
            }
            _ => {
                relationship.remove("payout_revenue");
            }
        }
    })
}

/// Offer 1 as the samples have it (created, then updated with a higher
/// payout), a CPA + RPS offer, a hybrid one, and one without payouts.
fn archive() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = empty_archive();
    let raised = edited_sample("offer_updated", |doc| {
        doc["relationship"]["payout_revenue"]["entries"][0]["payout_amount"] = json!("15");
    });
    let lines = [
        dump_line("offer_created", RECENT, &common::sample("offer_created")),
        dump_line("offer_updated", RECENT, &raised),
        dump_line(
            "offer_created",
            RECENT,
            &offer(
                2,
                "Solar Leads",
                1764100000,
                Some(json!({
                    "payout_type": "cpa", "payout_amount": "3.00", "payout_percentage": 0,
                    "revenue_type": "rps", "revenue_amount": 0, "revenue_percentage": 35
                })),
            ),
        ),
        dump_line(
            "offer_created",
            RECENT,
            &offer(
                3,
                "Mixed Cart",
                1764200000,
                Some(json!({
                    "payout_type": "cpa_cps", "payout_amount": 1, "payout_percentage": "5.5",
                    "revenue_type": "rpa_rps", "revenue_amount": 2.25, "revenue_percentage": 10
                })),
            ),
        ),
        dump_line(
            "offer_created",
            RECENT,
            &offer(4, "No Terms Yet", 1764300000, None),
        ),
    ];
    import(&db, &lines);
    (dir, db)
}

fn run(db: &Path, args: &[&str]) -> String {
    stdout_of(db, args)
}

#[test]
fn the_table_shows_type_and_amount_and_nothing_for_no_terms() {
    let (_dir, db) = archive();
    assert_eq!(
        run(
            &db,
            &[
                "query",
                "offers",
                "--columns",
                "offer_id,name,payout,revenue"
            ]
        ),
        concat!(
            " offer_id | name          | payout              | revenue\n",
            "----------+---------------+---------------------+--------------------\n",
            " 4        | No Terms Yet  |                     |\n",
            " 3        | Mixed Cart    | cpa_cps 1.00 + 5.5% | rpa_rps 2.25 + 10%\n",
            " 2        | Solar Leads   | cpa 3.00            | rps 35%\n",
            " 1        | Keto Trial CA | cpa 15.00           | rpa 20.00\n",
        )
    );
}

/// The default table at 80 columns keeps the offer's name before the
/// revenue, the currency and the advertiser: here the hybrid terms are wide,
/// and those three give way (named on stderr).
#[test]
fn at_80_columns_the_name_stays_beside_the_payout() {
    let (_dir, db) = archive();
    let run = evarchive_with(&db, &["query", "offers"], &[("COLUMNS", "80")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            " offer_id | name          | status | payout              | saved (UTC)\n",
            "----------+---------------+--------+---------------------+---------------------\n",
            " 4        | No Terms Yet  | active |                     | 2025-11-28 03:20:00\n",
            " 3        | Mixed Cart    | active | cpa_cps 1.00 + 5.5% | 2025-11-26 23:33:20\n",
            " 2        | Solar Leads   | active | cpa 3.00            | 2025-11-25 19:46:40\n",
            " 1        | Keto Trial CA | active | cpa 15.00           | 2025-11-24 17:23:21\n",
        )
    );
    assert!(
        run.stderr
            .contains("not shown at this terminal width: revenue, currency_id, advertiser_id;"),
        "{}",
        run.stderr
    );
}

/// The samples alone (one offer, CPA and RPA): payout and revenue both fit
/// beside the shortened name.
#[test]
fn at_80_columns_the_samples_offer_shows_payout_and_revenue() {
    let (_dir, db) = empty_archive();
    import(
        &db,
        &[dump_line(
            "offer_updated",
            RECENT,
            &common::sample("offer_updated"),
        )],
    );
    let run = evarchive_with(&db, &["query", "offers"], &[("COLUMNS", "80")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            " offer_id | name         | status | payout    | revenue   | saved (UTC)\n",
            "----------+--------------+--------+-----------+-----------+---------------------\n",
            " 1        | Keto Trial … | active | cpa 12.50 | rpa 20.00 | 2025-11-24 17:23:21\n",
        )
    );
}

const PARTS: &str = "offer_id,payout_type,payout_amount,payout_percentage,revenue_type,revenue_amount,revenue_percentage";

#[test]
fn csv_has_the_parts_as_plain_decimals_and_blanks_for_unused_amounts() {
    let (_dir, db) = archive();
    assert_eq!(
        run(&db, &["export", "offers", "--columns", PARTS]),
        concat!(
            "offer_id,payout_type,payout_amount,payout_percentage,revenue_type,revenue_amount,revenue_percentage\n",
            "4,,,,,,\n",
            "3,cpa_cps,1.00,5.5,rpa_rps,2.25,10\n",
            "2,cpa,3.00,,rps,,35\n",
            "1,cpa,15.00,,rpa,20.00,\n",
        )
    );
    // Without --columns, files get every part and not the table's summaries.
    let header = run(&db, &["export", "offers"]);
    let header = header.lines().next().expect("a header");
    assert!(
        header.contains(",advertiser_id,payout_type,payout_amount,payout_percentage,revenue_type,revenue_amount,revenue_percentage,"),
        "{header}"
    );
    assert!(
        !header.contains(",payout,") && !header.contains(",revenue,"),
        "{header}"
    );
}

#[test]
fn json_has_numbers_and_nulls() {
    let (_dir, db) = archive();
    assert_eq!(
        run(
            &db,
            &["query", "offers", "--format", "ndjson", "--columns", PARTS]
        ),
        concat!(
            r#"{"offer_id":4,"payout_type":null,"payout_amount":null,"payout_percentage":null,"revenue_type":null,"revenue_amount":null,"revenue_percentage":null}"#,
            "\n",
            r#"{"offer_id":3,"payout_type":"cpa_cps","payout_amount":1.00,"payout_percentage":5.5,"revenue_type":"rpa_rps","revenue_amount":2.25,"revenue_percentage":10}"#,
            "\n",
            r#"{"offer_id":2,"payout_type":"cpa","payout_amount":3.00,"payout_percentage":null,"revenue_type":"rps","revenue_amount":null,"revenue_percentage":35}"#,
            "\n",
            r#"{"offer_id":1,"payout_type":"cpa","payout_amount":15.00,"payout_percentage":null,"revenue_type":"rpa","revenue_amount":20.00,"revenue_percentage":null}"#,
            "\n",
        )
    );
    // The summary, asked for by name, is a string.
    assert_eq!(
        run(
            &db,
            &[
                "query",
                "offers",
                "--offer",
                "2",
                "--format",
                "json",
                "--columns",
                "offer_id,payout,revenue"
            ]
        ),
        "[\n{\"offer_id\":2,\"payout\":\"cpa 3.00\",\"revenue\":\"rps 35%\"}\n]\n"
    );
}

#[test]
fn versions_show_a_payout_change() {
    let (_dir, db) = archive();
    assert_eq!(
        run(
            &db,
            &[
                "query",
                "offers",
                "--versions",
                "--offer",
                "1",
                "--columns",
                "time_saved,payout,revenue,is_current"
            ]
        ),
        concat!(
            " saved (UTC)         | payout    | revenue   | is_current\n",
            "---------------------+-----------+-----------+------------\n",
            " 2025-11-24 17:23:21 | cpa 15.00 | rpa 20.00 | true\n",
            " 2025-11-24 16:00:01 | cpa 12.50 | rpa 20.00 | false\n",
        )
    );
}

#[test]
fn show_prints_each_versions_payout_and_revenue() {
    let (_dir, db) = archive();
    let lines = |id: &str| -> Vec<String> {
        run(&db, &["show", "offer", id])
            .lines()
            .filter(|line| line.starts_with("payout:") || line.starts_with("revenue:"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        lines("1"),
        [
            "payout:         cpa 12.50",
            "revenue:        rpa 20.00",
            "payout:         cpa 15.00",
            "revenue:        rpa 20.00",
        ]
    );
    assert_eq!(
        lines("4"),
        ["payout:         (not set)", "revenue:        (not set)"]
    );
}
