//! Reading a POST body under the size limit and the shared body budget.

use actix_web::web::{self, BytesMut};
use bytes::Bytes;
use futures_util::StreamExt;

use super::budget::{BodyBudget, Reservation};
use super::error::WebhookError;
use crate::store::incoming::REFUSAL_PREFIX_BYTES;

/// A body we refused to finish reading, with what the refusal log keeps of it.
pub struct Unread {
    pub error: WebhookError,
    pub prefix: Vec<u8>,
    pub length: usize,
}

/// Reads the whole body, stopping as soon as it exceeds `limit` (a body
/// announced as too large is refused after its first KiB, for the log).
/// The bytes stay counted in `budget` until `reservation` is dropped.
pub async fn read_limited(
    mut payload: web::Payload,
    declared_length: Option<usize>,
    limit: usize,
    budget: &BodyBudget,
    reservation: &mut Reservation,
) -> Result<Bytes, Unread> {
    let announced_too_large = declared_length.is_some_and(|length| length > limit);
    let mut body = BytesMut::with_capacity(declared_length.unwrap_or(0).min(limit));
    let unread = |error, body: &BytesMut, length| Unread {
        error,
        prefix: body[..body.len().min(REFUSAL_PREFIX_BYTES)].to_vec(),
        length,
    };
    while let Some(chunk) = payload.next().await {
        let chunk = chunk
            .map_err(|e| unread(WebhookError::Unreadable(e.to_string()), &body, body.len()))?;
        let length = body.len() + chunk.len();
        if announced_too_large || length > limit {
            body.extend_from_slice(&chunk[..chunk.len().min(REFUSAL_PREFIX_BYTES)]);
            let length = declared_length.unwrap_or(length).max(length);
            return Err(unread(WebhookError::TooLarge { limit }, &body, length));
        }
        if !budget.grow(reservation, chunk.len()) {
            return Err(unread(WebhookError::Busy, &body, length));
        }
        body.extend_from_slice(&chunk);
    }
    if announced_too_large {
        let length = declared_length.unwrap_or_default();
        return Err(unread(WebhookError::TooLarge { limit }, &body, length));
    }
    Ok(body.freeze())
}
