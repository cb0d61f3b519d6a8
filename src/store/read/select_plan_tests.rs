//! The plans SQLite makes for the selections that must not read a whole
//! window: asserted on the SQL `select_rows` sends, against the real schema.

use rusqlite::{Connection, params_from_iter};

use super::*;
use crate::selection::{FilterField, Filters, What};
use crate::store::open::SCHEMA_SQL;
use crate::window::resolve_window;

/// The plan of the first page of `what` selected by `filters`, in `since`
/// (or from the beginning), one detail line per step.
fn first_page_plan(what: What, filters: Filters, since: Option<&str>) -> Vec<String> {
    let conn = Connection::open_in_memory().expect("a connection");
    conn.execute_batch(SCHEMA_SQL).expect("the schema");
    let now = "2026-11-03T12:00:00Z".parse().expect("an instant");
    let selection = Selection {
        what,
        filters,
        window: resolve_window(since, None, None, "UTC", now).expect("a window"),
        basis: TimeBasis::Fact,
        all_versions: false,
    };
    let dataset = Dataset::of(what);
    let columns: Vec<DatasetColumn> = dataset
        .columns
        .iter()
        .filter(|c| !c.from_body)
        .copied()
        .collect();
    let (head, time, mut params) = head_sql(dataset, &selection, &columns, false).expect("SQL");
    let sql = page_sql(
        &head,
        Page::Timed(None),
        time,
        dataset.key,
        100,
        &mut params,
    );
    let mut plan = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .expect("a plan");
    plan.query_map(params_from_iter(params.iter()), |row| {
        row.get::<_, String>(3)
    })
    .expect("the plan's rows")
    .collect::<rusqlite::Result<_>>()
    .expect("detail")
}

#[test]
fn a_transaction_id_is_looked_up_in_its_index_whatever_the_window() {
    for what in [What::Conversions, What::Events] {
        for since in [None, Some("30d")] {
            for ids in [&["1a2b3c"][..], &["1a2b3c", "4d5e6f"]] {
                let mut filters = Filters::default();
                filters.push(FilterField::TransactionId, ids);
                let plan = first_page_plan(what, filters, since);
                assert!(
                    plan.iter()
                        .any(|step| step.contains("USING INDEX conversions_by_transaction")),
                    "{what:?} since {since:?} {ids:?}: {plan:?}"
                );
            }
        }
    }
}

#[test]
fn without_a_transaction_id_the_window_is_read_by_time() {
    let plan = first_page_plan(What::Conversions, Filters::default(), Some("30d"));
    assert!(
        plan.iter().any(|step| step.contains("conversions_by_time")),
        "{plan:?}"
    );
}
