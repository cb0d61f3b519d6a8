//! `report` in a terminal: the statuses side by side when they fit, else
//! each group's statuses as rows under it, so that no status's money is
//! left out; only names give way.

use crate::common;

use common::cli::{evarchive_with, stdout_of};
use common::edited_sample;
use common::fixture::filled_server;
use serde_json::json;

/// Too narrow for the statuses side by side, each group's statuses are rows
/// under it (those it has), so no status's money is left out.
#[test]
fn a_narrow_terminal_shows_each_status_as_a_row_of_its_group() {
    let server = filled_server();
    let run = evarchive_with(
        &server.db,
        &["report", "conversions", "--by", "offer"],
        &[("COLUMNS", "80")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            " offer_id | offer_na… | currency | status   | count | payout | revenue | profit\n",
            "----------+-----------+----------+----------+-------+--------+---------+--------\n",
            " 2        | VPN Annu… | USD      | approved |     3 |   1.30 |    2.80 |   1.50\n",
            " 3        | Meal Kit… | EUR      | rejected |     1 |   3.00 |    5.00 |\n",
            " 3        | Meal Kit… | USD      | pending  |     1 |  -1.25 |    0.00 |\n",
            " TOTAL    |           | EUR      | rejected |     1 |   3.00 |    5.00 |\n",
            " TOTAL    |           | USD      | approved |     3 |   1.30 |    2.80 |   1.50\n",
            "          |           |          | pending  |     1 |  -1.25 |    0.00 |\n",
        )
    );
    assert!(run.stdout.lines().all(|line| line.chars().count() <= 80));
    assert!(!run.stderr.contains("not shown"), "{}", run.stderr);
}

/// The case: a pending payout of 1,234,567.89 was left out at 80
/// columns (named only on stderr).
#[test]
fn a_large_pending_payout_is_shown_at_80_columns() {
    let server = filled_server();
    let pending = edited_sample("conversion_registered", |doc| {
        doc["conversion_id"] = json!(7200);
        doc["conversion_unix_timestamp"] = json!(1_762_000_000);
        doc["status"] = json!("pending");
        doc["payout"] = json!("1234567.89");
    });
    assert_eq!(
        server.post_kind("conversion_registered", &pending).status,
        200
    );
    let run = evarchive_with(
        &server.db,
        &["report", "conversions", "--by", "offer"],
        &[("COLUMNS", "80")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    // Every amount of the report is in the table: each non-zero payout,
    // revenue and profit of the CSV report (the pending revenue and the
    // rejected euros were left out before, beside the pending payout).
    let csv = stdout_of(
        &server.db,
        &["report", "conversions", "--by", "offer", "--format", "csv"],
    );
    let amounts: Vec<&str> = csv
        .lines()
        .skip(1)
        .flat_map(|line| line.split(',').skip(3))
        .filter(|cell| cell.contains('.') && *cell != "0.00")
        .collect();
    assert!(amounts.contains(&"1234567.89"), "{csv}");
    for amount in amounts {
        assert!(
            run.stdout.contains(&format!(" {amount} "))
                || run.stdout.contains(&format!(" {amount}\n")),
            "{amount} is not shown:\n{}",
            run.stdout
        );
    }
    assert_eq!(
        run.stdout,
        concat!(
            " offer_id | currency | status   | count | payout     | revenue | profit\n",
            "----------+----------+----------+-------+------------+---------+--------\n",
            " 2        | USD      | approved |     3 |       1.30 |    2.80 |   1.50\n",
            "          |          | pending  |     1 | 1234567.89 |    4.00 |\n",
            " 3        | EUR      | rejected |     1 |       3.00 |    5.00 |\n",
            " 3        | USD      | pending  |     1 |      -1.25 |    0.00 |\n",
            " TOTAL    | EUR      | rejected |     1 |       3.00 |    5.00 |\n",
            " TOTAL    | USD      | approved |     3 |       1.30 |    2.80 |   1.50\n",
            "          |          | pending  |     2 | 1234566.64 |    4.00 |\n",
        )
    );
    assert!(run.stdout.lines().all(|line| line.chars().count() <= 80));
    // Only the name gave way, and stderr says so.
    assert!(
        run.stderr
            .contains("not shown at this terminal width: offer_name; name the columns"),
        "{}",
        run.stderr
    );
}

/// A terminal wide enough keeps the statuses side by side.
#[test]
fn a_wide_terminal_keeps_the_statuses_side_by_side() {
    let server = filled_server();
    let run = evarchive_with(
        &server.db,
        &["report", "conversions", "--by", "offer"],
        &[("COLUMNS", "200")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            "                                      | approved                 | pending                  | rejected                 | invalid                  |\n",
            " offer_id | offer_name     | currency | count | payout | revenue | count | payout | revenue | count | payout | revenue | count | payout | revenue | profit\n",
            "----------+----------------+----------+-------+--------+---------+-------+--------+---------+-------+--------+---------+-------+--------+---------+--------\n",
            " 2        | VPN Annual     | USD      |     3 |   1.30 |    2.80 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |   1.50\n",
            " 3        | Meal Kit Intro | EUR      |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |     1 |   3.00 |    5.00 |     0 |   0.00 |    0.00 |   0.00\n",
            " 3        | Meal Kit Intro | USD      |     0 |   0.00 |    0.00 |     1 |  -1.25 |    0.00 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |   0.00\n",
            " TOTAL    |                | EUR      |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |     1 |   3.00 |    5.00 |     0 |   0.00 |    0.00 |   0.00\n",
            " TOTAL    |                | USD      |     3 |   1.30 |    2.80 |     1 |  -1.25 |    0.00 |     0 |   0.00 |    0.00 |     0 |   0.00 |    0.00 |   1.50\n",
        )
    );
    assert!(!run.stderr.contains("not shown"), "{}", run.stderr);
}

/// Narrower still, names shrink and then are left out (and named); ids,
/// statuses and money are never cut, so at 60 columns the table runs past
/// the edge (68 characters) rather than hide an amount.
#[test]
fn at_60_columns_only_names_give_way() {
    let server = filled_server();
    let run = evarchive_with(
        &server.db,
        &["report", "conversions", "--by", "offer"],
        &[("COLUMNS", "60")],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            " offer_id | currency | status   | count | payout | revenue | profit\n",
            "----------+----------+----------+-------+--------+---------+--------\n",
            " 2        | USD      | approved |     3 |   1.30 |    2.80 |   1.50\n",
            " 3        | EUR      | rejected |     1 |   3.00 |    5.00 |\n",
            " 3        | USD      | pending  |     1 |  -1.25 |    0.00 |\n",
            " TOTAL    | EUR      | rejected |     1 |   3.00 |    5.00 |\n",
            " TOTAL    | USD      | approved |     3 |   1.30 |    2.80 |   1.50\n",
            "          |          | pending  |     1 |  -1.25 |    0.00 |\n",
        )
    );
    let widest = run.stdout.lines().map(|line| line.chars().count()).max();
    assert_eq!(widest, Some(68));
    assert!(
        run.stderr
            .contains("not shown at this terminal width: offer_name; name the columns"),
        "{}",
        run.stderr
    );
}

/// Programs get the same columns whatever the terminal, and columns named
/// with --columns keep the side-by-side table.
#[test]
fn csv_and_named_columns_are_not_laid_out_again() {
    let server = filled_server();
    let args = ["report", "conversions", "--by", "offer"];
    let csv = [&args[..], &["--format", "csv"]].concat();
    let narrow = evarchive_with(&server.db, &csv, &[("COLUMNS", "80")]);
    assert_eq!(narrow.code, Some(0), "{}", narrow.stderr);
    assert_eq!(narrow.stdout, stdout_of(&server.db, &csv));
    let named = [
        &args[..],
        &[
            "--columns",
            "offer_id,currency_id,pending_payout,rejected_payout",
        ],
    ]
    .concat();
    let run = evarchive_with(&server.db, &named, &[("COLUMNS", "80")]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stdout,
        concat!(
            "                     | pendi… | rejec…\n",
            " offer_id | currency | payout | payout\n",
            "----------+----------+--------+--------\n",
            " 2        | USD      |   0.00 |   0.00\n",
            " 3        | EUR      |   0.00 |   3.00\n",
            " 3        | USD      |  -1.25 |   0.00\n",
            " TOTAL    | EUR      |   0.00 |   3.00\n",
            " TOTAL    | USD      |  -1.25 |   0.00\n",
        )
    );
}
