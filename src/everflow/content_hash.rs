//! The content hash that tells a redelivery (same content: a duplicate) from a new
//! version (different content under the same identity: must be kept).

use sha2::{Digest, Sha256};

use super::json::{CanonicalSink, JsonObject, JsonValue, write_canonical, write_canonical_object};

/// Top-level envelope fields that change on every delivery of the same fact; they
/// are not content. Everflow stamps `webhook_generation_time` on
/// `affiliate_approved_for_offer` envelopes, so a retry would otherwise look new.
const VOLATILE_TOP_LEVEL_FIELDS: [&str; 1] = ["webhook_generation_time"];

/// SHA-256 of a canonical serialisation of one resource: compact, object keys
/// sorted at every level, volatile envelope fields removed. Same content with
/// other white space, key order, string escapes or generation time hashes equal;
/// any real change differs.
///
/// The canonical text is the one earlier versions hashed (see
/// `json/canonical.rs`), so hashes already archived still match redeliveries.
/// Numbers keep the text Everflow sent, so `20` and `20.0` hash differently: it is
/// a different body, and the archive cannot know Everflow meant the same.
pub fn content_sha256(resource: &JsonValue<'_>) -> [u8; 32] {
    let mut sink = HashSink::new();
    write_canonical(resource, &VOLATILE_TOP_LEVEL_FIELDS, &mut sink);
    sink.finish()
}

/// [`content_sha256`] of an object.
pub(super) fn object_sha256(resource: &JsonObject<'_>) -> [u8; 32] {
    let mut sink = HashSink::new();
    write_canonical_object(resource, &VOLATILE_TOP_LEVEL_FIELDS, &mut sink);
    sink.finish()
}

/// Feeds canonical text to SHA-256 through a small buffer: the writer emits many
/// pieces of a few bytes, and hashing each separately costs more than copying.
struct HashSink {
    hasher: Sha256,
    buffer: [u8; 512],
    filled: usize,
}

impl HashSink {
    fn new() -> HashSink {
        HashSink {
            hasher: Sha256::new(),
            buffer: [0; 512],
            filled: 0,
        }
    }

    fn finish(mut self) -> [u8; 32] {
        self.hasher.update(&self.buffer[..self.filled]);
        self.hasher.finalize().into()
    }
}

impl CanonicalSink for HashSink {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.filled + bytes.len() > self.buffer.len() {
            self.hasher.update(&self.buffer[..self.filled]);
            self.filled = 0;
            if bytes.len() > self.buffer.len() {
                self.hasher.update(bytes);
                return;
            }
        }
        self.buffer[self.filled..self.filled + bytes.len()].copy_from_slice(bytes);
        self.filled += bytes.len();
    }

    #[inline]
    fn put_byte(&mut self, byte: u8) {
        if self.filled == self.buffer.len() {
            self.hasher.update(self.buffer);
            self.filled = 0;
        }
        self.buffer[self.filled] = byte;
        self.filled += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_of(body: &str) -> [u8; 32] {
        content_sha256(&crate::everflow::json::parse(body).expect("test JSON parses"))
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

    #[test]
    fn hashes_match_what_earlier_versions_stored() {
        use crate::everflow::WebhookKind;
        use crate::everflow::test_samples::sample;
        // Computed by the serde_json::Value implementation this one replaced.
        let cases = [
            (
                WebhookKind::ConversionRegistered,
                "cc11cf1ebc783185b6daaf5f87845ea989687800478c1e6c28d78b957863abf2",
            ),
            (
                WebhookKind::AffiliateApprovedForOffer,
                "f8680e29165d95b7bd5233b300ea8db473d40d9f37ba137c7225a4110c1dfd7e",
            ),
        ];
        for (kind, expected) in cases {
            assert_eq!(
                hex::encode(content_sha256(&sample(kind))),
                expected,
                "{kind}"
            );
        }
    }
}
