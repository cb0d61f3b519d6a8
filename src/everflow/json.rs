//! A borrowed view of JSON text: objects are parsed into their members' names and
//! raw text, and a value is decoded only when it is read.
//!
//! Why not `serde_json::Value`: building the whole tree (a map node and a `String`
//! per key and per value) cost more than everything else the server does with a
//! body, while the extractors read a few dozen fields. Here serde_json validates
//! the whole document in one pass, capturing the top-level members' text
//! ([`RawValue`]) borrowed from the body (`capture`); objects nested in them,
//! already validated, are only split into their members (`split`).
//!
//! A value's raw text (`&str` below) is exactly what the document holds for it,
//! without surrounding white space.

mod canonical;
mod capture;
mod limits;
mod object;
mod split;
mod strings;

use std::borrow::Cow;

use serde_json::value::RawValue;

pub use canonical::{CanonicalSink, write_canonical, write_canonical_object};
pub use object::JsonObject;
pub use strings::StringTracker;

/// One JSON value, decoded one level: an object or array keeps its members as raw
/// text, decoded in turn when read.
#[derive(Debug, Clone)]
pub enum JsonValue<'a> {
    Null,
    Bool(bool),
    /// The number's text, never through binary floating point. An exponent is
    /// spelled `e+N` / `e-N` (as serde_json's `arbitrary_precision` did, so that
    /// texts and content hashes match what earlier versions stored).
    Number(Cow<'a, str>),
    /// Borrowed from the body unless it held escapes.
    String(Cow<'a, str>),
    /// Boxed: values are decoded by the dozen and mostly are strings, which
    /// this keeps small to move and drop.
    Object(Box<JsonObject<'a>>),
    /// The items' raw text.
    Array(Vec<&'a str>),
}

impl<'a> JsonValue<'a> {
    /// Decodes the raw text of one value of a document [`parse`] has validated, by
    /// its first byte.
    pub fn decode(raw: &'a str) -> JsonValue<'a> {
        let decoded = match raw.as_bytes().first() {
            Some(b'{') => JsonObject::parse(raw).map(|object| JsonValue::Object(Box::new(object))),
            Some(b'[') => split::array_items(raw).map(JsonValue::Array),
            Some(b'"') => decode_string(raw).map(JsonValue::String),
            Some(b't') => Some(JsonValue::Bool(true)),
            Some(b'f') => Some(JsonValue::Bool(false)),
            Some(b'n') => Some(JsonValue::Null),
            _ => Some(JsonValue::Number(number_text(raw))),
        };
        // Cannot fail: the text was validated with the whole document, and any
        // body with escapes serde_json might still refuse was checked strictly
        // (see `limits`). Reading it as absent beats panicking on a request.
        decoded.unwrap_or(JsonValue::Null)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, JsonValue::Null)
    }

    pub fn as_object(&self) -> Option<&JsonObject<'a>> {
        match self {
            JsonValue::Object(object) => Some(object),
            _ => None,
        }
    }
}

/// Parses one JSON document. The top level is decoded: an object into its
/// members (with the objects nested in them, which the content hash reads
/// anyway), an array into its items. Other values stay raw text until read.
///
/// Errors are serde_json's, with its messages and positions, including its
/// recursion limit: ten thousand `[` are an error, not a stack overflow.
pub fn parse(text: &str) -> Result<JsonValue<'_>, serde_json::Error> {
    limits::parse_strictly(text, |text| {
        let first = text
            .bytes()
            .find(|byte| !matches!(byte, b' ' | b'\t' | b'\n' | b'\r'));
        match first {
            Some(b'{') => {
                JsonObject::from_document(text).map(|object| JsonValue::Object(Box::new(object)))
            }
            Some(b'[') => serde_json::from_str::<Vec<&RawValue>>(text)
                .map(|items| JsonValue::Array(items.into_iter().map(RawValue::get).collect())),
            _ => serde_json::from_str::<&RawValue>(text).map(|raw| JsonValue::decode(raw.get())),
        }
    })
}

/// A string literal's content: borrowed when it has no escape (then its bytes
/// are the content), decoded by serde_json otherwise.
fn decode_string(literal: &str) -> Option<Cow<'_, str>> {
    if !literal.bytes().any(|byte| byte == b'\\') {
        let content = literal.strip_prefix('"')?.strip_suffix('"')?;
        return Some(Cow::Borrowed(content));
    }
    serde_json::from_str::<String>(literal).ok().map(Cow::Owned)
}

/// A number's text with its exponent spelled `e+N` / `e-N`.
fn number_text(raw: &str) -> Cow<'_, str> {
    let Some(at) = raw.bytes().position(|byte| (byte | 0x20) == b'e') else {
        return Cow::Borrowed(raw);
    };
    let (mantissa, exponent) = (&raw[..at], &raw[at + 1..]);
    let sign = if exponent.starts_with(['+', '-']) {
        ""
    } else {
        "+"
    };
    Cow::Owned(format!("{mantissa}e{sign}{exponent}"))
}

#[cfg(test)]
mod tests;
