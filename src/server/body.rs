//! Reading what a delivery carries: a POST body under the size limit, or a GET
//! query string (minus the token).

use actix_web::web::{self, BytesMut};
use bytes::Bytes;
use futures_util::StreamExt;

use super::error::WebhookError;
use crate::store::incoming::REFUSAL_PREFIX_BYTES;

/// A body we refused to finish reading, with what the refusal log keeps of it.
pub struct Oversized {
    pub error: WebhookError,
    pub prefix: Vec<u8>,
    pub length: usize,
}

/// Reads the whole body, stopping as soon as it exceeds `limit`, so a hostile
/// sender cannot make us buffer more than the limit.
pub async fn read_limited(
    mut payload: web::Payload,
    declared_length: Option<usize>,
    limit: usize,
) -> Result<Bytes, Oversized> {
    let too_large = |prefix: &[u8], length| Oversized {
        error: WebhookError::TooLarge { limit },
        prefix: prefix[..prefix.len().min(REFUSAL_PREFIX_BYTES)].to_vec(),
        length,
    };
    if let Some(length) = declared_length.filter(|&length| length > limit) {
        return Err(too_large(&[], length));
    }
    let mut body = BytesMut::with_capacity(declared_length.unwrap_or(0));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| Oversized {
            error: WebhookError::Unreadable(e.to_string()),
            prefix: body[..body.len().min(REFUSAL_PREFIX_BYTES)].to_vec(),
            length: body.len(),
        })?;
        if body.len() + chunk.len() > limit {
            let length = body.len() + chunk.len();
            body.extend_from_slice(&chunk[..chunk.len().min(REFUSAL_PREFIX_BYTES)]);
            return Err(too_large(&body, length));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}
