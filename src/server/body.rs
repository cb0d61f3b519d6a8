//! Reading a POST body under the size limit, the shared body budget and a
//! deadline.
//!
//! Memory follows the bytes that actually arrived, never the length a client
//! announced: a client that declares 10 MiB and sends 64 KiB holds 64 KiB.
//! Chunks are kept as they come (actix hands them over without copying) and
//! joined once at the end.

use std::time::Duration;

use actix_web::rt::time::{Instant, timeout};
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

/// How a body is to be read.
pub struct BodyLimits<'a> {
    /// The largest body accepted.
    pub max_bytes: usize,
    /// The whole body must have arrived by then.
    pub deadline: Duration,
    /// Bytes all requests may hold at once.
    pub budget: &'a BodyBudget,
}

/// The chunks received so far.
#[derive(Default)]
struct Received {
    chunks: Vec<Bytes>,
    length: usize,
}

impl Received {
    /// The first KiB, for the refusal log.
    fn prefix(&self) -> Vec<u8> {
        let mut prefix = Vec::with_capacity(REFUSAL_PREFIX_BYTES.min(self.length));
        for chunk in &self.chunks {
            let room = REFUSAL_PREFIX_BYTES - prefix.len();
            prefix.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if prefix.len() == REFUSAL_PREFIX_BYTES {
                break;
            }
        }
        prefix
    }

    fn refuse(&self, error: WebhookError, length: usize) -> Unread {
        Unread {
            error,
            prefix: self.prefix(),
            length,
        }
    }
}

/// Reads the whole body, stopping as soon as it exceeds the limit (a body
/// announced as too large is refused after its first KiB, for the log), the
/// budget is spent, or the deadline passes (408). The bytes stay counted in
/// `budget` until `reservation` is dropped.
pub async fn read_limited(
    mut payload: web::Payload,
    declared_length: Option<usize>,
    limits: BodyLimits<'_>,
    reservation: &mut Reservation,
) -> Result<Bytes, Unread> {
    let max = limits.max_bytes;
    let announced_too_large = declared_length.is_some_and(|length| length > max);
    let deadline = Instant::now() + limits.deadline;
    let mut received = Received::default();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let next = match timeout(left, payload.next()).await {
            Ok(next) => next,
            Err(_) => {
                let seconds = limits.deadline.as_secs_f64();
                let length = declared_length.unwrap_or(received.length);
                return Err(received.refuse(WebhookError::BodyTimeout { seconds }, length));
            }
        };
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|e| {
            received.refuse(WebhookError::Unreadable(e.to_string()), received.length)
        })?;
        let length = received.length + chunk.len();
        if announced_too_large || length > max {
            received.chunks.push(chunk);
            let length = declared_length.unwrap_or(length).max(length);
            return Err(received.refuse(WebhookError::TooLarge { limit: max }, length));
        }
        if !limits.budget.grow(reservation, chunk.len()) {
            return Err(received.refuse(WebhookError::Busy, length));
        }
        received.length = length;
        received.chunks.push(chunk);
    }
    if announced_too_large {
        let length = declared_length.unwrap_or_default();
        return Err(received.refuse(WebhookError::TooLarge { limit: max }, length));
    }
    join(received, limits.budget, reservation)
}

/// One contiguous body. Joining needs the body twice for a moment, so the
/// copy is counted in the budget too, and the chunks' share given back after.
fn join(
    mut received: Received,
    budget: &BodyBudget,
    reservation: &mut Reservation,
) -> Result<Bytes, Unread> {
    if received.chunks.len() <= 1 {
        return Ok(received.chunks.pop().unwrap_or_default());
    }
    let length = received.length;
    if !budget.grow(reservation, length) {
        return Err(received.refuse(WebhookError::Busy, length));
    }
    let mut body = BytesMut::with_capacity(length);
    for chunk in received.chunks.drain(..) {
        body.extend_from_slice(&chunk);
    }
    reservation.release(length);
    Ok(body.freeze())
}
