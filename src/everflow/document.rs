//! Turning what arrived (a POST body, or a GET query string) into one JSON document
//! for the extractors.

use serde_json::{Map, Value};

use super::error::BodyError;
use super::json::{self, JsonValue};

const UTF8_BYTE_ORDER_MARK: &str = "\u{feff}";

/// Parses a delivery body, checking in order: not empty, UTF-8, one JSON document.
/// The document borrows from `body`: only its top level is decoded here, the rest
/// when an extractor reads it (see [`json`]).
///
/// serde_json's recursion limit (128 levels) still applies: it turns hostile
/// nesting such as ten thousand `[` into an `InvalidJson` error instead of a stack
/// overflow. Real Everflow bodies nest about five levels deep.
pub fn parse_document(body: &[u8]) -> Result<JsonValue<'_>, BodyError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BodyError::Empty);
    }
    let text = std::str::from_utf8(body).map_err(|error| BodyError::NotUtf8 {
        valid_up_to: error.valid_up_to(),
    })?;
    // Some HTTP stacks prefix UTF-8 with a byte order mark; it is not part of JSON.
    let text = text.strip_prefix(UTF8_BYTE_ORDER_MARK).unwrap_or(text);
    json::parse(text).map_err(|error| {
        if looks_form_encoded(text) {
            BodyError::FormEncoded
        } else {
            BodyError::InvalidJson(error.to_string())
        }
    })
}

/// `name=value&name=value`, as an HTML form (or a webhook set to send one)
/// posts: every pair has a name of URL-safe characters and an `=`.
fn looks_form_encoded(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty()
        && text.split('&').all(|pair| {
            let Some((name, value)) = pair.split_once('=') else {
                return false;
            };
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_.-%[]".contains(&b))
                && !value.contains(char::is_whitespace)
        })
}

/// A GET delivery's query pairs as the text of a JSON object of strings, to be
/// read with [`parse_document`] like a POST body, so that GET and POST deliveries
/// go through the same extractors (which read numeric and boolean strings
/// leniently). A repeated name keeps its last value, as most web frameworks do.
pub fn query_pairs_document(pairs: &[(String, String)]) -> String {
    let fields: Map<String, Value> = pairs
        .iter()
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    Value::Object(fields).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn form_encoded_bodies_are_named_as_such() {
        for body in [
            &b"conversion_id=1&payout=2"[..],
            b"a=1",
            b"sub1=%7Bx%7D&payout=",
            b"items[0]=1&x=2\n",
        ] {
            let error = parse_document(body).expect_err("not JSON");
            assert_eq!(error.code(), "form_encoded_body", "{body:?}");
        }
        for body in [&b"{\"a\" = 1}"[..], b"a = 1", b"=1", b"hello", b"a=1&b"] {
            let error = parse_document(body).expect_err("not JSON");
            assert_eq!(error.code(), "invalid_json", "{body:?}");
        }
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
        let doc = parse_document(body).expect("parses");
        let fields = doc.as_object().expect("an object");
        assert!(matches!(fields.value("a"), Some(JsonValue::Number(text)) if text == "1"));
    }

    #[test]
    fn query_pairs_become_strings_and_later_pairs_win() {
        let pairs = [
            ("conversion_id".to_owned(), "7".to_owned()),
            ("payout".to_owned(), "2.50".to_owned()),
            ("conversion_id".to_owned(), "8".to_owned()),
        ];
        let text = query_pairs_document(&pairs);
        assert_eq!(text, r#"{"conversion_id":"8","payout":"2.50"}"#);
        assert!(parse_document(text.as_bytes()).is_ok());
        assert_eq!(query_pairs_document(&[]), "{}");
    }
}
