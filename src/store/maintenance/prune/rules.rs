//! What `prune` removes: the decisions, each a few index lookups, shared by
//! a real run and a dry run.

use rusqlite::{Connection, OptionalExtension, params};

use crate::everflow::{ResourceType, WebhookKind};

/// What to prune.
#[derive(Debug, Clone)]
pub struct PruneRules {
    /// Unix milliseconds: what nothing has arrived about since goes.
    pub cutoff_ms: i64,
    pub types: Vec<ResourceType>,
    /// Keep the current version of every offer, advertiser and partner
    /// (the catalogue that names the rest), however old.
    pub keep_current: bool,
}

/// The resource types whose current versions `keep_current` keeps.
pub fn is_catalogue(resource_type: ResourceType) -> bool {
    matches!(
        resource_type,
        ResourceType::Offer | ResourceType::Advertiser | ResourceType::Partner
    )
}

/// A version as prune sees it.
#[derive(Debug, Clone)]
pub struct VersionRow {
    pub version_id: i64,
    pub resource_type: ResourceType,
    pub resource_id: String,
    pub kind: WebhookKind,
    pub is_current: bool,
}

/// A delivery as prune sees it.
#[derive(Debug, Clone)]
pub struct DeliveryRow {
    pub delivery_id: i64,
    pub kind: WebhookKind,
    pub duplicate: bool,
    pub body_id: i64,
}

impl PruneRules {
    pub fn covers(&self, resource_type: ResourceType) -> bool {
        self.types.contains(&resource_type)
    }

    /// Whether a version that nothing has arrived about since the cutoff
    /// goes: an older version always; the current one unless it is kept, and
    /// only with every other version of its resource (a resource is never
    /// left without its current version while older ones stay).
    pub fn version_goes(&self, conn: &Connection, version: &VersionRow) -> rusqlite::Result<bool> {
        if !version.is_current {
            return Ok(true);
        }
        if self.keep_current && is_catalogue(version.resource_type) {
            return Ok(false);
        }
        let recent = conn
            .prepare_cached(
                "SELECT 1 FROM versions
                 WHERE resource_type = ?1 AND resource_id = ?2 AND last_received_at >= ?3
                 LIMIT 1",
            )?
            .query_row(
                params![
                    version.resource_type.as_str(),
                    version.resource_id,
                    self.cutoff_ms
                ],
                |_| Ok(()),
            )
            .optional()?;
        Ok(recent.is_none())
    }
}

/// A row of `version_id, resource_id, kind, is_current`.
pub fn version_row(
    row: &rusqlite::Row,
    resource_type: ResourceType,
) -> rusqlite::Result<VersionRow> {
    let kind: String = row.get(2)?;
    Ok(VersionRow {
        version_id: row.get(0)?,
        resource_type,
        resource_id: row.get(1)?,
        kind: WebhookKind::from_name(&kind).unwrap_or(WebhookKind::ConversionRegistered),
        is_current: row.get(3)?,
    })
}

/// A row of `delivery_id, kind, outcome, body_id` (None for a kind this
/// release does not know).
pub fn delivery_row(row: &rusqlite::Row) -> rusqlite::Result<Option<DeliveryRow>> {
    let kind: String = row.get(1)?;
    let Some(kind) = WebhookKind::from_name(&kind) else {
        return Ok(None);
    };
    let outcome: String = row.get(2)?;
    Ok(Some(DeliveryRow {
        delivery_id: row.get(0)?,
        kind,
        duplicate: outcome == "duplicate",
        body_id: row.get(3)?,
    }))
}

/// Whether a body is kept against body `body_id` (through the partial index
/// of references).
pub fn is_reference(conn: &Connection, body_id: i64) -> rusqlite::Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM bodies WHERE reference_body_id = ?1 LIMIT 1")?
        .query_row([body_id], |_| Ok(()))
        .optional()?
        .is_some())
}
