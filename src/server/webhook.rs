//! The webhook endpoints: authenticate, read, understand, hand to the writer,
//! and answer 200 only once the delivery is durably committed.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::query_without_token;
use super::body::{BodyLimits, read_limited};
use super::error::WebhookError;
use super::metrics::kind_label;
use super::state::AppState;
use crate::everflow::kind::WebhookKind;
use crate::everflow::{Arrival, query_document, read_delivery};
use crate::store::incoming::REFUSAL_PREFIX_BYTES;
use crate::store::{Refusal, Rejected, WriteFailed};

/// `POST|GET /webhooks/{kind}`: the kind is declared by the URL.
pub async fn receive_declared(
    req: HttpRequest,
    kind: web::Path<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebhookError> {
    receive(req, Some(kind.into_inner()), payload, state).await
}

/// `POST|GET /webhooks`: the kind is detected from the body's shape.
pub async fn receive_detected(
    req: HttpRequest,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebhookError> {
    receive(req, None, payload, state).await
}

/// `GET /kinds`: the kind names a URL may end in, for a human who got one wrong.
pub async fn list_kinds() -> HttpResponse {
    let kinds: Vec<&str> = WebhookKind::ALL.iter().map(|k| k.as_str()).collect();
    HttpResponse::Ok().json(serde_json::json!({ "kinds": kinds }))
}

/// A request we refused after authenticating it, with what the log keeps.
struct Refused {
    error: WebhookError,
    body_prefix: Vec<u8>,
    body_length: usize,
}

impl Refused {
    fn new(error: WebhookError, body: &[u8], body_length: usize) -> Refused {
        Refused {
            error,
            body_prefix: body[..body.len().min(REFUSAL_PREFIX_BYTES)].to_vec(),
            body_length,
        }
    }
}

impl From<WebhookError> for Refused {
    fn from(error: WebhookError) -> Refused {
        Refused::new(error, &[], 0)
    }
}

async fn receive(
    req: HttpRequest,
    declared: Option<String>,
    payload: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, WebhookError> {
    let received_at = unix_millis();
    let started = Instant::now();
    authenticate(&req, &state).await?;
    match archive(&req, declared.as_deref(), payload, &state, received_at).await {
        Ok(stored) => {
            // One line per delivery; never the token (it is in the query
            // string, which is not logged) nor the body.
            tracing::info!(
                kind = %stored.kind.as_str(),
                outcome = %stored.outcome,
                status = 200,
                latency_ms = millis_since(started),
                sender = %sender_of(&req).as_deref().unwrap_or("-"),
                delivery_id = stored.delivery_id,
                ids = %stored.resource_ids,
                "delivery archived"
            );
            Ok(stored.response)
        }
        Err(refused) => {
            state
                .metrics
                .refused(kind_label(declared.as_deref()), refused.error.code());
            let status = actix_web::ResponseError::status_code(&refused.error).as_u16();
            tracing::warn!(
                kind = %declared.as_deref().unwrap_or("-"),
                outcome = %"refused",
                status,
                reason = %refused.error.code(),
                latency_ms = millis_since(started),
                sender = %sender_of(&req).as_deref().unwrap_or("-"),
                "delivery refused: {}",
                refused.error
            );
            // Not logged when the log line could not be written either: the
            // queue it would join is full, the disk is, or the file is gone.
            let unloggable = matches!(
                refused.error,
                WebhookError::Busy | WebhookError::DiskLow { .. } | WebhookError::Unavailable(_)
            );
            if !unloggable {
                let logged = state.writer.log_refusal(Refusal {
                    received_at,
                    // The canonical name when the URL named a kind (partner_… is
                    // affiliate_…), as given when it named none we know.
                    kind: declared.map(|name| {
                        WebhookKind::from_name(&name).map_or(name, |kind| kind.as_str().to_owned())
                    }),
                    method: method_name(&req),
                    http_status: status,
                    reason: refused.error.code(),
                    detail: refused.error.to_string(),
                    body_length: refused.body_length,
                    body_prefix: refused.body_prefix,
                    sender: sender_of(&req),
                });
                if let Some(logged) = logged {
                    let _ = logged.await;
                }
            }
            Err(refused.error)
        }
    }
}

/// Lets a request through if it carries the token (`?token=` or a Bearer
/// header); otherwise counts it (for the log summary and the metrics) and
/// refuses it.
pub(super) async fn authenticate(req: &HttpRequest, state: &AppState) -> Result<(), WebhookError> {
    let query: Vec<(String, String)> = form_urlencoded::parse(req.query_string().as_bytes())
        .into_owned()
        .collect();
    if state.token.accepts(req, &query).await {
        return Ok(());
    }
    state.unauthorized.count(sender_of(req));
    state.metrics.unauthorized();
    Err(WebhookError::Unauthorized)
}

/// A delivery archived: the answer, and what its log line says.
struct Archived {
    response: HttpResponse,
    kind: WebhookKind,
    outcome: &'static str,
    delivery_id: i64,
    resource_ids: String,
}

/// Milliseconds since `started`, to the microsecond.
fn millis_since(started: Instant) -> f64 {
    (started.elapsed().as_micros() as f64) / 1000.0
}

/// Everything after authentication: read, understand, store, answer.
async fn archive(
    req: &HttpRequest,
    declared: Option<&str>,
    payload: web::Payload,
    state: &AppState,
    received_at: i64,
) -> Result<Archived, Refused> {
    let declared_kind = match declared {
        Some(name) => Some(
            WebhookKind::from_name(name)
                .ok_or_else(|| WebhookError::UnknownKind(name.to_owned()))?,
        ),
        None => None,
    };

    // Turned away before the body is read when it could not be stored.
    if let Some(problem) = state.health.file_problem() {
        return Err(WebhookError::Unavailable(problem).into());
    }
    if state.health.disk_low() {
        let free_mib = state.health.free_bytes() / (1024 * 1024);
        return Err(WebhookError::DiskLow { free_mib }.into());
    }

    let is_get = req.method() == actix_web::http::Method::GET;
    // Held until the answer is sent: the body stays in memory until committed.
    let mut reservation = state.body_budget.reserve();
    let raw = if is_get {
        bytes::Bytes::from(query_without_token(req.query_string()))
    } else {
        let limits = BodyLimits {
            max_bytes: state.max_body,
            deadline: state.body_timeout,
            budget: &state.body_budget,
        };
        read_limited(payload, content_length(req), limits, &mut reservation)
            .await
            .map_err(|unread| Refused::new(unread.error, &unread.prefix, unread.length))?
    };

    // A GET delivery's fields are its query pairs, read as the JSON object of
    // strings they spell.
    let get_document = is_get.then(|| query_document(&String::from_utf8_lossy(&raw)));
    let arrival = Arrival {
        received_at,
        method: method_name(req),
        sender: sender_of(req),
        forwarded_for: req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    };
    let delivery = read_delivery(
        declared_kind,
        raw.clone(),
        get_document.as_ref().map(String::as_bytes),
        arrival,
    )
    .map_err(|e| Refused::new(WebhookError::from(e), &raw, raw.len()))?;
    let resource_ids: Vec<String> = delivery
        .resources
        .iter()
        .map(|r| r.resource_id.clone())
        .collect();
    let (kind, kind_source, url_kind) = (delivery.kind, delivery.kind_source, delivery.url_kind);
    let pending = state
        .intake
        .submit(delivery)
        .map_err(|rejected| match rejected {
            Rejected::Busy => WebhookError::Busy,
            Rejected::Stopped => WebhookError::Unavailable("the writer has stopped".to_owned()),
        })?;
    let stored = match pending.committed().await {
        Ok(stored) => stored,
        Err(WriteFailed::Storage(e)) => {
            tracing::error!("delivery to {} not stored: {e}", req.path());
            return Err(WebhookError::Unavailable(e).into());
        }
        Err(WriteFailed::Stopped) => {
            return Err(WebhookError::Unavailable(
                "the writer stopped before committing".to_owned(),
            )
            .into());
        }
    };
    state.metrics.stored(kind, stored.outcome.as_str());
    let mut answer = serde_json::json!({
        "status": "archived",
        "kind": kind.as_str(),
        "kind_source": kind_source.as_str(),
        "outcome": stored.outcome.as_str(),
        "delivery_id": stored.delivery_id,
        "resource_ids": resource_ids,
    });
    if let Some(url_kind) = url_kind {
        // The sender (and whoever reads its delivery log) sees the mismatch.
        answer["url_kind"] = url_kind.as_str().into();
        state.metrics.misrouted(url_kind, kind);
        state.misroutes.note(url_kind, kind, req.path());
    }
    Ok(Archived {
        kind,
        outcome: stored.outcome.as_str(),
        delivery_id: stored.delivery_id,
        resource_ids: resource_ids.join(","),
        response: HttpResponse::Ok().json(answer),
    })
}

fn content_length(req: &HttpRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

fn method_name(req: &HttpRequest) -> &'static str {
    if req.method() == actix_web::http::Method::GET {
        "GET"
    } else {
        "POST"
    }
}

fn sender_of(req: &HttpRequest) -> Option<String> {
    req.peer_addr().map(|addr| addr.ip().to_string())
}

fn unix_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}
