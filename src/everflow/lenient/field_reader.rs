//! Named, path-based access to a body's fields through the lenient readers.

use super::{flag, id, text, unexpanded_macro, unix_time};
use crate::everflow::decimal;
use crate::everflow::json::{JsonObject, JsonValue};
use crate::everflow::records::Micros;

/// Named field access over one JSON object (a body, one entry of a collection,
/// or an object nested in either).
#[derive(Debug, Clone, Copy)]
pub struct FieldReader<'a> {
    object: &'a JsonObject<'a>,
}

impl<'a> FieldReader<'a> {
    pub fn new(object: &'a JsonObject<'a>) -> Self {
        FieldReader { object }
    }

    pub fn as_object(&self) -> &'a JsonObject<'a> {
        self.object
    }

    /// The object at a dotted path such as `relationship.offer`; `None` when the
    /// path is missing or leads to something else. Each object is parsed once, so
    /// a reader of it is cheap to take again.
    pub fn object(&self, path: &str) -> Option<FieldReader<'a>> {
        path.split('.')
            .try_fold(self.object, |current, name| current.object(name))
            .map(FieldReader::new)
    }

    /// The value at a dotted path such as `relationship.offer.name`; Everflow's keys
    /// never contain dots, so the dot is free to separate them.
    pub fn get(&self, path: &str) -> Option<JsonValue<'a>> {
        match path.bytes().rposition(|byte| byte == b'.') {
            None => self.object.value(path),
            Some(dot) => self.object(&path[..dot])?.object.value(&path[dot + 1..]),
        }
    }

    pub fn id(&self, path: &str) -> Option<String> {
        self.get(path).as_ref().and_then(id)
    }

    pub fn text(&self, path: &str) -> Option<String> {
        self.get(path).as_ref().and_then(text)
    }

    pub fn flag(&self, path: &str) -> Option<bool> {
        self.get(path).as_ref().and_then(flag)
    }

    pub fn unix_time(&self, path: &str) -> Option<i64> {
        self.get(path).as_ref().and_then(unix_time)
    }

    pub fn money(&self, path: &str) -> Option<Micros> {
        self.get(path).as_ref().and_then(decimal::micros_from_value)
    }

    /// The first of `paths` whose value is an unfilled Everflow macro, with
    /// the placeholder.
    pub fn unexpanded_macro(&self, paths: &[&'static str]) -> Option<(&'static str, String)> {
        paths.iter().find_map(|path| {
            let placeholder = unexpanded_macro(&self.get(path)?)?;
            Some((*path, placeholder))
        })
    }

    /// The first of `paths` holding an amount that cannot be kept exactly
    /// (see [`decimal::unreadable_amount`]), with the amount as sent.
    pub fn unreadable_amount(&self, paths: &[&'static str]) -> Option<(&'static str, String)> {
        paths.iter().find_map(|path| {
            let sent = decimal::unreadable_amount(&self.get(path)?)?;
            Some((*path, sent))
        })
    }

    /// The id at the first of `paths` that has one: Everflow's own field,
    /// then the names a GET postback may use for it.
    pub fn first_id(&self, paths: &[&str]) -> Option<String> {
        paths.iter().find_map(|path| self.id(path))
    }

    /// The text at the first of `paths` that has some.
    pub fn first_text(&self, paths: &[&str]) -> Option<String> {
        paths.iter().find_map(|path| self.text(path))
    }

    /// The amount at the first of `paths` that has one.
    pub fn first_money(&self, paths: &[&str]) -> Option<Micros> {
        paths.iter().find_map(|path| self.money(path))
    }

    pub fn decimal_text(&self, path: &str) -> Option<String> {
        self.get(path)
            .as_ref()
            .and_then(decimal::decimal_text_from_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::everflow::json;

    #[test]
    fn reader_follows_dotted_paths() {
        let body = json::parse(
            r#"{
                "payout": "2.50",
                "relationship": {"offer": {"name": "VPN", "network_offer_id": "2"}}
            }"#,
        )
        .expect("test JSON parses");
        let reader = FieldReader::new(body.as_object().expect("an object"));
        assert_eq!(
            reader.text("relationship.offer.name").as_deref(),
            Some("VPN")
        );
        assert_eq!(
            reader.id("relationship.offer.network_offer_id").as_deref(),
            Some("2")
        );
        assert_eq!(reader.text("relationship.advertiser.name"), None);
        assert_eq!(reader.text("relationship.offer.name.first"), None);
        assert!(reader.get("relationship.offer.name.first").is_none());
        assert_eq!(reader.money("payout"), Some(2_500_000));
        assert_eq!(reader.money("relationship"), None);
        let offer = reader.object("relationship.offer").expect("nested object");
        assert_eq!(offer.text("name").as_deref(), Some("VPN"));
        assert!(reader.object("payout").is_none());
        assert!(reader.object("relationship.offer.name").is_none());
    }
}
