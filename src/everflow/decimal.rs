//! Money and other decimal text, read exactly.
//!
//! Everflow sends amounts as JSON numbers (`2.5`, `20.0`) or numeric strings
//! (`"2.50"`). A number is read from the text that was sent (see `json.rs`), so
//! every amount is parsed from decimal text and never passes through binary
//! floating point: `0.1 + 0.2` stays `300_000` micros.

use std::str::FromStr;

use super::json::JsonValue;
use super::records::Micros;
use rust_decimal::{Decimal, RoundingStrategy};

const MICROS_PER_UNIT: i64 = 1_000_000;

/// The text Everflow uses for "no value" where a string is expected.
pub const NULL_VALUE: &str = "null_value";

/// A JSON number or numeric string as micro-units; `None` when unset, not a
/// number, or beyond what an `i64` of micros can hold (about ±9.2 trillion).
pub fn micros_from_value(value: &JsonValue<'_>) -> Option<Micros> {
    micros_from_text(decimal_source_text(value)?)
}

/// Decimal text (`"12.5"`, `" -1.25 "`, `"1e2"`) as micro-units.
///
/// Six decimals cover every currency Everflow supports (and sub-cent payouts);
/// anything finer is rounded half-to-even, the banker's rounding, so that rounding
/// errors do not drift one way when many amounts are summed. The raw body keeps the
/// original text for anyone who needs more.
pub fn micros_from_text(text: &str) -> Option<Micros> {
    let amount = parse_decimal(text)?;
    let micros = amount
        .checked_mul(Decimal::from(MICROS_PER_UNIT))?
        .round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven);
    i64::try_from(micros).ok()
}

/// The amount as sent when it is present but cannot be kept: not a number
/// (`"abc"`, `true`), or a number beyond what an `i64` of micros holds
/// (`1e308`). Unset markers (`null`, `""`, `"null_value"`) are not amounts
/// and are fine; anything else that [`micros_from_value`] cannot read would
/// otherwise be stored as no amount and summed as zero.
pub fn unreadable_amount(value: &JsonValue<'_>) -> Option<String> {
    let sent = match value {
        JsonValue::Null => return None,
        JsonValue::String(text) if is_unset_text(text) => return None,
        JsonValue::Number(text) | JsonValue::String(text) => text.trim().to_owned(),
        JsonValue::Bool(flag) => flag.to_string(),
        JsonValue::Array(_) => "an array".to_owned(),
        JsonValue::Object(_) => "an object".to_owned(),
    };
    micros_from_value(value).is_none().then_some(sent)
}

fn is_unset_text(text: &str) -> bool {
    let trimmed = text.trim();
    trimmed.is_empty() || trimmed == NULL_VALUE
}

/// The decimal text of a JSON number or numeric string, as sent (trimmed), when it
/// is a valid decimal; for values such as a conversion rate that are kept as text.
pub fn decimal_text_from_value(value: &JsonValue<'_>) -> Option<String> {
    let text = decimal_source_text(value)?;
    let trimmed = text.trim();
    parse_decimal(trimmed).map(|_| trimmed.to_owned())
}

/// Parses decimal text, with an optional sign and exponent and surrounding white
/// space; `None` for unset markers and anything that is not plainly a number.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let trimmed = text.trim();
    if is_unset_text(trimmed) || !looks_numeric(trimmed) {
        return None;
    }
    let parsed = if trimmed.contains(['e', 'E']) {
        Decimal::from_scientific(trimmed)
    } else {
        Decimal::from_str(trimmed)
    };
    parsed.ok()
}

/// rust_decimal also accepts `_` digit separators; Everflow never sends them, and
/// reading `"1_000"` as a thousand would be a guess, so only the characters of a
/// JSON-style number are allowed through.
fn looks_numeric(text: &str) -> bool {
    text.bytes().any(|byte| byte.is_ascii_digit())
        && text
            .bytes()
            .all(|byte| byte.is_ascii_digit() || matches!(byte, b'.' | b'+' | b'-' | b'e' | b'E'))
}

fn decimal_source_text<'v>(value: &'v JsonValue<'_>) -> Option<&'v str> {
    match value {
        JsonValue::Number(text) | JsonValue::String(text) => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::json;

    fn parsed(body: &str) -> JsonValue<'_> {
        json::parse(body).expect("test JSON parses")
    }

    fn micros_of_json(body: &str) -> Option<Micros> {
        micros_from_value(&parsed(body))
    }

    #[test]
    fn decimal_sums_are_exact() {
        let sum = micros_of_json("0.1").expect("0.1") + micros_of_json("0.2").expect("0.2");
        assert_eq!(sum, 300_000);
    }

    #[test]
    fn reads_numbers_and_numeric_strings() {
        let cases: &[(&str, Option<Micros>)] = &[
            ("\"-1.25\"", Some(-1_250_000)),
            ("\"12.5\"", Some(12_500_000)),
            ("20.0", Some(20_000_000)),
            ("2.5", Some(2_500_000)),
            ("\"2.50\"", Some(2_500_000)),
            ("0", Some(0)),
            ("\"1e2\"", Some(100_000_000)),
            ("1e-2", Some(10_000)),
            ("\"1E+2\"", Some(100_000_000)),
            ("\" 3 \"", Some(3_000_000)),
            ("\"+4\"", Some(4_000_000)),
            ("\"abc\"", None),
            ("\"\"", None),
            ("\"null_value\"", None),
            ("null", None),
            ("true", None),
            ("\"1_000\"", None),
            ("\"1e400\"", None),
            ("\"99999999999999999999\"", None),
        ];
        for (body, expected) in cases {
            assert_eq!(micros_of_json(body), *expected, "{body}");
        }
    }

    #[test]
    fn amounts_that_cannot_be_kept_are_told_from_unset_ones() {
        let cases: &[(&str, Option<&str>)] = &[
            ("null", None),
            ("\"\"", None),
            ("\" \"", None),
            ("\"null_value\"", None),
            ("0", None),
            ("\"2.50\"", None),
            ("-1.25", None),
            ("9223372036854.775807", None),
            ("9223372036854.775808", Some("9223372036854.775808")),
            ("1e308", Some("1e+308")),
            ("1.2e29", Some("1.2e+29")),
            ("\"-1e20\"", Some("-1e20")),
            ("\"abc\"", Some("abc")),
            ("true", Some("true")),
            ("[1]", Some("an array")),
            ("{\"a\":1}", Some("an object")),
        ];
        for (body, expected) in cases {
            assert_eq!(
                unreadable_amount(&parsed(body)).as_deref(),
                *expected,
                "{body}"
            );
        }
    }

    #[test]
    fn rounds_past_six_decimals_half_to_even() {
        assert_eq!(micros_from_text("0.0000005"), Some(0));
        assert_eq!(micros_from_text("0.0000015"), Some(2));
        assert_eq!(micros_from_text("0.0000025"), Some(2));
        assert_eq!(micros_from_text("-0.0000015"), Some(-2));
        assert_eq!(micros_from_text("1.23456789"), Some(1_234_568));
    }

    #[test]
    fn decimal_text_is_kept_as_sent() {
        let decimal_text = |body: &str| decimal_text_from_value(&parsed(body));
        assert_eq!(decimal_text("0.0163").as_deref(), Some("0.0163"));
        assert_eq!(decimal_text(r#"" 0.50 ""#).as_deref(), Some("0.50"));
        assert_eq!(decimal_text(r#""n/a""#), None);
        assert_eq!(decimal_text("null"), None);
    }
}
