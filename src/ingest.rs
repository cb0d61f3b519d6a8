//! From the bytes of a delivery to what the writer stores. The HTTP server and
//! the bulk loader of the benchmarks share this one path, so an archive built
//! either way is the same.

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::everflow::{
    BodyError, ExtractedDelivery, WebhookKind, extract, parse_document, query_pairs_document,
    resolve_kind,
};
use crate::store::IncomingDelivery;
use crate::store::compression::{BaseKey, Compression};

/// Where and when a delivery arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Unix milliseconds.
    pub received_at: i64,
    pub method: &'static str,
    pub sender: Option<String>,
    pub forwarded_for: Option<String>,
}

/// Parses, classifies and extracts `raw` (the bytes to archive) as the kind
/// `declared` (the URL's) or, when the body is surely another resource or
/// no kind was declared, as the one its shape says (see `resolve_kind`), and
/// compresses it: against the last version of its resource when that helps,
/// else with the dictionary of its resource type. `json` is the document to
/// read when it is not `raw` itself: a GET delivery archives its query string
/// but is read as the JSON object of its pairs.
pub fn prepare_delivery(
    declared: Option<WebhookKind>,
    raw: Bytes,
    json: Option<&[u8]>,
    arrival: Arrival,
    compression: &Compression,
) -> Result<IncomingDelivery, BodyError> {
    let (extracted, resolved) = {
        let doc = parse_document(json.unwrap_or(&raw))?;
        let resolved = resolve_kind(declared, &doc)?;
        (extract(resolved.kind, &doc)?, resolved)
    };
    let resource_type = extracted.kind.resource_type();
    let resource_ids: Vec<&str> = extracted
        .resources
        .iter()
        .map(|resource| resource.resource_id.as_str())
        .collect();
    let base_key = BaseKey::of(resource_type, &resource_ids);
    let body = compression.keep(resource_type, base_key.as_ref(), &raw);
    Ok(IncomingDelivery {
        received_at: arrival.received_at,
        kind: extracted.kind,
        kind_source: resolved.source,
        url_kind: resolved.url_kind,
        method: arrival.method,
        sender: arrival.sender,
        forwarded_for: arrival.forwarded_for,
        body_sha256: Sha256::digest(&raw).into(),
        whole_if_reference_gone: body.reference_body_id.is_some().then(|| raw.clone()),
        body,
        base_key,
        resources: extracted.resources,
    })
}

/// The JSON document a GET delivery is read as: the pairs of its query string
/// as archived (the token already removed), as an object of strings. Every
/// query string reads as pairs (form decoding cannot fail: bytes that are not
/// UTF-8 after percent-decoding become U+FFFD, the body itself is archived
/// byte for byte).
pub fn query_document(query: &str) -> String {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(name, _)| name != "token")
        .collect();
    query_pairs_document(&pairs)
}

/// Reads an archived body again the way `serve` read it on arrival, as the
/// kind it was archived under: what `verify` compares the archive against.
pub fn reread(kind: WebhookKind, method: &str, raw: &[u8]) -> Result<ExtractedDelivery, BodyError> {
    let document = (method == "GET").then(|| query_document(&String::from_utf8_lossy(raw)));
    let doc = parse_document(document.as_ref().map_or(raw, String::as_bytes))?;
    extract(kind, &doc)
}
