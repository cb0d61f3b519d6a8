//! `GET /metrics`: the exposition, for a Prometheus scraper that presents
//! the webhook token (`Authorization: Bearer …` or `?token=`).

use actix_web::{HttpRequest, HttpResponse, web};

use super::error::WebhookError;
use super::state::AppState;
use super::webhook::authenticate;

const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebhookError> {
    authenticate(&req, &state).await?;
    let metrics = std::sync::Arc::clone(&state.metrics);
    // The scrape reads the archive's counters: off the async workers.
    let text = web::block(move || metrics.encode())
        .await
        .map_err(|e| WebhookError::Unavailable(e.to_string()))?
        .map_err(|e| WebhookError::Unavailable(format!("cannot encode the metrics: {e}")))?;
    Ok(HttpResponse::Ok().content_type(OPENMETRICS).body(text))
}
