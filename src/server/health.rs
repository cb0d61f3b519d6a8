//! `GET /healthz`: 200 only when a delivery arriving now would be stored: a
//! probe commits a small write to the disk through the writer, and nothing
//! the writer or the checkpointer last found stands in the way (a full disk,
//! a failed commit or checkpoint, a deleted or replaced archive file).
//! Otherwise 503 with the reasons. For load balancers and monitoring.
//!
//! A writable archive whose watched feeds went quiet (`--stale-after`), or
//! that was found older than what was acknowledged into it (restored from a
//! backup), is `degraded`: still 200, since deliveries would be stored, with
//! the reason.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::staleness::StaleFeed;
use super::state::AppState;
use crate::store::restore_gap::RestoreGap;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let probe = match state.writer.probe() {
        Ok(reply) => match reply.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("the writer stopped".to_owned()),
        },
        Err(rejected) => Err(format!("the writer cannot take work: {rejected:?}")),
    };
    let reads = state.reads.clone();
    let deliveries = web::block(move || -> Result<_, String> {
        let reader = reads.get().map_err(|e| e.to_string())?;
        let count = reader.delivery_count().map_err(|e| e.to_string())?;
        let last = reader.last_arrivals().map_err(|e| e.to_string())?;
        Ok((count, last))
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);

    let mut reasons = state.health.problems();
    if let Err(probe) = &probe {
        reasons.insert(0, format!("a test write failed: {probe}"));
    }
    if let Err(read) = &deliveries {
        reasons.push(format!("the archive cannot be read: {read}"));
    }
    let free_bytes = state.health.free_bytes();
    match (reasons.first(), deliveries) {
        (None, Ok((deliveries, last))) => {
            let stale = state.stale_watch.stale_now(&last);
            let mut reply = json!({
                "status": "ok",
                "writable": true,
                "deliveries": deliveries,
                "free_bytes": free_bytes,
            });
            if !stale.is_empty() {
                reply["status"] = json!("degraded");
                reply["reason"] = json!(describe(&stale[0]));
                reply["stale"] = stale.iter().map(stale_json).collect();
            }
            // Deliveries are stored, but some acknowledged ones are missing:
            // the more urgent reason.
            if let Some(gap) = &state.restore_gap {
                reply["status"] = json!("degraded");
                reply["reason"] = json!(gap.describe());
                reply["restored_from_backup"] = restore_json(gap);
            }
            HttpResponse::Ok().json(reply)
        }
        (first, _) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable",
            "writable": probe.is_ok() && !state.health.disk_low() && state.health.file_problem().is_none(),
            "reason": first,
            "reasons": reasons,
            "free_bytes": free_bytes,
        })),
    }
}

fn describe(feed: &StaleFeed) -> String {
    let limit = humanised(feed.after);
    match feed.last_received_at.and_then(time_of) {
        Some(last) => format!(
            "no {} delivery for more than {limit}: the last arrived at {last}",
            feed.kind
        ),
        None => format!(
            "no {} delivery for more than {limit} since serve started, and none before",
            feed.kind
        ),
    }
}

fn restore_json(gap: &RestoreGap) -> serde_json::Value {
    json!({
        "missing_since": gap.missing_since(),
        "missing_until": gap.missing_until(),
        "archive_delivery_id": gap.archive_newest.map(|newest| newest.delivery_id),
        "acknowledged_delivery_id": gap.acknowledged.delivery_id,
        "reconcile": gap.reconcile_command(),
    })
}

fn stale_json(feed: &StaleFeed) -> serde_json::Value {
    json!({
        "kind": feed.kind.as_str(),
        "stale_after_seconds": feed.after.as_secs(),
        "last_received_at": feed.last_received_at.and_then(time_of),
    })
}

fn time_of(millis: i64) -> Option<String> {
    jiff::Timestamp::from_millisecond(millis)
        .ok()
        .map(|t| t.to_string())
}

/// `2h`, `90m`, `45s`: the limit as it was probably given.
fn humanised(after: std::time::Duration) -> String {
    let seconds = after.as_secs();
    match seconds {
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}
