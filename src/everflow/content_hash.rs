//! The content hash that tells a redelivery (same content: a duplicate) from a new
//! version (different content under the same identity: must be kept).

use std::borrow::Cow;

use serde_json::Value;
use sha2::{Digest, Sha256};

/// Top-level envelope fields that change on every delivery of the same fact; they
/// are not content. Everflow stamps `webhook_generation_time` on
/// `affiliate_approved_for_offer` envelopes, so a retry would otherwise look new.
const VOLATILE_TOP_LEVEL_FIELDS: [&str; 1] = ["webhook_generation_time"];

/// SHA-256 of a canonical serialisation of one resource: compact, object keys
/// sorted, volatile envelope fields removed. Same content with other white space,
/// key order or generation time hashes equal; any real change differs.
///
/// Key order comes from serde_json's `Map`, a `BTreeMap` while its `preserve_order`
/// feature is off (as it is in this crate). Should a dependency ever switch that
/// feature on, keys would keep their arrival order and the key-order test below
/// fails; canonicalise explicitly then. Numbers keep the text Everflow sent
/// (`arbitrary_precision`), so `20` and `20.0` hash differently: it is a different
/// body, and the archive cannot know Everflow meant the same.
pub fn content_sha256(resource: &Value) -> [u8; 32] {
    let canonical = without_volatile_fields(resource).to_string();
    Sha256::digest(canonical.as_bytes()).into()
}

fn without_volatile_fields(resource: &Value) -> Cow<'_, Value> {
    let Value::Object(map) = resource else {
        return Cow::Borrowed(resource);
    };
    if !VOLATILE_TOP_LEVEL_FIELDS
        .iter()
        .any(|field| map.contains_key(*field))
    {
        return Cow::Borrowed(resource);
    }
    let mut stripped = map.clone();
    for field in VOLATILE_TOP_LEVEL_FIELDS {
        stripped.remove(field);
    }
    Cow::Owned(Value::Object(stripped))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(body: &str) -> [u8; 32] {
        content_sha256(&serde_json::from_str(body).expect("test JSON parses"))
    }

    #[test]
    fn key_order_and_white_space_do_not_matter() {
        let compact = hash_of(r#"{"a":1,"b":{"y":[1,2],"x":"é"}}"#);
        let reordered =
            hash_of("{ \"b\" : { \"x\" : \"\\u00e9\",\n \"y\" : [ 1, 2 ] },\n \"a\" : 1 }");
        assert_eq!(compact, reordered);
    }

    #[test]
    fn generation_time_is_not_content() {
        let first = hash_of(r#"{"offer_id":2,"event_time":5,"webhook_generation_time":6}"#);
        let retry = hash_of(r#"{"offer_id":2,"event_time":5,"webhook_generation_time":99}"#);
        let without = hash_of(r#"{"offer_id":2,"event_time":5}"#);
        assert_eq!(first, retry);
        assert_eq!(first, without);
    }

    #[test]
    fn any_real_change_differs() {
        let base = hash_of(r#"{"a":1,"b":{"c":"x"}}"#);
        for changed in [
            r#"{"a":2,"b":{"c":"x"}}"#,
            r#"{"a":1,"b":{"c":"y"}}"#,
            r#"{"a":1,"b":{"c":"x","d":null}}"#,
            r#"{"a":"1","b":{"c":"x"}}"#,
            r#"{"a":1,"b":{"c":"x"},"webhook_generation_time_2":1}"#,
        ] {
            assert_ne!(base, hash_of(changed), "{changed}");
        }
    }

    #[test]
    fn nested_generation_time_is_content() {
        let first = hash_of(r#"{"offer":{"webhook_generation_time":1}}"#);
        let second = hash_of(r#"{"offer":{"webhook_generation_time":2}}"#);
        assert_ne!(first, second);
    }
}
