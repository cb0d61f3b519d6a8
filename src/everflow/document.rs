//! Turning what arrived (a POST body, or a GET query string) into one JSON document
//! for the extractors.

use serde_json::{Map, Value};

use super::error::BodyError;

const UTF8_BYTE_ORDER_MARK: &str = "\u{feff}";

/// Parses a delivery body, checking in order: not empty, UTF-8, one JSON document.
///
/// serde_json's default recursion limit (128 levels) stays on: it turns hostile
/// nesting such as ten thousand `[` into an `InvalidJson` error instead of a stack
/// overflow. Real Everflow bodies nest about five levels deep.
pub fn parse_document(body: &[u8]) -> Result<Value, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::Empty);
    }
    let text = std::str::from_utf8(body).map_err(|error| BodyError::NotUtf8 {
        valid_up_to: error.valid_up_to(),
    })?;
    // Some HTTP stacks prefix UTF-8 with a byte order mark; it is not part of JSON.
    let text = text.strip_prefix(UTF8_BYTE_ORDER_MARK).unwrap_or(text);
    serde_json::from_str(text).map_err(|error| BodyError::InvalidJson(error.to_string()))
}

/// A GET delivery's query pairs as a JSON object of strings, so that GET and POST
/// deliveries go through the same extractors (which read numeric and boolean
/// strings leniently). A repeated name keeps its last value, as most web
/// frameworks do.
pub fn query_pairs_document(pairs: &[(String, String)]) -> Value {
    let fields: Map<String, Value> = pairs
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    Value::Object(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_and_white_space_bodies_are_empty() {
        for body in [&b""[..], b"   ", b"\r\n\t "] {
            assert!(matches!(parse_document(body), Err(BodyError::Empty)));
        }
    }

    #[test]
    fn non_utf8_reports_where_it_broke() {
        let error = parse_document(b"{\"name\": \"\xff\"}").expect_err("not UTF-8");
        assert!(
            matches!(error, BodyError::NotUtf8 { valid_up_to: 10 }),
            "{error:?}"
        );
        assert_eq!(error.code(), "not_utf8");
    }

    #[test]
    fn invalid_json_carries_serdes_position() {
        let error = parse_document(b"{\"a\": 1,}").expect_err("trailing comma");
        let BodyError::InvalidJson(message) = &error else {
            panic!("expected InvalidJson, got {error:?}");
        };
        assert!(message.contains("line 1 column 9"), "{message}");
        assert_eq!(error.code(), "invalid_json");
        assert!(parse_document(b"{\"a\": 1} {\"b\": 2}").is_err());
    }

    #[test]
    fn hostile_nesting_is_invalid_json_not_a_stack_overflow() {
        for body in [vec![b'['; 10_000], b"{\"a\":".repeat(10_000)] {
            let error = parse_document(&body).expect_err("too deep");
            let BodyError::InvalidJson(message) = &error else {
                panic!("expected InvalidJson, got {error:?}");
            };
            assert!(message.contains("recursion limit exceeded"), "{message}");
        }
    }

    #[test]
    fn byte_order_mark_is_ignored() {
        let body = "\u{feff}{\"a\": 1}".as_bytes();
        assert_eq!(parse_document(body).expect("parses"), json!({"a": 1}));
    }

    #[test]
    fn query_pairs_become_strings_and_later_pairs_win() {
        let pairs = [
            ("conversion_id".to_owned(), "7".to_owned()),
            ("payout".to_owned(), "2.50".to_owned()),
            ("conversion_id".to_owned(), "8".to_owned()),
        ];
        assert_eq!(
            query_pairs_document(&pairs),
            json!({"conversion_id": "8", "payout": "2.50"})
        );
    }
}
