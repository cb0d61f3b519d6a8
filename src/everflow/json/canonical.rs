//! The canonical spelling of a JSON value: compact, every object's members sorted
//! by name (the last of duplicate names), strings escaped the way serde_json
//! escapes them, numbers as sent (exponent spelled `e+N`).
//!
//! It is byte for byte what `serde_json::Value` printed while this crate used
//! serde_json's `arbitrary_precision`, which is what earlier versions hashed: the
//! content hashes already in an archive stay comparable with new ones.

use std::borrow::Cow;

use super::{JsonObject, JsonValue, number_text};

/// Where canonical text goes: a buffer, or straight into a hash.
pub trait CanonicalSink {
    fn put(&mut self, bytes: &[u8]);

    /// One byte of punctuation: most of what the writer emits.
    fn put_byte(&mut self, byte: u8) {
        self.put(&[byte]);
    }
}

impl CanonicalSink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }

    #[inline]
    fn put_byte(&mut self, byte: u8) {
        self.push(byte);
    }
}

/// Writes `value` canonically, leaving out the top-level members named in
/// `skipped` (when `value` is an object).
pub fn write_canonical(value: &JsonValue<'_>, skipped: &[&str], out: &mut impl CanonicalSink) {
    match value {
        JsonValue::Null => out.put(b"null"),
        JsonValue::Bool(true) => out.put(b"true"),
        JsonValue::Bool(false) => out.put(b"false"),
        JsonValue::Number(text) => out.put(text.as_bytes()),
        JsonValue::String(text) => write_string(text, out),
        JsonValue::Object(object) => write_canonical_object(object, skipped, out),
        JsonValue::Array(items) => {
            out.put_byte(b'[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.put_byte(b',');
                }
                write_raw(item, out);
            }
            out.put_byte(b']');
        }
    }
}

/// [`write_canonical`] of an object.
pub fn write_canonical_object(
    object: &JsonObject<'_>,
    skipped: &[&str],
    out: &mut impl CanonicalSink,
) {
    out.put_byte(b'{');
    let kept = object
        .sorted_members()
        .filter(|member| !skipped.contains(&member.name.as_ref()));
    for (index, member) in kept.enumerate() {
        if index > 0 {
            out.put_byte(b',');
        }
        match &member.name {
            // Borrowed: the text had no escape, so neither needs the name.
            Cow::Borrowed(name) => {
                out.put_byte(b'"');
                out.put(name.as_bytes());
                out.put_byte(b'"');
            }
            Cow::Owned(name) => write_string(name, out),
        }
        out.put_byte(b':');
        match &member.object {
            Some(object) => write_canonical_object(object, &[], out),
            None => write_raw(member.raw, out),
        }
    }
    out.put_byte(b'}');
}

/// Scalars are written from their text without decoding; containers and strings
/// with escapes are decoded first.
fn write_raw(text: &str, out: &mut impl CanonicalSink) {
    match text.as_bytes().first() {
        // Valid JSON has no raw control character, quote or backslash in a string,
        // so a literal without escapes is already canonical.
        Some(b'"') if !text.contains('\\') => out.put(text.as_bytes()),
        Some(b'{' | b'[' | b'"') => write_canonical(&JsonValue::decode(text), &[], out),
        Some(b't' | b'f' | b'n') => out.put(text.as_bytes()),
        _ => out.put(number_text(text).as_bytes()),
    }
}

fn write_string(text: &str, out: &mut impl CanonicalSink) {
    let needs_escape = text
        .bytes()
        .any(|byte| byte < 0x20 || byte == b'"' || byte == b'\\');
    if needs_escape {
        out.put(serde_json::Value::from(text).to_string().as_bytes());
    } else {
        out.put_byte(b'"');
        out.put(text.as_bytes());
        out.put_byte(b'"');
    }
}
