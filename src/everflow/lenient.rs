//! Lenient readers over Everflow's JSON, implementing the conventions in
//! `records.rs`: be lenient on input (numbers or strings, several spellings of
//! "unset"), exact in what comes out.

mod field_reader;

pub use field_reader::FieldReader;

use serde_json::Value;

use super::money::{self, NULL_VALUE};

/// Digit strings up to this length are ids to normalise (`"02"` → `"2"`). Longer
/// ones are kept as sent: a 32-hex reporting-API `conversion_id` can happen to hold
/// no letter, and stripping its leading zeros would change it.
const MAX_NORMALISED_ID_DIGITS: usize = 19;

/// An id as normalised text: `2`, `"2"` and `" 02 "` all give `"2"`; other strings
/// (hex ids) are trimmed and kept. `0`, `""`, `"null_value"`, `null` and booleans
/// mean unset.
pub fn id(value: &Value) -> Option<String> {
    match value {
        Value::Number(number) => {
            if let Some(unsigned) = number.as_u64() {
                return (unsigned != 0).then(|| unsigned.to_string());
            }
            if let Some(signed) = number.as_i64() {
                return Some(signed.to_string());
            }
            // `2.0`: an integer written as a float is still that integer.
            match money::parse_decimal(&number.to_string()) {
                Some(decimal) if decimal.is_zero() => None,
                Some(decimal) if decimal.fract().is_zero() => Some(decimal.trunc().to_string()),
                _ => Some(number.to_string()),
            }
        }
        Value::String(raw) => {
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
        Value::Null | Value::Bool(_) | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Text kept verbatim; `""`, `"null_value"` and `null` mean unset. Numbers and
/// booleans give their JSON text (Everflow sends `dma` as either `"803"` or `803`).
pub fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(raw) if is_unset_text(raw) => None,
        Value::String(raw) => Some(raw.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// `true`/`false`, `1`/`0`, or those as strings (any case); anything else,
/// including Everflow's `null` booleans, is unknown.
pub fn flag(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => match number.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(raw) => {
            let trimmed = raw.trim();
            if trimmed == "1" || trimmed.eq_ignore_ascii_case("true") {
                Some(true)
            } else if trimmed == "0" || trimmed.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            }
        }
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Unix seconds from an integer, a numeric string, or a float such as
/// `1764000000.0` (truncated); `0` means unset.
pub fn unix_time(value: &Value) -> Option<i64> {
    let seconds = match value {
        Value::Number(number) => match number.as_i64() {
            Some(whole) => whole,
            None => whole_seconds(&number.to_string())?,
        },
        Value::String(raw) => {
            let trimmed = raw.trim();
            match trimmed.parse::<i64>() {
                Ok(whole) => whole,
                Err(_) => whole_seconds(trimmed)?,
            }
        }
        Value::Null | Value::Bool(_) | Value::Array(_) | Value::Object(_) => return None,
    };
    (seconds != 0).then_some(seconds)
}

fn whole_seconds(text: &str) -> Option<i64> {
    i64::try_from(money::parse_decimal(text)?.trunc()).ok()
}

/// The items of a collection, which Everflow shapes as `{total, entries}`, as
/// `{total, <something>_entities}`, or (in some bodies) as a bare array.
pub fn collection_items(value: &Value) -> Option<&Vec<Value>> {
    match value {
        Value::Array(items) => Some(items),
        Value::Object(map) => map
            .iter()
            .find(|(key, item)| {
                (key.as_str() == "entries" || key.ends_with("_entities")) && item.is_array()
            })
            .and_then(|(_, items)| items.as_array()),
        _ => None,
    }
}

fn is_unset_text(text: &str) -> bool {
    text.is_empty() || text == NULL_VALUE
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(body: &str) -> Value {
        serde_json::from_str(body).expect("test JSON parses")
    }

    #[test]
    fn ids_normalise_numbers_and_digit_strings() {
        let hex = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
        let all_digit_hex = "00000000000000000000000000000123";
        let cases: &[(Value, Option<&str>)] = &[
            (json!(2), Some("2")),
            (json!("2"), Some("2")),
            (json!(" 02 "), Some("2")),
            (parsed("2.0"), Some("2")),
            (json!(hex), Some(hex)),
            (json!(all_digit_hex), Some(all_digit_hex)),
            (json!(" ABC-1 "), Some("ABC-1")),
            (json!(0), None),
            (json!("0"), None),
            (json!(""), None),
            (json!("null_value"), None),
            (json!(null), None),
            (json!(true), None),
            (json!({"id": 1}), None),
        ];
        for (value, expected) in cases {
            assert_eq!(id(value).as_deref(), *expected, "{value}");
        }
    }

    #[test]
    fn text_is_verbatim_and_unset_markers_are_none() {
        assert_eq!(text(&json!(" a b ")).as_deref(), Some(" a b "));
        assert_eq!(
            text(&json!("=HYPERLINK(\"x\")")).as_deref(),
            Some("=HYPERLINK(\"x\")")
        );
        assert_eq!(text(&json!(803)).as_deref(), Some("803"));
        assert_eq!(text(&parsed("2.50")).as_deref(), Some("2.50"));
        assert_eq!(text(&json!("")), None);
        assert_eq!(text(&json!("null_value")), None);
        assert_eq!(text(&json!(null)), None);
    }

    #[test]
    fn flags_accept_everflows_spellings() {
        let cases: &[(Value, Option<bool>)] = &[
            (json!(true), Some(true)),
            (json!(false), Some(false)),
            (json!(1), Some(true)),
            (json!(0), Some(false)),
            (json!("true"), Some(true)),
            (json!("FALSE"), Some(false)),
            (json!("1"), Some(true)),
            (json!("0"), Some(false)),
            (json!(null), None),
            (json!(2), None),
            (json!("yes"), None),
        ];
        for (value, expected) in cases {
            assert_eq!(flag(value), *expected, "{value}");
        }
    }

    #[test]
    fn times_are_unix_seconds_with_zero_unset() {
        assert_eq!(unix_time(&json!(1764000000)), Some(1764000000));
        assert_eq!(unix_time(&json!("1764000000")), Some(1764000000));
        assert_eq!(unix_time(&parsed("1764000000.0")), Some(1764000000));
        assert_eq!(unix_time(&parsed("1764000000.9")), Some(1764000000));
        assert_eq!(unix_time(&json!(" 1764000000.5 ")), Some(1764000000));
        assert_eq!(unix_time(&json!(0)), None);
        assert_eq!(unix_time(&json!("0")), None);
        assert_eq!(unix_time(&json!("")), None);
        assert_eq!(unix_time(&json!("2025-01-01 00:00:00")), None);
        assert_eq!(unix_time(&json!(null)), None);
    }

    #[test]
    fn collections_come_in_three_shapes() {
        let entries = json!({"total": 1, "entries": [1]});
        let entities = json!({"total": 1, "user_entities": [1]});
        let bare = json!([1]);
        for collection in [&entries, &entities, &bare] {
            assert_eq!(collection_items(collection), Some(&vec![json!(1)]));
        }
        assert_eq!(collection_items(&json!({"total": 0})), None);
    }
}
