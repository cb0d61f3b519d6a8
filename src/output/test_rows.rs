//! A small fixed set of columns and rows every format's tests print.

use jiff::tz::TimeZone;

use super::{Format, RenderOptions, sink};
use crate::rows::{Column, ColumnKind, Value};

/// One column of every kind.
pub(super) const COLUMNS: [Column; 8] = [
    Column::new("id", ColumnKind::Id),
    Column::new("sub1", ColumnKind::Text),
    Column::new("payout", ColumnKind::Money),
    Column::new("clicks", ColumnKind::Integer),
    Column::new("converted_at", ColumnKind::Time),
    Column::new("received_at", ColumnKind::TimeMillis),
    Column::new("is_fraud", ColumnKind::Flag),
    Column::new("params", ColumnKind::Json),
];

/// Text a naive CSV writer would break: comma, quote, newline, Unicode.
pub(super) const AWKWARD: &str = "a,\"b\"\nü€😀";

/// Three rows: plain values (the last moment of EST in New York), awkward
/// ones (the first hour of EDT, a text id, negative money), mostly nulls.
pub(super) fn rows() -> Vec<Vec<Value<'static>>> {
    vec![
        vec![
            Value::Integer(1),
            Value::Text("plain"),
            Value::Integer(2_500_000),
            Value::Integer(3),
            Value::Integer(1_772_953_199),
            Value::Integer(1_772_953_199_123),
            Value::Integer(0),
            Value::Text(r#"{"a": 1.50, "b": [true, null]}"#),
        ],
        vec![
            Value::Text("ab-12"),
            Value::Text(AWKWARD),
            Value::Integer(-1_250_000),
            Value::Integer(0),
            Value::Integer(1_772_953_200),
            Value::Null,
            Value::Integer(1),
            Value::Text("not json"),
        ],
        vec![
            Value::Integer(3),
            Value::Null,
            Value::Integer(300_000),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ],
    ]
}

/// New York: its DST change on 2026-03-08 falls between the fixture's rows.
pub(super) fn new_york() -> TimeZone {
    TimeZone::get("America/New_York").expect("the bundled tzdb has New York")
}

/// What `format` prints for `rows` of `columns`.
pub(super) fn render(
    format: Format,
    excel: bool,
    max_width: Option<usize>,
    columns: &[Column],
    rows: &[Vec<Value<'_>>],
) -> String {
    let mut bytes = Vec::new();
    let options = RenderOptions {
        format,
        excel,
        zone: new_york(),
        max_width,
    };
    let mut rows_sink = sink(options, Box::new(&mut bytes));
    rows_sink.begin(columns).expect("begin");
    for row in rows {
        rows_sink.row(row).expect("row");
    }
    rows_sink.finish().expect("finish");
    drop(rows_sink);
    String::from_utf8(bytes).expect("renderers write UTF-8")
}

/// The fixture in `format`, without the spreadsheet profile or a width limit.
pub(super) fn render_fixture(format: Format) -> String {
    render(format, false, None, &COLUMNS, &rows())
}

/// A table of `rows` at `width` terminal columns, and the columns it left out.
pub(super) fn render_table(
    columns: &[Column],
    rows: &[Vec<Value<'_>>],
    width: usize,
) -> (String, Vec<&'static str>) {
    let mut bytes = Vec::new();
    let options = RenderOptions {
        format: Format::Table,
        excel: false,
        zone: new_york(),
        max_width: Some(width),
    };
    let mut table = sink(options, Box::new(&mut bytes));
    table.begin(columns).expect("begin");
    for row in rows {
        table.row(row).expect("row");
    }
    table.finish().expect("finish");
    let hidden = table.hidden_columns();
    drop(table);
    (String::from_utf8(bytes).expect("UTF-8"), hidden)
}
