//! Streaming a selection out of the archive, newest fact first, in pages.
//! Each page is its own short read transaction, so a long export never pins
//! an old snapshot and the WAL can checkpoint while `serve` writes.

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, params_from_iter};

use super::body_columns::BodyColumns;
use super::datasets::{Dataset, DatasetColumn, FilterSql, TimeColumn};
use crate::error::{Error, Result};
use crate::rows::{RowSink, Value};
use crate::selection::{Selection, TimeBasis};
use crate::store::dating::LEEWAY_SECONDS;

/// What a selection found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selected {
    pub rows: u64,
    /// Of them, those dated by their arrival (their body carries no
    /// plausible time).
    pub by_arrival: u64,
    /// More rows matched than the limit let through.
    pub more: bool,
}

/// Rows read per page (per read transaction).
const PAGE_ROWS: usize = 5_000;

/// Which rows the next page reads, in newest-first order: rows with a time
/// first, then (only when no window bounds the time) rows without one.
#[derive(Clone, Copy)]
enum Page {
    /// Rows with a time, after (time, key) if given.
    Timed(Option<(i64, i64)>),
    /// Rows without a time, after key if given.
    Untimed(Option<i64>),
}

/// Sends every row of `selection` (at most `limit`) to `sink`, with `columns`.
pub fn select_rows(
    conn: &Connection,
    selection: &Selection,
    columns: &[DatasetColumn],
    limit: Option<u64>,
    sink: &mut dyn RowSink,
) -> Result<Selected> {
    let dataset = Dataset::of(selection.what);
    let body_columns = BodyColumns::of(conn, columns)?;
    let (head, time, fixed_params) = head_sql(dataset, selection, columns, body_columns.is_some())?;
    // Rows without a time belong to no window, so only an unbounded
    // selection lists them, last. (Since schema version 7 every typed row
    // has one, dated by its arrival when its body carries none.)
    let timeless_rows_match = !selection.window.is_bounded();

    let header: Vec<_> = columns.iter().map(|c| c.column).collect();
    sink.begin(&header).map_err(Error::Output)?;
    let width = columns.len();
    let mut sent: u64 = 0;
    let mut by_arrival: u64 = 0;
    let mut more = false;
    let mut page = Page::Timed(None);
    'pages: loop {
        // Near the limit, read one row past it: that row says whether more matched.
        let wanted = limit.map_or(PAGE_ROWS as u64, |l| (l - sent + 1).min(PAGE_ROWS as u64));
        let mut params = fixed_params.clone();
        if let Page::Timed(Some((after, _))) = page {
            // The window's end moves down to the page's start, so the index
            // is entered there: SQLite bounds the scan by one upper limit
            // only, and the row value below cannot be that limit (its key is
            // not the index's next column). Without this every page scanned
            // from the window's end, and an export of millions of rows took
            // time quadratic in their number.
            let until = &mut params[until_param(selection)];
            if let SqlValue::Integer(until) = until {
                *until = (*until).min(after.saturating_add(1));
            }
        }
        let sql = page_sql(&head, page, time, dataset.key, wanted, &mut params);
        let mut statement = conn.prepare_cached(&sql)?;
        let mut rows = statement.query(params_from_iter(params.iter()))?;
        let mut read: u64 = 0;
        let mut last: Option<(Option<i64>, i64)> = None;
        while let Some(row) = rows.next()? {
            if limit == Some(sent) {
                more = true;
                break 'pages;
            }
            read += 1;
            let from_body = match &body_columns {
                Some(body_columns) => body_columns.read(conn, row.get(width + 3)?)?,
                None => Vec::new(),
            };
            let mut values = (0..width)
                .map(|i| row.get_ref(i).map(value_of))
                .collect::<rusqlite::Result<Vec<_>>>()?;
            for (place, value) in &from_body {
                values[*place] = value_of(ValueRef::from(value));
            }
            sink.row(&values).map_err(Error::Output)?;
            sent += 1;
            by_arrival += u64::from(row.get::<_, bool>(width + 2)?);
            last = Some((row.get(width)?, row.get(width + 1)?));
        }
        page = match (page, last) {
            // A full page: there may be more of the same.
            (Page::Timed(_), Some((Some(time), key))) if read == wanted => {
                Page::Timed(Some((time, key)))
            }
            (Page::Untimed(_), Some((_, key))) if read == wanted => Page::Untimed(Some(key)),
            (Page::Timed(_), _) if timeless_rows_match => Page::Untimed(None),
            _ => break,
        };
    }
    sink.finish().map_err(Error::Output)?;
    Ok(Selected {
        rows: sent,
        by_arrival,
        more,
    })
}

/// The SELECT every page starts with (the WHERE clause without paging),
/// the time column it orders by, and its parameters.
fn head_sql(
    dataset: &Dataset,
    selection: &Selection,
    columns: &[DatasetColumn],
    with_version: bool,
) -> Result<(String, TimeColumn, Vec<SqlValue>)> {
    let time = match selection.basis {
        TimeBasis::Fact => dataset.fact_time,
        TimeBasis::Received => dataset.received_time,
    };
    let (conditions, params) = conditions(dataset, selection, time)?;
    let select_list = columns.iter().map(|c| c.sql).collect::<Vec<_>>().join(", ");
    // Only a dataset keyed by version has columns in its bodies.
    let version = if with_version {
        ", t.version_id AS _version"
    } else {
        ""
    };
    let head = format!(
        "SELECT {select_list}, {time} AS _time, {key} AS _key, {by_arrival} AS _by_arrival{version}
         FROM {from} WHERE {conditions}",
        time = time.sql,
        key = dataset.key,
        by_arrival = dataset
            .time_source
            .map_or_else(|| "0".to_owned(), |source| format!("{source} IS NOT NULL")),
        from = dataset.from_for(selection),
    );
    Ok((head, time, params))
}

fn page_sql(
    head: &str,
    page: Page,
    time: TimeColumn,
    key: &str,
    wanted: u64,
    params: &mut Vec<SqlValue>,
) -> String {
    let time = time.sql;
    match page {
        Page::Timed(after) => {
            let after = after.map_or_else(String::new, |(t, k)| {
                params.push(SqlValue::Integer(t));
                params.push(SqlValue::Integer(k));
                let n = params.len();
                format!(" AND ({time}, {key}) < (?{}, ?{n})", n - 1)
            });
            format!(
                "{head} AND {time} IS NOT NULL{after} ORDER BY {time} DESC, {key} DESC LIMIT {wanted}"
            )
        }
        Page::Untimed(after) => {
            let after = after.map_or_else(String::new, |k| {
                params.push(SqlValue::Integer(k));
                format!(" AND {key} < ?{}", params.len())
            });
            format!("{head} AND {time} IS NULL{after} ORDER BY {key} DESC LIMIT {wanted}")
        }
    }
}

/// Where `conditions` puts the window's end among its parameters.
fn until_param(selection: &Selection) -> usize {
    usize::from(selection.window.since_unix().is_some())
}

/// The WHERE clause (without paging) and its parameters; the window's end
/// is at [`until_param`].
pub(super) fn conditions(
    dataset: &Dataset,
    selection: &Selection,
    time: TimeColumn,
) -> Result<(String, Vec<SqlValue>)> {
    let mut sql = vec![dataset.base_filter.to_owned()];
    let mut params = Vec::new();
    if !selection.all_versions {
        sql.push(dataset.current_filter.to_owned());
    }
    if let Some(since) = selection.window.since_unix() {
        params.push(SqlValue::Integer(since * time.per_second));
        sql.push(format!("{} >= ?{}", time.sql, params.len()));
    }
    let mut until = selection.window.until_unix();
    // A window that ends now (no --until) holds every record that has
    // arrived: a body's time may run up to a day past its arrival (see
    // store::dating) and is still the record's time.
    if selection.window.until_now
        && selection.basis == TimeBasis::Fact
        && dataset.time_source.is_some()
    {
        until = until.saturating_add(LEEWAY_SECONDS);
    }
    params.push(SqlValue::Integer(until * time.per_second));
    sql.push(format!("{} < ?{}", time.sql, params.len()));
    for (field, values) in &selection.filters.any_of {
        let filter = dataset
            .filter_sql(*field)
            .ok_or_else(|| Error::InvalidArgument {
                flag: field.flag(),
                why: format!("does not apply to {}", selection.what.name()),
            })?;
        let placeholders: Vec<String> = values
            .iter()
            .map(|value| {
                params.push(SqlValue::Text(value.clone()));
                format!("?{}", params.len())
            })
            .collect();
        let placeholders = placeholders.join(", ");
        sql.push(match filter {
            FilterSql::Column(column) | FilterSql::Indexed { column, .. } => {
                format!("{column} IN ({placeholders})")
            }
            FilterSql::Condition(condition) => condition.replace("{values}", &placeholders),
        });
    }
    Ok((sql.join(" AND "), params))
}

/// A stored value for the renderers; text that is not UTF-8 (SQLite does not
/// check) is passed on as bytes, to be shown with its invalid bytes marked.
fn value_of(value: ValueRef<'_>) -> Value<'_> {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Integer(n),
        ValueRef::Real(f) => Value::Real(f),
        ValueRef::Text(t) => std::str::from_utf8(t).map_or(Value::Bytes(t), Value::Text),
        ValueRef::Blob(b) => Value::Bytes(b),
    }
}

#[cfg(test)]
#[path = "select_plan_tests.rs"]
mod plan_tests;
