//! `GET /healthz`: 200 only when a delivery arriving now would be stored: a
//! probe commits a small write to the disk through the writer, and nothing
//! the writer or the checkpointer last found stands in the way (a full disk,
//! a failed commit or checkpoint, a deleted or replaced archive file).
//! Otherwise 503 with the reasons. For load balancers and monitoring.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::state::AppState;
use crate::store::read::delivery_count;

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
    let deliveries = web::block(move || -> Result<i64, String> {
        let conn = reads.get().map_err(|e| e.to_string())?;
        delivery_count(&conn).map_err(|e| e.to_string())
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
        (None, Ok(deliveries)) => HttpResponse::Ok().json(json!({
            "status": "ok",
            "writable": true,
            "deliveries": deliveries,
            "free_bytes": free_bytes,
        })),
        (first, _) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable",
            "writable": probe.is_ok() && !state.health.disk_low() && state.health.file_problem().is_none(),
            "reason": first,
            "reasons": reasons,
            "free_bytes": free_bytes,
        })),
    }
}
