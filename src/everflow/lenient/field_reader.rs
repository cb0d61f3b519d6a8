//! Named, path-based access to a body's fields through the lenient readers.

use serde_json::Value;

use super::{flag, id, text, unix_time};
use crate::everflow::money;
use crate::everflow::records::Micros;

/// Named field access over one JSON value (a body, or one entry of a collection).
#[derive(Debug, Clone, Copy)]
pub struct FieldReader<'a> {
    value: &'a Value,
}

impl<'a> FieldReader<'a> {
    pub fn new(value: &'a Value) -> Self {
        FieldReader { value }
    }

    /// The value at a dotted path such as `relationship.offer.name`; Everflow's keys
    /// never contain dots, so the dot is free to separate them.
    pub fn get(&self, path: &str) -> Option<&'a Value> {
        path.split('.')
            .try_fold(self.value, |current, key| current.as_object()?.get(key))
    }

    pub fn id(&self, path: &str) -> Option<String> {
        self.get(path).and_then(id)
    }

    pub fn text(&self, path: &str) -> Option<String> {
        self.get(path).and_then(text)
    }

    pub fn flag(&self, path: &str) -> Option<bool> {
        self.get(path).and_then(flag)
    }

    pub fn unix_time(&self, path: &str) -> Option<i64> {
        self.get(path).and_then(unix_time)
    }

    pub fn money(&self, path: &str) -> Option<Micros> {
        self.get(path).and_then(money::micros_from_value)
    }

    pub fn decimal_text(&self, path: &str) -> Option<String> {
        self.get(path).and_then(money::decimal_text_from_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reader_follows_dotted_paths() {
        let body = json!({
            "payout": "2.50",
            "relationship": {"offer": {"name": "VPN", "network_offer_id": "2"}}
        });
        let reader = FieldReader::new(&body);
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
        assert_eq!(reader.get("relationship.offer.name.first"), None);
        assert_eq!(reader.money("payout"), Some(2_500_000));
        assert_eq!(reader.money("relationship"), None);
    }
}
