//! The sample bodies (one per kind, `examples/samples/`), read at test time. They
//! are the repository's copy of the documented shapes, so a fresh clone tests
//! with nothing beside it.

use super::document::parse_document;
use super::json::JsonValue;
use super::kind::WebhookKind;

pub fn sample_bytes(kind: WebhookKind) -> Vec<u8> {
    let path = format!(
        "{}/examples/samples/{}.json",
        env!("CARGO_MANIFEST_DIR"),
        kind.as_str()
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

/// The sample parsed. Documents borrow their body, so the body is leaked: a few
/// KiB per call, in tests only.
pub fn sample(kind: WebhookKind) -> JsonValue<'static> {
    let body: &'static [u8] = Box::leak(sample_bytes(kind).into_boxed_slice());
    parse_document(body).unwrap_or_else(|error| panic!("{kind} sample: {error}"))
}

/// A test body given as JSON text.
pub fn doc(text: &str) -> JsonValue<'_> {
    parse_document(text.as_bytes()).unwrap_or_else(|error| panic!("{text}: {error}"))
}

/// The sample as a `serde_json::Value`, for tests that edit it and then
/// [`doc`] its text.
pub fn sample_value(kind: WebhookKind) -> serde_json::Value {
    serde_json::from_slice(&sample_bytes(kind)).unwrap_or_else(|error| panic!("{kind}: {error}"))
}
