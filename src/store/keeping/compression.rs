//! How a body is kept: against the last base of its resource when it is a
//! new version of an offer, advertiser or partner and that is much smaller
//! (see `references`), else with the dictionary of its resource type, else
//! with zstd alone. Runs on the HTTP workers, never on the writer.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::everflow::ResourceType;
use crate::store::bodies::{Dictionaries, StoredBody};
use crate::store::references::{Base, References, is_referenced};

/// The dictionaries and the references bodies are compressed with, shared by
/// the HTTP workers (compressing), the writer's callers (remembering bases)
/// and the trainer (adding dictionaries).
#[derive(Default)]
pub struct Compression {
    pub dictionaries: Arc<Dictionaries>,
    pub references: References,
}

/// The resource a body may be kept against the base of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseKey {
    pub resource_type: ResourceType,
    pub resource_id: String,
}

impl BaseKey {
    /// The key of a delivery of `resource_type` carrying `resource_ids`: only
    /// one resource of a referenced type has a base.
    pub fn of(resource_type: ResourceType, resource_ids: &[&str]) -> Option<BaseKey> {
        match resource_ids {
            [resource_id] if is_referenced(resource_type) => Some(BaseKey {
                resource_type,
                resource_id: (*resource_id).to_owned(),
            }),
            _ => None,
        }
    }
}

impl Compression {
    pub fn new(dictionaries: Arc<Dictionaries>) -> Compression {
        Compression {
            dictionaries,
            references: References::default(),
        }
    }

    /// `raw` as it will be kept.
    pub fn keep(
        &self,
        resource_type: ResourceType,
        base_key: Option<&BaseKey>,
        raw: &[u8],
    ) -> StoredBody {
        let base =
            base_key.and_then(|key| self.references.base(key.resource_type, &key.resource_id));
        base.and_then(|base| {
            self.dictionaries
                .compress_against(resource_type, &base, raw)
        })
        .unwrap_or_else(|| self.dictionaries.compress(resource_type, raw))
    }

    /// After `raw` was committed as body `body_id` of a new version, kept
    /// against `reference_body_id` or not: a body kept without a reference
    /// becomes its resource's base.
    pub fn committed(
        &self,
        base_key: Option<&BaseKey>,
        reference_body_id: Option<i64>,
        body_id: i64,
        raw: &[u8],
    ) {
        if let Some(key) = base_key
            && reference_body_id.is_none()
        {
            self.references.remember(
                key.resource_type,
                &key.resource_id,
                Base {
                    body_id,
                    sha256: Sha256::digest(raw).into(),
                    bytes: raw.to_vec(),
                },
            );
        }
    }
}
