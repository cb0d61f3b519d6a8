//! The bodies new versions are compressed against. An offer (or advertiser,
//! or partner) is edited a field at a time and re-sent whole: 30 KB that
//! differ from the last version in a few bytes. zstd, given the last version
//! kept whole as a raw-content dictionary, stores such a version in a few
//! hundred bytes.
//!
//! A version is only ever compressed against a *base*: a body kept without a
//! reference. Reading a body so takes at most one extra read, never a chain.
//! The cache holds each resource's latest base, filled as bases are
//! committed; after a restart a resource's next version becomes its base.

use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::everflow::ResourceType;

/// A body kept without a reference, as received.
#[derive(Debug)]
pub struct Base {
    pub body_id: i64,
    /// Of `bytes`: what the writer checks the row still holds.
    pub sha256: [u8; 32],
    pub bytes: Vec<u8>,
}

/// The types whose versions are compressed against their last base: those
/// edited and re-sent whole. (Conversions change status at most a few times,
/// days apart, among millions: a cache of them would only churn.)
pub fn is_referenced(resource_type: ResourceType) -> bool {
    matches!(
        resource_type,
        ResourceType::Offer | ResourceType::Advertiser | ResourceType::Partner
    )
}

/// The latest base of recently seen resources, at most `budget` bytes of
/// bodies (the least recently used go first).
pub struct References {
    state: Mutex<Cache>,
}

struct Cache {
    bases: LruCache<(ResourceType, String), Arc<Base>>,
    bytes: usize,
    budget: usize,
}

/// Bytes of bodies the cache keeps by default: 1,000 offers of 30 KB.
pub const DEFAULT_BUDGET: usize = 32 * 1024 * 1024;

impl Default for References {
    fn default() -> Self {
        References::with_budget(DEFAULT_BUDGET)
    }
}

impl References {
    pub fn with_budget(budget: usize) -> References {
        References {
            state: Mutex::new(Cache {
                bases: LruCache::unbounded(),
                bytes: 0,
                budget,
            }),
        }
    }

    /// The base the next version of this resource is compressed against.
    pub fn base(&self, resource_type: ResourceType, resource_id: &str) -> Option<Arc<Base>> {
        let mut cache = self.state.lock().ok()?;
        cache
            .bases
            .get(&(resource_type, resource_id.to_owned()))
            .cloned()
    }

    /// Keeps a committed base as the resource's latest.
    pub fn remember(&self, resource_type: ResourceType, resource_id: &str, base: Base) {
        let Ok(mut cache) = self.state.lock() else {
            return;
        };
        if base.bytes.len() > cache.budget / 4 {
            // One huge body would evict everything else.
            return;
        }
        let size = base.bytes.len();
        if let Some(old) = cache
            .bases
            .put((resource_type, resource_id.to_owned()), Arc::new(base))
        {
            cache.bytes -= old.bytes.len();
        }
        cache.bytes += size;
        while cache.bytes > cache.budget {
            match cache.bases.pop_lru() {
                Some((_, evicted)) => cache.bytes -= evicted.bytes.len(),
                None => break,
            }
        }
    }

    /// Bytes of bodies held.
    pub fn bytes(&self) -> usize {
        self.state.lock().map_or(0, |cache| cache.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(body_id: i64, size: usize) -> Base {
        Base {
            body_id,
            sha256: [0; 32],
            bytes: vec![b'x'; size],
        }
    }

    #[test]
    fn the_latest_base_of_a_resource_is_kept() {
        let references = References::with_budget(1_000);
        references.remember(ResourceType::Offer, "1", base(1, 100));
        references.remember(ResourceType::Offer, "1", base(2, 100));
        let kept = references.base(ResourceType::Offer, "1").expect("kept");
        assert_eq!(kept.body_id, 2);
        assert_eq!(references.bytes(), 100);
        assert!(references.base(ResourceType::Partner, "1").is_none());
    }

    #[test]
    fn the_least_recently_used_go_first_past_the_budget() {
        let references = References::with_budget(1_000);
        for id in 0..5 {
            references.remember(ResourceType::Offer, &id.to_string(), base(id, 240));
        }
        // 0 was the oldest; touching 1 keeps it over 2.
        assert!(references.base(ResourceType::Offer, "0").is_none());
        assert!(references.base(ResourceType::Offer, "1").is_some());
        references.remember(ResourceType::Offer, "5", base(5, 240));
        assert!(references.base(ResourceType::Offer, "1").is_some());
        assert!(references.base(ResourceType::Offer, "2").is_none());
        assert!(references.bytes() <= 1_000);
    }

    #[test]
    fn a_body_too_large_for_the_cache_is_not_kept() {
        let references = References::with_budget(1_000);
        references.remember(ResourceType::Offer, "1", base(1, 100));
        references.remember(ResourceType::Offer, "2", base(2, 600));
        assert!(references.base(ResourceType::Offer, "2").is_none());
        assert!(references.base(ResourceType::Offer, "1").is_some());
    }
}
