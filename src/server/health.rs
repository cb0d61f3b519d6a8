//! `GET /healthz`: 200 when the archive is writable (the writer can take the
//! write lock) and readable, 503 otherwise. For load balancers and monitoring.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::state::AppState;

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let writable = match state.writer.probe() {
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
        conn.query_row(
            "SELECT coalesce(max(delivery_id), 0) FROM deliveries",
            [],
            |row| row.get(0),
        )
        .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())
    .and_then(|r| r);

    match (writable, deliveries) {
        (Ok(()), Ok(deliveries)) => HttpResponse::Ok().json(json!({
            "status": "ok",
            "writable": true,
            "deliveries": deliveries,
        })),
        (writable, deliveries) => HttpResponse::ServiceUnavailable().json(json!({
            "status": "unavailable",
            "writable": writable.is_ok(),
            "reason": writable.err().or(deliveries.err()),
        })),
    }
}
