//! Tables in a real terminal 80 columns wide (tmux): the width comes from the
//! terminal, not from COLUMNS, and what the terminal would wrap shows. Ids
//! are never cut, the table never runs past the edge, and the columns left
//! out are named. stderr goes to a file: its notes are prose, which a
//! terminal may wrap (the window note is 107 columns). Without tmux the tests
//! say so and skip.

use crate::common;

use common::fixture::NOW;
use common::terminal::{quoted, screen_after, tmux_present};
use common::{ALL_KINDS, TestServer, sample};
use unicode_width::UnicodeWidthStr;

/// The sample conversion's transaction id: 32 characters, cut to
/// `12345678…` at 80 columns before the fix of issue 17 (point 3).
const TRANSACTION_ID: &str = "d06fced9009dc26cebe7b656b480bee9";

/// The columns of issue 17 (point 3): they drew 84 columns, which the
/// terminal wrapped, with transaction ids cut.
#[test]
fn named_columns_fit_80_columns_with_ids_whole() {
    let Some((screen, stderr)) = query_at_80_columns(&[
        "--columns",
        "conversion_id,transaction_id,status,payout,affiliate_name,sub1,sub2",
    ]) else {
        return;
    };
    assert_fits(&screen);
    let row = format!(" 10000001      | {TRANSACTION_ID} | approved |   2.50");
    assert_eq!(
        table_lines(&screen),
        [
            " conversion_id | transaction_id                   | status   | payout",
            "---------------+----------------------------------+----------+--------",
            row.as_str(),
        ]
    );
    assert!(
        stderr.contains("evarchive: not shown at this terminal width: affiliate_name, sub1, sub2;"),
        "{stderr}"
    );
}

/// Without --columns, the table keeps its ids and money and leaves out (and
/// names) names and sub ids.
#[test]
fn the_default_columns_fit_80_columns_with_ids_whole() {
    let Some((screen, stderr)) = query_at_80_columns(&[]) else {
        return;
    };
    assert_fits(&screen);
    assert_eq!(
        table_lines(&screen),
        [
            " time (UTC)          | conversion_id | status   | payout | revenue | currency",
            "---------------------+---------------+----------+--------+---------+----------",
            " 2025-11-25 09:46:41 | 10000001      | approved |   2.50 |    4.00 | USD",
        ]
    );
    assert!(
        stderr.contains(
            "evarchive: not shown at this terminal width: offer_name, affiliate_name, country, sub1;"
        ),
        "{stderr}"
    );
}

/// No line of the screen is wider than the terminal (a wrapped one would be).
fn assert_fits(screen: &[String]) {
    for line in screen {
        assert!(line.width() <= 80, "{} columns: {line}", line.width());
    }
}

/// The table's lines: header, rule, rows (the screen holds nothing else).
fn table_lines(screen: &[String]) -> Vec<&str> {
    assert!(screen.len() >= 3, "no table: {screen:#?}");
    screen.iter().map(String::as_str).collect()
}

/// `query conversions --since 2025-11-01 EXTRA…` on an archive of the
/// samples, run in a terminal 80 columns wide: the screen, and stderr; None
/// without tmux.
fn query_at_80_columns(extra: &[&str]) -> Option<(Vec<String>, String)> {
    if !tmux_present("tables are fitted to a real terminal only there") {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("archive.db");
    let server = TestServer::start_on(&db, |_| {});
    for kind in ALL_KINDS {
        assert_eq!(server.post_kind(kind, &sample(kind)).status, 200, "{kind}");
    }
    server.stop();
    let binary = assert_cmd::cargo::cargo_bin("evarchive");
    let script = format!(
        "env -u COLUMNS -u LINES -u EVARCHIVE_TZ EVARCHIVE_NOW={NOW} {binary} --db {db} query conversions --since 2025-11-01 {extra} 2> {stderr}",
        binary = quoted(&binary),
        db = quoted(&db),
        stderr = quoted(&dir.path().join("stderr")),
        extra = extra.join(" "),
    );
    let (code, screen) = screen_after(dir.path(), 80, &script);
    let stderr = std::fs::read_to_string(dir.path().join("stderr")).expect("stderr");
    assert_eq!(code, 0, "{screen:#?}\n{stderr}");
    Some((screen, stderr))
}
