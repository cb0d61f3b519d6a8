//! Capturing a document's top-level members with serde_json, which validates
//! the whole document on the way.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Validates `text`, one JSON object, and calls `member` with each member's
/// name and raw value text, in text order.
pub(super) fn members<'a>(
    text: &'a str,
    member: impl FnMut(Cow<'a, str>, &'a str),
) -> Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    deserializer.deserialize_map(MemberVisitor { member })?;
    deserializer.end()
}

struct MemberVisitor<F> {
    member: F,
}

impl<'de, F: FnMut(Cow<'de, str>, &'de str)> Visitor<'de> for MemberVisitor<F> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<M: MapAccess<'de>>(mut self, mut map: M) -> Result<(), M::Error> {
        while let Some((Name(name), raw)) = map.next_entry::<Name<'de>, &'de RawValue>()? {
            (self.member)(name, raw.get());
        }
        Ok(())
    }
}

/// A member name, borrowed from the text unless it held escapes (serde's own
/// `Cow<str>` always copies).
struct Name<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a member name")
    }

    fn visit_borrowed_str<E: de::Error>(self, name: &'de str) -> Result<Self::Value, E> {
        Ok(Name(Cow::Borrowed(name)))
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Self::Value, E> {
        Ok(Name(Cow::Owned(name.to_owned())))
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Self::Value, E> {
        Ok(Name(Cow::Owned(name)))
    }
}
