//! Every way a webhook request can fail, mapped to its HTTP status in one place.
//! Bodies are JSON `{"error": code, "message": text}` so a sender (or the
//! operator reading the refusal log) sees what was wrong.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::everflow::BodyError;

/// Seconds a sender should wait before retrying when the writer queue is full.
const RETRY_AFTER_SECONDS: &str = "1";
/// The same when the disk is nearly full.
const DISK_RETRY_AFTER_SECONDS: &str = "30";

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(
        "missing or wrong token: add ?token=SECRET to the URL or send Authorization: Bearer SECRET"
    )]
    Unauthorized,
    #[error("unknown webhook kind '{0}'; the kinds are listed at GET /kinds")]
    UnknownKind(String),
    #[error("body larger than the limit of {limit} bytes (set by --max-body)")]
    TooLarge { limit: usize },
    #[error("could not read the request body: {0}")]
    Unreadable(String),
    #[error(
        "the body did not arrive within {seconds} s (set by --body-timeout); send it at once, or retry"
    )]
    BodyTimeout { seconds: f64 },
    #[error(transparent)]
    Body(#[from] BodyError),
    #[error("the archive is busy; retry after {RETRY_AFTER_SECONDS} s")]
    Busy,
    #[error("the archive is not accepting deliveries: {0}")]
    Unavailable(String),
    #[error(
        "the archive's disk is nearly full ({free_mib} MiB free, less than the reserve set by --disk-reserve plus the WAL); retry later"
    )]
    DiskLow { free_mib: u64 },
}

impl WebhookError {
    /// Stable, machine-readable reason.
    pub fn code(&self) -> &'static str {
        match self {
            WebhookError::Unauthorized => "unauthorized",
            WebhookError::UnknownKind(_) => "unknown_kind",
            WebhookError::TooLarge { .. } => "body_too_large",
            WebhookError::Unreadable(_) => "unreadable_body",
            WebhookError::BodyTimeout { .. } => "body_timeout",
            WebhookError::Body(e) => e.code(),
            WebhookError::Busy => "busy",
            WebhookError::Unavailable(_) => "unavailable",
            WebhookError::DiskLow { .. } => "disk_full",
        }
    }
}

impl ResponseError for WebhookError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebhookError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebhookError::UnknownKind(_) => StatusCode::NOT_FOUND,
            WebhookError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            WebhookError::Unreadable(_) => StatusCode::BAD_REQUEST,
            WebhookError::BodyTimeout { .. } => StatusCode::REQUEST_TIMEOUT,
            WebhookError::Body(
                BodyError::Empty | BodyError::NotUtf8 { .. } | BodyError::InvalidJson(_),
            ) => StatusCode::BAD_REQUEST,
            WebhookError::Body(BodyError::FormEncoded) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebhookError::Body(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebhookError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            // 503, not 500: Everflow should retry, and a retry may well succeed.
            WebhookError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebhookError::DiskLow { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        let retry_after = match self {
            WebhookError::Busy | WebhookError::Unavailable(_) => Some(RETRY_AFTER_SECONDS),
            // Room comes back when the WAL is checkpointed, or when someone
            // frees space: not within a second.
            WebhookError::DiskLow { .. } => Some(DISK_RETRY_AFTER_SECONDS),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from_static(seconds)));
        }
        response.json(serde_json::json!({
            "error": self.code(),
            "message": self.to_string(),
        }))
    }
}
