//! The shared sample bodies (one per kind), read at test time so that tests always
//! check the documented shapes rather than a copy of them.

use serde_json::Value;

use super::document::parse_document;
use super::kind::WebhookKind;

pub fn sample_bytes(kind: WebhookKind) -> Vec<u8> {
    let path = format!(
        "{}/../shared/everflow/samples/{}.json",
        env!("CARGO_MANIFEST_DIR"),
        kind.as_str()
    );
    std::fs::read(&path).unwrap_or_else(|error| panic!("cannot read {path}: {error}"))
}

pub fn sample(kind: WebhookKind) -> Value {
    parse_document(&sample_bytes(kind)).unwrap_or_else(|error| panic!("{kind} sample: {error}"))
}
