//! Storing one delivery inside the writer's open transaction: its body, its
//! delivery row, and per resource a redelivery count, a restored version or a
//! new version.
//!
//! A resource is (resource type, id), whichever event type carried it. Its
//! current version is, among its versions with the latest fact time, the one
//! whose content arrived last: Everflow sends no update time for conversions,
//! so approved → rejected → approved with one conversion time ends approved.
//! A version whose body carries no plausible time has none here (its typed
//! row is dated by its arrival, see `dating`): it orders before every version
//! with a time, so an undated update never hides a dated one, and among
//! undated versions the latest arrival wins.

use rusqlite::{Connection, OptionalExtension, params};

use crate::everflow::WebhookKind;
use crate::everflow::records::ResourceRecord;
use crate::store::body_rows::{body_id_for, insert_body};
use crate::store::dating::plausible_fact_time;
use crate::store::incoming::{DeliveryOutcome, IncomingDelivery, StoredDelivery};
use crate::store::typed_rows::{RowOrigin, insert_typed_row, set_typed_row_current};

/// What storing one resource means, decided by looking at the archive.
enum Plan {
    /// This exact content is archived already and changes nothing: count the
    /// redelivery. `same_bytes` is the version's body when this delivery
    /// repeats its bytes too.
    Redelivery {
        version_id: i64,
        same_bytes: Option<i64>,
    },
    /// Content archived before, not current, but as recent a fact as the
    /// current version: it becomes current again.
    Restore {
        version_id: i64,
        same_bytes: Option<i64>,
        supersedes: i64,
    },
    /// New content. `supersedes` is the current version it replaces as current;
    /// `is_current` is false when it is older than the current one (it arrived late).
    /// `fact_time` is the body's time when plausible (see `dating`).
    NewVersion {
        outcome: DeliveryOutcome,
        supersedes: Option<i64>,
        is_current: bool,
        fact_time: Option<i64>,
    },
}

impl Plan {
    fn outcome(&self) -> DeliveryOutcome {
        match self {
            Plan::Redelivery { .. } => DeliveryOutcome::Duplicate,
            Plan::Restore { .. } => DeliveryOutcome::Restored,
            Plan::NewVersion { outcome, .. } => *outcome,
        }
    }

    /// The body row holding these exact bytes, when the lookup found one.
    /// (new versions, new resources) it adds.
    fn adds(&self) -> (u32, u32) {
        match self {
            Plan::NewVersion { outcome, .. } => (1, u32::from(*outcome == DeliveryOutcome::New)),
            _ => (0, 0),
        }
    }

    fn same_bytes(&self) -> Option<i64> {
        match self {
            Plan::Redelivery { same_bytes, .. } | Plan::Restore { same_bytes, .. } => *same_bytes,
            Plan::NewVersion { .. } => None,
        }
    }
}

/// Stores `delivery`. The caller owns the transaction, so a failure leaves
/// nothing half-written.
pub fn apply_delivery(
    conn: &Connection,
    delivery: &IncomingDelivery,
) -> rusqlite::Result<StoredDelivery> {
    let resource_ids = delivery
        .resources
        .iter()
        .map(|r| r.resource_id.as_str())
        .collect::<Vec<_>>()
        .join(",");

    // One resource (every kind but traffic_optimized): plan first, so the
    // delivery row is written once, with its final outcome.
    if let [resource] = delivery.resources.as_slice() {
        let plan = plan(conn, delivery, resource)?;
        // The plan's lookup already found a body with these bytes, if any.
        let (body_id, reference_body_id) = match plan.same_bytes() {
            Some(body_id) => (body_id, delivery.body.reference_body_id),
            None => insert_body(conn, delivery)?,
        };
        let outcome = plan.outcome();
        let (new_versions, new_resources) = plan.adds();
        let delivery_id = insert_delivery(conn, delivery, body_id, &resource_ids, outcome)?;
        carry_out(conn, delivery, resource, plan, body_id, delivery_id)?;
        return Ok(StoredDelivery {
            delivery_id,
            body_id,
            outcome,
            new_versions,
            new_resources,
            reference_body_id,
        });
    }

    // Several resources may repeat one another, so each is planned only after
    // the previous one is stored, and the delivery's outcome is settled last.
    let (body_id, reference_body_id) = body_id_for(conn, delivery)?;
    let delivery_id = insert_delivery(
        conn,
        delivery,
        body_id,
        &resource_ids,
        DeliveryOutcome::Duplicate,
    )?;
    let mut outcome = DeliveryOutcome::Duplicate;
    let (mut new_versions, mut new_resources) = (0, 0);
    for resource in &delivery.resources {
        let plan = plan(conn, delivery, resource)?;
        outcome = outcome.combine(plan.outcome());
        let (versions, resources) = plan.adds();
        new_versions += versions;
        new_resources += resources;
        carry_out(conn, delivery, resource, plan, body_id, delivery_id)?;
    }
    if outcome != DeliveryOutcome::Duplicate {
        conn.prepare_cached("UPDATE deliveries SET outcome = ?1 WHERE delivery_id = ?2")?
            .execute(params![outcome.as_str(), delivery_id])?;
    }
    Ok(StoredDelivery {
        delivery_id,
        body_id,
        outcome,
        new_versions,
        new_resources,
        reference_body_id,
    })
}

fn insert_delivery(
    conn: &Connection,
    delivery: &IncomingDelivery,
    body_id: i64,
    resource_ids: &str,
    outcome: DeliveryOutcome,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO deliveries (received_at, kind, kind_source, method, outcome, body_id,
                                 resource_ids, sender, forwarded_for, url_kind)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        delivery.received_at,
        delivery.kind.as_str(),
        delivery.kind_source.as_str(),
        delivery.method,
        outcome.as_str(),
        body_id,
        resource_ids,
        delivery.sender,
        delivery.forwarded_for,
        delivery.url_kind.map(WebhookKind::as_str),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// A version as the plan sees it.
struct Known {
    version_id: i64,
    fact_time: Option<i64>,
}

fn plan(
    conn: &Connection,
    delivery: &IncomingDelivery,
    resource: &ResourceRecord,
) -> rusqlite::Result<Plan> {
    let resource_type = delivery.kind.resource_type().as_str();
    let fact_time = plausible_fact_time(resource.fact_time, delivery.received_at);
    let same_content: Option<(Known, bool, Option<i64>)> = conn
        .prepare_cached(
            "SELECT v.version_id, v.fact_time, v.is_current, CASE WHEN b.sha256 = ?4 THEN b.body_id END
             FROM versions AS v JOIN bodies AS b ON b.body_id = v.body_id
             WHERE v.resource_type = ?1 AND v.resource_id = ?2 AND v.content_sha256 = ?3",
        )?
        .query_row(
            params![
                resource_type,
                resource.resource_id,
                &resource.content_sha256[..],
                &delivery.body_sha256[..]
            ],
            |row| {
                let known = Known {
                    version_id: row.get(0)?,
                    fact_time: row.get(1)?,
                };
                Ok((known, row.get(2)?, row.get(3)?))
            },
        )
        .optional()?;
    let current = || -> rusqlite::Result<Option<Known>> {
        conn.prepare_cached(
            "SELECT version_id, fact_time FROM versions
             WHERE resource_type = ?1 AND resource_id = ?2 AND is_current = 1",
        )?
        .query_row(params![resource_type, resource.resource_id], |row| {
            Ok(Known {
                version_id: row.get(0)?,
                fact_time: row.get(1)?,
            })
        })
        .optional()
    };

    if let Some((known, is_current, same_bytes)) = same_content {
        // Archived content that is not current wins again when its fact is as
        // recent as the current one's: the latest delivery decides a tie.
        if !is_current
            && let Some(current) = current()?
            && known.fact_time >= current.fact_time
        {
            return Ok(Plan::Restore {
                version_id: known.version_id,
                same_bytes,
                supersedes: current.version_id,
            });
        }
        return Ok(Plan::Redelivery {
            version_id: known.version_id,
            same_bytes,
        });
    }

    Ok(match current()? {
        None => Plan::NewVersion {
            outcome: DeliveryOutcome::New,
            supersedes: None,
            is_current: true,
            fact_time,
        },
        // The latest fact wins, not the latest arrival; on a tie (a status
        // change, an edit that did not move time_saved) the latest arrival.
        // Option's order puts a missing time before any time.
        Some(current) => {
            let newer = fact_time >= current.fact_time;
            Plan::NewVersion {
                outcome: DeliveryOutcome::Version,
                supersedes: newer.then_some(current.version_id),
                is_current: newer,
                fact_time,
            }
        }
    })
}

fn carry_out(
    conn: &Connection,
    delivery: &IncomingDelivery,
    resource: &ResourceRecord,
    plan: Plan,
    body_id: i64,
    delivery_id: i64,
) -> rusqlite::Result<()> {
    let family = delivery.kind.family();
    match plan {
        Plan::Redelivery { version_id, .. } => {
            conn.prepare_cached(
                "UPDATE versions
                 SET redeliveries = redeliveries + 1,
                     last_received_at = max(last_received_at, ?1)
                 WHERE version_id = ?2",
            )?
            .execute(params![delivery.received_at, version_id])?;
        }
        Plan::Restore {
            version_id,
            supersedes,
            ..
        } => {
            set_current(conn, family, supersedes, false)?;
            set_current(conn, family, version_id, true)?;
            conn.prepare_cached(
                "UPDATE versions SET last_received_at = max(last_received_at, ?1)
                 WHERE version_id = ?2",
            )?
            .execute(params![delivery.received_at, version_id])?;
            conn.prepare_cached(
                "INSERT INTO restorations (version_id, delivery_id, received_at)
                 VALUES (?1, ?2, ?3)",
            )?
            .execute(params![version_id, delivery_id, delivery.received_at])?;
        }
        Plan::NewVersion {
            supersedes,
            is_current,
            fact_time,
            ..
        } => {
            if let Some(old) = supersedes {
                set_current(conn, family, old, false)?;
            }
            conn.prepare_cached(
                "INSERT INTO versions (resource_type, resource_id, kind, content_sha256, body_id,
                                       first_delivery_id, fact_time, first_received_at,
                                       last_received_at, is_current)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)",
            )?
            .execute(params![
                delivery.kind.resource_type().as_str(),
                resource.resource_id,
                delivery.kind.as_str(),
                &resource.content_sha256[..],
                body_id,
                delivery_id,
                fact_time,
                delivery.received_at,
                is_current,
            ])?;
            let version_id = conn.last_insert_rowid();
            let origin = RowOrigin {
                version_id,
                kind: delivery.kind,
                is_current,
                received_at: delivery.received_at,
            };
            insert_typed_row(conn, &origin, resource)?;
        }
    }
    Ok(())
}

/// Makes a version current or not, in `versions` and its typed row alike.
fn set_current(
    conn: &Connection,
    family: crate::everflow::Family,
    version_id: i64,
    current: bool,
) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE versions SET is_current = ?1 WHERE version_id = ?2")?
        .execute(params![current, version_id])?;
    set_typed_row_current(conn, family, version_id, current)
}
