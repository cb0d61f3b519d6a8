//! One stored value turned into text according to its column's kind — the
//! part every format shares. The formats then decide how to quote it.

use std::fmt::Write as _;

use jiff::Timestamp;
use jiff::fmt::temporal::DateTimePrinter;
use jiff::tz::TimeZone;

use super::money_text::{write_money, write_percentage};
use super::pricing_terms::{parse_stored_terms, write_terms};
use crate::rows::{ColumnKind, Value};

/// How times are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TimeStyle {
    /// RFC 3339 with the zone's offset, for programs: `2026-11-25T09:46:41-05:00`.
    Rfc3339,
    /// `2026-11-25 09:46:41` in the zone, for people and spreadsheets (which
    /// do not understand offsets).
    Civil,
}

/// A rendered value, still telling what it is so each format can quote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cell<'c> {
    Null,
    /// Valid JSON number text, written by us.
    Number(&'c str),
    Bool(bool),
    /// Text from the archive, possibly chosen by a partner: untrusted.
    Text(&'c str),
    /// A time written by us: a string, but never a formula.
    Stamp(&'c str),
    /// JSON text from the archive (a `Json` column); may not parse.
    Json(&'c str),
}

const RFC3339_SECONDS: DateTimePrinter = DateTimePrinter::new().precision(Some(0));
const RFC3339_MILLIS: DateTimePrinter = DateTimePrinter::new().precision(Some(3));
const CIVIL: DateTimePrinter = DateTimePrinter::new().separator(b' ').precision(Some(0));

/// Renders cells into one reused buffer: no allocation per cell.
pub(super) struct CellRenderer {
    zone: TimeZone,
    times: TimeStyle,
    text: String,
    integer: itoa::Buffer,
}

impl CellRenderer {
    pub(super) fn new(zone: TimeZone, times: TimeStyle) -> CellRenderer {
        CellRenderer {
            zone,
            times,
            text: String::with_capacity(64),
            integer: itoa::Buffer::new(),
        }
    }

    /// `value` as a cell of a `kind` column. A value of an unexpected type
    /// (SQLite does not enforce column types) is shown for what it is.
    pub(super) fn render<'c, 'v: 'c>(&'c mut self, kind: ColumnKind, value: Value<'v>) -> Cell<'c> {
        match value {
            Value::Null => Cell::Null,
            Value::Text(text) if kind == ColumnKind::Json => Cell::Json(text),
            Value::Text(text) if kind == ColumnKind::Terms => self.terms(text),
            Value::Text(text) => Cell::Text(text),
            Value::Bytes(bytes) => match std::str::from_utf8(bytes) {
                Ok(text) => Cell::Text(text),
                Err(_) => {
                    self.text.clear();
                    self.text.push_str(&String::from_utf8_lossy(bytes));
                    Cell::Text(&self.text)
                }
            },
            Value::Integer(number) => self.integer(kind, number),
            Value::Real(number) => self.real(kind, number),
        }
    }

    fn integer(&mut self, kind: ColumnKind, number: i64) -> Cell<'_> {
        match kind {
            ColumnKind::Money => {
                self.text.clear();
                write_money(number, &mut self.text);
                Cell::Number(&self.text)
            }
            ColumnKind::Percentage => {
                self.text.clear();
                write_percentage(number, &mut self.text);
                Cell::Number(&self.text)
            }
            ColumnKind::Time => self.time(Timestamp::from_second(number), &RFC3339_SECONDS, number),
            ColumnKind::TimeMillis => {
                self.time(Timestamp::from_millisecond(number), &RFC3339_MILLIS, number)
            }
            ColumnKind::Flag => Cell::Bool(number != 0),
            // A text column keeps JSON strings even where SQLite stored an integer.
            ColumnKind::Text | ColumnKind::Code | ColumnKind::Terms => {
                Cell::Text(self.integer.format(number))
            }
            ColumnKind::Json => Cell::Json(self.integer.format(number)),
            ColumnKind::Id | ColumnKind::Integer => Cell::Number(self.integer.format(number)),
        }
    }

    /// Reals come from aggregates (an average of micros, say): money and
    /// times are rounded to their unit, anything else printed as it is.
    fn real(&mut self, kind: ColumnKind, number: f64) -> Cell<'_> {
        // The `as` cast saturates; the range check makes it exact.
        let whole = number.round();
        let fits = number.is_finite() && whole >= i64::MIN as f64 && whole < i64::MAX as f64;
        match kind {
            ColumnKind::Money
            | ColumnKind::Percentage
            | ColumnKind::Time
            | ColumnKind::TimeMillis
                if fits =>
            {
                self.integer(kind, whole as i64)
            }
            ColumnKind::Flag => Cell::Bool(number != 0.0),
            _ => {
                self.text.clear();
                let _ = write!(self.text, "{number}");
                let textual = matches!(
                    kind,
                    ColumnKind::Text | ColumnKind::Code | ColumnKind::Terms
                );
                if number.is_finite() && !textual {
                    Cell::Number(&self.text)
                } else {
                    // "inf" and "NaN" are not JSON numbers.
                    Cell::Text(&self.text)
                }
            }
        }
    }

    /// An offer's terms from their stored form; text that is not that form
    /// (SQLite does not check) is shown as it is.
    fn terms<'c, 'v: 'c>(&'c mut self, stored: &'v str) -> Cell<'c> {
        let Some((model, amount, percentage)) = parse_stored_terms(stored) else {
            return Cell::Text(stored);
        };
        self.text.clear();
        write_terms(model.as_deref(), amount, percentage, &mut self.text);
        if self.text.is_empty() {
            Cell::Null
        } else {
            // The type is the body's text: untrusted, like any text.
            Cell::Text(&self.text)
        }
    }

    fn time(
        &mut self,
        instant: Result<Timestamp, jiff::Error>,
        rfc3339: &DateTimePrinter,
        raw: i64,
    ) -> Cell<'_> {
        self.text.clear();
        let printed = instant.ok().and_then(|instant| {
            let offset = self.zone.to_offset(instant);
            let result = match self.times {
                TimeStyle::Rfc3339 => {
                    rfc3339.print_timestamp_with_offset(&instant, offset, &mut self.text)
                }
                TimeStyle::Civil => {
                    CIVIL.print_datetime(&offset.to_datetime(instant), &mut self.text)
                }
            };
            result.ok()
        });
        match printed {
            Some(()) => Cell::Stamp(&self.text),
            // Beyond jiff's range (years -9999..=9999): show the stored number.
            None => Cell::Number(self.integer.format(raw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnKind::*;
    use TimeStyle::{Civil, Rfc3339};

    fn render(times: TimeStyle, kind: ColumnKind, value: Value<'_>) -> String {
        let zone = TimeZone::get("America/New_York").expect("bundled tzdb");
        let mut cells = CellRenderer::new(zone, times);
        format!("{:?}", cells.render(kind, value))
    }

    #[test]
    fn renders_each_kind() {
        let cases = [
            (Money, Value::Integer(-1_250_000), r#"Number("-1.25")"#),
            (Money, Value::Real(2_500_000.4), r#"Number("2.50")"#),
            (Money, Value::Text("n/a"), r#"Text("n/a")"#),
            (Id, Value::Integer(42), r#"Number("42")"#),
            (Id, Value::Text("abc"), r#"Text("abc")"#),
            (Text, Value::Integer(7), r#"Text("7")"#),
            (Code, Value::Integer(422), r#"Text("422")"#),
            (Text, Value::Bytes(b"ok"), r#"Text("ok")"#),
            (Text, Value::Bytes(b"a\xffb"), "Text(\"a\u{fffd}b\")"),
            (Integer, Value::Real(2.5), r#"Number("2.5")"#),
            (Integer, Value::Real(f64::INFINITY), r#"Text("inf")"#),
            (Flag, Value::Integer(1), "Bool(true)"),
            (Flag, Value::Integer(0), "Bool(false)"),
            (Json, Value::Text("{}"), r#"Json("{}")"#),
            (Json, Value::Null, "Null"),
            (Percentage, Value::Integer(35_000_000), r#"Number("35")"#),
            (Percentage, Value::Real(12_500_000.2), r#"Number("12.5")"#),
            (
                Terms,
                Value::Text(r#"["cps",null,7500000]"#),
                r#"Text("cps 7.5%")"#,
            ),
            (Terms, Value::Text("[null,null,null]"), "Null"),
            (Terms, Value::Text("cpa"), r#"Text("cpa")"#),
            (Time, Value::Null, "Null"),
            (
                Time,
                Value::Real(1_772_953_199.4),
                r#"Stamp("2026-03-08T01:59:59-05:00")"#,
            ),
            // Beyond the years jiff knows: the stored number, not a panic.
            (
                Time,
                Value::Integer(i64::MAX),
                r#"Number("9223372036854775807")"#,
            ),
        ];
        for (kind, value, expected) in cases {
            assert_eq!(render(Rfc3339, kind, value), expected, "{kind:?} {value:?}");
        }
    }

    /// 2026-03-08 07:00 UTC: New York springs from EST to EDT.
    const SPRING: i64 = 1_772_953_200;
    /// 2026-11-01 06:00 UTC: it falls back, and 01:30 happens twice.
    const AUTUMN: i64 = 1_793_512_800;

    #[test]
    fn times_follow_the_zone_across_dst_changes() {
        let cases = [
            (Rfc3339, Time, SPRING - 1, "2026-03-08T01:59:59-05:00"),
            (Rfc3339, Time, SPRING, "2026-03-08T03:00:00-04:00"),
            (Civil, Time, SPRING - 1, "2026-03-08 01:59:59"),
            (Civil, Time, SPRING, "2026-03-08 03:00:00"),
            (Rfc3339, Time, AUTUMN - 1800, "2026-11-01T01:30:00-04:00"),
            (Rfc3339, Time, AUTUMN + 1800, "2026-11-01T01:30:00-05:00"),
            (
                Rfc3339,
                TimeMillis,
                SPRING * 1000 + 123,
                "2026-03-08T03:00:00.123-04:00",
            ),
            (
                Rfc3339,
                TimeMillis,
                SPRING * 1000,
                "2026-03-08T03:00:00.000-04:00",
            ),
            (Civil, TimeMillis, SPRING * 1000 - 1, "2026-03-08 01:59:59"),
        ];
        for (times, kind, number, expected) in cases {
            let expected = format!("Stamp({expected:?})");
            assert_eq!(
                render(times, kind, Value::Integer(number)),
                expected,
                "{number}"
            );
        }
    }
}
