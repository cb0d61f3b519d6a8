//! Spelling cells so a spreadsheet shows them as the text they are.
//!
//! Two things go wrong when Excel (or LibreOffice, Google Sheets) opens a
//! CSV export:
//!
//! - **Formula injection.** A cell starting with `=`, `+`, `-` or `@` is run
//!   as a formula, and a leading tab or carriage return can hide one. Sub ids,
//!   partner names, user agents and referrers are chosen by partners and
//!   their traffic, so an export could carry `=HYPERLINK(…)` or worse to
//!   whoever opens it. OWASP's recommendation ("CSV Injection") is to prefix
//!   such cells with a single quote, which spreadsheets show as plain text.
//! - **Text that turns into a number or a date.** Excel reads
//!   `123456789012345678` as a number, shows 12 or more digits in scientific
//!   notation and keeps only 15 significant digits, silently changing
//!   transaction ids and click ids; it drops the leading zeros of `000123`
//!   and the trailing one of `1.10`, reads `1e5` as 100000 and `12/03`, `1-2`,
//!   `3-Mar` or `10:30` as dates and times. The constant-string formula
//!   `="000123"` is the usual CSV idiom to make it keep the text.
//!
//! Only the spreadsheet profile (`excel`) uses this: programs reading plain
//! CSV must get the values unchanged.

/// Characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Excel shows a number with this many digits in scientific notation.
const LONG_DIGITS: usize = 12;

/// What a cell holds, as far as spreadsheet safety goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    /// Text from the archive: anyone may have written it.
    Untrusted,
    /// An identifier we printed from an integer: safe, but maybe long.
    NumericId,
}

/// `text` spelled for a spreadsheet; `scratch` holds the spelling when it
/// differs from `text`.
pub(super) fn spreadsheet_safe<'t>(
    text: &'t str,
    origin: Origin,
    scratch: &'t mut String,
) -> &'t str {
    let rewritten = match origin {
        Origin::NumericId => is_long_digits(text),
        Origin::Untrusted => is_long_digits(text) || would_become_number_or_date(text),
    };
    if rewritten {
        scratch.clear();
        scratch.push_str("=\"");
        scratch.push_str(text);
        scratch.push('"');
        scratch
    } else if origin == Origin::Untrusted && text.starts_with(FORMULA_STARTS) {
        scratch.clear();
        scratch.push('\'');
        scratch.push_str(text);
        scratch
    } else {
        text
    }
}

fn is_long_digits(text: &str) -> bool {
    text.len() >= LONG_DIGITS && text.bytes().all(|byte| byte.is_ascii_digit())
}

/// Text a spreadsheet would store as a number, date or time that no longer
/// reads as the same text. Plain numbers it prints back unchanged (`42`,
/// `2.5`, `-1`) are left alone, as are anything with a letter or space in
/// it, but for month names.
fn would_become_number_or_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    // 000123, 0.50: leading zeros go; 1.10: the trailing zero goes.
    let number = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let is_decimal = digits(whole) && (fraction.is_empty() || digits(fraction));
    if is_decimal && (whole.len() > 1 && whole.starts_with('0') || fraction.ends_with('0')) {
        return true;
    }
    // 1e5, 2.5E-3
    if let Some((mantissa, exponent)) = number.split_once(['e', 'E']) {
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, "0"));
        let exponent = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits(whole) && digits(fraction) && digits(exponent) {
            return true;
        }
    }
    // 12/03, 1-2, 2026-11-01, 1.2.2026, 3-Mar, Mar-3
    let dotted: Vec<&str> = text.split('.').collect();
    if dotted.len() == 3 && dotted.iter().all(|part| digits(part)) {
        return true;
    }
    let date_part = |part: &str| digits(part) && part.len() <= 4 || is_month_name(part);
    if (2..=3).contains(&parts.len())
        && parts.iter().all(|part| date_part(part))
        && parts.iter().any(|part| digits(part))
    {
        return true;
    }
    // 10:30, 10:30:15
    let clock: Vec<&str> = text.split(':').collect();
    (2..=3).contains(&clock.len()) && clock.iter().all(|part| digits(part) && part.len() <= 2)
}

/// `Mar`, `march`, `Sept`: a month's name or its start (three letters or more).
fn is_month_name(text: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = text.to_ascii_lowercase();
    lower.len() >= 3 && MONTHS.iter().any(|month| month.starts_with(&lower))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn safe(text: &str, origin: Origin) -> String {
        spreadsheet_safe(text, origin, &mut String::new()).to_owned()
    }

    #[test]
    fn formulas_become_text() {
        for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe(text, Origin::Untrusted), format!("'{text}"));
        }
    }

    #[test]
    fn harmless_text_is_untouched() {
        for text in [
            "",
            "abc",
            "1-1-1-1",
            " =x",
            "'quoted",
            "12345678901",
            "1234567890123x",
        ] {
            assert_eq!(safe(text, Origin::Untrusted), text);
        }
        assert_eq!(safe("-5", Origin::NumericId), "-5");
    }

    #[test]
    fn number_and_date_lookalikes_stay_text() {
        for text in [
            "000123",
            "0123",
            "0.50",
            "1.10",
            "-0012",
            "1e5",
            "2.5E-3",
            "12/03",
            "1-2",
            "2026-11-01",
            "1.2.2026",
            "3-Mar",
            "March-3",
            "12-dec-2026",
            "10:30",
            "10:30:15",
        ] {
            assert_eq!(
                safe(text, Origin::Untrusted),
                format!("=\"{text}\""),
                "{text}"
            );
        }
        for text in [
            "0", "42", "2.5", "-1.25", "abc-1", "1-2-3-4", "a/b", "Marble-3", "1e", "e5", "10:3x",
            "v1.2",
        ] {
            let expected = if text.starts_with('-') {
                format!("'{text}")
            } else {
                text.to_owned()
            };
            assert_eq!(safe(text, Origin::Untrusted), expected, "{text}");
        }
        // Integers we printed ourselves are numbers, whatever they look like.
        assert_eq!(safe("0123", Origin::NumericId), "0123");
    }

    #[test]
    fn long_digit_runs_stay_text() {
        assert_eq!(safe("123456789012", Origin::Untrusted), "=\"123456789012\"");
        assert_eq!(
            safe("0123456789012", Origin::NumericId),
            "=\"0123456789012\""
        );
    }

    mod in_an_export {
        use crate::output::Format;
        use crate::output::test_rows::{COLUMNS, render, rows};
        use crate::rows::{Column, ColumnKind, Value};

        #[test]
        fn excel_profile_prints_the_fixture_exactly() {
            let expected = concat!(
                "\u{feff}id,sub1,payout,clicks,converted_at,received_at,is_fraud,params\r\n",
                "1,plain,2.50,3,2026-03-08 01:59:59,2026-03-08 01:59:59,false,",
                "\"{\"\"a\"\": 1.50, \"\"b\"\": [true, null]}\"\r\n",
                "ab-12,\"a,\"\"b\"\"\nü€😀\",-1.25,0,2026-03-08 03:00:00,,true,not json\r\n",
                "3,,0.30,,,,,\r\n",
            );
            assert_eq!(render(Format::Csv, true, None, &COLUMNS, &rows()), expected);
        }

        const GUARDED: [Column; 4] = [
            Column::new("id", ColumnKind::Id),
            Column::new("sub1", ColumnKind::Text),
            Column::new("payout", ColumnKind::Money),
            Column::new("params", ColumnKind::Json),
        ];

        fn guarded_rows() -> Vec<Vec<Value<'static>>> {
            let mut rows: Vec<Vec<Value<'static>>> = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]
                .into_iter()
                .map(|text| {
                    let money = Value::Integer(-1_250_000);
                    vec![
                        Value::Text(text),
                        Value::Text(text),
                        money,
                        Value::Text(text),
                    ]
                })
                .collect();
            rows.push(vec![
                Value::Text("0123456789012"),
                Value::Text("12345678901"),
                Value::Null,
                Value::Text("-1"),
            ]);
            rows.push(vec![
                Value::Integer(1_234_567_890_123),
                Value::Text("ok"),
                Value::Null,
                Value::Null,
            ]);
            rows
        }

        #[test]
        fn excel_profile_neutralises_formulas_and_keeps_long_ids_as_text() {
            let expected = concat!(
                "\u{feff}id,sub1,payout,params\r\n",
                "'=1+1,'=1+1,-1.25,'=1+1\r\n",
                "'+1,'+1,-1.25,'+1\r\n",
                "'-1,'-1,-1.25,'-1\r\n",
                "'@SUM(A1),'@SUM(A1),-1.25,'@SUM(A1)\r\n",
                "'\tx,'\tx,-1.25,'\tx\r\n",
                "\"'\rx\",\"'\rx\",-1.25,\"'\rx\"\r\n",
                "\"=\"\"0123456789012\"\"\",12345678901,,'-1\r\n",
                "\"=\"\"1234567890123\"\"\",ok,,\r\n",
            );
            assert_eq!(
                render(Format::Csv, true, None, &GUARDED, &guarded_rows()),
                expected
            );
        }

        #[test]
        fn plain_csv_leaves_the_same_values_alone() {
            let expected = concat!(
                "id,sub1,payout,params\n",
                "=1+1,=1+1,-1.25,=1+1\n",
                "+1,+1,-1.25,+1\n",
                "-1,-1,-1.25,-1\n",
                "@SUM(A1),@SUM(A1),-1.25,@SUM(A1)\n",
                "\tx,\tx,-1.25,\tx\n",
                "\"\rx\",\"\rx\",-1.25,\"\rx\"\n",
                "0123456789012,12345678901,,-1\n",
                "1234567890123,ok,,\n",
            );
            assert_eq!(
                render(Format::Csv, false, None, &GUARDED, &guarded_rows()),
                expected
            );
        }
    }
}
