//! Lenient readers over Everflow's JSON, implementing the conventions in
//! `records.rs`: be lenient on input (numbers or strings, several spellings of
//! "unset"), exact in what comes out.

mod field_reader;

pub use field_reader::FieldReader;

use super::decimal::{self, NULL_VALUE};
use super::json::JsonValue;

/// Digit strings up to this length are ids to normalise (`"02"` → `"2"`). Longer
/// ones are kept as sent: a 32-hex reporting-API `conversion_id` can happen to hold
/// no letter, and stripping its leading zeros would change it.
const MAX_NORMALISED_ID_DIGITS: usize = 19;

/// An id as normalised text: `2`, `"2"` and `" 02 "` all give `"2"`; other strings
/// (hex ids) are trimmed and kept. `0`, `""`, `"null_value"`, `null` and booleans
/// mean unset.
pub fn id(value: &JsonValue<'_>) -> Option<String> {
    match value {
        JsonValue::Number(number) => {
            if let Ok(unsigned) = number.parse::<u64>() {
                return (unsigned != 0).then(|| unsigned.to_string());
            }
            if let Ok(signed) = number.parse::<i64>() {
                return Some(signed.to_string());
            }
            // `2.0`: an integer written as a float is still that integer.
            match decimal::parse_decimal(number) {
                Some(decimal) if decimal.is_zero() => None,
                Some(decimal) if decimal.fract().is_zero() => Some(decimal.trunc().to_string()),
                _ => Some(number.to_string()),
            }
        }
        JsonValue::String(raw) => {
            let trimmed = raw.trim();
            if is_unset_text(trimmed) {
                return None;
            }
            let is_short_digit_string = trimmed.len() <= MAX_NORMALISED_ID_DIGITS
                && trimmed.bytes().all(|byte| byte.is_ascii_digit());
            match trimmed.parse::<u64>() {
                Ok(0) if is_short_digit_string => None,
                Ok(number) if is_short_digit_string => Some(number.to_string()),
                _ => Some(trimmed.to_owned()),
            }
        }
        JsonValue::Null | JsonValue::Bool(_) | JsonValue::Array(_) | JsonValue::Object(_) => None,
    }
}

/// Text kept verbatim; `""`, `"null_value"` and `null` mean unset. Numbers and
/// booleans give their JSON text (Everflow sends `dma` as either `"803"` or `803`).
pub fn text(value: &JsonValue<'_>) -> Option<String> {
    match value {
        JsonValue::String(raw) if is_unset_text(raw) => None,
        JsonValue::String(raw) | JsonValue::Number(raw) => Some(raw.to_string()),
        JsonValue::Bool(flag) => Some(flag.to_string()),
        JsonValue::Null | JsonValue::Array(_) | JsonValue::Object(_) => None,
    }
}

/// `true`/`false`, `1`/`0`, or those as strings (any case); anything else,
/// including Everflow's `null` booleans, is unknown.
pub fn flag(value: &JsonValue<'_>) -> Option<bool> {
    match value {
        JsonValue::Bool(flag) => Some(*flag),
        JsonValue::Number(number) => match number.parse::<u64>() {
            Ok(1) => Some(true),
            Ok(0) => Some(false),
            _ => None,
        },
        JsonValue::String(raw) => {
            let trimmed = raw.trim();
            if trimmed == "1" || trimmed.eq_ignore_ascii_case("true") {
                Some(true)
            } else if trimmed == "0" || trimmed.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        }
        JsonValue::Null | JsonValue::Array(_) | JsonValue::Object(_) => None,
    }
}

/// Unix seconds from an integer, a numeric string, or a float such as
/// `1764000000.0` (truncated); `0` means unset.
pub fn unix_time(value: &JsonValue<'_>) -> Option<i64> {
    let text = match value {
        JsonValue::Number(number) => number.as_ref(),
        JsonValue::String(raw) => raw.trim(),
        JsonValue::Null | JsonValue::Bool(_) | JsonValue::Array(_) | JsonValue::Object(_) => {
            return None;
        }
    };
    let seconds = match text.parse::<i64>() {
        Ok(whole) => whole,
        Err(_) => whole_seconds(text)?,
    };
    (seconds != 0).then_some(seconds)
}

fn whole_seconds(text: &str) -> Option<i64> {
    i64::try_from(decimal::parse_decimal(text)?.trunc()).ok()
}

/// The items of a collection, which Everflow shapes as `{total, entries}`, as
/// `{total, <something>_entities}`, or (in some bodies) as a bare array. In an
/// object, the first such member in name order counts.
pub fn collection_items<'a>(value: JsonValue<'a>) -> Option<Vec<&'a str>> {
    match value {
        JsonValue::Array(items) => Some(items),
        JsonValue::Object(fields) => fields
            .members()
            .find(|(name, item)| {
                (*name == "entries" || name.ends_with("_entities")) && item.starts_with('[')
            })
            .and_then(|(_, items)| match JsonValue::decode(items) {
                JsonValue::Array(items) => Some(items),
                _ => None,
            }),
        _ => None,
    }
}

/// The placeholder itself when `value` is an Everflow macro left as it was
/// (`"{payout}"`): Everflow fills macros in, so one that arrives unfilled
/// means a misspelled or unknown macro, not data.
pub fn unexpanded_macro(value: &JsonValue<'_>) -> Option<String> {
    let JsonValue::String(raw) = value else {
        return None;
    };
    let trimmed = raw.trim();
    let name = trimmed.strip_prefix('{')?.strip_suffix('}')?;
    let is_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.".contains(&b));
    is_name.then(|| trimmed.to_owned())
}

fn is_unset_text(text: &str) -> bool {
    text.is_empty() || text == NULL_VALUE
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::json;

    /// Applies a reader to each JSON text.
    fn read<T>(reader: impl Fn(&JsonValue<'_>) -> T, text: &str) -> T {
        reader(&json::parse(text).unwrap_or_else(|error| panic!("{text}: {error}")))
    }

    #[test]
    fn ids_normalise_numbers_and_digit_strings() {
        let hex = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
        let all_digit_hex = "00000000000000000000000000000123";
        let cases: &[(&str, Option<&str>)] = &[
            ("2", Some("2")),
            (r#""2""#, Some("2")),
            (r#"" 02 ""#, Some("2")),
            ("2.0", Some("2")),
            (r#""0a1b2c3d4e5f60718293a4b5c6d7e8f9""#, Some(hex)),
            (r#""00000000000000000000000000000123""#, Some(all_digit_hex)),
            (r#"" ABC-1 ""#, Some("ABC-1")),
            ("0", None),
            (r#""0""#, None),
            (r#""""#, None),
            (r#""null_value""#, None),
            ("null", None),
            ("true", None),
            (r#"{"id": 1}"#, None),
        ];
        for (value, expected) in cases {
            assert_eq!(read(id, value).as_deref(), *expected, "{value}");
        }
    }

    #[test]
    fn text_is_verbatim_and_unset_markers_are_none() {
        assert_eq!(read(text, r#"" a b ""#).as_deref(), Some(" a b "));
        assert_eq!(
            read(text, r#""=HYPERLINK(\"x\")""#).as_deref(),
            Some("=HYPERLINK(\"x\")")
        );
        assert_eq!(read(text, "803").as_deref(), Some("803"));
        assert_eq!(read(text, "2.50").as_deref(), Some("2.50"));
        assert_eq!(read(text, r#""""#), None);
        assert_eq!(read(text, r#""null_value""#), None);
        assert_eq!(read(text, "null"), None);
    }

    #[test]
    fn flags_accept_everflows_spellings() {
        let cases: &[(&str, Option<bool>)] = &[
            ("true", Some(true)),
            ("false", Some(false)),
            ("1", Some(true)),
            ("0", Some(false)),
            (r#""true""#, Some(true)),
            (r#""FALSE""#, Some(false)),
            (r#""1""#, Some(true)),
            (r#""0""#, Some(false)),
            ("null", None),
            ("2", None),
            (r#""yes""#, None),
        ];
        for (value, expected) in cases {
            assert_eq!(read(flag, value), *expected, "{value}");
        }
    }

    #[test]
    fn times_are_unix_seconds_with_zero_unset() {
        assert_eq!(read(unix_time, "1764000000"), Some(1764000000));
        assert_eq!(read(unix_time, r#""1764000000""#), Some(1764000000));
        assert_eq!(read(unix_time, "1764000000.0"), Some(1764000000));
        assert_eq!(read(unix_time, "1764000000.9"), Some(1764000000));
        assert_eq!(read(unix_time, r#"" 1764000000.5 ""#), Some(1764000000));
        assert_eq!(read(unix_time, "0"), None);
        assert_eq!(read(unix_time, r#""0""#), None);
        assert_eq!(read(unix_time, r#""""#), None);
        assert_eq!(read(unix_time, r#""2025-01-01 00:00:00""#), None);
        assert_eq!(read(unix_time, "null"), None);
    }

    #[test]
    fn macros_are_braced_names() {
        let cases: &[(&str, Option<&str>)] = &[
            (r#""{payout}""#, Some("{payout}")),
            (r#"" {conversion_id} ""#, Some("{conversion_id}")),
            (r#""{sub1.x}""#, Some("{sub1.x}")),
            (r#""{}""#, None),
            (r#""{a b}""#, None),
            (r#""x{payout}""#, None),
            (r#""{\"a\": 1}""#, None),
            ("12", None),
        ];
        for (value, expected) in cases {
            assert_eq!(
                read(unexpanded_macro, value).as_deref(),
                *expected,
                "{value}"
            );
        }
    }

    #[test]
    fn collections_come_in_three_shapes() {
        let items = |text: &str| {
            read(
                |value| {
                    collection_items(value.clone()).map(|items| {
                        items
                            .iter()
                            .map(|item| item.to_string())
                            .collect::<Vec<_>>()
                    })
                },
                text,
            )
        };
        let entries = r#"{"total": 1, "entries": [1]}"#;
        let entities = r#"{"total": 1, "user_entities": [1]}"#;
        let bare = "[1]";
        for collection in [entries, entities, bare] {
            assert_eq!(items(collection), Some(vec!["1".to_owned()]));
        }
        assert_eq!(items(r#"{"total": 0}"#), None);
    }
}
