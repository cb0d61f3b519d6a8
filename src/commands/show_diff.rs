//! `show --diff`: what changed from one version's body to the next, field by
//! field (a dotted path, old → new), instead of two long bodies to compare
//! by eye.

use std::collections::BTreeMap;

use serde_json::Value;

/// One field that differs between two bodies.
#[derive(Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// `name`, `relationship.offer.status`, `tags[2]`.
    pub path: String,
    /// The value before, as JSON text; none where the field was added.
    pub old: Option<String>,
    /// The value after; none where the field was removed.
    pub new: Option<String>,
}

/// The fields that differ from `before` to `after`, in path order; none when
/// either body is not JSON (a GET query string), which the caller says.
pub fn field_changes(before: &[u8], after: &[u8]) -> Option<Vec<FieldChange>> {
    let before = flattened(&serde_json::from_slice(before).ok()?);
    let after = flattened(&serde_json::from_slice(after).ok()?);
    let mut paths: Vec<&String> = before.keys().chain(after.keys()).collect();
    paths.sort();
    paths.dedup();
    Some(
        paths
            .into_iter()
            .filter(|path| before.get(*path) != after.get(*path))
            .map(|path| FieldChange {
                path: path.clone(),
                old: before.get(path).cloned(),
                new: after.get(path).cloned(),
            })
            .collect(),
    )
}

/// Every leaf of a document by its path, as JSON text.
fn flattened(document: &Value) -> BTreeMap<String, String> {
    let mut leaves = BTreeMap::new();
    flatten_into(document, String::new(), &mut leaves);
    leaves
}

fn flatten_into(value: &Value, path: String, leaves: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(members) if !members.is_empty() => {
            for (name, member) in members {
                let inner = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                flatten_into(member, inner, leaves);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                flatten_into(item, format!("{path}[{index}]"), leaves);
            }
        }
        leaf => {
            leaves.insert(path, leaf.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(path: &str, old: Option<&str>, new: Option<&str>) -> FieldChange {
        FieldChange {
            path: path.to_owned(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
        }
    }

    #[test]
    fn changed_added_and_removed_fields_by_path() {
        let before = br#"{"name":"Old","payout":2.5,"tags":["a","b"],"r":{"s":"active"},"gone":1}"#;
        let after =
            br#"{"name":"New","payout":2.5,"tags":["a","c"],"r":{"s":"paused"},"added":true}"#;
        assert_eq!(
            field_changes(before, after),
            Some(vec![
                change("added", None, Some("true")),
                change("gone", Some("1"), None),
                change("name", Some("\"Old\""), Some("\"New\"")),
                change("r.s", Some("\"active\""), Some("\"paused\"")),
                change("tags[1]", Some("\"b\""), Some("\"c\"")),
            ])
        );
    }

    #[test]
    fn equal_bodies_have_no_changes_and_a_query_string_is_not_compared() {
        assert_eq!(field_changes(b"{\"a\":1}", b"{ \"a\" : 1 }"), Some(vec![]));
        assert_eq!(field_changes(b"a=1&b=2", b"{\"a\":1}"), None);
    }
}
