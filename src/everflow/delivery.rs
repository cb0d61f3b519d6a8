//! A delivery read: from the bytes Everflow sent, and where and when they
//! arrived, to the kind it is and the resources it carries. The HTTP server,
//! `import`, `reconcile` and the benchmarks all read deliveries here, and
//! hand what they read to the store's write door (`store::Intake`), so an
//! archive built any of these ways is the same.

use bytes::Bytes;

use super::{
    BodyError, ExtractedDelivery, KindSource, ResourceRecord, WebhookKind, extract, parse_document,
    query_pairs_document, resolve_kind,
};

/// Where and when a delivery arrived.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Unix milliseconds.
    pub received_at: i64,
    pub method: &'static str,
    pub sender: Option<String>,
    pub forwarded_for: Option<String>,
}

/// What reading a delivery produced: its kind, how the kind was learned,
/// its resources, and the bytes to archive as they arrived.
#[derive(Debug)]
pub struct ReadDelivery {
    pub kind: WebhookKind,
    pub kind_source: KindSource,
    /// The kind the URL named when the body surely was another resource
    /// (read as `kind`, detected): a webhook wired to the wrong URL.
    pub url_kind: Option<WebhookKind>,
    pub resources: Vec<ResourceRecord>,
    /// The body as received (a GET delivery's query string without the
    /// token), archived byte for byte.
    pub raw: Bytes,
    pub arrival: Arrival,
}

/// Parses, classifies and extracts `raw` as the kind `declared` (the URL's)
/// or, when the body is surely another resource or no kind was declared, as
/// the one its shape says (see `resolve_kind`). `json` is the document to
/// read when it is not `raw` itself: a GET delivery archives its query
/// string but is read as the JSON object of its pairs.
pub fn read_delivery(
    declared: Option<WebhookKind>,
    raw: Bytes,
    json: Option<&[u8]>,
    arrival: Arrival,
) -> Result<ReadDelivery, BodyError> {
    let doc = parse_document(json.unwrap_or(&raw))?;
    let resolved = resolve_kind(declared, &doc)?;
    let extracted = extract(resolved.kind, &doc)?;
    Ok(ReadDelivery {
        kind: extracted.kind,
        kind_source: resolved.source,
        url_kind: resolved.url_kind,
        resources: extracted.resources,
        raw,
        arrival,
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
