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
//! - **Long digit ids.** Excel reads `123456789012345678` as a number, shows
//!   12 or more digits in scientific notation and keeps only 15 significant
//!   digits, silently changing transaction ids and click ids. The
//!   constant-string formula `="123456789012345678"` is the usual CSV idiom to
//!   make it keep the text.
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
    if text.len() >= LONG_DIGITS && text.bytes().all(|byte| byte.is_ascii_digit()) {
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
            "1-1",
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
