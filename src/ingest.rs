//! From the bytes of a delivery to what the writer stores. The HTTP server and
//! the bulk loader of the benchmarks share this one path, so an archive built
//! either way is the same.

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::everflow::{BodyError, WebhookKind, extract, parse_document, resolve_kind};
use crate::store::IncomingDelivery;

/// Where and when a delivery arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Unix milliseconds.
    pub received_at: i64,
    pub method: &'static str,
    pub sender: Option<String>,
    pub forwarded_for: Option<String>,
}

/// Parses, classifies and extracts `raw` (the bytes to archive). `json` is the
/// document to read when it is not `raw` itself: a GET delivery archives its
/// query string but is read as the JSON object of its pairs.
pub fn prepare_delivery(
    declared: Option<WebhookKind>,
    raw: Bytes,
    json: Option<&[u8]>,
    arrival: Arrival,
) -> Result<IncomingDelivery, BodyError> {
    let (extracted, kind_source) = {
        let doc = parse_document(json.unwrap_or(&raw))?;
        let (kind, kind_source) = resolve_kind(declared, &doc)?;
        (extract(kind, &doc)?, kind_source)
    };
    Ok(IncomingDelivery {
        received_at: arrival.received_at,
        kind: extracted.kind,
        kind_source,
        method: arrival.method,
        sender: arrival.sender,
        forwarded_for: arrival.forwarded_for,
        body_sha256: Sha256::digest(&raw).into(),
        raw,
        resources: extracted.resources,
    })
}
